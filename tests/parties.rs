//! Who the vendor is, as the real binary reports it: overrides from
//! keiyaku.toml however the contracts are passed, `--party`, and no defined
//! term ever reported as a party.

mod util;
use util::*;

/// A draft whose preamble gives no roles: 甲 and 乙 are read from the
/// labels, 甲 the customer.
const DRAFT: &str =
    "第1条（報告）\n甲は、障害が発生したときは、直ちに乙に報告しなければならない。\n";

fn incident(r: &serde_json::Value) -> String {
    let v = &r["vendors"][0];
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "incident-reporting")
        .map(|p| p["status"].as_str().unwrap_or("").to_string())
        .unwrap_or_default()
}

#[test]
fn party_option_decides_for_a_single_draft_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("覚書案.txt");
    std::fs::write(&f, DRAFT).unwrap();
    let f = f.to_str().unwrap();
    assert_eq!(incident(&scan_json(&[f], &[])), "missing");
    let r = scan_json(&[f], &["--party", "甲=vendor", "--party", "乙=customer"]);
    assert_eq!(incident(&r), "present");
    let options = r["run"]["options"].to_string();
    assert!(options.contains("--party 甲=vendor"), "{options}");
    let ko = &r["vendors"][0]["documents"][0]["parties"][0];
    assert_eq!(ko["label"], "甲");
    assert_eq!(ko["role"], "vendor");
    assert_eq!(ko["basis"], "command_line");

    let o = keiyaku(&["scan", f, "--party", "甲=vender"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("vender"), "{}", stderr(&o));
}

#[test]
fn keiyaku_toml_applies_to_a_vendor_folder_or_a_file_passed_alone() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("ベンダY");
    std::fs::create_dir(&v).unwrap();
    let f = v.join("覚書.txt");
    std::fs::write(&f, DRAFT).unwrap();
    // The collection's settings name the vendor folder.
    std::fs::write(
        dir.path().join("keiyaku.toml"),
        "[vendors.\"ベンダY\".parties]\n\"甲\" = \"vendor\"\n\"乙\" = \"customer\"\n",
    )
    .unwrap();
    for path in [dir.path(), v.as_path(), f.as_path()] {
        let r = scan_json(&[path.to_str().unwrap()], &[]);
        assert_eq!(incident(&r), "present", "{}", path.display());
    }
    // A vendor folder's own settings apply to its documents.
    std::fs::remove_file(dir.path().join("keiyaku.toml")).unwrap();
    std::fs::write(
        v.join("keiyaku.toml"),
        "[parties]\n\"甲\" = \"vendor\"\n\"乙\" = \"customer\"\n",
    )
    .unwrap();
    for path in [dir.path(), v.as_path(), f.as_path()] {
        let r = scan_json(&[path.to_str().unwrap()], &[]);
        assert_eq!(incident(&r), "present", "{}", path.display());
    }
    // --party wins over them.
    let r = scan_json(&[f.to_str().unwrap()], &["--party", "甲=customer"]);
    assert_eq!(incident(&r), "missing");
}

#[test]
fn the_party_line_says_when_roles_were_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("案.txt");
    std::fs::write(
        &f,
        format!(
            "○○○（以下「甲」という。）と○○○（以下「乙」という。）は、次のとおり契約する。\n{DRAFT}"
        ),
    )
    .unwrap();
    let o = keiyaku(&["scan", f.to_str().unwrap(), "--color", "never"]);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("当事者:"))
        .unwrap_or_default();
    assert!(line.contains("甲＝○○○（委託者）"), "{line}");
    assert!(line.contains("要確認"), "{line}");
    assert!(line.contains("--party"), "{line}");
}

/// Words that name things: a label ending so is a defined term.
const TERMS: [&str; 12] = [
    "契約",
    "規約",
    "約款",
    "サービス",
    "システム",
    "業務",
    "情報",
    "データ",
    "ネットワーク",
    "仕様書",
    "SLA",
    "勢力",
];

#[test]
fn no_defined_term_becomes_a_party_across_samples() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    let mut parties = 0;
    for v in r["vendors"].as_array().unwrap() {
        for d in v["documents"].as_array().unwrap() {
            let terms: Vec<&str> = d["terms"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str())
                .collect();
            for p in d["parties"].as_array().into_iter().flatten() {
                parties += 1;
                let label = p["label"].as_str().unwrap();
                let name = p["name"].as_str().unwrap();
                let path = &d["path"];
                assert!(!terms.contains(&label), "{path}: {label}");
                assert!(
                    !TERMS.iter().any(|t| label.ends_with(t)),
                    "{path}: {label} is a term"
                );
                // A name never starts inside a sentence.
                assert!(
                    !name.starts_with(['は', 'が', 'を', 'に', 'と', 'の', 'で', ',', '、']),
                    "{path}: {name}"
                );
                assert!(
                    !name.contains("は、") && !name.contains("は,"),
                    "{path}: {name}"
                );
            }
        }
    }
    assert!(parties >= 16, "samples define their parties: {parties}");
}

#[test]
fn a_draft_whose_names_are_blank_is_named_after_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("委託契約書案.txt");
    std::fs::write(
        &f,
        "委託契約書（案）\n○○○（医療機関側。以下「甲」という。）と○○○（受託者側。以下「乙」という。）は、次のとおり契約を締結する。\n第1条（報告）\n乙は、障害が発生したときは、直ちに甲に報告しなければならない。\n",
    )
    .unwrap();
    let r = scan_json(&[f.to_str().unwrap()], &[]);
    assert_eq!(r["vendors"][0]["name"], "委託契約書案");
    assert_eq!(incident(&r), "present");
}
