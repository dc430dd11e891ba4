//! Guideline editions: `--guideline 5.2` writes the reports of before
//! editions existed; later editions add their provisions with tiers.

mod util;

use std::process::Command;
use util::*;

fn scan_in_root(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_keiyaku"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run keiyaku");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    o.stdout
}

/// The pinned report was written before editions; only the rule set's
/// version and sha256 (the files of this build) may differ.
#[test]
fn guideline_5_2_reproduces_the_pinned_report_of_samples_byte_for_byte() {
    let pinned = std::fs::read_to_string(root().join("tests/data/guideline-5.2/samples.json"))
        .expect("pinned report");
    let now = scan_in_root(&[
        "scan",
        "--ocr",
        "never",
        "--guideline",
        "5.2",
        "--format",
        "json",
        "-q",
        "samples",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&now).expect("JSON");
    let expected = pinned
        .replace(
            "\"version\": \"2026.12.2\"",
            &format!(
                "\"version\": \"{}\"",
                report["rules"]["version"].as_str().unwrap()
            ),
        )
        .replace(
            "541266a31c85a80f908420da07e9a2078a78ea1ed089ffc050e0ceb0a69a1a0a",
            report["rules"]["sha256"].as_str().unwrap(),
        );
    assert!(
        expected.as_bytes() == now.as_slice(),
        "the 5.2 report of samples/ changed"
    );
}

/// With no --guideline, a scan checks edition 6.0 (the newest edition whose
/// text was read) and says that 7.0 has been published.
#[test]
fn the_default_edition_is_6_0_and_names_the_published_7_0() {
    let default = scan_in_root(&[
        "scan", "--ocr", "never", "--format", "json", "-q", "samples",
    ]);
    let six = scan_in_root(&[
        "scan",
        "--ocr",
        "never",
        "--guideline",
        "6.0",
        "--format",
        "json",
        "-q",
        "samples",
    ]);
    assert_eq!(default, six);
    let r: serde_json::Value = serde_json::from_slice(&default).expect("JSON");
    assert_eq!(r["guideline"]["edition"], "6.0");
    assert!(r["guideline"]["notes"][0]
        .as_str()
        .unwrap()
        .contains("第7.0版"));
    let o = keiyaku(&["rules", "list", "--guideline", "6.0"]);
    let listed = stdout(&o);
    assert!(listed.contains("第6.0版"), "{listed}");
    assert!(listed.contains("security-update"), "{listed}");
}

#[test]
fn guideline_6_0_adds_twelve_provisions_with_tiers_and_security_update_is_required_only_in_7_0_when_delegated(
) {
    let r6 = scan_json(&[samples().to_str().unwrap()], &["--guideline", "6.0"]);
    assert_eq!(r6["guideline"]["edition"], "6.0");
    // Twelve of 6.0, and 7.0's security-update shown as a recommendation.
    assert_eq!(r6["provisions"].as_array().unwrap().len(), 21);
    let info = |r: &serde_json::Value, id: &str| {
        r["provisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(info(&r6, "backup")["tier"], "recommended");
    assert_eq!(
        info(&r6, "purpose-limitation")["tier"],
        "required-conditional"
    );
    assert_eq!(
        info(&r6, "purpose-limitation")["condition"],
        "external-storage"
    );
    assert_eq!(
        provision(&r6["vendors"][0], "security-update")["applies"],
        "recommended"
    );
    let r6d = scan_json(
        &[samples().to_str().unwrap()],
        &["--guideline", "6.0", "--maintenance-delegated"],
    );
    assert_eq!(
        provision(&r6d["vendors"][0], "security-update")["applies"],
        "recommended",
        "保守委託機関編 is a part of 7.0"
    );
    // Draft-only sources carry a warning.
    assert!(info(&r6, "sla-availability")["source_warning"]
        .as_str()
        .unwrap()
        .contains("V-draft"));
    let r7 = scan_json(&[samples().to_str().unwrap()], &["--guideline", "7.0"]);
    assert_eq!(r7["guideline"]["provisional"], true);
    let v = &r7["vendors"][0];
    assert_eq!(provision(v, "security-update")["applies"], "recommended");
    let r7d = scan_json(
        &[samples().to_str().unwrap()],
        &["--guideline", "7.0", "--maintenance-delegated"],
    );
    assert_eq!(
        provision(&r7d["vendors"][0], "security-update")["applies"],
        "required"
    );
}

/// A reservation to use the data for statistics beats a ban on other uses.
#[test]
fn a_reservation_beats_a_generic_prohibition_and_is_shown_as_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("テスト事業者");
    std::fs::create_dir(&v).unwrap();
    std::fs::write(
        v.join("規約.txt"),
        "データ保管サービス利用規約\n\n第1条（利用目的）\n当社は、お客様のデータを本サービスの提供以外の目的で利用しません。\n\n第2条（統計）\n当社は、お客様のデータを集計し、統計情報として利用することがあります。\n",
    )
    .unwrap();
    let r = scan_json(&[dir.path().to_str().unwrap()], &["--guideline", "6.0"]);
    let p = provision(vendor(&r, "テスト事業者"), "purpose-limitation");
    assert_eq!(p["status"], "negated");
    assert_eq!(p["conflict"], true);
    assert_eq!(p["evidence"].as_array().unwrap().len(), 2);
}

/// A missing recommended provision is a note: --fail-on missing ignores it
/// unless asked with missing-recommended.
#[test]
fn a_missing_recommended_provision_fails_only_under_missing_recommended() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("推奨なし");
    std::fs::create_dir(&v).unwrap();
    // Every required provision of 6.0 would be needed for exit 0; here only
    // the exit codes' difference matters.
    std::fs::write(
        v.join("契約.txt"),
        "業務委託契約書\n\n第1条（目的）\n本契約は業務の委託を目的とする。\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let code = |fail: &str| {
        keiyaku(&["scan", "-q", "--guideline", "6.0", "--fail-on", fail, path])
            .status
            .code()
    };
    assert_eq!(code("missing"), Some(1));
    assert_eq!(code("missing-recommended"), Some(1));
    let r = scan_json(&[path], &["--guideline", "6.0"]);
    assert_eq!(
        provision(vendor(&r, "推奨なし"), "backup")["applies"],
        "recommended"
    );
}

/// 外部保存: a vendor whose documents never speak of storing data has the
/// conditional provisions 対象外; keiyaku.toml decides over the wording.
#[test]
fn external_storage_is_read_from_the_documents_and_keiyaku_toml_decides_over_them() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "保守だけ",
            "保守契約書\n\n第1条（目的）\n乙は、甲の端末を保守する。\n",
        ),
        (
            "保管あり",
            "業務委託契約書\n\n第1条（目的）\n乙は、甲の診療録をデータセンターに保管する。\n",
        ),
    ] {
        let v = dir.path().join(name);
        std::fs::create_dir(&v).unwrap();
        std::fs::write(v.join("契約.txt"), text).unwrap();
    }
    let path = dir.path().to_str().unwrap();
    let r = scan_json(&[path], &["--guideline", "6.0"]);
    let upkeep = vendor(&r, "保守だけ");
    assert_eq!(upkeep["external_storage"]["holds"], false);
    assert_eq!(upkeep["external_storage"]["basis"], "documents");
    assert_eq!(
        provision(upkeep, "purpose-limitation")["applies"],
        "not_applicable"
    );
    // guideline-compliance is still worth agreeing: recommended.
    assert_eq!(
        provision(upkeep, "guideline-compliance")["applies"],
        "recommended"
    );
    let stores = vendor(&r, "保管あり");
    assert_eq!(stores["external_storage"]["holds"], true);
    assert_eq!(
        provision(stores, "purpose-limitation")["applies"],
        "required"
    );

    std::fs::write(
        dir.path().join("keiyaku.toml"),
        "[vendors.\"保守だけ\"]\nexternal_storage = true\n[vendors.\"保管あり\"]\nexternal_storage = false\n",
    )
    .unwrap();
    let r = scan_json(&[path], &["--guideline", "6.0"]);
    let upkeep = vendor(&r, "保守だけ");
    assert_eq!(upkeep["external_storage"]["holds"], true);
    assert_eq!(upkeep["external_storage"]["basis"], "keiyaku_toml");
    assert_eq!(
        provision(upkeep, "purpose-limitation")["applies"],
        "required"
    );
    assert_eq!(
        provision(vendor(&r, "保管あり"), "data-return-deletion")["applies"],
        "not_applicable"
    );
    // Edition 5.2 reports have no such field.
    let r = scan_json(&[path], &["--guideline", "5.2"]);
    assert!(vendor(&r, "保守だけ").get("external_storage").is_none());
}
