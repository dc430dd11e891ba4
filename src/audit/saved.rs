//! A JSON report read back: what an audit compares (rule set, vendors and
//! their statuses, documents and their hashes). Only what is needed is read,
//! so a report of an older schema with fewer fields still loads.

use crate::report::model::{DocStatus, Status};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why a saved report cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error("{}: 読めません / cannot read: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: crate::discover::open::OpenError,
    },
    #[error("{}: keiyaku の JSON 報告ではありません / not a keiyaku JSON report: {reason}", .path.display())]
    NotReport { path: PathBuf, reason: String },
}

/// No report of a real archive comes near this.
const MAX_REPORT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
pub struct Saved {
    pub schema: String,
    pub rules: SavedRules,
    #[serde(default)]
    pub run: SavedRun,
    pub vendors: Vec<SavedVendor>,
    #[serde(default)]
    pub ignored: Vec<SavedDoc>,
    #[serde(default)]
    pub services: Vec<SavedService>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRules {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SavedRun {
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SavedVendor {
    pub name: String,
    #[serde(default)]
    pub root: Option<String>,
    #[serde(default)]
    pub documents: Vec<SavedDoc>,
    pub provisions: Vec<SavedProvision>,
}

impl SavedVendor {
    /// The vendor as shown: its name, and its scanned folder when several were.
    pub fn label(&self) -> String {
        match &self.root {
            Some(r) => format!("{}（{r}）", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedDoc {
    pub path: String,
    pub status: DocStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// A member of a ZIP archive: the archive file's sha256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_sha256: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SavedProvision {
    pub id: String,
    #[serde(default)]
    pub short: Option<String>,
    pub status: Status,
    #[serde(default)]
    pub evidence: Vec<SavedEvidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedEvidence {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SavedService {
    pub name: String,
    pub provisions: Vec<SavedProvision>,
}

impl Saved {
    /// Read a JSON report keiyaku wrote (any schema version).
    pub fn load(path: &Path) -> Result<Saved, SavedError> {
        let bytes =
            crate::discover::open::read_capped(path, MAX_REPORT_BYTES, true).map_err(|source| {
                SavedError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        Saved::parse(&bytes).map_err(|reason| SavedError::NotReport {
            path: path.to_path_buf(),
            reason,
        })
    }

    pub fn parse(bytes: &[u8]) -> Result<Saved, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let saved: Saved = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if !saved.schema.starts_with("keiyaku.report/") {
            return Err(format!("schema {:?}", saved.schema));
        }
        Ok(saved)
    }

    /// The report a scan just made, seen as if read back from its JSON.
    pub fn of(report: &crate::report::model::Report) -> Result<Saved, String> {
        let v = serde_json::to_value(report).map_err(|e| e.to_string())?;
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    /// Every document the report lists: the vendors' and those apart from them.
    pub fn documents(&self) -> impl Iterator<Item = &SavedDoc> {
        self.vendors
            .iter()
            .flat_map(|v| &v.documents)
            .chain(&self.ignored)
    }
}
