//! .odt: content.xml walked into blocks in reading order, as the DOCX walker
//! does for document.xml.
//!
//! What a reader of the document sees is what counts: tracked deletions live
//! in `text:tracked-changes` and are never body text (a paragraph that had
//! one is kept apart, as it read before, in `Document::deleted`); inserted
//! text is body text; `office:annotation` comments go to
//! `Document::comments`; headers and footers (master pages in styles.xml) go
//! to the furniture. List numbering (第１条, ２) is rendered from the list
//! styles, since it is not in the text.

use super::styles::{Counters, ListStyles, OUTLINE};
use super::{attr, entity, local, spaces, MAX_DEPTH};
use crate::document::{Block, BlockKind, Document};
use crate::error::ExtractError;
use crate::extract::zipped;
use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, HashSet};

const FORMAT: &str = "ODT";

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    extract_with_limits(bytes, zipped::Limits::default())
}

pub fn extract_with_limits(bytes: &[u8], limits: zipped::Limits) -> Result<Document, ExtractError> {
    let mut package = super::open(bytes, FORMAT, limits)?;
    let content = super::content(&mut package)?;
    // Headers, footers and list styles: without styles.xml the text is still
    // all there (labels of styles kept there may be missing), so damage
    // only leaves it out; its cap is an error, as for every part.
    let styles_xml = package.read_optional("styles.xml")?;
    let mut styles = ListStyles::default();
    if let Some(s) = &styles_xml {
        styles.read(s);
    }
    styles.read(&content);
    let mut doc = walk(&content, &styles, Part::Content)?;
    if let Some(s) = &styles_xml {
        // Furniture never decides anything: a malformed styles.xml loses it.
        if let Ok(f) = walk(s, &styles, Part::Styles) {
            doc.furniture = f.furniture;
        }
    }
    Ok(doc)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Content,
    /// styles.xml: only the master pages' headers and footers are text.
    Styles,
}

/// Where a paragraph's text goes when it closes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dest {
    Body,
    /// A paragraph of a tracked deletion, by change id.
    Deleted(String),
    Comment,
    Furniture,
    /// Text that is not read (styles.xml outside the master pages).
    Nowhere,
}

#[derive(Debug)]
struct Para {
    dest: Dest,
    page: Option<u32>,
    label: Option<String>,
    text: String,
    /// The text as it read before its tracked changes: deleted text in,
    /// inserted text out. Kept only when `has_deleted`.
    before: String,
    has_deleted: bool,
    /// `text:number`: the label as the producer wrote it.
    number: Option<String>,
}

/// What an open element is, as far as its end matters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Open {
    /// Its whole subtree is not read.
    Skip,
    Para,
    /// A text container whose own text is not read (annotation, note,
    /// tracked-change region): paragraphs inside it are.
    Container,
    Annotation,
    Region,
    Deletion,
    Furniture,
    List,
    ListItem,
    Row,
    Cell,
    Number,
    Other,
}

/// One open `text:list`.
#[derive(Debug)]
struct List {
    style: Option<String>,
}

/// One open `text:list-item`: whether its first paragraph is still to be
/// numbered, and with which start value.
#[derive(Debug)]
struct Item {
    pending: bool,
    header: bool,
    start_at: Option<u32>,
}

/// Subtrees that are no text a reader sees in the body.
const SKIPPED: &[&str] = &[
    "change-info",
    "note-citation",
    "sequence-decls",
    "variable-decls",
    "user-field-decls",
    "forms",
    "table-of-content-source",
    "alphabetical-index-source",
    "illustration-index-source",
    "table-index-source",
    "object-index-source",
    "user-index-source",
    "bibliography-source",
    "hidden-text",
    "covered-table-cell",
    "script",
    "automatic-styles",
    "font-face-decls",
];

struct Walker<'s> {
    styles: &'s ListStyles,
    part: Part,
    doc: Document,
    stack: Vec<Open>,
    skip: usize,
    paras: Vec<Para>,
    rows: Vec<Vec<String>>,
    cells: Vec<String>,
    lists: Vec<List>,
    items: Vec<Item>,
    counters: Counters,
    /// Deleted text by change id, read from `text:tracked-changes`.
    deletions: HashMap<String, String>,
    /// Ids of insertions, and those whose range is open.
    insertion_ids: HashSet<String>,
    open_insertions: HashSet<String>,
    /// The change id of the `text:changed-region` being read.
    region: Option<String>,
    furniture: usize,
    page: Option<u32>,
}

fn walk(xml: &str, styles: &ListStyles, part: Part) -> Result<Document, ExtractError> {
    let mut w = Walker {
        styles,
        part,
        doc: Document::default(),
        stack: Vec::new(),
        skip: 0,
        paras: Vec::new(),
        rows: Vec::new(),
        cells: Vec::new(),
        lists: Vec::new(),
        items: Vec::new(),
        counters: Counters::default(),
        deletions: HashMap::new(),
        insertion_ids: HashSet::new(),
        open_insertions: HashSet::new(),
        region: None,
        furniture: 0,
        // LibreOffice records where its layout broke pages; other producers do not.
        page: (part == Part::Content && xml.contains("soft-page-break")).then_some(1),
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| ExtractError::corrupt(FORMAT, format!("{}: {e}", w.part_name())))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => w.start(&e)?,
            Event::Empty(e) => {
                w.start(&e)?;
                w.end();
            }
            Event::End(_) => w.end(),
            Event::Text(t) => w.push_text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = entity(&r) {
                    let mut buf = [0; 4];
                    w.push_text(c.encode_utf8(&mut buf));
                }
            }
            _ => {}
        }
    }
    Ok(w.doc)
}

impl Walker<'_> {
    fn part_name(&self) -> &'static str {
        match self.part {
            Part::Content => "content.xml",
            Part::Styles => "styles.xml",
        }
    }

    /// Text goes to the innermost paragraph when nothing between it and
    /// the text is a container whose own text is not read.
    fn reading(&self) -> bool {
        self.skip == 0
            && matches!(
                self.stack.iter().rev().find(|o| !matches!(o, Open::Other)),
                Some(Open::Para | Open::Number)
            )
    }

    fn push_text(&mut self, s: &str) {
        if !self.reading() {
            return;
        }
        let number =
            self.stack.iter().rev().find(|o| !matches!(o, Open::Other)) == Some(&Open::Number);
        let inserted = !self.open_insertions.is_empty();
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        if number {
            p.number.get_or_insert_with(String::new).push_str(s);
            return;
        }
        p.text.push_str(s);
        if !inserted {
            p.before.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart) -> Result<(), ExtractError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ExtractError::corrupt(
                FORMAT,
                format!("elements nested deeper than the {MAX_DEPTH}-level cap"),
            ));
        }
        if self.skip > 0 {
            self.skip += 1;
            self.stack.push(Open::Skip);
            return Ok(());
        }
        let name = local(e);
        let open = if SKIPPED.contains(&name) {
            self.skip += 1;
            Open::Skip
        } else {
            self.open(name, e)
        };
        self.stack.push(open);
        Ok(())
    }

    fn open(&mut self, name: &str, e: &BytesStart) -> Open {
        match name {
            "p" | "h" => {
                self.open_paragraph(name, e);
                Open::Para
            }
            "number" => Open::Number,
            "s" => {
                let n = spaces(e);
                self.push_text(&" ".repeat(n));
                Open::Other
            }
            "tab" => {
                self.push_text("\t");
                Open::Other
            }
            "line-break" => {
                self.push_text("\n");
                Open::Other
            }
            "soft-page-break" => {
                self.page = self.page.map(|p| p.saturating_add(1));
                if let Some(p) = self.paras.last_mut().filter(|p| p.text.is_empty()) {
                    p.page = self.page;
                }
                Open::Other
            }
            "annotation" => Open::Annotation,
            "note" | "note-body" | "tracked-changes" | "text-box" | "frame" => Open::Container,
            "changed-region" => {
                self.region = attr(e, "id").map(|s| s.into_owned());
                Open::Region
            }
            "deletion" if self.region.is_some() => Open::Deletion,
            "insertion" => {
                if let Some(id) = &self.region {
                    self.insertion_ids.insert(id.clone());
                }
                Open::Container
            }
            "change" => {
                // Where a tracked deletion was: its text belongs to the paragraph before.
                if let Some(text) = attr(e, "change-id").and_then(|id| self.deletions.get(&*id)) {
                    let text = text.clone();
                    match self.paras.last_mut() {
                        Some(p) if p.dest == Dest::Body => {
                            p.before.push_str(&text);
                            p.has_deleted = true;
                        }
                        _ if self.part == Part::Content && !text.trim().is_empty() => {
                            self.doc
                                .deleted
                                .push(Block::paragraph(self.page, text.trim()));
                        }
                        _ => {}
                    }
                }
                Open::Other
            }
            "change-start" => {
                if let Some(id) = attr(e, "change-id") {
                    if self.insertion_ids.contains(&*id) {
                        self.open_insertions.insert(id.into_owned());
                    }
                }
                Open::Other
            }
            "change-end" => {
                if let Some(id) = attr(e, "change-id") {
                    self.open_insertions.remove(&*id);
                }
                Open::Other
            }
            "header" | "footer" | "header-left" | "footer-left" | "header-first"
            | "footer-first"
                if self.part == Part::Styles =>
            {
                self.furniture += 1;
                Open::Furniture
            }
            "list" => {
                let style = attr(e, "style-name")
                    .map(|s| s.into_owned())
                    .or_else(|| self.lists.last().and_then(|l| l.style.clone()));
                let continues = attr(e, "continue-numbering").as_deref() == Some("true")
                    || attr(e, "continue-list").is_some();
                if self.lists.is_empty() && !continues {
                    if let Some(s) = &style {
                        self.counters.restart(s);
                    }
                }
                self.lists.push(List { style });
                Open::List
            }
            "list-item" | "list-header" => {
                self.items.push(Item {
                    pending: true,
                    header: name == "list-header",
                    start_at: attr(e, "start-value").and_then(|s| s.trim().parse().ok()),
                });
                Open::ListItem
            }
            "table-row" => {
                self.rows.push(Vec::new());
                Open::Row
            }
            "table-cell" => {
                self.cells.push(String::new());
                Open::Cell
            }
            _ => Open::Other,
        }
    }

    fn dest(&self) -> Dest {
        let inner = self.stack.iter().rev().find(|o| {
            matches!(
                o,
                Open::Annotation | Open::Deletion | Open::Furniture | Open::Region
            )
        });
        match inner {
            Some(Open::Annotation) => Dest::Comment,
            Some(Open::Deletion) => Dest::Deleted(self.region.clone().unwrap_or_default()),
            Some(Open::Region) => Dest::Nowhere,
            Some(Open::Furniture) => Dest::Furniture,
            _ if self.part == Part::Styles => Dest::Nowhere,
            _ => Dest::Body,
        }
    }

    fn open_paragraph(&mut self, name: &str, e: &BytesStart) {
        let dest = self.dest();
        let label = if matches!(dest, Dest::Body | Dest::Furniture) {
            self.label(name, e)
        } else {
            None
        };
        self.paras.push(Para {
            dest,
            page: self.page,
            label,
            text: String::new(),
            before: String::new(),
            has_deleted: false,
            number: None,
        });
    }

    /// The number of a paragraph: the first paragraph of a list item, or a
    /// heading under a numbered outline.
    fn label(&mut self, name: &str, e: &BytesStart) -> Option<String> {
        let directly_in_item = self.stack.last() == Some(&Open::ListItem);
        if directly_in_item {
            let item = self.items.last_mut()?;
            if !item.pending || item.header {
                return None;
            }
            item.pending = false;
            let start_at = item.start_at;
            let level = self.lists.len();
            let style = self
                .lists
                .last()
                .and_then(|l| l.style.clone())
                .or_else(|| {
                    attr(e, "style-name")
                        .and_then(|p| self.styles.of_paragraph(&p).map(str::to_string))
                })?;
            return self.counters.next(self.styles, &style, level, start_at);
        }
        if name == "h"
            && self.lists.is_empty()
            && attr(e, "is-list-header").as_deref() != Some("true")
            && self.styles.numbers_outline()
        {
            let level = attr(e, "outline-level")
                .and_then(|l| l.trim().parse::<usize>().ok())
                .unwrap_or(1);
            return self.counters.next(self.styles, OUTLINE, level, None);
        }
        None
    }

    fn end(&mut self) {
        let Some(open) = self.stack.pop() else { return };
        match open {
            Open::Skip => self.skip = self.skip.saturating_sub(1),
            Open::Para => self.close_paragraph(),
            Open::Region => self.region = None,
            Open::Furniture => self.furniture = self.furniture.saturating_sub(1),
            Open::List => {
                self.lists.pop();
            }
            Open::ListItem => {
                self.items.pop();
            }
            Open::Cell => {
                let Some(cell) = self.cells.pop() else { return };
                if let Some(row) = self.rows.last_mut() {
                    row.push(cell.trim().to_string());
                }
            }
            Open::Row => self.close_row(),
            _ => {}
        }
    }

    fn close_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else { return };
        let label = p
            .number
            .filter(|n| !n.trim().is_empty())
            .map(|n| n.trim().to_string())
            .or(p.label);
        let mut text = p.text;
        text.truncate(text.trim_end().len());
        match p.dest {
            Dest::Nowhere => return,
            Dest::Deleted(id) => {
                let d = self.deletions.entry(id).or_default();
                d.push_str(text.trim());
                return;
            }
            Dest::Comment => {
                if !text.trim().is_empty() {
                    self.doc.comments.push(Block::paragraph(None, text.trim()));
                }
                return;
            }
            Dest::Body | Dest::Furniture => {}
        }
        if p.has_deleted && !p.before.trim().is_empty() {
            self.doc.deleted.push(Block {
                page: p.page,
                kind: BlockKind::Paragraph,
                label: label.clone(),
                text: p.before.trim().to_string(),
            });
        }
        if text.trim().is_empty() && label.is_none() {
            return;
        }
        if let Some(cell) = self.cells.last_mut() {
            if !cell.is_empty() {
                cell.push(' ');
            }
            if let Some(l) = &label {
                cell.push_str(l);
                cell.push('\u{3000}');
            }
            cell.push_str(&text.replace(['\n', '\t'], " "));
            return;
        }
        let block = Block {
            page: p.page,
            kind: BlockKind::Paragraph,
            label,
            text,
        };
        if p.dest == Dest::Furniture {
            self.doc.furniture.push(block);
        } else {
            self.doc.blocks.push(block);
        }
    }

    /// A row: its cells separated by tabs. A row repeated
    /// (`table:number-rows-repeated`) is read once: the same text again
    /// would change nothing, and a hostile count could not run away.
    fn close_row(&mut self) {
        let Some(mut row) = self.rows.pop() else {
            return;
        };
        while row.last().is_some_and(|c| c.is_empty()) {
            row.pop();
        }
        if row.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        if let Some(cell) = self.cells.last_mut() {
            // A nested table: its rows become part of the enclosing cell.
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(&row.join(" "));
            return;
        }
        let block = Block {
            page: self.page,
            kind: BlockKind::TableRow,
            label: None,
            text: row.join("\t"),
        };
        if self.furniture > 0 {
            self.doc.furniture.push(block);
        } else if self.dest() == Dest::Body {
            self.doc.blocks.push(block);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(body: &str) -> String {
        format!(
            r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="tb" xmlns:dc="dc"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        )
    }

    fn body(body: &str) -> Document {
        walk(&content(body), &ListStyles::default(), Part::Content).unwrap()
    }

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks.iter().map(|b| b.display_text()).collect()
    }

    #[test]
    fn tracked_deletions_are_not_body_text_and_the_paragraph_is_kept_as_it_read() {
        let d = body(
            r#"<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>山田</dc:creator><dc:date>2025-01-01</dc:date></office:change-info><text:p>通信を暗号化</text:p></text:deletion></text:changed-region><text:changed-region text:id="ct2"><text:insertion><office:change-info><dc:creator>山田</dc:creator></office:change-info></text:insertion></text:changed-region></text:tracked-changes><text:p>乙は、<text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>誠実に対応<text:change-end text:change-id="ct2"/>する。</text:p><text:p>変更のない段落。</text:p>"#,
        );
        assert_eq!(
            texts(&d.blocks),
            ["乙は、誠実に対応する。", "変更のない段落。"]
        );
        assert_eq!(texts(&d.deleted), ["乙は、通信を暗号化する。"]);
    }

    #[test]
    fn annotations_are_comments_and_not_body_text() {
        let d = body(
            r#"<text:p>乙は報告<office:annotation><dc:creator>法務</dc:creator><dc:date>2025</dc:date><text:p>期限を定めること</text:p></office:annotation>する。</text:p>"#,
        );
        assert_eq!(texts(&d.blocks), ["乙は報告する。"]);
        assert_eq!(texts(&d.comments), ["期限を定めること"]);
    }

    #[test]
    fn table_rows_spaces_tabs_and_line_breaks() {
        let d = body(
            r#"<table:table><table:table-row><table:table-cell><text:p>報告書</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>毎月<text:line-break/>末日</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3"/></table:table-row></table:table><text:p>A<text:s text:c="2"/>B<text:tab/>C</text:p>"#,
        );
        let rows: Vec<(BlockKind, &str)> =
            d.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            rows,
            [
                (BlockKind::TableRow, "報告書\t毎月 末日"),
                (BlockKind::Paragraph, "A  B\tC")
            ]
        );
    }

    #[test]
    fn list_items_are_numbered_from_their_list_style() {
        let mut styles = ListStyles::default();
        styles.read(
            r#"<x><text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-prefix="第" style:num-suffix="条" style:num-format="１, ２, ３, ..."/><text:list-level-style-number text:level="2" style:num-format="1" text:start-value="2"/></text:list-style></x>"#,
        );
        let xml = content(
            r#"<text:list text:style-name="L1"><text:list-item><text:p>（目的）</text:p></text:list-item></text:list><text:p>本文</text:p><text:list text:continue-numbering="true" text:style-name="L1"><text:list-item><text:list><text:list-item><text:p>第二項</text:p></text:list-item></text:list></text:list-item><text:list-item><text:h>（報告）</text:h></text:list-item></text:list>"#,
        );
        let d = walk(&xml, &styles, Part::Content).unwrap();
        assert_eq!(
            texts(&d.blocks),
            [
                "第１条\u{3000}（目的）",
                "本文",
                "2\u{3000}第二項",
                "第２条\u{3000}（報告）"
            ]
        );
    }

    #[test]
    fn headers_and_footers_of_master_pages_are_furniture() {
        let xml = r#"<office:document-styles xmlns:office="o" xmlns:style="s" xmlns:text="t"><office:styles><style:default-style><text:p>no</text:p></style:default-style></office:styles><office:master-styles><style:master-page><style:header><text:p>秘密情報</text:p></style:header><style:footer><text:p><text:page-number>1</text:page-number></text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#;
        let d = walk(xml, &ListStyles::default(), Part::Styles).unwrap();
        assert!(d.blocks.is_empty());
        assert_eq!(texts(&d.furniture), ["秘密情報", "1"]);
    }

    #[test]
    fn nesting_past_the_cap_is_an_error_not_a_stack_overflow() {
        let xml = content(&"<text:span>".repeat(MAX_DEPTH + 10));
        let e = walk(&xml, &ListStyles::default(), Part::Content);
        assert!(e.is_err());
    }
}
