//! Markdown writer: the overview table (vendors × provisions, a mark each),
//! then a table per vendor with the clause that decided each provision, and
//! a legend. Cells are escaped so a `|` or a line break in a name or a quote
//! never breaks a table.
//!
//! The first line names the tool and its rule set like the text report, so
//! a Markdown report left in a scanned folder is recognised and not read as
//! a contract.

use super::csv::{reason_ja, vendor_label};
use super::edition::{in_tier_order, Verdict};
use super::model::{party_line, DocStatus, ProvisionResult, Report, Status};
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
                    Verdict::of(r.tier_of(&p.id), p.status).cell_ja(),
                    cell(&at),
                    cell(&super::csv::service_reason_ja(r, s.case, p)),
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
        let (uncovered, consider) = r.uncovered_by_tier(s);
        if s.shortfalls.is_empty() && uncovered.is_empty() {
            writeln!(out, "- 不足: なし")?;
        }
        if !uncovered.is_empty() {
            let ids: Vec<String> = uncovered.into_iter().map(cell).collect();
            writeln!(out, "- どの事業者の契約にもない: {}", ids.join("、"))?;
        }
        if !consider.is_empty() {
            let ids: Vec<String> = consider.into_iter().map(cell).collect();
            writeln!(
                out,
                "- 要検討（推奨・どの事業者の契約にもない）: {}",
                ids.join("、")
            )?;
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
        for line in r.edition_lines_ja() {
            writeln!(out, "- {}", cell(&line))?;
        }
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
        head.extend(
            r.provisions
                .iter()
                .map(|p| cell(&format!("{}{}", p.short, r.warn_mark(&p.id)))),
        );
        row(out, &head)?;
        let mut rule = vec!["---".to_string()];
        rule.extend(r.provisions.iter().map(|_| ":-:".to_string()));
        row(out, &rule)?;
        if r.guideline.is_some() {
            let mut tiers = vec!["層".to_string()];
            tiers.extend(
                r.provisions
                    .iter()
                    .map(|p| cell(r.tier_of(&p.id).map_or("", |t| t.label_ja()))),
            );
            row(out, &tiers)?;
        }
        // One row per vendor, then per service: a mark under each provision (by id).
        let vendors = r.vendors.iter().map(|v| {
            let marks: Vec<(&str, Verdict)> = v
                .provisions
                .iter()
                .map(|x| (&*x.names.id, x.verdict()))
                .collect();
            (vendor_label(v), marks)
        });
        let services = r.services.iter().map(|s| {
            let marks: Vec<(&str, Verdict)> = s
                .provisions
                .iter()
                .map(|x| (&*x.id, Verdict::of(r.tier_of(&x.id), x.status)))
                .collect();
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
        let more = super::edition::legend_ja(r);
        if !more.is_empty() {
            writeln!(out)?;
            for l in more {
                writeln!(out, "- {}", cell(&l))?;
            }
            for w in r.source_warnings_ja() {
                writeln!(out, "- 出典の注意: {}", cell(&w))?;
            }
        }
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
            let edition = r.guideline.is_some();
            if edition {
                row(
                    out,
                    &["条項", "層", "判定", "箇所", "理由"].map(String::from),
                )?;
                row(out, &["---", "---", "---", "---", "---"].map(String::from))?;
            } else {
                row(out, &["条項", "判定", "箇所", "理由"].map(String::from))?;
                row(out, &["---", "---", "---", "---"].map(String::from))?;
            }
            for p in in_tier_order(&v.provisions) {
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
                let mut reason = reason_ja(v, p);
                if let Some(c) = p.conflict_ja() {
                    reason.push_str(&format!("。{c}"));
                }
                let title = format!("{}{}", p.names.title, r.warn_mark(&p.names.id));
                let mut cells = vec![cell(&title)];
                if edition {
                    cells.push(p.tier().label_ja().to_string());
                }
                cells.extend([p.verdict().cell_ja(), cell(&where_), cell(&reason)]);
                row(out, &cells)?;
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
            let names = |wanted: fn(&ProvisionResult) -> bool| -> Vec<&str> {
                v.provisions
                    .iter()
                    .filter(|p| wanted(p))
                    .map(|p| &*p.names.short)
                    .collect()
            };
            let gaps = names(ProvisionResult::is_gap);
            if !gaps.is_empty() {
                writeln!(out)?;
                writeln!(out, "不足: {}", cell(&gaps.join("、")))?;
            }
            let consider = names(ProvisionResult::to_consider);
            if !consider.is_empty() {
                writeln!(out)?;
                writeln!(out, "要検討（推奨）: {}", cell(&consider.join("、")))?;
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
