//! OCR lines → the document's blocks, through the same paragraph rules as
//! PDF text (wrapped lines join, 第N条 and （1） start anew), with page
//! numbers in the top and bottom bands kept apart as furniture.

use super::tsv::OcrPage;
use crate::document::{Block, BlockKind};
use crate::extract::pdf::content::Rules;
use crate::extract::pdf::layout::{self, Line};

/// The blocks and furniture of one OCR'd page.
pub fn page_blocks(page: u32, ocr: &OcrPage) -> (Vec<Block>, Vec<Block>) {
    let height = if ocr.size.1 > 0.0 {
        ocr.size.1
    } else {
        ocr.lines.iter().map(|l| l.bottom).fold(1.0, f64::max)
    };
    let band = 0.08 * height;
    let mut furniture = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    for l in &ocr.lines {
        let in_band = l.top < band || l.bottom > height - band;
        if in_band && !l.vertical && crate::extract::pdf::is_page_number(&l.text) {
            furniture.push(Block::paragraph(Some(page), l.text.clone()));
            continue;
        }
        // Page space as PDF has it: y grows upwards, a line sits on its baseline.
        let (y, y_end) = if l.vertical {
            (height - l.top, height - l.bottom)
        } else {
            (height - l.bottom, height - l.bottom)
        };
        lines.push(Line {
            text: l.text.clone(),
            x0: l.left,
            x1: l.right,
            y,
            y_end,
            size: l.size,
            vertical: l.vertical,
            rotated: false,
            has_cells: false,
            cells: vec![(l.left, l.right, l.text.clone())],
            column: 0,
        });
    }
    let right_margin = lines
        .iter()
        .filter(|l| !l.vertical)
        .map(|l| l.x1)
        .fold(0.0, f64::max);
    let blocks = layout::paragraphs(&lines, right_margin, &Rules::default())
        .into_iter()
        .map(|(text, cells)| Block {
            page: Some(page),
            kind: if cells {
                BlockKind::TableRow
            } else {
                BlockKind::Paragraph
            },
            label: None,
            text,
        })
        .collect();
    (blocks, furniture)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ocr::tsv::OcrLine;

    fn line(text: &str, left: f64, top: f64, right: f64) -> OcrLine {
        OcrLine {
            text: text.into(),
            left,
            top,
            right,
            bottom: top + 27.0,
            size: 27.0,
            vertical: false,
        }
    }

    #[test]
    fn wrapped_lines_join_and_articles_start_new_blocks() {
        let page = OcrPage {
            size: (1654.0, 2339.0),
            lines: vec![
                line("第4条（保守状況の報告）", 195.0, 748.0, 500.0),
                line(
                    "受託者は、四半期ごとに保守作業の状況を委託者に報告するよう努める",
                    196.0,
                    790.0,
                    1447.0,
                ),
                line("ものとする。", 200.0, 832.0, 349.0),
                line("第5条（障害の切分け）", 195.0, 874.0, 495.0),
                line("- 1 -", 800.0, 2250.0, 860.0),
            ],
            confidence: Some(93.0),
        };
        let (blocks, furniture) = page_blocks(3, &page);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "第4条（保守状況の報告）",
                "受託者は、四半期ごとに保守作業の状況を委託者に報告するよう努めるものとする。",
                "第5条（障害の切分け）"
            ]
        );
        assert!(blocks.iter().all(|b| b.page == Some(3)));
        assert_eq!(furniture.len(), 1);
    }
}
