//! Typed errors of the library and how each maps to a document status.

use std::path::PathBuf;
use thiserror::Error;

/// Why a document could not be read. Each variant maps to one report status.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExtractError {
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("file is larger than the {limit} byte limit")]
    TooLarge { limit: u64 },
    #[error("encrypted: {0}")]
    Encrypted(String),
    #[error("no text layer: {0}")]
    NoText(String),
    #[error("corrupt or unsupported {format} file: {reason}")]
    Corrupt {
        format: &'static str,
        reason: String,
    },
    /// A file keiyaku cannot read as things stand: an image with OCR off, or
    /// a kind it does not read found under an extension it reads (an RTF
    /// saved as .doc, a Word 95 document).
    #[error("{0}")]
    Unsupported(String),
    /// OCR did not finish within its time limit.
    #[error("{0}")]
    Timeout(String),
    #[error("internal error while reading: {0}")]
    Internal(String),
    /// A safety cap stopped the reading (a zip bomb, an archive with too
    /// many members): the message names the cap.
    #[error("not read: {0}")]
    Cap(String),
}

impl ExtractError {
    pub fn corrupt(format: &'static str, reason: impl std::fmt::Display) -> Self {
        ExtractError::Corrupt {
            format,
            reason: reason.to_string(),
        }
    }
}

/// A problem in a rule file, with where it is.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("{path}:{line}:{column}: {message}")]
pub struct RuleError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The source line, for a caret snippet.
    pub source_line: Option<String>,
    /// Width of the caret in characters.
    pub width: usize,
}

impl RuleError {
    /// Render like a compiler diagnostic: message, location, the line and a caret.
    pub fn render(&self) -> String {
        let mut s = format!(
            "error: {}\n  --> {}:{}:{}\n",
            self.message,
            self.path.display(),
            self.line,
            self.column
        );
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            s.push_str(&format!("{pad} |\n{gutter} | {src}\n{pad} | "));
            // Columns are characters; a CJK character takes two terminal cells.
            let lead: usize = src
                .chars()
                .take(self.column.saturating_sub(1))
                .map(crate::cjk::display_width)
                .sum();
            let caret: usize = src
                .chars()
                .skip(self.column.saturating_sub(1))
                .take(self.width.max(1))
                .map(crate::cjk::display_width)
                .sum();
            s.push_str(&" ".repeat(lead));
            s.push_str(&"^".repeat(caret.max(1)));
            s.push('\n');
        }
        s
    }
}
