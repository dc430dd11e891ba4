//! THE report model (schema `keiyaku.report/1`): every writer renders this.

use crate::matching::parties::PartyDef;
use serde::Serialize;

pub const SCHEMA: &str = "keiyaku.report/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Present,
    Weak,
    Negated,
    Missing,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Weak => "weak",
            Status::Negated => "negated",
            Status::Missing => "missing",
            Status::Unknown => "unknown",
        }
    }
    /// The mark a Japanese reader expects in a checklist.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Present => "○",
            Status::Weak => "△",
            Status::Negated => "✕",
            Status::Missing => "×",
            Status::Unknown => "？",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Status::Present => "あり",
            Status::Weak => "弱い",
            Status::Negated => "否定",
            Status::Missing => "なし",
            Status::Unknown => "不明",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    Ok,
    Error,
    Encrypted,
    NoText,
    Skipped,
}

impl DocStatus {
    pub fn readable(self) -> bool {
        self == DocStatus::Ok
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    pub rules: RulesInfo,
    pub vendors: Vec<VendorReport>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesInfo {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VendorReport {
    pub name: String,
    /// False when a document of this vendor could not be read in full.
    pub complete: bool,
    pub documents: Vec<DocReport>,
    pub provisions: Vec<ProvisionResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    pub path: String,
    pub format: String,
    pub status: DocStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Runs of pages not read, each with its reason (a scan, undecodable
    /// text, or a cap that stopped the reading).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread_pages: Vec<crate::document::UnreadPages>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartyDef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionResult {
    pub id: String,
    pub title: String,
    /// Column name in overview tables.
    pub short: String,
    pub status: Status,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Status this clause alone gives (present, weak or negated).
    pub strength: Status,
    /// Why: duty, customer_right, best_effort, permission, qualified, partial, negation.
    pub basis: crate::matching::Basis,
    /// The words that matched, as written in the document.
    pub matched: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub vendors: usize,
    pub documents: usize,
    pub unreadable_documents: usize,
    pub skipped_documents: usize,
    pub present: usize,
    pub weak: usize,
    pub negated: usize,
    pub missing: usize,
    pub unknown: usize,
}
