//! How strongly a sentence binds: the predicate that governs the matched words.
//!
//! Japanese is head-final: the predicate at the end of a clause chain decides
//! its force (「報告し、…従わなければならない」). So the last modality phrase
//! after the match decides, skipping phrases that only open a condition
//! (「報告しない場合は」) and stopping where a conjunction starts another
//! matter (「報告するとともに、復旧に努める」). An auxiliary such as ものとする
//! defers to the phrase it attaches to (努めるものとする is best-effort).

use crate::rules::{Lexicon, Marker};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    Duty,
    Prohibition,
    BestEffort,
    Permission,
    Negation,
    /// ただし…この限りでない: neither imposes nor negates.
    Proviso,
    /// Purpose or definition: imposes nothing.
    NonOperative,
    /// A duty for some cases and a denial for others in one sentence
    /// (「…についてのみ責任を負い、…については責任を負いません」).
    Allocation,
    /// No predicate: a heading, a noun phrase, a table cell.
    None,
}

fn is_auxiliary(phrase: &str) -> bool {
    phrase.starts_with("もの") || phrase.starts_with("こと")
}

/// Modality of `text` (normalized) governing the words that start at `from`.
pub fn modality(lex: &Lexicon, text: &str, from: usize) -> Modality {
    let from = from.min(text.len());
    let mut tail = &text[from..];
    if let Some(cut) = lex
        .conjunction_break
        .iter()
        .filter_map(|c| tail.find(c.as_str()).filter(|p| *p > 0))
        .min()
    {
        tail = &tail[..cut];
    }
    let mut found: Vec<(usize, usize, Marker)> = Vec::new();
    for m in lex.modality.find_iter(tail) {
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
    // Whole-sentence markers: a purpose or definition sentence imposes nothing.
    if found.iter().any(|f| f.2 == Marker::NonOperative) {
        return Modality::NonOperative;
    }
    let mut i = match found.len() {
        0 => {
            let end = tail.trim_end();
            return if lex.plain_endings.iter().any(|e| end.ends_with(e.as_str())) {
                Modality::Duty
            } else {
                Modality::None
            };
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
    match found[i].2 {
        Marker::Negation if earlier_duty => Modality::Allocation,
        Marker::Negation => Modality::Negation,
        Marker::Prohibition => Modality::Prohibition,
        Marker::BestEffort => Modality::BestEffort,
        Marker::Permission => Modality::Permission,
        Marker::Duty => Modality::Duty,
        Marker::Proviso => Modality::Proviso,
        Marker::NonOperative => Modality::NonOperative,
        // 「別表に定める」 points into the contract itself; 「別途締結するSLAに定める」 does not.
        Marker::Delegation => {
            let before = &text[..from + found[i].0];
            if lex
                .attached_tables
                .iter()
                .any(|t| before.contains(t.as_str()))
            {
                Modality::Duty
            } else {
                Modality::NonOperative
            }
        }
    }
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
        assert_eq!(modality(&rs.lexicon, &t, 0), Modality::NonOperative);
        let t = normalize_phrase("甲乙の役割分担は、別表に定める。");
        assert_eq!(modality(&rs.lexicon, &t, 0), Modality::Duty);
    }

    #[test]
    fn prohibition() {
        assert_eq!(m("乙は、報告を怠ってはならない。"), Modality::Prohibition);
    }
}
