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

fn xls_fixture(name: &str) -> std::path::PathBuf {
    root().join("tests/data/xls").join(name)
}

/// The workbook of [`write_workbook`] and more, saved by LibreOffice as .xls
/// and as .xlsx (tests/data/xls/README.md): the same text either way, but
/// for a formula's cached value.
#[test]
fn an_xls_workbook_reads_as_its_xlsx_twin() {
    let text = |name: &str| {
        let o = keiyaku(&["text", xls_fixture(name).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        stdout(&o)
    };
    let xls = text("責任分界表.xls");
    // One exception: a formula's value is read as the file caches it, and
    // LibreOffice's .xls export caches no text result (its FORMULA record
    // holds 0 and no STRING record follows), where its .xlsx keeps 乙が対応.
    let xlsx = text("責任分界表.xlsx");
    assert!(xlsx.contains("\t乙が対応\n"), "{xlsx}");
    assert_eq!(xls, xlsx.replace("\t乙が対応\n", "\t0\n"));
    for needle in [
        "区分\t甲（委託者）\t乙（受託者）\n",
        "障害発生時の責任分担\t院内ネットワーク及び端末\tデータセンター設備及び本サービス\n",
        "バックアップ\t\t毎日取得する\n",
        "報告期限\t2025/04/01\t24\n",
        "備考\t障害時は 直ちに報告\t0\n",
        "\u{c}42\n",
    ] {
        assert!(xls.contains(needle), "{needle:?} not in {xls:?}");
    }
}

#[test]
fn a_duty_allocated_in_an_xls_sheet_is_evidence_naming_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("北斗データ");
    std::fs::create_dir(&v).unwrap();
    std::fs::write(v.join("業務委託契約書.txt"), CONTRACT).unwrap();
    std::fs::copy(xls_fixture("責任分界表.xls"), v.join("別紙_責任分界表.xls")).unwrap();
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let v = vendor(&r, "北斗データ");
    let p = provision(v, "responsibility-scope");
    assert_eq!(p["status"], "present", "{p}");
    let e = &p["evidence"][0];
    assert_eq!(e["path"], "北斗データ/別紙_責任分界表.xls");
    assert_eq!(e["sheet"], "責任分界表");
    let doc = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["format"] == "xls")
        .unwrap();
    assert_eq!(doc["status"], "ok");
    assert_eq!(doc["pages"], 3);
}

/// A BIFF8 Workbook stream with one sheet holding a number at A1 and one at
/// IV65536: calamine would lay out 16.7 million cells.
fn corner_cells_xls() -> Vec<u8> {
    use std::io::Write;
    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }
    let number = |row: u16, col: u16| {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        rec(0x0203, &d)
    };
    let bof = rec(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0]);
    let eof = rec(0x000A, &[]);
    let globals_len = bof.len() + 4 + 9 + eof.len();
    let mut sheet = (globals_len as u32).to_le_bytes().to_vec();
    sheet.extend([0, 0, 1, 0, b'S']);
    let mut stream = bof.clone();
    stream.extend(rec(0x0085, &sheet));
    stream.extend(&eof);
    stream.extend(bof);
    stream.extend(number(0, 0));
    stream.extend(number(65535, 255));
    stream.extend(eof);
    let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cf.into_inner().into_inner()
}

#[test]
fn a_password_protected_xls_is_encrypted_and_one_too_large_to_lay_out_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("V");
    std::fs::create_dir(&v).unwrap();
    std::fs::copy(xls_fixture("責任分界表_locked.xls"), v.join("locked.xls")).unwrap();
    std::fs::write(v.join("corners.xls"), corner_cells_xls()).unwrap();
    std::fs::write(
        v.join("web.xls"),
        "<html><table><tr><td>x</td></tr></table></html>",
    )
    .unwrap();
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let v = vendor(&r, "V");
    let doc = |name: &str| {
        v["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == format!("V/{name}"))
            .unwrap_or_else(|| panic!("{name}: {v}"))
            .clone()
    };
    assert_eq!(doc("locked.xls")["status"], "encrypted");
    let corners = doc("corners.xls");
    assert_eq!(corners["status"], "error");
    assert!(
        corners["reason"].as_str().unwrap().contains("cells"),
        "{corners}"
    );
    assert_eq!(doc("web.xls")["status"], "unsupported");
    assert_eq!(v["complete"], false);
}
