//! The style sheet ([MS-DOC] 2.9.271 STSH), read only for the numbering a
//! paragraph style carries (sprmPIlfo, sprmPIlvl in its UpxPapx), followed
//! through the style's base styles. Word puts article numbering (第N条) on a
//! heading style as often as on the paragraphs.

use super::fib::FcLcb;
use super::sprm::{self, prls};

/// A style's numbering: (list override, level), either possibly unset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StyleNumbering {
    pub ilfo: Option<i32>,
    pub ilvl: Option<u8>,
}

#[derive(Debug, Default)]
pub struct Styles {
    /// Per istd: its base style and its own numbering.
    styles: Vec<(Option<u16>, StyleNumbering)>,
}

/// Base chains longer than this are a loop.
const MAX_BASE_DEPTH: usize = 16;
const MAX_STYLES: usize = 1 << 14;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(*b.get(at..)?.first_chunk::<2>()?))
}

/// Numbering set by a paragraph grpprl.
pub fn numbering_of(grpprl: &[u8]) -> StyleNumbering {
    let mut n = StyleNumbering::default();
    for p in prls(grpprl) {
        match p.sprm {
            // A 16-bit signed index: -2047 (0xF801) means "not numbered".
            sprm::P_ILFO => n.ilfo = Some(i32::from(p.int() as u16 as i16)),
            sprm::P_ILVL => n.ilvl = Some(p.int().clamp(0, 8) as u8),
            _ => {}
        }
    }
    n
}

impl Styles {
    /// Read the style sheet; a damaged one gives no style numbering.
    pub fn parse(table: &[u8], (fc, lcb): FcLcb) -> Styles {
        let start = fc as usize;
        let Some(stsh) = start
            .checked_add(lcb as usize)
            .and_then(|end| table.get(start..end))
        else {
            return Styles::default();
        };
        Styles {
            styles: parse_styles(stsh).unwrap_or_default(),
        }
    }

    /// The numbering of style `istd`, inherited from its base styles where
    /// it sets none.
    pub fn numbering(&self, istd: u16) -> StyleNumbering {
        let mut out = StyleNumbering::default();
        let mut at = Some(istd);
        for _ in 0..MAX_BASE_DEPTH {
            let Some((base, own)) = at.and_then(|i| self.styles.get(usize::from(i))) else {
                break;
            };
            out.ilfo = out.ilfo.or(own.ilfo);
            out.ilvl = out.ilvl.or(own.ilvl);
            at = *base;
        }
        out
    }
}

fn parse_styles(stsh: &[u8]) -> Option<Vec<(Option<u16>, StyleNumbering)>> {
    let cb_stshi = usize::from(u16_at(stsh, 0)?);
    let cstd = usize::from(u16_at(stsh, 2)?).min(MAX_STYLES);
    let cb_base = usize::from(u16_at(stsh, 4)?);
    let mut at = 2 + cb_stshi;
    let mut styles = Vec::with_capacity(cstd.min(1024));
    for _ in 0..cstd {
        let cb = usize::from(u16_at(stsh, at)?);
        let std = stsh.get(at + 2..at + 2 + cb)?;
        at += 2 + cb;
        styles.push(parse_std(std, cb_base).unwrap_or_default());
    }
    Some(styles)
}

/// One STD: StdfBase (+ StdfPost2000) of `cb_base` bytes, the name (Xstz),
/// then for a paragraph style its UpxPapx first.
fn parse_std(std: &[u8], cb_base: usize) -> Option<(Option<u16>, StyleNumbering)> {
    let stk_base = u16_at(std, 2)?;
    let stk = stk_base & 0x000F;
    let base = stk_base >> 4;
    let base = (base != 0x0FFF).then_some(base);
    if stk != 1 {
        return Some((base, StyleNumbering::default()));
    }
    let cch = usize::from(u16_at(std, cb_base)?);
    let upx = cb_base + 2 + 2 * cch + 2;
    let cb_upx = usize::from(u16_at(std, upx)?);
    // UpxPapx: the istd, then the grpprl.
    let grpprl = std.get(upx + 4..upx + 2 + cb_upx)?;
    Some((base, numbering_of(grpprl)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An STD of a paragraph style named "h" based on `base`, with `grpprl`.
    fn std(base: u16, grpprl: &[u8]) -> Vec<u8> {
        let mut s = vec![0u8; 10];
        s[2..4].copy_from_slice(&((base << 4) | 1).to_le_bytes());
        s.extend_from_slice(&1u16.to_le_bytes());
        s.extend_from_slice(&[b'h', 0, 0, 0]);
        s.extend_from_slice(&((2 + grpprl.len()) as u16).to_le_bytes());
        s.extend_from_slice(&[0, 0]);
        s.extend_from_slice(grpprl);
        s
    }

    fn stsh(stds: &[Vec<u8>]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&18u16.to_le_bytes());
        let mut stshi = vec![0u8; 18];
        stshi[0..2].copy_from_slice(&(stds.len() as u16).to_le_bytes());
        stshi[2..4].copy_from_slice(&10u16.to_le_bytes());
        b.extend_from_slice(&stshi);
        for s in stds {
            b.extend_from_slice(&(s.len() as u16).to_le_bytes());
            b.extend_from_slice(s);
        }
        b
    }

    #[test]
    fn a_style_inherits_its_base_styles_numbering() {
        let table = stsh(&[
            std(0x0FFF, &[]),
            std(0, &[0x0B, 0x46, 3, 0, 0x0A, 0x26, 0]),
            std(1, &[0x0A, 0x26, 1]),
        ]);
        let s = Styles::parse(&table, (0, table.len() as u32));
        assert_eq!(
            s.numbering(2),
            StyleNumbering {
                ilfo: Some(3),
                ilvl: Some(1)
            }
        );
        assert_eq!(s.numbering(0), StyleNumbering::default());
        assert_eq!(s.numbering(99), StyleNumbering::default());
    }

    #[test]
    fn a_base_loop_or_a_damaged_sheet_does_not_hang_or_panic() {
        let table = stsh(&[std(1, &[]), std(0, &[])]);
        let s = Styles::parse(&table, (0, table.len() as u32));
        assert_eq!(s.numbering(0), StyleNumbering::default());
        let s = Styles::parse(&table[..20], (0, 20));
        assert_eq!(s.numbering(0), StyleNumbering::default());
    }
}
