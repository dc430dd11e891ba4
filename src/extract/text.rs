//! Plain-text documents (.txt, .md): UTF-8, or Shift_JIS when the bytes are
//! not valid UTF-8 (Windows Notepad in Japanese locales writes CP932).

use crate::document::{Block, Document};
use crate::error::ExtractError;

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    let text = decode(bytes);
    let mut doc = Document::default();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if !line.trim().is_empty() {
            doc.blocks.push(Block::paragraph(None, line));
        }
    }
    Ok(doc)
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else Shift_JIS (CP932).
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_is_detected_when_bytes_are_not_utf8() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("乙は、直ちに報告する。");
        let doc = extract(&sjis).unwrap();
        assert_eq!(doc.blocks[0].text, "乙は、直ちに報告する。");
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let doc = extract("\u{feff}第1条（目的）\n\n本契約は…".as_bytes()).unwrap();
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(doc.blocks[0].text, "第1条（目的）");
    }
}
