//! Rule-set loading through `RuleSet::load`, the path `--rules` takes: TOML
//! parsing, schema checks, regex compilation and keyword automata.
//!
//! An input is either one rule file (a single-file set, provisions inline), or
//! a packed folder: lines `#%% provisions/<name>.toml` / `#%% lexicon/<name>.toml`
//! start a file of that name; the text before the first such line is
//! `ruleset.toml`. A set that loads has its inline examples run, as
//! `keiyaku rules test` does.
#![no_main]

use keiyaku::rules::RuleSet;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

/// One folder for the whole run (a new one per input would measure mkdir).
fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

const MARK: &[u8] = b"#%% ";

fuzz_target!(|data: &[u8]| {
    let root = dir().path();
    let set = if data.starts_with(MARK)
        || data
            .windows(MARK.len() + 1)
            .any(|w| w[0] == b'\n' && &w[1..] == MARK)
    {
        let folder = root.join("set");
        let _ = std::fs::remove_dir_all(&folder);
        for sub in ["provisions", "lexicon"] {
            std::fs::create_dir_all(folder.join(sub)).expect("mkdir");
        }
        unpack(data, &folder);
        RuleSet::load(&folder)
    } else {
        let file = root.join("rules.toml");
        std::fs::write(&file, data).expect("write rules.toml");
        RuleSet::load(&file)
    };
    let Ok(rules) = set else { return };
    let _ = rules.candidates("乙は、個人情報の漏えいが発生した場合、直ちに甲に報告する。");
    // Examples go through segmentation and matching with the set's own
    // regexes; keep a run short.
    let mut budget = 4096usize;
    for (i, p) in rules.provisions.iter().enumerate() {
        for ex in &p.examples {
            let cost = ex.text.len() + ex.heading.as_ref().map_or(0, |h| h.len());
            if cost > budget {
                return;
            }
            budget -= cost;
            let _ = keiyaku::rules::examples::status(&rules, i, &ex.text, ex.heading.as_deref());
        }
    }
});

/// Split a packed folder into files under `folder`.
fn unpack(data: &[u8], folder: &Path) {
    let mut name = "ruleset.toml".to_string();
    let mut body: Vec<u8> = Vec::new();
    let mut files = 0;
    for line in data.split_inclusive(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(MARK) {
            write(folder, &name, &body);
            body.clear();
            files += 1;
            name = file_name(rest, files);
        } else {
            body.extend_from_slice(line);
        }
    }
    write(folder, &name, &body);
}

/// `provisions/<stem>.toml` or `lexicon/<stem>.toml`, the stem kept to safe
/// characters so a fuzzed name never leaves the folder.
fn file_name(spec: &[u8], n: usize) -> String {
    let spec = String::from_utf8_lossy(spec);
    let spec = spec.trim();
    let (sub, rest) = match spec.split_once('/') {
        Some(("lexicon", r)) => ("lexicon", r),
        Some((_, r)) => ("provisions", r),
        None => ("provisions", spec),
    };
    let stem: String = rest
        .strip_suffix(".toml")
        .unwrap_or(rest)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    let stem = if stem.is_empty() {
        format!("f{n}")
    } else {
        stem
    };
    format!("{sub}/{stem}.toml")
}

fn write(folder: &Path, name: &str, body: &[u8]) {
    std::fs::write(folder.join(name), body).expect("write rule file");
}
