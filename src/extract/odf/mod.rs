//! OpenDocument (LibreOffice): .odt text and .ods spreadsheets, read as zip +
//! quick-xml like DOCX.
//!
//! Spreadsheets are read here rather than through calamine: calamine's ODS
//! reader expands `table:number-columns-repeated` into every cell of a row
//! before any cap applies, so one short row element can ask for sixteen
//! thousand cells and a small content.xml for gigabytes.

pub mod sheet;
mod styles;
pub mod text;

use crate::error::ExtractError;
use crate::extract::zipped::{self, Package};
use quick_xml::events::BytesStart;

/// Open an ODF package: a zip whose manifest does not say its parts are
/// encrypted.
fn open<'a>(
    bytes: &'a [u8],
    format: &'static str,
    limits: zipped::Limits,
) -> Result<Package<'a>, ExtractError> {
    if bytes.starts_with(zipped::OLE_MAGIC) {
        return Err(ExtractError::corrupt(
            format,
            "this is a legacy binary Office file, not OpenDocument",
        ));
    }
    let mut package = Package::open(bytes, format, limits)?;
    // A password-protected ODF package encrypts its parts and says so in
    // the manifest (manifest:encryption-data per part).
    if let Some(manifest) = package.read("META-INF/manifest.xml")? {
        if manifest.contains("encryption-data") {
            return Err(ExtractError::Encrypted(
                "the document is protected with a password".into(),
            ));
        }
    }
    Ok(package)
}

/// content.xml, which every ODF document has.
fn content(package: &mut Package) -> Result<String, ExtractError> {
    package
        .read("content.xml")?
        .ok_or_else(|| ExtractError::corrupt(package.format(), "content.xml is missing"))
}

/// The `text:c` of a `text:s`: how many spaces it stands for. Real files
/// write a handful; a hostile count is held low, so that a capped
/// content.xml full of `<text:s text:c="…"/>` cannot grow ten times over.
fn spaces(e: &BytesStart) -> usize {
    attr(e, "c")
        .and_then(|c| c.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .min(32)
}

/// Hostile files can nest elements without end; real ones stay far below this.
const MAX_DEPTH: usize = 512;

pub(crate) use crate::extract::docx::xml::{attr, entity, local};
