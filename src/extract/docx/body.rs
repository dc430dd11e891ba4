//! Walks `word/document.xml` into blocks in reading order.
//!
//! What a reader of the signed contract sees is what counts: deleted revisions
//! (`w:del`, `w:moveFrom`), field instructions and property-change history are
//! skipped; inserted revisions are kept; `mc:Fallback` is skipped so a text
//! box is not read twice. Comments, headers and footers live in other parts
//! and are never read.

use super::numbering::Numbering;
use super::styles::Styles;
use super::xml::{attr, entity, local};
use crate::document::{Block, BlockKind, Document};
use crate::error::ExtractError;
use quick_xml::events::Event;

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
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u32>,
    mark_deleted: bool,
}

/// Hostile files can nest elements without end; real ones stay far below this.
const MAX_DEPTH: usize = 512;

pub fn walk(
    xml: &str,
    styles: &Styles,
    mut numbering: Numbering,
) -> Result<Document, ExtractError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut doc = Document::default();
    let mut stack: Vec<String> = Vec::new();
    let mut skip = 0usize;
    let mut skip_flags: Vec<bool> = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    // <w:r><w:rPr><w:vanish/></w:rPr>: hidden text, which a reader never sees.
    let mut hidden_run = false;
    let mut in_t = 0usize;

    loop {
        let ev = reader
            .read_event()
            .map_err(|e| ExtractError::corrupt("DOCX", format!("document.xml: {e}")))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => {
                let name = local(&e);
                if name == "r" {
                    hidden_run = false;
                }
                let skipping = SKIPPED.contains(&name.as_str());
                if skipping {
                    skip += 1;
                }
                if skip == 0 {
                    open(
                        &name, &e, &stack, &mut paras, &mut rows, &mut cells, &mut in_t,
                    );
                }
                skip_flags.push(skipping);
                stack.push(name);
                if stack.len() > MAX_DEPTH {
                    return Err(ExtractError::corrupt("DOCX", "elements nested too deeply"));
                }
            }
            Event::Empty(e) => {
                if skip > 0 {
                    continue;
                }
                let name = local(&e);
                let parent = stack.last().map(String::as_str);
                let grandparent = stack.len().checked_sub(2).map(|i| stack[i].as_str());
                if name == "vanish" && parent == Some("rPr") && grandparent == Some("r") {
                    hidden_run = !matches!(attr(&e, "val").as_deref(), Some("0" | "false" | "off"));
                    continue;
                }
                match (name.as_str(), parent) {
                    ("tab", Some("r")) => push_text(&mut paras, "\t"),
                    ("br" | "cr", Some("r")) => push_text(&mut paras, "\n"),
                    ("noBreakHyphen", Some("r")) => push_text(&mut paras, "-"),
                    _ => open(
                        &name, &e, &stack, &mut paras, &mut rows, &mut cells, &mut in_t,
                    ),
                }
                // An empty <w:p/> or <w:tc/> opens and closes at once.
                if matches!(name.as_str(), "p" | "tc" | "tr" | "t") {
                    close(
                        &name,
                        &mut doc,
                        styles,
                        &mut numbering,
                        &mut paras,
                        &mut rows,
                        &mut cells,
                        &mut in_t,
                    );
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                stack.pop();
                if skip == 0 {
                    close(
                        &name,
                        &mut doc,
                        styles,
                        &mut numbering,
                        &mut paras,
                        &mut rows,
                        &mut cells,
                        &mut in_t,
                    );
                }
                if skip_flags.pop().unwrap_or(false) {
                    skip = skip.saturating_sub(1);
                }
            }
            Event::Text(_) | Event::GeneralRef(_) if hidden_run => {}
            Event::Text(t) if skip == 0 && in_t > 0 => {
                push_text(&mut paras, &t.xml10_content());
            }
            Event::GeneralRef(r) if skip == 0 && in_t > 0 => {
                if let Some(c) = entity(&r) {
                    push_text(&mut paras, c.encode_utf8(&mut [0; 4]));
                }
            }
            _ => {}
        }
    }
    Ok(doc)
}

fn push_text(paras: &mut [Para], s: &str) {
    if let Some(p) = paras.last_mut() {
        p.text.push_str(s);
    }
}

#[allow(clippy::too_many_arguments)]
fn open(
    name: &str,
    e: &quick_xml::events::BytesStart,
    stack: &[String],
    paras: &mut Vec<Para>,
    rows: &mut Vec<Vec<String>>,
    cells: &mut Vec<String>,
    in_t: &mut usize,
) {
    let parent = stack.last().map(String::as_str);
    let in_ppr = stack.iter().rev().take(3).any(|s| s == "pPr");
    match name {
        "p" => paras.push(Para::default()),
        "t" => *in_t += 1,
        "tr" => rows.push(Vec::new()),
        "tc" => cells.push(String::new()),
        "pStyle" if in_ppr => {
            if let Some(p) = paras.last_mut() {
                p.style = attr(e, "val");
            }
        }
        "numId" if in_ppr => {
            if let Some(p) = paras.last_mut() {
                p.num_id = attr(e, "val");
            }
        }
        "ilvl" if in_ppr => {
            if let Some(p) = paras.last_mut() {
                p.ilvl = attr(e, "val").and_then(|v| v.parse().ok());
            }
        }
        // <w:pPr><w:rPr><w:del/></w:rPr></w:pPr>: the paragraph mark itself is deleted.
        "del" if parent == Some("rPr") && in_ppr => {
            if let Some(p) = paras.last_mut() {
                p.mark_deleted = true;
            }
        }
        _ => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn close(
    name: &str,
    doc: &mut Document,
    styles: &Styles,
    numbering: &mut Numbering,
    paras: &mut Vec<Para>,
    rows: &mut Vec<Vec<String>>,
    cells: &mut Vec<String>,
    in_t: &mut usize,
) {
    match name {
        "t" => *in_t = in_t.saturating_sub(1),
        "p" => {
            let Some(p) = paras.pop() else { return };
            let num = match (&p.num_id, p.ilvl) {
                (Some(id), lvl) => Some((id.clone(), lvl.unwrap_or(0))),
                (None, _) => p.style.as_deref().and_then(|s| styles.numbering(s)),
            };
            let label = match num {
                Some((id, lvl)) if id != "0" && !p.mark_deleted => numbering.next_label(&id, lvl),
                _ => None,
            };
            let text = p.text.trim_end().to_string();
            if text.trim().is_empty() && label.is_none() {
                return;
            }
            if let Some(cell) = cells.last_mut() {
                if !cell.is_empty() {
                    cell.push(' ');
                }
                if let Some(l) = &label {
                    cell.push_str(l);
                    cell.push('\u{3000}');
                }
                cell.push_str(&text.replace('\n', " "));
            } else if p.mark_deleted && !doc.blocks.is_empty() && text.is_empty() {
                // A deleted empty paragraph leaves nothing behind.
            } else {
                doc.blocks.push(Block {
                    page: None,
                    kind: BlockKind::Paragraph,
                    label,
                    text,
                });
            }
        }
        "tc" => {
            let Some(cell) = cells.pop() else { return };
            if let Some(row) = rows.last_mut() {
                row.push(cell.trim().to_string());
            }
        }
        "tr" => {
            let Some(row) = rows.pop() else { return };
            let text = row.join("\t");
            if text.trim().is_empty() {
                return;
            }
            if let Some(cell) = cells.last_mut() {
                // A nested table: its rows become part of the enclosing cell.
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&row.join(" "));
            } else {
                doc.blocks.push(Block {
                    page: None,
                    kind: BlockKind::TableRow,
                    label: None,
                    text,
                });
            }
        }
        _ => {}
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
