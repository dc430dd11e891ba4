//! Word 97–2003 extraction (cfb + our FIB, piece table and formatting readers):
//! any bytes end in Ok or Err.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keiyaku::extract::doc::extract(data);
});
