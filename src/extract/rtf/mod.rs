//! RTF: a small tokenizer and a group stack of our own.
//!
//! Written here because the RTF crates on crates.io read `\'hh` as a Unicode
//! code point (so Shift_JIS text, the usual Japanese RTF, comes out as
//! Latin-1 garbage) and keep the text of deleted revisions; none hands
//! headers and footers apart.
//!
//! Bytes (`\'hh` and literal 8-bit text) are decoded in the code page in force:
//! the font's `\fcharset` (128 → cp932) or `\cpg`, else the document's
//! `\ansicpg`. `\uN` is read with its fallback skipped (`\ucN`). Destinations
//! that are not text (font and colour tables, style sheet, info, pictures,
//! `\*` groups we do not know) are skipped; `\header`/`\footer` groups go to
//! the furniture, `\annotation` to the comments, `\listtext` gives a
//! paragraph's number. `\par` ends a paragraph; `\cell` and `\row` make a
//! table row of tab-separated cells. Text under `\deleted` is a tracked
//! deletion: never body text, only the paragraph as it read before.

mod lexer;

use crate::document::{Block, BlockKind, Document};
use crate::error::ExtractError;
use lexer::{Lexer, Token};
use std::collections::HashMap;

const FORMAT: &str = "RTF";

/// Hostile files can nest groups without end; real ones stay far below this.
pub const MAX_DEPTH: usize = 512;

/// Where the text of a group goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    Body,
    Furniture,
    Comment,
    /// `\listtext` / `\pntext`: the number a reader sees before the paragraph.
    Label,
    /// The font table: its entries' charsets are read, not its text.
    FontTable,
    Skip,
}

#[derive(Debug, Clone)]
struct State {
    dest: Dest,
    /// Bytes of fallback to skip after `\uN`.
    uc: u32,
    font: Option<i32>,
    deleted: bool,
    inserted: bool,
    hidden: bool,
    in_table: bool,
}

#[derive(Debug, Default)]
struct Para {
    text: String,
    before: String,
    has_deleted: bool,
    label: Option<String>,
}

/// Destinations whose text is no text of the document.
const SKIPPED: &[&str] = &[
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "objdata",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "listtable",
    "listoverridetable",
    "revtbl",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "mmathPr",
    "pgdsctbl",
    "filetbl",
    "fldinst",
    "nonshppict",
    "footnote",
    "xe",
    "tc",
    "bkmkstart",
    "bkmkend",
    "private",
    "template",
    "userprops",
    "atnid",
    "atnauthor",
    "atndate",
    "atnref",
];

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if !bytes[start..].starts_with(b"{\\rtf") {
        return Err(ExtractError::corrupt(
            FORMAT,
            "the file does not start with {\\rtf",
        ));
    }
    let mut r = Reader::new();
    let mut lexer = Lexer::new(bytes);
    while let Some(token) = lexer.next() {
        if let Token::Word(b"bin", Some(n)) = token {
            r.flush();
            lexer.skip_binary(n);
            continue;
        }
        r.token(token)?;
    }
    Ok(r.finish())
}

struct Reader {
    doc: Document,
    stack: Vec<State>,
    state: State,
    /// Bytes waiting to be decoded in the current code page.
    bytes: Vec<u8>,
    /// Fallback bytes still to skip after a `\uN`.
    skip_u: u32,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// The group just opened has seen nothing yet; `\*` seen in it.
    fresh: bool,
    star: bool,
    /// Code pages: the document's, and each font's.
    ansi_cpg: u16,
    fonts: HashMap<i32, u16>,
    /// The font table entry being read.
    font_def: Option<i32>,
    default_font: Option<i32>,
    /// Paragraphs being read: the body's at the bottom, a header, comment
    /// or list number above it while its group is open.
    paras: Vec<(Dest, Para)>,
    cells: Vec<String>,
}

impl Reader {
    fn new() -> Self {
        let state = State {
            dest: Dest::Body,
            uc: 1,
            font: None,
            deleted: false,
            inserted: false,
            hidden: false,
            in_table: false,
        };
        Reader {
            doc: Document::default(),
            stack: Vec::new(),
            state,
            bytes: Vec::new(),
            skip_u: 0,
            high: None,
            fresh: false,
            star: false,
            ansi_cpg: 1252,
            fonts: HashMap::new(),
            font_def: None,
            default_font: None,
            paras: vec![(Dest::Body, Para::default())],
            cells: Vec::new(),
        }
    }

    fn code_page(&self) -> u16 {
        self.state
            .font
            .or(self.default_font)
            .and_then(|f| self.fonts.get(&f))
            .copied()
            .unwrap_or(self.ansi_cpg)
    }

    /// Decode the waiting bytes in the code page in force.
    fn flush(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.bytes);
        let enc = codepage::to_encoding(self.code_page()).unwrap_or(encoding_rs::WINDOWS_1252);
        let (text, _) = enc.decode_without_bom_handling(&bytes);
        self.push(&text);
    }

    fn reads_text(&self) -> bool {
        !self.state.hidden && !matches!(self.state.dest, Dest::Skip | Dest::FontTable)
    }

    /// Text in the current group's destination.
    fn push(&mut self, s: &str) {
        if !self.reads_text() {
            return;
        }
        let (deleted, inserted) = (self.state.deleted, self.state.inserted);
        let Some((_, p)) = self.paras.last_mut() else {
            return;
        };
        let s: String = s
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
            .collect();
        if deleted {
            p.before.push_str(&s);
            p.has_deleted = true;
        } else {
            p.text.push_str(&s);
            if !inserted {
                p.before.push_str(&s);
            }
        }
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0; 4];
        self.push(c.encode_utf8(&mut buf));
    }

    fn token(&mut self, token: Token) -> Result<(), ExtractError> {
        match token {
            Token::GroupStart => {
                self.flush();
                if self.stack.len() >= MAX_DEPTH {
                    return Err(ExtractError::corrupt(
                        FORMAT,
                        format!("groups nested deeper than the {MAX_DEPTH}-level cap"),
                    ));
                }
                self.stack.push(self.state.clone());
                self.fresh = true;
                self.star = false;
                self.skip_u = 0;
            }
            Token::GroupEnd => {
                self.flush();
                self.skip_u = 0;
                self.fresh = false;
                let closing = self.state.dest;
                let Some(outer) = self.stack.pop() else {
                    return Ok(());
                };
                self.state = outer;
                if closing != self.state.dest {
                    self.close_destination(closing);
                }
                if closing == Dest::FontTable {
                    self.font_def = None;
                }
            }
            Token::Byte(b) => {
                self.fresh = false;
                if self.skip_u > 0 {
                    self.skip_u -= 1;
                } else if self.reads_text() {
                    self.bytes.push(b);
                }
            }
            Token::Text(t) => {
                self.fresh = false;
                let skip = (self.skip_u as usize).min(t.len());
                self.skip_u -= skip as u32;
                // Skipped destinations (pictures' hex data) are not even copied.
                if self.reads_text() {
                    self.bytes.extend_from_slice(&t[skip..]);
                }
            }
            Token::Symbol(c) => {
                self.flush();
                match c {
                    b'*' => self.star = true,
                    b'~' => self.push_char('\u{a0}'),
                    b'_' => self.push_char('\u{2011}'),
                    b'|' | b'-' | b':' => {}
                    _ => {}
                }
            }
            Token::Word(w, param) => {
                self.flush();
                let word = std::str::from_utf8(w).unwrap_or("");
                self.word(word, param);
            }
        }
        Ok(())
    }

    /// A group that sent its text elsewhere has closed.
    fn close_destination(&mut self, dest: Dest) {
        if !matches!(dest, Dest::Furniture | Dest::Comment | Dest::Label) {
            return;
        }
        let Some((d, p)) = self.paras.pop() else {
            return;
        };
        if self.paras.is_empty() {
            // Never lose the body's paragraph.
            self.paras.push((d, p));
            return;
        }
        match d {
            Dest::Label => {
                let label = p.text.trim().to_string();
                if let Some((_, body)) = self.paras.last_mut() {
                    body.label = (!label.is_empty()).then_some(label);
                }
            }
            _ => self.emit(d, p),
        }
    }

    /// Open a destination group whose text goes elsewhere.
    fn enter(&mut self, dest: Dest) {
        self.state.dest = dest;
        if matches!(dest, Dest::Furniture | Dest::Comment | Dest::Label) {
            self.paras.push((dest, Para::default()));
        }
    }

    fn word(&mut self, word: &str, param: Option<i32>) {
        let on = param != Some(0);
        if self.fresh {
            self.fresh = false;
            let dest = match word {
                "fonttbl" => Some(Dest::FontTable),
                "header" | "headerl" | "headerr" | "headerf" | "footer" | "footerl" | "footerr"
                | "footerf" => Some(Dest::Furniture),
                "annotation" => Some(Dest::Comment),
                "listtext" | "pntext" => Some(Dest::Label),
                w if SKIPPED.contains(&w) => Some(Dest::Skip),
                // An ignorable destination we do not know.
                _ if self.star => Some(Dest::Skip),
                _ => None,
            };
            if let Some(d) = dest {
                // Inside a skipped group everything stays skipped.
                if self.state.dest == Dest::Skip {
                    return;
                }
                self.enter(d);
                return;
            }
        }
        if self.state.dest == Dest::Skip {
            return;
        }
        if self.state.dest == Dest::FontTable {
            match word {
                "f" => self.font_def = param,
                "fcharset" => {
                    if let (Some(f), Some(cp)) = (self.font_def, param.and_then(charset_code_page))
                    {
                        self.fonts.entry(f).or_insert(cp);
                    }
                }
                "cpg" => {
                    if let (Some(f), Some(cp)) =
                        (self.font_def, param.and_then(|p| u16::try_from(p).ok()))
                    {
                        self.fonts.insert(f, cp);
                    }
                }
                _ => {}
            }
            return;
        }
        match word {
            "ansicpg" => {
                if let Some(cp) = param.and_then(|p| u16::try_from(p).ok()).filter(|&c| c > 0) {
                    self.ansi_cpg = cp;
                }
            }
            "mac" => self.ansi_cpg = 10000,
            "pc" => self.ansi_cpg = 437,
            "pca" => self.ansi_cpg = 850,
            "deff" => self.default_font = param,
            "f" => self.state.font = param,
            "uc" => {
                self.state.uc = param
                    .and_then(|p| u32::try_from(p).ok())
                    .unwrap_or(1)
                    .min(16)
            }
            "u" => {
                if let Some(n) = param {
                    self.unicode(n);
                    self.skip_u = self.state.uc;
                }
            }
            "plain" => {
                self.state.deleted = false;
                self.state.inserted = false;
                self.state.hidden = false;
                self.state.font = None;
            }
            "deleted" => self.state.deleted = on,
            "revised" => self.state.inserted = on,
            "v" => self.state.hidden = on,
            "pard" => self.state.in_table = false,
            "intbl" => self.state.in_table = on,
            "par" | "sect" | "page" => self.end_paragraph(),
            "line" => self.push_char('\n'),
            "tab" => self.push_char('\t'),
            "cell" => self.end_cell(),
            "nestcell" | "nestrow" => self.push_char(' '),
            "row" => self.end_row(),
            "emdash" => self.push_char('—'),
            "endash" => self.push_char('–'),
            "emspace" | "enspace" | "qmspace" => self.push_char(' '),
            "bullet" => self.push_char('•'),
            "lquote" => self.push_char('‘'),
            "rquote" => self.push_char('’'),
            "ldblquote" => self.push_char('“'),
            "rdblquote" => self.push_char('”'),
            _ => {}
        }
    }

    /// `\uN`: N is a signed 16-bit value; surrogate pairs come as two.
    fn unicode(&mut self, n: i32) {
        let unit = (n as i64).rem_euclid(65536) as u16;
        match unit {
            0xD800..=0xDBFF => self.high = Some(unit),
            0xDC00..=0xDFFF => {
                if let Some(h) = self.high.take() {
                    if let Some(Ok(c)) = char::decode_utf16([h, unit]).next() {
                        self.push_char(c);
                    }
                }
            }
            _ => {
                self.high = None;
                if let Some(c) = char::from_u32(u32::from(unit)) {
                    self.push_char(c);
                }
            }
        }
    }

    fn end_paragraph(&mut self) {
        let Some(dest) = self.paras.last().map(|(d, _)| *d) else {
            return;
        };
        // A paragraph mark inside a number is not the paragraph's end.
        if dest == Dest::Label {
            return;
        }
        if dest == Dest::Body && self.state.in_table {
            // A paragraph of a cell: the cell goes on, a space apart.
            if let Some((_, cur)) = self.paras.last_mut() {
                if !cur.text.trim().is_empty() {
                    cur.text.push(' ');
                }
            }
            return;
        }
        let Some((dest, p)) = self.paras.pop() else {
            return;
        };
        self.paras.push((dest, Para::default()));
        if dest == Dest::Body && !self.cells.is_empty() {
            self.end_row();
        }
        self.emit(dest, p);
    }

    fn end_cell(&mut self) {
        let Some((dest, p)) = self.paras.pop() else {
            return;
        };
        self.paras.push((dest, Para::default()));
        if p.has_deleted && !p.before.trim().is_empty() {
            self.doc
                .deleted
                .push(Block::paragraph(None, p.before.trim()));
        }
        let cell = p.text.replace(['\t', '\n'], " ").trim().to_string();
        self.cells.push(cell);
    }

    fn end_row(&mut self) {
        let mut row = std::mem::take(&mut self.cells);
        while row.last().is_some_and(|c| c.is_empty()) {
            row.pop();
        }
        if row.is_empty() {
            return;
        }
        let block = Block {
            page: None,
            kind: BlockKind::TableRow,
            label: None,
            text: row.join("\t"),
        };
        match self.paras.last().map(|(d, _)| *d) {
            Some(Dest::Furniture) => self.doc.furniture.push(block),
            Some(Dest::Comment) => self.doc.comments.push(block),
            _ => self.doc.blocks.push(block),
        }
    }

    fn emit(&mut self, dest: Dest, p: Para) {
        let mut text = p.text;
        text.truncate(text.trim_end().len());
        let text = text.trim_start().to_string();
        if dest == Dest::Body && p.has_deleted && !p.before.trim().is_empty() {
            self.doc.deleted.push(Block {
                page: None,
                kind: BlockKind::Paragraph,
                label: p.label.clone(),
                text: p.before.trim().to_string(),
            });
        }
        if text.is_empty() && p.label.is_none() {
            return;
        }
        let block = Block {
            page: None,
            kind: BlockKind::Paragraph,
            label: p.label,
            text,
        };
        match dest {
            Dest::Body => self.doc.blocks.push(block),
            Dest::Furniture => self.doc.furniture.push(block),
            Dest::Comment => self.doc.comments.push(block),
            _ => {}
        }
    }

    fn finish(mut self) -> Document {
        self.flush();
        // Text after the last \par (RTF need not end with one).
        while let Some((dest, p)) = self.paras.pop() {
            if !self.cells.is_empty() && dest == Dest::Body {
                let cell = p.text.trim().to_string();
                if !cell.is_empty() {
                    self.cells.push(cell);
                }
                self.end_row();
                continue;
            }
            if dest != Dest::Label {
                self.emit(dest, p);
            }
        }
        self.doc
    }
}

/// The Windows code page of an RTF `\fcharset`; None where the font does not
/// say (ANSI and default charsets follow the document's `\ansicpg`).
fn charset_code_page(charset: i32) -> Option<u16> {
    Some(match charset {
        77 => 10000,
        128 => 932,
        129 => 949,
        130 => 1361,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        254 => 437,
        255 => 850,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &[u8]) -> Document {
        extract(src).unwrap()
    }

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks.iter().map(|b| b.display_text()).collect()
    }

    #[test]
    fn shift_jis_bytes_decode_in_the_fonts_charset_and_the_document_code_page() {
        let (body, _, _) = encoding_rs::SHIFT_JIS.encode("乙は、直ちに甲に報告する。");
        let hex: String = body.iter().map(|b| format!("\\'{b:02x}")).collect();
        let src = format!(
            "{{\\rtf1\\ansi\\ansicpg932\\deff0{{\\fonttbl{{\\f0\\fcharset128 \\'82\\'6c\\'82\\'72 \\'96\\'be\\'92\\'a9;}}}}\\f0 {hex}\\par}}"
        );
        assert_eq!(
            texts(&read(src.as_bytes()).blocks),
            ["乙は、直ちに甲に報告する。"]
        );
        // No \ansicpg: the font's charset alone says cp932.
        let src = format!("{{\\rtf1\\ansi{{\\fonttbl{{\\f1\\fcharset128 x;}}}}\\f1 {hex}\\par}}");
        assert_eq!(
            texts(&read(src.as_bytes()).blocks),
            ["乙は、直ちに甲に報告する。"]
        );
    }

    #[test]
    fn unicode_escapes_skip_their_fallback_by_uc() {
        let d = read(b"{\\rtf1\\ansi\\uc2 \\u20057\\'81\\'40\\u12399 ab{\\uc0\\u-257}\\uc1\\u-10179?\\u-8576?\\par}");
        // \u-257 is U+FEFF; the last two are a surrogate pair (U+1F680).
        assert_eq!(texts(&d.blocks), ["乙は\u{feff}\u{1f680}"]);
    }

    #[test]
    fn destinations_that_are_not_text_are_skipped() {
        let d = read(
            b"{\\rtf1{\\fonttbl{\\f0 MS;}}{\\colortbl;\\red0;}{\\stylesheet{\\s0 Normal;}}{\\info{\\title T}}{\\*\\generator G;}{\\*\\unknown U}{\\pict\\bin3 x}y}\\pard \\'41B{\\field{\\*\\fldinst PAGE}{\\fldrslt 7}}\\par}",
        );
        assert_eq!(texts(&d.blocks), ["AB7"]);
    }

    #[test]
    fn headers_comments_and_list_numbers_go_where_a_reader_sees_them() {
        let d = read(
            b"{\\rtf1{\\header \\pard \\u31192?\\par}{\\listtext 1.\\tab}\\pard A{\\*\\atnid x}{\\*\\annotation \\pard C\\par}B\\par}",
        );
        assert_eq!(texts(&d.blocks), ["1.\u{3000}AB"]);
        assert_eq!(texts(&d.furniture), ["秘"]);
        assert_eq!(texts(&d.comments), ["C"]);
    }

    #[test]
    fn cells_and_rows_make_tab_separated_table_rows() {
        let d = read(b"{\\rtf1\\pard P\\par\\trowd\\pard\\intbl A\\cell B1\\par B2\\cell\\cell\\row\\pard Q\\par}");
        let rows: Vec<(BlockKind, &str)> =
            d.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            rows,
            [
                (BlockKind::Paragraph, "P"),
                (BlockKind::TableRow, "A\tB1 B2"),
                (BlockKind::Paragraph, "Q")
            ]
        );
    }

    #[test]
    fn deleted_revisions_are_not_text_and_the_paragraph_is_kept_as_it_read() {
        let d = read(
            b"{\\rtf1\\pard X{\\deleted Y}{\\revised Z}W\\par{\\deleted\\revauthdel1 gone}\\par}",
        );
        assert_eq!(texts(&d.blocks), ["XZW"]);
        assert_eq!(texts(&d.deleted), ["XYW", "gone"]);
    }

    #[test]
    fn deep_nesting_is_an_error_and_not_rtf_is_corrupt() {
        let deep = format!("{{\\rtf1{}", "{".repeat(MAX_DEPTH + 5));
        assert!(extract(deep.as_bytes()).is_err());
        assert!(extract(b"PK\x03\x04").is_err());
        assert!(extract(b"{\\rtf1 unterminated").is_ok());
    }
}
