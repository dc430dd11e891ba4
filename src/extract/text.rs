//! Plain-text documents (.txt, .md): UTF-8, or Shift_JIS when the bytes are
//! not valid UTF-8 (Windows Notepad in Japanese locales writes CP932).

use crate::document::{Block, Document};
use crate::error::ExtractError;
use std::borrow::Cow;

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    let text = decode_cow(bytes);
    let mut doc = Document::default();
    let mut in_front_matter = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        // YAML front matter of a Markdown file is metadata, not contract text.
        if line.trim() == "---" && (i == 0 || in_front_matter) {
            in_front_matter = i == 0;
            continue;
        }
        if in_front_matter {
            continue;
        }
        let line = plain(line);
        if !line.trim().is_empty() {
            doc.blocks.push(Block::paragraph(None, line));
        }
    }
    doc.blocks.shrink_to_fit();
    Ok(doc)
}

/// Markdown marks that are not text: heading hashes, bold and italic markers.
fn plain(line: &str) -> String {
    let t = line.trim_start();
    let t = match t.trim_start_matches('#') {
        rest if rest.len() < t.len() && rest.starts_with(' ') => rest.trim_start(),
        _ => line,
    };
    if !t.contains("**") && !t.contains("__") {
        return t.to_string();
    }
    t.replace("**", "").replace("__", "")
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else Shift_JIS (CP932).
pub fn decode(bytes: &[u8]) -> String {
    decode_cow(bytes).into_owned()
}

/// [`decode`] without copying text that is already UTF-8.
fn decode_cow(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom..]).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0,
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
    fn markdown_headings_bold_and_front_matter_are_not_text() {
        let doc = extract(
            "---\nid: x\n---\n# 契約書\n## 第1条（目的）\n**委託者**（以下「甲」という）は"
                .as_bytes(),
        )
        .unwrap();
        let t: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            t,
            ["契約書", "第1条（目的）", "委託者（以下「甲」という）は"]
        );
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let doc = extract("\u{feff}第1条（目的）\n\n本契約は…".as_bytes()).unwrap();
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(doc.blocks[0].text, "第1条（目的）");
    }
}
