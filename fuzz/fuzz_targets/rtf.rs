//! RTF (our tokenizer and group stack) extraction: any bytes end in Ok or Err.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keiyaku::extract::rtf::extract(data);
});
