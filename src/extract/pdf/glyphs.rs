//! Simple-font encodings: base encoding + Differences, glyph names → Unicode.
//!
//! Only what contract PDFs use: WinAnsi/Standard/MacRoman bases (as Latin-1
//! with WinAnsi's 0x80–0x9F), `uniXXXX`/`uXXXX` names and the common Adobe
//! Glyph List names for ASCII and typographic punctuation.

use super::fonts::resolve;
use lopdf::{Dictionary, Document, Object};

const WIN_ANSI_80: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// MacRomanEncoding, codes 0x80–0xFF (Quartz and old Mac producers use it).
const MAC_ROMAN_80: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u{a0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{f8ff}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

const AGL: &[(&str, &str)] = &[
    ("space", " "),
    ("exclam", "!"),
    ("quotedbl", "\""),
    ("numbersign", "#"),
    ("dollar", "$"),
    ("percent", "%"),
    ("ampersand", "&"),
    ("quotesingle", "'"),
    ("quoteright", "’"),
    ("parenleft", "("),
    ("parenright", ")"),
    ("asterisk", "*"),
    ("plus", "+"),
    ("comma", ","),
    ("hyphen", "-"),
    ("period", "."),
    ("slash", "/"),
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("colon", ":"),
    ("semicolon", ";"),
    ("less", "<"),
    ("equal", "="),
    ("greater", ">"),
    ("question", "?"),
    ("at", "@"),
    ("bracketleft", "["),
    ("backslash", "\\"),
    ("bracketright", "]"),
    ("asciicircum", "^"),
    ("underscore", "_"),
    ("grave", "`"),
    ("quoteleft", "‘"),
    ("braceleft", "{"),
    ("bar", "|"),
    ("braceright", "}"),
    ("asciitilde", "~"),
    ("bullet", "•"),
    ("endash", "–"),
    ("emdash", "—"),
    ("quotedblleft", "“"),
    ("quotedblright", "”"),
    ("ellipsis", "…"),
    ("fi", "fi"),
    ("fl", "fl"),
    ("ff", "ff"),
    ("ffi", "ffi"),
    ("ffl", "ffl"),
    ("section", "§"),
    ("paragraph", "¶"),
    ("copyright", "©"),
    ("registered", "®"),
    ("trademark", "™"),
    ("degree", "°"),
    ("multiply", "×"),
    ("divide", "÷"),
    ("yen", "¥"),
    ("minus", "−"),
    ("periodcentered", "·"),
    ("nbspace", " "),
    ("dagger", "†"),
];

/// A character of Unicode's private use area: a font's own code, not text.
pub fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The text of one code of a simple font. Nearly every entry of a table is
/// one character from a static encoding, so none of them holds a heap string
/// unless a glyph name spells several characters (`uni00660069`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeText {
    Char(char),
    Static(&'static str),
    Owned(Box<str>),
}

impl CodeText {
    /// Its characters, in a string of their own (a glyph's text).
    pub fn to_text(&self) -> String {
        match self {
            CodeText::Char(c) => c.to_string(),
            CodeText::Static(s) => (*s).to_string(),
            CodeText::Owned(s) => s.to_string(),
        }
    }

    pub fn has_private_use(&self) -> bool {
        match self {
            CodeText::Char(c) => is_private_use(*c),
            CodeText::Static(s) => s.chars().any(is_private_use),
            CodeText::Owned(s) => s.chars().any(is_private_use),
        }
    }
}

/// Code → text of a simple font, by its 256 one-byte codes.
pub type SimpleTable = [Option<CodeText>; 256];

/// Unicode for a glyph name, or None.
pub fn glyph_name_to_unicode(name: &str) -> Option<CodeText> {
    let base = name.split('.').next().unwrap_or(name);
    let mut chars = base.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_ascii_alphabetic() {
            return Some(CodeText::Char(c));
        }
    }
    if let Some((_, s)) = AGL.iter().find(|(n, _)| *n == base) {
        return Some(CodeText::Static(s));
    }
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    if let Some(h) = base.strip_prefix("uni") {
        // Hex digits only: a name is any bytes, and slicing a multi-byte
        // character (`/uniあいうえ`) in four-byte steps would panic.
        if h.len() >= 4 && h.len() % 4 == 0 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            if h.len() == 4 {
                return hex(h).map(CodeText::Char);
            }
            let s: Option<String> = (0..h.len()).step_by(4).map(|i| hex(&h[i..i + 4])).collect();
            return s.map(|s| CodeText::Owned(s.into()));
        }
    }
    if let Some(h) = base.strip_prefix('u') {
        if (4..=6).contains(&h.len()) {
            return hex(h).map(CodeText::Char);
        }
    }
    None
}

/// The 256-entry table of a simple font.
pub fn simple_encoding(doc: &Document, font: &Dictionary) -> SimpleTable {
    let mut table: SimpleTable = std::array::from_fn(|i| {
        let c = match i {
            0x20..=0x7E => i as u8 as char,
            0x80..=0x9F => WIN_ANSI_80[i - 0x80],
            0xA0..=0xFF => char::from_u32(i as u32).unwrap_or(' '),
            _ => return None,
        };
        Some(CodeText::Char(c))
    });
    let enc = font.get(b"Encoding").ok().map(|o| resolve(doc, o));
    let base = match enc {
        Some(Object::Name(n)) => Some(n.as_slice()),
        Some(Object::Dictionary(d)) => d.get(b"BaseEncoding").ok().and_then(|o| o.as_name().ok()),
        _ => None,
    };
    if base == Some(b"MacRomanEncoding") {
        for (slot, c) in table[0x80..].iter_mut().zip(MAC_ROMAN_80.chars()) {
            *slot = Some(CodeText::Char(c));
        }
    }
    if let Some(Object::Dictionary(d)) = enc {
        if let Ok(Object::Array(diffs)) = d.get(b"Differences").map(|o| resolve(doc, o)) {
            let mut code = 0usize;
            for item in diffs {
                match resolve(doc, item) {
                    Object::Integer(i) => code = (*i).clamp(0, 255) as usize,
                    Object::Name(n) => {
                        if let Some(slot) = table.get_mut(code) {
                            *slot = glyph_name_to_unicode(&String::from_utf8_lossy(n));
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_resolve() {
        let text = |n: &str| glyph_name_to_unicode(n).map(|t| t.to_text());
        assert_eq!(text("uni5831").as_deref(), Some("報"));
        assert_eq!(text("uni00660069").as_deref(), Some("fi"));
        assert_eq!(text("u2F00").as_deref(), Some("⼀"));
        assert_eq!(text("parenleft").as_deref(), Some("("));
        assert_eq!(text("fi").as_deref(), Some("fi"));
        assert_eq!(text("A.sc").as_deref(), Some("A"));
        assert_eq!(text("é"), None);
        assert_eq!(glyph_name_to_unicode("g123"), None);
        assert_eq!(glyph_name_to_unicode("uniあいうえ"), None);
        assert_eq!(glyph_name_to_unicode("uni3042あ"), None);
    }

    #[test]
    fn mac_roman_table_is_complete() {
        assert_eq!(MAC_ROMAN_80.chars().count(), 128);
        assert_eq!(MAC_ROMAN_80.chars().nth(0xA5 - 0x80), Some('•'));
    }
}
