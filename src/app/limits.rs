//! The caps a scan puts on each document. They count work and size, never
//! seconds, so an archive re-run on a slower machine gives the same report;
//! the defaults are far above any real contract, and a document over one
//! ends as `error` (or lists its unread pages) naming the cap.

use crate::extract::pdf;
use crate::segment::budget::{DEFAULT_MAX_PARTY_LABELS, DEFAULT_MAX_WORK};
use crate::segment::Budget;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocLimits {
    /// Bytes read from one file.
    pub file_bytes: u64,
    /// Pages read from one PDF.
    pub pdf_pages: usize,
    /// Glyphs read from one PDF, all pages together.
    pub pdf_glyphs: usize,
    /// Counted work for segmentation, party reading and matching.
    pub work: u64,
}

impl Default for DocLimits {
    fn default() -> Self {
        DocLimits {
            file_bytes: crate::extract::MAX_FILE_BYTES,
            pdf_pages: pdf::Limits::default().pages,
            pdf_glyphs: pdf::GLYPHS_PER_DOCUMENT,
            work: DEFAULT_MAX_WORK,
        }
    }
}

impl DocLimits {
    /// The PDF caps with these pages (the per-page caps stay).
    pub fn pdf(&self) -> pdf::Limits {
        pdf::Limits {
            pages: self.pdf_pages,
            ..pdf::Limits::default()
        }
    }

    /// A fresh work budget for one document.
    pub fn budget(&self) -> Budget {
        Budget::new(self.work, DEFAULT_MAX_PARTY_LABELS)
    }

    /// The options a report records when they differ from the defaults, so
    /// a re-run can use the same caps.
    pub fn recorded(&self) -> Vec<String> {
        let d = DocLimits::default();
        let mut o = Vec::new();
        if self.file_bytes != d.file_bytes {
            o.push(format!("--max-file-mb {}", self.file_bytes / (1024 * 1024)));
        }
        if self.pdf_pages != d.pdf_pages {
            o.push(format!("--max-pages {}", self.pdf_pages));
        }
        if self.pdf_glyphs != d.pdf_glyphs {
            o.push(format!("--max-glyphs {}", self.pdf_glyphs));
        }
        if self.work != d.work {
            o.push(format!("--max-work {}", self.work));
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_caps_that_differ_from_the_defaults_are_recorded() {
        assert!(DocLimits::default().recorded().is_empty());
        let l = DocLimits {
            pdf_pages: 10,
            work: 5,
            ..DocLimits::default()
        };
        assert_eq!(l.recorded(), ["--max-pages 10", "--max-work 5"]);
    }
}
