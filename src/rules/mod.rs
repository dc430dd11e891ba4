//! Rule sets: provisions (patterns, who must be bound, examples) and the
//! language lexicons (parties, modality), compiled once at load.

pub mod embedded;
pub mod examples;
pub mod load;
pub mod rule_regex;
pub mod schema;

use crate::error::RuleError;
use crate::normalize::{normalize_pattern, normalize_phrase};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use load::SourceFile;
pub use rule_regex::RuleRegex;
pub use schema::{
    Binds, Condition, CountsAs, Otherwise, PermissionIs, SourceMarker, SourceRef, Tier,
};
use schema::{ModalityLexicon, PartiesLexicon};
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug)]
pub struct Pattern {
    pub re: RuleRegex,
    pub heading: Option<RuleRegex>,
    pub weak_if: Option<RuleRegex>,
    pub keep_if: Option<RuleRegex>,
    pub negation_is_duty: bool,
    pub in_table: bool,
    /// Only rows of a party-column allocation table ([`crate::matching::allocation`]).
    pub party_table: bool,
    pub context: Option<RuleRegex>,
    /// Only the vendor's own duty counts (see the rule file's `vendor_side`).
    pub vendor_side: bool,
    pub counts_as: Option<CountsAs>,
    pub prevails: bool,
    pub unless: Option<RuleRegex>,
    pub any_party: bool,
}

impl Pattern {
    /// Every regex of the pattern: its words, then its conditions.
    pub fn regexes(&self) -> impl Iterator<Item = &RuleRegex> {
        let conditions = [
            &self.heading,
            &self.weak_if,
            &self.keep_if,
            &self.context,
            &self.unless,
        ];
        std::iter::once(&self.re).chain(conditions.into_iter().flatten())
    }
}

#[derive(Debug)]
pub struct Example {
    pub text: String,
    pub heading: Option<String>,
    pub expect: String,
}

#[derive(Debug)]
pub struct Provision {
    pub id: String,
    pub title: String,
    pub short: String,
    pub source: Option<String>,
    pub description: Option<String>,
    pub binds: Binds,
    pub customer_right: bool,
    pub vendor_permission: PermissionIs,
    pub exclude: Vec<RuleRegex>,
    pub patterns: Vec<Pattern>,
    pub examples: Vec<Example>,
    pub suggestion: Option<String>,
    pub path: String,
    /// The provision's own acts (its keywords, normalized): negating one of
    /// them negates the provision (報告しない), negating another act does not.
    pub acts: Vec<String>,
    /// Findings record their deadline wording ([`crate::matching::deadline`]).
    pub deadline: bool,
    /// id, title and short name as every vendor's result shares them.
    pub names: std::sync::Arc<SharedNames>,
    /// Editions whose catalogue holds it (empty: every edition).
    pub editions: Vec<String>,
    pub tier: Tier,
    pub condition: Option<Condition>,
    pub otherwise: Otherwise,
    pub sources: Vec<SourceRef>,
}

/// The guideline edition a scan checks against (`--guideline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Guideline {
    #[value(name = "5.2")]
    V5_2,
    #[value(name = "6.0")]
    V6_0,
    #[value(name = "7.0")]
    V7_0,
}

impl Guideline {
    pub fn as_str(self) -> &'static str {
        match self {
            Guideline::V5_2 => "5.2",
            Guideline::V6_0 => "6.0",
            Guideline::V7_0 => "7.0",
        }
    }
}

impl Provision {
    /// Is this provision in `g`'s catalogue?
    pub fn in_edition(&self, g: Guideline) -> bool {
        self.editions.is_empty() || self.editions.iter().any(|e| e == g.as_str())
    }

    /// How it applies to a vendor when the condition holds (`holds`) or not.
    pub fn applies(&self, holds: bool) -> crate::report::model::Applies {
        use crate::report::model::Applies;
        match self.tier {
            Tier::Required => Applies::Required,
            Tier::Recommended => Applies::Recommended,
            Tier::RequiredConditional if holds => Applies::Required,
            Tier::RequiredConditional => match self.otherwise {
                Otherwise::NotApplicable => Applies::NotApplicable,
                Otherwise::Recommended => Applies::Recommended,
            },
        }
    }

    /// The warning a finding carries when no source was read in its published text.
    pub fn source_warning(&self) -> Option<String> {
        self.only_unverified_sources().then(|| {
            let refs: Vec<String> = self
                .sources
                .iter()
                .map(|s| {
                    let m = match s.marker {
                        SourceMarker::V => "V",
                        SourceMarker::VDraft => "V-draft",
                        SourceMarker::S => "S",
                    };
                    format!("{} {}（{m}）", s.edition, s.reference)
                })
                .collect();
            format!("⚠ 出典は案・二次情報のみ: {}", refs.join("、"))
        })
    }

    /// Every source was read only as a draft or a summary: findings carry a warning.
    pub fn only_unverified_sources(&self) -> bool {
        !self.sources.is_empty() && self.sources.iter().all(|s| s.marker != SourceMarker::V)
    }
}

/// A provision's names, allocated once and shared by the report's results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SharedNames {
    pub id: std::sync::Arc<str>,
    pub title: std::sync::Arc<str>,
    pub short: std::sync::Arc<str>,
}

impl SharedNames {
    pub fn new(id: &str, title: &str, short: &str) -> std::sync::Arc<SharedNames> {
        std::sync::Arc::new(SharedNames {
            id: id.into(),
            title: title.into(),
            short: short.into(),
        })
    }
}

/// The modality categories, in the order ties are broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Denies the duty or the liability itself.
    Denial,
    /// Negates the act before it.
    Negation,
    Prohibition,
    BestEffort,
    Permission,
    Duty,
    Proviso,
    NonOperative,
    Delegation,
}

#[derive(Debug)]
pub struct Lexicon {
    pub parties: PartiesLexicon,
    /// All modality phrases in one automaton; `markers[i]` is pattern i's category.
    pub modality: AhoCorasick,
    pub markers: Vec<Marker>,
    /// The English modality phrases, every match reported (`shall` inside
    /// `shall notify` as well as `shall not`): english.rs keeps whole words.
    pub english: AhoCorasick,
    pub english_markers: Vec<Marker>,
    pub conditional_suffix: Vec<String>,
    pub attached_tables: Vec<String>,
    pub conjunction_break: Vec<String>,
    /// Every `conjunction_break` phrase in one automaton: most sentences
    /// hold none, and one pass tells (None: it could not be built).
    pub conjunction_any: Option<AhoCorasick>,
    pub plain_endings: Vec<String>,
    pub unsafe_objects: Vec<String>,
    pub generic_acts: Vec<String>,
    pub not_negations: Vec<String>,
    pub deferral_verbs: Vec<String>,
    pub deferral_cues: Vec<String>,
    pub internal_references: Vec<String>,
    pub subordinate: Vec<String>,
}

#[derive(Debug)]
pub struct RuleSet {
    pub id: String,
    pub version: String,
    pub sha256: String,
    pub description: Option<String>,
    pub provisions: Vec<Provision>,
    pub lexicon: Lexicon,
    /// One automaton over every provision's keywords.
    pub keywords: AhoCorasick,
    /// Provision index of each keyword.
    pub keyword_owner: Vec<usize>,
    /// Which provisions a service's vendors cannot share.
    pub services: ServiceRules,
    /// The edition chosen after 5.2, and whether the hospital relies on 7.0
    /// 保守委託機関編 (None: a 5.2 report, shaped as before editions).
    pub guideline: Option<(Guideline, bool)>,
}

/// Provisions (by index) a service needs from one vendor's own contract
/// rather than from any of its vendors: `[services]` of ruleset.toml.
#[derive(Debug, Default, Clone)]
pub struct ServiceRules {
    /// Case ① (one vendor provides the whole service): the lead's contract.
    pub lead: Vec<usize>,
    /// Case ② (the hospital contracts each vendor): every vendor's contract.
    pub each: Vec<usize>,
}

impl RuleSet {
    /// A provision by its id, short name or title (what a report shows).
    pub fn find_provision(&self, name: &str) -> Option<&Provision> {
        let name = name.trim();
        self.provisions
            .iter()
            .find(|p| p.id == name || p.short == name || p.title == name)
    }

    /// The default set embedded in the binary.
    pub fn embedded() -> Result<RuleSet, Vec<RuleError>> {
        let files = embedded::FILES
            .iter()
            .map(|(p, t)| SourceFile {
                path: Path::new("clause_patterns").join(p),
                text: t.to_string(),
            })
            .collect();
        // Compiled as used (see [`rule_regex`]): the embedded regexes are
        // compiled whole by a test.
        Self::from_files(files, false)
    }

    /// A folder (like `clause_patterns/`) or a single TOML file.
    pub fn load(path: &Path) -> Result<RuleSet, Vec<RuleError>> {
        let files = if path.is_dir() {
            load::read_dir(path)?
        } else {
            vec![SourceFile {
                path: path.to_path_buf(),
                text: load::read_rule_file(path)?,
            }]
        };
        Self::from_files(files, true)
    }

    /// `eager`: compile every regex now and report those that do not
    /// compile; otherwise each is compiled when first used.
    fn from_files(files: Vec<SourceFile>, eager: bool) -> Result<RuleSet, Vec<RuleError>> {
        let sha256 = hash_files(&files);
        let parsed = load::parse(files)?;
        let mut errors = Vec::new();
        let files = &parsed.files;

        // Lexicons: later files add to earlier ones; the embedded set fills gaps.
        let mut parties: Option<PartiesLexicon> = None;
        let mut modality: Option<ModalityLexicon> = None;
        for l in &parsed.lexicons {
            if let Some(p) = &l.parties {
                parties = Some(p.clone());
            }
            if let Some(m) = &l.modality {
                modality = Some(m.clone());
            }
        }
        if parties.is_none() || modality.is_none() {
            let base = embedded_lexicon();
            parties = parties.or(base.parties);
            modality = modality.or(base.modality);
        }
        let lexicon = compile_lexicon(parties.unwrap_or_default(), modality.unwrap_or_default());

        let mut provisions = Vec::new();
        for (fi, p) in &parsed.provisions {
            let file = &files[*fi];
            let re =
                |s: &toml::Spanned<String>, errors: &mut Vec<RuleError>| -> Option<RuleRegex> {
                    if !eager {
                        return Some(RuleRegex::written(s.get_ref()));
                    }
                    let pattern = normalize_pattern(s.get_ref());
                    match rule_regex::build(&pattern) {
                        Ok(r) => Some(RuleRegex::compiled(r)),
                        Err(e) => {
                            let msg = e.to_string();
                            let short = msg.lines().last().unwrap_or(&msg).trim().to_string();
                            errors.push(
                                file.error(Some(s.span()), format!("regex parse error: {short}")),
                            );
                            None
                        }
                    }
                };
            let mut patterns = Vec::new();
            for pat in &p.patterns {
                let m = re(&pat.matches, &mut errors);
                let h = pat.heading.as_ref().and_then(|h| re(h, &mut errors));
                let w = pat.weak_if.as_ref().and_then(|w| re(w, &mut errors));
                let k = pat.keep_if.as_ref().and_then(|k| re(k, &mut errors));
                let c = pat.context.as_ref().and_then(|c| re(c, &mut errors));
                let u = pat.unless.as_ref().and_then(|u| re(u, &mut errors));
                if let Some(m) = m {
                    patterns.push(Pattern {
                        re: m,
                        heading: h,
                        weak_if: w,
                        keep_if: k,
                        negation_is_duty: pat.negation_is_duty,
                        in_table: pat.in_table,
                        party_table: pat.party_table,
                        context: c,
                        vendor_side: pat.vendor_side,
                        counts_as: pat.counts_as,
                        prevails: pat.prevails,
                        unless: u,
                        any_party: pat.any_party,
                    });
                }
            }
            if p.patterns.is_empty() {
                errors.push(file.error(
                    Some(p.id.span()),
                    "a provision needs at least one [[pattern]]",
                ));
            }
            if p.keywords.is_empty() {
                errors
                    .push(file.error(Some(p.id.span()), "a provision needs at least one keyword"));
            }
            let exclude = p
                .exclude
                .iter()
                .filter_map(|x| re(x, &mut errors))
                .collect();
            let mut examples = Vec::new();
            for ex in &p.examples {
                let e = ex.expect.get_ref();
                if !["present", "weak", "negated", "missing"].contains(&e.as_str()) {
                    errors.push(file.error(
                        Some(ex.expect.span()),
                        format!("expect must be present, weak, negated or missing, not \"{e}\""),
                    ));
                }
                examples.push(Example {
                    text: ex.text.clone(),
                    heading: ex.heading.clone(),
                    expect: e.clone(),
                });
            }
            provisions.push(Provision {
                id: p.id.get_ref().clone(),
                title: p.title.clone(),
                short: p.short.clone().unwrap_or_else(|| p.title.clone()),
                source: p.source.clone(),
                description: p.description.clone(),
                binds: p.binds,
                customer_right: p.customer_right,
                vendor_permission: p.vendor_permission,
                exclude,
                patterns,
                examples,
                suggestion: p.suggestion.clone(),
                path: file.path.display().to_string(),
                acts: p
                    .keywords
                    .iter()
                    .map(|k| normalize_phrase(k.get_ref()))
                    .collect(),
                deadline: p.deadline,
                names: SharedNames::new(
                    p.id.get_ref(),
                    &p.title,
                    p.short.as_deref().unwrap_or(&p.title),
                ),
                editions: p.editions.iter().map(|e| e.get_ref().clone()).collect(),
                tier: p.tier.unwrap_or(Tier::Required),
                condition: p.condition,
                otherwise: p.otherwise.unwrap_or(Otherwise::NotApplicable),
                sources: p.sources.clone(),
            });
            for e in &p.editions {
                if !["5.2", "6.0", "7.0"].contains(&e.get_ref().as_str()) {
                    errors.push(file.error(
                        Some(e.span()),
                        format!("edition must be 5.2, 6.0 or 7.0, not \"{}\"", e.get_ref()),
                    ));
                }
            }
        }

        // Order: as listed in ruleset.toml; every listed id needs a file and vice versa.
        let header_file = &files[0];
        if !parsed.header.provisions.is_empty() {
            let mut ordered = Vec::new();
            for id in &parsed.header.provisions {
                match provisions
                    .iter()
                    .position(|p: &Provision| &p.id == id.get_ref())
                {
                    Some(i) => ordered.push(provisions.remove(i)),
                    None => errors.push(header_file.error(
                        Some(id.span()),
                        format!("no provision file for \"{}\"", id.get_ref()),
                    )),
                }
            }
            for p in &provisions {
                errors.push(
                    header_file.error(None, format!("{} is not listed in `provisions`", p.path)),
                );
            }
            provisions = ordered;
        }
        let mut seen = std::collections::HashSet::new();
        for p in &provisions {
            if !seen.insert(p.id.clone()) {
                errors.push(
                    header_file.error(None, format!("provision \"{}\" is defined twice", p.id)),
                );
            }
        }

        let mut kw = Vec::new();
        let mut owner = Vec::new();
        for (i, p) in parsed.provisions.iter().filter_map(|(_, p)| {
            provisions
                .iter()
                .position(|x| &x.id == p.id.get_ref())
                .map(|i| (i, p))
        }) {
            for k in &p.keywords {
                kw.push(normalize_phrase(k.get_ref()));
                owner.push(i);
            }
        }
        let mut services = ServiceRules::default();
        if let Some(sv) = &parsed.header.services {
            for (ids, into) in [
                (&sv.lead, &mut services.lead),
                (&sv.each, &mut services.each),
            ] {
                for id in ids {
                    match provisions.iter().position(|p| &p.id == id.get_ref()) {
                        Some(i) => into.push(i),
                        None => errors.push(header_file.error(
                            Some(id.span()),
                            format!("[services]: no provision \"{}\"", id.get_ref()),
                        )),
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // English keywords in any case (a keyword only picks candidates:
        // the patterns decide).
        let keywords = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .ascii_case_insensitive(true)
            .build(&kw)
            .map_err(|e| vec![header_file.error(None, format!("keywords: {e}"))])?;
        Ok(RuleSet {
            id: parsed.header.id.clone(),
            version: parsed.header.version.clone(),
            description: parsed.header.description.clone(),
            sha256,
            provisions,
            lexicon,
            keywords,
            keyword_owner: owner,
            services,
            guideline: None,
        })
    }

    /// The catalogue of edition `g`: only its provisions, in the same order,
    /// with the keyword automaton and the service rules rebuilt for them.
    pub fn for_guideline(mut self, g: Guideline, maintenance_delegated: bool) -> RuleSet {
        if g != Guideline::V5_2 {
            self.guideline = Some((g, maintenance_delegated));
        }
        if self.provisions.iter().all(|p| p.in_edition(g)) {
            return self;
        }
        let ids = |v: &[usize], all: &[Provision]| -> Vec<String> {
            v.iter()
                .filter_map(|i| all.get(*i).map(|p| p.id.clone()))
                .collect()
        };
        let lead = ids(&self.services.lead, &self.provisions);
        let each = ids(&self.services.each, &self.provisions);
        self.provisions.retain(|p| p.in_edition(g));
        let index = |ids: Vec<String>, all: &[Provision]| -> Vec<usize> {
            ids.iter()
                .filter_map(|id| all.iter().position(|p| &p.id == id))
                .collect()
        };
        self.services.lead = index(lead, &self.provisions);
        self.services.each = index(each, &self.provisions);
        let mut kw = Vec::new();
        let mut owner = Vec::new();
        for (i, p) in self.provisions.iter().enumerate() {
            for a in &p.acts {
                kw.push(a.clone());
                owner.push(i);
            }
        }
        match AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&kw)
        {
            Ok(k) => {
                self.keywords = k;
                self.keyword_owner = owner;
            }
            // The same keywords built before; never reached in practice, but
            // an owner list out of step with the provisions must not survive.
            Err(_) => {
                self.keywords = AhoCorasick::new(Vec::<String>::new()).expect("empty automaton");
                self.keyword_owner = Vec::new();
            }
        }
        self
    }

    /// Which provisions have a keyword in `text` (normalized).
    pub fn candidates(&self, text: &str) -> Vec<bool> {
        let mut hit = vec![false; self.provisions.len()];
        for m in self.keywords.find_overlapping_iter(text) {
            hit[self.keyword_owner[m.pattern().as_usize()]] = true;
        }
        hit
    }
}

fn embedded_lexicon() -> schema::LexiconFile {
    let mut out = schema::LexiconFile::default();
    for (p, t) in embedded::FILES {
        if p.starts_with("lexicon/") {
            if let Ok(l) = toml::from_str::<schema::LexiconFile>(t) {
                out.parties = out.parties.or(l.parties);
                out.modality = out.modality.or(l.modality);
            }
        }
    }
    out
}

fn compile_lexicon(parties: PartiesLexicon, m: ModalityLexicon) -> Lexicon {
    let norm = |v: &[String]| v.iter().map(|s| normalize_phrase(s)).collect::<Vec<_>>();
    let mut phrases = Vec::new();
    let mut markers = Vec::new();
    for (list, marker) in [
        (&m.denial, Marker::Denial),
        (&m.negation, Marker::Negation),
        (&m.prohibition, Marker::Prohibition),
        (&m.best_effort, Marker::BestEffort),
        (&m.permission, Marker::Permission),
        (&m.duty, Marker::Duty),
        (&m.proviso, Marker::Proviso),
        (&m.non_operative, Marker::NonOperative),
        (&m.delegation, Marker::Delegation),
    ] {
        for p in norm(list) {
            phrases.push(p);
            markers.push(marker);
        }
    }
    // English phrases are read by their own rule (matching/english.rs).
    let (english, english_markers): (Vec<String>, Vec<Marker>) = phrases
        .iter()
        .zip(&markers)
        .filter(|(p, _)| p.is_ascii())
        .map(|(p, m)| (p.clone(), *m))
        .unzip();
    let (phrases, markers): (Vec<String>, Vec<Marker>) = phrases
        .into_iter()
        .zip(markers)
        .filter(|(p, _)| !p.is_ascii())
        .unzip();
    let modality = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&phrases)
        .unwrap_or_else(|_| AhoCorasick::new(Vec::<String>::new()).expect("empty automaton"));
    let english = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        // Modals in capitals too (IN NO EVENT SHALL …).
        .ascii_case_insensitive(true)
        .build(english)
        .unwrap_or_else(|_| AhoCorasick::new(Vec::<String>::new()).expect("empty automaton"));
    let parties = PartiesLexicon {
        vendor_labels: norm(&parties.vendor_labels),
        customer_labels: norm(&parties.customer_labels),
        vendor_name_markers: norm(&parties.vendor_name_markers),
        customer_name_markers: norm(&parties.customer_name_markers),
        third_party_markers: norm(&parties.third_party_markers),
        both_labels: norm(&parties.both_labels),
        vendor_hints: norm(&parties.vendor_hints),
        customer_hints: norm(&parties.customer_hints),
        user_hints: norm(&parties.user_hints),
        operator_markers: norm(&parties.operator_markers),
        provider_verbs: norm(&parties.provider_verbs),
        customer_verbs: norm(&parties.customer_verbs),
        term_heads: norm(&parties.term_heads),
        party_heads: norm(&parties.party_heads),
    };
    Lexicon {
        parties,
        modality,
        markers,
        english,
        english_markers,
        conditional_suffix: norm(&m.conditional_suffix),
        attached_tables: norm(&m.attached_tables),
        conjunction_break: norm(&m.conjunction_break),
        conjunction_any: AhoCorasick::new(norm(&m.conjunction_break)).ok(),
        plain_endings: norm(&m.plain_endings),
        unsafe_objects: norm(&m.unsafe_objects),
        generic_acts: norm(&m.generic_acts),
        not_negations: norm(&m.not_negations),
        deferral_verbs: norm(&m.deferral_verbs),
        deferral_cues: norm(&m.deferral_cues),
        internal_references: norm(&m.internal_references),
        subordinate: norm(&m.subordinate),
    }
}

/// sha256 over every file's path (relative to the set) and text, in order:
/// the same set gives the same hash embedded or read from a folder.
fn hash_files(files: &[SourceFile]) -> String {
    let mut h = Sha256::new();
    for f in files {
        let rel: Vec<String> = f
            .path
            .components()
            .rev()
            .take(2)
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let rel = if rel.len() == 2 && (rel[1] == "provisions" || rel[1] == "lexicon") {
            format!("{}/{}", rel[1], rel[0])
        } else {
            rel[0].clone()
        };
        h.update(rel.as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
        h.update([0]);
    }
    format!("{:x}", h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// The rule files cannot change without a new version: the changelog
    /// pins each version's sha256, so a report's version names one set of files.
    #[test]
    fn the_rule_files_match_the_sha256_the_changelog_records_for_their_version() {
        let rs = RuleSet::embedded().unwrap();
        let log = include_str!("../../clause_patterns/CHANGELOG.md");
        let newest = log
            .lines()
            .find_map(|l| l.strip_prefix("## "))
            .expect("a version heading");
        assert_eq!(
            newest.trim(),
            rs.version,
            "ruleset.toml's version is not the newest entry of clause_patterns/CHANGELOG.md"
        );
        let entry = log
            .split("\n## ")
            .find(|e| e.lines().next().map(str::trim) == Some(rs.version.as_str()))
            .expect("an entry for the current version");
        let pinned = entry
            .lines()
            .find_map(|l| l.strip_prefix("sha256: `"))
            .and_then(|l| l.strip_suffix('`'))
            .expect("a sha256 line in the entry");
        assert_eq!(
            pinned, rs.sha256,
            "the rule files changed but version {} did not: raise `version` in \
             clause_patterns/ruleset.toml, add an entry to clause_patterns/CHANGELOG.md saying \
             what changed, with the sha256 that `keiyaku rules check` prints",
            rs.version
        );
    }

    #[test]
    fn embedded_rule_set_holds_eight_provisions_for_5_2_and_21_for_6_0_and_7_0() {
        let rs = RuleSet::embedded().unwrap();
        assert_eq!(rs.provisions.len(), 21);
        let five = RuleSet::embedded()
            .unwrap()
            .for_guideline(Guideline::V5_2, false);
        assert_eq!(five.provisions.len(), 8);
        assert_eq!(five.provisions[0].id, "responsibility-scope");
        assert!(five.guideline.is_none());
        let six = RuleSet::embedded()
            .unwrap()
            .for_guideline(Guideline::V6_0, false);
        assert_eq!(
            six.provisions.len(),
            21,
            "6.0 lists 7.0's security-update as a recommendation"
        );
        assert_eq!(six.services.lead.len(), 1);
        let seven = RuleSet::embedded()
            .unwrap()
            .for_guideline(Guideline::V7_0, true);
        assert_eq!(seven.provisions.len(), 21);
        assert_eq!(seven.guideline, Some((Guideline::V7_0, true)));
    }

    /// The embedded set is compiled as used: every regex of it must compile.
    #[test]
    fn every_embedded_regex_compiles() {
        let rs = RuleSet::embedded().unwrap();
        let mut n = 0;
        for p in &rs.provisions {
            for pat in &p.patterns {
                for r in pat.regexes() {
                    assert!(r.check().is_ok(), "{}: {}", p.id, r.as_str());
                    n += 1;
                }
            }
            for r in &p.exclude {
                assert!(r.check().is_ok(), "{}: {}", p.id, r.as_str());
                n += 1;
            }
        }
        assert!(n > 100, "{n} regexes");
    }

    /// The anchored search of a rule regex finds what the regex crate
    /// finds, span included: over every embedded pattern, the rule examples
    /// and the texts of the extraction fixtures, line by line and whole.
    #[test]
    fn every_embedded_regex_finds_what_the_regex_crate_finds() {
        let rs = RuleSet::embedded().unwrap();
        let mut texts: Vec<String> = Vec::new();
        for p in &rs.provisions {
            for ex in &p.examples {
                texts.push(normalize_phrase(&ex.text));
                texts.extend(ex.heading.as_deref().map(normalize_phrase));
            }
        }
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for e in std::fs::read_dir(fixtures).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "txt") {
                let text = std::fs::read_to_string(&path).unwrap();
                texts.extend(text.lines().map(normalize_phrase));
                texts.push(normalize_phrase(&text));
            }
        }
        let mut found = 0;
        for p in &rs.provisions {
            for pat in &p.patterns {
                for r in pat.regexes().chain(p.exclude.iter()) {
                    let re = rule_regex::build(r.as_str()).unwrap();
                    for t in &texts {
                        let want = re.find(t).map(|m| m.range());
                        assert_eq!(r.find(t), want, "{} in {t}", r.as_str());
                        assert_eq!(r.is_match(t), want.is_some(), "{} in {t}", r.as_str());
                        if want.is_some() {
                            assert_eq!(
                                r.find_iter(t).collect::<Vec<_>>(),
                                re.find_iter(t).map(|m| m.range()).collect::<Vec<_>>(),
                                "{} in {t}",
                                r.as_str()
                            );
                        }
                        found += usize::from(want.is_some());
                    }
                }
            }
        }
        assert!(
            found > 500,
            "only {found} matches: the texts test too little"
        );
    }

    #[test]
    fn embedded_and_folder_hash_the_same() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("clause_patterns");
        assert_eq!(
            RuleSet::embedded().unwrap().sha256,
            RuleSet::load(&root).unwrap().sha256
        );
    }

    #[test]
    fn bad_regex_is_reported_with_line_column_and_caret() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "ruleset.toml",
            "id = \"t\"\nversion = \"1\"\nprovisions = [\"x\"]\n",
        );
        write(dir.path(), "provisions/x.toml", "id = \"x\"\ntitle = \"X\"\nbinds = \"vendor\"\nkeywords = [\"報告\"]\n[[pattern]]\nmatch = '(障害|事故.{0,40}報告'\n");
        let errs = RuleSet::load(dir.path()).unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert!(e.path.ends_with("provisions/x.toml"));
        assert_eq!((e.line, e.column), (6, 9));
        assert!(e.message.contains("regex parse error"), "{}", e.message);
        let rendered = e.render();
        assert!(
            rendered.contains("6 | match = '(障害|事故.{0,40}報告'"),
            "{rendered}"
        );
        assert!(rendered.contains("^^^"), "{rendered}");
    }

    #[test]
    fn unknown_key_and_all_errors_are_reported_together() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "ruleset.toml",
            "id = \"t\"\nversion = \"1\"\nprovisions = [\"x\", \"y\"]\n",
        );
        write(
            dir.path(),
            "provisions/x.toml",
            "id = \"x\"\ntitle = \"X\"\nbinds = \"vendor\"\nkeyword = [\"報告\"]\n",
        );
        write(dir.path(), "provisions/y.toml", "id = \"y\"\ntitle = \"Y\"\nbinds = \"sideways\"\nkeywords = [\"a\"]\n[[pattern]]\nmatch = 'a'\n");
        let errs = RuleSet::load(dir.path()).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[0].message.contains("unknown field `keyword`"),
            "{}",
            errs[0].message
        );
        assert_eq!(errs[0].line, 4);
        assert!(errs[1].message.contains("sideways"), "{}", errs[1].message);
    }

    #[test]
    fn listed_provision_without_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "ruleset.toml",
            "id = \"t\"\nversion = \"1\"\nprovisions = [\"nope\"]\n",
        );
        let errs = RuleSet::load(dir.path()).unwrap_err();
        assert!(errs[0].message.contains("no provision file for \"nope\""));
        assert_eq!(errs[0].line, 3);
    }
}
