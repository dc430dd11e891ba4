//! Inputs that crashed, hung or blew memory under cargo-fuzz, or in code the
//! fuzz targets reach (see `fuzz/README.md`), kept (minimized where
//! practical) under `tests/data/fuzz/<target>/`.
//! Each goes to the same function its fuzz target calls, which must return
//! (Ok or Err, either is fine) in bounded time: no panic, no hang.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Far above what any of these inputs needs in a release build.
const DEADLINE: Duration = Duration::from_secs(20);

/// Saved inputs that still fail, each with its own `#[ignore]`d test below
/// saying what fails; the sweeps skip them.
const KNOWN_FAILING: &[&str] = &[];

fn dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target)
}

fn data(target: &str, name: &str) -> Vec<u8> {
    let path = dir(target).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every saved input of a target but the known failing ones, by name.
fn saved(target: &str) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir(target)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !KNOWN_FAILING.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// Run `f` on its own thread: it must return, without panicking, within
/// [`DEADLINE`].
fn returns<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(what.to_string())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn");
    match rx.recv_timeout(DEADLINE) {
        Ok(v) => {
            let _ = handle.join();
            v
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let msg = handle
                .join()
                .err()
                .map(|p| keiyaku::guard::message(&*p))
                .unwrap_or_default();
            panic!("{what}: panicked: {msg}")
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no result within {DEADLINE:?}"),
    }
}

fn pdf(name: &str) {
    let bytes = data("pdf", name);
    returns(name, move || {
        let _ = keiyaku::extract::pdf::extract(&bytes);
    });
}

fn docx(name: &str) {
    let bytes = data("docx", name);
    returns(name, move || {
        let _ = keiyaku::extract::docx::extract(&bytes);
    });
}

fn doc(name: &str) {
    let bytes = data("doc", name);
    returns(name, move || {
        let _ = keiyaku::extract::doc::extract(&bytes);
    });
}

fn xls(name: &str) -> Result<keiyaku::document::Document, keiyaku::error::ExtractError> {
    let bytes = data("xls", name);
    returns(name, move || {
        keiyaku::extract::workbook::xls::extract_xls(
            &bytes,
            &keiyaku::extract::workbook::Limits::default(),
        )
    })
}

fn text(name: &str) {
    let bytes = data("text", name);
    returns(name, move || {
        let _ = keiyaku::extract::text::decode(&bytes);
        let _ = keiyaku::extract::text::extract(&bytes);
    });
}

/// A rule file loaded as `--rules FILE` does.
fn rules(name: &str) {
    let bytes = data("rules", name);
    returns(name, move || {
        let dir = tempfile::tempdir().expect("temp dir");
        let file: PathBuf = dir.path().join("rules.toml");
        std::fs::write(&file, bytes).expect("write");
        let _ = keiyaku::rules::RuleSet::load(&file);
    });
}

/// `keiyaku.toml` parsed in memory and loaded from a folder.
fn config(name: &str) {
    let bytes = data("config", name);
    returns(name, move || {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = toml::from_str::<keiyaku::config::FolderConfig>(text);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("keiyaku.toml"), &bytes).expect("write");
        let canonical = std::fs::canonicalize(dir.path()).expect("canonical");
        let _ = keiyaku::config::FolderConfig::load(dir.path(), &canonical);
    });
}

#[test]
fn saved_pdf_inputs_return() {
    saved("pdf").iter().for_each(|n| pdf(n));
}

#[test]
fn saved_docx_inputs_return() {
    saved("docx").iter().for_each(|n| docx(n));
}

#[test]
fn saved_doc_inputs_return() {
    saved("doc").iter().for_each(|n| doc(n));
}

#[test]
fn saved_xls_inputs_return() {
    saved("xls").iter().for_each(|n| {
        let _ = xls(n);
    });
}

/// A crash (libFuzzer, `xls`): a Workbook stream that passes keiyaku's BIFF
/// checks makes calamine slice past a record's end (`utils.rs`, "range end
/// index 2 out of range for slice of length 0"). The panic firewall makes it
/// a corrupt file; a panic here would be a regression of the firewall.
#[test]
fn a_workbook_that_makes_calamine_panic_is_a_corrupt_file() {
    let e = xls("calamine-slice-panic.xls").unwrap_err();
    assert!(e.to_string().contains("calamine could not read it"), "{e}");
}

#[test]
fn saved_text_inputs_return() {
    saved("text").iter().for_each(|n| text(n));
}

#[test]
fn saved_rules_inputs_return() {
    saved("rules").iter().for_each(|n| rules(n));
}

#[test]
fn saved_config_inputs_return() {
    saved("config").iter().for_each(|n| config(n));
}

/// A hang (libFuzzer timeout): an embedded TrueType font whose format 12 cmap
/// group, damaged, runs over billions of codes; inverting the cmap walked them
/// all (ttf-parser's `codepoints`). Fixed in `pdf/fonts.rs` (`unicode_cmap`).
#[test]
fn truetype_cmap_with_an_endless_range_returns() {
    pdf("truetype-cmap-endless-range.pdf");
}

/// A panic: `/Differences [65 /uniあいうえ]`, a glyph name of multi-byte
/// characters, was sliced in four-byte steps. Fixed in `pdf/glyphs.rs`.
#[test]
fn multibyte_uni_glyph_name_returns() {
    pdf("glyph-name-uni-multibyte.pdf");
}

/// `/W [4294967295 [500 600 700] 4294967290 4294967295 500]`: CID + offset
/// overflowed u32 (a panic with overflow checks, as in the fuzz build).
/// Fixed in `pdf/fonts.rs` (`parse_cid_widths`).
#[test]
fn cid_widths_at_the_end_of_u32_return() {
    pdf("cid-widths-u32-overflow.pdf");
}
