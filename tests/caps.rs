//! Every safety cap of the extractors names itself: a page a cap stopped is
//! listed with the cap's reason (PDF), or the cap is the error (DOCX), so a
//! partial read is never reported as a full one. The PDFs are built in memory
//! with lopdf and read with small caps.

use keiyaku::document::{Document, UnreadPages, UnreadReason};
use keiyaku::error::ExtractError;
use keiyaku::extract::{docx, pdf};
use lopdf::{dictionary, Object, ObjectId, Stream};
use std::io::Write;

/// A PDF of `n` pages in Helvetica (ASCII text), all sharing resources that
/// hold font /F1 and form XObject /Fm1 (drawing `form`). `contents(doc, i)`
/// gives page i's /Contents (0-based), or None for none.
fn build(
    n: usize,
    form: &[u8],
    mut contents: impl FnMut(&mut lopdf::Document, usize) -> Option<Object>,
) -> (lopdf::Document, Vec<ObjectId>) {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let form = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        },
        form.to_vec(),
    ));
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font },
        "XObject" => dictionary! { "Fm1" => form },
    });
    let mut ids = Vec::new();
    for i in 0..n {
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        };
        if let Some(c) = contents(&mut doc, i) {
            page.set("Contents", c);
        }
        ids.push(doc.add_object(page));
    }
    let kids: Vec<Object> = ids.iter().map(|&id| id.into()).collect();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => n as i64,
            "Resources" => resources,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    (doc, ids)
}

fn save(mut doc: lopdf::Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// An uncompressed content stream.
fn stream(doc: &mut lopdf::Document, content: &[u8]) -> Object {
    doc.add_object(Stream::new(dictionary! {}, content.to_vec()))
        .into()
}

fn shows(text: &str) -> Vec<u8> {
    format!("BT /F1 12 Tf 72 700 Td ({text}) Tj ET").into_bytes()
}

/// Page i (0-based) shows "Page i+1 of the agreement".
fn page_text(i: usize) -> String {
    format!("Page {} of the agreement", i + 1)
}

fn plain_pdf(n: usize) -> (lopdf::Document, Vec<ObjectId>) {
    build(n, b"", |doc, i| Some(stream(doc, &shows(&page_text(i)))))
}

fn read(bytes: &[u8], limits: pdf::Limits) -> Document {
    pdf::extract_with_limits(bytes, &limits).expect("the PDF reads")
}

fn run(first: u32, last: u32, reason: UnreadReason) -> UnreadPages {
    UnreadPages {
        first,
        last,
        reason,
    }
}

#[test]
fn default_pdf_caps_are_the_documented_values() {
    assert_eq!(
        pdf::Limits::default(),
        pdf::Limits {
            pages: 5000,
            content_bytes: 64 * 1024 * 1024,
            operators_per_page: 5_000_000,
            glyphs_per_page: 500_000,
            scans: false,
        }
    );
    assert_eq!(docx::Limits::default().member_bytes, 64 * 1024 * 1024);
}

#[test]
fn a_fully_read_pdf_lists_no_unread_pages() {
    let doc = read(&save(plain_pdf(3).0), pdf::Limits::default());
    assert_eq!(doc.unread_pages, []);
    assert_eq!(doc.blocks.len(), 3);
}

#[test]
fn pages_beyond_the_page_cap_are_one_page_cap_run_and_the_pages_before_are_read() {
    let bytes = save(plain_pdf(6).0);
    let doc = read(
        &bytes,
        pdf::Limits {
            pages: 4,
            ..Default::default()
        },
    );
    assert_eq!(doc.pages, Some(6));
    assert_eq!(doc.unread_pages, [run(5, 6, UnreadReason::PageCap)]);
    let text = doc.plain_text();
    for i in 0..4 {
        assert!(text.contains(&page_text(i)), "{text}");
    }
    assert!(!text.contains(&page_text(4)), "{text}");
}

#[test]
fn a_page_over_the_content_cap_is_named_and_keeps_the_streams_read_before_the_cap() {
    let padding = format!("% {}\n", "x".repeat(400));
    let (doc, _) = build(2, b"", |doc, i| {
        if i == 0 {
            return Some(stream(doc, &shows(&page_text(0))));
        }
        // Page 2: a small stream with text, then one that crosses the cap.
        let first = stream(doc, &shows(&page_text(1)));
        let second = stream(
            doc,
            &[padding.as_bytes(), &shows("Beyond the content cap")].concat(),
        );
        Some(Object::Array(vec![first, second]))
    });
    let doc = read(
        &save(doc),
        pdf::Limits {
            content_bytes: 200,
            ..Default::default()
        },
    );
    assert_eq!(doc.unread_pages, [run(2, 2, UnreadReason::ContentCap)]);
    let text = doc.plain_text();
    assert!(
        text.contains(&page_text(0)) && text.contains(&page_text(1)),
        "{text}"
    );
    assert!(!text.contains("Beyond"), "{text}");
}

#[test]
fn a_form_xobject_over_the_content_cap_is_named_content_cap() {
    let form = [
        format!("% {}\n", "x".repeat(400)).into_bytes(),
        shows("Form text"),
    ]
    .concat();
    let (doc, _) = build(1, &form, |doc, _| {
        let page = [shows(&page_text(0)), b" /Fm1 Do".to_vec()].concat();
        Some(stream(doc, &page))
    });
    let bytes = save(doc);
    let doc = read(
        &bytes,
        pdf::Limits {
            content_bytes: 200,
            ..Default::default()
        },
    );
    assert_eq!(doc.unread_pages, [run(1, 1, UnreadReason::ContentCap)]);
    assert!(doc.plain_text().contains(&page_text(0)));
    // Under the default cap the form is read.
    let doc = read(&bytes, pdf::Limits::default());
    assert_eq!(doc.unread_pages, []);
    assert!(doc.plain_text().contains("Form text"));
}

#[test]
fn a_page_with_more_operators_than_the_operator_cap_is_named_operator_cap() {
    let (doc, _) = build(2, b"", |doc, i| {
        if i == 0 {
            return Some(stream(doc, &shows(&page_text(0))));
        }
        let mut c = b"BT /F1 12 Tf 72 700 Td (Read before the cap) Tj".to_vec();
        for _ in 0..50 {
            c.extend_from_slice(b" 0 0 Td");
        }
        c.extend_from_slice(b" 0 -20 Td (Beyond the operator cap) Tj ET");
        Some(stream(doc, &c))
    });
    let doc = read(
        &save(doc),
        pdf::Limits {
            operators_per_page: 20,
            ..Default::default()
        },
    );
    assert_eq!(doc.unread_pages, [run(2, 2, UnreadReason::OperatorCap)]);
    let text = doc.plain_text();
    assert!(text.contains("Read before the cap"), "{text}");
    assert!(!text.contains("Beyond"), "{text}");
}

#[test]
fn operators_inside_a_form_xobject_count_toward_the_page_operator_cap() {
    let form = b" n".repeat(50);
    let (doc, _) = build(1, &form, |doc, _| {
        let page = [
            shows("Read before the form"),
            b" /Fm1 Do ".to_vec(),
            b"BT /F1 12 Tf 72 600 Td (Beyond the operator cap) Tj ET".to_vec(),
        ]
        .concat();
        Some(stream(doc, &page))
    });
    let doc = read(
        &save(doc),
        pdf::Limits {
            operators_per_page: 30,
            ..Default::default()
        },
    );
    assert_eq!(doc.unread_pages, [run(1, 1, UnreadReason::OperatorCap)]);
    let text = doc.plain_text();
    assert!(text.contains("Read before the form"), "{text}");
    assert!(!text.contains("Beyond"), "{text}");
}

#[test]
fn a_page_with_more_glyphs_than_the_glyph_cap_is_named_glyph_cap() {
    let (doc, _) = build(2, b"", |doc, i| {
        if i == 0 {
            return Some(stream(doc, b"BT /F1 12 Tf 72 700 Td (Short) Tj ET"));
        }
        Some(stream(
            doc,
            b"BT /F1 12 Tf 72 700 Td (Eight+glyphs) Tj 0 -20 Td (Beyond the glyph cap) Tj ET",
        ))
    });
    let doc = read(
        &save(doc),
        pdf::Limits {
            glyphs_per_page: 6,
            ..Default::default()
        },
    );
    assert_eq!(doc.unread_pages, [run(2, 2, UnreadReason::GlyphCap)]);
    let text = doc.plain_text();
    assert!(
        text.contains("Short") && text.contains("Eight+glyphs"),
        "{text}"
    );
    assert!(!text.contains("Beyond"), "{text}");
}

#[test]
fn contents_that_refer_to_a_missing_object_are_a_broken_page() {
    let (doc, _) = build(2, b"", |doc, i| {
        if i == 0 {
            return Some(stream(doc, &shows(&page_text(0))));
        }
        Some(Object::Reference((9999, 0)))
    });
    let doc = read(&save(doc), pdf::Limits::default());
    assert_eq!(doc.unread_pages, [run(2, 2, UnreadReason::Broken)]);
    assert!(doc.plain_text().contains(&page_text(0)));
}

#[test]
fn a_flate_content_stream_that_does_not_inflate_is_a_broken_page() {
    let (doc, _) = build(2, b"", |doc, i| {
        if i == 0 {
            return Some(stream(doc, &shows(&page_text(0))));
        }
        let garbage = Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            b"\xff\xfe this was never zlib data, whatever its filter says \x00\x01".to_vec(),
        );
        Some(doc.add_object(garbage).into())
    });
    let doc = read(&save(doc), pdf::Limits::default());
    assert_eq!(doc.unread_pages, [run(2, 2, UnreadReason::Broken)]);
}

#[test]
fn an_empty_flate_content_stream_is_a_blank_page_not_a_broken_one() {
    let (doc, _) = build(2, b"", |doc, i| {
        if i == 0 {
            return Some(stream(doc, &shows(&page_text(0))));
        }
        // zlib of zero bytes.
        let empty = Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            vec![0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        Some(doc.add_object(empty).into())
    });
    let doc = read(&save(doc), pdf::Limits::default());
    assert_eq!(doc.unread_pages, []);
}

#[test]
fn a_compressed_page_reads_without_being_listed() {
    let (doc, _) = build(1, b"", |doc, _| {
        let mut s = Stream::new(dictionary! {}, shows(&page_text(0)).repeat(4));
        s.compress().unwrap();
        assert!(s.dict.get(b"Filter").is_ok());
        Some(doc.add_object(s).into())
    });
    let doc = read(&save(doc), pdf::Limits::default());
    assert_eq!(doc.unread_pages, []);
    assert!(doc.plain_text().contains(&page_text(0)));
}

#[test]
fn a_page_object_that_cannot_be_read_is_a_broken_page() {
    let (mut doc, ids) = plain_pdf(3);
    doc.objects.remove(&ids[1]);
    let doc = read(&save(doc), pdf::Limits::default());
    assert_eq!(doc.pages, Some(3));
    assert_eq!(doc.unread_pages, [run(2, 2, UnreadReason::Broken)]);
    let text = doc.plain_text();
    assert!(
        text.contains(&page_text(0)) && text.contains(&page_text(2)),
        "{text}"
    );
}

#[test]
fn a_pdf_cut_by_a_cap_before_any_text_is_an_error_naming_the_cap_not_no_text() {
    let bytes = save(plain_pdf(2).0);
    let err = pdf::extract_with_limits(
        &bytes,
        &pdf::Limits {
            operators_per_page: 2,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        !matches!(err, ExtractError::NoText(_)),
        "a cap is not an absence of text: {err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("operator cap") && msg.contains("pages 1–2"),
        "{msg}"
    );
}

#[test]
fn a_pdf_whose_only_content_is_missing_is_an_error_naming_the_damage_not_no_text() {
    let (doc, _) = build(1, b"", |_, _| Some(Object::Reference((9999, 0))));
    let err = pdf::extract_with_limits(&save(doc), &pdf::Limits::default()).unwrap_err();
    assert!(!matches!(err, ExtractError::NoText(_)), "{err}");
    assert!(err.to_string().contains("page 1"), "{err}");
}

/// A DOCX with these members (name, text).
fn docx_with(parts: &[(&str, String)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, body) in parts {
        out.start_file(*name, opts).unwrap();
        out.write_all(body.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn document_xml() -> String {
    format!(
        r#"<w:document {W}><w:body><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>目的</w:t></w:r></w:p></w:body></w:document>"#
    )
}

fn numbering_xml(padding: usize) -> String {
    format!(
        r#"<w:numbering {W}><!-- {} --><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
        "x".repeat(padding)
    )
}

fn small_docx_limits() -> docx::Limits {
    docx::Limits { member_bytes: 2000 }
}

#[test]
fn docx_numbering_within_the_member_cap_renders_its_labels() {
    let bytes = docx_with(&[
        ("word/document.xml", document_xml()),
        ("word/numbering.xml", numbering_xml(10)),
    ]);
    let doc = docx::extract_with_limits(&bytes, &small_docx_limits()).unwrap();
    assert_eq!(doc.blocks[0].display_text(), "第1条\u{3000}目的");
}

#[test]
fn docx_numbering_over_the_member_cap_is_an_error_naming_the_cap_not_labels_dropped() {
    let bytes = docx_with(&[
        ("word/document.xml", document_xml()),
        ("word/numbering.xml", numbering_xml(5000)),
    ]);
    let err = docx::extract_with_limits(&bytes, &small_docx_limits()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("word/numbering.xml") && msg.contains("2000"),
        "{msg}"
    );
}

#[test]
fn docx_styles_over_the_member_cap_is_an_error_naming_the_cap() {
    let styles = format!(r#"<w:styles {W}><!-- {} --></w:styles>"#, "x".repeat(5000));
    let bytes = docx_with(&[
        ("word/document.xml", document_xml()),
        ("word/styles.xml", styles),
    ]);
    let msg = docx::extract_with_limits(&bytes, &small_docx_limits())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("word/styles.xml") && msg.contains("2000"),
        "{msg}"
    );
}

#[test]
fn docx_document_over_the_member_cap_is_an_error_naming_the_cap() {
    let big = document_xml().replace("目的", &"目的".repeat(2000));
    let bytes = docx_with(&[("word/document.xml", big)]);
    let msg = docx::extract_with_limits(&bytes, &small_docx_limits())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("word/document.xml") && msg.contains("2000"),
        "{msg}"
    );
}

#[test]
fn docx_content_types_over_the_member_cap_is_an_error_naming_the_cap_not_a_missing_part() {
    let types = format!(
        r#"<Types><!-- {} --><Override PartName="/word/document2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        "x".repeat(5000)
    );
    let bytes = docx_with(&[
        ("[Content_Types].xml", types),
        ("word/document2.xml", document_xml()),
    ]);
    let msg = docx::extract_with_limits(&bytes, &small_docx_limits())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("[Content_Types].xml") && msg.contains("2000"),
        "{msg}"
    );
}
