//! The text of one placed glyph.
//!
//! A page holds thousands of glyphs, each a character or two. A simple
//! font's glyph shares the text its font decoded once for that code; other
//! glyphs own theirs. Either way it reads as a `str`.

use std::ops::Deref;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum GlyphText {
    Shared(Arc<str>),
    Owned(String),
}

impl GlyphText {
    pub fn as_str(&self) -> &str {
        match self {
            GlyphText::Shared(s) => s,
            GlyphText::Owned(s) => s,
        }
    }
}

impl Default for GlyphText {
    fn default() -> Self {
        GlyphText::Owned(String::new())
    }
}

impl Deref for GlyphText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for GlyphText {
    fn from(s: String) -> Self {
        GlyphText::Owned(s)
    }
}

impl From<&str> for GlyphText {
    fn from(s: &str) -> Self {
        GlyphText::Owned(s.to_string())
    }
}

impl PartialEq for GlyphText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for GlyphText {}

impl PartialOrd for GlyphText {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GlyphText {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_and_owned_text_compare_as_their_strings() {
        let shared = GlyphText::Shared(Arc::from("字"));
        let owned = GlyphText::from("字");
        assert_eq!(shared, owned);
        assert_eq!(&*shared, "字");
        assert!(GlyphText::from("a") < GlyphText::Shared(Arc::from("b")));
    }
}
