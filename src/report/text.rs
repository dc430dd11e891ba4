//! Terminal table for people: one block per vendor, a mark per provision, the
//! clause that decided it, the documents and what could not be read.

use super::edition::Verdict;
use super::model::{party_line, Applies, DocStatus, ProvisionResult, Report, Status};
use super::Render;
use crate::matching::parties::{PartyDef, Role};
use std::io::Write;
use unicode_width::UnicodeWidthStr;

pub struct TextWriter {
    pub color: bool,
    /// Columns available for a quoted sentence.
    pub columns: usize,
    /// Count East Asian ambiguous characters (○ △ ×) as two columns, as
    /// terminals set up for Japanese do.
    pub ambiguous_wide: bool,
    /// Print the suggested wording under each gap.
    pub suggest: bool,
}

impl Default for TextWriter {
    fn default() -> Self {
        TextWriter {
            color: false,
            columns: 100,
            ambiguous_wide: false,
            suggest: false,
        }
    }
}

impl TextWriter {
    fn width(&self, s: &str) -> usize {
        if self.ambiguous_wide {
            s.width_cjk()
        } else {
            s.width()
        }
    }

    fn pad(&self, s: &str, w: usize) -> String {
        format!("{s}{}", " ".repeat(w.saturating_sub(self.width(s))))
    }

    /// `s` cut to `w` columns, with … when cut.
    fn cut(&self, s: &str, w: usize) -> String {
        if self.width(s) <= w {
            return s.to_string();
        }
        let mut out = String::new();
        let mut used = 0;
        for c in s.chars() {
            let cw = self.width(c.encode_utf8(&mut [0; 4]));
            if used + cw + 1 > w {
                break;
            }
            used += cw;
            out.push(c);
        }
        out.push('…');
        out
    }
}

/// The suggested wording speaks of 甲 (the hospital) and 乙 (the vendor);
/// written with the contract's own labels when they differ.
pub fn with_labels(suggestion: &str, parties: &[&PartyDef]) -> String {
    let label = |role: Role| {
        parties
            .iter()
            .find(|p| p.role == role)
            .map(|p| p.label.as_str())
    };
    match (label(Role::Customer), label(Role::Vendor)) {
        (Some(customer), Some(vendor)) if (customer, vendor) != ("甲", "乙") => suggestion
            .replace('甲', "\u{0}")
            .replace('乙', vendor)
            .replace('\u{0}', customer),
        _ => suggestion.to_string(),
    }
}

impl TextWriter {
    fn paint(&self, s: &str, status: Status) -> String {
        if !self.color {
            return s.to_string();
        }
        let code = match status {
            Status::Present => "32",
            Status::Weak => "33",
            Status::Negated => "1;35",
            Status::Missing => "31",
            Status::Unknown => "36",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    }

    /// A verdict's mark, coloured, padded to `w` columns.
    fn mark_cell(&self, v: Verdict, w: usize) -> String {
        let pad = w.saturating_sub(self.width(v.mark()));
        format!("{}{}", self.paint_verdict(v), " ".repeat(pad))
    }

    /// Columns for a mark before a title: under an edition the widest mark
    /// (要検討); under 5.2 none (each mark as it is, as before editions).
    fn mark_w(&self, r: &Report) -> usize {
        if r.guideline.is_none() {
            return 0;
        }
        r.vendors
            .iter()
            .flat_map(|v| &v.provisions)
            .map(|p| self.width(p.verdict().mark()))
            .max()
            .unwrap_or(0)
    }

    /// A verdict's mark, coloured: a recommendation to consider in blue.
    fn paint_verdict(&self, v: Verdict) -> String {
        match v {
            Verdict::Status(s) => self.paint(s.mark(), s),
            Verdict::Consider if self.color => format!("\x1b[34m{}\x1b[0m", v.mark()),
            _ => v.mark().to_string(),
        }
    }
}

/// The evidence's file name and page: `契約書.docx p.3`.
fn file_page(e: &super::model::Evidence) -> String {
    let mut s = e.path.rsplit('/').next().unwrap_or(&e.path).to_string();
    if let Some(place) = e.place_ja() {
        s.push(' ');
        s.push_str(&place);
    }
    if let Some(o) = e.ocr_label() {
        s.push(' ');
        s.push_str(&o);
    }
    s
}

/// Up to five paths, then how many more.
fn abbreviated(paths: &[&str]) -> String {
    let mut s = paths.iter().take(5).copied().collect::<Vec<_>>().join("、");
    if paths.len() > 5 {
        s.push_str(&format!(" ほか {} 件", paths.len() - 5));
    }
    s
}

impl TextWriter {
    /// One line per vendor, one mark per provision: the whole scan at a glance.
    fn overview(&self, r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let Some(first) = r.vendors.first() else {
            return Ok(());
        };
        let name_w = r
            .vendors
            .iter()
            .map(|v| self.width(&v.name))
            .max()
            .unwrap_or(0)
            .max(4);
        // A column is as wide as its name (with ⚠) and its widest mark (要検討).
        let heads: Vec<String> = first
            .provisions
            .iter()
            .map(|p| format!("{}{}", p.names.short, r.warn_mark(&p.names.id)))
            .collect();
        let cols: Vec<usize> = heads
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let marks = r
                    .vendors
                    .iter()
                    .filter_map(|v| v.provisions.get(i))
                    .map(|p| self.width(p.verdict().mark()));
                marks.fold(self.width(h).max(2), usize::max)
            })
            .collect();
        writeln!(out)?;
        let mut head = format!("{}  ", self.pad("一覧", name_w));
        for (h, w) in heads.iter().zip(&cols) {
            head.push_str(&self.pad(h, *w));
            head.push_str("  ");
        }
        writeln!(out, "{}", head.trim_end())?;
        if r.guideline.is_some() {
            let mut tiers = format!("{}  ", self.pad("層", name_w));
            for (p, w) in first.provisions.iter().zip(&cols) {
                tiers.push_str(&self.pad(p.tier().label_ja(), *w));
                tiers.push_str("  ");
            }
            writeln!(out, "{}", tiers.trim_end())?;
        }
        for v in &r.vendors {
            let mut line = format!("{}  ", self.pad(&v.name, name_w));
            for (p, w) in v.provisions.iter().zip(&cols) {
                let mark = self.pad(p.verdict().mark(), *w);
                line.push_str(&match p.verdict() {
                    Verdict::Status(s) => self.paint(&mark, s),
                    v => self.paint_verdict(v).replace(v.mark(), &mark),
                });
                line.push_str("  ");
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

impl TextWriter {
    /// A service of several vendors: per provision its status, whose contract
    /// it must be in, and each vendor's own mark; then what no vendor covers
    /// and what one vendor's own contract lacks.
    fn service(
        &self,
        r: &Report,
        s: &super::model::ServiceReport,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        use super::model::Coverage;
        writeln!(out)?;
        let lead = s
            .lead
            .as_ref()
            .map(|l| format!("（主たる事業者: {l}）"))
            .unwrap_or_default();
        writeln!(out, "■ サービス「{}」　{}{lead}", s.name, s.case.label_ja())?;
        writeln!(out, "  事業者: {}", s.vendors.join("、"))?;
        let mark_w = self.mark_w(r);
        let short_w = s
            .provisions
            .iter()
            .map(|p| self.width(&p.short))
            .max()
            .unwrap_or(0);
        for p in &s.provisions {
            let each: Vec<String> = p
                .vendors
                .iter()
                .map(|v| {
                    let verdict = r.verdict_for(&v.vendor, &p.id, v.status);
                    format!("{} {}", v.vendor, self.paint_verdict(verdict))
                })
                .collect();
            let coverage = match p.coverage {
                Coverage::Any => String::new(),
                c => format!("［{}］", c.label_ja()),
            };
            let by = p
                .evidence
                .first()
                .map(|e| {
                    let mut w = format!("　根拠: {} {}", e.vendor, file_page(&e.evidence));
                    if let Some(c) = &e.evidence.clause {
                        w.push(' ');
                        w.push_str(c);
                    }
                    w
                })
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {}  {}{coverage}{by}",
                self.mark_cell(Verdict::of(r.tier_of(&p.id), p.status), mark_w),
                self.pad(&p.short, short_w),
                each.join("  "),
            )?;
        }
        let short = |id: &str| {
            s.provisions
                .iter()
                .find(|p| &*p.id == id)
                .map(|p| p.short.to_string())
                .unwrap_or_else(|| id.to_string())
        };
        let (uncovered, consider) = r.uncovered_by_tier(s);
        if !uncovered.is_empty() {
            writeln!(out, "  どの事業者の契約にもない: {}", uncovered.join("、"))?;
        }
        if !consider.is_empty() {
            writeln!(
                out,
                "  要検討（推奨・どの事業者の契約にもない）: {}",
                consider.join("、")
            )?;
        }
        // Per vendor, what its own contract lacks; then why once.
        let mut by_vendor: Vec<(&str, Vec<String>)> = Vec::new();
        for f in &s.shortfalls {
            let mark = format!(
                "{}{}",
                self.paint(f.status.mark(), f.status),
                short(&f.provision)
            );
            match by_vendor.iter_mut().find(|(v, _)| *v == f.vendor) {
                Some((_, marks)) => marks.push(mark),
                None => by_vendor.push((&f.vendor, vec![mark])),
            }
        }
        for (v, marks) in &by_vendor {
            writeln!(out, "  不足: {v} — {}", marks.join(" "))?;
        }
        if !by_vendor.is_empty() {
            writeln!(out, "  （{}）", s.case.why_ja())?;
        }
        if uncovered.is_empty() && s.shortfalls.is_empty() {
            writeln!(out, "  不足: なし")?;
        }
        Ok(())
    }
}

/// What a vendor's provision lines need to know about the vendor.
struct Where<'a> {
    listed: usize,
    unknown_why: &'static str,
    parties: &'a [&'a PartyDef],
    title_w: usize,
    mark_w: usize,
}

impl TextWriter {
    /// One provision of a vendor: its mark, where it was decided, the
    /// sentence, a conflict's other clause and, asked for, the suggested wording.
    fn provision(
        &self,
        r: &Report,
        p: &ProvisionResult,
        at: &Where,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let (listed, unknown_why, parties, title_w) =
            (at.listed, at.unknown_why, at.parties, at.title_w);
        let verdict = p.verdict();
        let mark = self.mark_cell(verdict, at.mark_w);
        let near = p.near_miss.as_ref();
        let where_ = p
            .evidence
            .first()
            .map(|e| {
                let mut s = file_page(e);
                if let Some(c) = &e.clause {
                    s.push(' ');
                    s.push_str(c);
                }
                if e.basis.is_shortfall() {
                    let why = e.basis.label_ja();
                    s.push_str(&format!("（{why}）"));
                }
                if let Some(d) = &e.deadline {
                    s.push_str(&format!("（{}）", d.label_ja()));
                }
                if let Some(d) = e.derived_label() {
                    s.push_str(&format!("【{d}】"));
                }
                if let Some(pv) = &e.prevailing {
                    s.push_str(&format!("（{pv}）"));
                }
                s
            })
            .unwrap_or_else(|| match (p.status, near) {
                (Status::Unknown, _) if listed == 0 => "文書がなく判定できません".into(),
                // What was seen, and where: 「第6条に定めあり。ただし甲（委託者）の義務」.
                (Status::Unknown, Some(n)) => {
                    format!("{unknown_why}。{}（{}）", n.note, file_page(&n.evidence))
                }
                (Status::Unknown, None) => unknown_why.into(),
                (_, Some(n)) => format!("{}（{}）", n.note, file_page(&n.evidence)),
                _ => "該当条項なし".into(),
            });
        writeln!(
            out,
            "  {} {}  {}  {}",
            mark,
            self.pad(
                &format!("{}{}", p.names.title, r.warn_mark(&p.names.id)),
                title_w
            ),
            self.pad(verdict.label_ja(), 4),
            where_
        )?;
        // The sentence that decided it, so the reviewer need not open the file.
        if let Some(e) = p.evidence.first().or(near.map(|n| &n.evidence)) {
            let clause = e
                .clause
                .as_deref()
                .map(|c| format!("{c} "))
                .unwrap_or_default();
            let quote = format!("「{}」", e.text);
            let room = self.columns.saturating_sub(6 + self.width(&clause));
            writeln!(out, "      {clause}{}", self.cut(&quote, room.max(20)))?;
        }
        if let Some(l) = &p.languages {
            writeln!(out, "      {}", l.note_ja())?;
        }
        // A conflict shows both clauses: the reservation is quoted above
        // (it comes first), then the clause it beats.
        if let Some((_, opposite)) = p.conflicting() {
            let c = format!("矛盾: 上の定めが{}に優先します", opposite.clause_quote_ja());
            let room = self.columns.saturating_sub(6);
            writeln!(out, "      {}", self.cut(&c, room.max(20)))?;
        }
        let applies = verdict != Verdict::NotApplicable;
        if self.suggest && p.status != Status::Present && applies {
            let wording = r
                .provisions
                .iter()
                .find(|i| *i.id == *p.names.id)
                .and_then(|i| i.suggestion.as_deref());
            if let Some(w) = wording {
                writeln!(out, "      推奨条項例: {}", with_labels(w, parties))?;
            }
        }
        Ok(())
    }
}

impl Render for TextWriter {
    fn render(&self, r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", super::first_line(r))?;
        for line in r.edition_lines_ja() {
            writeln!(out, "{line}")?;
        }
        let title_w = r
            .vendors
            .iter()
            .flat_map(|v| {
                v.provisions
                    .iter()
                    .map(|p| self.width(&p.names.title) + self.width(r.warn_mark(&p.names.id)))
            })
            .max()
            .unwrap_or(0);
        let mark_w = self.mark_w(r);
        for v in &r.vendors {
            writeln!(out)?;
            let readable = v.documents.iter().filter(|d| d.status.readable()).count();
            let root = v
                .root
                .as_ref()
                .map(|r| format!("　[{r}]"))
                .unwrap_or_default();
            let listed = v
                .documents
                .iter()
                .filter(|d| d.status != DocStatus::Ignored)
                .count();
            writeln!(
                out,
                "■ {}{root}　（文書 {} 件、読取 {} 件）",
                v.name, listed, readable
            )?;
            // 甲＝医療法人○○（委託者）、乙＝株式会社○○（受託者）: so a wrong mapping is visible.
            let parties: Vec<&PartyDef> = v.documents.iter().flat_map(|d| &d.parties).collect();
            let notes = v.documents.iter().flat_map(|d| &d.party_notes);
            let line = party_line(parties.iter().copied(), notes);
            if !line.is_empty() {
                writeln!(out, "  当事者: {line}")?;
            }
            let unknown_why = if v.unknown_by_ocr() {
                "OCR で読んだ文書があり「なし」とは判定しません"
            } else {
                "読めない文書があり判定できません"
            };
            let at = Where {
                listed,
                unknown_why,
                parties: &parties,
                title_w,
                mark_w,
            };
            // Required first, then recommendations, then 対象外 (under 5.2
            // every provision is required: one group, no heading).
            for (tier, heading) in [
                (Applies::Required, "［必須］"),
                (Applies::Recommended, "［推奨（要検討）］"),
                (Applies::NotApplicable, "［対象外（条件に該当せず）］"),
            ] {
                let mut group = v.provisions.iter().filter(|p| p.tier() == tier).peekable();
                if group.peek().is_some() && r.guideline.is_some() {
                    writeln!(out, "  {heading}")?;
                }
                for p in group {
                    self.provision(r, p, &at, out)?;
                }
            }
            for d in &v.documents {
                if d.status != DocStatus::Ignored
                    && (d.status != DocStatus::Ok
                        || !d.unread_pages.is_empty()
                        || !d.notes.is_empty()
                        || !d.ocr_pages.is_empty())
                {
                    let mut line = format!("  ! {}: {}", d.path, d.status.label_ja());
                    if let Some(o) = d.ocr_label() {
                        line.push_str(&format!("（{o}）"));
                    }
                    let why = d.why_ja();
                    if !why.is_empty() {
                        line.push_str(&format!(" — {why}"));
                    }
                    if !d.unread_pages.is_empty() {
                        let pages: Vec<String> =
                            d.unread_pages.iter().map(|u| u.label_ja()).collect();
                        line.push_str(&format!("（読めないページ: {}）", pages.join(", ")));
                    }
                    writeln!(out, "{line}")?;
                }
            }
            let ignored: Vec<&str> = v
                .documents
                .iter()
                .filter(|d| d.status == DocStatus::Ignored)
                .map(|d| d.path.as_str())
                .collect();
            if !ignored.is_empty() {
                writeln!(out, "  （契約書でないため無視: {}）", abbreviated(&ignored))?;
            }
            let titles = |wanted: fn(&ProvisionResult) -> bool| -> Vec<&str> {
                v.provisions
                    .iter()
                    .filter(|p| wanted(p))
                    .map(|p| &*p.names.short)
                    .collect()
            };
            let missing = titles(ProvisionResult::is_gap);
            let check = titles(ProvisionResult::needs_check);
            let consider = titles(ProvisionResult::to_consider);
            if missing.is_empty() && check.is_empty() {
                writeln!(out, "  不足: なし")?;
            }
            if !missing.is_empty() {
                writeln!(out, "  不足: {}", missing.join("、"))?;
            }
            if !check.is_empty() {
                writeln!(out, "  要確認: {}", check.join("、"))?;
            }
            if !consider.is_empty() {
                writeln!(out, "  要検討（推奨）: {}", consider.join("、"))?;
            }
        }
        if r.vendors.len() > 1 {
            self.overview(r, out)?;
        }
        for svc in &r.services {
            self.service(r, svc, out)?;
        }
        if !r.ignored.is_empty() {
            let paths: Vec<&str> = r.ignored.iter().map(|d| d.path.as_str()).collect();
            writeln!(out)?;
            writeln!(out, "契約書でないため無視: {}", abbreviated(&paths))?;
        }
        for w in &r.warnings {
            writeln!(out, "警告: {w}")?;
        }
        let s = &r.summary;
        writeln!(out)?;
        writeln!(out, "凡例: ○ あり  △ 弱い（努力義務・承諾のみ等）  否 否定・免責（契約が明示的に否定）  × なし  ？ 不明（読めない文書あり）")?;
        let more = super::edition::legend_ja(r);
        if !more.is_empty() {
            writeln!(out, "      {}", more.join("  "))?;
        }
        for w in r.source_warnings_ja() {
            writeln!(out, "出典の注意: {w}")?;
        }
        let counts = match r.tally() {
            Some(t) => t.line_ja(),
            None => format!(
                "○ {}  △ {}  否 {}  × {}  ？ {}",
                s.present, s.weak, s.negated, s.missing, s.unknown
            ),
        };
        writeln!(out, "合計: {}  {counts}", s.files_ja("、"))
    }
}
