//! Per vendor over all of its documents: one status per provision.
//!
//! present > weak > negated > missing; `unknown` replaces `missing` (only)
//! when a document of the vendor could not be read, so the report never
//! claims a provision is missing from a contract it could not read.

pub mod conditions;
pub mod services;

use crate::matching::Strength;
use crate::report::model::{Evidence, NearMiss, Status};

/// Evidence kept per provision: enough to check, short enough to read.
pub const MAX_EVIDENCE: usize = 3;

/// Decide a provision's status from its clause hits across the vendor's documents.
pub fn decide(hits: &[(Strength, Evidence)], vendor_fully_read: bool) -> (Status, Vec<Evidence>) {
    // A reservation that prevails (統計情報として利用することがあります beside
    // a ban on other uses) makes the provision negated: the one exception to
    // present > weak > negated. Both clauses are kept as the conflict.
    let prevailing: Vec<&Evidence> = hits
        .iter()
        .filter(|(_, e)| e.basis == crate::matching::Basis::Prevailing)
        .map(|(_, e)| e)
        .collect();
    if !prevailing.is_empty() {
        let best_other = hits
            .iter()
            .filter(|(_, e)| e.basis != crate::matching::Basis::Prevailing)
            .map(|(s, _)| *s)
            .max()
            .filter(|s| *s > Strength::Negated);
        let mut ev: Vec<Evidence> = Vec::new();
        for e in prevailing {
            if ev.len() < MAX_EVIDENCE - usize::from(best_other.is_some()) && !ev.contains(e) {
                ev.push(e.clone());
            }
        }
        if let Some(b) = best_other {
            if let Some((_, e)) = hits.iter().find(|(s, _)| *s == b) {
                ev.push(e.clone());
            }
        }
        return (Status::Negated, ev);
    }
    let best = hits.iter().map(|(s, _)| *s).max().unwrap_or(Strength::None);
    let status = match best {
        Strength::Present => Status::Present,
        Strength::Weak => Status::Weak,
        Strength::Negated => Status::Negated,
        Strength::None if vendor_fully_read => Status::Missing,
        Strength::None => Status::Unknown,
    };
    let evidence = if best == Strength::None {
        Vec::new()
    } else {
        let mut ev: Vec<Evidence> = Vec::new();
        for (_, e) in hits.iter().filter(|(s, _)| *s == best) {
            // Only the first few are kept: stop there, never compare all with all.
            if ev.len() == MAX_EVIDENCE {
                break;
            }
            if !ev.contains(e) {
                ev.push(e.clone());
            }
        }
        ev.truncate(MAX_EVIDENCE);
        // Kept until the report is written: no spare slots per provision.
        ev.shrink_to_fit();
        ev
    };
    (status, evidence)
}

/// Keep of one document's hits only what [`decide`] can use: per provision
/// (and per language, for a bilingual document whose languages are compared),
/// the hits of the document's best strength, at most [`MAX_EVIDENCE`]
/// distinct ones. Deciding over the reduced hits of every document gives the
/// same status and evidence as over all hits, and a big archive does not hold
/// every matched sentence until the end.
pub fn reduce_document(hits: Vec<(usize, Strength, Evidence)>) -> Vec<(usize, Strength, Evidence)> {
    let keyed = hits
        .into_iter()
        .map(|(provision, strength, e)| {
            let key = Keyed {
                provision,
                strength,
                lang: crate::sets::language::of(&e.text),
                part: e.part.clone(),
                prevails: e.basis == crate::matching::Basis::Prevailing,
            };
            (key, e)
        })
        .collect();
    reduce_keyed(keyed, |_, e| e)
}

/// What [`reduce_keyed`] decides a hit by, known before its evidence is built.
#[derive(Debug, Clone)]
pub struct Keyed {
    pub provision: usize,
    pub strength: Strength,
    /// The language of the evidence's quote.
    pub lang: crate::sets::Lang,
    /// The part of a set the evidence belongs to.
    pub part: Option<std::sync::Arc<str>>,
    /// The hit's basis is [`crate::matching::Basis::Prevailing`]: kept at any strength.
    pub prevails: bool,
}

/// [`reduce_document`] over hits whose evidence is built (by `evidence`,
/// given the hit and its key) only for those that may be kept: a document of
/// a million matching lines builds a few evidences per provision instead of
/// a million. Order is kept.
pub fn reduce_keyed<T>(
    hits: Vec<(Keyed, T)>,
    mut evidence: impl FnMut(&Keyed, T) -> Evidence,
) -> Vec<(usize, Strength, Evidence)> {
    type Key = (usize, crate::sets::Lang, Option<std::sync::Arc<str>>);
    let key = |k: &Keyed| -> Key { (k.provision, k.lang, k.part.clone()) };
    let mut best: std::collections::BTreeMap<Key, Strength> = Default::default();
    for (k, _) in &hits {
        let b = best.entry(key(k)).or_insert(k.strength);
        *b = (*b).max(k.strength);
    }
    let mut kept: Vec<(Key, Strength, Evidence)> = Vec::new();
    for (k, hit) in hits {
        let kk = key(&k);
        if best.get(&kk) != Some(&k.strength) && !k.prevails {
            continue;
        }
        let same = || kept.iter().filter(|(other, ..)| *other == kk);
        if same().count() >= MAX_EVIDENCE {
            continue;
        }
        let e = evidence(&k, hit);
        if same().any(|(.., ke)| *ke == e) {
            continue;
        }
        kept.push((kk, k.strength, e));
    }
    kept.into_iter().map(|((p, ..), s, e)| (p, s, e)).collect()
}

/// [`reduce_document`] for the hits of several documents: each document is
/// reduced on its own, so that one instrument's finding can still set aside
/// another's ([`crate::sets::resolve`]).
pub fn reduce_documents(
    hits: Vec<(usize, Strength, Evidence)>,
) -> Vec<(usize, Strength, Evidence)> {
    let mut index: std::collections::HashMap<std::sync::Arc<str>, usize> = Default::default();
    let mut by_path: Vec<Vec<(usize, Strength, Evidence)>> = Vec::new();
    for h in hits {
        let next = by_path.len();
        let i = *index.entry(h.2.path.clone()).or_insert(next);
        if i == next {
            by_path.push(Vec::new());
        }
        by_path[i].push(h);
    }
    by_path.into_iter().flat_map(reduce_document).collect()
}

/// Per provision, the closest near miss: the first of the closest kind
/// ([`crate::matching::MissKind`] is declared closest first), so the choice
/// depends only on the order given (documents, then sentences).
pub fn closest(near: impl IntoIterator<Item = (usize, NearMiss)>) -> Vec<(usize, NearMiss)> {
    let mut best: std::collections::BTreeMap<usize, NearMiss> = Default::default();
    for (p, n) in near {
        if best.get(&p).is_none_or(|b| n.kind < b.kind) {
            best.insert(p, n);
        }
    }
    best.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: &str, s: Status) -> Evidence {
        Evidence {
            page: Some(1),
            ..Evidence::sample("a.pdf", t, s)
        }
    }

    #[test]
    fn present_beats_weak_beats_negated() {
        let hits = vec![
            (Strength::Negated, ev("n", Status::Negated)),
            (Strength::Present, ev("p", Status::Present)),
            (Strength::Weak, ev("w", Status::Weak)),
        ];
        let (s, e) = decide(&hits, true);
        assert_eq!(s, Status::Present);
        assert_eq!(&*e[0].text, "p");
    }

    #[test]
    fn unknown_replaces_missing_only() {
        assert_eq!(decide(&[], false).0, Status::Unknown);
        assert_eq!(decide(&[], true).0, Status::Missing);
        let hits = vec![(Strength::Weak, ev("w", Status::Weak))];
        assert_eq!(decide(&hits, false).0, Status::Weak);
    }

    #[test]
    fn a_reduced_document_decides_like_all_its_hits() {
        let hits: Vec<(usize, Strength, Evidence)> = vec![
            (0, Strength::Weak, ev("w1", Status::Weak)),
            (0, Strength::Present, ev("p1", Status::Present)),
            (0, Strength::Present, ev("p1", Status::Present)),
            (0, Strength::Present, ev("p2", Status::Present)),
            (0, Strength::Present, ev("p3", Status::Present)),
            (0, Strength::Present, ev("p4", Status::Present)),
            (1, Strength::Negated, ev("n", Status::Negated)),
        ];
        let reduced = reduce_document(hits.clone());
        assert_eq!(reduced.len(), 4);
        for p in [0, 1] {
            let all: Vec<_> = hits
                .iter()
                .filter(|h| h.0 == p)
                .map(|h| (h.1, h.2.clone()))
                .collect();
            let some: Vec<_> = reduced
                .iter()
                .filter(|h| h.0 == p)
                .map(|h| (h.1, h.2.clone()))
                .collect();
            assert_eq!(decide(&all, true), decide(&some, true));
        }
    }

    #[test]
    fn evidence_is_built_only_for_hits_that_may_be_kept() {
        let key = |provision, strength| Keyed {
            provision,
            strength,
            lang: crate::sets::Lang::Ja,
            part: None,
            prevails: false,
        };
        // A weak hit under a present one, then more present hits than are kept.
        let mut hits = vec![(key(0, Strength::Weak), "w".to_string())];
        hits.extend((0..1000).map(|i| (key(0, Strength::Present), format!("p{i}"))));
        let mut built = Vec::new();
        let kept = reduce_keyed(hits, |_, t| {
            built.push(t.clone());
            ev(&t, Status::Present)
        });
        assert_eq!(built, ["p0", "p1", "p2"]);
        let kept: Vec<&str> = kept.iter().map(|(_, _, e)| &*e.text).collect();
        assert_eq!(kept, ["p0", "p1", "p2"]);
    }

    #[test]
    fn the_closest_near_miss_is_kept_and_the_first_among_equals() {
        use crate::matching::MissKind;
        let nm = |k: MissKind, t: &str| NearMiss {
            kind: k,
            note: "".into(),
            evidence: ev(t, Status::Missing),
        };
        let kept = closest(vec![
            (0, nm(MissKind::HeadingOnly, "h")),
            (0, nm(MissKind::WrongParty, "w1")),
            (0, nm(MissKind::WrongParty, "w2")),
            (1, nm(MissKind::CommentOnly, "c")),
        ]);
        let kept: Vec<(usize, &str)> = kept.iter().map(|(p, n)| (*p, &*n.evidence.text)).collect();
        assert_eq!(kept, [(0, "w1"), (1, "c")]);
    }

    #[test]
    fn wrong_party_hits_do_not_count() {
        let hits = vec![(Strength::None, ev("甲は報告する", Status::Missing))];
        let (s, e) = decide(&hits, true);
        assert_eq!(s, Status::Missing);
        assert!(e.is_empty());
    }
}
