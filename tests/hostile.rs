//! Hostile input: deterministic mutations (bit flips, truncations, inserted
//! and duplicated bytes) of real PDFs, DOCX, DOC, XLS, ODT, ODS and RTF files. Every mutant must end
//! with a document or a typed error, quickly: no panic escapes the firewall,
//! no stack overflow, no hang.

mod util;

use keiyaku::discover::Format;
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut d = data.to_vec();
    for _ in 0..1 + rng.below(8) {
        match rng.below(5) {
            0 => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            1 => d.truncate(rng.below(d.len())),
            2 => {
                let i = rng.below(d.len());
                let b = [b'[', b'(', b'<', b'0', b'\xff', b'/', b'R'][rng.below(7)];
                for _ in 0..rng.below(64) {
                    d.insert(i, b);
                }
            }
            3 => {
                let i = rng.below(d.len());
                let j = (i + rng.below(4096)).min(d.len());
                let chunk = d[i..j].to_vec();
                let at = rng.below(d.len());
                d.splice(at..at, chunk);
            }
            _ => {
                let i = rng.below(d.len());
                let j = (i + rng.below(256)).min(d.len());
                d.drain(i..j);
            }
        }
        if d.is_empty() {
            break;
        }
    }
    d
}

/// `KEIYAKU_MUTANTS=20000 cargo test --release --test hostile` runs a longer campaign.
fn run(files: &[(&str, Format)], mutants: usize) {
    let mutants = std::env::var("KEIYAKU_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(mutants);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (path, format) in files {
        let data = std::fs::read(root.join(path)).unwrap();
        for n in 0..mutants {
            let m = mutate(&data, &mut rng);
            let t = Instant::now();
            // Ok or Err are both fine; a panic would be Internal, which must not happen either.
            let result = keiyaku::app::extract_guarded(*format, &m);
            if let Err(keiyaku::error::ExtractError::Internal(msg)) = &result {
                panic!("{path} mutant {n}: panic inside the extractor: {msg}");
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "{path} mutant {n} took {:?}",
                t.elapsed()
            );
        }
    }
}

#[test]
fn mutated_pdfs_end_with_a_status() {
    run(
        &[
            ("tests/fixtures/lo-ipaex.pdf", Format::Pdf),
            ("tests/fixtures/reportlab-heiseimin.pdf", Format::Pdf),
            ("tests/fixtures/enc-aes128-empty.pdf", Format::Pdf),
            ("samples/さくらメディカルクラウド/SLA.pdf", Format::Pdf),
        ],
        1000,
    );
}

/// Mutate document.xml inside a valid archive, so the XML walker (not the
/// zip reader) meets the damage.
#[test]
fn mutated_document_xml_ends_with_a_status() {
    use std::io::{Read, Write};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read(root.join("samples/ことぶきデータ/利用規約.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&data)).unwrap();
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        parts.push((f.name().map(|n| n.to_string()).unwrap_or_default(), buf));
    }
    let mut rng = Rng(42);
    for n in 0..300 {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, buf) in &parts {
            out.start_file(name.as_str(), opts).unwrap();
            if name.ends_with(".xml") && rng.below(2) == 0 {
                out.write_all(&mutate(buf, &mut rng)).unwrap();
            } else {
                out.write_all(buf).unwrap();
            }
        }
        let bytes = out.finish().unwrap().into_inner();
        let result = keiyaku::app::extract_guarded(Format::Docx, &bytes);
        if let Err(keiyaku::error::ExtractError::Internal(msg)) = &result {
            panic!("mutant {n}: panic inside the DOCX walker: {msg}");
        }
    }
}

#[test]
fn mutated_docx_end_with_a_status() {
    run(
        &[
            ("samples/ことぶきデータ/利用規約.docx", Format::Docx),
            (
                "samples/東和ソフトウェア/保守サービス契約書.docx",
                Format::Docx,
            ),
        ],
        1000,
    );
}

#[test]
fn mutated_doc_end_with_a_status() {
    run(
        &[
            ("tests/data/doc/features.doc", Format::Doc),
            ("tests/data/legacy/test03.doc", Format::Doc),
        ],
        1000,
    );
}

#[test]
fn mutated_odt_ods_and_rtf_end_with_a_status() {
    run(
        &[
            ("tests/data/office/保守サービス契約書.odt", Format::Odt),
            ("tests/data/office/責任分界表.ods", Format::Ods),
            ("tests/data/office/保守サービス契約書.rtf", Format::Rtf),
            ("tests/data/office/覚書_sjis.rtf", Format::Rtf),
        ],
        1000,
    );
}

/// Mutate the WordDocument and table streams inside a valid compound file, so
/// the FIB, piece table, formatting runs, lists and styles (not the compound
/// file reader) meet the damage.
#[test]
fn mutated_doc_streams_end_with_a_status() {
    use std::io::{Read, Write};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut rng = Rng(7);
    for path in [
        "tests/data/doc/features.doc",
        "tests/data/legacy/test06.doc",
    ] {
        let data = std::fs::read(root.join(path)).unwrap();
        let mut cf = cfb::CompoundFile::open(std::io::Cursor::new(&data)).unwrap();
        let names: Vec<String> = cf
            .walk()
            .filter(|e| e.is_stream())
            .map(|e| e.path().to_string_lossy().into_owned())
            .collect();
        let mut streams = Vec::new();
        for name in names {
            let mut buf = Vec::new();
            cf.open_stream(&name)
                .unwrap()
                .read_to_end(&mut buf)
                .unwrap();
            streams.push((name, buf));
        }
        for n in 0..300 {
            let mut out = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
            for (name, buf) in &streams {
                let target = name.ends_with("WordDocument") || name.ends_with("Table");
                let body = if target && rng.below(2) == 0 {
                    mutate(buf, &mut rng)
                } else {
                    buf.clone()
                };
                if let Some(parent) = std::path::Path::new(name).parent() {
                    out.create_storage_all(parent).unwrap();
                }
                out.create_stream(name).unwrap().write_all(&body).unwrap();
            }
            let bytes = out.into_inner().into_inner();
            let result = keiyaku::app::extract_guarded(Format::Doc, &bytes);
            if let Err(keiyaku::error::ExtractError::Internal(msg)) = &result {
                panic!("{path} mutant {n}: panic inside the .doc reader: {msg}");
            }
        }
    }
}

/// Mutate the decompressed page content streams inside an otherwise valid PDF,
/// so the content tokenizer, interpreter, fonts and layout (not the xref
/// parser) meet the damage.
#[test]
fn mutated_content_streams_end_with_a_status() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mutants: usize = std::env::var("KEIYAKU_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut rng = Rng(7);
    for name in [
        "tests/fixtures/lo-ipaex.pdf",
        "tests/fixtures/lo-vertical.pdf",
        "tests/fixtures/reportlab-heiseimin.pdf",
    ] {
        let base = lopdf::Document::load(root.join(name)).unwrap();
        let pages: Vec<lopdf::ObjectId> = base.get_pages().values().copied().collect();
        let original = keiyaku::app::extract_file(&root.join(name), Format::Pdf)
            .unwrap()
            .plain_text();
        let mut changed = 0;
        for n in 0..mutants {
            let mut doc = base.clone();
            for &page in &pages {
                let content = doc.get_page_content(page);
                if content.is_empty() {
                    continue;
                }
                let mutated = mutate(&content, &mut rng);
                let _ = doc.change_page_content(page, mutated);
            }
            let mut bytes = Vec::new();
            doc.save_to(&mut bytes).unwrap();
            let t = Instant::now();
            match keiyaku::app::extract_guarded(Format::Pdf, &bytes) {
                Err(keiyaku::error::ExtractError::Internal(msg)) => {
                    panic!("{name} mutant {n}: panic inside the PDF extractor: {msg}")
                }
                Ok(d) if d.plain_text() == original => {}
                _ => changed += 1,
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "{name} mutant {n} took {:?}",
                t.elapsed()
            );
        }
        // The mutations must reach the text, or this test tests nothing.
        assert!(
            changed * 4 > mutants,
            "{name}: only {changed} of {mutants} mutants changed the text"
        );
    }
}

/// Mutated zip archives (PPAP, Shift_JIS names, an archive in an archive):
/// listing and inflating every member ends with bytes or a typed error.
#[test]
fn mutated_zip_archives_end_with_a_status() {
    use keiyaku::extract::bundle::{Archive, Budget, Limits};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mutants = std::env::var("KEIYAKU_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let inner = std::fs::read(root.join("tests/data/zip/sjis-names.zip")).unwrap();
    let mut nested = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    nested
        .start_file("内側.zip", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut nested, &inner).unwrap();
    let nested = nested.finish().unwrap().into_inner();
    let limits = Limits::for_file_cap(8 << 20);
    let mut rng = Rng(7);
    let mut inflated = 0usize;
    for (name, data) in [
        (
            "ppap.zip",
            std::fs::read(root.join("tests/data/zip/ppap.zip")).unwrap(),
        ),
        ("sjis-names.zip", inner.clone()),
        ("nested", nested),
    ] {
        for n in 0..mutants {
            let m = mutate(&data, &mut rng);
            let t = Instant::now();
            let listed = std::panic::catch_unwind(|| {
                let mut read = 0;
                let Ok(mut a) = Archive::open(std::io::Cursor::new(&m[..])) else {
                    return read;
                };
                let mut budget = Budget::new(&limits);
                for i in 0..a.len().min(limits.entries) {
                    if let Ok(e) = a.entry(i) {
                        if !e.is_dir && a.read(i, &limits, &mut budget).is_ok() {
                            read += 1;
                        }
                    }
                }
                read
            });
            let Ok(read) = listed else {
                panic!("{name} mutant {n}: panic in the zip reader");
            };
            inflated += read;
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "{name} mutant {n} took {:?}",
                t.elapsed()
            );
        }
    }
    // The mutants reached the inflation, not only the archive's header.
    assert!(inflated > mutants / 10, "{inflated} members inflated");
}

/// Mutated Japanese text in each encoding keiyaku detects.
#[test]
fn mutated_texts_in_every_encoding_end_with_a_status() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("samples/覚書_みらいヘルステック.txt")).unwrap();
    let mut rng = Rng(11);
    for enc in [
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::ISO_2022_JP,
        encoding_rs::UTF_8,
    ] {
        let (bytes, _, _) = enc.encode(&text);
        for n in 0..300 {
            let m = mutate(&bytes, &mut rng);
            let result = keiyaku::app::extract_guarded(Format::Text, &m);
            if let Err(keiyaku::error::ExtractError::Internal(msg)) = &result {
                panic!("{} mutant {n}: panic in text decoding: {msg}", enc.name());
            }
        }
    }
}

#[test]
fn mutated_xls_end_with_a_status() {
    run(
        &[
            ("tests/data/xls/責任分界表.xls", Format::Xls),
            ("tests/data/xls/責任分界表_locked.xls", Format::Xls),
        ],
        1000,
    );
}

/// Mutate the Workbook stream inside a valid compound file, so the BIFF
/// cost walk and calamine's record parsers (not the compound file reader)
/// meet the damage. A panic inside calamine is caught by the .xls reader
/// itself (a corrupt file); what must never happen is a hang or an abort.
#[test]
fn mutated_xls_workbook_streams_end_with_a_status() {
    use std::io::{Read, Write};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read(root.join("tests/data/xls/責任分界表.xls")).unwrap();
    let mut cf = cfb::CompoundFile::open(std::io::Cursor::new(&data)).unwrap();
    let mut stream = Vec::new();
    cf.open_stream("/Workbook")
        .unwrap()
        .read_to_end(&mut stream)
        .unwrap();
    let mut rng = Rng(11);
    for n in 0..500 {
        let mut out = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        let body = mutate(&stream, &mut rng);
        out.create_stream("/Workbook")
            .unwrap()
            .write_all(&body)
            .unwrap();
        let bytes = out.into_inner().into_inner();
        let t = Instant::now();
        let result = keiyaku::app::extract_guarded(Format::Xls, &bytes);
        if let Err(keiyaku::error::ExtractError::Internal(msg)) = &result {
            panic!("mutant {n}: panic outside calamine: {msg}");
        }
        assert!(t.elapsed() < Duration::from_secs(10), "mutant {n}");
    }
}

/// A document whose parser panics is an `error` with the reason, and the
/// contained panic prints nothing on stderr (the status says it all).
#[test]
fn a_contained_parser_panic_prints_no_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("V");
    std::fs::create_dir(&v).unwrap();
    std::fs::copy(
        util::root().join("tests/data/fuzz/xls/calamine-slice-panic.xls"),
        v.join("表.xls"),
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_keiyaku"))
        .args(["scan", "-q", "--format", "json"])
        .arg(dir.path())
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &util::vendor(&r, "V")["documents"][0];
    assert_eq!(d["status"], "error", "{d}");
}
