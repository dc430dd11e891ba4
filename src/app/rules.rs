//! The rule set a scan matches with, which may still be loading.
//!
//! Loading the embedded rule set (parsing its TOML, building its lexicon)
//! took several milliseconds on the main thread before any worker started,
//! with the other cores idle: a few percent of a scan of a few hundred
//! documents. No document needs the rules before it is read and segmented,
//! so the embedded set loads on a thread of its own while the folders are
//! listed and the first documents read; the first worker to need it waits
//! for it. A set given with `--rules` is loaded before the scan, as before,
//! so that its errors are shown before anything is read.

use crate::error::RuleError;
use crate::rules::RuleSet;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

type Loaded = Result<RuleSet, Vec<RuleError>>;

/// A rule set, loaded or loading.
pub struct Rules {
    loaded: OnceLock<Loaded>,
    loading: Mutex<Option<JoinHandle<Loaded>>>,
}

impl Rules {
    /// A rule set already loaded.
    pub fn ready(rules: RuleSet) -> Rules {
        Rules {
            loaded: OnceLock::from(Ok(rules)),
            loading: Mutex::new(None),
        }
    }

    /// Run `load` on a thread of its own; where no thread can be started,
    /// here and now (hence a clone of it kept until the thread is running).
    pub fn load_meanwhile<F>(load: F) -> Rules
    where
        F: FnOnce() -> Loaded + Clone + Send + 'static,
    {
        let here = load.clone();
        match std::thread::Builder::new()
            .name("keiyaku-rules".into())
            .spawn(move || run(load))
        {
            Ok(handle) => Rules {
                loaded: OnceLock::new(),
                loading: Mutex::new(Some(handle)),
            },
            Err(_) => Rules::settled(run(here)),
        }
    }

    fn settled(loaded: Loaded) -> Rules {
        Rules {
            loaded: OnceLock::from(loaded),
            loading: Mutex::new(None),
        }
    }

    /// The rule set, once loaded (waiting for it if need be); None when it
    /// failed to load (see [`Rules::errors`]).
    pub fn get(&self) -> Option<&RuleSet> {
        self.wait().as_ref().ok()
    }

    /// Why the rule set did not load; None when it did.
    pub fn errors(&self) -> Option<&[RuleError]> {
        self.wait().as_ref().err().map(Vec::as_slice)
    }

    fn wait(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            let handle = self
                .loading
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            match handle.map(JoinHandle::join) {
                Some(Ok(loaded)) => loaded,
                Some(Err(_)) | None => Err(vec![stopped()]),
            }
        })
    }
}

/// `load`, with a panic in it turned into an error.
fn run<F: FnOnce() -> Loaded>(load: F) -> Loaded {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(load))
        .unwrap_or_else(|_| Err(vec![stopped()]))
}

fn stopped() -> RuleError {
    RuleError {
        path: PathBuf::from("clause_patterns"),
        line: 0,
        column: 0,
        message: "規則の読み込みが内部エラーで止まりました / loading the rule set stopped on an internal error".into(),
        source_line: None,
        width: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_set_loaded_meanwhile_is_the_one_loaded_at_once() {
        let at_once = RuleSet::embedded().expect("the embedded rule set loads");
        let meanwhile = Rules::load_meanwhile(RuleSet::embedded);
        let got = meanwhile.get().expect("it loads on its own thread too");
        assert_eq!(got.id, at_once.id);
        assert_eq!(got.version, at_once.version);
        let ids = |r: &RuleSet| {
            r.provisions
                .iter()
                .map(|p| p.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(got), ids(&at_once));
        assert!(meanwhile.errors().is_none());
    }

    #[test]
    fn a_rule_set_that_fails_to_load_gives_its_errors_and_no_rules() {
        let bad = RuleError {
            path: PathBuf::from("clause_patterns/x.toml"),
            line: 3,
            column: 1,
            message: "broken".into(),
            source_line: None,
            width: 1,
        };
        let expected = bad.clone();
        let rules = Rules::load_meanwhile(move || Err(vec![bad]));
        assert!(rules.get().is_none());
        assert_eq!(rules.errors(), Some([expected].as_slice()));
    }

    #[test]
    fn a_load_that_panics_is_an_error_not_a_crash() {
        let rules = Rules::load_meanwhile(|| panic!("a bug in loading"));
        assert!(rules.get().is_none());
        let errors = rules.errors().expect("an error is reported");
        assert!(errors[0].message.contains("internal error"));
    }

    #[test]
    fn every_worker_waiting_for_the_rules_gets_the_same_set() {
        let rules = Rules::load_meanwhile(RuleSet::embedded);
        let ptrs: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| rules.get().map_or(0, |r| r as *const RuleSet as usize)))
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        assert_eq!(ptrs.len(), 4);
        assert!(ptrs[0] != 0 && ptrs.iter().all(|&p| p == ptrs[0]));
    }
}
