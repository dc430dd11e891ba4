//! Markdown writer: the overview table (vendors × provisions, a mark each),
//! then a table per vendor with the clause that decided each provision, and
//! a legend. Cells are escaped so a `|` or a line break in a name or a quote
//! never breaks a table.
//!
//! The first line names the tool and its rule set like the text report, so
//! a Markdown report left in a scanned folder is recognised and not read as
//! a contract.

use super::csv::{reason_ja, vendor_label};
use super::model::{party_line, DocStatus, Report, Status};
use super::xlsx::unread_pages_ja;
use super::Render;
use std::io::Write;

pub struct MarkdownWriter;

/// What each mark means.
pub fn legend() -> String {
    let words = [
        (Status::Present, "あり"),
        (Status::Weak, "弱い（努力義務・承諾のみ等）"),
        (Status::Negated, "否定・免責"),
        (Status::Missing, "なし"),
        (Status::Unknown, "不明（読めない文書あり）"),
    ];
    let parts: Vec<String> = words
        .iter()
        .map(|(s, w)| format!("{} {w}", s.mark()))
        .collect();
    format!("凡例: {}", parts.join("　"))
}

/// One table cell: Markdown's special characters escaped, line breaks as `<br>`.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push_str("<br>"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    if out.trim().is_empty() {
        // An empty cell still needs content for some renderers to keep the column.
        return " ".into();
    }
    out
}

fn row(out: &mut dyn Write, cells: &[String]) -> std::io::Result<()> {
    writeln!(out, "| {} |", cells.join(" | "))
}

impl Render for MarkdownWriter {
    fn render(&self, r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", super::first_line(r))?;
        writeln!(out)?;
        writeln!(out, "# 契約書チェック結果")?;
        writeln!(out)?;
        writeln!(
            out,
            "- 規則セット: {} {}（sha256 `{}`）",
            cell(&r.rules.id),
            cell(&r.rules.version),
            r.rules.sha256
        )?;
        let mut sources: Vec<&str> = Vec::new();
        for s in r.provisions.iter().filter_map(|p| p.source.as_deref()) {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        for s in sources {
            writeln!(out, "- 出典: {}", cell(s))?;
        }
        let paths: Vec<String> = r.run.paths.iter().map(|p| cell(p)).collect();
        writeln!(out, "- 対象: {}", paths.join("、"))?;
        if !r.run.options.is_empty() {
            writeln!(out, "- オプション: {}", cell(&r.run.options.join(" ")))?;
        }

        writeln!(out)?;
        writeln!(out, "## 一覧")?;
        writeln!(out)?;
        let mut head = vec!["事業者".to_string()];
        head.extend(r.provisions.iter().map(|p| cell(&p.short)));
        row(out, &head)?;
        let mut rule = vec!["---".to_string()];
        rule.extend(r.provisions.iter().map(|_| ":-:".to_string()));
        row(out, &rule)?;
        for v in &r.vendors {
            let mut cells = vec![cell(&vendor_label(v))];
            for p in &r.provisions {
                let mark = v
                    .provisions
                    .iter()
                    .find(|x| *x.id == *p.id)
                    .map_or(" ", |x| x.status.mark());
                cells.push(mark.to_string());
            }
            row(out, &cells)?;
        }
        writeln!(out)?;
        writeln!(out, "{}", legend())?;

        for v in &r.vendors {
            writeln!(out)?;
            writeln!(out, "## {}", cell(&vendor_label(v)))?;
            writeln!(out)?;
            let line = party_line(
                v.documents.iter().flat_map(|d| &d.parties),
                v.documents.iter().flat_map(|d| &d.party_notes),
            );
            if !line.is_empty() {
                writeln!(out, "当事者: {}", cell(&line))?;
                writeln!(out)?;
            }
            row(out, &["条項", "判定", "箇所", "理由"].map(String::from))?;
            row(out, &["---", "---", "---", "---"].map(String::from))?;
            for p in &v.provisions {
                let where_ = p
                    .evidence
                    .first()
                    .or(p.near_miss.as_ref().map(|n| &n.evidence))
                    .map(|e| {
                        let mut s = e.path.to_string();
                        if let Some(place) = e.place_ja() {
                            s.push(' ');
                            s.push_str(&place);
                        }
                        if let Some(c) = &e.clause {
                            s.push(' ');
                            s.push_str(c);
                        }
                        s
                    })
                    .unwrap_or_default();
                row(
                    out,
                    &[
                        cell(&p.title),
                        format!("{} {}", p.status.mark(), p.status.label_ja()),
                        cell(&where_),
                        cell(&reason_ja(v, p)),
                    ],
                )?;
            }
            let unread: Vec<_> = v
                .documents
                .iter()
                .filter(|d| d.status != DocStatus::Ignored)
                .filter(|d| d.status != DocStatus::Ok || !d.unread_pages.is_empty())
                .collect();
            if !unread.is_empty() {
                writeln!(out)?;
                for d in unread {
                    let mut line = format!("- {}: {}", cell(&d.path), d.status.label_ja());
                    if !d.unread_pages.is_empty() {
                        line.push_str(&format!("（読めないページ: {}）", unread_pages_ja(d)));
                    }
                    if let Some(why) = &d.reason {
                        line.push_str(&format!(" — {}", cell(why)));
                    }
                    writeln!(out, "{line}")?;
                }
            }
            let gaps: Vec<&str> = v
                .provisions
                .iter()
                .filter(|p| matches!(p.status, Status::Missing | Status::Negated))
                .map(|p| &*p.short)
                .collect();
            if !gaps.is_empty() {
                writeln!(out)?;
                writeln!(out, "不足: {}", cell(&gaps.join("、")))?;
            }
        }

        if !r.ignored.is_empty() {
            writeln!(out)?;
            writeln!(out, "## 契約書でないため無視したファイル")?;
            writeln!(out)?;
            for d in &r.ignored {
                writeln!(out, "- {}", cell(&d.path))?;
            }
        }
        if !r.warnings.is_empty() {
            writeln!(out)?;
            for w in &r.warnings {
                writeln!(out, "- 警告: {}", cell(w))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_table_and_markup_characters_and_break_lines() {
        assert_eq!(cell("A|B"), "A\\|B");
        assert_eq!(cell("一行目\r\n二行目\n三"), "一行目<br>二行目<br>三");
        assert_eq!(cell("<script>"), "\\<script\\>");
        assert_eq!(cell("a_b*c"), "a\\_b\\*c");
        assert_eq!(cell(""), " ");
    }
}
