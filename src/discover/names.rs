//! File and folder names as reports show them.
//!
//! Names are shown in NFC (macOS writes NFD) and, when they are not valid
//! UTF-8, with each invalid byte escaped as `\xFF`; the exact bytes are kept
//! beside the shown form so that two folders differing only in such bytes stay
//! two vendors and a JSON reader can recover the real name.

use std::ffi::OsStr;
use unicode_normalization::UnicodeNormalization;

/// A name as shown, and its exact bytes when the shown form is not the name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name {
    pub text: String,
    /// Set only when the name is not valid UTF-8.
    pub bytes: Option<Vec<u8>>,
}

impl Name {
    pub fn new(s: &OsStr) -> Name {
        match s.to_str() {
            Some(t) => Name {
                text: nfc(t),
                bytes: None,
            },
            None => Name {
                text: escape(s),
                bytes: Some(raw_bytes(s)),
            },
        }
    }

    pub fn plain(s: &str) -> Name {
        Name {
            text: nfc(s),
            bytes: None,
        }
    }

    /// Join names with `/`, keeping the exact bytes if any part needs them.
    pub fn join(parts: &[Name]) -> Name {
        let text = parts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = parts.iter().any(|p| p.bytes.is_some()).then(|| {
            let mut b = Vec::new();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    b.push(b'/');
                }
                b.extend_from_slice(p.bytes.as_deref().unwrap_or(p.text.as_bytes()));
            }
            b
        });
        Name { text, bytes }
    }
}

pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(unix)]
fn raw_bytes(s: &OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn raw_bytes(s: &OsStr) -> Vec<u8> {
    s.to_string_lossy().as_bytes().to_vec()
}

/// Valid parts in NFC, each invalid byte as `\xHH`.
fn escape(s: &OsStr) -> String {
    let bytes = raw_bytes(s);
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(&nfc(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn names_differing_in_invalid_bytes_stay_apart_and_keep_their_bytes() {
        let a = Name::new(OsStr::from_bytes(b"vendor\xff"));
        let b = Name::new(OsStr::from_bytes(b"vendor\xfe"));
        assert_ne!(a, b);
        assert_eq!(a.text, "vendor\\xFF");
        assert_eq!(a.bytes.as_deref(), Some(&b"vendor\xff"[..]));
    }

    #[test]
    fn decomposed_names_are_shown_composed() {
        let nfd = "ハ\u{309a}ートナー";
        assert_eq!(Name::new(OsStr::new(nfd)).text, "パートナー");
    }

    #[test]
    fn a_joined_path_keeps_the_exact_bytes_of_its_parts() {
        let j = Name::join(&[
            Name::new(OsStr::from_bytes(b"v\xff")),
            Name::plain("契約.pdf"),
        ]);
        assert_eq!(j.text, "v\\xFF/契約.pdf");
        let mut want = b"v\xff/".to_vec();
        want.extend_from_slice("契約.pdf".as_bytes());
        assert_eq!(j.bytes.unwrap(), want);
    }
}
