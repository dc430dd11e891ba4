//! Amendments written as a 新旧対照表: 「原契約の一部を別紙新旧対照表のとおり
//! 変更する。」 and a table whose columns are the text after (改正後, 変更後,
//! 新) and before (改正前, 変更前, 旧), in either order, each row an article
//! or a paragraph as it reads after and before. The rows become the
//! operations an instrument states in words ([`super::operations`]), so that
//! they are applied, shown and cited alike.
//!
//! Written by hand: how such a table is laid out is a drafting convention
//! (a row per article or paragraph, 「（略）」 for what is unchanged,
//! 「（新設）」「削除」), which no crate reads.

use super::instrument::Change;
use super::operations::{ArticleNo, Op, OpKind, Target};
use crate::document::{Block, BlockKind};
use crate::segment::numbering;

/// Rows read from one table, cells read from one row and bytes read from
/// one cell, at most: a hostile file cannot make the reading unbounded.
const MAX_ROWS: usize = 2_000;
const MAX_CELLS: usize = 16;
const MAX_CELL_BYTES: usize = 64 * 1024;

/// How the changes of a table name where they are stated:
/// 「2025年4月1日付覚書（新旧対照表）」.
pub const CLAUSE: &str = "（新旧対照表）";

/// A comparison table among an instrument's blocks: its header row, the
/// first block after it, and which cells hold the text after and before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub start: usize,
    pub end: usize,
    new_col: usize,
    old_col: usize,
    label_col: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    New,
    Old,
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The column a header cell names: 改正後, 【新】, 改正後（新）, 新（改正後）.
fn column(cell: &str) -> Option<Column> {
    const NEW: [&str; 10] = [
        "改正後",
        "変更後",
        "改定後",
        "修正後",
        "新",
        "新条文",
        "新規定",
        "改正案",
        "変更案",
        "新契約",
    ];
    const OLD: [&str; 10] = [
        "改正前",
        "変更前",
        "改定前",
        "修正前",
        "旧",
        "旧条文",
        "旧規定",
        "現行",
        "現行規定",
        "旧契約",
    ];
    let c: String = compact(cell)
        .chars()
        .filter(|c| !matches!(c, '【' | '】' | '［' | '］' | '[' | ']' | '〔' | '〕'))
        .collect();
    let (main, inner) = match c.split_once(['（', '(']) {
        Some((m, rest)) => (m, rest.trim_end_matches(['）', ')'])),
        None => (c.as_str(), ""),
    };
    for part in [main, inner] {
        if NEW.contains(&part) {
            return Some(Column::New);
        }
        if OLD.contains(&part) {
            return Some(Column::Old);
        }
    }
    None
}

/// The cells of a header row that name the text after and before, and a
/// cell naming the article a row is about (条項), if any. Its other cells
/// are short (備考): a row of text is never a header.
fn header(text: &str) -> Option<(usize, usize, Option<usize>)> {
    let cells: Vec<&str> = text.split('\t').take(MAX_CELLS).collect();
    if cells.iter().any(|c| c.chars().count() > 16) {
        return None;
    }
    let new = cells.iter().position(|c| column(c) == Some(Column::New))?;
    let old = cells.iter().position(|c| column(c) == Some(Column::Old))?;
    let label = cells.iter().position(|c| {
        matches!(
            compact(c).as_str(),
            "条項"
                | "条"
                | "条文"
                | "項目"
                | "対象条項"
                | "該当条項"
                | "条番号"
                | "改正箇所"
                | "変更箇所"
        )
    });
    Some((new, old, label))
}

/// At most this many comparison tables are read from one instrument.
const MAX_TABLES: usize = 16;

/// The comparison tables of `blocks`, in order: each a table row naming
/// the two columns, and the table rows after it (a header repeated on a
/// later page is passed over).
pub fn find_all(blocks: &[Block]) -> Vec<Table> {
    let mut out = Vec::new();
    let mut from = 0;
    while out.len() < MAX_TABLES {
        let Some((start, (new_col, old_col, label_col))) =
            blocks.iter().enumerate().skip(from).find_map(|(i, b)| {
                (b.kind == BlockKind::TableRow)
                    .then(|| header(&b.text))
                    .flatten()
                    .map(|h| (i, h))
            })
        else {
            break;
        };
        let mut end = start + 1;
        while let Some(b) = blocks.get(end) {
            if end - start > MAX_ROWS
                || (b.kind != BlockKind::TableRow && !b.text.trim().is_empty())
                || closes(&b.text)
            {
                break;
            }
            end += 1;
        }
        let table = Table {
            start,
            end,
            new_col,
            old_col,
            label_col,
        };
        // A table of other changes (a system's settings before and after)
        // amends no article.
        if names_articles(blocks, &table) {
            out.push(table);
        }
        from = end;
    }
    out
}

/// 「以上」 or a date alone in a row: the instrument's closing matter (a
/// workbook's rows are all table rows), not the table's.
fn closes(row: &str) -> bool {
    let t: String = row.split('\t').collect::<Vec<_>>().join("");
    super::instrument::end_mark(&t) || super::dates::date_line(t.trim()).is_some()
}

/// Some row of the table names an article, in a cell or its 条項 column.
fn names_articles(blocks: &[Block], t: &Table) -> bool {
    blocks.iter().take(t.end).skip(t.start + 1).any(|b| {
        let cells: Vec<&str> = b.text.split('\t').take(MAX_CELLS).collect();
        [Some(t.new_col), Some(t.old_col), t.label_col]
            .into_iter()
            .flatten()
            .any(|i| cells.get(i).is_some_and(|c| label(c.trim()).is_some()))
    })
}

/// The first comparison table of `blocks`.
pub fn find(blocks: &[Block]) -> Option<Table> {
    find_all(blocks).into_iter().next()
}

/// What a cell (or a paragraph of one) says as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// （略）, 同左, 現行のとおり: unchanged.
    Same,
    /// （削除）, 削除.
    Deleted,
    /// （新設）.
    Added,
}

fn mark(text: &str) -> Option<Mark> {
    let c = compact(text);
    let inner = c
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')'])
        .trim_end_matches('。');
    match inner {
        "略" | "省略" | "同左" | "同右" | "現行のとおり" | "現行どおり" | "変更なし"
        | "改正なし" | "―" | "－" | "—" | "…" => Some(Mark::Same),
        "削除" | "削る" => Some(Mark::Deleted),
        "新設" | "追加" => Some(Mark::Added),
        // 「（第4条から第7条まで略）」
        _ if inner.ends_with('略') && inner.contains("まで") => Some(Mark::Same),
        _ => None,
    }
}

/// A paragraph of a cell: its number (None: not numbered) and lines.
#[derive(Debug, Clone, Default, PartialEq)]
struct Unit {
    n: Option<u32>,
    lines: Vec<String>,
    mark: Option<Mark>,
}

/// One cell read: the article it names, the paragraph a 「第5条第2項」
/// label names, the label and heading as written, a mark for the whole
/// cell, and its paragraphs.
#[derive(Debug, Clone, Default, PartialEq)]
struct Cell {
    article: Option<ArticleNo>,
    paragraph: Option<u32>,
    head: String,
    /// 報告 of 第5条（報告）.
    heading: Option<String>,
    mark: Option<Mark>,
    units: Vec<Unit>,
    empty: bool,
}

/// The article label at the start of a cell, also when a PDF spaced it
/// out (第7　条): the number and the rest of the cell.
fn label(s: &str) -> Option<(ArticleNo, &str)> {
    if let Some(x) = ArticleNo::at_start(s) {
        return Some(x);
    }
    if !s.starts_with('第') {
        return None;
    }
    let prefix: Vec<(usize, char)> = s
        .char_indices()
        .take(24)
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    let squeezed: String = prefix.iter().map(|(_, c)| *c).collect();
    let (a, rest) = ArticleNo::at_start(&squeezed)?;
    let used = squeezed[..squeezed.len() - rest.len()].chars().count();
    let (at, c) = *prefix.get(used.checked_sub(1)?)?;
    Some((a, &s[at + c.len_utf8()..]))
}

const NUMBER_CHARS: &str = "0123456789０１２３４５６７８９";
/// Characters after a number that make it a quantity (2日, ３か月), not a
/// paragraph number.
const UNIT_CHARS: &str = "年月日時分秒条項号週回件名人円個倍割か箇ヶケ営度";

/// A paragraph number at the start of `t` (２　乙は, 2. 乙は, and 「２乙は」
/// when a PDF lost the space): the number and the rest.
fn para_no(t: &str) -> Option<(u32, &str)> {
    let t = t.trim_start();
    let len: usize = t
        .chars()
        .take_while(|c| NUMBER_CHARS.contains(*c))
        .map(char::len_utf8)
        .sum();
    let digits = &t[..len];
    if digits.is_empty() || digits.chars().count() > 2 {
        return None;
    }
    let n = numbering::parse_number(digits).filter(|n| *n >= 1)?;
    let after = &t[len..];
    let c = after.chars().next()?;
    if matches!(c, '\u{3000}' | ' ' | '.' | '．') {
        return Some((n, after[c.len_utf8()..].trim_start()));
    }
    let japanese = ('\u{3040}'..='\u{30FF}').contains(&c) || ('\u{4E00}'..='\u{9FFF}').contains(&c);
    if (japanese && !UNIT_CHARS.contains(c)) || after.starts_with("（略）") {
        return Some((n, after));
    }
    None
}

/// Where a new piece of a cell starts inside a run of text with no space
/// (a PDF cell): after 。 or ） comes a paragraph number or 「（略）」.
fn inner_cuts(piece: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in piece.char_indices() {
        if i > 0 && matches!(prev, Some('。' | '）' | ')' | '」')) {
            let rest = &piece[i..];
            if para_no(rest).is_some() || rest.starts_with("（略）") || rest.starts_with("(略)")
            {
                cuts.push(i);
            }
        }
        prev = Some(c);
    }
    cuts
}

/// A piece starts a line of its own: a paragraph number, an item, a mark,
/// a heading or an article label.
fn starts_line(piece: &str) -> bool {
    para_no(piece).is_some()
        || numbering::item(piece).is_some()
        || numbering::heading(piece).is_some()
        || mark(piece).is_some()
        || ArticleNo::at_start(piece).is_some()
}

/// The pieces of a cell's text: its paragraphs (a DOCX cell joins them with
/// a space, a workbook cell with a line break, a PDF cell with nothing). A
/// space inside a sentence (ISO 27001) does not cut it.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text
        .split([' ', '\n', '\r', '\t'])
        .filter(|p| !p.is_empty())
    {
        let mut at = 0;
        let mut parts: Vec<&str> = Vec::new();
        for cut in inner_cuts(raw) {
            parts.push(&raw[at..cut]);
            at = cut;
        }
        parts.push(&raw[at..]);
        for (k, part) in parts.into_iter().enumerate() {
            let joins = k == 0
                && out.last().is_some_and(|last| {
                    !last.ends_with(['。', '）', ')', '」']) && !starts_line(part)
                });
            match out.last_mut() {
                Some(last) if joins => {
                    last.push(' ');
                    last.push_str(part);
                }
                _ => out.push(part.to_string()),
            }
        }
    }
    out
}

/// The paragraphs of a cell's body: a numbered piece starts one, a mark is
/// one of its own, any other piece is a line of the paragraph before.
fn units(body: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    for piece in pieces(body) {
        if let Some(m) = mark(&piece) {
            out.push(Unit {
                n: None,
                lines: Vec::new(),
                mark: Some(m),
            });
        } else if let Some((n, rest)) = para_no(&piece) {
            out.push(Unit {
                n: Some(n),
                lines: if rest.is_empty() || mark(rest).is_some() {
                    Vec::new()
                } else {
                    vec![rest.to_string()]
                },
                mark: mark(rest),
            });
        } else {
            match out.last_mut() {
                Some(u) if u.mark.is_none() => u.lines.push(piece),
                _ => out.push(Unit {
                    n: None,
                    lines: vec![piece],
                    mark: None,
                }),
            }
        }
    }
    out
}

fn cell(text: &str) -> Cell {
    let mut end = text.len().min(MAX_CELL_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let s = text[..end].trim();
    let mut c = Cell::default();
    if s.is_empty() {
        c.empty = true;
        return c;
    }
    if let Some(m) = mark(s) {
        c.mark = Some(m);
        return c;
    }
    let mut body = s;
    if let Some((a, rest)) = label(s) {
        c.article = Some(a);
        let mut rest = rest.trim_start();
        if rest.starts_with('第') {
            if let Some((p, r)) = numbering::paragraph(rest) {
                c.paragraph = Some(p);
                rest = r.trim_start();
            }
        }
        if let Some((h, r)) = numbering::heading(rest) {
            if mark(&h).is_none() {
                rest = r.trim_start();
                c.heading = Some(h);
            }
        }
        c.head = s[..s.len() - rest.len()].trim_end().to_string();
        if let Some(m) = mark(rest) {
            c.mark = Some(m);
            return c;
        }
        body = rest;
    }
    c.units = units(body);
    c
}

fn full_width(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}

/// The text of a paragraph as the contract's lines: 「２　…」 for a
/// numbered one, the body alone for the first.
fn paragraph_lines(n: u32, lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .enumerate()
        .map(|(k, l)| match k {
            0 if n >= 2 => format!("{}\u{3000}{l}", full_width(n)),
            _ => l.clone(),
        })
        .collect()
}

/// A whole article as the contract's lines: its label and heading with
/// the first paragraph, then the others.
fn article_lines(c: &Cell) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut first = true;
    for u in &c.units {
        let n = u.n.unwrap_or(1);
        let mut lines = paragraph_lines(n, &u.lines);
        if first && !c.head.is_empty() {
            match lines.first_mut() {
                Some(l) if n == 1 => *l = format!("{}\u{3000}{l}", c.head),
                _ => lines.insert(0, c.head.clone()),
            }
        }
        first = false;
        out.extend(lines);
    }
    if out.is_empty() && !c.head.is_empty() {
        out.push(c.head.clone());
    }
    out
}

/// Reads the rows in order, each into changes.
struct Reader {
    out: Vec<Change>,
    /// The article the rows are in (as numbered before the change), and
    /// whether the row before held its label only.
    context: Option<ArticleNo>,
    label_only: bool,
    /// Rows read so far, and the row that made the last change.
    rows: usize,
    made_at: usize,
}

fn target(article: ArticleNo, paragraph: Option<u32>) -> Target {
    Target {
        article,
        paragraph,
        item: None,
    }
}

impl Reader {
    fn push(&mut self, target: Target, kind: OpKind, written: String, lines: Vec<String>) {
        self.made_at = self.rows;
        self.out.push(Change {
            op: Op {
                target,
                kind,
                written,
            },
            clause: Some(CLAUSE.to_string()),
            text: lines
                .into_iter()
                .map(|l| Block::paragraph(None, l))
                .collect(),
        });
    }

    /// A row that cannot be read as a change: never applied, reported.
    fn unclear(&mut self, row: &str, why: &str, lines: Vec<String>) {
        let shown: String = row.replace('\t', "｜").chars().take(40).collect();
        let article = self.context.unwrap_or(ArticleNo { n: 0, sub: None });
        self.push(
            target(article, None),
            OpKind::Unclear(why.to_string()),
            format!("新旧対照表の行「{shown}」"),
            lines,
        );
    }

    fn row(&mut self, row: &str, new: Cell, old: Cell) {
        self.rows += 1;
        let labelled = new.article.is_some() || old.article.is_some();
        if new.mark == Some(Mark::Same) || (old.mark == Some(Mark::Same) && new.units.is_empty()) {
            // Unchanged; a row naming an article still sets the context.
            if labelled {
                self.context = old.article.or(new.article);
                self.label_only = false;
            }
            return;
        }
        if new.empty && old.empty {
            return;
        }
        if compact(&article_lines(&new).join("")) == compact(&article_lines(&old).join(""))
            && new.mark == old.mark
            && new.article == old.article
        {
            match labelled {
                true => {
                    self.context = old.article.or(new.article);
                    self.label_only = new.units.is_empty();
                }
                false => self.label_only = false,
            }
            return;
        }
        if labelled {
            self.article_row(row, new, old);
        } else {
            self.paragraph_row(row, new, old);
        }
    }

    fn article_row(&mut self, row: &str, new: Cell, old: Cell) {
        let was = old.article.or(new.article);
        self.context = was;
        self.label_only = false;
        let Some(a) = was else {
            return;
        };
        if new.mark == Some(Mark::Deleted) {
            match old.paragraph.or(new.paragraph) {
                Some(p) => self.push(
                    target(a, Some(p)),
                    OpKind::Delete,
                    format!("{}を削る", target(a, Some(p)).label()),
                    Vec::new(),
                ),
                None => self.push(
                    target(a, None),
                    OpKind::Delete,
                    format!("{}を削る", a.label()),
                    Vec::new(),
                ),
            }
            return;
        }
        if old.mark == Some(Mark::Added) || old.empty {
            let Some(no) = new.article else {
                return self.unclear(row, "新設する条の番号が読めない", article_lines(&new));
            };
            self.context = Some(no);
            return match new.paragraph {
                Some(p) if p >= 2 => self.push(
                    target(no, Some(p - 1)),
                    OpKind::AddParagraphs(1),
                    format!("{}を新設する", target(no, Some(p)).label()),
                    new.units
                        .iter()
                        .flat_map(|u| paragraph_lines(p, &u.lines))
                        .collect(),
                ),
                _ => self.push(
                    target(no, None),
                    OpKind::AddArticle,
                    format!("{}を新設する", no.label()),
                    article_lines(&new),
                ),
            };
        }
        if new.empty || new.mark.is_some() {
            return self.unclear(row, "改正後の欄が読めない", article_lines(&old));
        }
        if let Some(p) = new.paragraph.or(old.paragraph) {
            let lines: Vec<String> = new.units.iter().flat_map(|u| u.lines.clone()).collect();
            let t = target(a, Some(p));
            return self.push(
                t,
                OpKind::Replace,
                format!("{}を改正後のとおり改める", t.label()),
                paragraph_lines(p, &lines),
            );
        }
        if new.units.is_empty() {
            // The label on a row of its own: the paragraphs follow.
            self.retitle(a, &new, &old);
            self.label_only = true;
            return;
        }
        let partial = new
            .units
            .iter()
            .any(|u| u.mark.is_some() || (u.n.is_some_and(|n| n >= 2) && u.lines.is_empty()))
            || new
                .units
                .first()
                .is_some_and(|u| u.n.is_some_and(|n| n >= 2));
        if !partial {
            let written = match new.article.filter(|n| *n != a) {
                Some(n) => format!("{}を改正後の{}のとおり改める", a.label(), n.label()),
                None => format!("{}を改正後のとおり改める", a.label()),
            };
            return self.push(
                target(a, None),
                OpKind::Replace,
                written,
                article_lines(&new),
            );
        }
        self.paragraphs(a, &new.units, &old.units, true);
        self.retitle(a, &new, &old);
    }

    /// A new heading (第5条（報告） → 第5条（定期報告）) and a new number of
    /// an article whose paragraphs are changed one by one, or not at all.
    fn retitle(&mut self, a: ArticleNo, new: &Cell, old: &Cell) {
        if let (Some(h), Some(was)) = (&new.heading, &old.heading) {
            if compact(h) != compact(was) {
                let pair = (format!("（{was}）"), format!("（{h}）"));
                self.push(
                    target(a, None),
                    OpKind::Words(vec![pair.clone()]),
                    format!(
                        "{}の見出し中「{}」を「{}」に改める",
                        a.label(),
                        pair.0,
                        pair.1
                    ),
                    Vec::new(),
                );
            }
        }
        if let Some(n) = new.article.filter(|n| *n != a) {
            self.push(
                target(a, None),
                OpKind::Renumber(n),
                format!("{}を{}とする", a.label(), n.label()),
                Vec::new(),
            );
        }
    }

    /// Paragraph by paragraph: each one the new side gives is compared with
    /// the same paragraph before, and replaced, deleted or added.
    fn paragraphs(&mut self, a: ArticleNo, new: &[Unit], old: &[Unit], first_is_one: bool) {
        for (k, u) in new.iter().enumerate() {
            let n = match u.n {
                Some(n) => n,
                None if k == 0 && first_is_one => 1,
                None => continue,
            };
            if u.mark == Some(Mark::Same) {
                continue;
            }
            let t = target(a, Some(n));
            let before = old.iter().enumerate().find(|(j, o)| {
                o.n == Some(n) || (o.n.is_none() && *j == 0 && n == 1 && first_is_one)
            });
            if u.mark == Some(Mark::Deleted) {
                self.push(
                    t,
                    OpKind::Delete,
                    format!("{}を削る", t.label()),
                    Vec::new(),
                );
                continue;
            }
            match before.map(|(_, o)| o) {
                Some(o) if o.mark == Some(Mark::Same) && u.lines.is_empty() => {}
                Some(o) if compact(&o.lines.join("")) == compact(&u.lines.join("")) => {}
                Some(o) if o.mark != Some(Mark::Added) => self.push(
                    t,
                    OpKind::Replace,
                    format!("{}を改正後のとおり改める", t.label()),
                    paragraph_lines(n, &u.lines),
                ),
                _ if n >= 2 => self.push(
                    target(a, Some(n - 1)),
                    OpKind::AddParagraphs(1),
                    format!("{}を新設する", t.label()),
                    paragraph_lines(n, &u.lines),
                ),
                _ => self.push(
                    t,
                    OpKind::Replace,
                    format!("{}を改正後のとおり改める", t.label()),
                    paragraph_lines(n, &u.lines),
                ),
            }
        }
    }

    /// A row with no article label: paragraphs of the article above.
    fn paragraph_row(&mut self, row: &str, new: Cell, old: Cell) {
        let Some(a) = self.context else {
            let lines = new.units.iter().flat_map(|u| u.lines.clone()).collect();
            return self.unclear(row, "どの条の行か分からない", lines);
        };
        let first_is_one = std::mem::take(&mut self.label_only);
        let new_no = new.units.first().and_then(|u| u.n);
        let old_no = old.units.first().and_then(|u| u.n);
        if new.mark == Some(Mark::Deleted) {
            return match old_no {
                Some(n) => {
                    let t = target(a, Some(n));
                    self.push(
                        t,
                        OpKind::Delete,
                        format!("{}を削る", t.label()),
                        Vec::new(),
                    )
                }
                None => self.unclear(row, "削る項の番号が読めない", Vec::new()),
            };
        }
        if new_no.is_none() && !first_is_one && !new.units.is_empty() {
            // Text that continues the paragraph of the row before (a long
            // cell cut at a page end) goes with the change that row made.
            let lines: Vec<String> = new.units.iter().flat_map(|u| u.lines.clone()).collect();
            let made_before = self.made_at + 1 == self.rows;
            match self.out.last_mut() {
                Some(last)
                    if made_before && last.op.target.article == a && last.op.takes_text() =>
                {
                    let mut lines = lines.into_iter();
                    // A sentence cut by the row's end is joined again.
                    if let Some(tail) = last.text.last_mut().filter(|b| !b.text.ends_with('。')) {
                        if let Some(first) = lines.next() {
                            tail.text.push_str(&first);
                        }
                    }
                    last.text.extend(lines.map(|l| Block::paragraph(None, l)));
                }
                _ => self.unclear(row, "どの項の行か分からない", lines),
            }
            return;
        }
        if old.mark == Some(Mark::Added) || old.empty {
            return match new_no.filter(|n| *n >= 2) {
                Some(n) => {
                    let lines: Vec<String> =
                        new.units.iter().flat_map(|u| u.lines.clone()).collect();
                    self.push(
                        target(a, Some(n - 1)),
                        OpKind::AddParagraphs(1),
                        format!("{}を新設する", target(a, Some(n)).label()),
                        paragraph_lines(n, &lines),
                    )
                }
                None => self.unclear(
                    row,
                    "新設する項の番号が読めない",
                    new.units.iter().flat_map(|u| u.lines.clone()).collect(),
                ),
            };
        }
        self.paragraphs(a, &new.units, &old.units, first_is_one);
    }
}

/// The changes the rows of `table` state, in order.
pub fn changes(blocks: &[Block], table: &Table) -> Vec<Change> {
    let mut r = Reader {
        out: Vec::new(),
        context: None,
        label_only: false,
        rows: 0,
        made_at: 0,
    };
    for b in blocks.iter().take(table.end).skip(table.start + 1) {
        if b.kind != BlockKind::TableRow || header(&b.text).is_some() {
            continue;
        }
        let cells: Vec<&str> = b.text.split('\t').take(MAX_CELLS).collect();
        let text = |i: usize| cells.get(i).copied().unwrap_or("").trim();
        // A 条項 column names the article of cells that do not: 「第5条第2項」.
        let named = table.label_col.map(&text).filter(|l| label(l).is_some());
        let get = |i: usize| {
            let t = text(i);
            match named {
                Some(l)
                    if label(t).is_none()
                        && !matches!(mark(t), Some(Mark::Added | Mark::Same))
                        && !t.is_empty() =>
                {
                    cell(&format!("{l}\u{3000}{t}"))
                }
                _ => cell(t),
            }
        };
        r.row(&b.text, get(table.new_col), get(table.old_col));
    }
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Block> {
        lines
            .iter()
            .map(|l| Block {
                page: None,
                kind: BlockKind::TableRow,
                label: None,
                text: l.to_string(),
            })
            .collect()
    }

    fn read(lines: &[&str]) -> Vec<(String, OpKind, Vec<String>)> {
        let b = rows(lines);
        let t = find(&b).expect("a table");
        changes(&b, &t)
            .into_iter()
            .map(|c| {
                (
                    c.op.target.label(),
                    c.op.kind,
                    c.text.into_iter().map(|b| b.text).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_header_names_the_columns_in_either_order() {
        assert_eq!(header("改正後\t改正前"), Some((0, 1, None)));
        assert_eq!(header("改 正 前\t改 正 後"), Some((1, 0, None)));
        assert_eq!(header("条項\t【新】\t【旧】\t備考"), Some((1, 2, Some(0))));
        assert_eq!(header("新（改正後）\t旧（改正前）"), Some((0, 1, None)));
        assert_eq!(header("変更後\t変更前"), Some((0, 1, None)));
        assert_eq!(header("新条文\t旧条文"), Some((0, 1, None)));
        assert_eq!(header("甲\t乙"), None);
        assert_eq!(header("新しいシステムの運用後に乙が行う作業\t旧"), None);
    }

    #[test]
    fn an_article_row_replaces_deletes_or_adds_an_article() {
        let got = read(&[
            "改正後\t改正前",
            "第3条（事故報告） 乙は、直ちに報告するよう努めるものとする。\t第3条（事故報告） 乙は、直ちに報告しなければならない。",
            "第7条\u{3000}削除\t第7条（再委託） 乙は、一切の責任を負う。",
            "第8条の2（原因調査） 原因調査は、乙が主導する。\t（新設）",
            "第4条（調査協力） （略）\t第4条（調査協力） （略）",
        ]);
        assert_eq!(
            got,
            [
                (
                    "第3条".into(),
                    OpKind::Replace,
                    vec![
                        "第3条（事故報告）\u{3000}乙は、直ちに報告するよう努めるものとする。"
                            .into()
                    ]
                ),
                ("第7条".into(), OpKind::Delete, vec![]),
                (
                    "第8条の2".into(),
                    OpKind::AddArticle,
                    vec!["第8条の2（原因調査）\u{3000}原因調査は、乙が主導する。".into()]
                ),
            ]
        );
    }

    #[test]
    fn the_reverse_order_and_a_pdf_cell_with_no_spaces_read_alike() {
        let got = read(&[
            "改正前\t改正後",
            "第5条（報告）（略）\t第5条（報告）（略）",
            "２乙は、毎月報告しなければならない。\t２乙は、甲の求めに応じて報告する。",
            "第7条（再委託）乙は、一切の責任を負う。\t第7\u{3000}条削除",
        ]);
        assert_eq!(
            got,
            [
                (
                    "第5条第2項".into(),
                    OpKind::Replace,
                    vec!["２\u{3000}乙は、甲の求めに応じて報告する。".into()]
                ),
                ("第7条".into(), OpKind::Delete, vec![]),
            ]
        );
    }

    #[test]
    fn omitted_paragraphs_stay_and_given_ones_are_replaced() {
        let got = read(&[
            "新\t旧",
            "第5条（報告） （略） ２\u{3000}乙は、求めに応じて報告する。 ３\u{3000}（略）\t第5条（報告） （略） ２\u{3000}乙は、毎月報告する。 ３\u{3000}（略）",
            "第6条 乙は、監査に協力する。 ２\u{3000}乙は、記録を保存する。\t第6条 乙は、監査に協力する。",
        ]);
        assert_eq!(
            got,
            [
                (
                    "第5条第2項".into(),
                    OpKind::Replace,
                    vec!["２\u{3000}乙は、求めに応じて報告する。".into()]
                ),
                (
                    "第6条".into(),
                    OpKind::Replace,
                    vec![
                        "第6条\u{3000}乙は、監査に協力する。".into(),
                        "２\u{3000}乙は、記録を保存する。".into()
                    ]
                ),
            ]
        );
    }

    #[test]
    fn paragraph_rows_follow_the_article_row_above() {
        let got = read(&[
            "改正後\t改正前",
            "第5条（報告）\t第5条（報告）",
            "乙は、記録を作成する。\t乙は、記録を作成する。",
            "２\u{3000}乙は、求めに応じて報告する。\t２\u{3000}乙は、毎月報告する。",
            "３\u{3000}乙は、記録を5年間保存する。\t（新設）",
            "（削除）\t４\u{3000}乙は、報告書を提出する。",
            "第5条第5項\u{3000}乙は、暗号化する。\t第5条第5項\u{3000}乙は、配慮する。",
        ]);
        let summary: Vec<(String, OpKind)> = got.into_iter().map(|(t, k, _)| (t, k)).collect();
        assert_eq!(
            summary,
            [
                ("第5条第2項".into(), OpKind::Replace),
                ("第5条第2項".into(), OpKind::AddParagraphs(1)),
                ("第5条第4項".into(), OpKind::Delete),
                ("第5条第5項".into(), OpKind::Replace),
            ]
        );
    }

    #[test]
    fn unchanged_rows_change_nothing_and_an_orphan_row_is_unclear() {
        let got = read(&[
            "改正後\t改正前",
            "（略）\t（略）",
            "第2条（定義） 同左\t第2条（定義） 甲とは、…",
            "第3条\t同左",
            "（第4条から第7条まで略）\t（第4条から第7条まで略）",
        ]);
        assert!(got.is_empty(), "{got:?}");
        let got = read(&[
            "改正後\t改正前",
            "２\u{3000}乙は、報告する。\t２\u{3000}乙は、毎月報告する。",
            "第9条 （略）\t第9条 （略）",
        ]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(matches!(got[0].1, OpKind::Unclear(_)), "{got:?}");
    }

    #[test]
    fn an_article_column_names_the_rows_article() {
        let got = read(&[
            "条項\t改正後\t改正前",
            "第5条第2項\t乙は、求めに応じて報告する。\t乙は、毎月報告する。",
            "第7条\t削除\t乙は、一切の責任を負う。",
            "第9条\t乙は、暗号化する。\t（新設）",
        ]);
        assert_eq!(
            got,
            [
                (
                    "第5条第2項".into(),
                    OpKind::Replace,
                    vec!["２\u{3000}乙は、求めに応じて報告する。".into()]
                ),
                ("第7条".into(), OpKind::Delete, vec![]),
                (
                    "第9条".into(),
                    OpKind::AddArticle,
                    vec!["第9条\u{3000}乙は、暗号化する。".into()]
                ),
            ]
        );
    }

    #[test]
    fn a_new_heading_on_the_label_row_rewords_it_and_a_table_of_no_articles_is_none() {
        let got = read(&[
            "改正後\t改正前",
            "第5条（定期報告）\t第5条（報告）",
            "２\u{3000}乙は、求めに応じて報告する。\t２\u{3000}乙は、毎月報告する。",
        ]);
        let summary: Vec<(String, OpKind)> = got.into_iter().map(|(t, k, _)| (t, k)).collect();
        assert_eq!(
            summary,
            [
                (
                    "第5条".into(),
                    OpKind::Words(vec![("（報告）".into(), "（定期報告）".into())])
                ),
                ("第5条第2項".into(), OpKind::Replace),
            ]
        );
        let b = rows(&["変更後\t変更前", "サーバ：東京\tサーバ：大阪"]);
        assert!(find_all(&b).is_empty());
    }

    #[test]
    fn a_continued_cell_joins_its_change_and_closing_matter_ends_the_table() {
        let got = read(&[
            "改正後\t改正前",
            "第9条（暗号化） 乙は、通信を\t（新設）",
            "暗号化する。\t",
            "\t以上",
            "第10条 乙は、報告する。\t第10条 乙は、直ちに報告する。",
        ]);
        assert_eq!(
            got,
            [(
                "第9条".into(),
                OpKind::AddArticle,
                vec!["第9条（暗号化）\u{3000}乙は、通信を暗号化する。".into(),]
            )]
        );
    }

    #[test]
    fn every_table_is_found_and_a_repeated_header_passed_over() {
        let mut b = rows(&[
            "改正後\t改正前",
            "第3条 乙は、報告する。\t第3条 乙は、直ちに報告する。",
            "改正後\t改正前",
            "第4条 乙は、協力する。\t第4条 乙は、協力しなければならない。",
        ]);
        b.push(Block::paragraph(None, "別紙2"));
        b.extend(rows(&["改正前\t改正後", "第8条 旧\t第8条 新"]));
        let tables = find_all(&b);
        assert_eq!(tables.len(), 2);
        assert_eq!((tables[0].start, tables[0].end), (0, 4));
        assert_eq!(changes(&b, &tables[0]).len(), 2);
        assert_eq!(changes(&b, &tables[1])[0].text[0].text, "第8条\u{3000}新");
    }

    #[test]
    fn cells_split_into_paragraphs_but_not_inside_a_sentence() {
        assert_eq!(
            pieces("（報告） 第5条\u{3000}乙は、ISO 27001に従う。 ２\u{3000}乙は、報告する。"),
            [
                "（報告）",
                "第5条\u{3000}乙は、ISO 27001に従う。",
                "２\u{3000}乙は、報告する。"
            ]
        );
        assert_eq!(para_no("２乙は"), Some((2, "乙は")));
        assert_eq!(para_no("3日以内に"), None);
        assert_eq!(para_no("２０２５年"), None);
        assert_eq!(
            label("第7\u{3000}条削除").map(|(a, r)| (a.label(), r)),
            Some(("第7条".into(), "削除"))
        );
    }

    fn instrument(rows_after: &[&str]) -> Vec<Block> {
        let mut b = vec![
            Block::paragraph(None, "覚書"),
            Block::paragraph(
                None,
                "甲及び乙は、原契約の一部を別紙新旧対照表のとおり変更する。",
            ),
            Block::paragraph(None, "2025年4月1日"),
            Block::paragraph(None, "新旧対照表"),
        ];
        b.extend(rows(rows_after));
        b
    }

    #[test]
    fn rows_that_cannot_be_applied_are_reported_and_their_article_unknown() {
        use crate::consolidate::apply::{apply, Step};
        use crate::consolidate::instrument::recognise;
        let (inst, consumed) = recognise(&instrument(&[
            "改正後\t改正前",
            "２\u{3000}乙は、記録を保存する。\t２\u{3000}乙は、記録を作成する。",
            "第5条 （略） ３\u{3000}乙は、求めに応じて報告する。\t第5条 （略） ３\u{3000}乙は、毎月報告する。",
        ]))
        .expect("an instrument");
        assert_eq!(consumed, [false, false, false, false, true, true, true]);
        assert_eq!(inst.changes.len(), 2);
        let base: Vec<Block> = [
            "第4条（監査）甲は、監査することができる。",
            "第5条（報告）乙は、毎月報告する。",
            "第6条（協議）協議して定める。",
        ]
        .iter()
        .map(|l| Block::paragraph(None, *l))
        .collect();
        let c = apply(
            &base,
            &[Step {
                instrument: &inst,
                label: "2025年4月1日付覚書".into(),
                path: std::sync::Arc::from("V/覚書.docx"),
            }],
        );
        let reasons: Vec<(&str, bool)> = c
            .unresolved
            .iter()
            .map(|u| (u.reason.as_str(), u.scoped))
            .collect();
        assert_eq!(
            reasons,
            [
                ("どの条の行か分からない", false),
                ("第5条第3項がない", true)
            ]
        );
        assert_eq!(c.unresolved[1].written, "第5条第3項を改正後のとおり改める");
        assert!(c.lines[1].uncertain && !c.lines[0].uncertain && !c.lines[2].uncertain);
    }

    #[test]
    fn a_table_with_such_columns_in_a_contract_is_not_an_amendment() {
        use crate::consolidate::instrument::recognise;
        let mut b = vec![
            Block::paragraph(None, "システム移行仕様書"),
            Block::paragraph(None, "第1条（目的）本書は、移行の手順を定める。"),
        ];
        b.extend(rows(&[
            "変更後\t変更前",
            "第2条 新サーバで運用する。\t第2条 旧サーバで運用する。",
        ]));
        assert!(recognise(&b).is_none());
    }

    #[test]
    fn hostile_tables_are_read_within_bounds() {
        let mut lines = vec!["改正後\t改正前".to_string()];
        for k in 0..5_000 {
            lines.push(format!("第{k}条 {}\t{}", "あ".repeat(50), "\t".repeat(40)));
        }
        lines.push(format!("第1条 {}\t第1条", "い。".repeat(100_000)));
        let l: Vec<&str> = lines.iter().map(String::as_str).collect();
        let b = rows(&l);
        let t = find(&b).unwrap();
        assert!(t.end - t.start <= MAX_ROWS + 1);
        assert!(changes(&b, &t).len() <= MAX_ROWS);
    }
}
