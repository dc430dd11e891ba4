//! Which label in a contract is the vendor and which the customer.
//!
//! [`super::preamble`] reads the parties the document defines (株式会社○○
//! （以下「乙」という。）, placeholders with a role hint, relative clauses, a
//! 定義 article) and its defined terms, which are never parties. The labels it
//! defines, the lexicon's usual labels and any override make one automaton
//! that finds the subject of every sentence.

use crate::cjk::is_kanji;
use crate::rules::schema::PartiesLexicon;
use crate::segment::{Budget, BudgetExceeded, Sentence};
use aho_corasick::AhoCorasick;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// The side a party is on. `vendor` is the provider side: the vendor, a
/// network's operator, and their contractors.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[serde(alias = "provider")]
    Vendor,
    Customer,
    Both,
    /// A third party (再委託先 …): never the vendor.
    Other,
    /// The medical institution's staff or patients: users, not the contracting customer.
    User,
}

impl Role {
    /// As the report's party line says it.
    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Vendor => "受託者",
            Role::Customer => "委託者",
            Role::Both => "双方",
            Role::Other => "第三者",
            Role::User => "利用者",
        }
    }
}

/// What a provider-side party is, where it is not simply the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// Runs a network or service for its members (a 医師会, 協議会 or 市).
    Operator,
    /// Works for the operator (its 契約事業者).
    Contractor,
}

impl PartyKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            PartyKind::Operator => "運営主体",
            PartyKind::Contractor => "契約事業者",
        }
    }
}

/// What decided a party's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleBasis {
    /// Written beside the name: （医療機関側。以下「甲」という。）.
    Hint,
    /// The scanned vendor's folder name.
    Folder,
    /// The name's form: 株式会社, 病院.
    Name,
    /// The head of a relative clause or description: …契約を締結した者.
    Clause,
    /// What the text says the party does: 整備する, 運営する, 利用する.
    Text,
    /// Only the label: 甲, 乙.
    Label,
    /// Set in keiyaku.toml.
    KeiyakuToml,
    /// Set with --party.
    CommandLine,
}

/// A party the contract defines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyDef {
    pub label: String,
    pub name: String,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<PartyKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<RoleBasis>,
}

/// A role set by keiyaku.toml or the command line, and which of them set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub label: String,
    pub role: Role,
    pub from: RoleBasis,
}

/// The subject among `found` (from [`Parties::subjects`]): the first topic,
/// else the last agent (乙が) before `before`.
pub fn subject_of(found: &[Subject], before: usize) -> Option<Role> {
    let topic = found.iter().find(|s| s.topic).map(|s| s.role);
    let ga = found
        .iter()
        .rfind(|s| !s.topic && s.start < before.max(1))
        .map(|s| s.role);
    topic.or(ga)
}

/// A party named as the subject of a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// Byte offset of the label.
    pub start: usize,
    /// Byte offset just after the label.
    pub end: usize,
    pub role: Role,
    /// 乙は (the topic) rather than 乙が.
    pub topic: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Parties {
    /// The label automaton and roles, shared by every document with the
    /// same label set (see [`shared_matcher`]).
    matcher: Option<Arc<Matcher>>,
    pub defined: Vec<PartyDef>,
    /// Defined terms (本契約, 本サービス …): never parties.
    pub terms: Vec<String>,
    /// Missing or conflicting role evidence, for the report.
    pub notes: Vec<String>,
    /// The definitions composed more labels than the budget allows: the
    /// pairs were not built and matching must report the document.
    exceeded: Option<BudgetExceeded>,
}

/// One label set: (normalized label, role), longest first, and one automaton
/// over all labels (pattern i is `labels[i]`).
#[derive(Debug)]
struct Matcher {
    labels: Vec<(String, Role)>,
    finder: Option<AhoCorasick>,
}

/// Label sets kept in the cache at most (a new set beyond it empties it).
const CACHE_SETS: usize = 256;
/// Larger label sets (hostile definitions) are built per document, never cached.
const CACHE_MAX_LABELS: usize = 4096;

type MatcherCache = HashMap<Vec<(String, Role)>, Arc<Matcher>>;

/// The matcher of a label set, built once per distinct set and shared: an
/// archive of contracts defining 甲 and 乙 the same way builds one automaton.
fn shared_matcher(labels: Vec<(String, Role)>) -> Arc<Matcher> {
    static CACHE: OnceLock<Mutex<MatcherCache>> = OnceLock::new();
    let build = |labels: Vec<(String, Role)>| {
        let finder = AhoCorasick::new(labels.iter().map(|(l, _)| l.as_str())).ok();
        Arc::new(Matcher { labels, finder })
    };
    if labels.len() > CACHE_MAX_LABELS {
        return build(labels);
    }
    let cache = CACHE.get_or_init(Default::default);
    let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = lock().get(&labels) {
        return Arc::clone(m);
    }
    // Built outside the lock; two threads racing on a new set keep the first.
    let m = build(labels.clone());
    let mut c = lock();
    if c.len() >= CACHE_SETS && !c.contains_key(&labels) {
        c.clear();
    }
    Arc::clone(c.entry(labels).or_insert(m))
}

/// What a document's composed label set depends on besides the lexicon:
/// the labels it defines and the overrides, with their roles.
#[derive(PartialEq, Eq, Hash)]
struct ComposedKey {
    defined: Vec<(String, Role)>,
    overrides: Vec<(String, Role)>,
}

/// The lexicon's labels a composed set was built from (a rule set of its
/// own may list others).
struct LabelLists {
    vendor: Vec<String>,
    customer: Vec<String>,
    both: Vec<String>,
}

impl LabelLists {
    fn of(lex: &PartiesLexicon) -> LabelLists {
        LabelLists {
            vendor: lex.vendor_labels.clone(),
            customer: lex.customer_labels.clone(),
            both: lex.both_labels.clone(),
        }
    }

    fn is(&self, lex: &PartiesLexicon) -> bool {
        self.vendor == lex.vendor_labels
            && self.customer == lex.customer_labels
            && self.both == lex.both_labels
    }
}

/// A composed label set: how many pairs it asked the budget for, and its
/// shared automaton.
struct Composed {
    lexicon: LabelLists,
    pairs: usize,
    matcher: Arc<Matcher>,
}

/// `f` over the composed sets seen so far (at most [`CACHE_SETS`], like the
/// automata they hold).
fn composed_cache<T>(f: impl FnOnce(&mut HashMap<ComposedKey, Composed>) -> T) -> T {
    static CACHE: OnceLock<Mutex<HashMap<ComposedKey, Composed>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    f(&mut cache.lock().unwrap_or_else(|e| e.into_inner()))
}

fn strip_company_words(s: &str) -> String {
    let mut out = s.to_string();
    for w in ["株式会社", "有限会社", "合同会社", "(株)", "㈱"] {
        out = out.replace(w, "");
    }
    out.trim().to_string()
}

/// The vendor's name as a folder gives it, normalized, company words dropped;
/// None when too short to identify anyone.
fn hint_core(vendor_hint: Option<&str>) -> Option<String> {
    let core = strip_company_words(&crate::normalize::normalize_phrase(vendor_hint?));
    (core.chars().count() >= 2).then_some(core)
}

/// The parties as the report gives them: the document's definitions with
/// the overrides applied (the name stays, the role and basis are the
/// override's), then overridden labels the document does not define.
pub fn with_overrides(defined: &[PartyDef], overrides: &[Override]) -> Vec<PartyDef> {
    let mut out: Vec<PartyDef> = defined.to_vec();
    for o in overrides {
        let label = crate::normalize::normalize_phrase(&o.label);
        match out.iter_mut().find(|p| p.label == label) {
            Some(p) => {
                p.role = o.role;
                p.basis = Some(o.from);
                p.kind = None;
            }
            None => out.push(PartyDef {
                label,
                name: match o.from {
                    RoleBasis::CommandLine => "--party".into(),
                    _ => "keiyaku.toml".into(),
                },
                role: o.role,
                kind: None,
                basis: Some(o.from),
            }),
        }
    }
    out
}

/// 「発注者が行う監査」: the party is the subject of a clause that modifies a
/// noun, not of the sentence.
fn relative_clause(after_ga: &str) -> bool {
    const VERBS: [&str; 14] = [
        "行う",
        "実施する",
        "指定する",
        "定める",
        "求める",
        "認める",
        "管理する",
        "保有する",
        "提供する",
        "運用する",
        "契約する",
        "設置する",
        "指示する",
        "行った",
    ];
    VERBS.iter().any(|v| {
        after_ga
            .strip_prefix(v)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| is_kanji(c) || ('ァ'..='ヶ').contains(&c) || c == '前')
    })
}

impl Parties {
    pub fn resolve(
        sentences: &[Sentence],
        lex: &PartiesLexicon,
        vendor_hint: Option<&str>,
        overrides: &[(String, Role)],
    ) -> Parties {
        Self::resolve_within(
            sentences,
            lex,
            vendor_hint,
            overrides,
            &mut Budget::default(),
        )
    }

    /// [`Parties::resolve`] charging `budget`: an error when the preamble's
    /// text or the labels its definitions compose exceed it.
    pub fn try_resolve(
        sentences: &[Sentence],
        lex: &PartiesLexicon,
        vendor_hint: Option<&str>,
        overrides: &[(String, Role)],
        budget: &mut Budget,
    ) -> Result<Parties, BudgetExceeded> {
        let p = Self::resolve_within(sentences, lex, vendor_hint, overrides, budget);
        match p.exceeded {
            Some(e) => Err(e),
            None => Ok(p),
        }
    }

    fn resolve_within(
        sentences: &[Sentence],
        lex: &PartiesLexicon,
        vendor_hint: Option<&str>,
        overrides: &[(String, Role)],
        budget: &mut Budget,
    ) -> Parties {
        let core = hint_core(vendor_hint);
        let reading = super::preamble::read(sentences, lex, core.as_deref(), |n| {
            budget.charge("parties", n)
        });
        let reading = match reading {
            Ok(r) => r,
            Err(e) => {
                return Parties {
                    exceeded: Some(e),
                    ..Parties::default()
                }
            }
        };
        let mut p = Parties {
            defined: reading.parties,
            terms: reading.terms,
            notes: reading.notes,
            ..Parties::default()
        };
        p.rebuild(lex, overrides, budget);
        p
    }

    /// Use another document's definitions (an SLA with no preamble of its own).
    pub fn with_definitions(
        &self,
        defs: &[PartyDef],
        lex: &PartiesLexicon,
        overrides: &[(String, Role)],
    ) -> Parties {
        let mut p = Parties {
            defined: defs.to_vec(),
            terms: self.terms.clone(),
            ..Parties::default()
        };
        p.rebuild(lex, overrides, &Budget::default());
        p
    }

    /// Over the party-label budget: the labels the definitions would compose
    /// exceed it. [`crate::matching::try_match_sentences`] reports it too.
    pub fn exceeded(&self) -> Option<BudgetExceeded> {
        self.exceeded
    }

    /// Whether this document holds a label automaton (it does not once
    /// [`Parties::definitions_only`] has dropped it).
    pub fn has_matcher(&self) -> bool {
        self.matcher.is_some()
    }

    /// Whether both use the one shared automaton of their label set.
    pub fn shares_matcher_with(&self, other: &Parties) -> bool {
        match (&self.matcher, &other.matcher) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    fn rebuild(&mut self, lex: &PartiesLexicon, overrides: &[(String, Role)], budget: &Budget) {
        // Most documents define their parties as others did: the labels they
        // compose (a few hundred pairs, sorted) were composed before.
        let key = ComposedKey {
            defined: self
                .defined
                .iter()
                .map(|d| (d.label.clone(), d.role))
                .collect(),
            overrides: overrides.to_vec(),
        };
        if let Some((pairs, matcher)) = composed_cache(|c| {
            c.get(&key)
                .filter(|e| e.lexicon.is(lex))
                .map(|e| (e.pairs, Arc::clone(&e.matcher)))
        }) {
            if budget.party_labels("parties", pairs).is_ok() {
                self.matcher = Some(matcher);
                return;
            }
        }
        let pairs = self.compose(lex, overrides, budget);
        let cached = |m: &&Arc<Matcher>| m.labels.len() <= CACHE_MAX_LABELS;
        if let (None, Some(matcher)) = (self.exceeded, self.matcher.as_ref().filter(cached)) {
            let entry = Composed {
                lexicon: LabelLists::of(lex),
                pairs,
                matcher: Arc::clone(matcher),
            };
            composed_cache(|c| {
                if c.len() >= CACHE_SETS {
                    c.clear();
                }
                c.insert(key, entry);
            });
        }
    }

    /// Compose the document's label set and its automaton; the number of
    /// pairs the party-label budget was asked for.
    fn compose(
        &mut self,
        lex: &PartiesLexicon,
        overrides: &[(String, Role)],
        budget: &Budget,
    ) -> usize {
        let mut labels: Vec<(String, Role)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |l: &str, r: Role, labels: &mut Vec<(String, Role)>| match index.get(l) {
            Some(&i) => labels[i].1 = r,
            None => {
                index.insert(l.to_string(), labels.len());
                labels.push((l.to_string(), r));
            }
        };
        for l in &lex.vendor_labels {
            add(l, Role::Vendor, &mut labels);
        }
        for l in &lex.customer_labels {
            add(l, Role::Customer, &mut labels);
        }
        for l in &lex.both_labels {
            add(l, Role::Both, &mut labels);
        }
        for d in &self.defined {
            add(&d.label, d.role, &mut labels);
        }
        for (l, r) in overrides {
            add(&crate::normalize::normalize_phrase(l), *r, &mut labels);
        }
        // 甲及び乙 means both whoever is the vendor: compose pairs of the labels
        // this contract defines (the lexicon lists the usual pairs itself).
        let defined: HashSet<&str> = self.defined.iter().map(|d| d.label.as_str()).collect();
        let singles: Vec<String> = labels
            .iter()
            .filter(|(l, r)| {
                matches!(r, Role::Vendor | Role::Customer)
                    && (defined.contains(l.as_str()) || l.chars().count() == 1)
            })
            .map(|(l, _)| l.clone())
            .collect();
        const JOINERS: [&str; 5] = ["及び", "又は", "と", "並びに", ""];
        let pairs = singles
            .len()
            .saturating_mul(singles.len().saturating_sub(1))
            .saturating_mul(JOINERS.len());
        match budget.party_labels("parties", pairs) {
            Err(e) => self.exceeded = Some(e),
            Ok(()) => {
                let mut l = String::new();
                for a in &singles {
                    for b in &singles {
                        if a != b {
                            for j in JOINERS {
                                l.clear();
                                l.push_str(a);
                                l.push_str(j);
                                l.push_str(b);
                                if l.chars().count() <= 16 && !index.contains_key(l.as_str()) {
                                    index.insert(l.clone(), labels.len());
                                    labels.push((l.clone(), Role::Both));
                                }
                            }
                        }
                    }
                }
            }
        }
        drop(index);
        labels.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        self.matcher = Some(shared_matcher(labels));
        pairs
    }

    /// The role of the sentence's subject: the first topic (Xは, Xも,
    /// Xにおいて), else the last Xが before `before`.
    pub fn subject(&self, text: &str, before: usize) -> Option<Role> {
        subject_of(&self.subjects(text), before)
    }

    /// Every party named as a subject in `text`, in order: topics (乙は,
    /// 当社においては) and agents (乙が, not 「甲が行う調査」).
    pub fn subjects(&self, text: &str) -> Vec<Subject> {
        let Some(Matcher {
            labels,
            finder: Some(finder),
        }) = self.matcher.as_deref()
        else {
            return Vec::new();
        };
        // Every label occurrence, leftmost first and longest first; an
        // accepted one hides the shorter labels inside it (甲乙 over 甲).
        let mut found: Vec<(usize, usize, usize)> = finder
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = Vec::new();
        let mut pos = 0;
        if super::english::is_english(text) {
            // `Provider shall …`: a label before a verb, as a whole word.
            for (start, end, k) in found {
                if start >= pos && super::english::is_subject(text, start, end) {
                    out.push(Subject {
                        start,
                        end,
                        role: labels[k].1,
                        topic: true,
                    });
                    pos = end;
                }
            }
            return out;
        }
        for (start, end, k) in found {
            if start < pos {
                continue;
            }
            let (label, role) = &labels[k];
            let prev = text[..start].chars().last();
            let single = label.chars().count() == 1;
            if prev == Some('再') || (single && prev.is_some_and(is_kanji)) {
                continue;
            }
            let after = &text[end..];
            let starts = |list: &[&str]| list.iter().any(|p| after.starts_with(p));
            let topic = if starts(&["は", "も", "において", "にあっては", "としては"])
                && !after.starts_with("はじめ")
            {
                Some(true)
            } else if starts(&[
                // 「…は甲の責任で行うものとし」: the party who does it.
                "の責任で",
                "の責任と負担で",
                "の負担で",
                "の負担と責任で",
                "の責任において",
            ]) || (after.starts_with("が") && !relative_clause(&after["が".len()..]))
            {
                Some(false)
            } else {
                None
            };
            if let Some(topic) = topic {
                out.push(Subject {
                    start,
                    end,
                    role: *role,
                    topic,
                });
            }
            pos = end;
        }
        out
    }

    /// The role of a label written on its own (a table's column header:
    /// 乙, 病院, 当社), None when it is no party's label.
    pub fn label_role(&self, label: &str) -> Option<Role> {
        let m = self.matcher.as_deref()?;
        m.labels
            .iter()
            .find(|(l, _)| l.as_str() == label)
            .map(|(_, r)| *r)
    }

    /// Keep only the definitions (for the report), dropping the label
    /// automaton once the document is matched.
    pub fn definitions_only(self) -> Parties {
        Parties {
            defined: self.defined,
            terms: self.terms,
            notes: self.notes,
            ..Parties::default()
        }
    }

    /// The vendor's name as the preamble gives it.
    pub fn vendor_name(&self) -> Option<&str> {
        self.defined
            .iter()
            .find(|d| d.role == Role::Vendor)
            .map(|d| d.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Document};
    use crate::rules::RuleSet;

    fn parties(preamble: &str, hint: Option<&str>) -> Parties {
        let rs = RuleSet::embedded().unwrap();
        let doc = Document {
            blocks: vec![Block::paragraph(None, preamble)],
            ..Document::default()
        };
        let s = crate::segment::segment(&doc);
        Parties::resolve(&s, &rs.lexicon.parties, hint, &[])
    }

    #[test]
    fn the_shared_automaton_reads_like_one_built_for_the_document() {
        let p = parties("医療法人社団翠明会（以下「甲」という。）と株式会社北辰（以下「乙」という。）は、次のとおり契約する。", None);
        let q = parties("医療法人社団白樺会（以下「甲」という。）と株式会社南天（以下「乙」という。）は、次のとおり契約する。", None);
        assert!(p.shares_matcher_with(&q));
        let shared = p.matcher.as_ref().unwrap();
        let own = Parties {
            matcher: Some(Arc::new(Matcher {
                labels: shared.labels.clone(),
                finder: AhoCorasick::new(shared.labels.iter().map(|(l, _)| l.as_str())).ok(),
            })),
            ..Parties::default()
        };
        assert!(!own.shares_matcher_with(&p));
        for t in [
            "乙は、報告する。",
            "甲は、監査できる。",
            "甲及び乙は、協議する。",
            "乙と甲は、協議する。",
            "障害の一次切り分けは、乙が行う。",
            "再委託先は、報告する。",
            "甲が行う監査を受け入れること。",
        ] {
            assert_eq!(p.subject(t, 100), own.subject(t, 100), "{t}");
            assert_eq!(q.subject(t, 100), own.subject(t, 100), "{t}");
        }
    }

    #[test]
    fn a_composed_label_set_is_reused_only_under_the_same_lexicon_and_within_the_budget() {
        let rs = RuleSet::embedded().unwrap();
        let doc = Document {
            blocks: vec![Block::paragraph(None, "医療法人社団翠明会（以下「甲」という。）と株式会社北辰（以下「乙」という。）は、次のとおり契約する。")],
            ..Document::default()
        };
        let s = crate::segment::segment(&doc);
        let lex = &rs.lexicon.parties;
        let first = Parties::resolve(&s, lex, None, &[]);
        let again = Parties::resolve(&s, lex, None, &[]);
        assert!(again.shares_matcher_with(&first));
        // Another lexicon composes its own set.
        let mut other = lex.clone();
        other.vendor_labels.push("提供者".into());
        let own = Parties::resolve(&s, &other, None, &[]);
        assert!(!own.shares_matcher_with(&first));
        assert_eq!(own.subject("提供者は、報告する。", 0), Some(Role::Vendor));
        assert_eq!(first.subject("提供者は、報告する。", 0), None);
        // A budget too small for the pairs is exceeded even when they were composed before.
        let mut small = Budget::new(u64::MAX, 1);
        let over = Parties::try_resolve(&s, lex, None, &[], &mut small);
        assert!(over.is_err());
    }

    #[test]
    fn hospital_drafted_contract_makes_otsu_the_vendor() {
        let p = parties("医療法人社団翠明会（以下「甲」という。）と株式会社北辰（以下「乙」という。）は、次のとおり契約する。", None);
        assert_eq!(p.subject("乙は、報告する。", 0), Some(Role::Vendor));
        assert_eq!(p.subject("甲は、報告する。", 0), Some(Role::Customer));
        assert_eq!(p.vendor_name(), Some("株式会社北辰"));
    }

    #[test]
    fn vendor_drafted_contract_can_make_ko_the_vendor() {
        let p = parties("東雲ソフト株式会社（以下「甲」という。）と医療法人社団翠明会（以下「乙」という。）は、", None);
        assert_eq!(p.subject("甲は、乙に報告する。", 0), Some(Role::Vendor));
        assert_eq!(p.subject("乙は、甲に報告する。", 0), Some(Role::Customer));
    }

    #[test]
    fn terms_of_service_use_tousha_and_okyakusama() {
        let p = parties("本規約は、株式会社ミナト（以下「当社」といいます。）が提供する本サービスの利用者（以下「お客様」といいます。）に適用されます。", None);
        assert_eq!(p.subject("当社は、通知します。", 0), Some(Role::Vendor));
        assert_eq!(
            p.subject("お客様は、支払うものとします。", 0),
            Some(Role::Customer)
        );
    }

    #[test]
    fn a_subcontractor_defined_as_itakusaki_is_not_the_vendor() {
        let p = parties(
            "当社は、業務を第三者（以下「委託先」といいます。）に委託することができます。",
            None,
        );
        assert_eq!(p.subject("委託先は、報告する。", 0), Some(Role::Other));
        assert_eq!(p.subject("再委託先は、報告する。", 0), None);
    }

    #[test]
    fn definitions_with_a_comma_after_ika() {
        let p = parties("国立○○医療センター（以下、「委託者」という。）とエー株式会社（以下、「受託者」という。）は、", None);
        assert_eq!(p.vendor_name(), Some("エー株式会社"));
    }

    #[test]
    fn topic_wins_over_a_relative_clause_ga() {
        let p = parties("", None);
        assert_eq!(
            p.subject("乙は、甲が行う調査に協力する。", 100),
            Some(Role::Vendor)
        );
        assert_eq!(
            p.subject("原因調査は、乙が主導して行う。", 100),
            Some(Role::Vendor)
        );
        assert_eq!(p.subject("甲及び乙は、協議する。", 100), Some(Role::Both));
    }

    #[test]
    fn a_party_in_a_relative_clause_is_not_the_subject() {
        let p = parties("", None);
        assert_eq!(p.subject("甲が行う監査を受け入れること。", 100), None);
        assert_eq!(
            p.subject("障害の一次切り分けは、乙が行う。", 100),
            Some(Role::Vendor)
        );
    }

    #[test]
    fn folder_name_identifies_the_vendor_without_company_marker() {
        let p = parties(
            "翠明会（以下「甲」という。）とあおば情報サービス（以下「乙」という。）は、",
            Some("あおば情報サービス"),
        );
        assert_eq!(p.subject("乙は、報告する。", 0), Some(Role::Vendor));
    }

    /// A document of one paragraph per line, as a text file gives it.
    fn parties_of(lines: &[&str]) -> Parties {
        let rs = RuleSet::embedded().unwrap();
        let doc = Document {
            blocks: lines.iter().map(|l| Block::paragraph(None, *l)).collect(),
            ..Document::default()
        };
        let s = crate::segment::segment(&doc);
        Parties::resolve(&s, &rs.lexicon.parties, None, &[])
    }

    /// (label, name, role) of every party, in order of definition.
    fn defs(p: &Parties) -> Vec<(&str, &str, Role)> {
        p.defined
            .iter()
            .map(|d| (d.label.as_str(), d.name.as_str(), d.role))
            .collect()
    }

    #[test]
    fn placeholders_take_the_role_written_beside_them() {
        let p = parties_of(&[
            "情報システム保守業務委託契約書（案）",
            "○○○（医療機関側。以下「甲」という。）と○○○（受託者側。以下「乙」という。）は、次のとおり契約を締結する。",
        ]);
        assert_eq!(
            defs(&p),
            [("甲", "○○○", Role::Customer), ("乙", "○○○", Role::Vendor)]
        );
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        // The roles as the model contract writes them, reversed labels too.
        let p = parties_of(&[
            "＿＿＿＿（受託者。以下「甲」という。）と＿＿＿＿（委託者。以下「乙」という。）は、",
        ]);
        assert_eq!(
            defs(&p),
            [("甲", "____", Role::Vendor), ("乙", "____", Role::Customer)]
        );
        assert_eq!(p.subject("甲は、報告する。", 0), Some(Role::Vendor));
    }

    #[test]
    fn a_placeholder_without_a_hint_says_its_role_was_guessed() {
        let p = parties_of(&[
            "xx（以下「甲」という。）とxx（以下「乙」という。）は、次のとおり契約する。",
        ]);
        assert_eq!(
            defs(&p),
            [("甲", "xx", Role::Customer), ("乙", "xx", Role::Vendor)]
        );
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        assert!(p.notes[0].contains("「甲」"), "{:?}", p.notes);
    }

    #[test]
    fn a_hint_against_the_name_is_followed_and_noted() {
        let p = parties_of(&["株式会社ゆうなぎ（委託者。以下「甲」という。）と株式会社あさなぎ（受託者。以下「乙」という。）は、"]);
        assert_eq!(defs(&p)[0], ("甲", "株式会社ゆうなぎ", Role::Customer));
        assert!(
            p.notes.iter().any(|n| n.contains("「甲」")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn a_relative_clause_defines_the_clinic() {
        let p = parties_of(&[
            "第1条（適用）",
            "本規約は、しらかば医療ソフト株式会社（以下「当社」という。）が提供するクラウド型予約サービス（以下「本サービス」という。）に関し、診療所等が当社との間で本サービスの利用契約を締結した者（以下「甲」という。）と当社との関係を定める。",
        ]);
        assert_eq!(
            defs(&p),
            [
                ("当社", "しらかば医療ソフト株式会社", Role::Vendor),
                (
                    "甲",
                    "診療所等が当社との間で本サービスの利用契約を締結した者",
                    Role::Customer
                )
            ]
        );
        assert_eq!(p.terms, ["本サービス"]);
    }

    #[test]
    fn a_clause_right_after_a_definition_keeps_its_subject() {
        let p = parties(
            "本約款は、株式会社つきみ（以下「当社」という。）が提供するデータ保管サービスの利用者（以下「お客様」という。）に適用します。",
            None,
        );
        assert_eq!(
            defs(&p)[1],
            (
                "お客様",
                "当社が提供するデータ保管サービスの利用者",
                Role::Customer
            )
        );
    }

    #[test]
    fn a_name_cut_by_a_line_break_is_joined() {
        let p = parties_of(&[
            "運用保守委託契約書",
            "医療法人社団",
            "こもれび会（以下「甲」という。）と株式会社ほしぞらテック（以下「乙」という。）は、次のとおり契約する。",
            "乙が本業務のため本サ",
            "ービスの保守を委ねる事業者（以下「保守事業者」という。）は、乙の責任で選任する。",
        ]);
        assert_eq!(
            defs(&p),
            [
                ("甲", "医療法人社団こもれび会", Role::Customer),
                ("乙", "株式会社ほしぞらテック", Role::Vendor),
                (
                    "保守事業者",
                    "乙が本業務のため本サービスの保守を委ねる事業者",
                    Role::Vendor
                )
            ]
        );
    }

    #[test]
    fn a_name_never_starts_inside_its_sentence() {
        let p = parties("本規約は，やまびこ市（以下「市」という。）が整備し運営する医療連携基盤（以下「本基盤」という。）の利用について定める。", None);
        assert_eq!(defs(&p), [("市", "やまびこ市", Role::Vendor)]);
        let p = parties(
            "加入者及び利用者が東邦カルテ管理機構株式会社（以下「機構」という。）と締結する契約",
            None,
        );
        assert_eq!(defs(&p)[0].1, "東邦カルテ管理機構株式会社");
    }

    #[test]
    fn defined_terms_are_never_parties() {
        let p = parties_of(&[
            "かすみ病院（以下「甲」という。）と株式会社ささなみ（以下「乙」という。）は、甲の医療情報システム（以下「本システム」という。）の運用業務（以下「委託業務」という。）に関し、次のとおり契約（以下「本契約」という。）を締結する。",
            "第2条（定義）",
            "「秘密情報」とは、本契約に関して相手方から開示された一切の情報をいう。",
            "「利用契約」とは、乙が提供するサービス（以下「本サービス」という。）の利用に関する契約をいう。",
        ]);
        assert_eq!(
            defs(&p),
            [
                ("甲", "かすみ病院", Role::Customer),
                ("乙", "株式会社ささなみ", Role::Vendor)
            ]
        );
        for t in [
            "本システム",
            "委託業務",
            "本契約",
            "秘密情報",
            "利用契約",
            "本サービス",
        ] {
            assert!(p.terms.iter().any(|x| x == t), "{t}: {:?}", p.terms);
        }
    }

    #[test]
    fn names_given_in_a_definitions_article() {
        let p = parties_of(&[
            "第1条（定義）",
            "本契約において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。",
            "（1）甲　地方独立行政法人みさき市民病院をいう。",
            "（2）乙　ゆりかご情報合同会社をいう。",
            "（3）委託業務　甲の電子カルテの保守をいう。",
        ]);
        assert_eq!(
            defs(&p),
            [
                ("甲", "地方独立行政法人みさき市民病院", Role::Customer),
                ("乙", "ゆりかご情報合同会社", Role::Vendor)
            ]
        );
        assert_eq!(p.terms, ["委託業務"]);
    }

    #[test]
    fn a_network_operator_is_the_provider_and_its_contractor_on_its_side() {
        let p = parties_of(&[
            "わかば地域医療ネット利用規約",
            "第1条（目的）",
            "この規約は、一般社団法人わかば郡医師会（以下「医師会」という。）が会員の医療機関のために運営する地域医療連携ネットワーク（以下「本ネット」という。）を利用する医療機関の開設者（以下「参加機関」という。）と医師会との関係を定める。",
            "第2条（運用の委託）",
            "医師会は、本ネットの運用を株式会社いなほシステム（以下「契約事業者」という。）に委託する。",
        ]);
        assert_eq!(
            defs(&p),
            [
                ("医師会", "一般社団法人わかば郡医師会", Role::Vendor),
                (
                    "参加機関",
                    "本ネットを利用する医療機関の開設者",
                    Role::Customer
                ),
                ("契約事業者", "株式会社いなほシステム", Role::Vendor)
            ]
        );
        assert_eq!(p.defined[0].kind, Some(PartyKind::Operator));
        assert_eq!(p.defined[2].kind, Some(PartyKind::Contractor));
        assert_eq!(p.terms, ["本ネット"]);
        assert_eq!(
            p.subject("医師会は、障害を通知する。", 0),
            Some(Role::Vendor)
        );
    }

    #[test]
    fn a_city_that_joins_a_network_stays_the_customer() {
        let p = parties_of(&[
            "とまり市（以下「甲」という。）と株式会社あけぼの（以下「乙」という。）は、次のとおり契約する。",
            "第1条（利用）",
            "甲は、乙が提供する本サービスを利用する。",
        ]);
        assert_eq!(
            defs(&p),
            [
                ("甲", "とまり市", Role::Customer),
                ("乙", "株式会社あけぼの", Role::Vendor)
            ]
        );
    }

    #[test]
    fn three_parties_each_get_their_role() {
        let p = parties_of(&[
            "公立大学法人ふたば医科大学（以下「甲」という。）、株式会社みつば電算（以下「乙」という。）及び株式会社よつばデータセンター（以下「丙」という。）は、次のとおり契約する。",
        ]);
        assert_eq!(
            defs(&p),
            [
                ("甲", "公立大学法人ふたば医科大学", Role::Customer),
                ("乙", "株式会社みつば電算", Role::Vendor),
                ("丙", "株式会社よつばデータセンター", Role::Vendor)
            ]
        );
        assert_eq!(p.subject("丙は、報告する。", 0), Some(Role::Vendor));
    }

    #[test]
    fn overrides_keep_the_name_and_take_the_role() {
        let p = parties(
            "医療法人ひだまり会（以下「甲」という。）と株式会社こだま（以下「乙」という。）は、",
            None,
        );
        let o = [Override {
            label: "甲".into(),
            role: Role::Vendor,
            from: RoleBasis::CommandLine,
        }];
        let shown = with_overrides(&p.defined, &o);
        assert_eq!(shown[0].name, "医療法人ひだまり会");
        assert_eq!(shown[0].role, Role::Vendor);
        assert_eq!(shown[0].basis, Some(RoleBasis::CommandLine));
    }
}
