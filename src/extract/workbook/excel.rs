//! Excel workbooks (.xlsx, .xlsm) through calamine; .xls is in [`super::xls`].
//!
//! calamine inflates the package's members itself, and builds a dense grid
//! for `worksheet_range` (two cells at opposite corners of a sheet would ask
//! for billions of cells), so: the package's declared sizes are checked
//! against the caps first (the zip crate stops a member at its declared
//! size), the shared-string count that calamine reserves room for is checked
//! against the part's size, and cells are streamed one at a time
//! (`worksheet_cells_reader`) into the [`Collector`], never as a grid.

use super::{Collector, Limits};
use crate::document::Document;
use crate::error::ExtractError;
use crate::extract::zipped::{self, Package};
use calamine::{Data, DataRef, ExcelDateTime, Reader, SheetType, Xlsx, XlsxError};
use std::io::Cursor;

const FORMAT: &str = "XLSX";

pub fn extract_xlsx(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    if zipped::is_encrypted_ooxml(bytes) {
        return Err(ExtractError::Encrypted(
            "the workbook is protected with a password".into(),
        ));
    }
    if bytes.starts_with(zipped::OLE_MAGIC) {
        // An .xls saved under an .xlsx name: Excel opens it, so does keiyaku.
        return super::xls::extract_xls(bytes, limits);
    }
    let mut package = Package::open(bytes, FORMAT, limits.zip)?;
    // Sheets are streamed cell by cell, never held whole.
    package.check_declared(|name| name.to_ascii_lowercase().contains("worksheets/"))?;
    check_shared_strings(&mut package)?;
    drop(package);
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(error)?;
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
        // A sheet that cannot be read to its end makes the workbook corrupt,
        // as a broken document.xml makes a DOCX: never a quiet partial read.
        let broken = |e: XlsxError| ExtractError::corrupt(FORMAT, format!("sheet {name}: {e}"));
        let mut cells = book.worksheet_cells_reader(&name).map_err(broken)?;
        while let Some(cell) = cells.next_cell().map_err(broken)? {
            let (row, col) = cell.get_position();
            if !collector.cell(row, col, &text(cell.get_value())) {
                break;
            }
        }
    }
    Ok(collector.finish())
}

fn error(e: XlsxError) -> ExtractError {
    match e {
        XlsxError::Password => {
            ExtractError::Encrypted("the workbook is protected with a password".into())
        }
        e => ExtractError::corrupt(FORMAT, e),
    }
}

/// calamine reserves room for as many strings as `<sst uniqueCount>` says
/// before reading one: a count the part cannot hold (each `<si/>` takes at
/// least five bytes) is a corrupt file, not an allocation to attempt.
fn check_shared_strings(package: &mut Package) -> Result<(), ExtractError> {
    let parts: Vec<String> = package
        .names()
        .into_iter()
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    for part in parts {
        let size = package.declared_size(&part).unwrap_or(0);
        let Some(head) = package.head(&part, 4096) else {
            continue;
        };
        let head = String::from_utf8_lossy(&head);
        let Some(count) = declared_count(&head) else {
            continue;
        };
        if count > size / 5 {
            return Err(ExtractError::corrupt(
                FORMAT,
                format!("{part} declares {count} strings in {size} bytes"),
            ));
        }
    }
    Ok(())
}

/// The `uniqueCount` of the `<sst>` element at the start of a part.
fn declared_count(head: &str) -> Option<u64> {
    let sst = head.find("<sst")?;
    let tag = &head[sst..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let at = tag.find("uniqueCount")?;
    let value = tag[at..].split(['"', '\'']).nth(1)?;
    // A count too long to parse is over any cap.
    Some(value.trim().parse::<u64>().unwrap_or(u64::MAX))
}

/// A cell as a reader sees it: text as written, whole numbers without a
/// decimal point, dates as 2025/04/01.
fn text(v: &DataRef) -> String {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => date(d),
        // An error value (#N/A) is no text a reader takes in.
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// [`text`] for a cell of a sheet read whole (.xls).
pub fn data_text(v: &Data) -> String {
    match v {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => date(d),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn date(d: &ExcelDateTime) -> String {
    let v = d.as_f64();
    // Serial days up to 9999-12-31; anything else is shown as the number.
    if d.is_datetime() && (0.0..2_958_466.0).contains(&v) {
        let (y, m, day, h, min, _, _) = d.to_ymd_hms_milli();
        if h == 0 && min == 0 {
            format!("{y}/{m:02}/{day:02}")
        } else {
            format!("{y}/{m:02}/{day:02} {h:02}:{min:02}")
        }
    } else {
        number(v)
    }
}

fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_string_count_is_read_from_the_sst_tag() {
        assert_eq!(
            declared_count(r#"<?xml?><sst xmlns="x" count="3" uniqueCount="2">"#),
            Some(2)
        );
        assert_eq!(
            declared_count(r#"<sst uniqueCount="99999999999999999999999">"#),
            Some(u64::MAX)
        );
        assert_eq!(declared_count("<sst>"), None);
    }

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(99.9), "99.9");
        assert_eq!(number(f64::NAN), "NaN");
    }
}
