//! The piece table ([MS-DOC] 2.9.38 Clx, 2.9.177 PlcPcd): where each run of
//! character positions (CPs) lies in the WordDocument stream, and whether it
//! is stored as 8-bit text (cp1252, [MS-DOC] 2.4.1) or UTF-16LE.

use crate::error::ExtractError;
use std::ops::Range;

/// One piece: CPs `cp..cp_end` stored from byte `at` of the WordDocument stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub cp: u32,
    pub cp_end: u32,
    pub at: u32,
    /// One byte per character (cp1252) instead of two (UTF-16LE).
    pub compressed: bool,
    /// Property modifier of the whole piece (Prm).
    pub prm: u16,
}

#[derive(Debug, Default)]
pub struct PieceTable {
    pub pieces: Vec<Piece>,
    /// The grpprls of the Clx's Prc entries, which a complex Prm points to.
    pub grpprls: Vec<Vec<u8>>,
}

/// One character of the stream: a UTF-16 code unit, the byte offset (FC) it
/// was read from (where the formatting runs point), and its piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub ch: u16,
    pub fc: u32,
    pub piece: u32,
}

fn corrupt(reason: impl std::fmt::Display) -> ExtractError {
    ExtractError::corrupt("DOC", format!("piece table: {reason}"))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*b.get(at..)?.first_chunk::<4>()?))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(*b.get(at..)?.first_chunk::<2>()?))
}

/// Parse the Clx. `max_pieces` bounds the work a hostile table can ask for.
pub fn parse(clx: &[u8], max_pieces: usize) -> Result<PieceTable, ExtractError> {
    let mut table = PieceTable::default();
    let mut at = 0usize;
    loop {
        match clx.get(at) {
            // Prc: cbGrpprl (i16) and a grpprl of that size.
            Some(1) => {
                let cb = u16_at(clx, at + 1).ok_or_else(|| corrupt("truncated Prc"))?;
                let cb = usize::from(cb & 0x7FFF);
                let g = clx
                    .get(at + 3..at + 3 + cb)
                    .ok_or_else(|| corrupt("truncated Prc"))?;
                if table.grpprls.len() >= max_pieces {
                    return Err(corrupt("more property entries than the piece cap"));
                }
                table.grpprls.push(g.to_vec());
                at += 3 + cb;
            }
            Some(2) => break,
            _ => return Err(corrupt("no piece descriptors (Pcdt)")),
        }
    }
    let lcb = u32_at(clx, at + 1).ok_or_else(|| corrupt("truncated Pcdt"))? as usize;
    let plc = clx
        .get(at + 5..at + 5 + lcb)
        .ok_or_else(|| corrupt("the piece descriptors run past the table stream"))?;
    // n + 1 CPs of 4 bytes, then n descriptors of 8 bytes.
    if plc.len() < 4 || (plc.len() - 4) % 12 != 0 {
        return Err(corrupt("descriptor list of an impossible size"));
    }
    let n = (plc.len() - 4) / 12;
    if n > max_pieces {
        return Err(corrupt(format!(
            "{n} pieces, more than the piece cap ({max_pieces})"
        )));
    }
    table.pieces.reserve_exact(n);
    let pcd_at = 4 * (n + 1);
    for i in 0..n {
        let (Some(cp), Some(cp_end), Some(fc), Some(prm)) = (
            u32_at(plc, 4 * i),
            u32_at(plc, 4 * i + 4),
            u32_at(plc, pcd_at + 8 * i + 2),
            u16_at(plc, pcd_at + 8 * i + 6),
        ) else {
            return Err(corrupt("truncated descriptor"));
        };
        if cp_end < cp || table.pieces.last().is_some_and(|p: &Piece| p.cp_end > cp) {
            return Err(corrupt("character positions out of order"));
        }
        let compressed = fc & 0x4000_0000 != 0;
        let fc = fc & 0x3FFF_FFFF;
        table.pieces.push(Piece {
            cp,
            cp_end,
            at: if compressed { fc / 2 } else { fc },
            compressed,
            prm,
        });
    }
    Ok(table)
}

impl PieceTable {
    /// The characters of CPs `range`, in order, each handed to `each` (so no
    /// copy of the text is held). Every CP of the range must lie in a piece
    /// and every piece in the stream: a gap would be text silently lost.
    pub fn read(
        &self,
        word: &[u8],
        range: Range<u32>,
        mut each: impl FnMut(Unit),
    ) -> Result<(), ExtractError> {
        if range.is_empty() {
            return Ok(());
        }
        let first = self.pieces.partition_point(|p| p.cp_end <= range.start);
        let mut cp = range.start;
        for (i, p) in self.pieces.iter().enumerate().skip(first) {
            if cp >= range.end {
                break;
            }
            if p.cp > cp {
                return Err(corrupt(format!("no piece holds character position {cp}")));
            }
            let end = p.cp_end.min(range.end);
            let width = if p.compressed { 1 } else { 2 };
            for k in (cp - p.cp)..(end - p.cp) {
                let fc = u64::from(p.at) + u64::from(k) * width;
                let unit = u32::try_from(fc).ok().and_then(|fc| {
                    let at = fc as usize;
                    let ch = if p.compressed {
                        cp1252(*word.get(at)?)
                    } else {
                        u16_at(word, at)?
                    };
                    Some(Unit {
                        ch,
                        fc,
                        piece: i as u32,
                    })
                });
                each(unit.ok_or_else(|| corrupt("a piece lies outside the WordDocument stream"))?);
            }
            cp = end;
        }
        if cp < range.end {
            return Err(corrupt(format!("no piece holds character position {cp}")));
        }
        Ok(())
    }
}

/// 8-bit text is cp1252 ([MS-DOC] 2.4.1 lists the 0x80–0x9F mappings).
fn cp1252(b: u8) -> u16 {
    if !(0x80..0xA0).contains(&b) {
        return u16::from(b);
    }
    let byte = [b];
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
    s.encode_utf16().next().unwrap_or(u16::from(b))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A Clx holding `pieces` (cp, cp_end, fc with the compressed bit, prm).
    pub(crate) fn clx_bytes(pieces: &[(u32, u32, u32)]) -> Vec<u8> {
        let mut plc = Vec::new();
        for p in pieces {
            plc.extend_from_slice(&p.0.to_le_bytes());
        }
        plc.extend_from_slice(&pieces.last().map_or(0, |p| p.1).to_le_bytes());
        for p in pieces {
            plc.extend_from_slice(&0u16.to_le_bytes());
            plc.extend_from_slice(&p.2.to_le_bytes());
            plc.extend_from_slice(&0u16.to_le_bytes());
        }
        let mut clx = vec![2];
        clx.extend_from_slice(&(plc.len() as u32).to_le_bytes());
        clx.extend_from_slice(&plc);
        clx
    }

    #[test]
    fn compressed_and_unicode_pieces_decode_to_one_stream_with_their_offsets() {
        let mut word = b"ab\x80".to_vec();
        word.extend("契約".encode_utf16().flat_map(u16::to_le_bytes));
        // "ab€" compressed at byte 0 (fc 0 with the bit), "契約" as UTF-16 at 3.
        let clx = clx_bytes(&[(0, 3, 0x4000_0000), (3, 5, 3)]);
        let t = parse(&clx, 100).unwrap();
        let mut out = Vec::new();
        t.read(&word, 1..5, |u| out.push(u)).unwrap();
        let text = String::from_utf16(&out.iter().map(|u| u.ch).collect::<Vec<_>>()).unwrap();
        assert_eq!(text, "b€契約");
        assert_eq!(out.iter().map(|u| u.fc).collect::<Vec<_>>(), [1, 2, 3, 5]);
    }

    #[test]
    fn a_piece_outside_the_stream_or_a_gap_is_an_error() {
        let t = parse(&clx_bytes(&[(0, 4, 0x4000_0000)]), 100).unwrap();
        assert!(t.read(b"ab", 0..4, |_| {}).is_err());
        assert!(t.read(b"abcd", 0..5, |_| {}).is_err());
        assert!(parse(&clx_bytes(&[(0, 4, 0), (4, 2, 0)]), 100).is_err());
    }

    #[test]
    fn the_piece_cap_and_truncation_are_errors() {
        let pieces: Vec<(u32, u32, u32)> = (0..10).map(|i| (i, i + 1, 0)).collect();
        assert!(parse(&clx_bytes(&pieces), 5).is_err());
        let clx = clx_bytes(&pieces);
        assert!(parse(&clx[..clx.len() - 1], 100).is_err());
        assert!(parse(&[1, 200, 0], 100).is_err());
        assert!(parse(&[], 100).is_err());
    }
}
