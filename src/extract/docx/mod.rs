//! DOCX: zip + quick-xml and a walker of our own.
//!
//! Not docx-rs: measured on real and mutated files it panics on corrupted
//! archives, rejects a whole document over one dangling relationship, drops
//! VML-only text boxes and keeps deleted-revision text. Reading the XML directly
//! also lets us render automatic numbering (第N条 that is not in the text).

mod body;
pub(crate) mod numbering;
mod styles;
pub(crate) mod xml;

use crate::document::Document;
use crate::error::ExtractError;
use crate::extract::zipped::{read_member as capped_member, Unread};
use std::io::Cursor;

/// The safety caps of DOCX reading. A DOCX has no pages to list as unread, so
/// a cap that would drop text is an error that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Inflated size of one archive member (document.xml, styles.xml,
    /// numbering.xml): no real part comes near it, a zip bomb would.
    pub member_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            member_bytes: 64 * 1024 * 1024,
        }
    }
}

/// An OLE compound file (D0 CF 11 E0): a password-protected DOCX, or a legacy .doc.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    extract_with_limits(bytes, &Limits::default())
}

/// [`extract`] with caps other than the defaults (tests use small ones).
pub fn extract_with_limits(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    if bytes.starts_with(OLE_MAGIC) {
        let marker: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(marker.len()).any(|w| w == marker) {
            return Err(ExtractError::Encrypted(
                "the DOCX is protected with a password".into(),
            ));
        }
        // A Word 97–2003 document saved under a .docx name.
        return super::doc::extract(bytes);
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ExtractError::corrupt("DOCX", format!("not a readable ZIP archive ({e})")))?;
    let main = main_part_name(&mut zip, limits)?;
    let document_xml = read_member(&mut zip, &main, limits)?
        .ok_or_else(|| ExtractError::corrupt("DOCX", format!("{main} is missing")))?;
    // Both parts are read (so a damaged or over-cap part is found as before)
    // before deciding whether styles.xml needs parsing at all.
    let styles_xml = optional_member(&mut zip, "word/styles.xml", limits)?;
    let numbering = match optional_member(&mut zip, "word/numbering.xml", limits)? {
        Some(x) => numbering::Numbering::parse(&x),
        None => numbering::Numbering::default(),
    };
    // Styles matter only for the numbering a paragraph style carries: with no
    // `w:pStyle` in the document (an element name is never escaped, so the
    // text test is exact) or no list instance to number with, no style can
    // change a label, and the large styles.xml is not parsed.
    let styles = match styles_xml.as_deref() {
        Some(x) if !numbering.is_empty() && document_xml.contains("pStyle") => {
            styles::Styles::parse(x)
        }
        _ => styles::Styles::default(),
    };
    let mut doc = body::walk(&document_xml, &styles, numbering)?;
    doc.comments = comments(&mut zip, limits);
    Ok(doc)
}

/// The paragraphs of `word/comments.xml`. Comments are never clauses, so a
/// damaged, over-cap or malformed comments part only leaves them out: it
/// must not change what becomes of the document.
fn comments(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Vec<crate::document::Block> {
    let Ok(Some(xml)) = member(zip, "word/comments.xml", limits) else {
        return Vec::new();
    };
    body::walk(
        &xml,
        &styles::Styles::default(),
        numbering::Numbering::default(),
    )
    .map(|d| d.blocks)
    .unwrap_or_default()
}

/// The main document part is named in `[Content_Types].xml`; almost always
/// `word/document.xml`, but some producers write `word/document2.xml`.
fn main_part_name(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<String, ExtractError> {
    const DEFAULT: &str = "word/document.xml";
    if zip.by_name(DEFAULT).is_ok() {
        return Ok(DEFAULT.to_string());
    }
    let Some(ct) = optional_member(zip, "[Content_Types].xml", limits)? else {
        return Ok(DEFAULT.to_string());
    };
    let marker = "document.main+xml";
    if let Some(pos) = ct.find(marker) {
        let head = &ct[..pos];
        if let Some(p) = head.rfind("PartName=\"") {
            let rest = &head[p + 10..];
            if let Some(end) = rest.find('"') {
                return Ok(rest[..end].trim_start_matches('/').to_string());
            }
        }
    }
    Ok(DEFAULT.to_string())
}

/// Read one member as UTF-8 text, never inflating more than the cap whatever
/// size the archive declares.
fn read_member(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<Option<String>, ExtractError> {
    member(zip, name, limits).map_err(|(Unread::Damaged(e) | Unread::OverCap(e))| e)
}

/// A member the document reads without (styles, numbering, content types):
/// damage leaves it out as before, but the cap is an error, because leaving
/// it out would drop the numbering labels (第N条) a reader sees.
fn optional_member(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<Option<String>, ExtractError> {
    match member(zip, name, limits) {
        Ok(text) => Ok(text),
        Err(Unread::OverCap(e)) => Err(e),
        Err(Unread::Damaged(_)) => Ok(None),
    }
}

fn member(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<Option<String>, Unread> {
    capped_member(zip, name, "DOCX", limits.member_bytes)
}
