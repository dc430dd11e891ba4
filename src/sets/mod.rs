//! A vendor's documents read as one legal text: which instrument prevails
//! where they differ (a 特約 over the 約款, a base contract's 特記事項 over its
//! body), and which language prevails in a bilingual contract.
//!
//! Each document is read for what it says of itself ([`Instrument`]) while
//! its sentences are at hand; [`resolve`] then decides, per vendor and
//! provision, which findings stand.

pub mod language;
pub mod priority;
pub mod reference;
pub mod resolve;

use crate::segment::{Sentence, SentenceKind};
use aho_corasick::AhoCorasick;
pub use language::Lang;
use std::sync::OnceLock;

/// What one document says about its place among the vendor's documents.
#[derive(Debug, Clone, Default)]
pub struct Instrument {
    /// The document's path as the evidence names it.
    pub path: std::sync::Arc<str>,
    /// Its title and file name, normalized: what other documents' clauses
    /// name it by (約款, 特記事項, 個別契約).
    pub names: String,
    /// Clauses stating that an instrument prevails.
    pub priorities: Vec<Stated>,
    /// The language the document says prevails, and where it says so.
    pub governing: Option<(Lang, Option<String>)>,
    /// Both languages carry clauses.
    pub bilingual: bool,
    /// The language most of its clauses are in.
    pub lang: Option<Lang>,
    /// Its file name without the extension and without a language tag
    /// (契約書_en, DPA（英語版）): a translation kept in a file of its own has the same.
    pub stem: String,
    /// Annexes bound into the document after its articles (別記 個人情報取扱特記事項,
    /// 別紙1): the sentence each starts at and its name. A clause may make one prevail.
    pub annexes: Vec<(usize, std::sync::Arc<str>)>,
    /// For an annex read as an instrument of its own ([`resolve`]): its name.
    pub part: Option<std::sync::Arc<str>>,
    /// Documents it attaches for reference only ([`reference`]): each one's
    /// name (lower case) and the clause saying so.
    pub references: Vec<(String, Option<String>)>,
}

impl Instrument {
    /// The document's body and each annex, as instruments of their own: the
    /// priority clauses go with the part that states them.
    pub fn parts(&self) -> Vec<Instrument> {
        let mut body = Instrument {
            annexes: Vec::new(),
            ..self.clone()
        };
        body.priorities
            .retain(|st| self.part_of(st.sentence).is_none());
        let annexes = self.annexes.iter().map(|(_, name)| Instrument {
            path: std::sync::Arc::clone(&self.path),
            names: name.to_string(),
            priorities: self
                .priorities
                .iter()
                .filter(|st| self.part_of(st.sentence).as_ref() == Some(name))
                .cloned()
                .collect(),
            part: Some(std::sync::Arc::clone(name)),
            ..Instrument::default()
        });
        std::iter::once(body).chain(annexes).collect()
    }

    /// The annex sentence `si` belongs to, if any.
    pub fn part_of(&self, si: usize) -> Option<std::sync::Arc<str>> {
        self.annexes
            .iter()
            .rev()
            .find(|(start, _)| *start <= si)
            .map(|(_, name)| std::sync::Arc::clone(name))
    }
}

/// Annexes kept per document.
const MAX_ANNEXES: usize = 16;

/// A heading line that starts an annex: 別記, 別紙1, （別記）個人情報取扱特記事項.
fn annex_name(s: &Sentence) -> Option<&str> {
    let t = s.norm.text.trim_start_matches('(');
    let starts = ["別紙", "別記", "別添", "付属書", "附属書"]
        .iter()
        .any(|w| t.starts_with(w));
    let names = ["特記事項", "特約条項"].iter().any(|w| t.ends_with(w));
    (s.kind == SentenceKind::Heading && t.chars().count() <= 30 && (starts || names))
        .then_some(s.norm.text.as_str())
}

/// A priority clause and where it stands (第3条).
#[derive(Debug, Clone)]
pub struct Stated {
    pub priority: priority::Priority,
    pub clause: Option<String>,
    /// The sentence stating it (for the annex it stands in).
    pub sentence: usize,
}

/// Sentences of each language needed before a document counts as bilingual.
const BILINGUAL_MIN: usize = 3;

/// Read a document's instrument facts from its sentences; `file_stem` is its
/// file name without extension.
pub fn read(path: std::sync::Arc<str>, file_stem: &str, sentences: &[Sentence]) -> Instrument {
    let title = sentences
        .iter()
        .take(6)
        .find(|s| {
            matches!(s.kind, SentenceKind::Heading | SentenceKind::Preamble)
                && s.text.chars().count() <= 40
        })
        .map(|s| s.norm.text.as_str())
        .unwrap_or_default();
    let mut out = Instrument {
        path,
        // English names in any case (DATA PROCESSING ADDENDUM, dpa.pdf).
        names: format!("{title} {}", crate::normalize::normalize_phrase(file_stem))
            .to_ascii_lowercase(),
        ..Instrument::default()
    };
    let (mut ja, mut en) = (0usize, 0usize);
    let mut seen_article = false;
    for (si, s) in sentences.iter().enumerate() {
        if seen_article && out.annexes.len() < MAX_ANNEXES {
            if let Some(name) = annex_name(s) {
                out.annexes
                    .push((si, name.to_ascii_lowercase().as_str().into()));
            }
        }
        seen_article |= s.article.is_some();
        if !matches!(
            s.kind,
            SentenceKind::Body | SentenceKind::Preamble | SentenceKind::TableRow
        ) {
            continue;
        }
        let t = s.norm.text.as_str();
        match language::of(t) {
            Lang::Ja => ja += 1,
            Lang::En => en += 1,
        }
        if is_language_clause(t) {
            if let Some(l) = language::governing(t) {
                out.governing.get_or_insert((l, s.clause()));
                continue;
            }
        }
        if let Some(name) = reference::read(t) {
            if out.references.len() < 16 {
                out.references.push((name, s.clause()));
            }
        }
        if let Some(p) = priority::read(t) {
            if out.priorities.len() < 16 {
                out.priorities.push(Stated {
                    priority: p,
                    clause: s.clause(),
                    sentence: si,
                });
            }
        }
    }
    out.bilingual = ja >= BILINGUAL_MIN && en >= BILINGUAL_MIN;
    out.lang = match (ja, en) {
        (0, 0) => None,
        (j, e) if j >= e => Some(Lang::Ja),
        _ => Some(Lang::En),
    };
    out.stem = without_language_tag(file_stem);
    out
}

/// A file stem without its language tag: `dpa_en` and `DPA（日本語版）` are both `dpa`.
fn without_language_tag(stem: &str) -> String {
    let mut s = crate::normalize::normalize_phrase(stem).to_ascii_lowercase();
    for tag in [
        "日本語版",
        "英語版",
        "日本語訳",
        "英語訳",
        "和訳",
        "英訳",
        "和文",
        "英文",
        "日本語",
        "英語",
        "japanese",
        "english",
    ] {
        s = s.replace(tag, "");
    }
    let mut s = s.trim_matches(|c: char| " _-()[].".contains(c)).to_string();
    for tag in [
        "_ja", "_jp", "_en", "-ja", "-jp", "-en", ".ja", ".en", " ja", " en",
    ] {
        if let Some(t) = s.strip_suffix(tag) {
            s = t.to_string();
        }
    }
    s.trim_matches(|c: char| " _-()[].".contains(c)).to_string()
}

/// The sentence speaks of language versions (正文, 英語版, "English version").
fn is_language_clause(t: &str) -> bool {
    // One automaton per word list, in any case, built once: most sentences
    // name no language, and are done after one pass.
    static NAMES: OnceLock<AhoCorasick> = OnceLock::new();
    static VERSIONS: OnceLock<AhoCorasick> = OnceLock::new();
    let automaton = |words: &[&str]| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(words)
            .expect("static language words")
    };
    NAMES
        .get_or_init(|| automaton(&["日本語", "英語", "和文", "英文", "japanese", "english"]))
        .is_match(t)
        && VERSIONS
            .get_or_init(|| {
                automaton(&[
                    "正文", "正本", "版", "version", "language", "翻訳", "訳文", "text",
                ])
            })
            .is_match(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translations_file_name_matches_its_originals_without_the_language_tag() {
        assert_eq!(without_language_tag("DPA_en"), "dpa");
        assert_eq!(without_language_tag("DPA（日本語版）"), "dpa");
        assert_eq!(
            without_language_tag("データ処理契約書-EN"),
            "データ処理契約書"
        );
        assert_eq!(without_language_tag("データ処理契約書"), "データ処理契約書");
    }

    #[test]
    fn a_document_reads_its_priority_and_governing_language_clauses() {
        let doc = crate::document::Document {
            blocks: [
                "個人情報の取扱いに関する特約",
                "第1条（約款との関係）",
                "本特約と約款の定めが異なるときは、本特約が優先する。",
                "第9条（正文）",
                "本特約は、日本語を正文とする。",
            ]
            .iter()
            .map(|t| crate::document::Block::paragraph(None, *t))
            .collect(),
            ..Default::default()
        };
        let sentences = crate::segment::segment(&doc);
        let i = read("V/特約.txt".into(), "特約", &sentences);
        assert!(i.names.contains("特約"));
        assert_eq!(i.priorities.len(), 1);
        assert_eq!(i.priorities[0].clause.as_deref(), Some("第1条"));
        assert_eq!(i.governing, Some((Lang::Ja, Some("第9条".to_string()))));
        assert_eq!(i.lang, Some(Lang::Ja));
        assert!(!i.bilingual);
    }
}
