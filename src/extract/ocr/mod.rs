//! OCR of scanned pages (PDF pages drawn from images only) and of image
//! files (.tif/.tiff, .jpg/.jpeg, .png), by running the external `tesseract`
//! program: keiyaku never links to it. Each page is written to a temporary
//! folder, read by tesseract with a time limit, and its words come back as
//! the document's blocks, with the page's confidence recorded.
//!
//! OCR'd text counts for what it finds; since OCR can misread or drop
//! words, a provision not found on OCR'd pages is never reported missing.

mod blocks;
mod confusions;
mod encode;
mod image_file;
mod pdf_image;
pub mod setup;
mod tesseract;
mod tsv;

pub use setup::{Engine, Mode, Ocr, Settings, SetupError};

use crate::discover::Format;
use crate::document::{mark_unread, Block, Document, OcrPage, UnreadReason};
use crate::error::ExtractError;
use pdf_image::Prepared;
use rayon::prelude::*;

/// A page whose words' mean confidence is below this is not used. Scans of
/// 150 dpi and more read at 88–92%; a 100 dpi scan read at 77% with 甲 and
/// 乙 themselves misread (申, と, 選), so whatever it matched was bound to
/// a party by default, not by what the page says.
pub const MIN_PAGE_CONFIDENCE: f64 = 80.0;

/// PDF pages whose images are loaded together (their image data is held
/// while they are read).
const PAGES_PER_LOAD: usize = 16;

/// Notes on pages OCR could not read kept for the report, at most.
const MAX_NOTES: usize = 5;

/// What OCR is given for one page.
pub enum Job {
    Ready(Prepared),
    /// Page `n` (0-based) of a multi-page TIFF, decoded when it is read.
    TiffPage(usize),
}

/// The text of one page, or why there is none.
struct Outcome {
    page: u32,
    result: Result<PageText, (UnreadReason, String)>,
}

struct PageText {
    blocks: Vec<Block>,
    furniture: Vec<Block>,
    confidence: u8,
}

/// A page read as horizontal text with less confidence than this is read
/// again as vertical text (when `jpn_vert` is installed), and the more
/// confident reading is kept: tesseract's automatic layout analysis cannot
/// be trusted to tell the two apart (see [`tesseract::Layout`]).
const TRY_VERTICAL_BELOW: f64 = 85.0;

fn read_page(engine: &Engine, settings: &Settings, page: u32, image: Prepared) -> Outcome {
    let result = image.and_then(|image| {
        let started = std::time::Instant::now();
        let horizontal = recognise(
            engine,
            tesseract::Layout::Horizontal,
            settings.timeout,
            &image,
        )?;
        let left = settings.timeout.saturating_sub(started.elapsed());
        let weak = horizontal.confidence.is_none_or(|c| c < TRY_VERTICAL_BELOW);
        let best = if engine.vertical && weak && left.as_secs() >= 1 {
            match recognise(engine, tesseract::Layout::Vertical, left, &image) {
                Ok(v) if v.confidence.unwrap_or(0.0) > horizontal.confidence.unwrap_or(0.0) => v,
                _ => horizontal,
            }
        } else {
            horizontal
        };
        page_text(page, &best)
    });
    Outcome { page, result }
}

fn recognise(
    engine: &Engine,
    layout: tesseract::Layout,
    limit: std::time::Duration,
    image: &tesseract::Image,
) -> Result<tsv::OcrPage, (UnreadReason, String)> {
    match tesseract::recognise(engine, layout, limit, image) {
        Ok(tsv) => Ok(tsv::parse(&tsv)),
        Err(tesseract::Failure::Timeout(d)) => Err((
            UnreadReason::OcrTimeout,
            format!(
                "no result within {} s (a wall-clock limit, --ocr-timeout)",
                d.as_secs()
            ),
        )),
        Err(tesseract::Failure::Failed(m)) => Err((UnreadReason::OcrFailed, m)),
    }
}

fn page_text(page: u32, ocr: &tsv::OcrPage) -> Result<PageText, (UnreadReason, String)> {
    let Some(confidence) = ocr.confidence else {
        return Err((UnreadReason::OcrNoText, "OCR found no text".into()));
    };
    if confidence < MIN_PAGE_CONFIDENCE {
        return Err((
            UnreadReason::OcrLowConfidence,
            format!(
                "OCR confidence {confidence:.0}% is below {MIN_PAGE_CONFIDENCE:.0}%: its text is not used"
            ),
        ));
    }
    let (blocks, furniture) = blocks::page_blocks(page, ocr);
    if blocks.iter().all(|b| b.text.trim().is_empty()) {
        return Err((UnreadReason::OcrNoText, "OCR found no text".into()));
    }
    Ok(PageText {
        blocks,
        furniture,
        confidence: confidence.round().clamp(0.0, 100.0) as u8,
    })
}

/// Put the pages' text into `doc` in page order, list the pages OCR could
/// not read; the notes on those pages.
fn merge(doc: &mut Document, outcomes: Vec<Outcome>) -> Vec<String> {
    let mut notes = Vec::new();
    let mut failed = 0usize;
    for o in outcomes {
        match o.result {
            Ok(t) => {
                doc.blocks.extend(t.blocks);
                doc.furniture.extend(t.furniture);
                doc.ocr_pages.push(OcrPage {
                    page: o.page,
                    confidence: t.confidence,
                });
            }
            Err((reason, why)) => {
                mark_unread(&mut doc.unread_pages, o.page, o.page, reason);
                failed += 1;
                if notes.len() < MAX_NOTES {
                    notes.push(format!("p.{} {why}", o.page));
                }
            }
        }
    }
    if failed > notes.len() {
        notes.push(format!("and {} more pages", failed - notes.len()));
    }
    // Stable: each page's blocks keep their order.
    doc.blocks.sort_by_key(|b| b.page);
    doc.furniture.sort_by_key(|b| b.page);
    doc.ocr_pages.sort_by_key(|p| p.page);
    notes
}

/// Read the scanned pages the PDF extractor left in `doc.scanned`, from the
/// file's `bytes` (the images are loaded a few pages at a time). With OCR
/// off they are listed as image-only, as without OCR.
pub fn read_scanned_pdf(doc: &mut Document, bytes: &[u8], ocr: &Ocr) -> Vec<String> {
    let scanned = std::mem::take(&mut doc.scanned);
    let Some(engine) = ocr.engine() else {
        for s in scanned {
            mark_unread(
                &mut doc.unread_pages,
                s.page,
                s.page,
                UnreadReason::ImageOnly,
            );
        }
        return Vec::new();
    };
    let settings = &ocr.settings;
    let mut outcomes = Vec::with_capacity(scanned.len());
    for batch in scanned.chunks(PAGES_PER_LOAD) {
        let ids: Vec<(u32, u16)> = batch.iter().filter_map(|s| s.image).collect();
        let loaded = crate::extract::pdf::load_images(bytes, &ids);
        let read: Vec<Outcome> = batch
            .par_iter()
            .map(|s| {
                let image = match (s.image, &loaded) {
                    (None, _) => Err((
                        UnreadReason::ImageFormat,
                        "the page's image is not an image object".into(),
                    )),
                    (_, Err(e)) => Err((UnreadReason::OcrFailed, e.to_string())),
                    (Some(id), Ok(pdf)) => pdf_image::prepare(pdf, id, settings.max_pixels, s.dpi),
                };
                read_page(engine, settings, s.page, image)
            })
            .collect();
        outcomes.extend(read);
    }
    merge(doc, outcomes)
}

/// An image file read by OCR; with OCR off, `unsupported` saying why.
pub fn read_image_file(
    format: Format,
    bytes: &[u8],
    ocr: &Ocr,
    max_pages: usize,
) -> Result<(Document, Vec<String>), ExtractError> {
    let Some(engine) = ocr.engine() else {
        return Err(ExtractError::Unsupported(format!(
            "a .{} image: {}; its provisions are unknown",
            format.name(),
            ocr.off_reason().unwrap_or("OCR is off")
        )));
    };
    let settings = &ocr.settings;
    let (jobs, total) = image_file::pages(format, bytes, settings.max_pixels, max_pages)?;
    let outcomes: Vec<Outcome> = jobs
        .into_par_iter()
        .enumerate()
        .map(|(i, job)| {
            let image = match job {
                Job::Ready(p) => p,
                Job::TiffPage(n) => image_file::decode_page(bytes, n),
            };
            read_page(engine, settings, i as u32 + 1, image)
        })
        .collect();
    let read = outcomes.len() as u32;
    let mut doc = Document {
        pages: Some(total),
        ..Document::default()
    };
    let notes = merge(&mut doc, outcomes);
    if total > read {
        mark_unread(
            &mut doc.unread_pages,
            read + 1,
            total,
            UnreadReason::PageCap,
        );
    }
    Ok((doc, notes))
}

/// A document OCR left without any text: the error that says why (a page
/// that failed or timed out makes it `error`, else `no_text`).
pub fn no_text_error(doc: &Document, notes: &[String], what: &'static str) -> ExtractError {
    let why = if notes.is_empty() {
        "OCR found no text".to_string()
    } else {
        notes.join("; ")
    };
    let has = |r: UnreadReason| doc.unread_pages.iter().any(|u| u.reason == r);
    if has(UnreadReason::OcrFailed) {
        ExtractError::corrupt(what, format!("OCR could not read it: {why}"))
    } else if has(UnreadReason::OcrTimeout) {
        ExtractError::Timeout(format!("OCR timed out: {why}"))
    } else {
        ExtractError::NoText(format!("a scan that OCR could not read: {why}"))
    }
}
