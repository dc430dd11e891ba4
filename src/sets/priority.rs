//! Clauses that say which of a vendor's instruments prevails where they
//! differ: 「本特約と約款の定めが異なるときは、本特約が優先する」,
//! 「本契約と特記事項の内容が矛盾する場合は、特記事項の定めによる」,
//! 「個別契約は、本規約に優先して適用される」, "In the event of a conflict
//! between this DPA and the Agreement, this DPA shall prevail."
//!
//! Written by hand: no crate reads Japanese contract drafting. The reading is
//! deliberately narrow: a sentence must speak of a difference or conflict,
//! or say 「…に優先する」, and name the instruments.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

/// An instrument as a clause names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The instrument word as written: 特約, 約款, 特記事項, DPA.
    pub word: String,
    /// Written as this instrument (本特約, この覚書, this DPA).
    pub this: bool,
    start: usize,
    end: usize,
}

/// One instrument prevailing over others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority {
    pub winner: Mention,
    /// The instruments it prevails over; empty: whatever it conflicts with.
    pub losers: Vec<Mention>,
}

/// Instrument words, longest first where one contains another.
const WORDS: [&str; 40] = [
    "サービスレベル合意書",
    "個人情報取扱特記事項",
    "特記事項",
    "特約条項",
    "特約",
    "特則",
    "個別契約",
    "個別規定",
    "個別約定",
    "変更契約",
    "覚書",
    "合意書",
    "利用規約",
    "利用約款",
    "サービス約款",
    "約款",
    "規約",
    "基本契約",
    "原契約",
    "親契約",
    "元契約",
    "契約書",
    "契約",
    "別紙",
    "別記",
    "別表",
    "付属書",
    "附属書",
    "仕様書",
    "細則",
    "申込書",
    "注文書",
    "SLA",
    "DPA",
    "Addendum",
    "Agreement",
    "Terms",
    "Amendment",
    "Schedule",
    "Annex",
];

fn finder() -> &'static AhoCorasick {
    static F: OnceLock<AhoCorasick> = OnceLock::new();
    F.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(WORDS)
            .expect("static instrument words")
    })
}

/// Instruments named in `t` (normalized), in order.
pub fn mentions(t: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for m in finder().find_iter(t) {
        let word = &t[m.start()..m.end()];
        let after = &t[m.end()..];
        let before = &t[..m.start()];
        // 契約者 and 契約期間 are a party and a term, not an instrument.
        if word.starts_with('契') && after.starts_with(['者', '期', '金', '締', '料', '当', '上'])
        {
            continue;
        }
        if word.is_ascii() {
            // Whole English words only (Agreements, Termsheet are not).
            let next = after.chars().next();
            let prev = before.chars().next_back();
            if next.is_some_and(|c| c.is_ascii_alphanumeric())
                || prev.is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
        }
        let this = if word.is_ascii() {
            let b = before.trim_end().to_ascii_lowercase();
            b.ends_with("this") || b.ends_with("this data processing")
        } else {
            ["本", "この", "当該", "同"]
                .iter()
                .any(|p| before.ends_with(p))
        };
        out.push(Mention {
            word: word.to_string(),
            this,
            start: m.start(),
            end: m.end(),
        });
    }
    out
}

const CONFLICT: [&str; 14] = [
    "異な",
    "抵触",
    "矛盾",
    "齟齬",
    "そご",
    "相違",
    "食い違",
    "競合",
    "相反",
    "一致しない",
    "conflict",
    "inconsisten",
    "discrepanc",
    "contradict",
];

/// Any word a priority clause needs ([`CONFLICT`], 優先, precedence,
/// prevail over), in any case: one pass over a sentence tells whether it can
/// be one (most sentences are not). It is the whole test
/// that one of them is there.
fn cue() -> &'static AhoCorasick {
    static F: OnceLock<AhoCorasick> = OnceLock::new();
    F.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(
                CONFLICT
                    .iter()
                    .chain(&["優先", "precedence", "prevail over"]),
            )
            .expect("static priority cues")
    })
}

/// The priority a sentence states, if it states one.
pub fn read(t: &str) -> Option<Priority> {
    if !cue().is_match(t) {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let conflict = CONFLICT.iter().any(|c| lower.contains(c));
    let ms = mentions(t);
    if ms.len() < 2 && !(ms.len() == 1 && ms[0].this) {
        return None;
    }
    // An order of precedence: 「個別契約、本契約、約款の順に優先する」.
    if t.contains("優先") && (t.contains("の順") || t.contains("順位")) && ms.len() >= 2 {
        let mut ms = ms;
        let winner = ms.remove(0);
        return Some(Priority { winner, losers: ms });
    }
    if let Some(p) = t.find("優先") {
        // Xは、Yに優先する / Xの定めは、Yの定めに優先して適用される
        let ni = t[..p].rfind('に');
        let loser = ni.and_then(|ni| {
            ms.iter()
                .rev()
                .find(|m| m.end <= ni && joined(&t[m.end..ni]) && t[ni..p].len() <= "に".len())
        });
        if let Some(l) = loser {
            let winner = ms.iter().rev().find(|m| m.end <= l.start && m != &l)?;
            return Some(Priority {
                winner: winner.clone(),
                losers: vec![l.clone()],
            });
        }
        // Xが優先する / Xの定めを優先して適用する / Xの規定が優先される
        if !conflict && !t[p..].starts_with("優先して適用") {
            return None;
        }
        let winner = ms.iter().rev().find(|m| {
            m.end <= p && {
                let between = &t[m.end..p];
                let between = between.trim_end_matches(['が', 'を', 'は', '、', ',', ' ']);
                joined(between)
            }
        })?;
        return Some(with_losers(winner, &ms));
    }
    if conflict {
        // 「…異なるときは、特記事項の定めによる」
        for cue in [
            "の定めによる",
            "の規定による",
            "の定めに従う",
            "の規定に従う",
            "の定めが適用",
            "を適用する",
            "が適用される",
        ] {
            if let Some(p) = t.rfind(cue) {
                let winner = ms
                    .iter()
                    .rev()
                    .find(|m| m.end <= p && joined(&t[m.end..p]))?;
                return Some(with_losers(winner, &ms));
            }
        }
        // "…, this DPA shall prevail / control / govern / take precedence"
        for cue in [
            "prevail",
            "control",
            "govern",
            "take precedence",
            "takes precedence",
        ] {
            if let Some(p) = lower.rfind(cue) {
                let winner = ms.iter().rev().find(|m| m.end <= p)?;
                return Some(with_losers(winner, &ms));
            }
        }
    } else if let Some(p) = lower
        .find("take precedence over")
        .or(lower.find("prevail over"))
    {
        let winner = ms.iter().rev().find(|m| m.end <= p)?;
        let losers = ms.iter().filter(|m| m.start > p).cloned().collect();
        return Some(Priority {
            winner: winner.clone(),
            losers,
        });
    }
    None
}

/// Only 「の定め」「の規定」 and the like between an instrument and its verb.
fn joined(between: &str) -> bool {
    const JOINERS: [&str; 10] = [
        "の定め",
        "の規定",
        "の条項",
        "の内容",
        "の条件",
        "の記載",
        "に定める事項",
        "に定める内容",
        "の各条項",
        "の定める事項",
    ];
    let b = between.trim_matches([' ', '、', ',']);
    b.is_empty() || JOINERS.contains(&b) || (b.is_ascii() && b.len() <= 40)
}

fn with_losers(winner: &Mention, ms: &[Mention]) -> Priority {
    let losers = ms
        .iter()
        .filter(|m| m.word != winner.word || m.this != winner.this)
        .filter(|m| m.start != winner.start)
        .cloned()
        .collect();
    Priority {
        winner: winner.clone(),
        losers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize_phrase;

    fn read_ja(t: &str) -> Option<(String, bool, Vec<String>)> {
        read(&normalize_phrase(t)).map(|p| {
            (
                p.winner.word,
                p.winner.this,
                p.losers.into_iter().map(|l| l.word).collect(),
            )
        })
    }

    #[test]
    fn a_special_agreement_that_prevails_over_the_terms() {
        assert_eq!(
            read_ja("本特約と約款の定めが異なるときは、本特約が優先する。"),
            Some(("特約".into(), true, vec!["約款".into()]))
        );
        assert_eq!(
            read_ja("本覚書の内容が原契約の定めと抵触する場合には、本覚書の定めが優先して適用されるものとする。"),
            Some(("覚書".into(), true, vec!["原契約".into()]))
        );
        assert_eq!(
            read_ja("個別契約の定めは、本規約の定めに優先して適用される。"),
            Some(("個別契約".into(), false, vec!["規約".into()]))
        );
    }

    #[test]
    fn a_base_contract_naming_its_annex_as_prevailing() {
        assert_eq!(
            read_ja("本契約と特記事項の内容が矛盾する場合は、特記事項の定めによる。"),
            Some(("特記事項".into(), false, vec!["契約".into()]))
        );
        assert_eq!(
            read_ja("本契約の本文と別紙の定めが異なるときは、別紙を優先する。"),
            Some(("別紙".into(), false, vec!["契約".into()]))
        );
    }

    #[test]
    fn an_order_of_precedence() {
        assert_eq!(
            read_ja("各文書の優先順位は、個別契約、本契約、約款の順とする。"),
            Some(("個別契約".into(), false, vec!["契約".into(), "約款".into()]))
        );
    }

    #[test]
    fn english_precedence() {
        assert_eq!(
            read_ja("In the event of any conflict between this DPA and the Agreement, this DPA shall prevail."),
            Some(("DPA".into(), true, vec!["Agreement".into()]))
        );
    }

    #[test]
    fn gap_filling_and_ordinary_clauses_state_no_priority() {
        assert_eq!(
            read_ja("本約款に定めのない事項は、個別契約の定めによる。"),
            None
        );
        assert_eq!(read_ja("乙は、障害を直ちに甲に報告する。"), None);
        assert_eq!(
            read_ja("契約者は、本約款に従い本サービスを利用する。"),
            None
        );
    }
}
