//! Upright text: content-order runs → lines on one baseline (table cells
//! come back together), and two-column pages read column by column.

use super::{separator, Line, RuleIndex};
use crate::extract::pdf::content::Placed;

/// A cell of a line while its glyphs are joined: its x range, its first
/// piece, its length in bytes and its last non-empty piece (what
/// `separator` reads of the cell: its end).
struct CellSpan<'a> {
    x0: f64,
    x1: f64,
    first: usize,
    len: usize,
    tail: &'a str,
}

struct Run<'a> {
    /// Consecutive in content order, so a slice of the page's glyphs.
    glyphs: &'a [&'a Placed],
    y: f64,
    x0: f64,
    x1: f64,
    size: f64,
}

pub(super) fn horizontal_lines(glyphs: &[&Placed], rules: &RuleIndex) -> Vec<Line> {
    // Runs in content order: a run breaks where the baseline moves or the
    //    pen jumps backwards or far ahead.
    let mut runs: Vec<Run> = Vec::new();
    let mut run_start = 0;
    for (i, g) in glyphs.iter().enumerate() {
        if let Some(r) = runs.last_mut() {
            let tol = 0.35 * r.size.min(g.size).max(0.1);
            let same_line = (g.y - r.y).abs() <= tol;
            let forward = g.x >= r.x1 - 0.6 * r.size && g.x <= r.x1 + 1.8 * r.size;
            if same_line && forward {
                r.x1 = r.x1.max(g.x + g.advance);
                r.size = r.size.max(g.size);
                r.glyphs = glyphs.get(run_start..=i).unwrap_or_default();
                continue;
            }
        }
        run_start = i;
        runs.push(Run {
            glyphs: std::slice::from_ref(g),
            y: g.y,
            x0: g.x,
            x1: g.x + g.advance,
            size: g.size,
        });
    }
    match split_columns(&runs) {
        Some(gutter) => two_columns(runs, gutter, rules),
        None => lines_from_runs(runs, rules),
    }
}

/// Runs grouped by baseline into lines, top to bottom.
fn lines_from_runs(mut runs: Vec<Run>, rules: &RuleIndex) -> Vec<Line> {
    // Runs on one baseline form one visual line (table cells written one after
    // another by the producer come together again).
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    // Sorted, a line's runs are consecutive: each group is a range of runs.
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        if let Some(g) = groups.last_mut() {
            if let Some(first) = runs.get(g.start) {
                let size = first.size.min(r.size).max(0.1);
                if (r.y - first.y).abs() <= 0.35 * size {
                    g.end = i + 1;
                    continue;
                }
            }
        }
        groups.push(i..i + 1);
    }
    let mut lines = Vec::new();
    // Cells are decided first as pieces (separator, glyph text), then each is
    // written once into a string of its exact length.
    let mut pieces: Vec<(&'static str, &str)> = Vec::new();
    let mut spans: Vec<CellSpan> = Vec::new();
    for range in groups {
        let Some(g) = runs.get_mut(range) else {
            continue;
        };
        g.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        pieces.clear();
        spans.clear();
        let mut prev_end: Option<(f64, f64)> = None;
        let size = g.iter().map(|r| r.size).fold(0.0, f64::max);
        for r in g.iter() {
            for gl in r.glyphs {
                let joined = match (prev_end, spans.last_mut()) {
                    (Some((end, sz)), Some(cell)) => {
                        let gap = (gl.x - end) / sz.max(0.1);
                        let sep = separator(cell.tail, &gl.text, gap);
                        // A table border between two glyphs separates cells
                        // even when the text runs right up to it (asked only
                        // where the gap alone would not).
                        let join =
                            sep != "\t" && !rules.vertical_between(end - 0.5, gl.x + 0.5, gl.y);
                        if join {
                            pieces.push((sep, &gl.text));
                            cell.x1 = gl.x + gl.advance;
                            cell.len += sep.len() + gl.text.len();
                            if !gl.text.is_empty() {
                                cell.tail = &gl.text;
                            } else if !sep.is_empty() {
                                cell.tail = sep;
                            }
                        }
                        join
                    }
                    _ => false,
                };
                if !joined {
                    spans.push(CellSpan {
                        x0: gl.x,
                        x1: gl.x + gl.advance,
                        first: pieces.len(),
                        len: gl.text.len(),
                        tail: &gl.text,
                    });
                    pieces.push(("", &gl.text));
                }
                prev_end = Some((gl.x + gl.advance, gl.size));
            }
        }
        let mut cells: Vec<(f64, f64, String)> = Vec::with_capacity(spans.len());
        for (k, c) in spans.iter().enumerate() {
            let last = spans.get(k + 1).map_or(pieces.len(), |next| next.first);
            let mut text = String::with_capacity(c.len);
            for (sep, t) in pieces.get(c.first..last).unwrap_or_default() {
                text.push_str(sep);
                text.push_str(t);
            }
            cells.push((c.x0, c.x1, text));
        }
        for c in cells.iter_mut() {
            // Most cells have nothing to trim: no new string for them.
            let trimmed = c.2.trim();
            if trimmed.len() != c.2.len() {
                c.2 = trimmed.to_string();
            }
        }
        cells.retain(|c| !c.2.is_empty());
        let text = cells
            .iter()
            .map(|c| c.2.as_str())
            .collect::<Vec<_>>()
            .join("\t");
        let has_cells = cells.len() > 1;
        if text.is_empty() {
            continue;
        }
        lines.push(Line {
            text,
            x0: g.iter().map(|r| r.x0).fold(f64::MAX, f64::min),
            x1: g.iter().map(|r| r.x1).fold(f64::MIN, f64::max),
            y: g[0].y,
            y_end: g[0].y,
            size,
            vertical: false,
            rotated: false,
            has_cells,
            cells,
            column: 0,
        });
    }
    lines
}

/// Characters in a run (for telling body text from table cells).
fn run_chars(r: &Run) -> usize {
    r.glyphs.iter().map(|g| g.text.chars().count()).sum()
}

/// A two-column page: an x (the gutter) in the middle third of the text that
/// few runs cross, with enough body text on both sides. Table cells are short,
/// so a table is not taken for columns.
fn split_columns(runs: &[Run]) -> Option<f64> {
    if runs.len() < 10 {
        return None;
    }
    let lo = runs.iter().map(|r| r.x0).fold(f64::MAX, f64::min);
    let hi = runs.iter().map(|r| r.x1).fold(f64::MIN, f64::max);
    let width = hi - lo;
    if width <= 0.0 {
        return None;
    }
    let mut best: Option<(usize, f64)> = None;
    let steps = 40;
    for i in 0..=steps {
        let x = lo + width * (0.3 + 0.4 * i as f64 / steps as f64);
        let crossing = runs
            .iter()
            .filter(|r| r.x0 < x - 1.0 && r.x1 > x + 1.0)
            .count();
        if best.is_none_or(|(c, _)| crossing < c) {
            best = Some((crossing, x));
        }
    }
    let (crossing, gutter) = best?;
    if crossing * 10 > runs.len() {
        return None;
    }
    let body = |side: &mut dyn Iterator<Item = &Run>| {
        let v: Vec<&Run> = side.collect();
        v.len() >= 5 && v.iter().map(|r| run_chars(r)).sum::<usize>() >= 12 * v.len()
    };
    let left = body(&mut runs.iter().filter(|r| r.x1 <= gutter + 1.0));
    let right = body(&mut runs.iter().filter(|r| r.x0 >= gutter - 1.0));
    (left && right).then_some(gutter)
}

/// Lay out a two-column page: between full-width lines (a title, a table
/// across the page), the left column is read before the right one.
fn two_columns(runs: Vec<Run>, gutter: f64, rules: &RuleIndex) -> Vec<Line> {
    let mut spanning: Vec<Run> = Vec::new();
    let mut sides: Vec<Run> = Vec::new();
    for r in runs {
        if r.x0 < gutter - 1.0 && r.x1 > gutter + 1.0 {
            spanning.push(r);
        } else {
            sides.push(r);
        }
    }
    let mut span_lines = lines_from_runs(spanning, rules);
    let mut out = Vec::new();
    sides.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut sides = sides.into_iter().peekable();
    // Bands: the side runs above each full-width line, then that line.
    span_lines.push(Line {
        text: String::new(),
        x0: 0.0,
        x1: 0.0,
        y: f64::MIN,
        y_end: f64::MIN,
        size: 0.0,
        vertical: false,
        rotated: false,
        has_cells: false,
        cells: Vec::new(),
        column: 0,
    });
    for span in span_lines {
        let mut left = Vec::new();
        let mut right = Vec::new();
        while let Some(r) = sides.next_if(|r| r.y > span.y) {
            if r.x1 <= gutter + 1.0 {
                left.push(r);
            } else {
                right.push(r);
            }
        }
        for (runs, column) in [(left, 1), (right, 2)] {
            out.extend(lines_from_runs(runs, rules).into_iter().map(|mut l| {
                l.column = column;
                l
            }));
        }
        if !span.text.is_empty() {
            out.push(span);
        }
    }
    out
}
