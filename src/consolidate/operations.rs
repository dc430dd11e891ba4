//! The operations an amending instrument states, read from one statement at
//! a time: replace an article (「第5条を次のように改める。」), delete one
//! (「第8条を削る。」, 「第8条　削除」), replace words (「第10条第1項中「毎月」を
//! 「甲の求めに応じて」に改める。」), add paragraphs (「第3条に次の1項を加える。」),
//! insert articles (「第12条の次に次の1条を加える。」) and renumber
//! (「第9条を第8条とし」, 「第10条から第15条までを1条ずつ繰り下げる」), with
//! 全角 and 漢数字 numbers and 「同条」「同項」 naming the article of the
//! operation before.
//!
//! Written by hand: the statements are a small fixed grammar of legal
//! drafting (法令における改め文), which no crate parses.

use crate::segment::numbering::parse_number;

/// An article number: 第12条 (`sub` None) or 第12条の2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleNo {
    pub n: u32,
    pub sub: Option<u32>,
}

impl ArticleNo {
    /// 第12条, 第12条の2.
    pub fn label(&self) -> String {
        match self.sub {
            Some(s) => format!("第{}条の{s}", self.n),
            None => format!("第{}条", self.n),
        }
    }

    /// The article label at the start of `text` (第十二条, 第１２条の２):
    /// the number and the rest of the text.
    pub fn at_start(text: &str) -> Option<(ArticleNo, &str)> {
        let t = text.trim_start();
        let rest = t.strip_prefix('第')?;
        let (n, used) = take_number(rest)?;
        let rest = rest[used..].strip_prefix('条')?;
        if let Some(r) = rest.strip_prefix('の') {
            if let Some((sub, used)) = take_number(r) {
                return Some((ArticleNo { n, sub: Some(sub) }, &r[used..]));
            }
        }
        Some((ArticleNo { n, sub: None }, rest))
    }
}

impl ArticleNo {
    /// The article label that starts a line (第5条（目的）, 第5条　乙は), not
    /// an article cited at the start of a sentence (第5条の規定は, 第5条を削る).
    pub fn label_at(text: &str) -> Option<(ArticleNo, &str)> {
        let (a, rest) = ArticleNo::at_start(text)?;
        (!crate::segment::numbering::continues_reference(rest)).then_some((a, rest))
    }
}

/// What an operation acts on: an article, or a paragraph or item of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub article: ArticleNo,
    pub paragraph: Option<u32>,
    pub item: Option<u32>,
}

impl Target {
    /// 第5条, 第5条第2項, 第7条第1項第3号.
    pub fn label(&self) -> String {
        let mut s = self.article.label();
        if let Some(p) = self.paragraph {
            s.push_str(&format!("第{p}項"));
        }
        if let Some(i) = self.item {
            s.push_str(&format!("第{i}号"));
        }
        s
    }

    fn article(article: ArticleNo) -> Target {
        Target {
            article,
            paragraph: None,
            item: None,
        }
    }
}

/// What an operation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    /// 「…を次のように改める。」: the new text follows the statement.
    Replace,
    /// 「…を削る。」, 「…　削除」.
    Delete,
    /// 「…中「A」を「B」に改める。」: each (A, B) in order; B empty for 「「A」を削る」.
    Words(Vec<(String, String)>),
    /// 「第3条に次の1項を加える。」 (after the article's last paragraph) or
    /// 「第3条第2項の次に次の1項を加える。」 (after that paragraph): the new
    /// paragraphs follow the statement.
    AddParagraphs(u32),
    /// 「第12条の次に次の1条を加える。」: the new articles follow the statement.
    InsertArticles(u32),
    /// 「第9条を第8条とし」: the article takes this number.
    Renumber(ArticleNo),
    /// 「第10条から第15条までを1条ずつ繰り下げる」: every article from the
    /// target to `last` moves by `by`.
    Shift { last: ArticleNo, by: i32 },
    /// An article a comparison table adds (（新設）) under its own number:
    /// after the article numbered just below it, else after the last one.
    AddArticle,
    /// A change stated but not read (a row of a comparison table that names
    /// no article): never applied, reported with the reason.
    Unclear(String),
}

/// One operation as the instrument states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub target: Target,
    pub kind: OpKind,
    /// The statement as written, for notes (「第12条中「毎月」を「随時」に改める」).
    pub written: String,
}

impl Op {
    /// The operation's new text follows its statement.
    pub fn takes_text(&self) -> bool {
        matches!(
            self.kind,
            OpKind::Replace
                | OpKind::AddParagraphs(_)
                | OpKind::InsertArticles(_)
                | OpKind::AddArticle
        )
    }
}

const NUM_CHARS: &str = "0123456789０１２３４５６７８９〇一二三四五六七八九十百千";

/// A number at the start of `s` in any notation: (value, bytes used).
fn take_number(s: &str) -> Option<(u32, usize)> {
    let len: usize = s
        .chars()
        .take_while(|c| NUM_CHARS.contains(*c))
        .map(char::len_utf8)
        .sum();
    Some((parse_number(&s[..len])?, len))
}

/// `第N<unit>` at the start of `s`: (N, bytes used).
fn numbered(s: &str, unit: char) -> Option<(u32, usize)> {
    let rest = s.strip_prefix('第')?;
    let (n, used) = take_number(rest)?;
    rest[used..].strip_prefix(unit)?;
    Some((n, '第'.len_utf8() + used + unit.len_utf8()))
}

/// A target at the start of `s` (第5条第2項, 同条第3項, 同項, a bare 第2項
/// of the article before): the target and the bytes used.
fn target_at(s: &str, prev: Option<&Target>) -> Option<(Target, usize)> {
    let (mut t, mut used) = if s.starts_with("同条") {
        (Target::article(prev?.article), "同条".len())
    } else if s.starts_with("同項") {
        return Some((*prev?, "同項".len()));
    } else if let Some((a, rest)) = ArticleNo::at_start(s) {
        (Target::article(a), s.len() - rest.len())
    } else if let Some((p, n)) = numbered(s, '項') {
        let mut t = Target::article(prev?.article);
        t.paragraph = Some(p);
        (t, n)
    } else {
        return None;
    };
    if t.paragraph.is_none() {
        if let Some((p, n)) = numbered(&s[used..], '項') {
            t.paragraph = Some(p);
            used += n;
        }
    }
    if let Some((i, n)) = numbered(&s[used..], '号') {
        t.item = Some(i);
        used += n;
    }
    Some((t, used))
}

/// 「…」 at the start of `s`, brackets balanced: (inner text, bytes used).
pub fn quoted(s: &str) -> Option<(String, usize)> {
    if !s.starts_with('「') {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '「' => depth += 1,
            '」' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let inner = &s['「'.len_utf8()..i];
                    return Some((inner.to_string(), i + c.len_utf8()));
                }
            }
            _ => {}
        }
    }
    None
}

fn strip_any<'a>(s: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| s.strip_prefix(p))
}

const CHANGE_VERBS: [&str; 8] = [
    "改める",
    "改め",
    "変更する",
    "変更し",
    "修正する",
    "修正し",
    "置き換える",
    "置き換え",
];

/// 「中「A」を「B」に、「C」を「D」に改める」 after the target.
fn words(s: &str) -> Option<(OpKind, usize)> {
    let body = strip_any(s, &["の見出し中", "中", "の見出しの"])?;
    let mut rest = body;
    let mut pairs = Vec::new();
    loop {
        let (a, n) = quoted(rest)?;
        rest = &rest[n..];
        if let Some(r) = strip_any(rest, &["を削る", "を削り", "を削除する", "を削除し"])
        {
            pairs.push((a, String::new()));
            rest = r;
        } else {
            rest = rest.strip_prefix('を')?;
            let (b, n) = quoted(rest)?;
            rest = rest[n..].strip_prefix('に')?;
            pairs.push((a, b));
        }
        if let Some(r) = rest.strip_prefix('、').filter(|r| r.starts_with('「')) {
            rest = r;
            continue;
        }
        if rest.starts_with('「') {
            continue;
        }
        break;
    }
    if pairs.iter().all(|(_, b)| b.is_empty()) && !CHANGE_VERBS.iter().any(|v| rest.starts_with(v))
    {
        // 「「A」を削る」 alone ends with its own verb.
        return Some((OpKind::Words(pairs), s.len() - rest.len()));
    }
    let verb = CHANGE_VERBS.iter().find(|v| rest.starts_with(**v))?;
    rest = &rest[verb.len()..];
    Some((OpKind::Words(pairs), s.len() - rest.len()))
}

/// 「次の1項」 / 「次の二条」 / 「次の項」: the count before `unit`.
fn count_before(s: &str, unit: char) -> Option<(u32, usize)> {
    let rest = strip_any(s, &["次の", "以下の"])?;
    if let Some(r) = rest.strip_prefix(unit) {
        return Some((1, s.len() - r.len()));
    }
    let (n, used) = take_number(rest)?;
    let r = rest[used..].strip_prefix(unit)?;
    Some((n, s.len() - r.len()))
}

fn adds(s: &str) -> Option<&str> {
    strip_any(
        s,
        &["を加える", "を追加する", "を加え", "を追加し", "を新設する"],
    )
}

/// The operation stated right after a target, and the bytes it used.
fn op_after(s: &str, target: &Target) -> Option<(OpKind, usize)> {
    const REPLACE: [&str; 10] = [
        "を次のように改める",
        "を次のように改め",
        "を次のとおり改める",
        "を次のとおり改め",
        "を次のとおり変更する",
        "を次のように変更する",
        "を以下のとおり改める",
        "を以下のとおり変更する",
        "を次のとおりとする",
        "を以下のとおりとする",
    ];
    const DELETE: [&str; 8] = [
        "を削る",
        "を削り",
        "を削除する",
        "を削除し",
        "は削除する",
        "を全部削除する",
        "を全文削除する",
        "を廃止する",
    ];
    if let Some(r) = strip_any(s, &REPLACE) {
        return Some((OpKind::Replace, s.len() - r.len()));
    }
    if let Some(r) = strip_any(s, &DELETE) {
        return Some((OpKind::Delete, s.len() - r.len()));
    }
    if s.starts_with('中') || s.starts_with("の見出し") {
        return words(s);
    }
    // 「第3条に次の1項を加える」, 「第3条第2項の次に次の1項を加える」
    if let Some(r) = strip_any(s, &["の次に", "の後に"]) {
        if let Some((n, used)) = count_before(r, '項') {
            let r2 = adds(&r[used..])?;
            return Some((OpKind::AddParagraphs(n), s.len() - r2.len()));
        }
        if target.paragraph.is_none() {
            if let Some((n, used)) = count_before(r, '条') {
                let r2 = adds(&r[used..])?;
                return Some((OpKind::InsertArticles(n), s.len() - r2.len()));
            }
        }
        return None;
    }
    if let Some(r) = s.strip_prefix('に') {
        let (n, used) = count_before(r, '項')?;
        let r2 = adds(&r[used..])?;
        return Some((OpKind::AddParagraphs(n), s.len() - r2.len()));
    }
    // 「第9条を第8条とし」
    if let Some(r) = s.strip_prefix('を') {
        if let Some((to, after)) = ArticleNo::at_start(r) {
            let r2 = strip_any(after, &["とし", "とする"])?;
            return Some((OpKind::Renumber(to), s.len() - r2.len()));
        }
    }
    // 「第10条から第15条までを1条ずつ繰り下げる」
    if let Some(r) = s.strip_prefix("から") {
        let (last, after) = ArticleNo::at_start(r)?;
        let after = after.strip_prefix("までを")?;
        let (n, used) = take_number(after).unwrap_or((1, 0));
        let after = after[used..].strip_prefix("条ずつ")?;
        let (by, r2) = if let Some(r2) =
            strip_any(after, &["繰り下げる", "繰り下げ", "繰下げる", "繰下げ"])
        {
            (i32::try_from(n).ok()?, r2)
        } else if let Some(r2) = strip_any(after, &["繰り上げる", "繰り上げ", "繰上げる", "繰上げ"])
        {
            (-i32::try_from(n).ok()?, r2)
        } else {
            return None;
        };
        return Some((OpKind::Shift { last, by }, s.len() - r2.len()));
    }
    None
}

/// Every operation stated in `text`, in order. `prev` is the target of the
/// operation before (for 同条 and 同項). Article numbers that state no
/// operation (「原契約第12条に基づき」) are passed over.
pub fn parse(text: &str, prev: Option<&Target>) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::new();
    let mut last = prev.copied();
    let mut pos = 0;
    while pos < text.len() {
        let Some(off) = text[pos..].find(['第', '同']) else {
            break;
        };
        let at = pos + off;
        let s = &text[at..];
        let step = s.chars().next().map_or(1, char::len_utf8);
        let Some((target, used)) = target_at(s, last.as_ref()) else {
            pos = at + step;
            continue;
        };
        let after = &s[used..];
        match op_after(after, &target) {
            Some((kind, n)) => {
                let end = at + used + n;
                out.push(Op {
                    target,
                    kind,
                    written: text[at..end].to_string(),
                });
                last = Some(target);
                pos = end;
            }
            None => pos = at + used.max(step),
        }
    }
    out
}

/// 「第8条　削除」 (or 「第8条第2項　削る」) as a whole line: how an
/// instrument that lists its changes states a deletion.
pub fn bare_delete(text: &str) -> Option<Op> {
    let t = text.trim().trim_end_matches('。');
    let (target, used) = target_at(t, None)?;
    let rest = t[used..].trim_matches(|c: char| c.is_whitespace());
    matches!(rest, "削除" | "削る" | "を削る" | "を削除する").then(|| Op {
        target,
        kind: OpKind::Delete,
        written: t.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u32) -> ArticleNo {
        ArticleNo { n, sub: None }
    }

    fn kinds(text: &str) -> Vec<(String, OpKind)> {
        parse(text, None)
            .into_iter()
            .map(|o| (o.target.label(), o.kind))
            .collect()
    }

    #[test]
    fn replace_and_delete_an_article_in_every_notation() {
        assert_eq!(
            kinds("原契約第５条を次のように改める。"),
            [("第5条".into(), OpKind::Replace)]
        );
        assert_eq!(kinds("第八条を削る。"), [("第8条".into(), OpKind::Delete)]);
        assert_eq!(
            kinds("第十二条の二を削除する。"),
            [("第12条の2".into(), OpKind::Delete)]
        );
        assert_eq!(
            bare_delete("第8条　削除").map(|o| o.target.label()),
            Some("第8条".into())
        );
        assert!(bare_delete("第8条　乙は、削除する。").is_none());
    }

    #[test]
    fn word_replacements_take_every_pair_and_a_paragraph_target() {
        let ops = parse(
            "第10条第1項中「障害」を「障害又は事故」に、「報告」を「書面により報告」に改める。",
            None,
        );
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].target.label(), "第10条第1項");
        assert_eq!(
            ops[0].kind,
            OpKind::Words(vec![
                ("障害".into(), "障害又は事故".into()),
                ("報告".into(), "書面により報告".into())
            ])
        );
        assert_eq!(
            ops[0].written,
            "第10条第1項中「障害」を「障害又は事故」に、「報告」を「書面により報告」に改める"
        );
    }

    #[test]
    fn same_article_refers_to_the_operation_before() {
        let ops = parse(
            "第4条第2項中「しなければならない」を「努めるものとする」に改め、同条第3項を削る。",
            None,
        );
        let got: Vec<String> = ops.iter().map(|o| o.target.label()).collect();
        assert_eq!(got, ["第4条第2項", "第4条第3項"]);
        assert_eq!(ops[1].kind, OpKind::Delete);
        let prev = ops[1].target;
        let more = parse("同項中「毎月」を削る。", Some(&prev));
        assert_eq!(more[0].target.label(), "第4条第3項");
        assert_eq!(
            more[0].kind,
            OpKind::Words(vec![("毎月".into(), String::new())])
        );
    }

    #[test]
    fn additions_insertions_and_renumbering() {
        assert_eq!(
            kinds("第3条に次の1項を加える。"),
            [("第3条".into(), OpKind::AddParagraphs(1))]
        );
        assert_eq!(
            kinds("第3条第2項の次に次の二項を加える。"),
            [("第3条第2項".into(), OpKind::AddParagraphs(2))]
        );
        assert_eq!(
            kinds("第12条の次に次の1条を加える。"),
            [("第12条".into(), OpKind::InsertArticles(1))]
        );
        assert_eq!(
            kinds("第8条を削り、第9条を第8条とし、第10条を第9条とする。"),
            [
                ("第8条".into(), OpKind::Delete),
                ("第9条".into(), OpKind::Renumber(a(8))),
                ("第10条".into(), OpKind::Renumber(a(9)))
            ]
        );
        assert_eq!(
            kinds("第10条から第15条までを1条ずつ繰り下げる。"),
            [("第10条".into(), OpKind::Shift { last: a(15), by: 1 })]
        );
    }

    #[test]
    fn article_numbers_that_state_no_operation_are_passed_over() {
        assert!(parse("乙は、原契約第12条に基づき報告する。", None).is_empty());
        assert!(parse("第1条（目的）", None).is_empty());
        assert!(parse("同条の規定により", None).is_empty());
    }
}
