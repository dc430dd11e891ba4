//! A vendor's documents read as one text: a 特約 that prevails over the
//! 約款, tables whose columns are the parties, and a bilingual contract.

mod util;

use std::path::{Path, PathBuf};
use util::{provision, root, scan_json, vendor};

fn data(sub: &str) -> PathBuf {
    root().join("tests/data/sets").join(sub)
}

fn status<'a>(v: &'a serde_json::Value, id: &str) -> &'a str {
    provision(v, id)["status"].as_str().unwrap_or_default()
}

/// A copy of `from` in a temporary folder, with `drop` removed from every file.
fn copy_without(from: &Path, drop: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let vendor = tmp.path().join(from.file_name().unwrap());
    std::fs::create_dir_all(&vendor).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap().replace(drop, "");
        std::fs::write(vendor.join(p.file_name().unwrap()), text).unwrap();
    }
    tmp
}

#[test]
fn a_special_agreement_that_prevails_overrides_the_terms_disclaimer_and_its_grant() {
    let r = scan_json(&[data("prevailing").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "北都クラウド");
    // The 約款 refuses audits, disclaims subcontractors and periodic reports;
    // the 特約 grants them and prevails.
    for id in [
        "supervision-audit",
        "subcontractor-responsibility",
        "periodic-reporting",
    ] {
        let p = provision(v, id);
        assert_eq!(p["status"], "present", "{id}");
        assert_eq!(
            p["evidence"][0]["prevailing"], "特約第1条（約款に優先）",
            "{id}"
        );
        assert!(
            p["set_aside"][0]["path"]
                .as_str()
                .unwrap()
                .ends_with("クラウドサービス利用約款.txt"),
            "{id}: {p}"
        );
    }
    // The 約款 encrypts; the 特約 does not encrypt leased lines and prevails.
    let p = provision(v, "transmission-security");
    assert_eq!(p["status"], "negated");
    assert_eq!(p["set_aside"][0]["strength"], "present");
    // Where the 特約 is silent, the 約款 decides as before.
    let p = provision(v, "incident-reporting");
    assert_eq!(p["status"], "present");
    assert!(p["evidence"][0].get("prevailing").is_none());
    assert!(p.get("set_aside").is_none());
}

#[test]
fn without_the_priority_clause_the_best_clause_of_either_document_decides() {
    let tmp = copy_without(
        &data("prevailing/北都クラウド"),
        "本特約と約款の定めが異なるときは、本特約が優先する。",
    );
    let r = scan_json(&[tmp.path().to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "北都クラウド");
    assert_eq!(status(v, "transmission-security"), "present");
    assert_eq!(status(v, "supervision-audit"), "present");
    assert!(provision(v, "supervision-audit").get("set_aside").is_none());
}

#[test]
fn the_prevailing_clause_is_shown_in_the_text_and_csv_reports() {
    let dir = data("prevailing");
    let text = util::stdout(&util::keiyaku(&["scan", "-q", dir.to_str().unwrap()]));
    assert!(text.contains("特約第1条（約款に優先）"), "{text}");
    let csv = util::stdout(&util::keiyaku(&[
        "scan",
        "-q",
        "--format",
        "csv",
        dir.to_str().unwrap(),
    ]));
    assert!(csv.contains("特約第1条（約款に優先）"), "{csv}");
}

/// Statuses of a party-column table's vendor, in the order of the test.
fn table_statuses(v: &serde_json::Value) -> Vec<&str> {
    [
        "responsibility-scope",
        "incident-reporting",
        "periodic-reporting",
        "investigation-lead",
        "transmission-security",
    ]
    .iter()
    .map(|id| status(v, id))
    .collect()
}

#[test]
fn a_party_column_table_in_a_pdf_binds_the_party_whose_column_is_marked() {
    let r = scan_json(&[data("tables").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "テーブルシステムズ");
    assert_eq!(
        table_statuses(v),
        ["present", "present", "present", "present", "missing"]
    );
    // Encryption is marked in the hospital's column only: its duty.
    let near = &provision(v, "transmission-security")["near_miss"];
    assert_eq!(near["kind"], "wrong_party");
    assert!(
        near["note"].as_str().unwrap().contains("甲（委託者）"),
        "{near}"
    );
    // The table under 作業の分担 is the allocation of responsibility.
    let e = &provision(v, "responsibility-scope")["evidence"][0];
    assert_eq!(e["clause"], "第2条");
}

#[test]
fn a_party_column_table_in_a_docx_with_blank_cells_reads_the_same() {
    let r = scan_json(&[data("tables").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "ワードテーブル");
    assert_eq!(
        table_statuses(v),
        ["present", "present", "present", "present", "missing"]
    );
    assert_eq!(
        provision(v, "transmission-security")["near_miss"]["kind"],
        "wrong_party"
    );
}

#[test]
fn a_party_column_table_in_a_pdf_with_blank_cells_reads_the_same() {
    // A blank cell draws nothing in a PDF: the marks must still fall under
    // their own party's column, not the first one.
    let r = scan_json(&[data("tables").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "クウランシステムズ");
    assert_eq!(
        table_statuses(v),
        ["present", "present", "present", "present", "missing"]
    );
    let near = &provision(v, "transmission-security")["near_miss"];
    assert_eq!(near["kind"], "wrong_party");
    assert!(
        near["note"].as_str().unwrap().contains("甲（委託者）"),
        "{near}"
    );
}

#[test]
fn a_bilingual_contract_reads_english_clauses_and_its_governing_language_decides() {
    let r = scan_json(&[data("bilingual").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "ニンバスクラウド");
    // The English parties are defined in the English preamble.
    let labels: Vec<(&str, &str)> = v["documents"][0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["label"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert!(labels.contains(&("Provider", "vendor")), "{labels:?}");
    assert!(labels.contains(&("Hospital", "customer")), "{labels:?}");
    // Both languages agree: English evidence stands beside the Japanese.
    let texts: Vec<&str> = provision(v, "subcontractor-responsibility")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("remain fully liable")),
        "{texts:?}"
    );
    // Encryption: shall (ja) against reasonable efforts (en); Japanese governs.
    let p = provision(v, "transmission-security");
    assert_eq!(p["status"], "present");
    assert_eq!(p["languages"]["ja"], "present");
    assert_eq!(p["languages"]["en"], "weak");
    assert_eq!(p["languages"]["governing"], "ja");
    assert_eq!(p["languages"]["clause"], "第6条");
    assert!(p["set_aside"][0]["text"]
        .as_str()
        .unwrap()
        .contains("reasonable efforts"));
    // Periodic reports: 努める (ja) against shall (en); Japanese governs.
    assert_eq!(status(v, "periodic-reporting"), "weak");
}

#[test]
fn a_bilingual_contract_without_a_governing_language_keeps_the_weaker_reading() {
    let dir = data("bilingual/ニンバスクラウド");
    let tmp = copy_without(
        &dir,
        "本契約は、日本語及び英語により作成し、日本語を正文とする。",
    );
    let path = tmp.path().join("ニンバスクラウド/データ処理契約書.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("The Japanese version shall prevail.", "");
    std::fs::write(&path, text).unwrap();
    let r = scan_json(&[tmp.path().to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "ニンバスクラウド");
    let p = provision(v, "transmission-security");
    assert_eq!(p["status"], "weak");
    assert!(p["languages"].get("governing").is_none(), "{p}");
    assert!(p["set_aside"][0]["text"]
        .as_str()
        .unwrap()
        .contains("TLS1.2"));
}

#[test]
fn an_annex_bound_into_the_contract_prevails_where_the_contract_says_so() {
    let r = scan_json(&[data("annex").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "しらかば情報システム");
    // The 特記事項 after 別記 softens reporting to 努める and prevails.
    let p = provision(v, "incident-reporting");
    assert_eq!(p["status"], "weak");
    assert_eq!(
        p["evidence"][0]["prevailing"],
        "特記事項（本契約第20条により本契約に優先）"
    );
    assert_eq!(p["set_aside"][0]["clause"], "第5条");
    // Approval only in the 特記事項 sits beside the contract's liability.
    let p = provision(v, "subcontractor-responsibility");
    assert_eq!(p["status"], "present");
    assert!(p.get("set_aside").is_none());
}

#[test]
fn a_document_attached_for_reference_only_gives_weak_at_most_and_says_why() {
    let r = scan_json(&[data("reference").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "朝凪データ保管");
    // 運用報告書 promises monthly reports and TLS, but the contract attaches
    // it 「参考資料として」: not agreed.
    for id in ["periodic-reporting", "transmission-security"] {
        let p = provision(v, id);
        assert_eq!(p["status"], "weak", "{id}: {p}");
        let e = &p["evidence"][0];
        assert!(
            e["path"].as_str().unwrap().ends_with("運用報告書.txt"),
            "{e}"
        );
        assert_eq!(e["derived"]["kind"], "reference", "{e}");
        assert!(
            e["derived"]["note"].as_str().unwrap().starts_with("第3条"),
            "{e}"
        );
    }
    // The contract's own clause is untouched.
    assert_eq!(status(v, "incident-reporting"), "present");
    let text = util::stdout(&util::keiyaku(&[
        "scan",
        "-q",
        data("reference").to_str().unwrap(),
    ]));
    assert!(text.contains("参考資料として添付"), "{text}");
}

#[test]
fn a_document_attached_without_saying_for_reference_counts_as_written() {
    let tmp = copy_without(&data("reference/朝凪データ保管"), "参考資料として");
    let r = scan_json(&[tmp.path().to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "朝凪データ保管");
    assert_eq!(status(v, "periodic-reporting"), "present");
    assert_eq!(status(v, "transmission-security"), "present");
    assert!(provision(v, "periodic-reporting")["evidence"][0]
        .get("derived")
        .is_none());
}

#[test]
fn a_party_column_table_in_a_workbook_binds_the_party_whose_column_is_marked() {
    let r = scan_json(&[data("workbook").to_str().unwrap()], &["-q"]);
    let v = vendor(&r, "エクセル表");
    assert_eq!(
        table_statuses(v),
        ["present", "present", "present", "present", "missing"]
    );
    for id in [
        "incident-reporting",
        "periodic-reporting",
        "investigation-lead",
    ] {
        let e = &provision(v, id)["evidence"][0];
        assert!(
            e["path"].as_str().unwrap().ends_with("役割分担表.xlsx"),
            "{id}: {e}"
        );
    }
    // Marked only in the hospital's column: the hospital's duty.
    assert_eq!(
        provision(v, "transmission-security")["near_miss"]["kind"],
        "wrong_party"
    );
}
