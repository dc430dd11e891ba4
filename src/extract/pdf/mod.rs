//! PDF: lopdf as the object layer (xref, decryption, stream filters); our own
//! content interpreter, fonts and layout on top (see `content`, `fonts`, `layout`).

mod cmap;
mod content;
mod fonts;
mod glyphs;
mod layout;
mod lexer;

use crate::document::{mark_unread, Block, BlockKind, Document, UnreadReason};
use crate::error::ExtractError;
use lopdf::{Dictionary, Object};
use std::collections::HashMap;

/// Decompressed content of one page beyond this is not read (a bomb, not a contract).
const MAX_CONTENT_BYTES: usize = 64 * 1024 * 1024;
const MAX_PAGES: usize = 5000;

struct PageText {
    number: u32,
    lines: Vec<layout::Line>,
    /// Table borders, which tell cells and rows apart.
    rules: content::Rules,
    height: (f64, f64),
    images: usize,
}

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    let mut doc = lopdf::Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
            ExtractError::Encrypted("a password is needed to open it".into())
        }
        other => ExtractError::corrupt("PDF", other),
    })?;
    if doc.is_encrypted() {
        // lopdf loads a file that needs a user password as Ok with no pages:
        // try the empty user password, as every viewer does.
        doc.decrypt("")
            .map_err(|_| ExtractError::Encrypted("a user password is needed to open it".into()))?;
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(ExtractError::corrupt("PDF", "no pages found"));
    }
    let mut fonts = fonts::FontCache::default();
    let mut texts = Vec::new();
    let mut unread_pages = Vec::new();
    let mut unmapped_glyphs = 0usize;
    let mut total_glyphs = 0usize;
    for (&number, &page_id) in pages.iter().take(MAX_PAGES) {
        let Ok(page) = doc.get_dictionary(page_id) else {
            continue;
        };
        let content = doc
            .get_page_content_with_limit(page_id, MAX_CONTENT_BYTES)
            .unwrap_or_default();
        let (direct, ids) = doc
            .get_page_resources(page_id)
            .unwrap_or((None, Vec::new()));
        let mut res: Vec<&Dictionary> = Vec::new();
        res.extend(direct);
        res.extend(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
        let mut interp = content::Interpreter::new(&doc, &mut fonts);
        interp.run(&content, &res);
        let out = interp.out;
        if out.undecodable > 0 && out.undecodable * 10 > out.glyphs.len() {
            mark_unread(&mut unread_pages, number, number, UnreadReason::Undecodable);
        }
        unmapped_glyphs += out.unmapped;
        total_glyphs += out.glyphs.len();
        texts.push(PageText {
            number,
            lines: layout::lines(&without_overprint(out.glyphs), &out.rules),
            rules: out.rules,
            height: page_box(&doc, page),
            images: out.images,
        });
    }
    if total_glyphs == 0 {
        let images: usize = texts.iter().map(|t| t.images).sum();
        return Err(ExtractError::NoText(if unmapped_glyphs > 0 {
            "the glyphs carry no Unicode mapping (text cannot be recovered without OCR)".into()
        } else if images > 0 {
            "image-only pages (a scan); OCR is not supported".into()
        } else {
            "the document contains no text".into()
        }));
    }
    let furniture = furniture_lines(&texts);
    let mut document = Document {
        pages: Some(pages.len() as u32),
        unread_pages,
        ..Document::default()
    };
    let right_margin = texts
        .iter()
        .flat_map(|t| {
            t.lines
                .iter()
                .filter(|l| !l.vertical && !l.rotated && !l.has_cells)
                .map(|l| l.x1)
        })
        .fold(0.0, f64::max);
    for t in &texts {
        if t.lines.is_empty() && t.images > 0 {
            mark_unread(&mut document.unread_pages, t.number, t.number, UnreadReason::ImageOnly);
        }
        let (body, furn): (Vec<_>, Vec<_>) = t
            .lines
            .iter()
            .cloned()
            .partition(|l| !furniture.contains(&(t.number, l.text.clone())));
        for l in furn {
            document
                .furniture
                .push(Block::paragraph(Some(t.number), l.text));
        }
        for (i, (text, cells)) in layout::paragraphs(&body, right_margin, &t.rules)
            .into_iter()
            .enumerate()
        {
            if i == 0 && !cells {
                if let Some(prev) = document.blocks.last_mut() {
                    if continues_across_page(prev, &text) {
                        prev.text.push_str(&text);
                        continue;
                    }
                }
            }
            document.blocks.push(Block {
                page: Some(t.number),
                kind: if cells {
                    BlockKind::TableRow
                } else {
                    BlockKind::Paragraph
                },
                label: None,
                text,
            });
        }
    }
    Ok(document)
}

/// A sentence cut by a page break: the last paragraph of a page stops short of
/// 。 and the next page's first paragraph does not open a new clause. The
/// evidence keeps the page where the sentence starts.
fn continues_across_page(prev: &Block, next: &str) -> bool {
    let ends_open = !prev
        .text
        .trim_end()
        .ends_with(['。', '）', ')', '」', '：', ':']);
    prev.kind == BlockKind::Paragraph
        && ends_open
        && prev.text.chars().count() >= 20
        && next.chars().next().is_some_and(crate::cjk::is_cjk)
        && !layout::starts_structure(next)
}

/// Text drawn twice at the same place (fill then stroke, fake bold, chart
/// labels with a halo) is read once, as a reader sees it once.
fn without_overprint(glyphs: Vec<content::Placed>) -> Vec<content::Placed> {
    let mut seen = std::collections::HashSet::new();
    glyphs
        .into_iter()
        .filter(|g| {
            seen.insert((
                g.text.clone(),
                (g.x * 2.0).round() as i64,
                (g.y * 2.0).round() as i64,
            ))
        })
        .collect()
}

/// (bottom, top) of the page's visible box, inherited through the page tree.
fn page_box(doc: &lopdf::Document, page: &Dictionary) -> (f64, f64) {
    let mut node = Some(page);
    for _ in 0..32 {
        let Some(n) = node else { break };
        for key in [&b"CropBox"[..], b"MediaBox"] {
            if let Ok(Object::Array(a)) = n.get(key).map(|o| fonts::resolve(doc, o)) {
                let v: Vec<f64> = a
                    .iter()
                    .filter_map(|o| match fonts::resolve(doc, o) {
                        Object::Integer(i) => Some(*i as f64),
                        Object::Real(r) => Some(*r as f64),
                        _ => None,
                    })
                    .collect();
                if v.len() == 4 {
                    return (v[1].min(v[3]), v[1].max(v[3]));
                }
            }
        }
        node = n
            .get(b"Parent")
            .ok()
            .and_then(|p| fonts::resolve(doc, p).as_dict().ok());
    }
    (0.0, 842.0)
}

/// Running headers, footers and page numbers: lines in the top or bottom band
/// of the page that are page numbers, or that repeat (digits aside) on two or
/// more pages.
fn furniture_lines(pages: &[PageText]) -> std::collections::HashSet<(u32, String)> {
    let in_band = |t: &PageText, l: &layout::Line| {
        let (lo, hi) = t.height;
        let h = (hi - lo).max(1.0);
        !l.vertical && !l.rotated && (l.y > hi - 0.08 * h || l.y < lo + 0.08 * h)
    };
    let mask = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                    '#'
                } else {
                    c
                }
            })
            .collect()
    };
    let mut seen: HashMap<String, Vec<u32>> = HashMap::new();
    for t in pages {
        for l in t.lines.iter().filter(|l| in_band(t, l)) {
            let pages = seen.entry(mask(&l.text)).or_default();
            if !pages.contains(&t.number) {
                pages.push(t.number);
            }
        }
    }
    let mut out = std::collections::HashSet::new();
    for t in pages {
        for l in t.lines.iter().filter(|l| in_band(t, l)) {
            let repeated = pages.len() > 1 && seen.get(&mask(&l.text)).is_some_and(|p| p.len() > 1);
            if repeated || is_page_number(&l.text) {
                out.insert((t.number, l.text.clone()));
            }
        }
    }
    out
}

fn is_page_number(s: &str) -> bool {
    let core: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !"-－‐–—/()（）ー".contains(*c))
        .collect();
    let core = core
        .trim_start_matches(['P', 'p'])
        .trim_start_matches("age")
        .trim_start_matches("ページ");
    !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '頁')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_cut_by_a_page_break_is_joined() {
        let prev = Block::paragraph(
            Some(1),
            "乙は、障害が発生したことを知ったときは、直ちに甲に報",
        );
        assert!(continues_across_page(&prev, "告しなければならない。"));
        assert!(!continues_across_page(&prev, "第5条（監査）"));
        let done = Block::paragraph(
            Some(1),
            "乙は、障害が発生したことを知ったときは、直ちに甲に報告する。",
        );
        assert!(!continues_across_page(
            &done,
            "甲は、監査を行うことができる。"
        ));
    }

    #[test]
    fn page_numbers_are_recognised() {
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("2/5"));
        assert!(is_page_number("３"));
        assert!(!is_page_number("第3条"));
    }

    #[test]
    fn garbage_is_reported_as_corrupt_not_a_panic() {
        let err = extract(b"%PDF-1.4\n garbage").unwrap_err();
        assert!(matches!(err, ExtractError::Corrupt { .. }));
    }
}
