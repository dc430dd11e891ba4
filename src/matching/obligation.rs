//! How strongly a sentence binds: the predicate that governs the matched words.
//!
//! Japanese is head-final: the predicate at the end of a clause chain decides
//! its force (「報告し、…従わなければならない」). So the last modality phrase
//! after the match decides, skipping phrases that only open a condition
//! (「報告しない場合は」) and stopping where a conjunction starts another
//! matter (「報告するとともに、復旧に努める」). An auxiliary such as ものとする
//! defers to the phrase it attaches to (努めるものとする is best-effort).
//!
//! A negation is one of two things: a denial of the duty or the liability
//! (責任を負わない), which negates any provision, or the negation of an act
//! (送信しない), which negates a provision only when the act is the
//! provision's own ([`negated_act`]); otherwise it is a safeguard.

use crate::cjk::{is_hiragana, is_kanji};
use crate::rules::{Lexicon, Marker};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    Duty,
    Prohibition,
    BestEffort,
    Permission,
    /// The duty or the liability is denied (責任を負わない, 義務を負わない).
    Negation,
    /// An act is negated (送信しない, 実施しません): whether that negates the
    /// provision depends on the act ([`negated_act`]).
    NegatedAct,
    /// ただし…この限りでない: neither imposes nor negates.
    Proviso,
    /// Purpose or definition: imposes nothing.
    NonOperative,
    /// The matter is left to a later agreement (協議のうえ決定する, 別途取り決める).
    Deferral,
    /// The matter is left to another instrument (基本約款の定めによる, 別途締結する
    /// SLAに定める): imposes nothing, like [`Modality::NonOperative`], but named
    /// apart so that a report can say why.
    Delegation,
    /// A duty for some cases and a denial for others in one sentence
    /// (「…についてのみ責任を負い、…については責任を負いません」).
    Allocation,
    /// No predicate: a heading, a noun phrase, a table cell.
    None,
}

/// The governing predicate: its modality and, when a phrase was found, its
/// byte range in the text given to [`predicate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predicate {
    pub modality: Modality,
    pub at: Option<(usize, usize)>,
}

fn is_auxiliary(phrase: &str) -> bool {
    phrase.starts_with("もの") || phrase.starts_with("こと")
}

/// Modality of `text` (normalized) governing the words that start at `from`.
pub fn modality(lex: &Lexicon, text: &str, from: usize) -> Modality {
    predicate(lex, text, from).modality
}

/// The predicate of `text` (normalized) governing the words at `from`.
pub fn predicate(lex: &Lexicon, text: &str, from: usize) -> Predicate {
    let from = from.min(text.len());
    if super::english::is_english(text) {
        return super::english::predicate(lex, text, (from, from));
    }
    let mut tail = &text[from..];
    // One pass tells whether any conjunction is there at all.
    let breaks = lex
        .conjunction_any
        .as_ref()
        .is_none_or(|a| a.is_match(tail));
    let phrases: &[String] = if breaks { &lex.conjunction_break } else { &[] };
    if let Some(cut) = phrases
        .iter()
        .filter_map(|c| {
            tail.match_indices(c.as_str())
                .map(|(p, _)| p)
                // 「作業記録とともに提出する」 joins nouns, not clauses: a
                // conjunction that follows a kanji noun breaks nothing.
                .find(|p| *p > 0 && !(c.starts_with('と') && follows_kanji(&tail[..*p])))
        })
        .min()
    {
        tail = &tail[..cut];
    }
    let mut found: Vec<(usize, usize, Marker)> = Vec::new();
    let parenthetical = parenthesized(tail);
    for m in lex.modality.find_iter(tail) {
        // A parenthetical is never the predicate: 「秘密情報（…をいう。）を開示してはならない」
        // defines a word inside a duty.
        if parenthetical
            .iter()
            .any(|&(s, e)| s < m.start() && m.start() < e)
        {
            continue;
        }
        let after = &tail[m.end()..];
        if lex
            .conditional_suffix
            .iter()
            .any(|s| after.starts_with(s.as_str()))
        {
            continue;
        }
        found.push((m.start(), m.end(), lex.markers[m.pattern().as_usize()]));
    }
    // A negation the lexicon does not list (…つながない) still negates its
    // verb when it ends the sentence after every listed phrase.
    if let Some((s, e)) = final_negation(lex, tail) {
        if found.last().is_none_or(|f| f.1 <= s) {
            found.push((s, e, Marker::Negation));
        }
    }
    let at = |i: usize| Some((from + found[i].0, from + found[i].1));
    // Whole-sentence markers: a purpose or definition sentence imposes nothing.
    if found.iter().any(|f| f.2 == Marker::NonOperative) {
        return Predicate {
            modality: Modality::NonOperative,
            at: None,
        };
    }
    let mut i = match found.len() {
        0 => {
            let end = tail.trim_end();
            let modality = if !lex.plain_endings.iter().any(|e| end.ends_with(e.as_str())) {
                Modality::None
            } else if deferred(lex, end) {
                Modality::Deferral
            } else {
                Modality::Duty
            };
            return Predicate { modality, at: None };
        }
        n => n - 1,
    };
    while i > 0 {
        let (start, _, marker) = found[i];
        let (_, prev_end, _) = found[i - 1];
        let aux = marker == Marker::Duty && is_auxiliary(&tail[start..]);
        if aux && start.saturating_sub(prev_end) <= 3 {
            i -= 1;
        } else {
            break;
        }
    }
    // An earlier duty counts only as its own clause (「責任を負い、…負いません」),
    // not as the object of the denial (「応じる義務を負いません」).
    // (A 、 between an earlier duty's end and this phrase: the last 、 before
    // the phrase, found once, not a search per earlier phrase.)
    let last_comma = tail[..found[i].0].rfind('、');
    let earlier_duty = found[..i]
        .iter()
        .any(|f| f.2 == Marker::Duty && last_comma.is_some_and(|c| c >= f.1));
    let modality = match found[i].2 {
        Marker::Denial | Marker::Negation if earlier_duty => Modality::Allocation,
        Marker::Denial => Modality::Negation,
        Marker::Negation => Modality::NegatedAct,
        Marker::Prohibition => Modality::Prohibition,
        Marker::BestEffort => Modality::BestEffort,
        Marker::Permission => Modality::Permission,
        Marker::Duty if deferred(lex, &tail[..found[i].0]) => Modality::Deferral,
        Marker::Duty => Modality::Duty,
        Marker::Proviso => Modality::Proviso,
        Marker::NonOperative => Modality::NonOperative,
        Marker::Delegation => {
            let before = &text[..from + found[i].0];
            if lex
                .attached_tables
                .iter()
                .any(|t| before.contains(t.as_str()))
                || points_inside(lex, before)
            {
                Modality::Duty
            } else {
                Modality::Delegation
            }
        }
    };
    Predicate {
        modality,
        at: at(i),
    }
}

/// 「別表に定める」 and 「第5条の定めによる」 point into the contract itself;
/// 「基本約款の定めるところに従う」 and 「別途締結するSLAに定める」 do not. The
/// instrument named is the phrase since the last 、.
fn points_inside(lex: &Lexicon, before: &str) -> bool {
    let named = before.rsplit('、').next().unwrap_or(before);
    lex.internal_references.iter().any(|r| {
        named.match_indices(r.as_str()).any(|(i, _)| {
            // 基本約款 is another instrument, 本約款 this one.
            !named[..i]
                .chars()
                .next_back()
                .is_some_and(|c| is_kanji(c) || c == '々')
        })
    }) || article_number(named)
}

fn article_number(s: &str) -> bool {
    s.char_indices().any(|(i, c)| {
        c == '第'
            && s[i + c.len_utf8()..]
                .chars()
                .take_while(|d| d.is_ascii_digit() || "一二三四五六七八九十百".contains(*d))
                .count()
                > 0
    })
}

/// The predicate that ends `before` (the words from the match to the
/// predicate) leaves the matter to a later agreement: a deferral verb
/// (定める, 決定する, 取り決める) with a cue (協議, 別途) anywhere between
/// them, and no chain of other acts (「報告し、…協議する」 defers nothing).
fn deferred(lex: &Lexicon, before: &str) -> bool {
    let stem = verb_stem(before.trim_end_matches(['。', '、']));
    let verb = lex
        .deferral_verbs
        .iter()
        .any(|v| stem.ends_with(verb_stem(v)));
    verb && !before.contains("し、")
        && !before.contains("て、")
        && lex
            .deferral_cues
            .iter()
            .any(|c| before.contains(c.as_str()))
}

/// 定めるものとする → 定め, 決定する → 決定.
fn verb_stem(mut s: &str) -> &str {
    const ENDINGS: [&str; 8] = [
        "ものとする",
        "ものとします",
        "こととする",
        "こととします",
        "します",
        "する",
        "ます",
        "る",
    ];
    while let Some(t) = ENDINGS.iter().find_map(|e| s.strip_suffix(e)) {
        s = t;
    }
    s
}

/// A 〜ない / 〜ません ending on a verb that the lexicon does not list.
/// The byte ranges of `text` inside parentheses (normalized text has ASCII
/// parentheses), outermost only; an unclosed one runs to the end.
fn parenthesized(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push((open, i));
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        out.push((open, text.len()));
    }
    out
}

fn final_negation(lex: &Lexicon, tail: &str) -> Option<(usize, usize)> {
    let t = tail.trim_end().trim_end_matches('。');
    let t = ["ものとする", "ものとします", "こととする", "こととします"]
        .iter()
        .find_map(|s| t.strip_suffix(s))
        .unwrap_or(t);
    let (stem, neg) = if let Some(s) = t.strip_suffix("ません") {
        (s, "ません")
    } else if let Some(s) = t.strip_suffix("ない") {
        (s, "ない")
    } else {
        return None;
    };
    // The verb's own ending before ない is kana (つなが|ない, 受け付け|ない);
    // a kanji before it is an adjective (少ない) and は/が a predicate noun.
    let last = stem.chars().next_back()?;
    let kana = is_hiragana(last);
    if !kana && neg == "ない" {
        return None;
    }
    if lex.not_negations.iter().any(|n| t.ends_with(n.as_str())) {
        return None;
    }
    let start = stem.len();
    Some((start, start + neg.len()))
}

/// Does the negated act at `at` in `text` negate the provision? Not when
/// the object is itself unsafe (暗号化していないデータを送信しない): that is
/// a safeguard. Otherwise it does when the negation stays in the clause of
/// the matched words (「定期報告書の提出はいたしません」) or its verb is one
/// of the provision's `acts` or a verb that carries whatever was matched
/// (実施しない). A negation in a later clause of another act
/// (「VPNを用い、保守端末を直接接続しない」) is a safeguard too.
pub fn negated_act(
    lex: &Lexicon,
    text: &str,
    at: (usize, usize),
    matched: (usize, usize),
    acts: &[String],
) -> bool {
    let (start, end) = at;
    let clause_start = text[..start].rfind('、').map_or(0, |i| i + '、'.len_utf8());
    let object = &text[clause_start..start];
    if lex
        .unsafe_objects
        .iter()
        .any(|u| object.contains(u.as_str()))
    {
        return false;
    }
    let between = &text[matched.1.min(start)..start];
    let same_clause = !between
        .match_indices('、')
        .any(|(i, _)| continuative(&between[..i]));
    if same_clause {
        return true;
    }
    // The verb: the phrase itself (受け付けません) and the kanji, katakana or
    // Latin run before it, past an honorific or a particle (実施はいたしません).
    let mut before = &text[..start];
    for strip in ["いた", "致", "は", "を", "も", "が"] {
        before = before.strip_suffix(strip).unwrap_or(before);
    }
    let run = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| !is_hiragana(*c) && !"、。「」()".contains(*c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let verb = &text[run..end];
    lex.generic_acts
        .iter()
        .chain(acts)
        .any(|a| verb.contains(a.as_str()))
}

/// `before` ends in a predicate's continuative form (用い / 行うものとし),
/// not a particle (乙は / について): a 、 after it starts another clause.
pub fn continuative(before: &str) -> bool {
    before
        .chars()
        .next_back()
        .is_some_and(|c| is_hiragana(c) && !"はがもをのへとやからにでて".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize_phrase;
    use crate::rules::RuleSet;

    fn m(s: &str) -> Modality {
        let rs = RuleSet::embedded().unwrap();
        let n = normalize_phrase(s);
        let from = n.find("報告").or_else(|| n.find("協力")).unwrap_or(0);
        modality(&rs.lexicon, &n, from)
    }

    #[test]
    fn duty_forms() {
        assert_eq!(
            m("乙は、直ちに甲に報告しなければならない。"),
            Modality::Duty
        );
        assert_eq!(m("乙は、甲に報告するものとする。"), Modality::Duty);
        assert_eq!(m("乙は、甲に報告する。"), Modality::Duty);
        assert_eq!(m("当社は、お客様に報告します。"), Modality::Duty);
        assert_eq!(
            m("乙は、報告し、その後の対応について甲の指示に従わなければならない。"),
            Modality::Duty
        );
    }

    #[test]
    fn a_condition_keeps_the_duty_it_governs() {
        assert_eq!(
            m("乙は、障害が発生したときは、直ちに甲に報告しなければならない。"),
            Modality::Duty
        );
        assert_eq!(
            m("乙は、事故が発生した場合において、甲の求めがあるときは、報告するものとする。"),
            Modality::Duty
        );
        assert_eq!(
            m("乙は、報告ができない場合であっても、甲に連絡しなければならない。"),
            Modality::Duty
        );
    }

    #[test]
    fn best_effort_and_permission() {
        assert_eq!(
            m("乙は、報告するよう努めるものとする。"),
            Modality::BestEffort
        );
        assert_eq!(
            m("乙は、報告するよう努めなければならない。"),
            Modality::BestEffort
        );
        assert_eq!(m("乙は、甲に報告することができる。"), Modality::Permission);
    }

    #[test]
    fn negation_and_its_scope() {
        assert_eq!(m("乙は、報告する義務を負わない。"), Modality::Negation);
        assert_eq!(
            m("当社は、調査に協力する義務を負いません。"),
            Modality::Negation
        );
        assert_eq!(
            m("当社は、報告に関し一切の責任を負わないものとします。"),
            Modality::Negation
        );
        // A negated condition is not a negated duty.
        assert_eq!(
            m("乙が報告しない場合は、甲は契約を解除することができる。"),
            Modality::Permission
        );
        assert_eq!(
            m("乙は、報告しない場合には、違約金を支払わなければならない。"),
            Modality::Duty
        );
    }

    #[test]
    fn a_duty_and_a_denial_in_one_sentence_is_an_allocation() {
        assert_eq!(m("当社は、当社設備の障害についてのみ報告の責任を負い、契約者設備の障害については責任を負いません。"), Modality::Allocation);
    }

    #[test]
    fn a_conjunction_keeps_the_duty_apart_from_a_later_best_effort() {
        assert_eq!(
            m("乙は、直ちに報告するとともに、復旧に努めるものとする。"),
            Modality::Duty
        );
    }

    #[test]
    fn proviso_purpose_and_headings() {
        assert_eq!(
            m("ただし、報告については、この限りでない。"),
            Modality::Proviso
        );
        assert_eq!(
            m("本合意書は、報告の方法を定めることを目的とする。"),
            Modality::NonOperative
        );
        assert_eq!(m("障害・事故発生時の報告"), Modality::None);
    }

    #[test]
    fn delegation_to_an_attached_table_counts_but_to_another_agreement_does_not() {
        let rs = RuleSet::embedded().unwrap();
        let t = normalize_phrase("障害発生時の報告体制については、別途締結するSLAに定める。");
        assert_eq!(modality(&rs.lexicon, &t, 0), Modality::Delegation);
        let t = normalize_phrase("甲乙の役割分担は、別表に定める。");
        assert_eq!(modality(&rs.lexicon, &t, 0), Modality::Duty);
    }

    #[test]
    fn prohibition() {
        assert_eq!(m("乙は、報告を怠ってはならない。"), Modality::Prohibition);
    }
}

/// The text before a conjunction ends in a kanji (a noun: 作業記録とともに).
fn follows_kanji(before: &str) -> bool {
    before.chars().next_back().is_some_and(crate::cjk::is_kanji)
}

#[cfg(test)]
mod conjunction_tests {
    use super::follows_kanji;

    #[test]
    fn a_conjunction_after_a_kanji_noun_joins_nouns_not_clauses() {
        assert!(follows_kanji("作業記録"));
        assert!(!follows_kanji("報告する"));
    }
}
