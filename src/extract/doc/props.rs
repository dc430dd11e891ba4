//! Character and paragraph formatting runs ([MS-DOC] 2.8.26 PlcBteChpx,
//! 2.8.27 PlcBtePapx, 2.9.45 ChpxFkp, 2.9.179 PapxFkp): which byte ranges of
//! the WordDocument stream are tracked deletions, insertions or hidden text,
//! and which paragraph marks end table cells and rows.
//!
//! Formatting is an aid here, not the text: a damaged formatting page is
//! skipped, and its characters read as plain text.

use super::sprm::{self, prls};
use super::styles::{numbering_of, StyleNumbering};

/// The character properties keiyaku acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Chp {
    pub deleted: bool,
    pub inserted: bool,
    pub hidden: bool,
}

impl Chp {
    /// Apply the character sprms of `grpprl` on top of `self`.
    pub fn apply(mut self, grpprl: &[u8]) -> Chp {
        for p in prls(grpprl) {
            match p.sprm {
                sprm::C_RMARK_DEL => self.deleted = p.flag(),
                sprm::C_RMARK_INS => self.inserted = p.flag(),
                sprm::C_VANISH => self.hidden = p.flag(),
                _ => {}
            }
        }
        self
    }
}

/// The paragraph properties keiyaku acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pap {
    pub in_table: bool,
    /// The mark ends a row of an outermost table.
    pub ttp: bool,
    pub itap: i64,
    pub inner_cell: bool,
    pub inner_ttp: bool,
    /// The paragraph style.
    pub istd: u16,
    /// Numbering set on the paragraph itself (else its style's applies).
    pub numbering: StyleNumbering,
}

impl Pap {
    /// `data`: the style index, then the grpprl.
    fn parse(data: &[u8]) -> Pap {
        let istd = data
            .first_chunk::<2>()
            .map_or(0, |b| u16::from_le_bytes(*b));
        let grpprl = data.get(2..).unwrap_or_default();
        let mut pap = Pap {
            istd,
            numbering: numbering_of(grpprl),
            ..Pap::default()
        };
        for p in prls(grpprl) {
            match p.sprm {
                sprm::P_IN_TABLE => pap.in_table = p.flag(),
                sprm::P_TTP => pap.ttp = p.flag(),
                sprm::P_ITAP => pap.itap = p.int(),
                sprm::P_INNER_TABLE_CELL => pap.inner_cell = p.flag(),
                sprm::P_INNER_TTP => pap.inner_ttp = p.flag(),
                _ => {}
            }
        }
        pap
    }

    /// Inside a table at any depth.
    pub fn tabled(&self) -> bool {
        self.in_table || self.itap > 0 || self.inner_cell || self.inner_ttp || self.ttp
    }
}

/// Formatting runs sorted by start FC, each `start..end` with its properties.
#[derive(Debug)]
pub struct Runs<T> {
    runs: Vec<(u32, u32, T)>,
}

impl<T> Default for Runs<T> {
    fn default() -> Self {
        Runs { runs: Vec::new() }
    }
}

impl<T: Copy> Runs<T> {
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The properties of the byte at `fc`, if a run covers it.
    pub fn at(&self, fc: u32) -> Option<T> {
        let i = self.runs.partition_point(|r| r.0 <= fc);
        let (start, end, t) = *self.runs.get(i.checked_sub(1)?)?;
        (start <= fc && fc < end).then_some(t)
    }
}

const PAGE: usize = 512;

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*b.get(at..)?.first_chunk::<4>()?))
}

/// The FKP pages named by a PlcBte (`plc`, from the table stream).
fn pages<'w>(plc: &[u8], word: &'w [u8], max_pages: usize) -> Vec<&'w [u8]> {
    if plc.len() < 4 {
        return Vec::new();
    }
    let n = ((plc.len() - 4) / 8).min(max_pages);
    (0..n)
        .filter_map(|i| {
            let pn = u32_at(plc, 4 * (n + 1) + 4 * i)? & 0x003F_FFFF;
            let at = (pn as usize).checked_mul(PAGE)?;
            word.get(at..at.checked_add(PAGE)?)
        })
        .collect()
}

/// Runs of one FKP page: (start, end, offset of its property data in the
/// page, 0 for none), with `stride` bytes per entry after the FCs.
fn page_runs(page: &[u8], stride: usize) -> Vec<(u32, u32, usize)> {
    let crun = usize::from(page.get(PAGE - 1).copied().unwrap_or(0));
    if 4 * (crun + 1) + stride * crun > PAGE - 1 {
        return Vec::new();
    }
    (0..crun)
        .filter_map(|i| {
            let start = u32_at(page, 4 * i)?;
            let end = u32_at(page, 4 * i + 4)?;
            let b = usize::from(*page.get(4 * (crun + 1) + stride * i)?);
            (start < end).then_some((start, end, 2 * b))
        })
        .collect()
}

fn sorted<T>(mut runs: Vec<(u32, u32, T)>) -> Runs<T> {
    runs.sort_by_key(|r| r.0);
    Runs { runs }
}

/// Character runs. Each Chpx: cb, then a grpprl of cb bytes.
pub fn chp_runs(plc: &[u8], word: &[u8], max_pages: usize) -> Runs<Chp> {
    let mut runs = Vec::new();
    for page in pages(plc, word, max_pages) {
        for (start, end, at) in page_runs(page, 1) {
            let chp = match at {
                0 => Chp::default(),
                at => {
                    let cb = usize::from(page.get(at).copied().unwrap_or(0));
                    let grpprl = page.get(at + 1..at + 1 + cb).unwrap_or_default();
                    Chp::default().apply(grpprl)
                }
            };
            runs.push((start, end, chp));
        }
    }
    sorted(runs)
}

/// Paragraph runs. Each BxPap is 13 bytes (an offset and a PHE); each
/// PapxInFkp: cb, and a style index and grpprl of 2cb−1 bytes — or, when cb
/// is 0, a second cb and 2cb bytes.
pub fn pap_runs(plc: &[u8], word: &[u8], max_pages: usize) -> Runs<Pap> {
    let mut runs = Vec::new();
    for page in pages(plc, word, max_pages) {
        for (start, end, at) in page_runs(page, 13) {
            let pap = match at {
                0 => Pap::default(),
                at => {
                    let data = match page.get(at).copied().unwrap_or(0) {
                        0 => {
                            let cb = usize::from(page.get(at + 1).copied().unwrap_or(0));
                            page.get(at + 2..at + 2 + 2 * cb)
                        }
                        cb => page.get(at + 1..at + 2 * usize::from(cb)),
                    };
                    Pap::parse(data.unwrap_or_default())
                }
            };
            runs.push((start, end, pap));
        }
    }
    sorted(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PlcBte naming page 0 and a ChpxFkp with two runs, the second deleted.
    fn chp_fixture() -> (Vec<u8>, Vec<u8>) {
        let mut page = vec![0u8; PAGE];
        for (i, fc) in [0u32, 10, 20].iter().enumerate() {
            page[4 * i..4 * i + 4].copy_from_slice(&fc.to_le_bytes());
        }
        page[12] = 0; // run 0: no properties
        page[13] = 200; // run 1: Chpx at byte 400
        page[400] = 3;
        page[401..404].copy_from_slice(&[0x00, 0x08, 0x01]);
        page[PAGE - 1] = 2;
        let mut plc = Vec::new();
        for v in [0u32, 20, 0] {
            plc.extend_from_slice(&v.to_le_bytes());
        }
        (plc, page)
    }

    #[test]
    fn deletion_marks_are_read_from_the_character_runs() {
        let (plc, word) = chp_fixture();
        let runs = chp_runs(&plc, &word, 10);
        assert_eq!(runs.at(5), Some(Chp::default()));
        assert!(runs.at(15).is_some_and(|c| c.deleted && !c.inserted));
        assert_eq!(runs.at(25), None);
    }

    #[test]
    fn a_damaged_page_gives_no_runs_rather_than_a_panic() {
        let (plc, mut word) = chp_fixture();
        word[PAGE - 1] = 255;
        assert!(chp_runs(&plc, &word, 10).is_empty());
        assert!(chp_runs(&plc, &word[..100], 10).is_empty());
        assert!(pap_runs(&[1, 2, 3], &word, 10).is_empty());
    }

    #[test]
    fn row_end_marks_are_read_from_the_paragraph_runs() {
        let mut page = vec![0u8; PAGE];
        for (i, fc) in [0u32, 8].iter().enumerate() {
            page[4 * i..4 * i + 4].copy_from_slice(&fc.to_le_bytes());
        }
        page[8] = 100; // BxPap: PapxInFkp at 200
                       // cb 5: 9 bytes: istd, sprmPFInTable 1, sprmPFTtp 1, padding.
        page[200] = 5;
        page[201..210].copy_from_slice(&[0, 0, 0x16, 0x24, 1, 0x17, 0x24, 1, 0]);
        page[PAGE - 1] = 1;
        let mut plc = Vec::new();
        for v in [0u32, 8, 0] {
            plc.extend_from_slice(&v.to_le_bytes());
        }
        let runs = pap_runs(&plc, &page, 10);
        let pap = runs.at(3).unwrap();
        assert!(pap.in_table && pap.ttp && pap.tabled());
    }
}
