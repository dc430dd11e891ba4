//! Plain-text decoding (BOM, UTF-8, detected Japanese encodings) and the text extractor.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = keiyaku::extract::text::decode(data);
    // Valid UTF-8 without a BOM, a NUL or an escape (ISO-2022-JP) is taken as is.
    if encoding_is_plain_utf8(data) {
        assert_eq!(decoded.as_bytes(), data);
    }
    let _ = keiyaku::extract::text::extract(data);
    let _ = keiyaku::extract::extract_bytes(keiyaku::discover::Format::Text, data);
});

fn encoding_is_plain_utf8(data: &[u8]) -> bool {
    let bom = data.starts_with(&[0xEF, 0xBB, 0xBF])
        || data.starts_with(&[0xFF, 0xFE])
        || data.starts_with(&[0xFE, 0xFF]);
    !bom && !data.contains(&0) && !data.contains(&0x1B) && std::str::from_utf8(data).is_ok()
}
