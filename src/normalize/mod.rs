//! Text for matching, with a map back to the original.
//!
//! NFKC folds full-width digits, Latin and parentheses to ASCII and half-width
//! katakana to full-width; CJK radicals that NFKC leaves alone are folded to
//! unified ideographs; white space next to a Japanese character is dropped so
//! that a line break inside 報告 or 「第 4 条」 does not split a word. Every
//! normalized character remembers the byte offset of the original character
//! it came from (lindera-style), so evidence quotes what the page shows.

mod radicals;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalized {
    pub text: String,
    /// For each normalized char: (byte offset in `text`, byte offset in the original).
    map: Vec<(usize, usize)>,
    original_len: usize,
}

fn is_japanese(c: char) -> bool {
    crate::cjk::is_cjk(c)
}

/// Voiced and semi-voiced marks combine with the kana before them.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{3099}' | '\u{309A}' | '\u{FF9E}' | '\u{FF9F}')
        || canonical_combining_class(c) != 0
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        // 1. NFKC cluster by cluster (a base character with its combining marks).
        let mut folded: Vec<(char, usize)> = Vec::with_capacity(original.len() / 2);
        let mut iter = original.char_indices().peekable();
        let mut cluster = String::new();
        while let Some((start, c)) = iter.next() {
            cluster.clear();
            cluster.push(c);
            while let Some(&(_, n)) = iter.peek() {
                if is_combining(n) {
                    cluster.push(n);
                    iter.next();
                } else {
                    break;
                }
            }
            for n in cluster.nfkc() {
                let n = radicals::to_unified(n);
                let n = if n.is_whitespace() || n == '\u{3000}' {
                    ' '
                } else {
                    n
                };
                folded.push((n, start));
            }
        }
        // 2. Drop white space that touches a Japanese character; fold runs of spaces.
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(folded.len());
        for i in 0..folded.len() {
            let (c, orig) = folded[i];
            if c == ' ' {
                let prev = text.chars().last();
                let next = folded[i + 1..].iter().map(|x| x.0).find(|c| *c != ' ');
                let drop = prev.is_none()
                    || prev == Some(' ')
                    || next.is_none()
                    || prev.is_some_and(is_japanese)
                    || next.is_some_and(is_japanese);
                if drop {
                    continue;
                }
            }
            map.push((text.len(), orig));
            text.push(c);
        }
        Normalized {
            text,
            map,
            original_len: original.len(),
        }
    }

    /// Original byte offset of a normalized byte offset.
    pub fn to_original(&self, norm_byte: usize) -> usize {
        match self.map.binary_search_by(|(n, _)| n.cmp(&norm_byte)) {
            Ok(i) => self.map[i].1,
            Err(i) if i < self.map.len() => self.map[i].1,
            Err(_) => self.original_len,
        }
    }

    /// Original byte range of a normalized byte range.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.to_original(start), self.to_original(end))
    }
}

/// Normalize a pattern or keyword written by a rule editor the same way as
/// document text, escaping characters that NFKC turns into regex syntax
/// (（ → \( ), so an editor may write either form.
pub fn normalize_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        let folded: String = c.to_string().nfkc().map(radicals::to_unified).collect();
        if folded.chars().count() == 1 && folded != c.to_string() {
            let f = folded.chars().next().unwrap_or(c);
            if "\\.+*?()|[]{}^$".contains(f) {
                out.push('\\');
            }
            if f == ' ' {
                continue;
            }
            out.push(f);
        } else if c == '\u{3000}' {
            continue;
        } else {
            out.push_str(&folded);
        }
    }
    out
}

/// Normalize a plain phrase (keywords, lexicon entries).
pub fn normalize_phrase(s: &str) -> String {
    Normalized::new(s).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_latin_fold_to_ascii() {
        assert_eq!(Normalized::new("第１２条ＴＬＳ１．２").text, "第12条TLS1.2");
    }

    #[test]
    fn spaces_and_line_breaks_between_japanese_are_removed() {
        assert_eq!(Normalized::new("直ちに報\n告する").text, "直ちに報告する");
        assert_eq!(Normalized::new("第 4 条　24 時間").text, "第4条24時間");
        assert_eq!(
            Normalized::new("ISO/IEC  27001 and TLS").text,
            "ISO/IEC 27001 and TLS"
        );
    }

    #[test]
    fn half_width_katakana_with_voiced_mark_composes() {
        assert_eq!(Normalized::new("ﾃﾞｰﾀ").text, "データ");
    }

    #[test]
    fn radicals_fold_to_unified_ideographs() {
        // ⼈ (U+2F08, Kangxi) via NFKC; ⻘ (U+2EDD, supplement) via the table.
        assert_eq!(Normalized::new("⼈⻘").text, "人青");
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let orig = "甲は、\n乙に報告する。";
        let n = Normalized::new(orig);
        let pos = n.text.find("報告").unwrap();
        let (s, e) = n.original_range(pos, pos + "報告".len());
        assert_eq!(&orig[s..e], "報告");
    }

    #[test]
    fn patterns_escape_full_width_parentheses() {
        assert_eq!(normalize_pattern("第１条（目的）"), "第1条\\(目的\\)");
        assert_eq!(normalize_pattern("(報告|通知)"), "(報告|通知)");
    }
}
