//! Stream decoding: lopdf's filter chain, with a faster path for the stream
//! nearly every page and font uses (one FlateDecode, no parameters).
//!
//! lopdf inflates through a reader into a buffer it grows from twice the
//! compressed size, so most of a content stream is copied several times on its
//! way out. Here the whole input goes to zlib at once, into a buffer sized
//! from the `/DL` hint or a typical ratio. Only a stream that inflates cleanly
//! to its end is answered here: its bytes are the same whatever the chunking.
//! Anything else (another filter, a predictor, damage, a truncated stream, an
//! output at the cap) goes to lopdf, whose answer on a broken stream (partial
//! output, a raw-deflate retry) depends on how it reads and stays its own.

use flate2::{Decompress, FlushDecompress, Status};
use lopdf::{DecompressError, Object, Stream};
use std::cell::Cell;

thread_local! {
    /// One zlib state per thread, reset for each stream: setting one up
    /// (its tables and window) costs more than inflating a small stream.
    static ZLIB: Cell<Option<Decompress>> = const { Cell::new(None) };
}

/// The most the fast path inflates when the caller sets no limit; a larger
/// stream is left to lopdf, which decodes it as it always did.
const UNLIMITED_CAP: usize = 64 << 20;

/// A deflated content stream or font program is rarely under a quarter of
/// its inflated size; starting there usually avoids any regrowth.
const RATIO_GUESS: usize = 4;
const MIN_START: usize = 1 << 10;
/// Deflate's largest expansion: a `/DL` beyond it is a lie, not a size.
const MAX_RATIO: usize = 1032;

/// `stream`'s decoded bytes, exactly as `decompressed_content_with_limit(max)`
/// (or `decompressed_content()` with no limit) answers.
pub fn decoded(stream: &Stream, limit: Option<usize>) -> lopdf::Result<Vec<u8>> {
    if plain_flate(stream) {
        let cap = limit.map_or(UNLIMITED_CAP, |max| max.saturating_add(1));
        if let Some(out) = inflate_whole(&stream.content, start_size(stream, cap), cap) {
            return match limit {
                Some(max) if out.len() > max => {
                    Err(DecompressError::MemoryLimitExceeded { limit: max }.into())
                }
                _ => Ok(out),
            };
        }
    }
    match limit {
        Some(max) => stream.decompressed_content_with_limit(max),
        None => stream.decompressed_content(),
    }
}

/// One FlateDecode filter and no parameters lopdf would read for it (so no
/// predictor), on a non-empty body.
fn plain_flate(stream: &Stream) -> bool {
    let one_flate = stream
        .filters()
        .is_ok_and(|f| matches!(f.as_slice(), [b"FlateDecode"]));
    let no_params = match stream.dict.get(b"DecodeParms") {
        Err(_) | Ok(Object::Null) => true,
        Ok(Object::Array(a)) => !matches!(a.first(), Some(Object::Dictionary(_))),
        Ok(Object::Dictionary(_)) => false,
        Ok(_) => true,
    };
    one_flate && no_params && !stream.content.is_empty()
}

/// The buffer to start with: the `/DL` hint (the decoded length) when the
/// file gives a usable one, else a typical ratio; never above `cap`.
fn start_size(stream: &Stream, cap: usize) -> usize {
    let hint = stream
        .dict
        .get(b"DL")
        .ok()
        .and_then(|o| o.as_i64().ok())
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0 && n <= stream.content.len().saturating_mul(MAX_RATIO));
    hint.unwrap_or_else(|| {
        stream
            .content
            .len()
            .saturating_mul(RATIO_GUESS)
            .max(MIN_START)
    })
    .min(cap)
}

/// Inflate `input` (a zlib stream) to its end in one pass. None unless it
/// ends cleanly (checksum included) within `cap` bytes of output.
fn inflate_whole(input: &[u8], start: usize, cap: usize) -> Option<Vec<u8>> {
    let mut z = match ZLIB.take() {
        Some(mut z) => {
            z.reset(true);
            z
        }
        None => Decompress::new(true),
    };
    let out = inflate_with(&mut z, input, start, cap);
    ZLIB.set(Some(z));
    out
}

fn inflate_with(z: &mut Decompress, input: &[u8], start: usize, cap: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(start);
    loop {
        if out.len() == out.capacity() {
            let room = cap.checked_sub(out.len()).filter(|&r| r > 0)?;
            out.reserve_exact(out.len().max(MIN_START).min(room));
        }
        let before = (z.total_in(), z.total_out());
        let rest = input.get(usize::try_from(z.total_in()).ok()?..)?;
        let status = z
            .decompress_vec(rest, &mut out, FlushDecompress::Finish)
            .ok()?;
        if status == Status::StreamEnd {
            return (out.len() <= cap).then_some(out);
        }
        // Room left and nothing more came: the input ended before the stream.
        if out.len() < out.capacity() || before == (z.total_in(), z.total_out()) {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;
    use lopdf::Dictionary;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn flate_stream(body: Vec<u8>) -> Stream {
        let mut dict = Dictionary::new();
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        Stream::new(dict, body)
    }

    fn text(n: usize) -> Vec<u8> {
        (0..n)
            .flat_map(|i| format!("BT /F1 12 Tf ({i}) Tj ET\n").into_bytes())
            .collect()
    }

    /// Both answers as comparable values (lopdf's error has no PartialEq).
    fn same_as_lopdf(s: &Stream, limit: Option<usize>) {
        let ours = decoded(s, limit).map_err(|e| e.to_string());
        let theirs = match limit {
            Some(max) => s.decompressed_content_with_limit(max),
            None => s.decompressed_content(),
        }
        .map_err(|e| e.to_string());
        assert_eq!(ours, theirs);
    }

    #[test]
    fn a_clean_stream_decodes_as_lopdf_decodes_it() {
        let plain = text(5000);
        let s = flate_stream(zlib(&plain));
        assert_eq!(decoded(&s, Some(1 << 20)).unwrap(), plain);
        same_as_lopdf(&s, Some(1 << 20));
        same_as_lopdf(&s, None);
    }

    #[test]
    fn a_stream_larger_than_its_guess_grows_to_its_whole_length() {
        let plain = vec![b'q'; 3 << 20];
        let s = flate_stream(zlib(&plain));
        assert_eq!(decoded(&s, None).unwrap().len(), plain.len());
    }

    #[test]
    fn a_stream_over_the_limit_is_refused_as_lopdf_refuses_it() {
        let plain = text(2000);
        let s = flate_stream(zlib(&plain));
        for max in [plain.len() - 1, plain.len(), plain.len() + 1, 10] {
            same_as_lopdf(&s, Some(max));
        }
        assert!(matches!(
            decoded(&s, Some(10)),
            Err(lopdf::Error::Decompress(
                DecompressError::MemoryLimitExceeded { .. }
            ))
        ));
    }

    #[test]
    fn a_truncated_or_damaged_stream_keeps_lopdf_partial_output() {
        let z = zlib(&text(3000));
        let truncated = flate_stream(z[..z.len() / 2].to_vec());
        same_as_lopdf(&truncated, Some(1 << 20));
        let mut bad_sum = z.clone();
        if let Some(last) = bad_sum.last_mut() {
            *last ^= 0xff;
        }
        same_as_lopdf(&flate_stream(bad_sum), Some(1 << 20));
        let mut garbled = z;
        for b in garbled.iter_mut().skip(40).step_by(7) {
            *b = b.wrapping_mul(31);
        }
        same_as_lopdf(&flate_stream(garbled), Some(1 << 20));
        same_as_lopdf(&flate_stream(b"not deflate at all".to_vec()), None);
    }

    #[test]
    fn a_stream_after_a_broken_one_starts_from_a_fresh_state() {
        let z = zlib(&text(300));
        let plain = text(50);
        let clean = flate_stream(zlib(&plain));
        decoded(&flate_stream(z[..z.len() / 3].to_vec()), None).ok();
        assert_eq!(decoded(&clean, None).unwrap(), plain);
        decoded(&flate_stream(b"x\x9c garbage".to_vec()), None).ok();
        assert_eq!(decoded(&clean, Some(1 << 20)).unwrap(), plain);
    }

    #[test]
    fn a_wrong_length_hint_only_sizes_the_buffer() {
        let plain = text(800);
        let mut s = flate_stream(zlib(&plain));
        s.dict.set("DL", 3);
        assert_eq!(decoded(&s, None).unwrap(), plain);
        s.dict.set("DL", -5);
        assert_eq!(decoded(&s, None).unwrap(), plain);
    }

    #[test]
    fn a_predictor_or_other_filter_goes_to_lopdf() {
        let plain = text(100);
        let mut s = flate_stream(zlib(&plain));
        let mut parms = Dictionary::new();
        parms.set("Predictor", 12);
        parms.set("Columns", 4);
        s.dict.set("DecodeParms", parms);
        same_as_lopdf(&s, Some(1 << 20));
        let mut hex = Stream::new(Dictionary::new(), b"48 69>".to_vec());
        hex.dict
            .set("Filter", Object::Name(b"ASCIIHexDecode".to_vec()));
        same_as_lopdf(&hex, None);
        assert_eq!(decoded(&hex, None).unwrap(), b"Hi");
    }
}
