//! OpenDocument (.odt, .ods) and RTF, from tests/data/office/ (made by
//! scripts/fixtures/make_office_fixtures.py), and hostile workbooks made here.

mod util;

use std::io::Write;
use std::path::{Path, PathBuf};
use util::*;

fn office(name: &str) -> PathBuf {
    root().join("tests/data/office").join(name)
}

/// A scanned folder holding one vendor folder with these files.
fn vendor_dir(vendor: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join(vendor);
    std::fs::create_dir(&v).unwrap();
    for (name, bytes) in files {
        std::fs::write(v.join(name), bytes).unwrap();
    }
    dir
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

/// Statuses and near-miss kinds of a vendor, one line for readable diffs.
fn verdicts(v: &serde_json::Value) -> String {
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}={}{}",
                p["id"].as_str().unwrap(),
                p["status"].as_str().unwrap(),
                p["near_miss"]["kind"]
                    .as_str()
                    .map(|k| format!("({k})"))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn scan_one(vendor: &str, name: &str, bytes: &[u8]) -> serde_json::Value {
    let dir = vendor_dir(vendor, &[(name, bytes)]);
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    util::vendor(&r, vendor).clone()
}

fn text_of(path: &Path) -> String {
    let o = keiyaku(&["text", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn odt_and_rtf_twins_of_a_docx_give_the_docx_statuses_and_near_misses() {
    let docx = samples().join("東和ソフトウェア/保守サービス契約書.docx");
    let want = verdicts(&scan_one("東和", "契約書.docx", &read(&docx)));
    // The sample holds a tracked deletion and a comment: both near misses.
    assert!(want.contains("(deleted_revision)"), "{want}");
    assert!(want.contains("(comment_only)"), "{want}");
    for twin in ["保守サービス契約書.odt", "保守サービス契約書.rtf"] {
        let ext = twin.rsplit('.').next().unwrap();
        let got = verdicts(&scan_one(
            "東和",
            &format!("契約書.{ext}"),
            &read(&office(twin)),
        ));
        assert_eq!(got, want, "{twin}");
    }
    let docx = samples().join("さくらメディカルクラウド/クラウドサービス利用契約書.docx");
    let odt = office("クラウドサービス利用契約書.odt");
    assert_eq!(
        verdicts(&scan_one("さくら", "契約書.odt", &read(&odt))),
        verdicts(&scan_one("さくら", "契約書.docx", &read(&docx)))
    );
}

#[test]
fn odt_articles_are_numbered_from_the_list_styles_as_in_the_docx() {
    let t = text_of(&office("クラウドサービス利用契約書.odt"));
    assert!(t.contains("第1条　（目的）\n"), "{t}");
    assert!(t.contains("第8条　（協議）\n"), "{t}");
    assert!(
        t.contains("\n2　乙は、前項の通報後、"),
        "the second paragraph of an article is numbered: {t}"
    );
}

#[test]
fn tracked_deletions_in_odt_and_rtf_are_not_read_as_clauses() {
    for twin in ["保守サービス契約書.odt", "保守サービス契約書.rtf"] {
        let t = text_of(&office(twin));
        assert!(!t.contains("暗号化"), "{twin}: {t}");
        assert!(t.contains("接続の記録は甲が保存する。"), "{twin}: {t}");
        let ext = twin.rsplit('.').next().unwrap();
        let v = scan_one("東和", &format!("契約書.{ext}"), &read(&office(twin)));
        let p = provision(&v, "transmission-security");
        assert_eq!(p["status"], "missing", "{twin}: {p}");
        assert_eq!(p["near_miss"]["kind"], "deleted_revision", "{twin}: {p}");
        assert!(p["evidence"].as_array().unwrap().is_empty());
    }
}

#[test]
fn a_shift_jis_rtf_decodes_with_its_header_table_and_numbering() {
    let path = office("覚書_sjis.rtf");
    assert_eq!(
        text_of(&path),
        "保守業務に関する覚書\n\
         医療法人青葉会（以下「甲」という。）と株式会社みなと情報（以下「乙」という。）は、次のとおり合意する。\n\
         第１条　（事故の報告）\n\
         乙は、障害又は事故が発生したときは、直ちに甲に報告しなければならない。\n\
         乙は、通信方式を甲と協議する。\n\
         報告書\t毎月提出\n"
    );
    let o = keiyaku(&["text", "--furniture", path.to_str().unwrap()]);
    assert!(stdout(&o).contains("社外秘"), "{}", stdout(&o));
    let v = scan_one("みなと情報", "覚書.rtf", &read(&path));
    assert_eq!(provision(&v, "incident-reporting")["status"], "present");
    let p = provision(&v, "transmission-security");
    assert_eq!(p["status"], "missing");
    assert_eq!(p["near_miss"]["kind"], "deleted_revision", "{p}");
}

#[test]
fn an_ods_sheet_allocating_duties_is_evidence_naming_the_sheet() {
    const CONTRACT: &str = "業務委託契約書\n\
        医療法人青葉会（以下「甲」という。）と株式会社北斗データ（以下「乙」という。）は、次のとおり契約を締結する。\n\
        第1条（事故報告）\n乙は、事故が発生したときは、直ちに甲に報告しなければならない。\n";
    let dir = vendor_dir(
        "北斗データ",
        &[
            ("契約書.txt", CONTRACT.as_bytes()),
            ("別紙.ods", &read(&office("責任分界表.ods"))),
        ],
    );
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let p = provision(util::vendor(&r, "北斗データ"), "responsibility-scope");
    assert_eq!(p["status"], "present", "{p}");
    let e = &p["evidence"][0];
    assert_eq!(e["path"], "北斗データ/別紙.ods");
    assert_eq!(e["page"], 2);
    assert_eq!(e["sheet"], "責任分界表");
    assert_eq!(
        text_of(&office("責任分界表.ods")),
        "別紙　運用体制\n\u{c}区分\t甲（委託者）\t乙（受託者）\n\
         障害発生時の責任分担\t院内ネットワーク及び端末\tデータセンター設備及び本サービス\n\
         バックアップ\t\t毎日取得する\n"
    );
}

/// A zip archive of (name, bytes) members, deflated.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// An OLE compound file that Office writes around a password-protected package.
fn ole_encrypted() -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(512, 0);
    b.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    b.resize(2048, 0);
    b
}

#[test]
fn corrupt_and_encrypted_files_of_each_format_get_their_status_and_the_scan_goes_on() {
    let odt = read(&office("保守サービス契約書.odt"));
    let ods = read(&office("責任分界表.ods"));
    let rtf = read(&office("覚書_sjis.rtf"));
    let encrypted_odt = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        (
            "META-INF/manifest.xml",
            b"<manifest:manifest><manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
        ),
        ("content.xml", b"\x8f\x12binary"),
    ]);
    let deep_rtf = format!("{{\\rtf1{}", "{".repeat(100_000));
    let dir = vendor_dir(
        "V",
        &[
            ("01_truncated.odt", &odt[..odt.len() / 2]),
            ("02_truncated.ods", &ods[..ods.len() / 2]),
            ("03_truncated.xlsx", b"PK\x03\x04\x14\x00\x00\x00"),
            ("04_not.rtf", b"PK\x03\x04 not rtf"),
            ("05_deep.rtf", deep_rtf.as_bytes()),
            ("06_locked.xlsx", &ole_encrypted()),
            ("07_locked.odt", &encrypted_odt),
            ("08_good.rtf", &rtf),
        ],
    );
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let v = util::vendor(&r, "V");
    let got: Vec<(String, String)> = util::listed(&v["documents"]);
    let want = [
        ("V/01_truncated.odt", "error"),
        ("V/02_truncated.ods", "error"),
        ("V/03_truncated.xlsx", "error"),
        ("V/04_not.rtf", "error"),
        ("V/05_deep.rtf", "error"),
        ("V/06_locked.xlsx", "encrypted"),
        ("V/07_locked.odt", "encrypted"),
        ("V/08_good.rtf", "ok"),
    ];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert_eq!(provision(v, "incident-reporting")["status"], "present");
    assert_eq!(provision(v, "supervision-audit")["status"], "unknown");
}

/// Overwrite the uncompressed size a zip declares for `name`, in its local
/// header and its central directory entry.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let n = name.as_bytes();
    for (sig, name_at, size_at) in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)] {
        let at = (0..zip.len() - n.len() - name_at)
            .find(|&i| &zip[i..i + 4] == sig && &zip[i + name_at..i + name_at + n.len()] == n)
            .unwrap();
        zip[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
    }
}

#[test]
fn a_workbook_that_inflates_past_its_caps_is_an_error_whatever_it_declares() {
    let sheet = |body: &[u8]| {
        let mut xml = b"<worksheet><sheetData>".to_vec();
        xml.extend_from_slice(body);
        xml.extend_from_slice(b"</sheetData></worksheet>");
        xml
    };
    let members = |sheet1: &[u8], unique: &str, padding: usize| {
        let mut sst = format!(r#"<sst xmlns="x" uniqueCount="{unique}"><si><t>a</t></si>"#);
        sst.push_str(&" ".repeat(padding));
        sst.push_str("</sst>");
        zip_of(&[
            ("[Content_Types].xml", br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#),
            ("_rels/.rels", br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", sheet1),
            ("xl/sharedStrings.xml", sst.as_bytes()),
        ])
    };
    // 70 MB of white space in the shared strings, which calamine holds in
    // memory: over the 64 MB cap of such a part, as declared.
    let declared = members(&sheet(b""), "1", 70 << 20);
    // 70 MB of white space in a sheet declared as 1 KB: the reader stops at
    // the declared size.
    let mut lying = members(&sheet(&vec![b' '; 70 << 20]), "1", 0);
    declare_size(&mut lying, "xl/worksheets/sheet1.xml", 1024);
    // A shared-string count no part of this size can hold.
    let strings = members(&sheet(b""), "4000000000", 0);
    let dir = vendor_dir(
        "V",
        &[
            ("1_bomb.xlsx", &declared),
            ("2_lying.xlsx", &lying),
            ("3_strings.xlsx", &strings),
        ],
    );
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let docs = util::vendor(&r, "V")["documents"]
        .as_array()
        .unwrap()
        .clone();
    for d in &docs {
        assert_eq!(d["status"], "error", "{d}");
    }
    assert!(
        docs[0]["reason"].as_str().unwrap().contains("cap"),
        "{}",
        docs[0]
    );
    assert!(
        docs[1]["reason"].as_str().unwrap().contains("declared"),
        "{}",
        docs[1]
    );
    assert!(
        docs[2]["reason"].as_str().unwrap().contains("strings"),
        "{}",
        docs[2]
    );
}
