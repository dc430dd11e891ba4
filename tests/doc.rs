//! Word 97–2003 (.doc): text against node-word-extractor's snapshots, tables,
//! furniture, comments, tracked deletions, Asian text, numbering, damaged and
//! encrypted files, node-word-extractor's .doc files read as their .docx twins,
//! and the .doc twins of the sample contracts scanning as
//! their DOCX originals do.

mod util;

use keiyaku::discover::Format;
use keiyaku::document::{BlockKind, Document};
use std::path::{Path, PathBuf};
use util::{root, samples, scan_json, statuses, vendor};

fn legacy(name: &str) -> PathBuf {
    root().join("tests/data/legacy").join(name)
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/data/doc").join(name)
}

fn read(path: &Path) -> Document {
    keiyaku::app::extract_file(path, Format::Doc)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn texts(blocks: &[keiyaku::document::Block]) -> Vec<&str> {
    blocks.iter().map(|b| b.text.as_str()).collect()
}

/// A field of a Jest snapshot: a JSON string inside a JSON string inside a
/// template literal (see tests/data/legacy/README.md).
fn snapshot_field(name: &str, field: &str) -> String {
    let snap = std::fs::read_to_string(legacy(&format!("{name}.snapx"))).unwrap();
    let key = format!("  \"{field}\": ");
    let line = snap
        .lines()
        .find_map(|l| l.strip_prefix(&key))
        .unwrap_or_else(|| panic!("{name}: no {field}"));
    let literal = line.trim_end_matches(',').replace("\\\\", "\\");
    let inner: String = serde_json::from_str(&literal).unwrap();
    serde_json::from_str(&inner).unwrap()
}

/// The reference turns typographic quotes and dashes into ASCII and renders
/// no numbering; white space is compared as single spaces.
fn normalise(text: &str) -> String {
    let labels = regex::Regex::new(r"\d+\.\u{3000}").unwrap();
    let text = labels.replace_all(text, " ");
    let text: String = text
        .chars()
        .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn main_text_matches_the_reference_snapshots() {
    for name in [
        "test01.doc",
        "test03.doc",
        "test04.doc",
        "test06.doc",
        "test07.doc",
        "test10.doc",
        "test11.doc",
        "test12.doc",
        "test13.doc",
        "test14.doc",
        "test16.doc",
    ] {
        let doc = read(&legacy(name));
        // Text boxes are body text here; the reference keeps them apart.
        let want = snapshot_field(name, "body") + "\n" + &snapshot_field(name, "textboxes");
        // Block text without its numbering label, which the reference does not render.
        let got = texts(&doc.blocks).join("\n");
        assert_eq!(normalise(&got), normalise(&want), "{name}");
    }
}

/// The body text keiyaku reads from a document, white space as single spaces.
fn body_text(doc: &Document) -> String {
    let text: Vec<&str> = texts(&doc.blocks);
    text.join("\n")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn each_node_word_extractor_doc_reads_as_its_docx_twin() {
    for name in [
        "test01",
        "test03",
        "test04",
        "test06",
        "test07",
        "test10",
        "test11",
        "test12",
        "test13",
        "test14",
        "bigfile-01",
    ] {
        let doc = read(&legacy(&format!("{name}.doc")));
        let docx = keiyaku::app::extract_file(&legacy(&format!("{name}.docx")), Format::Docx)
            .unwrap_or_else(|e| panic!("{name}.docx: {e}"));
        assert_eq!(body_text(&doc), body_text(&docx), "{name}");
    }
}

/// A .doc keeps a text box's text in a story of its own, with no place in the
/// main text: the .doc reader puts text boxes after the body, a DOCX has them
/// at their anchor. Same paragraphs, another order.
#[test]
fn text_boxes_read_the_same_from_a_doc_and_its_docx_twin_but_after_the_body() {
    let doc = read(&legacy("test16.doc"));
    let docx = keiyaku::app::extract_file(&legacy("test16.docx"), Format::Docx).unwrap();
    let sorted = |d: &Document| {
        let mut t: Vec<String> = texts(&d.blocks)
            .iter()
            .map(|s| s.trim().to_string())
            .collect();
        t.sort();
        t
    };
    assert_eq!(sorted(&doc), sorted(&docx));
    let body = texts(&doc.blocks);
    let first_box = body
        .iter()
        .position(|t| t.contains("First text box"))
        .unwrap();
    let last_paragraph = body.iter().position(|t| t.contains("Paragraph 3")).unwrap();
    assert!(first_box > last_paragraph, "{body:?}");
}

#[test]
fn tables_become_tab_separated_rows_with_empty_cells_kept() {
    let doc = read(&legacy("test12.doc"));
    let rows: Vec<&str> = doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::TableRow)
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(
        rows,
        [
            "Row 1, cell 1\tRow 1, cell 2\tRow 1, cell 3",
            "Row 2, cell 1\t\tRow 2, cell 3"
        ]
    );
    let doc = read(&legacy("test03.doc"));
    let rows: Vec<usize> = doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::TableRow)
        .map(|b| b.text.split('\t').count())
        .collect();
    assert_eq!(rows, [6; 5]);
    let doc = read(&fixture("features.doc"));
    let rows: Vec<&str> = doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::TableRow)
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(
        rows,
        [
            "報告書の名称\t頻度",
            "安全管理措置の実施状況報告書\t四半期ごと"
        ]
    );
}

#[test]
fn headers_footers_and_notes_are_furniture_not_blocks() {
    let doc = read(&legacy("test04.doc"));
    let header = "This is a simple header, with a € euro symbol in it.";
    let footer = "The footer, with Molière, has Unicode in it.";
    assert_eq!(texts(&doc.furniture), [header, footer]);
    assert!(!doc
        .blocks
        .iter()
        .any(|b| b.text == header || b.text == footer));
    let doc = read(&legacy("test13.doc"));
    assert_eq!(
        texts(&doc.furniture)
            .iter()
            .map(|t| t.trim())
            .collect::<Vec<_>>(),
        ["This is a footnote", "This is an endnote"]
    );
    let doc = read(&fixture("features.doc"));
    assert_eq!(
        texts(&doc.furniture),
        [
            "報告は書面又は電子メールによる。",
            "社外秘\u{3000}業務委託契約書",
            "ページ 1"
        ]
    );
    let body = doc.plain_text();
    assert!(!body.contains("社外秘") && !body.contains("電子メール"));
}

#[test]
fn comments_are_kept_apart_from_the_body() {
    let doc = read(&legacy("test10.doc"));
    assert_eq!(
        texts(&doc.comments),
        [
            "Second paragraph comment",
            "Third paragraph comment \u{2013} and this is all I have to say on the matter"
        ]
    );
    assert!(!doc.plain_text().contains("comment"));
    let doc = read(&fixture("features.doc"));
    assert_eq!(texts(&doc.comments), ["乙は通信を暗号化するとの案あり"]);
}

#[test]
fn tracked_deletions_are_excluded_and_the_paragraph_as_it_read_is_kept_apart() {
    let doc = read(&legacy("test14.doc"));
    assert!(!doc.plain_text().contains("deleted"));
    assert_eq!(
        texts(&doc.deleted),
        ["This text has been deleted, and should not be included"]
    );
    let doc = read(&fixture("features.doc"));
    assert!(texts(&doc.blocks).contains(&"乙は、誠実に対応するものとする。"));
    assert!(!doc.plain_text().contains("暗号化"));
    assert_eq!(
        texts(&doc.deleted),
        ["乙は、通信経路を暗号化するものとする。"]
    );
    let doc = read(&fixture("tracked-deletion.doc"));
    assert_eq!(texts(&doc.blocks), ["秘密情報の象とす"]);
    assert_eq!(texts(&doc.deleted), ["秘密情報の対象とす"]);
}

#[test]
fn asian_text_is_decoded() {
    let doc = read(&legacy("test11.doc"));
    assert_eq!(
        texts(&doc.blocks),
        [
            "这是一个用来测试nodejs解析Word文档.doccccc",
            "This is a test for parsing the Word file in node."
        ]
    );
    let doc = read(&fixture("twins/東和ソフトウェア/保守サービス契約書.doc"));
    assert_eq!(
        texts(&doc.blocks)[..3],
        [
            "部門システム保守サービス契約書",
            "東和ソフトウェア株式会社（以下「甲」という。）と社会医療法人青葉会（以下「乙」という。）は、甲が乙に提供する部門システム保守サービス（以下「本サービス」という。）に関し、次のとおり契約する。",
            "第1条（責任範囲）"
        ]
    );
}

#[test]
fn automatic_numbering_and_field_results_read_as_in_the_docx() {
    let doc = read(&fixture("features.doc"));
    let labels: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| b.label.as_deref())
        .collect();
    assert_eq!(labels, ["第１条", "第２条", "第３条"]);
    assert!(doc.plain_text().contains("詳細は別紙による。"));
    assert!(!doc.plain_text().contains("HYPERLINK"));
    let docx = keiyaku::app::extract_file(&fixture("features.docx"), Format::Docx).unwrap();
    assert_eq!(doc.plain_text(), docx.plain_text());
}

#[test]
fn a_bad_header_is_an_error_an_encrypted_doc_is_encrypted_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("V");
    std::fs::create_dir(&v).unwrap();
    std::fs::copy(legacy("badfile-01-bad-header.doc"), v.join("bad.doc")).unwrap();
    std::fs::copy(fixture("encrypted-flag.doc"), v.join("locked.doc")).unwrap();
    std::fs::copy(legacy("test01.doc"), v.join("good.doc")).unwrap();
    std::fs::write(v.join("rtf.doc"), "{\\rtf1\\ansi 契約書}").unwrap();
    let rep = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let docs = vendor(&rep, "V")["documents"].as_array().unwrap().clone();
    let status = |name: &str| {
        docs.iter()
            .find(|d| d["path"] == format!("V/{name}"))
            .map(|d| d["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("bad.doc"), "error");
    assert_eq!(status("locked.doc"), "encrypted");
    assert_eq!(status("good.doc"), "ok");
    assert_eq!(status("rtf.doc"), "unsupported");
}

/// Provision results with the document's extension left out: status, and
/// per evidence the clause and the quoted sentence.
fn results(v: &serde_json::Value) -> Vec<String> {
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let ev: Vec<String> = p["evidence"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .map(|e| format!("{} {}", e["clause"], e["text"]))
                        .collect()
                })
                .unwrap_or_default();
            format!("{}={} {:?}", p["id"], p["status"], ev)
        })
        .collect()
}

#[test]
fn each_sample_contracts_doc_twin_scans_as_its_docx_does() {
    let twins = root().join("tests/data/doc/twins");
    let dir = tempfile::tempdir().unwrap();
    let (docx_root, doc_root) = (dir.path().join("docx"), dir.path().join("doc"));
    let mut vendors = Vec::new();
    for v in std::fs::read_dir(&twins).unwrap() {
        let v = v.unwrap().file_name();
        for f in std::fs::read_dir(twins.join(&v)).unwrap() {
            let f = f.unwrap().path();
            let stem = f.file_stem().unwrap().to_owned();
            let original = samples().join(&v).join(&stem).with_extension("docx");
            for (root, from) in [(&docx_root, &original), (&doc_root, &f)] {
                std::fs::create_dir_all(root.join(&v)).unwrap();
                std::fs::copy(from, root.join(&v).join(from.file_name().unwrap())).unwrap();
            }
        }
        vendors.push(v.to_string_lossy().into_owned());
    }
    assert_eq!(vendors.len(), 4);
    let a = scan_json(&[docx_root.to_str().unwrap()], &[]);
    let b = scan_json(&[doc_root.to_str().unwrap()], &[]);
    for v in &vendors {
        let (va, vb) = (vendor(&a, v), vendor(&b, v));
        assert_eq!(statuses(va), statuses(vb), "{v}");
        assert_eq!(results(va), results(vb), "{v}");
        assert!(vb["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "ok"));
    }
}

#[test]
fn a_doc_under_a_docx_name_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("契約書.docx");
    std::fs::copy(fixture("twins/東和ソフトウェア/保守サービス契約書.doc"), &f).unwrap();
    let doc = keiyaku::app::extract_file(&f, Format::Docx).unwrap();
    assert_eq!(doc.blocks[0].text, "部門システム保守サービス契約書");
}
