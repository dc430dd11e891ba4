//! THE report model (schema `keiyaku.report/1`): every writer renders this.

use crate::matching::parties::{PartyDef, RoleBasis};
use serde::Serialize;

pub const SCHEMA: &str = "keiyaku.report/3";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
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
            // Not ✕: beside × it would read as the same thing.
            Status::Negated => "否",
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

/// What became of one input file. Only `ok` (read in full) and `ignored`
/// (not a contract document) leave a vendor's verdict complete; every other
/// status means text that may hold a provision was not read, so the vendor's
/// not-found provisions are `unknown`, never `missing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Read (see `unread_pages` for pages that were not).
    Ok,
    /// Corrupt, unreadable, over a size cap, or a folder that could not be listed.
    Error,
    /// Needs a password (a PDF, a DOCX, a member of a password-protected zip).
    Encrypted,
    /// No text layer: a scan, or glyphs without Unicode.
    NoText,
    /// A file type keiyaku does not read yet (.xlsb, .msg, …).
    Unsupported,
    /// Not opened: a symbolic link not followed, a FIFO, socket or device, a
    /// folder below the depth limit.
    Skipped,
    /// Not a contract document: hidden files, Office lock files, Thumbs.db,
    /// desktop.ini, keiyaku.toml, keiyaku's own reports, links to a file
    /// read elsewhere for the same vendor.
    Ignored,
}

impl DocStatus {
    pub fn readable(self) -> bool {
        self == DocStatus::Ok
    }

    /// Does this status leave text unread that may hold a provision?
    pub fn leaves_text_unread(self) -> bool {
        !matches!(self, DocStatus::Ok | DocStatus::Ignored)
    }

    /// As a Japanese reader would say it.
    pub fn label_ja(self) -> &'static str {
        match self {
            DocStatus::Ok => "読取済",
            DocStatus::Error => "読取不可（破損）",
            DocStatus::Encrypted => "読取不可（暗号化）",
            DocStatus::NoText => "読取不可（文字なし）",
            DocStatus::Unsupported => "未対応の形式（読んでいません）",
            DocStatus::Skipped => "開いていません",
            DocStatus::Ignored => "契約書でないため無視",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Error => "error",
            DocStatus::Encrypted => "encrypted",
            DocStatus::NoText => "no_text",
            DocStatus::Unsupported => "unsupported",
            DocStatus::Skipped => "skipped",
            DocStatus::Ignored => "ignored",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    pub rules: RulesInfo,
    /// The guideline edition checked (absent for 5.2: its reports keep their shape).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guideline: Option<GuidelineInfo>,
    /// What was scanned and how: the PATHs and options as given.
    pub run: RunInfo,
    /// The provisions checked, in report order, with what a reader needs to
    /// act on a gap: the guideline source and suggested wording.
    pub provisions: Vec<ProvisionInfo>,
    pub vendors: Vec<VendorReport>,
    /// Services of several vendors declared in keiyaku.toml (empty when none).
    pub services: Vec<ServiceReport>,
    /// Files lying directly in a scanned folder that are not documents
    /// (hidden files, keiyaku's own reports, …): listed, belonging to no vendor.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<DocReport>,
    /// Things the user should know that are not about one document (a
    /// keiyaku.toml entry naming no scanned vendor, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The edition a report checks against and what a reader must know about it.
#[derive(Debug, Clone, Serialize)]
pub struct GuidelineInfo {
    pub edition: &'static str,
    /// The catalogue rests on secondary sources (7.0).
    pub provisional: bool,
    /// The hospital relies on 7.0 保守委託機関編 (`--maintenance-delegated`).
    pub maintenance_delegated: bool,
    /// Notes for the reader, in Japanese.
    pub notes: Vec<String>,
}

impl GuidelineInfo {
    pub fn new(edition: crate::rules::Guideline, maintenance_delegated: bool) -> GuidelineInfo {
        use crate::rules::Guideline as G;
        let mut notes = Vec::new();
        match edition {
            G::V5_2 => {}
            G::V6_0 => {
                notes.push(
                    "第7.0版（令和8年6月29日策定）が公表されています。7.0 の照合基準は暫定です"
                        .to_string(),
                );
                notes.push(
                    "セキュリティアップデート責任は第7.0版で加わる条項で、6.0 では参考として推奨の扱いです"
                        .to_string(),
                );
            }
            G::V7_0 => notes.push(
                "7.0 の照合基準は暫定です（7.0 の出典はすべて二次情報によります）".to_string(),
            ),
        }
        notes.push("推奨条項の不足は要検討の注記で、不足（必須）ではありません".to_string());
        GuidelineInfo {
            edition: edition.as_str(),
            provisional: edition == G::V7_0,
            maintenance_delegated,
            notes,
        }
    }

    /// The heading line every writer prints.
    pub fn label_ja(&self) -> String {
        format!(
            "照合基準: 医療情報システムの安全管理に関するガイドライン 第{}版{}",
            self.edition,
            if self.provisional { "（暫定）" } else { "" }
        )
    }
}

/// How a provision applies to one vendor under the chosen edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    /// A gap when missing.
    Required,
    /// A note (要検討) when missing, not a gap.
    Recommended,
    /// 対象外: its condition does not hold for this vendor.
    NotApplicable,
}

impl Applies {
    pub fn label_ja(self) -> &'static str {
        match self {
            Applies::Required => "必須",
            Applies::Recommended => "推奨",
            Applies::NotApplicable => "対象外",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RunInfo {
    pub paths: Vec<String>,
    pub options: Vec<String>,
    /// With `--record` only: when, where and how the scan was run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded: Option<crate::audit::record::Recorded>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionInfo {
    pub id: String,
    pub title: String,
    pub short: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Wording a reviewer can propose when the provision is missing, negated or weak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// Under an edition after 5.2: how strongly it is asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<crate::rules::Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<crate::rules::Condition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::rules::SourceRef>,
    /// Set when every source is a draft (V-draft) or a summary (S).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_warning: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VendorReport {
    /// The folder name (NFC; invalid UTF-8 bytes shown as `\xFF`) or, for a
    /// loose file, the counterparty named in its preamble.
    pub name: String,
    /// The folder name's exact bytes, base64, when it is not valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_bytes: Option<String>,
    /// The scanned folder this vendor folder lies in, when several were scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// False when a document of this vendor could not be read in full.
    pub complete: bool,
    /// Under 6.0 / 7.0: whether the vendor stores the hospital's medical
    /// information (外部保存), which decides the conditional provisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_storage: Option<ExternalStorage>,
    pub documents: Vec<DocReport>,
    pub provisions: Vec<ProvisionResult>,
}

/// 外部保存 for one vendor and what it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExternalStorage {
    pub holds: bool,
    pub basis: ConditionBasis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionBasis {
    /// The documents speak (or do not speak) of storing data.
    Documents,
    /// keiyaku.toml says so for the vendor.
    KeiyakuToml,
}

impl ExternalStorage {
    /// 「外部保存: あり（文書の記載による）」
    pub fn label_ja(&self) -> String {
        format!(
            "外部保存: {}（{}）",
            if self.holds { "あり" } else { "なし" },
            match self.basis {
                ConditionBasis::Documents => "文書の記載による",
                ConditionBasis::KeiyakuToml => "keiyaku.toml による",
            }
        )
    }
}

/// A service provided by several vendors (the guideline's figure 4-1), as
/// its vendors' contracts cover it together.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub name: String,
    pub case: ServiceCase,
    /// Case ①: the vendor that provides the whole service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Every vendor of the service, the lead first.
    pub vendors: Vec<String>,
    pub provisions: Vec<ServiceProvision>,
    /// Provisions no vendor of the service covers (no vendor present or weak).
    pub uncovered: Vec<std::sync::Arc<str>>,
    /// Provisions one vendor's own contract must carry and does not.
    pub shortfalls: Vec<ServiceShortfall>,
}

impl ServiceReport {
    /// The short names of the provisions no vendor covers, in report order.
    pub fn uncovered_shorts(&self) -> Vec<&str> {
        self.provisions
            .iter()
            .filter(|p| self.uncovered.contains(&p.id))
            .map(|p| &*p.short)
            .collect()
    }
}

impl Report {
    /// A provision's full title by id, else `fallback`.
    pub fn title_of<'a>(&'a self, id: &str, fallback: &'a str) -> &'a str {
        self.provisions
            .iter()
            .find(|i| i.id == id)
            .map_or(fallback, |i| i.title.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceCase {
    /// ① One vendor provides the whole service (its subcontractors behind it).
    Lead,
    /// ② The hospital contracts each vendor itself.
    Direct,
}

impl ServiceCase {
    pub fn label_ja(self) -> &'static str {
        match self {
            ServiceCase::Lead => "① 一社が一括して提供",
            ServiceCase::Direct => "② 各事業者と個別に契約",
        }
    }

    /// The case's place in the guideline.
    pub fn figure(self) -> &'static str {
        match self {
            ServiceCase::Lead => "図4-1 ①",
            ServiceCase::Direct => "図4-1 ②",
        }
    }

    /// Why a provision tied to one vendor cannot come from another's contract.
    pub fn why_ja(self) -> &'static str {
        match self {
            ServiceCase::Lead => "一括して提供する事業者は再委託先を含めサービス提供責任を負うため、主たる事業者の契約に必要です（図4-1 ①）",
            ServiceCase::Direct => "各事業者と個別に取り決める事項で、他の事業者の契約では代わりになりません（図4-1 ②）",
        }
    }
}

/// Whose contract a provision of a service must be found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Any vendor of the service: the best status among them.
    Any,
    /// The lead vendor's own contract (case ①).
    Lead,
    /// Every vendor's own contract (case ②): the worst status among them.
    Each,
}

impl Coverage {
    pub fn label_ja(self) -> &'static str {
        match self {
            Coverage::Any => "いずれかの事業者",
            Coverage::Lead => "主たる事業者の契約",
            Coverage::Each => "各事業者の契約",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceProvision {
    pub id: std::sync::Arc<str>,
    pub short: std::sync::Arc<str>,
    pub status: Status,
    pub coverage: Coverage,
    /// Each vendor's own status for this provision, in the service's vendor order.
    pub vendors: Vec<VendorStatus>,
    /// The evidence of the vendors that decided the status, each named.
    pub evidence: Vec<ServiceEvidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VendorStatus {
    pub vendor: String,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceEvidence {
    pub vendor: String,
    #[serde(flatten)]
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceShortfall {
    pub provision: std::sync::Arc<str>,
    pub vendor: String,
    pub status: Status,
    /// Why it must be that vendor's contract, in Japanese.
    pub reason: String,
}

impl VendorReport {
    /// Its not-found provisions are unknown only because some of its text
    /// was read by OCR (everything else was read in full).
    pub fn unknown_by_ocr(&self) -> bool {
        self.documents
            .iter()
            .all(|d| !d.status.leaves_text_unread() && d.unread_pages.is_empty())
            && self.documents.iter().any(|d| !d.ocr_pages.is_empty())
    }
}

impl DocReport {
    /// What a reviewer should know beside the status: the reason, then the
    /// reading notes, joined (empty when there are none).
    pub fn why_ja(&self) -> String {
        let why: Vec<&str> = self
            .reason
            .iter()
            .chain(&self.notes)
            .map(|s| s.as_str())
            .collect();
        why.join("；")
    }

    /// 「OCR: p.1 信頼度 93%、p.2 信頼度 88%」, when pages were read by OCR.
    pub fn ocr_label(&self) -> Option<String> {
        if self.ocr_pages.is_empty() {
            return None;
        }
        let pages: Vec<String> = self
            .ocr_pages
            .iter()
            .take(10)
            .map(|p| format!("p.{} 信頼度 {}%", p.page, p.confidence))
            .collect();
        let more = self.ocr_pages.len().saturating_sub(pages.len());
        let more = if more > 0 {
            format!(" ほか {more} ページ")
        } else {
            String::new()
        };
        Some(format!("OCR: {}{more}", pages.join("、")))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    pub path: String,
    /// The path's exact bytes, base64, when it is not valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
    pub format: String,
    pub status: DocStatus,
    /// Why the status is not `ok`, or what was not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What a reviewer should know about a document that was read, in
    /// Japanese: 「文字コードを推定（EUC-JP、確度低）」. Never changes a status.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// A text file's character encoding when it is not UTF-8: `Shift_JIS`,
    /// `EUC-JP`, `ISO-2022-JP`, `UTF-16LE`, `UTF-16BE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Runs of pages not read, each with its reason (a scan, undecodable
    /// text, or a cap that stopped the reading).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread_pages: Vec<crate::document::UnreadPages>,
    /// Pages read by OCR, each with tesseract's mean confidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ocr_pages: Vec<crate::document::OcrPage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// A member of a ZIP archive: the sha256 of the archive file it lies in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_sha256: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartyDef>,
    /// Where the parties' roles rest on missing or conflicting evidence
    /// (Japanese, as the party line shows it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub party_notes: Vec<String>,
    /// Labels the document defines for things (本契約, 本サービス): never parties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionResult {
    /// id, title and short (the column name in overview tables): one
    /// pointer to the rule set's, shared by every vendor's result (a vendor
    /// holds a result per provision until the report is written: archive
    /// scale).
    #[serde(flatten)]
    pub names: std::sync::Arc<crate::rules::SharedNames>,
    pub status: Status,
    /// Under an edition after 5.2: required, recommended or 対象外 for this vendor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies: Option<Applies>,
    /// A reservation elsewhere beats a clause promising the opposite: the
    /// evidence holds both.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    pub evidence: Vec<Evidence>,
    /// Clauses a prevailing instrument or the governing language set aside
    /// (the 約款's disclaimer under a 特約 that grants the provision).
    /// Boxed like `near_miss`: most results have none (archive scale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<Box<[Evidence]>>,
    /// A bilingual contract whose two languages read differently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub languages: Option<Box<Languages>>,
    /// For a provision that is missing or unknown: the closest thing seen
    /// (a duty on the customer, a deferral, a deleted revision, a comment, a
    /// heading), so that a × explains itself. Absent when nothing was seen.
    /// Boxed: most results have none, and a vendor holds a result per
    /// provision until the report is written (archive scale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near_miss: Option<Box<NearMiss>>,
}

/// How each language of a bilingual contract reads a provision, when they differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Languages {
    pub ja: Status,
    pub en: Status,
    /// The language the contract makes prevail, when it states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub governing: Option<crate::sets::Lang>,
    /// Where it says so (第20条).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
}

impl Languages {
    /// 「日本語と英語で異なる（日本語: あり、英語: 弱い）。第20条により日本語が正文」.
    pub fn note_ja(&self) -> String {
        let head = format!(
            "日本語と英語で異なる（日本語: {}、英語: {}）",
            self.ja.label_ja(),
            self.en.label_ja()
        );
        match (self.governing, &self.clause) {
            (Some(l), Some(c)) => format!("{head}。{c}により{}が正文", l.label_ja()),
            (Some(l), None) => format!("{head}。{}が正文", l.label_ja()),
            (None, _) => format!("{head}。正文の定めがないため弱い方で判定"),
        }
    }
}

/// Words of a provision seen where they do not count, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMiss {
    pub kind: crate::matching::MissKind,
    /// What a reviewer reads beside the ×: 「第6条に定めあり。ただし甲（委託者）の義務」.
    pub note: std::sync::Arc<str>,
    /// Where: the sentence, heading or comment (strength `missing`, basis `none`).
    pub evidence: Evidence,
}

impl NearMiss {
    /// The reviewer's note for `kind`: `clause` is where the sentence
    /// stands, `party` whose duty it is (甲（委託者）), `text` the sentence
    /// (normalized) to tell 協議して定める from 別途定める.
    pub fn note_ja(
        kind: crate::matching::MissKind,
        clause: Option<&str>,
        party: Option<&str>,
        text: &str,
    ) -> String {
        use crate::matching::MissKind as K;
        match kind {
            K::WrongParty => format!(
                "{}に定めあり。ただし{}の義務",
                clause.unwrap_or("本文"),
                party.unwrap_or("受託者以外")
            ),
            K::Deferred if text.contains("協議") => "協議して定めるとのみ記載".into(),
            K::Deferred => "別途定めるとのみ記載".into(),
            K::Delegated => "他の文書の定めによるとのみ記載".into(),
            K::DeletedRevision => "削除された変更履歴にのみ記載".into(),
            K::CommentOnly => "コメントにのみ記載".into(),
            K::DefinitionOnly => "定義にのみ記載".into(),
            K::HeadingOnly => "見出し・目次のみ".into(),
            K::PurposeOnly => "目的・前提としてのみ記載".into(),
            K::Description => "サービスの説明としてのみ記載".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The document's path, shared with its other evidence.
    pub path: std::sync::Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The page's OCR confidence (0–100), when its text came from OCR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr_confidence: Option<u8>,
    /// The name of the page, where the document names its pages: the sheet
    /// of a workbook (one sheet, one page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<std::sync::Arc<str>>,
    /// 条項番号 and article heading, shared across the report
    /// ([`super::shared::shared`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<std::sync::Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<std::sync::Arc<str>>,
    /// Status this clause alone gives (present, weak or negated).
    pub strength: Status,
    /// Why: duty, customer_right, best_effort, permission, qualified, partial, negation.
    pub basis: crate::matching::Basis,
    /// The words that matched, as written in the document (shared: the
    /// same wording recurs across contracts).
    pub matched: std::sync::Arc<str>,
    /// Not a `String`: a vendor keeps its evidence until the report is
    /// written, and 8 bytes less make an evidence 160 bytes, an allocator size
    /// class below 192 (archive scale); shared by the evidence one sentence
    /// gives several provisions.
    pub text: std::sync::Arc<str>,
    /// For a provision that records deadlines (incident reporting): the
    /// deadline the clause sets, or `{"wording": null}` when it sets none.
    /// Boxed: one provision records deadlines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Box<Deadline>>,
    /// The clause decided the provision over a conflicting one of another
    /// instrument because its instrument prevails: 「特約第3条（約款に優先）」.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prevailing: Option<std::sync::Arc<str>>,
    /// The annex of its document the clause stands in (別記 特記事項), for
    /// telling an annex that prevails from the body: not reported.
    #[serde(skip)]
    pub part: Option<std::sync::Arc<str>>,
    /// The clause is the contract's as amended by another document, or an
    /// article read into this one (準用): which, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<std::sync::Arc<Derived>>,
}

/// How a clause came to be the contract's: 「2025年4月1日付覚書 第2条により改正後の第5条」.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derived {
    pub kind: DerivedKind,
    pub note: String,
    /// The document that made it (the amending instrument), when another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<std::sync::Arc<str>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DerivedKind {
    /// Made or changed by an amending instrument.
    Amendment,
    /// Another article applied with its words read as the article says (準用・読替え).
    Application,
    /// A party named by a rule, settled by the allocation of responsibilities.
    Rule,
    /// A document another attaches for reference only (参考資料): not agreed,
    /// so it gives `weak` at most.
    Reference,
}

#[cfg(test)]
impl Evidence {
    /// A clause of `path` with status `s` read as a duty, for unit tests:
    /// what a test does not set is empty.
    pub(crate) fn sample(path: &str, text: &str, s: Status) -> Evidence {
        Evidence {
            path: path.into(),
            page: None,
            ocr_confidence: None,
            sheet: None,
            clause: None,
            heading: None,
            strength: s,
            basis: crate::matching::Basis::Duty,
            matched: "".into(),
            text: text.into(),
            deadline: None,
            prevailing: None,
            part: None,
            derived: None,
        }
    }
}

impl Evidence {
    /// Where in the document, as every writer shows it: `シート: 責任分界表`
    /// for a workbook's sheet, else `p.3`; None when the format has no pages.
    pub fn place_ja(&self) -> Option<String> {
        match (&self.sheet, self.page) {
            (Some(s), _) => Some(format!("シート: {s}")),
            (None, Some(p)) => Some(format!("p.{p}")),
            (None, None) => None,
        }
    }
}

/// The deadline wording of a clause (直ちに, 72時間以内), if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub wording: Option<String>,
    /// immediate / hours / days / prompt / none; absent in edition 5.2
    /// reports, which are kept byte for byte as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<crate::matching::deadline::Class>,
}

impl Evidence {
    /// 「2025年4月1日付覚書 第2条により改正後の第5条」 for a clause as amended
    /// or read into its article (準用).
    pub fn derived_label(&self) -> Option<&str> {
        self.derived.as_deref().map(|d| d.note.as_str())
    }

    /// 「OCR（信頼度 87%）」 for evidence read by OCR.
    pub fn ocr_label(&self) -> Option<String> {
        self.ocr_confidence.map(|c| format!("OCR（信頼度 {c}%）"))
    }
}

impl Deadline {
    /// For a reviewer: the wording, or a note that there is none.
    pub fn label_ja(&self) -> String {
        match (&self.wording, self.class) {
            // 「遅滞なく」「速やかに」: the wording is the class; say it sets no period
            // (not 「遅滞なく（速やかに（期間の定めなし））」).
            (Some(w), Some(crate::matching::deadline::Class::Prompt)) => {
                format!("期限: {w}（期間の定めなし）")
            }
            (Some(w), Some(c)) => format!("期限: {w}（{}）", c.label_ja()),
            (Some(w), None) => format!("期限: {w}"),
            (None, _) => "期限の定めなし".to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub vendors: usize,
    pub documents: usize,
    /// error, encrypted or no_text.
    pub unreadable_documents: usize,
    pub unsupported_documents: usize,
    pub skipped_documents: usize,
    pub ignored_documents: usize,
    pub present: usize,
    pub weak: usize,
    pub negated: usize,
    /// Under an edition after 5.2, required provisions only: a recommended one
    /// not found is counted in `consider`, one that does not apply in
    /// `not_applicable`.
    pub missing: usize,
    pub unknown: usize,
    /// Recommended provisions not found (要検討): notes, not gaps. Absent under 5.2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consider: Option<usize>,
    /// Provisions whose condition does not hold for the vendor (対象外). Absent under 5.2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<usize>,
}

impl Summary {
    /// 「3 社{sep}12 ファイル（読取不可 1、未対応 0、未開封 0、無視 0）」, the
    /// summary line's start in every writer.
    pub fn files_ja(&self, sep: &str) -> String {
        format!(
            "{} 社{sep}{} ファイル（読取不可 {}、未対応 {}、未開封 {}、無視 {}）",
            self.vendors,
            self.documents,
            self.unreadable_documents,
            self.unsupported_documents,
            self.skipped_documents,
            self.ignored_documents
        )
    }
}

/// One party as every writer shows it: `甲＝医療法人○○（委託者）`,
/// `市＝○○市（受託者・運営主体）`, `乙＝株式会社○○（受託者・keiyaku.toml で指定）`.
pub fn party_ja(p: &PartyDef) -> String {
    let mut role = p.role.label_ja().to_string();
    if let Some(k) = p.kind {
        role.push('・');
        role.push_str(k.label_ja());
    }
    let set_by = match p.basis {
        Some(RoleBasis::KeiyakuToml) => Some("keiyaku.toml"),
        Some(RoleBasis::CommandLine) => Some("--party"),
        _ => None,
    };
    if let Some(by) = set_by.filter(|by| p.name != *by) {
        role.push_str(&format!("・{by} で指定"));
    }
    if p.name.is_empty() || p.name == p.label {
        format!("{}（{role}）", p.label)
    } else {
        format!("{}＝{}（{role}）", p.label, p.name)
    }
}

/// A document's party line: each label once (the first document that
/// defines it), then what needs checking.
pub fn party_line<'a>(
    parties: impl IntoIterator<Item = &'a PartyDef>,
    notes: impl IntoIterator<Item = &'a String>,
) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for p in parties {
        if !seen.contains(&p.label.as_str()) {
            seen.push(&p.label);
            shown.push(party_ja(p));
        }
    }
    let mut line = shown.join("、");
    let mut notes: Vec<&String> = notes.into_iter().collect();
    notes.dedup();
    if !notes.is_empty() {
        let notes: Vec<&str> = notes.iter().map(|n| n.as_str()).collect();
        if !line.is_empty() {
            line.push('　');
        }
        line.push_str(&format!(
            "要確認: {}（keiyaku.toml か --party で指定できます）",
            notes.join("；")
        ));
    }
    line
}

#[cfg(test)]
mod size_tests {
    use super::*;

    // A vendor keeps a result per provision and its evidence until the report
    // is written: at 20,000 documents every byte here is ~10,000 bytes
    // (an evidence is also rounded up to the allocator's next size class).
    #[test]
    fn the_results_a_vendor_keeps_stay_within_their_size_classes() {
        assert!(std::mem::size_of::<ProvisionResult>() <= 72);
        assert!(std::mem::size_of::<Evidence>() <= 160);
    }
}
