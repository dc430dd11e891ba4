//! PDF text extraction: any bytes end in Ok or Err, never a panic, a hang or
//! unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keiyaku::extract::pdf::extract(data);
});
