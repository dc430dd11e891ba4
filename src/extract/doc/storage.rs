//! The OLE compound file around a .doc, read with the `cfb` crate: its
//! streams, each read whole but never beyond a cap.

use crate::error::ExtractError;
use std::io::{Cursor, Read};

pub type Compound<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

pub fn open(bytes: &[u8]) -> Result<Compound<'_>, ExtractError> {
    cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
        ExtractError::corrupt("DOC", format!("not a readable OLE compound file ({e})"))
    })
}

/// The stream `name` of the root storage, `None` when there is none.
pub fn stream(cf: &mut Compound, name: &str, cap: u64) -> Result<Option<Vec<u8>>, ExtractError> {
    let path = format!("/{name}");
    if !cf.is_stream(&path) {
        return Ok(None);
    }
    let declared = cf.entry(&path).map(|e| e.len()).unwrap_or(0);
    if declared > cap {
        return Err(over_cap(name, cap));
    }
    let s = cf
        .open_stream(&path)
        .map_err(|e| ExtractError::corrupt("DOC", format!("{name} stream: {e}")))?;
    let mut buf = Vec::with_capacity(declared.min(cap).min(1 << 24) as usize);
    s.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| ExtractError::corrupt("DOC", format!("{name} stream: {e}")))?;
    if buf.len() as u64 > cap {
        return Err(over_cap(name, cap));
    }
    Ok(Some(buf))
}

fn over_cap(name: &str, cap: u64) -> ExtractError {
    ExtractError::corrupt(
        "DOC",
        format!("the {name} stream is larger than the stream cap ({cap} bytes)"),
    )
}
