//! XLSX (the checks before calamine, and calamine) extraction: any bytes end in Ok or Err.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keiyaku::extract::workbook::excel::extract_xlsx(
        data,
        &keiyaku::extract::workbook::Limits::default(),
    );
});
