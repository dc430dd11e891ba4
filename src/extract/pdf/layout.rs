//! Glyph positions → lines → paragraphs in reading order.
//!
//! Hand-written because no crate reconstructs CJK text from PDF geometry:
//! Japanese lines are joined without spaces, Latin words keep one space,
//! letter-spaced text gets none, table cells are separated by tabs, and
//! vertical text is read top to bottom, right to left.

use super::content::Placed;
use crate::cjk::is_cjk;

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

fn ends_cjk(s: &str) -> bool {
    s.chars().last().is_some_and(is_cjk)
}
fn starts_cjk(s: &str) -> bool {
    s.chars().next().is_some_and(is_cjk)
}

/// Separator between two pieces of text with a horizontal gap (in font sizes).
fn separator(prev: &str, next: &str, gap: f64) -> &'static str {
    if gap > 1.8 {
        return "\t";
    }
    if prev.ends_with(' ') || next.starts_with(' ') {
        return "";
    }
    let cjk = ends_cjk(prev) || starts_cjk(next);
    if !cjk && gap > 0.2 {
        " "
    } else {
        ""
    }
}

/// Build lines from glyphs in content order, then order them on the page.
/// Rotated text is turned back to left-to-right, laid out, and kept apart.
pub fn lines(glyphs: &[Placed]) -> Vec<Line> {
    let stacked = stacked_glyphs(glyphs);
    let glyphs: &[Placed] = &stacked;
    let (mut vert, mut horiz): (Vec<&Placed>, Vec<&Placed>) =
        glyphs.iter().partition(|g| g.vertical);
    // 縦中横: a few upright digits set inside a vertical column (第1章 on a
    // chapter tab) belong to that column, not to a horizontal line.
    if !vert.is_empty() {
        let inside = |g: &Placed| {
            vert.iter().any(|v| {
                (g.x + g.advance / 2.0 - v.x).abs() < 0.6 * v.size
                    && (g.y - v.y).abs() < 1.5 * v.size
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
    let upright: Vec<&Placed> = horiz.iter().copied().filter(|g| g.dir == 0).collect();
    let mut out = horizontal_lines(&upright);
    for dir in 1..4u8 {
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
        out.extend(horizontal_lines(&refs).into_iter().map(|mut l| {
            l.rotated = true;
            l
        }));
    }
    out.extend(vertical_lines(&vert));
    out
}

struct Run<'a> {
    glyphs: Vec<&'a Placed>,
    y: f64,
    x0: f64,
    x1: f64,
    size: f64,
}

fn horizontal_lines(glyphs: &[&Placed]) -> Vec<Line> {
    // Runs in content order: a run breaks where the baseline moves or the
    //    pen jumps backwards or far ahead.
    let mut runs: Vec<Run> = Vec::new();
    for g in glyphs {
        if let Some(r) = runs.last_mut() {
            let tol = 0.35 * r.size.min(g.size).max(0.1);
            let same_line = (g.y - r.y).abs() <= tol;
            let forward = g.x >= r.x1 - 0.6 * r.size && g.x <= r.x1 + 1.8 * r.size;
            if same_line && forward {
                r.x1 = r.x1.max(g.x + g.advance);
                r.size = r.size.max(g.size);
                r.glyphs.push(g);
                continue;
            }
        }
        runs.push(Run {
            glyphs: vec![g],
            y: g.y,
            x0: g.x,
            x1: g.x + g.advance,
            size: g.size,
        });
    }
    match split_columns(&runs) {
        Some(gutter) => two_columns(runs, gutter),
        None => lines_from_runs(runs),
    }
}

/// Runs grouped by baseline into lines, top to bottom.
fn lines_from_runs(mut runs: Vec<Run>) -> Vec<Line> {
    // Runs on one baseline form one visual line (table cells written one after
    // another by the producer come together again).
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<Run>> = Vec::new();
    for r in runs {
        if let Some(g) = groups.last_mut() {
            let y = g[0].y;
            let size = g[0].size.min(r.size).max(0.1);
            if (r.y - y).abs() <= 0.35 * size {
                g.push(r);
                continue;
            }
        }
        groups.push(vec![r]);
    }
    let mut lines = Vec::new();
    for mut g in groups {
        g.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut cells: Vec<(f64, f64, String)> = Vec::new();
        let mut prev_end: Option<(f64, f64)> = None;
        let size = g.iter().map(|r| r.size).fold(0.0, f64::max);
        for r in &g {
            for gl in &r.glyphs {
                let gap = prev_end.map(|(end, sz)| (gl.x - end) / sz.max(0.1));
                match (gap, cells.last_mut()) {
                    (Some(gap), Some(cell)) if separator(&cell.2, &gl.text, gap) != "\t" => {
                        let sep = separator(&cell.2, &gl.text, gap);
                        cell.2.push_str(sep);
                        cell.2.push_str(&gl.text);
                        cell.1 = gl.x + gl.advance;
                    }
                    _ => cells.push((gl.x, gl.x + gl.advance, gl.text.clone())),
                }
                prev_end = Some((gl.x + gl.advance, gl.size));
            }
        }
        for c in cells.iter_mut() {
            c.2 = c.2.trim().to_string();
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

/// Vertical writing set with a horizontal font (官報 pages draw their columns
/// row by row with Identity-H fonts). Vertical text is set solid: glyphs one
/// size apart at the same x. A glyph with such a neighbour above or below and
/// none beside it, or drawn right after the glyph above it, is stacked; a
/// chain of three or more stacked glyphs becomes a vertical column (origin
/// moved to the top centre, as a vertical font's is). Table cells wrap at a
/// looser pitch and have neighbours beside them, so they are left alone.
fn stacked_glyphs(glyphs: &[Placed]) -> Vec<Placed> {
    const SOLID: std::ops::RangeInclusive<f64> = 0.9..=1.1;
    let mut out: Vec<Placed> = glyphs.to_vec();
    let upright = |g: &Placed| !g.vertical && g.dir == 0;
    let cand: Vec<usize> = (0..out.len()).filter(|&i| upright(&out[i])).collect();
    if cand.len() < 3 {
        return out;
    }
    let sorted_by = |key: fn(&Placed) -> f64| {
        let mut v = cand.clone();
        v.sort_by(|&a, &b| key(&out[a]).total_cmp(&key(&out[b])));
        let keys: Vec<f64> = v.iter().map(|&i| key(&out[i])).collect();
        (v, keys)
    };
    let (by_x, xs) = sorted_by(|g| g.x);
    let (by_y, ys) = sorted_by(|g| g.y);
    let near = |keys: &[f64], key: f64, tol: f64| {
        keys.partition_point(|k| *k < key - tol)..keys.partition_point(|k| *k <= key + tol)
    };
    let mut stacked = vec![false; out.len()];
    for &i in &cand {
        let g = &out[i];
        let s = g.size.max(0.1);
        let column_mate =
            near(&xs, g.x, 0.3 * s).any(|k| SOLID.contains(&((out[by_x[k]].y - g.y).abs() / s)));
        let row_mate = near(&ys, g.y, 0.3 * s)
            .any(|k| by_y[k] != i && (out[by_y[k]].x - g.x).abs() / s <= 1.25);
        stacked[i] = column_mate && !row_mate;
    }
    // Where columns are set solid side by side geometry cannot tell; the
    // drawing order can: glyphs drawn one under the other.
    let below = |a: &Placed, b: &Placed| {
        upright(a)
            && upright(b)
            && (b.x - a.x).abs() < 0.3 * a.size
            && SOLID.contains(&((a.y - b.y) / a.size.max(0.1)))
    };
    for w in 0..out.len().saturating_sub(1) {
        if below(&out[w], &out[w + 1]) {
            stacked[w] = true;
            stacked[w + 1] = true;
        }
    }
    // Chains: stacked glyphs of one x (clustered, not bucketed, so 421.2 and
    // 421.3 stay together), each one solid step below the last.
    let mut stacked_ids: Vec<usize> = (0..out.len()).filter(|&i| stacked[i]).collect();
    stacked_ids.sort_by(|&a, &b| out[a].x.total_cmp(&out[b].x));
    let mut columns: Vec<Vec<usize>> = Vec::new();
    for i in stacked_ids {
        match columns.last_mut() {
            Some(c) if (out[i].x - out[c[0]].x).abs() <= 0.3 * out[i].size.max(0.1) => c.push(i),
            _ => columns.push(vec![i]),
        }
    }
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for mut column in columns {
        column.sort_by(|&a, &b| out[b].y.total_cmp(&out[a].y));
        for i in column {
            // One cell may be taken by punctuation set with a vertical font.
            let follows = |last: usize| {
                let (a, b) = (&out[last], &out[i]);
                let step = (a.y - b.y) / a.size.max(0.1);
                SOLID.contains(&step) || (1.9..=2.1).contains(&step)
            };
            match chains.last_mut() {
                Some(c) if follows(c[c.len() - 1]) => c.push(i),
                _ => chains.push(vec![i]),
            }
        }
    }
    for chain in chains.into_iter().filter(|c| c.len() >= 3) {
        for i in chain {
            let g = &mut out[i];
            g.vertical = true;
            g.x += g.advance / 2.0;
            g.y += 0.88 * g.size;
        }
    }
    out
}

/// Vertical presentation forms (︵ ︑ ﹁) as a horizontal reader writes them
/// (（ 、 「): vertical text comes out as a horizontal line.
const VERTICAL_FORMS: &[(char, char)] = &[
    ('︐', '，'),
    ('︑', '、'),
    ('︒', '。'),
    ('︓', '：'),
    ('︔', '；'),
    ('︕', '！'),
    ('︖', '？'),
    ('︗', '〖'),
    ('︘', '〗'),
    ('︙', '…'),
    ('︰', '‥'),
    ('︱', '—'),
    ('︲', '–'),
    ('︳', '＿'),
    ('︴', '＿'),
    ('︵', '（'),
    ('︶', '）'),
    ('︷', '｛'),
    ('︸', '｝'),
    ('︹', '〔'),
    ('︺', '〕'),
    ('︻', '【'),
    ('︼', '】'),
    ('︽', '《'),
    ('︾', '》'),
    ('︿', '〈'),
    ('﹀', '〉'),
    ('﹁', '「'),
    ('﹂', '」'),
    ('﹃', '『'),
    ('﹄', '』'),
    ('﹇', '［'),
    ('﹈', '］'),
];

fn horizontal_form(s: &str) -> String {
    s.chars()
        .map(|c| {
            VERTICAL_FORMS
                .iter()
                .find(|(v, _)| *v == c)
                .map_or(c, |(_, h)| *h)
        })
        .collect()
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
fn two_columns(runs: Vec<Run>, gutter: f64) -> Vec<Line> {
    let mut spanning: Vec<Run> = Vec::new();
    let mut sides: Vec<Run> = Vec::new();
    for r in runs {
        if r.x0 < gutter - 1.0 && r.x1 > gutter + 1.0 {
            spanning.push(r);
        } else {
            sides.push(r);
        }
    }
    let mut span_lines = lines_from_runs(spanning);
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
            out.extend(lines_from_runs(runs).into_iter().map(|mut l| {
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

fn vertical_lines(glyphs: &[&Placed]) -> Vec<Line> {
    // Columns: glyphs whose x is within half a size of each other.
    let mut sorted: Vec<&Placed> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.x.total_cmp(&a.x).then(b.y.total_cmp(&a.y)));
    let mut cols: Vec<Vec<&Placed>> = Vec::new();
    for g in sorted {
        if let Some(c) = cols.last_mut() {
            if (c[0].x - g.x).abs() <= 0.5 * g.size.max(0.1) {
                c.push(g);
                continue;
            }
        }
        cols.push(vec![g]);
    }
    // A column with a wide gap holds two blocks (a poem's upper and lower
    // half): split it into segments.
    let mut segments: Vec<Line> = Vec::new();
    for mut c in cols {
        c.sort_by(|a, b| b.y.total_cmp(&a.y));
        let mut start = 0;
        for i in 1..=c.len() {
            let split = i == c.len() || {
                let (p, g) = (c[i - 1], c[i]);
                (p.y - g.y) / g.size.max(0.1) > 2.8
            };
            if split {
                let seg = &c[start..i];
                let text: String = seg.iter().map(|g| horizontal_form(&g.text)).collect();
                let size = seg.iter().map(|g| g.size).fold(0.0, f64::max);
                segments.push(Line {
                    text,
                    x0: seg[0].x,
                    x1: seg[0].x + size,
                    y: seg[0].y,
                    y_end: seg[seg.len() - 1].y,
                    size,
                    vertical: true,
                    rotated: false,
                    has_cells: false,
                    cells: Vec::new(),
                    column: 0,
                });
                start = i;
            }
        }
    }
    // Blocks of columns that start at about the same height are read right to
    // left; blocks are read top to bottom.
    segments.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut bands: Vec<Vec<Line>> = Vec::new();
    for s in segments {
        match bands.last_mut() {
            Some(b) if (b[0].y - s.y) <= 3.0 * s.size => b.push(s),
            _ => bands.push(vec![s]),
        }
    }
    bands
        .into_iter()
        .flat_map(|mut b| {
            b.sort_by(|a, c| c.x0.total_cmp(&a.x0));
            b
        })
        .collect()
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
/// lower, continues that row's cells (a cell that wraps).
pub fn paragraphs(lines: &[Line], right_margin: f64) -> Vec<(String, bool)> {
    // Each paragraph: its cells (column x0 and text) when it is a table row.
    let mut out: Vec<(Vec<(f64, String)>, bool)> = Vec::new();
    let mut prev: Option<&Line> = None;
    // Pitch of lines wrapped inside a cell of the current table (font sizes).
    let mut cell_pitch: Option<f64> = None;
    // Each column of a two-column page has its own right margin.
    let margin_of = |l: &Line| match l.column {
        0 => right_margin,
        c => lines
            .iter()
            .filter(|m| m.column == c && !m.has_cells)
            .map(|m| m.x1)
            .fold(0.0, f64::max),
    };
    let bottom_margin = lines
        .iter()
        .filter(|l| l.vertical)
        .map(|l| l.y_end)
        .fold(f64::MAX, f64::min);
    for l in lines {
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
            if let Some((cells, false)) = out.last_mut() {
                cells[0].1.push_str(&l.text);
                prev = Some(l);
                continue;
            }
        }
        let gap_ok = |p: &Line| (p.y - l.y) > 0.0 && (p.y - l.y) <= 2.2 * p.size.max(l.size);
        if let (Some(p), Some((cells, true))) = (prev, out.last_mut()) {
            let gap = (p.y - l.y) / p.size.max(l.size).max(0.1);
            if gap_ok(p)
                && !l.vertical
                && p.rotated == l.rotated
                && continues_row(cells, l, gap, cell_pitch)
            {
                let first = cells.first().map(|c| c.0).unwrap_or(0.0);
                if l.cells.iter().all(|c| c.0 > first + l.size) {
                    cell_pitch = Some(cell_pitch.map_or(gap, |c: f64| c.min(gap)));
                }
                for (x0, _, t) in &l.cells {
                    if let Some(c) = cells.iter_mut().rev().find(|c| c.0 <= x0 + l.size) {
                        let sep = if ends_cjk(&c.1) || starts_cjk(t) {
                            ""
                        } else {
                            " "
                        };
                        c.1.push_str(sep);
                        c.1.push_str(t);
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
            Some((cells, false)) if join => {
                let text = &mut cells[0].1;
                let sep = if ends_cjk(text) || starts_cjk(&l.text) {
                    ""
                } else {
                    " "
                };
                text.push_str(sep);
                text.push_str(&l.text);
            }
            _ if l.has_cells => {
                out.push((l.cells.iter().map(|c| (c.0, c.2.clone())).collect(), true))
            }
            _ => {
                cell_pitch = None;
                out.push((vec![(l.x0, l.text.clone())], false));
            }
        }
        prev = Some(l);
    }
    out.into_iter()
        .map(|(cells, row)| {
            (
                cells
                    .into_iter()
                    .map(|c| c.1)
                    .collect::<Vec<_>>()
                    .join("\t"),
                row,
            )
        })
        .collect()
}

/// Every piece of `l` starts under a column of the row (not at a new clause),
/// so it is the wrapped rest of some cells. A piece under the first column
/// usually starts a new row; it continues this one only when the line follows
/// at the pitch of lines wrapped inside a cell of this table (`cell_pitch`,
/// seen earlier), closer than cell padding lets two rows stand.
fn continues_row(cells: &[(f64, String)], l: &Line, gap: f64, cell_pitch: Option<f64>) -> bool {
    let first = cells.first().map(|c| c.0).unwrap_or(0.0);
    let tight = cell_pitch.is_some_and(|c| gap <= c * 1.03);
    cells.len() > 1
        && !starts_structure(&l.text)
        && l.cells.iter().all(|(x0, _, _)| {
            (tight || *x0 > first + 1.0 * l.size)
                && cells.iter().any(|c| (c.0 - x0).abs() <= 1.0 * l.size)
        })
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

    #[test]
    fn japanese_glyphs_join_without_spaces_even_when_letter_spaced() {
        let gl = vec![g("主", 0.0, 100.0), g("文", 15.0, 100.0)];
        assert_eq!(lines(&gl)[0].text, "主文");
    }

    #[test]
    fn latin_words_keep_one_space() {
        let gl = vec![g("T", 0.0, 100.0), g("L", 6.0, 100.0), g("S", 30.0, 100.0)];
        // advance 10 means "L" overlaps: no space; "S" starts 14 after L's end → space.
        assert_eq!(lines(&gl)[0].text, "TL S");
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
        let ls = lines(&gl);
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
        let ps = paragraphs(&ls, 500.0);
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
        let ls = lines(&gl);
        let ps = paragraphs(&ls, 220.0);
        assert_eq!(ps[0], ("月次\t毎\t稼働率".to_string(), true));
        assert_eq!(ps[1], ("年\t年".to_string(), true));
        assert_eq!(ps[2].0, "次");
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
        let ps = paragraphs(&lines(&gl), 220.0);
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
        let ls = lines(&gl);
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
        let ls = lines(&[v("第", 100.0), h, v("章", 80.0)]);
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
        let ls = lines(&gl);
        assert_eq!(ls[0].text, "政令第");
        assert_eq!(ls[1].text, "左列目");
    }

    #[test]
    fn two_column_page_reads_the_left_column_first() {
        let mut gl = Vec::new();
        let mut line = |text: &str, x: f64, y: f64| {
            for (i, c) in text.chars().enumerate() {
                gl.push(g(&c.to_string(), x + 10.0 * i as f64, y));
            }
        };
        line("利用規約の表題を中央に置いて全幅で書く行です", 60.0, 300.0);
        for k in 0..6 {
            let y = 280.0 - 15.0 * k as f64;
            line(&format!("左の段の第{k}行目の本文はここにある"), 0.0, y);
            line(&format!("右の段の第{k}行目の本文はここにある"), 200.0, y);
        }
        let ls = lines(&gl);
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
        let ls = lines(&gl);
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
        let ls = lines(&gl);
        assert_eq!(ls[0].text, "右下");
        assert_eq!(ls[1].text, "左");
    }
}
