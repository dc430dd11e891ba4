//! `keiyaku.toml`: the in-memory parse and `FolderConfig::load` on a real
//! folder. Both end in Ok or Err, never a panic.
#![no_main]

use keiyaku::config::{closest, FolderConfig};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// One folder for the whole run (a new one per input would measure mkdir).
fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(cfg) = toml::from_str::<FolderConfig>(text) {
            for vendor in cfg.vendors.keys() {
                let _ = cfg.overrides(vendor);
            }
        }
    }
    let root = dir().path();
    std::fs::write(root.join("keiyaku.toml"), data).expect("write keiyaku.toml");
    let canonical = std::fs::canonicalize(root).expect("canonical root");
    if let Ok(cfg) = FolderConfig::load(root, &canonical) {
        // The "did you mean" hint for a vendor name that matches no folder.
        let known: Vec<String> = KNOWN.iter().map(|s| s.to_string()).collect();
        let names: Vec<String> = cfg.vendors.keys().take(64).cloned().collect();
        for vendor in &names {
            let _ = cfg.overrides(vendor);
            let _ = closest(vendor, &known);
        }
        let _ = closest("株式会社東雲メディカル", &names);
    }
});

const KNOWN: &[&str] = &[
    "株式会社東雲メディカル",
    "港北ITサービス",
    "瀬田データサービス",
    "さくらメディカルクラウド",
];
