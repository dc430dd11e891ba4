//! Glyph positions → lines → paragraphs in reading order.
//!
//! Hand-written because no crate reconstructs CJK text from PDF geometry:
//! Japanese lines are joined without spaces, Latin words keep one space,
//! letter-spaced text gets none, table cells are separated by tabs, and
//! vertical text is read top to bottom, right to left.

use super::content::Placed;

#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    /// Baseline (horizontal) or top (vertical).
    pub y: f64,
    pub size: f64,
    pub vertical: bool,
    /// Cells separated by a wide gap (a table row or a tabbed line).
    pub has_cells: bool,
    /// (x0, x1, text) of each cell; one cell for ordinary lines.
    pub cells: Vec<(f64, f64, String)>,
}

/// CJK ideographs, kana, full-width forms and CJK punctuation: no space is
/// ever needed between two of them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3190..=0x31FF | 0x3200..=0x32FF | 0x3300..=0x33FF |
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF |
        0x20000..=0x3FFFF)
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
pub fn lines(glyphs: &[Placed]) -> Vec<Line> {
    let (vert, horiz): (Vec<&Placed>, Vec<&Placed>) = glyphs.iter().partition(|g| g.vertical);
    let mut out = horizontal_lines(&horiz);
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
    // 1. Runs in content order: a run breaks where the baseline moves or the
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
    // 2. Runs on one baseline form one visual line (table cells written
    //    one after another by the producer come together again).
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
            size,
            vertical: false,
            has_cells,
            cells,
        });
    }
    lines
}

fn vertical_lines(glyphs: &[&Placed]) -> Vec<Line> {
    // Columns: glyphs whose x is within half a size; right to left, top to bottom.
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
    cols.into_iter()
        .map(|mut c| {
            c.sort_by(|a, b| b.y.total_cmp(&a.y));
            let mut text = String::new();
            let mut prev: Option<&Placed> = None;
            for g in &c {
                if let Some(p) = prev {
                    let gap = (p.y - p.size - g.y) / g.size.max(0.1);
                    if gap > 1.8 {
                        text.push('\t');
                    }
                }
                text.push_str(&g.text);
                prev = Some(g);
            }
            let size = c.iter().map(|g| g.size).fold(0.0, f64::max);
            Line {
                text,
                x0: c[0].x,
                x1: c[0].x + size,
                y: c[0].y,
                size,
                vertical: true,
                has_cells: false,
                cells: Vec::new(),
            }
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
    for l in lines {
        let gap_ok = |p: &Line| (p.y - l.y) > 0.0 && (p.y - l.y) <= 2.2 * p.size.max(l.size);
        if let (Some(p), Some((cells, true))) = (prev, out.last_mut()) {
            if gap_ok(p) && !l.vertical && continues_row(cells, l) {
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
                && !p.has_cells
                && !l.has_cells
                && gap_ok(p)
                && (p.x1 >= right_margin - 2.0 * p.size
                    || (!p.text.ends_with('。') && p.x1 >= right_margin - 5.0 * p.size))
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
            _ => out.push((vec![(l.x0, l.text.clone())], false)),
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

/// Every piece of `l` starts inside a column of the row (not left of its first
/// column, not at a new clause), so it is the wrapped rest of some cells.
fn continues_row(cells: &[(f64, String)], l: &Line) -> bool {
    // A piece under the first column starts a new row (a wrapped first cell is
    // read as a new row: rare, and its words still stay together).
    let first = cells.first().map(|c| c.0).unwrap_or(0.0);
    cells.len() > 1
        && !starts_structure(&l.text)
        && l.cells.iter().all(|(x0, _, _)| {
            *x0 > first + 1.0 * l.size && cells.iter().any(|c| (c.0 - x0).abs() <= 1.0 * l.size)
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
            size: 10.0,
            vertical: false,
            has_cells: false,
            cells: vec![(0.0, x1, t.into())],
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
            g("年", 0.0, 72.0),
            g("年", 100.0, 72.0),
            g("次", 0.0, 50.0),
        ];
        let ls = lines(&gl);
        let ps = paragraphs(&ls, 220.0);
        assert_eq!(ps[0], ("月次\t毎\t稼働率".to_string(), true));
        assert_eq!(ps[1], ("年\t年".to_string(), true));
        assert_eq!(ps[2].0, "次");
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
