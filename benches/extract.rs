//! Extraction throughput: keiyaku against poppler's `pdftotext`, same files,
//! same cores, measured in the same run. `cargo bench` (needs poppler-utils).
//!
//! Three measurements, each the median of RUNS:
//! 1. one process per file, both tools, run through `xargs -P <cores>`;
//! 2. keiyaku's in-process batch (rayon over the files, like `keiyaku scan`);
//! 3. a single large file (27-page white paper), one process each.
//!
//! Prints files/s and keiyaku ÷ pdftotext throughput ratios.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<F: FnMut()>(mut f: F) -> Duration {
    f(); // warm the page cache and the binary
    median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn xargs(cores: usize, list: &Path, cmd: &[&str]) {
    let status = Command::new("xargs")
        .args(["-0", "-P", &cores.to_string(), "-n", "1"])
        .args(cmd)
        .stdin(std::fs::File::open(list).expect("file list"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("xargs");
    let _ = status;
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let keiyaku = env!("CARGO_BIN_EXE_keiyaku");
    if Command::new("pdftotext")
        .arg("-v")
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("pdftotext not found: apt-get install poppler-utils");
        return;
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["tests/data/realworld", "tests/fixtures"] {
        if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
            files.extend(
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "pdf")),
            );
        }
    }
    files.sort();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let list = std::env::temp_dir().join("keiyaku-bench-files");
    let mut bytes = Vec::new();
    for f in &files {
        bytes.extend_from_slice(f.to_string_lossy().as_bytes());
        bytes.push(0);
    }
    std::fs::write(&list, bytes).expect("write list");
    let n = files.len() as f64;
    println!(
        "{} PDFs, {} cores, median of {RUNS} runs",
        files.len(),
        cores
    );

    let poppler = time(|| xargs(cores, &list, &["pdftotext", "-q", "-enc", "UTF-8"]));
    let per_process = time(|| xargs(cores, &list, &[keiyaku, "text"]));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()
        .expect("pool");
    let batch = time(|| {
        pool.install(|| {
            files.par_iter().for_each(|f| {
                let _ = keiyaku::app::extract_file(f, keiyaku::discover::Format::Pdf);
            })
        })
    });
    let rate = |d: Duration| n / d.as_secs_f64();
    println!(
        "pdftotext, process per file (xargs -P{cores}): {:8.1} files/s  ({:?})",
        rate(poppler),
        poppler
    );
    println!(
        "keiyaku text, process per file (xargs -P{cores}): {:8.1} files/s  ({:?})  ratio {:.2}x",
        rate(per_process),
        per_process,
        poppler.as_secs_f64() / per_process.as_secs_f64()
    );
    println!(
        "keiyaku in-process batch ({cores} threads):     {:8.1} files/s  ({:?})  ratio {:.2}x",
        rate(batch),
        batch,
        poppler.as_secs_f64() / batch.as_secs_f64()
    );

    let large = root.join("tests/data/realworld/aurochs_mlit-hakusho-r07-np101100.pdf");
    if large.exists() {
        let run = |cmd: &mut Command| {
            cmd.stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run");
        };
        let p = time(|| run(Command::new("pdftotext").arg("-q").arg(&large).arg("-")));
        let k = time(|| run(Command::new(keiyaku).arg("text").arg(&large)));
        println!(
            "single large file (27 pages, 3.1 MB): pdftotext {:?}, keiyaku {:?}, ratio {:.2}x",
            p,
            k,
            p.as_secs_f64() / k.as_secs_f64()
        );
    }
}
