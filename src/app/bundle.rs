//! A zip archive among a vendor's files: each member is a document of that
//! vendor, named `束.zip/契約書.pdf` (the archive's path, `/`, the member's
//! path), classified as a file of that name in a folder would be and read
//! through the same per-document pipeline, one member's bytes at a time.
//! Archives inside the archive are opened to a small depth. The archive
//! itself is listed only when it says something: it cannot be opened, it is
//! empty, or it has more entries than keiyaku reads.

use super::work::{self, Ctx, DocWork};
use crate::discover::{self, Input, Kind, Name};
use crate::error::ExtractError;
use crate::extract::bundle::{Archive, Budget, Limits};
use crate::report::model::DocStatus;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};

/// The reason of a member that needs a password.
const PPAP: &str = "パスワード付きZIP: unzip it with its password and scan the files";

/// The documents of the archive `w`, read from `file`.
pub fn expand(w: DocWork, file: &File, ctx: &Ctx) -> Vec<DocWork> {
    let limits = Limits::for_file_cap(ctx.limits.file_bytes);
    let mut reading = Reading {
        ctx,
        limits,
        budget: Budget::new(&limits),
        out: Vec::new(),
    };
    reading.archive(w, BufReader::new(file), &Source::File(file), 1);
    // The archive's own hash beside each member's: `keiyaku verify` finds an
    // unchanged archive, and so unchanged members, without opening it.
    let outer = Source::File(file).sha256();
    for d in reading.out.iter_mut().filter(|d| d.input.member.is_some()) {
        d.archive_sha256 = outer.clone();
    }
    reading.out
}

/// Where an archive's bytes are, to hash them when the archive itself is listed.
enum Source<'a> {
    File(&'a File),
    /// An archive inside an archive, inflated.
    Bytes(&'a [u8]),
}

impl Source<'_> {
    fn sha256(&self) -> Option<String> {
        match self {
            Source::Bytes(b) => Some(work::sha256(b)),
            Source::File(f) => {
                let mut f = *f;
                f.rewind().ok()?;
                let mut hasher = Sha256::new();
                std::io::copy(&mut f, &mut hasher).ok()?;
                Some(format!("{:x}", hasher.finalize()))
            }
        }
    }
}

struct Reading<'c, 'a> {
    ctx: &'c Ctx<'a>,
    limits: Limits,
    /// Shared by the archive and the archives inside it.
    budget: Budget,
    out: Vec<DocWork>,
}

/// Behind the panic firewall: a bug in the zip reader is the archive's or
/// the member's `error`, never the end of the batch.
fn guarded<T>(f: impl FnOnce() -> Result<T, ExtractError>) -> Result<T, ExtractError> {
    crate::guard::guarded(f)
        .unwrap_or_else(|p| Err(ExtractError::Internal(crate::guard::message(&*p))))
}

impl Reading<'_, '_> {
    /// List the archive itself, with its hash, as a document saying why.
    fn archive_doc(&mut self, mut w: DocWork, source: &Source, status: DocStatus, reason: String) {
        w.sha256 = source.sha256();
        w.set(status, reason);
        self.out.push(w);
    }

    /// The members of `archive`, read from `reader`, `depth` archives deep.
    fn archive<R: Read + Seek>(
        &mut self,
        archive: DocWork,
        reader: R,
        source: &Source,
        depth: usize,
    ) {
        let mut zip = match guarded(|| Archive::open(reader)) {
            Ok(z) => z,
            Err(e) => {
                let status = work::doc_status(&e);
                self.archive_doc(archive, source, status, e.to_string());
                return;
            }
        };
        let start = self.out.len();
        for index in 0..zip.len() {
            if index >= self.limits.entries {
                let reason = format!(
                    "not read in full: the archive has {} entries and keiyaku reads the first {}",
                    zip.len(),
                    self.limits.entries
                );
                self.archive_doc(archive, source, DocStatus::Error, reason);
                return;
            }
            match guarded(|| zip.entry(index)) {
                Ok(entry) if entry.is_dir => {}
                Ok(entry) => {
                    let mut w = DocWork::new(member_input(&archive.input, &entry.name));
                    if let Kind::Ignored(r) = &w.input.kind {
                        let r = r.clone();
                        w.set(DocStatus::Ignored, r);
                    } else if entry.is_symlink {
                        w.set(
                            DocStatus::Skipped,
                            "a symbolic link inside the archive: not followed",
                        );
                    } else if entry.encrypted {
                        w.set(DocStatus::Encrypted, PPAP);
                    } else {
                        self.member(&mut zip, index, w, depth);
                        continue;
                    }
                    self.out.push(w);
                }
                Err(e) => {
                    let mut w = DocWork::new(member_input(
                        &archive.input,
                        &format!("(entry {})", index + 1),
                    ));
                    w.set(DocStatus::Error, e.to_string());
                    self.out.push(w);
                }
            }
        }
        if self.out.len() == start {
            let reason = "an empty ZIP archive: nothing to read".to_string();
            self.archive_doc(archive, source, DocStatus::Ignored, reason);
        }
    }

    /// Inflate one member and read it as the document it is.
    fn member<R: Read + Seek>(
        &mut self,
        zip: &mut Archive<R>,
        index: usize,
        mut w: DocWork,
        depth: usize,
    ) {
        let nested = w.input.kind == Kind::Archive;
        if nested && depth >= self.limits.depth {
            w.set(
                DocStatus::Skipped,
                format!(
                    "a ZIP archive inside {depth} ZIP archive(s): not opened (keiyaku opens archives {} deep)",
                    self.limits.depth
                ),
            );
            self.out.push(w);
            return;
        }
        let (limits, budget) = (&self.limits, &mut self.budget);
        let bytes = match guarded(|| zip.read(index, limits, budget)) {
            Ok(b) => b,
            Err(ExtractError::Encrypted(_)) => {
                w.set(DocStatus::Encrypted, PPAP);
                self.out.push(w);
                return;
            }
            Err(e) => {
                w.set(work::doc_status(&e), e.to_string());
                self.out.push(w);
                return;
            }
        };
        match w.input.kind.clone() {
            Kind::Archive => {
                let source = Source::Bytes(&bytes);
                self.archive(w, Cursor::new(&bytes[..]), &source, depth + 1)
            }
            kind => {
                let format = match kind {
                    Kind::Read(f) => Some(f),
                    _ => None,
                };
                // A scanned PDF's pages are OCR'd from the member inflated
                // again: it passed the archive's budget once already.
                let limits = self.limits;
                let mut again = || guarded(|| zip.read(index, &limits, &mut Budget::new(&limits)));
                let done = work::read_bytes(w, format, bytes.into(), self.ctx, &mut again);
                self.out.push(done);
            }
        }
    }
}

/// A member as an input of the archive's vendor: shown after the archive's
/// path, opened from the archive's file.
fn member_input(archive: &Input, name: &str) -> Input {
    Input {
        vendor: archive.vendor.clone(),
        path: archive.path.clone(),
        follow: archive.follow,
        display: Name::join(&[archive.display.clone(), Name::plain(name)]),
        kind: discover::kind_of_member(name),
        root: archive.root.clone(),
        member: Some(match &archive.member {
            Some(outer) => format!("{outer}/{name}"),
            None => name.to_string(),
        }),
    }
}
