//! Clauses that attach another document only for reference:
//! 「乙が提出したサービス仕様適合開示書は、参考資料として本契約に添付する。」
//! What such a document says is not agreed: it gives `weak` at most, while a
//! document the contract makes part of itself (「本契約の一部を構成する」)
//! counts as the contract (docs/deciding.md §10.4).
//!
//! Written by hand: no crate reads Japanese contract drafting. The reading is
//! narrow: the sentence must say 参考資料 or 参考として, and the document is the
//! noun the sentence's topic ends with.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

/// Words that attach for reference only.
const FOR_REFERENCE: [&str; 4] = ["参考資料として", "参考資料とし", "参考として", "参考までに"];

/// Words saying the document binds after all: then it is not for reference.
const BINDING: [&str; 3] = ["一部を構成", "一体をな", "一部とする"];

/// Each word list as one automaton, built once: one pass over a sentence
/// instead of one per word.
fn for_reference() -> &'static AhoCorasick {
    static F: OnceLock<AhoCorasick> = OnceLock::new();
    F.get_or_init(|| automaton(&FOR_REFERENCE))
}

fn binding() -> &'static AhoCorasick {
    static F: OnceLock<AhoCorasick> = OnceLock::new();
    F.get_or_init(|| automaton(&BINDING))
}

fn automaton(words: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(words)
        .expect("static reference words")
}

/// The longest names kept: a topic longer than this is a phrase, not a title.
const MAX_NAME: usize = 30;

/// The name of the document the sentence `t` (normalized) attaches for
/// reference only, in lower case, or None.
pub fn read(t: &str) -> Option<String> {
    // The leftmost of the words: where the first of them starts.
    let at = for_reference().find(t)?.start();
    if binding().is_match(t) {
        return None;
    }
    // The topic: 「…開示書は、参考資料として」 or 「…開示書を参考資料として」.
    let before = t[..at].trim_end_matches(['、', ',', ' ']);
    let topic = before
        .strip_suffix('は')
        .or_else(|| before.strip_suffix('を'))?;
    // The noun run it ends with: kanji, katakana and Latin letters, up to the
    // first kana or punctuation (「提出した|サービス仕様適合開示書」).
    let name: String = {
        let mut rev: Vec<char> = topic
            .chars()
            .rev()
            .take_while(|c| is_name_char(*c))
            .collect();
        rev.reverse();
        rev.into_iter().collect()
    };
    let n = name.chars().count();
    // A document's name ends as one does (開示書, 参考資料, 体制表, MDS);
    // 「本サービスを参考として」 names no document.
    let last = name.chars().next_back()?;
    let documentish = matches!(last, '書' | '料' | '表' | '覧' | '票' | '図') || last.is_ascii();
    ((2..=MAX_NAME).contains(&n) && documentish).then(|| name.to_ascii_lowercase())
}

fn is_name_char(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | 'ー'
        | '\u{30A1}'..='\u{30FA}'
    ) || c.is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn a_document_attached_as_reference_material_is_named() {
        assert_eq!(
            read("乙が本契約の締結前に甲に提出したサービス仕様適合開示書は、参考資料として本契約に添付する。")
                .as_deref(),
            Some("サービス仕様適合開示書")
        );
        assert_eq!(
            read("甲は、乙の運用手順書を参考として受領する。").as_deref(),
            Some("運用手順書")
        );
    }

    #[test]
    fn a_document_made_part_of_the_contract_is_not_for_reference() {
        assert_eq!(
            read("サービス仕様適合開示書は、参考資料として添付し、本契約の一部を構成する。"),
            None
        );
        assert_eq!(read("別紙仕様書は、本契約の一部を構成する。"), None);
    }

    #[test]
    fn reference_wording_without_a_named_document_names_nothing() {
        assert_eq!(read("乙は、参考として甲に説明する。"), None);
        assert_eq!(read("参考資料として添付する。"), None);
        assert_eq!(read("乙は、本サービスを参考として提供する。"), None);
    }
}
