//! Orchestration: discover → extract and segment each document in parallel
//! (behind a panic firewall, see [`work`]) → share party definitions within a
//! vendor → match → aggregate per vendor ([`assemble`]) → the report model.

mod assemble;
pub mod work;

use crate::config::FolderConfig;
use crate::discover::{self, Kind, VendorName};
use crate::matching::parties::PartyDef;
use crate::report::model::Report;
use crate::rules::RuleSet;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
pub use work::{extract_file, extract_guarded, read_input};

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub jobs: Option<usize>,
    /// Follow symbolic links whose targets lie inside a scanned folder.
    pub follow: bool,
    /// Files this run writes (its reports): never read as documents.
    pub exclude: Vec<PathBuf>,
}

/// Why a scan could not run at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error("{0}")]
    Config(String),
    #[error("no documents found in {0}")]
    NothingToScan(String),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Run a scan and build the report. Errors here are fatal (exit 2): a PATH
/// that does not exist or cannot be listed, a broken keiyaku.toml, nothing to scan.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Result<Report, ScanError> {
    let found = discover::discover(
        &opts.paths,
        &discover::Options {
            follow: opts.follow,
            exclude: opts.exclude.clone(),
        },
    )?;
    let documents = found
        .inputs
        .iter()
        .filter(|i| !matches!(i.kind, Kind::Ignored(_)))
        .count();
    if documents == 0 {
        let paths: Vec<String> = opts.paths.iter().map(|p| p.display().to_string()).collect();
        return Err(ScanError::NothingToScan(paths.join(", ")));
    }
    let mut configs = BTreeMap::new();
    for root in &found.roots {
        let c = FolderConfig::load(&root.path, &root.canonical).map_err(ScanError::Config)?;
        configs.insert(root.path.clone(), c);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()?;
    let mut docs: Vec<work::DocWork> = pool.install(|| {
        found
            .inputs
            .into_par_iter()
            .map(|i| work::work(i, rules, &configs))
            .collect()
    });

    // Vendor names: folders name themselves; a loose file is named after its counterparty.
    let names: Vec<Option<VendorKey>> = docs.iter().map(vendor_key).collect();

    // A document without its own party definitions (an SLA, an annex) uses
    // those of another document of the same vendor.
    let mut vendor_defs: BTreeMap<&VendorKey, Vec<PartyDef>> = BTreeMap::new();
    for (d, n) in docs.iter().zip(&names) {
        if let Some(n) = n {
            if !d.parties.defined.is_empty() {
                vendor_defs
                    .entry(n)
                    .or_insert_with(|| d.parties.defined.clone());
            }
        }
    }
    for (d, n) in docs.iter_mut().zip(&names) {
        let Some(n) = n else { continue };
        if d.parties.defined.is_empty() && d.status == crate::report::model::DocStatus::Ok {
            if let Some(defs) = vendor_defs.get(n) {
                let overrides = work::overrides_for(&d.input, &configs, &n.name);
                d.parties = d
                    .parties
                    .with_definitions(defs, &rules.lexicon.parties, &overrides);
            }
        }
    }
    pool.install(|| {
        docs.par_iter_mut()
            .filter(|d| d.findings.is_none() && d.status == crate::report::model::DocStatus::Ok)
            .for_each(|d| work::find(d, rules))
    });

    let warnings = crate::config::unknown_vendor_warnings(&configs, &found.roots, &names);
    for w in &warnings {
        eprintln!("keiyaku: 警告 / warning: {w}");
    }
    Ok(assemble::report(
        rules,
        docs,
        names,
        &found.vendors,
        &found.roots,
        warnings,
    ))
}

/// How documents are grouped into vendors: the scanned folder (for folder
/// vendors), the name as shown and its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VendorKey {
    pub root: Option<usize>,
    pub name: String,
    pub bytes: Option<Vec<u8>>,
}

impl VendorKey {
    pub fn folder(root: usize, name: &discover::Name) -> VendorKey {
        VendorKey {
            root: Some(root),
            name: name.text.clone(),
            bytes: name.bytes.clone(),
        }
    }
}

fn vendor_key(d: &work::DocWork) -> Option<VendorKey> {
    match d.input.vendor.as_ref()? {
        VendorName::Folder { root, name } => Some(VendorKey::folder(*root, name)),
        // A loose file that turned out not to be a document (keiyaku's own
        // report) belongs to no vendor.
        VendorName::Loose { .. } if d.status == crate::report::model::DocStatus::Ignored => None,
        VendorName::Loose { stem } => Some(VendorKey {
            root: None,
            name: d
                .parties
                .vendor_name()
                .map(str::to_string)
                .unwrap_or_else(|| stem.clone()),
            bytes: None,
        }),
    }
}

/// Does any vendor fall short under `--fail-on`?
pub fn falls_short(report: &Report, fail_on: crate::cli::FailOn) -> bool {
    use crate::cli::FailOn;
    use crate::report::model::Status;
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
