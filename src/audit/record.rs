//! `--record`: what an audit file needs and a byte-identical re-run must not
//! have by default — when, where and how the scan was run.

use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    /// UTC, RFC 3339, to the second.
    pub scanned_at: String,
    /// The command line as given.
    pub command_line: Vec<String>,
    /// The folder relative PATHs were given from.
    pub working_directory: String,
    /// The PATHs made absolute.
    pub paths: Vec<String>,
    pub host: String,
}

impl Recorded {
    pub fn now(paths: &[PathBuf]) -> Recorded {
        let cwd = std::env::current_dir().unwrap_or_default();
        Recorded {
            scanned_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            command_line: std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            working_directory: cwd.display().to_string(),
            paths: paths
                .iter()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| cwd.join(p)))
                .map(|p| p.display().to_string())
                .collect(),
            host: host_name(),
        }
    }
}

#[cfg(unix)]
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return String::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_default()
}
