//! Report writers: one trait over one model; writers take a `Write` and never print.

pub mod json;
pub mod model;
pub mod text;

use model::Report;
use std::io::Write;

pub trait Render {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table per vendor for people (○ △ ✕ × ？)
    Text,
    /// Machine-readable report, schema keiyaku.report/1
    Json,
}

impl Format {
    pub fn writer(self, color: bool) -> Box<dyn Render> {
        match self {
            Format::Text => Box::new(text::TextWriter { color }),
            Format::Json => Box::new(json::JsonWriter),
        }
    }
}
