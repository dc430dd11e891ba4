//! A rule's regex, compiled on first use or at load.
//!
//! Compiling the embedded set's hundred-odd regexes was most of a scan's
//! start-up, on one thread before any document is read, and an edition
//! checks only some of the provisions. The embedded set (fixed at build time
//! and compiled whole by a test) is therefore compiled lazily, each regex by
//! the first worker thread that needs it; a set read from `--rules` is
//! compiled at load, so that its errors are reported with their line and
//! column before anything is scanned.

use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// The lazy DFA cache each rule regex may grow per thread. A cache that is
/// too small is cleared and rebuilt over and over, until the regex engine
/// gives up on it for a slower one: at 256 KiB that cost a tenth of a scan of
/// the practice PDFs; from about 768 KiB no more was gained. The cache only
/// grows with the states a regex really reaches, so the memory is a few MB
/// for a whole scan (the default, 2 MiB per regex and thread, is more than
/// any rule needs).
const DFA_CACHE: usize = 1 << 20;

/// Compile a (normalized) rule pattern.
pub fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).dfa_size_limit(DFA_CACHE).build()
}

#[derive(Debug)]
pub struct RuleRegex {
    source: String,
    /// None: the pattern does not compile. Only a lazy regex can get there
    /// (the embedded set, which a test compiles whole); it then matches nothing.
    compiled: OnceLock<Option<Regex>>,
}

impl RuleRegex {
    /// A regex compiled at load.
    pub fn compiled(re: Regex) -> RuleRegex {
        RuleRegex {
            source: re.as_str().to_string(),
            compiled: OnceLock::from(Some(re)),
        }
    }

    /// A regex compiled when it is first used.
    pub fn lazy(pattern: String) -> RuleRegex {
        RuleRegex {
            source: pattern,
            compiled: OnceLock::new(),
        }
    }

    fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| build(&self.source).ok())
            .as_ref()
    }

    /// The pattern, normalized as it is matched.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_some_and(|r| r.is_match(text))
    }

    pub fn find<'t>(&self, text: &'t str) -> Option<regex::Match<'t>> {
        self.regex()?.find(text)
    }

    /// Compile now; the compiler's error when the pattern does not compile.
    /// Every match in `text`, left to right (none when the pattern is bad).
    pub fn find_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = regex::Match<'t>> + 'r
    where
        't: 'r,
    {
        self.regex()
            .into_iter()
            .flat_map(move |re| re.find_iter(text))
    }

    pub fn check(&self) -> Result<(), regex::Error> {
        match self.regex() {
            Some(_) => Ok(()),
            None => build(&self.source).map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lazy_regex_matches_as_the_compiled_one() {
        let lazy = RuleRegex::lazy("報告.{0,5}する".into());
        let eager = RuleRegex::compiled(build("報告.{0,5}する").unwrap());
        for t in ["甲に報告をする", "報告しない", ""] {
            assert_eq!(lazy.is_match(t), eager.is_match(t), "{t}");
            assert_eq!(
                lazy.find(t).map(|m| m.range()),
                eager.find(t).map(|m| m.range())
            );
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
