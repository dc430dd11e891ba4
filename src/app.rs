//! Orchestration: discover → extract and segment each document in parallel
//! (behind a panic firewall) → share party definitions within a vendor →
//! match → aggregate → the report model.

use crate::aggregate;
use crate::config::FolderConfig;
use crate::discover::{self, Input, VendorName};
use crate::document::Document;
use crate::error::ExtractError;
use crate::extract;
use crate::matching::parties::{Parties, PartyDef, Role};
use crate::matching::{self, Strength};
use crate::report::model::*;
use crate::rules::RuleSet;
use crate::segment::{self, Sentence};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// One document after extraction.
struct DocWork {
    input: Input,
    status: DocStatus,
    error: Option<String>,
    sha256: Option<String>,
    pages: Option<u32>,
    unread_pages: Vec<crate::document::UnreadPages>,
    /// Kept only until the document is matched (memory at archive scale).
    sentences: Vec<Sentence>,
    parties: Parties,
    /// (provision index, strength, evidence) of every clause hit.
    findings: Option<Vec<(usize, Strength, Evidence)>>,
    /// Labels set by keiyaku.toml, reported beside the preamble's.
    overrides: Vec<(String, Role)>,
}

fn doc_status(e: &ExtractError) -> DocStatus {
    match e {
        ExtractError::Encrypted(_) => DocStatus::Encrypted,
        ExtractError::NoText(_) => DocStatus::NoText,
        _ => DocStatus::Error,
    }
}

/// Read a file, refusing sizes no contract has.
pub fn read_limited(path: &std::path::Path) -> Result<Vec<u8>, ExtractError> {
    let len = std::fs::metadata(path)?.len();
    if len > extract::MAX_FILE_BYTES {
        return Err(ExtractError::TooLarge {
            limit: extract::MAX_FILE_BYTES,
        });
    }
    Ok(std::fs::read(path)?)
}

/// Extract one file (see [`extract_guarded`]).
pub fn extract_file(
    path: &std::path::Path,
    format: discover::Format,
) -> Result<Document, ExtractError> {
    extract_guarded(format, &read_limited(path)?)
}

/// Extract behind a panic firewall: a parser bug becomes a document status,
/// never the end of the batch.
pub fn extract_guarded(format: discover::Format, bytes: &[u8]) -> Result<Document, ExtractError> {
    catch_unwind(AssertUnwindSafe(|| extract::extract_bytes(format, bytes))).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ExtractError::Internal(msg))
    })
}

fn vendor_hint(input: &Input) -> Option<&str> {
    match &input.vendor {
        VendorName::Folder(n) => Some(n.as_str()),
        VendorName::Loose { .. } => None,
    }
}

fn work(input: Input, rules: &RuleSet, configs: &BTreeMap<PathBuf, FolderConfig>) -> DocWork {
    let mut w = DocWork {
        status: DocStatus::Skipped,
        error: None,
        sha256: None,
        pages: None,
        unread_pages: Vec::new(),
        sentences: Vec::new(),
        findings: None,
        parties: Parties::default(),
        overrides: Vec::new(),
        input,
    };
    let Some(format) = w.input.format else {
        w.error = Some("unsupported file type (keiyaku reads .pdf, .docx, .txt, .md)".into());
        // Skipped files are hashed too: an audit record lists every input.
        w.sha256 = read_limited(&w.input.path)
            .ok()
            .map(|b| format!("{:x}", Sha256::digest(&b)));
        return w;
    };
    let result = read_limited(&w.input.path).and_then(|bytes| {
        // The input hash goes into the report, so an auditor can tell a re-run
        // was over the same files.
        w.sha256 = Some(format!("{:x}", Sha256::digest(&bytes)));
        extract_guarded(format, &bytes)
    });
    match result {
        Ok(doc) => {
            w.status = DocStatus::Ok;
            w.pages = doc.pages;
            w.unread_pages = doc.unread_pages.clone();
            let segmented = catch_unwind(AssertUnwindSafe(|| segment::segment(&doc)));
            match segmented {
                Ok(s) => w.sentences = s,
                Err(_) => {
                    w.status = DocStatus::Error;
                    w.error = Some("internal error while segmenting".into());
                    return w;
                }
            }
            let overrides = overrides_for(&w.input, configs, vendor_hint(&w.input).unwrap_or(""));
            w.overrides = overrides.clone();
            w.parties = Parties::resolve(
                &w.sentences,
                &rules.lexicon.parties,
                vendor_hint(&w.input),
                &overrides,
            );
            // With its own party definitions the document can be matched now,
            // and its sentences dropped.
            if !w.parties.defined.is_empty() {
                find(&mut w, rules);
            }
        }
        Err(e) => {
            w.status = doc_status(&e);
            w.error = Some(e.to_string());
        }
    }
    w
}

fn overrides_for(
    input: &Input,
    configs: &BTreeMap<PathBuf, FolderConfig>,
    vendor: &str,
) -> Vec<(String, Role)> {
    input
        .root
        .as_ref()
        .and_then(|r| configs.get(r))
        .map(|c| c.overrides(vendor))
        .unwrap_or_default()
}

/// Excerpt for evidence: the sentence as written, white space folded, bounded.
fn excerpt(text: &str) -> String {
    let folded: String = text
        .replace('\t', " ｜ ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    const MAX: usize = 240;
    if folded.chars().count() > MAX {
        let mut s: String = folded.chars().take(MAX).collect();
        s.push('…');
        s
    } else {
        folded
    }
}

fn strength_status(s: Strength) -> Status {
    match s {
        Strength::Present => Status::Present,
        Strength::Weak => Status::Weak,
        Strength::Negated => Status::Negated,
        Strength::None => Status::Missing,
    }
}

/// Match a document's sentences (behind the panic firewall), keep the
/// evidence of every hit, and drop the sentences.
fn find(w: &mut DocWork, rules: &RuleSet) {
    let hits = catch_unwind(AssertUnwindSafe(|| {
        matching::match_sentences(rules, &w.sentences, &w.parties)
    }))
    .unwrap_or_default();
    let findings = hits
        .iter()
        .map(|h| {
            let s = &w.sentences[h.sentence];
            // The span is in normalized text; the offset map finds the original words.
            let (a, b) = s.norm.original_range(h.span.0, h.span.1);
            let evidence = Evidence {
                path: w.input.display_path.clone(),
                page: s.page,
                clause: s.clause(),
                heading: s.heading.clone(),
                strength: strength_status(h.strength),
                basis: h.basis,
                matched: s.text.get(a..b).unwrap_or_default().to_string(),
                text: excerpt(&s.text),
            };
            (h.provision, h.strength, evidence)
        })
        .collect();
    w.findings = Some(findings);
    w.sentences = Vec::new();
    w.parties = std::mem::take(&mut w.parties).definitions_only();
}

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub jobs: Option<usize>,
}

/// Run a scan and build the report. Errors here are fatal (exit 2): a PATH
/// that does not exist, a broken keiyaku.toml, a thread pool that cannot start.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> anyhow::Result<Report> {
    let inputs = discover::discover(&opts.paths)?;
    let mut configs = BTreeMap::new();
    for root in inputs.iter().filter_map(|i| i.root.clone()) {
        if let std::collections::btree_map::Entry::Vacant(e) = configs.entry(root) {
            let c = FolderConfig::load(e.key()).map_err(anyhow::Error::msg)?;
            e.insert(c);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()?;
    let mut docs: Vec<DocWork> = pool.install(|| {
        inputs
            .into_par_iter()
            .map(|i| work(i, rules, &configs))
            .collect()
    });

    // Vendor names: folders name themselves; a loose file is named after its counterparty.
    let names: Vec<String> = docs
        .iter()
        .map(|d| match &d.input.vendor {
            VendorName::Folder(n) => n.clone(),
            VendorName::Loose { stem } => d
                .parties
                .vendor_name()
                .map(str::to_string)
                .unwrap_or_else(|| stem.clone()),
        })
        .collect();

    // A document without its own party definitions (an SLA, an annex) uses
    // those of another document of the same vendor.
    let mut vendor_defs: BTreeMap<String, Vec<PartyDef>> = BTreeMap::new();
    for (d, n) in docs.iter().zip(&names) {
        if !d.parties.defined.is_empty() {
            vendor_defs
                .entry(n.clone())
                .or_insert_with(|| d.parties.defined.clone());
        }
    }
    for (d, n) in docs.iter_mut().zip(&names) {
        if d.parties.defined.is_empty() {
            if let Some(defs) = vendor_defs.get(n) {
                let overrides = overrides_for(&d.input, &configs, n);
                d.parties = d
                    .parties
                    .with_definitions(defs, &rules.lexicon.parties, &overrides);
            }
        }
    }

    pool.install(|| {
        docs.par_iter_mut()
            .filter(|d| d.findings.is_none())
            .for_each(|d| find(d, rules))
    });

    let mut by_vendor: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        by_vendor.entry(n.clone()).or_default().push(i);
    }
    let mut vendors = Vec::new();
    let mut summary = Summary::default();
    for (name, idxs) in by_vendor {
        let fully_read = idxs.iter().all(|&i| {
            let d = &docs[i];
            matches!(d.status, DocStatus::Ok | DocStatus::Skipped) && d.unread_pages.is_empty()
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
            let (status, evidence) = aggregate::decide(&found, fully_read);
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
            });
        }
        let documents: Vec<DocReport> = idxs
            .iter()
            .map(|&i| {
                let d = &docs[i];
                DocReport {
                    path: d.input.display_path.clone(),
                    format: d
                        .input
                        .format
                        .map(|f| f.name().to_string())
                        .unwrap_or_else(|| {
                            d.input
                                .path
                                .extension()
                                .map(|e| e.to_string_lossy().to_lowercase())
                                .unwrap_or_default()
                        }),
                    status: d.status,
                    error: d.error.clone(),
                    pages: d.pages,
                    unread_pages: d.unread_pages.clone(),
                    sha256: d.sha256.clone(),
                    parties: d
                        .parties
                        .defined
                        .iter()
                        .cloned()
                        .chain(d.overrides.iter().map(|(label, role)| PartyDef {
                            label: label.clone(),
                            name: "keiyaku.toml".into(),
                            role: *role,
                        }))
                        .collect(),
                }
            })
            .collect();
        summary.documents += documents.len();
        summary.unreadable_documents += documents
            .iter()
            .filter(|d| {
                matches!(
                    d.status,
                    DocStatus::Error | DocStatus::Encrypted | DocStatus::NoText
                )
            })
            .count();
        summary.skipped_documents += documents
            .iter()
            .filter(|d| d.status == DocStatus::Skipped)
            .count();
        vendors.push(VendorReport {
            name,
            complete: fully_read,
            documents,
            provisions,
        });
    }
    summary.vendors = vendors.len();
    Ok(Report {
        schema: SCHEMA,
        tool: Tool {
            name: "keiyaku",
            version: env!("CARGO_PKG_VERSION"),
        },
        rules: RulesInfo {
            id: rules.id.clone(),
            version: rules.version.clone(),
            sha256: rules.sha256.clone(),
        },
        vendors,
        summary,
    })
}

/// Does any vendor fall short under `--fail-on`?
pub fn falls_short(report: &Report, fail_on: crate::cli::FailOn) -> bool {
    use crate::cli::FailOn;
    report
        .vendors
        .iter()
        .flat_map(|v| &v.provisions)
        .any(|p| match fail_on {
            FailOn::Never => false,
            FailOn::Missing => matches!(
                p.status,
                Status::Missing | Status::Negated | Status::Unknown
            ),
            FailOn::Weak => p.status != Status::Present,
        })
}
