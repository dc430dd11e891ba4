//! Conditions of the 6.0 / 7.0 provisions that depend on the vendor:
//! 外部保存 (the vendor stores the hospital's medical information).
//!
//! The guideline's reading (editions.md, "Common rules"): assume the
//! condition holds when a document of the vendor speaks of storing data; a
//! keiyaku.toml setting for the vendor decides instead when present.

use crate::report::model::{ConditionBasis, ExternalStorage};
use crate::segment::Sentence;

/// Words that show a vendor keeps data (normalized text).
const STORAGE_WORDS: [&str; 5] = ["外部保存", "保存", "保管", "クラウド", "データセンター"];

/// Some sentence speaks of storing data.
pub fn mentions_storage(sentences: &[Sentence]) -> bool {
    sentences
        .iter()
        .any(|s| STORAGE_WORDS.iter().any(|w| s.norm.text.contains(w)))
}

/// Whether 外部保存 holds for a vendor, and on what it rests: the
/// keiyaku.toml setting first (the first of the vendor's documents that has
/// one), else the documents' wording.
pub fn external_storage(setting: Option<bool>, mentioned: bool) -> ExternalStorage {
    match setting {
        Some(holds) => ExternalStorage {
            holds,
            basis: ConditionBasis::KeiyakuToml,
        },
        None => ExternalStorage {
            holds: mentioned,
            basis: ConditionBasis::Documents,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_decides_over_the_wording() {
        assert!(!external_storage(Some(false), true).holds);
        assert!(external_storage(Some(true), false).holds);
        assert_eq!(
            external_storage(Some(true), false).basis,
            ConditionBasis::KeiyakuToml
        );
    }

    #[test]
    fn without_a_setting_the_wording_decides() {
        let e = external_storage(None, false);
        assert!(!e.holds);
        assert_eq!(e.basis, ConditionBasis::Documents);
        let doc = crate::document::Document {
            blocks: vec![crate::document::Block::paragraph(
                None,
                "乙は、甲の診療録をデータセンターに保管する。",
            )],
            ..Default::default()
        };
        assert!(mentions_storage(&crate::segment::segment(&doc)));
        let doc = crate::document::Document {
            blocks: vec![crate::document::Block::paragraph(
                None,
                "乙は、甲の端末を保守する。",
            )],
            ..Default::default()
        };
        assert!(!mentions_storage(&crate::segment::segment(&doc)));
    }
}
