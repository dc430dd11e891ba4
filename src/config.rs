//! Optional `keiyaku.toml`: party overrides for contracts whose preamble
//! keiyaku cannot read.
//!
//! ```toml
//! # every document of this folder
//! [parties]
//! "甲" = "customer"
//!
//! # the documents of one vendor (a subfolder, or a file named after it)
//! [vendors."東雲メディカルソフト".parties]
//! "甲" = "vendor"
//! "乙" = "customer"
//!
//! # 外部保存: does the vendor store the hospital's medical information?
//! # (decides purpose-limitation, data-return-deletion, guideline-compliance
//! # under 6.0 / 7.0; without it the documents' wording decides)
//! [vendors."東雲メディカルソフト"]
//! external_storage = false
//! ```
//!
//! It is read in the scanned folder, in each vendor folder, and — for a
//! vendor folder or a single file passed on its own — in the folder that
//! holds it, so the settings of a collection apply however it is scanned.
//!
//! A settings file that exists but cannot be used is an error, never ignored:
//! its overrides decide verdicts.

use crate::app::VendorKey;
use crate::discover::{open, Input, Kind, Root, VendorName};
use crate::matching::parties::{Override, Role, RoleBasis};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderConfig {
    /// Every document in this folder.
    #[serde(default)]
    pub parties: BTreeMap<String, Role>,
    #[serde(default)]
    pub vendors: BTreeMap<String, VendorConfig>,
    /// Services provided by several vendors: read in a scanned folder only.
    #[serde(default)]
    pub services: Vec<ServiceConfig>,
    /// The vendors of this folder store the hospital's medical information
    /// (外部保存): decides the conditional provisions of 6.0 / 7.0 instead of
    /// the documents' wording.
    #[serde(default)]
    pub external_storage: Option<bool>,
}

/// `[[services]]`: one service and the vendors (folder names) that provide it.
///
/// ```toml
/// [[services]]                     # ① one vendor provides the whole service
/// name = "電子カルテ"
/// lead = "さくらメディカルクラウド"
///
/// [[services]]                     # ② the hospital contracts each vendor
/// name = "地域医療連携"
/// vendors = ["信州ネットワーク", "瀬田データサービス"]
/// ```
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub name: String,
    /// Case ①: the vendor that provides the whole service to the hospital.
    #[serde(default)]
    pub lead: Option<String>,
    /// Case ②: the vendors the hospital contracts directly (with `lead`:
    /// further vendors whose contracts the hospital also holds).
    #[serde(default)]
    pub vendors: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorConfig {
    #[serde(default)]
    pub parties: BTreeMap<String, Role>,
    /// This vendor stores the hospital's medical information (外部保存).
    #[serde(default)]
    pub external_storage: Option<bool>,
}

/// No settings file comes near this.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

impl FolderConfig {
    /// Read `keiyaku.toml` in `root`, if any. A file that exists but is not a
    /// regular file inside the folder, cannot be read, is not UTF-8 or is not
    /// valid is an error naming it.
    pub fn load(root: &Path, canonical_root: &Path) -> Result<FolderConfig, String> {
        let path = root.join("keiyaku.toml");
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(FolderConfig::default())
            }
            Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
        };
        let follow = if meta.file_type().is_symlink() {
            // A link is read only when it stays inside the scanned folder.
            let target = std::fs::canonicalize(&path)
                .map_err(|e| format!("{}: broken symbolic link: {e}", path.display()))?;
            if !target.starts_with(canonical_root) {
                return Err(format!(
                    "{}: a symbolic link to a place outside the scanned folder; not read",
                    path.display()
                ));
            }
            true
        } else {
            false
        };
        let bytes = open::read_capped(&path, MAX_CONFIG_BYTES, follow)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "{}: not UTF-8 (invalid byte at offset {}); save it as UTF-8 / UTF-8 で保存してください",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        // toml's error renders the line and a caret under the problem.
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The `[vendors."vendor".parties]` entries.
    pub fn overrides(&self, vendor: &str) -> Vec<Override> {
        self.vendors
            .get(vendor)
            .map(|v| as_overrides(&v.parties))
            .unwrap_or_default()
    }

    /// The top-level `[parties]` entries.
    pub fn folder_overrides(&self) -> Vec<Override> {
        as_overrides(&self.parties)
    }
}

fn as_overrides(parties: &BTreeMap<String, Role>) -> Vec<Override> {
    parties
        .iter()
        .map(|(l, r)| Override {
            label: l.clone(),
            role: *r,
            from: RoleBasis::KeiyakuToml,
        })
        .collect()
}

/// Every party override of a scan: the `keiyaku.toml` files by the folder
/// they lie in, and `--party` (which wins over them all).
#[derive(Debug, Default)]
pub struct PartySettings {
    pub folders: BTreeMap<PathBuf, FolderConfig>,
    pub cli: Vec<Override>,
    /// Each loose file's folder with its holder ([`holder_of`]), found once
    /// for all the files of the folder.
    holders: Holders,
}

impl PartySettings {
    /// Read the `keiyaku.toml` files that may hold overrides for `inputs`:
    /// each scanned folder's, each vendor folder's, and for files lying
    /// directly in a scanned folder or named on their own, their folder's
    /// and its parent's (where the folder may be listed as a vendor).
    pub fn load(roots: &[Root], inputs: &[Input], cli: Vec<Override>) -> Result<Self, String> {
        let mut folders = BTreeMap::new();
        for root in roots {
            let c = FolderConfig::load(&root.path, &root.canonical)?;
            folders.insert(root.path.clone(), c);
        }
        let mut holders = BTreeMap::new();
        // The documents not in a vendor folder: those whose settings are
        // looked up by their folder's holder.
        let loose = inputs.iter().filter(|i| {
            !matches!(
                (&i.vendor, &i.root),
                (Some(VendorName::Folder { .. }), Some(_))
            )
        });
        for input in loose {
            if let Some(dir) = loose_dir(input) {
                holders.entry(dir).or_insert_with_key(|d| holder_of(d));
            }
        }
        let dirs: Vec<PathBuf> = inputs
            .iter()
            .flat_map(|i| settings_dirs(i, &holders))
            .collect();
        for dir in dirs {
            if folders.contains_key(&dir) {
                continue;
            }
            // Outside a scanned folder: a link there may lead anywhere within it.
            let canonical = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            let c = FolderConfig::load(&dir, &canonical)?;
            folders.insert(dir, c);
        }
        Ok(PartySettings {
            folders,
            cli,
            holders,
        })
    }

    /// The services declared in the scanned folders' `keiyaku.toml`, with the
    /// index of the scanned folder that declares each; and warnings for
    /// services declared elsewhere (a vendor folder's file), which are not used.
    pub fn services(&self, roots: &[Root]) -> (Vec<(usize, ServiceConfig)>, Vec<String>) {
        let mut found = Vec::new();
        for (i, root) in roots.iter().enumerate() {
            if let Some(c) = self.folders.get(&root.path) {
                found.extend(c.services.iter().cloned().map(|s| (i, s)));
            }
        }
        let warnings = self
            .folders
            .iter()
            .filter(|(dir, c)| !c.services.is_empty() && !roots.iter().any(|r| &r.path == *dir))
            .map(|(dir, _)| {
                format!(
                    "{}: [[services]] は読むフォルダの keiyaku.toml にだけ書けます（無視しました）/ services are read only from a scanned folder's keiyaku.toml; ignored",
                    dir.join("keiyaku.toml").display()
                )
            })
            .collect();
        (found, warnings)
    }

    /// The overrides for one document, the most specific last (it wins):
    /// the holding folder's entry for this folder, the folder's `[parties]`,
    /// its `[vendors."name"]` entry, the vendor folder's own `[parties]`,
    /// then `--party`. `counterparty` names a loose file's vendor as its
    /// preamble does.
    pub fn overrides(&self, input: &Input, counterparty: Option<&str>) -> Vec<Override> {
        let mut out = Vec::new();
        let config = |dir: &Path| self.folders.get(dir);
        match (&input.vendor, &input.root) {
            (Some(VendorName::Folder { name, .. }), Some(root)) => {
                if let Some(c) = config(root) {
                    out.extend(c.folder_overrides());
                    out.extend(c.overrides(&name.text));
                }
                if let Some(c) = vendor_dir(input).and_then(|d| config(&d)) {
                    out.extend(c.folder_overrides());
                }
            }
            _ => {
                if let Some((dir, holder)) = loose_dirs(input, &self.holders) {
                    if let Some((parent, name)) = holder {
                        if let Some(c) = config(&parent) {
                            out.extend(c.overrides(&name));
                        }
                    }
                    if let Some(c) = config(&dir) {
                        out.extend(c.folder_overrides());
                        if let Some(v) = counterparty {
                            out.extend(c.overrides(v));
                        }
                    }
                }
            }
        }
        out.extend(self.cli.iter().cloned());
        out
    }
}

impl PartySettings {
    /// Whether keiyaku.toml says the document's vendor stores the hospital's
    /// medical information: the vendor folder's own file, else the scanned
    /// folder's `[vendors."name"]`, else its top level (for a loose file: the
    /// holding folder's entry for its folder or counterparty, else the
    /// folder's own top level).
    pub fn external_storage(&self, input: &Input, counterparty: Option<&str>) -> Option<bool> {
        let config = |dir: &Path| self.folders.get(dir);
        let entry =
            |c: &FolderConfig, name: &str| c.vendors.get(name).and_then(|v| v.external_storage);
        match (&input.vendor, &input.root) {
            (Some(VendorName::Folder { name, .. }), Some(root)) => vendor_dir(input)
                .and_then(|d| config(&d))
                .and_then(|c| c.external_storage)
                .or_else(|| config(root).and_then(|c| entry(c, &name.text)))
                .or_else(|| config(root).and_then(|c| c.external_storage)),
            _ => {
                let (dir, holder) = loose_dirs(input, &self.holders)?;
                let own = config(&dir);
                counterparty
                    .and_then(|v| own.and_then(|c| entry(c, v)))
                    .or_else(|| {
                        holder.and_then(|(parent, name)| {
                            config(&parent).and_then(|c| entry(c, &name))
                        })
                    })
                    .or_else(|| own.and_then(|c| c.external_storage))
            }
        }
    }
}

/// The vendor folder an input lies in (the scanned folder's subfolder).
fn vendor_dir(input: &Input) -> Option<PathBuf> {
    let root = input.root.as_ref()?;
    let first = input.path.strip_prefix(root).ok()?.components().next()?;
    Some(root.join(first))
}

/// A loose file's folder, and the folder holding that one with the first
/// one's name (where a vendor folder scanned on its own is listed).
type LooseDirs = (PathBuf, Option<(PathBuf, String)>);

/// A loose file's folder → the folder holding it and its name there.
type Holders = BTreeMap<PathBuf, Option<(PathBuf, String)>>;

fn loose_dirs(input: &Input, holders: &Holders) -> Option<LooseDirs> {
    let dir = loose_dir(input)?;
    let holder = match holders.get(&dir) {
        Some(h) => h.clone(),
        None => holder_of(&dir),
    };
    Some((dir, holder))
}

/// The folder a loose file lies in.
fn loose_dir(input: &Input) -> Option<PathBuf> {
    match input.path.parent()? {
        d if d.as_os_str().is_empty() => Some(PathBuf::from(".")),
        d => Some(d.to_path_buf()),
    }
}

/// The folder holding `dir`, and `dir`'s name there (links resolved).
fn holder_of(dir: &Path) -> Option<(PathBuf, String)> {
    std::fs::canonicalize(dir).ok().and_then(|c| {
        let name = c.file_name()?.to_string_lossy().into_owned();
        Some((c.parent()?.to_path_buf(), name))
    })
}

/// Folders besides the scanned ones whose `keiyaku.toml` may apply to `input`.
fn settings_dirs(input: &Input, holders: &Holders) -> Vec<PathBuf> {
    // A folder that could not be listed holds nothing to apply settings to.
    if matches!(input.kind, Kind::Unlistable(_) | Kind::Skipped(_)) {
        return Vec::new();
    }
    match &input.vendor {
        Some(VendorName::Folder { .. }) => vendor_dir(input).into_iter().collect(),
        Some(VendorName::Loose { .. }) => match loose_dirs(input, holders) {
            Some((dir, holder)) => std::iter::once(dir).chain(holder.map(|(p, _)| p)).collect(),
            None => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// A name as people write it loosely: width folded (NFKC), company-form
/// words and spaces gone, lower case.
pub(crate) fn loose(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut s: String = name.nfkc().collect::<String>().to_lowercase();
    for form in [
        "株式会社",
        "有限会社",
        "合同会社",
        "(株)",
        "(有)",
        "(同)",
        "㈱",
        "㈲",
    ] {
        s = s.replace(form, "");
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Scanned names closest to `wanted`: the same name written loosely first,
/// then names a few edits away.
pub fn closest<'a>(wanted: &str, known: &'a [String]) -> Vec<&'a str> {
    let w = loose(wanted);
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .filter_map(|k| {
            let l = loose(k);
            let d = strsim::levenshtein(&w, &l);
            let limit = (w.chars().count().max(l.chars().count()) / 3).max(1);
            let contains = !w.is_empty() && !l.is_empty() && (l.contains(&w) || w.contains(&l));
            (d <= limit || contains).then_some((if contains { d.min(1) } else { d }, k.as_str()))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// A warning for each `[vendors."X"]` entry that names no scanned vendor of
/// its folder, with the closest scanned names.
pub fn unknown_vendor_warnings(
    configs: &BTreeMap<PathBuf, FolderConfig>,
    roots: &[Root],
    names: &[Option<VendorKey>],
) -> Vec<String> {
    let mut out = Vec::new();
    for (ri, root) in roots.iter().enumerate() {
        let Some(config) = configs.get(&root.path) else {
            continue;
        };
        let mut known: Vec<String> = names
            .iter()
            .flatten()
            .filter(|k| k.root.is_none_or(|r| r == ri))
            .map(|k| k.name.clone())
            .collect();
        known.sort();
        known.dedup();
        for wanted in config.vendors.keys() {
            if known.contains(wanted) {
                continue;
            }
            let near = closest(wanted, &known);
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!(
                    "; did you mean {}?",
                    near.iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(format!(
                "{}: [vendors.\"{wanted}\"] に当たる事業者がないため使われません / names no scanned vendor, so its settings are not used{hint}",
                root.path.join("keiyaku.toml").display()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn closest_names_forgive_company_forms_width_and_typos() {
        let k = known(&[
            "株式会社東雲メディカル",
            "港北ITサービス",
            "瀬田データサービス",
        ]);
        assert_eq!(closest("東雲メディカル", &k), ["株式会社東雲メディカル"]);
        assert_eq!(closest("港北ＩＴサービス", &k), ["港北ITサービス"]);
        assert_eq!(closest("瀬田デ一タサービス", &k), ["瀬田データサービス"]);
        assert!(closest("まったく別の会社", &k).is_empty());
    }
}
