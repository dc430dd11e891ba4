//! serde types mirroring the rule files. Unknown keys are errors, so a typo in
//! a key never silently disables a pattern.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetFile {
    pub id: String,
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Provision ids in report order (a folder rule set).
    #[serde(default)]
    pub provisions: Vec<Spanned<String>>,
    /// Provisions written inline (a single-file rule set).
    #[serde(default)]
    pub provision: Vec<ProvisionFile>,
    #[serde(default)]
    pub lexicon: Option<LexiconFile>,
    /// What a service of several vendors needs from whose contract.
    #[serde(default)]
    pub services: Option<ServicesFile>,
}

/// `[services]` of ruleset.toml: the provisions a service's vendors cannot
/// share (the guideline's figure 4-1).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesFile {
    /// Case ①: provisions the lead vendor's own contract must carry.
    #[serde(default)]
    pub lead: Vec<Spanned<String>>,
    /// Case ②: provisions every directly contracted vendor's contract must carry.
    #[serde(default)]
    pub each: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Binds {
    /// The vendor's duty (or, with `customer_right`, the customer's right).
    Vendor,
    /// Either party: the clause allocates, it does not bind one side.
    Any,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PermissionIs {
    Weak,
    None,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionFile {
    pub id: Spanned<String>,
    pub title: String,
    /// Column name in the overview table (defaults to the title).
    #[serde(default)]
    pub short: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub binds: Binds,
    #[serde(default)]
    pub customer_right: bool,
    #[serde(default = "default_permission")]
    pub vendor_permission: PermissionIs,
    pub keywords: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(rename = "pattern")]
    pub patterns: Vec<PatternFile>,
    #[serde(default, rename = "example")]
    pub examples: Vec<ExampleFile>,
    /// Suggested wording for a contract that lacks the provision.
    #[serde(default)]
    pub suggestion: Option<String>,
    /// Record the deadline wording (直ちに, 24時間以内) each finding carries.
    #[serde(default)]
    pub deadline: bool,
    /// Guideline editions whose catalogue holds this provision (empty: every edition).
    #[serde(default)]
    pub editions: Vec<Spanned<String>>,
    #[serde(default)]
    pub tier: Option<Tier>,
    /// When a `required-conditional` provision is required.
    #[serde(default)]
    pub condition: Option<Condition>,
    /// What the provision is when its condition does not hold.
    #[serde(default)]
    pub otherwise: Option<Otherwise>,
    /// Where the guideline asks for it, and how sure that reading is.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
}

/// How strongly an edition asks for a provision.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    Required,
    RequiredConditional,
    Recommended,
}

/// The fact a `required-conditional` provision depends on.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    /// 外部保存: the vendor stores the hospital's medical information.
    ExternalStorage,
    /// The hospital relies on 7.0 保守委託機関編 (`--maintenance-delegated`).
    MaintenanceDelegated,
}

/// A conditional provision whose condition does not hold.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Otherwise {
    /// 対象外: not reported as missing.
    NotApplicable,
    /// Still worth agreeing: a missing one is a note.
    Recommended,
}

/// How a source was read: V the published text, V-draft only a draft, S a
/// secondary summary.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
pub enum SourceMarker {
    V,
    #[serde(rename = "V-draft")]
    VDraft,
    S,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub edition: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub marker: SourceMarker,
}

fn default_permission() -> PermissionIs {
    PermissionIs::Weak
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternFile {
    #[serde(rename = "match")]
    pub matches: Spanned<String>,
    #[serde(default)]
    pub heading: Option<Spanned<String>>,
    #[serde(default)]
    pub weak_if: Option<Spanned<String>>,
    /// …unless this also matches (the approval comes with full responsibility).
    #[serde(default)]
    pub keep_if: Option<Spanned<String>>,
    /// Only rows of a table (a 責任分界表 under its article heading).
    #[serde(default)]
    pub in_table: bool,
    /// Only rows of a table whose columns are the parties and whose cells
    /// mark who does each item (区分 | 甲 | 乙 with ○): an allocation table,
    /// whatever its heading.
    #[serde(default)]
    pub party_table: bool,
    /// The pattern itself is a promise not to do something (「再委託しない」):
    /// a negated predicate is the duty.
    #[serde(default)]
    pub negation_is_duty: bool,
    /// This must also match the sentence or an earlier sentence of the same
    /// article: the words the pattern names were introduced there
    /// (「…を外部業者に行わせる。」 then 「前項の外部業者の過失は…」).
    #[serde(default)]
    pub context: Option<Spanned<String>>,
    /// The pattern reads the vendor's side of a customer's right
    /// (乙は、甲の求めに応じ…提出する): the customer as its subject is the
    /// wrong party, even where the provision takes customer rights.
    #[serde(default)]
    pub vendor_side: bool,
    /// A hit that counts (present or weak) counts as this instead: `weak`
    /// (a scope without structure) or `negated` (a reservation).
    #[serde(default)]
    pub counts_as: Option<CountsAs>,
    /// A negated hit of this pattern decides the provision over any present
    /// or weak clause elsewhere (a reservation beats a prohibition); the
    /// report shows both as a conflict.
    #[serde(default)]
    pub prevails: bool,
    /// The pattern does not apply to a sentence that matches this (a
    /// reservation that needs the customer's consent).
    #[serde(default)]
    pub unless: Option<Spanned<String>>,
    /// Whoever the sentence's subject is: the pattern reads a description
    /// or an exclusion of the service, not one party's duty.
    #[serde(default)]
    pub any_party: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CountsAs {
    Weak,
    Negated,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleFile {
    pub text: String,
    #[serde(default)]
    pub heading: Option<String>,
    pub expect: Spanned<String>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct LexiconFile {
    #[serde(default)]
    pub parties: Option<PartiesLexicon>,
    #[serde(default)]
    pub modality: Option<ModalityLexicon>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PartiesLexicon {
    pub vendor_labels: Vec<String>,
    pub customer_labels: Vec<String>,
    pub vendor_name_markers: Vec<String>,
    pub customer_name_markers: Vec<String>,
    pub third_party_markers: Vec<String>,
    pub both_labels: Vec<String>,
    /// Role hints written beside a name (○○○（受託者側。以下「乙」という。））
    /// or as the head of a relative clause (…サービスを提供する事業者).
    #[serde(default)]
    pub vendor_hints: Vec<String>,
    #[serde(default)]
    pub customer_hints: Vec<String>,
    /// Staff or patients of the medical institution.
    #[serde(default)]
    pub user_hints: Vec<String>,
    /// Names whose role the text decides: a 医師会, 協議会 or 市 may run a
    /// network for its members (the provider) or join one (a customer).
    #[serde(default)]
    pub operator_markers: Vec<String>,
    /// What a provider does to a service, system or network.
    #[serde(default)]
    pub provider_verbs: Vec<String>,
    /// What a customer does: uses, joins, applies, contracts.
    #[serde(default)]
    pub customer_verbs: Vec<String>,
    /// A label ending so names a thing, never a party (本契約, 本サービス, 委託業務).
    #[serde(default)]
    pub term_heads: Vec<String>,
    /// A label or description ending so names a party (者, 機関, 病院, 市).
    #[serde(default)]
    pub party_heads: Vec<String>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ModalityLexicon {
    pub duty: Vec<String>,
    /// Denials of the duty or the liability (責任を負わない, 保証しない).
    #[serde(default)]
    pub denial: Vec<String>,
    pub best_effort: Vec<String>,
    pub permission: Vec<String>,
    pub prohibition: Vec<String>,
    pub negation: Vec<String>,
    pub proviso: Vec<String>,
    pub conditional_suffix: Vec<String>,
    pub non_operative: Vec<String>,
    #[serde(default)]
    pub delegation: Vec<String>,
    #[serde(default)]
    pub attached_tables: Vec<String>,
    pub conjunction_break: Vec<String>,
    pub plain_endings: Vec<String>,
    /// Objects that make a negated act a safeguard (暗号化していないデータ).
    #[serde(default)]
    pub unsafe_objects: Vec<String>,
    /// Verbs that carry whatever the matched words name (実施しない).
    #[serde(default)]
    pub generic_acts: Vec<String>,
    /// 〜ない forms that negate nothing (限らない, 問わない).
    #[serde(default)]
    pub not_negations: Vec<String>,
    /// Predicates that settle the matter later (定める, 決定する) …
    #[serde(default)]
    pub deferral_verbs: Vec<String>,
    /// … when the sentence has one of these (協議, 別途).
    #[serde(default)]
    pub deferral_cues: Vec<String>,
    /// The contract's own parts (本契約, 前条): a pointer to them delegates nothing.
    #[serde(default)]
    pub internal_references: Vec<String>,
    /// After a matched verb: it sits in a purpose or relative clause (ため, 目的で).
    #[serde(default)]
    pub subordinate: Vec<String>,
}
