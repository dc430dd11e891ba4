//! Per vendor over all of its documents: one status per provision.
//!
//! present > weak > negated > missing; `unknown` replaces `missing` (only)
//! when a document of the vendor could not be read, so the report never
//! claims a provision is missing from a contract it could not read.

use crate::matching::Strength;
use crate::report::model::{Evidence, Status};

/// Evidence kept per provision: enough to check, short enough to read.
pub const MAX_EVIDENCE: usize = 3;

/// Decide a provision's status from its clause hits across the vendor's documents.
pub fn decide(hits: &[(Strength, Evidence)], vendor_fully_read: bool) -> (Status, Vec<Evidence>) {
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
            if !ev.contains(e) {
                ev.push(e.clone());
            }
        }
        ev.truncate(MAX_EVIDENCE);
        ev
    };
    (status, evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: &str, s: Status) -> Evidence {
        Evidence {
            path: "a.pdf".into(),
            page: Some(1),
            clause: None,
            heading: None,
            strength: s,
            basis: crate::matching::Basis::Duty,
            matched: String::new(),
            text: t.into(),
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
        assert_eq!(e[0].text, "p");
    }

    #[test]
    fn unknown_replaces_missing_only() {
        assert_eq!(decide(&[], false).0, Status::Unknown);
        assert_eq!(decide(&[], true).0, Status::Missing);
        let hits = vec![(Strength::Weak, ev("w", Status::Weak))];
        assert_eq!(decide(&hits, false).0, Status::Weak);
    }

    #[test]
    fn wrong_party_hits_do_not_count() {
        let hits = vec![(Strength::None, ev("甲は報告する", Status::Missing))];
        let (s, e) = decide(&hits, true);
        assert_eq!(s, Status::Missing);
        assert!(e.is_empty());
    }
}
