//! ODS (zip + streamed quick-xml) extraction: any bytes end in Ok or Err.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ =
        keiyaku::extract::odf::sheet::extract(data, &keiyaku::extract::workbook::Limits::default());
});
