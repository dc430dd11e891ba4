//! Documents → vendors → the report model: one status per vendor and
//! provision, every document listed with its status.

use super::work::DocWork;
use super::VendorKey;
use crate::aggregate;
use crate::discover::{self, Root, VendorName};
use crate::matching::parties::with_overrides;
use crate::matching::Strength;
use crate::report::model::*;
use crate::rules::RuleSet;
use base64::Engine;
use std::collections::BTreeMap;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn doc_report(d: &DocWork) -> DocReport {
    let format = match &d.input.kind {
        discover::Kind::Read(f) => f.name().to_string(),
        _ if d.input.display.text.ends_with('/') => "folder".to_string(),
        _ => discover::extension(&d.input.path),
    };
    DocReport {
        path: d.input.display.text.clone(),
        path_bytes: d.input.display.bytes.as_deref().map(b64),
        format,
        status: d.status,
        reason: d.reason.clone(),
        pages: d.pages,
        unread_pages: d.unread_pages.clone(),
        sha256: d.sha256.clone(),
        parties: with_overrides(&d.parties.defined, &d.overrides),
        party_notes: d.parties.notes.clone(),
        terms: d.parties.terms.clone(),
    }
}

pub fn report(
    rules: &RuleSet,
    docs: Vec<DocWork>,
    names: Vec<Option<VendorKey>>,
    vendor_folders: &[VendorName],
    roots: &[Root],
    warnings: Vec<String>,
    run: RunInfo,
) -> Report {
    let mut by_vendor: BTreeMap<VendorKey, Vec<usize>> = BTreeMap::new();
    // Every vendor folder is reported, even one holding no document.
    for v in vendor_folders {
        if let VendorName::Folder { root, name } = v {
            by_vendor.entry(VendorKey::folder(*root, name)).or_default();
        }
    }
    let mut ignored = Vec::new();
    for (i, n) in names.into_iter().enumerate() {
        match n {
            Some(n) => by_vendor.entry(n).or_default().push(i),
            None => ignored.push(doc_report(&docs[i])),
        }
    }
    let mut vendors = Vec::new();
    let mut summary = Summary::default();
    for (key, idxs) in by_vendor {
        // Complete: something was read, and nothing that may hold a
        // provision was left unread.
        let complete = idxs.iter().any(|&i| docs[i].status == DocStatus::Ok)
            && idxs.iter().all(|&i| {
                let d = &docs[i];
                !d.status.leaves_text_unread() && d.unread_pages.is_empty()
            });
        let mut provisions = Vec::new();
        for (pi, p) in rules.provisions.iter().enumerate() {
            let mut found: Vec<(Strength, Evidence)> = Vec::new();
            for &di in &idxs {
                let findings = docs[di].findings.iter().flatten();
                for (_, strength, evidence) in findings.filter(|f| f.0 == pi) {
                    found.push((*strength, evidence.clone()));
                }
            }
            let (status, evidence) = aggregate::decide(&found, complete);
            // A × or ？ explains itself with the closest thing seen.
            let near_miss = matches!(status, Status::Missing | Status::Unknown)
                .then(|| {
                    let near = idxs
                        .iter()
                        .flat_map(|&di| docs[di].near.iter().filter(|n| n.0 == pi).cloned());
                    aggregate::closest(near).into_iter().next().map(|n| n.1)
                })
                .flatten();
            match status {
                Status::Present => summary.present += 1,
                Status::Weak => summary.weak += 1,
                Status::Negated => summary.negated += 1,
                Status::Missing => summary.missing += 1,
                Status::Unknown => summary.unknown += 1,
            }
            provisions.push(ProvisionResult {
                id: p.id.clone(),
                title: p.title.clone(),
                short: p.short.clone(),
                status,
                evidence,
                near_miss,
            });
        }
        let documents: Vec<DocReport> = idxs.iter().map(|&i| doc_report(&docs[i])).collect();
        count(&mut summary, &documents);
        vendors.push(VendorReport {
            name: key.name.clone(),
            name_bytes: key.bytes.as_deref().map(b64),
            root: key
                .root
                .and_then(|r| roots.get(r))
                .and_then(|r| r.shown.as_ref())
                .map(|n| n.text.clone()),
            complete,
            documents,
            provisions,
        });
    }
    count(&mut summary, &ignored);
    summary.vendors = vendors.len();
    Report {
        schema: SCHEMA,
        tool: Tool {
            name: "keiyaku",
            version: env!("CARGO_PKG_VERSION"),
        },
        rules: RulesInfo {
            id: rules.id.clone(),
            version: rules.version.clone(),
            sha256: rules.sha256.clone(),
            description: rules.description.clone(),
        },
        run,
        provisions: rules
            .provisions
            .iter()
            .map(|p| ProvisionInfo {
                id: p.id.clone(),
                title: p.title.clone(),
                short: p.short.clone(),
                source: p.source.clone(),
                suggestion: p.suggestion.as_ref().map(|s| s.trim().to_string()),
            })
            .collect(),
        vendors,
        ignored,
        warnings,
        summary,
    }
}

fn count(summary: &mut Summary, documents: &[DocReport]) {
    for d in documents {
        summary.documents += 1;
        match d.status {
            DocStatus::Error | DocStatus::Encrypted | DocStatus::NoText => {
                summary.unreadable_documents += 1
            }
            DocStatus::Unsupported => summary.unsupported_documents += 1,
            DocStatus::Skipped => summary.skipped_documents += 1,
            DocStatus::Ignored => summary.ignored_documents += 1,
            DocStatus::Ok => {}
        }
    }
}
