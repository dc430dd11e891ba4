//! Which label in a contract is the vendor and which the customer.
//!
//! The preamble decides (株式会社○○（以下「乙」という。）): a name with a
//! company marker, or the scanned vendor's own name, is the vendor; a hospital
//! or a 利用者 is the customer. 甲 is the vendor in many vendor-drafted
//! contracts. Labels the contract does not define fall back to the lexicon.

use crate::rules::schema::PartiesLexicon;
use crate::segment::{Budget, BudgetExceeded, Sentence, SentenceKind};
use aho_corasick::AhoCorasick;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Vendor,
    Customer,
    Both,
    /// A third party (再委託先 …): never the vendor.
    Other,
}

/// A label defined in the contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyDef {
    pub label: String,
    pub name: String,
    pub role: Role,
}

/// A party named as the subject of a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// Byte offset of the label.
    pub start: usize,
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

fn strip_company_words(s: &str) -> String {
    let mut out = s.to_string();
    for w in ["株式会社", "有限会社", "合同会社", "(株)", "㈱"] {
        out = out.replace(w, "");
    }
    out.trim().to_string()
}

/// Role of a party from the name the preamble gives it.
pub fn classify_name(name: &str, lex: &PartiesLexicon, vendor_hint: Option<&str>) -> Option<Role> {
    classify(name, lex, hint_core(vendor_hint).as_deref())
}

/// The vendor's name as a folder gives it, normalized, company words dropped;
/// None when too short to identify anyone.
fn hint_core(vendor_hint: Option<&str>) -> Option<String> {
    let core = strip_company_words(&crate::normalize::normalize_phrase(vendor_hint?));
    (core.chars().count() >= 2).then_some(core)
}

fn classify(name: &str, lex: &PartiesLexicon, hint_core: Option<&str>) -> Option<Role> {
    if hint_core.is_some_and(|core| name.contains(core)) {
        return Some(Role::Vendor);
    }
    const MEDICAL: [&str; 6] = [
        "病院",
        "医療法人",
        "診療所",
        "クリニック",
        "医院",
        "医療センター",
    ];
    if MEDICAL.iter().any(|m| name.contains(m)) {
        return Some(Role::Customer);
    }
    if lex
        .vendor_name_markers
        .iter()
        .any(|m| name.contains(m.as_str()))
    {
        return Some(Role::Vendor);
    }
    if lex
        .customer_name_markers
        .iter()
        .any(|m| name.contains(m.as_str()))
    {
        return Some(Role::Customer);
    }
    if lex
        .third_party_markers
        .iter()
        .any(|m| name.contains(m.as_str()))
    {
        return Some(Role::Other);
    }
    None
}

/// Party definitions 「名称（以下「乙」という。）」 in normalized text.
fn definitions(text: &str) -> Vec<(String, String)> {
    /// Where a name runs back to: 、 。 ) 」
    fn is_boundary(c: char) -> bool {
        matches!(c, '、' | '。' | ')' | '」')
    }
    let mut out = Vec::new();
    let mut search = 0;
    // End of the last name boundary before `scanned` (one forward pass over
    // the text, not a backward search per 以下).
    let (mut scanned, mut boundary_end) = (0, 0);
    while let Some(p) = text[search..].find("以下") {
        let at = search + p;
        search = at + "以下".len();
        // 以下「乙」, 以下、「乙」, 以下単に「乙」
        let after = text[search..].trim_start_matches('、');
        let after = after.strip_prefix("単に").unwrap_or(after);
        let Some(open) = after.strip_prefix(['「', '『']) else {
            continue;
        };
        // A label is at most 12 characters: look for its end no further.
        let window = open.char_indices().nth(13).map_or(open.len(), |(i, _)| i);
        let Some(close) = open[..window].find(['」', '』']) else {
            continue;
        };
        let label = &open[..close];
        if label.is_empty() || label.chars().count() > 12 {
            continue;
        }
        let rest = &open[close + 3..];
        if ![
            "という",
            "といいます",
            "と称",
            "と総称",
            "とする",
            "と略",
            "とい",
        ]
        .iter()
        .any(|s| rest.starts_with(s))
        {
            continue;
        }
        // The name runs back from the "(" before 以下 to the previous boundary.
        for (i, c) in text[scanned..at].char_indices() {
            if is_boundary(c) {
                boundary_end = scanned + i + c.len_utf8();
            }
        }
        scanned = at;
        let before = text[..at].trim_end_matches(['(', ' ']);
        let start = boundary_end.min(before.len());
        let mut name = &before[start..];
        for lead in ["と", "及び", "並びに", "は", "本契約は"] {
            name = name.strip_prefix(lead).unwrap_or(name);
        }
        if !name.is_empty() {
            out.push((label.to_string(), name.to_string()));
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

fn is_kanji(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
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
        let mut defined: Vec<PartyDef> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        // Definitions live in the preamble and the first articles (定義).
        for s in sentences.iter().take(60) {
            if !matches!(
                s.kind,
                SentenceKind::Preamble | SentenceKind::Body | SentenceKind::Heading
            ) {
                continue;
            }
            if let Err(e) = budget.charge("parties", s.norm.text.len()) {
                return Parties {
                    defined,
                    exceeded: Some(e),
                    ..Parties::default()
                };
            }
            for (label, name) in definitions(&s.norm.text) {
                if seen.contains(&label) {
                    continue;
                }
                let role = classify(&name, lex, core.as_deref())
                    .or_else(|| Self::lexicon_role(lex, &label));
                if let Some(role) = role {
                    seen.insert(label.clone());
                    defined.push(PartyDef { label, name, role });
                }
            }
        }
        let mut p = Parties {
            defined,
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

    fn lexicon_role(lex: &PartiesLexicon, label: &str) -> Option<Role> {
        if lex.both_labels.iter().any(|l| l == label) {
            Some(Role::Both)
        } else if lex.vendor_labels.iter().any(|l| l == label) {
            Some(Role::Vendor)
        } else if lex.customer_labels.iter().any(|l| l == label) {
            Some(Role::Customer)
        } else {
            None
        }
    }

    fn rebuild(&mut self, lex: &PartiesLexicon, overrides: &[(String, Role)], budget: &Budget) {
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
    }

    /// The role of the sentence's subject: the first topic (Xは, Xも,
    /// Xにおいて), else the last Xが before `before`.
    pub fn subject(&self, text: &str, before: usize) -> Option<Role> {
        let found = self.subjects(text);
        let topic = found.iter().find(|s| s.topic).map(|s| s.role);
        let ga = found
            .iter()
            .rfind(|s| !s.topic && s.start < before.max(1))
            .map(|s| s.role);
        topic.or(ga)
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
            if ["は", "も", "において", "にあっては", "としては"]
                .iter()
                .any(|p| after.starts_with(p))
                && !after.starts_with("はじめ")
            {
                out.push(Subject {
                    start,
                    role: *role,
                    topic: true,
                });
            } else if [
                "の責任で",
                "の責任と負担で",
                "の負担で",
                "の負担と責任で",
                "の責任において",
            ]
            .iter()
            .any(|p| after.starts_with(p))
            {
                // 「…は甲の責任で行うものとし」: the party who does it.
                out.push(Subject {
                    start,
                    role: *role,
                    topic: false,
                });
            } else if after.starts_with("が") && !relative_clause(&after["が".len()..]) {
                out.push(Subject {
                    start,
                    role: *role,
                    topic: false,
                });
            }
            pos = end;
        }
        out
    }

    /// Keep only the definitions (for the report), dropping the label
    /// automaton once the document is matched.
    pub fn definitions_only(self) -> Parties {
        Parties {
            defined: self.defined,
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
}
