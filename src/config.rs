//! Optional `keiyaku.toml` in a scanned folder: per-vendor party overrides
//! for contracts whose preamble keiyaku cannot read.
//!
//! ```toml
//! [vendors."東雲メディカルソフト".parties]
//! "甲" = "vendor"
//! "乙" = "customer"
//! ```

use crate::matching::parties::Role;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

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

impl FolderConfig {
    /// Read `keiyaku.toml` in `root`, if any. A broken file is an error the user must see.
    pub fn load(root: &Path) -> Result<FolderConfig, String> {
        let path = root.join("keiyaku.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(FolderConfig::default());
        };
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(0);
            format!("{}:{line}: {}", path.display(), e.message())
        })
    }

    pub fn overrides(&self, vendor: &str) -> Vec<(String, Role)> {
        self.vendors
            .get(vendor)
            .map(|v| v.parties.iter().map(|(l, r)| (l.clone(), *r)).collect())
            .unwrap_or_default()
    }
}
