//! Which character encoding a plain-text file is in.
//!
//! Japanese contracts saved as text come as UTF-8 (with or without a BOM),
//! UTF-16 with a BOM (Notepad's 「Unicode」), Shift_JIS/CP932 (Windows), EUC-JP
//! (older Unix systems) and ISO-2022-JP (e-mail). A BOM or valid UTF-8 decides
//! at once. Anything else goes to chardetng, told the text comes from Japan
//! (the `.jp` hint), and its guess is checked rather than trusted: a guess that
//! decodes without errors into text that reads as Japanese, and that no other
//! Japanese encoding also decodes so, is sure. Otherwise every Japanese
//! encoding is tried, the cleanest is taken and the document says that its
//! encoding was guessed; when none gives text, it is not text.

use encoding_rs::{Encoding, EUC_JP, ISO_2022_JP, SHIFT_JIS, UTF_8};
use std::borrow::Cow;

/// How far the decoded text can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// A BOM, valid UTF-8, or a guess that decoded cleanly into Japanese
    /// text no other Japanese encoding also gives.
    Sure,
    /// The best of several candidates: short or ambiguous text, decoding
    /// errors, or text that does not read as Japanese.
    Guessed,
    /// No encoding gives text: binary data, or an encoding keiyaku does not know.
    Garbage,
}

/// Text decoded from a file's bytes.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    pub confidence: Confidence,
    /// Characters that could not be decoded (each became U+FFFD) or are
    /// control characters no text holds.
    pub bad: usize,
    /// Characters other than white space.
    pub chars: usize,
}

impl Decoded<'_> {
    /// The note a reviewer reads when the encoding was guessed:
    /// 「文字コードを推定（EUC-JP、確度低）」.
    pub fn note_ja(&self) -> Option<String> {
        if self.confidence == Confidence::Sure {
            return None;
        }
        let bad = if self.bad > 0 {
            format!("、読めない文字 {} 個", self.bad)
        } else {
            String::new()
        };
        Some(format!(
            "文字コードを推定（{}、確度低{bad}）",
            self.encoding.name()
        ))
    }
}

/// chardetng looks at this much of a file: Japanese encodings are told apart
/// within a few kilobytes, and the guess is checked on the whole text anyway.
const SAMPLE: usize = 1 << 20;

/// Over this share of bad characters (one in ten) no encoding gave text.
const GARBAGE_PER_TEN: usize = 1;

/// A guess resting on fewer non-ASCII characters than this is not sure: a
/// few bytes are valid in several encodings.
const FEW: usize = 8;

/// Texts up to this size are checked for a second Japanese reading.
const SHORT: usize = 64 * 1024;

const ESC: u8 = 0x1B;

pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes.get(bom..).unwrap_or(&[]));
        let c = Candidate::measure(text, enc);
        let confidence = if had_errors {
            c.judged_alone()
        } else {
            Confidence::Sure
        };
        return c.into_decoded(confidence);
    }
    // ISO-2022-JP is 7-bit: valid UTF-8 with escape sequences may be it;
    // and no text holds a NUL (UTF-16 without a BOM does).
    if !bytes.contains(&ESC) && !bytes.contains(&0) {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return Decoded {
                text: Cow::Borrowed(s),
                encoding: UTF_8,
                confidence: Confidence::Sure,
                bad: 0,
                chars: 0,
            };
        }
    }
    detect(bytes)
}

fn detect(bytes: &[u8]) -> Decoded<'_> {
    let sample = bytes.get(..SAMPLE).unwrap_or(bytes);
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(Some(b"jp"), chardetng::Utf8Detection::Allow);
    let first = Candidate::decode(bytes, guess);
    let enough = first.non_ascii >= FEW;
    // Only short texts are valid Japanese in two encodings; a long one is
    // not decoded twice more to show it.
    let ambiguous = bytes.len() <= SHORT && ambiguous(bytes, &first);
    if enough && first.bad == 0 && first.reads_japanese() && !ambiguous {
        return first.into_decoded(Confidence::Sure);
    }
    let mut best = first;
    for enc in [SHIFT_JIS, EUC_JP, ISO_2022_JP, UTF_8] {
        if enc == guess {
            continue;
        }
        let c = Candidate::decode(bytes, enc);
        if c.better_than(&best) {
            best = c;
        }
    }
    let confidence = best.judged_alone();
    best.into_decoded(confidence)
}

/// Does another Japanese encoding also decode these bytes cleanly into
/// Japanese text (short texts can be valid in several)?
fn ambiguous(bytes: &[u8], chosen: &Candidate) -> bool {
    [SHIFT_JIS, EUC_JP]
        .into_iter()
        .filter(|&e| e != chosen.encoding)
        .any(|e| {
            e.decode_without_bom_handling_and_without_replacement(bytes)
                .is_some_and(|t| t != chosen.text && Candidate::measure(t, e).clean_japanese())
        })
}

/// One encoding's reading of the bytes, and how it reads.
struct Candidate<'a> {
    text: Cow<'a, str>,
    encoding: &'static Encoding,
    bad: usize,
    chars: usize,
    non_ascii: usize,
    japanese: usize,
}

impl<'a> Candidate<'a> {
    fn decode(bytes: &'a [u8], encoding: &'static Encoding) -> Candidate<'a> {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        Candidate::measure(text, encoding)
    }

    fn measure(text: Cow<'a, str>, encoding: &'static Encoding) -> Candidate<'a> {
        let (mut bad, mut chars, mut non_ascii, mut japanese) = (0, 0, 0, 0);
        for c in text.chars() {
            if c.is_whitespace() {
                continue;
            }
            chars += 1;
            if c == '\u{FFFD}' || is_stray_control(c) {
                bad += 1;
            }
            if !c.is_ascii() {
                non_ascii += 1;
                if is_japanese(c) {
                    japanese += 1;
                }
            }
        }
        Candidate {
            text,
            encoding,
            bad,
            chars,
            non_ascii,
            japanese,
        }
    }

    /// Nine in ten of its non-ASCII characters are what Japanese text is
    /// written with: mojibake is mostly half-width katakana, private-use
    /// characters and accented Latin letters.
    fn reads_japanese(&self) -> bool {
        self.japanese * 10 >= self.non_ascii * 9
    }

    /// Japanese text without a bad character.
    fn clean_japanese(&self) -> bool {
        self.bad == 0 && self.non_ascii > 0 && self.reads_japanese()
    }

    /// Fewer bad characters, then more Japanese ones.
    fn better_than(&self, other: &Candidate) -> bool {
        (self.bad, std::cmp::Reverse(self.japanese))
            < (other.bad, std::cmp::Reverse(other.japanese))
    }

    fn judged_alone(&self) -> Confidence {
        if self.bad * 10 > self.chars * GARBAGE_PER_TEN {
            Confidence::Garbage
        } else {
            Confidence::Guessed
        }
    }

    fn into_decoded(self, confidence: Confidence) -> Decoded<'a> {
        Decoded {
            text: self.text,
            encoding: self.encoding,
            confidence,
            bad: self.bad,
            chars: self.chars,
        }
    }
}

/// Control characters no text file holds (tab, line feed, carriage return
/// and form feed are white space and never get here).
fn is_stray_control(c: char) -> bool {
    matches!(c as u32, 0x00..=0x1F | 0x7F..=0x9F)
}

/// Characters Japanese text is written with: kana, kanji, CJK and full-width
/// punctuation, and the symbols of JIS X 0208 (①, ■, ※, §, ×, …). Not
/// half-width katakana or private-use characters: those are what one Japanese
/// encoding read as another mostly gives.
fn is_japanese(c: char) -> bool {
    let cp = c as u32;
    if (0xFF61..=0xFF9F).contains(&cp) {
        return false;
    }
    crate::cjk::is_cjk(c)
        || matches!(cp,
            0x2010..=0x206F | 0x2100..=0x22FF | 0x2460..=0x24FF | 0x2500..=0x257F |
            0x25A0..=0x26FF)
        || matches!(c, '§' | '¨' | '°' | '±' | '´' | '¶' | '×' | '÷')
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: &str = "第1条（目的）\n本契約は、甲が乙に委託する保守業務について定める。\n\
        第2条（報告）\n乙は、事故が発生したときは、直ちに甲に報告しなければならない。\n";

    fn encoded(enc: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = enc.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn each_japanese_encoding_is_recognised_and_sure() {
        for enc in [SHIFT_JIS, EUC_JP, ISO_2022_JP] {
            let bytes = encoded(enc, CONTRACT);
            let d = decode(&bytes);
            assert_eq!(d.encoding, enc, "{}", enc.name());
            assert_eq!(d.confidence, Confidence::Sure, "{}", enc.name());
            assert_eq!(d.text, CONTRACT);
            assert_eq!(d.note_ja(), None);
        }
    }

    #[test]
    fn utf16_with_a_bom_and_utf8_with_or_without_are_sure() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(CONTRACT.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(CONTRACT.encode_utf16().flat_map(u16::to_be_bytes));
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(CONTRACT.as_bytes());
        for (bytes, name) in [
            (le, "UTF-16LE"),
            (be, "UTF-16BE"),
            (bom8, "UTF-8"),
            (CONTRACT.as_bytes().to_vec(), "UTF-8"),
        ] {
            let d = decode(&bytes);
            assert_eq!(d.encoding.name(), name);
            assert_eq!(d.confidence, Confidence::Sure);
            assert_eq!(d.text, CONTRACT);
        }
    }

    #[test]
    fn valid_utf8_is_taken_without_a_copy() {
        let d = decode(CONTRACT.as_bytes());
        assert!(matches!(d.text, Cow::Borrowed(_)));
    }

    #[test]
    fn a_few_broken_bytes_are_read_but_the_encoding_is_said_to_be_guessed() {
        let mut bytes = encoded(SHIFT_JIS, CONTRACT);
        bytes.insert(10, 0x81); // a lead byte without its trail
        bytes.push(0x82);
        let d = decode(&bytes);
        assert_eq!(d.encoding, SHIFT_JIS);
        assert_eq!(d.confidence, Confidence::Guessed);
        assert!(d.bad >= 1);
        let note = d.note_ja().unwrap();
        assert!(
            note.starts_with("文字コードを推定（Shift_JIS、確度低、読めない文字"),
            "{note}"
        );
    }

    #[test]
    fn a_short_text_valid_in_two_encodings_is_guessed_not_sure() {
        // 「契約書」 in EUC-JP also decodes as Shift_JIS (half-width kana
        // and a private-use character): too little to be sure of either.
        let bytes = encoded(EUC_JP, "契約書");
        let d = decode(&bytes);
        assert_eq!(d.text, "契約書");
        assert_eq!(d.encoding, EUC_JP);
        assert_eq!(
            d.note_ja().as_deref(),
            Some("文字コードを推定（EUC-JP、確度低）")
        );
    }

    #[test]
    fn binary_data_is_garbage_not_text() {
        let bytes: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(decode(&bytes).confidence, Confidence::Garbage);
        // UTF-16 without a BOM: every other byte a NUL.
        let bom_less: Vec<u8> = "Agreement between the parties\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bom_less).confidence, Confidence::Garbage);
    }

    #[test]
    fn ascii_with_an_escape_that_is_not_iso_2022_jp_stays_readable() {
        let d = decode(b"Article 1\x1b[0m Purpose of this agreement and more words here");
        assert_ne!(d.confidence, Confidence::Garbage);
        assert!(d.text.contains("Purpose"));
    }
}
