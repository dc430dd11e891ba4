//! 準用 with 読替え: 「前条の規定は、保守用端末を紛失した場合について準用する。
//! この場合において、同条中「障害」とあるのは「紛失」と読み替える。」 applies the
//! earlier article's sentences to a new case. Each sentence of the article
//! applied is copied into the applying article with the 読替え made (and,
//! when the 準用 names a party, with that party as its subject), so that the
//! copy is matched as the applying article's own clause.
//!
//! Written by hand: the cross-reference grammar of Japanese legal drafting
//! (前条, 前項, 前各項, 第N条第M項, 「A」とあるのは「B」と) is small and fixed.

use crate::consolidate::operations::quoted;
use crate::matching::parties::Parties;
use crate::normalize::Normalized;
use crate::segment::numbering::parse_number;
use crate::segment::{Sentence, SentenceKind};
use regex::Regex;
use std::sync::OnceLock;

/// At most this many 準用 are read in one document, this many sentences
/// copied for one, and this many in all: the copies stay bounded.
const MAX_APPLICATIONS: usize = 64;
const MAX_COPIED: usize = 256;
const MAX_TOTAL: usize = 2048;

/// Copies to insert after sentence `after`, and what they are.
#[derive(Debug, Clone)]
pub struct Application {
    pub after: usize,
    pub copies: Vec<Sentence>,
    /// 「第1条を準用（「障害」を「紛失」と読替え）」.
    pub note: String,
}

fn applies_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let n = "[0-9一二三四五六七八九十百]+";
        let one = format!("第{n}条(?:の{n})?(?:第{n}項)?");
        let refs = format!(
            "(?:前条|前項|前各項|前{n}条|{one}(?:(?:及び|並びに|、|から){one}(?:まで)?)*)"
        );
        Regex::new(&format!(
            "^(?:(?P<ref1>{refs})(?:の規定)?は、?(?P<case1>[^。]*?)(?:について|に関して|に関し|の場合に|に)、?(?:これを)?準用|(?P<case2>[^。]*?)(?:については|に関しては|には)、?(?P<ref2>{refs})の規定を(?:[^。]*?)準用)"
        ))
        .expect("static regex")
    })
}

fn article_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let n = "[0-9一二三四五六七八九十百]+";
        Regex::new(&format!(
            "第(?P<a>{n})条(?:の(?P<s>{n}))?(?:第(?P<p>{n})項)?(?P<to>まで)?"
        ))
        .expect("static regex")
    })
}

/// What a reference points to: an article label and maybe a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ref {
    article: String,
    paragraph: Option<u32>,
}

/// The articles in order of first appearance.
fn article_order(sentences: &[Sentence]) -> Vec<&str> {
    // A set beside the list: a long text has tens of thousands of articles.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    for s in sentences {
        if let Some(a) = s.article.as_deref() {
            if seen.insert(a) {
                out.push(a);
            }
        }
    }
    out
}

/// The references of `text` (前条, 第5条第2項, 第3条から第5条まで …) as
/// seen from sentence `s`.
fn resolve(text: &str, s: &Sentence, order: &[&str]) -> Vec<Ref> {
    let here = s.article.as_deref();
    let pos = here.and_then(|h| order.iter().position(|a| *a == h));
    let before = |k: usize| -> Vec<Ref> {
        let Some(p) = pos else {
            return Vec::new();
        };
        order[p.saturating_sub(k)..p]
            .iter()
            .map(|a| Ref {
                article: a.to_string(),
                paragraph: None,
            })
            .collect()
    };
    if text == "前条" {
        return before(1);
    }
    if let Some(k) = text
        .strip_prefix('前')
        .and_then(|r| r.strip_suffix('条'))
        .and_then(parse_number)
    {
        return before(k as usize);
    }
    if text == "前項" || text == "前各項" {
        let (Some(h), Some(p)) = (here, s.paragraph) else {
            return Vec::new();
        };
        let first = if text == "前項" {
            p.saturating_sub(1)
        } else {
            1
        };
        return (first.max(1)..p)
            .map(|q| Ref {
                article: h.to_string(),
                paragraph: Some(q),
            })
            .collect();
    }
    let mut out: Vec<Ref> = Vec::new();
    let mut range_from: Option<u32> = None;
    for c in article_re().captures_iter(text) {
        let (Some(a), sub) = (
            c.name("a").and_then(|m| parse_number(m.as_str())),
            c.name("s"),
        ) else {
            continue;
        };
        let sub = sub.and_then(|m| parse_number(m.as_str()));
        let label = match sub {
            Some(x) => format!("第{a}条の{x}"),
            None => format!("第{a}条"),
        };
        let paragraph = c.name("p").and_then(|m| parse_number(m.as_str()));
        // 第3条から第5条まで: the articles between too.
        if let (Some(from), true) = (range_from.take(), c.name("to").is_some()) {
            for k in from + 1..a {
                out.push(Ref {
                    article: format!("第{k}条"),
                    paragraph: None,
                });
            }
        }
        if text[c.get(0).map_or(0, |m| m.end())..].starts_with("から") {
            range_from = Some(a);
        }
        out.push(Ref {
            article: label,
            paragraph,
        });
    }
    out
}

/// The 読替え pairs (「A」とあるのは「B」と) of `text`, in order.
fn rereadings(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('「') {
        rest = &rest[i..];
        let Some((a, n)) = quoted(rest) else {
            break;
        };
        let after = &rest[n..];
        if let Some(r) = after.strip_prefix("とあるのは") {
            if let Some((b, m)) = quoted(r) {
                if !a.is_empty() {
                    out.push((a, b));
                }
                rest = &r[m..];
                continue;
            }
        }
        rest = &rest['「'.len_utf8()..];
    }
    out
}

/// `text` with every pair's A read as its B, all at once (甲 and 乙 can be
/// swapped), longest A first at each place.
pub fn reread(text: &str, pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().filter(|(a, _)| !a.is_empty()).collect();
    sorted.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some((a, b)) = sorted.iter().find(|(a, _)| rest.starts_with(a.as_str())) {
            out.push_str(b);
            i += a.len();
        } else if let Some(c) = rest.chars().next() {
            out.push(c);
            i += c.len_utf8();
        } else {
            break;
        }
    }
    out
}

/// The party label a case names as its own: 「乙について」, 「乙が…場合について」.
fn named_party(parties: &Parties, case: &str) -> Option<(String, crate::matching::parties::Role)> {
    let case = case.trim().trim_end_matches('、');
    if case.is_empty() {
        return None;
    }
    let probe = format!("{case}は");
    let n = crate::normalize::normalize_phrase(&probe);
    let subject = parties.subjects(&n).into_iter().next()?;
    Some((n.get(subject.start..subject.end)?.to_string(), subject.role))
}

/// The 準用 of a document's sentences, each with its copies.
pub fn applications(sentences: &[Sentence], parties: &Parties) -> Vec<Application> {
    // Made for the first 準用 sentence: most documents have none.
    let mut order: Option<Vec<&str>> = None;
    let mut out: Vec<Application> = Vec::new();
    let mut total = 0usize;
    for (si, s) in sentences.iter().enumerate() {
        if out.len() >= MAX_APPLICATIONS || total >= MAX_TOTAL {
            break;
        }
        if s.kind != SentenceKind::Body || !s.norm.text.contains("準用") {
            continue;
        }
        let Some(c) = applies_re().captures(&s.norm.text) else {
            continue;
        };
        let (Some(r), case) = (
            c.name("ref1").or(c.name("ref2")),
            c.name("case1")
                .or(c.name("case2"))
                .map_or("", |m| m.as_str()),
        ) else {
            continue;
        };
        let order = order.get_or_insert_with(|| article_order(sentences));
        let refs = resolve(r.as_str(), s, order);
        if refs.is_empty() {
            continue;
        }
        // The 読替え: in the 準用 sentence itself or in the sentences of the
        // same paragraph after it (「この場合において、…読み替える。」).
        let mut pairs = rereadings(&s.text);
        let mut last = si;
        for (k, t) in sentences.iter().enumerate().skip(si + 1) {
            let same = t.article == s.article && t.paragraph == s.paragraph && t.item == s.item;
            if !same || !(t.norm.text.contains("読み替え") || t.norm.text.contains("読替え"))
            {
                break;
            }
            pairs.extend(rereadings(&t.text));
            last = k;
        }
        let party = named_party(parties, case);
        let applied: Vec<usize> = (0..sentences.len())
            .filter(|&k| k != si)
            .filter(|&k| {
                let t = &sentences[k];
                matches!(t.kind, SentenceKind::Body | SentenceKind::TableRow)
                    && !t.in_definitions
                    && !t.norm.text.contains("準用")
                    && refs.iter().any(|r| {
                        t.article.as_deref() == Some(r.article.as_str())
                            && r.paragraph.is_none_or(|p| t.paragraph == Some(p))
                    })
            })
            .take(MAX_COPIED)
            .collect();
        if applied.is_empty() {
            continue;
        }
        let mut copies: Vec<Sentence> = Vec::with_capacity(applied.len());
        for &k in &applied {
            let t = &sentences[k];
            let mut own = pairs.clone();
            // The party the 準用 names takes the place of the one the
            // article binds, unless a 読替え already says who.
            if let Some((label, role)) = &party {
                let subject = parties
                    .subjects(&t.norm.text)
                    .into_iter()
                    .find(|x| x.topic)
                    .and_then(|x| Some((t.norm.text.get(x.start..x.end)?.to_string(), x.role)));
                if let Some((theirs, their_role)) = subject {
                    use crate::matching::parties::Role;
                    let said = own.iter().any(|(a, _)| *a == theirs || a == label);
                    let counterparts = matches!(
                        (their_role, *role),
                        (Role::Customer, Role::Vendor) | (Role::Vendor, Role::Customer)
                    );
                    if their_role != *role && !said {
                        if counterparts {
                            // 「甲の義務は乙について準用する」: each reads as the other.
                            own.push((theirs.clone(), label.clone()));
                            own.push((label.clone(), theirs));
                        } else {
                            own.push((format!("{theirs}は"), format!("{label}は")));
                        }
                    }
                }
            }
            let text = reread(&t.text, &own);
            copies.push(Sentence {
                page: s.page,
                article: s.article.clone(),
                heading: t.heading.as_deref().map(|h| reread(h, &own).into()),
                paragraph: s.paragraph,
                item: t.item.clone(),
                kind: t.kind,
                in_definitions: false,
                norm: Normalized::new(&text),
                text,
                // Relative to the copies; set when they are inserted.
                lead: t.lead.and_then(|l| applied.iter().position(|a| *a == l)),
                // The re-read words no longer line up with the row's cells.
                row: None,
            });
        }
        total += copies.len();
        let mut labels: Vec<String> = Vec::new();
        for r in &refs {
            let l = match r.paragraph {
                Some(p) if p > 1 => format!("{}第{p}項", r.article),
                _ => r.article.clone(),
            };
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        let mut note = format!("{}を準用", labels.join("・"));
        let mut shown: Vec<String> = Vec::new();
        if let Some((label, _)) = &party {
            shown.push(format!("{label}について"));
        }
        if !pairs.is_empty() {
            let p: Vec<String> = pairs
                .iter()
                .map(|(a, b)| format!("「{a}」を「{b}」"))
                .collect();
            shown.push(format!("{}と読替え", p.join("、")));
        }
        if !shown.is_empty() {
            note.push_str(&format!("（{}）", shown.join("、")));
        }
        out.push(Application {
            after: last,
            copies,
            note,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Document};
    use crate::rules::RuleSet;

    fn sentences(lines: &[&str]) -> Vec<Sentence> {
        crate::segment::segment(&Document {
            blocks: lines.iter().map(|l| Block::paragraph(None, *l)).collect(),
            ..Document::default()
        })
    }

    fn parties(s: &[Sentence]) -> Parties {
        let rs = RuleSet::embedded().unwrap();
        Parties::resolve(s, &rs.lexicon.parties, None, &[])
    }

    const PREAMBLE: &str = "医療法人青葉会（以下「甲」という。）と株式会社北斗（以下「乙」という。）は、次のとおり契約する。";

    #[test]
    fn the_previous_article_is_copied_with_its_rereading() {
        let s = sentences(&[
            PREAMBLE,
            "第1条（障害報告）",
            "乙は、障害が発生したときは、直ちに甲に報告しなければならない。",
            "第2条（紛失時の準用）",
            "前条の規定は、保守用端末を紛失した場合について準用する。この場合において、同条中「障害が発生した」とあるのは「保守用端末を紛失した」と読み替える。",
        ]);
        let apps = applications(&s, &parties(&s));
        assert_eq!(apps.len(), 1);
        let a = &apps[0];
        assert_eq!(a.after, 3);
        assert_eq!(a.copies.len(), 1);
        assert_eq!(
            a.copies[0].text,
            "乙は、保守用端末を紛失したときは、直ちに甲に報告しなければならない。"
        );
        assert_eq!(a.copies[0].article.as_deref(), Some("第2条"));
        assert_eq!(
            a.note,
            "第1条を準用（「障害が発生した」を「保守用端末を紛失した」と読替え）"
        );
    }

    #[test]
    fn parties_swapped_by_rereading_and_a_named_party_take_the_duty() {
        let s = sentences(&[
            PREAMBLE,
            "第5条（甲の報告）",
            "甲は、障害を発見したときは、直ちに乙に報告しなければならない。",
            "第6条（準用）",
            "前条の規定は、乙について準用する。この場合において、「甲」とあるのは「乙」と、「乙」とあるのは「甲」と読み替えるものとする。",
            "第7条（準用）",
            "第5条の規定は、乙について準用する。",
        ]);
        let apps = applications(&s, &parties(&s));
        assert_eq!(apps.len(), 2);
        assert_eq!(
            apps[0].copies[0].text,
            "乙は、障害を発見したときは、直ちに甲に報告しなければならない。"
        );
        assert_eq!(
            apps[1].copies[0].text,
            "乙は、障害を発見したときは、直ちに甲に報告しなければならない。"
        );
        assert_eq!(apps[1].note, "第5条を準用（乙について）");
    }

    #[test]
    fn references_by_number_paragraph_and_range_resolve() {
        let s = sentences(&[
            "第3条　乙は、報告する。",
            "２　乙は、記録する。",
            "第4条　乙は、保存する。",
            "第5条　乙は、廃棄する。",
            "第6条　第3条第2項及び第4条から第5条までの規定は、再委託先について準用する。",
        ]);
        let order = article_order(&s);
        let r = resolve("第3条第2項及び第4条から第5条まで", &s[4], &order);
        let got: Vec<(String, Option<u32>)> =
            r.into_iter().map(|r| (r.article, r.paragraph)).collect();
        assert_eq!(
            got,
            [
                ("第3条".to_string(), Some(2)),
                ("第4条".to_string(), None),
                ("第5条".to_string(), None)
            ]
        );
        assert_eq!(
            resolve("前項", &s[1], &order)
                .into_iter()
                .map(|r| (r.article, r.paragraph))
                .collect::<Vec<_>>(),
            [("第3条".to_string(), Some(1))]
        );
    }

    #[test]
    fn rereading_is_simultaneous() {
        let pairs = vec![
            ("甲".to_string(), "乙".to_string()),
            ("乙".to_string(), "甲".to_string()),
        ];
        assert_eq!(reread("甲は乙に報告する。", &pairs), "乙は甲に報告する。");
    }
}
