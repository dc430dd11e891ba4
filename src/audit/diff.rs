//! What changed between two scans of an archive: status changes first (what
//! got worse, then what got better, with both evidences), then vendors and
//! documents added, removed or changed, and a warning when the rule sets
//! differ, since then a change may come from the rules, not the contracts.

use super::saved::{Saved, SavedDoc, SavedEvidence, SavedProvision, SavedRules};
use crate::report::model::Status;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

pub const SCHEMA: &str = "keiyaku.diff/1";

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub old: Side,
    pub new: Side,
    /// The rule sets differ (id, version or sha256).
    pub rules_changed: bool,
    /// Vendor × provision and service × provision changes, the regressions first.
    pub changes: Vec<Change>,
    pub vendors_added: Vec<String>,
    pub vendors_removed: Vec<String>,
    pub documents_added: Vec<SavedDoc>,
    pub documents_removed: Vec<SavedDoc>,
    pub documents_changed: Vec<DocChange>,
    pub summary: DiffSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub rules: SavedRules,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Regressed,
    Improved,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub direction: Direction,
    /// The vendor, or 「サービス「…」」 for a service.
    pub vendor: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub service: bool,
    pub provision: String,
    pub short: String,
    pub old: Status,
    pub new: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_evidence: Option<SavedEvidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_evidence: Option<SavedEvidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocChange {
    pub path: String,
    pub old: SavedDoc,
    pub new: SavedDoc,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffSummary {
    pub regressed: usize,
    pub improved: usize,
    pub vendors_added: usize,
    pub vendors_removed: usize,
    pub documents_added: usize,
    pub documents_removed: usize,
    pub documents_changed: usize,
}

/// How good a status is for an auditor. A provision that can no longer be
/// decided (unknown) counts as worse whatever it was: the assurance is gone.
fn direction(old: Status, new: Status) -> Option<Direction> {
    let rank = |s: Status| match s {
        Status::Present => 4,
        Status::Weak => 3,
        Status::Unknown => 2,
        Status::Missing => 1,
        Status::Negated => 0,
    };
    if old == new {
        None
    } else if new == Status::Unknown || rank(new) < rank(old) {
        Some(Direction::Regressed)
    } else {
        Some(Direction::Improved)
    }
}

fn provision_changes(
    vendor: &str,
    service: bool,
    old: &[SavedProvision],
    new: &[SavedProvision],
    out: &mut Vec<Change>,
) {
    for n in new {
        let Some(o) = old.iter().find(|o| o.id == n.id) else {
            continue;
        };
        if let Some(direction) = direction(o.status, n.status) {
            out.push(Change {
                direction,
                vendor: vendor.to_string(),
                service,
                provision: n.id.clone(),
                short: n.short.clone().unwrap_or_else(|| n.id.clone()),
                old: o.status,
                new: n.status,
                old_evidence: o.evidence.first().cloned(),
                new_evidence: n.evidence.first().cloned(),
            });
        }
    }
}

/// Compare two reports of the same archive.
pub fn diff(old: &Saved, new: &Saved) -> Diff {
    let key = |v: &super::saved::SavedVendor| (v.root.clone(), v.name.clone());
    let old_vendors: BTreeMap<_, _> = old.vendors.iter().map(|v| (key(v), v)).collect();
    let new_vendors: BTreeMap<_, _> = new.vendors.iter().map(|v| (key(v), v)).collect();
    let mut changes = Vec::new();
    let mut vendors_added = Vec::new();
    let mut vendors_removed = Vec::new();
    for (k, n) in &new_vendors {
        match old_vendors.get(k) {
            Some(o) => provision_changes(
                &n.label(),
                false,
                &o.provisions,
                &n.provisions,
                &mut changes,
            ),
            None => vendors_added.push(n.label()),
        }
    }
    for (k, o) in &old_vendors {
        if !new_vendors.contains_key(k) {
            vendors_removed.push(o.label());
        }
    }
    for n in &new.services {
        if let Some(o) = old.services.iter().find(|o| o.name == n.name) {
            let label = format!("サービス「{}」", n.name);
            provision_changes(&label, true, &o.provisions, &n.provisions, &mut changes);
        }
    }
    // Regressions first; within each, in report order (stable sort).
    changes.sort_by_key(|c| c.direction);

    let old_docs: BTreeMap<&str, &SavedDoc> =
        old.documents().map(|d| (d.path.as_str(), d)).collect();
    let new_docs: BTreeMap<&str, &SavedDoc> =
        new.documents().map(|d| (d.path.as_str(), d)).collect();
    let mut documents_added = Vec::new();
    let mut documents_removed = Vec::new();
    let mut documents_changed = Vec::new();
    for (p, n) in &new_docs {
        match old_docs.get(p) {
            None => documents_added.push((*n).clone()),
            Some(o) if o.sha256 != n.sha256 || o.status != n.status => {
                documents_changed.push(DocChange {
                    path: p.to_string(),
                    old: (*o).clone(),
                    new: (*n).clone(),
                })
            }
            Some(_) => {}
        }
    }
    for (p, o) in &old_docs {
        if !new_docs.contains_key(p) {
            documents_removed.push((*o).clone());
        }
    }
    let summary = DiffSummary {
        regressed: changes
            .iter()
            .filter(|c| c.direction == Direction::Regressed)
            .count(),
        improved: changes
            .iter()
            .filter(|c| c.direction == Direction::Improved)
            .count(),
        vendors_added: vendors_added.len(),
        vendors_removed: vendors_removed.len(),
        documents_added: documents_added.len(),
        documents_removed: documents_removed.len(),
        documents_changed: documents_changed.len(),
    };
    Diff {
        schema: SCHEMA,
        old: Side {
            rules: old.rules.clone(),
            paths: old.run.paths.clone(),
        },
        new: Side {
            rules: new.rules.clone(),
            paths: new.run.paths.clone(),
        },
        rules_changed: old.rules != new.rules,
        changes,
        vendors_added,
        vendors_removed,
        documents_added,
        documents_removed,
        documents_changed,
        summary,
    }
}

fn evidence_line(e: Option<&SavedEvidence>) -> String {
    match e {
        None => "（根拠なし）".into(),
        Some(e) => {
            let mut s = e.path.clone();
            if let Some(p) = e.page {
                s.push_str(&format!(" p.{p}"));
            }
            if let Some(c) = &e.clause {
                s.push(' ');
                s.push_str(c);
            }
            let quote: String = e.text.chars().take(60).collect();
            let more = if e.text.chars().count() > 60 {
                "…"
            } else {
                ""
            };
            format!("{s}「{quote}{more}」")
        }
    }
}

fn short_hash(h: &Option<String>) -> String {
    h.as_deref()
        .map(|h| h.chars().take(12).collect())
        .unwrap_or_else(|| "—".into())
}

/// The diff for people: the few status changes first.
pub fn render_text(d: &Diff, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "keiyaku diff — 旧 {} {} → 新 {} {}",
        d.old.rules.id, d.old.rules.version, d.new.rules.id, d.new.rules.version
    )?;
    if d.rules_changed {
        writeln!(
            out,
            "警告: 規則セットが異なります（{} {} sha256 {} → {} {} sha256 {}）。変化は契約ではなく規則によるものかもしれません / the rule sets differ: a change may come from the rules, not the contracts",
            d.old.rules.id,
            d.old.rules.version,
            short_hash(&Some(d.old.rules.sha256.clone())),
            d.new.rules.id,
            d.new.rules.version,
            short_hash(&Some(d.new.rules.sha256.clone())),
        )?;
    }
    for (direction, label) in [
        (Direction::Regressed, "悪化"),
        (Direction::Improved, "改善"),
    ] {
        let these: Vec<&Change> = d
            .changes
            .iter()
            .filter(|c| c.direction == direction)
            .collect();
        writeln!(out)?;
        writeln!(out, "{label} {} 件", these.len())?;
        for c in these {
            writeln!(
                out,
                "  {} {}　{}: {} {} → {} {}",
                c.new.mark(),
                c.vendor,
                c.short,
                c.old.mark(),
                c.old.label_ja(),
                c.new.mark(),
                c.new.label_ja()
            )?;
            writeln!(out, "      旧: {}", evidence_line(c.old_evidence.as_ref()))?;
            writeln!(out, "      新: {}", evidence_line(c.new_evidence.as_ref()))?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "事業者: 追加 {}、削除 {}",
        d.vendors_added.len(),
        d.vendors_removed.len()
    )?;
    for v in &d.vendors_added {
        writeln!(out, "  + {v}")?;
    }
    for v in &d.vendors_removed {
        writeln!(out, "  - {v}")?;
    }
    writeln!(
        out,
        "文書: 追加 {}、削除 {}、変更 {}",
        d.documents_added.len(),
        d.documents_removed.len(),
        d.documents_changed.len()
    )?;
    for doc in &d.documents_added {
        writeln!(out, "  + {}（{}）", doc.path, doc.status.label_ja())?;
    }
    for doc in &d.documents_removed {
        writeln!(out, "  - {}", doc.path)?;
    }
    for c in &d.documents_changed {
        let mut line = format!("  ~ {}", c.path);
        if c.old.sha256 != c.new.sha256 {
            line.push_str(&format!(
                "（sha256 {} → {}）",
                short_hash(&c.old.sha256),
                short_hash(&c.new.sha256)
            ));
        }
        if c.old.status != c.new.status {
            line.push_str(&format!(
                "（{} → {}）",
                c.old.status.label_ja(),
                c.new.status.label_ja()
            ));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn becoming_unknown_is_a_regression_whatever_the_status_was() {
        assert_eq!(
            direction(Status::Missing, Status::Unknown),
            Some(Direction::Regressed)
        );
        assert_eq!(
            direction(Status::Present, Status::Weak),
            Some(Direction::Regressed)
        );
        assert_eq!(
            direction(Status::Negated, Status::Missing),
            Some(Direction::Improved)
        );
        assert_eq!(
            direction(Status::Unknown, Status::Present),
            Some(Direction::Improved)
        );
        assert_eq!(
            direction(Status::Unknown, Status::Missing),
            Some(Direction::Regressed)
        );
        assert_eq!(direction(Status::Weak, Status::Weak), None);
    }
}
