//! CSV writer: one row per vendor × provision, the columns of the XLSX 詳細
//! sheet. UTF-8 with a byte order mark so that Excel in Japanese opens it
//! without mojibake; RFC 4180 (CRLF, fields quoted when they need it).
//!
//! The row model ([`detail_rows`]) is shared with the XLSX and Markdown writers.

use super::edition::Verdict;
use super::model::{Applies, DocStatus, ProvisionResult, Report, Status, VendorReport};
use super::Render;
use std::io::Write;

pub struct CsvWriter;

/// Columns of a detail row, in order (CSV header and XLSX 詳細 sheet).
pub const DETAIL_COLUMNS: [&str; 10] = [
    "事業者",
    "条項",
    "判定",
    "理由",
    "文書",
    "ページ",
    "条項番号",
    "見出し",
    "引用",
    "推奨条項例",
];

/// Columns of a detail row under an edition after 5.2: the tier (層) beside
/// the provision, and a note (注記) for source warnings and conflicts.
pub const EDITION_COLUMNS: [&str; 12] = [
    "事業者",
    "条項",
    "層",
    "判定",
    "理由",
    "文書",
    "ページ",
    "条項番号",
    "見出し",
    "引用",
    "推奨条項例",
    "注記",
];

/// The detail columns of this report: 5.2 keeps the columns it always had.
pub fn detail_columns(r: &Report) -> &'static [&'static str] {
    if r.guideline.is_some() {
        &EDITION_COLUMNS
    } else {
        &DETAIL_COLUMNS
    }
}

/// The vendor as one cell: its name, and the scanned folder it lies in when
/// several were scanned (two folders may hold vendors of the same name).
pub fn vendor_label(v: &VendorReport) -> String {
    match &v.root {
        Some(root) => format!("{}（{}）", v.name, root),
        None => v.name.clone(),
    }
}

/// Why a provision got its status: the basis of the deciding clause, or why
/// there is none (the near miss seen, when there is one).
pub fn reason_ja(v: &VendorReport, p: &ProvisionResult) -> String {
    if let Some(e) = p.evidence.first() {
        let mut why = match &e.deadline {
            Some(d) => format!("{}（{}）", e.basis.label_ja(), d.label_ja()),
            None => e.basis.label_ja().to_string(),
        };
        if let Some(o) = e.ocr_label() {
            why.push_str(&format!("・{o}"));
        }
        if let Some(d) = e.derived_label() {
            why.push_str(&format!("・{d}"));
        }
        if let Some(pv) = &e.prevailing {
            why.push_str(&format!("・{pv}"));
        }
        if let Some(l) = &p.languages {
            why.push_str(&format!("・{}", l.note_ja()));
        }
        return why;
    }
    let near = p.near_miss.as_ref().map(|n| &*n.note);
    match (p.status, near) {
        (Status::Unknown, near) => {
            let listed = v.documents.iter().any(|d| d.status != DocStatus::Ignored);
            match near {
                _ if !listed => "文書なし".into(),
                Some(n) if v.unknown_by_ocr() => format!("OCR で読んだ文書あり。{n}"),
                None if v.unknown_by_ocr() => "OCR で読んだ文書あり（読み落としの可能性）".into(),
                Some(n) => format!("読めない文書あり。{n}"),
                None => "読めない文書あり".into(),
            }
        }
        (_, Some(n)) => n.to_string(),
        _ => "該当条項なし".into(),
    }
}

/// One vendor × provision: the verdict and the clause that decided it.
pub struct DetailRow<'a> {
    pub vendor: String,
    pub title: &'a str,
    pub status: Status,
    /// Under an edition after 5.2: how the provision applies.
    pub tier: Option<Applies>,
    pub reason: String,
    pub path: &'a str,
    pub page: Option<u32>,
    /// The sheet, for a workbook: shown in the page column.
    pub sheet: Option<&'a str>,
    pub clause: &'a str,
    pub heading: &'a str,
    pub quote: &'a str,
    /// Suggested wording, for every status but present.
    pub suggestion: &'a str,
    /// The ⚠ source warning and a conflict's two clauses (empty under 5.2).
    pub note: String,
}

impl DetailRow<'_> {
    /// What the status comes to under the tier (要検討, 対象外).
    pub fn shown(&self) -> Verdict {
        Verdict::of(self.tier, self.status)
    }

    /// 判定: the mark and its label (`△ 弱い`, `要検討 推奨・なし`).
    pub fn verdict(&self) -> String {
        self.shown().cell_ja()
    }

    /// 層: 必須 / 推奨 / 対象外 (empty without an edition).
    pub fn tier_ja(&self) -> &'static str {
        self.tier.map_or("", Applies::label_ja)
    }

    /// The cell of column `name` (of [`DETAIL_COLUMNS`] or [`EDITION_COLUMNS`]).
    pub fn cell(&self, name: &str) -> std::borrow::Cow<'_, str> {
        match name {
            "事業者" => self.vendor.as_str().into(),
            "条項" => self.title.into(),
            "層" => self.tier_ja().into(),
            "判定" => self.verdict().into(),
            "理由" => self.reason.as_str().into(),
            "文書" => self.path.into(),
            "ページ" => self.page_text().into(),
            "条項番号" => self.clause.into(),
            "見出し" => self.heading.into(),
            "引用" => self.quote.into(),
            "推奨条項例" => self.suggestion.into(),
            "注記" => self.note.as_str().into(),
            _ => "".into(),
        }
    }

    /// The page column as text: the sheet of a workbook (`シート: 責任分界表`),
    /// else the page number, else empty.
    pub fn page_text(&self) -> String {
        match (self.sheet, self.page) {
            (Some(s), _) => format!("シート: {s}"),
            (None, Some(p)) => p.to_string(),
            (None, None) => String::new(),
        }
    }
}

/// Every vendor × provision, vendors and provisions in report order.
pub fn detail_rows(r: &Report) -> Vec<DetailRow<'_>> {
    let mut rows = Vec::new();
    for v in &r.vendors {
        let vendor = vendor_label(v);
        for p in &v.provisions {
            // A × quotes its near miss, so the reviewer sees what was seen.
            let e = p
                .evidence
                .first()
                .or(p.near_miss.as_ref().map(|n| &n.evidence));
            let suggestion = if p.status == Status::Present || p.verdict() == Verdict::NotApplicable
            {
                ""
            } else {
                r.provisions
                    .iter()
                    .find(|i| *i.id == *p.names.id)
                    .and_then(|i| i.suggestion.as_deref())
                    .unwrap_or("")
            };
            let note: Vec<String> = r
                .source_warning_of(&p.names.id)
                .map(str::to_string)
                .into_iter()
                .chain(p.conflict_ja())
                .collect();
            rows.push(DetailRow {
                vendor: vendor.clone(),
                title: &p.names.title,
                status: p.status,
                tier: p.applies,
                reason: reason_ja(v, p),
                path: e.map_or("", |e| &*e.path),
                page: e.and_then(|e| e.page),
                sheet: e.and_then(|e| e.sheet.as_deref()),
                clause: e.and_then(|e| e.clause.as_deref()).unwrap_or(""),
                heading: e.and_then(|e| e.heading.as_deref()).unwrap_or(""),
                quote: e.map_or("", |e| &*e.text),
                suggestion,
                note: note.join("；"),
            });
        }
    }
    rows.extend(service_rows(r));
    rows
}

/// A service as one cell: 「サービス「電子カルテ」」, apart from every vendor name.
pub fn service_label(s: &super::model::ServiceReport) -> String {
    format!("サービス「{}」", s.name)
}

/// Why a service's provision got its status: whose contract counts, and
/// each vendor's own mark (`各事業者の契約: A ○、B ×`).
pub fn service_reason_ja(
    r: &Report,
    case: super::model::ServiceCase,
    p: &super::model::ServiceProvision,
) -> String {
    use super::model::Coverage;
    let marks: Vec<String> = p
        .vendors
        .iter()
        .map(|v| {
            let mark = r.verdict_for(&v.vendor, &p.id, v.status).mark();
            format!("{} {mark}", v.vendor)
        })
        .collect();
    match p.coverage {
        Coverage::Any => format!("{}: {}", p.coverage.label_ja(), marks.join("、")),
        c => format!(
            "{}（{}）: {}",
            c.label_ja(),
            case.figure(),
            marks.join("、")
        ),
    }
}

/// Every service × provision, after the vendors' rows.
fn service_rows(r: &Report) -> Vec<DetailRow<'_>> {
    let mut rows = Vec::new();
    for s in &r.services {
        for p in &s.provisions {
            let e = p.evidence.first().map(|e| &e.evidence);
            let title = r.title_of(&p.id, &p.short);
            rows.push(DetailRow {
                vendor: service_label(s),
                title,
                status: p.status,
                tier: r.tier_of(&p.id),
                reason: service_reason_ja(r, s.case, p),
                path: e.map_or("", |e| &*e.path),
                page: e.and_then(|e| e.page),
                sheet: e.and_then(|e| e.sheet.as_deref()),
                clause: e.and_then(|e| e.clause.as_deref()).unwrap_or(""),
                heading: e.and_then(|e| e.heading.as_deref()).unwrap_or(""),
                quote: e.map_or("", |e| &*e.text),
                suggestion: "",
                note: r.source_warning_of(&p.id).unwrap_or("").to_string(),
            });
        }
    }
    rows
}

/// A text field Excel would take for a formula (`=…`, `+…`, `-…`, `@…`) gets a
/// leading apostrophe, so opening the CSV never evaluates a file or folder
/// name or a contract's words.
fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

impl Render for CsvWriter {
    fn render(&self, r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(b"\xEF\xBB\xBF")?;
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut *out);
        let columns = detail_columns(r);
        w.write_record(columns)?;
        for row in detail_rows(r) {
            let fields: Vec<std::borrow::Cow<str>> = columns
                .iter()
                .map(|c| {
                    let v = row.cell(c);
                    // Our own words are never formulas; everything else may be.
                    match *c {
                        "判定" | "理由" | "層" | "注記" => v,
                        _ => inert(&v).into_owned().into(),
                    }
                })
                .collect();
            w.write_record(fields.iter().map(|f| f.as_bytes()))?;
        }
        w.flush()?;
        Ok(())
    }
}

/// Is this a CSV report keiyaku wrote? Its first line is the detail header.
/// (For [`super::is_keiyaku_report`], so a CSV left in a scanned folder is
/// ignored rather than listed as an unsupported document.)
pub fn is_report(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    [&DETAIL_COLUMNS[..], &EDITION_COLUMNS[..]].iter().any(|c| {
        let header = c.join(",");
        body.starts_with(header.as_bytes())
            && matches!(body.get(header.len()), Some(b'\r' | b'\n') | None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_report_is_recognised_by_its_header_line() {
        let header = format!("\u{feff}{}\r\n", DETAIL_COLUMNS.join(","));
        assert!(is_report(header.as_bytes()));
        let header = format!("\u{feff}{}\r\n", EDITION_COLUMNS.join(","));
        assert!(is_report(header.as_bytes()));
        assert!(!is_report("事業者,条項\r\n".as_bytes()));
        assert!(!is_report(b"name,price\n"));
    }

    #[test]
    fn formula_like_fields_are_made_inert() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("乙は、"), "乙は、");
        assert_eq!(inert(""), "");
    }
}
