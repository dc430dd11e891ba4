//! Is this the archive a report was made from? Every file the report lists is
//! found again by the same discovery as a scan and re-hashed: unchanged,
//! changed, missing; and files the report does not list are new.

use super::saved::Saved;
use crate::discover::{self, Kind};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

pub const SCHEMA: &str = "keiyaku.verify/1";

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub schema: &'static str,
    /// The folders or files looked at.
    pub paths: Vec<String>,
    pub unchanged: usize,
    pub changed: Vec<Changed>,
    pub missing: Vec<String>,
    pub new: Vec<String>,
    /// Listed without a hash (a folder that could not be listed, a link not
    /// followed): found or not, their content cannot be compared.
    pub unhashed: Vec<String>,
    /// Files that were there but could not be read now.
    pub unreadable: Vec<Unreadable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    pub path: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub path: String,
    pub reason: String,
}

impl Verification {
    /// Does the archive differ from the report in any way?
    pub fn differs(&self) -> bool {
        !(self.changed.is_empty()
            && self.missing.is_empty()
            && self.new.is_empty()
            && self.unreadable.is_empty())
    }
}

/// Re-hash the documents `report` lists, looking in `paths` (the report's own
/// PATHs when empty). `exclude` holds files never to count as new (the
/// report itself, when it lies in the archive).
pub fn verify(
    report: &Saved,
    paths: &[PathBuf],
    exclude: Vec<PathBuf>,
) -> Result<Verification, discover::DiscoverError> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        report.run.paths.iter().map(PathBuf::from).collect()
    } else {
        paths.to_vec()
    };
    let follow = report.run.options.iter().any(|o| o == "--follow");
    let found = discover::discover(&paths, &discover::Options { follow, exclude })?;
    let mut on_disk: BTreeMap<String, &discover::Input> = BTreeMap::new();
    for i in &found.inputs {
        if !matches!(i.kind, Kind::Unlistable(_)) {
            on_disk.insert(i.display_path().to_string(), i);
        }
    }
    let mut v = Verification {
        schema: SCHEMA,
        paths: paths.iter().map(|p| p.display().to_string()).collect(),
        unchanged: 0,
        changed: Vec::new(),
        missing: Vec::new(),
        new: Vec::new(),
        unhashed: Vec::new(),
        unreadable: Vec::new(),
    };
    // Archives on disk: their members are listed by the report, not the
    // archive itself; a member is unchanged when its archive is.
    let archives: Vec<(String, &discover::Input)> = on_disk
        .iter()
        .filter(|(_, i)| i.kind == Kind::Archive)
        .map(|(p, i)| (format!("{p}/"), *i))
        .collect();
    let mut archive_hashes: BTreeMap<String, Result<String, String>> = BTreeMap::new();
    let mut listed = std::collections::BTreeSet::new();
    for d in report.documents() {
        listed.insert(d.path.as_str());
        let member_of = archives
            .iter()
            .find(|(prefix, _)| d.path.starts_with(prefix));
        if let (Some((prefix, input)), Some(old)) = (member_of, &d.archive_sha256) {
            listed.insert(&prefix[..prefix.len() - 1]);
            let now = archive_hashes
                .entry(prefix.clone())
                .or_insert_with(|| {
                    discover::open::sha256_of(&input.path, input.follow).map_err(|e| e.to_string())
                })
                .clone();
            match now {
                Ok(new) if new == *old => v.unchanged += 1,
                Ok(new) => v.changed.push(Changed {
                    path: d.path.clone(),
                    old: old.clone(),
                    new,
                }),
                Err(reason) => v.unreadable.push(Unreadable {
                    path: d.path.clone(),
                    reason,
                }),
            }
            continue;
        }
        let Some(input) = on_disk.get(&d.path) else {
            if d.sha256.is_some() {
                v.missing.push(d.path.clone());
            } else {
                v.unhashed.push(d.path.clone());
            }
            continue;
        };
        let Some(old) = &d.sha256 else {
            v.unhashed.push(d.path.clone());
            continue;
        };
        match discover::open::sha256_of(&input.path, input.follow) {
            Ok(new) if new == *old => v.unchanged += 1,
            Ok(new) => v.changed.push(Changed {
                path: d.path.clone(),
                old: old.clone(),
                new,
            }),
            Err(e) => v.unreadable.push(Unreadable {
                path: d.path.clone(),
                reason: e.to_string(),
            }),
        }
    }
    v.new = on_disk
        .keys()
        .filter(|p| !listed.contains(p.as_str()))
        .cloned()
        .collect();
    Ok(v)
}

pub fn render_text(v: &Verification, out: &mut dyn Write) -> std::io::Result<()> {
    for c in &v.changed {
        writeln!(
            out,
            "変更 / changed: {}（sha256 {} → {}）",
            c.path,
            &c.old.chars().take(12).collect::<String>(),
            &c.new.chars().take(12).collect::<String>()
        )?;
    }
    for p in &v.missing {
        writeln!(out, "なし / missing: {p}")?;
    }
    for p in &v.new {
        writeln!(out, "新規 / new: {p}")?;
    }
    for u in &v.unreadable {
        writeln!(out, "読めない / unreadable: {} — {}", u.path, u.reason)?;
    }
    writeln!(
        out,
        "同一 {} 件、変更 {} 件、なし {} 件、新規 {} 件、読めない {} 件、ハッシュなし {} 件",
        v.unchanged,
        v.changed.len(),
        v.missing.len(),
        v.new.len(),
        v.unreadable.len(),
        v.unhashed.len()
    )?;
    if v.differs() {
        writeln!(
            out,
            "この報告を作ったときの文書と異なります / the archive differs from the report"
        )
    } else {
        writeln!(
            out,
            "この報告を作ったときの文書と同一です / the archive is the one the report was made from"
        )
    }
}
