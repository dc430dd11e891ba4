//! Character-code splitting and CMap loading.
//!
//! Which bytes of a string form one character code is decided by the
//! codespace ranges of the font's encoding CMap. hayro-cmap parses CMaps and
//! carries Adobe's predefined ones, but keeps codespaces private, so the
//! ranges are read here: from an embedded CMap's `begincodespacerange`, or
//! from the known layout of each predefined CMap family.

use hayro_cmap::{CMap, CMapName};

/// One codespace range: codes of `len` bytes with each byte within bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRange {
    pub len: usize,
    pub low: Vec<u8>,
    pub high: Vec<u8>,
}

impl CodeRange {
    fn new(low: &[u8], high: &[u8]) -> Self {
        CodeRange {
            len: low.len(),
            low: low.to_vec(),
            high: high.to_vec(),
        }
    }

    fn matches(&self, bytes: &[u8]) -> bool {
        bytes.len() >= self.len
            && (0..self.len).all(|i| bytes[i] >= self.low[i] && bytes[i] <= self.high[i])
    }
}

/// How a string's bytes split into codes.
#[derive(Debug, Clone, PartialEq)]
pub enum Codespace {
    OneByte,
    TwoByte,
    Ranges(Vec<CodeRange>),
}

impl Codespace {
    /// Split off the next code: (code value, byte length).
    pub fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        let take = |n: usize| -> (u32, usize) {
            let n = n.min(bytes.len()).max(1);
            let v = bytes[..n].iter().fold(0u32, |a, b| a << 8 | *b as u32);
            (v, n)
        };
        match self {
            Codespace::OneByte => take(1),
            Codespace::TwoByte => take(2),
            Codespace::Ranges(ranges) => {
                for r in ranges {
                    if r.matches(bytes) {
                        return take(r.len);
                    }
                }
                // No range matches: take the shortest length that could (as pdf.js does).
                let min = ranges.iter().map(|r| r.len).min().unwrap_or(1);
                take(min)
            }
        }
    }
}

/// Codespace of a predefined CMap, from its family.
pub fn predefined_codespace(name: &[u8]) -> Codespace {
    let n = String::from_utf8_lossy(name);
    let r = CodeRange::new;
    if n.contains("RKSJ") {
        Codespace::Ranges(vec![
            r(&[0x00], &[0x80]),
            r(&[0xA0], &[0xDF]),
            r(&[0xFD], &[0xFF]),
            r(&[0x81, 0x40], &[0x9F, 0xFC]),
            r(&[0xE0, 0x40], &[0xFC, 0xFC]),
        ])
    } else if n.contains("EUC") {
        Codespace::Ranges(vec![
            r(&[0x00], &[0x80]),
            r(&[0x8E, 0xA0], &[0x8E, 0xDF]),
            r(&[0xA1, 0xA1], &[0xFE, 0xFE]),
        ])
    } else if n.contains("UTF16") {
        Codespace::Ranges(vec![
            r(&[0xD8, 0x00, 0xDC, 0x00], &[0xDB, 0xFF, 0xDF, 0xFF]),
            r(&[0x00, 0x00], &[0xFF, 0xFF]),
        ])
    } else if n.contains("UTF8") {
        Codespace::Ranges(vec![
            r(&[0x00], &[0x7F]),
            r(&[0xC2, 0x80], &[0xDF, 0xBF]),
            r(&[0xE0, 0x80, 0x80], &[0xEF, 0xBF, 0xBF]),
            r(&[0xF0, 0x80, 0x80, 0x80], &[0xF4, 0xBF, 0xBF, 0xBF]),
        ])
    } else {
        // Identity, UCS2 and the 7-bit JIS H/V CMaps are two bytes a code.
        Codespace::TwoByte
    }
}

/// Read `begincodespacerange … endcodespacerange` from an embedded CMap.
pub fn parse_codespace(data: &[u8]) -> Option<Codespace> {
    let text = String::from_utf8_lossy(data);
    let mut ranges = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find("begincodespacerange") {
        let after = &rest[start + "begincodespacerange".len()..];
        let end = after.find("endcodespacerange").unwrap_or(after.len());
        let hexes: Vec<Vec<u8>> = after[..end]
            .split('<')
            .skip(1)
            .filter_map(|s| s.split('>').next())
            .map(hex_bytes)
            .collect();
        for pair in hexes.chunks(2) {
            if let [lo, hi] = pair {
                if !lo.is_empty() && lo.len() == hi.len() && lo.len() <= 4 {
                    ranges.push(CodeRange::new(lo, hi));
                }
            }
        }
        rest = &after[end..];
    }
    if ranges.is_empty() {
        return None;
    }
    // Longer codes are tried after shorter ones only when the short one fails:
    // order by length so a 1-byte range wins where it matches.
    ranges.sort_by_key(|r| r.len);
    Some(Codespace::Ranges(ranges))
}

fn hex_bytes(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s
        .bytes()
        .filter_map(|b| (b as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|c| c[0] << 4 | c.get(1).copied().unwrap_or(0))
        .collect()
}

/// A predefined CMap (or Adobe's CID → Unicode tables) from hayro-cmap's data.
pub fn load_predefined(name: CMapName<'_>) -> Option<CMap> {
    let data = hayro_cmap::load_embedded(name)?;
    CMap::parse(data, hayro_cmap::load_embedded)
}

/// An embedded CMap (ToUnicode or an Encoding stream).
pub fn parse_embedded(data: &[u8]) -> Option<CMap> {
    CMap::parse(data, hayro_cmap::load_embedded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_codes_split_into_one_and_two_bytes() {
        let cs = predefined_codespace(b"90ms-RKSJ-H");
        assert_eq!(cs.next_code(&[0x41, 0x88, 0x9F]), (0x41, 1));
        assert_eq!(cs.next_code(&[0x88, 0x9F]), (0x889F, 2));
    }

    #[test]
    fn embedded_codespace_is_read() {
        let cm = b"1 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange";
        let cs = parse_codespace(cm).unwrap();
        assert_eq!(cs.next_code(&[0x20]), (0x20, 1));
        assert_eq!(cs.next_code(&[0x81, 0x41]), (0x8141, 2));
    }

    #[test]
    fn adobe_japan1_ucs2_maps_cids_to_unicode() {
        let m = load_predefined(CMapName::AdobeJapan1Ucs2).unwrap();
        // CID 1 is the space, CID 843 is 亜 in Adobe-Japan1.
        assert!(matches!(
            m.lookup_bf_string(1),
            Some(hayro_cmap::BfString::Char(' '))
        ));
        assert!(matches!(
            m.lookup_bf_string(1125),
            Some(hayro_cmap::BfString::Char('亜'))
        ));
    }
}
