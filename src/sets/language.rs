//! Which language a sentence is written in, and which language a bilingual
//! contract says prevails (「本契約は日本語を正文とする」, "the English version
//! shall prevail").

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn label_ja(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::En => "英語",
        }
    }
}

/// English when Latin letters clearly outnumber Japanese characters: a
/// Japanese sentence quoting TLS or ISO/IEC 27001 stays Japanese, an English
/// one naming 株式会社サクラ stays English.
pub fn of(text: &str) -> Lang {
    // Most sentences have few Latin letters: counted as bytes, they decide
    // before any character is decoded.
    let latin = latin_letters(text);
    if latin < 12 {
        return Lang::Ja;
    }
    let cjk = text.chars().filter(|&c| crate::cjk::is_cjk(c)).count();
    if latin > cjk.saturating_mul(3) {
        Lang::En
    } else {
        Lang::Ja
    }
}

/// The ASCII letters of `text`. Counted per byte in blocks of 255 with an
/// 8-bit counter and no branch, which the compiler turns into vector code:
/// an eighth of the instructions of filtering and counting, and every
/// sentence of every document is read so (matching, instruments, evidence).
fn latin_letters(text: &str) -> usize {
    text.as_bytes()
        .chunks(usize::from(u8::MAX))
        .map(|block| {
            // Setting bit 5 folds A-Z onto a-z and no other byte into them.
            let n = block.iter().fold(0u8, |n, &b| {
                n + u8::from((b | 0x20).wrapping_sub(b'a') < 26)
            });
            usize::from(n)
        })
        .sum()
}

/// A sentence stating which language version prevails: that language.
/// The language named closest before the deciding word (正文, 優先,
/// prevail, govern) decides, else the first named after it
/// (「正文は日本語とする」).
pub fn governing(norm: &str) -> Option<Lang> {
    const NAMES: [(&str, Lang); 10] = [
        ("日本語", Lang::Ja),
        ("和文", Lang::Ja),
        ("日本文", Lang::Ja),
        ("和訳", Lang::Ja),
        ("英語", Lang::En),
        ("英文", Lang::En),
        ("英訳", Lang::En),
        ("Japanese", Lang::Ja),
        ("English", Lang::En),
        ("japanese", Lang::Ja),
    ];
    const DECIDES: [&str; 12] = [
        "正文",
        "正本",
        "優先",
        "原本",
        "prevail",
        "govern",
        "control",
        "authoritative",
        "precedence",
        "binding",
        "official",
        "正式",
    ];
    let lower = norm.to_ascii_lowercase();
    let decide = DECIDES.iter().filter_map(|d| {
        let hay = if d.is_ascii() { &lower } else { norm };
        hay.find(d)
    });
    let at = decide.min()?;
    let mut mentions: Vec<(usize, Lang)> = NAMES
        .iter()
        .flat_map(|(n, l)| norm.match_indices(n).map(move |(i, _)| (i, *l)))
        .collect();
    if mentions.is_empty() {
        return None;
    }
    mentions.sort();
    // "Japanese version" as opposed to "translation into Japanese": the
    // version named before the deciding word.
    mentions
        .iter()
        .rfind(|(i, _)| *i < at)
        .or_else(|| mentions.iter().find(|(i, _)| *i > at))
        .map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_are_counted_as_ascii_alphabetic_bytes_in_any_length() {
        let all: Vec<u8> = (0..=u8::MAX).collect();
        let mut texts: Vec<String> = vec![
            String::new(),
            "TLS1.2を用いる".into(),
            "@[`{Zz乙".into(),
            String::from_utf8_lossy(&all).into_owned(),
        ];
        texts.push("aB乙".repeat(300));
        for t in &texts {
            let expected = t.bytes().filter(u8::is_ascii_alphabetic).count();
            assert_eq!(latin_letters(t), expected, "{t:?}");
        }
    }

    #[test]
    fn english_is_told_from_japanese_quoting_latin_words() {
        assert_eq!(
            of("乙は、TLS1.2以上の方式により通信を暗号化する。"),
            Lang::Ja
        );
        assert_eq!(
            of("Processor shall notify Controller without undue delay."),
            Lang::En
        );
        assert_eq!(
            of("Sakura Cloud K.K. (株式会社サクラクラウド) shall notify the Customer."),
            Lang::En
        );
    }

    #[test]
    fn the_language_named_before_the_deciding_word_governs() {
        assert_eq!(governing("本契約は、日本語を正文とする。"), Some(Lang::Ja));
        assert_eq!(
            governing("本契約の日本語版と英語版に相違があるときは、英語版が優先する。"),
            Some(Lang::En)
        );
        assert_eq!(
            governing("In the event of any inconsistency between the English and Japanese versions, the Japanese version shall prevail."),
            Some(Lang::Ja)
        );
        assert_eq!(governing("正文は日本語とする。"), Some(Lang::Ja));
        assert_eq!(governing("乙は、障害を甲に報告する。"), None);
    }
}
