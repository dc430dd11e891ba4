//! JSON writer: the report model as is, pretty-printed, in deterministic order.

use super::model::Report;
use super::Render;
use std::io::Write;

pub struct JsonWriter;

impl Render for JsonWriter {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        // serde_json writes a few bytes at a time: buffered here, those
        // writes are copies into the buffer, not calls through `dyn Write`.
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, out);
        serde_json::to_writer_pretty(&mut w, report)?;
        writeln!(w)?;
        w.flush()
    }
}
