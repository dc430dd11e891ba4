//! The document model every extractor fills.
//!
//! Extractors (PDF, DOCX, plain text) produce the same shape: an ordered list of
//! text blocks in reading order, each with its page (when the format has pages)
//! and its kind. Running headers, footers and similar page furniture go to a
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
    /// Number of pages, when the format has pages.
    pub pages: Option<u32>,
    /// Pages that could not be read: images with no text (a scanned page), or
    /// text that could not be decoded (a broken ToUnicode map).
    pub unread_pages: Vec<u32>,
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
