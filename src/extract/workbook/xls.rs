//! Excel 97–2003 workbooks (.xls) through calamine, behind checks of our own.
//!
//! calamine's .xls reader is not made for hostile files (see [`super::biff`]),
//! so it only ever sees what has been checked:
//! 1. the compound file is opened with the `cfb` crate, which validates its
//!    sector chains and directory; the Workbook stream is read under a cap;
//! 2. the stream's records are walked and their costs measured against the
//!    caps ([`biff::check`]); a FILEPASS record means a password;
//! 3. the stream is put into a fresh compound file of our own making, so
//!    calamine's own compound-file reader never parses the file's structure;
//! 4. calamine reads it behind the panic firewall (`crate::guard`), a last resort for the panics
//!    of its record parsers (indexing past a short record).

use super::biff::{self, Caps};
use super::excel::data_text;
use super::{Collector, Limits};
use crate::document::Document;
use crate::error::ExtractError;
use crate::extract::zipped;
use calamine::{Reader, SheetType, Xls, XlsError};
use std::io::{Cursor, Read, Write};

const FORMAT: &str = "XLS";

/// The Workbook stream is read whole (calamine needs it so): no workbook
/// with contract text comes near this.
pub const MAX_STREAM_BYTES: u64 = 64 * 1024 * 1024;

pub fn extract_xls(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    extract_with_caps(bytes, limits, &Caps::default())
}

/// [`extract_xls`] with other caps (tests use small ones).
pub fn extract_with_caps(
    bytes: &[u8],
    limits: &Limits,
    caps: &Caps,
) -> Result<Document, ExtractError> {
    if bytes.starts_with(b"PK\x03\x04") {
        // An .xlsx saved under an .xls name: Excel opens it, so does keiyaku.
        return super::excel::extract_xlsx(bytes, limits);
    }
    if !bytes.starts_with(zipped::OLE_MAGIC) {
        return Err(foreign(bytes));
    }
    let (name, stream) = workbook_stream(bytes)?;
    biff::check(&stream, caps)?;
    let clean = rewrap(name, &stream)?;
    drop(stream);
    crate::guard::guarded(|| read(clean, limits)).unwrap_or_else(|p| {
        let why = crate::guard::message(p.as_ref());
        Err(ExtractError::corrupt(
            FORMAT,
            format!("calamine could not read it: {why}"),
        ))
    })
}

/// What a non-OLE file under an .xls name is: web applications export
/// HTML tables and SpreadsheetML as .xls.
fn foreign(bytes: &[u8]) -> ExtractError {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') || head.contains("mime-version:") {
        ExtractError::Unsupported(
            "a web page or XML spreadsheet under an .xls name: not read yet; save it as .xlsx"
                .into(),
        )
    } else {
        ExtractError::corrupt(FORMAT, "not an OLE compound file (bad header)")
    }
}

/// The Workbook stream (Book for Excel 5.0/95), read within the cap.
fn workbook_stream(bytes: &[u8]) -> Result<(&'static str, Vec<u8>), ExtractError> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
        ExtractError::corrupt(FORMAT, format!("not a readable OLE compound file ({e})"))
    })?;
    if cf.is_stream("/EncryptedPackage") {
        return Err(ExtractError::Encrypted(
            "the workbook is protected with a password".into(),
        ));
    }
    let Some(name) = ["Workbook", "Book"]
        .into_iter()
        .find(|n| cf.is_stream(format!("/{n}")))
    else {
        return Err(ExtractError::corrupt(
            FORMAT,
            "no Workbook stream: not an Excel workbook",
        ));
    };
    let path = format!("/{name}");
    let declared = cf.entry(&path).map(|e| e.len()).unwrap_or(0);
    let over = || {
        ExtractError::Cap(format!(
            "the .xls Workbook stream is larger than {MAX_STREAM_BYTES} bytes"
        ))
    };
    if declared > MAX_STREAM_BYTES {
        return Err(over());
    }
    let s = cf
        .open_stream(&path)
        .map_err(|e| ExtractError::corrupt(FORMAT, format!("{name} stream: {e}")))?;
    let mut buf = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    s.take(MAX_STREAM_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ExtractError::corrupt(FORMAT, format!("{name} stream: {e}")))?;
    if buf.len() as u64 > MAX_STREAM_BYTES {
        return Err(over());
    }
    Ok((name, buf))
}

/// A compound file holding `stream` alone, written by the `cfb` crate in
/// version 3 (512-byte sectors, as Excel writes it: calamine does not find
/// the streams of a version 4 file).
fn rewrap(name: &str, stream: &[u8]) -> Result<Vec<u8>, ExtractError> {
    let internal = |e: std::io::Error| ExtractError::Internal(format!("re-packing the .xls: {e}"));
    let mut cf = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
        .map_err(internal)?;
    cf.create_stream(format!("/{name}"))
        .and_then(|mut s| s.write_all(stream))
        .map_err(internal)?;
    cf.flush().map_err(internal)?;
    Ok(cf.into_inner().into_inner())
}

fn read(clean: Vec<u8>, limits: &Limits) -> Result<Document, ExtractError> {
    let mut book = Xls::new(Cursor::new(clean)).map_err(error)?;
    let sheets: Vec<(String, SheetType)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.typ))
        .collect();
    let mut collector = Collector::new(*limits);
    for (name, typ) in sheets {
        // Hidden sheets are read too: their text is the workbook's.
        if !collector.start_sheet(&name) || typ != SheetType::WorkSheet {
            continue;
        }
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ExtractError::corrupt(FORMAT, format!("sheet {name}: {e}")))?;
        // used_cells counts from the range's first cell.
        let (top, left) = range.start().unwrap_or((0, 0));
        for (row, col, value) in range.used_cells() {
            let at = |i: usize, base: u32| u32::try_from(i).ok()?.checked_add(base);
            let (Some(row), Some(col)) = (at(row, top), at(col, left)) else {
                continue;
            };
            if !collector.cell(row, col, &data_text(value)) {
                break;
            }
        }
    }
    Ok(collector.finish())
}

fn error(e: XlsError) -> ExtractError {
    match e {
        XlsError::Password => {
            ExtractError::Encrypted("the workbook is protected with a password".into())
        }
        e => ExtractError::corrupt(FORMAT, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_page_under_an_xls_name_is_unsupported_and_noise_is_corrupt() {
        let e = extract_xls(b"<html><table>", &Limits::default()).unwrap_err();
        assert!(matches!(e, ExtractError::Unsupported(_)), "{e}");
        let e = extract_xls(b"\x00\x01garbage", &Limits::default()).unwrap_err();
        assert!(matches!(e, ExtractError::Corrupt { .. }), "{e}");
    }

    #[test]
    fn a_compound_file_without_a_workbook_stream_is_corrupt() {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        cf.create_stream("/Other").unwrap().write_all(b"x").unwrap();
        cf.flush().unwrap();
        let bytes = cf.into_inner().into_inner();
        let e = extract_xls(&bytes, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("no Workbook stream"), "{e}");
    }
}
