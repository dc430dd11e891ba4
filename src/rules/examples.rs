//! Inline `[[example]]`s of a provision: each is read as a one-article
//! contract between 甲 (customer) and 乙 (vendor) and must get its expected
//! status. Run by `keiyaku rules test` and by `cargo test`.

use super::RuleSet;
use crate::document::{Block, Document};
use crate::matching::{self, parties::Parties, Strength};
use crate::segment;

/// Status one provision's inline example gets, read as a one-clause contract
/// between 甲 (customer) and 乙 (vendor).
pub fn status(
    rules: &RuleSet,
    provision: usize,
    text: &str,
    heading: Option<&str>,
) -> &'static str {
    let mut blocks = Vec::new();
    let head = match heading {
        Some(h) => format!("第1条（{h}）"),
        None => "第1条".to_string(),
    };
    blocks.push(Block::paragraph(None, head));
    blocks.push(Block::paragraph(None, text));
    let doc = Document {
        blocks,
        ..Document::default()
    };
    let sentences = segment::segment(&doc);
    let parties = Parties::resolve(&sentences, &rules.lexicon.parties, None, &[]);
    let best = matching::match_sentences(rules, &sentences, &parties)
        .into_iter()
        .filter(|h| h.provision == provision)
        .map(|h| h.strength)
        .max()
        .unwrap_or(Strength::None);
    match best {
        Strength::Present => "present",
        Strength::Weak => "weak",
        Strength::Negated => "negated",
        Strength::None => "missing",
    }
}
