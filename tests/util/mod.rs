//! Helpers for running the keiyaku binary in tests.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    root().join("samples")
}

/// Run keiyaku. A `scan` or `rules list` without `--guideline` checks
/// edition 5.2 here: these tests' fixtures pin the eight provisions of 5.2
/// (tests/editions.rs covers the default edition, 6.0, and 7.0).
pub fn keiyaku(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keiyaku"))
        .args(with_edition(args))
        .env_remove("NO_COLOR")
        .output()
        .expect("run keiyaku")
}

/// `args` with `--guideline 5.2` after `scan` (or `rules list`) unless an
/// edition is given.
pub fn with_edition<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut out = args.to_vec();
    if args.contains(&"--guideline") {
        return out;
    }
    let at = match args {
        ["scan", ..] => Some(1),
        ["rules", "list", ..] => Some(2),
        _ => None,
    };
    if let Some(at) = at {
        out.splice(at..at, ["--guideline", "5.2"]);
    }
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Scan and parse the JSON report.
pub fn scan_json(paths: &[&str], extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(extra);
    args.extend_from_slice(paths);
    let o = keiyaku(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("report is JSON")
}

pub fn vendor<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    entry(&report["vendors"], "name", name)
}

/// The element of the JSON array `list` whose `key` is `value`.
fn entry<'a>(list: &'a serde_json::Value, key: &str, value: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e[key] == value)
        .unwrap_or_else(|| panic!("no {key} {value} in the report"))
}

/// A vendor's result for provision `id`.
pub fn provision<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    entry(&v["provisions"], "id", id)
}

/// (path, status) of each document report in `docs` (a vendor's
/// `documents` or the report's `ignored`), in report order.
pub fn listed(docs: &serde_json::Value) -> Vec<(String, String)> {
    docs.as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Statuses of a vendor's provisions in rule order, as one line for readable diffs.
pub fn statuses(v: &serde_json::Value) -> String {
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}={}",
                p["id"].as_str().unwrap(),
                p["status"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}
