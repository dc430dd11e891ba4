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
pub fn reduce_document(
    mut hits: Vec<(usize, Strength, Evidence)>,
) -> Vec<(usize, Strength, Evidence)> {
    use crate::sets::Lang;
    type Key = (usize, Lang, Option<std::sync::Arc<str>>);
    // Each hit's language read once from its text (a byte a hit: a large
    // document's hits are not copied); the hits are then kept in place.
    let langs: Vec<Lang> = hits
        .iter()
        .map(|(_, _, e)| crate::sets::language::of(&e.text))
        .collect();
    let key = |i: usize, p: usize, e: &Evidence| -> Key { (p, langs[i], e.part.clone()) };
    let mut best: std::collections::BTreeMap<Key, Strength> = Default::default();
    for (i, (p, s, e)) in hits.iter().enumerate() {
        let b = best.entry(key(i, *p, e)).or_insert(*s);
        *b = (*b).max(*s);
    }
    let keep: Vec<bool> = {
        let mut kept: Vec<(Key, &Evidence)> = Vec::new();
        hits.iter()
            .enumerate()
            .map(|(i, (p, s, e))| {
                let k = key(i, *p, e);
                let prevails = e.basis == crate::matching::Basis::Prevailing;
                if best.get(&k) != Some(s) && !prevails {
                    return false;
                }
                let same = kept.iter().filter(|(kk, _)| *kk == k);
                if same.clone().count() >= MAX_EVIDENCE || same.clone().any(|(_, ke)| *ke == e) {
                    return false;
                }
                kept.push((k, e));
                true
            })
            .collect()
    };
    let mut keep = keep.into_iter();
    hits.retain(|_| keep.next().unwrap_or(false));
    hits
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
