//! Member names of zip archives.
//!
//! A name is UTF-8 when the archive says so (general purpose bit 11, or an
//! Info-ZIP Unicode Path field, which the zip crate applies and flags the same
//! way). Otherwise the specification says CP437, but Japanese Windows writes
//! names in the system code page, Shift_JIS (CP932), and macOS and many tools
//! write UTF-8 without setting the bit. So: ASCII is ASCII in all of them;
//! else UTF-8 if the bytes are valid UTF-8, else Shift_JIS if they decode
//! without error, else CP437 as the specification says.

/// The name, or None when only CP437 is left (the zip crate decodes that).
pub fn decode(raw: &[u8], utf8_flag: bool) -> Option<String> {
    if utf8_flag || raw.is_ascii() {
        return Some(String::from_utf8_lossy(raw).into_owned());
    }
    if let Ok(s) = std::str::from_utf8(raw) {
        return Some(s.to_string());
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(raw)
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_jis_name_without_the_utf8_flag_is_read_as_shift_jis() {
        let (raw, _, _) = encoding_rs::SHIFT_JIS.encode("契約書/表示.pdf");
        assert_eq!(decode(&raw, false).as_deref(), Some("契約書/表示.pdf"));
    }

    #[test]
    fn utf8_without_the_flag_ascii_and_flagged_names_are_kept() {
        assert_eq!(
            decode("覚書.txt".as_bytes(), false).as_deref(),
            Some("覚書.txt")
        );
        assert_eq!(decode(b"SLA.pdf", false).as_deref(), Some("SLA.pdf"));
        assert_eq!(
            decode("覚書.txt".as_bytes(), true).as_deref(),
            Some("覚書.txt")
        );
    }

    #[test]
    fn bytes_neither_utf8_nor_shift_jis_are_left_to_cp437() {
        // "Café" in CP437: 0x82 followed by '.' is no Shift_JIS character.
        assert_eq!(decode(b"Caf\x82.txt", false), None);
    }
}
