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

impl MarkdownWriter {
    /// A service: per provision its status, whose contract counts and each
    /// vendor's mark, the deciding clause; then what falls short.
    fn service(
        &self,
        r: &Report,
        s: &super::model::ServiceReport,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        writeln!(out)?;
        writeln!(out, "## {}", cell(&super::csv::service_label(s)))?;
        writeln!(out)?;
        match &s.lead {
            Some(l) => writeln!(out, "{}（主たる事業者: {}）", s.case.label_ja(), cell(l))?,
            None => writeln!(out, "{}", s.case.label_ja())?,
        }
        writeln!(out, "事業者: {}", cell(&s.vendors.join("、")))?;
        writeln!(out)?;
        row(out, &["条項", "判定", "箇所", "理由"].map(String::from))?;
        row(out, &["---", ":-:", "---", "---"].map(String::from))?;
        for p in &s.provisions {
            let title = r.title_of(&p.id, &p.short);
            let at = p
                .evidence
                .first()
                .map(|e| {
                    // The path starts with the vendor's folder.
                    let mut w = e.evidence.path.to_string();
                    if let Some(c) = &e.evidence.clause {
                        w.push(' ');
                        w.push_str(c);
                    }
                    w
                })
                .unwrap_or_default();
            row(
                out,
                &[
                    cell(title),
                    format!("{} {}", p.status.mark(), p.status.label_ja()),
                    cell(&at),
                    cell(&super::csv::service_reason_ja(s.case, p)),
                ],
            )?;
        }
        writeln!(out)?;
        for f in &s.shortfalls {
            writeln!(
                out,
                "- 不足: {} — {} {}",
                cell(&f.vendor),
                f.status.mark(),
                cell(&f.reason)
            )?;
        }
        if s.shortfalls.is_empty() && s.uncovered.is_empty() {
            writeln!(out, "- 不足: なし")?;
        }
        if !s.uncovered.is_empty() {
            let ids: Vec<String> = s.uncovered_shorts().into_iter().map(cell).collect();
            writeln!(out, "- どの事業者の契約にもない: {}", ids.join("、"))?;
        }
        Ok(())
    }
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
        // One row per vendor, then per service: a mark under each provision (by id).
        let vendors = r.vendors.iter().map(|v| {
            let marks: Vec<(&str, Status)> =
                v.provisions.iter().map(|x| (&*x.id, x.status)).collect();
            (vendor_label(v), marks)
        });
        let services = r.services.iter().map(|s| {
            let marks: Vec<(&str, Status)> =
                s.provisions.iter().map(|x| (&*x.id, x.status)).collect();
            (super::csv::service_label(s), marks)
        });
        for (name, marks) in vendors.chain(services) {
            let mut cells = vec![cell(&name)];
            for p in &r.provisions {
                let mark = marks
                    .iter()
                    .find(|(id, _)| *id == p.id)
                    .map_or(" ", |(_, s)| s.mark());
                cells.push(mark.to_string());
            }
            row(out, &cells)?;
        }
        writeln!(out)?;
        writeln!(out, "{}", legend())?;
        for s in &r.services {
            self.service(r, s, out)?;
        }

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
                        if let Some(o) = e.ocr_label() {
                            s.push(' ');
                            s.push_str(&o);
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
                .filter(|d| {
                    d.status != DocStatus::Ok
                        || !d.unread_pages.is_empty()
                        || !d.notes.is_empty()
                        || !d.ocr_pages.is_empty()
                })
                .collect();
            if !unread.is_empty() {
                writeln!(out)?;
                for d in unread {
                    let mut line = format!("- {}: {}", cell(&d.path), d.status.label_ja());
                    if let Some(o) = d.ocr_label() {
                        line.push_str(&format!("（{o}）"));
                    }
                    if !d.unread_pages.is_empty() {
                        line.push_str(&format!("（読めないページ: {}）", unread_pages_ja(d)));
                    }
                    let why = d.why_ja();
                    if !why.is_empty() {
                        line.push_str(&format!(" — {}", cell(&why)));
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
