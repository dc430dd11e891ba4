//! Archive scale (issue 8): PDF layout does work near-linear in the glyphs
//! of a line, a page and a document, and a document has a glyph budget
//! across its pages, counted in glyphs (not seconds) so the same file gives
//! the same report on any machine. The PDFs are built in memory with lopdf.

use keiyaku::document::{Document, UnreadPages, UnreadReason};
use keiyaku::extract::pdf;
use lopdf::{dictionary, Object, Stream};

/// A PDF of `n` pages in Helvetica; `contents(i)` is page i's content
/// (0-based). Pages whose content is equal share one stream object, as a
/// generator that repeats a page does.
fn build(n: usize, contents: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let mut streams: Vec<(Vec<u8>, lopdf::ObjectId)> = Vec::new();
    let mut kids = Vec::new();
    for i in 0..n {
        let content = contents(i);
        let stream = match streams.iter().find(|(c, _)| *c == content) {
            Some(&(_, id)) => id,
            None => {
                let id = doc.add_object(Stream::new(dictionary! {}, content.clone()));
                streams.push((content, id));
                id
            }
        };
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => stream,
        });
        kids.push(Object::from(page));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => n as i64,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn run(first: u32, last: u32, reason: UnreadReason) -> UnreadPages {
    UnreadPages {
        first,
        last,
        reason,
    }
}

/// Line `k` of the shared stream: numbered (so each line opens a paragraph
/// of its own), then `len` characters of running text.
fn long_line(k: usize, len: usize) -> String {
    let text = "The Contractor shall keep every record of access for five years. ";
    let body: String = text.chars().cycle().take(len).collect();
    format!("{k:04} {body}").trim_end().to_string()
}

/// Many pages share one content stream of long lines: the layout of every
/// page is near-linear in its glyphs (stacked-glyph detection used to
/// compare each glyph with the others of its line: seconds for this file,
/// days for an archive's 5,000-page one).
#[test]
fn many_pages_sharing_one_stream_of_long_lines_are_read_in_full() {
    let (pages, lines, per_line) = (12, 10, 2500);
    let mut content = b"BT /F1 10 Tf 20 TL 20 700 Td".to_vec();
    for k in 0..lines {
        content.extend(format!(" ({}) Tj T*", long_line(k, per_line)).bytes());
    }
    content.extend(b" ET");
    let bytes = build(pages, |_| content.clone());
    let doc = pdf::extract(&bytes).expect("the PDF reads");
    assert_eq!(doc.pages, Some(pages as u32));
    assert_eq!(doc.unread_pages, []);
    assert_eq!(doc.blocks.len(), pages * lines);
    for (i, b) in doc.blocks.iter().enumerate() {
        assert_eq!(b.page, Some((i / lines + 1) as u32));
        assert_eq!(b.text, long_line(i % lines, per_line), "block {i}");
    }
}

/// Two lines a page: "Page N first line" (17 glyphs), "Page N second line" (18).
fn two_lines(i: usize) -> Vec<u8> {
    let n = i + 1;
    format!("BT /F1 12 Tf 72 700 Td (Page {n} first line) Tj 0 -20 Td (Page {n} second line) Tj ET")
        .into_bytes()
}

fn read(bytes: &[u8], limits: pdf::Limits, budget: usize) -> Document {
    pdf::extract_with_budget(bytes, &limits, budget).expect("the PDF reads")
}

#[test]
fn the_default_document_glyph_budget_is_the_documented_value() {
    assert_eq!(pdf::GLYPHS_PER_DOCUMENT, 5_000_000);
    // The budget is far above any contract: a normal file is read in full.
    let doc = pdf::extract(&build(5, two_lines)).unwrap();
    assert_eq!(doc.unread_pages, []);
    assert!(doc.plain_text().contains("Page 5 second line"));
}

/// The budget is spent on page 2's first line: the rest of page 2 and every
/// later page are glyph-cap pages, and what was read before is kept.
#[test]
fn pages_after_the_document_glyph_budget_are_listed_as_glyph_cap() {
    let bytes = build(6, two_lines);
    let doc = read(&bytes, pdf::Limits::default(), 35 + 10);
    assert_eq!(doc.pages, Some(6));
    assert_eq!(doc.unread_pages, [run(2, 6, UnreadReason::GlyphCap)]);
    let text = doc.plain_text();
    for kept in [
        "Page 1 first line",
        "Page 1 second line",
        "Page 2 first line",
    ] {
        assert!(text.contains(kept), "{text}");
    }
    for lost in ["Page 2 second line", "Page 3", "Page 6"] {
        assert!(!text.contains(lost), "{text}");
    }
}

/// A budget spent exactly at a page's end: the next pages are not read at
/// all, and the page cap still names the pages beyond it.
#[test]
fn a_budget_spent_at_a_page_end_stops_before_the_next_page_and_the_page_cap_still_applies() {
    let bytes = build(8, two_lines);
    let limits = pdf::Limits {
        pages: 5,
        ..Default::default()
    };
    let doc = read(&bytes, limits, 2 * 35);
    assert_eq!(
        doc.unread_pages,
        [
            run(3, 5, UnreadReason::GlyphCap),
            run(6, 8, UnreadReason::PageCap)
        ]
    );
    let text = doc.plain_text();
    assert!(text.contains("Page 2 second line"), "{text}");
    assert!(!text.contains("Page 3"), "{text}");
    // The same file with the default budget: only the page cap.
    let doc = read(&bytes, limits, pdf::GLYPHS_PER_DOCUMENT);
    assert_eq!(doc.unread_pages, [run(6, 8, UnreadReason::PageCap)]);
}

/// The budget counts glyphs, so one huge stream repeated on every page stops
/// after the pages that spend it, whatever the machine.
#[test]
fn a_shared_stream_stops_at_the_budget_after_the_same_pages_every_time() {
    let line = long_line(0, 1000);
    let content = format!("BT /F1 10 Tf 20 400 Td ({line}) Tj ET").into_bytes();
    let glyphs = line.chars().count();
    let bytes = build(50, |_| content.clone());
    let doc = read(&bytes, pdf::Limits::default(), 3 * glyphs);
    assert_eq!(doc.unread_pages, [run(4, 50, UnreadReason::GlyphCap)]);
    let pages: Vec<Option<u32>> = doc.blocks.iter().map(|b| b.page).collect();
    assert_eq!(pages, [Some(1), Some(2), Some(3)]);
    assert!(doc.blocks.iter().all(|b| b.text == line));
}

/// A page with no text left to read for: an error that names the budget.
#[test]
fn a_document_whose_budget_is_spent_on_nothing_readable_names_the_cap() {
    let bytes = build(3, two_lines);
    let err = pdf::extract_with_budget(&bytes, &pdf::Limits::default(), 0).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("glyph cap") && msg.contains("per document"),
        "{msg}"
    );
}

/// Vertical writing set glyph by glyph with a horizontal font, drawn row by
/// row across the columns (官報 style), still reads column by column, right to
/// left, when the page also holds long horizontal lines.
#[test]
fn stacked_columns_drawn_row_by_row_still_read_as_columns() {
    let columns = ["ABCDEFGH", "IJKLMNOP", "QRSTUVWX"];
    let mut content = b"BT /F1 10 Tf".to_vec();
    for row in 0..8 {
        for (c, col) in columns.iter().enumerate() {
            let x = 500 - 30 * c;
            let y = 600 - 10 * row;
            let ch = &col[row..row + 1];
            content.extend(format!(" 1 0 0 1 {x} {y} Tm ({ch}) Tj").bytes());
        }
    }
    content.extend(format!(" 1 0 0 1 20 300 Tm ({}) Tj ET", long_line(1, 3000)).bytes());
    let doc = pdf::extract(&build(2, |_| content.clone())).unwrap();
    assert_eq!(doc.unread_pages, []);
    let text = doc.plain_text();
    for col in columns {
        assert_eq!(text.matches(col).count(), 2, "{text:.300}");
    }
    let (right, left) = (
        text.find(columns[0]).unwrap(),
        text.find(columns[2]).unwrap(),
    );
    assert!(right < left, "{text:.300}");
    assert_eq!(text.matches(&long_line(1, 3000)).count(), 2);
}
