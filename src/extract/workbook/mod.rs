//! Workbooks (.xlsx, .xlsm, .xls, .ods): each sheet is one page, named after
//! the sheet, and each row with text is one table row, its cells separated by
//! a tab as in DOCX tables. A 責任分界表 or an SLA table kept in a workbook is
//! then read as the table of an attached document.
//!
//! Cells arrive from the format readers (calamine for Excel, our ODF walker
//! for .ods) one at a time through a [`Collector`], which holds the caps: a
//! sheet over one is listed in `unread_pages` with its reason, so a partial
//! read never passes for a full one.

pub mod biff;
pub mod excel;
pub mod xls;

use crate::document::{mark_unread, Block, BlockKind, Document, UnreadReason};
use crate::extract::zipped;

/// The caps of one workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sheets read; later sheets are listed as unread (`page_cap`).
    pub sheets: usize,
    /// Cells with text read from the whole workbook; past it the sheet being
    /// read and the sheets after it are unread (`content_cap`).
    pub cells: usize,
    /// Columns read per row (0-based index below this): no contract table
    /// is this wide; a cell beyond makes its sheet `content_cap`.
    pub columns: u32,
    /// Characters kept of one cell: Excel itself stops at 32,767.
    pub cell_chars: usize,
    /// Bytes of text kept from the whole workbook.
    pub text_bytes: usize,
    /// The zip package (.xlsx, .ods).
    pub zip: zipped::Limits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sheets: 256,
            cells: 1_000_000,
            columns: 1024,
            cell_chars: 32_767,
            text_bytes: 64 * 1024 * 1024,
            zip: zipped::Limits::default(),
        }
    }
}

/// One cell with text: (row, column, text), 0-based.
type Cell = (u32, u32, String);

struct Sheet {
    name: String,
    cells: Vec<Cell>,
    /// Why the sheet was not read in full, if it was not.
    unread: Option<UnreadReason>,
}

/// Gathers the cells of a workbook's sheets, in sheet order, under the caps.
pub struct Collector {
    limits: Limits,
    sheets: Vec<Sheet>,
    /// Names of sheets beyond the sheet cap (pages, but not read).
    beyond: Vec<String>,
    cells: usize,
    text_bytes: usize,
}

impl Collector {
    pub fn new(limits: Limits) -> Self {
        Collector {
            limits,
            sheets: Vec::new(),
            beyond: Vec::new(),
            cells: 0,
            text_bytes: 0,
        }
    }

    /// Begin the next sheet. False when it is beyond the sheet cap or the
    /// workbook's cell or text cap is spent: it is a page, listed as unread,
    /// and its cells are not to be read.
    pub fn start_sheet(&mut self, name: &str) -> bool {
        let spent = self.cells >= self.limits.cells || self.text_bytes >= self.limits.text_bytes;
        if self.sheets.len() >= self.limits.sheets {
            self.beyond.push(name.to_string());
            return false;
        }
        self.sheets.push(Sheet {
            name: name.to_string(),
            cells: Vec::new(),
            unread: spent.then_some(UnreadReason::ContentCap),
        });
        !spent
    }

    fn capped(&mut self) {
        if let Some(s) = self.sheets.last_mut() {
            s.unread = Some(UnreadReason::ContentCap);
        }
    }

    /// A cell of the current sheet. False when the workbook's caps are
    /// spent: stop reading this sheet.
    pub fn cell(&mut self, row: u32, col: u32, text: &str) -> bool {
        let text = text.trim();
        if text.is_empty() || self.sheets.is_empty() {
            return true;
        }
        if col >= self.limits.columns {
            self.capped();
            return true;
        }
        if self.cells >= self.limits.cells || self.text_bytes >= self.limits.text_bytes {
            self.capped();
            return false;
        }
        let mut kept: String = match text.char_indices().nth(self.limits.cell_chars) {
            Some((cut, _)) => {
                self.capped();
                text[..cut].to_string()
            }
            None => text.to_string(),
        };
        // Line breaks inside a cell (Alt+Enter) and tabs are not the row's
        // cell separators: one space each, as DOCX cells join paragraphs.
        if kept.contains(['\t', '\n', '\r']) {
            kept = kept
                .split(['\t', '\n', '\r'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
        }
        self.cells += 1;
        self.text_bytes += kept.len();
        if let Some(s) = self.sheets.last_mut() {
            s.cells.push((row, col, kept));
        }
        true
    }

    /// The document: one page per sheet, named after it.
    pub fn finish(self) -> Document {
        let mut doc = Document::default();
        let pages = self.sheets.len() + self.beyond.len();
        for (i, sheet) in self.sheets.into_iter().enumerate() {
            let page = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if let Some(reason) = sheet.unread {
                mark_unread(&mut doc.unread_pages, page, page, reason);
            }
            doc.page_names.push(sheet.name);
            rows_of(sheet.cells, page, &mut doc.blocks);
        }
        if !self.beyond.is_empty() {
            let first = u32::try_from(doc.page_names.len() + 1).unwrap_or(u32::MAX);
            let last = u32::try_from(pages).unwrap_or(u32::MAX);
            mark_unread(&mut doc.unread_pages, first, last, UnreadReason::PageCap);
            doc.page_names.extend(self.beyond);
        }
        doc.pages = Some(u32::try_from(pages).unwrap_or(u32::MAX));
        doc
    }
}

/// The rows of one sheet, top to bottom, each from the sheet's first used
/// column: empty cells between two with text stay (as empty cells), so a
/// column keeps its place the way a DOCX table row keeps it.
fn rows_of(mut cells: Vec<Cell>, page: u32, out: &mut Vec<Block>) {
    cells.sort_by_key(|c| (c.0, c.1));
    let Some(first_col) = cells.iter().map(|c| c.1).min() else {
        return;
    };
    let mut i = 0;
    while let Some(&(row, _, _)) = cells.get(i) {
        let mut text = String::new();
        // The column of the cell before, or one left of the first used one.
        let mut prev: Option<u32> = None;
        while let Some((r, c, t)) = cells.get(i) {
            if *r != row {
                break;
            }
            let tabs = match prev {
                None => c - first_col,
                // Duplicate positions (a malformed file) are joined into the cell.
                Some(p) if p == *c => {
                    text.push(' ');
                    0
                }
                Some(p) => c - p,
            };
            text.extend(std::iter::repeat_n('\t', tabs as usize));
            text.push_str(t);
            prev = Some(*c);
            i += 1;
        }
        out.push(Block {
            page: Some(page),
            kind: BlockKind::TableRow,
            label: None,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_columns_from_the_first_used_one() {
        let mut c = Collector::new(Limits::default());
        assert!(c.start_sheet("責任分界表"));
        c.cell(1, 2, "項目");
        c.cell(1, 3, "甲");
        c.cell(1, 4, "乙");
        c.cell(2, 4, "運用\n及び障害対応");
        c.cell(2, 2, "サーバ");
        c.cell(3, 3, "   ");
        assert!(c.start_sheet("空"));
        let doc = c.finish();
        let rows: Vec<(Option<u32>, &str)> = doc
            .blocks
            .iter()
            .map(|b| (b.page, b.text.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (Some(1), "項目\t甲\t乙"),
                (Some(1), "サーバ\t\t運用 及び障害対応")
            ]
        );
        assert_eq!(doc.page_names, ["責任分界表", "空"]);
        assert_eq!(doc.pages, Some(2));
        assert!(doc.unread_pages.is_empty());
    }

    #[test]
    fn sheets_and_cells_over_the_caps_are_listed_as_unread() {
        let limits = Limits {
            sheets: 2,
            cells: 3,
            columns: 10,
            cell_chars: 5,
            ..Limits::default()
        };
        let mut c = Collector::new(limits);
        assert!(c.start_sheet("一"));
        assert!(c.cell(0, 0, "あいうえおかきくけこ"));
        assert!(c.cell(0, 11, "右端の外"));
        assert!(c.start_sheet("二"));
        assert!(c.cell(0, 0, "a"));
        assert!(c.cell(1, 0, "b"));
        assert!(!c.cell(2, 0, "c"));
        assert!(!c.start_sheet("三"));
        let doc = c.finish();
        assert_eq!(doc.blocks[0].text, "あいうえお");
        assert_eq!(doc.page_names, ["一", "二", "三"]);
        let unread: Vec<(u32, u32, UnreadReason)> = doc
            .unread_pages
            .iter()
            .map(|u| (u.first, u.last, u.reason))
            .collect();
        assert_eq!(
            unread,
            [
                (1, 2, UnreadReason::ContentCap),
                (3, 3, UnreadReason::PageCap)
            ]
        );
    }
}
