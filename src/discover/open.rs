//! Opening an input safely: a regular file only, never through a symbolic
//! link, never blocking on a FIFO or a device, and never reading past a cap.
//!
//! Discovery decides which paths may be read; this is the one place that opens
//! them, so a file swapped for a link or a FIFO between the walk and the read
//! still cannot make keiyaku read outside the scanned folders or hang.

use std::fs::File;
use std::io::Read;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    #[error("larger than the {limit} byte limit")]
    TooLarge { limit: u64 },
}

/// What kind of file a metadata describes, in words for a report.
pub fn kind_name(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "FIFO";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "device";
        }
    }
    if ft.is_symlink() {
        "symbolic link"
    } else if ft.is_dir() {
        "folder"
    } else if ft.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// Open `path` for reading without following a final symbolic link and
/// without blocking, then insist on a regular file.
fn open_regular(path: &Path, follow: bool) -> Result<File, OpenError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if !follow {
            flags |= libc::O_NOFOLLOW;
        }
        opts.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = follow;
    let file = opts.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return OpenError::NotRegular("symbolic link");
        }
        OpenError::Io(e)
    })?;
    let ft = file.metadata()?.file_type();
    if !ft.is_file() {
        return Err(OpenError::NotRegular(kind_name(&ft)));
    }
    Ok(file)
}

/// Open a regular file of at most `limit` bytes to read in parts (a zip
/// archive, whose members are inflated one at a time), with the same checks
/// as [`read_capped`].
pub fn open_capped(path: &Path, limit: u64, follow: bool) -> Result<File, OpenError> {
    let file = open_regular(path, follow)?;
    if file.metadata()?.len() > limit {
        return Err(OpenError::TooLarge { limit });
    }
    Ok(file)
}

/// Read a regular file of at most `limit` bytes. A final symbolic link is
/// refused unless `follow` (a path the user named, or a link already checked
/// to stay inside a scanned folder).
pub fn read_capped(path: &Path, limit: u64, follow: bool) -> Result<Vec<u8>, OpenError> {
    let file = open_regular(path, follow)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(OpenError::TooLarge { limit });
    }
    let buf = read_open(file, len, limit)?;
    if buf.len() as u64 > limit {
        return Err(OpenError::TooLarge { limit });
    }
    Ok(buf)
}

/// Read an open file of `len` bytes, never past `limit` + 1 (the file may
/// grow between fstat and read).
fn read_open(file: File, len: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut buf)?;
    Ok(buf)
}

/// [`read_capped`], with a file of at least [`super::contents::MAP_FROM`]
/// bytes memory-mapped instead of read (unix): see [`super::contents`].
pub fn contents_capped(
    path: &Path,
    limit: u64,
    follow: bool,
) -> Result<super::contents::Contents, OpenError> {
    let file = open_regular(path, follow)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(OpenError::TooLarge { limit });
    }
    super::contents::of_file(file, len, |file| read_open(file, len, limit))?.checked(limit)
}

/// The sha256 of a regular file, read in pieces (an archive's largest file
/// need not fit in memory), with the same refusals as [`read_capped`].
pub fn sha256_of(path: &Path, follow: bool) -> Result<String, OpenError> {
    use sha2::{Digest, Sha256};
    let mut file = open_regular(path, follow)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(format!("{:x}", hasher.finalize()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.pdf");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let err = read_capped(&fifo, 1024, true).unwrap_err();
        assert!(matches!(err, OpenError::NotRegular("FIFO")), "{err}");
    }

    #[test]
    fn a_device_is_refused_and_never_read_to_the_end() {
        let err = read_capped(Path::new("/dev/zero"), 1024, true).unwrap_err();
        assert!(matches!(err, OpenError::NotRegular("device")), "{err}");
    }

    #[test]
    fn a_symbolic_link_is_refused_unless_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"x").unwrap();
        std::os::unix::fs::symlink("a.txt", dir.path().join("l.txt")).unwrap();
        let err = read_capped(&dir.path().join("l.txt"), 1024, false).unwrap_err();
        assert!(
            matches!(err, OpenError::NotRegular("symbolic link")),
            "{err}"
        );
        assert_eq!(
            read_capped(&dir.path().join("l.txt"), 1024, true).unwrap(),
            b"x"
        );
    }

    #[test]
    fn a_file_over_the_cap_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"0123456789").unwrap();
        let err = read_capped(&dir.path().join("a.txt"), 4, false).unwrap_err();
        assert!(matches!(err, OpenError::TooLarge { limit: 4 }));
    }
}
