//! A character stream ([MS-DOC] 2.4) → blocks in reading order.
//!
//! Paragraph mark 0x0D ends a paragraph; 0x07 ends a table cell, or the row
//! when the paragraph properties say it is the row's end mark (TTP); a
//! paragraph inside a cell joins the cell's text. Fields (0x13 code 0x14
//! result 0x15) keep their result and drop their code. Pictures, objects,
//! note and comment references and other control characters are not text.
//! Tracked deletions are left out, and the paragraph as it read before them
//! is kept apart, as the DOCX reader does.

use super::props::{Chp, Pap};
use crate::document::{Block, BlockKind};

/// One character with the formatting that decides what becomes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Char {
    pub ch: u16,
    pub chp: Chp,
    /// For 0x0D and 0x07: its paragraph's properties; `None` when the file's
    /// paragraph runs could not be read.
    pub pap: Option<Pap>,
}

/// What one text range becomes.
#[derive(Debug, Default, PartialEq)]
pub struct Story {
    pub blocks: Vec<Block>,
    /// Paragraphs with tracked deletions, as they read before.
    pub deleted: Vec<Block>,
}

/// Fields nest; real documents stay far below this.
const MAX_FIELD_DEPTH: usize = 64;

const CELL_MARK: u16 = 0x07;
const PARA_MARK: u16 = 0x0D;

struct Builder<'l> {
    /// The numbering label of a paragraph, from its mark's properties.
    label: &'l mut dyn FnMut(&Pap) -> Option<String>,
    out: Story,
    /// The paragraph as it reads now, and as it read before its tracked changes.
    after: Vec<u16>,
    before: Vec<u16>,
    has_deleted: bool,
    /// Per open field: whether its result has begun.
    fields: Vec<bool>,
    /// Fields opened beyond the depth cap, read as code.
    overflow: usize,
    cells: Vec<String>,
    cell: String,
    /// The last character was a cell mark (for the fallback row detection).
    after_cell_mark: bool,
}

/// Builds the blocks of one text range from its characters in order.
pub struct StoryBuilder<'l> {
    b: Builder<'l>,
}

impl<'l> StoryBuilder<'l> {
    /// `label` renders a paragraph's numbering from its mark's properties.
    pub fn new(label: &'l mut dyn FnMut(&Pap) -> Option<String>) -> Self {
        StoryBuilder {
            b: Builder {
                label,
                out: Story::default(),
                after: Vec::new(),
                before: Vec::new(),
                has_deleted: false,
                fields: Vec::new(),
                overflow: 0,
                cells: Vec::new(),
                cell: String::new(),
                after_cell_mark: false,
            },
        }
    }

    pub fn push(&mut self, c: &Char) {
        self.b.push(c);
    }

    /// End the range: an unterminated paragraph or row is kept.
    pub fn finish(mut self) -> Story {
        let b = &mut self.b;
        if !b.after.is_empty() || !b.before.is_empty() {
            b.end_paragraph(None, None);
        }
        if b.in_row() {
            b.end_row();
        }
        self.b.out
    }
}

impl Builder<'_> {
    fn push(&mut self, c: &Char) {
        let was_cell_mark = std::mem::take(&mut self.after_cell_mark);
        // A deleted paragraph mark takes no number.
        let label = match (c.ch, c.pap) {
            (PARA_MARK | CELL_MARK, Some(p)) if !c.chp.deleted => (self.label)(&p),
            _ => None,
        };
        match c.ch {
            0x13 if self.fields.len() < MAX_FIELD_DEPTH => self.fields.push(false),
            0x13 => self.overflow += 1,
            0x14 if self.overflow == 0 => {
                if let Some(f) = self.fields.last_mut() {
                    *f = true;
                }
            }
            0x15 if self.overflow > 0 => self.overflow -= 1,
            0x15 => {
                self.fields.pop();
            }
            0x14 => {}
            PARA_MARK => self.end_paragraph(c.pap, label),
            // A page, section or column break ends the paragraph it is in.
            0x0C | 0x0E => self.end_paragraph(None, None),
            CELL_MARK => self.end_cell(c.pap, label, was_cell_mark),
            _ if c.chp.hidden || self.overflow > 0 || self.fields.iter().any(|r| !r) => {}
            0x09 => self.text(u16::from(b'\t'), c.chp),
            0x0B => self.text(u16::from(b'\n'), c.chp),
            // Non-breaking hyphen; an optional hyphen is not shown.
            0x1E => self.text(u16::from(b'-'), c.chp),
            ch if ch < 0x20 => {}
            ch => self.text(ch, c.chp),
        }
    }

    fn text(&mut self, ch: u16, chp: Chp) {
        if !chp.deleted {
            self.after.push(ch);
        }
        if !chp.inserted {
            self.before.push(ch);
            self.has_deleted |= chp.deleted;
        }
    }

    fn in_row(&self) -> bool {
        !self.cells.is_empty() || !self.cell.is_empty()
    }

    /// End the paragraph: into the open cell when its mark is in a table (or,
    /// not knowing, when a row is open), else a block of its own.
    fn end_paragraph(&mut self, pap: Option<Pap>, label: Option<String>) {
        let text = self.take_paragraph(&label);
        let tabled = pap.map_or_else(|| self.in_row(), |p| p.tabled());
        if tabled {
            self.join_cell(&text, label);
            return;
        }
        if self.in_row() {
            self.end_row();
        }
        if !text.trim().is_empty() || label.is_some() {
            self.out.blocks.push(Block {
                label,
                ..Block::paragraph(None, text)
            });
        }
    }

    /// The paragraph's text (end trimmed), its before-text kept apart when it
    /// has deletions.
    fn take_paragraph(&mut self, label: &Option<String>) -> String {
        let before = String::from_utf16_lossy(&self.before);
        if std::mem::take(&mut self.has_deleted) && !before.trim().is_empty() {
            self.out.deleted.push(Block {
                label: label.clone(),
                ..Block::paragraph(None, before.trim().to_string())
            });
        }
        let mut text = String::from_utf16_lossy(&self.after);
        text.truncate(text.trim_end().len());
        self.after.clear();
        self.before.clear();
        text
    }

    fn join_cell(&mut self, text: &str, label: Option<String>) {
        if text.trim().is_empty() && label.is_none() {
            return;
        }
        if !self.cell.is_empty() {
            self.cell.push(' ');
        }
        if let Some(l) = label {
            self.cell.push_str(&l);
            self.cell.push('\u{3000}');
        }
        self.cell.push_str(&text.replace('\n', " "));
    }

    fn end_cell(&mut self, pap: Option<Pap>, label: Option<String>, was_cell_mark: bool) {
        let paragraph_empty = self.after.is_empty() && self.before.is_empty();
        let text = self.take_paragraph(&label);
        self.join_cell(&text, label);
        let row_end = match pap {
            Some(p) => p.ttp,
            // Without paragraph runs a row's end mark is the second of two
            // cell marks in a row. An empty cell looks the same, so a row
            // with an empty cell may be split: the text is all kept.
            None => was_cell_mark && paragraph_empty && self.cell.is_empty(),
        };
        if row_end {
            if !self.cell.trim().is_empty() {
                let cell = std::mem::take(&mut self.cell);
                self.cells.push(cell.trim().to_string());
            }
            self.end_row();
        } else {
            let cell = std::mem::take(&mut self.cell);
            self.cells.push(cell.trim().to_string());
            self.after_cell_mark = true;
        }
    }

    fn end_row(&mut self) {
        if !self.cell.trim().is_empty() {
            let cell = std::mem::take(&mut self.cell);
            self.cells.push(cell.trim().to_string());
        }
        self.cell.clear();
        let text = std::mem::take(&mut self.cells).join("\t");
        if !text.trim().is_empty() {
            self.out.blocks.push(Block {
                page: None,
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

    const CELL: Pap = Pap {
        in_table: true,
        ttp: false,
        itap: 1,
        inner_cell: false,
        inner_ttp: false,
        istd: 0,
        numbering: crate::extract::doc::styles::StyleNumbering {
            ilfo: None,
            ilvl: None,
        },
    };

    fn story(chars: &[Char]) -> Story {
        story_labelled(chars, &mut |_| None)
    }

    fn story_labelled(chars: &[Char], label: &mut dyn FnMut(&Pap) -> Option<String>) -> Story {
        let mut b = StoryBuilder::new(label);
        for c in chars {
            b.push(c);
        }
        b.finish()
    }
    const ROW_END: Pap = Pap { ttp: true, ..CELL };

    /// Characters from a string, with `¶` a plain paragraph mark, `|` a cell
    /// mark, `#` a row end mark, `{`, `}` and `:` field begin, end and separator.
    fn chars(s: &str) -> Vec<Char> {
        chars_with(s, Some(Pap::default()), Some(CELL), Some(ROW_END))
    }

    fn chars_with(s: &str, para: Option<Pap>, cell: Option<Pap>, row: Option<Pap>) -> Vec<Char> {
        let mut out = Vec::new();
        let mut in_cell = false;
        for c in s.chars() {
            let (ch, pap) = match c {
                '¶' => (PARA_MARK, if in_cell { cell } else { para }),
                '|' => (CELL_MARK, cell),
                '#' => (CELL_MARK, row),
                '{' => (0x13, None),
                ':' => (0x14, None),
                '}' => (0x15, None),
                '[' => {
                    in_cell = true;
                    continue;
                }
                ']' => {
                    in_cell = false;
                    continue;
                }
                c => {
                    for u in c.encode_utf16(&mut [0; 2]) {
                        out.push(Char {
                            ch: *u,
                            chp: Chp::default(),
                            pap: None,
                        });
                    }
                    continue;
                }
            };
            out.push(Char {
                ch,
                chp: Chp::default(),
                pap,
            });
        }
        out
    }

    fn texts(s: &Story) -> Vec<(BlockKind, &str)> {
        s.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect()
    }

    #[test]
    fn paragraph_marks_end_paragraphs_and_empty_ones_leave_nothing() {
        let s = story(&chars("第1条（目的）¶¶本契約は、…¶"));
        assert_eq!(
            texts(&s),
            [
                (BlockKind::Paragraph, "第1条（目的）"),
                (BlockKind::Paragraph, "本契約は、…")
            ]
        );
    }

    #[test]
    fn cells_join_into_a_tab_separated_row_at_the_row_end_mark() {
        let s = story(&chars("前¶[報告書|毎月||#甲|[乙¶二段]|#]後¶"));
        assert_eq!(
            texts(&s),
            [
                (BlockKind::Paragraph, "前"),
                (BlockKind::TableRow, "報告書\t毎月\t"),
                (BlockKind::TableRow, "甲\t乙 二段"),
                (BlockKind::Paragraph, "後"),
            ]
        );
    }

    #[test]
    fn without_paragraph_runs_two_cell_marks_end_a_row() {
        let s = story(&chars_with("A|B||C|D||¶後¶", None, None, None));
        assert_eq!(
            texts(&s),
            [
                (BlockKind::TableRow, "A\tB"),
                (BlockKind::TableRow, "C\tD"),
                (BlockKind::Paragraph, "後")
            ]
        );
    }

    #[test]
    fn fields_keep_their_result_and_drop_their_code_even_nested() {
        let s = story(&chars(
            "第{ PAGE :3} 頁{ HYPERLINK { REF x :y} :リンク}¶{ 未完",
        ));
        assert_eq!(texts(&s), [(BlockKind::Paragraph, "第3 頁リンク")]);
    }

    #[test]
    fn a_field_nested_beyond_the_cap_stays_code_and_the_stack_is_bounded() {
        let deep = format!("{}x{}後¶", "{".repeat(200), "}".repeat(200));
        let s = story(&chars(&deep));
        assert_eq!(texts(&s), [(BlockKind::Paragraph, "後")]);
    }

    #[test]
    fn deleted_runs_are_left_out_and_the_paragraph_as_it_read_is_kept_apart() {
        let mut cs = chars("乙は、通信を暗号化誠実に対応する。¶変更なし¶");
        let del = Chp {
            deleted: true,
            ..Chp::default()
        };
        let ins = Chp {
            inserted: true,
            ..Chp::default()
        };
        for c in &mut cs[3..9] {
            c.chp = del;
        }
        for c in &mut cs[9..14] {
            c.chp = ins;
        }
        let s = story(&cs);
        assert_eq!(
            texts(&s),
            [
                (BlockKind::Paragraph, "乙は、誠実に対応する。"),
                (BlockKind::Paragraph, "変更なし")
            ]
        );
        let before: Vec<&str> = s.deleted.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(before, ["乙は、通信を暗号化する。"]);
    }

    #[test]
    fn control_characters_are_not_text_and_breaks_are() {
        let mut cs = chars("A");
        for ch in [0x01u16, 0x08, 0x02, 0x05, 0x0B, 0x1E, 0x1F, 0x09] {
            cs.push(Char {
                ch,
                chp: Chp::default(),
                pap: None,
            });
        }
        cs.extend(chars("B\u{c}C¶"));
        let s = story(&cs);
        assert_eq!(
            texts(&s),
            [
                (BlockKind::Paragraph, "A\n-\tB"),
                (BlockKind::Paragraph, "C")
            ]
        );
    }

    #[test]
    fn hidden_text_is_not_read() {
        let mut cs = chars("見える隠し¶");
        for c in &mut cs[3..5] {
            c.chp.hidden = true;
        }
        assert_eq!(texts(&story(&cs)), [(BlockKind::Paragraph, "見える")]);
    }

    #[test]
    fn numbered_paragraphs_take_their_label_and_a_deleted_mark_takes_none() {
        let numbered = Pap {
            numbering: crate::extract::doc::styles::StyleNumbering {
                ilfo: Some(1),
                ilvl: Some(0),
            },
            ..Pap::default()
        };
        let mut cs = chars_with("（目的）¶本文¶（削除）¶", Some(numbered), None, None);
        if let Some(c) = cs.last_mut() {
            c.chp.deleted = true;
        }
        let mut n = 0;
        let s = story_labelled(&cs, &mut |p| {
            p.numbering.ilfo.map(|_| {
                n += 1;
                format!("第{n}条")
            })
        });
        let got: Vec<(Option<&str>, &str)> = s
            .blocks
            .iter()
            .map(|b| (b.label.as_deref(), b.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("第1条"), "（目的）"),
                (Some("第2条"), "本文"),
                (None, "（削除）")
            ]
        );
    }

    #[test]
    fn surrogate_pairs_decode_and_an_unterminated_story_is_flushed() {
        let s = story(&chars("😀 ∀"));
        assert_eq!(texts(&s), [(BlockKind::Paragraph, "😀 ∀")]);
    }
}
