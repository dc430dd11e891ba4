//! Plain-text documents (.txt, .md) in any encoding Japanese text files come
//! in (see [`encoding`]); a guessed encoding is noted on the document.

pub mod encoding;

use crate::document::{Block, Document};
use crate::error::ExtractError;
use encoding::Confidence;

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    let decoded = encoding::decode(bytes);
    if decoded.confidence == Confidence::Garbage {
        return Err(ExtractError::corrupt(
            "text",
            format!(
                "文字コードを判別できません: not text in UTF-8, UTF-16 (with a BOM), Shift_JIS, \
                 EUC-JP or ISO-2022-JP ({} of {} characters undecodable)",
                decoded.bad, decoded.chars
            ),
        ));
    }
    let mut doc = Document {
        encoding: (decoded.encoding != encoding_rs::UTF_8).then(|| decoded.encoding.name()),
        notes: decoded.note_ja().into_iter().collect(),
        ..Document::default()
    };
    let text = decoded.text;
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

/// The text of a file in whichever encoding [`encoding::decode`] finds.
pub fn decode(bytes: &[u8]) -> String {
    encoding::decode(bytes).text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_is_detected_when_bytes_are_not_utf8() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("乙は、直ちに報告する。");
        let doc = extract(&sjis).unwrap();
        assert_eq!(doc.blocks[0].text, "乙は、直ちに報告する。");
        assert_eq!(doc.encoding, Some("Shift_JIS"));
        assert!(doc.notes.is_empty());
    }

    #[test]
    fn euc_jp_is_read_not_taken_for_shift_jis() {
        let (euc, _, _) =
            encoding_rs::EUC_JP.encode("乙は、事故が発生したときは直ちに甲に報告する。");
        let doc = extract(&euc).unwrap();
        assert_eq!(
            doc.blocks[0].text,
            "乙は、事故が発生したときは直ちに甲に報告する。"
        );
        assert_eq!(doc.encoding, Some("EUC-JP"));
    }

    #[test]
    fn a_guessed_encoding_is_noted_on_the_document() {
        let (euc, _, _) = encoding_rs::EUC_JP.encode("契約書");
        let doc = extract(&euc).unwrap();
        assert_eq!(doc.blocks[0].text, "契約書");
        assert_eq!(doc.notes, ["文字コードを推定（EUC-JP、確度低）"]);
    }

    #[test]
    fn binary_data_named_txt_is_an_error_not_mojibake_read_as_ok() {
        let bytes: Vec<u8> = (0..2048u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let err = extract(&bytes).unwrap_err();
        assert!(
            err.to_string().contains("文字コードを判別できません"),
            "{err}"
        );
    }

    #[test]
    fn utf8_is_recorded_as_no_encoding() {
        let doc = extract("第1条（目的）".as_bytes()).unwrap();
        assert_eq!(doc.encoding, None);
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
