//! XLSX writer: a workbook a reviewer can filter and hand on.
//!
//! - 一覧: vendors × provisions, a coloured mark per cell;
//! - 詳細: one row per vendor × provision with the deciding clause, its
//!   quote, and suggested wording for every gap;
//! - 文書: every input file and what became of it;
//! - 実行情報: tool, rule set, guideline sources, what was scanned and when.
//!
//! Numbers and dates are real cells. The run date is the only cell that
//! changes between runs over the same files (set `SOURCE_DATE_EPOCH` to fix it).

use super::csv::{detail_columns, detail_rows, vendor_label};
use super::edition::Verdict;
use super::model::{DocReport, Report, Status};
use super::Render;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use std::io::Write;

pub struct XlsxWriter;

const ALL: [Status; 5] = [
    Status::Present,
    Status::Weak,
    Status::Negated,
    Status::Missing,
    Status::Unknown,
];

pub const SHEET_OVERVIEW: &str = "一覧";
pub const SHEET_DETAIL: &str = "詳細";
pub const SHEET_DOCUMENTS: &str = "文書";
pub const SHEET_RUN: &str = "実行情報";

/// Widest column, in Excel character units, before text wraps.
const MAX_WIDTH: usize = 60;

/// Display width: East Asian wide and fullwidth characters count as 2.
fn width(s: &str) -> usize {
    s.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

/// Column widths that fit the widest cell written, up to [`MAX_WIDTH`].
struct Widths(Vec<usize>);

impl Widths {
    fn new() -> Widths {
        Widths(Vec::new())
    }

    fn fit(&mut self, col: u16, s: &str) {
        let col = col as usize;
        if self.0.len() <= col {
            self.0.resize(col + 1, 0);
        }
        self.0[col] = self.0[col].max(width(s));
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, w) in self.0.iter().enumerate() {
            let w = (w + 2).clamp(6, MAX_WIDTH);
            ws.set_column_width(col as u16, w as f64)?;
        }
        Ok(())
    }
}

/// The cell formats, made once.
struct Styles {
    header: Format,
    text: Format,
    wrap: Format,
    number: Format,
    date: Format,
    bold: Format,
    /// By status, in `Status` order.
    marks: Vec<Format>,
    /// A recommendation not found (要検討) and 対象外.
    consider: Format,
    not_applicable: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_align(FormatAlign::Top);
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text: base.clone(),
            wrap: base.clone().set_text_wrap(),
            number: base.clone().set_num_format("0"),
            date: base.clone().set_num_format("yyyy-mm-dd hh:mm:ss"),
            bold: base.set_bold(),
            marks: ALL.iter().map(|s| Styles::status_format(*s)).collect(),
            consider: Styles::fill(0xDDEBF7, 0x1F4E79),
            not_applicable: Styles::fill(0xEDEDED, 0x595959),
        }
    }

    fn status(&self, s: Status) -> &Format {
        &self.marks[s as usize]
    }

    fn verdict(&self, v: Verdict) -> &Format {
        match v {
            Verdict::Status(s) => self.status(s),
            Verdict::Consider => &self.consider,
            Verdict::NotApplicable => &self.not_applicable,
        }
    }

    fn fill(fill: u32, font: u32) -> Format {
        Format::new()
            .set_background_color(Color::RGB(fill))
            .set_font_color(Color::RGB(font))
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top)
    }

    /// Fill and font for a status: present green, weak yellow, negated dark
    /// red with white type, missing orange, unknown lavender. Negated and
    /// missing differ in both fill and type, so they are told apart in print.
    fn status_format(s: Status) -> Format {
        let (fill, font) = match s {
            Status::Present => (0xC6EFCE, 0x006100),
            Status::Weak => (0xFFEB9C, 0x9C5700),
            Status::Negated => (0xC00000, 0xFFFFFF),
            Status::Missing => (0xF8CBAD, 0x843C0C),
            Status::Unknown => (0xE4DFEC, 0x5B3F86),
        };
        let f = Styles::fill(fill, font);
        if s == Status::Negated {
            f.set_bold()
        } else {
            f
        }
    }
}

/// 当事者: `甲＝社会医療法人青葉会（委託者）、乙＝…（受託者）`, then what needs checking.
pub fn parties_ja(d: &DocReport) -> String {
    super::model::party_line(&d.parties, &d.party_notes)
}

/// 読めないページ: `5001–5003 ページ数の上限超過、7 画像のみ（スキャン）`.
pub fn unread_pages_ja(d: &DocReport) -> String {
    d.unread_pages
        .iter()
        .map(|u| u.label_ja())
        .collect::<Vec<_>>()
        .join("、")
}

/// Seconds since 1970 for the run date: `SOURCE_DATE_EPOCH` when set (for
/// reproducible files), else now.
fn run_timestamp() -> i64 {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn overview(r: &Report, ws: &mut Worksheet, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEET_OVERVIEW)?;
    let mut widths = Widths::new();
    ws.write_string_with_format(0, 0, "事業者", &st.header)?;
    widths.fit(0, "事業者");
    for (i, p) in r.provisions.iter().enumerate() {
        let col = i as u16 + 1;
        let head = format!("{}{}", p.short, r.warn_mark(&p.id));
        ws.write_string_with_format(0, col, &head, &st.header)?;
        widths.fit(col, &head);
    }
    // Under an edition, a row of tiers (必須 / 推奨) under the names; it
    // carries the filter buttons.
    let top = u32::from(r.guideline.is_some());
    if top == 1 {
        ws.write_string_with_format(1, 0, "層", &st.header)?;
        for (i, p) in r.provisions.iter().enumerate() {
            let tier = r.tier_of(&p.id).map_or("", |t| t.label_ja());
            ws.write_string_with_format(1, i as u16 + 1, tier, &st.header)?;
        }
    }
    let centred = |f: &Format| f.clone().set_align(FormatAlign::Center);
    let marks: Vec<Format> = ALL.iter().map(|s| centred(st.status(*s))).collect();
    let (consider, not_applicable) = (centred(&st.consider), centred(&st.not_applicable));
    let mark_format = |v: Verdict| match v {
        Verdict::Status(s) => &marks[s as usize],
        Verdict::Consider => &consider,
        Verdict::NotApplicable => &not_applicable,
    };
    for (row, v) in r.vendors.iter().enumerate() {
        let row = row as u32 + 1 + top;
        let name = vendor_label(v);
        ws.write_string_with_format(row, 0, &name, &st.bold)?;
        widths.fit(0, &name);
        for p in &v.provisions {
            // By id, so a vendor's column always sits under its provision.
            let Some(i) = r.provisions.iter().position(|i| *i.id == *p.names.id) else {
                continue;
            };
            let v = p.verdict();
            ws.write_string_with_format(row, i as u16 + 1, v.mark(), mark_format(v))?;
            widths.fit(i as u16 + 1, v.mark());
        }
    }
    // Services below their vendors, in the same columns.
    for (k, s) in r.services.iter().enumerate() {
        let row = (r.vendors.len() + k) as u32 + 1 + top;
        let name = super::csv::service_label(s);
        ws.write_string_with_format(row, 0, &name, &st.bold)?;
        widths.fit(0, &name);
        for p in &s.provisions {
            let Some(i) = r.provisions.iter().position(|i| *i.id == *p.id) else {
                continue;
            };
            let v = Verdict::of(r.tier_of(&p.id), p.status);
            ws.write_string_with_format(row, i as u16 + 1, v.mark(), mark_format(v))?;
            widths.fit(i as u16 + 1, v.mark());
        }
    }
    let rows = (r.vendors.len() + r.services.len()) as u32 + top;
    let last_col = r.provisions.len() as u16;
    ws.set_freeze_panes(1 + top, 1)?;
    ws.autofilter(top, 0, rows, last_col)?;
    widths.apply(ws)?;
    // The legend, below the filtered range.
    let mut row = rows + 2;
    ws.write_string_with_format(row, 0, "凡例", &st.bold)?;
    for s in ALL {
        row += 1;
        ws.write_string_with_format(row, 0, s.mark(), mark_format(Verdict::Status(s)))?;
        let words = match s {
            Status::Present => "あり",
            Status::Weak => "弱い（努力義務・承諾のみ等）",
            Status::Negated => "否定・免責",
            Status::Missing => "なし",
            Status::Unknown => "不明（読めない文書あり）",
        };
        ws.write_string(row, 1, words)?;
    }
    if r.guideline.is_some() {
        for v in [Verdict::Consider, Verdict::NotApplicable] {
            row += 1;
            ws.write_string_with_format(row, 0, v.mark(), mark_format(v))?;
            ws.write_string(row, 1, v.meaning_ja())?;
        }
        row += 1;
        ws.write_string(row, 0, "⚠")?;
        ws.write_string(row, 1, "出典が案・二次情報のみの条項")?;
        for w in r.source_warnings_ja() {
            row += 1;
            ws.write_string(row, 1, &w)?;
        }
    }
    Ok(())
}

fn detail(r: &Report, ws: &mut Worksheet, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEET_DETAIL)?;
    let mut widths = Widths::new();
    let columns = detail_columns(r);
    for (col, h) in columns.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &st.header)?;
        widths.fit(col as u16, h);
    }
    let rows = detail_rows(r);
    for (i, d) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, name) in columns.iter().enumerate() {
            let col = col as u16;
            // A page is a number cell (a workbook's sheet name is text).
            if *name == "ページ" && d.sheet.is_none() {
                if let Some(p) = d.page {
                    ws.write_number_with_format(row, col, p, &st.number)?;
                }
                continue;
            }
            let s = d.cell(name);
            if s.is_empty() {
                continue;
            }
            let f = match *name {
                "判定" => st.verdict(d.shown()),
                "条項" | "文書" | "見出し" | "引用" | "推奨条項例" | "注記" => {
                    &st.wrap
                }
                _ => &st.text,
            };
            ws.write_string_with_format(row, col, &*s, f)?;
            widths.fit(col, &s);
        }
    }
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, rows.len() as u32, columns.len() as u16 - 1)?;
    widths.apply(ws)?;
    Ok(())
}

fn documents(r: &Report, ws: &mut Worksheet, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEET_DOCUMENTS)?;
    const COLUMNS: [&str; 9] = [
        "事業者",
        "パス",
        "形式",
        "状態",
        "理由",
        "ページ数",
        "読めないページ",
        "sha256",
        "当事者",
    ];
    let mut widths = Widths::new();
    for (col, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &st.header)?;
        widths.fit(col as u16, h);
    }
    let docs = r
        .vendors
        .iter()
        .flat_map(|v| v.documents.iter().map(move |d| (vendor_label(v), d)))
        .chain(r.ignored.iter().map(|d| (String::new(), d)));
    let mut row = 0u32;
    for (vendor, d) in docs {
        row += 1;
        let mut unread = unread_pages_ja(d);
        if let Some(o) = d.ocr_label() {
            if !unread.is_empty() {
                unread.push('、');
            }
            unread.push_str(&o);
        }
        let parties = parties_ja(d);
        let why: Vec<&str> = d
            .reason
            .iter()
            .chain(&d.notes)
            .map(|s| s.as_str())
            .collect();
        let why = why.join("；");
        let texts: [(u16, &str, &Format); 8] = [
            (0, &vendor, &st.text),
            (1, &d.path, &st.wrap),
            (2, &d.format, &st.text),
            (3, d.status.label_ja(), &st.text),
            (4, &why, &st.wrap),
            (6, &unread, &st.wrap),
            (7, d.sha256.as_deref().unwrap_or(""), &st.text),
            (8, &parties, &st.wrap),
        ];
        for (col, s, f) in texts {
            if s.is_empty() {
                continue;
            }
            ws.write_string_with_format(row, col, s, f)?;
            widths.fit(col, s);
        }
        if let Some(p) = d.pages {
            ws.write_number_with_format(row, 5, p, &st.number)?;
        }
    }
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, row, COLUMNS.len() as u16 - 1)?;
    widths.apply(ws)?;
    Ok(())
}

fn run_info(
    r: &Report,
    ws: &mut Worksheet,
    st: &Styles,
    date: &ExcelDateTime,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET_RUN)?;
    let mut widths = Widths::new();
    let mut row = 0u32;
    let mut put = |ws: &mut Worksheet, key: &str, value: &str| -> Result<(), XlsxError> {
        ws.write_string_with_format(row, 0, key, &st.bold)?;
        ws.write_string_with_format(row, 1, value, &st.wrap)?;
        widths.fit(0, key);
        widths.fit(1, value);
        row += 1;
        Ok(())
    };
    put(ws, "ツール", &format!("{} {}", r.tool.name, r.tool.version))?;
    put(ws, "形式", r.schema)?;
    put(ws, "規則セット", &r.rules.id)?;
    put(ws, "規則セットの版", &r.rules.version)?;
    put(ws, "規則セット sha256", &r.rules.sha256)?;
    if let Some(g) = &r.guideline {
        put(ws, "照合基準", &g.label_ja())?;
        for n in &g.notes {
            put(ws, "照合基準の注記", n)?;
        }
        for w in r.source_warnings_ja() {
            put(ws, "出典の注意", &w)?;
        }
    }
    if let Some(d) = &r.rules.description {
        put(ws, "規則セットの説明", d)?;
    }
    let mut sources: Vec<&str> = Vec::new();
    for s in r.provisions.iter().filter_map(|p| p.source.as_deref()) {
        if !sources.contains(&s) {
            sources.push(s);
        }
    }
    for s in &sources {
        put(ws, "ガイドライン出典", s)?;
    }
    for p in &r.run.paths {
        put(ws, "対象 PATH", p)?;
    }
    let options = if r.run.options.is_empty() {
        "なし".to_string()
    } else {
        r.run.options.join(" ")
    };
    put(ws, "オプション", &options)?;
    for w in &r.warnings {
        put(ws, "警告", w)?;
    }
    let s = &r.summary;
    let by_status = |x: Status| format!("{} {}", x.mark(), x.label_ja());
    let mut counts: Vec<(String, usize)> = vec![
        ("事業者数".into(), s.vendors),
        ("ファイル数".into(), s.documents),
        ("読取不可".into(), s.unreadable_documents),
        ("未対応の形式".into(), s.unsupported_documents),
        ("未開封".into(), s.skipped_documents),
        ("無視".into(), s.ignored_documents),
        (by_status(Status::Present), s.present),
        (by_status(Status::Weak), s.weak),
        (by_status(Status::Negated), s.negated),
        (by_status(Status::Missing), s.missing),
        (by_status(Status::Unknown), s.unknown),
    ];
    // Under an edition only required provisions count by status; a
    // recommendation not found is 要検討, never a gap.
    if let Some(t) = r.tally() {
        counts.truncate(6);
        for x in ALL {
            counts.push((format!("必須 {}", by_status(x)), t.required[x as usize]));
        }
        for x in ALL.into_iter().filter(|x| *x != Status::Missing) {
            counts.push((format!("推奨 {}", by_status(x)), t.recommended[x as usize]));
        }
        counts.push((Verdict::Consider.cell_ja(), t.consider));
        counts.push((Verdict::NotApplicable.cell_ja(), t.not_applicable));
    }
    for (key, n) in &counts {
        let (key, n) = (key.as_str(), *n);
        ws.write_string_with_format(row, 0, key, &st.bold)?;
        ws.write_number_with_format(row, 1, n as f64, &st.number)?;
        widths.fit(0, key);
        row += 1;
    }
    let key = "実行日時（UTC）";
    ws.write_string_with_format(row, 0, key, &st.bold)?;
    ws.write_datetime_with_format(row, 1, date, &st.date)?;
    widths.fit(0, key);
    widths.fit(1, "2026-12-01 00:00:00");
    widths.apply(ws)?;
    Ok(())
}

fn workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let date = ExcelDateTime::from_timestamp(run_timestamp())?;
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title("keiyaku 契約書チェック結果")
        .set_creation_datetime(&date)
        .set_custom_property("keiyaku.schema", r.schema)
        .set_custom_property("keiyaku.rules.sha256", r.rules.sha256.as_str());
    wb.set_properties(&props);
    overview(r, wb.add_worksheet(), &st)?;
    detail(r, wb.add_worksheet(), &st)?;
    documents(r, wb.add_worksheet(), &st)?;
    run_info(r, wb.add_worksheet(), &st, &date)?;
    wb.save_to_buffer()
}

impl Render for XlsxWriter {
    fn render(&self, r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let bytes = workbook(r).map_err(std::io::Error::other)?;
        out.write_all(&bytes)
    }
}

/// Is this an XLSX report keiyaku wrote? It carries the custom document
/// property `keiyaku.schema`. (For [`super::is_keiyaku_report`], so a
/// workbook left in a scanned folder is ignored rather than listed as an
/// unsupported document that makes a vendor's verdict unknown.)
pub fn is_report(bytes: &[u8]) -> bool {
    use std::io::Read;
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    let Ok(file) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    let mut xml = Vec::new();
    if file.take(64 * 1024).read_to_end(&mut xml).is_err() {
        return false;
    }
    let xml = String::from_utf8_lossy(&xml);
    xml.contains("name=\"keiyaku.schema\"") && xml.contains("keiyaku.report/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_width_counts_wide_characters_twice() {
        assert_eq!(width("事業者"), 6);
        assert_eq!(width("abc"), 3);
        assert_eq!(width("ｱｲｳ"), 3, "halfwidth katakana are narrow");
        assert_eq!(width("長い行\nab"), 6, "the widest line of a cell");
    }

    #[test]
    fn an_xlsx_that_is_not_a_report_is_not_recognised() {
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "見積書").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert!(!is_report(&bytes));
        assert!(!is_report(b"PK\x03\x04 truncated"));
        assert!(!is_report(b""));
    }
}
