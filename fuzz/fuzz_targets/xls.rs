//! XLS (the compound-file and BIFF checks before calamine, and calamine behind
//! catch_unwind) extraction: any bytes end in Ok or Err.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keiyaku::extract::workbook::xls::extract_xls(
        data,
        &keiyaku::extract::workbook::Limits::default(),
    );
});
