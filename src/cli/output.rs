//! Where a report goes: standard output, or a file replaced atomically.
//!
//! A report file is written to a temporary file beside it and renamed into
//! place, so the previous report survives a full disk, a size limit or a
//! crash intact, and two scans writing the same file never mix: each rename
//! replaces the whole file.
//!
//! A destination that is not a file (`/dev/null`, a named pipe, `/dev/stdout`)
//! is written into as it is: a rename would put a file in its place. A
//! symbolic link to a report is followed, and the report it points to replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A report destination given with `-o`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    pub fn parse(arg: &Path) -> Output {
        if arg.as_os_str() == "-" {
            Output::Stdout
        } else {
            Output::File(arg.to_path_buf())
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("報告を書き込めません / cannot write the report to {}: {reason}", .path.display())]
    Unwritable { path: PathBuf, reason: String },
    /// The reader of standard output went away (`keiyaku scan … | head -1`).
    #[error("standard output closed")]
    Closed,
    #[error("cannot write the report to standard output: {0}")]
    Stdout(std::io::Error),
}

/// The error for `path`, given its reason.
fn unwritable(path: &Path) -> impl Fn(String) -> OutputError + '_ {
    move |reason| OutputError::Unwritable {
        path: path.to_path_buf(),
        reason,
    }
}

/// Render through a buffer and flush it.
fn render_into(
    out: impl Write,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(out);
    render(&mut w).and_then(|_| w.flush())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Before the scan: the folder exists and a file can be created in it, and
/// the target is not a folder. A scan of an hour must not end in "cannot write".
pub fn check_writable(path: &Path) -> Result<(), OutputError> {
    let fail = unwritable(path);
    if path.is_dir() {
        return Err(fail("it is a folder".into()));
    }
    if is_special(path) {
        // Opening a named pipe for writing would wait for its reader: its
        // permissions say enough.
        return match std::fs::metadata(path) {
            Ok(m) if m.permissions().readonly() => Err(fail("it is read-only".into())),
            Ok(_) => Ok(()),
            Err(e) => Err(fail(e.to_string())),
        };
    }
    let path = &target_of(path);
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(fail(format!("the folder {} does not exist", dir.display())));
    }
    tempfile::Builder::new()
        .prefix(".keiyaku-check-")
        .tempfile_in(&dir)
        .map(drop)
        .map_err(|e| fail(format!("cannot create a file in {}: {e}", dir.display())))
}

/// The path the report will have, absolute and with its folder resolved, so
/// that the scan can leave it out if it lies inside a scanned folder.
pub fn resolved(path: &Path) -> Option<PathBuf> {
    let path = &target_of(path);
    let dir = std::fs::canonicalize(folder_of(path)).ok()?;
    Some(dir.join(path.file_name()?))
}

/// Write `bytes` to the destination.
pub fn write(out: &Output, bytes: &[u8]) -> Result<(), OutputError> {
    write_with(out, |w| w.write_all(bytes))
}

/// Stream a report to the destination as it is rendered: no second copy of
/// a large report in memory.
pub fn write_with(
    out: &Output,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    match out {
        Output::Stdout => {
            render_into(std::io::stdout().lock(), render).map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => OutputError::Closed,
                _ => OutputError::Stdout(e),
            })
        }
        Output::File(path) if is_special(path) => write_into(path, render),
        Output::File(path) => write_atomic(&target_of(path), render),
    }
}

/// Whether `path` (followed, if a link) is something other than a file or
/// folder: a device, a named pipe or a socket.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The file a symbolic link points to, followed link by link (the path
/// itself when it is no link), so that the rename replaces the report and
/// leaves the link, also when the report the link names does not exist yet.
fn target_of(path: &Path) -> PathBuf {
    let mut at = path.to_path_buf();
    // As the kernel does, stop after 40 links: a loop is written over.
    for _ in 0..40 {
        // An error: not a link (or not there), the end of the chain.
        let Ok(next) = std::fs::read_link(&at) else {
            return at;
        };
        at = if next.is_absolute() {
            next
        } else {
            folder_of(&at).join(next)
        };
    }
    path.to_path_buf()
}

/// Write into a device or pipe as it is.
fn write_into(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let fail = unwritable(path);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| fail(e.to_string()))?;
    render_into(file, render).map_err(|e| match e.kind() {
        // The pipe's reader went away, as with standard output.
        std::io::ErrorKind::BrokenPipe => OutputError::Closed,
        _ => fail(e.to_string()),
    })
}

fn write_atomic(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let fail = unwritable(path);
    let dir = folder_of(path);
    // A hidden name: a scan of this folder running meanwhile ignores it.
    let mut tmp = tempfile::Builder::new()
        .prefix(".keiyaku-report-")
        .tempfile_in(&dir)
        .map_err(|e| fail(format!("cannot create a file in {}: {e}", dir.display())))?;
    render_into(tmp.as_file_mut(), render).map_err(|e| fail(e.to_string()))?;
    tmp.as_file().sync_all().map_err(|e| fail(e.to_string()))?;
    // Keep the permissions of the report being replaced; a new one is
    // readable by others, as a file written with a plain create would be.
    match std::fs::metadata(path) {
        Ok(m) => {
            let _ = std::fs::set_permissions(tmp.path(), m.permissions());
        }
        Err(_) => set_default_permissions(tmp.path()),
    }
    tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}

#[cfg(unix)]
fn set_default_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_default_permissions(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_means_standard_output() {
        assert_eq!(Output::parse(Path::new("-")), Output::Stdout);
        assert_eq!(
            Output::parse(Path::new("r.json")),
            Output::File("r.json".into())
        );
    }

    #[test]
    fn a_report_replaces_the_old_one_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        std::fs::write(&p, b"old report").unwrap();
        write(&Output::File(p.clone()), b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_report_to_dev_null_leaves_the_device_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        check_writable(null).unwrap();
        write(&Output::File(null.into()), b"report").unwrap();
        let kind = std::fs::metadata(null).unwrap().file_type();
        assert!(kind.is_char_device(), "/dev/null is now {kind:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_report_to_a_named_pipe_is_read_from_the_pipe() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("report.fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        check_writable(&fifo).unwrap();
        write(&Output::File(fifo.clone()), b"report").unwrap();
        assert_eq!(reader.join().unwrap(), b"report");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[cfg(unix)]
    #[test]
    fn a_report_through_a_link_replaces_the_linked_report_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("2026-12.json");
        let link = dir.path().join("latest.json");
        std::fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&Output::File(link.clone()), b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_report_not_yet_written_gets_the_report_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("archive")).unwrap();
        let link = dir.path().join("latest.json");
        // Relative, as `ln -s archive/2026-12.json latest.json` makes it.
        std::os::unix::fs::symlink("archive/2026-12.json", &link).unwrap();
        check_writable(&link).unwrap();
        assert_eq!(
            resolved(&link).unwrap(),
            std::fs::canonicalize(dir.path().join("archive"))
                .unwrap()
                .join("2026-12.json")
        );
        write(&Output::File(link.clone()), b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read(dir.path().join("archive/2026-12.json")).unwrap(),
            b"new"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_loop_is_written_over_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        write(&Output::File(a.clone()), b"new").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
    }

    #[test]
    fn a_missing_folder_is_refused_before_the_scan() {
        let err = check_writable(Path::new("/no/such/folder/r.json")).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
