//! PATHs → vendors and their input files, each with what keiyaku will do with it.
//!
//! A folder's first-level subfolders are vendors; every file below one is a
//! document of that vendor. A file lying directly in a scanned folder, or named
//! on the command line, is a vendor of its own whose name comes from the
//! document's preamble (decided after extraction).
//!
//! Nothing is dropped without a word: every entry the walk meets becomes an
//! [`Input`] whose [`Kind`] says whether it is read, unsupported, ignored (not
//! a contract document), skipped (not opened: a link or a special file), or a
//! folder that could not be listed. Symbolic links are not followed unless
//! asked, and then only to targets inside a scanned folder, each file read
//! once and for one vendor; nothing outside the scanned folders is opened.

pub mod contents;
pub mod names;
pub mod open;
#[cfg(unix)]
pub(crate) mod truncation;

pub use names::Name;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The formats keiyaku reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Pdf,
    Docx,
    /// Word 97–2003.
    Doc,
    Text,
    /// Scanned images, read by OCR only.
    Tiff,
    Jpeg,
    Png,
    /// Excel workbooks: .xlsx, .xlsm.
    Xlsx,
    /// Excel 97–2003 workbooks.
    Xls,
    /// OpenDocument spreadsheets (LibreOffice Calc).
    Ods,
    /// OpenDocument text (LibreOffice Writer).
    Odt,
    Rtf,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        match extension(path).as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "doc" => Some(Format::Doc),
            "txt" | "md" => Some(Format::Text),
            "tif" | "tiff" => Some(Format::Tiff),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "odt" => Some(Format::Odt),
            "rtf" => Some(Format::Rtf),
            _ => None,
        }
    }

    /// The extensions keiyaku reads, for messages.
    pub const READ: &'static str = ".pdf, .docx, .doc, .txt, .md, .xlsx, .xlsm, .xls, .ods, .odt, .rtf, .zip, and by OCR .tif, .jpg, .png";

    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Text => "text",
            Format::Tiff => "tiff",
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Odt => "odt",
            Format::Rtf => "rtf",
        }
    }

    /// An image: its text can only come from OCR.
    pub fn is_image(self) -> bool {
        matches!(self, Format::Tiff | Format::Jpeg | Format::Png)
    }
}

/// Lower-case extension, empty when there is none.
pub fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// How the vendor of an input is named.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VendorName {
    /// A first-level folder of the `root`-th scanned folder. Folders of the
    /// same name in two scanned folders are two vendors.
    Folder { root: usize, name: Name },
    /// A loose file: named after the counterparty in its preamble, else this stem.
    Loose { stem: String },
}

/// What keiyaku does with an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A document to read.
    Read(Format),
    /// A zip archive: its members are documents of the same vendor, each
    /// listed on its own (`束.zip/契約書.pdf`).
    Archive,
    /// A file that may hold contract text, of a type keiyaku does not read.
    Unsupported,
    /// Not a contract document (hidden, an Office lock file, keiyaku's own
    /// files, a link to a file read elsewhere for the same vendor): listed only.
    Ignored(String),
    /// Not opened: a symbolic link not followed, a FIFO, socket or device, a
    /// folder below the depth limit.
    Skipped(String),
    /// A folder that could not be listed.
    Unlistable(String),
}

/// One entry of a scanned folder.
#[derive(Debug, Clone)]
pub struct Input {
    /// None for a file lying directly in a scanned folder that is not a
    /// document (reported apart from the vendors).
    pub vendor: Option<VendorName>,
    /// The path to open.
    pub path: PathBuf,
    /// May the final component of `path` be a symbolic link: true only for
    /// paths the user named.
    pub follow: bool,
    /// Path shown in reports: relative to the scanned folder, `/`-separated,
    /// prefixed by the scanned folder when several were given.
    pub display: Name,
    pub kind: Kind,
    /// The scanned folder, where `keiyaku.toml` may live.
    pub root: Option<PathBuf>,
    /// For a member of a zip archive, its path inside the archive (through
    /// the archives it lies in); `path` is then the archive on disk.
    pub member: Option<String>,
}

impl Input {
    pub fn display_path(&self) -> &str {
        &self.display.text
    }

    /// Lower-case extension of the file (of the member, for a member).
    pub fn extension(&self) -> String {
        match &self.member {
            Some(m) => extension(Path::new(m.rsplit('/').next().unwrap_or(m))),
            None => extension(&self.path),
        }
    }
}

/// A scanned folder.
#[derive(Debug, Clone)]
pub struct Root {
    pub path: PathBuf,
    pub canonical: PathBuf,
    /// Shown before document paths and beside vendor names when several
    /// folders are scanned.
    pub shown: Option<Name>,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    /// Every vendor folder, even one with nothing in it.
    pub vendors: Vec<VendorName>,
    pub roots: Vec<Root>,
}

#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Follow symbolic links whose targets lie inside a scanned folder.
    pub follow: bool,
    /// Files never read as documents: the reports this run writes.
    pub exclude: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("ファイルまたはフォルダがありません / no such file or folder: {}", .0.display())]
    NotFound(PathBuf),
    #[error("{}: ファイルでもフォルダでもありません / not a file or folder ({kind}); keiyaku reads regular files only", .path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("開けません / cannot open {}: {reason}", .path.display())]
    Unreadable { path: PathBuf, reason: String },
}

/// Deep enough for any real archive.
pub const MAX_DEPTH: usize = 32;

/// Names that are never contract documents.
pub fn ignored_reason(name: &std::ffi::OsStr, is_dir: bool) -> Option<&'static str> {
    let name = name.to_string_lossy();
    let lower = name.to_ascii_lowercase();
    if name.starts_with('.') && is_dir {
        Some("a hidden folder: not read")
    } else if name == "keiyaku.toml" {
        Some("keiyaku's folder settings")
    } else if name.starts_with("~$") {
        Some("an Office lock file")
    } else if name.starts_with('.') {
        Some("a hidden file")
    } else if lower == "thumbs.db" || lower == "desktop.ini" || lower == "ehthumbs.db" {
        Some("a Windows system file")
    } else {
        None
    }
}

fn kind_of_file(path: &Path) -> Kind {
    match Format::from_path(path) {
        Some(f) => Kind::Read(f),
        None if extension(path) == "zip" => Kind::Archive,
        None => Kind::Unsupported,
    }
}

/// What keiyaku does with a member of a zip archive, by its path inside the
/// archive: the same as with a file of that name in a folder. `..` and a
/// leading `/` are only parts of a name (nothing is written to disk).
pub fn kind_of_member(path: &str) -> Kind {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    let Some((file, folders)) = parts.split_last() else {
        return Kind::Ignored("a member without a name".into());
    };
    for folder in folders {
        if *folder == "__MACOSX" {
            return Kind::Ignored("macOS resource data (__MACOSX): not a document".into());
        }
        if let Some(r) = ignored_reason(std::ffi::OsStr::new(folder), true) {
            return Kind::Ignored(r.into());
        }
    }
    if *file == "keiyaku.toml" {
        return Kind::Ignored("keiyaku.toml inside an archive: not read as settings".into());
    }
    if let Some(r) = ignored_reason(std::ffi::OsStr::new(file), false) {
        return Kind::Ignored(r.into());
    }
    kind_of_file(Path::new(file))
}

fn stem(p: &Path) -> String {
    names::nfc(
        &p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}

fn io_reason(e: &std::io::Error) -> String {
    // The io::Error's own text ends with "(os error N)"; keep it for the record.
    e.to_string()
}

/// List the inputs of all PATHs, in a deterministic order.
pub fn discover(paths: &[PathBuf], opts: &Options) -> Result<Discovery, DiscoverError> {
    let mut walk = Walk {
        opts,
        out: Discovery::default(),
        seen: HashMap::new(),
        links: Vec::new(),
        folders: HashMap::new(),
    };
    // PATHs first: each must exist and be a folder or a regular file.
    let mut folders: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::NotFound(path.clone()),
            _ => DiscoverError::Unreadable {
                path: path.clone(),
                reason: io_reason(&e),
            },
        })?;
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if meta.is_dir() {
            if !folders.iter().any(|(_, c)| *c == canonical) {
                folders.push((path.clone(), canonical));
            }
        } else if meta.is_file() {
            files.push((path.clone(), canonical));
        } else {
            return Err(DiscoverError::NotRegular {
                path: path.clone(),
                kind: open::kind_name(&meta.file_type()),
            });
        }
    }
    let several = folders.len() > 1;
    for (path, canonical) in folders {
        let shown = several.then(|| {
            let s = path.as_os_str().to_string_lossy();
            let trimmed = s.trim_end_matches('/');
            if path.to_str().is_some() {
                Name::plain(if trimmed.is_empty() { "/" } else { trimmed })
            } else {
                Name::new(path.as_os_str())
            }
        });
        walk.out.roots.push(Root {
            path,
            canonical,
            shown,
        });
    }
    for ri in 0..walk.out.roots.len() {
        walk.root(ri)?;
    }
    // Files named on the command line: read even if hidden, and through a
    // link, since the user named them.
    for (path, canonical) in files {
        if walk.seen.contains_key(&canonical) {
            continue;
        }
        walk.seen.insert(canonical, walk.out.inputs.len());
        let shown = path
            .file_name()
            .map(Name::new)
            .unwrap_or_else(|| Name::new(path.as_os_str()));
        walk.out.inputs.push(Input {
            vendor: Some(VendorName::Loose { stem: stem(&path) }),
            kind: kind_of_file(&path),
            follow: true,
            display: shown,
            path,
            root: None,
            member: None,
        });
    }
    walk.resolve_links();
    let mut out = walk.out;
    out.inputs
        .sort_by(|a, b| (&a.vendor, &a.display).cmp(&(&b.vendor, &b.display)));
    out.vendors.sort();
    out.vendors.dedup();
    Ok(out)
}

/// A symbolic link met in a folder, resolved once the whole walk is known.
struct Link {
    input: usize,
    /// The vendor folder it lies in, canonical (None for a loose link).
    vendor_dir: Option<PathBuf>,
}

struct Walk<'o> {
    opts: &'o Options,
    out: Discovery,
    /// Canonical path of every regular file listed → its input.
    seen: HashMap<PathBuf, usize>,
    links: Vec<Link>,
    /// Canonical path of each folder a file was listed in: a regular file's
    /// own is its folder's and its name, so links are resolved once a folder.
    folders: HashMap<PathBuf, PathBuf>,
}

impl Walk<'_> {
    fn root(&mut self, ri: usize) -> Result<(), DiscoverError> {
        let root = self.out.roots[ri].clone();
        let mut it = walkdir::WalkDir::new(&root.path)
            .min_depth(1)
            .max_depth(MAX_DEPTH)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = it.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let Some(path) = e.path().map(Path::to_path_buf) else {
                        continue;
                    };
                    let reason = match e.io_error() {
                        Some(io) => format!("cannot open folder: {}", io_reason(io)),
                        None => format!("cannot open folder: {e}"),
                    };
                    if e.depth() == 0 || path == root.path {
                        return Err(DiscoverError::Unreadable {
                            path: root.path.clone(),
                            reason,
                        });
                    }
                    let is_dir = e.depth() >= 1;
                    self.push(ri, &root, &path, is_dir, Kind::Unlistable(reason));
                    continue;
                }
            };
            let path = entry.path();
            let ft = entry.file_type();
            let depth = entry.depth();
            if let Some(reason) = ignored_reason(entry.file_name(), ft.is_dir()) {
                self.push(ri, &root, path, ft.is_dir(), Kind::Ignored(reason.into()));
                if ft.is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
            if ft.is_dir() {
                if depth == 1 {
                    self.out.vendors.push(VendorName::Folder {
                        root: ri,
                        name: Name::new(entry.file_name()),
                    });
                }
                if depth == MAX_DEPTH && !folder_is_empty(path) {
                    let reason = format!("a folder more than {MAX_DEPTH} levels deep: not read");
                    self.push(ri, &root, path, true, Kind::Skipped(reason));
                }
                continue;
            }
            if ft.is_symlink() {
                let idx = self.push(
                    ri,
                    &root,
                    path,
                    false,
                    Kind::Skipped(
                        "symbolic link: not followed (--follow reads links that stay inside the scanned folders)"
                            .into(),
                    ),
                );
                if self.opts.follow {
                    let vendor_dir = (depth > 1)
                        .then(|| {
                            path.strip_prefix(&root.path)
                                .ok()
                                .and_then(|r| r.components().next())
                                .map(|c| root.canonical.join(c))
                        })
                        .flatten();
                    self.links.push(Link {
                        input: idx,
                        vendor_dir,
                    });
                }
                continue;
            }
            if ft.is_file() {
                let canonical = self.canonical_file(path);
                if self.opts.exclude.contains(&canonical) {
                    let kind = Kind::Ignored("the report this scan writes".into());
                    self.push(ri, &root, path, false, kind);
                    continue;
                }
                if self.seen.contains_key(&canonical) {
                    // The same file reached through another PATH: read once.
                    continue;
                }
                let idx = self.push(ri, &root, path, false, kind_of_file(path));
                self.seen.insert(canonical, idx);
                continue;
            }
            let reason = format!("{}: not opened", open::kind_name(&ft));
            self.push(ri, &root, path, false, Kind::Skipped(reason));
        }
        Ok(())
    }

    /// The canonical path of a regular file (not a link) listed under a root.
    fn canonical_file(&mut self, path: &Path) -> PathBuf {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        };
        if let Some(c) = self.folders.get(dir) {
            return c.join(name);
        }
        match std::fs::canonicalize(dir) {
            Ok(c) => {
                let file = c.join(name);
                self.folders.insert(dir.to_path_buf(), c);
                file
            }
            Err(_) => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        }
    }

    /// Add an input for `path` under `root`; returns its index.
    fn push(&mut self, ri: usize, root: &Root, path: &Path, is_dir: bool, kind: Kind) -> usize {
        let rel = path.strip_prefix(&root.path).unwrap_or(path);
        let mut parts: Vec<Name> = root.shown.iter().cloned().collect();
        parts.extend(rel.components().map(|c| Name::new(c.as_os_str())));
        let mut display = Name::join(&parts);
        if is_dir {
            display.text.push('/');
            if let Some(b) = &mut display.bytes {
                b.push(b'/');
            }
        }
        let first = rel.components().next().map(|c| Name::new(c.as_os_str()));
        let top_level = rel.components().count() == 1;
        let vendor = match (top_level, is_dir, &kind) {
            // A folder that is itself a vendor folder (unlistable or too deep).
            (true, true, Kind::Ignored(_)) => None,
            (true, true, _) => first.map(|name| VendorName::Folder { root: ri, name }),
            (true, false, Kind::Ignored(_)) => None,
            (true, false, _) => Some(VendorName::Loose { stem: stem(path) }),
            (false, _, _) => first.map(|name| VendorName::Folder { root: ri, name }),
        };
        if let (true, true, Some(v)) = (top_level, is_dir, &vendor) {
            self.out.vendors.push(v.clone());
        }
        self.out.inputs.push(Input {
            vendor,
            path: path.to_path_buf(),
            follow: false,
            display,
            kind,
            root: Some(root.path.clone()),
            member: None,
        });
        self.out.inputs.len() - 1
    }

    /// `--follow`: decide each link by where it leads.
    fn resolve_links(&mut self) {
        let links = std::mem::take(&mut self.links);
        for link in links {
            let input = &self.out.inputs[link.input];
            let kind = match std::fs::canonicalize(&input.path) {
                Err(e) if is_loop(&e) => Kind::Skipped("symbolic link loop: not followed".into()),
                Err(e) => Kind::Skipped(format!("broken symbolic link: {}", io_reason(&e))),
                Ok(target) => self.follow(&link, target),
            };
            self.out.inputs[link.input].kind = kind;
        }
    }

    fn follow(&mut self, link: &Link, target: PathBuf) -> Kind {
        let inside = self
            .out
            .roots
            .iter()
            .find(|r| target.starts_with(&r.canonical));
        let Some(root) = inside else {
            return Kind::Skipped(
                "symbolic link to a place outside the scanned folders: not followed".into(),
            );
        };
        let shown = |t: &Path| {
            let rel = t.strip_prefix(&root.canonical).unwrap_or(t);
            let mut parts: Vec<Name> = root.shown.iter().cloned().collect();
            parts.extend(rel.components().map(|c| Name::new(c.as_os_str())));
            Name::join(&parts).text
        };
        let meta = match std::fs::metadata(&target) {
            Ok(m) => m,
            Err(e) => return Kind::Skipped(format!("broken symbolic link: {}", io_reason(&e))),
        };
        if meta.is_dir() {
            let own = link
                .vendor_dir
                .as_ref()
                .is_some_and(|v| target.starts_with(v));
            let to = shown(&target);
            return if own {
                Kind::Ignored(format!(
                    "symbolic link to {to}/ of the same vendor: its files are read where they lie"
                ))
            } else {
                Kind::Skipped(format!(
                    "symbolic link to the folder {to}/: its files are read where they lie, not for this vendor"
                ))
            };
        }
        if !meta.is_file() {
            return Kind::Skipped(format!(
                "symbolic link to a {}: not opened",
                open::kind_name(&meta.file_type())
            ));
        }
        let me = &self.out.inputs[link.input];
        if let Some(&other) = self.seen.get(&target) {
            let o = &self.out.inputs[other];
            let to = o.display.text.clone();
            return if o.vendor == me.vendor {
                Kind::Ignored(format!("symbolic link to {to}, read there"))
            } else {
                Kind::Skipped(format!(
                    "symbolic link to {to} of another vendor: a file is read for one vendor only"
                ))
            };
        }
        // A file inside the scanned folders that the walk did not list
        // (hidden or too deep): read it once, for the link's vendor.
        self.seen.insert(target.clone(), link.input);
        let kind = kind_of_file(&self.out.inputs[link.input].path);
        let input = &mut self.out.inputs[link.input];
        input.path = target;
        input.follow = false;
        kind
    }
}

fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    return e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    return false;
}

fn folder_is_empty(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut rd| rd.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(d: &Discovery) -> Vec<(String, String)> {
        d.inputs
            .iter()
            .map(|i| {
                let k = match &i.kind {
                    Kind::Read(f) => f.name().to_string(),
                    Kind::Archive => "zip".into(),
                    Kind::Unsupported => "unsupported".into(),
                    Kind::Ignored(_) => "ignored".into(),
                    Kind::Skipped(_) => "skipped".into(),
                    Kind::Unlistable(_) => "error".into(),
                };
                (i.display.text.clone(), k)
            })
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn subfolders_are_vendors_and_every_file_is_listed_with_what_happens_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().join("ベンダA");
        std::fs::create_dir_all(v.join("sub")).unwrap();
        std::fs::write(v.join("契約書.docx"), b"x").unwrap();
        std::fs::write(v.join("sub/SLA.pdf"), b"x").unwrap();
        std::fs::write(v.join("memo.msg"), b"x").unwrap();
        std::fs::write(v.join(".DS_Store"), b"x").unwrap();
        std::fs::write(v.join("~$契約書.docx"), b"x").unwrap();
        std::fs::write(v.join("Thumbs.db"), b"x").unwrap();
        std::fs::write(dir.path().join("単独.txt"), b"x").unwrap();
        std::fs::write(dir.path().join("desktop.ini"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("空のベンダ")).unwrap();
        let d = discover(&[dir.path().to_path_buf()], &Options::default()).unwrap();
        assert_eq!(
            listed(&d),
            pairs(&[
                ("desktop.ini", "ignored"),
                ("ベンダA/.DS_Store", "ignored"),
                ("ベンダA/Thumbs.db", "ignored"),
                ("ベンダA/memo.msg", "unsupported"),
                ("ベンダA/sub/SLA.pdf", "pdf"),
                ("ベンダA/~$契約書.docx", "ignored"),
                ("ベンダA/契約書.docx", "docx"),
                ("単独.txt", "text"),
            ])
        );
        assert_eq!(d.inputs[0].vendor, None);
        assert_eq!(
            d.inputs[7].vendor,
            Some(VendorName::Loose {
                stem: "単独".into()
            })
        );
        // The empty vendor folder is still a vendor.
        assert_eq!(d.vendors.len(), 2);
    }

    #[test]
    fn zip_members_are_classified_like_files_and_dot_dot_is_only_a_name() {
        let kind = |p: &str| match kind_of_member(p) {
            Kind::Read(f) => f.name().to_string(),
            Kind::Archive => "zip".into(),
            Kind::Unsupported => "unsupported".into(),
            Kind::Ignored(_) => "ignored".into(),
            other => format!("{other:?}"),
        };
        assert_eq!(kind("契約書.PDF"), "pdf");
        assert_eq!(kind("sub/SLA.docx"), "docx");
        assert_eq!(kind("../../etc/覚書.txt"), "text");
        assert_eq!(kind("/abs/x.md"), "text");
        assert_eq!(kind("inner.zip"), "zip");
        assert_eq!(kind("見積書.xlsx"), "xlsx");
        assert_eq!(kind("見積書.xls"), "xls");
        assert_eq!(kind("見積書.msg"), "unsupported");
        assert_eq!(kind("__MACOSX/._契約書.pdf"), "ignored");
        assert_eq!(kind("a/.DS_Store"), "ignored");
        assert_eq!(kind(".hidden/契約書.pdf"), "ignored");
        assert_eq!(kind("~$契約書.docx"), "ignored");
        assert_eq!(kind("keiyaku.toml"), "ignored");
    }

    #[test]
    fn a_zip_file_in_a_folder_is_an_archive_to_open() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("V")).unwrap();
        std::fs::write(dir.path().join("V/束.ZIP"), b"PK").unwrap();
        let d = discover(&[dir.path().to_path_buf()], &Options::default()).unwrap();
        assert_eq!(listed(&d), pairs(&[("V/束.ZIP", "zip")]));
    }

    #[test]
    fn word_97_2003_files_are_read_whatever_the_case_of_their_extension() {
        for name in ["契約書.doc", "契約書.DOC", "a.Doc"] {
            assert_eq!(
                Format::from_path(Path::new(name)),
                Some(Format::Doc),
                "{name}"
            );
        }
        assert_eq!(Format::from_path(Path::new("a.dot")), None);
    }

    #[test]
    fn a_path_given_twice_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("V")).unwrap();
        std::fs::write(dir.path().join("V/a.txt"), b"x").unwrap();
        let p = dir.path().to_path_buf();
        let d = discover(
            &[p.clone(), p.clone(), p.join("V/a.txt")],
            &Options::default(),
        )
        .unwrap();
        assert_eq!(d.inputs.len(), 1);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let err = discover(&[PathBuf::from("/no/such/place")], &Options::default()).unwrap_err();
        assert!(matches!(err, DiscoverError::NotFound(_)));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_given_as_path_is_refused_without_reading_it() {
        let err = discover(&[PathBuf::from("/dev/zero")], &Options::default()).unwrap_err();
        assert!(
            matches!(err, DiscoverError::NotRegular { kind: "device", .. }),
            "{err}"
        );
    }

    #[test]
    fn folders_of_the_same_name_under_two_paths_stay_two_vendors_with_their_roots_shown() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for d in [&a, &b] {
            std::fs::create_dir(d.path().join("V")).unwrap();
            std::fs::write(d.path().join("V/c.txt"), b"x").unwrap();
        }
        let d = discover(
            &[a.path().to_path_buf(), b.path().to_path_buf()],
            &Options::default(),
        )
        .unwrap();
        assert_eq!(d.inputs.len(), 2);
        assert_ne!(d.inputs[0].vendor, d.inputs[1].vendor);
        assert_ne!(d.inputs[0].display, d.inputs[1].display);
        assert!(d.inputs[0].display.text.ends_with("/V/c.txt"));
    }

    #[test]
    fn files_below_the_depth_limit_are_listed_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = dir.path().join("V");
        for i in 0..MAX_DEPTH + 2 {
            p = p.join(format!("d{i}"));
        }
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("deep.pdf"), b"x").unwrap();
        let d = discover(&[dir.path().to_path_buf()], &Options::default()).unwrap();
        assert_eq!(d.inputs.len(), 1, "{:?}", listed(&d));
        assert!(matches!(d.inputs[0].kind, Kind::Skipped(ref r) if r.contains("levels deep")));
        assert_eq!(
            d.inputs[0].vendor,
            Some(VendorName::Folder {
                root: 0,
                name: Name::plain("V")
            })
        );
    }
}
