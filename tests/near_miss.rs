//! A × explains itself: the near miss a scan reports for a missing provision,
//! in the JSON report and on the text report's line, from a DOCX built here
//! with a duty on the customer, a deferral, a tracked deletion and a comment.

mod util;
use util::*;

use std::io::Write;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn para(runs: &str) -> String {
    format!("<w:p>{runs}</w:p>")
}

fn run(t: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#)
}

fn deleted(t: &str) -> String {
    format!(
        r#"<w:del w:id="1" w:author="法務"><w:r><w:delText xml:space="preserve">{t}</w:delText></w:r></w:del>"#
    )
}

/// A DOCX of `paragraphs` and, when given, one comment.
fn docx(paragraphs: &[String], comment: Option<&str>) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let body = paragraphs.concat();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "word/document.xml",
            format!(r#"<w:document {W}><w:body>{body}</w:body></w:document>"#),
        ),
    ];
    for (name, xml) in &parts {
        out.start_file(*name, opts).unwrap();
        out.write_all(xml.as_bytes()).unwrap();
    }
    if let Some(c) = comment {
        out.start_file("word/comments.xml", opts).unwrap();
        let xml = format!(
            r#"<w:comments {W}><w:comment w:id="0" w:author="情報システム課">{}</w:comment></w:comments>"#,
            para(&run(c))
        );
        out.write_all(xml.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const PREAMBLE: &str = "医療法人青空会（以下「甲」という。）と株式会社ミドリシステム（以下「乙」という。）は、次のとおり契約を締結する。";

/// Scan a folder holding the vendor ミドリシステム with one DOCX of the
/// preamble, `paragraphs` and `comment`: the folder and the vendor's report.
fn scan_vendor(paragraphs: &[String], comment: &str) -> (tempfile::TempDir, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("ミドリシステム");
    std::fs::create_dir(&folder).unwrap();
    let mut all = vec![para(&run(PREAMBLE))];
    all.extend_from_slice(paragraphs);
    std::fs::write(folder.join("保守契約書.docx"), docx(&all, Some(comment))).unwrap();
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let v = vendor(&r, "ミドリシステム").clone();
    (dir, v)
}

#[test]
fn a_missing_provision_names_the_closest_thing_seen_in_json_and_text() {
    let paragraphs = [
        para(&run("第1条（障害の連絡）")),
        para(&run(
            "甲は、院内の端末に障害を発見したときは、直ちに乙に連絡しなければならない。",
        )),
        para(&run("第2条（保守作業）")),
        para(&format!(
            "{}{}{}",
            run("乙は、"),
            deleted("通信経路をTLSにより暗号化し、"),
            run("保守作業を誠実に行う。")
        )),
        para(&run("第3条（責任の分担）")),
        para(&run(
            "障害時の甲乙の責任範囲は、本契約の締結後に甲乙が協議して定める。",
        )),
    ];
    let (dir, v) = scan_vendor(
        &paragraphs,
        "乙が毎月、安全管理措置の実施状況を報告する旨を加えてください。",
    );
    let v = &v;
    let expect = [
        (
            "incident-reporting",
            "wrong_party",
            "第1条に定めあり。ただし甲（委託者）の義務",
        ),
        (
            "transmission-security",
            "deleted_revision",
            "削除された変更履歴にのみ記載",
        ),
        (
            "responsibility-scope",
            "deferred",
            "協議して定めるとのみ記載",
        ),
        ("periodic-reporting", "comment_only", "コメントにのみ記載"),
    ];
    for (id, kind, note) in expect {
        let p = provision(v, id);
        assert_eq!(p["status"], "missing", "{id}: {p}");
        let nm = &p["near_miss"];
        assert_eq!(nm["kind"], kind, "{id}: {p}");
        assert_eq!(nm["note"], note, "{id}: {p}");
        assert_eq!(nm["evidence"]["path"], "ミドリシステム/保守契約書.docx");
    }
    let wrong = &provision(v, "incident-reporting")["near_miss"]["evidence"];
    assert_eq!(wrong["clause"], "第1条");
    assert!(wrong["text"]
        .as_str()
        .unwrap()
        .starts_with("甲は、院内の端末"));
    let gone = &provision(v, "transmission-security")["near_miss"]["evidence"];
    assert!(
        gone["text"].as_str().unwrap().contains("TLSにより暗号化"),
        "{gone}"
    );
    // Nothing of the sort was seen: no near miss, and the old wording.
    assert!(provision(v, "investigation-lead")
        .get("near_miss")
        .is_none());

    let o = keiyaku(&["scan", "--color", "never", dir.path().to_str().unwrap()]);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |title: &str| {
        lines
            .iter()
            .position(|l| l.contains(title))
            .unwrap_or_else(|| panic!("no line for {title}: {text}"))
    };
    let i = line_of("事故・障害発生時の報告義務");
    assert!(
        lines[i].contains("× ")
            && lines[i].contains("第1条に定めあり。ただし甲（委託者）の義務（保守契約書.docx）"),
        "{}",
        lines[i]
    );
    assert!(
        lines[i + 1].contains("第1条 「甲は、院内の端末に障害を発見したときは"),
        "{}",
        lines[i + 1]
    );
    let i = line_of("通信の暗号化・盗聴対策");
    assert!(
        lines[i].contains("削除された変更履歴にのみ記載"),
        "{}",
        lines[i]
    );
    assert!(lines[i + 1].contains("TLSにより暗号化"), "{}", lines[i + 1]);
    assert!(lines[line_of("安全管理状況の定期報告")].contains("コメントにのみ記載"));
    assert!(lines[line_of("責任分界")].contains("協議して定めるとのみ記載"));
    assert!(lines[line_of("原因調査の主体")].contains("該当条項なし"));
}

#[test]
fn deleted_and_commented_text_never_counts_as_a_clause() {
    let paragraphs = [
        para(&run("第1条（報告）")),
        para(&deleted(
            "乙は、障害が発生したときは、直ちに甲に報告しなければならない。",
        )),
    ];
    let (_dir, v) = scan_vendor(&paragraphs, "乙は、通信を暗号化しなければならない。");
    let v = &v;
    let p = provision(v, "incident-reporting");
    assert_eq!(p["status"], "missing");
    assert_eq!(p["near_miss"]["kind"], "deleted_revision");
    let p = provision(v, "transmission-security");
    assert_eq!(p["status"], "missing");
    assert_eq!(p["near_miss"]["kind"], "comment_only");
}
