//! The document model every extractor fills.
//!
//! Extractors (PDF, DOCX, ODT, RTF, workbooks, plain text) produce the same
//! shape: an ordered list of text blocks in reading order, each with its page
//! (when the format has pages) and its kind. Running headers, footers and similar page furniture go to a
//! separate channel so that they are never read as clause text.

use serde::Serialize;

/// What a block of text is, as far as the extractor can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A body paragraph (for PDF: lines joined into one paragraph).
    Paragraph,
    /// One row of a table; cells are separated by a tab.
    TableRow,
}

/// One unit of text in reading order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// 1-based page number, when the format has pages.
    pub page: Option<u32>,
    pub kind: BlockKind,
    /// The label a reader sees before the text when it comes from automatic
    /// numbering (DOCX `numbering.xml`), e.g. 「第3条」 or 「（2）」.
    pub label: Option<String>,
    pub text: String,
}

impl Block {
    pub fn paragraph(page: Option<u32>, text: impl Into<String>) -> Self {
        Block {
            page,
            kind: BlockKind::Paragraph,
            label: None,
            text: text.into(),
        }
    }

    /// The text as a reader sees it: numbering label, a full-width space, the text.
    pub fn display_text(&self) -> String {
        match &self.label {
            Some(l) if !l.is_empty() => format!("{l}\u{3000}{}", self.text),
            _ => self.text.clone(),
        }
    }
}

/// The text of one document, ready for normalization and segmentation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Running headers, footers and page numbers: shown by `keiyaku text`,
    /// never matched.
    pub furniture: Vec<Block>,
    /// Paragraphs with tracked deletions (DOCX w:del, w:moveFrom, ODT
    /// text:deletion, RTF \deleted), as they read before the deletion: never
    /// matched as clauses, only searched for near misses
    /// (「削除された変更履歴にのみ記載」).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<Block>,
    /// Paragraphs of comments (Word, ODT and RTF annotations): never matched
    /// as clauses, only searched for near misses (「コメントにのみ記載」).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Block>,
    /// Number of pages, when the format has pages.
    pub pages: Option<u32>,
    /// The character encoding of a text file when it is not UTF-8
    /// (`Shift_JIS`, `EUC-JP`, `ISO-2022-JP`, `UTF-16LE`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// What a reviewer should know about how the text was read that did not
    /// stop it being read, in Japanese (「文字コードを推定（EUC-JP、確度低）」).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The name of each page, where the format names them (a workbook's
    /// sheets, one page each): index = page − 1.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub page_names: Vec<String>,
    /// Pages that were not read, each run of pages with its reason: images with
    /// no text (a scanned page), text that could not be decoded (a broken
    /// ToUnicode map), or a safety cap that stopped the reading.
    pub unread_pages: Vec<UnreadPages>,
    /// Pages whose text came from OCR, with tesseract's confidence: evidence
    /// from them says so, and they never make a provision missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ocr_pages: Vec<OcrPage>,
    /// Pages that are images only, each with the image to OCR (the largest
    /// drawn on it): filled by the PDF extractor when OCR is on, emptied by OCR.
    #[serde(skip)]
    pub scanned: Vec<ScannedPage>,
}

/// A page read by OCR and the mean confidence of its words (0–100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OcrPage {
    pub page: u32,
    pub confidence: u8,
}

/// The confidence of page `page`, when its text came from OCR.
pub fn ocr_confidence(list: &[OcrPage], page: Option<u32>) -> Option<u8> {
    let page = page?;
    list.iter().find(|p| p.page == page).map(|p| p.confidence)
}

/// A PDF page with no text, drawn from images: the object number of its
/// largest image XObject, when it has one that is an indirect object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScannedPage {
    pub page: u32,
    pub image: Option<(u32, u16)>,
    /// The image's resolution as drawn on the page, when plausible.
    pub dpi: Option<u32>,
}

/// Why a page was not read. Every cap keiyaku applies names itself here, so a
/// partial read is never reported as a full one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreadReason {
    /// Images and no text: a scanned page, OCR off or not installed.
    ImageOnly,
    /// A scanned page whose image is JBIG2, which OCR cannot be given.
    Jbig2,
    /// A scanned page whose image is in an encoding or colour space that
    /// cannot be handed to OCR.
    ImageFormat,
    /// A scanned page whose image has more pixels than OCR is given.
    OcrImageCap,
    /// OCR did not finish within its time limit (a wall-clock limit: the
    /// only cap that counts seconds, so it may differ on a slower machine).
    OcrTimeout,
    /// OCR failed on the page (a corrupt image, tesseract's error).
    OcrFailed,
    /// OCR found no text on the page.
    OcrNoText,
    /// OCR's confidence was too low for its text to be used.
    OcrLowConfidence,
    /// Text whose glyphs cannot be decoded to Unicode.
    Undecodable,
    /// Beyond the number of pages keiyaku reads from one document.
    PageCap,
    /// The page's decompressed content is larger than keiyaku reads.
    ContentCap,
    /// The page has more drawing operators than keiyaku interprets.
    OperatorCap,
    /// The page has more glyphs than keiyaku lays out.
    GlyphCap,
    /// The page's content could not be decoded (a broken stream or page object).
    Broken,
}

impl UnreadReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UnreadReason::ImageOnly => "image_only",
            UnreadReason::Jbig2 => "jbig2",
            UnreadReason::ImageFormat => "image_format",
            UnreadReason::OcrImageCap => "ocr_image_cap",
            UnreadReason::OcrTimeout => "ocr_timeout",
            UnreadReason::OcrFailed => "ocr_failed",
            UnreadReason::OcrNoText => "ocr_no_text",
            UnreadReason::OcrLowConfidence => "ocr_low_confidence",
            UnreadReason::Undecodable => "undecodable",
            UnreadReason::PageCap => "page_cap",
            UnreadReason::ContentCap => "content_cap",
            UnreadReason::OperatorCap => "operator_cap",
            UnreadReason::GlyphCap => "glyph_cap",
            UnreadReason::Broken => "broken",
        }
    }

    /// How a Japanese reviewer would say it.
    pub fn label_ja(self) -> &'static str {
        match self {
            UnreadReason::ImageOnly => "画像のみ（スキャン）",
            UnreadReason::Jbig2 => "JBIG2 画像（OCR 未対応）",
            UnreadReason::ImageFormat => "OCR に渡せない画像形式",
            UnreadReason::OcrImageCap => "OCR の画素数上限超過",
            UnreadReason::OcrTimeout => "OCR の時間上限超過（実時間）",
            UnreadReason::OcrFailed => "OCR 失敗",
            UnreadReason::OcrNoText => "OCR で文字なし",
            UnreadReason::OcrLowConfidence => "OCR の信頼度が低い",
            UnreadReason::Undecodable => "文字を復号できない",
            UnreadReason::PageCap => "ページ数の上限超過",
            UnreadReason::ContentCap => "ページ内容の容量上限超過",
            UnreadReason::OperatorCap => "描画命令数の上限超過",
            UnreadReason::GlyphCap => "文字数の上限超過",
            UnreadReason::Broken => "ページが壊れている",
        }
    }
}

/// A run of pages `first..=last` not read, for one reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct UnreadPages {
    pub first: u32,
    pub last: u32,
    pub reason: UnreadReason,
}

impl UnreadPages {
    /// `5001–5003 ページ数の上限超過`, `7 画像のみ（スキャン）`.
    pub fn label_ja(&self) -> String {
        let range = if self.first == self.last {
            self.first.to_string()
        } else {
            format!("{}–{}", self.first, self.last)
        };
        format!("{range} {}", self.reason.label_ja())
    }
}

/// Add `first..=last` with `reason`, keeping the list sorted and merging
/// adjacent runs of the same reason (a 90,000-page cap is one entry, not 85,000).
pub fn mark_unread(list: &mut Vec<UnreadPages>, first: u32, last: u32, reason: UnreadReason) {
    if first > last
        || list
            .iter()
            .any(|u| u.reason == reason && u.first <= first && last <= u.last)
    {
        return;
    }
    list.push(UnreadPages {
        first,
        last,
        reason,
    });
    list.sort_by_key(|u| (u.reason, u.first));
    let mut merged: Vec<UnreadPages> = Vec::with_capacity(list.len());
    for u in list.drain(..) {
        match merged.last_mut() {
            Some(m) if m.reason == u.reason && u.first <= m.last.saturating_add(1) => {
                m.last = m.last.max(u.last);
            }
            _ => merged.push(u),
        }
    }
    merged.sort_by_key(|u| (u.first, u.reason));
    *list = merged;
}

/// Whether page `n` lies in any unread run.
pub fn is_unread(list: &[UnreadPages], n: u32) -> bool {
    list.iter().any(|u| u.first <= n && n <= u.last)
}

impl Document {
    /// True when no block carries any visible character.
    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(|b| b.text.trim().is_empty())
    }

    /// Plain text, pages separated by a form feed (as `pdftotext` does).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        let mut page = self.blocks.first().and_then(|b| b.page);
        for b in &self.blocks {
            if b.page != page {
                out.push('\u{c}');
                page = b.page;
            }
            out.push_str(&b.display_text());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_unread_pages_of_one_reason_merge_into_a_run() {
        let mut l = Vec::new();
        mark_unread(&mut l, 3, 3, UnreadReason::ImageOnly);
        mark_unread(&mut l, 4, 4, UnreadReason::ImageOnly);
        mark_unread(&mut l, 5, 5, UnreadReason::Undecodable);
        mark_unread(&mut l, 5001, 90000, UnreadReason::PageCap);
        mark_unread(&mut l, 3, 3, UnreadReason::ImageOnly);
        assert_eq!(
            l,
            vec![
                UnreadPages {
                    first: 3,
                    last: 4,
                    reason: UnreadReason::ImageOnly
                },
                UnreadPages {
                    first: 5,
                    last: 5,
                    reason: UnreadReason::Undecodable
                },
                UnreadPages {
                    first: 5001,
                    last: 90000,
                    reason: UnreadReason::PageCap
                },
            ]
        );
        assert!(is_unread(&l, 6000));
        assert!(!is_unread(&l, 6));
    }
}
