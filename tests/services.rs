//! Services of several vendors declared in keiyaku.toml (the guideline's
//! figure 4-1): case ① a lead vendor answers for the whole service, case ②
//! each vendor's own contract must settle the investigation provisions.

mod util;

use std::path::Path;
use util::{keiyaku, stderr, stdout};

const PREAMBLE: &str = "業務委託契約書\n\n医療法人青葉会（以下「甲」という。）と{NAME}（以下「乙」という。）は、次のとおり契約を締結する。\n";

/// Articles of a contract that has every provision, by provision id.
const ARTICLES: &[(&str, &str)] = &[
    ("responsibility-scope", "第1条（責任分界）\n甲及び乙の責任の範囲は、別紙責任分界表に定めるとおりとする。\n"),
    ("incident-reporting", "第2条（事故報告）\n乙は、本業務に関し情報漏えいその他の事故が発生したときは、直ちに甲に報告しなければならない。\n"),
    ("periodic-reporting", "第3条（定期報告）\n乙は、毎月、本業務の実施状況を書面により甲に報告しなければならない。\n"),
    ("investigation-lead", "第4条（原因調査）\n事故が発生した場合の原因調査は乙が主体となって行うものとする。\n"),
    ("investigation-cooperation", "第5条（調査協力）\n乙は、甲の行う原因調査に協力しなければならない。\n"),
    ("supervision-audit", "第6条（監査）\n甲は、乙に対し、本業務の実施状況について監査を行うことができ、乙はこれに応じなければならない。\n"),
    ("subcontractor-responsibility", "第7条（再委託）\n乙は、甲の書面による承諾を得て再委託する場合、再委託先の行為について甲に対し全ての責任を負う。\n"),
    ("transmission-security", "第8条（通信の安全）\n乙は、甲との間の通信を暗号化しなければならない。\n"),
];

/// A vendor folder holding one contract with every provision but `without`.
fn contract(root: &Path, vendor: &str, company: &str, without: &[&str]) {
    let mut text = PREAMBLE.replace("{NAME}", company);
    for (id, article) in ARTICLES {
        if !without.contains(id) {
            text.push('\n');
            text.push_str(article);
        }
    }
    std::fs::create_dir_all(root.join(vendor)).unwrap();
    std::fs::write(root.join(vendor).join("契約書.txt"), text).unwrap();
}

const SERVICES: &str = r#"
[[services]]
name = "電子カルテ"
lead = "あおばクラウド"
vendors = ["みなとデータセンター"]

[[services]]
name = "地域医療連携"
vendors = ["しらかばネット", "つばめシステム"]
"#;

/// Case ① with a lead lacking subcontractor responsibility (its platform
/// vendor has it), case ② with one vendor lacking the investigation lead.
fn corpus(lead_has_subcontracting: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let lead_without: &[&str] = if lead_has_subcontracting {
        &[]
    } else {
        &["subcontractor-responsibility"]
    };
    contract(
        dir.path(),
        "あおばクラウド",
        "株式会社あおばクラウド",
        lead_without,
    );
    contract(
        dir.path(),
        "みなとデータセンター",
        "株式会社みなとデータセンター",
        &[],
    );
    contract(dir.path(), "しらかばネット", "株式会社しらかばネット", &[]);
    contract(
        dir.path(),
        "つばめシステム",
        "株式会社つばめシステム",
        &["investigation-lead", "periodic-reporting"],
    );
    std::fs::write(dir.path().join("keiyaku.toml"), SERVICES).unwrap();
    dir
}

fn scan(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["scan", "-q", "--color", "never"];
    args.extend_from_slice(extra);
    let path = dir.to_str().unwrap();
    args.push(path);
    keiyaku(&args)
}

/// The text report's block for one service.
fn service_block(text: &str, name: &str) -> String {
    let start = text
        .find(&format!("■ サービス「{name}」"))
        .unwrap_or_else(|| panic!("no service {name} in:\n{text}"));
    text[start..]
        .lines()
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A service's result for provision `id`.
fn in_service<'a>(service: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    service["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn a_lead_without_subcontractor_responsibility_falls_short_though_its_platform_vendor_has_it() {
    let dir = corpus(false);
    let o = scan(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        service_block(&stdout(&o), "電子カルテ"),
        "■ サービス「電子カルテ」　① 一社が一括して提供（主たる事業者: あおばクラウド）
  事業者: あおばクラウド、みなとデータセンター
  ○ 責任分界    あおばクラウド ○  みなとデータセンター ○　根拠: あおばクラウド 契約書.txt 第1条
  ○ 事故報告    あおばクラウド ○  みなとデータセンター ○　根拠: あおばクラウド 契約書.txt 第2条
  ○ 定期報告    あおばクラウド ○  みなとデータセンター ○　根拠: あおばクラウド 契約書.txt 第3条
  ○ 調査主体    あおばクラウド ○  みなとデータセンター ○　根拠: あおばクラウド 契約書.txt 第4条
  ○ 調査協力    あおばクラウド ○  みなとデータセンター ○　根拠: あおばクラウド 契約書.txt 第5条
  ○ 監査        あおばクラウド ○  みなとデータセンター ○　根拠: あおばクラウド 契約書.txt 第6条
  × 再委託      あおばクラウド ×  みなとデータセンター ○［主たる事業者の契約］
  ○ 通信暗号化  あおばクラウド ○  みなとデータセンター ○　根拠: あおばクラウド 契約書.txt 第8条
  不足: あおばクラウド — ×再委託
  （一括して提供する事業者は再委託先を含めサービス提供責任を負うため、主たる事業者の契約に必要です（図4-1 ①））"
    );
    // With the clause in the lead's own contract, nothing is short.
    let dir = corpus(true);
    let text = stdout(&scan(dir.path(), &[]));
    let block = service_block(&text, "電子カルテ");
    assert!(block.contains("○ 再委託      あおばクラウド ○"), "{block}");
    assert!(block.ends_with("不足: なし"), "{block}");
}

#[test]
fn a_per_vendor_provision_another_vendor_has_is_still_a_gap_of_the_service() {
    let dir = corpus(true);
    let o = scan(dir.path(), &[]);
    assert_eq!(
        service_block(&stdout(&o), "地域医療連携"),
        "■ サービス「地域医療連携」　② 各事業者と個別に契約
  事業者: しらかばネット、つばめシステム
  ○ 責任分界    しらかばネット ○  つばめシステム ○［各事業者の契約］　根拠: しらかばネット 契約書.txt 第1条
  ○ 事故報告    しらかばネット ○  つばめシステム ○　根拠: しらかばネット 契約書.txt 第2条
  ○ 定期報告    しらかばネット ○  つばめシステム ×　根拠: しらかばネット 契約書.txt 第3条
  × 調査主体    しらかばネット ○  つばめシステム ×［各事業者の契約］
  ○ 調査協力    しらかばネット ○  つばめシステム ○［各事業者の契約］　根拠: しらかばネット 契約書.txt 第5条
  ○ 監査        しらかばネット ○  つばめシステム ○　根拠: しらかばネット 契約書.txt 第6条
  ○ 再委託      しらかばネット ○  つばめシステム ○　根拠: しらかばネット 契約書.txt 第7条
  ○ 通信暗号化  しらかばネット ○  つばめシステム ○　根拠: しらかばネット 契約書.txt 第8条
  不足: つばめシステム — ×調査主体
  （各事業者と個別に取り決める事項で、他の事業者の契約では代わりになりません（図4-1 ②））"
    );
}

#[test]
fn the_json_report_carries_each_service_with_coverage_shortfalls_and_named_evidence() {
    let dir = corpus(false);
    let o = scan(dir.path(), &["--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["schema"], "keiyaku.report/3");
    let services = r["services"].as_array().unwrap();
    assert_eq!(services.len(), 2);
    let emr = &services[0];
    assert_eq!(emr["name"], "電子カルテ");
    assert_eq!(emr["case"], "lead");
    assert_eq!(emr["lead"], "あおばクラウド");
    assert_eq!(
        emr["shortfalls"],
        serde_json::json!([{
            "provision": "subcontractor-responsibility",
            "vendor": "あおばクラウド",
            "status": "missing",
            "reason": "再委託: 一括して提供する事業者は再委託先を含めサービス提供責任を負うため、主たる事業者の契約に必要です（図4-1 ①）"
        }])
    );
    let sub = in_service(emr, "subcontractor-responsibility");
    assert_eq!(sub["status"], "missing");
    assert_eq!(sub["coverage"], "lead");
    assert_eq!(
        sub["vendors"],
        serde_json::json!([
            {"vendor": "あおばクラウド", "status": "missing"},
            {"vendor": "みなとデータセンター", "status": "present"}
        ])
    );
    let direct = &services[1];
    assert_eq!(direct["case"], "direct");
    assert!(direct.get("lead").is_none());
    let lead = in_service(direct, "investigation-lead");
    assert_eq!(
        (lead["status"].as_str(), lead["coverage"].as_str()),
        (Some("missing"), Some("each"))
    );
    // A shared provision one vendor has is covered, its evidence named by vendor.
    let periodic = in_service(direct, "periodic-reporting");
    assert_eq!(periodic["status"], "present");
    assert_eq!(periodic["evidence"][0]["vendor"], "しらかばネット");
    assert_eq!(periodic["evidence"][0]["clause"], "第3条");
    assert_eq!(direct["uncovered"], serde_json::json!([]));
}

#[test]
fn fail_on_missing_names_the_service_that_falls_short_and_not_the_one_that_does_not() {
    let dir = corpus(true);
    let o = scan(dir.path(), &["--fail-on", "missing"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("サービス「地域医療連携」: ×調査主体"),
        "{}",
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains("サービス「電子カルテ」"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_service_naming_a_vendor_that_was_not_scanned_stops_before_reading_and_names_the_closest() {
    let dir = corpus(true);
    std::fs::write(
        dir.path().join("keiyaku.toml"),
        "[[services]]\nname = \"電子カルテ\"\nlead = \"あおばクラウ\"\n",
    )
    .unwrap();
    let o = scan(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("「あおばクラウ」は読んだフォルダにありません"),
        "{e}"
    );
    assert!(e.contains("近い名前 / closest: あおばクラウド"), "{e}");
}

#[test]
fn a_vendor_may_serve_two_services_and_a_scan_without_services_has_an_empty_list() {
    let dir = corpus(true);
    std::fs::write(
        dir.path().join("keiyaku.toml"),
        "[[services]]\nname = \"A\"\nlead = \"あおばクラウド\"\n\n[[services]]\nname = \"B\"\nvendors = [\"あおばクラウド\", \"しらかばネット\"]\n",
    )
    .unwrap();
    let o = scan(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["services"].as_array().unwrap().len(), 2);
    std::fs::remove_file(dir.path().join("keiyaku.toml")).unwrap();
    let o = scan(dir.path(), &["--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["services"], serde_json::json!([]));
}

#[test]
fn every_report_format_shows_each_service_with_the_json_statuses() {
    use calamine::Reader;
    let dir = corpus(false);
    let out = tempfile::tempdir().unwrap();
    let path = |ext: &str| out.path().join(format!("結果.{ext}"));
    let mut args = vec!["scan".to_string(), "-q".to_string()];
    for ext in ["json", "csv", "xlsx", "md", "html"] {
        args.push("-o".into());
        args.push(path(ext).to_str().unwrap().into());
    }
    args.push(dir.path().to_str().unwrap().into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = keiyaku(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path("json")).unwrap()).unwrap();
    let emr = &r["services"][0];
    let mark = |id: &str| match in_service(emr, id)["status"].as_str().unwrap() {
        "present" => "○",
        "weak" => "△",
        "negated" => "否",
        "missing" => "×",
        _ => "？",
    };

    // CSV: a row per service × provision after the vendors' rows.
    let csv = String::from_utf8(std::fs::read(path("csv")).unwrap()).unwrap();
    let row = csv
        .lines()
        .find(|l| l.starts_with("サービス「電子カルテ」,再委託先を含む一括責任,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(
        row.contains(&format!(",{} なし,", mark("subcontractor-responsibility"))),
        "{row}"
    );
    assert!(
        row.contains("主たる事業者の契約（図4-1 ①）: あおばクラウド ×、みなとデータセンター ○"),
        "{row}"
    );

    // XLSX: the overview has the service below its vendors, one mark per provision.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path("xlsx")).unwrap();
    let sheet = wb.worksheet_range("一覧").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let head = &rows[0];
    let service_row = rows
        .iter()
        .find(|r| r[0] == "サービス「電子カルテ」")
        .expect("service row in 一覧");
    for p in r["provisions"].as_array().unwrap() {
        let col = head.iter().position(|h| *h == p["short"]).unwrap();
        assert_eq!(
            service_row[col],
            mark(p["id"].as_str().unwrap()),
            "{}",
            p["id"]
        );
    }

    // Markdown and HTML: a section per service naming the shortfall.
    let md = std::fs::read_to_string(path("md")).unwrap();
    assert!(md.contains("## サービス「電子カルテ」"), "{md}");
    assert!(md.contains("- 不足: あおばクラウド — × 再委託:"), "{md}");
    let html = std::fs::read_to_string(path("html")).unwrap();
    assert!(html.contains("<h2>サービス「電子カルテ」</h2>"));
    assert!(html.contains("<h2>サービス「地域医療連携」</h2>"));
    assert!(html.contains("不足: あおばクラウド — <span class=\"badge st-missing\">"));
}
