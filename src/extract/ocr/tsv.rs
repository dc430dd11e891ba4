//! tesseract's TSV output → lines of words with their boxes and confidence.
//!
//! Columns: level page_num block_num par_num line_num word_num left top
//! width height conf text. Level 5 rows are words; tesseract separates every
//! Japanese word (often every character) by a space, so lines are joined
//! here without spaces between CJK text.

use crate::cjk::is_cjk;

/// A word this much smaller than its line's characters, read with less
/// confidence than [`NOISE_CONFIDENCE`], is a speck or a rule, not text. No
/// floor on confidence alone: tesseract reads 乙, a single stroke, right but
/// with a confidence near zero, and 乙 names a party.
const NOISE_SIZE: f64 = 0.35;
const NOISE_CONFIDENCE: f32 = 70.0;

/// A word read with less confidence than this is shown as 〓 (the geta
/// mark, Japanese typesetting's sign for an illegible character), one per
/// character: at 300 dpi tesseract read 報告することができる as
/// 報告することLMSに計る (35%), and the garble, taken as text, turned a
/// permissive clause into a duty. 〓 reads as nothing: the sentence is
/// then found or not on the words that were read. A word of one character
/// is kept whatever its confidence: tesseract reads 乙 (see
/// [`NOISE_CONFIDENCE`]), 託 of 受託者 or 回 of 年1回 right at 30–40%, and a
/// garble is several characters long.
const ILLEGIBLE_CONFIDENCE: f32 = 40.0;
const ILLEGIBLE: char = '〓';

/// A line of at least [`NOISE_LINE_CHARS`] characters read with a mean
/// confidence below this is not text but what tesseract makes of ruling,
/// stamps or shading (a ruled table read as one block gives lines such as
/// `IIININRNIOSN` at 0%). Such lines are left out, text and confidence,
/// while they are at most [`NOISE_LINE_SHARE`] of the page's characters: a
/// page mostly of them is a poor scan, judged by all its words. A 200 dpi
/// SLA page with two ruled tables read at 77% with them, 87% without.
const NOISE_LINE_CONFIDENCE: f64 = 50.0;
const NOISE_LINE_CHARS: usize = 4;
const NOISE_LINE_SHARE: f64 = 0.25;

/// One line as tesseract found it, in pixels (top-left origin).
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// Median word height (a horizontal line) or width (a vertical one).
    pub size: f64,
    /// Words stacked top to bottom (vertical Japanese).
    pub vertical: bool,
}

/// One page of TSV.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrPage {
    /// (width, height) of the image in pixels.
    pub size: (f64, f64),
    pub lines: Vec<OcrLine>,
    /// Mean confidence of all its words, weighted by their characters
    /// (None when it has none).
    pub confidence: Option<f64>,
}

struct Word {
    key: (u32, u32, u32, u32),
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    conf: f32,
    text: String,
}

fn parse_word(line: &str) -> Option<Word> {
    let f: Vec<&str> = line.splitn(12, '\t').collect();
    if f.len() < 12 || f[0] != "5" {
        return None;
    }
    let n = |i: usize| f.get(i).and_then(|s| s.trim().parse::<u32>().ok());
    let x = |i: usize| f.get(i).and_then(|s| s.trim().parse::<f64>().ok());
    let text = f[11].trim();
    if text.is_empty() {
        return None;
    }
    Some(Word {
        key: (n(1)?, n(2)?, n(3)?, n(4)?),
        left: x(6)?,
        top: x(7)?,
        width: x(8)?,
        height: x(9)?,
        conf: f[10].trim().parse::<f32>().ok().filter(|c| c.is_finite())?,
        text: text.to_string(),
    })
}

/// Join two pieces of a line: no space where either side is Japanese.
pub fn join(a: &mut String, b: &str) {
    let cjk_edge = a.chars().last().is_some_and(is_cjk) || b.chars().next().is_some_and(is_cjk);
    if !a.is_empty() && !cjk_edge {
        a.push(' ');
    }
    a.push_str(b);
}

/// Parse one page's TSV (a single image gives one page).
pub fn parse(tsv: &str) -> OcrPage {
    let mut page = OcrPage::default();
    let (mut weighted, mut chars) = (0.0f64, 0usize);
    let mut words: Vec<Word> = Vec::new();
    for line in tsv.lines() {
        if line.starts_with("1\t") {
            let f: Vec<&str> = line.split('\t').collect();
            let x = |i: usize| f.get(i).and_then(|s| s.trim().parse::<f64>().ok());
            if let (Some(w), Some(h)) = (x(8), x(9)) {
                page.size = (w, h);
            }
            continue;
        }
        let Some(w) = parse_word(line) else { continue };
        if w.conf < 0.0 {
            continue;
        }
        let n = w.text.chars().count();
        weighted += f64::from(w.conf.min(100.0)) * n as f64;
        chars += n;
        words.push(w);
    }
    // Each line's words, with the line's (weighted confidence, characters).
    let mut lines: Vec<(&[Word], f64, usize)> = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let key = words[start].key;
        let end = words[start..]
            .iter()
            .position(|w| w.key != key)
            .map_or(words.len(), |p| start + p);
        let line = &words[start..end];
        let (w, n) = line.iter().fold((0.0, 0usize), |(w, n), word| {
            let c = word.text.chars().count();
            (w + f64::from(word.conf.min(100.0)) * c as f64, n + c)
        });
        lines.push((line, w, n));
        start = end;
    }
    let is_noise = |&(_, w, n): &(&[Word], f64, usize)| {
        n >= NOISE_LINE_CHARS && w / (n as f64) < NOISE_LINE_CONFIDENCE
    };
    let (noise_w, noise_n) = lines
        .iter()
        .filter(|l| is_noise(l))
        .fold((0.0, 0usize), |(w, n), l| (w + l.1, n + l.2));
    let drop_noise = noise_n > 0 && (noise_n as f64) <= NOISE_LINE_SHARE * chars as f64;
    if drop_noise {
        weighted -= noise_w;
        chars -= noise_n;
    }
    page.confidence = (chars > 0).then(|| weighted / chars as f64);
    for l in &lines {
        if drop_noise && is_noise(l) {
            continue;
        }
        if let Some(line) = line_of(l.0) {
            page.lines.push(line);
        }
    }
    page
}

/// Is `w` a speck (tiny all round) or a sliver (a rule, an underline) among
/// characters of height `size`, read without confidence?
fn noise(w: &Word, size: f64) -> bool {
    let small = NOISE_SIZE * size;
    w.conf < NOISE_CONFIDENCE
        && (w.width.max(w.height) < small || (w.height < small && w.width > w.height))
}

fn line_of(all: &[Word]) -> Option<OcrLine> {
    let mut heights: Vec<f64> = all.iter().map(|w| w.height.max(w.width)).collect();
    heights.sort_by(f64::total_cmp);
    let typical = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    let words: Vec<&Word> = all.iter().filter(|w| !noise(w, typical)).collect();
    if words.is_empty() {
        return None;
    }
    let mut text = String::new();
    for w in &words {
        if w.conf < ILLEGIBLE_CONFIDENCE && w.text.chars().nth(1).is_some() {
            let marks: String = w.text.chars().map(|_| ILLEGIBLE).collect();
            join(&mut text, &marks);
        } else {
            join(&mut text, &w.text);
        }
    }
    let text = super::confusions::correct(&text);
    let left = words.iter().map(|w| w.left).fold(f64::MAX, f64::min);
    let top = words.iter().map(|w| w.top).fold(f64::MAX, f64::min);
    let right = words.iter().map(|w| w.left + w.width).fold(0.0, f64::max);
    let bottom = words.iter().map(|w| w.top + w.height).fold(0.0, f64::max);
    // Several words, each below the one before and none beside it: a column.
    let vertical = words.len() > 1
        && (bottom - top) > 2.0 * (right - left)
        && words.windows(2).all(|p| p[1].top >= p[0].top);
    let mut sizes: Vec<f64> = words
        .iter()
        .map(|w| if vertical { w.width } else { w.height })
        .collect();
    sizes.sort_by(f64::total_cmp);
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(1.0).max(1.0);
    Some(OcrLine {
        text,
        left,
        top,
        right,
        bottom,
        size,
        vertical,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t
4\t1\t1\t1\t1\t0\t195\t286\t1252\t28\t-1\t
5\t1\t1\t1\t1\t1\t195\t287\t56\t26\t96.7\t乙
5\t1\t1\t1\t1\t2\t264\t286\t67\t27\t91.0\tは
5\t1\t1\t1\t1\t3\t341\t281\t6\t6\t12.0\t{
5\t1\t1\t1\t1\t3\t350\t281\t30\t30\t0.0\t乙
5\t1\t1\t1\t1\t4\t380\t286\t60\t27\t90.0\tTLS
5\t1\t1\t1\t1\t5\t450\t286\t60\t27\t90.0\t1.2
5\t1\t1\t1\t2\t1\t195\t330\t56\t26\t80.0\t以上
";

    #[test]
    fn japanese_words_join_without_spaces_and_specks_are_dropped() {
        let p = parse(TSV);
        assert_eq!(p.size, (1654.0, 2339.0));
        let texts: Vec<&str> = p.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["乙は乙TLS 1.2", "以上"]);
        // Mean over every word, the dropped one too, by characters.
        let c = p.confidence.unwrap();
        let want = (96.7 + 91.0 + 12.0 + 0.0 + 3.0 * 90.0 + 3.0 * 90.0 + 2.0 * 80.0) / 12.0;
        assert!((c - want).abs() < 0.01, "{c} vs {want}");
        assert!(!p.lines[0].vertical);
    }

    fn tsv_line(line: u32, words: &[(&str, f32)]) -> String {
        words
            .iter()
            .enumerate()
            .map(|(i, (t, c))| {
                format!(
                    "5\t1\t1\t1\t{line}\t{}\t{}\t{}\t30\t30\t{c}\t{t}\n",
                    i + 1,
                    100 + 40 * i,
                    40 * line
                )
            })
            .collect()
    }

    #[test]
    fn a_few_lines_of_table_ruling_noise_are_left_out_of_text_and_confidence() {
        let body = [("乙は、", 93.0), ("直ちに報告", 92.0), ("する。", 91.0)];
        let mut tsv = String::new();
        for n in 1..=8 {
            tsv += &tsv_line(n, &body);
        }
        tsv += &tsv_line(9, &[("IIININRNIOSN", 0.0)]);
        tsv += &tsv_line(10, &[("乙", 3.0)]);
        let p = parse(&tsv);
        let texts: Vec<&str> = p.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.len(), 9, "{texts:?}");
        assert!(!texts.contains(&"IIININRNIOSN"));
        // A one-character line is not noise: 乙 alone is read with no confidence.
        assert_eq!(texts[8], "乙");
        let c = p.confidence.unwrap();
        assert!(c > 80.0, "{c}");
    }

    #[test]
    fn words_read_without_confidence_are_marked_illegible_but_single_characters_kept() {
        let tsv = tsv_line(
            1,
            &[
                ("乙", 3.0),
                ("は", 93.0),
                ("報告することLMS", 90.0),
                ("に", 35.0),
                ("計る", 35.0),
                ("託", 33.0),
            ],
        );
        let p = parse(&tsv);
        assert_eq!(p.lines[0].text, "乙は報告することLMSに〓〓託");
    }

    #[test]
    fn a_page_mostly_of_poor_lines_keeps_them_and_their_confidence() {
        let mut tsv = tsv_line(1, &[("乙は、直ちに報告する。", 90.0)]);
        for n in 2..=4 {
            tsv += &tsv_line(n, &[("申は、直ちに報告する。", 30.0)]);
        }
        let p = parse(&tsv);
        assert_eq!(p.lines.len(), 4);
        let c = p.confidence.unwrap();
        assert!((c - 45.0).abs() < 0.01, "{c}");
    }

    #[test]
    fn garbage_tsv_gives_an_empty_page_not_a_panic() {
        let p = parse("5\tx\n5\t1\t1\t1\t1\t1\t1\t1\t1\t1\tNaN\t\n\t\t\t");
        assert!(p.lines.is_empty());
        assert_eq!(p.confidence, None);
    }
}
