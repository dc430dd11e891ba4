//! Pixels → image files tesseract reads: PNG (the `png` crate) for decoded
//! samples, and a minimal TIFF around CCITT fax data.

/// How the samples of a PNG are laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pixels {
    /// 1, 2, 4, 8 or 16 bits, 0 = black.
    Gray(u8),
    /// 8 or 16 bits per sample.
    Rgb(u8),
    /// 8 or 16 bits per sample, with alpha.
    GrayAlpha(u8),
    Rgba(u8),
    /// 1, 2, 4 or 8 bits, RGB triples.
    Palette(u8, Vec<u8>),
}

impl Pixels {
    /// Bits of one pixel.
    pub fn bits(&self) -> u64 {
        match self {
            Pixels::Gray(b) | Pixels::Palette(b, _) => u64::from(*b),
            Pixels::GrayAlpha(b) => 2 * u64::from(*b),
            Pixels::Rgb(b) => 3 * u64::from(*b),
            Pixels::Rgba(b) => 4 * u64::from(*b),
        }
    }

    /// Bytes of one row (rows start on a byte, as in PDF and TIFF).
    pub fn row_bytes(&self, width: u32) -> u64 {
        (u64::from(width) * self.bits()).div_ceil(8)
    }
}

/// Rows of `pixels` (each `row_bytes` long) as a PNG file.
pub fn png(width: u32, height: u32, pixels: &Pixels, data: &[u8]) -> Result<Vec<u8>, String> {
    use png::{BitDepth, ColorType};
    let depth = |b: u8| match b {
        1 => Ok(BitDepth::One),
        2 => Ok(BitDepth::Two),
        4 => Ok(BitDepth::Four),
        8 => Ok(BitDepth::Eight),
        16 => Ok(BitDepth::Sixteen),
        other => Err(format!("{other} bits per sample")),
    };
    let (color, bits) = match pixels {
        Pixels::Gray(b) => (ColorType::Grayscale, *b),
        Pixels::Rgb(b) => (ColorType::Rgb, *b),
        Pixels::GrayAlpha(b) => (ColorType::GrayscaleAlpha, *b),
        Pixels::Rgba(b) => (ColorType::Rgba, *b),
        Pixels::Palette(b, _) => (ColorType::Indexed, *b),
    };
    let need = usize::try_from(pixels.row_bytes(width) * u64::from(height))
        .map_err(|_| "image too large".to_string())?;
    let data = data.get(..need).ok_or_else(|| {
        format!(
            "the image data is {} bytes, {need} expected for {width}×{height}",
            data.len()
        )
    })?;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(color);
        enc.set_depth(depth(bits)?);
        enc.set_compression(png::Compression::Fast);
        if let Pixels::Palette(_, palette) = pixels {
            enc.set_palette(palette.clone());
        }
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(data).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// CCITT fax parameters, as PDF's /DecodeParms give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fax {
    /// /K: < 0 Group 4, 0 Group 3 one-dimensional, > 0 Group 3 two-dimensional.
    pub k: i64,
    pub width: u32,
    pub height: u32,
    /// /EncodedByteAlign (Group 3 only: TIFF has no way to say it for Group 4).
    pub byte_align: bool,
    /// Whether a white run shows black once /BlackIs1 and /Decode are applied.
    pub inverted: bool,
}

/// Fax data in a single-strip little-endian TIFF. Written by hand: it is a
/// header and ten directory entries, and no crate writes CCITT data as is.
pub fn fax_tiff(fax: &Fax, data: &[u8]) -> Result<Vec<u8>, String> {
    let len = u32::try_from(data.len()).map_err(|_| "fax data over 4 GB".to_string())?;
    let (compression, option_tag, options) = if fax.k < 0 {
        (4u16, 293u16, 0u32)
    } else {
        // T4Options: bit 0 two-dimensional coding, bit 2 fill bits before EOL.
        let two_d = u32::from(fax.k > 0);
        let fill = if fax.byte_align { 4 } else { 0 };
        (3u16, 292u16, two_d | fill)
    };
    // WhiteIsZero is fax's own convention; BlackIsZero shows the page negated.
    let photometric: u16 = if fax.inverted { 1 } else { 0 };
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    let entries: [(u16, u16, u32); 10] = [
        (256, LONG, fax.width),
        (257, LONG, fax.height),
        (258, SHORT, 1),
        (259, SHORT, u32::from(compression)),
        (262, SHORT, u32::from(photometric)),
        (273, LONG, 0), // strip offset, set below
        (277, SHORT, 1),
        (278, LONG, fax.height),
        (279, LONG, len),
        (option_tag, LONG, options),
    ];
    let ifd_len = 2 + entries.len() * 12 + 4;
    let data_at = (8 + ifd_len) as u32;
    let mut out = Vec::with_capacity(8 + ifd_len + data.len());
    out.extend_from_slice(b"II*\0");
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        let value = if tag == 273 { data_at } else { value };
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        if kind == SHORT {
            out.extend_from_slice(&(value as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(data);
    Ok(out)
}

/// CMYK samples (8 bits) → RGB, the naive way (enough to read text).
pub fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    cmyk.chunks_exact(4)
        .flat_map(|p| {
            let k = 255 - u16::from(p[3]);
            let ch = |c: u8| ((255 - u16::from(c)) * k / 255) as u8;
            [ch(p[0]), ch(p[1]), ch(p[2])]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_bit_png_round_trips_through_the_png_decoder() {
        let data = [0b1010_0000u8, 0b0101_0000];
        let file = png(4, 2, &Pixels::Gray(1), &data).unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(file));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (4, 2));
        assert_eq!(&buf[..2], &data);
    }

    #[test]
    fn short_image_data_is_an_error_not_a_panic() {
        assert!(png(100, 100, &Pixels::Rgb(8), &[0; 10]).is_err());
    }

    #[test]
    fn fax_data_gets_a_tiff_the_tiff_crate_can_read() {
        let fax = Fax {
            k: -1,
            width: 1728,
            height: 10,
            byte_align: false,
            inverted: false,
        };
        let file = fax_tiff(&fax, &[0u8; 16]).unwrap();
        let mut d = tiff::decoder::Decoder::new(std::io::Cursor::new(file)).unwrap();
        assert_eq!(d.dimensions().unwrap(), (1728, 10));
        assert_eq!(
            d.get_tag_u32(tiff::tags::Tag::Compression).unwrap(),
            4,
            "Group 4"
        );
    }

    #[test]
    fn cmyk_black_is_rgb_black() {
        assert_eq!(
            cmyk_to_rgb(&[0, 0, 0, 255, 0, 0, 0, 0]),
            [0, 0, 0, 255, 255, 255]
        );
    }
}
