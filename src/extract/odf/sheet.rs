//! .ods: the tables of content.xml, one sheet a page, cells streamed into the
//! workbook [`Collector`] (which holds the caps).
//!
//! A cell repeated across columns (`table:number-columns-repeated`) is read
//! in each column it fills, up to the column cap; a row repeated down
//! (`table:number-rows-repeated`) is read once: the same text again changes
//! nothing a reader takes from it, and a hostile count cannot run away.

use super::{attr, entity, local, MAX_DEPTH};
use crate::document::Document;
use crate::error::ExtractError;
use crate::extract::workbook::{Collector, Limits};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, BufReader};

const FORMAT: &str = "ODS";

/// content.xml is streamed, never held whole: a workbook's content runs to
/// hundreds of megabytes where a text document's stays small.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    let mut package = super::open(bytes, FORMAT, limits.zip)?;
    let content = package
        .stream("content.xml")?
        .ok_or_else(|| ExtractError::corrupt(FORMAT, "content.xml is missing"))?;
    let mut collector = Collector::new(*limits);
    walk(BufReader::new(content), &mut collector, limits.columns)?;
    Ok(collector.finish())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Table,
    Row,
    Cell,
    Para,
    Skip,
    Other,
}

struct Walker<'c> {
    collector: &'c mut Collector,
    columns: u32,
    stack: Vec<Open>,
    tables: usize,
    skip: usize,
    /// The sheet is being read (not beyond a cap).
    reading: bool,
    row: u32,
    col: u32,
    cell: String,
    repeat: u32,
    paras: usize,
}

fn walk(xml: impl BufRead, collector: &mut Collector, columns: u32) -> Result<(), ExtractError> {
    let mut w = Walker {
        collector,
        columns,
        stack: Vec::new(),
        tables: 0,
        skip: 0,
        reading: false,
        row: 0,
        col: 0,
        cell: String::new(),
        repeat: 1,
        paras: 0,
    };
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| ExtractError::corrupt(FORMAT, format!("content.xml: {e}")))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => w.start(&e)?,
            Event::Empty(e) => {
                w.start(&e)?;
                w.end();
            }
            Event::End(_) => w.end(),
            Event::Text(t) => w.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = entity(&r) {
                    let mut buf = [0; 4];
                    w.text(c.encode_utf8(&mut buf));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

impl Walker<'_> {
    /// In a cell of a sheet (not of a table nested in a cell), in its text.
    fn in_cell_text(&self) -> bool {
        self.skip == 0 && self.tables == 1 && self.paras > 0 && self.stack.contains(&Open::Cell)
    }

    fn text(&mut self, s: &str) {
        if self.in_cell_text() {
            self.cell.push_str(s);
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
        let open = match local(e) {
            // Comments on cells and the names of shapes are not the sheet's text.
            "annotation" | "title" | "desc" | "shapes" => {
                self.skip += 1;
                Open::Skip
            }
            "table" => {
                self.tables += 1;
                if self.tables == 1 {
                    let name = attr(e, "name").map(|n| n.into_owned()).unwrap_or_default();
                    self.reading = self.collector.start_sheet(&name);
                    self.row = 0;
                }
                Open::Table
            }
            "table-row" if self.tables == 1 => {
                self.col = 0;
                Open::Row
            }
            "table-cell" | "covered-table-cell" if self.tables == 1 => {
                self.cell.clear();
                self.repeat = attr(e, "number-columns-repeated")
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(1u32)
                    .max(1);
                Open::Cell
            }
            "p" | "h" => {
                // The paragraphs of one cell are one text, a space apart.
                if self.tables == 1 && self.stack.contains(&Open::Cell) && !self.cell.is_empty() {
                    self.cell.push(' ');
                }
                self.paras += 1;
                Open::Para
            }
            "s" | "tab" | "line-break" => {
                self.text(" ");
                Open::Other
            }
            _ => Open::Other,
        };
        self.stack.push(open);
        Ok(())
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Open::Skip) => self.skip = self.skip.saturating_sub(1),
            Some(Open::Table) => self.tables = self.tables.saturating_sub(1),
            Some(Open::Para) => self.paras = self.paras.saturating_sub(1),
            Some(Open::Row) => self.row = self.row.saturating_add(1),
            Some(Open::Cell) => self.close_cell(),
            _ => {}
        }
    }

    fn close_cell(&mut self) {
        let repeat = self.repeat;
        let col = self.col;
        self.col = col.saturating_add(repeat);
        if !self.reading || self.cell.trim().is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.cell);
        for k in 0..repeat {
            let c = col.saturating_add(k);
            // The collector marks the sheet capped; no need to go on.
            if c >= self.columns {
                self.collector.cell(self.row, c, &text);
                break;
            }
            if !self.collector.cell(self.row, c, &text) {
                self.reading = false;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::UnreadReason;

    fn sheets(tables: &str, limits: Limits) -> Document {
        let xml = format!(
            r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        let mut c = Collector::new(limits);
        walk(xml.as_bytes(), &mut c, limits.columns).unwrap();
        c.finish()
    }

    #[test]
    fn each_table_is_a_named_page_and_repeats_are_bounded() {
        let d = sheets(
            r#"<table:table table:name="SLA"><table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="string"><text:p>稼働率</text:p><office:annotation><text:p>メモ</text:p></office:annotation></table:table-cell><table:table-cell><text:p>99.9<text:s/>%</text:p><text:p>以上</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"><text:p>○</text:p></table:table-cell></table:table-row></table:table><table:table table:name="空"/>"#,
            Limits {
                columns: 8,
                ..Limits::default()
            },
        );
        let rows: Vec<(Option<u32>, &str)> =
            d.blocks.iter().map(|b| (b.page, b.text.as_str())).collect();
        assert_eq!(
            rows,
            [
                (Some(1), "\t\t稼働率\t99.9 % 以上"),
                (Some(1), "○\t○\t○\t○\t○\t○\t○\t○"),
            ]
        );
        assert_eq!(d.page_names, ["SLA", "空"]);
        assert_eq!(d.unread_pages.len(), 1);
        assert_eq!(d.unread_pages[0].reason, UnreadReason::ContentCap);
    }
}
