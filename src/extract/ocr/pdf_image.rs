//! A PDF image XObject → a file tesseract reads: JPEG and JPEG 2000 data as
//! they are, CCITT fax data in a TIFF, decoded samples as a PNG. JBIG2 has
//! no reader on tesseract's side: such a page stays unread and says so.

use super::encode::{self, Fax, Pixels};
use super::tesseract::Image;
use crate::document::UnreadReason;
use lopdf::{Dictionary, Document, Object, Stream};

/// What OCR gets for a page: an image, or why it gets none.
pub type Prepared = Result<Image, (UnreadReason, String)>;

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    let mut o = o;
    for _ in 0..8 {
        match o {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(next) => o = next,
                Err(_) => return &Object::Null,
            },
            _ => return o,
        }
    }
    o
}

fn int(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<i64> {
    d.get(key).ok().and_then(|o| resolve(doc, o).as_i64().ok())
}

fn unsupported(what: impl Into<String>) -> (UnreadReason, String) {
    (UnreadReason::ImageFormat, what.into())
}

/// The image `id` as a file for tesseract, within `max_pixels`.
pub fn prepare(doc: &Document, id: (u32, u16), max_pixels: u64, dpi: Option<u32>) -> Prepared {
    let Ok(Object::Stream(stream)) = doc.get_object(id).map(|o| resolve(doc, o)) else {
        return Err((
            UnreadReason::OcrFailed,
            format!("image object {} {} is missing", id.0, id.1),
        ));
    };
    let d = &stream.dict;
    let (Some(w), Some(h)) = (int(doc, d, b"Width"), int(doc, d, b"Height")) else {
        return Err(unsupported("an image without /Width or /Height"));
    };
    let (Ok(width), Ok(height)) = (u32::try_from(w), u32::try_from(h)) else {
        return Err(unsupported(format!("an image of {w}×{h} pixels")));
    };
    if width == 0 || height == 0 {
        return Err(unsupported("an empty image"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err((
            UnreadReason::OcrImageCap,
            format!("{width}×{height} pixels, over the {max_pixels}-pixel cap"),
        ));
    }
    let filters: Vec<Vec<u8>> = stream
        .filters()
        .map(|f| f.into_iter().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    let last = filters.last().map(Vec::as_slice).unwrap_or(b"");
    let image = |ext: &'static str, bytes: Vec<u8>| Image { ext, bytes, dpi };
    // Room for any encoding of the capped pixels.
    let budget =
        usize::try_from(pixels.saturating_mul(8).saturating_add(1 << 20)).unwrap_or(usize::MAX);
    match last {
        b"JBIG2Decode" => Err((UnreadReason::Jbig2, "JBIG2 not supported".into())),
        b"DCTDecode" | b"DCT" => Ok(image("jpg", outer_decoded(stream, &filters, budget)?)),
        b"JPXDecode" => Ok(image("jp2", outer_decoded(stream, &filters, budget)?)),
        b"CCITTFaxDecode" | b"CCF" => {
            let data = outer_decoded(stream, &filters, budget)?;
            let fax = fax_params(doc, stream, width, height);
            encode::fax_tiff(&fax, &data)
                .map(|bytes| image("tif", bytes))
                .map_err(unsupported)
        }
        _ => {
            let data = match stream.decompressed_content_with_limit(budget) {
                Ok(data) => data,
                Err(e) => return Err((UnreadReason::OcrFailed, format!("image data: {e}"))),
            };
            let (pixels, data) = samples(doc, d, data)?;
            encode::png(
                width,
                height,
                &pixels,
                &padded(data, &pixels, width, height),
            )
            .map(|bytes| image("png", bytes))
            .map_err(unsupported)
        }
    }
}

/// Image data short of its last rows (a truncated scan) is padded white,
/// so what is there is still read.
fn padded(mut data: Vec<u8>, pixels: &Pixels, width: u32, height: u32) -> Vec<u8> {
    let need = usize::try_from(pixels.row_bytes(width) * u64::from(height)).unwrap_or(0);
    if data.len() < need {
        data.resize(need, 0xFF);
    }
    data
}

/// The data under the image codec: the filters before it decoded, if any.
fn outer_decoded(
    stream: &Stream,
    filters: &[Vec<u8>],
    budget: usize,
) -> Result<Vec<u8>, (UnreadReason, String)> {
    let outer = &filters[..filters.len().saturating_sub(1)];
    if outer.is_empty() {
        return Ok(stream.content.clone());
    }
    let mut s = stream.clone();
    let names: Vec<Object> = outer.iter().map(|f| Object::Name(f.clone())).collect();
    s.dict.set("Filter", Object::Array(names));
    if let Ok(Object::Array(params)) = stream.dict.get(b"DecodeParms") {
        s.dict.set(
            "DecodeParms",
            Object::Array(params[..outer.len().min(params.len())].to_vec()),
        );
    }
    s.decompressed_content_with_limit(budget)
        .map_err(|e| (UnreadReason::OcrFailed, format!("image data: {e}")))
}

fn fax_params(doc: &Document, stream: &Stream, width: u32, height: u32) -> Fax {
    let params = match stream.dict.get(b"DecodeParms").map(|o| resolve(doc, o)) {
        Ok(Object::Dictionary(p)) => Some(p),
        Ok(Object::Array(a)) => a.last().and_then(|o| resolve(doc, o).as_dict().ok()),
        _ => None,
    };
    let get = |k: &[u8]| params.and_then(|p| p.get(k).ok()).map(|o| resolve(doc, o));
    let flag = |k: &[u8]| get(k).and_then(|o| o.as_bool().ok()).unwrap_or(false);
    let num = |k: &[u8]| get(k).and_then(|o| o.as_i64().ok());
    let columns = num(b"Columns")
        .and_then(|c| u32::try_from(c).ok())
        .filter(|&c| c > 0)
        .unwrap_or(width);
    let rows = num(b"Rows")
        .and_then(|r| u32::try_from(r).ok())
        .filter(|&r| r > 0)
        .unwrap_or(height);
    // A white run decodes to 1 (0 with /BlackIs1); /Decode [1 0] flips it;
    // 0 shows black in DeviceGray and paints in an image mask.
    let white_sample = !flag(b"BlackIs1");
    let decode_flipped = decode_inverted(doc, &stream.dict);
    Fax {
        k: num(b"K").unwrap_or(0),
        width: columns,
        height: rows,
        byte_align: flag(b"EncodedByteAlign"),
        inverted: white_sample == decode_flipped,
    }
}

/// /Decode [1 0]: the samples of a one-component image read backwards.
fn decode_inverted(doc: &Document, d: &Dictionary) -> bool {
    match d.get(b"Decode").map(|o| resolve(doc, o)) {
        Ok(Object::Array(a)) => {
            let v: Vec<f64> = a
                .iter()
                .filter_map(|o| resolve(doc, o).as_float().ok().map(f64::from))
                .collect();
            matches!(v.as_slice(), [lo, hi, ..] if lo > hi)
        }
        _ => false,
    }
}

/// The colour space reduced to what PNG holds.
enum Space {
    Gray,
    Rgb,
    Cmyk,
    /// Base space, the highest index, the lookup table.
    Indexed(Box<Space>, Vec<u8>),
    /// Separation: one ink, 1 = full ink (dark).
    Ink,
}

fn space(doc: &Document, o: &Object, depth: u8) -> Result<Space, String> {
    if depth > 4 {
        return Err("a colour space nested too deep".into());
    }
    match resolve(doc, o) {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"G" | b"CalGray" => Ok(Space::Gray),
            b"DeviceRGB" | b"RGB" | b"CalRGB" => Ok(Space::Rgb),
            b"DeviceCMYK" | b"CMYK" => Ok(Space::Cmyk),
            other => Err(format!("colour space {}", String::from_utf8_lossy(other))),
        },
        Object::Array(a) => {
            let family = a.first().and_then(|f| resolve(doc, f).as_name().ok());
            match family {
                Some(b"ICCBased") => {
                    let n = a
                        .get(1)
                        .and_then(|s| resolve(doc, s).as_stream().ok())
                        .and_then(|s| int(doc, &s.dict, b"N"));
                    match n {
                        Some(1) => Ok(Space::Gray),
                        Some(3) => Ok(Space::Rgb),
                        Some(4) => Ok(Space::Cmyk),
                        _ => Err("an ICC colour space that is not 1, 3 or 4 components".into()),
                    }
                }
                Some(b"CalGray") => Ok(Space::Gray),
                Some(b"CalRGB") => Ok(Space::Rgb),
                Some(b"Indexed" | b"I") => {
                    let base = a.get(1).ok_or("Indexed without a base")?;
                    let base = space(doc, base, depth + 1)?;
                    let lookup = match a.get(3).map(|o| resolve(doc, o)) {
                        Some(Object::String(s, _)) => s.clone(),
                        Some(Object::Stream(s)) => s
                            .decompressed_content_with_limit(4 * 256 * 2)
                            .map_err(|e| format!("Indexed lookup: {e}"))?,
                        _ => return Err("Indexed without a lookup table".into()),
                    };
                    Ok(Space::Indexed(Box::new(base), lookup))
                }
                Some(b"Separation") => Ok(Space::Ink),
                Some(other) => Err(format!("colour space {}", String::from_utf8_lossy(other))),
                None => Err("an unnamed colour space".into()),
            }
        }
        _ => Err("no colour space".into()),
    }
}

/// The decoded samples of an image as PNG pixels (converted where PNG has
/// no such layout).
fn samples(
    doc: &Document,
    d: &Dictionary,
    mut data: Vec<u8>,
) -> Result<(Pixels, Vec<u8>), (UnreadReason, String)> {
    let mask = d
        .get(b"ImageMask")
        .ok()
        .and_then(|o| resolve(doc, o).as_bool().ok())
        .unwrap_or(false);
    let bits = if mask {
        1
    } else {
        int(doc, d, b"BitsPerComponent").unwrap_or(8)
    };
    let Ok(bits @ (1 | 2 | 4 | 8 | 16)) = u8::try_from(bits) else {
        return Err(unsupported(format!("{bits} bits per component")));
    };
    let sp = if mask {
        Space::Gray
    } else {
        match d.get(b"ColorSpace") {
            Ok(o) => space(doc, o, 0).map_err(unsupported)?,
            Err(_) => return Err(unsupported("an image without a colour space")),
        }
    };
    let invert = |data: &mut Vec<u8>| data.iter_mut().for_each(|b| *b = !*b);
    match sp {
        Space::Gray => {
            if decode_inverted(doc, d) {
                invert(&mut data);
            }
            Ok((Pixels::Gray(bits), data))
        }
        Space::Ink => {
            if !decode_inverted(doc, d) {
                invert(&mut data);
            }
            Ok((Pixels::Gray(bits), data))
        }
        Space::Rgb if bits >= 8 => Ok((Pixels::Rgb(bits), data)),
        Space::Cmyk if bits == 8 => Ok((Pixels::Rgb(8), encode::cmyk_to_rgb(&data))),
        Space::Indexed(base, lookup) if bits <= 8 => {
            let colours = 1usize << bits;
            let palette: Vec<u8> = match *base {
                Space::Gray => lookup
                    .iter()
                    .take(colours)
                    .flat_map(|&g| [g, g, g])
                    .collect(),
                Space::Rgb => lookup.iter().take(colours * 3).copied().collect(),
                Space::Cmyk => encode::cmyk_to_rgb(&lookup[..lookup.len().min(colours * 4)]),
                _ => return Err(unsupported("an Indexed colour space over another")),
            };
            if palette.len() < 3 {
                return Err(unsupported("an empty palette"));
            }
            Ok((Pixels::Palette(bits, palette), data))
        }
        _ => Err(unsupported(format!(
            "{bits}-bit samples in this colour space"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn doc_with(dict: Dictionary, data: Vec<u8>) -> (Document, (u32, u16)) {
        let mut doc = Document::with_version("1.5");
        let id = doc.add_object(Stream::new(dict, data));
        (doc, id)
    }

    fn png_pixels(bytes: &[u8]) -> Vec<u8> {
        let mut r = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        buf
    }

    #[test]
    fn grey_samples_with_an_inverted_decode_array_become_a_png_the_right_way_round() {
        let (doc, id) = doc_with(
            dictionary! {
                "Subtype" => "Image", "Width" => 2, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
                "Decode" => vec![1.into(), 0.into()],
            },
            vec![0, 255],
        );
        let image = prepare(&doc, id, 100, None).unwrap();
        assert_eq!(image.ext, "png");
        assert_eq!(png_pixels(&image.bytes), [255, 0]);
    }

    #[test]
    fn an_indexed_image_keeps_its_palette() {
        let (doc, id) = doc_with(
            dictionary! {
                "Subtype" => "Image", "Width" => 2, "Height" => 1, "BitsPerComponent" => 8,
                "ColorSpace" => vec!["Indexed".into(), "DeviceGray".into(), 1.into(),
                    Object::String(vec![0, 255], lopdf::StringFormat::Hexadecimal)],
            },
            vec![1, 0],
        );
        let image = prepare(&doc, id, 100, None).unwrap();
        assert_eq!(png_pixels(&image.bytes), [1, 0]);
    }

    #[test]
    fn jbig2_and_oversized_images_are_not_handed_over_and_say_why() {
        let (doc, id) = doc_with(
            dictionary! {
                "Subtype" => "Image", "Width" => 10, "Height" => 10,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1,
                "Filter" => "JBIG2Decode",
            },
            vec![0; 8],
        );
        let err = prepare(&doc, id, 1000, None).unwrap_err();
        assert_eq!(err, (UnreadReason::Jbig2, "JBIG2 not supported".into()));
        let err = prepare(&doc, id, 99, None).unwrap_err();
        assert_eq!(err.0, UnreadReason::OcrImageCap);
    }

    #[test]
    fn fax_data_whose_white_shows_black_is_marked_inverted() {
        let (doc, id) = doc_with(
            dictionary! {
                "Subtype" => "Image", "Width" => 8, "Height" => 2,
                "Filter" => "CCITTFaxDecode",
                "DecodeParms" => dictionary! { "K" => -1, "Columns" => 8, "BlackIs1" => true },
            },
            vec![0; 4],
        );
        let Ok(Object::Stream(s)) = doc.get_object(id) else {
            panic!()
        };
        let fax = fax_params(&doc, s, 8, 2);
        assert!(fax.inverted);
        assert_eq!((fax.k, fax.width, fax.height), (-1, 8, 2));
        assert_eq!(prepare(&doc, id, 100, None).unwrap().ext, "tif");
    }
}
