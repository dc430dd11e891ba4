//! Zip packages other than DOCX (OpenDocument, Excel workbooks): members read
//! under caps whatever sizes the archive declares, as DOCX does.
//!
//! The zip crate stops a member that inflates past its declared size, so a
//! package whose central directory declares sizes within the caps can be
//! handed to a reader that inflates members itself (calamine) and is bounded
//! by those caps too: [`Package::check_declared`].

use crate::error::ExtractError;
use std::io::{Cursor, Read};

/// The caps of one package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Inflated size of one member: no real part comes near it, a zip bomb would.
    pub member_bytes: u64,
    /// Inflated size of all the members read from one package.
    pub total_bytes: u64,
    /// Entries in the archive's central directory.
    pub entries: usize,
    /// Inflated size of the parts read as a stream, never held whole (a
    /// workbook's sheets), all together: it bounds the time they take.
    pub streamed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            member_bytes: 64 * 1024 * 1024,
            total_bytes: 256 * 1024 * 1024,
            entries: 10_000,
            streamed_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// An OLE compound file (D0 CF 11 E0): a password-protected OOXML package,
/// or a legacy binary Office file.
pub const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An OLE file holding an `EncryptedPackage` stream: an OOXML file saved
/// with a password (Office wraps it in OLE to encrypt it).
pub fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    if !bytes.starts_with(OLE_MAGIC) {
        return false;
    }
    let marker: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(marker.len()).any(|w| w == marker)
}

/// Why a member was not read.
pub(crate) enum Unread {
    /// The archive cannot give it (a bad CRC, a broken deflate stream).
    Damaged(ExtractError),
    /// It inflates beyond a cap.
    OverCap(ExtractError),
}

pub struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    format: &'static str,
    limits: Limits,
    /// Inflated bytes read so far, against `limits.total_bytes`.
    read: u64,
}

impl<'a> Package<'a> {
    pub fn open(
        bytes: &'a [u8],
        format: &'static str,
        limits: Limits,
    ) -> Result<Self, ExtractError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            ExtractError::corrupt(format, format!("not a readable ZIP archive ({e})"))
        })?;
        if zip.len() > limits.entries {
            return Err(ExtractError::corrupt(
                format,
                format!(
                    "the archive has {} entries, over the {}-entry cap",
                    zip.len(),
                    limits.entries
                ),
            ));
        }
        Ok(Package {
            zip,
            format,
            limits,
            read: 0,
        })
    }

    pub fn format(&self) -> &'static str {
        self.format
    }

    /// Every member declares a size within the member cap and all together
    /// within the total cap (members that are `streamed`: within the
    /// streamed cap); since the zip crate stops a member at its declared
    /// size, whatever then reads the archive inflates no more.
    pub fn check_declared(&mut self, streamed: impl Fn(&str) -> bool) -> Result<(), ExtractError> {
        let mut total: u64 = 0;
        let mut streamed_total: u64 = 0;
        for i in 0..self.zip.len() {
            let Ok(f) = self.zip.by_index_raw(i) else {
                continue;
            };
            if streamed(&f.name().unwrap_or_default()) {
                streamed_total = streamed_total.saturating_add(f.size());
                continue;
            }
            if f.size() > self.limits.member_bytes {
                return Err(ExtractError::corrupt(
                    self.format,
                    format!(
                        "{} declares {} bytes, over the member cap ({} bytes)",
                        f.name().unwrap_or_default(),
                        f.size(),
                        self.limits.member_bytes
                    ),
                ));
            }
            total = total.saturating_add(f.size());
        }
        if streamed_total > self.limits.streamed_bytes {
            return Err(ExtractError::corrupt(
                self.format,
                format!(
                    "the sheets declare {streamed_total} bytes, over the cap ({} bytes)",
                    self.limits.streamed_bytes
                ),
            ));
        }
        if total > self.limits.total_bytes {
            return Err(ExtractError::corrupt(
                self.format,
                format!(
                    "the members declare {total} bytes, over the package cap ({} bytes)",
                    self.limits.total_bytes
                ),
            ));
        }
        Ok(())
    }

    /// One member as a stream of its inflated bytes, which fails once more
    /// than the streamed cap has come out; None when there is no such member.
    pub fn stream(&mut self, name: &str) -> Result<Option<Member<'_, 'a>>, ExtractError> {
        let format = self.format;
        let cap = self.limits.streamed_bytes;
        match self.zip.by_name(name) {
            Ok(f) => Ok(Some(Capped {
                inner: f,
                left: cap,
                cap,
            })),
            Err(zip::result::ZipError::FileNotFound) => Ok(None),
            Err(e) => Err(ExtractError::corrupt(format, format!("{name}: {e}"))),
        }
    }

    /// The declared (inflated) size of a member, if it is there.
    pub fn declared_size(&mut self, name: &str) -> Option<u64> {
        self.zip.by_name(name).ok().map(|f| f.size())
    }

    /// The names of the members, in archive order.
    pub fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// The first `n` inflated bytes of a member (fewer if it is shorter),
    /// or None when it is missing or damaged.
    pub fn head(&mut self, name: &str, n: u64) -> Option<Vec<u8>> {
        let file = self.zip.by_name(name).ok()?;
        let mut buf = Vec::new();
        file.take(n).read_to_end(&mut buf).ok()?;
        Some(buf)
    }

    /// One member as text (invalid UTF-8 replaced), never inflating more
    /// than the caps; None when the archive has no such member.
    pub fn read(&mut self, name: &str) -> Result<Option<String>, ExtractError> {
        self.member(name)
            .map_err(|(Unread::Damaged(e) | Unread::OverCap(e))| e)
    }

    /// A member the document reads without (headers, styles): damage
    /// leaves it out, but a cap is an error, as for every member.
    pub fn read_optional(&mut self, name: &str) -> Result<Option<String>, ExtractError> {
        match self.member(name) {
            Ok(text) => Ok(text),
            Err(Unread::OverCap(e)) => Err(e),
            Err(Unread::Damaged(_)) => Ok(None),
        }
    }

    fn member(&mut self, name: &str) -> Result<Option<String>, Unread> {
        let cap = self
            .limits
            .member_bytes
            .min(self.limits.total_bytes.saturating_sub(self.read));
        let text = read_member(&mut self.zip, name, self.format, cap)?;
        if let Some(t) = &text {
            self.read = self.read.saturating_add(t.len() as u64);
        }
        Ok(text)
    }
}

/// A member being inflated, under the streamed cap.
pub type Member<'p, 'a> = Capped<zip::read::ZipFile<'p, Cursor<&'a [u8]>>>;

/// A reader that fails once more than its cap has been read.
pub struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

/// Member `name` of `zip` as text, read up to `cap` bytes: None when the
/// archive has no such member; over the cap or damaged, which of the two.
/// Invalid UTF-8 is read lossily.
pub(crate) fn read_member<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    format: &'static str,
    cap: u64,
) -> Result<Option<String>, Unread> {
    let damaged = |e: &dyn std::fmt::Display| {
        Unread::Damaged(ExtractError::corrupt(format, format!("{name}: {e}")))
    };
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(damaged(&e)),
    };
    // Sized from the declared length, bounded: the declaration is not trusted.
    let mut buf = Vec::with_capacity(file.size().min(cap).min(1 << 22) as usize);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| damaged(&e))?;
    if buf.len() as u64 > cap {
        return Err(Unread::OverCap(ExtractError::corrupt(
            format,
            format!("{name} inflates beyond the cap ({cap} bytes)"),
        )));
    }
    // Valid UTF-8 (the usual case) becomes the String without a copy.
    Ok(Some(String::from_utf8(buf).unwrap_or_else(|e| {
        String::from_utf8_lossy(e.as_bytes()).into_owned()
    })))
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::other(format!("inflates beyond the cap ({} bytes)", self.cap))
        })?;
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip archive of `members` (name, text), deflated.
    pub fn zip_of(members: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in members {
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file(*name, opts).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_member_over_the_cap_is_an_error_naming_the_cap() {
        let big = "x".repeat(10_000);
        let bytes = zip_of(&[("content.xml", &big)]);
        let limits = Limits {
            member_bytes: 1000,
            ..Limits::default()
        };
        let mut p = Package::open(&bytes, "ODT", limits).unwrap();
        let e = p.read("content.xml").unwrap_err().to_string();
        assert!(e.contains("cap"), "{e}");
        assert!(p.check_declared(|_| false).is_err());
        assert!(p.check_declared(|n| n == "content.xml").is_ok());
        assert_eq!(p.read("missing.xml").unwrap(), None);
    }

    #[test]
    fn members_together_over_the_package_cap_are_an_error() {
        let part = "x".repeat(600);
        let bytes = zip_of(&[("a.xml", &part), ("b.xml", &part)]);
        let limits = Limits {
            member_bytes: 1000,
            total_bytes: 1000,
            entries: 10,
            streamed_bytes: 100,
        };
        let mut p = Package::open(&bytes, "ODS", limits).unwrap();
        assert!(p.check_declared(|_| false).is_err());
        let mut streamed = String::new();
        let e = p
            .stream("a.xml")
            .unwrap()
            .unwrap()
            .read_to_string(&mut streamed);
        assert!(e.unwrap_err().to_string().contains("cap"));
        assert!(p.read("a.xml").unwrap().is_some());
        assert!(p.read("b.xml").is_err());
    }
}
