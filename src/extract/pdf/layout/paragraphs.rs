//! Lines → paragraphs: wrapped lines join, clauses start anew, wrapped table
//! cells continue their row, vertical columns continue to the left.

use super::columns::{self, Cell};
use super::{ends_cjk, starts_cjk, Line, RuleIndex};
use crate::extract::pdf::content::Rules;

/// A paragraph being built: its cells, and whether it is a table row.
struct Para {
    /// (x0, x1, text) of each cell; one cell for a paragraph.
    cells: Vec<Cell>,
    row: bool,
    /// Laid out in the frame of rotated text, not the page's.
    rotated: bool,
    /// Baseline and font size of its first line.
    y: f64,
    size: f64,
}

/// A line that opens a new clause, item or paragraph in Japanese contracts.
pub fn starts_structure(text: &str) -> bool {
    let t = text.trim_start();
    let mut chars = t.chars();
    let Some(c0) = chars.next() else { return false };
    let c1 = chars.next();
    if t.starts_with('第') {
        // 第N条, 第十二条, 第1章 …
        let rest: String = t
            .chars()
            .skip(1)
            .take_while(|c| {
                c.is_ascii_digit()
                    || ('０'..='９').contains(c)
                    || "一二三四五六七八九十百〇".contains(*c)
            })
            .collect();
        if !rest.is_empty() {
            let after = t.chars().nth(1 + rest.chars().count());
            return matches!(after, Some('条' | '章' | '節' | '項'));
        }
    }
    if matches!(c0, '（' | '(') {
        return c1.is_some_and(|c| {
            c.is_ascii_digit()
                || ('０'..='９').contains(&c)
                || "一二三四五六七八九十".contains(c)
                || ('ア'..='ン').contains(&c)
                || c.is_ascii_alphabetic()
        });
    }
    if ('①'..='⑳').contains(&c0) || ('⑴'..='⒇').contains(&c0) {
        return true;
    }
    let digitish = c0.is_ascii_digit()
        || ('０'..='９').contains(&c0)
        || "一二三四五六七八九十".contains(c0)
        || ('ア'..='ン').contains(&c0);
    if digitish {
        let num_len = t
            .chars()
            .take_while(|c| {
                c.is_ascii_digit()
                    || ('０'..='９').contains(c)
                    || "一二三四五六七八九十".contains(*c)
            })
            .count()
            .max(1);
        let after = t.chars().nth(num_len);
        return matches!(after, Some('\u{3000}' | ' ' | '\t' | '.' | '．' | '、'));
    }
    matches!(c0, '・' | '●' | '■' | '◆' | '※' | '□' | '○')
}

/// Join lines into paragraphs: a line continues the paragraph above when that
/// line ran to the right margin and this one does not open a new clause. A
/// line whose pieces sit under the columns of the table row above, one line
/// lower, continues that row's cells (a cell that wraps). The rows of a table
/// keep an empty cell for each column they have no text in.
pub fn paragraphs(lines: &[Line], right_margin: f64, rules: &Rules) -> Vec<(String, bool)> {
    let mut out: Vec<Para> = Vec::new();
    let mut prev: Option<&Line> = None;
    // Pitch of lines wrapped inside a cell of the current table (font sizes).
    let mut cell_pitch: Option<f64> = None;
    let rules = RuleIndex::new(rules);
    // Each column of a two-column page has its own right margin.
    let mut column_margins = [0.0f64; 256];
    for m in lines.iter().filter(|m| !m.has_cells) {
        let c = &mut column_margins[usize::from(m.column)];
        *c = c.max(m.x1);
    }
    let margin_of = |l: &Line| match l.column {
        0 => right_margin,
        c => column_margins[usize::from(c)],
    };
    // The cell starts of the table row being built, indexed (built for the
    // paragraph count at the time, so a new row gets its own).
    let mut row_ix: Option<(usize, RowCells)> = None;
    let bottom_margin = lines
        .iter()
        .filter(|l| l.vertical)
        .map(|l| l.y_end)
        .fold(f64::MAX, f64::min);
    for l in lines {
        let out_len = out.len();
        // A vertical column that ran to the bottom margin continues in the
        // next column to its left.
        let column_goes_on = prev.is_some_and(|p| {
            p.vertical
                && l.vertical
                && p.y_end <= bottom_margin + 2.0 * p.size
                && (l.y - p.y).abs() <= 2.0 * p.size
                && p.x0 - l.x0 > 0.0
                && p.x0 - l.x0 <= 2.5 * p.size
                && !starts_structure(&l.text)
        });
        if column_goes_on {
            if let Some(Para {
                cells, row: false, ..
            }) = out.last_mut()
            {
                if let Some(c) = cells.first_mut() {
                    c.2.push_str(&l.text);
                }
                prev = Some(l);
                continue;
            }
        }
        let gap_ok = |p: &Line| (p.y - l.y) > 0.0 && (p.y - l.y) <= 2.2 * p.size.max(l.size);
        if let (
            Some(p),
            Some(Para {
                cells, row: true, ..
            }),
        ) = (prev, out.last_mut())
        {
            if row_ix.as_ref().is_none_or(|r| r.0 != out_len) {
                row_ix = Some((out_len, RowCells::new(cells)));
            }
            let Some((_, ix)) = &row_ix else {
                unreachable!()
            };
            let gap = (p.y - l.y) / p.size.max(l.size).max(0.1);
            // In a ruled table the borders say it: no rule between the two
            // lines means the same row, whatever column the text is in.
            let (x0, x1) = (p.x0.min(l.x0), p.x1.max(l.x1));
            let ruled_table =
                rules.horizontal_between(p.y - 0.2 * p.size, p.y + 2.0 * p.size, x0, x1)
                    || rules.horizontal_between(l.y - 2.0 * l.size, l.y + 0.2 * l.size, x0, x1);
            let same_row = if ruled_table {
                !rules.horizontal_between(l.y, p.y, x0, x1)
                    && !starts_structure(&l.text)
                    && l.cells.iter().all(|(x, _, _)| ix.near(*x, l.size))
            } else {
                continues_row(cells, ix, l, gap, cell_pitch)
            };
            if gap_ok(p) && !l.vertical && p.rotated == l.rotated && same_row {
                let first = cells.first().map(|c| c.0).unwrap_or(0.0);
                if l.cells.iter().all(|c| c.0 > first + l.size) {
                    cell_pitch = Some(cell_pitch.map_or(gap, |c: f64| c.min(gap)));
                }
                for (x0, x1, t) in &l.cells {
                    if let Some(c) = ix.last_at_or_before(x0 + l.size).map(|i| &mut cells[i]) {
                        let sep = if ends_cjk(&c.2) || starts_cjk(t) {
                            ""
                        } else {
                            " "
                        };
                        c.2.push_str(sep);
                        c.2.push_str(t);
                        c.1 = c.1.max(*x1);
                    }
                }
                prev = Some(l);
                continue;
            }
        }
        let join = prev.is_some_and(|p| {
            !p.vertical
                && !l.vertical
                && p.rotated == l.rotated
                && !p.has_cells
                && !l.has_cells
                && gap_ok(p)
                && p.column == l.column
                && (p.x1 >= margin_of(p) - 2.0 * p.size
                    || (!p.text.ends_with('。') && p.x1 >= margin_of(p) - 5.0 * p.size))
                && l.x0 <= p.x0 + 4.0 * l.size
                && !starts_structure(&l.text)
        });
        match out.last_mut() {
            Some(Para {
                cells, row: false, ..
            }) if join => {
                // A paragraph has its one cell.
                if let Some(text) = cells.first_mut().map(|c| &mut c.2) {
                    let sep = if ends_cjk(text) || starts_cjk(&l.text) {
                        ""
                    } else {
                        " "
                    };
                    text.push_str(sep);
                    text.push_str(&l.text);
                }
            }
            _ if l.has_cells => out.push(Para {
                cells: l.cells.clone(),
                row: true,
                rotated: l.rotated,
                y: l.y,
                size: l.size,
            }),
            _ => {
                cell_pitch = None;
                out.push(Para {
                    cells: vec![(l.x0, l.x1, l.text.clone())],
                    row: false,
                    rotated: l.rotated,
                    y: l.y,
                    size: l.size,
                });
            }
        }
        prev = Some(l);
    }
    with_blank_cells(&mut out, &rules);
    out.into_iter()
        .map(|p| {
            let texts: Vec<String> = p.cells.into_iter().map(|c| c.2).collect();
            (texts.join("\t"), p.row)
        })
        .collect()
}

/// Each run of consecutive table rows (a table) gets an empty cell in every
/// column a row has no text in (see [`columns`]). Rotated rows are placed
/// among themselves and without the page's rules, which are not in their frame.
fn with_blank_cells(out: &mut [Para], rules: &RuleIndex) {
    let none = Rules::default();
    let no_rules = RuleIndex::new(&none);
    for run in out.chunk_by_mut(|a, b| a.row == b.row && a.rotated == b.rotated) {
        if !run.first().is_some_and(|p| p.row) {
            continue;
        }
        let rows: Vec<columns::Row> = run
            .iter()
            .map(|p| columns::Row {
                cells: &p.cells,
                y: p.y,
                size: p.size,
            })
            .collect();
        let rotated = run.first().is_some_and(|p| p.rotated);
        let placed = columns::place(&rows, if rotated { &no_rules } else { rules });
        for (p, placed) in run.iter_mut().zip(placed) {
            if let Some((at, count)) = placed {
                let cells = std::mem::take(&mut p.cells);
                p.cells = columns::with_blanks(cells, &at, count);
            }
        }
    }
}

/// Every piece of `l` starts under a column of the row (not at a new clause),
/// so it is the wrapped rest of some cells. A piece under the first column
/// usually starts a new row; it continues this one only when the line follows
/// at the pitch of lines wrapped inside a cell of this table (`cell_pitch`,
/// seen earlier), closer than cell padding lets two rows stand.
fn continues_row(
    cells: &[Cell],
    ix: &RowCells,
    l: &Line,
    gap: f64,
    cell_pitch: Option<f64>,
) -> bool {
    let first = cells.first().map(|c| c.0).unwrap_or(0.0);
    let tight = cell_pitch.is_some_and(|c| gap <= c * 1.03);
    cells.len() > 1
        && !starts_structure(&l.text)
        && l.cells
            .iter()
            .all(|(x0, _, _)| (tight || *x0 > first + 1.0 * l.size) && ix.near(*x0, l.size))
}

/// Where a table row's cells start, for the two questions asked of every
/// line under it in time that does not grow with the row's cell count.
struct RowCells {
    /// Cell starts, sorted.
    sorted: Vec<f64>,
    /// In cell order: the least start from each cell on (never decreasing).
    suffix_min: Vec<f64>,
}

impl RowCells {
    fn new(cells: &[Cell]) -> RowCells {
        let mut sorted: Vec<f64> = cells.iter().map(|c| c.0).collect();
        sorted.sort_by(f64::total_cmp);
        let mut suffix_min = vec![0.0; cells.len()];
        let mut m = f64::INFINITY;
        for (i, c) in cells.iter().enumerate().rev() {
            m = m.min(c.0);
            suffix_min[i] = m;
        }
        RowCells { sorted, suffix_min }
    }

    /// A cell starts within `size` of x.
    fn near(&self, x: f64, size: f64) -> bool {
        let lo = self.sorted.partition_point(|&c| c < x - 1.5 * size);
        self.sorted[lo..]
            .iter()
            .take_while(|&&c| c <= x + 1.5 * size)
            .any(|&c| (c - x).abs() <= 1.0 * size)
    }

    /// The last cell, in cell order, that starts at or left of `t`.
    fn last_at_or_before(&self, t: f64) -> Option<usize> {
        self.suffix_min.partition_point(|&m| m <= t).checked_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_cells_answer_as_a_scan_of_the_cells_does() {
        let mut state = 12_345u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200 {
            let n = 1 + (next() % 40) as usize;
            let cells: Vec<Cell> = (0..n)
                .map(|_| ((next() % 60) as f64 * 2.5, 0.0, String::new()))
                .collect();
            let ix = RowCells::new(&cells);
            for _ in 0..50 {
                let x = (next() % 70) as f64 * 2.5 - 5.0;
                let size = [0.0, 2.5, 5.0, 10.0][(next() % 4) as usize];
                let near = cells.iter().any(|c| (c.0 - x).abs() <= 1.0 * size);
                assert_eq!(ix.near(x, size), near);
                let last = cells.iter().rposition(|c| c.0 <= x + size);
                assert_eq!(ix.last_at_or_before(x + size), last);
            }
        }
    }
}
