//! Recognise an amending instrument (変更覚書, 変更契約書, 合意書 that amend a
//! contract) and read what it amends (the title and date it cites), when it
//! takes effect, and its changes: each operation with the instrument's own
//! article that states it and the new text that follows it.

use super::comparison;
use super::dates::{self, Date, Found};
use super::operations::{self, ArticleNo, Op, OpKind, Target};
use crate::document::Block;
use crate::segment::numbering;

/// At most this many changes are read from one instrument, and this many
/// lines or bytes of new text for one change: a hostile file cannot make
/// the consolidation unbounded.
pub const MAX_CHANGES: usize = 500;
const MAX_TEXT_LINES: usize = 400;
const MAX_TEXT_BYTES: usize = 128 * 1024;

/// The contract an instrument says it amends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Citation {
    /// 「保守委託契約書」 of 「2024年4月1日付で締結した保守委託契約書（以下「原契約」という。）」.
    pub title: Option<String>,
    pub date: Option<Date>,
}

/// One operation of an instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub op: Op,
    /// The instrument's own article (第2条) or numbered point (第2項) that
    /// states the operation.
    pub clause: Option<String>,
    /// The new text of a replacement or addition, one block a line.
    pub text: Vec<Block>,
}

/// An amending instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    pub title: Option<String>,
    /// What it calls itself: 覚書, 変更契約書, 合意書 ….
    pub kind: String,
    /// The date it was made (the date line above the signatures).
    pub signed: Option<Found>,
    /// The date it takes effect (「2025年4月1日から効力を生ずる」).
    pub effective: Option<Found>,
    pub cites: Citation,
    pub changes: Vec<Change>,
}

impl Instrument {
    /// The date it is applied by: when it takes effect, else when it was made.
    pub fn date(&self) -> Option<Date> {
        self.effective
            .as_ref()
            .or(self.signed.as_ref())
            .map(|f| f.date)
    }

    /// How the report names it: 「2025年4月1日付覚書」, else its file name.
    pub fn label(&self, file_name: &str) -> String {
        match self.signed.as_ref().or(self.effective.as_ref()) {
            Some(d) => format!("{}付{}", d.written, self.kind),
            None => file_name.to_string(),
        }
    }
}

/// Words that make a line the instrument's closing matter, never new text.
const CLOSING: [&str; 12] = [
    "附則",
    "附　則",
    "附 則",
    "本覚書",
    "この覚書",
    "本変更契約",
    "本合意書",
    "本契約の成立",
    "上記合意",
    "上記の合意",
    "甲及び乙は、本覚書",
    "甲と乙は、本覚書",
];

/// Signature lines: 「甲　東京都…」, 「（乙）」.
const SIGNATURE: [&str; 10] = [
    "甲　",
    "乙　",
    "甲 ",
    "乙 ",
    "甲：",
    "乙：",
    "（甲）",
    "（乙）",
    "住所",
    "所在地",
];

/// 「以上」 or 「（以下余白）」 on a line of its own.
pub fn end_mark(line: &str) -> bool {
    matches!(
        line.trim().trim_end_matches('。'),
        "以上" | "（以下余白）" | "(以下余白)" | "以下余白"
    )
}

fn closing(line: &str) -> bool {
    end_mark(line)
        || CLOSING.iter().any(|c| line.starts_with(c))
        || SIGNATURE.iter().any(|c| line.starts_with(c))
        || dates::date_line(line).is_some()
}

/// A line that is a heading and nothing else: （定期報告）.
fn heading_only(line: &str) -> bool {
    numbering::heading(line).is_some_and(|(_, rest)| rest.is_empty())
        && numbering::item(line).is_none()
}

/// The instrument's own label at the start of a line and the rest: an
/// article (第2条（…）), a numbered point (1. / ２　) or an item ((1)).
fn own_label(line: &str, clause: Option<&str>) -> (Option<String>, String) {
    if let Some((a, rest)) = ArticleNo::label_at(line) {
        let body = match numbering::heading(rest) {
            Some((_, body)) => body,
            None => rest.trim_start(),
        };
        return (Some(a.label()), body.to_string());
    }
    if let Some((n, rest)) = numbering::paragraph(line) {
        let label = match clause.filter(|c| c.ends_with('条')) {
            Some(c) => format!("{c}第{n}項"),
            None => format!("第{n}項"),
        };
        return (Some(label), rest.to_string());
    }
    if let Some((item, rest)) = numbering::item(line) {
        let label = clause.map(|c| format!("{c}{item}"));
        return (label, rest.to_string());
    }
    (None, line.to_string())
}

/// The list number and its separator when the line is a numbered point
/// (1. / ２　): a new text ends at the instrument's next point.
fn list_number(line: &str) -> Option<(u32, char)> {
    let (n, rest) = numbering::paragraph(line)?;
    let head = &line.trim_start()[..line.trim_start().len() - rest.len()];
    let sep = head.trim_end().chars().last()?;
    let sep = if sep.is_ascii_digit() || ('０'..='９').contains(&sep) {
        ' '
    } else {
        sep
    };
    Some((n, sep))
}

/// Cheap test before reading a document as an instrument: some line names
/// an article and says how it changes.
fn may_amend(lines: &[String]) -> bool {
    const CUES: [&str; 8] = [
        "改める",
        "改め",
        "削る",
        "削り",
        "削除",
        "加える",
        "とし",
        "繰り",
    ];
    lines
        .iter()
        .any(|l| l.contains('第') && l.contains('条') && CUES.iter().any(|c| l.contains(c)))
}

/// The document says it changes another: 「原契約の一部を次のとおり変更する」.
fn change_cue(lines: &[String]) -> bool {
    const CUES: [&str; 6] = [
        "次のとおり変更",
        "以下のとおり変更",
        "一部を変更",
        "次のとおり改正",
        "一部を改正",
        "次のとおり改める",
    ];
    lines.iter().any(|l| CUES.iter().any(|c| l.contains(c)))
}

/// Recognise `blocks` as an amending instrument. Returns it and, per block,
/// whether the block states a change or is its new text: those blocks are
/// the amended contract's, never the instrument's own clauses.
pub fn recognise(blocks: &[Block]) -> Option<(Instrument, Vec<bool>)> {
    let lines: Vec<String> = blocks
        .iter()
        .map(|b| b.display_text().trim().to_string())
        .collect();
    let title = lines
        .iter()
        .find(|l| !l.is_empty())
        .filter(|l| l.chars().count() <= 60 && !l.contains('。'))
        .cloned();
    let titled = title.as_deref().is_some_and(|t| {
        ["覚書", "変更", "改定", "改正", "合意書", "確認書"]
            .iter()
            .any(|k| t.contains(k))
    });
    // 「原契約の一部を別紙新旧対照表のとおり変更する。」 and its table: read
    // when the document says it amends by it, or is titled an instrument.
    let tables = comparison::find_all(blocks);
    let in_table = |i: usize| tables.iter().any(|t| i >= t.start && i < t.end);
    let said = lines.iter().enumerate().any(|(i, l)| {
        !in_table(i)
            && ["対照表", "のとおり変更", "のとおり改正", "のとおり改め"]
                .iter()
                .any(|c| l.contains(c))
    });
    let tables = match said || titled {
        true => tables,
        false => Vec::new(),
    };
    if !may_amend(&lines) && tables.is_empty() {
        return None;
    }
    // An instrument says what it is, in its title or its preamble: terms of
    // service whose revision history lists 「第12条を削除」 are not one.
    let cue = change_cue(&lines) || !tables.is_empty();
    if !cue && !titled {
        return None;
    }
    let mut consumed = vec![false; lines.len()];
    let mut changes: Vec<Change> = Vec::new();
    let mut clause: Option<String> = None;
    let mut label_line: Option<usize> = None;
    let mut prev: Option<Target> = None;
    let mut first_op: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() && changes.len() < MAX_CHANGES {
        if let Some(t) = tables.iter().find(|t| t.start == i) {
            // The table's rows are the amended contract's text.
            let room = MAX_CHANGES.saturating_sub(changes.len());
            changes.extend(comparison::changes(blocks, t).into_iter().take(room));
            for c in consumed.iter_mut().take(t.end).skip(t.start) {
                *c = true;
            }
            first_op.get_or_insert(i);
            i = t.end.max(i + 1);
            continue;
        }
        let line = &lines[i];
        if line.is_empty() {
            i += 1;
            continue;
        }
        let (label, body) = own_label(line, clause.as_deref());
        // 「第8条　削除」 as a line of its own, or as a numbered point (1. 第8条　削除).
        let listed = label.as_ref().filter(|l| !l.ends_with('条'));
        let bare = match operations::bare_delete(line) {
            Some(op) => Some((op, clause.clone())),
            None => {
                listed.and_then(|l| operations::bare_delete(&body).map(|op| (op, Some(l.clone()))))
            }
        };
        if let Some((op, at)) = bare.filter(|_| cue || !changes.is_empty()) {
            consumed[i] = true;
            first_op.get_or_insert(i);
            prev = Some(op.target);
            changes.push(Change {
                op,
                clause: at,
                text: Vec::new(),
            });
            i += 1;
            continue;
        }
        let ops = operations::parse(&body, prev.as_ref());
        if ops.is_empty() {
            match &label {
                Some(l) if l.ends_with('条') => {
                    clause = Some(l.clone());
                    label_line = body.is_empty().then_some(i);
                }
                _ => label_line = None,
            }
            i += 1;
            continue;
        }
        // An instrument article whose only content is this operation: its
        // label line goes with it.
        if let Some(l) = label_line.take() {
            consumed[l] = true;
        }
        consumed[i] = true;
        first_op.get_or_insert(i);
        let here = match &label {
            Some(l) if !l.ends_with('条') || ops.iter().all(|o| o.target.article.label() != *l) => {
                label.clone()
            }
            _ => clause.clone(),
        };
        if here.as_deref().is_some_and(|l| l.ends_with('条')) {
            clause = here.clone();
        }
        let list = list_number(line);
        let n_ops = ops.len();
        let mut next = i + 1;
        for (k, op) in ops.into_iter().enumerate() {
            prev = Some(op.target);
            let text = if k + 1 == n_ops && op.takes_text() {
                let (text, end) = new_text(&lines, blocks, i + 1, &op, list);
                for c in consumed.iter_mut().take(end).skip(i + 1) {
                    *c = true;
                }
                next = end;
                text
            } else {
                Vec::new()
            };
            changes.push(Change {
                op,
                clause: here.clone(),
                text,
            });
        }
        i = next;
    }
    if changes.is_empty() {
        return None;
    }
    let kept: Vec<&str> = lines
        .iter()
        .zip(&consumed)
        .filter(|(_, c)| !**c)
        .map(|(l, _)| l.as_str())
        .collect();
    let preamble: Vec<&str> = lines
        .iter()
        .take(first_op.unwrap_or(lines.len()))
        .skip(usize::from(title.is_some()))
        .map(String::as_str)
        .collect();
    Some((
        Instrument {
            kind: kind_of(title.as_deref()),
            title,
            signed: kept.iter().rev().find_map(|l| dates::date_line(l)),
            effective: kept.iter().find_map(|l| effective(l)),
            cites: citation(&preamble.join("")),
            changes,
        },
        consumed,
    ))
}

/// The new text of `op`, from line `from`: quoted (「…」 over one or more
/// lines) or the lines up to the next change, article of the instrument or
/// closing matter. Returns the text and the first line not taken.
fn new_text(
    lines: &[String],
    blocks: &[Block],
    from: usize,
    op: &Op,
    list: Option<(u32, char)>,
) -> (Vec<Block>, usize) {
    let mut j = from;
    while j < lines.len() && lines[j].is_empty() {
        j += 1;
    }
    if lines.get(j).is_some_and(|l| l.starts_with('「')) {
        return quoted_text(lines, blocks, j);
    }
    let mut out: Vec<Block> = Vec::new();
    let mut bytes = 0usize;
    let mut articles = 0u32;
    let allowed = match op.kind {
        OpKind::Replace if op.target.paragraph.is_none() => 1,
        OpKind::InsertArticles(n) => n,
        _ => 0,
    };
    let mut last_taken = j;
    let mut ended_at_article = false;
    while j < lines.len() && out.len() < MAX_TEXT_LINES && bytes < MAX_TEXT_BYTES {
        let line = &lines[j];
        if line.is_empty() {
            j += 1;
            continue;
        }
        if closing(line) {
            break;
        }
        let deletes = operations::bare_delete(line);
        let replaced_by_deletion = out.iter().all(|b| heading_only(&b.text))
            && deletes
                .as_ref()
                .is_some_and(|d| d.target.article == op.target.article && allowed > 0);
        if (deletes.is_some() && !replaced_by_deletion)
            || !operations::parse(line, Some(&op.target)).is_empty()
        {
            break;
        }
        if ArticleNo::label_at(line).is_some() {
            if articles >= allowed {
                ended_at_article = true;
                break;
            }
            articles += 1;
        } else if let (Some((n, sep)), Some((m, sep2))) = (list, list_number(line)) {
            if sep == sep2 && m == n + 1 {
                break;
            }
        }
        let mut b = blocks
            .get(j)
            .cloned()
            .unwrap_or_else(|| Block::paragraph(None, ""));
        b.page = None;
        bytes += b.text.len();
        out.push(b);
        j += 1;
        last_taken = j;
    }
    // A heading line just above the instrument's next article is that article's.
    if ended_at_article {
        while out.last().is_some_and(|b| heading_only(&b.display_text())) {
            out.pop();
            last_taken -= 1;
        }
    }
    (out, last_taken.max(from))
}

/// 「…」 quoted new text from line `j`, over as many lines as the brackets
/// take: the text inside, and the first line after.
fn quoted_text(lines: &[String], blocks: &[Block], j: usize) -> (Vec<Block>, usize) {
    let mut depth = 0i64;
    let mut out: Vec<Block> = Vec::new();
    let mut bytes = 0usize;
    let mut k = j;
    while k < lines.len() && out.len() < MAX_TEXT_LINES && bytes < MAX_TEXT_BYTES {
        let line = &lines[k];
        for c in line.chars() {
            match c {
                '「' => depth += 1,
                '」' => depth -= 1,
                _ => {}
            }
        }
        let mut text = line.as_str();
        if k == j {
            text = text.strip_prefix('「').unwrap_or(text);
        }
        let closes = depth <= 0;
        if closes {
            let t = text.trim_end_matches('。');
            text = t.strip_suffix('」').unwrap_or(text);
        }
        let mut b = blocks
            .get(k)
            .cloned()
            .unwrap_or_else(|| Block::paragraph(None, ""));
        b.page = None;
        b.label = None;
        b.text = text.trim().to_string();
        bytes += b.text.len();
        if !b.text.is_empty() {
            out.push(b);
        }
        k += 1;
        if closes {
            return (out, k);
        }
    }
    // Never closed: nothing is taken as text (the change is then reported).
    (Vec::new(), j)
}

/// 覚書, 変更契約書, 合意書 …: the last such word of the title.
fn kind_of(title: Option<&str>) -> String {
    const KINDS: [&str; 8] = [
        "変更契約書",
        "変更契約",
        "変更覚書",
        "変更合意書",
        "合意書",
        "覚書",
        "契約書",
        "協定書",
    ];
    let Some(t) = title else {
        return "変更文書".into();
    };
    KINDS
        .iter()
        .filter_map(|k| t.rfind(k).map(|p| (p + k.len(), k.len(), *k)))
        .max()
        .map(|(_, _, k)| k.to_string())
        .unwrap_or_else(|| "変更文書".into())
}

/// 「本覚書は、2025年4月1日から効力を生ずる」, 「効力発生日：2025年4月1日」.
fn effective(line: &str) -> Option<Found> {
    const WORDS: [&str; 4] = ["効力", "施行", "適用", "有効"];
    const LEADS: [&str; 5] = ["効力発生日", "施行日", "適用日", "適用開始日", "発効日"];
    for f in dates::find_all(line) {
        let after = &line[f.end..];
        let near: String = after.chars().take(4).collect();
        let further: String = after.chars().take(24).collect();
        if ["から", "より", "以降", "付で", "をもって"]
            .iter()
            .any(|w| near.starts_with(w))
            && WORDS.iter().any(|w| further.contains(w))
        {
            return Some(f);
        }
        let before: String = line[..f.start]
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if LEADS.iter().any(|w| before.contains(w)) {
            return Some(f);
        }
    }
    None
}

/// Words a contract's title ends with.
const TITLE_ENDS: [&str; 10] = [
    "契約書",
    "契約",
    "約款",
    "規約",
    "覚書",
    "合意書",
    "特約",
    "特記事項",
    "仕様書",
    "協定書",
];

/// The title and date of the contract the preamble says is amended:
/// 「甲と乙が2024年4月1日付で締結した保守委託契約書（以下「原契約」という。）」.
fn citation(preamble: &str) -> Citation {
    let mut cites = Citation::default();
    if let Some(f) = dates::find_all(preamble)
        .into_iter()
        .find(|f| preamble[f.end..].starts_with('付'))
    {
        cites.date = Some(f.date);
        let mut after = &preamble[f.end..];
        for p in [
            "付け",
            "付",
            "で",
            "に",
            "締結した",
            "締結された",
            "締結の",
            "締結",
            "の",
        ] {
            after = after.strip_prefix(p).unwrap_or(after);
        }
        cites.title = title_in(after, true);
    }
    if cites.title.is_none() {
        // 「…締結した保守委託契約書（以下「原契約」という。）」 with no date.
        if let Some(p) = preamble
            .find("（以下「")
            .or_else(|| preamble.find("(以下「"))
        {
            let before = &preamble[..p];
            let start = before.rfind(['、', '。', '」']).map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
            let mut t = &before[start..];
            for cut in [
                "締結した",
                "締結している",
                "締結された",
                "付で",
                "付けで",
                "付",
            ] {
                if let Some(i) = t.rfind(cut) {
                    t = &t[i + cut.len()..];
                }
            }
            cites.title = title_in(t, false);
        }
    }
    cites
}

/// A title at the start of `text` (to the first bracket or comma), ending
/// in a title word; 「甲乙間の」 and such are dropped.
fn title_in(text: &str, from_start: bool) -> Option<String> {
    let text = text.strip_prefix('「').unwrap_or(text);
    let end = text
        .find(['（', '(', '、', '。', '」', '「'])
        .unwrap_or(text.len());
    let mut run = &text[..end];
    if from_start {
        if let Some(i) = run.find("の一部") {
            run = &run[..i];
        }
    }
    for p in [
        "甲乙間の",
        "甲乙間で",
        "甲乙間における",
        "甲と乙との間の",
        "両者間の",
        "両当事者間の",
    ] {
        run = run.strip_prefix(p).unwrap_or(run);
    }
    let cut = TITLE_ENDS
        .iter()
        .filter_map(|w| run.rfind(w).map(|p| p + w.len()))
        .max()?;
    let t = run[..cut].trim();
    (t.chars().count() >= 2 && t.chars().count() <= 40).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(lines: &[&str]) -> Vec<Block> {
        lines
            .iter()
            .map(|l| Block::paragraph(Some(1), *l))
            .collect()
    }

    #[test]
    fn an_instrument_with_article_operations_and_new_text() {
        let b = blocks(&[
            "保守委託契約の一部変更に関する覚書",
            "医療法人青葉会（以下「甲」という。）と株式会社北斗（以下「乙」という。）は、甲乙間の2024年4月1日付保守委託契約書（以下「原契約」という。）の一部を次のとおり変更する。",
            "第1条（定期報告の変更）",
            "原契約第5条を次のように改める。",
            "（定期報告）",
            "第5条　乙は、甲の求めに応じて、保守作業の実施状況を甲に報告する。",
            "第2条　原契約第8条を削る。",
            "第3条（効力発生日）",
            "本覚書は、2025年4月1日から効力を生ずる。",
            "2025年3月15日",
        ]);
        let (inst, consumed) = recognise(&b).expect("an instrument");
        assert_eq!(inst.kind, "覚書");
        assert_eq!(
            inst.cites,
            Citation {
                title: Some("保守委託契約書".into()),
                date: Some(Date {
                    year: 2024,
                    month: 4,
                    day: 1
                })
            }
        );
        assert_eq!(
            inst.signed.as_ref().map(|f| f.written.as_str()),
            Some("2025年3月15日")
        );
        assert_eq!(
            inst.effective.as_ref().map(|f| f.written.as_str()),
            Some("2025年4月1日")
        );
        assert_eq!(inst.label("覚書.txt"), "2025年3月15日付覚書");
        assert_eq!(inst.changes.len(), 2);
        assert_eq!(inst.changes[0].op.kind, OpKind::Replace);
        assert_eq!(inst.changes[0].clause.as_deref(), Some("第1条"));
        let text: Vec<&str> = inst.changes[0]
            .text
            .iter()
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(
            text,
            [
                "（定期報告）",
                "第5条　乙は、甲の求めに応じて、保守作業の実施状況を甲に報告する。"
            ]
        );
        assert_eq!(inst.changes[1].op.kind, OpKind::Delete);
        assert_eq!(inst.changes[1].clause.as_deref(), Some("第2条"));
        assert_eq!(
            consumed,
            [false, false, true, true, true, true, true, false, false, false]
        );
    }

    #[test]
    fn a_listed_deletion_quoted_text_and_an_addition() {
        let b = blocks(&[
            "変更覚書",
            "甲及び乙は、原契約の一部を次のとおり変更する。",
            "1. 第8条　削除",
            "2. 第3条に次の1項を加える。",
            "「３　乙は、保守作業の記録を5年間保存する。」",
            "3. 第10条中「毎月」を「四半期ごとに」に改める。",
        ]);
        let (inst, _) = recognise(&b).expect("an instrument");
        let kinds: Vec<(String, &OpKind)> = inst
            .changes
            .iter()
            .map(|c| (c.op.target.label(), &c.op.kind))
            .collect();
        assert_eq!(kinds.len(), 3);
        assert_eq!(kinds[0], ("第8条".into(), &OpKind::Delete));
        assert_eq!(kinds[1], ("第3条".into(), &OpKind::AddParagraphs(1)));
        assert_eq!(inst.changes[1].clause.as_deref(), Some("第2項"));
        assert_eq!(
            inst.changes[1].text[0].text,
            "３　乙は、保守作業の記録を5年間保存する。"
        );
        assert_eq!(inst.changes[2].text, Vec::<Block>::new());
    }

    #[test]
    fn an_ordinary_contract_is_not_an_instrument() {
        let b = blocks(&[
            "保守委託契約書",
            "第1条（目的）本契約は、保守業務について定める。",
            "第8条　削除",
            "第9条（変更）甲は、仕様書を改めることができる。",
        ]);
        assert!(recognise(&b).is_none());
    }

    #[test]
    fn terms_whose_revision_history_lists_changes_are_not_an_instrument() {
        let b = blocks(&[
            "クラウドサービス利用規約",
            "第1条（適用）本規約は、本サービスの利用に適用する。",
            "第12条（通知）当社は、障害を直ちに通知する。",
            "改定履歴",
            "2024年4月1日改定　第13条を削り、第14条を第13条とする。",
        ]);
        assert!(recognise(&b).is_none());
    }

    #[test]
    fn a_citation_without_a_date_reads_the_title_before_its_short_name() {
        let c = citation("甲と乙が締結したクラウドサービス利用契約（以下「原契約」という。）の一部を次のとおり変更する。");
        assert_eq!(c.title.as_deref(), Some("クラウドサービス利用契約"));
        assert_eq!(c.date, None);
    }
}
