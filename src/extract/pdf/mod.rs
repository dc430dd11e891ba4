//! PDF: lopdf as the object layer (xref, decryption, stream filters); our own
//! content interpreter, fonts and layout on top (see `content`, `fonts`, `layout`).

mod cmap;
pub(crate) mod content;
mod fonts;
mod glyph_text;
mod glyphs;
mod inflate;
pub(crate) mod layout;
mod lexer;
mod locked;
mod tounicode;

use crate::discover::contents::Contents;
use crate::document::{
    mark_unread, Block, BlockKind, Document, ScannedPage, UnreadPages, UnreadReason,
};
use crate::error::ExtractError;
use lopdf::{Dictionary, Object};
use std::collections::HashMap;

/// The safety caps of PDF reading: no contract comes near them, a hostile or
/// broken file would. A page a cap stops is listed in
/// [`Document::unread_pages`] with the cap's name, never read silently short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Pages read from one document; the rest are one `page_cap` run.
    pub pages: usize,
    /// Decompressed content of one page (its content streams together), and
    /// of one form XObject it draws (a bomb, not a contract).
    pub content_bytes: usize,
    /// Operators interpreted on one page, those of the forms it draws included.
    pub operators_per_page: usize,
    /// Glyphs kept from one page.
    pub glyphs_per_page: usize,
    /// Leave image-only pages in [`Document::scanned`] for OCR (instead of
    /// listing them as image-only), and a PDF of nothing else is returned
    /// without text instead of as `NoText`.
    pub scans: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pages: 5000,
            content_bytes: 64 * 1024 * 1024,
            operators_per_page: 5_000_000,
            glyphs_per_page: 500_000,
            scans: false,
        }
    }
}

struct PageText {
    number: u32,
    lines: Vec<layout::Line>,
    /// Table borders, which tell cells and rows apart.
    rules: content::Rules,
    height: (f64, f64),
    images: usize,
    /// The largest image drawn on it.
    image: Option<content::DrawnImage>,
    /// Lines whose one cell is the whole line (most of them): the cell is
    /// left out until the page's blocks are built, see [`fold_cell`].
    folded: Vec<bool>,
    /// A cap or damage stopped the page: it is listed for that, not as image-only.
    cut: bool,
}

/// How a scan's `NoText` reason ends when the extractor reads it without
/// OCR; the caller that knows why OCR is off puts the reason there.
pub const OCR_OFF: &str = "OCR is not supported";

/// Glyphs read from one document, all its pages together: 5,000 pages of a
/// dense contract hold about a tenth of it, a file that draws one huge
/// content stream on every page reaches it in a few pages. Once it is
/// reached the remaining pages are not read and are listed as `GlyphCap`
/// (the page that crosses it stops there, as at the per-page cap). It counts
/// work, not time, so a file gives the same result on any machine.
pub const GLYPHS_PER_DOCUMENT: usize = 5_000_000;

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    extract_with_limits(bytes, &Limits::default())
}

/// [`extract`] with caps other than the defaults (tests use small ones).
pub fn extract_with_limits(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    extract_with_budget(bytes, limits, GLYPHS_PER_DOCUMENT)
}

/// [`extract_with_limits`] with a document glyph budget other than
/// [`GLYPHS_PER_DOCUMENT`].
pub fn extract_with_budget(
    bytes: &[u8],
    limits: &Limits,
    glyphs_per_document: usize,
) -> Result<Document, ExtractError> {
    extract_loaded(load_doc(bytes)?, limits, glyphs_per_document)
}

/// [`extract`] from bytes it owns: the file's bytes are freed as soon as
/// lopdf has parsed them, before the pages are read, so a large PDF's peak
/// is not the file plus its text; a mapped file's pages are given back
/// while lopdf parses (see [`without_image_data`]).
pub fn extract_owned(
    bytes: Contents,
    limits: &Limits,
    glyphs_per_document: usize,
) -> Result<Document, ExtractError> {
    let loaded = bytes.releasing(|| load_doc(&bytes));
    // What lopdf parsed of a file cut short is partly zeros: not the file.
    if bytes.truncated() {
        return Err(super::truncated());
    }
    let doc = loaded?;
    drop(bytes);
    extract_loaded(doc, limits, glyphs_per_document)
}

fn load_doc(bytes: &[u8]) -> Result<lopdf::Document, ExtractError> {
    if locked::needs_password(bytes) {
        return Err(locked_error());
    }
    load(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
            ExtractError::Encrypted("a password is needed to open it".into())
        }
        other => ExtractError::corrupt("PDF", other),
    })
}

fn extract_loaded(
    doc: lopdf::Document,
    limits: &Limits,
    glyphs_per_document: usize,
) -> Result<Document, ExtractError> {
    refuse_locked(&doc)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(ExtractError::corrupt("PDF", "no pages found"));
    }
    let mut fonts = fonts::FontCache::default();
    let mut texts = Vec::new();
    let mut unread_pages = Vec::new();
    let mut unmapped_glyphs = 0usize;
    let mut total_glyphs = 0usize;
    // One glyph buffer for every page: it grows to the largest page once
    // instead of growing again on each page.
    let mut spare: Vec<content::Placed> = Vec::new();
    let last_read = pages.keys().take(limits.pages).next_back().copied();
    for (&number, &page_id) in pages.iter().take(limits.pages) {
        // The document's glyph budget is spent: this page and the rest are
        // not read.
        if total_glyphs >= glyphs_per_document {
            if let Some(last) = last_read {
                mark_unread(&mut unread_pages, number, last, UnreadReason::GlyphCap);
            }
            break;
        }
        let Ok(page) = doc.get_dictionary(page_id) else {
            mark_unread(&mut unread_pages, number, number, UnreadReason::Broken);
            continue;
        };
        let (content, mut cut) = page_content(&doc, page, page_id, limits.content_bytes);
        let (direct, ids) = doc
            .get_page_resources(page_id)
            .unwrap_or((None, Vec::new()));
        let mut res: Vec<&Dictionary> = Vec::new();
        res.extend(direct);
        res.extend(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
        // A page may read no more glyphs than the document has left.
        let page_limits = Limits {
            glyphs_per_page: limits
                .glyphs_per_page
                .min(glyphs_per_document - total_glyphs),
            ..*limits
        };
        let mut interp = content::Interpreter::new(&doc, &mut fonts, &page_limits);
        interp.out.glyphs = std::mem::take(&mut spare);
        interp.run(&content, &res);
        let out = interp.out;
        if out.undecodable > 0 && out.undecodable * 10 > out.glyphs.len() {
            mark_unread(&mut unread_pages, number, number, UnreadReason::Undecodable);
        }
        cut.extend(out.cut);
        for &reason in &cut {
            mark_unread(&mut unread_pages, number, number, reason);
        }
        unmapped_glyphs += out.unmapped;
        total_glyphs += out.glyphs.len();
        // Every page's lines are kept until the last page is read (running
        // headers are found across pages): without their spare capacity.
        let glyphs = without_overprint(out.glyphs);
        let mut lines = layout::lines(&glyphs, &out.rules);
        spare = glyphs;
        spare.clear();
        lines.shrink_to_fit();
        let folded: Vec<bool> = lines.iter_mut().map(fold_cell).collect();
        for l in &mut lines {
            l.text.shrink_to_fit();
            l.cells.shrink_to_fit();
            for cell in &mut l.cells {
                cell.2.shrink_to_fit();
            }
        }
        let mut rules = out.rules;
        rules.vertical.shrink_to_fit();
        rules.horizontal.shrink_to_fit();
        texts.push(PageText {
            number,
            lines,
            rules,
            height: page_box(&doc, page),
            images: out.images,
            image: out.largest_image,
            folded,
            cut: !cut.is_empty(),
        });
    }
    if let (Some(&first), Some(&last)) = (pages.keys().nth(limits.pages), pages.keys().next_back())
    {
        mark_unread(&mut unread_pages, first, last, UnreadReason::PageCap);
    }
    let images: usize = texts.iter().map(|t| t.images).sum();
    let cut = cut_short(&unread_pages, limits, glyphs_per_document);
    // A scan whose pages OCR will read goes on without text.
    let for_ocr = limits.scans && cut.is_none() && images > 0;
    if total_glyphs == 0 && !for_ocr {
        return Err(match cut {
            // Not "no text": the text may be in what the caps or the damage
            // kept from being read.
            Some(cut) => {
                let read = if unmapped_glyphs > 0 {
                    "what was read has glyphs with no Unicode mapping"
                } else if images > 0 {
                    "what was read is images only (a scan)"
                } else {
                    "what was read holds no text"
                };
                ExtractError::corrupt("PDF", format!("no text was read: {cut}; {read}"))
            }
            None => ExtractError::NoText(if unmapped_glyphs > 0 {
                "the glyphs carry no Unicode mapping (text cannot be recovered without OCR)".into()
            } else if images > 0 {
                format!("image-only pages (a scan); {OCR_OFF}")
            } else {
                "the document contains no text".into()
            }),
        });
    }
    // Only the pages' text is needed from here: the objects and fonts go
    // before the blocks are built.
    drop(fonts);
    drop(doc);
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
    // Each page's lines are freed once its blocks are built.
    for mut t in texts {
        for (l, &folded) in t.lines.iter_mut().zip(&t.folded) {
            if folded {
                l.cells = vec![(l.x0, l.x1, l.text.clone())];
            }
        }
        if t.lines.is_empty() && t.images > 0 && !t.cut {
            if limits.scans {
                document.scanned.push(ScannedPage {
                    page: t.number,
                    image: t.image.and_then(|i| i.id.map(|id| (id.0, id.1))),
                    dpi: t.image.and_then(|i| i.dpi()),
                });
            } else {
                mark_unread(
                    &mut document.unread_pages,
                    t.number,
                    t.number,
                    UnreadReason::ImageOnly,
                );
            }
        }
        let (body, furn): (Vec<_>, Vec<_>) = t
            .lines
            .into_iter()
            .enumerate()
            .partition(|(i, _)| !furniture.contains(&(t.number, *i)));
        let body: Vec<layout::Line> = body.into_iter().map(|(_, l)| l).collect();
        for (_, l) in furn {
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
    if document.is_empty() {
        if let Some(cut) = cut_short(&document.unread_pages, limits, glyphs_per_document) {
            return Err(ExtractError::corrupt(
                "PDF",
                format!("no text was read: {cut}; what was read is page furniture only"),
            ));
        }
    }
    Ok(document)
}

/// The document with the content of its image XObjects left out: only their
/// dictionaries are read (images are counted, never decoded), so a scan of
/// large images is not held in memory a second time. lopdf rebuilds a page
/// tree it cannot read only when loading unfiltered, and a page could name an
/// image stream as its content: in those rare cases (and when the filtered
/// load fails) the file is loaded again unfiltered, so the text read is the
/// same either way.
fn load(bytes: &[u8]) -> Result<lopdf::Document, lopdf::Error> {
    let Ok(doc) = lopdf::Document::load_mem_with_options(
        bytes,
        lopdf::LoadOptions::with_filter(without_image_data),
    ) else {
        return lopdf::Document::load_mem(bytes);
    };
    // Locked (see [`refuse_locked`]): loading it again unfiltered would only
    // check the empty password again.
    if doc.is_encrypted() {
        return Ok(doc);
    }
    let pages = doc.get_pages();
    let image_as_content = pages.values().any(|&page| {
        doc.get_page_contents(page).into_iter().any(|id| {
            doc.get_object(id)
                .and_then(Object::as_stream)
                .is_ok_and(is_image)
        })
    });
    if pages.is_empty() || image_as_content {
        return lopdf::Document::load_mem(bytes);
    }
    Ok(doc)
}

/// A stream the interpreter counts as an image (see `content::do_xobject`).
fn is_image(stream: &lopdf::Stream) -> bool {
    stream
        .dict
        .get(b"Subtype")
        .and_then(|o| o.as_name())
        .is_ok_and(|s| s == b"Image")
}

/// The load filter of [`load`]: an image stream keeps its dictionary and a
/// one-byte placeholder for its data (not none: lopdf reads an empty stream
/// again from the file). lopdf keeps the object as changed in place, except
/// for the members of an object stream, which are never streams and for
/// which it keeps the object returned.
fn without_image_data(
    id: lopdf::ObjectId,
    object: &mut Object,
) -> Option<(lopdf::ObjectId, Object)> {
    if let Object::Stream(stream) = object {
        release_parsed(stream.content.len());
        if !stream.content.is_empty()
            && is_image(stream)
            && !KEEP_IMAGES.with(|k| k.borrow().contains(&id))
        {
            stream.content = vec![b' '];
            // Only its being an image and its size are read later (an
            // image-only page, the image OCR reads): the rest of the
            // dictionary goes too.
            let mut dict = Dictionary::new();
            dict.set("Subtype", Object::Name(b"Image".to_vec()));
            for key in [&b"Width"[..], b"Height"] {
                if let Ok(v) = stream.dict.get(key) {
                    dict.set(key, v.clone());
                }
            }
            stream.dict = dict;
        }
        return Some((id, Object::Null));
    }
    Some((id, object.clone()))
}

/// The stream bytes lopdf copies out of a mapped file between two releases
/// of its pages: what parsing keeps of the file resident at most, beside the
/// objects themselves.
const RELEASE_EVERY: usize = 4 * 1024 * 1024;

/// Count the stream bytes just parsed; every [`RELEASE_EVERY`] of them, give
/// back the pages of a mapped file parsed so far ([`Contents::releasing`]).
fn release_parsed(len: usize) {
    PARSED.with(|p| {
        let total = p.get().saturating_add(len);
        if total >= RELEASE_EVERY {
            crate::discover::contents::release_now();
            p.set(0);
        } else {
            p.set(total);
        }
    });
}

thread_local! {
    /// Stream bytes parsed since the last [`release_parsed`] release.
    static PARSED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Image objects whose data [`load_images`] keeps. lopdf's load filter is
    /// a plain function called on the loading thread (lopdf is built without
    /// its parallel loading), so the set travels beside it.
    static KEEP_IMAGES: std::cell::RefCell<std::collections::HashSet<lopdf::ObjectId>> =
        Default::default();
}

/// The document with the data of the image objects `ids` alone (the images
/// OCR reads), every other image's data left out as in [`load`].
pub fn load_images(bytes: &[u8], ids: &[(u32, u16)]) -> Result<lopdf::Document, ExtractError> {
    KEEP_IMAGES.with(|k| *k.borrow_mut() = ids.iter().copied().collect());
    let loaded = load(bytes);
    KEEP_IMAGES.with(|k| k.borrow_mut().clear());
    let doc = loaded.map_err(|e| ExtractError::corrupt("PDF", e))?;
    refuse_locked(&doc)?;
    Ok(doc)
}

/// lopdf loads a file that needs a user password as Ok with no pages and
/// its `/Encrypt` still in the trailer: it has already tried the empty user
/// password, as every viewer does, and a file that opens with it comes back
/// decrypted without `/Encrypt`. Trying again (`decrypt("")`) would fail the
/// same way after as much work again: a revision 6 (AES-256) password check
/// is deliberately slow, a few milliseconds, more than reading a contract.
fn refuse_locked(doc: &lopdf::Document) -> Result<(), ExtractError> {
    if doc.is_encrypted() {
        return Err(locked_error());
    }
    Ok(())
}

fn locked_error() -> ExtractError {
    ExtractError::Encrypted("a user password is needed to open it".into())
}

/// Leave out a line's cell when it is the only one and the same as the line
/// (its place and text), which the blocks restore; true when it was.
fn fold_cell(l: &mut layout::Line) -> bool {
    let whole = matches!(&l.cells[..], [(x0, x1, text)]
        if *x0 == l.x0 && *x1 == l.x1 && *text == l.text);
    if whole {
        l.cells = Vec::new();
    }
    whole
}

/// The page's content streams joined by newlines, as lopdf's
/// `get_page_content_with_limit` joins them, with what kept any of it from
/// being read. lopdf skips a stream that is missing and reads one that does
/// not inflate as empty, both silently: here they make the page `Broken`. A
/// stream that would take the page over the content cap stops the page
/// (`ContentCap`); the streams before it are kept.
fn page_content(
    doc: &lopdf::Document,
    page: &Dictionary,
    page_id: lopdf::ObjectId,
    budget: usize,
) -> (Vec<u8>, Vec<UnreadReason>) {
    fn broken(cut: &mut Vec<UnreadReason>) {
        if !cut.contains(&UnreadReason::Broken) {
            cut.push(UnreadReason::Broken);
        }
    }
    let mut cut = Vec::new();
    // /Contents that is neither a stream nor an array of them (a dangling
    // reference, a number) is a page whose content is lost.
    if let Ok(c) = page.get(b"Contents") {
        if !matches!(
            fonts::resolve(doc, c),
            Object::Stream(_) | Object::Array(_) | Object::Null
        ) {
            broken(&mut cut);
        }
    }
    let mut content = Vec::new();
    for id in doc.get_page_contents(page_id) {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            broken(&mut cut);
            continue;
        };
        match content::decode(stream, budget.saturating_sub(content.len())) {
            content::Decoded::Full(data) => content.extend_from_slice(&data),
            content::Decoded::OverCap => {
                cut.push(UnreadReason::ContentCap);
                break;
            }
            content::Decoded::Broken(raw) => {
                broken(&mut cut);
                content.extend_from_slice(&raw);
            }
        }
        content.push(b'\n');
    }
    (content, cut)
}

/// The unread runs a cap or damage caused, in words, for an error that has
/// no page list to carry them; None when there are none.
fn cut_short(
    unread: &[UnreadPages],
    limits: &Limits,
    glyphs_per_document: usize,
) -> Option<String> {
    let parts: Vec<String> = unread
        .iter()
        .filter_map(|u| {
            let why = match u.reason {
                UnreadReason::PageCap => format!("beyond the page cap ({} pages)", limits.pages),
                UnreadReason::ContentCap => format!(
                    "over the content cap ({} bytes decompressed per page)",
                    limits.content_bytes
                ),
                UnreadReason::OperatorCap => format!(
                    "stopped at the operator cap ({} operators per page)",
                    limits.operators_per_page
                ),
                UnreadReason::GlyphCap => format!(
                    "stopped at the glyph cap ({} glyphs per page, {} per document)",
                    limits.glyphs_per_page, glyphs_per_document
                ),
                UnreadReason::Broken => {
                    "broken (a page object or content stream that cannot be decoded)".into()
                }
                UnreadReason::ImageOnly
                | UnreadReason::Undecodable
                | UnreadReason::Jbig2
                | UnreadReason::ImageFormat
                | UnreadReason::OcrImageCap
                | UnreadReason::OcrTimeout
                | UnreadReason::OcrFailed
                | UnreadReason::OcrNoText
                | UnreadReason::OcrLowConfidence => return None,
            };
            Some(if u.first == u.last {
                format!("page {} {why}", u.first)
            } else {
                format!("pages {}–{} {why}", u.first, u.last)
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
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
/// labels with a halo) is read once, as a reader sees it once: the first
/// drawing is kept. Glyphs are sorted by position (text only breaks ties), so
/// no glyph's text is copied or hashed.
fn without_overprint(glyphs: Vec<content::Placed>) -> Vec<content::Placed> {
    let key = |g: &content::Placed| ((g.x * 2.0).round() as i64, (g.y * 2.0).round() as i64);
    // Text drawn in reading order (lines top down, each left to right) has
    // its positions in increasing order already, so none repeats: no sort.
    let reading = |g: &content::Placed| {
        let (x, y) = key(g);
        (std::cmp::Reverse(y), x)
    };
    if glyphs.windows(2).all(|w| reading(&w[0]) < reading(&w[1])) {
        return glyphs;
    }
    let mut order: Vec<(i64, i64, usize)> = glyphs
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let (x, y) = key(g);
            (x, y, i)
        })
        .collect();
    order.sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| glyphs[a.2].text.cmp(&glyphs[b.2].text))
            .then(a.2.cmp(&b.2))
    });
    let mut keep = vec![true; glyphs.len()];
    let mut dropped = false;
    for w in order.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if (a.0, a.1) == (b.0, b.1) && glyphs[a.2].text == glyphs[b.2].text {
            keep[b.2] = false;
            dropped = true;
        }
    }
    if !dropped {
        return glyphs;
    }
    glyphs
        .into_iter()
        .zip(keep)
        .filter_map(|(g, k)| k.then_some(g))
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
/// more pages; as (page number, index of the line in the page).
fn furniture_lines(pages: &[PageText]) -> std::collections::HashSet<(u32, usize)> {
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
    // Each masked text: the last page it was seen on and on how many pages
    // (pages come in order, so a page is counted once without a list).
    let mut seen: HashMap<String, (u32, usize)> = HashMap::new();
    let mut banded: Vec<(u32, usize, &str, String)> = Vec::new();
    for t in pages {
        for (i, l) in t.lines.iter().enumerate().filter(|(_, l)| in_band(t, l)) {
            let masked = mask(&l.text);
            let entry = seen.entry(masked.clone()).or_insert((t.number, 0));
            if entry.1 == 0 || entry.0 != t.number {
                *entry = (t.number, entry.1 + 1);
            }
            banded.push((t.number, i, &l.text, masked));
        }
    }
    let mut out = std::collections::HashSet::new();
    for (number, i, text, masked) in banded {
        let repeated = pages.len() > 1 && seen.get(&masked).is_some_and(|p| p.1 > 1);
        if repeated || is_page_number(text) {
            out.insert((number, i));
        }
    }
    // A one-page document has nothing to repeat: there a band line is a
    // footer or header by its look — smaller than the body, or set apart
    // from it by a wide gap. Pages of longer documents get the same test, so
    // a footer that changes from page to page is kept out too.
    for t in pages {
        let body: Vec<&layout::Line> = t
            .lines
            .iter()
            .filter(|l| !l.vertical && !l.rotated && !in_band(t, l))
            .collect();
        let Some(size) = median_size(&body) else {
            continue;
        };
        let (top, bottom) = body.iter().fold((f64::MIN, f64::MAX), |(hi, lo), l| {
            (hi.max(l.y), lo.min(l.y))
        });
        let (lo, hi) = t.height;
        for (i, l) in t.lines.iter().enumerate().filter(|(_, l)| in_band(t, l)) {
            // Text drawn off the page is nobody's footer.
            if l.y < lo || l.y > hi {
                continue;
            }
            let gap = if l.y < bottom {
                bottom - l.y
            } else if l.y > top {
                l.y - top
            } else {
                0.0
            };
            if l.size < 0.85 * size || gap > 4.0 * size {
                out.insert((t.number, i));
            }
        }
    }
    out
}

/// The median font size of a page's body lines.
fn median_size(lines: &[&layout::Line]) -> Option<f64> {
    let mut sizes: Vec<f64> = lines.iter().map(|l| l.size).filter(|s| *s > 0.0).collect();
    if sizes.is_empty() {
        return None;
    }
    let mid = sizes.len() / 2;
    let (_, m, _) = sizes.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
}

pub(crate) fn is_page_number(s: &str) -> bool {
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
