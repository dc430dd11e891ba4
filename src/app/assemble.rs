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
        discover::Kind::Archive => "zip".to_string(),
        _ if d.input.display.text.ends_with('/') => "folder".to_string(),
        _ => d.input.extension(),
    };
    DocReport {
        path: d.input.display.text.clone(),
        path_bytes: d.input.display.bytes.as_deref().map(b64),
        format,
        status: d.status,
        reason: d.reason.clone(),
        notes: d.notes.clone(),
        encoding: d.encoding,
        pages: d.pages,
        unread_pages: d.unread_pages.clone(),
        ocr_pages: d.ocr_pages.clone(),
        sha256: d.sha256.clone(),
        archive_sha256: d.archive_sha256.clone(),
        parties: with_overrides(&d.parties.defined, &d.overrides),
        party_notes: d.parties.notes.clone(),
        terms: d.parties.terms.clone(),
    }
}

/// What the report keeps of one vendor unit once its documents are matched:
/// the documents as listed, and per provision only the hits that
/// [`aggregate::decide`] can still use. The documents' text, sentences,
/// parties automaton and inputs are gone by then (flat memory at archive
/// scale). A vendor folder is a unit of its own, so its part is decided at
/// once and holds only what the report shows.
pub enum Part {
    Decided(VendorKey, VendorReport),
    Open(Open),
}

/// Documents whose vendor is known only at the end (loose files named by
/// their preamble, ignored files).
pub struct Open {
    /// `None` for documents reported as ignored outside any vendor.
    key: Option<VendorKey>,
    documents: Vec<DocReport>,
    findings: Vec<(usize, Strength, Evidence)>,
    /// Per provision, the closest near miss of its documents.
    near: Vec<(usize, NearMiss)>,
    /// What each read document says of its place among the others.
    instruments: Vec<crate::sets::Instrument>,
    /// Some document was read.
    any_read: bool,
    /// Nothing that may hold a provision was left unread.
    all_read: bool,
    /// keiyaku.toml's 外部保存 setting (the first document's that has one).
    external_storage: Option<bool>,
    /// A document speaks of storing data.
    mentions_storage: bool,
    /// Provisions left undecided by a change that could not be applied.
    uncertain: Vec<usize>,
}

impl Part {
    pub fn key(&self) -> Option<&VendorKey> {
        match self {
            Part::Decided(k, _) => Some(k),
            Part::Open(o) => o.key.as_ref(),
        }
    }
}

/// The parts of one vendor unit: documents with the same vendor key go
/// together, findings reduced across them; a vendor folder's part is decided.
pub fn parts(
    rules: &RuleSet,
    roots: &[Root],
    docs: Vec<DocWork>,
    key: impl Fn(&DocWork) -> Option<VendorKey>,
) -> Vec<Part> {
    let mut open: Vec<Open> = Vec::new();
    for d in docs {
        let k = key(&d);
        let report = doc_report(&d);
        let part = match open.iter_mut().position(|p| p.key == k) {
            Some(i) => &mut open[i],
            None => {
                open.push(Open {
                    key: k,
                    documents: Vec::new(),
                    findings: Vec::new(),
                    near: Vec::new(),
                    instruments: Vec::new(),
                    any_read: false,
                    all_read: true,
                    external_storage: None,
                    mentions_storage: false,
                    uncertain: Vec::new(),
                });
                let last = open.len() - 1;
                &mut open[last]
            }
        };
        part.any_read |= d.status == DocStatus::Ok;
        // OCR may misread or drop words: what it did not find is not missing.
        part.all_read &= !d.status.leaves_text_unread()
            && d.unread_pages.is_empty()
            && d.ocr_pages.is_empty()
            && !d.incomplete;
        part.uncertain.extend(d.uncertain);
        part.external_storage = part.external_storage.or(d.external_storage);
        part.mentions_storage |= d.mentions_storage;
        part.findings.extend(d.findings.into_iter().flatten());
        part.near.extend(d.near);
        part.instruments.extend(d.standing);
        part.documents.push(report);
    }
    open.into_iter()
        .map(|mut p| match p.key.clone() {
            Some(k) if k.root.is_some() => {
                let v = vendor(rules, roots, &k, vec![p]);
                Part::Decided(k, v)
            }
            _ => {
                p.findings = aggregate::reduce_documents(std::mem::take(&mut p.findings));
                p.near = aggregate::closest(std::mem::take(&mut p.near));
                Part::Open(p)
            }
        })
        .collect()
}

/// One vendor's report from all of its open parts.
fn vendor(rules: &RuleSet, roots: &[Root], key: &VendorKey, parts: Vec<Open>) -> VendorReport {
    // Complete: something was read, and nothing that may hold a provision
    // was left unread.
    let complete = parts.iter().any(|p| p.any_read) && parts.iter().all(|p| p.all_read);
    // A provision a change could not be applied to is undecided on its own.
    let uncertain: Vec<usize> = parts
        .iter()
        .flat_map(|p| p.uncertain.iter().copied())
        .collect();
    let mut documents = Vec::new();
    let mut by_provision: Vec<Vec<(Strength, Evidence)>> = vec![Vec::new(); rules.provisions.len()];
    let mut near = Vec::new();
    let mut setting = None;
    let mut mentioned = false;
    let mut instruments = Vec::new();
    for p in parts {
        setting = setting.or(p.external_storage);
        mentioned |= p.mentions_storage;
        documents.extend(p.documents);
        near.extend(p.near);
        instruments.extend(p.instruments);
        for (pi, s, e) in p.findings {
            if let Some(v) = by_provision.get_mut(pi) {
                v.push((s, e));
            }
        }
    }
    let external_storage = rules
        .guideline
        .map(|_| aggregate::conditions::external_storage(setting, mentioned));
    // A lead named by rule is settled by the vendor's allocation of responsibilities.
    crate::references::rule::settle(rules, &mut by_provision);
    // Per provision, the closest thing seen across the documents, in order.
    let mut near: BTreeMap<usize, NearMiss> = aggregate::closest(near).into_iter().collect();
    let sets = crate::sets::resolve::Sets::new(&instruments);
    let provisions = rules
        .provisions
        .iter()
        .enumerate()
        .zip(by_provision)
        .map(|((pi, p), found)| {
            // The documents read as one text: prevailing instruments and languages.
            let found = sets.decide(found);
            let (status, evidence) =
                aggregate::decide(&found.hits, complete && !uncertain.contains(&pi));
            // A × or ？ explains itself with the closest thing seen.
            let near_miss = matches!(status, Status::Missing | Status::Unknown)
                .then(|| near.remove(&pi))
                .flatten()
                .map(Box::new);
            let conflict = evidence
                .iter()
                .any(|e| e.basis == crate::matching::Basis::Prevailing)
                && evidence.iter().any(|e| e.strength != Status::Negated);
            let applies = rules.guideline.map(|(edition, delegated)| {
                let holds = match p.condition {
                    // 保守委託機関編 is part of 7.0 only: under 6.0 the provision
                    // is shown as a recommendation whatever the switch says.
                    Some(crate::rules::Condition::MaintenanceDelegated) => {
                        delegated && edition == crate::rules::Guideline::V7_0
                    }
                    Some(crate::rules::Condition::ExternalStorage) => {
                        external_storage.is_none_or(|e| e.holds)
                    }
                    None => true,
                };
                p.applies(holds)
            });
            ProvisionResult {
                names: std::sync::Arc::clone(&p.names),
                status,
                applies,
                conflict,
                evidence,
                set_aside: (!found.set_aside.is_empty())
                    .then(|| found.set_aside.into_boxed_slice()),
                languages: found.languages.map(Box::new),
                near_miss,
            }
        })
        .collect();
    documents.shrink_to_fit();
    VendorReport {
        name: key.name.clone(),
        name_bytes: key.bytes.as_deref().map(b64),
        root: key
            .root
            .and_then(|r| roots.get(r))
            .and_then(|r| r.shown.as_ref())
            .map(|n| n.text.clone()),
        complete: complete && uncertain.is_empty(),
        external_storage,
        documents,
        provisions,
    }
}

pub fn report(
    rules: &RuleSet,
    parts: impl IntoIterator<Item = Part>,
    vendor_folders: &[VendorName],
    roots: &[Root],
    warnings: Vec<String>,
    run: RunInfo,
) -> Report {
    enum Slot {
        Decided(VendorReport),
        Open(Vec<Open>),
    }
    let mut by_vendor: BTreeMap<VendorKey, Slot> = BTreeMap::new();
    let mut ignored = Vec::new();
    for p in parts {
        match p {
            Part::Decided(k, v) => {
                by_vendor.insert(k, Slot::Decided(v));
            }
            Part::Open(o) => match o.key.clone() {
                Some(k) => match by_vendor.entry(k).or_insert_with(|| Slot::Open(Vec::new())) {
                    Slot::Open(v) => v.push(o),
                    // A loose file never shares a folder's key (its root is None).
                    Slot::Decided(_) => {}
                },
                None => ignored.extend(o.documents),
            },
        }
    }
    // Every vendor folder is reported, even one holding no document.
    for v in vendor_folders {
        if let VendorName::Folder { root, name } = v {
            by_vendor
                .entry(VendorKey::folder(*root, name))
                .or_insert_with(|| Slot::Open(Vec::new()));
        }
    }
    let vendors: Vec<VendorReport> = by_vendor
        .into_iter()
        .map(|(key, slot)| match slot {
            Slot::Decided(v) => v,
            Slot::Open(parts) => vendor(rules, roots, &key, parts),
        })
        .collect();
    let mut summary = Summary::default();
    if rules.guideline.is_some() {
        summary.consider = Some(0);
        summary.not_applicable = Some(0);
    }
    for v in &vendors {
        for p in &v.provisions {
            match (p.applies, p.status) {
                (Some(Applies::NotApplicable), _) => {
                    *summary.not_applicable.get_or_insert(0) += 1;
                    continue;
                }
                (Some(Applies::Recommended), Status::Missing) => {
                    *summary.consider.get_or_insert(0) += 1;
                    continue;
                }
                _ => {}
            }
            match p.status {
                Status::Present => summary.present += 1,
                Status::Weak => summary.weak += 1,
                Status::Negated => summary.negated += 1,
                Status::Missing => summary.missing += 1,
                Status::Unknown => summary.unknown += 1,
            }
        }
        count(&mut summary, &v.documents);
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
        guideline: rules
            .guideline
            .map(|(g, delegated)| GuidelineInfo::new(g, delegated)),
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
                tier: rules.guideline.map(|_| p.tier),
                condition: rules.guideline.and(p.condition),
                sources: if rules.guideline.is_some() {
                    p.sources.clone()
                } else {
                    Vec::new()
                },
                source_warning: rules.guideline.and_then(|_| p.source_warning()),
            })
            .collect(),
        vendors,
        services: Vec::new(),
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
