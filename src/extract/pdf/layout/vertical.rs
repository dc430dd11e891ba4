//! Vertical writing: columns right to left, each top to bottom, with
//! vertical presentation forms turned into what a horizontal reader writes,
//! and 官報-style columns set glyph by glyph with a horizontal font.

use super::{class_cell, size_class, Grid, Line};
use crate::extract::pdf::content::Placed;
use std::borrow::Cow;

/// Vertical writing set with a horizontal font (官報 pages draw their columns
/// row by row with Identity-H fonts). Vertical text is set solid: glyphs one
/// size apart at the same x. A glyph with such a neighbour above or below and
/// none beside it, or drawn right after the glyph above it, is stacked; a
/// chain of three or more stacked glyphs becomes a vertical column (origin
/// moved to the top centre, as a vertical font's is). Table cells wrap at a
/// looser pitch and have neighbours beside them, so they are left alone.
pub(super) fn stacked_glyphs(glyphs: &[Placed]) -> Cow<'_, [Placed]> {
    const SOLID: std::ops::RangeInclusive<f64> = 0.9..=1.1;
    // Read from the page's glyphs; copy them only if a column is found.
    let out = glyphs;
    let Some(stacked) = stacked_flags(glyphs) else {
        return Cow::Borrowed(glyphs);
    };
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
    let chains: Vec<Vec<usize>> = chains.into_iter().filter(|c| c.len() >= 3).collect();
    if chains.is_empty() {
        return Cow::Borrowed(glyphs);
    }
    let mut out = glyphs.to_vec();
    for i in chains.into_iter().flatten() {
        let g = &mut out[i];
        g.vertical = true;
        g.x += g.advance / 2.0;
        g.y += 0.88 * g.size;
    }
    Cow::Owned(out)
}

/// Which glyphs are stacked (see [`stacked_glyphs`]); None when fewer than
/// three can be, so no column can form.
fn stacked_flags(glyphs: &[Placed]) -> Option<Vec<bool>> {
    const SOLID: std::ops::RangeInclusive<f64> = 0.9..=1.1;
    let out = glyphs;
    let upright = |g: &Placed| !g.vertical && g.dir == 0;
    let row_mate = |i: usize, j: usize| {
        let (g, h) = (&out[i], &out[j]);
        let s = g.size.max(0.1);
        let tol = 0.3 * s;
        j != i && h.y >= g.y - tol && h.y <= g.y + tol && (h.x - g.x).abs() / s <= 1.25
    };
    let column_mate = |i: usize, j: usize| {
        let (g, h) = (&out[i], &out[j]);
        let s = g.size.max(0.1);
        let tol = 0.3 * s;
        h.x >= g.x - tol && h.x <= g.x + tol && SOLID.contains(&((h.y - g.y).abs() / s))
    };
    // Where columns are set solid side by side geometry cannot tell; the
    // drawing order can: glyphs drawn one under the other.
    let below = |a: &Placed, b: &Placed| {
        upright(a)
            && upright(b)
            && (b.x - a.x).abs() < 0.3 * a.size
            && SOLID.contains(&((a.y - b.y) / a.size.max(0.1)))
    };
    // Decided cheaply first: a glyph with a neighbour beside it in drawing
    // order (nearly every glyph of horizontal text) is not stacked by its
    // geometry, so only the others are looked at, and a page with fewer than
    // three of them and of glyphs drawn one under the other has no column.
    let mut cand = 0usize;
    let mut lone: Vec<usize> = Vec::new();
    let mut drawn_below = 0usize;
    for i in 0..out.len() {
        if !upright(&out[i]) {
            continue;
        }
        cand += 1;
        let beside = |j: usize| j < out.len() && upright(&out[j]) && row_mate(i, j);
        if !beside(i + 1) && (i == 0 || !beside(i - 1)) {
            lone.push(i);
        }
        if i + 1 < out.len() && below(&out[i], &out[i + 1]) {
            drawn_below += 1;
        }
    }
    if cand < 3 || lone.len() + 2 * drawn_below < 3 {
        return None;
    }
    let mut stacked = vec![false; out.len()];
    // A lone glyph is stacked when it has a neighbour one size above or below
    // and none beside it: asked of a grid of the upright glyphs, one per size
    // class of the glyphs asking.
    let mut by_class: Vec<(i32, usize)> = lone
        .iter()
        .map(|&i| (size_class(out[i].size.max(0.1)), i))
        .collect();
    by_class.sort_unstable();
    for run in by_class.chunk_by(|a, b| a.0 == b.0) {
        let grid = Grid::new(
            class_cell(run[0].0),
            (0..out.len())
                .filter(|&j| upright(&out[j]))
                .map(|j| (j, out[j].x, out[j].y)),
        );
        for &(_, i) in run {
            let g = &out[i];
            let s = g.size.max(0.1);
            let beside = grid.any(
                (g.x - 1.3 * s, g.x + 1.3 * s),
                (g.y - 0.35 * s, g.y + 0.35 * s),
                |j| row_mate(i, j),
            );
            stacked[i] = !beside
                && grid.any(
                    (g.x - 0.35 * s, g.x + 0.35 * s),
                    (g.y - 1.2 * s, g.y + 1.2 * s),
                    |j| column_mate(i, j),
                );
        }
    }
    for w in 0..out.len().saturating_sub(1) {
        if below(&out[w], &out[w + 1]) {
            stacked[w] = true;
            stacked[w + 1] = true;
        }
    }
    Some(stacked)
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

pub(super) fn vertical_lines(glyphs: &[&Placed]) -> Vec<Line> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The all-pairs detection `stacked_glyphs` replaced, kept to check that
    /// the answers did not change.
    fn stacked_reference(out: &[Placed]) -> Vec<bool> {
        const SOLID: std::ops::RangeInclusive<f64> = 0.9..=1.1;
        let upright = |g: &Placed| !g.vertical && g.dir == 0;
        let cand: Vec<usize> = (0..out.len()).filter(|&i| upright(&out[i])).collect();
        let mut stacked = vec![false; out.len()];
        for &i in &cand {
            let g = &out[i];
            let s = g.size.max(0.1);
            let tol = 0.3 * s;
            let column_mate = cand.iter().any(|&j| {
                let h = &out[j];
                h.x >= g.x - tol && h.x <= g.x + tol && SOLID.contains(&((h.y - g.y).abs() / s))
            });
            let row_mate = cand.iter().any(|&j| {
                let h = &out[j];
                j != i && h.y >= g.y - tol && h.y <= g.y + tol && (h.x - g.x).abs() / s <= 1.25
            });
            stacked[i] = column_mate && !row_mate;
        }
        for w in 0..out.len().saturating_sub(1) {
            let (a, b) = (&out[w], &out[w + 1]);
            if upright(a)
                && upright(b)
                && (b.x - a.x).abs() < 0.3 * a.size
                && SOLID.contains(&((a.y - b.y) / a.size.max(0.1)))
            {
                stacked[w] = true;
                stacked[w + 1] = true;
            }
        }
        stacked
    }

    /// Columns of glyphs, rows of glyphs and scattered glyphs of mixed sizes,
    /// on a coarse lattice so that exact boundary distances occur.
    fn random_page(seed: u64, n: usize) -> Vec<Placed> {
        let mut state = seed;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let sizes = [0.05, 1.0, 4.0, 10.0, 10.5, 12.0, 40.0, 1e6];
        (0..n)
            .map(|_| {
                let size = sizes[(next() % sizes.len() as u64) as usize];
                Placed {
                    text: "字".into(),
                    x: (next() % 40) as f64 * 2.5,
                    y: (next() % 40) as f64 * 2.5,
                    advance: size,
                    size,
                    vertical: next() % 10 == 0,
                    dir: if next() % 10 == 0 { 1 } else { 0 },
                }
            })
            .collect()
    }

    #[test]
    fn stacked_glyphs_match_the_all_pairs_detection() {
        let (mut asked, mut found) = (0, 0);
        for seed in 1..400u64 {
            let glyphs = random_page(seed * 7919, 3 + (seed as usize % 60));
            let expected = stacked_reference(&glyphs);
            match stacked_flags(&glyphs) {
                Some(got) => {
                    assert_eq!(got, expected, "seed {seed}");
                    asked += 1;
                    found += got.iter().filter(|&&b| b).count();
                }
                None => assert!(expected.iter().filter(|&&b| b).count() < 3, "seed {seed}"),
            }
        }
        // The pages exercised the full question, and it found glyphs.
        assert!(asked > 100 && found > 150, "{asked} {found}");
    }
}
