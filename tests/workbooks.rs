//! Workbooks (.xlsx made here with rust_xlsxwriter; .ods made by LibreOffice,
//! see tests/data/office/README.md): each sheet is a page named after the
//! sheet, each row a table row, and the evidence names the sheet.

mod util;

use rust_xlsxwriter::Workbook;
use std::path::Path;
use util::*;

/// The main contract: parties, an incident clause, no allocation of duties
/// (that is in the attached workbook).
const CONTRACT: &str = "業務委託契約書\n\
医療法人青葉会（以下「甲」という。）と株式会社北斗データ（以下「乙」という。）は、次のとおり契約を締結する。\n\
第1条（事故報告）\n\
乙は、事故が発生したときは、直ちに甲に報告しなければならない。\n";

/// A workbook whose second sheet, 責任分界表, allocates the duties.
fn write_workbook(path: &Path) {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("表紙").unwrap();
    cover.write_string(0, 0, "別紙　運用体制").unwrap();
    let table = wb.add_worksheet();
    table.set_name("責任分界表").unwrap();
    let rows = [
        ["区分", "甲（委託者）", "乙（受託者）"],
        [
            "障害発生時の責任分担",
            "院内ネットワーク及び端末",
            "データセンター設備及び本サービス",
        ],
        ["バックアップ", "", "毎日取得する"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                table
                    .write_string(r as u32 + 1, c as u16 + 1, *cell)
                    .unwrap();
            }
        }
    }
    let hidden = wb.add_worksheet();
    hidden.set_name("作業用").unwrap();
    hidden.write_number(0, 0, 42.0).unwrap();
    hidden.set_hidden(true);
    wb.save(path).unwrap();
}

fn vendor_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("北斗データ");
    std::fs::create_dir(&v).unwrap();
    std::fs::write(v.join("業務委託契約書.txt"), CONTRACT).unwrap();
    write_workbook(&v.join("別紙_責任分界表.xlsx"));
    dir
}

#[test]
fn a_duty_allocated_in_a_workbook_sheet_is_evidence_naming_the_sheet() {
    let dir = vendor_folder();
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let v = vendor(&r, "北斗データ");
    let p = provision(v, "responsibility-scope");
    assert_eq!(p["status"], "present", "{p}");
    let e = &p["evidence"][0];
    assert_eq!(e["path"], "北斗データ/別紙_責任分界表.xlsx");
    assert_eq!(e["page"], 2);
    assert_eq!(e["sheet"], "責任分界表");
    let doc = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["format"] == "xlsx")
        .unwrap();
    assert_eq!(doc["status"], "ok");
    assert_eq!(doc["pages"], 3);
}

#[test]
fn text_markdown_html_and_csv_show_the_sheet_where_the_page_goes() {
    let dir = vendor_folder();
    let root = dir.path().to_str().unwrap();
    for (format, needle) in [
        ("text", "別紙_責任分界表.xlsx シート: 責任分界表"),
        ("md", "責任分界表.xlsx シート: 責任分界表"),
        ("html", " シート: 責任分界表"),
        ("csv", "シート: 責任分界表"),
    ] {
        let o = keiyaku(&["scan", "--format", format, "--color", "never", root]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains(needle), "{format}: {}", stdout(&o));
    }
}

#[test]
fn keiyaku_text_reads_every_sheet_hidden_ones_too_a_row_per_line() {
    let dir = vendor_folder();
    let path = dir.path().join("北斗データ/別紙_責任分界表.xlsx");
    let o = keiyaku(&["text", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "別紙　運用体制\n\u{c}区分\t甲（委託者）\t乙（受託者）\n\
         障害発生時の責任分担\t院内ネットワーク及び端末\tデータセンター設備及び本サービス\n\
         バックアップ\t\t毎日取得する\n\u{c}42\n"
    );
}
