//! Every inline [[example]] of the default rule set holds, and every pattern
//! is exercised by at least one example (so no pattern is dead weight).

use keiyaku::normalize::normalize_phrase;
use keiyaku::rules::examples::status as example_status;
use keiyaku::rules::RuleSet;

#[test]
fn every_inline_example_gets_its_expected_status() {
    let rules = RuleSet::embedded().unwrap();
    let mut failures = Vec::new();
    for (i, p) in rules.provisions.iter().enumerate() {
        assert!(!p.examples.is_empty(), "{} has no examples", p.id);
        for ex in &p.examples {
            let got = example_status(&rules, i, &ex.text, ex.heading.as_deref());
            if got != ex.expect {
                failures.push(format!(
                    "{}: expected {}, got {}: {}",
                    p.id, ex.expect, got, ex.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_pattern_fires_on_some_example() {
    let rules = RuleSet::embedded().unwrap();
    for p in &rules.provisions {
        for pat in &p.patterns {
            let fires = p.examples.iter().any(|ex| {
                let heading = ex
                    .heading
                    .as_deref()
                    .map(normalize_phrase)
                    .unwrap_or_default();
                pat.re.is_match(&normalize_phrase(&ex.text))
                    && pat.heading.as_ref().is_none_or(|h| h.is_match(&heading))
            });
            assert!(
                fires,
                "{}: pattern {} fires on no example",
                p.id,
                pat.re.as_str()
            );
        }
    }
}

#[test]
fn rules_test_command_passes_on_the_default_set() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_keiyaku"))
        .args(["rules", "test"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains(" passed, 0 failed"));
}
