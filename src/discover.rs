//! PATHs → vendors and their input files.
//!
//! A folder's first-level subfolders are vendors; every file below one is a
//! document of that vendor. A file lying directly in a scanned folder, or named
//! on the command line, is a vendor of its own whose name comes from the
//! document's preamble (decided after extraction). Unsupported files are kept
//! as inputs with no format so the report lists them as skipped.

use std::path::{Path, PathBuf};

/// The formats keiyaku reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Pdf,
    Docx,
    Text,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "txt" | "md" => Some(Format::Text),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Text => "text",
        }
    }
}

/// How the vendor of an input is named.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum VendorName {
    /// The folder the input lies in.
    Folder(String),
    /// A loose file: named after the counterparty in its preamble, else this stem.
    Loose { stem: String },
}

/// One file to scan.
#[derive(Debug, Clone)]
pub struct Input {
    pub vendor: VendorName,
    pub path: PathBuf,
    /// Path shown in reports: relative to the scanned folder, `/`-separated.
    pub display_path: String,
    /// None for unsupported files (reported as skipped).
    pub format: Option<Format>,
    /// The folder the PATH named, where `keiyaku.toml` may live.
    pub root: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("no such file or folder: {0}")]
    NotFound(PathBuf),
    #[error("cannot list {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Files that are never contract documents and are left out without a word:
/// hidden files, Office lock files and keiyaku's own configuration.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("~$") || name == "keiyaku.toml"
}

/// List the inputs of all PATHs, in a deterministic order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Input>, DiscoverError> {
    let mut inputs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| DiscoverError::NotFound(path.clone()))?;
        if meta.is_dir() {
            discover_folder(path, &mut inputs)?;
        } else {
            let name = file_name(path);
            inputs.push(Input {
                vendor: VendorName::Loose { stem: stem(path) },
                display_path: name,
                format: Format::from_path(path),
                path: path.clone(),
                root: None,
            });
        }
    }
    inputs.sort_by(|a, b| (&a.vendor, &a.display_path).cmp(&(&b.vendor, &b.display_path)));
    // The same file named twice (a folder and a file in it) is read once.
    let mut seen = std::collections::HashSet::new();
    inputs
        .retain(|i| seen.insert(std::fs::canonicalize(&i.path).unwrap_or_else(|_| i.path.clone())));
    Ok(inputs)
}

fn discover_folder(root: &Path, inputs: &mut Vec<Input>) -> Result<(), DiscoverError> {
    for entry in sorted_entries(root)? {
        let name = file_name(&entry);
        if is_ignored(&name) {
            continue;
        }
        if entry.is_dir() {
            let mut files = Vec::new();
            walk_files(&entry, &mut files, 0)?;
            for f in files {
                inputs.push(Input {
                    vendor: VendorName::Folder(nfc(&name)),
                    display_path: relative(root, &f),
                    format: Format::from_path(&f),
                    path: f,
                    root: Some(root.to_path_buf()),
                });
            }
        } else if entry.is_file() {
            inputs.push(Input {
                vendor: VendorName::Loose { stem: stem(&entry) },
                display_path: relative(root, &entry),
                format: Format::from_path(&entry),
                path: entry,
                root: Some(root.to_path_buf()),
            });
        }
    }
    Ok(())
}

/// Deep enough for any real archive; stops symlink loops from recursing forever.
const MAX_DEPTH: usize = 32;

fn walk_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), DiscoverError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    for entry in sorted_entries(dir)? {
        if is_ignored(&file_name(&entry)) {
            continue;
        }
        if entry.is_dir() {
            walk_files(&entry, out, depth + 1)?;
        } else if entry.is_file() {
            out.push(entry);
        }
    }
    Ok(())
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, DiscoverError> {
    let rd = std::fs::read_dir(dir).map_err(|source| DiscoverError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    Ok(v)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn stem(p: &Path) -> String {
    nfc(&p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default())
}

/// macOS writes decomposed (NFD) names; reports use NFC so names compare equal.
fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

fn relative(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    nfc(&parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subfolders_are_vendors_and_loose_files_are_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().join("ベンダA");
        std::fs::create_dir_all(v.join("sub")).unwrap();
        std::fs::write(v.join("契約書.docx"), b"x").unwrap();
        std::fs::write(v.join("sub/SLA.pdf"), b"x").unwrap();
        std::fs::write(v.join("memo.xls"), b"x").unwrap();
        std::fs::write(v.join(".DS_Store"), b"x").unwrap();
        std::fs::write(dir.path().join("単独.txt"), b"x").unwrap();
        let inputs = discover(&[dir.path().to_path_buf()]).unwrap();
        let paths: Vec<_> = inputs.iter().map(|i| i.display_path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "ベンダA/memo.xls",
                "ベンダA/sub/SLA.pdf",
                "ベンダA/契約書.docx",
                "単独.txt"
            ]
        );
        assert_eq!(inputs[0].format, None);
        assert_eq!(
            inputs[3].vendor,
            VendorName::Loose {
                stem: "単独".into()
            }
        );
    }

    #[test]
    fn a_path_given_twice_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("V")).unwrap();
        std::fs::write(dir.path().join("V/a.txt"), b"x").unwrap();
        let p = dir.path().to_path_buf();
        assert_eq!(discover(&[p.clone(), p]).unwrap().len(), 1);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let err = discover(&[PathBuf::from("/no/such/place")]).unwrap_err();
        assert!(matches!(err, DiscoverError::NotFound(_)));
    }
}
