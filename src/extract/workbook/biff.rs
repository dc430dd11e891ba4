//! A walk over an .xls Workbook stream (BIFF records) that measures what
//! calamine would build from it, before calamine reads it.
//!
//! calamine's .xls reader trusts the file: it reserves room for as many
//! cells as a DIMENSIONS record claims, lays each sheet out as a dense grid
//! over the span of its cells (two cells at opposite corners ask for four
//! billion), copies a shared string into every cell that names it, and
//! rebuilds formulas by repeated concatenation. None of this can be capped
//! from outside once it has started, and an allocation that fails aborts
//! the process. So the records are walked here the way calamine walks them
//! (same record framing, CONTINUE records joined, embedded substreams
//! skipped), and a file whose costs are over the caps is refused first. A
//! file that is merely corrupt is left to calamine to report.
//!
//! Written by hand: no crate measures BIFF costs, and the framing is a few
//! lines ([MS-XLS] 2.1.4).

use crate::error::ExtractError;

const EOF: u16 = 0x000A;
const BOF: u16 = 0x0809;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
const LABEL_SST: u16 = 0x00FD;
const MUL_RK: u16 = 0x00BD;
/// Records that give calamine one cell at (row, column) in their first
/// four bytes: Number, Label, RString, BoolErr, Rk, LabelSst.
const CELLS: [u16; 6] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, LABEL_SST];

/// What a workbook may cost calamine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Sheets (BOUNDSHEET records).
    pub sheets: usize,
    /// Cells laid out over all sheets: each sheet's grid of values and of
    /// formulas, and the room its DIMENSIONS record reserves.
    pub grid_cells: u64,
    /// Strings of the shared string table.
    pub strings: usize,
    /// Bytes of text copied from the shared string table into cells.
    pub text_bytes: u64,
    /// Formula text work: the sum of the squares of the formulas' token
    /// lengths (calamine's formula text grows by concatenation).
    pub formula_work: u64,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            sheets: 1024,
            // About 80 MB of cells (40 bytes each) at most.
            grid_cells: 2_000_000,
            strings: 2_000_000,
            text_bytes: 256 * 1024 * 1024,
            // A formula of 8,000 token bytes costs 64 million.
            formula_work: 30_000_000_000,
        }
    }
}

struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

/// Records as calamine frames them: a CONTINUE after a record is part of it.
/// Stops at the end of the stream or at a record that does not fit (which
/// calamine reports as corrupt).
struct Records<'a> {
    stream: &'a [u8],
    /// Bytes walked so far (the records' headers included).
    walked: usize,
}

impl<'a> Records<'a> {
    fn new(stream: &'a [u8]) -> Self {
        Records { stream, walked: 0 }
    }

    fn take(&mut self) -> Option<(u16, &'a [u8])> {
        let typ = u16_at(self.stream, 0)?;
        let len = usize::from(u16_at(self.stream, 2)?);
        let data = self.stream.get(4..4 + len)?;
        self.stream = self.stream.get(4 + len..)?;
        self.walked += 4 + len;
        Some((typ, data))
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;
    fn next(&mut self) -> Option<Record<'a>> {
        let (typ, data) = self.take()?;
        let mut cont = Vec::new();
        while self.stream.len() > 4 && u16_at(self.stream, 0) == Some(CONTINUE) {
            let (_, more) = self.take()?;
            cont.push(more);
        }
        Some(Record { typ, data, cont })
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn over(what: String) -> ExtractError {
    ExtractError::Cap(format!("the .xls workbook {what}"))
}

/// Check `stream` (a Workbook or Book stream) against `caps`: `Encrypted`
/// for a workbook saved with a password (any FILEPASS record, the XOR
/// obfuscation calamine would read as garbage included), `Cap` naming the
/// cap it is over.
pub fn check(stream: &[u8], caps: &Caps) -> Result<(), ExtractError> {
    let mut sheets: Vec<usize> = Vec::new();
    let mut strings: Vec<u32> = Vec::new();
    for r in Records::new(stream) {
        match r.typ {
            FILEPASS => {
                return Err(ExtractError::Encrypted(
                    "the workbook is protected with a password".into(),
                ))
            }
            BOUNDSHEET => {
                if sheets.len() >= caps.sheets {
                    return Err(over(format!("has more than {} sheets", caps.sheets)));
                }
                let pos = u32_at(r.data, 0).and_then(|p| usize::try_from(p).ok());
                match pos {
                    Some(p) if p <= stream.len() && r.data.len() >= 6 => sheets.push(p),
                    _ => {
                        return Err(ExtractError::corrupt(
                            "XLS",
                            "a sheet lies outside the Workbook stream",
                        ))
                    }
                }
            }
            SST => strings = shared_string_sizes(&r, caps.strings)?,
            EOF => break,
            _ => {}
        }
    }
    let mut total = Totals::default();
    // Each sheet is walked from its start to its end of file, as calamine
    // does: sheets that share records or have no end are walked again.
    let walk_cap = stream.len().saturating_mul(4).saturating_add(1 << 20);
    for pos in sheets {
        let sheet = stream.get(pos..).unwrap_or_default();
        sheet_costs(sheet, &strings, &mut total);
        if total.walked > walk_cap {
            return Err(over(format!(
                "has sheets that overlap: over {walk_cap} bytes of records to walk"
            )));
        }
        if total.grid > caps.grid_cells {
            return Err(over(format!(
                "would lay out more than {} cells",
                caps.grid_cells
            )));
        }
        if total.text > caps.text_bytes {
            return Err(over(format!(
                "would copy more than {} bytes of shared strings into cells",
                caps.text_bytes
            )));
        }
        if total.formula > caps.formula_work {
            return Err(over("has formulas too long to read".into()));
        }
    }
    Ok(())
}

#[derive(Default)]
struct Totals {
    walked: usize,
    grid: u64,
    text: u64,
    formula: u64,
}

/// The span of a set of cells.
#[derive(Default)]
struct Span(Option<(u32, u32, u32, u32)>);

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1).saturating_mul(u64::from(c1 - c0) + 1)
        })
    }
}

fn sheet_costs(sheet: &[u8], strings: &[u32], total: &mut Totals) {
    let mut records = Records::new(sheet);
    let (mut values, mut formulas) = (Span::default(), Span::default());
    let (mut reserved, mut count) = (0u64, 0u64);
    let mut seen_bof = false;
    let mut depth = 0usize;
    for r in records.by_ref() {
        if depth > 0 {
            match r.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = |i| u16_at(r.data, i).map(u32::from);
        match r.typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => reserved = reserved.max(dimensions(r.data)),
            t if CELLS.contains(&t) => {
                if let (Some(row), Some(col)) = (at(0), at(2)) {
                    values.add(row, col);
                    count += 1;
                }
                if t == LABEL_SST {
                    let i = u32_at(r.data, 6).and_then(|i| usize::try_from(i).ok());
                    let size = i.and_then(|i| strings.get(i)).copied().unwrap_or(0);
                    total.text = total.text.saturating_add(u64::from(size));
                }
            }
            MUL_RK => {
                let last = r.data.len().checked_sub(2).and_then(&at);
                if let (Some(row), Some(first), Some(last)) = (at(0), at(2), last) {
                    if first <= last {
                        values.add(row, first);
                        values.add(row, last);
                        count += u64::from(last - first) + 1;
                    }
                }
            }
            FORMULA if r.data.len() >= 20 => {
                if let (Some(row), Some(col)) = (at(0), at(2)) {
                    // Its value lands in the grid of values too.
                    values.add(row, col);
                    formulas.add(row, col);
                    count += 2;
                }
                let tokens = (r.data.len() - 20) as u64;
                total.formula = total.formula.saturating_add(tokens * tokens);
            }
            _ => {}
        }
    }
    let grid = values
        .cells()
        .saturating_add(formulas.cells())
        .saturating_add(reserved.max(count));
    total.grid = total.grid.saturating_add(grid);
    total.walked = total.walked.saturating_add(records.walked);
}

/// The cells calamine reserves room for on a DIMENSIONS record (its own
/// reading of the record, whose arithmetic does not check an end before a
/// start: such a record is as good as unbounded).
fn dimensions(d: &[u8]) -> u64 {
    let fields = match d.len() {
        10 => (|| {
            Some((
                u32::from(u16_at(d, 0)?),
                u32::from(u16_at(d, 2)?),
                u32::from(u16_at(d, 4)?),
                u32::from(u16_at(d, 6)?),
            ))
        })(),
        14 | 16 => (|| {
            Some((
                u32_at(d, 0)?,
                u32_at(d, 4)?,
                u32::from(u16_at(d, 8)?),
                u32::from(u16_at(d, 10)?),
            ))
        })(),
        // calamine refuses it.
        _ => None,
    };
    let Some((rf, rl, mut cf, cl)) = fields else {
        return 0;
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return 1;
    }
    match ((rl - 1).checked_sub(rf), (cl - 1).checked_sub(cf)) {
        (Some(rows), Some(cols)) => (u64::from(rows) + 1).saturating_mul(u64::from(cols) + 1),
        _ => u64::MAX,
    }
}

/// Bytes each shared string can take as UTF-8 (3 per UTF-16 unit, 2 per
/// 8-bit character), walking the SST record and its CONTINUE records as
/// [MS-XLS] 2.4.265 lays them out. A string that does not fit is where the
/// walk ends (calamine reports it).
fn shared_string_sizes(r: &Record, cap: usize) -> Result<Vec<u32>, ExtractError> {
    let mut segs = std::iter::once(r.data).chain(r.cont.iter().copied());
    let mut seg = segs.next().unwrap_or_default().get(8..).unwrap_or_default();
    let mut sizes = Vec::new();
    loop {
        if seg.is_empty() {
            match segs.next() {
                Some(s) => {
                    seg = s;
                    continue;
                }
                None => break,
            }
        }
        if sizes.len() >= cap {
            return Err(over(format!("has more than {cap} shared strings")));
        }
        let (Some(cch), Some(&flags)) = (u16_at(seg, 0), seg.get(2)) else {
            break;
        };
        seg = &seg[3..];
        let mut skip = 0usize;
        if flags & 0x8 != 0 {
            let Some(runs) = u16_at(seg, 0) else { break };
            skip += usize::from(runs) * 4;
            seg = &seg[2..];
        }
        if flags & 0x4 != 0 {
            let Some(ext) = u32_at(seg, 0) else { break };
            skip = skip.saturating_add(ext as usize);
            seg = &seg[4..];
        }
        // The characters: a CONTINUE in their midst starts with a flags byte.
        let mut left = usize::from(cch);
        let mut wide = flags & 0x1 != 0;
        let mut size = 0u32;
        while left > 0 {
            let width = if wide { 2 } else { 1 };
            let n = left.min(seg.len() / width);
            size += (n * if wide { 3 } else { 2 }) as u32;
            seg = &seg[n * width..];
            left -= n;
            if left > 0 {
                let Some(next) = segs.next() else {
                    sizes.push(size);
                    return Ok(sizes);
                };
                let Some((&f, rest)) = next.split_first() else {
                    sizes.push(size);
                    return Ok(sizes);
                };
                wide = f & 0x1 != 0;
                seg = rest;
            }
        }
        sizes.push(size);
        // Formatting runs and phonetic data, which may run on past a CONTINUE.
        while skip > 0 {
            if seg.is_empty() {
                match segs.next() {
                    Some(s) => seg = s,
                    None => return Ok(sizes),
                }
                continue;
            }
            let n = skip.min(seg.len());
            seg = &seg[n..];
            skip -= n;
        }
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    /// A workbook stream with one sheet whose records are `sheet`.
    fn book(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
        let bof = rec(BOF, &[0, 6, 5, 0, 0, 0, 0, 0]);
        let mut head: Vec<u8> = bof.clone();
        for g in globals {
            head.extend(g);
        }
        // BOUNDSHEET: position, state, type, name "S" (1 char, 8-bit).
        let bs_len = 4 + 8 + 1;
        let eof = rec(EOF, &[]);
        let pos = (head.len() + bs_len + eof.len()) as u32;
        let mut bs = pos.to_le_bytes().to_vec();
        bs.extend([0, 0, 1, 0, b'S']);
        head.extend(rec(BOUNDSHEET, &bs));
        head.extend(&eof);
        head.extend(bof);
        for r in sheet {
            head.extend(r);
        }
        head.extend(eof);
        head
    }

    fn cell(typ: u16, row: u16, col: u16, rest: &[u8]) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend(rest);
        rec(typ, &d)
    }

    #[test]
    fn an_ordinary_sheet_passes() {
        let s = book(
            &[],
            &[cell(0x0203, 0, 0, &[0; 10]), cell(0x0203, 20, 5, &[0; 10])],
        );
        check(&s, &Caps::default()).unwrap();
    }

    #[test]
    fn cells_at_opposite_corners_are_over_the_grid_cap() {
        let s = book(
            &[],
            &[
                cell(0x0203, 0, 0, &[0; 10]),
                cell(0x0203, 65535, 255, &[0; 10]),
            ],
        );
        let e = check(&s, &Caps::default()).unwrap_err();
        assert!(matches!(e, ExtractError::Cap(_)), "{e}");
    }

    #[test]
    fn a_dimensions_record_ending_before_it_starts_is_over_the_cap() {
        let mut d = 10u32.to_le_bytes().to_vec();
        d.extend(5u32.to_le_bytes());
        d.extend([0, 0, 3, 0, 0, 0]);
        let s = book(&[], &[rec(DIMENSIONS, &d)]);
        assert!(matches!(
            check(&s, &Caps::default()),
            Err(ExtractError::Cap(_))
        ));
        assert_eq!(dimensions(&d), u64::MAX);
    }

    #[test]
    fn any_filepass_record_means_a_password() {
        let s = book(&[rec(FILEPASS, &[0, 0, 1, 2, 3, 4])], &[]);
        assert!(matches!(
            check(&s, &Caps::default()),
            Err(ExtractError::Encrypted(_))
        ));
    }

    #[test]
    fn a_shared_string_copied_into_many_cells_counts_each_copy() {
        // SST: total, unique, one string of 1,000 UTF-16 units.
        let mut sst = 1u32.to_le_bytes().to_vec();
        sst.extend(1u32.to_le_bytes());
        sst.extend(1000u16.to_le_bytes());
        sst.push(1);
        sst.extend(vec![0x42; 1000]);
        // The rest of the characters in a CONTINUE, which starts with its flags byte.
        let mut cont = vec![1u8];
        cont.extend(vec![0x30; 1000]);
        let cells: Vec<Vec<u8>> = (0..100)
            .map(|r| cell(LABEL_SST, r, 0, &[0, 0, 0, 0, 0, 0]))
            .collect();
        let s = book(&[rec(SST, &sst), rec(CONTINUE, &cont)], &cells);
        let r = Records::new(&s).find(|r| r.typ == SST).unwrap();
        assert_eq!(shared_string_sizes(&r, 10).unwrap(), [3000]);
        let caps = Caps {
            text_bytes: 299_999,
            ..Caps::default()
        };
        assert!(matches!(check(&s, &caps), Err(ExtractError::Cap(_))));
        check(&s, &Caps::default()).unwrap();
    }

    #[test]
    fn sheets_pointing_at_the_same_endless_records_are_refused() {
        let mut s = rec(BOF, &[0, 6, 5, 0, 0, 0, 0, 0]);
        for _ in 0..1000 {
            s.extend(rec(BOUNDSHEET, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']));
        }
        s.extend(rec(EOF, &[]));
        let e = check(&s, &Caps::default()).unwrap_err();
        assert!(matches!(e, ExtractError::Cap(_)), "{e}");
    }

    #[test]
    fn truncated_records_end_the_walk_without_a_panic() {
        let s = book(&[], &[cell(0x0203, 0, 0, &[0; 10])]);
        for cut in 0..s.len() {
            let _ = check(&s[..cut], &Caps::default());
        }
    }
}
