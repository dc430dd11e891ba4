//! Orchestration: discover → extract and segment each document in parallel
//! (behind a panic firewall, see [`work`]) → share party definitions within a
//! vendor → match → aggregate per vendor ([`assemble`]) → the report model.

mod amend;
mod assemble;
mod bundle;
pub mod limits;
mod rules;
pub mod work;

use crate::config::PartySettings;
use crate::discover::{self, Kind, VendorName};
use crate::matching::parties::{Override, PartyDef};
use crate::report::model::Report;
pub use amend::consolidated_text;
use rayon::prelude::*;
pub use rules::Rules;
use std::collections::BTreeMap;
use std::path::PathBuf;
pub use work::{extract_file, extract_file_ocr, extract_guarded, read_input};

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub jobs: Option<usize>,
    /// Follow symbolic links whose targets lie inside a scanned folder.
    pub follow: bool,
    /// Files this run writes (its reports): never read as documents.
    pub exclude: Vec<PathBuf>,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// The options as given, recorded in the report.
    pub options: Vec<String>,
    /// `--party 甲=vendor`: roles for every document, over keiyaku.toml.
    pub parties: Vec<Override>,
    /// Per-document caps.
    pub limits: limits::DocLimits,
    /// Whether and how scanned pages and images are read by OCR.
    pub ocr: crate::extract::ocr::Ocr,
}

/// Why a scan could not run at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Service(#[from] crate::aggregate::services::ServiceError),
    #[error("文書が見つかりません / no documents found in {0}")]
    NothingToScan(String),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    #[error("規則を読み込めませんでした / the rule set did not load")]
    Rules,
}

/// Run a scan and build the report. Errors here are fatal (exit 2): a PATH
/// that does not exist or cannot be listed, a broken keiyaku.toml, nothing to scan.
pub fn scan(opts: &ScanOptions, rules: &Rules) -> Result<Report, ScanError> {
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
    let settings = PartySettings::load(&found.roots, &found.inputs, opts.parties.clone())
        .map_err(ScanError::Config)?;
    let (services, service_warnings) = settings.services(&found.roots);
    // Before an hour of reading: a service naming a vendor that is not there.
    let folder_names: Vec<String> = found
        .vendors
        .iter()
        .filter_map(|v| match v {
            VendorName::Folder { name, .. } => Some(name.text.clone()),
            VendorName::Loose { .. } => None,
        })
        .collect();
    let loose_files = found
        .inputs
        .iter()
        .any(|i| matches!(i.vendor, Some(VendorName::Loose { .. })));
    crate::aggregate::services::check(&services, &folder_names, loose_files)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()?;
    let progress = opts.progress.then(|| progress_bar(documents as u64));
    // One unit per vendor folder, one per loose file: a unit is read, its
    // party definitions shared, matched and reduced to its findings before its
    // memory is let go, so memory grows with the vendors in flight, not the archive.
    let units = units(found.inputs);
    let ocr_needed = std::sync::atomic::AtomicBool::new(false);
    // Each part with its unit's place, in one list (not a list a unit).
    let mut parts: Vec<((usize, usize), assemble::Part)> = pool.install(|| {
        largest_first(units)
            .into_par_iter()
            .flat_map_iter(|(at, unit)| {
                let archive = is_loose_archive(&unit);
                let docs = vendor_unit(unit, rules, &settings, progress.as_ref(), opts);
                if docs.iter().any(|d| d.ocr_needed) {
                    ocr_needed.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                let parts = match (rules.get(), archive.then(|| archive_key(&docs)).flatten()) {
                    // Without rules the scan ends in an error: nothing to assemble.
                    (None, _) => Vec::new(),
                    (Some(r), Some(k)) => {
                        assemble::parts(r, &found.roots, docs, |_| Some(k.clone()))
                    }
                    (Some(r), None) => assemble::parts(r, &found.roots, docs, vendor_key),
                };
                parts
                    .into_iter()
                    .enumerate()
                    .map(move |(i, p)| ((at, i), p))
            })
            .collect()
    });
    // Assembled in the units' order, whatever order they were read in (sorted
    // in place: a stable sort would hold half the parts again).
    parts.sort_unstable_by_key(|(at, _)| *at);
    let mut options = opts.options.clone();
    options.extend(opts.ocr.recorded(ocr_needed.into_inner()));
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let rules = rules.get().ok_or(ScanError::Rules)?;
    let names: Vec<Option<VendorKey>> = parts.iter().map(|(_, p)| p.key().cloned()).collect();

    let mut warnings =
        crate::config::unknown_vendor_warnings(&settings.folders, &found.roots, &names);
    warnings.extend(service_warnings);
    for w in &warnings {
        eprintln!("keiyaku: 警告 / warning: {w}");
    }
    let mut report = assemble::report(
        rules,
        // Not gathered into one list first: a second list of every vendor's
        // results would be held beside the first.
        parts.into_iter().map(|(_, p)| p),
        &found.vendors,
        &found.roots,
        warnings,
        crate::report::model::RunInfo {
            paths: opts.paths.iter().map(|p| p.display().to_string()).collect(),
            options,
            recorded: None,
        },
    );
    let root_names: Vec<Option<String>> = found
        .roots
        .iter()
        .map(|r| r.shown.as_ref().map(|n| n.text.clone()))
        .collect();
    let resolved = crate::aggregate::services::resolve(&services, &report.vendors, &root_names)?;
    report.services = resolved
        .iter()
        .map(|s| crate::aggregate::services::evaluate(rules, &report.vendors, s))
        .collect();
    Ok(report)
}

fn units(inputs: Vec<discover::Input>) -> Vec<Vec<discover::Input>> {
    let mut by_folder: BTreeMap<VendorName, Vec<discover::Input>> = BTreeMap::new();
    let mut units = Vec::new();
    for i in inputs {
        match &i.vendor {
            Some(v @ VendorName::Folder { .. }) => by_folder.entry(v.clone()).or_default().push(i),
            _ => units.push(vec![i]),
        }
    }
    units.extend(by_folder.into_values());
    // Large vendors first: the order the parts are assembled in, which
    // decides the order of a vendor's loose documents ([`largest_first`]
    // decides the order they are read in).
    units.sort_by_key(|u| std::cmp::Reverse(u.len()));
    units
}

/// The units, each with its place, in the order they are best read: the
/// most documents first, then the most bytes, so that the last to finish
/// while the other workers wait is a small one. (Sizes are read by the
/// workers: one `lstat` a file.)
fn largest_first(units: Vec<Vec<discover::Input>>) -> Vec<(usize, Vec<discover::Input>)> {
    let bytes = |u: &Vec<discover::Input>| -> u64 {
        u.iter()
            .filter_map(|i| std::fs::symlink_metadata(&i.path).ok())
            .map(|m| m.len())
            .sum()
    };
    let mut sized: Vec<(u64, usize, Vec<discover::Input>)> = units
        .into_par_iter()
        .enumerate()
        .map(|(at, u)| (bytes(&u), at, u))
        .collect();
    sized.sort_by_key(|(b, at, u)| (std::cmp::Reverse(u.len()), std::cmp::Reverse(*b), *at));
    sized.into_iter().map(|(_, at, u)| (at, u)).collect()
}

/// Read, share party definitions within, and match one unit.
fn vendor_unit(
    unit: Vec<discover::Input>,
    rules: &Rules,
    settings: &PartySettings,
    progress: Option<&indicatif::ProgressBar>,
    opts: &ScanOptions,
) -> Vec<work::DocWork> {
    let keep = amend::KeepBudget::for_unit(&unit);
    let ctx = work::Ctx {
        rules,
        settings,
        limits: &opts.limits,
        ocr: &opts.ocr,
        keep: keep.as_ref(),
    };
    let mut docs: Vec<work::DocWork> = unit
        .into_par_iter()
        .flat_map_iter(|i| {
            let counts = !matches!(i.kind, Kind::Ignored(_));
            let w = work::work(i, &ctx);
            if let (Some(p), true) = (progress, counts) {
                p.inc(1);
            }
            w
        })
        .collect();
    let Some(rules) = rules.get() else {
        return docs;
    };
    // Amending instruments change the contracts they amend before those are matched.
    amend::consolidate(&mut docs, rules, &opts.limits, keep.as_ref());
    // A document without its own party definitions (an SLA, an annex) uses
    // those of another document of the same vendor.
    let defs: Option<Vec<PartyDef>> = docs
        .iter()
        .find(|d| !d.parties.defined.is_empty())
        .map(|d| d.parties.defined.clone());
    let ok = crate::report::model::DocStatus::Ok;
    for d in docs.iter_mut() {
        if d.findings.is_none() && d.status == ok {
            if let Some(defs) = &defs {
                let overrides = work::label_roles(&d.overrides);
                d.parties = d
                    .parties
                    .with_definitions(defs, &rules.lexicon.parties, &overrides);
            }
        }
    }
    docs.par_iter_mut()
        .filter(|d| d.findings.is_none() && d.status == ok)
        .for_each(|d| work::find(d, rules));
    docs
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    let p = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} 文書 documents [{bar:30}] {elapsed_precise} (残り/eta {eta})",
    ) {
        p.set_style(style.progress_chars("=> "));
    }
    p
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

/// A zip archive lying loose (directly in a scanned folder, or named as
/// PATH): like a vendor folder in one file, all its members are one vendor's.
fn is_loose_archive(unit: &[discover::Input]) -> bool {
    matches!(unit, [i] if i.kind == Kind::Archive && matches!(i.vendor, Some(VendorName::Loose { .. })))
}

/// The one vendor of a loose archive's members: named after the first member
/// whose preamble names the counterparty, else after the archive. None when
/// nothing in it is a document (an empty archive), which then belongs to no vendor.
fn archive_key(docs: &[work::DocWork]) -> Option<VendorKey> {
    let read = docs
        .iter()
        .find(|d| d.status != crate::report::model::DocStatus::Ignored)?;
    let named = docs.iter().find_map(|d| {
        d.parties
            .vendor_name()
            .filter(|n| !crate::matching::preamble::is_placeholder(n))
    });
    let name = match (named, &read.input.vendor) {
        (Some(n), _) => n.to_string(),
        (None, Some(VendorName::Loose { stem })) => stem.clone(),
        (None, _) => return None,
    };
    Some(VendorKey {
        root: None,
        name,
        bytes: None,
    })
}

fn vendor_key(d: &work::DocWork) -> Option<VendorKey> {
    match d.input.vendor.as_ref()? {
        VendorName::Folder { root, name } => Some(VendorKey::folder(*root, name)),
        // A loose file that turned out not to be a document (keiyaku's own
        // report) belongs to no vendor.
        VendorName::Loose { .. } if d.status == crate::report::model::DocStatus::Ignored => None,
        VendorName::Loose { stem } => Some(VendorKey {
            root: None,
            // A draft's blank name (○○○) names no one: the file does.
            name: d
                .parties
                .vendor_name()
                .filter(|n| !crate::matching::preamble::is_placeholder(n))
                .map(str::to_string)
                .unwrap_or_else(|| stem.clone()),
            bytes: None,
        }),
    }
}

/// Does any vendor fall short under `--fail-on`?
pub fn falls_short(report: &Report, fail_on: crate::cli::FailOn) -> bool {
    use crate::report::model::Applies;
    // A recommended provision is a note, never a gap, unless asked for; 対象外 never counts.
    let vendors = report
        .vendors
        .iter()
        .flat_map(|v| &v.provisions)
        .filter(|p| match p.applies {
            None | Some(Applies::Required) => true,
            Some(Applies::Recommended) => fail_on == crate::cli::FailOn::MissingRecommended,
            Some(Applies::NotApplicable) => false,
        })
        .map(|p| p.status);
    let services = report
        .services
        .iter()
        .flat_map(|s| &s.provisions)
        .map(|p| p.status);
    vendors.chain(services).any(|s| short_of(s, fail_on))
}

/// Does one status fall short under `--fail-on`?
pub fn short_of(s: crate::report::model::Status, fail_on: crate::cli::FailOn) -> bool {
    use crate::cli::FailOn;
    use crate::report::model::Status;
    match fail_on {
        // Regressions are found by comparing with a baseline, not per status.
        FailOn::Never | FailOn::Regressed => false,
        FailOn::Missing | FailOn::MissingRecommended => {
            matches!(s, Status::Missing | Status::Negated | Status::Unknown)
        }
        FailOn::Weak => s != Status::Present,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Input, Name};

    fn input(path: std::path::PathBuf) -> Input {
        Input {
            vendor: None,
            path,
            follow: false,
            display: Name::plain("a.txt"),
            kind: Kind::Read(discover::Format::Text),
            root: None,
            member: None,
        }
    }

    #[test]
    fn units_are_read_largest_first_and_keep_their_places() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: usize| {
            let p = dir.path().join(name);
            std::fs::write(&p, vec![b'a'; bytes]).unwrap();
            p
        };
        let units = vec![
            vec![input(file("small", 10))],
            vec![input(file("big", 1000)), input(file("tiny", 1))],
            vec![input(file("middle", 100))],
            vec![input(dir.path().join("gone"))],
        ];
        let order: Vec<usize> = largest_first(units).into_iter().map(|(at, _)| at).collect();
        assert_eq!(order, [1, 2, 0, 3]);
    }
}
