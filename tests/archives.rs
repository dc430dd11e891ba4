//! Zip archives among a vendor's files: every member is a document of the
//! vendor, named after the archive (`束.zip/契約書.pdf`), read like the file it
//! is; password-protected members (PPAP), archives in archives, zip bombs and
//! broken archives each get an honest status and never stop the scan.
//! Archives are built here with the zip crate, or read from `tests/data/zip/`.

mod util;

use serde_json::Value;
use std::io::{Cursor, Write};
use std::path::Path;
use util::*;
use zip::write::SimpleFileOptions;

/// A zip of `members` (a name ending in `/` is a folder entry).
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        if name.ends_with('/') {
            w.add_directory(*name, SimpleFileOptions::default())
                .unwrap();
        } else {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(samples().join(rel)).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/data/zip").join(name)).unwrap()
}

const DOCX: &str = "さくらメディカルクラウド/クラウドサービス利用契約書.docx";
const PDF: &str = "さくらメディカルクラウド/SLA.pdf";
const MEMO: &str = "覚書_みらいヘルステック.txt";

fn put(dir: &Path, name: &str, bytes: &[u8]) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn scan(dir: &Path) -> Value {
    scan_json(&[dir.to_str().unwrap()], &["-q"])
}

fn doc<'a>(v: &'a Value, path: &str) -> &'a Value {
    v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("no document {path} in {}", v["documents"]))
}

fn evidence_paths(v: &Value) -> Vec<String> {
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["evidence"].as_array().unwrap())
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect()
}

/// The vendor's evidence with the document path's folder part replaced, to
/// compare a zipped vendor with the same files on disk.
fn evidence_as(v: &Value, from: &str, to: &str) -> Vec<Value> {
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["evidence"].as_array().unwrap().clone())
        .map(|mut e| {
            let path = e["path"].as_str().unwrap().replacen(from, to, 1);
            e["path"] = Value::from(path);
            e
        })
        .collect()
}

#[test]
fn a_zip_of_contracts_gives_the_provisions_of_its_files_with_evidence_inside_the_zip() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let (docx, pdf, memo) = (sample(DOCX), sample(PDF), sample(MEMO));
    put(r, "A_files/契約書.docx", &docx);
    put(r, "A_files/SLA.pdf", &pdf);
    put(
        r,
        "A_zip/束.zip",
        &zip_of(&[
            ("契約書.docx", &docx),
            ("SLA.pdf", &pdf),
            ("__MACOSX/", b""),
            ("__MACOSX/._SLA.pdf", b"\0\x05\x16\x07"),
        ]),
    );
    put(r, "M_files/覚書.txt", &memo);
    put(
        r,
        "M_zip/束.zip",
        &zip_of(&[("書類/", b""), ("書類/覚書.txt", &memo)]),
    );
    let rep = scan(r);

    for (files, zipped, inner) in [("A_files", "A_zip", ""), ("M_files", "M_zip", "書類/")] {
        let (f, z) = (vendor(&rep, files), vendor(&rep, zipped));
        assert_eq!(statuses(z), statuses(f), "{zipped}");
        assert_eq!(z["complete"], true, "{zipped}");
        let prefix = format!("{zipped}/束.zip/{inner}");
        let paths = evidence_paths(z);
        assert!(!paths.is_empty());
        assert!(paths.iter().all(|p| p.starts_with(&prefix)), "{paths:?}");
        assert_eq!(
            evidence_as(z, &prefix, &format!("{files}/")),
            evidence_as(f, "", "")
        );
    }
    // Each member is a document with the hash of its own bytes; folders are
    // not documents, macOS resource data is listed and ignored.
    let a = vendor(&rep, "A_zip");
    let member = doc(a, "A_zip/束.zip/契約書.docx");
    assert_eq!(member["status"], "ok");
    assert_eq!(member["format"], "docx");
    assert_eq!(
        member["sha256"],
        doc(vendor(&rep, "A_files"), "A_files/契約書.docx")["sha256"]
    );
    assert_eq!(doc(a, "A_zip/束.zip/SLA.pdf")["pages"], 1);
    assert_eq!(
        doc(a, "A_zip/束.zip/__MACOSX/._SLA.pdf")["status"],
        "ignored"
    );
    assert_eq!(a["documents"].as_array().unwrap().len(), 3);
    assert_eq!(
        doc(vendor(&rep, "M_zip"), "M_zip/束.zip/書類/覚書.txt")["status"],
        "ok"
    );
}

#[test]
fn a_password_protected_member_is_encrypted_and_its_vendor_unknown_not_missing() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "P/契約書一式.zip", &fixture("ppap.zip"));
    let rep = scan(dir.path());
    let p = vendor(&rep, "P");
    let locked = doc(p, "P/契約書一式.zip/契約書.txt");
    assert_eq!(locked["status"], "encrypted");
    assert!(
        locked["reason"]
            .as_str()
            .unwrap()
            .contains("パスワード付きZIP"),
        "{locked}"
    );
    assert_eq!(doc(p, "P/契約書一式.zip/送付状.txt")["status"], "ok");
    assert_eq!(p["complete"], false);
    let s = statuses(p);
    assert!(!s.contains("missing"), "{s}");
    // The text report says so too.
    let o = keiyaku(&["scan", dir.path().to_str().unwrap(), "-q"]);
    let text = stdout(&o);
    assert!(
        text.contains("契約書一式.zip/契約書.txt: 読取不可（暗号化） — パスワード付きZIP"),
        "{text}"
    );
}

#[test]
fn shift_jis_member_names_from_japanese_windows_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "S/契約書.zip", &fixture("sjis-names.zip"));
    let rep = scan(dir.path());
    let s = vendor(&rep, "S");
    assert_eq!(doc(s, "S/契約書.zip/覚書.txt")["status"], "ok");
    let reporting = provision(s, "incident-reporting");
    assert_eq!(reporting["status"], "present");
    assert_eq!(reporting["evidence"][0]["path"], "S/契約書.zip/覚書.txt");
}

#[test]
fn archives_in_archives_are_opened_two_deep_and_deeper_ones_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let innermost = zip_of(&[("x.txt", "乙は報告する。".as_bytes())]);
    let inner = zip_of(&[("覚書.txt", &sample(MEMO)), ("最内.zip", &innermost)]);
    put(dir.path(), "N/外側.zip", &zip_of(&[("内側.zip", &inner)]));
    let rep = scan(dir.path());
    let n = vendor(&rep, "N");
    assert_eq!(doc(n, "N/外側.zip/内側.zip/覚書.txt")["status"], "ok");
    assert_eq!(
        provision(n, "incident-reporting")["evidence"][0]["path"],
        "N/外側.zip/内側.zip/覚書.txt"
    );
    let deep = doc(n, "N/外側.zip/内側.zip/最内.zip");
    assert_eq!(deep["status"], "skipped");
    assert_eq!(deep["format"], "zip");
    assert!(deep["reason"].as_str().unwrap().contains("not opened"));
    assert_eq!(n["documents"].as_array().unwrap().len(), 2);
}

#[test]
fn a_zip_bomb_and_a_broken_zip_are_errors_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let zeros = vec![0u8; 16 << 20];
    put(
        r,
        "B/bomb.zip",
        &zip_of(&[("bomb.txt", &zeros), ("覚書.txt", &sample(MEMO))]),
    );
    let whole = zip_of(&[("覚書.txt", &sample(MEMO))]);
    put(r, "C/broken.zip", whole.get(..whole.len() - 30).unwrap());
    put(r, "M/覚書.txt", &sample(MEMO));
    put(r, "E/空.zip", &zip_of(&[]));
    let rep = scan(r);

    let b = vendor(&rep, "B");
    let bomb = doc(b, "B/bomb.zip/bomb.txt");
    assert_eq!(bomb["status"], "error");
    assert!(
        bomb["reason"].as_str().unwrap().contains("zip bomb"),
        "{bomb}"
    );
    assert_eq!(doc(b, "B/bomb.zip/覚書.txt")["status"], "ok");
    assert!(!statuses(b).contains("missing"), "{}", statuses(b));

    let broken = doc(vendor(&rep, "C"), "C/broken.zip");
    assert_eq!(broken["status"], "error");
    assert_eq!(broken["format"], "zip");
    assert!(broken["sha256"].is_string());

    assert_eq!(
        statuses(vendor(&rep, "M")),
        statuses(vendor(&rep, "B")).replace("unknown", "missing")
    );
    let empty = doc(vendor(&rep, "E"), "E/空.zip");
    assert_eq!(empty["status"], "ignored");
}

#[test]
fn member_types_are_classified_like_files_and_odd_names_are_only_names() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "K/束.zip",
        &zip_of(&[
            ("見積書.msg", b"PK\x03\x04"),
            ("sub/", b""),
            ("sub/.DS_Store", b"x"),
            ("~$契約書.docx", b"x"),
            ("../../etc/覚書.txt", &sample(MEMO)),
        ]),
    );
    let rep = scan(dir.path());
    let k = vendor(&rep, "K");
    let listed: Vec<(String, String)> = k["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("K/束.zip/見積書.msg", "unsupported"),
        ("K/束.zip/sub/.DS_Store", "ignored"),
        ("K/束.zip/~$契約書.docx", "ignored"),
        ("K/束.zip/../../etc/覚書.txt", "ok"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(listed, want);
    assert_eq!(doc(k, "K/束.zip/見積書.msg")["status"], "unsupported");
    // Nothing was written next to the scanned folder.
    assert!(!dir.path().join("etc").exists());
    assert!(!dir.path().parent().unwrap().join("etc/覚書.txt").exists());
}

#[test]
fn a_loose_zip_is_one_vendor_named_after_its_contract() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = zip_of(&[("契約書.docx", &sample(DOCX)), ("SLA.pdf", &sample(PDF))]);
    put(dir.path(), "束.zip", &bundle);
    for rep in [scan(dir.path()), scan(&dir.path().join("束.zip"))] {
        let vendors = rep["vendors"].as_array().unwrap();
        assert_eq!(vendors.len(), 1, "{}", rep["vendors"]);
        let v = &vendors[0];
        assert_eq!(v["name"], "株式会社さくらメディカルクラウド");
        assert_eq!(v["documents"].as_array().unwrap().len(), 2);
        assert!(!statuses(v).contains("missing"), "{}", statuses(v));
    }
}

#[test]
fn an_archive_with_more_entries_than_keiyaku_reads_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..10_001).map(|i| format!(".junk{i}")).collect();
    let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    put(dir.path(), "Z/多い.zip", &zip_of(&members));
    let rep = scan(dir.path());
    let z = vendor(&rep, "Z");
    let archive = doc(z, "Z/多い.zip");
    assert_eq!(archive["status"], "error");
    assert!(
        archive["reason"].as_str().unwrap().contains("10000"),
        "{archive}"
    );
    assert_eq!(z["documents"].as_array().unwrap().len(), 10_001);
}
