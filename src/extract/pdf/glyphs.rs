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

/// Unicode for a glyph name, or None.
pub fn glyph_name_to_unicode(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or(name);
    if base.len() == 1 && base.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(base.to_string());
    }
    if let Some((_, s)) = AGL.iter().find(|(n, _)| *n == base) {
        return Some(s.to_string());
    }
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    if let Some(h) = base.strip_prefix("uni") {
        // Hex digits only: a name is any bytes, and slicing a multi-byte
        // character (`/uniあいうえ`) in four-byte steps would panic.
        if h.len() >= 4 && h.len() % 4 == 0 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            let s: Option<String> = (0..h.len()).step_by(4).map(|i| hex(&h[i..i + 4])).collect();
            return s;
        }
    }
    if let Some(h) = base.strip_prefix('u') {
        if (4..=6).contains(&h.len()) {
            return hex(h).map(String::from);
        }
    }
    None
}

/// The 256-entry table of a simple font.
pub fn simple_encoding(doc: &Document, font: &Dictionary) -> [Option<String>; 256] {
    let mut table: [Option<String>; 256] = std::array::from_fn(|i| {
        let c = match i {
            0x20..=0x7E => i as u8 as char,
            0x80..=0x9F => WIN_ANSI_80[i - 0x80],
            0xA0..=0xFF => char::from_u32(i as u32).unwrap_or(' '),
            _ => return None,
        };
        Some(c.to_string())
    });
    let enc = font.get(b"Encoding").ok().map(|o| resolve(doc, o));
    let base = match enc {
        Some(Object::Name(n)) => Some(n.as_slice()),
        Some(Object::Dictionary(d)) => d.get(b"BaseEncoding").ok().and_then(|o| o.as_name().ok()),
        _ => None,
    };
    if base == Some(b"MacRomanEncoding") {
        for (i, c) in MAC_ROMAN_80.chars().enumerate() {
            table[0x80 + i] = Some(c.to_string());
        }
    }
    if let Some(Object::Dictionary(d)) = enc {
        if let Ok(Object::Array(diffs)) = d.get(b"Differences").map(|o| resolve(doc, o)) {
            let mut code = 0usize;
            for item in diffs {
                match resolve(doc, item) {
                    Object::Integer(i) => code = (*i).clamp(0, 255) as usize,
                    Object::Name(n) => {
                        if code < 256 {
                            table[code] = glyph_name_to_unicode(&String::from_utf8_lossy(n));
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
        assert_eq!(glyph_name_to_unicode("uni5831").as_deref(), Some("報"));
        assert_eq!(glyph_name_to_unicode("u2F00").as_deref(), Some("⼀"));
        assert_eq!(glyph_name_to_unicode("parenleft").as_deref(), Some("("));
        assert_eq!(glyph_name_to_unicode("A.sc").as_deref(), Some("A"));
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
