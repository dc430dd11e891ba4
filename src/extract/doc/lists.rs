//! Automatic numbering ([MS-DOC] 2.9.147 PlfLst, 2.9.146 PlfLfo, 2.9.150 LVL):
//! the labels (第3条, （2）) Word draws before numbered paragraphs, which are
//! not in the text. Paragraphs name a list override (ilfo) and a level.
//!
//! Numbering is an aid to citing clauses, not the text: a damaged list table
//! gives no labels rather than an error.

use super::fib::FcLcb;
use crate::extract::docx::numbering::format_number;
use std::collections::HashMap;

/// Bounds on what a hostile list table can make keiyaku allocate.
const MAX_LISTS: usize = 1 << 14;
const MAX_LEVEL_TEXT: usize = 256;

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    /// MSONFC number format.
    nfc: u8,
    /// The number text: characters below 9 stand for a level's number.
    text: Vec<u16>,
    /// Every level's number in Arabic digits (fLegal).
    legal: bool,
    /// Not restarted after a higher level (fNoRestart).
    no_restart: bool,
}

#[derive(Debug, Clone, Default)]
struct List {
    lsid: i32,
    levels: Vec<Level>,
}

#[derive(Debug, Clone, Default)]
struct Override {
    lsid: i32,
    /// Per level, a start number the override restarts the list with.
    start_at: [Option<u32>; 9],
}

#[derive(Debug, Default)]
pub struct Lists {
    lists: Vec<List>,
    lfos: Vec<Override>,
    /// Counters per list (by lsid), or per override when it restarts numbering.
    counters: HashMap<(i32, usize), [Option<u32>; 9]>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(*b.get(at..)?.first_chunk::<2>()?))
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(*b.get(at..)?.first_chunk::<4>()?))
}

fn part(stream: &[u8], (fc, lcb): FcLcb) -> Option<&[u8]> {
    let start = usize::try_from(fc).ok()?;
    stream.get(start..start.checked_add(usize::try_from(lcb).ok()?)?)
}

impl Lists {
    pub fn is_empty(&self) -> bool {
        self.lfos.is_empty()
    }

    /// Read the lists and their overrides; anything unreadable gives none.
    pub fn parse(table: &[u8], plf_lst: FcLcb, plf_lfo: FcLcb) -> Lists {
        let lists = part(table, plf_lst)
            .and_then(|_| parse_lists(table, plf_lst.0 as usize))
            .unwrap_or_default();
        let lfos = part(table, plf_lfo)
            .and_then(parse_overrides)
            .unwrap_or_default();
        Lists {
            lists,
            lfos,
            counters: HashMap::new(),
        }
    }

    /// Advance the counter of (override `ilfo`, level `ilvl`) and render the
    /// label. `ilfo` is 1-based; 0 and negative values mean no numbering.
    pub fn next_label(&mut self, ilfo: i32, ilvl: u8) -> Option<String> {
        let index = usize::try_from(ilfo).ok()?.checked_sub(1)?;
        let lfo = self.lfos.get(index)?;
        let list = self.lists.iter().find(|l| l.lsid == lfo.lsid)?;
        let ilvl = usize::from(ilvl.min(8));
        let level_of = |l: usize| list.levels.get(l).or(list.levels.first());
        let start_of =
            |l: usize| lfo.start_at[l].unwrap_or_else(|| level_of(l).map_or(1, |x| x.start));
        let key = if lfo.start_at.iter().any(Option::is_some) {
            (lfo.lsid, index + 1)
        } else {
            (lfo.lsid, 0)
        };
        let counters = self.counters.entry(key).or_insert([None; 9]);
        counters[ilvl] = Some(match counters[ilvl] {
            Some(c) => c.saturating_add(1),
            None => start_of(ilvl),
        });
        for (deeper, counter) in counters.iter_mut().enumerate().skip(ilvl + 1) {
            if !level_of(deeper).is_some_and(|l| l.no_restart) {
                *counter = None;
            }
        }
        let level = level_of(ilvl)?;
        let mut out = String::new();
        for &u in &level.text {
            if u < 9 {
                let l = usize::from(u);
                let value = counters[l].unwrap_or_else(|| start_of(l));
                let nfc = if level.legal {
                    0
                } else {
                    level_of(l).map_or(0, |x| x.nfc)
                };
                out.push_str(&format_number(value, nfc_name(nfc)));
            } else {
                out.push_str(&String::from_utf16_lossy(&[u]));
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// PlfLst: cLst and 28-byte LSTFs, then each list's LVLs (one for a simple
/// list, else nine) right after it in the table stream.
fn parse_lists(table: &[u8], at: usize) -> Option<Vec<List>> {
    let count = usize::from(u16_at(table, at)?).min(MAX_LISTS);
    let mut lists = Vec::with_capacity(count.min(1024));
    let mut lvl_at = at + 2 + 28 * count;
    for i in 0..count {
        let lstf = table.get(at + 2 + 28 * i..at + 2 + 28 * (i + 1))?;
        let simple = lstf[26] & 1 != 0;
        let mut levels = Vec::new();
        for _ in 0..if simple { 1 } else { 9 } {
            let (level, next) = parse_level(table, lvl_at)?;
            levels.push(level);
            lvl_at = next;
        }
        lists.push(List {
            lsid: i32_at(lstf, 0)?,
            levels,
        });
    }
    Some(lists)
}

/// One LVL: a 28-byte LVLF, its two grpprls, then the number text (Xst).
/// Returns the level and where the next one starts.
fn parse_level(table: &[u8], at: usize) -> Option<(Level, usize)> {
    let lvlf = table.get(at..at + 28)?;
    let flags = lvlf[5];
    let grpprls = usize::from(lvlf[24]) + usize::from(lvlf[25]);
    let xst = at + 28 + grpprls;
    let cch = usize::from(u16_at(table, xst)?);
    let text = table
        .get(xst + 2..xst + 2 + 2 * cch)?
        .chunks_exact(2)
        .take(MAX_LEVEL_TEXT)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let level = Level {
        start: u32::try_from(i32_at(lvlf, 0)?).unwrap_or(0),
        nfc: lvlf[4],
        text,
        legal: flags & 0x04 != 0,
        no_restart: flags & 0x08 != 0,
    };
    Some((level, xst + 2 + 2 * cch))
}

/// PlfLfo: lfoMac, 16-byte LFOs, then for each LFO its LFOData: a CP and
/// its level overrides (LFOLVL, each possibly followed by an LVL).
fn parse_overrides(plf: &[u8]) -> Option<Vec<Override>> {
    let count = usize::try_from(i32_at(plf, 0)?).ok()?.min(MAX_LISTS);
    let mut lfos = Vec::with_capacity(count.min(1024));
    let mut data_at = 4 + 16 * count;
    for i in 0..count {
        let lfo = plf.get(4 + 16 * i..4 + 16 * (i + 1))?;
        let mut o = Override {
            lsid: i32_at(lfo, 0)?,
            ..Override::default()
        };
        let levels = usize::from(lfo[12]);
        // LFOData: cp, then the LFOLVLs. When the data is missing (some
        // writers stop early), the overrides have no restarts.
        if plf.get(data_at..data_at + 4).is_none() {
            lfos.push(o);
            continue;
        }
        data_at += 4;
        for _ in 0..levels {
            let start = i32_at(plf, data_at)?;
            let bits = *plf.get(data_at + 4)?;
            let ilvl = usize::from(bits & 0x0F);
            if bits & 0x10 != 0 && ilvl < 9 {
                o.start_at[ilvl] = Some(u32::try_from(start).unwrap_or(0));
            }
            data_at += 8;
            if bits & 0x20 != 0 {
                let (_, next) = parse_level(plf, data_at)?;
                data_at = next;
            }
        }
        lfos.push(o);
    }
    Some(lfos)
}

/// MSONFC ([MS-OSHARED] 2.2.1.3) → the OOXML format name the DOCX reader renders.
fn nfc_name(nfc: u8) -> &'static str {
    match nfc {
        0x01 => "upperRoman",
        0x02 => "lowerRoman",
        0x03 => "upperLetter",
        0x04 => "lowerLetter",
        0x0A => "ideographDigital",
        0x0B => "japaneseCounting",
        0x0C => "aiueo",
        0x0D => "iroha",
        0x0E | 0x13 => "decimalFullWidth",
        0x10 => "japaneseLegal",
        0x11 => "japaneseDigitalTenThousand",
        0x12 => "decimalEnclosedCircle",
        0x14 => "aiueoFullWidth",
        0x15 => "irohaFullWidth",
        0x17 => "bullet",
        0x1A => "decimalEnclosedFullstop",
        0x1B => "decimalEnclosedParen",
        0x1C => "decimalEnclosedCircleChinese",
        0x1E => "ideographTraditional",
        0x25 => "chineseCounting",
        0x27 => "chineseCountingThousand",
        0xFF => "none",
        _ => "decimal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(nfc: u8, start: i32, text: &[u16]) -> Vec<u8> {
        let mut b = vec![0u8; 28];
        b[0..4].copy_from_slice(&start.to_le_bytes());
        b[4] = nfc;
        b.extend_from_slice(&(text.len() as u16).to_le_bytes());
        b.extend(text.iter().flat_map(|u| u.to_le_bytes()));
        b
    }

    /// A table stream with one list (第%1条 in kanji, （%2） in full-width
    /// digits) and two overrides, the second restarting level 0 at 10.
    fn table() -> (Vec<u8>, FcLcb, FcLcb) {
        let mut t = vec![0u8; 4];
        let lst_at = t.len();
        t.extend_from_slice(&1u16.to_le_bytes());
        let mut lstf = vec![0u8; 28];
        lstf[0..4].copy_from_slice(&7i32.to_le_bytes());
        t.extend_from_slice(&lstf);
        let art: Vec<u16> = "第\u{0}条".encode_utf16().collect();
        let item: Vec<u16> = "（\u{1}）".encode_utf16().collect();
        t.extend(level(0x0B, 1, &art));
        t.extend(level(0x0E, 1, &item));
        for _ in 2..9 {
            t.extend(level(0, 1, &[]));
        }
        let lst = (lst_at as u32, (t.len() - lst_at) as u32);
        let lfo_at = t.len();
        t.extend_from_slice(&2i32.to_le_bytes());
        for clfolvl in [0u8, 1] {
            let mut lfo = vec![0u8; 16];
            lfo[0..4].copy_from_slice(&7i32.to_le_bytes());
            lfo[12] = clfolvl;
            t.extend_from_slice(&lfo);
        }
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&10i32.to_le_bytes());
        t.extend_from_slice(&[0x10, 0, 0, 0]);
        let lfo = (lfo_at as u32, (t.len() - lfo_at) as u32);
        (t, lst, lfo)
    }

    #[test]
    fn article_and_item_labels_render_with_restarts_of_deeper_levels() {
        let (t, lst, lfo) = table();
        let mut l = Lists::parse(&t, lst, lfo);
        assert_eq!(l.next_label(1, 0).as_deref(), Some("第一条"));
        assert_eq!(l.next_label(1, 1).as_deref(), Some("（１）"));
        assert_eq!(l.next_label(1, 1).as_deref(), Some("（２）"));
        assert_eq!(l.next_label(1, 0).as_deref(), Some("第二条"));
        assert_eq!(l.next_label(1, 1).as_deref(), Some("（１）"));
    }

    #[test]
    fn an_override_that_restarts_counts_apart() {
        let (t, lst, lfo) = table();
        let mut l = Lists::parse(&t, lst, lfo);
        assert_eq!(l.next_label(1, 0).as_deref(), Some("第一条"));
        assert_eq!(l.next_label(2, 0).as_deref(), Some("第十条"));
        assert_eq!(l.next_label(2, 0).as_deref(), Some("第十一条"));
        assert_eq!(l.next_label(1, 0).as_deref(), Some("第二条"));
    }

    #[test]
    fn no_list_and_damaged_tables_give_no_label() {
        let (t, lst, lfo) = table();
        let mut l = Lists::parse(&t, lst, lfo);
        assert_eq!(l.next_label(0, 0), None);
        assert_eq!(l.next_label(-2047, 0), None);
        assert_eq!(l.next_label(9, 0), None);
        let mut broken = Lists::parse(&t[..40], lst, lfo);
        assert_eq!(broken.next_label(1, 0), None);
        assert!(Lists::parse(&[], (0, 0), (0, 0)).is_empty());
    }
}
