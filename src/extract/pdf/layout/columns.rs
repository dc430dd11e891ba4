//! Table rows keep their blank cells. A blank cell of a PDF table draws no
//! glyph, so a row comes out with only the cells that hold text, and a mark
//! under the second party's column would read as under the first. Each cell
//! is placed in its column of the table, and each column a row has no text
//! in becomes an empty cell, as DOCX and XLSX rows have them.
//!
//! The columns come from the vertical rules that cross the row when the
//! table is ruled, else from the rows of the table with the most cells (its
//! header, usually). A row whose cells cannot each be placed in one column
//! of their own (a cell that spans columns, text wider than its column, two
//! pieces in one column, columns that overlap) is left as it is.

use super::RuleIndex;

/// A cell of a row: where its text starts and ends, and the text.
pub(super) type Cell = (f64, f64, String);

/// One row of a run of consecutive table rows.
pub(super) struct Row<'a> {
    /// Its cells, left to right.
    pub cells: &'a [Cell],
    /// Baseline of its first line.
    pub y: f64,
    /// Font size of its first line.
    pub size: f64,
}

/// Columns of a table no contract has more of; a row that seems to have
/// more (a rule per character of a drawing) is left as it is.
const MAX_COLUMNS: usize = 64;

/// For each row of a run of consecutive table rows, the column of each of
/// its cells and the table's number of columns, when the row has fewer
/// cells than columns and each can be placed; None leaves the row as it is.
pub(super) fn place(rows: &[Row], rules: &RuleIndex) -> Vec<Option<(Vec<usize>, usize)>> {
    let (left, right) = rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, r), c| {
            (l.min(c.0), r.max(c.1))
        });
    let ruled: Vec<Option<Option<Vec<f64>>>> = rows
        .iter()
        .map(|row| ruled_columns(row, (left, right), rules))
        .collect();
    // Rules that cross a row are a table's borders only when some row of
    // the run has text between each two of them (its header, usually): the
    // gridlines of a chart or a frame around a block of text have none.
    let mut full: Vec<&[f64]> = Vec::new();
    for (row, bounds) in rows.iter().zip(&ruled) {
        if let Some(Some(b)) = bounds {
            let whole = in_ruled_columns(row, b).is_some_and(|(c, n)| c.len() == n);
            if whole && full.len() < MAX_BORDER_SETS && !full.iter().any(|f| same(f, b, row.size)) {
                full.push(b);
            }
        }
    }
    let model = Model::of(rows);
    rows.iter()
        .zip(&ruled)
        .map(|(row, bounds)| {
            let placed = match bounds {
                Some(Some(b)) if full.iter().any(|f| same(f, b, row.size)) => {
                    in_ruled_columns(row, b)
                }
                // Rules no full row confirms, or too many to be a table's.
                Some(Some(_)) | None => None,
                Some(None) => model.as_ref().and_then(|m| m.columns_of(row)),
            };
            placed.filter(|(columns, count)| columns.len() < *count)
        })
        .collect()
}

/// Distinct sets of borders a run's full rows are kept for: a table has a
/// few (merged cells change them), a run of hostile rows could have one per
/// row and make the comparisons rows × rows.
const MAX_BORDER_SETS: usize = 16;

/// Two rows' borders are the same (a border drawn with a filled cell's edge
/// may stand a fraction of a point off).
fn same(a: &[f64], b: &[f64], size: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 0.3 * size)
}

/// The row's cells with an empty cell in every column it has no text in
/// (`columns` as [`place`] gives them, strictly increasing).
pub(super) fn with_blanks(cells: Vec<Cell>, columns: &[usize], count: usize) -> Vec<Cell> {
    let mut out = Vec::with_capacity(count);
    let mut next = 0;
    for (cell, &column) in cells.into_iter().zip(columns) {
        while next < column {
            out.push((cell.0, cell.0, String::new()));
            next += 1;
        }
        out.push(cell);
        next = column + 1;
    }
    let end = out.last().map_or(0.0, |c| c.1);
    while next < count {
        out.push((end, end, String::new()));
        next += 1;
    }
    out
}

/// The borders between the columns of a ruled table at the row's height:
/// the vertical rules that cross the row inside the run's text, a border
/// drawn twice (or double) counted once. Some(None) when there are none (the
/// table is not ruled there), None when there are too many.
fn ruled_columns(
    row: &Row,
    (left, right): (f64, f64),
    rules: &RuleIndex,
) -> Option<Option<Vec<f64>>> {
    // The table's outer borders stand left and right of all its text: the
    // rules strictly inside are the ones between columns.
    let xs = rules.vertical_crossing(left + 0.5, right - 0.5, row.y, 4 * MAX_COLUMNS)?;
    let mut bounds: Vec<f64> = Vec::new();
    for x in xs {
        match bounds.last() {
            Some(&last) if x - last < 0.5 * row.size => {}
            _ => bounds.push(x),
        }
    }
    if bounds.len() >= MAX_COLUMNS {
        return None;
    }
    Some((!bounds.is_empty()).then_some(bounds))
}

/// Each cell's column between the borders, or None when a cell crosses a
/// border or two cells share a column.
fn in_ruled_columns(row: &Row, bounds: &[f64]) -> Option<(Vec<usize>, usize)> {
    // The text of a cell starts right of its border; a glyph that touches
    // the border (within half a point, as lines are split at rules) is
    // still inside.
    let column = |x: f64| bounds.partition_point(|&b| b < x + 0.5);
    let mut columns: Vec<usize> = Vec::with_capacity(row.cells.len());
    for &(x0, x1, _) in row.cells {
        let c = column(x0);
        if column(x1 - 1.0) != c || columns.last().is_some_and(|&p| p >= c) {
            return None;
        }
        columns.push(c);
    }
    Some((columns, bounds.len() + 1))
}

/// Columns of an unruled table: the extent of the text of each column in
/// the rows with the most cells.
struct Model {
    /// (left, right) of each column's text, left to right, not overlapping.
    columns: Vec<(f64, f64)>,
}

impl Model {
    fn of(rows: &[Row]) -> Option<Model> {
        let count = rows.iter().map(|r| r.cells.len()).max()?;
        if !(2..=MAX_COLUMNS).contains(&count) {
            return None;
        }
        let mut columns = vec![(f64::INFINITY, f64::NEG_INFINITY); count];
        for row in rows.iter().filter(|r| r.cells.len() == count) {
            for (c, cell) in columns.iter_mut().zip(row.cells) {
                *c = (c.0.min(cell.0), c.1.max(cell.1));
            }
        }
        // Full rows whose columns overlap are no grid to place others in.
        let ordered = columns
            .windows(2)
            .all(|w| w[0].0 <= w[0].1 && w[0].1 < w[1].0);
        ordered.then_some(Model { columns })
    }

    /// Each cell's column: the one column whose neighbours' text the cell
    /// does not reach into. None when a cell reaches into a neighbour's
    /// text (it spans, or the row is not of this table), could be in two
    /// columns (it stands in the gap between them), or shares a column.
    fn columns_of(&self, row: &Row) -> Option<(Vec<usize>, usize)> {
        let n = self.columns.len();
        let mut columns: Vec<usize> = Vec::with_capacity(row.cells.len());
        for &(x0, x1, _) in row.cells {
            let mut fits = (0..n).filter(|&j| {
                (j == 0 || x0 > self.columns[j - 1].1)
                    && self.columns.get(j + 1).is_none_or(|next| x1 < next.0)
            });
            let (Some(c), None) = (fits.next(), fits.next()) else {
                return None;
            };
            if columns.last().is_some_and(|&p| p >= c) {
                return None;
            }
            columns.push(c);
        }
        Some((columns, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::content::Rules;

    fn cell(x0: f64, text: &str) -> Cell {
        (x0, x0 + 10.0 * text.chars().count() as f64, text.into())
    }

    fn texts(rows: &[Vec<Cell>], ys: &[f64], rules: &Rules) -> Vec<String> {
        let view: Vec<Row> = rows
            .iter()
            .zip(ys)
            .map(|(cells, &y)| Row {
                cells,
                y,
                size: 10.0,
            })
            .collect();
        let placed = place(&view, &RuleIndex::new(rules));
        rows.iter()
            .zip(placed)
            .map(|(cells, p)| {
                let cells = match p {
                    Some((columns, count)) => with_blanks(cells.clone(), &columns, count),
                    None => cells.clone(),
                };
                let t: Vec<&str> = cells.iter().map(|c| c.2.as_str()).collect();
                t.join("\t")
            })
            .collect()
    }

    /// 作業項目 | 甲 | 乙 at x 0, 200, 300, unruled.
    fn party_table(rows: &[&[(f64, &str)]]) -> Vec<String> {
        let mut all: Vec<Vec<Cell>> = vec![vec![
            cell(0.0, "作業項目"),
            cell(200.0, "甲"),
            cell(300.0, "乙"),
        ]];
        all.extend(
            rows.iter()
                .map(|r| r.iter().map(|&(x, t)| cell(x, t)).collect()),
        );
        let ys: Vec<f64> = (0..all.len()).map(|i| 500.0 - 20.0 * i as f64).collect();
        texts(&all, &ys, &Rules::default())
    }

    #[test]
    fn a_mark_under_the_last_column_keeps_the_blank_cell_before_it() {
        let t = party_table(&[
            &[(0.0, "障害の報告"), (300.0, "○")],
            &[(0.0, "通信の暗号化"), (200.0, "○")],
            &[(0.0, "月次報告"), (200.0, "○"), (300.0, "○")],
        ]);
        assert_eq!(t[0], "作業項目\t甲\t乙");
        assert_eq!(t[1], "障害の報告\t\t○");
        assert_eq!(t[2], "通信の暗号化\t○\t");
        assert_eq!(t[3], "月次報告\t○\t○");
    }

    #[test]
    fn an_item_wider_than_its_header_stays_in_the_first_column() {
        // The item runs past the header's text, not into 甲's.
        let t = party_table(&[&[(0.0, "院内端末の通信暗号化"), (300.0, "○")]]);
        assert_eq!(t[1], "院内端末の通信暗号化\t\t○");
    }

    #[test]
    fn a_cell_reaching_into_the_next_columns_text_is_left_as_it_is() {
        // The item runs from 0 to 210, over 甲 at 200.
        let item = "障害発生時の報告と周知の手順と連絡体制の整備";
        let t = party_table(&[&[(0.0, item), (300.0, "○")]]);
        assert_eq!(t[1], format!("{item}\t○"));
    }

    #[test]
    fn a_cell_in_the_gap_between_two_columns_is_left_as_it_is() {
        let t = party_table(&[&[(0.0, "報告"), (250.0, "○")]]);
        assert_eq!(t[1], "報告\t○");
    }

    #[test]
    fn full_rows_whose_columns_overlap_give_no_columns() {
        let rows = vec![
            vec![cell(0.0, "項目"), cell(100.0, "説明")],
            vec![cell(0.0, "長い長い長い長い項目"), cell(150.0, "値")],
            vec![cell(0.0, "報告"), cell(250.0, "○")],
        ];
        let t = texts(&rows, &[500.0, 480.0, 460.0], &Rules::default());
        assert_eq!(t[2], "報告\t○");
    }

    #[test]
    fn ruled_columns_place_cells_under_a_merged_first_column() {
        // Borders at 0, 150, 250, 350 for rows between y 430 and 510; the
        // first column is blank in the third row (a merged category).
        let mut rules = Rules::default();
        for x in [0.0, 150.0, 250.0, 350.0] {
            rules.vertical.push((x, 430.0, 510.0));
        }
        let rows = vec![
            vec![cell(5.0, "区分"), cell(155.0, "甲"), cell(255.0, "乙")],
            vec![cell(5.0, "報告"), cell(255.0, "○")],
            vec![cell(155.0, "月次"), cell(255.0, "○")],
            vec![cell(5.0, "暗号化"), cell(155.0, "○")],
        ];
        let t = texts(&rows, &[500.0, 480.0, 460.0, 440.0], &rules);
        assert_eq!(t[1..], ["報告\t\t○", "\t月次\t○", "暗号化\t○\t"]);
    }

    #[test]
    fn gridlines_no_row_fills_are_not_columns() {
        // A chart: gridlines every 50 points, labels here and there.
        let mut rules = Rules::default();
        for k in 0..8 {
            rules.vertical.push((50.0 * k as f64, 430.0, 510.0));
        }
        let rows = vec![
            vec![cell(5.0, "12"), cell(205.0, "12")],
            vec![cell(5.0, "81"), cell(105.0, "99"), cell(305.0, "90")],
        ];
        let t = texts(&rows, &[500.0, 480.0], &rules);
        assert_eq!(t, ["12\t12", "81\t99\t90"]);
    }

    #[test]
    fn a_cell_spanning_ruled_columns_is_not_split_or_shifted() {
        let mut rules = Rules::default();
        for x in [0.0, 150.0, 250.0, 350.0] {
            rules.vertical.push((x, 470.0, 510.0));
        }
        // Below y 470 the middle borders stop: a row whose cell spans them.
        rules.vertical.push((0.0, 430.0, 470.0));
        rules.vertical.push((350.0, 430.0, 470.0));
        rules.vertical.push((150.0, 450.0, 470.0));
        let rows = vec![
            vec![cell(5.0, "作業"), cell(155.0, "甲"), cell(255.0, "乙")],
            vec![cell(5.0, "備考"), cell(155.0, "本表に定めのない作業")],
        ];
        let t = texts(&rows, &[500.0, 460.0], &rules);
        assert_eq!(t[1], "備考\t本表に定めのない作業");
    }
}
