//! Zip archives whose members are documents: vendors send contracts as a
//! zip, often password-protected (「PPAP」).
//!
//! This module lists an archive's members and inflates one member at a time
//! under caps; the app makes each member a document of the vendor. An archive
//! is read in parts (from its file, or from memory for an archive inside an
//! archive) and nothing is written to disk, so names such as `../x.pdf` or
//! `/etc/x.pdf` are only names. Inflation is bounded per member (the file
//! cap: a member is a file), per archive with the archives inside it (twice
//! the file cap in all), and by ratio: a member declaring more than 200 times
//! its compressed size is a zip bomb and is not inflated at all, and one that
//! inflates beyond what it declared is stopped there. A bomb costs a bounded
//! amount of memory and work.

mod names;

use crate::error::ExtractError;
use std::io::{Read, Seek};

/// The caps on reading archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries read from one archive, folders included; beyond it the rest
    /// is not listed and the archive says so.
    pub entries: usize,
    /// Inflated bytes of one member.
    pub member_bytes: u64,
    /// Inflated bytes of an archive and the archives inside it, all members
    /// together.
    pub total_bytes: u64,
    /// A member declaring more than [`RATIO_FLOOR`] and more than this many
    /// times its compressed size is not read. Contracts compress about 1:1
    /// (PDF, DOCX) to 1:10 (text); zip bombs about 1:1000.
    pub ratio: u64,
    /// Archives opened one inside another: 2 reads `束.zip/内.zip/契約書.pdf`.
    pub depth: usize,
}

/// Below this a member's ratio is not checked: small members cost nothing.
pub const RATIO_FLOOR: u64 = 1 << 20;

impl Limits {
    /// The caps that go with a file cap of `file_bytes`.
    pub fn for_file_cap(file_bytes: u64) -> Limits {
        Limits {
            entries: 10_000,
            member_bytes: file_bytes,
            total_bytes: file_bytes.saturating_mul(2),
            ratio: 200,
            depth: 2,
        }
    }
}

/// Inflated bytes still allowed for an archive and the archives inside it.
#[derive(Debug)]
pub struct Budget {
    left: u64,
}

impl Budget {
    pub fn new(limits: &Limits) -> Budget {
        Budget {
            left: limits.total_bytes,
        }
    }
}

/// One entry of an archive's central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the archive, decoded (see [`names`]).
    pub name: String,
    pub is_dir: bool,
    pub is_symlink: bool,
    /// Needs a password (traditional ZipCrypto or AES).
    pub encrypted: bool,
}

/// General purpose bit 11: the name is UTF-8.
const UTF8_FLAG: u16 = 0x0800;

pub struct Archive<R> {
    zip: zip::ZipArchive<R>,
}

impl<R: Read + Seek> Archive<R> {
    pub fn open(reader: R) -> Result<Archive<R>, ExtractError> {
        zip::ZipArchive::new(reader)
            .map(|zip| Archive { zip })
            .map_err(|e| ExtractError::corrupt("ZIP", format!("not a readable ZIP archive ({e})")))
    }

    /// Entries in the central directory (folders included).
    pub fn len(&self) -> usize {
        self.zip.len()
    }

    pub fn is_empty(&self) -> bool {
        self.zip.is_empty()
    }

    pub fn entry(&self, index: usize) -> Result<Entry, ExtractError> {
        let e = self
            .zip
            .by_index_data(index)
            .map_err(|e| ExtractError::corrupt("ZIP", format!("entry {index}: {e}")))?;
        let utf8 = e.flags().as_u16() & UTF8_FLAG != 0;
        let name = names::decode(e.name_raw(), utf8).unwrap_or_else(|| match e.name() {
            Ok(n) => n.into_owned(),
            Err(_) => String::from_utf8_lossy(e.name_raw()).into_owned(),
        });
        Ok(Entry {
            name,
            is_dir: e.is_dir(),
            is_symlink: e.is_symlink(),
            encrypted: e.encrypted(),
        })
    }

    /// Inflate one member, never past the caps whatever sizes the archive
    /// declares. What was inflated counts against `budget` even when a cap
    /// stops it.
    pub fn read(
        &mut self,
        index: usize,
        limits: &Limits,
        budget: &mut Budget,
    ) -> Result<Vec<u8>, ExtractError> {
        let file = self.zip.by_index(index).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m)
                if m == zip::result::ZipError::PASSWORD_REQUIRED =>
            {
                ExtractError::Encrypted("パスワード付きZIP".into())
            }
            other => ExtractError::corrupt("ZIP", format!("member cannot be read ({other})")),
        })?;
        let declared = file.size();
        if declared > RATIO_FLOOR && declared / file.compressed_size().max(1) > limits.ratio {
            return Err(ratio_error(limits));
        }
        let cap = limits.member_bytes.min(budget.left);
        // The declared size, now bounded by the ratio and the caps, is what
        // the member may inflate to: allocated once, never grown past.
        let mut out = Vec::with_capacity(declared.min(cap).saturating_add(1) as usize);
        let result = inflate(file, &mut out, cap, declared);
        budget.left = budget.left.saturating_sub(out.len() as u64);
        match result {
            Ok(()) => Ok(out),
            Err(Stop::Damaged(e)) => Err(ExtractError::corrupt(
                "ZIP",
                format!("member is damaged ({e})"),
            )),
            Err(Stop::Undeclared) => Err(ExtractError::corrupt(
                "ZIP",
                format!("the member inflates beyond the {declared} bytes it declares"),
            )),
            Err(Stop::Cap) if cap == limits.member_bytes => Err(ExtractError::TooLarge {
                limit: limits.member_bytes,
            }),
            Err(Stop::Cap) => Err(ExtractError::Cap(format!(
                "the ZIP archive inflates beyond {} bytes in all",
                limits.total_bytes
            ))),
        }
    }
}

fn ratio_error(limits: &Limits) -> ExtractError {
    ExtractError::Cap(format!(
        "the ZIP member inflates more than {}:1 (a zip bomb?)",
        limits.ratio
    ))
}

enum Stop {
    Damaged(std::io::Error),
    /// More than the member declared: a lying header is not believed further.
    Undeclared,
    Cap,
}

/// Inflate into `out`, stopping one byte past `cap` or past `declared`.
fn inflate(file: impl Read, out: &mut Vec<u8>, cap: u64, declared: u64) -> Result<(), Stop> {
    let limit = cap.min(declared);
    if let Err(e) = file.take(limit.saturating_add(1)).read_to_end(out) {
        return Err(Stop::Damaged(e));
    }
    let len = out.len() as u64;
    if len > cap {
        Err(Stop::Cap)
    } else if len > declared {
        Err(Stop::Undeclared)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;

    fn archive(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn small() -> Limits {
        Limits {
            member_bytes: 4 << 20,
            total_bytes: 6 << 20,
            ..Limits::for_file_cap(0)
        }
    }

    #[test]
    fn members_are_listed_and_read() {
        let bytes = archive(&[("d/", b""), ("d/契約書.txt", "第1条".as_bytes())]);
        let mut a = Archive::open(Cursor::new(&bytes)).unwrap();
        assert_eq!(a.len(), 2);
        assert!(a.entry(0).unwrap().is_dir);
        let e = a.entry(1).unwrap();
        assert_eq!(e.name, "d/契約書.txt");
        assert!(!e.encrypted);
        let mut budget = Budget::new(&small());
        assert_eq!(
            a.read(1, &small(), &mut budget).unwrap(),
            "第1条".as_bytes()
        );
    }

    #[test]
    fn a_zip_bomb_stops_at_the_ratio_long_before_the_caps() {
        let zeros = vec![0u8; 3 << 20];
        let bytes = archive(&[("bomb.txt", &zeros)]);
        let mut a = Archive::open(Cursor::new(&bytes)).unwrap();
        let mut budget = Budget::new(&small());
        let err = a.read(0, &small(), &mut budget).unwrap_err();
        assert!(
            matches!(err, ExtractError::Cap(ref m) if m.contains("zip bomb")),
            "{err}"
        );
    }

    #[test]
    fn members_over_the_member_cap_and_the_archive_total_are_refused() {
        let noise: Vec<u8> = (0..(5u32 << 20))
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let third: &[u8] = noise.get(..(3 << 20)).unwrap();
        let bytes = archive(&[("big.pdf", &noise), ("a.pdf", third), ("b.pdf", third)]);
        let mut a = Archive::open(Cursor::new(&bytes)).unwrap();
        let limits = small();
        let mut budget = Budget::new(&limits);
        let err = a.read(0, &limits, &mut budget).unwrap_err();
        assert!(matches!(err, ExtractError::TooLarge { .. }), "{err}");
        // 4 MiB of the 6 went into the refused member; 2 MiB are left.
        let err = a.read(1, &limits, &mut budget).unwrap_err();
        assert!(
            matches!(err, ExtractError::Cap(ref m) if m.contains("in all")),
            "{err}"
        );
    }

    #[test]
    fn an_encrypted_member_is_encrypted_and_readable_ones_still_read() {
        let mut bytes = archive(&[("秘密.pdf", b"%PDF-1.4"), ("open.txt", b"x")]);
        // The zip crate writes no ZipCrypto: set the first member's
        // encryption bit (general purpose bit 0) in its local and central headers.
        bytes[6] |= 1;
        let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 8] |= 1;
        let mut a = Archive::open(Cursor::new(&bytes)).unwrap();
        assert!(a.entry(0).unwrap().encrypted);
        let mut budget = Budget::new(&small());
        let err = a.read(0, &small(), &mut budget).unwrap_err();
        assert!(matches!(err, ExtractError::Encrypted(_)), "{err}");
        assert_eq!(a.read(1, &small(), &mut budget).unwrap(), b"x");
    }

    #[test]
    fn bytes_that_are_not_an_archive_are_corrupt() {
        assert!(matches!(
            Archive::open(Cursor::new(b"PK\x03\x04 not really")),
            Err(ExtractError::Corrupt { .. })
        ));
    }
}
