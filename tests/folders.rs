//! Real hospital folders: every entry is listed with an honest status, links
//! and special files never lead keiyaku outside the scanned folders or into a
//! hang, unreadable folders and bad settings are reported, and reports are
//! written whole. Folders are built in a temporary directory per test.

mod util;

use serde_json::Value;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use util::*;

const TIMEOUT: Duration = Duration::from_secs(120);

/// Run keiyaku with a time limit: a hang is a failure, not a stuck test run.
fn run(args: &[&std::ffi::OsStr], unprivileged: bool) -> Output {
    let as_other_user = unprivileged && is_root();
    // The private copy can be briefly "text file busy" to exec: a child that
    // another test thread forks while the copy is written inherits its file
    // until that child execs. setpriv then exits 126; try again.
    for _ in 0..20 {
        let o = run_once(args, as_other_user);
        let busy = as_other_user
            && o.status.code() == Some(126)
            && String::from_utf8_lossy(&o.stderr).contains("Text file busy");
        if !busy {
            return o;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the private copy of keiyaku stayed busy");
}

fn run_once(args: &[&std::ffi::OsStr], as_other_user: bool) -> Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_keiyaku"));
    let mut cmd = if as_other_user {
        // Root reads every folder; an unreadable folder needs another user.
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        c.arg(private_copy(&bin));
        c
    } else {
        Command::new(&bin)
    };
    // These folders' expectations are the eight provisions of edition 5.2.
    let mut args: Vec<&std::ffi::OsStr> = args.to_vec();
    if args.first().is_some_and(|a| *a == "scan") && !args.iter().any(|a| *a == "--guideline") {
        args.splice(1..1, ["--guideline".as_ref(), "5.2".as_ref()]);
    }
    cmd.args(&args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run keiyaku");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("keiyaku {args:?} did not finish in {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The binary copied where an unprivileged user may run it (the checkout
/// may lie in a folder only root can enter).
fn private_copy(bin: &Path) -> PathBuf {
    static COPY: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    COPY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let p = dir.path().join("keiyaku");
        std::fs::copy(bin, &p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        (dir, p)
    })
    .1
    .clone()
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn json_scan(paths: &[&Path], extra: &[&str], unprivileged: bool) -> (Value, Output) {
    let mut args: Vec<&std::ffi::OsStr> = vec![os("scan"), os("--format"), os("json")];
    args.extend(extra.iter().map(|s| os(s)));
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let o = run(&args, unprivileged);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let v = serde_json::from_slice(&o.stdout).expect("report is JSON");
    (v, o)
}

/// A folder anyone may enter (an unprivileged keiyaku must be able to read it).
fn open_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

fn copy_sample(vendor: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(samples().join(vendor)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o644) },
        0,
        "mkfifo {p:?}"
    );
}

/// (path, status) of every document of a vendor.
fn docs(v: &Value) -> Vec<(String, String)> {
    util::listed(&v["documents"])
}

fn doc<'a>(v: &'a Value, path: &str) -> &'a Value {
    v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("no document {path} in {:?}", docs(v)))
}

fn all_status(v: &Value, status: &str) -> bool {
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["status"] == status)
}

fn count(v: &Value, status: &str) -> usize {
    v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == status)
        .count()
}

const GOOD: &str = "さくらメディカルクラウド";
/// Lacks four provisions: missing when read in full, unknown when not.
const PARTIAL: &str = "瀬田データサービス";

#[test]
fn unsupported_files_make_a_vendors_unfound_provisions_unknown_and_non_documents_do_not() {
    let root = open_dir();
    let r = root.path();
    copy_sample(PARTIAL, &r.join("P_msg"));
    std::fs::write(r.join("P_msg/旧契約書.msg"), b"\xd0\xcf\x11\xe0").unwrap();
    copy_sample(PARTIAL, &r.join("P_scan"));
    std::fs::write(r.join("P_scan/押印済.tif"), b"II*\0").unwrap();
    std::fs::create_dir(r.join("X_only")).unwrap();
    std::fs::write(r.join("X_only/見積書.pages"), b"\xd0\xcf\x11\xe0").unwrap();
    copy_sample(PARTIAL, &r.join("P_clean"));
    for junk in [".DS_Store", "~$保守契約書.docx", "Thumbs.db", "desktop.ini"] {
        std::fs::write(r.join("P_clean").join(junk), b"x").unwrap();
    }
    std::fs::write(r.join("keiyaku.toml"), "").unwrap();
    // Without OCR an image is unsupported (with OCR this one, four bytes of
    // TIFF header, is an error: unknown either way).
    let (rep, _) = json_scan(&[r], &["--ocr", "never"], false);

    for v in ["P_msg", "P_scan"] {
        let v = vendor(&rep, v);
        assert_eq!(count(v, "missing"), 0, "{}", statuses(v));
        assert_eq!(count(v, "unknown"), 4, "{}", statuses(v));
        assert_eq!(v["complete"], false);
    }
    assert_eq!(
        doc(vendor(&rep, "P_msg"), "P_msg/旧契約書.msg")["status"],
        "unsupported"
    );
    assert_eq!(
        doc(vendor(&rep, "P_scan"), "P_scan/押印済.tif")["status"],
        "unsupported"
    );
    let x = vendor(&rep, "X_only");
    assert!(all_status(x, "unknown"), "{}", statuses(x));
    assert_eq!(doc(x, "X_only/見積書.pages")["status"], "unsupported");
    // Files that are not documents are listed and change nothing.
    let clean = vendor(&rep, "P_clean");
    assert_eq!(count(clean, "missing"), 4, "{}", statuses(clean));
    assert_eq!(clean["complete"], true);
    for junk in [".DS_Store", "~$保守契約書.docx", "Thumbs.db", "desktop.ini"] {
        assert_eq!(doc(clean, &format!("P_clean/{junk}"))["status"], "ignored");
    }
    assert_eq!(rep["ignored"][0]["path"], "keiyaku.toml");
    assert_eq!(rep["summary"]["vendors"], 4);
}

#[test]
fn a_report_written_into_the_scanned_folder_is_not_read_as_a_contract_next_time() {
    let root = open_dir();
    let r = root.path();
    copy_sample(PARTIAL, &r.join("V"));
    copy_sample(PARTIAL, &r.join("単独"));
    std::fs::rename(r.join("単独/保守契約書.pdf"), r.join("単独.pdf")).unwrap();
    std::fs::remove_dir(r.join("単独")).unwrap();
    for (format, name) in [
        ("json", "V/結果.json"),
        ("text", "結果.txt"),
        ("json", "r.md"),
    ] {
        let out = r.join(name);
        let o = keiyaku(&[
            "scan",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
            r.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let (rep, _) = json_scan(&[r], &[], false);
    assert_eq!(rep["summary"]["vendors"], 2, "{rep:#}");
    let v = vendor(&rep, "V");
    assert_eq!(doc(v, "V/結果.json")["status"], "ignored");
    assert_eq!(count(v, "missing"), 4, "{}", statuses(v));
    let ignored: Vec<&str> = rep["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(ignored, ["r.md", "結果.txt"]);
}

/// A_good: a complete vendor. 0_vendor: a contract and links of every kind.
/// Outside the scanned folder: a secret that a matching sentence would quote.
fn linked_folder() -> (tempfile::TempDir, tempfile::TempDir) {
    let outside = open_dir();
    std::fs::write(
        outside.path().join("secret.txt"),
        "受託者（以下「乙」という。）\n乙は、事故が発生したときは、直ちに甲に報告しなければならない。SECRET-TOKEN-4711\n",
    )
    .unwrap();
    let root = open_dir();
    let r = root.path();
    copy_sample(GOOD, &r.join("A_good"));
    copy_sample(PARTIAL, &r.join("0_vendor"));
    let v = r.join("0_vendor");
    symlink("..", v.join("loop")).unwrap();
    symlink(".", v.join("self1")).unwrap();
    symlink(".", v.join("self2")).unwrap();
    symlink("../A_good/SLA.pdf", v.join("stolen.pdf")).unwrap();
    symlink(outside.path().join("secret.txt"), v.join("secret.txt")).unwrap();
    symlink("/proc/self/environ", v.join("environ.txt")).unwrap();
    symlink("/etc/passwd", v.join("passwd.txt")).unwrap();
    symlink("no-such-file.pdf", v.join("broken.pdf")).unwrap();
    symlink("保守契約書.pdf", v.join("最新.pdf")).unwrap();
    std::fs::create_dir(r.join("B_other")).unwrap();
    std::fs::copy(
        samples().join(PARTIAL).join("保守契約書.pdf"),
        r.join("B_other/契約書.pdf"),
    )
    .unwrap();
    (root, outside)
}

fn assert_nothing_outside_was_read(rep: &Value, raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    assert!(!text.contains("SECRET-TOKEN"), "a file outside was quoted");
    assert!(!text.contains("root:x:0"), "a system file was read");
    assert!(!text.contains("loop/loop"), "the walk went round a loop");
    let v = vendor(rep, "0_vendor");
    for p in [
        "0_vendor/secret.txt",
        "0_vendor/environ.txt",
        "0_vendor/passwd.txt",
    ] {
        assert_eq!(doc(v, p)["status"], "skipped", "{p}");
        assert!(doc(v, p).get("sha256").is_none(), "{p} was opened");
    }
}

#[test]
fn links_are_listed_as_skipped_and_never_followed_by_default() {
    let (root, _outside) = linked_folder();
    let (rep, o) = json_scan(&[root.path()], &[], false);
    assert_nothing_outside_was_read(&rep, &o.stdout);
    assert_eq!(rep["summary"]["vendors"], 3, "vendors stay apart");
    let a = vendor(&rep, "A_good");
    assert!(all_status(a, "present"), "{}", statuses(a));
    assert_eq!(docs(a).len(), 2);
    let v = vendor(&rep, "0_vendor");
    for l in [
        "loop",
        "self1",
        "self2",
        "stolen.pdf",
        "broken.pdf",
        "最新.pdf",
    ] {
        let d = doc(v, &format!("0_vendor/{l}"));
        assert_eq!(d["status"], "skipped", "{l}");
        assert!(
            d["reason"].as_str().unwrap().contains("symbolic link"),
            "{l}"
        );
    }
    // Links not followed may hold the contract: nothing is claimed missing.
    assert_eq!(count(v, "missing"), 0, "{}", statuses(v));
    assert_eq!(doc(v, "0_vendor/保守契約書.pdf")["status"], "ok");
}

#[test]
fn follow_reads_links_inside_the_scanned_folder_once_for_one_vendor_and_nothing_outside() {
    let (root, _outside) = linked_folder();
    let r = root.path();
    // A link to a hidden file inside the folder is read, for the link's vendor.
    std::fs::create_dir(r.join(".store")).unwrap();
    std::fs::write(r.join(".store/memo.txt"), "覚書\n").unwrap();
    std::fs::create_dir(r.join("C_linked")).unwrap();
    symlink("../.store/memo.txt", r.join("C_linked/memo.txt")).unwrap();
    let (rep, o) = json_scan(&[r], &["--follow"], false);
    assert_nothing_outside_was_read(&rep, &o.stdout);
    let a = vendor(&rep, "A_good");
    assert!(all_status(a, "present"), "{}", statuses(a));
    assert_eq!(doc(a, "A_good/SLA.pdf")["status"], "ok");
    let v = vendor(&rep, "0_vendor");
    let status = |p: &str| doc(v, &format!("0_vendor/{p}"))["status"].clone();
    // Another vendor's file is not credited to this one.
    assert_eq!(status("stolen.pdf"), "skipped");
    assert!(doc(v, "0_vendor/stolen.pdf")["reason"]
        .as_str()
        .unwrap()
        .contains("A_good/SLA.pdf"));
    // A link to the vendor's own file or folder is that file, read once.
    assert_eq!(status("最新.pdf"), "ignored");
    assert_eq!(status("self1"), "ignored");
    assert_eq!(status("self2"), "ignored");
    // A link up to the whole folder would take in other vendors.
    assert_eq!(status("loop"), "skipped");
    assert_eq!(status("broken.pdf"), "skipped");
    assert!(!v["provisions"].to_string().contains("A_good"));
    let c = vendor(&rep, "C_linked");
    assert_eq!(doc(c, "C_linked/memo.txt")["status"], "ok");
    // The hidden folder itself is listed as not read.
    assert_eq!(rep["ignored"][0]["path"], ".store/");
    assert_eq!(rep["ignored"][0]["status"], "ignored");
}

#[test]
fn an_unreadable_folder_is_listed_with_its_reason_and_the_scan_goes_on() {
    let root = open_dir();
    let r = root.path();
    copy_sample(GOOD, &r.join("A_good"));
    copy_sample(PARTIAL, &r.join("B_locked"));
    copy_sample(PARTIAL, &r.join("C_part"));
    copy_sample(PARTIAL, &r.join("C_part/sub"));
    std::fs::set_permissions(r.join("B_locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(r.join("C_part/sub"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (rep, o) = json_scan(&[r], &["--quiet"], true);
    std::fs::set_permissions(r.join("B_locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(r.join("C_part/sub"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(all_status(vendor(&rep, "A_good"), "present"));
    let b = vendor(&rep, "B_locked");
    assert_eq!(docs(b), [("B_locked/".to_string(), "error".to_string())]);
    let reason = doc(b, "B_locked/")["reason"].as_str().unwrap().to_string();
    assert_eq!(reason.matches("Permission denied").count(), 1, "{reason}");
    assert!(all_status(b, "unknown"), "{}", statuses(b));
    let c = vendor(&rep, "C_part");
    assert_eq!(doc(c, "C_part/sub/")["status"], "error");
    assert_eq!(doc(c, "C_part/保守契約書.pdf")["status"], "ok");
    assert_eq!(count(c, "missing"), 0, "{}", statuses(c));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn an_unreadable_path_is_an_error_said_once() {
    let root = open_dir();
    let locked = root.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = run(&[os("scan"), locked.as_os_str()], true);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.matches("Permission denied").count(), 1, "{err}");
    assert!(err.contains("locked"), "{err}");
}

#[test]
fn fifos_and_devices_are_skipped_never_opened_and_refused_as_paths_settings_or_rules() {
    let root = open_dir();
    let r = root.path();
    copy_sample(PARTIAL, &r.join("V"));
    mkfifo(&r.join("V/pipe.pdf"));
    let (rep, _) = json_scan(&[r], &[], false);
    let d = doc(vendor(&rep, "V"), "V/pipe.pdf");
    assert_eq!(d["status"], "skipped");
    assert!(d["reason"].as_str().unwrap().contains("FIFO"));

    let fifo = r.join("V/pipe.pdf");
    for (args, names) in [
        (vec![os("scan"), fifo.as_os_str()], "FIFO"),
        (vec![os("scan"), os("/dev/zero")], "device"),
        (
            vec![os("scan"), os("--rules"), os("/dev/zero"), r.as_os_str()],
            "device",
        ),
        (
            vec![os("scan"), os("--rules"), fifo.as_os_str(), r.as_os_str()],
            "FIFO",
        ),
        (vec![os("text"), fifo.as_os_str()], "FIFO"),
    ] {
        let o = run(&args, false);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(names), "{args:?}: {}", stderr(&o));
    }
    std::fs::remove_file(&fifo).unwrap();
    mkfifo(&r.join("keiyaku.toml"));
    let o = run(&[os("scan"), r.as_os_str()], false);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("keiyaku.toml"), "{}", stderr(&o));
}

#[test]
fn folders_differing_only_in_invalid_bytes_stay_two_vendors_with_their_exact_names() {
    use base64::Engine;
    let root = open_dir();
    let r = root.path();
    for raw in [&b"V\xff"[..], &b"V\xfe"[..]] {
        copy_sample(PARTIAL, &r.join(std::ffi::OsStr::from_bytes(raw)));
    }
    let (rep, _) = json_scan(&[r], &[], false);
    let names: Vec<(&str, &str)> = rep["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap(),
                v["name_bytes"].as_str().unwrap(),
            )
        })
        .collect();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    assert_eq!(
        names,
        [
            ("V\\xFE", b64(b"V\xfe").as_str()),
            ("V\\xFF", b64(b"V\xff").as_str())
        ]
    );
    let d = &rep["vendors"][0]["documents"][0];
    let mut want = b"V\xfe/".to_vec();
    want.extend_from_slice("保守契約書.pdf".as_bytes());
    assert_eq!(d["path_bytes"], b64(&want));
    let o = keiyaku(&["scan", r.to_str().unwrap()]);
    assert!(stdout(&o).contains("■ V\\xFF"), "{}", stdout(&o));
}

#[test]
fn the_same_vendor_folder_under_two_paths_is_two_vendors_each_with_its_root() {
    let archive = open_dir();
    let current = open_dir();
    copy_sample(GOOD, &archive.path().join("V"));
    copy_sample(PARTIAL, &current.path().join("V"));
    let (rep, _) = json_scan(&[archive.path(), current.path()], &[], false);
    let vs = rep["vendors"].as_array().unwrap();
    assert_eq!(vs.len(), 2);
    assert_ne!(vs[0]["root"], vs[1]["root"]);
    let paths: Vec<&str> = vs
        .iter()
        .map(|v| v["documents"][0]["path"].as_str().unwrap())
        .collect();
    assert_ne!(paths[0], paths[1]);
    assert!(paths.iter().all(|p| p.starts_with('/')), "{paths:?}");
}

#[test]
fn a_keiyaku_toml_that_cannot_be_used_is_an_error_naming_it() {
    let root = open_dir();
    let r = root.path();
    copy_sample(PARTIAL, &r.join("V"));
    let toml = r.join("keiyaku.toml");
    let scan = || run(&[os("scan"), r.as_os_str()], false);

    std::fs::write(&toml, b"[vendors.\"V\".parties]\n\"\xff\" = \"vendor\"\n").unwrap();
    let o = scan();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("keiyaku.toml: not UTF-8"),
        "{}",
        stderr(&o)
    );

    std::fs::write(&toml, "[vendors.\"V\".parties]\n\"乙\" = \"vender\"\n").unwrap();
    let o = scan();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("keiyaku.toml") && err.contains('^'), "{err}");

    std::fs::write(&toml, "[vendors.\"V\".parties]\n\"乙\" = \"vendor\"\n").unwrap();
    std::fs::set_permissions(&toml, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = run(&[os("scan"), r.as_os_str()], true);
    std::fs::set_permissions(&toml, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("keiyaku.toml"), "{}", stderr(&o));
}

#[test]
fn a_keiyaku_toml_entry_naming_no_vendor_warns_with_the_closest_names() {
    let root = open_dir();
    let r = root.path();
    copy_sample(PARTIAL, &r.join("株式会社瀬田データサービス"));
    std::fs::write(
        r.join("keiyaku.toml"),
        "[vendors.\"瀬田デ一タサービス\".parties]\n\"乙\" = \"vendor\"\n",
    )
    .unwrap();
    let (rep, o) = json_scan(&[r], &[], false);
    let w = rep["warnings"][0].as_str().unwrap();
    assert!(
        w.contains("瀬田デ一タサービス") && w.contains("\"株式会社瀬田データサービス\""),
        "{w}"
    );
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

#[test]
fn a_report_is_replaced_whole_and_the_old_one_survives_a_failed_write() {
    let root = open_dir();
    let r = root.path();
    copy_sample(GOOD, &r.join("V"));
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("report.json");
    std::fs::write(&out, "old report\n").unwrap();
    // A file size limit far below the report: the write fails, the old report stays.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keiyaku"));
    cmd.args(["scan", "--guideline", "5.2", "--format", "json", "-o"])
        .arg(&out)
        .arg(r);
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 1000,
                rlim_max: 1000,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("report.json"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old report\n");
    assert_eq!(
        std::fs::read_dir(out_dir.path()).unwrap().count(),
        1,
        "temporary file left"
    );

    // Concurrent writers of one file: it ends as one whole report.
    let children: Vec<_> = (0..4)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_keiyaku"))
                .args([
                    "scan",
                    "--format",
                    if i % 2 == 0 { "json" } else { "text" },
                    "-o",
                ])
                .arg(&out)
                .arg(r)
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let text = std::fs::read_to_string(&out).unwrap();
    let whole_json = serde_json::from_str::<Value>(&text).is_ok();
    let whole_text =
        text.starts_with("keiyaku ") && text.trim_end().lines().last().unwrap().starts_with("合計");
    assert!(whole_json || whole_text, "mixed report:\n{text}");
}

#[test]
fn an_output_folder_that_does_not_exist_is_refused_before_the_scan() {
    let o = keiyaku(&[
        "scan",
        "-o",
        "/no/such/folder/report.json",
        samples().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/folder"), "{}", stderr(&o));
}

#[test]
fn dash_is_standard_output_and_a_closed_pipe_ends_quietly() {
    let o = keiyaku(&[
        "scan",
        "--format",
        "json",
        "-o",
        "-",
        samples().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(serde_json::from_slice::<Value>(&o.stdout).is_ok());
    // The reader goes away at once: no error text, no panic.
    let mut child = Command::new(env!("CARGO_BIN_EXE_keiyaku"))
        .args(["scan", "--guideline", "5.2", samples().to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(
        !err.contains("error") && !err.contains("エラー") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_folder_with_no_documents_is_an_error_naming_the_path() {
    let root = open_dir();
    let empty = root.path().join("空");
    std::fs::create_dir(&empty).unwrap();
    let o = keiyaku(&["scan", "--fail-on", "missing", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no documents found"), "{}", stderr(&o));
    assert!(stderr(&o).contains("空"), "{}", stderr(&o));
    // Only files that are not documents: still nothing to scan.
    std::fs::write(empty.join(".DS_Store"), b"x").unwrap();
    std::fs::create_dir(empty.join("V")).unwrap();
    std::fs::write(empty.join("V/Thumbs.db"), b"x").unwrap();
    let o = keiyaku(&["scan", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}

/// A PDF of `pages` pages: page 1 holds a contract sentence, the others share
/// one small content stream.
fn many_page_pdf(pages: usize) -> Vec<u8> {
    use lopdf::{dictionary, Object, Stream};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let first = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 720 Td (Article 1. The vendor shall report incidents.) Tj ET".to_vec(),
    ));
    let shared = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 700 Td (Annex) Tj ET".to_vec(),
    ));
    let kids: Vec<Object> = (0..pages)
        .map(|i| {
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Contents" => if i == 0 { first } else { shared },
            })
            .into()
        })
        .collect();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Everything a real archive throws at a scan, in one folder: each entry is
/// listed with the right status and the good vendor is still analysed.
#[test]
fn torture_folder_every_entry_listed_with_its_status() {
    let (root, _outside) = linked_folder();
    let r = root.path();
    mkfifo(&r.join("0_vendor/pipe.pdf"));
    copy_sample(PARTIAL, &r.join("D_locked"));
    std::fs::set_permissions(r.join("D_locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::create_dir(r.join("E_capped")).unwrap();
    std::fs::write(r.join("E_capped/付属書.pdf"), many_page_pdf(5003)).unwrap();
    std::fs::create_dir(r.join(std::ffi::OsStr::from_bytes(b"F\xff"))).unwrap();
    std::fs::write(
        r.join(std::ffi::OsStr::from_bytes(b"F\xff/\xfe.txt")),
        "契約書\n",
    )
    .unwrap();
    std::fs::create_dir(r.join("G_empty")).unwrap();
    std::fs::create_dir(r.join("H_legacy")).unwrap();
    std::fs::write(r.join("H_legacy/契約書.doc"), b"\xd0\xcf\x11\xe0").unwrap();
    std::fs::write(r.join("H_legacy/~$契約書.doc"), b"x").unwrap();
    std::fs::write(
        r.join("前回の結果.json"),
        "{\"schema\": \"keiyaku.report/2\"}",
    )
    .unwrap();
    let (rep, o) = json_scan(&[r], &[], true);
    std::fs::set_permissions(r.join("D_locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_nothing_outside_was_read(&rep, &o.stdout);

    let mut listed: Vec<(String, String)> = rep["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(docs)
        .collect();
    listed.extend(util::listed(&rep["ignored"]));
    let want = [
        ("0_vendor/broken.pdf", "skipped"),
        ("0_vendor/environ.txt", "skipped"),
        ("0_vendor/loop", "skipped"),
        ("0_vendor/passwd.txt", "skipped"),
        ("0_vendor/pipe.pdf", "skipped"),
        ("0_vendor/secret.txt", "skipped"),
        ("0_vendor/self1", "skipped"),
        ("0_vendor/self2", "skipped"),
        ("0_vendor/stolen.pdf", "skipped"),
        ("0_vendor/保守契約書.pdf", "ok"),
        ("0_vendor/最新.pdf", "skipped"),
        ("A_good/SLA.pdf", "ok"),
        ("A_good/クラウドサービス利用契約書.docx", "ok"),
        ("B_other/契約書.pdf", "ok"),
        ("D_locked/", "error"),
        ("E_capped/付属書.pdf", "ok"),
        ("F\\xFF/\\xFE.txt", "ok"),
        ("H_legacy/~$契約書.doc", "ignored"),
        // Four bytes of a compound file header: a damaged .doc.
        ("H_legacy/契約書.doc", "error"),
        ("前回の結果.json", "ignored"),
    ];
    let mut got = listed.clone();
    got.sort();
    let mut want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    want.sort();
    assert_eq!(got, want);

    assert!(all_status(vendor(&rep, "A_good"), "present"));
    assert_eq!(count(vendor(&rep, "B_other"), "missing"), 4);
    for v in ["0_vendor", "D_locked", "E_capped", "G_empty", "H_legacy"] {
        let v = vendor(&rep, v);
        assert_eq!(v["complete"], false, "{}", v["name"]);
        assert_eq!(count(v, "missing"), 0, "{}: {}", v["name"], statuses(v));
    }
    let capped = doc(vendor(&rep, "E_capped"), "E_capped/付属書.pdf");
    assert_eq!(
        capped["unread_pages"],
        serde_json::json!([{"first": 5001, "last": 5003, "reason": "page_cap"}])
    );
    assert_eq!(rep["summary"]["vendors"], 8);
}

#[test]
fn files_whose_paths_exceed_the_system_limit_are_listed_and_their_vendor_appears() {
    let root = open_dir();
    let v = root.path().join("V_long");
    std::fs::create_dir(&v).unwrap();
    // Built through directory handles: no path this long can be opened whole.
    let name = std::ffi::CString::new("d".repeat(200)).unwrap();
    let c = std::ffi::CString::new(v.as_os_str().as_bytes()).unwrap();
    // SAFETY: valid NUL-terminated paths and descriptors we own and close.
    unsafe {
        let mut fd = libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        assert!(fd >= 0);
        for _ in 0..25 {
            assert_eq!(libc::mkdirat(fd, name.as_ptr(), 0o755), 0);
            let next = libc::openat(fd, name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
            assert!(next >= 0);
            libc::close(fd);
            fd = next;
        }
        let file = std::ffi::CString::new("契約書.txt").unwrap();
        let f = libc::openat(fd, file.as_ptr(), libc::O_WRONLY | libc::O_CREAT, 0o644);
        assert!(f >= 0);
        libc::close(f);
        libc::close(fd);
    }
    let (rep, _) = json_scan(&[root.path()], &[], false);
    let v = vendor(&rep, "V_long");
    let listed = docs(v);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].1, "error");
    assert!(
        doc(v, &listed[0].0)["reason"]
            .as_str()
            .unwrap()
            .contains("File name too long"),
        "{listed:?}"
    );
    assert!(all_status(v, "unknown"), "{}", statuses(v));
}
