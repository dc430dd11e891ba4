//! Glyph positions → lines → paragraphs in reading order.
//!
//! Hand-written because no crate reconstructs CJK text from PDF geometry:
//! Japanese lines are joined without spaces, Latin words keep one space,
//! letter-spaced text gets none, table cells are separated by tabs, and
//! vertical text is read top to bottom, right to left.

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
pub fn lines(glyphs: &[Placed], rules: &Rules) -> Vec<Line> {
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
    let mut out = horizontal_lines(&upright, rules);
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
        out.extend(
            horizontal_lines(&refs, &Rules::default())
                .into_iter()
                .map(|mut l| {
                    l.rotated = true;
                    l
                }),
        );
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
