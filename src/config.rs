//! Optional `keiyaku.toml` in a scanned folder: per-vendor party overrides
//! for contracts whose preamble keiyaku cannot read.
//!
//! ```toml
//! [vendors."東雲メディカルソフト".parties]
//! "甲" = "vendor"
//! "乙" = "customer"
//! ```
//!
//! A settings file that exists but cannot be used is an error, never ignored:
//! its overrides decide verdicts.

use crate::app::VendorKey;
use crate::discover::{open, Root};
use crate::matching::parties::Role;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderConfig {
    #[serde(default)]
    pub vendors: BTreeMap<String, VendorConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorConfig {
    #[serde(default)]
    pub parties: BTreeMap<String, Role>,
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

    pub fn overrides(&self, vendor: &str) -> Vec<(String, Role)> {
        self.vendors
            .get(vendor)
            .map(|v| v.parties.iter().map(|(l, r)| (l.clone(), *r)).collect())
            .unwrap_or_default()
    }
}

/// A name as people write it loosely: width folded (NFKC), company-form
/// words and spaces gone, lower case.
fn loose(name: &str) -> String {
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
