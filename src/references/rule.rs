//! A provision stated by rule rather than by name: 「一次切り分けは、障害箇所を
//! 管理する側が行い、その結果により調査の範囲を定める。」 names no party, but
//! says who leads by a rule (the side that manages the failing part). The rule
//! settles who leads once the contracts allocate who manages what (責任分界):
//! such a clause is weak on its own ([`Basis::Rule`]) and present when the
//! vendor's responsibility scope is (see [`settle`]).

use crate::matching::obligation::{self, Modality};
use crate::matching::parties::Parties;
use crate::matching::{Basis, Hit, Strength};
use crate::report::model::{Derived, DerivedKind, Evidence, Status};
use crate::rules::RuleSet;
use crate::segment::{Sentence, SentenceKind};
use regex::Regex;
use std::sync::{Arc, OnceLock};

/// The provision whose party may be named by rule, and the allocation that settles it.
const LEAD: &str = "investigation-lead";
const SCOPE: &str = "responsibility-scope";

/// The act of leading the investigation (group `act`) assigned to whoever
/// fits a rule (「…を管理する側が」), in either order.
fn rule_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let act = |name: &str| {
            format!(r"(?P<{name}>(?:一次|初動|障害|原因)?(?:切り分け|切分け|切分)|原因(?:の)?(?:調査|究明|特定)|(?:事故|障害)(?:の)?調査)")
        };
        let who = r"(?:を管理する|を管理している|を所管する|を管轄する|を運用する|を保守する|を設置した|を設置する|を提供する|を担当する|の管理者である|に原因がある|に起因する|の責任範囲に属する|が属する)(?:側|者|当事者|一方の当事者|一方|方)が";
        Regex::new(&format!(
            "{}[^。]{{0,30}}?は、?[^。]{{0,40}}?{who}|{who}、?[^。]{{0,30}}?{}",
            act("act"),
            act("act2")
        ))
        .expect("static regex")
    })
}

/// Words every match of [`rule_re`] holds: one of its acts, and the end of
/// one of its parties (側が, 者が, 方が). Most contracts hold no sentence with
/// both, and the regex, costly to compile, is then never built.
fn may_name_lead_by_rule(text: &str) -> bool {
    ["側が", "者が", "方が"].iter().any(|w| text.contains(w))
        && ["切り分け", "切分", "調査", "究明", "特定"]
            .iter()
            .any(|w| text.contains(w))
}

/// Replace the matcher's reading of sentences that name the lead by rule:
/// whatever it made of them (no party named, or 「…を定める。」 read as a
/// purpose), they are [`Basis::Rule`] clauses, weak until [`settle`]d.
/// A sentence that names a party as its subject, or softens the act
/// (努める, できる), is left to the matcher.
pub fn adjust(rules: &RuleSet, sentences: &[Sentence], parties: &Parties, hits: &mut Vec<Hit>) {
    let Some(lead) = rules.provisions.iter().position(|p| p.id == LEAD) else {
        return;
    };
    for (si, s) in sentences.iter().enumerate() {
        if s.kind != SentenceKind::Body || s.in_definitions {
            continue;
        }
        let text = &s.norm.text;
        if !may_name_lead_by_rule(text) {
            continue;
        }
        let Some(c) = rule_re().captures(text) else {
            continue;
        };
        let Some(act) = c.name("act").or(c.name("act2")) else {
            continue;
        };
        if parties.subjects(text).iter().any(|x| x.topic) {
            continue;
        }
        let modality = obligation::modality(&rules.lexicon, text, act.start());
        if !matches!(
            modality,
            Modality::Duty | Modality::Prohibition | Modality::NonOperative | Modality::None
        ) {
            continue;
        }
        hits.retain(|h| !(h.provision == lead && h.sentence == si));
        hits.push(Hit {
            provision: lead,
            sentence: si,
            strength: Strength::Weak,
            basis: Basis::Rule,
            span: (act.start(), act.end()),
            miss: None,
            party: None,
            in_heading: false,
        });
    }
}

/// At the vendor: a lead named by rule is present when the vendor's
/// contracts allocate responsibility (its responsibility scope is present),
/// since the rule then says who leads for every failure.
pub fn settle(rules: &RuleSet, by_provision: &mut [Vec<(Strength, Evidence)>]) {
    let pos = |id: &str| rules.provisions.iter().position(|p| p.id == id);
    let (Some(scope), Some(lead)) = (pos(SCOPE), pos(LEAD)) else {
        return;
    };
    let allocation = by_provision.get(scope).and_then(|found| {
        found
            .iter()
            .find(|(s, _)| *s == Strength::Present)
            .map(|(_, e)| {
                let file = crate::consolidate::file_name(&e.path).to_string();
                match &e.clause {
                    Some(c) => format!("{file} {c}"),
                    None => file,
                }
            })
    });
    let Some(allocation) = allocation else {
        return;
    };
    let Some(found) = by_provision.get_mut(lead) else {
        return;
    };
    let derived = Arc::new(Derived {
        kind: DerivedKind::Rule,
        note: format!("規則で定める主体：責任分界（{allocation}）により決まる"),
        path: None,
    });
    for (s, e) in found.iter_mut().filter(|(_, e)| e.basis == Basis::Rule) {
        *s = Strength::Present;
        e.strength = Status::Present;
        e.basis = Basis::Duty;
        e.derived = Some(derived.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Document};

    fn hits_of(lines: &[&str]) -> Vec<Hit> {
        let rs = RuleSet::embedded().unwrap();
        let s = crate::segment::segment(&Document {
            blocks: lines.iter().map(|l| Block::paragraph(None, *l)).collect(),
            ..Document::default()
        });
        let p = Parties::resolve(&s, &rs.lexicon.parties, None, &[]);
        let mut h = crate::matching::match_sentences(&rs, &s, &p);
        adjust(&rs, &s, &p, &mut h);
        let lead = rs.provisions.iter().position(|p| p.id == LEAD).unwrap();
        h.retain(|h| h.provision == lead);
        h
    }

    #[test]
    fn a_lead_named_by_rule_is_a_rule_clause() {
        let h = hits_of(&[
            "医療法人青葉会（以下「甲」という。）と株式会社北斗（以下「乙」という。）は、次のとおり契約する。",
            "第4条（障害対応）",
            "一次切り分けは、障害箇所を管理する側が行い、その結果により調査の範囲を定める。",
        ]);
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].strength, h[0].basis), (Strength::Weak, Basis::Rule));
    }

    #[test]
    fn a_named_party_or_a_softened_act_is_left_to_the_matcher() {
        let named = hits_of(&["第4条　障害の一次切り分けは、乙が行う。"]);
        assert!(named.iter().all(|h| h.basis != Basis::Rule));
        let soft = hits_of(&["第4条　一次切り分けは、障害箇所を管理する側が行うよう努める。"]);
        assert!(soft.iter().all(|h| h.basis != Basis::Rule));
    }

    #[test]
    fn every_rule_sentence_passes_the_word_check() {
        for t in [
            "一次切り分けは、障害箇所を管理する側が行う",
            "障害の切分は、その機器を保守する者が行う",
            "原因の特定は、障害に起因する一方の当事者が行う",
            "事故調査は、これを所管する方が行う",
            "原因に起因する当事者が、原因究明を行う",
        ] {
            assert!(rule_re().is_match(t), "{t}");
            assert!(may_name_lead_by_rule(t), "{t}");
        }
        assert!(!may_name_lead_by_rule("乙は、障害を調査する"));
    }

    #[test]
    fn an_allocation_settles_the_rule() {
        let rs = RuleSet::embedded().unwrap();
        let pos = |id: &str| rs.provisions.iter().position(|p| p.id == id).unwrap();
        let ev = |basis: Basis, clause: &str| Evidence {
            clause: Some(clause.into()),
            basis,
            ..Evidence::sample("V/契約書.txt", "", Status::Weak)
        };
        let mut by: Vec<Vec<(Strength, Evidence)>> = vec![Vec::new(); rs.provisions.len()];
        by[pos(LEAD)].push((Strength::Weak, ev(Basis::Rule, "第4条")));
        settle(&rs, &mut by);
        assert_eq!(by[pos(LEAD)][0].0, Strength::Weak, "no allocation: weak");
        by[pos(SCOPE)].push((Strength::Present, ev(Basis::Duty, "第2条")));
        settle(&rs, &mut by);
        let (s, e) = &by[pos(LEAD)][0];
        assert_eq!(*s, Strength::Present);
        assert_eq!(
            e.derived.as_ref().map(|d| d.note.as_str()),
            Some("規則で定める主体：責任分界（契約書.txt 第2条）により決まる")
        );
    }
}
