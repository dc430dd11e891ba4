//! Sentences → provision hits with a strength.
//!
//! Per sentence: one aho-corasick pass over every keyword picks the candidate
//! provisions; only their regexes run. Each match is then read for who is
//! bound (`parties`) and how strongly (`obligation`).

pub mod allocation;
pub mod deadline;
pub mod english;
pub mod obligation;
pub mod parties;
pub mod preamble;

use crate::rules::{Binds, Pattern, PermissionIs, Provision, RuleSet};
pub use crate::segment::{Budget, BudgetExceeded, BudgetKind};
use crate::segment::{Sentence, SentenceKind};
use obligation::Modality;
use parties::{Parties, Role};
use regex::Regex;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::OnceLock;

/// How well one clause satisfies a provision. Order: None < Negated < Weak < Present.
/// Occurrences of one pattern read in one sentence when the first ones
/// bind no one (a purpose clause); more would only repeat them.
const MATCHES_PER_SENTENCE: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    None,
    Negated,
    Weak,
    Present,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub provision: usize,
    pub sentence: usize,
    pub strength: Strength,
    /// Why the clause has that strength, for the reader of the report.
    pub basis: Basis,
    /// Byte range of the match in the sentence's normalized text (for a
    /// hit in an article's heading, in the normalized heading).
    pub span: (usize, usize),
    /// For a hit that does not count: why, when it is a near miss a reviewer
    /// should hear about (a duty on the customer, a deferral, a heading).
    pub miss: Option<MissKind>,
    /// The role bound by the clause, for a [`MissKind::WrongParty`] hit.
    pub party: Option<Role>,
    /// The words were found in the article's heading, not in the sentence.
    pub in_heading: bool,
}

/// Why words of a provision were seen and still do not satisfy it: what a
/// reviewer reads beside a ×. Declared in priority order: when several were
/// seen, the first kind is the one reported (the closest to a clause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissKind {
    /// The clause binds the customer or a third party.
    WrongParty,
    /// The matter is left to a later agreement (協議して定める, 別途定める).
    Deferred,
    /// The clause points to another instrument (基本約款の定めによる).
    Delegated,
    /// Only in a tracked deletion (w:del, w:moveFrom).
    DeletedRevision,
    /// Only in a Word comment.
    CommentOnly,
    /// Only in a definitions article or a defining sentence (「…とは、…をいう」).
    DefinitionOnly,
    /// Only in a heading or a table of contents.
    HeadingOnly,
    /// Only in a purpose clause (…を目的とする, 調査するため).
    PurposeOnly,
    /// A description of what the service lets someone do, no party named
    /// (「…接続できます」).
    Description,
}

impl MissKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MissKind::WrongParty => "wrong_party",
            MissKind::Deferred => "deferred",
            MissKind::Delegated => "delegated",
            MissKind::DeletedRevision => "deleted_revision",
            MissKind::CommentOnly => "comment_only",
            MissKind::DefinitionOnly => "definition_only",
            MissKind::HeadingOnly => "heading_only",
            MissKind::PurposeOnly => "purpose_only",
            MissKind::Description => "description",
        }
    }
}

/// The near miss a clause of strength None is, from what decided it.
fn miss_of(
    strength: Strength,
    modality: Modality,
    subject: Option<Role>,
    text: &str,
) -> Option<MissKind> {
    if strength != Strength::None {
        return None;
    }
    match modality {
        Modality::Deferral => Some(MissKind::Deferred),
        Modality::Delegation => Some(MissKind::Delegated),
        // 「…とは、…をいう」 defines a word; everything else non-operative
        // states a purpose.
        Modality::NonOperative
            if ["をいう", "をいい", "といい", "総称"]
                .iter()
                .any(|d| text.contains(d)) =>
        {
            Some(MissKind::DefinitionOnly)
        }
        Modality::NonOperative => Some(MissKind::PurposeOnly),
        Modality::Proviso | Modality::None => None,
        _ => match subject {
            Some(Role::Customer | Role::Other | Role::User) => Some(MissKind::WrongParty),
            None if modality == Modality::Permission => Some(MissKind::Description),
            _ => None,
        },
    }
}

/// Order among hits of one strength: a near miss before none, the closer
/// kind first.
fn miss_rank(m: Option<MissKind>) -> u8 {
    m.map_or(u8::MAX, |k| k as u8)
}

/// What a clause's strength rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The vendor must (しなければならない, ものとする, plain する, してはならない).
    Duty,
    /// The customer may (甲は…できる): supervision.
    CustomerRight,
    /// 努める, 努力する.
    BestEffort,
    /// The vendor only may (報告することができる).
    Permission,
    /// Qualified by the pattern's weak_if (prior approval alone, 選任・監督 only).
    Qualified,
    /// Granted for some cases and denied for others in one sentence.
    Partial,
    /// 負わない, 免責, 対象外, 応じません.
    Negation,
    /// A reservation or exclusion that beats any clause promising the
    /// opposite (統計情報として利用することがあります).
    Prevailing,
    /// The party is named by a rule (「障害箇所を管理する側が行う」), not by its
    /// label: it settles who acts only with an allocation of the parties'
    /// responsibilities ([`crate::references::rule`]).
    Rule,
    /// Nothing binding: wrong party, heading, purpose, delegation.
    None,
}

impl Basis {
    /// What a clause's strength rests on, as a reviewer would write it.
    pub fn label_ja(self) -> &'static str {
        match self {
            Basis::Duty => "義務規定",
            Basis::CustomerRight => "委託者の権利規定",
            Basis::BestEffort => "努力義務",
            Basis::Permission => "できる規定",
            Basis::Qualified => "承諾のみ・限定",
            Basis::Partial => "一部のみ",
            Basis::Negation => "否定・免責",
            Basis::Prevailing => "留保・除外（他の定めに優先）",
            Basis::Rule => "規則で定める主体のみ（分担の定めなし）",
            Basis::None => "拘束力なし",
        }
    }

    /// A basis that makes a clause weak or negated: the reason a reviewer
    /// needs beside △ and 否.
    pub fn is_shortfall(self) -> bool {
        !matches!(self, Basis::Duty | Basis::CustomerRight | Basis::None)
    }
}

impl Basis {
    fn of(strength: Strength, modality: Modality, subject: Option<Role>) -> Basis {
        match (strength, modality) {
            (Strength::None, _) => Basis::None,
            (_, Modality::BestEffort) => Basis::BestEffort,
            (_, Modality::Permission | Modality::Duty) if subject == Some(Role::Customer) => {
                Basis::CustomerRight
            }
            (_, Modality::Permission) => Basis::Permission,
            (_, Modality::Allocation) => Basis::Partial,
            (_, Modality::Negation | Modality::NegatedAct) => Basis::Negation,
            _ => Basis::Duty,
        }
    }
}

/// Cross-references to another article's heading (「第15条（運用状況の定期報告）を削除」,
/// tables of contents) carry that heading's words but impose nothing.
fn mask_cross_references(text: &str) -> Cow<'_, str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"第[0-9一二三四五六七八九十百]+条(の[0-9]+)?\([^)]{0,40}\)")
            .expect("static regex")
    });
    // Most sentences cite nothing: no copy. Otherwise one pass, not one
    // rewrite of the whole sentence per reference.
    let mut last = 0;
    let mut out: Option<String> = None;
    for m in re.find_iter(text) {
        let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
        o.push_str(&text[last..m.start()]);
        // Same byte length, so offsets stay valid.
        o.extend(std::iter::repeat_n('_', m.len()));
        last = m.end();
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[last..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// A 。 inside parentheses (「秘密情報（…をいう。）を開示してはならない」) ends
/// no sentence: patterns that stop at 。 read through it as a 、 (same byte
/// length, so offsets stay valid).
fn mask_inner_stops(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains('(') || !text.contains('。') {
        return text;
    }
    let mut depth = 0usize;
    let mut changed = false;
    let out: String = text
        .chars()
        .map(|c| match c {
            '(' => {
                depth += 1;
                c
            }
            ')' => {
                depth = depth.saturating_sub(1);
                c
            }
            '。' if depth > 0 => {
                changed = true;
                '、'
            }
            _ => c,
        })
        .collect();
    if changed {
        Cow::Owned(out)
    } else {
        text
    }
}

/// Decide the strength of one clause for one provision.
pub fn decide(p: &Provision, subject: Option<Role>, modality: Modality) -> Strength {
    let by_force = |m: Modality, permission: PermissionIs| match m {
        Modality::Duty | Modality::Prohibition => Strength::Present,
        Modality::BestEffort => Strength::Weak,
        Modality::Permission => match permission {
            PermissionIs::Weak => Strength::Weak,
            PermissionIs::None => Strength::None,
        },
        Modality::Negation | Modality::NegatedAct => Strength::Negated,
        // Allocating responsibility is what a scope clause does; a vendor duty
        // that holds only for some cases is weak.
        Modality::Allocation if p.binds == Binds::Any => Strength::Present,
        Modality::Allocation => Strength::Weak,
        Modality::Proviso
        | Modality::NonOperative
        | Modality::Delegation
        | Modality::Deferral
        | Modality::None => Strength::None,
    };
    match p.binds {
        Binds::Any => match subject {
            Some(Role::Other | Role::User) => Strength::None,
            _ => by_force(modality, PermissionIs::Weak),
        },
        Binds::Vendor => match subject {
            // 「VPNには最大5台の端末を接続できます」: with no party named, a
            // permission describes what the service lets someone do, not
            // what the vendor undertakes.
            None if modality == Modality::Permission => Strength::None,
            Some(Role::Vendor | Role::Both) | None => by_force(modality, p.vendor_permission),
            Some(Role::Customer) if p.customer_right => match modality {
                // 「甲は、乙の事業所を監査することができる」 and 「甲は、乙を監督する」.
                // (「甲は、乙の監査を拒んではならない」 is the other direction.)
                Modality::Permission | Modality::Duty => Strength::Present,
                Modality::Negation | Modality::NegatedAct => Strength::Negated,
                _ => Strength::None,
            },
            Some(Role::Customer | Role::Other | Role::User) => Strength::None,
        },
    }
}

/// What a sentence says as a whole: items and table rows borrow it from
/// their lead sentence. Read when a hit first needs it, not for every
/// sentence: most sentences hold no hit and lead none that does.
struct Readings<'a> {
    sentences: &'a [Sentence],
    parties: &'a Parties,
    lexicon: &'a crate::rules::Lexicon,
    said: Vec<std::cell::OnceCell<Said>>,
    modality: Vec<std::cell::OnceCell<Modality>>,
    /// For a row of a party-column table: who its marks bind.
    binding: Vec<Option<allocation::Binding>>,
}

/// Who a sentence names as its subjects.
struct Said {
    subject: Option<Role>,
    /// Where each coordinated clause with its own subject starts
    /// (「…は甲が行うものとし、乙は…負わない」): byte offset and subject.
    clauses: Vec<(usize, Option<Role>)>,
}

impl<'a> Readings<'a> {
    fn new(
        sentences: &'a [Sentence],
        parties: &'a Parties,
        lexicon: &'a crate::rules::Lexicon,
    ) -> Readings<'a> {
        let mut binding = allocation::read(sentences, parties);
        binding.resize(sentences.len(), None);
        Readings {
            sentences,
            parties,
            lexicon,
            said: std::iter::repeat_with(Default::default)
                .take(sentences.len())
                .collect(),
            modality: std::iter::repeat_with(Default::default)
                .take(sentences.len())
                .collect(),
            binding,
        }
    }

    fn said(&self, si: usize) -> &Said {
        self.said[si].get_or_init(|| {
            let text = &self.sentences[si].norm.text;
            // The label automaton runs once: the sentence's subject and its
            // clauses both come from the subjects it finds.
            let subjects = self.parties.subjects(text);
            Said {
                subject: parties::subject_of(&subjects, text.len()),
                clauses: clauses(text, &subjects),
            }
        })
    }

    fn subject(&self, si: usize) -> Option<Role> {
        self.said(si).subject
    }

    fn clauses(&self, si: usize) -> &[(usize, Option<Role>)] {
        &self.said(si).clauses
    }

    fn modality(&self, si: usize) -> Modality {
        *self.modality[si]
            .get_or_init(|| obligation::modality(self.lexicon, &self.sentences[si].norm.text, 0))
    }

    fn binding(&self, si: usize) -> Option<&allocation::Binding> {
        self.binding[si].as_ref()
    }
}

/// Every hit of every provision in a document's sentences.
pub fn match_sentences(rules: &RuleSet, sentences: &[Sentence], parties: &Parties) -> Vec<Hit> {
    match match_within(rules, sentences, parties, &mut Budget::unlimited()) {
        Ok(h) => h,
        Err(_) => unreachable!("an unlimited budget is never exceeded"),
    }
}

/// [`match_sentences`] charging `budget` for every pass over a sentence's
/// text; an error naming the budget once the document exceeds it, or when
/// its parties were over the party-label budget ([`Parties::exceeded`]).
pub fn try_match_sentences(
    rules: &RuleSet,
    sentences: &[Sentence],
    parties: &Parties,
    budget: &mut Budget,
) -> Result<Vec<Hit>, BudgetExceeded> {
    if let Some(e) = parties.exceeded() {
        return Err(e);
    }
    match_within(rules, sentences, parties, budget)
}

/// Hits in text kept apart from the clauses (deleted revisions, comments),
/// read with the document's parties: only ever near misses. Nothing when
/// the parties could not be built.
pub fn try_match_apart(
    rules: &RuleSet,
    sentences: &[Sentence],
    parties: &Parties,
    budget: &mut Budget,
) -> Result<Vec<Hit>, BudgetExceeded> {
    if parties.exceeded().is_some() || sentences.is_empty() {
        return Ok(Vec::new());
    }
    match_within(rules, sentences, parties, budget)
}

fn match_within(
    rules: &RuleSet,
    sentences: &[Sentence],
    parties: &Parties,
    budget: &mut Budget,
) -> Result<Vec<Hit>, BudgetExceeded> {
    const STAGE: &str = "matching";
    let mut hits = Vec::new();
    let readings = Readings::new(sentences, parties, &rules.lexicon);
    for s in sentences {
        // The label automaton and the modality automaton (charged for every
        // sentence, though they run only for those a hit needs).
        budget.charge(STAGE, s.norm.text.len().saturating_mul(2))?;
    }
    // Consecutive sentences share their article's heading: normalize it and
    // find its keywords once per heading, not once per sentence.
    let mut heading_of: Option<(&str, String, Vec<bool>)> = None;
    for (si, s) in sentences.iter().enumerate() {
        if matches!(s.kind, SentenceKind::Heading | SentenceKind::Toc) || s.in_definitions {
            continue;
        }
        let raw = s.heading.as_deref().unwrap_or("");
        if heading_of.as_ref().is_none_or(|h| h.0 != raw) {
            budget.charge(STAGE, raw.len().saturating_mul(2))?;
            let norm = s
                .heading
                .as_deref()
                .map(crate::normalize::normalize_phrase)
                .unwrap_or_default();
            let cands = if norm.is_empty() {
                Vec::new()
            } else {
                rules.candidates(&norm)
            };
            heading_of = Some((raw, norm, cands));
        }
        let Some((_, heading, heading_candidates)) = heading_of.as_ref() else {
            continue;
        };
        let heading = heading.as_str();
        budget.charge(STAGE, s.norm.text.len().saturating_mul(2))?;
        let text = mask_inner_stops(mask_cross_references(&s.norm.text));
        let text = text.as_ref();
        let mut candidates = rules.candidates(text);
        for (i, c) in heading_candidates.iter().enumerate() {
            candidates[i] |= *c;
        }
        for (pi, p) in rules.provisions.iter().enumerate() {
            if !candidates[pi] || excluded(p, text, budget, STAGE)? {
                continue;
            }
            let mut best: Option<Hit> = None;
            for pat in &p.patterns {
                if pat.in_table && s.kind != SentenceKind::TableRow {
                    continue;
                }
                if pat.party_table && readings.binding(si).is_none_or(|b| b.bound.is_none()) {
                    continue;
                }
                if let Some(h) = &pat.heading {
                    if !h.is_match(heading) {
                        continue;
                    }
                }
                budget.charge(STAGE, text.len())?;
                // The search that tells whether it matches gives the first
                // occurrence too: not searched for twice.
                let mut occurrences = pat.re.find_iter(text).peekable();
                if occurrences.peek().is_none() {
                    continue;
                }
                if pat.unless.as_ref().is_some_and(|u| u.is_match(text)) {
                    continue;
                }
                if let Some(c) = &pat.context {
                    budget.charge(STAGE, text.len())?;
                    if !introduced(c, sentences, si, text) {
                        continue;
                    }
                }
                // The first occurrence may sit in a purpose clause
                // (「…に連絡するための緊急連絡網を整備し」): a later one of the
                // same sentence can still bind. A few are read, no more.
                for m in occurrences.take(MATCHES_PER_SENTENCE) {
                    // The modality read after the match, the weak_if and keep_if scope.
                    budget.charge(STAGE, text.len().saturating_mul(3))?;
                    let (strength, modality, subject) = strength_of(
                        rules,
                        p,
                        pat,
                        sentences,
                        &readings,
                        si,
                        text,
                        (m.start, m.end),
                    );
                    let mut basis = Basis::of(strength, modality, subject);
                    let strength = match &pat.weak_if {
                        Some(w) if strength == Strength::Present || basis == Basis::Permission => {
                            // The proviso right after the clause qualifies it too
                            // (「…してはならない。ただし、承諾を得た場合はこの限りでない。」).
                            // A table row is qualified by the sentence that introduces
                            // its table too (「次表のサービスレベルの達成を目標として」).
                            let lead = (s.kind == SentenceKind::TableRow)
                                .then_some(s.lead)
                                .flatten()
                                .filter(|l| *l < si)
                                .map(|l| sentences[l].norm.text.as_str());
                            let scope: Cow<str> = match (proviso_after(sentences, si), lead) {
                                (None, None) => Cow::Borrowed(text),
                                (pv, lead) => Cow::Owned(format!(
                                    "{}{text}{}",
                                    lead.unwrap_or(""),
                                    pv.unwrap_or("")
                                )),
                            };
                            let kept = pat.keep_if.as_ref().is_some_and(|k| k.is_match(&scope));
                            if w.is_match(&scope) && !kept {
                                basis = Basis::Qualified;
                                Strength::Weak
                            } else {
                                strength
                            }
                        }
                        _ => strength,
                    };
                    // A scope without structure counts as weak; a reservation as negated.
                    let strength = match pat.counts_as {
                        Some(c) if strength >= Strength::Weak => match c {
                            crate::rules::CountsAs::Weak => {
                                if strength == Strength::Present {
                                    basis = Basis::Qualified;
                                }
                                Strength::Weak
                            }
                            crate::rules::CountsAs::Negated => {
                                basis = Basis::Negation;
                                Strength::Negated
                            }
                        },
                        _ => strength,
                    };
                    if pat.prevails && strength == Strength::Negated {
                        basis = Basis::Prevailing;
                    }
                    let miss = miss_of(strength, modality, subject, text);
                    // Among hits that do not count, the closest near miss is kept
                    // (the status is the same whichever is kept).
                    if best.as_ref().is_none_or(|b| {
                        strength > b.strength
                            || (strength == b.strength && miss_rank(miss) < miss_rank(b.miss))
                    }) {
                        best = Some(Hit {
                            provision: pi,
                            sentence: si,
                            strength,
                            basis,
                            span: (m.start, m.end),
                            miss,
                            party: subject.filter(|_| miss == Some(MissKind::WrongParty)),
                            in_heading: false,
                        });
                    }
                    if strength > Strength::None {
                        break;
                    }
                }
            }
            if let Some(b) = best {
                hits.push(b);
            }
        }
    }
    Ok(hits)
}

/// Near misses in what [`match_within`] never reads as clauses: headings,
/// tables of contents, article headings and definitions articles. Each hit
/// has strength None and says where the words were; one per provision and
/// sentence (or heading).
pub fn try_match_structure(
    rules: &RuleSet,
    sentences: &[Sentence],
    budget: &mut Budget,
) -> Result<Vec<Hit>, BudgetExceeded> {
    const STAGE: &str = "near misses";
    let mut hits = Vec::new();
    // Per provision, the closest kind found so far: a later hit of that
    // kind or a farther one changes nothing (the first of the closest kind
    // is the near miss), so its patterns are not run again.
    let mut found: Vec<Option<MissKind>> = vec![None; rules.provisions.len()];
    let mut last_heading: Option<&str> = None;
    for (si, s) in sentences.iter().enumerate() {
        let heading_only = matches!(s.kind, SentenceKind::Heading | SentenceKind::Toc);
        // An article's heading, once per article: 第8条（責任分界） over a
        // body that never says who is responsible.
        let raw = s.heading.as_deref();
        if !heading_only && raw.is_some() && raw != last_heading {
            last_heading = raw;
            let heading = raw
                .map(crate::normalize::normalize_phrase)
                .unwrap_or_default();
            budget.charge(STAGE, heading.len())?;
            let kind = MissKind::HeadingOnly;
            for mut h in structure_hits(rules, &heading, None, si, kind, &mut found, budget)? {
                h.in_heading = true;
                hits.push(h);
            }
        }
        let kind = if heading_only {
            MissKind::HeadingOnly
        } else if s.in_definitions {
            MissKind::DefinitionOnly
        } else {
            continue;
        };
        budget.charge(STAGE, s.norm.text.len())?;
        // A table of contents is nothing but other articles' headings: not masked.
        let text = if heading_only {
            Cow::Borrowed(s.norm.text.as_str())
        } else {
            mask_inner_stops(mask_cross_references(&s.norm.text))
        };
        let heading = s
            .heading
            .as_deref()
            .filter(|_| !heading_only)
            .map(crate::normalize::normalize_phrase);
        hits.extend(structure_hits(
            rules,
            &text,
            heading.as_deref(),
            si,
            kind,
            &mut found,
            budget,
        )?);
    }
    Ok(hits)
}

/// The provisions whose patterns match `text`, as near misses of `kind`.
/// Patterns that need a heading match only under one (`heading`); patterns
/// for table rows or for generically named parties are left out.
fn structure_hits(
    rules: &RuleSet,
    text: &str,
    heading: Option<&str>,
    si: usize,
    kind: MissKind,
    found: &mut [Option<MissKind>],
    budget: &mut Budget,
) -> Result<Vec<Hit>, BudgetExceeded> {
    const STAGE: &str = "near misses";
    let mut hits = Vec::new();
    let done = |f: &Option<MissKind>| f.is_some_and(|k| k <= kind);
    if text.is_empty() || found.iter().all(done) {
        return Ok(hits);
    }
    let candidates = rules.candidates(text);
    for (pi, p) in rules.provisions.iter().enumerate() {
        if !candidates[pi] || found.get(pi).is_some_and(done) || excluded(p, text, budget, STAGE)? {
            continue;
        }
        for pat in &p.patterns {
            if pat.in_table || pat.party_table || pat.context.is_some() {
                continue;
            }
            match (&pat.heading, heading) {
                (Some(h), Some(heading)) if !h.is_match(heading) => continue,
                (Some(_), None) => continue,
                _ => {}
            }
            budget.charge(STAGE, text.len())?;
            if let Some(m) = pat.re.find(text) {
                hits.push(Hit {
                    provision: pi,
                    sentence: si,
                    strength: Strength::None,
                    basis: Basis::None,
                    span: (m.start, m.end),
                    miss: Some(kind),
                    party: None,
                    in_heading: false,
                });
                if let Some(f) = found.get_mut(pi) {
                    *f = Some(f.map_or(kind, |k| k.min(kind)));
                }
                break;
            }
        }
    }
    Ok(hits)
}

/// The provision's exclusions match `text` (charged to `budget`).
fn excluded(
    p: &Provision,
    text: &str,
    budget: &mut Budget,
    stage: &'static str,
) -> Result<bool, BudgetExceeded> {
    budget.charge(stage, text.len().saturating_mul(p.exclude.len()))?;
    Ok(p.exclude.iter().any(|x| x.is_match(text)))
}

/// The proviso (ただし…この限りでない) that follows sentence `si` in the same
/// paragraph, normalized.
fn proviso_after(sentences: &[Sentence], si: usize) -> Option<&str> {
    let (s, next) = (&sentences[si], sentences.get(si + 1)?);
    let same_place =
        next.article == s.article && next.paragraph == s.paragraph && next.item == s.item;
    let t = next.norm.text.as_str();
    (same_place && t.starts_with("ただし") && t.contains("この限りで")).then_some(t)
}

/// The coordinated clauses of a sentence: a new one starts at each topic
/// (乙は) after a 、 once a subject has been named. The first clause starts
/// at 0 with the sentence's first subject.
fn clauses(text: &str, subjects: &[parties::Subject]) -> Vec<(usize, Option<Role>)> {
    // (start, subject, whether the subject is a topic)
    let mut out: Vec<(usize, Option<Role>, bool)> = vec![(0, None, false)];
    for s in subjects {
        let last = out.len() - 1;
        if s.topic && out[last].1.is_some() && ends_clause(&text[..s.start]) {
            out.push((s.start, Some(s.role), true));
        } else if out[last].1.is_none() || (s.topic && !out[last].2) {
            // A topic names the clause's subject over an agent (が).
            out[last].1 = Some(s.role);
            out[last].2 |= s.topic;
        }
    }
    out.into_iter().map(|(at, role, _)| (at, role)).collect()
}

/// `before` ends a clause: a predicate's continuative form and a 、
/// (行うものとし、 / 行い、), not a particle (乙は、 / 本業務において、).
fn ends_clause(before: &str) -> bool {
    before
        .strip_suffix('、')
        .is_some_and(obligation::continuative)
}

/// The sentence, or an earlier sentence of the same article, matches `c`:
/// the party a pattern names generically (前項の外部業者) was introduced.
fn introduced(c: &crate::rules::RuleRegex, sentences: &[Sentence], si: usize, text: &str) -> bool {
    if c.is_match(text) {
        return true;
    }
    let article = &sentences[si].article;
    article.is_some()
        && sentences[..si]
            .iter()
            .rev()
            .take_while(|s| &s.article == article)
            .any(|s| c.is_match(&s.norm.text))
}

/// The matched words end in a verb that sits in a purpose or relative
/// clause (「原因を調査するため」, 「分析する目的で」): they name no one's act.
fn subordinate(rules: &RuleSet, text: &str, end: usize) -> bool {
    let mut after = &text[end..];
    for verb in ["を行う", "を実施する", "する", "し"] {
        if let Some(a) = after.strip_prefix(verb) {
            after = a;
            break;
        }
    }
    rules
        .lexicon
        .subordinate
        .iter()
        .any(|s| after.starts_with(s.as_str()))
}

#[allow(clippy::too_many_arguments)]
fn strength_of(
    rules: &RuleSet,
    p: &Provision,
    pat: &Pattern,
    sentences: &[Sentence],
    readings: &Readings,
    si: usize,
    text: &str,
    matched: (usize, usize),
) -> (Strength, Modality, Option<Role>) {
    let s = &sentences[si];
    let start = matched.0;
    let lead = s.lead.filter(|l| *l < si);
    let clauses = readings.clauses(si);
    let ci = clauses.iter().rposition(|c| c.0 <= start).unwrap_or(0);
    let clause_end = clauses.get(ci + 1).map_or(text.len(), |c| c.0);
    // Subject: the clause's own when the sentence coordinates clauses with
    // their own subjects, else the sentence's, else the lead sentence's for
    // items and table rows, else the one before it in the same article.
    let subject = (clauses.len() > 1)
        .then_some(clauses[ci].1)
        .flatten()
        .or_else(|| readings.subject(si))
        .or_else(|| lead.and_then(|l| readings.subject(l)))
        .or_else(|| {
            (si > 0 && sentences[si - 1].article == s.article && s.article.is_some())
                .then(|| readings.subject(si - 1))
                .flatten()
        });
    // A row of a party-column table binds whom its marks name: the party
    // whose column carries the words, else the marked one; a row marked for
    // no one binds no one.
    let subject = match readings.binding(si) {
        Some(b) => {
            let (_, end) = s.norm.original_range(matched.0, matched.1);
            match b.subject_at(end) {
                Some(r) => Some(r),
                None => return (Strength::None, Modality::None, None),
            }
        }
        None => subject,
    };
    if subordinate(rules, text, matched.1) {
        return (Strength::None, Modality::NonOperative, subject);
    }
    let lex = &rules.lexicon;
    // A scope clause reads the whole sentence: 「…は甲が行うものとし、乙は…
    // 責任を負わない」 is the allocation itself.
    let clause_end = if p.binds == Binds::Any {
        text.len()
    } else {
        clause_end
    };
    let english = english::is_english(text);
    let mut pred = if english {
        english::predicate(lex, text, matched)
    } else {
        obligation::predicate(lex, &text[..clause_end], start)
    };
    if pred.modality == Modality::None && clause_end < text.len() && !english {
        pred = obligation::predicate(lex, text, start);
    }
    let modality = match (s.kind, pred.modality) {
        // A table row states what its lead sentence introduces (次表のとおりとする).
        (SentenceKind::TableRow, _) => lead
            .map(|l| readings.modality(l))
            .filter(|m| *m != Modality::None)
            .unwrap_or(Modality::Duty),
        (_, Modality::None) if lead.is_some() => {
            lead.map(|l| readings.modality(l)).unwrap_or(Modality::None)
        }
        _ => pred.modality,
    };
    let modality = match modality {
        Modality::Negation | Modality::NegatedAct if pat.negation_is_duty => Modality::Duty,
        Modality::NegatedAct => match pred.at {
            Some(at) if english && !english::negated_act(lex, text, at, matched) => {
                Modality::Prohibition
            }
            Some(at) if !english && !obligation::negated_act(lex, text, at, matched, &p.acts) => {
                Modality::Prohibition
            }
            _ => Modality::NegatedAct,
        },
        m => m,
    };
    // A scope clause that puts one matter on the customer and disclaims it
    // for the vendor in the next clause allocates it.
    let modality = match modality {
        Modality::Negation | Modality::NegatedAct
            if p.binds == Binds::Any
                && clauses.iter().any(|c| c.1 == Some(Role::Customer))
                && clauses.iter().any(|c| c.1 == Some(Role::Vendor)) =>
        {
            Modality::Allocation
        }
        m => m,
    };
    // The customer doing what the pattern asks of the vendor (甲は、乙の求めに
    // 応じ…報告する) is the other direction, not a customer's right.
    let strength = if pat.vendor_side && subject == Some(Role::Customer) {
        Strength::None
    } else if pat.any_party {
        // Whoever's sentence it is: read its force alone (no permission from
        // a nameless subject, as for any vendor clause).
        decide(p, Some(Role::Vendor), modality)
    } else {
        decide(p, subject, modality)
    };
    // 「Xは甲が行うものとし、乙は…責任を負わない」: the vendor disclaims in a
    // later clause what the first put on the customer.
    if p.binds == Binds::Vendor && strength == Strength::None && subject == Some(Role::Customer) {
        for (k, c) in clauses.iter().enumerate().skip(ci + 1) {
            let end = clauses.get(k + 1).map_or(text.len(), |c| c.0);
            if matches!(c.1, Some(Role::Vendor))
                && obligation::modality(lex, &text[..end], c.0) == Modality::Negation
            {
                return (Strength::Negated, Modality::Negation, c.1);
            }
        }
    }
    (strength, modality, subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses_of(blocks: Vec<crate::document::Block>) -> Vec<(String, Strength)> {
        statuses_under(&RuleSet::embedded().unwrap(), blocks)
    }

    /// As [`statuses_of`], under edition 6.0's catalogue.
    fn statuses_of_6_0(blocks: Vec<crate::document::Block>) -> Vec<(String, Strength)> {
        let rules = RuleSet::embedded()
            .unwrap()
            .for_guideline(crate::rules::Guideline::V6_0, false);
        statuses_under(&rules, blocks)
    }

    fn statuses_under(
        rules: &RuleSet,
        blocks: Vec<crate::document::Block>,
    ) -> Vec<(String, Strength)> {
        let doc = crate::document::Document {
            blocks,
            ..Default::default()
        };
        let sentences = crate::segment::segment(&doc);
        let parties = Parties::resolve(&sentences, &rules.lexicon.parties, None, &[]);
        match_sentences(rules, &sentences, &parties)
            .into_iter()
            .map(|h| (rules.provisions[h.provision].id.clone(), h.strength))
            .collect()
    }

    #[test]
    fn a_responsibility_table_under_its_heading_is_the_allocation() {
        use crate::document::{Block, BlockKind};
        let row = |t: &str| Block {
            page: None,
            kind: BlockKind::TableRow,
            label: None,
            text: t.into(),
        };
        let hits = statuses_of(vec![
            Block::paragraph(None, "第3条（責任分界）"),
            row("区分\t甲\t乙"),
            row("サーバ\t―\t障害対応"),
        ]);
        assert!(
            hits.contains(&("responsibility-scope".to_string(), Strength::Present)),
            "{hits:?}"
        );
        // The same rows under another heading say nothing about responsibility.
        let hits = statuses_of(vec![
            Block::paragraph(None, "第3条（体制）"),
            row("サーバ\t―\t障害対応"),
        ]);
        assert!(
            !hits.iter().any(|h| h.0 == "responsibility-scope"),
            "{hits:?}"
        );
    }

    #[test]
    fn a_definition_in_parentheses_neither_ends_the_clause_nor_is_its_predicate() {
        let hits = statuses_of_6_0(vec![
                crate::document::Block::paragraph(None, "第8条（秘密保持）"),
                crate::document::Block::paragraph(None, "乙は、甲の秘密情報（技術情報、営業情報その他甲が秘密である旨を指定した情報をいう。）を第三者に開示し、又は漏えいしてはならない。"),
        ]);
        // Business secrets only: weak, but a duty all the same.
        assert!(
            hits.contains(&("confidentiality".to_string(), Strength::Weak)),
            "{hits:?}"
        );
    }

    #[test]
    fn a_later_occurrence_binds_when_the_first_is_in_a_purpose_clause() {
        let hits = statuses_of_6_0(vec![
                crate::document::Block::paragraph(None, "第10条（非常時の対応）"),
                crate::document::Block::paragraph(None, "乙は、大規模災害の発生時に甲に連絡するための緊急連絡網を整備し、非常時には当該連絡網により速やかに甲に連絡する。"),
        ]);
        assert!(
            hits.contains(&("emergency-contact-bcp".to_string(), Strength::Present)),
            "{hits:?}"
        );
    }

    #[test]
    fn a_proviso_allowing_subcontracting_on_approval_makes_the_ban_weak() {
        let hits = statuses_of(vec![
            crate::document::Block::paragraph(None, "第9条（再委託）"),
            crate::document::Block::paragraph(None, "乙は、本業務を第三者に再委託してはならない。ただし、甲の承諾を得たときは、この限りでない。"),
        ]);
        assert!(
            hits.contains(&("subcontractor-responsibility".to_string(), Strength::Weak)),
            "{hits:?}"
        );
    }

    fn status_of(id: &str, heading: &str, sentences: &[&str]) -> Option<Strength> {
        let mut blocks = vec![crate::document::Block::paragraph(None, heading)];
        blocks.extend(
            sentences
                .iter()
                .map(|t| crate::document::Block::paragraph(None, *t)),
        );
        statuses_of(blocks)
            .into_iter()
            .filter(|h| h.0 == id && h.1 != Strength::None)
            .map(|h| h.1)
            .max()
    }

    #[test]
    fn a_safeguard_written_as_do_not_is_a_duty_not_a_negation() {
        for t in [
            "乙は、暗号化されていない検査画像を外部へ送付しない。",
            "当社は、TLS1.2を用い、それより古い暗号方式による通信は受け付けません。",
            "乙は、通信にはVPNを用い、保守用端末を甲のネットワークにつながない。",
        ] {
            assert_eq!(
                status_of("transmission-security", "第2条（通信）", &[t]),
                Some(Strength::Present),
                "{t}"
            );
        }
    }

    #[test]
    fn negating_the_provisions_own_act_or_denying_the_duty_negates_it() {
        for t in [
            "乙は、甲との間の通信を暗号化しない。",
            "当社は、通信経路の暗号化については保証しません。",
        ] {
            assert_eq!(
                status_of("transmission-security", "第2条（通信）", &[t]),
                Some(Strength::Negated),
                "{t}"
            );
        }
        assert_eq!(
            status_of(
                "periodic-reporting",
                "第2条（報告）",
                &["当社は、月次の報告書の提出はいたしません。"]
            ),
            Some(Strength::Negated)
        );
    }

    #[test]
    fn a_measure_put_on_the_customer_and_disclaimed_by_the_vendor_is_negated() {
        let t = "事故の連絡体制の整備及び関係者への通知は甲が行うものとし、乙は事故を甲に報告する義務を負わない。";
        assert_eq!(
            status_of("incident-reporting", "第2条（事故）", &[t]),
            Some(Strength::Negated)
        );
        // For a scope clause the same sentence is the allocation itself.
        let t = "院内機器の障害対応は甲が行うものとし、乙はその障害について責任を負わない。";
        assert_eq!(
            status_of("responsibility-scope", "第2条（責任分界）", &[t]),
            Some(Strength::Present)
        );
    }

    #[test]
    fn deferring_to_a_later_agreement_settles_nothing() {
        for t in [
            "障害時の甲乙の責任範囲は、運用開始前に両者の協議を経て定める。",
            "甲及び乙の役割分担の細目は、別途、双方の担当者の間で取り決めるものとする。",
            "事故時の責任の分担は、甲乙が誠実に協議したうえで決定する。",
        ] {
            assert_eq!(
                status_of("responsibility-scope", "第2条（分担）", &[t]),
                None,
                "{t}"
            );
        }
        // A chain of acts ending in 協議する still carries its first duty.
        assert_eq!(
            status_of(
                "incident-reporting",
                "第2条（事故）",
                &["乙は、事故が発生したときは、直ちに甲に報告し、その対応を甲と協議する。"]
            ),
            Some(Strength::Present)
        );
    }

    #[test]
    fn a_pointer_to_another_instrument_imposes_nothing_but_one_inside_the_contract_does() {
        assert_eq!(
            status_of(
                "responsibility-scope",
                "第2条（分担）",
                &["甲乙の責任分界は、親契約である取引基本契約書の定めによる。"]
            ),
            None
        );
        assert_eq!(
            status_of(
                "responsibility-scope",
                "第2条（分担）",
                &["甲乙の責任分界は、別紙「責任分界表」の定めによる。"]
            ),
            Some(Strength::Present)
        );
    }

    #[test]
    fn a_generic_subcontractor_counts_once_the_article_outsources_to_it() {
        let intro = "乙は、データの保管業務を提携先に発注することができる。";
        assert_eq!(
            status_of(
                "subcontractor-responsibility",
                "第2条（外注）",
                &[intro, "前項の提携先の行為は、乙の行為とみなす。"]
            ),
            Some(Strength::Present)
        );
        // Without the outsourcing, 他社 is just someone else.
        assert_eq!(
            status_of(
                "subcontractor-responsibility",
                "第2条（責任）",
                &["乙は、他社の行為について責任を負う。"]
            ),
            None
        );
    }

    #[test]
    fn an_investigation_verb_in_a_purpose_clause_names_no_investigator() {
        assert_eq!(
            status_of(
                "investigation-lead",
                "第2条（ログ）",
                &["乙は、障害の原因を分析するため、甲の求めに応じて通信ログを提出する。"]
            ),
            None
        );
        assert_eq!(
            status_of(
                "investigation-lead",
                "第2条（調査）",
                &["乙は、障害の原因を分析し、その結果を甲に報告する。"]
            ),
            Some(Strength::Present)
        );
    }

    /// The near miss of provision `id` in an article of `sentences` under
    /// `heading`, from the clauses and from the headings and definitions.
    fn miss_of_provision(id: &str, heading: &str, sentences: &[&str]) -> Option<MissKind> {
        let rules = RuleSet::embedded().unwrap();
        let mut blocks = vec![crate::document::Block::paragraph(None, heading)];
        blocks.extend(
            sentences
                .iter()
                .map(|t| crate::document::Block::paragraph(None, *t)),
        );
        let doc = crate::document::Document {
            blocks,
            ..Default::default()
        };
        let sentences = crate::segment::segment(&doc);
        let parties = Parties::resolve(&sentences, &rules.lexicon.parties, None, &[]);
        let mut hits = match_sentences(&rules, &sentences, &parties);
        assert!(
            hits.iter()
                .all(|h| h.strength == Strength::None || h.miss.is_none()),
            "a near miss on a hit that counts: {hits:?}"
        );
        hits.extend(try_match_structure(&rules, &sentences, &mut Budget::unlimited()).unwrap());
        let pi = rules.provisions.iter().position(|p| p.id == id).unwrap();
        hits.iter()
            .filter(|h| h.provision == pi)
            .filter_map(|h| h.miss)
            .min()
    }

    #[test]
    fn a_duty_on_the_customer_is_a_wrong_party_near_miss_with_its_role() {
        let rules = RuleSet::embedded().unwrap();
        let doc = crate::document::Document {
            blocks: vec![
                crate::document::Block::paragraph(None, "第4条（不具合の連絡）"),
                crate::document::Block::paragraph(
                    None,
                    "甲は、院内端末の不具合を認めたときは、遅滞なく乙に通知しなければならない。",
                ),
            ],
            ..Default::default()
        };
        let sentences = crate::segment::segment(&doc);
        let parties = Parties::resolve(&sentences, &rules.lexicon.parties, None, &[]);
        let hits = match_sentences(&rules, &sentences, &parties);
        let h = hits
            .iter()
            .find(|h| rules.provisions[h.provision].id == "incident-reporting")
            .expect("the clause is seen");
        assert_eq!(h.strength, Strength::None);
        assert_eq!(h.miss, Some(MissKind::WrongParty));
        assert_eq!(h.party, Some(Role::Customer));
    }

    #[test]
    fn a_matter_left_to_talks_or_to_another_instrument_is_a_near_miss_of_its_kind() {
        assert_eq!(
            miss_of_provision(
                "responsibility-scope",
                "第3条（分担）",
                &["保守作業中の障害に係る甲乙の責任範囲は、両当事者が協議のうえ改めて決定する。"]
            ),
            Some(MissKind::Deferred)
        );
        assert_eq!(
            miss_of_provision(
                "incident-reporting",
                "第3条（連絡）",
                &["障害発生時の報告の手順は、別途締結する運用保守仕様書に定める。"]
            ),
            Some(MissKind::Delegated)
        );
    }

    #[test]
    fn purposes_and_descriptions_are_near_misses_of_their_own() {
        assert_eq!(
            miss_of_provision(
                "investigation-lead",
                "第3条（記録）",
                &["乙は、障害の原因を特定するため、操作記録を一年間保存する。"]
            ),
            Some(MissKind::PurposeOnly)
        );
        assert_eq!(
            miss_of_provision(
                "transmission-security",
                "第3条（接続）",
                &["保守拠点からの接続には、暗号化されたVPNを利用できます。"]
            ),
            Some(MissKind::Description)
        );
    }

    #[test]
    fn words_only_in_a_heading_a_contents_line_or_a_definition_are_near_misses() {
        assert_eq!(
            miss_of_provision(
                "incident-reporting",
                "第5条（事故発生時の報告）",
                &["乙は、本業務を善良な管理者の注意をもって行う。"]
            ),
            Some(MissKind::HeadingOnly)
        );
        assert_eq!(
            miss_of_provision(
                "periodic-reporting",
                "目次",
                &["第1条（目的）　第9条（運用状況の定期報告）"]
            ),
            Some(MissKind::HeadingOnly)
        );
        assert_eq!(
            miss_of_provision(
                "responsibility-scope",
                "第2条（定義）",
                &["（3）責任分界　障害が起きたときに甲及び乙が負う責任の範囲の区分"]
            ),
            Some(MissKind::DefinitionOnly)
        );
    }

    #[test]
    fn masking_many_references_in_one_pass_masks_what_rewriting_each_did() {
        let t = "第1条(目的)及び第2条の3(定義)、第十二条(報告)。".repeat(500);
        let re = Regex::new(r"第[0-9一二三四五六七八九十百]+条(の[0-9]+)?\([^)]{0,40}\)").unwrap();
        let mut old = t.clone();
        for m in re.find_iter(&t) {
            old.replace_range(m.range(), &"_".repeat(m.len()));
        }
        assert_eq!(mask_cross_references(&t), old);
        assert!(matches!(
            mask_cross_references("乙は、報告する。"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn cross_references_are_masked_keeping_length() {
        let t = "改定(第15条(運用状況の定期報告)を削除)";
        let m = mask_cross_references(t);
        assert_eq!(m.len(), t.len());
        assert!(!m.contains("定期報告"));
    }
}
