//! Report writers: one trait over one model; writers take a `Write` and never print.

pub mod csv;
pub mod edition;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod shared;
pub mod text;
pub mod xlsx;

use model::Report;
use std::io::Write;

pub trait Render {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table per vendor for people (○ △ 否 × ？)
    Text,
    /// Machine-readable report, schema keiyaku.report/3
    Json,
    /// Workbook for Excel: 一覧 (coloured marks), 詳細, 文書, 実行情報
    Xlsx,
    /// One row per vendor × provision, UTF-8 with BOM for Excel
    Csv,
    /// Overview and per-vendor tables in Markdown
    #[value(alias = "md")]
    Markdown,
    /// One self-contained HTML page to read in a browser or print on A4
    Html,
}

impl Format {
    /// The format a file's extension names, if any.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        match crate::discover::extension(path).as_str() {
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }

    pub fn writer(self, color: bool) -> Box<dyn Render> {
        match self {
            Format::Text => Box::new(text::TextWriter {
                color,
                ..Default::default()
            }),
            Format::Json => Box::new(json::JsonWriter),
            Format::Xlsx => Box::new(xlsx::XlsxWriter),
            Format::Csv => Box::new(csv::CsvWriter),
            Format::Markdown => Box::new(markdown::MarkdownWriter),
            Format::Html => Box::new(html::HtmlWriter),
        }
    }
}

/// The first line of the text and Markdown reports: it names the tool and the
/// rule set, and [`is_keiyaku_report`] recognises a saved report by it.
pub fn first_line(r: &Report) -> String {
    format!(
        "keiyaku {} — 規則セット {} {}",
        r.tool.version, r.rules.id, r.rules.version
    )
}

/// Does a file begin like a report keiyaku wrote? Such a file lying in a
/// scanned folder is listed as `ignored`, never read as a contract. Every
/// writer starts its output with one of these marks.
pub fn is_keiyaku_report(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    // JSON, pretty or compact: the schema is the first key.
    let squeezed: String = head
        .chars()
        .take(64)
        .filter(|c| !c.is_whitespace())
        .collect();
    let json = squeezed.starts_with("{\"schema\":\"keiyaku.report/");
    // Text: the first line names the tool and its rule set.
    let text = head.starts_with("keiyaku ")
        && head
            .lines()
            .next()
            .is_some_and(|l| l.contains(" — 規則セット "));
    // HTML: the generator meta in the head.
    let html = head.to_ascii_lowercase().starts_with("<!doctype html")
        && head.contains("<meta name=\"generator\" content=\"keiyaku\">");
    json || text || html || xlsx::is_report(bytes) || csv::is_report(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keiyaku_reports_are_recognised_and_contracts_are_not() {
        assert!(is_keiyaku_report(
            b"{\n  \"schema\": \"keiyaku.report/3\",\n  \"tool\": {}"
        ));
        assert!(is_keiyaku_report(
            "keiyaku 0.1.0 — 規則セット mhlw-5.2 1\n\n■ A".as_bytes()
        ));
        assert!(is_keiyaku_report(
            b"<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"keiyaku\">"
        ));
        assert!(!is_keiyaku_report(
            b"<!DOCTYPE html>\n<html><head><title>x</title>"
        ));
        assert!(!is_keiyaku_report("業務委託契約書\n第1条".as_bytes()));
        assert!(!is_keiyaku_report(b"{\"name\": \"x\"}"));
    }
}
