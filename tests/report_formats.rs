//! The XLSX, CSV and Markdown reports say what the JSON report of the same
//! scan says: one scan of samples/ writes all four (`-o` picks the format by
//! extension), then each file is read back and compared cell by cell.

mod util;
use util::*;

use calamine::{open_workbook, Data, Reader, Xlsx};

use keiyaku::report::model::{DocStatus, Status};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The one scan of samples/ every test here reads.
struct Scan {
    dir: PathBuf,
    json: Value,
}

fn scan() -> &'static Scan {
    static SCAN: OnceLock<Scan> = OnceLock::new();
    SCAN.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("report_formats-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = |name: &str| dir.join(name).to_str().unwrap().to_string();
        let (json, xlsx, csv, md) = (out("r.json"), out("r.xlsx"), out("r.csv"), out("r.md"));
        let o = keiyaku(&[
            "scan",
            "-q",
            samples().to_str().unwrap(),
            "-o",
            &json,
            "-o",
            &xlsx,
            "-o",
            &csv,
            "-o",
            &md,
        ]);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "stderr: {}",
            stderr(&o)
        );
        let json = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        Scan { dir, json }
    })
}

fn status(s: &str) -> Status {
    match s {
        "present" => Status::Present,
        "weak" => Status::Weak,
        "negated" => Status::Negated,
        "missing" => Status::Missing,
        "unknown" => Status::Unknown,
        _ => panic!("status {s}"),
    }
}

fn doc_status(s: &str) -> DocStatus {
    match s {
        "ok" => DocStatus::Ok,
        "error" => DocStatus::Error,
        "encrypted" => DocStatus::Encrypted,
        "no_text" => DocStatus::NoText,
        "unsupported" => DocStatus::Unsupported,
        "skipped" => DocStatus::Skipped,
        "ignored" => DocStatus::Ignored,
        _ => panic!("document status {s}"),
    }
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

fn vendors(r: &Value) -> &Vec<Value> {
    arr(&r["vendors"])
}

fn provisions(v: &Value) -> &Vec<Value> {
    arr(&v["provisions"])
}

/// The mark the JSON status of a vendor's provision stands for.
fn mark_of(p: &Value) -> &'static str {
    status(p["status"].as_str().unwrap()).mark()
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("open xlsx");
    let range = wb.worksheet_range(name).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Rows as maps from header to cell.
fn records(rows: &[Vec<Data>]) -> Vec<HashMap<String, Data>> {
    let head: Vec<String> = rows[0].iter().map(text).collect();
    rows[1..]
        .iter()
        .map(|r| head.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

#[test]
fn xlsx_overview_marks_equal_json_statuses_per_vendor_and_provision() {
    let s = scan();
    let rows = sheet(&s.dir.join("r.xlsx"), "一覧");
    let head: Vec<String> = rows[0].iter().map(text).collect();
    let shorts: Vec<&str> = arr(&s.json["provisions"])
        .iter()
        .map(|p| p["short"].as_str().unwrap())
        .collect();
    assert_eq!(head[0], "事業者");
    assert_eq!(head[1..], shorts[..], "column headers are the short names");
    let vs = vendors(&s.json);
    for (i, v) in vs.iter().enumerate() {
        let row = &rows[i + 1];
        assert_eq!(text(&row[0]), v["name"].as_str().unwrap());
        for (j, p) in provisions(v).iter().enumerate() {
            assert_eq!(text(&row[j + 1]), mark_of(p), "{} {}", v["name"], p["id"]);
        }
    }
}

#[test]
fn xlsx_overview_colours_each_status_alike_and_negated_unlike_missing() {
    let s = scan();
    let mut wb: Xlsx<_> = open_workbook(s.dir.join("r.xlsx")).unwrap();
    let styles = wb.worksheet_style("一覧").unwrap();
    let mut fills: BTreeMap<Status, HashSet<String>> = BTreeMap::new();
    for (i, v) in vendors(&s.json).iter().enumerate() {
        for (j, p) in provisions(v).iter().enumerate() {
            let style = styles
                .get((i as u32 + 1, j as u32 + 1))
                .expect("a styled cell");
            let fill = style
                .fill
                .as_ref()
                .and_then(|f| f.foreground_color.or(f.background_color))
                .expect("a filled cell");
            fills
                .entry(status(p["status"].as_str().unwrap()))
                .or_default()
                .insert(format!("{fill:?}"));
        }
    }
    for (st, f) in &fills {
        assert_eq!(f.len(), 1, "{st:?} has one fill: {f:?}");
    }
    // samples/ has every status; each has its own colour.
    assert_eq!(fills.len(), 5, "{fills:?}");
    let distinct: HashSet<&String> = fills.values().flatten().collect();
    assert_eq!(distinct.len(), 5, "{fills:?}");
    assert_ne!(fills[&Status::Negated], fills[&Status::Missing]);
}

#[test]
fn xlsx_detail_has_a_row_per_vendor_and_provision_quoting_the_evidence() {
    let s = scan();
    let rows = records(&sheet(&s.dir.join("r.xlsx"), "詳細"));
    let suggestions: HashMap<&str, &str> = arr(&s.json["provisions"])
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap(),
                p["suggestion"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let expected: Vec<(&Value, &Value)> = vendors(&s.json)
        .iter()
        .flat_map(|v| provisions(v).iter().map(move |p| (v, p)))
        .collect();
    assert_eq!(rows.len(), expected.len(), "vendors × provisions");
    let mut pages = 0;
    for (row, (v, p)) in rows.iter().zip(&expected) {
        let what = format!("{} {}", v["name"], p["id"]);
        assert_eq!(text(&row["事業者"]), v["name"].as_str().unwrap(), "{what}");
        assert_eq!(text(&row["条項"]), p["title"].as_str().unwrap(), "{what}");
        let st = status(p["status"].as_str().unwrap());
        assert_eq!(
            text(&row["判定"]),
            format!("{} {}", st.mark(), st.label_ja()),
            "{what}"
        );
        // A × quotes its near miss when there is one.
        let ev = match &p["evidence"][0] {
            Value::Null => &p["near_miss"]["evidence"],
            e => e,
        };
        assert_eq!(
            text(&row["引用"]),
            ev["text"].as_str().unwrap_or(""),
            "{what}"
        );
        assert_eq!(
            text(&row["文書"]),
            ev["path"].as_str().unwrap_or(""),
            "{what}"
        );
        assert_eq!(
            text(&row["条項番号"]),
            ev["clause"].as_str().unwrap_or(""),
            "{what}"
        );
        match ev["page"].as_u64() {
            Some(n) => {
                assert_eq!(
                    row["ページ"],
                    Data::Float(n as f64),
                    "{what}: a number cell"
                );
                pages += 1;
            }
            None => assert_eq!(row["ページ"], Data::Empty, "{what}"),
        }
        let reason = text(&row["理由"]);
        match st {
            // A × with a near miss gives its note as the reason.
            Status::Missing => assert_eq!(
                reason,
                p["near_miss"]["note"].as_str().unwrap_or("該当条項なし"),
                "{what}"
            ),
            Status::Unknown => assert_eq!(reason, "読めない文書あり", "{what}"),
            _ => assert!(!reason.is_empty(), "{what}"),
        }
        let suggestion = suggestions[p["id"].as_str().unwrap()];
        if st == Status::Present {
            assert_eq!(row["推奨条項例"], Data::Empty, "{what}");
        } else {
            assert_eq!(text(&row["推奨条項例"]), suggestion, "{what}");
        }
    }
    assert!(pages > 0, "samples/ has PDF evidence with a page");
}

#[test]
fn xlsx_documents_sheet_lists_every_document_with_its_status() {
    let s = scan();
    let rows = records(&sheet(&s.dir.join("r.xlsx"), "文書"));
    let mut expected: Vec<(String, &Value)> = vendors(&s.json)
        .iter()
        .flat_map(|v| {
            arr(&v["documents"])
                .iter()
                .map(move |d| (v["name"].as_str().unwrap().to_string(), d))
        })
        .collect();
    if let Some(ignored) = s.json["ignored"].as_array() {
        expected.extend(ignored.iter().map(|d| (String::new(), d)));
    }
    assert_eq!(rows.len(), expected.len());
    for (row, (vendor, d)) in rows.iter().zip(&expected) {
        let path = d["path"].as_str().unwrap();
        assert_eq!(text(&row["事業者"]), *vendor, "{path}");
        assert_eq!(text(&row["パス"]), path);
        assert_eq!(
            text(&row["状態"]),
            doc_status(d["status"].as_str().unwrap()).label_ja(),
            "{path}"
        );
        assert_eq!(text(&row["sha256"]), d["sha256"].as_str().unwrap_or(""));
        match d["pages"].as_u64() {
            Some(n) => assert_eq!(row["ページ数"], Data::Float(n as f64), "{path}"),
            None => assert_eq!(row["ページ数"], Data::Empty, "{path}"),
        }
        for party in d["parties"].as_array().into_iter().flatten() {
            let def = format!(
                "{}＝{}",
                party["label"].as_str().unwrap(),
                party["name"].as_str().unwrap()
            );
            assert!(text(&row["当事者"]).contains(&def), "{path}: {def}");
        }
    }
    let statuses: HashSet<String> = rows.iter().map(|r| text(&r["状態"])).collect();
    assert!(
        statuses.len() >= 4,
        "samples/ has ok files and unreadable ones of three kinds: {statuses:?}"
    );
}

#[test]
fn xlsx_run_sheet_records_rule_set_sha256_paths_and_a_real_date() {
    let s = scan();
    let rows = sheet(&s.dir.join("r.xlsx"), "実行情報");
    let value = |key: &str| -> Vec<&Data> {
        rows.iter()
            .filter(|r| text(&r[0]) == key)
            .map(|r| &r[1])
            .collect()
    };
    let sha = s.json["rules"]["sha256"].as_str().unwrap();
    assert_eq!(value("規則セット sha256"), [&Data::String(sha.into())]);
    assert_eq!(
        text(value("規則セット")[0]),
        s.json["rules"]["id"].as_str().unwrap()
    );
    assert_eq!(
        text(value("対象 PATH")[0]),
        s.json["run"]["paths"][0].as_str().unwrap()
    );
    let source = s.json["provisions"][0]["source"].as_str().unwrap();
    assert!(value("ガイドライン出典").iter().any(|d| text(d) == source));
    let date = value("実行日時（UTC）");
    assert_eq!(date.len(), 1);
    match date[0] {
        Data::DateTime(d) => assert!(d.as_f64() > 46000.0, "after 2025: {d:?}"),
        other => panic!("the run date is a date cell, not {other:?}"),
    }
}

#[test]
fn xlsx_is_byte_identical_across_runs_given_source_date_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let path = dir.path().join(name);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_keiyaku"))
            .args([
                "scan",
                "--guideline",
                "5.2",
                "-q",
                samples().to_str().unwrap(),
                "-o",
            ])
            .arg(&path)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .output()
            .unwrap();
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        std::fs::read(path).unwrap()
    };
    assert!(run("a.xlsx") == run("b.xlsx"));
}

fn csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("starts with a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("valid CSV"))
        .collect()
}

#[test]
fn csv_starts_with_bom_and_has_a_row_per_vendor_and_provision_with_json_statuses() {
    let s = scan();
    let bytes = std::fs::read(s.dir.join("r.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let rows = csv_rows(&bytes);
    assert_eq!(&rows[0][0], "事業者");
    assert_eq!(rows[0].len(), 10);
    let expected: Vec<(&Value, &Value)> = vendors(&s.json)
        .iter()
        .flat_map(|v| provisions(v).iter().map(move |p| (v, p)))
        .collect();
    assert_eq!(rows.len() - 1, expected.len());
    for (row, (v, p)) in rows[1..].iter().zip(&expected) {
        assert_eq!(&row[0], v["name"].as_str().unwrap());
        assert_eq!(&row[1], p["title"].as_str().unwrap());
        let st = status(p["status"].as_str().unwrap());
        assert_eq!(row[2], format!("{} {}", st.mark(), st.label_ja()));
        let quote = p["evidence"][0]["text"]
            .as_str()
            .or(p["near_miss"]["evidence"]["text"].as_str());
        assert_eq!(&row[8], quote.unwrap_or(""));
    }
}

/// A vendor folder whose name holds `,"`, a line break and `|`, with a
/// contract whose deciding sentence quotes `"A-1,"B"`.
fn awkward_vendor(root: &Path) -> (String, String) {
    let name = "引用,\"商事\"\n支店|東";
    let quote = "乙は、本業務（管理番号 \"A-1,\"B\"）に関して個人情報の漏えいその他の事故が発生したことを知ったときは、直ちに甲に報告しなければならない。";
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("契約書.txt"),
        format!(
            "業務委託契約書\n\n社会医療法人青葉会（以下「甲」という。）と引用商事株式会社（以下「乙」という。）は、次のとおり契約を締結する。\n\n第1条（事故報告）\n{quote}\n"
        ),
    )
    .unwrap();
    (name.to_string(), quote.to_string())
}

fn scan_to(input: &Path, outputs: &[&Path]) {
    let mut args: Vec<String> = vec!["scan".into(), "-q".into(), input.to_str().unwrap().into()];
    for o in outputs {
        args.push("-o".into());
        args.push(o.to_str().unwrap().into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = keiyaku(&args);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
}

#[test]
fn csv_fields_with_comma_quote_and_line_break_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let (name, quote) = awkward_vendor(&input);
    let (json, csv_path, xlsx) = (
        tmp.path().join("r.json"),
        tmp.path().join("r.csv"),
        tmp.path().join("r.xlsx"),
    );
    scan_to(&input, &[&json, &csv_path, &xlsx]);
    let r: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let v = vendor(&r, &name);
    let reporting = provisions(v)
        .iter()
        .find(|p| p["id"] == "incident-reporting")
        .unwrap();
    assert_eq!(reporting["evidence"][0]["text"], quote.as_str());

    let rows = csv_rows(&std::fs::read(&csv_path).unwrap());
    let row = rows
        .iter()
        .find(|r| &r[1] == reporting["title"].as_str().unwrap())
        .unwrap();
    assert_eq!(&row[0], name, "vendor name with , \" and a line break");
    assert_eq!(&row[8], quote, "quote with ,\"");
    assert_eq!(&row[4], format!("{name}/契約書.txt"));
    assert_eq!(rows.len() - 1, provisions(v).len());

    let detail = records(&sheet(&xlsx, "詳細"));
    assert!(detail
        .iter()
        .any(|r| text(&r["事業者"]) == name && text(&r["引用"]) == quote));
}

/// The cells of a Markdown table row, unescaped enough to compare marks.
fn md_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => cells.last_mut().unwrap().extend(chars.next()),
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

#[test]
fn markdown_overview_row_of_a_vendor_equals_json_marks() {
    let s = scan();
    let md = std::fs::read_to_string(s.dir.join("r.md")).unwrap();
    let shorts: Vec<&str> = arr(&s.json["provisions"])
        .iter()
        .map(|p| p["short"].as_str().unwrap())
        .collect();
    let header = md
        .lines()
        .find(|l| l.starts_with("| 事業者 |"))
        .expect("overview table");
    assert_eq!(md_cells(header)[1..], shorts[..]);
    for name in ["ことぶきデータ", "信州ネットワーク"] {
        let v = vendor(&s.json, name);
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .expect("overview row");
        let marks: Vec<&str> = provisions(v).iter().map(mark_of).collect();
        assert_eq!(md_cells(line)[1..], marks[..], "{name}");
    }
    for st in [Status::Negated, Status::Missing, Status::Unknown] {
        assert!(md.contains(st.mark()), "legend names {st:?}");
    }
}

#[test]
fn markdown_cells_escape_pipes_and_line_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let (name, quote) = awkward_vendor(&input);
    let (json, md) = (tmp.path().join("r.json"), tmp.path().join("r.md"));
    scan_to(&input, &[&json, &md]);
    let r: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let v = vendor(&r, &name);
    let md = std::fs::read_to_string(&md).unwrap();
    let row = md
        .lines()
        .find(|l| l.contains("支店") && l.matches('|').count() > 2 && !l.starts_with("##"))
        .expect("overview row");
    let cells = md_cells(row);
    assert_eq!(cells.len(), 1 + provisions(v).len(), "{row}");
    assert_eq!(cells[0], name.replace('\n', "<br>"));
    let marks: Vec<&str> = provisions(v).iter().map(mark_of).collect();
    assert_eq!(cells[1..], marks[..]);
    assert!(!quote.is_empty());
}

#[test]
fn markdown_report_left_in_a_scanned_folder_is_ignored_not_read() {
    let s = scan();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ベンダー");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(s.dir.join("r.md"), dir.join("前回.md")).unwrap();
    let r = scan_json(&[tmp.path().to_str().unwrap()], &[]);
    let v = vendor(&r, "ベンダー");
    assert_eq!(v["documents"][0]["status"], "ignored", "{v}");
}

#[test]
fn xlsx_and_csv_reports_carry_a_mark_a_later_scan_can_recognise() {
    let s = scan();
    let xlsx = std::fs::read(s.dir.join("r.xlsx")).unwrap();
    let csv = std::fs::read(s.dir.join("r.csv")).unwrap();
    assert!(keiyaku::report::xlsx::is_report(&xlsx));
    assert!(keiyaku::report::csv::is_report(&csv));
    assert!(!keiyaku::report::csv::is_report(&xlsx));
    assert!(!keiyaku::report::xlsx::is_report(&csv));
}
