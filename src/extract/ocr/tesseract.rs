//! Running the `tesseract` program: one page image in a temporary folder, a
//! time limit, its TSV output read back within a size cap.

use super::setup::Engine;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// An image file as tesseract reads it.
#[derive(Debug)]
pub struct Image {
    /// The file extension that tells tesseract (leptonica) its format.
    pub ext: &'static str,
    pub bytes: Vec<u8>,
    /// Resolution, when the page size tells it.
    pub dpi: Option<u32>,
}

/// Why tesseract gave no text for a page.
#[derive(Debug)]
pub enum Failure {
    /// Killed at the time limit.
    Timeout(Duration),
    /// Could not be started, or exited with an error (its message).
    Failed(String),
}

/// TSV output beyond this is not read (a page holds a few hundred kB).
const MAX_TSV_BYTES: u64 = 32 * 1024 * 1024;
/// The end of tesseract's error output kept for the report.
const MAX_MESSAGE_BYTES: usize = 300;

/// How a page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `jpn`, page segmentation 6 (one uniform block of text): contract
    /// pages are one column, and automatic segmentation (3) was seen to read
    /// a plain horizontal page as vertical columns; it is also the fastest.
    /// Segmentation 4 reads ruled tables better but was seen to drop the
    /// first character of lines (委託者は read as 託者は, which then binds the
    /// wrong party); the noise 6 makes of a table is left out instead
    /// ([`super::tsv`]).
    Horizontal,
    /// `jpn_vert`, segmentation 5 (one block of vertical text).
    Vertical,
}

/// Run tesseract on `image` within `limit`; its TSV output.
pub fn recognise(
    engine: &Engine,
    layout: Layout,
    limit: Duration,
    image: &Image,
) -> Result<String, Failure> {
    let failed = |what: &str, e: std::io::Error| Failure::Failed(format!("{what}: {e}"));
    let dir = tempfile::Builder::new()
        .prefix("keiyaku-ocr-")
        .tempdir()
        .map_err(|e| failed("cannot make a temporary folder", e))?;
    let input = dir.path().join(format!("page.{}", image.ext));
    std::fs::write(&input, &image.bytes).map_err(|e| failed("cannot write the page image", e))?;
    let out = dir.path().join("out");
    let err_path = dir.path().join("stderr");
    let err_file =
        std::fs::File::create(&err_path).map_err(|e| failed("cannot write tesseract's log", e))?;
    let mut cmd = Command::new(&engine.program);
    let (languages, psm) = match layout {
        Layout::Horizontal => ("jpn", "6"),
        Layout::Vertical => ("jpn_vert", "5"),
    };
    // --oem 1: the LSTM engine, the one the Japanese models are made for.
    cmd.arg(&input)
        .arg(&out)
        .args(["-l", languages, "--oem", "1", "--psm", psm]);
    if let Some(dpi) = image.dpi {
        cmd.args(["--dpi", &dpi.to_string()]);
    }
    // -j bounds the pages read at once: each tesseract uses one core.
    cmd.arg("tsv")
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(err_file));
    let mut child = cmd
        .spawn()
        .map_err(|e| failed("cannot start tesseract", e))?;
    let status = match child.wait_timeout(limit) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::Timeout(limit));
        }
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed("waiting for tesseract", e));
        }
    };
    if !status.success() {
        return Err(Failure::Failed(format!(
            "tesseract {status}: {}",
            message(&err_path)
        )));
    }
    let tsv = out.with_extension("tsv");
    let mut text = String::new();
    std::fs::File::open(&tsv)
        .and_then(|f| f.take(MAX_TSV_BYTES).read_to_string(&mut text))
        .map_err(|e| {
            Failure::Failed(format!(
                "tesseract wrote no readable output ({e}): {}",
                message(&err_path)
            ))
        })?;
    Ok(text)
}

/// The last lines of tesseract's error output, on one line.
fn message(path: &Path) -> String {
    let raw = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&raw);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Warning") && !l.starts_with("Estimating"))
        .collect();
    let joined = lines.join(" / ");
    let start = joined.len().saturating_sub(MAX_MESSAGE_BYTES);
    let start = (start..=joined.len())
        .find(|&i| joined.is_char_boundary(i))
        .unwrap_or(joined.len());
    let tail = &joined[start..];
    if tail.is_empty() {
        "no message".into()
    } else {
        tail.to_string()
    }
}

/// Run `program args` and return what it printed (stdout and stderr: 4.x
/// and 5.x print --version on different streams), within `limit`.
pub fn ask(program: &Path, args: &[&str], limit: Duration) -> Result<String, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out_path = dir.path().join("out");
    let out = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .map_err(|e| e.to_string())?;
    match child.wait_timeout(limit) {
        Ok(Some(s)) if s.success() => {}
        Ok(Some(s)) => return Err(format!("{} {}: {s}", program.display(), args.join(" "))),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{} did not answer in time", program.display()));
        }
    }
    let mut text = String::new();
    std::fs::File::open(&out_path)
        .and_then(|f| f.take(1024 * 1024).read_to_string(&mut text))
        .map_err(|e| e.to_string())?;
    Ok(text)
}
