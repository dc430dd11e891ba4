//! Image files → page images for tesseract. A PNG, a JPEG or a one-page
//! TIFF goes as it is; each page of a multi-page TIFF is decoded (the `tiff`
//! crate, fax compression included) and written as a PNG, so pages are read
//! in parallel and each has its own time limit.

use super::encode::{self, Pixels};
use super::pdf_image::Prepared;
use super::tesseract::Image;
use super::Job;
use crate::discover::Format;
use crate::document::UnreadReason;
use crate::error::ExtractError;
use std::io::Cursor;
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::ColorType;

/// The pages of an image file, each ready for OCR or with why it is not;
/// at most `max_pages`, and how many it has.
pub fn pages(
    format: Format,
    bytes: &[u8],
    max_pixels: u64,
    max_pages: usize,
) -> Result<(Vec<Job>, u32), ExtractError> {
    let name = format.name();
    let corrupt = |e: &dyn std::fmt::Display| ExtractError::corrupt(name, e);
    match format {
        Format::Tiff => tiff_pages(bytes, max_pixels, max_pages),
        _ => {
            let size = imagesize::blob_size(bytes).map_err(|e| corrupt(&e))?;
            let ext = if format == Format::Png { "png" } else { "jpg" };
            let pixels = (size.width as u64).saturating_mul(size.height as u64);
            if pixels == 0 {
                return Err(corrupt(&"an image of no pixels"));
            }
            let page = capped(pixels, size.width, size.height, max_pixels).map(|()| Image {
                ext,
                bytes: bytes.to_vec(),
                dpi: None,
            });
            Ok((vec![Job::Ready(page)], 1))
        }
    }
}

fn capped(pixels: u64, w: usize, h: usize, max: u64) -> Result<(), (UnreadReason, String)> {
    if pixels > max {
        Err((
            UnreadReason::OcrImageCap,
            format!("{w}×{h} pixels, over the {max}-pixel cap"),
        ))
    } else {
        Ok(())
    }
}

fn decoder(bytes: &[u8]) -> tiff::TiffResult<Decoder<Cursor<&[u8]>>> {
    // The tiff crate's own caps bound what one strip or value may take.
    Ok(Decoder::new(Cursor::new(bytes))?.with_limits(Limits::default()))
}

fn tiff_pages(
    bytes: &[u8],
    max_pixels: u64,
    max_pages: usize,
) -> Result<(Vec<Job>, u32), ExtractError> {
    let corrupt = |e: &dyn std::fmt::Display| ExtractError::corrupt("TIFF", e);
    let mut d = decoder(bytes).map_err(|e| corrupt(&e))?;
    let mut sizes = Vec::new();
    let mut total = 0u32;
    loop {
        total += 1;
        if sizes.len() < max_pages {
            sizes.push(d.dimensions().map_err(|e| corrupt(&e))?);
        }
        // A directory chain that loops or runs on forever ends here.
        if !d.more_images() || total as usize > max_pages.saturating_add(100_000) {
            break;
        }
        if let Err(e) = d.next_image() {
            if sizes.is_empty() {
                return Err(corrupt(&e));
            }
            break;
        }
    }
    if sizes.len() == 1 {
        let (w, h) = sizes[0];
        let pixels = u64::from(w) * u64::from(h);
        let page = capped(pixels, w as usize, h as usize, max_pixels).map(|()| Image {
            ext: "tif",
            bytes: bytes.to_vec(),
            dpi: None,
        });
        return Ok((vec![Job::Ready(page)], total));
    }
    // Each page is decoded when OCR gets to it (see `decode_page`), so only
    // the pages being read are held decoded.
    let pages = sizes
        .iter()
        .enumerate()
        .map(|(i, &(w, h))| {
            match capped(
                u64::from(w) * u64::from(h),
                w as usize,
                h as usize,
                max_pixels,
            ) {
                Ok(()) => Job::TiffPage(i),
                Err(e) => Job::Ready(Err(e)),
            }
        })
        .collect();
    Ok((pages, total))
}

/// Page `index` (0-based) of a multi-page TIFF as a PNG.
pub fn decode_page(bytes: &[u8], index: usize) -> Prepared {
    let failed = |e: &dyn std::fmt::Display| {
        (
            UnreadReason::OcrFailed,
            format!("TIFF page {}: {e}", index + 1),
        )
    };
    let mut d = decoder(bytes).map_err(|e| failed(&e))?;
    d.seek_to_image(index).map_err(|e| failed(&e))?;
    let (w, h) = d.dimensions().map_err(|e| failed(&e))?;
    let colour = d.colortype().map_err(|e| failed(&e))?;
    let pixels = match colour {
        ColorType::Gray(b @ (1 | 2 | 4 | 8 | 16)) => Pixels::Gray(b),
        ColorType::RGB(b @ (8 | 16)) => Pixels::Rgb(b),
        ColorType::GrayA(b @ (8 | 16)) => Pixels::GrayAlpha(b),
        ColorType::RGBA(b @ (8 | 16)) => Pixels::Rgba(b),
        ColorType::CMYK(8) => Pixels::Rgb(8),
        other => {
            return Err((
                UnreadReason::ImageFormat,
                format!("TIFF page {}: {other:?} pixels", index + 1),
            ))
        }
    };
    let data = match d.read_image().map_err(|e| failed(&e))? {
        DecodingResult::U8(v) if colour == ColorType::CMYK(8) => encode::cmyk_to_rgb(&v),
        DecodingResult::U8(v) => v,
        DecodingResult::U16(v) => v.iter().flat_map(|s| s.to_be_bytes()).collect(),
        _ => {
            return Err((
                UnreadReason::ImageFormat,
                format!("TIFF page {}: samples that are not integers", index + 1),
            ))
        }
    };
    encode::png(w, h, &pixels, &data)
        .map(|bytes| Image {
            ext: "png",
            bytes,
            dpi: None,
        })
        .map_err(|e| failed(&e))
}
