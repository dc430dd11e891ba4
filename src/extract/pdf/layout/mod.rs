//! Glyph positions → lines → paragraphs in reading order.
//!
//! Hand-written because no crate reconstructs CJK text from PDF geometry:
//! Japanese lines are joined without spaces, Latin words keep one space,
//! letter-spaced text gets none, table cells are separated by tabs, and
//! vertical text is read top to bottom, right to left.

mod columns;
mod horizontal;
mod paragraphs;
mod vertical;

use super::content::{Placed, Rules};
use crate::cjk::is_cjk;
use horizontal::horizontal_lines;
pub use paragraphs::{paragraphs, starts_structure};
use vertical::{stacked_glyphs, vertical_lines};

#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    /// Baseline (horizontal) or top (vertical).
    pub y: f64,
    /// Bottom of a vertical column (equal to `y` for horizontal lines).
    pub y_end: f64,
    pub size: f64,
    pub vertical: bool,
    /// Rotated text (table side labels, landscape pages): laid out in its own frame.
    pub rotated: bool,
    /// Cells separated by a wide gap (a table row or a tabbed line).
    pub has_cells: bool,
    /// (x0, x1, text) of each cell; one cell for ordinary lines.
    pub cells: Vec<(f64, f64, String)>,
    /// 0 full width; 1 left and 2 right column of a two-column page.
    pub column: u8,
}

/// Points bucketed in square cells, sorted by cell, for "is there a glyph
/// near here" questions that cost the glyphs nearby, not the page's glyphs.
pub(super) struct Grid {
    cell: f64,
    /// (cell column, cell row, point id), sorted.
    keys: Vec<(i64, i64, usize)>,
}

impl Grid {
    /// A grid of `cell`-sized squares over the points (id, x, y).
    pub(super) fn new(cell: f64, points: impl Iterator<Item = (usize, f64, f64)>) -> Grid {
        let mut keys: Vec<(i64, i64, usize)> = points
            .map(|(id, x, y)| ((x / cell).floor() as i64, (y / cell).floor() as i64, id))
            .collect();
        keys.sort_unstable();
        Grid { cell, keys }
    }

    /// Whether `hit` holds for some point: every point inside the box
    /// `[x0, x1] × [y0, y1]` is offered (some outside it may be too), so
    /// `hit` must test the exact condition.
    pub(super) fn any(
        &self,
        (x0, x1): (f64, f64),
        (y0, y1): (f64, f64),
        mut hit: impl FnMut(usize) -> bool,
    ) -> bool {
        let c = |v: f64| (v / self.cell).floor() as i64;
        let (cx0, cx1, cy0, cy1) = (c(x0), c(x1), c(y0), c(y1));
        // A box far larger than the cells (a huge glyph among small ones):
        // offer every point rather than walk empty cells.
        if cx1.saturating_sub(cx0) > 64 || cy1.saturating_sub(cy0) > 64 {
            return self.keys.iter().any(|k| hit(k.2));
        }
        for cx in cx0..=cx1 {
            let start = self.keys.partition_point(|k| (k.0, k.1) < (cx, cy0));
            for k in &self.keys[start..] {
                if k.0 != cx || k.1 > cy1 {
                    break;
                }
                if hit(k.2) {
                    return true;
                }
            }
        }
        false
    }
}

/// The size class of a glyph size: sizes within a factor of two share one,
/// and a grid of cells `class_cell(class)` wide (at least the size) answers
/// their questions in a few cells.
pub(super) fn size_class(size: f64) -> i32 {
    (size.log2().floor() as i32).clamp(-8, 24)
}

pub(super) fn class_cell(class: i32) -> f64 {
    2f64.powi(class + 1)
}

/// Segments keyed by one coordinate, each spanning an interval of the other:
/// "is there one with its key strictly between two values whose interval
/// reaches a given span" in log² time (a merge-sort tree), where scanning
/// every rule for every glyph gap was glyphs × rules.
pub(super) struct SegmentIndex {
    /// Keys, sorted.
    keys: Vec<f64>,
    /// Per tree level, runs of `1 << level` keys' intervals: (low, high)
    /// sorted by low, and the running maximum of high within each run.
    levels: Vec<Level>,
}

/// One level of a [`SegmentIndex`]: intervals and running maxima.
type Level = (Vec<(f64, f64)>, Vec<f64>);

impl SegmentIndex {
    fn new(mut segs: Vec<(f64, f64, f64)>) -> SegmentIndex {
        // A NaN anywhere makes the rule match nothing (every comparison with
        // it is false), so it can be dropped.
        segs.retain(|s| !s.0.is_nan() && !s.1.is_nan() && !s.2.is_nan());
        segs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let keys: Vec<f64> = segs.iter().map(|s| s.0).collect();
        let mut levels = Vec::new();
        let mut run = 1usize;
        let mut cur: Vec<(f64, f64)> = segs.iter().map(|s| (s.1, s.2)).collect();
        loop {
            let mut maxes = Vec::with_capacity(cur.len());
            for chunk in cur.chunks(run) {
                let mut m = f64::NEG_INFINITY;
                for iv in chunk {
                    m = m.max(iv.1);
                    maxes.push(m);
                }
            }
            levels.push((cur.clone(), maxes));
            if run >= cur.len() {
                break;
            }
            run *= 2;
            let mut next = Vec::with_capacity(cur.len());
            for chunk in cur.chunks(run) {
                let mut c = chunk.to_vec();
                c.sort_by(|a, b| a.0.total_cmp(&b.0));
                next.extend(c);
            }
            cur = next;
        }
        SegmentIndex { keys, levels }
    }

    /// A segment with `k0 < key < k1` and an interval (low, high) for which
    /// `low_ok(low)` and `high >= q` (`high > q` when `strict`), where
    /// `low_ok` holds for a prefix of lows in ascending order.
    fn any(&self, k0: f64, k1: f64, low_ok: impl Fn(f64) -> bool, q: f64, strict: bool) -> bool {
        let lo = self.keys.partition_point(|&k| k <= k0);
        let hi = self.keys.partition_point(|&k| k < k1);
        self.any_in(lo, hi, &low_ok, q, strict)
    }

    /// The keys of the segments [`SegmentIndex::any`] asks about, in
    /// increasing order; None when there are more than `max` (each costs a
    /// binary search of `any` questions, so the work stays bounded).
    fn all(
        &self,
        k0: f64,
        k1: f64,
        low_ok: impl Fn(f64) -> bool,
        q: f64,
        strict: bool,
        max: usize,
    ) -> Option<Vec<f64>> {
        let mut lo = self.keys.partition_point(|&k| k <= k0);
        let hi = self.keys.partition_point(|&k| k < k1);
        let mut out = Vec::new();
        while lo < hi && self.any_in(lo, hi, &low_ok, q, strict) {
            // The least end whose prefix [lo, end) holds a segment: the
            // segment at end - 1.
            let (mut a, mut b) = (lo + 1, hi);
            while a < b {
                let m = a + (b - a) / 2;
                if self.any_in(lo, m, &low_ok, q, strict) {
                    b = m;
                } else {
                    a = m + 1;
                }
            }
            if out.len() == max {
                return None;
            }
            out.push(*self.keys.get(b - 1)?);
            lo = b;
        }
        Some(out)
    }

    /// [`SegmentIndex::any`] over the keys with index in [lo, hi).
    fn any_in(
        &self,
        mut lo: usize,
        hi: usize,
        low_ok: &impl Fn(f64) -> bool,
        q: f64,
        strict: bool,
    ) -> bool {
        let reaches = |m: f64| if strict { m > q } else { m >= q };
        // Cover [lo, hi) with aligned runs, largest first.
        while lo < hi {
            let mut level = 0;
            while level + 1 < self.levels.len()
                && lo.is_multiple_of(1 << (level + 1))
                && lo + (1 << (level + 1)) <= hi
            {
                level += 1;
            }
            let run = 1usize << level;
            let (ivs, maxes) = &self.levels[level];
            let end = (lo + run).min(ivs.len());
            let n = ivs[lo..end].partition_point(|iv| low_ok(iv.0));
            if n > 0 && reaches(maxes[lo + n - 1]) {
                return true;
            }
            lo += run;
        }
        false
    }
}

/// [`Rules`] indexed for the layout's questions, with the answers of
/// `Rules::vertical_between` and `Rules::horizontal_between`. A page with
/// few rules is asked directly; one with many, through an index.
pub(super) enum RuleIndex<'a> {
    Few(&'a Rules),
    Many {
        vertical: SegmentIndex,
        horizontal: SegmentIndex,
    },
}

impl<'a> RuleIndex<'a> {
    pub(super) fn new(rules: &'a Rules) -> RuleIndex<'a> {
        if rules.vertical.len() + rules.horizontal.len() <= 32 {
            return RuleIndex::Few(rules);
        }
        RuleIndex::Many {
            vertical: SegmentIndex::new(
                rules
                    .vertical
                    .iter()
                    .map(|&(x, a, b)| (x, a - 1.0, b + 1.0))
                    .collect(),
            ),
            horizontal: SegmentIndex::new(rules.horizontal.clone()),
        }
    }

    /// A vertical rule between x0 and x1 that crosses height y.
    pub(super) fn vertical_between(&self, x0: f64, x1: f64, y: f64) -> bool {
        match self {
            RuleIndex::Few(rules) => rules.vertical_between(x0, x1, y),
            RuleIndex::Many { vertical, .. } => vertical.any(x0, x1, |low| low <= y, y, false),
        }
    }

    /// Where the vertical rules between x0 and x1 that cross height y
    /// stand, left to right (a rule drawn twice is there twice); None when
    /// there are more than `max`.
    pub(super) fn vertical_crossing(
        &self,
        x0: f64,
        x1: f64,
        y: f64,
        max: usize,
    ) -> Option<Vec<f64>> {
        match self {
            RuleIndex::Few(rules) => {
                let mut xs: Vec<f64> = rules
                    .vertical
                    .iter()
                    .filter(|&&(x, a, b)| x > x0 && x < x1 && y >= a - 1.0 && y <= b + 1.0)
                    .map(|r| r.0)
                    .collect();
                xs.sort_by(f64::total_cmp);
                (xs.len() <= max).then_some(xs)
            }
            RuleIndex::Many { vertical, .. } => vertical.all(x0, x1, |low| low <= y, y, false, max),
        }
    }

    /// A horizontal rule between heights y_low and y_high under [x0, x1].
    pub(super) fn horizontal_between(&self, y_low: f64, y_high: f64, x0: f64, x1: f64) -> bool {
        match self {
            RuleIndex::Few(rules) => rules.horizontal_between(y_low, y_high, x0, x1),
            RuleIndex::Many { horizontal, .. } => {
                horizontal.any(y_low, y_high, |low| low < x1, x0, true)
            }
        }
    }
}

pub(super) fn ends_cjk(s: &str) -> bool {
    s.chars().last().is_some_and(is_cjk)
}
pub(super) fn starts_cjk(s: &str) -> bool {
    s.chars().next().is_some_and(is_cjk)
}

/// Separator between two pieces of text with a horizontal gap (in font sizes).
pub(super) fn separator(prev: &str, next: &str, gap: f64) -> &'static str {
    if gap > 1.8 {
        return "\t";
    }
    // Glyphs set close together join whatever their script: the script is
    // read only for a gap wide enough to be a space between Latin words.
    if gap.is_nan() || gap <= 0.2 || prev.ends_with(' ') || next.starts_with(' ') {
        return "";
    }
    if ends_cjk(prev) || starts_cjk(next) {
        ""
    } else {
        " "
    }
}

/// Build lines from glyphs in content order, then order them on the page.
/// Rotated text is turned back to left-to-right, laid out, and kept apart.
pub fn lines(glyphs: &[Placed], rules: &Rules) -> Vec<Line> {
    let stacked = stacked_glyphs(glyphs);
    let glyphs: &[Placed] = &stacked;
    let (mut vert, mut horiz): (Vec<&Placed>, Vec<&Placed>) =
        glyphs.iter().partition(|g| g.vertical);
    // 縦中横: a few upright digits set inside a vertical column (第1章 on a
    // chapter tab) belong to that column, not to a horizontal line.
    if !vert.is_empty() {
        // The vertical glyphs in grids, one per size class (the question
        // is asked in each glyph's own size).
        let mut classes: Vec<(i32, usize)> = vert
            .iter()
            .enumerate()
            .map(|(k, v)| (size_class(v.size), k))
            .collect();
        classes.sort_unstable();
        let grids: Vec<(f64, Grid)> = classes
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| {
                let size = run.iter().map(|&(_, k)| vert[k].size).fold(0.0, f64::max);
                let points = run.iter().map(|&(_, k)| (k, vert[k].x, vert[k].y));
                (size, Grid::new(class_cell(run[0].0), points))
            })
            .collect();
        let inside = |g: &Placed| {
            let cx = g.x + g.advance / 2.0;
            grids.iter().any(|(size, grid)| {
                grid.any(
                    (cx - 0.7 * size, cx + 0.7 * size),
                    (g.y - 1.6 * size, g.y + 1.6 * size),
                    |k| {
                        let v = vert[k];
                        (g.x + g.advance / 2.0 - v.x).abs() < 0.6 * v.size
                            && (g.y - v.y).abs() < 1.5 * v.size
                    },
                )
            })
        };
        let (moved, kept): (Vec<&Placed>, Vec<&Placed>) =
            horiz.iter().partition(|g| g.dir == 0 && inside(g));
        vert.extend(moved);
        horiz = kept;
    }
    // Latin words in vertical text are set turned a quarter clockwise, reading
    // downwards: they are part of the column (centred on it, as LibreOffice
    // and Word set them).
    let turned_latin: Vec<Placed>;
    if !vert.is_empty() {
        let (down, kept): (Vec<&Placed>, Vec<&Placed>) = horiz.iter().partition(|g| g.dir == 3);
        turned_latin = down
            .into_iter()
            .map(|g| Placed {
                x: g.x + 0.35 * g.size,
                vertical: true,
                dir: 0,
                ..g.clone()
            })
            .collect();
        vert.extend(turned_latin.iter());
        horiz = kept;
    }
    // Most pages have no rotated text: their horizontal glyphs are the
    // upright ones, taken as they are.
    let rotated = horiz.iter().any(|g| g.dir != 0);
    let upright: Vec<&Placed> = if rotated {
        horiz.iter().copied().filter(|g| g.dir == 0).collect()
    } else {
        std::mem::take(&mut horiz)
    };
    let mut out = horizontal_lines(&upright, &RuleIndex::new(rules));
    let none = Rules::default();
    let no_rules = RuleIndex::new(&none);
    for dir in (1..4u8).filter(|_| rotated) {
        let turned: Vec<Placed> = horiz
            .iter()
            .filter(|g| g.dir == dir)
            .map(|g| {
                let (x, y) = match dir {
                    1 => (g.y, -g.x),
                    2 => (-g.x, -g.y),
                    _ => (-g.y, g.x),
                };
                Placed {
                    x,
                    y,
                    dir: 0,
                    ..(*g).clone()
                }
            })
            .collect();
        let refs: Vec<&Placed> = turned.iter().collect();
        out.extend(horizontal_lines(&refs, &no_rules).into_iter().map(|mut l| {
            l.rotated = true;
            l
        }));
    }
    out.extend(vertical_lines(&vert));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x: f64, y: f64) -> Placed {
        Placed {
            text: text.into(),
            x,
            y,
            advance: 10.0,
            size: 10.0,
            vertical: false,
            dir: 0,
        }
    }

    /// `text` as glyphs 10 apart from `x` on the baseline `y`.
    fn write(gl: &mut Vec<Placed>, text: &str, x: f64, y: f64) {
        for (i, c) in text.chars().enumerate() {
            gl.push(g(&c.to_string(), x + 10.0 * i as f64, y));
        }
    }

    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    #[test]
    fn indexed_rules_answer_as_the_rules_do() {
        for seed in 1..200u64 {
            let mut next = xorshift(seed * 104_729);
            // A coarse lattice, so that equal coordinates and exact boundaries occur.
            let mut v = move || (next() % 30) as f64 * 4.0;
            let n = 33 + (seed as usize * 7) % 150;
            let rules = Rules {
                vertical: (0..n).map(|_| (v(), v(), v())).collect(),
                horizontal: (0..n).map(|_| (v(), v(), v())).collect(),
            };
            let ix = RuleIndex::new(&rules);
            assert!(matches!(ix, RuleIndex::Many { .. }));
            for _ in 0..300 {
                let (a, b, c, d) = (v() - 2.0, v() + 1.0, v(), v() - 1.0);
                assert_eq!(
                    ix.vertical_between(a, b, c),
                    rules.vertical_between(a, b, c),
                    "seed {seed}"
                );
                assert_eq!(
                    ix.horizontal_between(a, b, c, d),
                    rules.horizontal_between(a, b, c, d),
                    "seed {seed}"
                );
                let few = RuleIndex::Few(&rules);
                for max in [1, 3, 200] {
                    assert_eq!(
                        ix.vertical_crossing(a, b, c, max),
                        few.vertical_crossing(a, b, c, max),
                        "seed {seed}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_grid_offers_every_point_in_the_box() {
        let mut next = xorshift(77);
        let points: Vec<(f64, f64)> = (0..500)
            .map(|_| {
                (
                    (next() % 200) as f64 * 0.7 - 50.0,
                    (next() % 200) as f64 * 0.7,
                )
            })
            .collect();
        for cell in [0.5, 2.0, 16.0] {
            let grid = Grid::new(cell, points.iter().enumerate().map(|(i, p)| (i, p.0, p.1)));
            for _ in 0..200 {
                let (x, y) = (
                    (next() % 200) as f64 * 0.7 - 50.0,
                    (next() % 200) as f64 * 0.7,
                );
                let w = (next() % 40) as f64 * 0.35;
                let inside = |i: usize| {
                    let p = points[i];
                    p.0 >= x - w && p.0 <= x + w && p.1 >= y - w / 2.0 && p.1 <= y + w / 2.0
                };
                let mut offered = vec![false; points.len()];
                grid.any((x - w, x + w), (y - w / 2.0, y + w / 2.0), |i| {
                    offered[i] = true;
                    false
                });
                for (i, &o) in offered.iter().enumerate() {
                    assert!(!inside(i) || o);
                }
            }
        }
    }

    #[test]
    fn japanese_glyphs_join_without_spaces_even_when_letter_spaced() {
        let gl = vec![g("主", 0.0, 100.0), g("文", 15.0, 100.0)];
        assert_eq!(lines(&gl, &Rules::default())[0].text, "主文");
    }

    #[test]
    fn latin_words_keep_one_space() {
        let gl = vec![g("T", 0.0, 100.0), g("L", 6.0, 100.0), g("S", 30.0, 100.0)];
        // advance 10 means "L" overlaps: no space; "S" starts 14 after L's end → space.
        assert_eq!(lines(&gl, &Rules::default())[0].text, "TL S");
    }

    #[test]
    fn table_cells_written_separately_come_back_into_one_row() {
        let gl = vec![
            g("報", 0.0, 100.0),
            g("告", 10.0, 100.0),
            g("毎", 100.0, 100.0),
            g("月", 110.0, 100.0),
            g("次", 0.0, 80.0),
        ];
        let ls = lines(&gl, &Rules::default());
        assert_eq!(ls[0].text, "報告\t毎月");
        assert!(ls[0].has_cells);
        assert_eq!(ls[1].text, "次");
    }

    #[test]
    fn wrapped_lines_join_into_a_paragraph_but_clauses_start_anew() {
        let mk = |t: &str, y: f64, x1: f64| Line {
            text: t.into(),
            x0: 0.0,
            x1,
            y,
            y_end: y,
            size: 10.0,
            vertical: false,
            rotated: false,
            has_cells: false,
            cells: vec![(0.0, x1, t.into())],
            column: 0,
        };
        let ls = vec![
            mk("乙は、障害が発生したときは、直ちに報", 100.0, 500.0),
            mk("告しなければならない。", 85.0, 200.0),
            mk("２　乙は、", 70.0, 500.0),
            mk("第3条（監査）", 55.0, 100.0),
        ];
        let ps = paragraphs(&ls, 500.0, &Rules::default());
        assert_eq!(
            ps[0].0,
            "乙は、障害が発生したときは、直ちに報告しなければならない。"
        );
        assert_eq!(ps[1].0, "２　乙は、");
        assert_eq!(ps[2].0, "第3条（監査）");
    }

    #[test]
    fn a_wrapped_table_cell_continues_its_row() {
        let gl = vec![
            g("月", 0.0, 100.0),
            g("次", 10.0, 100.0),
            g("毎", 100.0, 100.0),
            g("稼", 200.0, 100.0),
            g("働", 210.0, 100.0),
            g("率", 200.0, 86.0),
            g("年", 0.0, 69.0),
            g("年", 100.0, 69.0),
            g("次", 0.0, 50.0),
        ];
        let ls = lines(&gl, &Rules::default());
        let ps = paragraphs(&ls, 220.0, &Rules::default());
        assert_eq!(ps[0], ("月次\t毎\t稼働率".to_string(), true));
        // Its third column is blank: the row keeps an empty cell there.
        assert_eq!(ps[1], ("年\t年\t".to_string(), true));
        assert_eq!(ps[2].0, "次");
    }

    #[test]
    fn a_blank_cell_of_a_table_row_stays_in_its_column() {
        let mut gl = Vec::new();
        write(&mut gl, "作業項目", 0.0, 100.0);
        write(&mut gl, "甲", 200.0, 100.0);
        write(&mut gl, "乙", 300.0, 100.0);
        write(&mut gl, "障害の報告", 0.0, 80.0);
        write(&mut gl, "○", 300.0, 80.0);
        write(&mut gl, "通信の暗号化", 0.0, 60.0);
        write(&mut gl, "○", 200.0, 60.0);
        let ps = paragraphs(&lines(&gl, &Rules::default()), 320.0, &Rules::default());
        let rows: Vec<&str> = ps.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            rows,
            ["作業項目\t甲\t乙", "障害の報告\t\t○", "通信の暗号化\t○\t"]
        );
    }

    #[test]
    fn rotated_table_rows_are_placed_without_the_pages_rules() {
        // Rows of rotated text, in their own frame; the page's rules at
        // those coordinates would make a column of their own at x 50.
        let row = |cells: &[(f64, &str)], y: f64| Line {
            text: cells.iter().map(|c| c.1).collect::<Vec<_>>().join("\t"),
            x0: cells[0].0,
            x1: cells[cells.len() - 1].0 + 20.0,
            y,
            y_end: y,
            size: 10.0,
            vertical: false,
            rotated: true,
            has_cells: true,
            cells: cells
                .iter()
                .map(|&(x, t)| (x, x + 20.0, t.into()))
                .collect(),
            column: 0,
        };
        let rules = Rules {
            vertical: vec![(50.0, 0.0, 200.0), (150.0, 0.0, 200.0)],
            horizontal: Vec::new(),
        };
        let ls = vec![
            row(&[(0.0, "節"), (60.0, "名"), (100.0, "値")], 100.0),
            row(&[(0.0, "第"), (100.0, "資")], 80.0),
        ];
        let ps = paragraphs(&ls, 500.0, &rules);
        // Without the rules, 名 and 値 (60 and 100) share the middle column
        // between x 50 and 150; by the rows' own columns 資 is under 値.
        assert_eq!(ps[1].0, "第\t\t資");
    }

    #[test]
    fn a_wrapped_first_cell_continues_at_the_tables_cell_pitch() {
        let gl = vec![
            g("月", 0.0, 100.0),
            g("毎", 100.0, 100.0),
            g("稼", 200.0, 100.0),
            g("率", 200.0, 89.0), // wrapped cell: pitch 1.1 sizes
            g("状", 0.0, 76.0),   // next row after padding: 1.3 sizes
            g("四", 100.0, 76.0),
            g("脆", 200.0, 76.0),
            g("書", 0.0, 65.0), // the first cell wraps, at cell pitch
            g("況", 200.0, 65.0),
        ];
        let ps = paragraphs(&lines(&gl, &Rules::default()), 220.0, &Rules::default());
        assert_eq!(ps[0].0, "月\t毎\t稼率");
        assert_eq!(ps[1].0, "状書\t四\t脆況");
    }

    #[test]
    fn text_rotated_a_quarter_turn_reads_along_its_baseline() {
        let r = |t: &str, x: f64, y: f64| Placed {
            text: t.into(),
            x,
            y,
            advance: 10.0,
            size: 10.0,
            vertical: false,
            dir: 1,
        };
        let gl = vec![
            r("第", 40.0, 100.0),
            r("３", 40.0, 110.0),
            r("節", 40.0, 120.0),
        ];
        let ls = lines(&gl, &Rules::default());
        assert_eq!(ls[0].text, "第３節");
        assert!(ls[0].rotated);
    }

    #[test]
    fn upright_digits_inside_a_vertical_column_join_it() {
        let v = |t: &str, y: f64| Placed {
            text: t.into(),
            x: 100.0,
            y,
            advance: 10.0,
            size: 10.0,
            vertical: true,
            dir: 0,
        };
        let h = Placed {
            text: "1".into(),
            x: 97.0,
            y: 88.0,
            advance: 5.0,
            size: 10.0,
            vertical: false,
            dir: 0,
        };
        let ls = lines(&[v("第", 100.0), h, v("章", 80.0)], &Rules::default());
        assert_eq!(ls.len(), 1);
        assert_eq!(ls[0].text, "第1章");
    }

    #[test]
    fn glyphs_stacked_with_a_horizontal_font_read_as_a_column() {
        let gl = vec![
            g("政", 100.0, 100.0),
            g("令", 100.0, 90.0),
            g("第", 100.0, 80.0),
            g("左", 50.0, 100.0),
            g("列", 50.0, 90.0),
            g("目", 50.0, 80.0),
        ];
        let ls = lines(&gl, &Rules::default());
        assert_eq!(ls[0].text, "政令第");
        assert_eq!(ls[1].text, "左列目");
    }

    #[test]
    fn two_column_page_reads_the_left_column_first() {
        let mut gl = Vec::new();
        write(
            &mut gl,
            "利用規約の表題を中央に置いて全幅で書く行です",
            60.0,
            300.0,
        );
        for k in 0..6 {
            let y = 280.0 - 15.0 * k as f64;
            write(
                &mut gl,
                &format!("左の段の第{k}行目の本文はここにある"),
                0.0,
                y,
            );
            write(
                &mut gl,
                &format!("右の段の第{k}行目の本文はここにある"),
                200.0,
                y,
            );
        }
        let ls = lines(&gl, &Rules::default());
        let texts: Vec<&str> = ls.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "利用規約の表題を中央に置いて全幅で書く行です");
        assert_eq!(texts[1], "左の段の第0行目の本文はここにある");
        assert_eq!(texts[6], "左の段の第5行目の本文はここにある");
        assert_eq!(texts[7], "右の段の第0行目の本文はここにある");
    }

    #[test]
    fn a_two_column_table_is_not_taken_for_text_columns() {
        let mut gl = Vec::new();
        for k in 0..8 {
            let y = 280.0 - 15.0 * k as f64;
            gl.push(g("項", 0.0, y));
            gl.push(g("目", 10.0, y));
            gl.push(g("値", 200.0, y));
        }
        let ls = lines(&gl, &Rules::default());
        assert_eq!(ls[0].text, "項目\t値");
    }

    #[test]
    fn vertical_text_reads_top_to_bottom_right_to_left() {
        let v = |t: &str, x: f64, y: f64| Placed {
            text: t.into(),
            x,
            y,
            advance: 10.0,
            size: 10.0,
            vertical: true,
            dir: 0,
        };
        let gl = vec![
            v("左", 50.0, 100.0),
            v("右", 100.0, 100.0),
            v("下", 100.0, 90.0),
        ];
        let ls = lines(&gl, &Rules::default());
        assert_eq!(ls[0].text, "右下");
        assert_eq!(ls[1].text, "左");
    }
}
