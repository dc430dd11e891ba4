//! DOCX reading at scale (issue 8): a Word `styles.xml` runs to hundreds of
//! kilobytes for the few styles a document uses. The reader parses it without
//! allocating per element, borrows style ids from the part, and skips parsing
//! it when no style can change a label (no `w:pStyle` in the document, or no
//! list instance in numbering.xml). These tests pin that the labels a reader
//! sees come out the same whichever path is taken. The DOCX files are built in
//! memory.

use keiyaku::extract::docx;
use std::io::Write;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

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

fn document(body: &str) -> String {
    format!(r#"<w:document {W}><w:body>{body}</w:body></w:document>"#)
}

/// A paragraph in style `style` (none when empty).
fn para(style: &str, text: &str) -> String {
    let ppr = if style.is_empty() {
        String::new()
    } else {
        format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
    };
    format!(r#"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"#)
}

/// An unused style the size and shape of Word's (fonts, spacing, priority).
fn unused_style(i: usize) -> String {
    format!(
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="Unused{i}"><w:name w:val="unused {i}"/><w:basedOn w:val="a"/><w:next w:val="a"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:pPr><w:numPr><w:ilvl w:val="3"/><w:numId w:val="2"/></w:numPr><w:spacing w:before="120" w:after="60"/><w:ind w:left="420"/></w:pPr><w:rPr><w:rFonts w:asciiTheme="majorHAnsi" w:eastAsiaTheme="majorEastAsia" w:hAnsiTheme="majorHAnsi"/><w:sz w:val="24"/></w:rPr></w:style>"#
    )
}

/// Word's latent-style table: hundreds of elements that say nothing about numbering.
fn latent_styles() -> String {
    let mut s = String::from(r#"<w:latentStyles w:defLockedState="0" w:count="376">"#);
    for i in 0..376 {
        s.push_str(&format!(
            r#"<w:lsdException w:name="heading {i}" w:semiHidden="1" w:uiPriority="9" w:unhideWhenUsed="1" w:qFormat="1"/>"#
        ));
    }
    s.push_str("</w:latentStyles>");
    s
}

/// styles.xml: `used` (complete `w:style` elements) among `pad` unused styles
/// before and `pad` after, behind Word's latent-style table.
fn styles(used: &[String], pad: usize) -> String {
    let mut s = format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}>"#);
    s.push_str(&latent_styles());
    s.push_str(r#"<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:qFormat/></w:style>"#);
    for i in 0..pad {
        s.push_str(&unused_style(i));
    }
    for u in used {
        s.push_str(u);
    }
    for i in pad..2 * pad {
        s.push_str(&unused_style(i));
    }
    s.push_str("</w:styles>");
    s
}

/// numbering.xml: num 1 = 第N条 (decimal full width) with （N） below it;
/// num 2 = ①, a list no used style points at.
fn numbering() -> String {
    format!(
        r#"<w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="第%1条"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#
    )
}

/// The heading style Word attaches 第N条 to, and a level-2 style based on it.
fn heading_styles() -> Vec<String> {
    vec![
        r#"<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:next w:val="a"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:sz w:val="24"/></w:rPr></w:style>"#.to_string(),
        r#"<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>"#.to_string(),
    ]
}

/// (label, text) of each block.
fn blocks(bytes: &[u8]) -> Vec<(Option<String>, String)> {
    docx::extract(bytes)
        .unwrap()
        .blocks
        .into_iter()
        .map(|b| (b.label, b.text))
        .collect()
}

fn labelled(label: Option<&str>, text: &str) -> (Option<String>, String) {
    (label.map(str::to_string), text.to_string())
}

fn contract_body() -> String {
    [
        para("", "業務委託契約書"),
        para("1", "目的"),
        para("a", "本契約は、業務の委託について定める。"),
        para("2", "乙は、個人情報を適切に管理する。"),
        para("2", "乙は、事故を報告する。"),
        para("1", "再委託"),
        para("2", "乙は、再委託してはならない。"),
    ]
    .concat()
}

fn contract_expected() -> Vec<(Option<String>, String)> {
    vec![
        labelled(None, "業務委託契約書"),
        labelled(Some("第１条"), "目的"),
        labelled(None, "本契約は、業務の委託について定める。"),
        labelled(Some("（1）"), "乙は、個人情報を適切に管理する。"),
        labelled(Some("（2）"), "乙は、事故を報告する。"),
        labelled(Some("第２条"), "再委託"),
        labelled(Some("（1）"), "乙は、再委託してはならない。"),
    ]
}

#[test]
fn a_used_heading_style_among_hundreds_of_unused_ones_renders_its_labels() {
    let styles_xml = styles(&heading_styles(), 600);
    assert!(styles_xml.len() > 350_000, "{}", styles_xml.len());
    let bytes = docx_with(&[
        ("word/document.xml", document(&contract_body())),
        ("word/styles.xml", styles_xml),
        ("word/numbering.xml", numbering()),
    ]);
    assert_eq!(blocks(&bytes), contract_expected());
}

#[test]
fn where_the_used_style_sits_in_styles_xml_does_not_change_the_labels() {
    let mut first = heading_styles();
    first.extend((0..50).map(unused_style));
    let mut last: Vec<String> = (0..50).map(unused_style).collect();
    last.extend(heading_styles());
    // The level-2 style before the style it is based on.
    let mut reversed = heading_styles();
    reversed.reverse();
    for used in [first, last, reversed] {
        let bytes = docx_with(&[
            ("word/document.xml", document(&contract_body())),
            ("word/styles.xml", styles(&used, 0)),
            ("word/numbering.xml", numbering()),
        ]);
        assert_eq!(blocks(&bytes), contract_expected());
    }
}

#[test]
fn a_style_defined_twice_takes_its_last_definition() {
    let mut used = heading_styles();
    // A later definition of "1" without numbering replaces the numbered one.
    used.push(
        r#"<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>"#
            .to_string(),
    );
    let bytes = docx_with(&[
        (
            "word/document.xml",
            document(&[para("1", "目的"), para("2", "管理する。")].concat()),
        ),
        ("word/styles.xml", styles(&used, 10)),
        ("word/numbering.xml", numbering()),
    ]);
    assert_eq!(
        blocks(&bytes),
        [labelled(None, "目的"), labelled(None, "管理する。")]
    );
}

#[test]
fn style_ids_and_values_with_entities_still_resolve() {
    let used = vec![
        r#"<w:style w:type="paragraph" w:styleId="条&amp;項"><w:pPr><w:numPr><w:numId w:val="&#x31;"/></w:numPr></w:pPr></w:style>"#.to_string(),
        r#"<w:style w:type="paragraph" w:styleId="項"><w:basedOn w:val="条&amp;項"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>"#.to_string(),
    ];
    let body = [para("条&amp;項", "目的"), para("項", "管理する。")].concat();
    let bytes = docx_with(&[
        ("word/document.xml", document(&body)),
        ("word/styles.xml", styles(&used, 10)),
        ("word/numbering.xml", numbering()),
    ]);
    assert_eq!(
        blocks(&bytes),
        [
            labelled(Some("第１条"), "目的"),
            labelled(Some("（1）"), "管理する。")
        ]
    );
}

#[test]
fn direct_numbering_is_rendered_without_styles_being_needed() {
    // Direct numbering needs no style: styles.xml, even a broken one, cannot
    // change these labels (the word pStyle as text is no style reference).
    let body = [
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>目的</w:t></w:r></w:p>"#,
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>pStyle は本文です。</w:t></w:r></w:p>"#,
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>丸数字</w:t></w:r></w:p>"#,
    ]
    .concat();
    let expected = [
        labelled(Some("第１条"), "目的"),
        labelled(Some("（1）"), "pStyle は本文です。"),
        labelled(Some("①"), "丸数字"),
    ];
    for styles_xml in [
        styles(&heading_styles(), 100),
        "<w:styles><w:style w:styleId=".to_string(),
    ] {
        let bytes = docx_with(&[
            ("word/document.xml", document(&body)),
            ("word/styles.xml", styles_xml),
            ("word/numbering.xml", numbering()),
        ]);
        assert_eq!(blocks(&bytes), expected);
    }
}

#[test]
fn styled_paragraphs_without_list_instances_have_no_labels() {
    let no_nums = format!(r#"<w:numbering {W}></w:numbering>"#);
    for numbering_part in [None, Some(no_nums)] {
        let mut parts = vec![
            ("word/document.xml", document(&contract_body())),
            ("word/styles.xml", styles(&heading_styles(), 10)),
        ];
        if let Some(n) = numbering_part {
            parts.push(("word/numbering.xml", n));
        }
        let got = blocks(&docx_with(&parts));
        assert!(got.iter().all(|(label, _)| label.is_none()), "{got:?}");
        assert_eq!(got.len(), 7);
    }
}

#[test]
fn an_unparsed_styles_xml_over_the_cap_is_still_an_error_naming_it() {
    // No w:pStyle, so styles.xml is not parsed; the cap still holds.
    let bytes = docx_with(&[
        ("word/document.xml", document(&para("", "目的"))),
        ("word/styles.xml", styles(&[], 100)),
        ("word/numbering.xml", numbering()),
    ]);
    let limits = docx::Limits {
        member_bytes: 20_000,
    };
    let msg = docx::extract_with_limits(&bytes, &limits)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("word/styles.xml") && msg.contains("20000"),
        "{msg}"
    );
}

#[test]
fn lists_sharing_an_abstract_continue_and_a_start_override_restarts() {
    let numbering_xml = format!(
        r#"<w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="japaneseCounting"/><w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num></w:numbering>"#
    );
    let used = vec![
        r#"<w:style w:type="paragraph" w:styleId="A"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#.to_string(),
        r#"<w:style w:type="paragraph" w:styleId="B"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>"#.to_string(),
        r#"<w:style w:type="paragraph" w:styleId="C"><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>"#.to_string(),
    ];
    let body = [
        para("A", "一"),
        para("B", "二"),
        para("C", "十"),
        para("A", "三"),
        para("C", "十一"),
    ]
    .concat();
    let bytes = docx_with(&[
        ("word/document.xml", document(&body)),
        ("word/styles.xml", styles(&used, 20)),
        ("word/numbering.xml", numbering_xml),
    ]);
    let labels: Vec<Option<String>> = blocks(&bytes).into_iter().map(|(l, _)| l).collect();
    let want = ["第一条", "第二条", "第十条", "第三条", "第十一条"];
    assert_eq!(labels, want.map(|s| Some(s.to_string())));
}

#[test]
fn many_paragraphs_and_tables_keep_their_text_and_order() {
    let mut body = String::new();
    let mut expected = Vec::new();
    for i in 0..300 {
        body.push_str(&para("1", &format!("条{i}")));
        expected.push(labelled(
            Some(&format!("第{}条", fullwidth(i + 1))),
            &format!("条{i}"),
        ));
        body.push_str(&format!(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>報告 {i} </w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>毎月</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#
        ));
        expected.push(labelled(None, &format!("報告 {i}\t毎月")));
    }
    let bytes = docx_with(&[
        ("word/document.xml", document(&body)),
        ("word/styles.xml", styles(&heading_styles(), 200)),
        ("word/numbering.xml", numbering()),
    ]);
    assert_eq!(blocks(&bytes), expected);
}

fn fullwidth(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap())
        .collect()
}
