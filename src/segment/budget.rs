//! A per-document work budget for segmentation and matching.
//!
//! Every stage that reads a document's text charges what it scans: one unit
//! per byte of text per pass (segmentation reads each block once, matching
//! reads each sentence once per automaton or regex it runs). Party labels
//! composed from the preamble's definitions (甲及び乙, 甲と乙 …) are counted
//! separately. The defaults are far above any real contract (a contract is a
//! few hundred kilobytes; a 50 MB text file stays well inside); a document
//! over budget is not read further and the caller gets [`BudgetExceeded`],
//! which names the budget, so it can report the document as `error`.

use std::fmt;

/// Work units (bytes scanned, summed over passes) one document may cost.
pub const DEFAULT_MAX_WORK: u64 = 8_000_000_000;

/// Party labels one document may compose from its definitions.
pub const DEFAULT_MAX_PARTY_LABELS: usize = 100_000;

/// Which budget a document ran out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetKind {
    /// Bytes of text scanned by segmentation and matching, summed over passes.
    Work,
    /// Party labels composed from the document's definitions.
    PartyLabels,
}

/// A document exceeded its work budget in `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetExceeded {
    pub kind: BudgetKind,
    /// "segmentation", "parties" or "matching".
    pub stage: &'static str,
    pub limit: u64,
}

impl fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            BudgetKind::Work => write!(
                f,
                "the document exceeds keiyaku's work budget during {}: more than {} bytes of text scanned (work budget)",
                self.stage, self.limit
            ),
            BudgetKind::PartyLabels => write!(
                f,
                "the document exceeds keiyaku's party-label budget during {}: its definitions compose more than {} party labels (party-label budget)",
                self.stage, self.limit
            ),
        }
    }
}

impl std::error::Error for BudgetExceeded {}

/// What one document may still spend. Create one per document
/// ([`Budget::default`]) and pass it to every stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub max_work: u64,
    pub max_party_labels: usize,
    used: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(DEFAULT_MAX_WORK, DEFAULT_MAX_PARTY_LABELS)
    }
}

impl Budget {
    pub fn new(max_work: u64, max_party_labels: usize) -> Budget {
        Budget {
            max_work,
            max_party_labels,
            used: 0,
        }
    }

    /// No limit at all (the behaviour of the functions without a budget).
    pub fn unlimited() -> Budget {
        Budget::new(u64::MAX, usize::MAX)
    }

    /// Work units spent so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Spend `units` of work in `stage`; an error once the total passes the limit.
    pub fn charge(&mut self, stage: &'static str, units: usize) -> Result<(), BudgetExceeded> {
        self.used = self.used.saturating_add(units as u64);
        if self.used > self.max_work {
            Err(BudgetExceeded {
                kind: BudgetKind::Work,
                stage,
                limit: self.max_work,
            })
        } else {
            Ok(())
        }
    }

    /// Check that `labels` composed party labels fit.
    pub fn party_labels(&self, stage: &'static str, labels: usize) -> Result<(), BudgetExceeded> {
        if labels > self.max_party_labels {
            Err(BudgetExceeded {
                kind: BudgetKind::PartyLabels,
                stage,
                limit: self.max_party_labels as u64,
            })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_add_up_and_the_error_names_the_budget() {
        let mut b = Budget::new(10, 5);
        assert!(b.charge("segmentation", 6).is_ok());
        let e = b.charge("matching", 6).unwrap_err();
        assert_eq!(e.kind, BudgetKind::Work);
        assert!(e.to_string().contains("work budget"), "{e}");
        assert!(e.to_string().contains("matching"), "{e}");
        let e = b.party_labels("parties", 6).unwrap_err();
        assert!(e.to_string().contains("party-label budget"), "{e}");
        assert!(Budget::unlimited().charge("x", usize::MAX).is_ok());
    }
}
