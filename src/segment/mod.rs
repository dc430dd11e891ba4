//! Document → sentences that know their clause (第N条第M項第K号), the article
//! heading, and what kind of text they are.
//!
//! Headings, tables of contents and definition clauses are marked here so
//! that matching never counts them as a duty.

pub mod budget;
pub mod numbering;

pub use budget::{Budget, BudgetExceeded, BudgetKind};

use crate::document::{BlockKind, Document};
use crate::normalize::Normalized;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    /// Text before the first article: title, preamble, party definitions.
    Preamble,
    /// An operative sentence of an article, paragraph or item.
    Body,
    /// One row of a table.
    TableRow,
    /// A heading, chapter title or a line with no sentence in it.
    Heading,
    /// A table-of-contents line.
    Toc,
}

#[derive(Debug, Clone)]
pub struct Sentence {
    pub page: Option<u32>,
    pub article: Option<std::sync::Arc<str>>,
    pub heading: Option<std::sync::Arc<str>>,
    pub paragraph: Option<u32>,
    pub item: Option<std::sync::Arc<str>>,
    pub kind: SentenceKind,
    /// In a definitions article (（定義））: words are defined, not imposed.
    pub in_definitions: bool,
    /// The original text.
    pub text: String,
    pub norm: Normalized,
    /// Index of the sentence an item or a table row depends on
    /// (「乙は、次の各号に掲げる事項を遵守しなければならない。」).
    pub lead: Option<usize>,
    /// For a sentence of a table row: the row, and where in the row's text
    /// the sentence starts (a row is split at 。 like any text, so its cells
    /// are kept here for reading which column a match lies in).
    pub row: Option<(std::sync::Arc<Row>, usize)>,
}

/// One table row as the extractor gave it: cells a tab apart.
#[derive(Debug)]
pub struct Row {
    /// Rows of one table share it: consecutive table rows form a table.
    pub table: u32,
    pub text: String,
}

impl Row {
    /// The cells, trimmed.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        self.text.split('\t').map(str::trim)
    }

    /// The index of the cell holding byte `at` of the row's text.
    pub fn cell_at(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        self.text.as_bytes()[..at]
            .iter()
            .filter(|b| **b == b'\t')
            .count()
    }
}

impl Sentence {
    /// 第12条第2項第3号, as a reader cites it.
    pub fn clause(&self) -> Option<String> {
        let mut s = self.article.as_deref()?.to_string();
        if let Some(p) = self.paragraph.filter(|p| *p > 1) {
            s.push_str(&format!("第{p}項"));
        }
        if let Some(i) = &self.item {
            s.push_str(i);
        }
        Some(s)
    }
}

/// Split a paragraph into sentences at 。 outside brackets and quotes, and
/// at an English full stop followed by a capital (not after Inc. or Art.).
pub fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth: i32 = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let end = match c {
            '「' | '『' | '（' | '(' | '【' | '〔' => {
                depth += 1;
                None
            }
            '」' | '』' | '）' | ')' | '】' | '〕' => {
                depth = (depth - 1).max(0);
                None
            }
            '。' if depth == 0 => Some(i + c.len_utf8()),
            '.' if depth == 0 && english_full_stop(text, i) => Some(i + 1),
            _ => None,
        };
        if let Some(end) = end {
            let s = text[start..end].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = end;
        }
    }
    let tail = text[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

/// The `.` at byte `at` ends an English sentence: a word of two or more
/// letters (not an abbreviation) before it, white space and a capital after.
fn english_full_stop(text: &str, at: usize) -> bool {
    const ABBREVIATIONS: [&str; 22] = [
        "Inc", "Ltd", "Co", "Corp", "No", "Nos", "Art", "Arts", "Sec", "Secs", "para", "Para",
        "e.g", "i.e", "etc", "vs", "cf", "Mr", "Ms", "Dr", "St", "approx",
    ];
    let before = &text[..at];
    let word: &str = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default();
    let word = word.trim_end_matches(['"', '\'', ')']);
    if word.chars().count() < 2
        || !word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        || !word.chars().any(|c| c.is_ascii_lowercase())
        || ABBREVIATIONS.contains(&word)
    {
        return false;
    }
    let mut after = text[at + 1..].chars();
    after.next().is_some_and(char::is_whitespace)
        && after
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| c.is_ascii_uppercase() || c == '"' || c == '(' || c == '“')
}

/// `Article 5 (Audit)`, `Section 12. Security`, `Clause 3:` at the start:
/// (label as cited, rest).
fn english_article(text: &str) -> Option<(String, &str)> {
    let (word, rest) = text.split_once(' ')?;
    let word = match word {
        "Article" | "ARTICLE" => "Article",
        "Section" | "SECTION" => "Section",
        "Clause" | "CLAUSE" => "Clause",
        _ => return None,
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return None;
    }
    let after = &rest[digits.len()..];
    if !(after.is_empty() || after.starts_with([' ', '.', ':', '(', '\u{3000}', '-'])) {
        return None;
    }
    let after = after.trim_start_matches(['.', ':', '-', ' ', '\u{3000}']);
    Some((format!("{word} {digits}"), after))
}

/// A table row with a Japanese sentence in one cell and an English one in another.
fn bilingual_row(text: &str) -> bool {
    use crate::sets::language::{of, Lang};
    let sentence = |c: &&str| c.chars().count() >= 20;
    let cells: Vec<&str> = text.split('\t').map(str::trim).filter(sentence).collect();
    cells.len() >= 2
        && cells
            .iter()
            .any(|c| of(c) == Lang::Ja && c.contains(['。', '、']))
        && cells.iter().any(|c| of(c) == Lang::En && c.contains(' '))
}

fn count_article_refs(text: &str) -> usize {
    let mut n = 0;
    let mut rest = text;
    while let Some(p) = rest.find('第') {
        rest = &rest[p..];
        if let Some((_, _, after)) = numbering::article(rest) {
            if after.starts_with(['（', '(']) {
                n += 1;
            }
        }
        rest = &rest['第'.len_utf8()..];
    }
    n
}

/// A short line with no sentence end and no predicate: a title, a heading,
/// 「削除」. A duty written without 。 (「乙は、甲に報告する」) is not one.
fn looks_like_heading(text: &str) -> bool {
    // An English sentence ends with its full stop.
    if text.ends_with('.') && text.split_whitespace().count() >= 3 {
        return false;
    }
    let t = text.trim_end_matches(['）', ')', '」']);
    !text.contains('。')
        && text.chars().count() <= 50
        && !t.ends_with(['る', 'う', 'す', 'い', 'と', 'ず', 'く', 'つ', 'む'])
}

/// Where the segmenter is in the document: the clause every new sentence belongs to.
#[derive(Default)]
struct Segmenter {
    out: Vec<Sentence>,
    page: Option<u32>,
    // Shared by every sentence of the article: one string, not one a sentence.
    article: Option<std::sync::Arc<str>>,
    heading: Option<std::sync::Arc<str>>,
    pending_heading: Option<String>,
    paragraph: Option<u32>,
    in_definitions: bool,
    /// The last sentence that is not an item: items and table rows depend on it.
    lead: Option<usize>,
    /// Whether the lead announces a list (read once when the lead is set,
    /// not once per line after it).
    lead_lists: bool,
    /// The document numbers its clauses 1. 2. 3. instead of 第N条.
    numbered_clauses: bool,
    /// Tables seen so far, and whether the last block was a table row.
    tables: u32,
    in_table: bool,
    /// The row being emitted, for its sentences.
    row: Option<std::sync::Arc<Row>>,
}

impl Segmenter {
    /// Split `body` into sentences of the current clause; returns how many.
    fn emit(
        &mut self,
        kind: SentenceKind,
        body: &str,
        item: Option<std::sync::Arc<str>>,
        lead: Option<usize>,
    ) -> usize {
        let before = self.out.len();
        for s in split_sentences(body) {
            let row = self.row.as_ref().map(|r| {
                // The sentence is a slice of the row's text: its offset there.
                let at = (s.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
                (std::sync::Arc::clone(r), at)
            });
            self.out.push(Sentence {
                page: self.page,
                article: self.article.clone(),
                heading: self.heading.clone(),
                paragraph: self.paragraph,
                item: item.clone(),
                kind,
                in_definitions: self.in_definitions && kind != SentenceKind::Toc,
                text: s.to_string(),
                norm: Normalized::new(s),
                lead,
                row,
            });
        }
        self.out.len() - before
    }

    /// A body sentence that later items and table rows depend on.
    fn emit_lead(&mut self, kind: SentenceKind, body: &str) {
        if self.emit(kind, body, None, None) > 0 && kind == SentenceKind::Body {
            self.set_lead(Some(self.out.len() - 1));
        }
    }

    fn set_lead(&mut self, lead: Option<usize>) {
        self.lead = lead;
        self.lead_lists = self.announces_list();
    }

    fn lead_announces_list(&self) -> bool {
        self.lead_lists
    }

    /// 「乙は、以下の報告書を提出する。」: the lines after it are entries of a list.
    fn announces_list(&self) -> bool {
        const CUES: [&str; 8] = [
            "次の",
            "以下の",
            "下記",
            "次に掲げる",
            "次表",
            "左記",
            "以下のとおり",
            "次のとおり",
        ];
        self.lead
            .is_some_and(|l| CUES.iter().any(|cue| self.out[l].text.contains(cue)))
    }

    fn block(&mut self, text: &str, kind: BlockKind) {
        let row = kind == BlockKind::TableRow;
        if row && !self.in_table {
            self.tables += 1;
        }
        self.in_table = row;
        // A row pairing a Japanese clause with its English text (a bilingual
        // contract set side by side): each cell is a paragraph of its own.
        if row && bilingual_row(text) {
            self.in_table = false;
            for cell in text.split('\t').map(str::trim).filter(|c| !c.is_empty()) {
                self.block(cell, BlockKind::Paragraph);
            }
            return;
        }
        if row {
            self.row = Some(std::sync::Arc::new(Row {
                table: self.tables,
                text: text.to_string(),
            }));
            self.emit(SentenceKind::TableRow, text, None, self.lead);
            self.row = None;
            return;
        }
        if count_article_refs(text) >= 2 || text == "目次" {
            self.emit(SentenceKind::Toc, text, None, None);
            return;
        }
        let article = numbering::article(text)
            .map(|(_, label, rest)| (label, rest))
            .or_else(|| english_article(text));
        if let Some((label, rest)) = article {
            self.numbered_clauses = false;
            let english_title = label.is_ascii()
                && !rest.is_empty()
                && rest.chars().count() <= 60
                && !rest.contains(['.', '。', ';']);
            self.article = Some(label.into());
            self.paragraph = Some(1);
            let (h, body) = match numbering::heading(rest) {
                Some((h, body)) => (Some(h), body),
                // Article 7. Audit Rights
                None if english_title => (Some(rest.trim().to_string()), ""),
                None => (self.pending_heading.take(), rest.trim_start()),
            };
            self.heading = h.map(Into::into);
            self.pending_heading = None;
            self.in_definitions = self.heading.as_deref().is_some_and(|h| h.contains("定義"));
            self.set_lead(None);
            if !body.is_empty() {
                let kind = if looks_like_heading(body) {
                    SentenceKind::Heading
                } else {
                    SentenceKind::Body
                };
                self.emit_lead(kind, body);
            }
            return;
        }
        // A memorandum numbered 1. 2. 3. with no 第N条: each number is a clause.
        if self.article.is_none() || self.numbered_clauses {
            if let Some((n, rest)) = numbering::paragraph(text).filter(|(_, rest)| !rest.is_empty())
            {
                self.numbered_clauses = true;
                self.article = Some(format!("第{n}項").into());
                self.set_lead(None);
                self.emit_lead(SentenceKind::Body, rest);
                return;
            }
        }
        // A heading on its own line above the article: （目的）
        if let Some((h, rest)) = numbering::heading(text) {
            if rest.is_empty() && numbering::item(text).is_none() {
                self.pending_heading = Some(h);
                return;
            }
        }
        if self.article.is_some() {
            if let Some((p, rest)) = numbering::paragraph(text) {
                self.paragraph = Some(p);
                self.emit_lead(SentenceKind::Body, rest);
                return;
            }
            if let Some((label, rest)) = numbering::item(text) {
                self.emit(SentenceKind::Body, rest, Some(label.into()), self.lead);
                return;
            }
        } else {
            let kind = if looks_like_heading(text) {
                SentenceKind::Heading
            } else {
                SentenceKind::Preamble
            };
            self.emit(kind, text, None, None);
            return;
        }
        if looks_like_heading(text) && self.lead_announces_list() {
            self.emit(SentenceKind::Body, text, None, self.lead);
        } else if looks_like_heading(text) {
            self.emit(SentenceKind::Heading, text, None, None);
        } else {
            self.emit_lead(SentenceKind::Body, text);
        }
    }
}

pub fn segment(doc: &Document) -> Vec<Sentence> {
    match try_segment(doc, &mut Budget::unlimited()) {
        Ok(s) => s,
        Err(_) => unreachable!("an unlimited budget is never exceeded"),
    }
}

/// [`segment`] charging `budget` one unit per byte of block text read; an
/// error (naming the budget) once the document exceeds it.
pub fn try_segment(doc: &Document, budget: &mut Budget) -> Result<Vec<Sentence>, BudgetExceeded> {
    segment_within(doc, budget, None)
}

/// [`try_segment`], also giving for each sentence the index of the block it
/// came from (an amended contract's lines know what changed them).
pub fn try_segment_traced(
    doc: &Document,
    budget: &mut Budget,
) -> Result<(Vec<Sentence>, Vec<usize>), BudgetExceeded> {
    let mut from = Vec::new();
    let s = segment_within(doc, budget, Some(&mut from))?;
    Ok((s, from))
}

fn segment_within(
    doc: &Document,
    budget: &mut Budget,
    mut from: Option<&mut Vec<usize>>,
) -> Result<Vec<Sentence>, BudgetExceeded> {
    let mut seg = Segmenter::default();
    for (bi, block) in doc.blocks.iter().enumerate() {
        budget.charge("segmentation", block.text.len())?;
        // The text as a reader sees it (Block::display_text), copied only
        // when a numbering label goes in front.
        let full: Cow<str> = match &block.label {
            Some(l) if !l.is_empty() => Cow::Owned(block.display_text()),
            _ => Cow::Borrowed(block.text.as_str()),
        };
        // A row keeps its tabs: an empty first cell (the corner of a header
        // row) still counts as a column.
        let text = match block.kind {
            BlockKind::TableRow => full.trim_matches(|c: char| c != '\t' && c.is_whitespace()),
            BlockKind::Paragraph => full.trim(),
        };
        if !text.trim().is_empty() {
            seg.page = block.page;
            seg.block(text, block.kind);
        }
        if let Some(f) = from.as_deref_mut() {
            f.resize(seg.out.len(), bi);
        }
    }
    let mut out = seg.out;
    out.shrink_to_fit();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    fn doc(lines: &[&str]) -> Document {
        Document {
            blocks: lines
                .iter()
                .map(|l| Block::paragraph(Some(1), *l))
                .collect(),
            ..Document::default()
        }
    }

    #[test]
    fn sentences_split_on_maru_but_not_inside_brackets() {
        let s = split_sentences(
            "株式会社A（以下「乙」という。）は、報告する。ただし、この限りでない。",
        );
        assert_eq!(
            s,
            [
                "株式会社A（以下「乙」という。）は、報告する。",
                "ただし、この限りでない。"
            ]
        );
    }

    #[test]
    fn clauses_are_labelled_with_article_paragraph_and_item() {
        let d = doc(&[
            "第十二条（事故時の対応）",
            "乙は、直ちに報告する。",
            "２　乙は、次の各号を行う。",
            "（3）ログの提出",
        ]);
        let s = segment(&d);
        assert_eq!(s[0].clause().as_deref(), Some("第12条"));
        assert_eq!(s[0].heading.as_deref(), Some("事故時の対応"));
        assert_eq!(s[1].clause().as_deref(), Some("第12条第2項"));
        assert_eq!(s[2].clause().as_deref(), Some("第12条第2項第3号"));
        assert_eq!(s[2].lead, Some(1));
    }

    #[test]
    fn table_of_contents_and_deleted_articles_are_not_body() {
        let d = doc(&[
            "目次",
            "第8条（責任分界）　第9条（通信の暗号化）",
            "第15条　削除",
        ]);
        let s = segment(&d);
        assert_eq!(s[0].kind, SentenceKind::Toc);
        assert_eq!(s[1].kind, SentenceKind::Toc);
        assert_eq!(s[2].kind, SentenceKind::Heading);
    }

    #[test]
    fn definitions_article_is_marked() {
        let d = doc(&["第2条（定義）", "（1）責任分界　双方が責任を負う範囲の区分"]);
        assert!(segment(&d)[0].in_definitions);
    }

    #[test]
    fn a_duty_without_a_full_stop_is_not_a_heading() {
        let d = doc(&["第5条（報告）", "乙は、障害を甲に報告する", "第6条　削除"]);
        let s = segment(&d);
        assert_eq!(s[0].kind, SentenceKind::Body);
        assert_eq!(s[1].kind, SentenceKind::Heading);
    }

    #[test]
    fn a_memorandum_numbered_without_articles_cites_its_numbers() {
        let d = doc(&[
            "覚書",
            "甲と乙は、次のとおり合意する。",
            "1. 乙は、直ちに報告する。",
            "2. 乙は、毎月報告する。",
        ]);
        let s = segment(&d);
        assert_eq!(s[2].clause().as_deref(), Some("第1項"));
        assert_eq!(s[3].clause().as_deref(), Some("第2項"));
    }

    #[test]
    fn heading_above_the_article_is_attached() {
        let d = doc(&["（監査）", "第7条　甲は、監査を行うことができる。"]);
        let s = segment(&d);
        assert_eq!(s[0].heading.as_deref(), Some("監査"));
        assert_eq!(s[0].kind, SentenceKind::Body);
    }
}
