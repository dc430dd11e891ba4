//! Property modifiers (Prl: a sprm and its operand) in a grpprl.
//!
//! Only the size of each operand is needed to walk a grpprl; the few sprms
//! keiyaku reads are named below. Sizes follow [MS-DOC] 2.2.5.1 (Sprm.spra),
//! with the two operands whose length is not a single leading byte.

/// sprmCFRMarkDel: the run is a tracked deletion.
pub const C_RMARK_DEL: u16 = 0x0800;
/// sprmCFRMarkIns: the run is a tracked insertion.
pub const C_RMARK_INS: u16 = 0x0801;
/// sprmCFVanish: hidden text.
pub const C_VANISH: u16 = 0x083C;
/// sprmPFInTable: the paragraph is in a table.
pub const P_IN_TABLE: u16 = 0x2416;
/// sprmPFTtp: the paragraph is the end-of-row mark of a table.
pub const P_TTP: u16 = 0x2417;
/// sprmPItap: the table depth of the paragraph.
pub const P_ITAP: u16 = 0x6649;
/// sprmPFInnerTableCell: the paragraph mark ends a cell of a nested table.
pub const P_INNER_TABLE_CELL: u16 = 0x244B;
/// sprmPFInnerTtp: the paragraph mark ends a row of a nested table.
pub const P_INNER_TTP: u16 = 0x244C;
/// sprmPIlvl: the list level of a numbered paragraph.
pub const P_ILVL: u16 = 0x260A;
/// sprmPIlfo: the list override (1-based) of a numbered paragraph.
pub const P_ILFO: u16 = 0x460B;
/// sprmTDefTable: a two-byte length.
const T_DEF_TABLE: u16 = 0xD608;
/// sprmPChgTabs: a one-byte length, 255 meaning "computed".
const P_CHG_TABS: u16 = 0xC615;

/// One property modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prl<'a> {
    pub sprm: u16,
    pub operand: &'a [u8],
}

impl Prl<'_> {
    /// A toggle (ToggleOperand) or boolean operand: 0 off, 1 on, 0x80 as the
    /// style has it, 0x81 the opposite. Styles are not read; none of the
    /// properties asked about is set by a style in practice.
    pub fn flag(&self) -> bool {
        matches!(self.operand.first(), Some(1 | 0x81))
    }

    pub fn int(&self) -> i64 {
        match *self.operand {
            [a] => i64::from(a),
            [a, b] => i64::from(u16::from_le_bytes([a, b])),
            [a, b, c, d] => i64::from(i32::from_le_bytes([a, b, c, d])),
            _ => 0,
        }
    }
}

/// The Prls of a grpprl, in order. A Prl whose operand runs past the end ends
/// the walk: what follows cannot be told apart from noise.
pub fn prls(grpprl: &[u8]) -> Prls<'_> {
    Prls { rest: grpprl }
}

pub struct Prls<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Prls<'a> {
    type Item = Prl<'a>;

    fn next(&mut self) -> Option<Prl<'a>> {
        let (&[a, b], after) = self.rest.split_first_chunk::<2>()?;
        let sprm = u16::from_le_bytes([a, b]);
        let (skip, len) = operand_size(sprm, after)?;
        let operand = after.get(skip..skip.checked_add(len)?)?;
        self.rest = after.get(skip + len..).unwrap_or_default();
        Some(Prl { sprm, operand })
    }
}

/// (bytes before the operand proper, operand length).
fn operand_size(sprm: u16, after: &[u8]) -> Option<(usize, usize)> {
    Some(match sprm >> 13 {
        0 | 1 => (0, 1),
        2 | 4 | 5 => (0, 2),
        3 => (0, 4),
        7 => (0, 3),
        _ if sprm == T_DEF_TABLE => {
            // cb counts the bytes after it, plus one.
            let cb = u16::from_le_bytes([*after.first()?, *after.get(1)?]);
            (2, usize::from(cb).saturating_sub(1))
        }
        _ if sprm == P_CHG_TABS && after.first() == Some(&255) => {
            // Tabs deleted (with close zones), then tabs added: 1 + 4n + 1 + 3m.
            let deleted = usize::from(*after.get(1)?);
            let added = usize::from(*after.get(2 + 4 * deleted)?);
            (1, 1 + 4 * deleted + 1 + 3 * added)
        }
        _ => (1, usize::from(*after.first()?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands_of_every_size_class_are_stepped_over() {
        let bytes = [
            0x00, 0x08, 0x01, // sprmCFRMarkDel 1
            0x49, 0x66, 2, 0, 0, 0, // sprmPItap 2
            0x08, 0xD6, 3, 0, 0xAA, 0xBB, // sprmTDefTable, cb 3: two bytes follow
            0x15, 0xC6, 2, 9, 9, // a variable operand of 2
            0x17, 0x24, 0x01, // sprmPFTtp 1
        ];
        let got: Vec<(u16, usize)> = prls(&bytes).map(|p| (p.sprm, p.operand.len())).collect();
        assert_eq!(
            got,
            [
                (C_RMARK_DEL, 1),
                (P_ITAP, 4),
                (0xD608, 2),
                (0xC615, 2),
                (P_TTP, 1)
            ]
        );
        assert_eq!(prls(&bytes).nth(1).map(|p| p.int()), Some(2));
    }

    #[test]
    fn a_truncated_operand_ends_the_walk_without_reading_past_it() {
        assert_eq!(prls(&[0x49, 0x66, 1, 0]).count(), 0);
        assert_eq!(prls(&[0x15, 0xC6, 200, 1]).count(), 0);
        assert_eq!(prls(&[0x00]).count(), 0);
    }

    #[test]
    fn toggle_operands_follow_the_spec() {
        let on = |v: u8| {
            Prl {
                sprm: C_RMARK_DEL,
                operand: &[v],
            }
            .flag()
        };
        assert!(on(1) && on(0x81));
        assert!(!on(0) && !on(0x80));
    }
}
