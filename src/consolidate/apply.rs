//! Apply instruments' changes, in order, to the blocks of the contract they
//! amend: the contract as amended, each line knowing which changes made it,
//! and every change that could not be applied with the reason.

use super::instrument::{Change, Instrument};
use super::operations::{ArticleNo, OpKind, Target};
use crate::document::Block;
use crate::segment::numbering;
use std::sync::Arc;

/// Lines of work the application may do (a line visited, a byte replaced):
/// beyond it the remaining changes are reported as not applied.
pub const WORK: u64 = 10_000_000;

/// What a change did to the lines it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The article or paragraph was replaced (改正).
    Replaced,
    /// Words in it were replaced (一部改正).
    Reworded,
    /// It was deleted (削除).
    Deleted,
    /// It was added (追加).
    Added,
    /// It was renumbered (繰下げ・繰上げ).
    Renumbered,
}

impl Action {
    fn ja(self) -> &'static str {
        match self {
            Action::Replaced => "改正",
            Action::Reworded => "一部改正",
            Action::Deleted => "削除",
            Action::Added => "追加",
            Action::Renumbered => "条番号変更",
        }
    }
}

/// One change as applied, shared by the lines it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// 「2025年4月1日付覚書」.
    pub instrument: String,
    /// The instrument's document, as the report names it.
    pub path: Arc<str>,
    /// The instrument's article that states the change (第2条).
    pub clause: Option<String>,
    pub action: Action,
    /// 第5条, 第5条第2項, 第12条の2.
    pub target: String,
    /// For a renumbered article, its number before (第8条).
    pub was: Option<String>,
}

impl Applied {
    /// 「2025年4月1日付覚書 第2条」.
    pub fn by(&self) -> String {
        match &self.clause {
            // 「2025年4月1日付覚書（新旧対照表）」 reads without a space.
            Some(c) if c.starts_with('（') => format!("{}{c}", self.instrument),
            Some(c) => format!("{} {c}", self.instrument),
            None => self.instrument.clone(),
        }
    }

    /// 【2025年4月1日付覚書 第2条により改正】, for the consolidated text.
    pub fn marker(&self) -> String {
        if let (Action::Renumbered, Some(was)) = (self.action, &self.was) {
            return format!("【{}により条番号変更（旧{was}）】", self.by());
        }
        let what = match self.action {
            Action::Reworded | Action::Added if self.target.contains('項') => {
                format!("{}を{}", self.target, self.action.ja())
            }
            a => a.ja().to_string(),
        };
        format!("【{}により{what}】", self.by())
    }

    /// 「2025年4月1日付覚書 第2条により改正後の第5条」, for evidence.
    pub fn evidence_note(&self) -> String {
        let was = self
            .was
            .as_deref()
            .map(|w| format!("（旧{w}）"))
            .unwrap_or_default();
        match self.action {
            Action::Added => format!("{}により追加された{}", self.by(), self.target),
            _ => format!("{}により改正後の{}{was}", self.by(), self.target),
        }
    }
}

/// One line of the contract as amended.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub block: Block,
    /// The changes that made this line, oldest first.
    pub changes: Vec<Arc<Applied>>,
    /// A change to this line's article could not be applied: what it says
    /// is not known.
    pub uncertain: bool,
    /// A deleted article, kept only to show the deletion in the consolidated
    /// text: not the contract's any more, never matched, its number free.
    pub gone: bool,
}

/// A change that could not be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    /// Index of the instrument among the steps.
    pub step: usize,
    pub clause: Option<String>,
    /// The operation as written.
    pub written: String,
    /// Why, in Japanese.
    pub reason: String,
    /// The change's own text (the new article, the words quoted).
    pub text: Vec<Block>,
    /// The lines it would have changed exist and are marked uncertain.
    pub scoped: bool,
}

/// One instrument to apply, with how the report names it.
pub struct Step<'a> {
    pub instrument: &'a Instrument,
    pub label: String,
    pub path: Arc<str>,
}

/// The contract as amended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Consolidated {
    pub lines: Vec<Line>,
    pub unresolved: Vec<Unresolved>,
    /// Changes applied.
    pub applied: usize,
}

/// An article of the lines: its number, the line of its label, where it
/// starts (a heading line above it) and ends.
///
/// A deletion stub written in the contract itself (「第15条　削除」) is an
/// article; one made by a change (「…を削る」) is gone, its number free.
#[derive(Debug, Clone, Copy)]
struct Span {
    no: ArticleNo,
    start: usize,
    head: usize,
    end: usize,
    stub: bool,
}

fn text_of(l: &Line) -> String {
    text_ref(l).into_owned()
}

/// The line as a reader sees it, copied only when a numbering label goes in front.
fn text_ref(l: &Line) -> std::borrow::Cow<'_, str> {
    match &l.block.label {
        Some(label) if !label.is_empty() => {
            std::borrow::Cow::Owned(l.block.display_text().trim().to_string())
        }
        _ => std::borrow::Cow::Borrowed(l.block.text.trim()),
    }
}

/// A table of contents lists several articles with their headings on one line.
fn toc_line(t: &str) -> bool {
    t.matches("条（").count() + t.matches("条(").count() >= 2
}

/// The contract's closing matter or a chapter: the article before ends there.
fn ends_articles(t: &str) -> bool {
    const WORDS: [&str; 6] = [
        "別表",
        "別紙",
        "附則",
        "附　則",
        "本契約の成立を証",
        "本契約締結の証",
    ];
    WORDS.iter().any(|w| t.starts_with(w))
        || super::instrument::end_mark(t)
        || super::dates::date_line(t).is_some()
        || chapter(t)
}

/// 第2章, 第1節.
fn chapter(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('第') else {
        return false;
    };
    let digits = rest
        .chars()
        .take_while(|c| "0123456789０１２３４５６７８９〇一二三四五六七八九十".contains(*c))
        .count();
    digits > 0
        && rest
            .chars()
            .nth(digits)
            .is_some_and(|c| c == '章' || c == '節' || c == '款')
}

fn heading_only(t: &str) -> bool {
    numbering::heading(t).is_some_and(|(_, rest)| rest.is_empty()) && numbering::item(t).is_none()
}

fn spans(lines: &[Line], work: &mut u64) -> Vec<Span> {
    *work = work.saturating_sub(lines.len() as u64);
    let texts: Vec<std::borrow::Cow<str>> = lines.iter().map(text_ref).collect();
    let mut out: Vec<Span> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        if lines[i].gone {
            // A deleted article ends the one before and belongs to none.
            if let Some(last) = out.last_mut() {
                if last.end == usize::MAX {
                    last.end = i.max(last.head + 1);
                }
            }
            continue;
        }
        if toc_line(t) {
            continue;
        }
        let Some((no, rest)) = ArticleNo::label_at(t) else {
            if let Some(last) = out.last_mut() {
                if last.end == usize::MAX && ends_articles(t) {
                    last.end = i;
                }
            }
            continue;
        };
        let start = if i > 0 && heading_only(&texts[i - 1]) {
            i - 1
        } else {
            i
        };
        if let Some(last) = out.last_mut() {
            if last.end == usize::MAX {
                last.end = start.max(last.head + 1);
            }
        }
        let stub = matches!(rest.trim(), "削除" | "削る");
        out.push(Span {
            no,
            start,
            head: i,
            end: usize::MAX,
            stub,
        });
    }
    if let Some(last) = out.last_mut() {
        if last.end == usize::MAX {
            last.end = lines.len();
        }
    }
    out
}

/// The article numbered `no`: the last one that is not a deletion stub,
/// else the stub (a deleted number may be used again).
fn find(spans: &[Span], no: ArticleNo) -> Option<Span> {
    spans
        .iter()
        .rev()
        .find(|s| s.no == no && !s.stub)
        .or_else(|| spans.iter().rev().find(|s| s.no == no))
        .copied()
}

/// The paragraphs of an article: (number, first line, end).
fn paragraphs(lines: &[Line], span: Span) -> Vec<(u32, usize, usize)> {
    let mut out: Vec<(u32, usize, usize)> = vec![(1, span.head, span.end)];
    for (j, line) in lines.iter().enumerate().take(span.end).skip(span.head + 1) {
        if let Some((n, _)) = numbering::paragraph(&text_of(line)).filter(|(n, _)| *n >= 2) {
            if let Some(last) = out.last_mut() {
                last.2 = j;
            }
            out.push((n, j, span.end));
        }
    }
    out
}

/// The items of a paragraph: (number, first line, end).
fn items(lines: &[Line], first: usize, end: usize) -> Vec<(u32, usize, usize)> {
    let mut out: Vec<(u32, usize, usize)> = Vec::new();
    for (j, line) in lines.iter().enumerate().take(end).skip(first) {
        let t = text_of(line);
        let n = numbering::item(&t).and_then(|(l, _)| {
            l.strip_prefix('第')?
                .strip_suffix('号')?
                .parse::<u32>()
                .ok()
        });
        if let Some(n) = n {
            if let Some(last) = out.last_mut() {
                last.2 = j;
            }
            out.push((n, j, end));
        }
    }
    out
}

/// The lines a target covers: (first, end), and for an article target the span.
fn locate(lines: &[Line], spans: &[Span], t: &Target) -> Result<(usize, usize, Span), String> {
    let span = find(spans, t.article).ok_or_else(|| format!("{}がない", t.article.label()))?;
    let Some(p) = t.paragraph else {
        return match t.item {
            None => Ok((span.start, span.end, span)),
            Some(i) => {
                let (_, a, b) = items(lines, span.head, span.end)
                    .into_iter()
                    .find(|x| x.0 == i)
                    .ok_or_else(|| format!("{}がない", t.label()))?;
                Ok((a, b, span))
            }
        };
    };
    let (_, a, b) = paragraphs(lines, span)
        .into_iter()
        .find(|x| x.0 == p)
        .ok_or_else(|| format!("{}がない", t.label()))?;
    match t.item {
        None => Ok((a, b, span)),
        Some(i) => {
            let (_, a, b) = items(lines, a, b)
                .into_iter()
                .find(|x| x.0 == i)
                .ok_or_else(|| format!("{}がない", t.label()))?;
            Ok((a, b, span))
        }
    }
}

fn full_width(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}

/// Lines from a change's new text, made by `applied`.
fn new_lines(text: &[Block], applied: &Arc<Applied>) -> Vec<Line> {
    text.iter()
        .map(|b| Line {
            block: Block {
                page: None,
                ..b.clone()
            },
            changes: vec![applied.clone()],
            uncertain: false,
            gone: false,
        })
        .collect()
}

/// The new text starts with the article's label; when the instrument left
/// it out (「第5条を次のように改める。（報告）乙は、…」) it is put back.
fn labelled(mut lines: Vec<Line>, no: ArticleNo) -> Vec<Line> {
    if lines
        .iter()
        .any(|l| ArticleNo::label_at(&text_of(l)).is_some())
    {
        return lines;
    }
    if let Some(first) = lines.iter_mut().find(|l| !heading_only(&text_of(l))) {
        first.block.text = format!("{}\u{3000}{}", no.label(), first.block.text.trim());
    }
    lines
}

/// Replace all of `from` in `text` with `to`; None when it does not occur.
/// When the words are not found as written, spacing and full/half width are
/// ignored (a PDF line break inside 報告, ２ against 2): the line is then
/// given in its normalized form.
fn replace_words(text: &str, from: &str, to: &str) -> Option<String> {
    if from.is_empty() {
        return None;
    }
    if text.contains(from) {
        return Some(text.replace(from, to));
    }
    let norm = crate::normalize::normalize_phrase(text);
    let f = crate::normalize::normalize_phrase(from);
    (!f.is_empty() && norm.contains(&f)).then(|| norm.replace(&f, to))
}

fn relabel(line: &mut Line, no: ArticleNo) {
    let b = &mut line.block;
    if let Some(l) = &b.label {
        if ArticleNo::label_at(l).is_some() {
            b.label = Some(no.label());
            return;
        }
    }
    let t = b.text.trim_start();
    if let Some((_, rest)) = ArticleNo::label_at(t) {
        b.text = format!("{}{rest}", no.label());
    }
}

struct Ctx<'s> {
    lines: Vec<Line>,
    unresolved: Vec<Unresolved>,
    applied: usize,
    work: u64,
    step: usize,
    label: &'s str,
    path: Arc<str>,
}

impl Ctx<'_> {
    fn made(&self, change: &Change, action: Action, target: String) -> Arc<Applied> {
        Arc::new(Applied {
            instrument: self.label.to_string(),
            path: self.path.clone(),
            clause: change.clause.clone(),
            action,
            target,
            was: None,
        })
    }

    fn fail(&mut self, change: &Change, reason: String, scope: Option<(usize, usize)>) {
        if let Some((a, b)) = scope {
            for l in self.lines.iter_mut().take(b).skip(a) {
                l.uncertain = true;
            }
        }
        let mut text = change.text.clone();
        if let OpKind::Words(pairs) = &change.op.kind {
            text.push(Block::paragraph(None, change.op.written.clone()));
            for (a, b) in pairs {
                text.push(Block::paragraph(None, format!("{a}\u{3000}{b}")));
            }
        }
        self.unresolved.push(Unresolved {
            step: self.step,
            clause: change.clause.clone(),
            written: change.op.written.clone(),
            reason,
            text,
            scoped: scope.is_some(),
        });
    }

    fn change(&mut self, change: &Change) {
        let cost = self.lines.len() as u64 + change.text.len() as u64;
        if self.work < cost {
            self.fail(change, "処理量の上限を超えたため適用せず".into(), None);
            return;
        }
        let spans = spans(&self.lines, &mut self.work);
        let op = &change.op;
        let t = op.target;
        if op.takes_text() && change.text.is_empty() {
            self.fail(change, "新しい条文が読み取れない".into(), None);
            return;
        }
        match &op.kind {
            OpKind::Unclear(why) => {
                let scope = find(&spans, t.article).map(|s| (s.start, s.end));
                self.fail(change, why.clone(), scope);
                return;
            }
            OpKind::AddArticle => {
                // After the article numbered just below the new one, else
                // after the last article.
                let anchor = spans
                    .iter()
                    .filter(|s| s.no < t.article)
                    .max_by_key(|s| s.no)
                    .or(spans.last());
                match anchor {
                    Some(s) => self.insert_articles(change, s.end, t.article),
                    None => self.fail(change, "条がない".into(), None),
                }
                return;
            }
            _ => {}
        }
        let found = locate(&self.lines, &spans, &t);
        let (a, b, span) = match (&op.kind, found) {
            (_, Ok(x)) => x,
            (_, Err(why)) => {
                // A paragraph or item that is not there leaves its article unknown.
                let scope = find(&spans, t.article).map(|s| (s.start, s.end));
                self.fail(change, why, scope);
                return;
            }
        };
        match &op.kind {
            OpKind::Replace => {
                let applied = self.made(change, Action::Replaced, t.label());
                let mut new = new_lines(&change.text, &applied);
                match t.paragraph {
                    None if t.item.is_none() => new = labelled(new, t.article),
                    Some(p) if p >= 2 && t.item.is_none() => {
                        if let Some(first) = new.first_mut() {
                            if numbering::paragraph(&text_of(first)).is_none() {
                                first.block.text =
                                    format!("{}\u{3000}{}", full_width(p), first.block.text.trim());
                            }
                        }
                    }
                    _ => {}
                }
                let (a, b) = self.keep_label_line(a, b, span, &t, &applied, &mut new);
                self.splice(a, b, new);
            }
            OpKind::Delete => {
                let applied = self.made(change, Action::Deleted, t.label());
                if t.paragraph.is_none() && t.item.is_none() {
                    let stub = Line {
                        block: Block::paragraph(None, format!("{}\u{3000}削除", t.article.label())),
                        changes: vec![applied],
                        uncertain: false,
                        gone: true,
                    };
                    self.splice(a, b, vec![stub]);
                } else {
                    let mut none = Vec::new();
                    let (a, b) = self.keep_label_line(a, b, span, &t, &applied, &mut none);
                    if a > span.head || b <= span.head {
                        if let Some(h) = self.lines.get_mut(span.head) {
                            h.changes.push(applied);
                        }
                    }
                    self.splice(a, b, none);
                }
            }
            OpKind::Words(pairs) => {
                let applied = self.made(change, Action::Reworded, t.label());
                // 見出し: the heading line above the article is in scope too.
                let a = if t.paragraph.is_none() { span.start } else { a };
                let mut missing: Vec<&str> = Vec::new();
                for (from, to) in pairs {
                    let mut hit = false;
                    for l in self.lines.iter_mut().take(b).skip(a) {
                        self.work = self.work.saturating_sub(l.block.text.len() as u64);
                        if let Some(new) = replace_words(&l.block.text, from, to) {
                            l.block.text = new;
                            if !l.changes.iter().any(|c| Arc::ptr_eq(c, &applied)) {
                                l.changes.push(applied.clone());
                            }
                            hit = true;
                        }
                    }
                    if !hit {
                        missing.push(from);
                    }
                }
                if missing.is_empty() {
                    self.applied += 1;
                } else {
                    let words: Vec<String> = missing.iter().map(|m| format!("「{m}」")).collect();
                    self.fail(
                        change,
                        format!("改める語句{}が{}にない", words.join(""), t.label()),
                        Some((span.start, span.end)),
                    );
                }
            }
            OpKind::AddParagraphs(n) => {
                let paras = paragraphs(&self.lines, span);
                let (at, next) = match t.paragraph {
                    Some(p) => (b, p + 1),
                    None => (span.end, paras.last().map_or(1, |x| x.0) + 1),
                };
                let applied = self.made(
                    change,
                    Action::Added,
                    format!("{}第{next}項", t.article.label()),
                );
                let mut new = new_lines(&change.text, &applied);
                let numbered = new
                    .first()
                    .is_some_and(|l| numbering::paragraph(&text_of(l)).is_some());
                if !numbered {
                    let mut k = next;
                    for l in new.iter_mut().take(*n as usize) {
                        if numbering::item(&text_of(l)).is_none() {
                            l.block.text =
                                format!("{}\u{3000}{}", full_width(k), l.block.text.trim());
                            k += 1;
                        }
                    }
                }
                self.splice(at, at, new);
            }
            OpKind::InsertArticles(_) => {
                let no = ArticleNo {
                    n: t.article.n,
                    sub: Some(t.article.sub.unwrap_or(1) + 1),
                };
                self.insert_articles(change, span.end, no);
            }
            // Read before the target is located.
            OpKind::AddArticle | OpKind::Unclear(_) => {}
            OpKind::Renumber(to) => {
                let mut made = self.made(change, Action::Renumbered, to.label());
                Arc::make_mut(&mut made).was = Some(t.article.label());
                let applied = made;
                if let Some(l) = self.lines.get_mut(span.head) {
                    relabel(l, *to);
                    l.changes.push(applied);
                }
                self.applied += 1;
            }
            OpKind::Shift { last, by } => {
                let moved: Vec<Span> = spans
                    .iter()
                    .filter(|s| s.no >= t.article && s.no <= *last)
                    .copied()
                    .collect();
                for s in moved {
                    let n = i64::from(s.no.n) + i64::from(*by);
                    let Ok(n) = u32::try_from(n) else { continue };
                    let no = ArticleNo { n, sub: s.no.sub };
                    let mut applied = self.made(change, Action::Renumbered, no.label());
                    Arc::make_mut(&mut applied).was = Some(s.no.label());
                    if let Some(l) = self.lines.get_mut(s.head) {
                        relabel(l, no);
                        l.changes.push(applied);
                    }
                }
                self.applied += 1;
            }
        }
    }

    /// Insert a change's new articles at line `at`: each named by its own
    /// number (the first, when it has none, by `no`), and so is the heading
    /// line above it.
    fn insert_articles(&mut self, change: &Change, at: usize, no: ArticleNo) {
        let mut new = labelled(
            new_lines(&change.text, &self.made(change, Action::Added, no.label())),
            no,
        );
        let mut current: Option<Arc<Applied>> = None;
        for l in new.iter_mut() {
            if let Some((own, _)) = ArticleNo::label_at(&text_of(l)) {
                current = Some(self.made(change, Action::Added, own.label()));
            }
            if let Some(c) = &current {
                l.changes = vec![c.clone()];
            }
        }
        for k in (1..new.len()).rev() {
            if heading_only(&text_of(&new[k - 1])) {
                new[k - 1].changes = new[k].changes.clone();
            }
        }
        self.splice(at, at, new);
    }

    /// For a change to the first paragraph (or an item of it), the article's
    /// label and heading stay: when they share the line with the text, the
    /// new text joins them on that line.
    fn keep_label_line(
        &mut self,
        a: usize,
        b: usize,
        span: Span,
        t: &Target,
        applied: &Arc<Applied>,
        new: &mut Vec<Line>,
    ) -> (usize, usize) {
        if t.paragraph.is_none() && t.item.is_none() || a > span.head {
            return (a, b);
        }
        let Some(head) = self.lines.get(span.head) else {
            return (a, b);
        };
        let text = text_of(head);
        let Some((_, rest)) = ArticleNo::label_at(&text) else {
            return (a, b);
        };
        let body = match numbering::heading(rest) {
            Some((_, body)) => body,
            None => rest.trim_start(),
        };
        let prefix = text[..text.len() - body.len()].trim_end().to_string();
        let mut label_line = head.clone();
        label_line.block.label = None;
        label_line.changes.push(applied.clone());
        match new.first_mut() {
            Some(first) if !body.is_empty() => {
                let own = first.block.text.trim().to_string();
                let own = numbering::paragraph(&own).map_or(own.clone(), |(_, r)| r.to_string());
                label_line.block.text = format!("{prefix}\u{3000}{own}");
                new.remove(0);
            }
            _ => label_line.block.text = prefix,
        }
        new.insert(0, label_line);
        (span.head, b.max(span.head + 1))
    }

    fn splice(&mut self, a: usize, b: usize, new: Vec<Line>) {
        let b = b.min(self.lines.len());
        let a = a.min(b);
        self.work = self.work.saturating_sub(new.len() as u64);
        self.lines.splice(a..b, new);
        self.applied += 1;
    }
}

/// Apply `steps` in order to `base`.
pub fn apply(base: &[Block], steps: &[Step]) -> Consolidated {
    let mut ctx = Ctx {
        lines: base
            .iter()
            .map(|b| Line {
                block: b.clone(),
                changes: Vec::new(),
                uncertain: false,
                gone: false,
            })
            .collect(),
        unresolved: Vec::new(),
        applied: 0,
        work: WORK,
        step: 0,
        label: "",
        path: Arc::from(""),
    };
    for (si, step) in steps.iter().enumerate() {
        ctx.step = si;
        ctx.label = &step.label;
        ctx.path = step.path.clone();
        for change in &step.instrument.changes {
            ctx.change(change);
        }
    }
    Consolidated {
        lines: ctx.lines,
        unresolved: ctx.unresolved,
        applied: ctx.applied,
    }
}

/// The consolidated text for a reviewer: before each article made or
/// changed by an instrument, its markers (【2025年4月1日付覚書 第2条により改正】).
pub fn render(lines: &[Line]) -> String {
    let mut work = u64::MAX;
    let spans = spans(lines, &mut work);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if line.gone {
            let m: String = line.changes.iter().map(|c| c.marker()).collect();
            out.push_str(&format!("{m}\n（{}）\n", line.block.display_text()));
            continue;
        }
        if let Some(s) = spans.iter().find(|s| s.start == i) {
            let mut marks: Vec<&Arc<Applied>> = Vec::new();
            for l in lines.iter().take(s.end).skip(s.start) {
                for c in &l.changes {
                    if !marks.iter().any(|m| Arc::ptr_eq(m, c)) {
                        marks.push(c);
                    }
                }
            }
            let unknown = lines.iter().take(s.end).skip(s.start).any(|l| l.uncertain);
            let mut m: String = marks.iter().map(|c| c.marker()).collect();
            if unknown {
                m.push_str("【改正を適用できず：内容不明】");
            }
            if !m.is_empty() {
                out.push_str(&m);
                out.push('\n');
            }
        }
        out.push_str(&line.block.display_text());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consolidate::instrument::recognise;

    fn blocks(lines: &[&str]) -> Vec<Block> {
        lines
            .iter()
            .map(|l| Block::paragraph(Some(1), *l))
            .collect()
    }

    fn base() -> Vec<Block> {
        blocks(&[
            "保守委託契約書",
            "第1条（目的）本契約は、保守業務について定める。",
            "（事故報告）",
            "第3条　乙は、事故が発生したときは、直ちに甲に報告しなければならない。",
            "２　乙は、前項の報告の後、書面を提出する。",
            "（定期報告）",
            "第5条　乙は、毎月、保守作業の実施状況を甲に報告しなければならない。",
            "第8条（再委託）乙は、再委託先の行為について一切の責任を負う。",
            "第9条（協議）本契約に定めのない事項は、協議して定める。",
            "以上",
            "2024年4月1日",
        ])
    }

    fn consolidate(instrument: &[&str]) -> Consolidated {
        let (inst, _) = recognise(&blocks(instrument)).expect("an instrument");
        apply(
            &base(),
            &[Step {
                instrument: &inst,
                label: "2025年4月1日付覚書".into(),
                path: Arc::from("V/覚書.txt"),
            }],
        )
    }

    fn texts(c: &Consolidated) -> Vec<String> {
        c.lines.iter().map(|l| l.block.display_text()).collect()
    }

    #[test]
    fn an_article_is_replaced_deleted_and_reworded() {
        let c = consolidate(&[
            "覚書",
            "甲及び乙は、原契約の一部を次のとおり変更する。",
            "第1条　原契約第5条を次のように改める。",
            "（定期報告）",
            "第5条　乙は、甲の求めに応じて、保守作業の実施状況を甲に報告する。",
            "第2条　原契約第8条を削る。",
            "第3条　原契約第3条第1項中「報告しなければならない」を「報告するよう努めるものとする」に改める。",
        ]);
        assert!(c.unresolved.is_empty(), "{:?}", c.unresolved);
        assert_eq!(c.applied, 3);
        let t = texts(&c);
        assert!(t.contains(
            &"第5条　乙は、甲の求めに応じて、保守作業の実施状況を甲に報告する。".to_string()
        ));
        assert!(!t.iter().any(|l| l.contains("毎月")));
        let gone = c.lines.iter().find(|l| l.gone).expect("a deleted article");
        assert_eq!(gone.block.text, "第8条\u{3000}削除");
        assert!(t.contains(
            &"第3条　乙は、事故が発生したときは、直ちに甲に報告するよう努めるものとする。"
                .to_string()
        ));
        let fifth = c
            .lines
            .iter()
            .find(|l| l.block.text.starts_with("第5条"))
            .unwrap();
        assert_eq!(
            fifth.changes[0].evidence_note(),
            "2025年4月1日付覚書 第1条により改正後の第5条"
        );
        let shown = render(&c.lines);
        assert!(
            shown.contains("【2025年4月1日付覚書 第1条により改正】\n（定期報告）\n第5条"),
            "{shown}"
        );
        assert!(
            shown.contains("【2025年4月1日付覚書 第2条により削除】\n（第8条\u{3000}削除）"),
            "{shown}"
        );
        assert!(shown.contains("以上\n2024年4月1日"), "{shown}");
    }

    #[test]
    fn paragraphs_and_articles_are_added_where_the_instrument_says() {
        let c = consolidate(&[
            "覚書",
            "原契約の一部を次のとおり変更する。",
            "1. 第3条に次の1項を加える。",
            "乙は、報告の記録を5年間保存する。",
            "2. 第8条の次に次の1条を加える。",
            "（通信の暗号化）",
            "第8条の2　乙は、通信を暗号化しなければならない。",
        ]);
        assert!(c.unresolved.is_empty(), "{:?}", c.unresolved);
        let t = texts(&c);
        let third = t.iter().position(|l| l.starts_with("第3条")).unwrap();
        assert_eq!(t[third + 2], "３\u{3000}乙は、報告の記録を5年間保存する。");
        let eighth = t.iter().position(|l| l.starts_with("第8条（")).unwrap();
        assert_eq!(t[eighth + 1], "（通信の暗号化）");
        assert_eq!(
            t[eighth + 2],
            "第8条の2　乙は、通信を暗号化しなければならない。"
        );
        assert_eq!(
            c.lines[eighth + 2].changes[0].evidence_note(),
            "2025年4月1日付覚書 第2項により追加された第8条の2"
        );
    }

    #[test]
    fn a_change_whose_target_is_not_there_is_reported_and_its_article_unknown() {
        let c = consolidate(&[
            "覚書",
            "原契約の一部を次のとおり変更する。",
            "第1条　原契約第12条を削る。",
            "第2条　原契約第5条中「四半期ごと」を「毎年」に改める。",
        ]);
        assert_eq!(c.unresolved.len(), 2);
        assert_eq!(c.unresolved[0].reason, "第12条がない");
        assert!(!c.unresolved[0].scoped);
        assert_eq!(
            c.unresolved[1].reason,
            "改める語句「四半期ごと」が第5条にない"
        );
        assert!(c.unresolved[1].scoped);
        assert!(c
            .lines
            .iter()
            .filter(|l| l.block.text.contains("毎月"))
            .all(|l| l.uncertain));
    }

    #[test]
    fn renumbering_moves_articles_and_later_changes_find_them() {
        let c = consolidate(&[
            "覚書",
            "原契約の一部を次のとおり変更する。",
            "第1条　原契約第8条を削り、第9条を第8条とする。",
            "第2条　原契約第8条中「協議して」を「甲乙協議の上」に改める。",
        ]);
        assert!(c.unresolved.is_empty(), "{:?}", c.unresolved);
        let t = texts(&c);
        assert!(
            t.iter()
                .any(|l| l
                    .starts_with("第8条（協議）本契約に定めのない事項は、甲乙協議の上定める。")),
            "{t:?}"
        );
    }
}
