//! JSON writer: the report model as is, pretty-printed, in deterministic order.

use super::model::Report;
use super::Render;
use std::io::Write;

pub struct JsonWriter;

impl Render for JsonWriter {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }
}
