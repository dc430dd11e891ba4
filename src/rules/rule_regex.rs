//! A rule's regex: compiled on first use or at load, and searched from the
//! places a match can start.
//!
//! Compiling the embedded set's hundred-odd regexes was most of a scan's
//! start-up, on one thread before any document is read, and an edition
//! checks only some of the provisions. The embedded set (fixed at build time
//! and compiled whole by a test) is therefore compiled lazily, each regex by
//! the first worker thread that needs it; a set read from `--rules` is
//! compiled at load, so that its errors are reported with their line and
//! column before anything is scanned.
//!
//! Most rule patterns are a few words apart within a window
//! (`(障害|事故|…).{0,80}?(報告|通知|…)`). An unanchored search for one
//! follows every start at once, and the lazy DFA's states multiply with the
//! overlapping windows: slow to build, slow to walk, a third of matching. But
//! a match can only start where one of the literals the pattern starts with
//! stands, and the leftmost-first match is the first start, left to right,
//! from which an anchored search matches (the order a backtracker tries
//! them). So [`Starts`] finds those places with one aho-corasick pass and
//! runs an anchored lazy DFA from each, which has one window to follow; it is
//! the same match, span included (a test holds them equal over the rule
//! examples and fixture texts). No crate offers this search order over a
//! regex, hence the few lines here; regex-automata does the matching.
//! Patterns it cannot take (no finite set of starting literals, no bounded
//! length, a Unicode word boundary met in the text) use the regex crate as
//! before.

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchError, MatchKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

/// The lazy DFA cache each rule regex may grow per thread. A cache that is
/// too small is cleared and rebuilt over and over, until the regex engine
/// gives up on it for a slower one: at 256 KiB that cost a tenth of a scan of
/// the practice PDFs; from about 768 KiB no more was gained. The cache only
/// grows with the states a regex really reaches, so the memory is a few MB
/// for a whole scan (the default, 2 MiB per regex and thread, is more than
/// any rule needs).
const DFA_CACHE: usize = 1 << 20;

/// The regex crate's own limit on a compiled pattern.
const NFA_LIMIT: usize = 10 << 20;

/// Anchored searches tried in one text before the rest of it is left to the
/// regex crate's unanchored search. Each reads at most the rest of the text
/// (a bounded window, for nearly every rule), so a text costs at most this
/// many passes over it, however many starting words it holds.
const MAX_TRIES: usize = 64;

/// Compile a (normalized) rule pattern with the regex crate.
pub fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).dfa_size_limit(DFA_CACHE).build()
}

pub struct RuleRegex {
    /// The pattern as written, when it is normalized on first use.
    written: String,
    /// The normalized pattern, as it is matched.
    source: OnceLock<String>,
    /// None: the pattern is searched unanchored by [`RuleRegex::regex`].
    starts: OnceLock<Option<Starts>>,
    /// None: the pattern does not compile. Only a lazy regex can get there
    /// (the embedded set, which a test compiles whole); it then matches nothing.
    regex: OnceLock<Option<Regex>>,
}

impl std::fmt::Debug for RuleRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RuleRegex").field(&self.as_str()).finish()
    }
}

impl RuleRegex {
    /// A regex compiled at load.
    pub fn compiled(re: Regex) -> RuleRegex {
        RuleRegex {
            written: String::new(),
            source: OnceLock::from(re.as_str().to_string()),
            starts: OnceLock::new(),
            regex: OnceLock::from(Some(re)),
        }
    }

    /// A pattern taken as it is (not normalized), compiled when first used.
    #[cfg(test)]
    pub fn lazy(pattern: String) -> RuleRegex {
        RuleRegex {
            written: String::new(),
            source: OnceLock::from(pattern),
            starts: OnceLock::new(),
            regex: OnceLock::new(),
        }
    }

    /// A regex as written in a rule file, normalized and compiled when it
    /// is first used: normalizing every pattern at load was a sizeable part
    /// of the work done before any document is read.
    pub fn written(pattern: &str) -> RuleRegex {
        RuleRegex {
            written: pattern.to_string(),
            source: OnceLock::new(),
            starts: OnceLock::new(),
            regex: OnceLock::new(),
        }
    }

    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| build(self.as_str()).ok())
            .as_ref()
    }

    fn starts(&self) -> Option<&Starts> {
        self.starts
            .get_or_init(|| Starts::new(self.as_str()))
            .as_ref()
    }

    /// The pattern, normalized as it is matched.
    pub fn as_str(&self) -> &str {
        self.source
            .get_or_init(|| crate::normalize::normalize_pattern(&self.written))
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self.search(text, 0) {
            Found::Match(m) => m.is_some(),
            Found::From(at) => self.regex().is_some_and(|r| r.is_match_at(text, at)),
        }
    }

    /// The leftmost-first match, as the regex crate finds it.
    pub fn find(&self, text: &str) -> Option<Range<usize>> {
        self.find_at(text, 0)
    }

    /// The leftmost-first match starting at `at` or later, the text before
    /// `at` seen by look-around (the regex crate's `find_at`).
    fn find_at(&self, text: &str, at: usize) -> Option<Range<usize>> {
        match self.search(text, at) {
            Found::Match(m) => m,
            Found::From(from) => self.regex()?.find_at(text, from).map(|m| m.range()),
        }
    }

    fn search(&self, text: &str, at: usize) -> Found {
        match self.starts().map(|s| s.find(text, at)) {
            Some(Ok(found)) => found,
            // The regex crate reads what the anchored search cannot.
            Some(Err(_)) | None => Found::From(at),
        }
    }

    /// Every match in `text`, left to right, as the regex crate's
    /// `find_iter` gives them (none when the pattern is bad).
    pub fn find_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 'r
    where
        't: 'r,
    {
        // A pattern searched from its starting literals never matches the
        // empty string, so each search goes on where the last match ended;
        // the regex crate's iterator (and its rules for empty matches) reads
        // the others.
        let anchored = self.starts().is_some();
        let mut at = Some(0);
        let mut plain = (!anchored)
            .then(|| self.regex().map(|re| re.find_iter(text)))
            .flatten();
        std::iter::from_fn(move || {
            if let Some(it) = plain.as_mut() {
                return it.next().map(|m| m.range());
            }
            if !anchored {
                return None;
            }
            let m = self.find_at(text, at?)?;
            at = Some(m.end);
            Some(m)
        })
    }

    /// Compile now; the compiler's error when the pattern does not compile.
    pub fn check(&self) -> Result<(), regex::Error> {
        match self.regex() {
            Some(_) => Ok(()),
            None => build(self.as_str()).map(|_| ()),
        }
    }
}

/// What the anchored search found.
enum Found {
    Match(Option<Range<usize>>),
    /// No match starts before this offset; the rest is for an unanchored search.
    From(usize),
}

type CacheFn =
    Box<dyn Fn() -> Cache + Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe>;

/// The anchored search of a pattern from the places its matches can start.
struct Starts {
    /// Every literal a match can start with (a prefix of it, when long).
    literals: Literals,
    /// Literals one of which every match contains, when they are rarer than
    /// the starting ones: `(が|は)、?.{0,20}?(原因|事故)を…` starts at every
    /// が and は, but a sentence without 原因を or 事故を has no match.
    required: Option<Literals>,
    /// The pattern's anchored DFA, compiled when one of its starting
    /// literals is first found: compiling it was most of a rule's start-up
    /// cost, and many rules (the English ones in a Japanese folder) never
    /// meet one. None: it does not compile within the limits.
    anchored: OnceLock<Option<AnchoredDfa>>,
    /// The parsed pattern, kept for the anchored DFA: parsing it again
    /// cost as much as extracting its literals.
    hir: Hir,
}

/// A pattern matched only from the start it is given.
struct AnchoredDfa {
    dfa: DFA,
    /// The DFA's states as the threads build them. Shared, so that they are
    /// built once rather than once per thread (building them is most of
    /// the cost over a few hundred documents); a thread that finds it in use
    /// takes a cache of its own from `caches` instead of waiting.
    shared: Mutex<Cache>,
    caches: Pool<Cache, CacheFn>,
}

impl AnchoredDfa {
    fn new(hir: &Hir) -> Option<AnchoredDfa> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(NFA_LIMIT)),
            )
            .build_from_hir(hir)
            .ok()?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::LeftmostFirst)
                    .cache_capacity(DFA_CACHE)
                    // Built with it, the search stops (an error: the regex
                    // crate takes over) on non-ASCII text next to a \b.
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let for_cache = dfa.clone();
        let create: CacheFn = Box::new(move || for_cache.create_cache());
        Some(AnchoredDfa {
            shared: Mutex::new(dfa.create_cache()),
            dfa,
            caches: Pool::new(create),
        })
    }

    /// The end of the match that starts at `start`.
    fn end(&self, text: &str, start: usize) -> Result<Option<usize>, MatchError> {
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        let end = match self.shared.try_lock() {
            Ok(mut cache) => self.dfa.try_search_fwd(&mut cache, &input)?,
            Err(_) => self.dfa.try_search_fwd(&mut self.caches.get(), &input)?,
        };
        Ok(end.map(|m| m.offset()))
    }
}

/// The regex crate's parser with the same (default) settings.
fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()
}

impl Starts {
    /// None when the pattern has no finite set of starting literals (it can
    /// start with any character) or can match the empty string.
    fn new(pattern: &str) -> Option<Starts> {
        let hir = parse(pattern)?;
        let starting = starting_literals(&hir)?;
        // Worth a pass of its own only when it is rarer than the starts.
        let required = required_literals(&hir)
            .filter(|r| score(r) > score(&starting))
            .and_then(|r| Literals::new(&r));
        let literals = Literals::new(&starting)?;
        Some(Starts {
            literals,
            required,
            anchored: OnceLock::new(),
            hir,
        })
    }

    fn anchored(&self) -> Option<&AnchoredDfa> {
        self.anchored
            .get_or_init(|| AnchoredDfa::new(&self.hir))
            .as_ref()
    }

    /// The leftmost-first match: from each place a starting literal stands,
    /// left to right from `at`, the first anchored match.
    fn find(&self, text: &str, at: usize) -> Result<Found, MatchError> {
        // A match from `at` holds a required literal at or after `at`.
        if self
            .required
            .as_ref()
            .is_some_and(|r| r.find(text, at).is_none())
        {
            return Ok(Found::Match(None));
        }
        let from = at;
        let mut at = at;
        let mut tries = 0;
        while at < text.len() {
            if tries == MAX_TRIES {
                return Ok(Found::From(at));
            }
            tries += 1;
            let Some(start) = self.literals.find(text, at) else {
                break;
            };
            let Some(anchored) = self.anchored() else {
                // Not compiled: the regex crate reads it all.
                return Ok(Found::From(from));
            };
            if let Some(end) = anchored.end(text, start)? {
                return Ok(Found::Match(Some(start..end)));
            }
            // The next start is a character later (a literal starts a character).
            let step = text
                .get(start..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
            at = start + step;
        }
        Ok(Found::Match(None))
    }
}

/// The literals every match of `hir` starts with: a finite set, none empty.
fn starting_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    // A class of up to 64 characters (a run of digits and kanji numerals)
    // still gives literals; the automaton takes hundreds with ease.
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_class(64)
        .limit_total(250)
        .extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// The rarest set of literals one of which every match of `hir` contains:
/// for a concatenation, the starting literals of one of its parts after the
/// first (a match holds that part's match, which starts with one of them; a
/// part that can match the empty string has none). Each part is read on its
/// own: reading each tail instead finds longer literals, but took time
/// quadratic in the parts, a large share of a rule's start-up.
fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let parts = match hir.kind() {
        HirKind::Concat(parts) => parts,
        HirKind::Capture(c) => return required_literals(&c.sub),
        _ => return None,
    };
    parts
        .iter()
        .skip(1)
        .filter_map(starting_literals)
        .max_by_key(|l| score(l))
}

/// How rare a set of literals is: its shortest literal's length, then fewer.
fn score(literals: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = literals.iter().map(Vec::len).min().unwrap_or(0);
    (shortest, std::cmp::Reverse(literals.len()))
}

/// Where one of a set of literals stands (the leftmost place; which literal
/// is not used).
enum Literals {
    /// Up to a few dozen literals: a SIMD (Teddy) searcher, which costs a
    /// hundredth of an automaton to build and searches as fast (the
    /// automaton would use it as its prefilter anyway).
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Literals {
    fn new(literals: &[Vec<u8>]) -> Option<Literals> {
        let folded = folded(literals);
        // The packed searcher matches case exactly: not for a
        // case-insensitive pattern's variants.
        let packed = (folded.len() == literals.len())
            .then(|| {
                aho_corasick::packed::Config::new()
                    .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(literals)
                    .build()
            })
            .flatten();
        match packed {
            Some(p) => Some(Literals::Packed(p)),
            None => automaton(literals, folded).map(Literals::Automaton),
        }
    }

    /// Where the leftmost literal at or after `at` starts.
    fn find(&self, text: &str, at: usize) -> Option<usize> {
        match self {
            Literals::Packed(p) => p
                .find_in(text, aho_corasick::Span::from(at..text.len()))
                .map(|m| m.start()),
            Literals::Automaton(a) => a
                .find(aho_corasick::Input::new(text).range(at..))
                .map(|m| m.start()),
        }
    }
}

/// `literals` in lowercase, each once: fewer than `literals` when they hold
/// a case-insensitive pattern's case variants.
fn folded(literals: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut folded: Vec<Vec<u8>> = literals.iter().map(|l| l.to_ascii_lowercase()).collect();
    folded.sort_unstable();
    folded.dedup();
    folded
}

/// An automaton that finds where one of `literals` stands (the leftmost
/// place; which literal is not used); `folded` is [`folded`]`(literals)`.
fn automaton(literals: &[Vec<u8>], folded: Vec<Vec<u8>>) -> Option<AhoCorasick> {
    // A case-insensitive pattern gives every case variant of its words as a
    // literal (hundreds for `(?i)\b(sub-?processors?|…)`), slow to build into
    // an automaton. Their lowercase forms matched without regard to ASCII
    // case find the same places, and perhaps more: more is safe, as a place
    // is only where the anchored search is tried.
    let fold = folded.len() < literals.len();
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .ascii_case_insensitive(fold)
        // Quick to build; its prefilter does most of the searching.
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(if fold { &folded } else { literals })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_regex(pattern: &str, texts: &[&str]) {
        let lazy = RuleRegex::lazy(pattern.into());
        let re = build(pattern).unwrap();
        for t in texts {
            assert_eq!(
                lazy.find(t),
                re.find(t).map(|m| m.range()),
                "{pattern} in {t}"
            );
            assert_eq!(lazy.is_match(t), re.is_match(t), "{pattern} in {t}");
            assert_eq!(
                lazy.find_iter(t).collect::<Vec<_>>(),
                re.find_iter(t).map(|m| m.range()).collect::<Vec<_>>(),
                "{pattern} in {t}"
            );
        }
    }

    #[test]
    fn a_window_pattern_is_searched_from_its_starting_words() {
        let p = "(障害|事故).{0,10}?(報告|通知)";
        assert!(Starts::new(p).is_some());
        same_as_regex(
            p,
            &[
                "乙は、障害が発生したときは甲に報告する。",
                // The first start has no match within its window; the second has.
                "障害の記録を保存する。なお事故は直ちに通知する。",
                // Two starts inside one window: the leftmost wins.
                "事故障害を報告し、通知する",
                // Later occurrences, one inside the window of the first.
                "障害を報告し、事故を通知し、障害報告",
                "報告する。",
                "",
            ],
        );
    }

    #[test]
    fn a_pattern_that_starts_with_common_words_needs_its_rarer_ones() {
        let p = "(が|は)、?.{0,8}?(原因|事故)を(調査|究明)";
        let s = Starts::new(p).unwrap();
        assert!(s.required.is_some());
        same_as_regex(
            p,
            &[
                "乙は、事故を調査する",
                "乙は、甲が指定する方法で原因を究明する",
                "甲は乙に通知し、乙は報告する",
                "原因を調査",
            ],
        );
        // Starting literals as rare as any others: no second pass.
        assert!(Starts::new("(障害|事故).{0,10}?(報告|通知)")
            .unwrap()
            .required
            .is_none());
    }

    #[test]
    fn alternatives_that_start_inside_one_another_find_the_leftmost() {
        same_as_regex(
            "(再委託|委託).{0,5}?(禁止|承諾)|託先の承諾",
            &[
                "再委託先の承諾を得る",
                "委託先の承諾",
                "第三者に委託することを禁止する",
            ],
        );
    }

    #[test]
    fn a_pattern_that_can_start_anywhere_or_match_nothing_is_searched_unanchored() {
        assert!(Starts::new(".{0,3}報告").is_none());
        assert!(Starts::new("(報告)?").is_none());
        same_as_regex(".{0,3}報告", &["甲に報告し", "報告", "通知"]);
    }

    #[test]
    fn an_unbounded_pattern_is_searched_from_its_starts_too() {
        assert!(Starts::new("年[0-9]+回").is_some());
        same_as_regex(
            "(毎月|年[0-9]+回).{0,5}?報告|報告.*通知",
            &[
                "年12回以上報告する",
                "年回報告",
                "報告し、後で通知する",
                "年1回、毎月報告",
            ],
        );
    }

    #[test]
    fn a_text_with_more_starts_than_are_tried_ends_unanchored_and_the_same() {
        let many = format!("{}障害を報告", "障害、".repeat(MAX_TRIES * 2));
        let none = "障害、".repeat(MAX_TRIES * 2);
        same_as_regex("障害.{0,3}?報告", &[&many, &none]);
        let s = Starts::new("障害.{0,3}?報告").unwrap();
        assert!(matches!(s.find(&many, 0), Ok(Found::From(_))));
    }

    #[test]
    fn a_few_starting_words_are_found_by_the_packed_searcher_as_by_the_regex() {
        let p = "(障害|事故|インシデント).{0,10}?(報告|通知)";
        let s = Starts::new(p).unwrap();
        assert!(matches!(s.literals, Literals::Packed(_)));
        // Texts shorter and longer than the packed searcher's minimum, with
        // starts before, inside and after the window.
        same_as_regex(
            p,
            &[
                "障害を報告",
                "事故",
                "ここでは障害が起きたらインシデントとして直ちに通知する",
                &format!("{}事故の際は報告する", "前置き".repeat(20)),
                &format!("障害{}報告", "あ".repeat(11)),
            ],
        );
    }

    #[test]
    fn a_case_insensitive_pattern_finds_every_case_from_its_lowercase_starts() {
        let p = r"(?i)\b(sub-?processors?|sub-?contractors?)\b.{0,20}?\b(liable|responsible)";
        let s = Starts::new(p).unwrap();
        let Literals::Automaton(a) = &s.literals else {
            panic!("case variants need the automaton");
        };
        assert!(a.patterns_len() < 20, "{}", a.patterns_len());
        same_as_regex(
            p,
            &[
                "Sub-Processors remain fully LIABLE",
                "the SUBCONTRACTOR is Responsible",
                "a subprocessor, not liable; a Sub-contractor is responsible",
                "processors are liable",
            ],
        );
    }

    #[test]
    fn a_word_boundary_next_to_japanese_falls_back_to_the_regex_crate() {
        same_as_regex(
            r"(TLS|SSL)\b",
            &["TLS通信", "TLS 1.2", "SSLv3", "TLSを用いる"],
        );
    }

    #[test]
    fn a_lazy_regex_matches_as_the_compiled_one() {
        let lazy = RuleRegex::lazy("報告.{0,5}する".into());
        let eager = RuleRegex::compiled(build("報告.{0,5}する").unwrap());
        for t in ["甲に報告をする", "報告しない", ""] {
            assert_eq!(lazy.is_match(t), eager.is_match(t), "{t}");
            assert_eq!(lazy.find(t), eager.find(t));
        }
        assert_eq!(lazy.as_str(), eager.as_str());
    }

    #[test]
    fn a_lazy_regex_that_does_not_compile_matches_nothing_and_says_why() {
        let bad = RuleRegex::lazy("(報告".into());
        assert!(!bad.is_match("報告"));
        assert!(bad.find("報告").is_none());
        assert!(bad.check().is_err());
    }
}
