//! Audit runs: `keiyaku diff` and `scan --baseline` say what changed between
//! two scans of an archive, `keiyaku verify` whether an archive is the one a
//! report was made from, `--record` what an audit file needs.

mod util;

use std::path::Path;
use util::{keiyaku, stderr, stdout};

const CONTRACT: &str = "業務委託契約書\n\n医療法人青葉会（以下「甲」という。）と株式会社あおばクラウド（以下「乙」という。）は、次のとおり契約を締結する。\n\n第1条（事故報告）\n乙は、本業務に関し情報漏えいその他の事故が発生したときは、直ちに甲に報告しなければならない。\n\n第2条（通信の安全）\n乙は、甲との間の通信を暗号化しなければならない。\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn scan_to(root: &Path, report: &Path, extra: &[&str]) {
    let mut args = vec!["scan", "-q", "-o", report.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(root.to_str().unwrap());
    let o = keiyaku(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// An archive scanned once, then changed: あおば's contract weakened, a
/// vendor's contract removed, another vendor added.
struct Archive {
    dir: tempfile::TempDir,
    reports: tempfile::TempDir,
}

impl Archive {
    fn root(&self) -> &Path {
        self.dir.path()
    }
    fn earlier(&self) -> std::path::PathBuf {
        self.reports.path().join("2025.json")
    }
    fn later(&self) -> std::path::PathBuf {
        self.reports.path().join("2026.json")
    }
}

fn archive() -> Archive {
    let dir = tempfile::tempdir().unwrap();
    let reports = tempfile::tempdir().unwrap();
    let a = Archive { dir, reports };
    write(a.root(), "あおばクラウド/契約書.txt", CONTRACT);
    write(
        a.root(),
        "みなとデータ/契約書.txt",
        &CONTRACT.replace("あおばクラウド", "みなとデータ"),
    );
    scan_to(a.root(), &a.earlier(), &[]);
    write(
        a.root(),
        "あおばクラウド/契約書.txt",
        &CONTRACT.replace("直ちに甲に報告しなければならない", "甲に報告するよう努める"),
    );
    std::fs::remove_dir_all(a.root().join("みなとデータ")).unwrap();
    write(
        a.root(),
        "しらかばネット/契約書.txt",
        &CONTRACT.replace("あおばクラウド", "しらかばネット"),
    );
    scan_to(a.root(), &a.later(), &[]);
    a
}

#[test]
fn diff_shows_the_status_change_first_then_vendors_and_documents() {
    let a = archive();
    let o = keiyaku(&[
        "diff",
        a.earlier().to_str().unwrap(),
        a.later().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let first = text.lines().nth(2).unwrap_or("");
    assert_eq!(first, "悪化 1 件", "{text}");
    assert!(
        text.contains("  △ あおばクラウド　事故報告: ○ あり → △ 弱い\n      旧: あおばクラウド/契約書.txt 第1条「乙は、本業務に関し情報漏えいその他の事故が発生したときは、直ちに甲に報告しなければならない。」\n      新: あおばクラウド/契約書.txt 第1条「乙は、本業務に関し情報漏えいその他の事故が発生したときは、甲に報告するよう努める。」"),
        "{text}"
    );
    assert!(
        text.contains("事業者: 追加 1、削除 1\n  + しらかばネット\n  - みなとデータ"),
        "{text}"
    );
    assert!(text.contains("文書: 追加 1、削除 1、変更 1"), "{text}");
    assert!(
        text.contains("  ~ あおばクラウド/契約書.txt（sha256 "),
        "{text}"
    );
    // The whole diff stays short: the changes, not the reports.
    assert!(text.lines().count() < 20, "{text}");
    assert!(!text.contains("警告"), "{text}");
}

#[test]
fn diff_json_lists_changes_with_both_evidences_and_fail_on_regressed_exits_1() {
    let a = archive();
    let o = keiyaku(&[
        "diff",
        "--format",
        "json",
        "--fail-on",
        "regressed",
        a.earlier().to_str().unwrap(),
        a.later().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["schema"], "keiyaku.diff/1");
    assert_eq!(d["rules_changed"], false);
    let c = &d["changes"][0];
    assert_eq!(
        (
            c["direction"].as_str(),
            c["vendor"].as_str(),
            c["provision"].as_str()
        ),
        (
            Some("regressed"),
            Some("あおばクラウド"),
            Some("incident-reporting")
        )
    );
    assert_eq!(
        (c["old"].as_str(), c["new"].as_str()),
        (Some("present"), Some("weak"))
    );
    assert_eq!(c["old_evidence"]["clause"], "第1条");
    assert_eq!(c["new_evidence"]["clause"], "第1条");
    assert_eq!(d["documents_removed"][0]["path"], "みなとデータ/契約書.txt");
    assert_eq!(d["documents_added"][0]["path"], "しらかばネット/契約書.txt");
    assert_eq!(d["summary"]["regressed"], 1);
    // Reversed, the same change is an improvement and nothing regressed.
    let o = keiyaku(&[
        "diff",
        "--fail-on",
        "regressed",
        a.later().to_str().unwrap(),
        a.earlier().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("改善 1 件"));
}

#[test]
fn diff_warns_when_the_rule_sets_differ() {
    let a = archive();
    let mut old: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.earlier()).unwrap()).unwrap();
    old["rules"]["version"] = "2000.1.1".into();
    std::fs::write(a.earlier(), serde_json::to_vec(&old).unwrap()).unwrap();
    let o = keiyaku(&[
        "diff",
        a.earlier().to_str().unwrap(),
        a.later().to_str().unwrap(),
    ]);
    assert!(
        stdout(&o)
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("警告: 規則セットが異なります"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn diff_of_a_file_that_is_not_a_report_is_an_error() {
    let a = archive();
    let o = keiyaku(&[
        "diff",
        a.root().join("あおばクラウド/契約書.txt").to_str().unwrap(),
        a.later().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("keiyaku の JSON 報告ではありません"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn scan_with_a_baseline_prints_the_diff_and_fails_on_regressed() {
    let a = archive();
    let o = keiyaku(&[
        "scan",
        "-q",
        "--format",
        "json",
        "--baseline",
        a.earlier().to_str().unwrap(),
        "--fail-on",
        "regressed",
        a.root().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("悪化 1 件"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--baseline より悪化した判定がある"),
        "{}",
        stderr(&o)
    );
    // Without a baseline, --fail-on regressed is a usage error.
    let o = keiyaku(&[
        "scan",
        "-q",
        "--fail-on",
        "regressed",
        a.root().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn verify_names_changed_missing_and_new_files_and_exits_1() {
    let a = archive();
    let o = keiyaku(&["verify", a.earlier().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("変更 / changed: あおばクラウド/契約書.txt"),
        "{text}"
    );
    assert!(
        text.contains("なし / missing: みなとデータ/契約書.txt"),
        "{text}"
    );
    assert!(
        text.contains("新規 / new: しらかばネット/契約書.txt"),
        "{text}"
    );
    // The later report is of this very archive.
    let o = keiyaku(&["verify", "--format", "json", a.later().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["unchanged"], 2);
    assert_eq!(v["changed"], serde_json::json!([]));
}

#[test]
fn verify_looks_where_it_is_told_when_the_archive_has_moved() {
    let a = archive();
    let moved = tempfile::tempdir().unwrap();
    let to = moved.path().join("archive");
    std::fs::rename(a.root(), &to).unwrap();
    let o = keiyaku(&["verify", a.later().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = keiyaku(&["verify", a.later().to_str().unwrap(), to.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    std::fs::rename(&to, a.root()).unwrap();
}

#[test]
fn record_adds_time_command_line_and_host_and_a_plain_scan_has_none() {
    let a = archive();
    let rec = a.reports.path().join("recorded.json");
    scan_to(a.root(), &rec, &["--record"]);
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&rec).unwrap()).unwrap();
    let recorded = &r["run"]["recorded"];
    let at = recorded["scanned_at"].as_str().unwrap();
    assert!(
        at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "{at}"
    );
    assert!(recorded["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "--record"));
    assert!(Path::new(recorded["paths"][0].as_str().unwrap()).is_absolute());
    assert!(recorded.get("host").is_some());
    let plain: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.later()).unwrap()).unwrap();
    assert!(plain["run"].get("recorded").is_none());
}

#[test]
fn verify_checks_zip_members_by_their_archive() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let reports = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("あおばクラウド")).unwrap();
    let zip_path = dir.path().join("あおばクラウド/束.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    z.start_file("契約書.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(CONTRACT.as_bytes()).unwrap();
    z.finish().unwrap();
    let report = reports.path().join("r.json");
    scan_to(dir.path(), &report, &[]);
    let o = keiyaku(&["verify", report.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("同一 1 件"), "{}", stdout(&o));
    std::fs::OpenOptions::new()
        .append(true)
        .open(&zip_path)
        .unwrap()
        .write_all(b"x")
        .unwrap();
    let o = keiyaku(&["verify", report.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("変更 / changed: あおばクラウド/束.zip/契約書.txt"),
        "{}",
        stdout(&o)
    );
}
