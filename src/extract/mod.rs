//! Extraction: one file → the shared [`Document`] model, or a typed error.

pub mod docx;
pub mod pdf;
pub mod text;

use crate::discover::Format;
use crate::document::Document;
use crate::error::ExtractError;

/// Files beyond this are not read (no contract comes near it).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

pub fn extract_bytes(format: Format, bytes: &[u8]) -> Result<Document, ExtractError> {
    let doc = match format {
        Format::Pdf => pdf::extract(bytes)?,
        Format::Docx => docx::extract(bytes)?,
        Format::Text => text::extract(bytes)?,
    };
    if doc.is_empty() {
        return Err(ExtractError::NoText("the document contains no text".into()));
    }
    Ok(doc)
}
