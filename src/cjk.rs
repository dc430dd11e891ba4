//! Character classes shared by the stages that join and compare Japanese text.

/// CJK ideographs, kana, full-width forms and CJK punctuation: no space is
/// ever needed between two of them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3190..=0x31FF | 0x3200..=0x32FF | 0x3300..=0x33FF |
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF |
        0x20000..=0x3FFFF)
}

/// A unified CJK ideograph (漢字), as names and verbs are written.
pub fn is_kanji(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Hiragana: particles, verb endings and auxiliaries.
pub fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

/// Terminal cell width of a character: 2 for East Asian wide characters.
pub fn display_width(c: char) -> usize {
    let cp = c as u32;
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_is_cjk_and_latin_is_not() {
        assert!(is_cjk('報') && is_cjk('、') && is_cjk('ア') && is_cjk('Ｔ') && is_cjk('𠮷'));
        assert!(!is_cjk('T') && !is_cjk(' ') && !is_cjk('1'));
    }
}
