//! English clauses read with the same rules as Japanese ones. English is
//! head-initial: the modal before the verb decides (`Provider shall use
//! commercially reasonable efforts to notify` is best effort), where Japanese
//! is decided by the predicate at the end. Subjects are the defined label
//! before the modal (`Processor shall`), and a party is defined in the
//! preamble as `Nimbus Cloud K.K. ("Provider")`.

use super::obligation::{Modality, Predicate};
use crate::rules::{Lexicon, Marker};

/// Is `text` (normalized) an English sentence?
pub fn is_english(text: &str) -> bool {
    crate::sets::language::of(text) == crate::sets::Lang::En
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// `phrase` at `start..end` of `text` stands as whole words.
pub fn whole_word(text: &str, start: usize, end: usize) -> bool {
    !text[..start].chars().next_back().is_some_and(word_char)
        && !text[end..].chars().next().is_some_and(word_char)
}

/// Verbs (and modals) that follow a subject: `Provider shall`, `Customer may`.
const AFTER_SUBJECT: [&str; 30] = [
    "shall",
    "will",
    "must",
    "may",
    "can",
    "cannot",
    "agrees",
    "agree",
    "warrants",
    "undertakes",
    "represents",
    "acknowledges",
    "is",
    "are",
    "remains",
    "has",
    "have",
    "reserves",
    "does",
    "do",
    "hereby",
    "retains",
    "bears",
    "commits",
    "accepts",
    "uses",
    "should",
    "assumes",
    "makes",
    "ensures",
];

/// A label at `start..end` of `text` is the subject of its clause: a verb
/// follows it, perhaps after an adverb (`Provider promptly shall`).
pub fn is_subject(text: &str, start: usize, end: usize) -> bool {
    if !whole_word(text, start, end) {
        return false;
    }
    let mut words = text[end..].split_whitespace();
    let mut next = words.next().unwrap_or_default();
    if next.ends_with("ly") {
        next = words.next().unwrap_or_default();
    }
    let next = next.trim_end_matches([',', '.', ';', ':']);
    AFTER_SUBJECT.iter().any(|v| next.eq_ignore_ascii_case(v))
}

/// The modal phrase governing the words matched at `matched` in an English
/// sentence: the last one before the matched words end (in the clause, cut
/// at `;`), else the first after them.
pub fn predicate(lex: &Lexicon, text: &str, matched: (usize, usize)) -> Predicate {
    let start = text[..matched.0.min(text.len())]
        .rfind(';')
        .map_or(0, |i| i + 1);
    let end = text[matched.1.min(text.len())..]
        .find(';')
        .map_or(text.len(), |i| matched.1 + i);
    let found = phrases(lex, text, start, end);
    // A definition (`"Personal Data Breach" means …`) imposes nothing.
    if found.iter().any(|f| f.2 == Marker::NonOperative) {
        return Predicate {
            modality: Modality::NonOperative,
            at: None,
        };
    }
    let chosen = found
        .iter()
        .rev()
        .find(|f| f.0 < matched.1)
        .or_else(|| found.iter().find(|f| f.0 >= matched.1));
    let Some(&(s, e, marker)) = chosen else {
        // No modal: a statement in the present tense (`Provider encrypts …`)
        // binds like a Japanese plain ending; a line without a full stop is a title.
        let stated = text.trim_end().ends_with('.') && text.split_whitespace().count() >= 3;
        return Predicate {
            modality: if stated {
                Modality::Duty
            } else {
                Modality::None
            },
            at: None,
        };
    };
    let modality = match marker {
        Marker::Denial => Modality::Negation,
        Marker::Negation => Modality::NegatedAct,
        Marker::Prohibition => Modality::Prohibition,
        Marker::BestEffort => Modality::BestEffort,
        Marker::Permission => Modality::Permission,
        Marker::Duty => Modality::Duty,
        Marker::Proviso => Modality::Proviso,
        Marker::NonOperative => Modality::NonOperative,
        Marker::Delegation => Modality::Delegation,
    };
    Predicate {
        modality,
        at: Some((s, e)),
    }
}

/// The modal phrases of `text[start..end]` as whole words, leftmost first
/// and the longest at each place (`shall not be liable` over `shall`).
fn phrases(lex: &Lexicon, text: &str, start: usize, end: usize) -> Vec<(usize, usize, Marker)> {
    let mut all: Vec<(usize, usize, Marker)> = lex
        .english
        .find_overlapping_iter(&text[start..end])
        .map(|m| {
            let marker = lex
                .english_markers
                .get(m.pattern().as_usize())
                .copied()
                .unwrap_or(Marker::Duty);
            (start + m.start(), start + m.end(), marker)
        })
        .filter(|(s, e, _)| whole_word(text, *s, *e))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<(usize, usize, Marker)> = Vec::new();
    for f in all {
        if out.last().is_none_or(|l| f.0 >= l.1) {
            out.push(f);
        }
    }
    out
}

/// Does the negation at `at` (`shall not`, `will not`) negate the
/// provision's act? Not when what it keeps out is unsafe (`shall not
/// transmit unencrypted data`): that is a safeguard. It does when the
/// matched words follow it closely (`will not notify`).
pub fn negated_act(lex: &Lexicon, text: &str, at: (usize, usize), matched: (usize, usize)) -> bool {
    let clause_end = text[at.1..]
        .find([';', ','])
        .map_or(text.len(), |i| at.1 + i);
    let clause = text[at.1..clause_end].to_ascii_lowercase();
    if lex
        .unsafe_objects
        .iter()
        .filter(|u| u.is_ascii())
        .any(|u| clause.contains(&u.to_ascii_lowercase()))
    {
        return false;
    }
    let gap = if matched.0 >= at.1 {
        text[at.1..matched.0].split_whitespace().count()
    } else {
        0
    };
    gap <= 3
}

/// `Nimbus Cloud K.K. ("Provider")`, `Suimei Medical Corporation (the
/// "Hospital")`, `(hereinafter referred to as "Customer")`: (label, name).
pub fn definitions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find('(') {
        let open = from + p;
        from = open + 1;
        let Some(close) = text[open..].find(')').map(|c| open + c) else {
            break;
        };
        let inner = text[open + 1..close].trim();
        let inner_l = inner.to_ascii_lowercase();
        let mut rest = inner;
        for lead in [
            "hereinafter referred to as",
            "hereinafter called",
            "hereinafter,",
            "hereinafter",
            "referred to as",
            "each a",
            "the",
        ] {
            if inner_l.starts_with(lead) {
                rest = inner[lead.len()..].trim_start();
                if lead != "the" {
                    rest = rest.strip_prefix("the ").unwrap_or(rest);
                }
                break;
            }
        }
        let quoted = rest
            .strip_prefix(['"', '“'])
            .and_then(|r| r.strip_suffix(['"', '”']));
        let Some(label) = quoted else {
            continue;
        };
        if label.is_empty()
            || label.chars().count() > 30
            || !label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            continue;
        }
        let before = &text[..open];
        let cut = before
            .rfind([')', ',', ';', ':'])
            .map_or(0, |i| i + 1)
            .max(
                before
                    .rfind(" between ")
                    .map_or(0, |i| i + " between ".len()),
            )
            .max(before.rfind(" by ").map_or(0, |i| i + " by ".len()));
        let mut name = before[cut..].trim();
        for lead in ["and ", "by and between ", "between ", "by "] {
            name = name.strip_prefix(lead).unwrap_or(name);
        }
        let name: String = name
            .chars()
            .rev()
            .take(80)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        out.push((label.to_string(), name.trim().to_string()));
        from = close + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize_phrase;
    use crate::rules::RuleSet;

    fn modality_at(text: &str, word: &str) -> Modality {
        let rs = RuleSet::embedded().unwrap();
        let t = normalize_phrase(text);
        let s = t.find(word).unwrap();
        predicate(&rs.lexicon, &t, (s, s + word.len())).modality
    }

    #[test]
    fn the_modal_before_the_verb_decides() {
        assert_eq!(
            modality_at(
                "Processor shall notify Controller without undue delay.",
                "notify"
            ),
            Modality::Duty
        );
        assert_eq!(
            modality_at(
                "Provider shall use commercially reasonable efforts to notify Customer.",
                "notify"
            ),
            Modality::BestEffort
        );
        assert_eq!(
            modality_at("Customer may audit Provider's compliance.", "audit"),
            Modality::Permission
        );
        assert_eq!(
            modality_at(
                "Provider shall not be liable for any failure to notify Customer.",
                "notify"
            ),
            Modality::Negation
        );
        assert_eq!(
            modality_at(
                "IN NO EVENT SHALL PROVIDER BE LIABLE FOR ANY BREACH.",
                "BREACH"
            ),
            Modality::Negation
        );
    }

    #[test]
    fn a_label_before_a_verb_is_the_subject() {
        let t = "If Customer requests, Provider shall provide the logs.";
        let c = t.find("Customer").unwrap();
        let p = t.find("Provider").unwrap();
        assert!(!is_subject(t, c, c + "Customer".len()));
        assert!(is_subject(t, p, p + "Provider".len()));
    }

    #[test]
    fn parties_defined_in_an_english_preamble() {
        let t = "This Agreement is made between Suimei Medical Corporation (the \"Hospital\") and Nimbus Cloud K.K. (\"Provider\").";
        assert_eq!(
            definitions(t),
            vec![
                (
                    "Hospital".to_string(),
                    "Suimei Medical Corporation".to_string()
                ),
                ("Provider".to_string(), "Nimbus Cloud K.K.".to_string())
            ]
        );
    }
}
