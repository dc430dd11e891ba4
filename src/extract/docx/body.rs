//! Walks `word/document.xml` into blocks in reading order.
//!
//! What a reader of the signed contract sees is what counts: deleted revisions
//! (`w:del`, `w:moveFrom`), field instructions and property-change history are
//! skipped; inserted revisions are kept; `mc:Fallback` is skipped so a text
//! box is not read twice. A paragraph with deleted text is also kept, as it
//! read before the deletion, in `Document::deleted`: never a clause, only a
//! place where a report can say a provision was seen (and deleted).
//! Headers and footers live in other parts and are never read; comments are
//! walked apart (see `super::extract`).

use super::numbering::Numbering;
use super::styles::Styles;
use super::xml::{attr, entity, in_part, local};
use crate::document::{Block, BlockKind, Document};
use crate::error::ExtractError;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;

/// Tracked deletions: skipped, but their text is what the paragraph read before.
const DELETIONS: &[&str] = &["del", "moveFrom", "delText"];

/// Per open element: what it started (see [`Walker::flags`]).
const SKIP: u8 = 1;
/// A skipped element that is a deletion (one of [`DELETIONS`]).
const DELETION_SKIP: u8 = 2;
/// A `w:del` or `w:moveFrom`.
const DELETION: u8 = 4;
/// A text element inside a deletion.
const DELETED_TEXT: u8 = 8;
/// A `w:ins` or `w:moveTo`: text the paragraph did not have before.
const INSERTION: u8 = 16;

/// Elements whose whole subtree is not text a reader of the contract sees.
const SKIPPED: &[&str] = &[
    "del",
    "moveFrom",
    "Fallback",
    "instrText",
    "delText",
    "delInstrText",
    "pPrChange",
    "rPrChange",
    "sectPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "numberingChange",
];

#[derive(Default)]
struct Para<'a> {
    /// Page where the paragraph starts, when Word recorded page breaks.
    page: Option<u32>,
    text: String,
    /// Borrowed from document.xml.
    style: Option<Cow<'a, str>>,
    num_id: Option<Cow<'a, str>>,
    ilvl: Option<u32>,
    mark_deleted: bool,
    /// The text as it read before its tracked changes: deleted runs in,
    /// inserted runs out. Kept only when `has_deleted`.
    before: String,
    has_deleted: bool,
}

/// Hostile files can nest elements without end; real ones stay far below this.
const MAX_DEPTH: usize = 512;

/// An open element, as far as the walker looks back at it: the few names it
/// asks about, so keeping the stack allocates nothing per element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    R,
    RPr,
    PPr,
    Other,
}

impl Open {
    fn of(name: &str) -> Open {
        match name {
            "r" => Open::R,
            "rPr" => Open::RPr,
            "pPr" => Open::PPr,
            _ => Open::Other,
        }
    }
}

/// State of one pass over document.xml (`'a`), with styles read from styles.xml (`'s`).
struct Walker<'a, 's> {
    xml: &'a str,
    styles: &'s Styles<'s>,
    numbering: Numbering,
    doc: Document,
    /// Open elements, innermost last.
    stack: Vec<Open>,
    /// Per open element, what it started ([`SKIP`], [`DELETION`], …), and
    /// how many skipped subtrees, deletion subtrees among them, deletions,
    /// deleted text elements and insertions are open.
    flags: Vec<u8>,
    skip: usize,
    deletion_skip: usize,
    deletions: usize,
    in_deleted_text: usize,
    insertions: usize,
    /// Paragraphs being read; more than one inside text boxes.
    paras: Vec<Para<'a>>,
    rows: Vec<Vec<String>>,
    cells: Vec<String>,
    in_t: usize,
    /// <w:r><w:rPr><w:vanish/></w:rPr>: hidden text, which a reader never sees.
    hidden_run: bool,
    /// The page Word last laid this point out on (w:lastRenderedPageBreak), when
    /// the file records it; files from other producers have no pages.
    page: Option<u32>,
}

pub fn walk(xml: &str, styles: &Styles, numbering: Numbering) -> Result<Document, ExtractError> {
    let mut w = Walker {
        xml,
        styles,
        numbering,
        doc: Document::default(),
        stack: Vec::new(),
        flags: Vec::new(),
        skip: 0,
        deletion_skip: 0,
        deletions: 0,
        in_deleted_text: 0,
        insertions: 0,
        paras: Vec::new(),
        rows: Vec::new(),
        cells: Vec::new(),
        in_t: 0,
        hidden_run: false,
        page: xml.contains("lastRenderedPageBreak").then_some(1),
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| ExtractError::corrupt("DOCX", format!("document.xml: {e}")))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => w.start(&e)?,
            Event::Empty(e) => w.empty(&e),
            Event::End(e) => w.end(e.local_name().into_inner()),
            Event::Text(t) if w.reading_text() => w.push_text(&t.xml10_content()),
            Event::Text(t) if w.reading_deleted() => w.push_deleted(&t.xml10_content()),
            Event::GeneralRef(r) if w.reading_text() || w.reading_deleted() => {
                if let Some(c) = entity(&r) {
                    let mut buf = [0; 4];
                    let c = c.encode_utf8(&mut buf);
                    if w.reading_text() {
                        w.push_text(c);
                    } else {
                        w.push_deleted(c);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(w.doc)
}

impl<'a> Walker<'a, '_> {
    fn reading_text(&self) -> bool {
        self.skip == 0 && self.in_t > 0 && !self.hidden_run
    }

    /// Inside a deletion and nothing else skipped (not a field instruction
    /// or a fallback inside it), in its text.
    fn reading_deleted(&self) -> bool {
        self.skip > 0
            && self.skip == self.deletion_skip
            && self.deletions > 0
            && self.in_deleted_text > 0
    }

    fn push_text(&mut self, s: &str) {
        let inserted = self.insertions > 0;
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
            if !inserted {
                p.before.push_str(s);
            }
        }
    }

    fn push_deleted(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.before.push_str(s);
            p.has_deleted = true;
        }
    }

    fn start(&mut self, e: &BytesStart) -> Result<(), ExtractError> {
        let name = local(e);
        if name == "r" {
            self.hidden_run = false;
        }
        let mut flags = 0;
        if SKIPPED.contains(&name) {
            flags |= SKIP;
            self.skip += 1;
            if DELETIONS.contains(&name) {
                flags |= DELETION_SKIP;
                self.deletion_skip += 1;
                if name != "delText" {
                    flags |= DELETION;
                    self.deletions += 1;
                }
            }
        }
        if self.skip > 0 && self.skip == self.deletion_skip && matches!(name, "t" | "delText") {
            flags |= DELETED_TEXT;
            self.in_deleted_text += 1;
        }
        if self.skip == 0 && matches!(name, "ins" | "moveTo") {
            flags |= INSERTION;
            self.insertions += 1;
        }
        if self.skip == 0 {
            self.open(name, e);
        }
        self.flags.push(flags);
        self.stack.push(Open::of(name));
        if self.stack.len() > MAX_DEPTH {
            return Err(ExtractError::corrupt(
                "DOCX",
                format!("elements nested deeper than the {MAX_DEPTH}-level cap"),
            ));
        }
        Ok(())
    }

    fn empty(&mut self, e: &BytesStart) {
        if self.skip > 0 {
            return;
        }
        let name = local(e);
        let parent = self.stack.last().copied();
        let grandparent = self.stack.len().checked_sub(2).map(|i| self.stack[i]);
        match (name, parent) {
            ("vanish", Some(Open::RPr)) if grandparent == Some(Open::R) => {
                self.hidden_run = !matches!(attr(e, "val").as_deref(), Some("0" | "false" | "off"));
            }
            ("tab", Some(Open::R)) => self.push_text("\t"),
            ("br" | "cr", Some(Open::R)) => self.push_text("\n"),
            ("noBreakHyphen", Some(Open::R)) => self.push_text("-"),
            // Word 2016's symbol (an emoji) in the mc:Choice whose fallback
            // holds the same character as w:t: the fallback is skipped.
            ("symEx", _) if !self.hidden_run => {
                let c = attr(e, "char")
                    .and_then(|v| u32::from_str_radix(v.trim(), 16).ok())
                    .and_then(char::from_u32);
                if let Some(c) = c {
                    self.push_text(c.encode_utf8(&mut [0; 4]));
                }
            }
            ("lastRenderedPageBreak", _) => {
                self.page = self.page.map(|p| p + 1);
                // A paragraph that has not started yet begins on the new page.
                if let Some(para) = self.paras.last_mut().filter(|p| p.text.is_empty()) {
                    para.page = self.page;
                }
            }
            _ => {
                self.open(name, e);
                // An empty <w:p/> or <w:tc/> opens and closes at once.
                if matches!(name, "p" | "tc" | "tr" | "t") {
                    self.close(name);
                }
            }
        }
    }

    fn end(&mut self, name: &str) {
        self.stack.pop();
        if self.skip == 0 {
            self.close(name);
        }
        let flags = self.flags.pop().unwrap_or(0);
        let close = |n: &mut usize, bit: u8| {
            if flags & bit != 0 {
                *n = n.saturating_sub(1);
            }
        };
        close(&mut self.skip, SKIP);
        close(&mut self.deletion_skip, DELETION_SKIP);
        close(&mut self.deletions, DELETION);
        close(&mut self.in_deleted_text, DELETED_TEXT);
        close(&mut self.insertions, INSERTION);
    }

    fn open(&mut self, name: &str, e: &BytesStart) {
        let parent = self.stack.last().copied();
        let in_ppr = self.stack.iter().rev().take(3).any(|&s| s == Open::PPr);
        match name {
            "p" => self.paras.push(Para {
                page: self.page,
                ..Para::default()
            }),
            "t" => self.in_t += 1,
            "tr" => self.rows.push(Vec::new()),
            "tc" => self.cells.push(String::new()),
            "pStyle" if in_ppr => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(e, "val").map(|v| in_part(self.xml, v));
                }
            }
            "numId" if in_ppr => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = attr(e, "val").map(|v| in_part(self.xml, v));
                }
            }
            "ilvl" if in_ppr => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = attr(e, "val").and_then(|v| v.parse().ok());
                }
            }
            // <w:pPr><w:rPr><w:del/></w:rPr></w:pPr>: the paragraph mark itself is deleted.
            "del" if parent == Some(Open::RPr) && in_ppr => {
                if let Some(p) = self.paras.last_mut() {
                    p.mark_deleted = true;
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "t" => self.in_t = self.in_t.saturating_sub(1),
            "p" => self.close_paragraph(),
            "tc" => {
                let Some(cell) = self.cells.pop() else { return };
                if let Some(row) = self.rows.last_mut() {
                    row.push(cell.trim().to_string());
                }
            }
            "tr" => self.close_row(),
            _ => {}
        }
    }

    fn close_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else { return };
        let styles = self.styles;
        let num = match (&p.num_id, p.ilvl) {
            (Some(id), lvl) => Some((id.as_ref(), lvl.unwrap_or(0))),
            (None, _) => p.style.as_deref().and_then(|s| styles.numbering(s)),
        };
        let label = match num {
            Some((id, lvl)) if id != "0" && !p.mark_deleted => self.numbering.next_label(id, lvl),
            _ => None,
        };
        if p.has_deleted && !p.before.trim().is_empty() {
            self.doc.deleted.push(Block {
                page: p.page,
                kind: BlockKind::Paragraph,
                label: label.clone(),
                text: p.before.trim().to_string(),
            });
        }
        // Trimmed in place: the paragraph's buffer becomes the block's text.
        let mut text = p.text;
        text.truncate(text.trim_end().len());
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
            cell.push_str(&text.replace('\n', " "));
        } else if !(p.mark_deleted && text.is_empty()) {
            // A deleted empty paragraph leaves nothing behind.
            self.doc.blocks.push(Block {
                page: p.page,
                kind: BlockKind::Paragraph,
                label,
                text,
            });
        }
    }

    fn close_row(&mut self) {
        let Some(row) = self.rows.pop() else { return };
        let text = row.join("\t");
        if text.trim().is_empty() {
            return;
        }
        if let Some(cell) = self.cells.last_mut() {
            // A nested table: its rows become part of the enclosing cell.
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(&row.join(" "));
        } else {
            self.doc.blocks.push(Block {
                page: self.page,
                kind: BlockKind::TableRow,
                label: None,
                text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> Vec<String> {
        let xml = format!(
            r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>{body}</w:body></w:document>"#
        );
        walk(&xml, &Styles::default(), Numbering::default())
            .unwrap()
            .blocks
            .iter()
            .map(|b| b.text.clone())
            .collect()
    }

    #[test]
    fn deleted_and_moved_from_text_is_dropped_and_inserted_text_kept() {
        let t = run(
            r#"<w:p><w:r><w:t>乙は</w:t></w:r><w:del><w:r><w:delText>暗号化</w:delText></w:r></w:del><w:ins><w:r><w:t>報告</w:t></w:r></w:ins><w:moveFrom><w:r><w:t>旧</w:t></w:r></w:moveFrom><w:r><w:t>する。</w:t></w:r></w:p>"#,
        );
        assert_eq!(t, ["乙は報告する。"]);
    }

    #[test]
    fn a_paragraph_with_deleted_text_is_kept_apart_as_it_read_before() {
        let xml = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>乙は、</w:t></w:r><w:del><w:r><w:delText>通信を暗号化</w:delText></w:r></w:del><w:ins><w:r><w:t>誠実に対応</w:t></w:r></w:ins><w:r><w:t>する。</w:t></w:r></w:p><w:p><w:r><w:t>変更のない段落。</w:t></w:r></w:p><w:p><w:pPr><w:rPr><w:del/></w:rPr></w:pPr><w:moveFrom><w:r><w:t>移動前の段落。</w:t></w:r></w:moveFrom><w:del><w:r><w:instrText>PAGE</w:instrText></w:r></w:del></w:p></w:body></w:document>"#;
        let doc = walk(xml, &Styles::default(), Numbering::default()).unwrap();
        let body: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(body, ["乙は、誠実に対応する。", "変更のない段落。"]);
        let deleted: Vec<&str> = doc.deleted.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(deleted, ["乙は、通信を暗号化する。", "移動前の段落。"]);
    }

    #[test]
    fn a_word_2016_symbol_is_read_from_its_choice_once() {
        let t = run(
            r#"<w:p><w:r><w:t xml:space="preserve">笑顔 </w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="w16se"><w16se:symEx w16se:font="Apple Color Emoji" w16se:char="1F600"/></mc:Choice><mc:Fallback><w:t>😀</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
        );
        assert_eq!(t, ["笑顔 😀"]);
    }

    #[test]
    fn fallback_text_box_is_not_read_twice() {
        let t = run(
            r#"<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>枠内</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>枠内</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>本文</w:t></w:r></w:p>"#,
        );
        assert_eq!(t, ["枠内", "本文"]);
    }

    #[test]
    fn table_rows_become_tab_separated_blocks() {
        let t = run(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>報告書</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>毎月</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        assert_eq!(t, ["報告書\t毎月"]);
    }

    #[test]
    fn pages_come_from_words_rendered_page_breaks() {
        let xml = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>一頁目</w:t></w:r></w:p><w:p><w:r><w:lastRenderedPageBreak/><w:t>二頁目</w:t></w:r></w:p></w:body></w:document>"#;
        let doc = walk(xml, &Styles::default(), Numbering::default()).unwrap();
        let pages: Vec<Option<u32>> = doc.blocks.iter().map(|b| b.page).collect();
        assert_eq!(pages, [Some(1), Some(2)]);
    }

    #[test]
    fn hidden_runs_are_not_read() {
        let t = run(
            r#"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隠し</w:t></w:r><w:r><w:t>本文</w:t></w:r></w:p>"#,
        );
        assert_eq!(t, ["本文"]);
    }

    #[test]
    fn entities_and_field_instructions() {
        let t = run(
            r#"<w:p><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>A&amp;B</w:t></w:r></w:p>"#,
        );
        assert_eq!(t, ["A&B"]);
    }
}
