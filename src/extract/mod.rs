//! Extraction: one file → the shared [`Document`] model, or a typed error.

pub mod bundle;
pub mod doc;
pub mod docx;
pub mod ocr;
pub mod odf;
pub mod pdf;
pub mod rtf;
pub mod text;
pub mod workbook;
pub mod zipped;

use crate::discover::contents::Contents;
use crate::discover::Format;
use crate::document::Document;
use crate::error::ExtractError;

/// Files beyond this are not read (no contract comes near it).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

pub fn extract_bytes(format: Format, bytes: &[u8]) -> Result<Document, ExtractError> {
    let doc = match format {
        Format::Pdf => pdf::extract(bytes)?,
        Format::Docx => docx::extract(bytes)?,
        Format::Doc => doc::extract(bytes)?,
        Format::Text => text::extract(bytes)?,
        Format::Tiff | Format::Jpeg | Format::Png => {
            return Err(ExtractError::Unsupported(format!(
                "a .{} image: its text can only be read by OCR",
                format.name()
            )))
        }
        Format::Xlsx => workbook::excel::extract_xlsx(bytes, &workbook::Limits::default())?,
        Format::Xls => workbook::xls::extract_xls(bytes, &workbook::Limits::default())?,
        Format::Ods => odf::sheet::extract(bytes, &workbook::Limits::default())?,
        Format::Odt => odf::text::extract(bytes)?,
        Format::Rtf => rtf::extract(bytes)?,
    };
    not_empty(doc)
}

/// [`extract_bytes`] taking the bytes, so an extractor can free them once
/// parsed (PDF), with the PDF caps of the scan. With `pdf_limits.scans`, a
/// PDF's image-only pages are left in [`Document::scanned`] for OCR, and a
/// PDF of such pages alone is returned without text.
pub fn extract_owned(
    format: Format,
    bytes: Contents,
    pdf_limits: &pdf::Limits,
    pdf_glyphs: usize,
) -> Result<Document, ExtractError> {
    match format {
        Format::Pdf => {
            let doc = pdf::extract_owned(bytes, pdf_limits, pdf_glyphs)?;
            if doc.scanned.is_empty() {
                not_empty(doc)
            } else {
                Ok(doc)
            }
        }
        _ => {
            let read = extract_bytes(format, &bytes);
            if bytes.truncated() {
                return Err(truncated());
            }
            read
        }
    }
}

/// The error of a file shortened by another program while it was read
/// (see [`crate::discover::contents::Contents::truncated`]).
pub(crate) fn truncated() -> ExtractError {
    ExtractError::Io(std::io::Error::other(
        "the file was shortened by another program while it was read",
    ))
}

fn not_empty(doc: Document) -> Result<Document, ExtractError> {
    if doc.is_empty() {
        return Err(ExtractError::NoText("the document contains no text".into()));
    }
    Ok(doc)
}
