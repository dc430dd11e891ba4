//! The File Information Block at the start of the WordDocument stream
//! ([MS-DOC] 2.5.1): version, encryption, which table stream, the lengths of
//! the text ranges and where the structures keiyaku reads lie.

use crate::error::ExtractError;

/// Word 97 and later write nFib 0x00C1 (a few writers 0x00C0 or 0x00C2);
/// Word 6.0 and 95 write 101–105 and lay the file out differently.
const FIRST_WORD97_NFIB: u16 = 0x00C0;
const W_IDENT: u16 = 0xA5EC;

/// Lengths in characters of the text ranges, in the order they follow one
/// another in the character stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ccp {
    pub text: u32,
    pub ftn: u32,
    pub hdd: u32,
    /// Reserved (macro text in old versions): skipped, but its length counts.
    pub mcr: u32,
    pub atn: u32,
    pub edn: u32,
    pub txbx: u32,
    pub hdr_txbx: u32,
}

/// Where a structure lies in the table stream: (offset, length).
pub type FcLcb = (u32, u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fib {
    pub n_fib: u16,
    pub encrypted: bool,
    /// The table stream is `1Table` (else `0Table`).
    pub table_1: bool,
    pub ccp: Ccp,
    pub clx: FcLcb,
    pub bte_chpx: FcLcb,
    pub bte_papx: FcLcb,
    /// Style sheet, lists and list overrides: (0, 0) when absent.
    pub stshf: FcLcb,
    pub plf_lst: FcLcb,
    pub plf_lfo: FcLcb,
}

impl Fib {
    pub fn is_word97(&self) -> bool {
        self.n_fib >= FIRST_WORD97_NFIB
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(*b.get(at..)?.first_chunk::<2>()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*b.get(at..)?.first_chunk::<4>()?))
}

/// Indices in FibRgFcLcb97 of the pairs keiyaku reads.
const STSHF: usize = 1;
const PLCF_BTE_CHPX: usize = 12;
const PLCF_BTE_PAPX: usize = 13;
const CLX: usize = 33;
const PLF_LST: usize = 73;
const PLF_LFO: usize = 74;

fn corrupt(reason: &str) -> ExtractError {
    ExtractError::corrupt("DOC", format!("File Information Block: {reason}"))
}

/// Read the FIB. Only the base is checked before encryption is known: an
/// encrypted file's FIB beyond the first 68 bytes may be encrypted too, so
/// the caller asks [`Fib::encrypted`] before trusting the rest.
pub fn parse(word: &[u8]) -> Result<Fib, ExtractError> {
    let short = || corrupt("the WordDocument stream is too short");
    if u16_at(word, 0).ok_or_else(short)? != W_IDENT {
        return Err(corrupt("not a Word document (wrong signature)"));
    }
    let n_fib = u16_at(word, 2).ok_or_else(short)?;
    let flags = u16_at(word, 0x0A).ok_or_else(short)?;
    let mut fib = Fib {
        n_fib,
        encrypted: flags & 0x0100 != 0,
        table_1: flags & 0x0200 != 0,
        ccp: Ccp::default(),
        clx: (0, 0),
        bte_chpx: (0, 0),
        bte_papx: (0, 0),
        stshf: (0, 0),
        plf_lst: (0, 0),
        plf_lfo: (0, 0),
    };
    if fib.encrypted || !fib.is_word97() {
        return Ok(fib);
    }
    // csw 16-bit values, cslw 32-bit values, cbRgFcLcb (fc, lcb) pairs.
    let csw = usize::from(u16_at(word, 0x20).ok_or_else(short)?);
    let at_lw = 0x22 + 2 * csw;
    let cslw = usize::from(u16_at(word, at_lw).ok_or_else(short)?);
    let rg_lw = at_lw + 2;
    if cslw < 11 {
        return Err(corrupt("too few 32-bit values for the text lengths"));
    }
    let lw = |i: usize| u32_at(word, rg_lw + 4 * i).ok_or_else(short);
    fib.ccp = Ccp {
        text: lw(3)?,
        ftn: lw(4)?,
        hdd: lw(5)?,
        mcr: lw(6)?,
        atn: lw(7)?,
        edn: lw(8)?,
        txbx: lw(9)?,
        hdr_txbx: lw(10)?,
    };
    let at_fc = rg_lw + 4 * cslw;
    let pairs = usize::from(u16_at(word, at_fc).ok_or_else(short)?);
    if pairs <= CLX {
        return Err(corrupt("too few offsets to find the piece table"));
    }
    let pair = |i: usize| -> Result<FcLcb, ExtractError> {
        let at = at_fc + 2 + 8 * i;
        Ok((
            u32_at(word, at).ok_or_else(short)?,
            u32_at(word, at + 4).ok_or_else(short)?,
        ))
    };
    fib.clx = pair(CLX)?;
    fib.bte_chpx = pair(PLCF_BTE_CHPX)?;
    fib.bte_papx = pair(PLCF_BTE_PAPX)?;
    fib.stshf = pair(STSHF)?;
    if pairs > PLF_LFO {
        fib.plf_lst = pair(PLF_LST)?;
        fib.plf_lfo = pair(PLF_LFO)?;
    }
    Ok(fib)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal Word 97 FIB with the given text lengths and CLX place.
    pub(crate) fn fib_bytes(ccp_text: u32, clx: FcLcb, flags: u16) -> Vec<u8> {
        let mut b = vec![0u8; 0x22 + 28 + 2 + 88 + 2 + 8 * 93];
        b[0..2].copy_from_slice(&W_IDENT.to_le_bytes());
        b[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
        b[0x0A..0x0C].copy_from_slice(&flags.to_le_bytes());
        b[0x20..0x22].copy_from_slice(&14u16.to_le_bytes());
        let at_lw = 0x22 + 28;
        b[at_lw..at_lw + 2].copy_from_slice(&22u16.to_le_bytes());
        let rg_lw = at_lw + 2;
        b[rg_lw + 12..rg_lw + 16].copy_from_slice(&ccp_text.to_le_bytes());
        let at_fc = rg_lw + 88;
        b[at_fc..at_fc + 2].copy_from_slice(&93u16.to_le_bytes());
        let clx_at = at_fc + 2 + 8 * CLX;
        b[clx_at..clx_at + 4].copy_from_slice(&clx.0.to_le_bytes());
        b[clx_at + 4..clx_at + 8].copy_from_slice(&clx.1.to_le_bytes());
        b
    }

    #[test]
    fn the_fields_keiyaku_reads_are_found_through_the_variable_length_parts() {
        let fib = parse(&fib_bytes(42, (0x100, 0x20), 0x0200)).unwrap();
        assert!(fib.table_1 && !fib.encrypted && fib.is_word97());
        assert_eq!(fib.ccp.text, 42);
        assert_eq!(fib.clx, (0x100, 0x20));
    }

    #[test]
    fn an_encrypted_fib_is_reported_before_anything_else_is_read() {
        let mut b = fib_bytes(0, (0, 0), 0x0100);
        b.truncate(0x20);
        assert!(parse(&b).unwrap().encrypted);
    }

    #[test]
    fn a_short_or_foreign_stream_is_corrupt_not_a_panic() {
        assert!(parse(&[]).is_err());
        assert!(parse(&[0xEC, 0xA5, 0xC1]).is_err());
        assert!(parse(&[0u8; 600]).is_err());
        let full = fib_bytes(1, (0, 0), 0);
        for cut in [0x22, 0x40, 0x90, 0x100] {
            assert!(parse(&full[..cut]).is_err(), "cut at {cut}");
        }
    }
}
