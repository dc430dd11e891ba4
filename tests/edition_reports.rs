//! Under the default edition (6.0) every writer shows the edition, keeps
//! required and recommended provisions apart (a recommendation not found is
//! 要検討, never a gap), marks provisions known only from drafts or summaries
//! with ⚠ and their source, shows both clauses of a conflict and the class
//! of an incident-reporting deadline. One scan writes every format.

mod util;
use util::*;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Vendor whose terms reserve statistics beside a ban on other uses.
const STATS: &str = "統計留保";
/// Vendor whose contract reports incidents 直ちに.
const PROMPT: &str = "即時報告";

const EDITION: &str = "照合基準: 医療情報システムの安全管理に関するガイドライン 第6.0版";

struct Scan {
    dir: PathBuf,
    json: Value,
}

fn contracts(root: &Path) {
    let stats = root.join(STATS);
    std::fs::create_dir_all(&stats).unwrap();
    std::fs::write(
        stats.join("規約.txt"),
        "データ保管サービス利用規約\n\n第1条（利用目的）\n当社は、お客様のデータを本サービスの提供以外の目的で利用しません。\n\n第2条（統計）\n当社は、お客様のデータを集計し、統計情報として利用することがあります。\n",
    )
    .unwrap();
    let prompt = root.join(PROMPT);
    std::fs::create_dir_all(&prompt).unwrap();
    std::fs::write(
        prompt.join("契約書.txt"),
        "業務委託契約書\n\n社会医療法人青葉会（以下「甲」という。）と即時報告株式会社（以下「乙」という。）は、次のとおり契約を締結する。\n\n第1条（事故報告）\n乙は、個人情報の漏えいその他の事故が発生したことを知ったときは、直ちに甲に報告しなければならない。\n",
    )
    .unwrap();
}

/// One scan with no --guideline (the default edition), every format.
fn scan() -> &'static Scan {
    static SCAN: OnceLock<Scan> = OnceLock::new();
    SCAN.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("edition_reports-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let input = dir.join("in");
        contracts(&input);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keiyaku"));
        cmd.args(["scan", "-q", "--ocr", "never"]).arg(&input);
        for ext in ["json", "txt", "csv", "xlsx", "md", "html"] {
            cmd.arg("-o").arg(dir.join(format!("r.{ext}")));
        }
        let o = cmd.output().expect("run keiyaku");
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "stderr: {}",
            stderr(&o)
        );
        let json: Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap())
            .expect("JSON report");
        Scan { dir, json }
    })
}

fn read(name: &str) -> String {
    std::fs::read_to_string(scan().dir.join(name)).unwrap()
}

/// The facts every writer must show, as the JSON report has them.
#[test]
fn the_fixture_has_a_recommendation_missing_a_warned_source_a_conflict_and_a_deadline_class() {
    let r = &scan().json;
    assert_eq!(r["guideline"]["edition"], "6.0");
    let backup = provision(vendor(r, PROMPT), "backup");
    assert_eq!(backup["applies"], "recommended");
    assert_eq!(backup["status"], "missing");
    let sla = r["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "sla-availability")
        .unwrap();
    assert!(sla["source_warning"].as_str().unwrap().starts_with('⚠'));
    assert_eq!(
        provision(vendor(r, STATS), "purpose-limitation")["conflict"],
        true
    );
    assert_eq!(
        provision(vendor(r, PROMPT), "incident-reporting")["evidence"][0]["deadline"]["class"],
        "immediate"
    );
}

#[test]
fn text_report_shows_the_edition_tiers_warnings_conflict_and_deadline_class() {
    let t = read("r.txt");
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[1], EDITION, "the edition under the first line");
    assert!(t.contains("注: 第7.0版"), "the edition's notes");
    let block = &t[t.find(&format!("■ {PROMPT}")).unwrap()..];
    let block = &block[..block.find("\n\n").unwrap_or(block.len())];
    let required = block.find("［必須］").expect("required group");
    let recommended = block.find("［推奨（要検討）］").expect("recommended group");
    assert!(required < recommended, "required first");
    let backup = block
        .lines()
        .find(|l| l.contains("バックアップ"))
        .expect("backup line");
    assert!(backup.trim_start().starts_with("要検討"), "{backup}");
    assert!(!backup.contains('×'), "{backup}");
    let gaps = block.lines().find(|l| l.starts_with("  不足:")).unwrap();
    assert!(!gaps.contains("バックアップ"), "{gaps}");
    assert!(
        gaps.contains("従事者教育"),
        "a required provision is a gap: {gaps}"
    );
    let consider = block
        .lines()
        .find(|l| l.starts_with("  要検討（推奨）:"))
        .unwrap();
    assert!(consider.contains("バックアップ"), "{consider}");
    // ⚠ beside the title, the source in the notes.
    let sla = block.lines().find(|l| l.contains("SLA")).unwrap();
    assert!(sla.contains('⚠'), "{sla}");
    assert!(
        t.contains("出典の注意: SLA: ⚠ 出典は案・二次情報のみ"),
        "{t}"
    );
    assert!(block.contains("期限: 直ちに（即時）"), "{block}");
    let stats = &t[t.find(&format!("■ {STATS}")).unwrap()..];
    let conflict = stats
        .lines()
        .find(|l| l.contains("矛盾:"))
        .expect("conflict");
    assert!(
        conflict.contains("第1条「当社は、お客様のデータを本サービスの提供以外"),
        "{conflict}"
    );
    // The totals count the recommendation as 要検討, not as ×.
    let total = lines.iter().find(|l| l.starts_with("合計:")).unwrap();
    assert!(total.contains("要検討"), "{total}");
}

fn csv_rows() -> Vec<csv::StringRecord> {
    let bytes = std::fs::read(scan().dir.join("r.csv")).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap())
        .collect()
}

/// The row of `vendor`'s provision `title` as header → cell.
fn row_of<'a>(
    head: &[String],
    rows: &'a [Vec<String>],
    vendor: &str,
    title: &str,
) -> std::collections::HashMap<String, &'a str> {
    let v = head.iter().position(|h| h == "事業者").unwrap();
    let t = head.iter().position(|h| h == "条項").unwrap();
    let row = rows
        .iter()
        .find(|r| r[v] == vendor && r[t].starts_with(title))
        .unwrap_or_else(|| panic!("no row {vendor} {title}"));
    head.iter()
        .cloned()
        .zip(row.iter().map(String::as_str))
        .collect()
}

fn title(id: &str) -> String {
    provision(vendor(&scan().json, PROMPT), id)["title"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The CSV and the XLSX 詳細 sheet: a 層 column, 要検討 for a missing
/// recommendation, the ⚠ source and the conflict in 注記.
fn check_detail(head: &[String], rows: &[Vec<String>]) {
    assert_eq!(head[2], "層");
    assert_eq!(head.last().unwrap(), "注記");
    let backup = row_of(head, rows, PROMPT, &title("backup"));
    assert_eq!(backup["層"], "推奨");
    assert_eq!(backup["判定"], "要検討 推奨・なし");
    let conf = row_of(head, rows, PROMPT, &title("personnel-education"));
    assert_eq!(conf["層"], "必須");
    assert_eq!(conf["判定"], "× なし");
    let sla = row_of(head, rows, PROMPT, &title("sla-availability"));
    assert!(
        sla["注記"].starts_with("⚠ 出典は案・二次情報のみ"),
        "{sla:?}"
    );
    let incident = row_of(head, rows, PROMPT, &title("incident-reporting"));
    assert!(
        incident["理由"].contains("期限: 直ちに（即時）"),
        "{incident:?}"
    );
    let purpose = row_of(head, rows, STATS, &title("purpose-limitation"));
    assert!(purpose["注記"].contains("矛盾:"), "{purpose:?}");
    assert!(purpose["注記"].contains("統計情報として利用することがあります"));
    assert!(purpose["注記"].contains("提供以外の目的で利用しません"));
}

#[test]
fn csv_has_a_tier_column_consider_for_a_missing_recommendation_and_notes() {
    let rows: Vec<Vec<String>> = csv_rows()
        .iter()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    check_detail(&rows[0], &rows[1..]);
    let csv = std::fs::read(scan().dir.join("r.csv")).unwrap();
    assert!(
        keiyaku::report::csv::is_report(&csv),
        "recognised as a report"
    );
}

fn sheet(name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(scan().dir.join("r.xlsx")).expect("open xlsx");
    let range = wb.worksheet_range(name).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn xlsx_shows_the_edition_a_tier_row_and_consider_not_missing() {
    let overview = sheet("一覧");
    let head = &overview[0];
    let col = |short: &str| head.iter().position(|h| h.starts_with(short)).unwrap();
    assert!(head[col("SLA")].ends_with('⚠'));
    assert_eq!(overview[1][0], "層");
    assert_eq!(overview[1][col("バックアップ")], "推奨");
    assert_eq!(overview[1][col("従事者教育")], "必須");
    let row = overview.iter().find(|r| r[0] == PROMPT).unwrap();
    assert_eq!(row[col("バックアップ")], "要検討");
    assert_eq!(row[col("従事者教育")], "×");
    let detail = sheet("詳細");
    check_detail(&detail[0], &detail[1..]);
    let run = sheet("実行情報");
    let value = |key: &str| run.iter().find(|r| r[0] == key).map(|r| r[1].clone());
    assert_eq!(value("照合基準").as_deref(), Some(EDITION));
    assert!(value("出典の注意").unwrap().contains("⚠"));
    assert!(
        value("推奨 × なし").is_none(),
        "no missing recommendation counted"
    );
    assert!(value("要検討 推奨・なし").is_some());
    let xlsx = std::fs::read(scan().dir.join("r.xlsx")).unwrap();
    assert!(keiyaku::report::xlsx::is_report(&xlsx));
}

#[test]
fn markdown_shows_the_edition_a_tier_row_and_consider_not_a_gap() {
    let md = read("r.md");
    assert!(md.contains(&format!("- {EDITION}")), "{md}");
    let tiers = md
        .lines()
        .find(|l| l.starts_with("| 層 |"))
        .expect("tier row");
    assert!(tiers.contains("推奨") && tiers.contains("必須"), "{tiers}");
    let row = md
        .lines()
        .find(|l| l.starts_with(&format!("| {PROMPT} |")))
        .unwrap();
    assert!(row.contains("| 要検討 |"), "{row}");
    let section = &md[md.find(&format!("## {PROMPT}")).unwrap()..];
    let backup = section
        .lines()
        .find(|l| l.contains("バックアップ"))
        .unwrap();
    assert!(backup.contains("| 推奨 | 要検討 推奨・なし |"), "{backup}");
    let gaps = section.lines().find(|l| l.starts_with("不足:")).unwrap();
    assert!(!gaps.contains("バックアップ"), "{gaps}");
    assert!(section.contains("要検討（推奨）: "));
    assert!(md.contains("- 出典の注意: SLA: ⚠ 出典は案・二次情報のみ"));
    assert!(section.contains("期限: 直ちに（即時）"));
    let stats = &md[md.find(&format!("## {STATS}")).unwrap()..];
    assert!(stats.contains("矛盾: 第2条「"), "{stats}");
}

#[test]
fn html_shows_the_edition_groups_recommendations_and_marks_warnings_and_conflicts() {
    let h = read("r.html");
    assert!(h.contains(&format!("<dt>照合基準</dt><dd>{}", EDITION)));
    assert!(h.contains("<th class=\"vendor-col tier\">層</th>"));
    let start = h.find(&format!("<h2>{PROMPT}")).unwrap();
    let sec = &h[start..start + h[start..].find("</section>").unwrap()];
    let (req, rec) = (
        sec.find("<h3>規定</h3>").unwrap(),
        sec.find("<h3>推奨（要検討）</h3>").unwrap(),
    );
    assert!(req < rec);
    let backup = &sec[sec.find(&title("backup")).unwrap() - 200..];
    assert!(
        backup.contains("data-status=\"consider\"><h4><span class=\"badge st-consider\"><span class=\"mark\">要検討</span>"),
        "{backup:.400}"
    );
    let summary = &sec[sec.find("<p>文書").unwrap()..];
    let summary = &summary[..summary.find("</p>").unwrap()];
    let gaps = &summary[summary.find("不足:").unwrap()..];
    let gaps = &gaps[..gaps.find('。').unwrap()];
    assert!(!gaps.contains("バックアップ"), "{summary}");
    assert!(summary.contains("要検討（推奨）: "), "{summary}");
    assert!(sec.contains("<span class=\"srcwarn\">⚠</span>"));
    assert!(sec.contains("期限: 直ちに（即時）"));
    assert!(h.contains("<input type=\"checkbox\" data-status=\"consider\" checked>"));
    let stats = &h[h.find(&format!("<h2>{STATS}")).unwrap()..];
    assert!(stats.contains("<p class=\"warn conflict\">矛盾: 第2条「"));
}

/// With a rule set whose conditional provision is 対象外 when its condition
/// does not hold, the writers say 対象外 and never count it.
#[test]
fn a_provision_whose_condition_does_not_hold_is_shown_as_not_applicable() {
    // keiyaku.toml says no vendor stores the hospital's medical information
    // (外部保存): purpose-limitation and data-return-deletion do not apply.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    contracts(&input);
    std::fs::write(input.join("keiyaku.toml"), "external_storage = false\n").unwrap();
    let (txt, md) = (tmp.path().join("r.txt"), tmp.path().join("r.md"));
    let o = Command::new(env!("CARGO_BIN_EXE_keiyaku"))
        .args(["scan", "-q", "--guideline", "6.0"])
        .arg(&input)
        .arg("-o")
        .arg(&txt)
        .arg("-o")
        .arg(&md)
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let t = std::fs::read_to_string(&txt).unwrap();
    assert!(t.contains("［対象外（条件に該当せず）］"), "{t}");
    let line = t
        .lines()
        .find(|l| l.contains("目的外利用・分析等の禁止（外部保存）"))
        .unwrap();
    assert!(line.trim_start().starts_with("対象外"), "{line}");
    for l in t
        .lines()
        .filter(|l| l.contains("不足:") || l.contains("要検討（推奨）:"))
    {
        assert!(!l.contains("目的外利用禁止"), "{l}");
        assert!(!l.contains("返却・廃棄"), "{l}");
    }
    assert!(
        t.contains("対象外 4"),
        "two provisions for two vendors: {t}"
    );
    let md = std::fs::read_to_string(&md).unwrap();
    let tiers = md.lines().find(|l| l.starts_with("| 層 |")).unwrap();
    assert!(tiers.contains("| 対象外 |"), "{tiers}");
}
