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
    /// Runs of the offset map, by normalized byte offset: `(n, o)` says that
    /// the character starting at normalized byte `n` came from original byte
    /// `o`, and so does every later character of the run at the same
    /// distance (`o + (n' - n)`), up to the next run. Text that normalization
    /// leaves alone is one run, not one entry per character.
    runs: Vec<(usize, usize)>,
    original_len: usize,
}

fn is_japanese(c: char) -> bool {
    crate::cjk::is_cjk(c)
}

/// Voiced and semi-voiced marks combine with the kana before them.
fn is_combining(c: char) -> bool {
    if (c as u32) < 0x300 || is_settled(c) {
        return false;
    }
    matches!(c, '\u{3099}' | '\u{309A}' | '\u{FF9E}' | '\u{FF9F}')
        || canonical_combining_class(c) != 0
}

/// Characters that normalization leaves as they are (NFKC maps each to
/// itself, no radical or white space among them, none combines with what
/// precedes it): printable ASCII, 、。「」『』, the kana, the unified
/// ideographs and ー — nearly every character of a Japanese contract. They
/// are copied without the NFKC machinery, a fifth of segmenting.
fn is_settled(c: char) -> bool {
    matches!(c,
        '!'..='~'
        | '\u{3001}'..='\u{3002}'
        | '\u{300C}'..='\u{300F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'
        | '\u{4E00}'..='\u{9FFF}')
}

/// The length of the run of settled characters `text` starts with that is
/// copied as it stands: all of it, but for its last character when a
/// combining mark follows (that one is composed with the mark).
fn settled_run(text: &str) -> usize {
    let mut last = 0;
    for (i, c) in text.char_indices() {
        if !is_settled(c) {
            return if is_combining(c) { last } else { i };
        }
        last = i;
    }
    text.len()
}

/// Builds the normalized text and its run map one character at a time.
struct Builder {
    text: String,
    runs: Vec<(usize, usize)>,
    /// Original offset of the first white space of a pending run of spaces.
    space: Option<usize>,
}

impl Builder {
    fn push_mapped(&mut self, c: char, orig: usize) {
        let n = self.text.len();
        let continues = self
            .runs
            .last()
            .is_some_and(|&(rn, ro)| ro.checked_add(n - rn) == Some(orig));
        if !continues {
            self.runs.push((n, orig));
        }
        self.text.push(c);
    }

    /// One folded character. White space is kept (as one space) only between
    /// two characters that are not Japanese; runs of spaces fold to one.
    fn push(&mut self, c: char, orig: usize) {
        if c == ' ' {
            self.space.get_or_insert(orig);
            return;
        }
        if let Some(o) = self.space.take() {
            let prev = self.text.chars().next_back();
            if prev.is_some_and(|p| !is_japanese(p)) && !is_japanese(c) {
                self.push_mapped(' ', o);
            }
        }
        self.push_mapped(c, orig);
    }
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        let mut b = Builder {
            text: String::with_capacity(original.len()),
            runs: Vec::new(),
            space: None,
        };
        // NFKC cluster by cluster (a base character with its combining marks);
        // white space next to a Japanese character is dropped, runs of spaces fold.
        let mut start = 0;
        let mut cluster = String::new();
        while let Some(c) = original[start..].chars().next() {
            if is_settled(c) {
                let copied = settled_run(&original[start..]);
                if copied > 0 {
                    // Its first character closes any pending white space; the
                    // others follow it byte for byte, in the same run of the map.
                    b.push(c, start);
                    b.text
                        .push_str(&original[start + c.len_utf8()..start + copied]);
                    start += copied;
                    continue;
                }
            }
            cluster.clear();
            cluster.push(c);
            let mut next = start + c.len_utf8();
            for n in original[next..].chars() {
                if !is_combining(n) {
                    break;
                }
                cluster.push(n);
                next += n.len_utf8();
            }
            for n in cluster.nfkc() {
                let n = radicals::to_unified(n);
                let n = if n.is_whitespace() || n == '\u{3000}' {
                    ' '
                } else {
                    n
                };
                b.push(n, start);
            }
            start = next;
        }
        let mut text = b.text;
        let mut runs = b.runs;
        if text.capacity() > text.len() + text.len() / 8 + 16 {
            text.shrink_to_fit();
        }
        runs.shrink_to_fit();
        Normalized {
            text,
            runs,
            original_len: original.len(),
        }
    }

    /// Original byte offset of a normalized byte offset (inside a character:
    /// of the next character; at or past the end: the original's length).
    pub fn to_original(&self, norm_byte: usize) -> usize {
        let mut n = norm_byte;
        while n < self.text.len() && !self.text.is_char_boundary(n) {
            n += 1;
        }
        if n >= self.text.len() {
            return self.original_len;
        }
        let i = self.runs.partition_point(|(rn, _)| *rn <= n);
        match i.checked_sub(1).map(|i| self.runs[i]) {
            Some((rn, ro)) => ro + (n - rn),
            None => self.original_len,
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

    /// The per-character map normalization used to keep, as the reference
    /// the run map must agree with at every offset.
    fn reference(original: &str) -> (String, Vec<usize>) {
        let mut folded: Vec<(char, usize)> = Vec::new();
        let mut iter = original.char_indices().peekable();
        while let Some((start, c)) = iter.next() {
            let mut cluster = c.to_string();
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
        let mut text = String::new();
        let mut map = Vec::new();
        for i in 0..folded.len() {
            let (c, orig) = folded[i];
            if c == ' ' {
                let prev = text.chars().last();
                let next = folded[i + 1..].iter().map(|x| x.0).find(|c| *c != ' ');
                if prev.is_none()
                    || prev == Some(' ')
                    || next.is_none()
                    || prev.is_some_and(is_japanese)
                    || next.is_some_and(is_japanese)
                {
                    continue;
                }
            }
            map.push((text.len(), orig));
            text.push(c);
        }
        let offsets = (0..=text.len() + 2)
            .map(|b| match map.binary_search_by(|(n, _)| n.cmp(&b)) {
                Ok(i) => map[i].1,
                Err(i) if i < map.len() => map[i].1,
                Err(_) => original.len(),
            })
            .collect();
        (text, offsets)
    }

    #[test]
    fn run_map_agrees_with_the_per_character_map() {
        let pieces = [
            "乙は",
            "、",
            " ",
            "\n",
            "\u{3000}",
            "  ",
            "１２",
            "ＴＬＳ",
            "ﾃﾞｰﾀ",
            "㍻",
            "⼈⻘",
            "ISO",
            "/",
            "e\u{301}",
            "。",
            "（",
            "）",
            "ｱ",
            "ﾞ",
            "\t",
            "第4条",
            "a",
            "㈱",
        ];
        let mut seed = 0x2545_f491_u64;
        let mut cases: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
        cases.push(String::new());
        cases.push("  ".into());
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(seed % 9) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x9e37_79b9);
            cases.push(s);
        }
        for orig in &cases {
            let n = Normalized::new(orig);
            let (text, offsets) = reference(orig);
            assert_eq!(n.text, text, "{orig:?}");
            for (b, o) in offsets.iter().enumerate() {
                assert_eq!(n.to_original(b), *o, "{orig:?} at {b}");
            }
        }
    }

    #[test]
    fn unchanged_text_is_one_run_and_long_space_runs_are_linear() {
        let n = Normalized::new(&"乙は、甲に報告する。".repeat(10_000));
        assert_eq!(n.runs.len(), 1);
        let spaces = format!("a{}b", " ".repeat(2_000_000));
        let n = Normalized::new(&spaces);
        assert_eq!(n.text, "a b");
        assert_eq!(n.to_original(1), 1);
        assert_eq!(n.to_original(2), spaces.len() - 1);
    }

    /// The characters copied as they are are exactly those NFKC (and the
    /// radical and white-space folding) leave alone.
    #[test]
    fn settled_characters_are_their_own_normal_form() {
        let mut n = 0;
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| is_settled(*c))
        {
            let folded: String = c.to_string().nfkc().map(radicals::to_unified).collect();
            assert_eq!(folded, c.to_string(), "U+{:04X}", c as u32);
            assert!(!c.is_whitespace() && c != '\u{3000}');
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
            assert!(!matches!(
                c,
                '\u{3099}' | '\u{309A}' | '\u{FF9E}' | '\u{FF9F}'
            ));
            n += 1;
        }
        assert!(n > 20_000);
        // A settled kana followed by a combining mark is composed, not copied.
        assert_eq!(Normalized::new("か\u{3099}").text, "が");
        assert_eq!(Normalized::new("ｶﾞ").text, "ガ");
    }

    #[test]
    fn patterns_escape_full_width_parentheses() {
        assert_eq!(normalize_pattern("第１条（目的）"), "第1条\\(目的\\)");
        assert_eq!(normalize_pattern("(報告|通知)"), "(報告|通知)");
    }
}
