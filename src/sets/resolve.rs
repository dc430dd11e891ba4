//! Per vendor and provision: which findings stand once the vendor's
//! documents are read together.
//!
//! 1. A bilingual contract whose two languages read a provision differently:
//!    the language it makes prevail decides; when it names none, the weaker
//!    reading stands (the stricter one is not assumed) and both are shown.
//! 2. An instrument that prevails (a 特約 over the 約款) and speaks to the
//!    provision sets aside what the instruments it prevails over say about
//!    it: a 約款 disclaimer no longer negates what the 特約 grants, and a
//!    特約's negation beats the 約款's grant.
//!
//! What is set aside is kept for the report; everything else is decided as
//! before (present > weak > negated), by [`crate::aggregate::decide`].

use super::{language, Instrument, Lang};
use crate::matching::Strength;
use crate::report::model::{Derived, DerivedKind, Evidence, Languages, Status};
use std::sync::Arc;

/// One instrument prevailing over others, as a vendor's documents resolve it.
#[derive(Debug, Clone)]
struct Edge {
    winner: usize,
    /// The documents it prevails over; empty: every other document.
    losers: Vec<usize>,
    label: Arc<str>,
}

impl Edge {
    fn beats(&self, d: usize) -> bool {
        d != self.winner && (self.losers.is_empty() || self.losers.contains(&d))
    }
}

/// Priority clauses kept per vendor: far above any real set of contracts,
/// and a bound on the work per provision for a hostile archive.
const MAX_EDGES: usize = 64;

/// The vendor's documents and the priorities among them.
#[derive(Debug, Default)]
pub struct Sets {
    /// Each part's index by its document's path (as the evidence names it)
    /// and its annex (None: the body).
    paths: std::collections::HashMap<(Arc<str>, Option<Arc<str>>), usize>,
    edges: Vec<Edge>,
    /// Documents whose two languages are compared: a bilingual document,
    /// or a document and its translation kept in a file of its own.
    bilingual: Vec<Vec<usize>>,
    /// The governing language a document states, else one stated anywhere
    /// in the vendor's documents.
    governing: Vec<Option<(Lang, Option<String>)>>,
    /// Documents another attaches for reference only, by path: why, for the
    /// evidence. What they say gives `weak` at most.
    for_reference: std::collections::HashMap<Arc<str>, Arc<Derived>>,
}

/// Provision findings after the set is read as one text.
#[derive(Debug, Default)]
pub struct Decided {
    pub hits: Vec<(Strength, Evidence)>,
    pub set_aside: Vec<Evidence>,
    pub languages: Option<Languages>,
}

/// Words that name the same kind of instrument.
const GROUPS: [&[&str]; 7] = [
    &[
        "約款",
        "規約",
        "利用規約",
        "利用約款",
        "サービス約款",
        "Terms",
    ],
    &[
        "特約",
        "特約条項",
        "特則",
        "特記事項",
        "個人情報取扱特記事項",
    ],
    &["個別契約", "個別規定", "個別約定", "注文書", "申込書"],
    &["覚書", "変更契約", "合意書", "Amendment"],
    &["SLA", "サービスレベル合意書", "サービスレベル"],
    &["DPA", "Addendum", "Data Processing"],
    &[
        "別紙",
        "別記",
        "別表",
        "付属書",
        "附属書",
        "Schedule",
        "Annex",
    ],
];
/// A base contract: 契約 in its name and none of the special instruments'.
const CONTRACT: [&str; 7] = [
    "基本契約",
    "原契約",
    "親契約",
    "元契約",
    "契約書",
    "契約",
    "Agreement",
];
const NOT_BASE: [&str; 10] = [
    "特約",
    "覚書",
    "特記事項",
    "個別契約",
    "変更契約",
    "DPA",
    "Addendum",
    "Data Processing",
    "約款",
    "規約",
];

/// Does a document whose names (title and file name, ASCII in lower case)
/// are `names` go by the instrument word `word`?
fn names_instrument(names: &str, word: &str) -> bool {
    let has = |w: &str| names.contains(&w.to_ascii_lowercase());
    if CONTRACT.contains(&word) {
        return (has(word) || has("契約") || has("Agreement")) && !NOT_BASE.iter().any(|n| has(n));
    }
    has(word)
        || GROUPS
            .iter()
            .find(|g| g.contains(&word))
            .is_some_and(|g| g.iter().any(|w| has(w)))
}

impl Sets {
    pub fn new(docs: &[Instrument]) -> Sets {
        // Bodies first, then the annexes bound into them: a document of its own
        // is named before an annex of the same name.
        let parts: Vec<Vec<Instrument>> = docs.iter().map(Instrument::parts).collect();
        let docs: Vec<Instrument> = parts
            .iter()
            .filter_map(|p| p.first().cloned())
            .chain(parts.iter().flat_map(|p| p.iter().skip(1).cloned()))
            .collect();
        let docs = docs.as_slice();
        let find = |from: usize, m: &super::priority::Mention| -> Option<usize> {
            let others = || (0..docs.len()).filter(move |j| *j != from);
            if m.this {
                if names_instrument(&docs[from].names, &m.word)
                    || !CONTRACT.contains(&m.word.as_str())
                {
                    return Some(from);
                }
                // 本契約 in a 特約: the contract the 特約 is attached to.
                return others()
                    .find(|j| names_instrument(&docs[*j].names, &m.word))
                    .or(Some(from));
            }
            // The exact word first (特記事項), then its kind (約款 for 規約).
            others()
                .find(|j| docs[*j].names.contains(&m.word.to_ascii_lowercase()))
                .or_else(|| others().find(|j| names_instrument(&docs[*j].names, &m.word)))
        };
        let mut edges = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            for st in &d.priorities {
                let p = &st.priority;
                let Some(w) = find(i, &p.winner) else {
                    continue;
                };
                let mut losers: Vec<usize> = p
                    .losers
                    .iter()
                    .filter_map(|m| find(i, m))
                    .filter(|l| *l != w)
                    .collect();
                losers.sort_unstable();
                losers.dedup();
                if edges.len() >= MAX_EDGES {
                    break;
                }
                let lw: Vec<String> = p.losers.iter().map(shown).collect();
                let lw = if lw.is_empty() {
                    "他の文書".to_string()
                } else {
                    dedup_join(lw)
                };
                let clause = st.clause.clone().unwrap_or_default();
                let label = if w == i {
                    format!("{}{clause}（{lw}に優先）", p.winner.word)
                } else {
                    let by = p
                        .losers
                        .iter()
                        .find(|m| m.this)
                        .map(|m| format!("本{}", m.word))
                        .unwrap_or_default();
                    format!("{}（{by}{clause}により{lw}に優先）", p.winner.word)
                };
                edges.push(Edge {
                    winner: w,
                    losers,
                    label: label.into(),
                });
            }
        }
        // Two instruments each claiming to prevail over the other settle nothing.
        let contested: Vec<bool> = edges
            .iter()
            .map(|e| {
                edges
                    .iter()
                    .any(|o| o.winner != e.winner && o.beats(e.winner) && e.beats(o.winner))
            })
            .collect();
        let mut keep = contested.iter().map(|c| !c);
        edges.retain(|_| keep.next().unwrap_or(false));
        let any_governing = docs.iter().find_map(|d| d.governing.clone());
        let mut for_reference = std::collections::HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            for (name, clause) in &d.references {
                let named = |j: &usize| {
                    let o = &docs[*j];
                    *j != i
                        && o.part.is_none()
                        && o.path != d.path
                        && (o.names.contains(name.as_str())
                            || (o.stem.chars().count() >= 3 && name.contains(o.stem.as_str())))
                };
                if let Some(j) = (0..docs.len()).find(named) {
                    let clause = clause.as_deref().unwrap_or_default();
                    for_reference
                        .entry(Arc::clone(&docs[j].path))
                        .or_insert_with(|| {
                            Arc::new(Derived {
                                kind: DerivedKind::Reference,
                                note: format!(
                                    "{clause}で参考資料として添付（合意した内容ではない）"
                                ),
                                path: Some(Arc::clone(&d.path)),
                            })
                        });
                }
            }
        }
        Sets {
            for_reference,
            paths: docs
                .iter()
                .enumerate()
                .map(|(i, d)| ((Arc::clone(&d.path), d.part.clone()), i))
                .collect(),
            edges,
            bilingual: bilingual_groups(docs),
            governing: docs
                .iter()
                .map(|d| d.governing.clone().or_else(|| any_governing.clone()))
                .collect(),
        }
    }

    fn doc_of(&self, e: &Evidence) -> Option<usize> {
        self.paths.get(&(e.path.clone(), e.part.clone())).copied()
    }

    /// Which of one provision's findings stand.
    pub fn decide(&self, hits: Vec<(Strength, Evidence)>) -> Decided {
        let mut out = Decided {
            hits,
            ..Decided::default()
        };
        for (s, ev) in out.hits.iter_mut() {
            if let Some(why) = self.for_reference.get(&ev.path) {
                if *s == Strength::Present {
                    *s = Strength::Weak;
                    ev.strength = Status::Weak;
                }
                ev.derived.get_or_insert_with(|| Arc::clone(why));
            }
        }
        if self.edges.is_empty() && self.bilingual.is_empty() {
            return out;
        }
        for group in &self.bilingual {
            self.languages(group, &mut out);
        }
        for e in &self.edges {
            // The winner's best clause on the provision; nothing to decide if it is silent.
            let Some((wbest, wbasis)) = out
                .hits
                .iter()
                .filter(|(s, ev)| *s > Strength::None && self.doc_of(ev) == Some(e.winner))
                .max_by_key(|(s, _)| *s)
                .map(|(s, ev)| (*s, ev.basis))
            else {
                continue;
            };
            let lbest = out
                .hits
                .iter()
                .filter(|(s, ev)| {
                    *s > Strength::None && self.doc_of(ev).is_some_and(|d| e.beats(d))
                })
                .map(|(s, _)| *s)
                .max();
            let Some(lbest) = lbest.filter(|l| conflicts(wbest, wbasis, *l)) else {
                continue;
            };
            let (losers, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut out.hits)
                .into_iter()
                .partition(|(_, ev)| self.doc_of(ev).is_some_and(|d| e.beats(d)));
            out.hits = kept;
            if let Some((_, ev)) = losers.iter().find(|(s, _)| *s == lbest) {
                out.set_aside.push(ev.clone());
            }
            for (_, ev) in out.hits.iter_mut() {
                if self.doc_of(ev) == Some(e.winner) && ev.prevailing.is_none() {
                    ev.prevailing = Some(Arc::clone(&e.label));
                }
            }
        }
        out
    }

    /// The two languages of bilingual documents `group` read differently:
    /// keep the governing one, else the weaker.
    fn languages(&self, group: &[usize], out: &mut Decided) {
        let of_group = |e: &Evidence| self.doc_of(e).is_some_and(|d| group.contains(&d));
        let best = |lang: Lang| {
            out.hits
                .iter()
                .filter(|(s, e)| {
                    *s > Strength::None && of_group(e) && language::of(&e.text) == lang
                })
                .map(|(s, _)| *s)
                .max()
        };
        let (Some(ja), Some(en)) = (best(Lang::Ja), best(Lang::En)) else {
            return;
        };
        if ja == en {
            return;
        }
        let governing = group
            .iter()
            .find_map(|d| self.governing.get(*d).cloned().flatten());
        let keep = match &governing {
            Some((l, _)) => *l,
            None if ja < en => Lang::Ja,
            None => Lang::En,
        };
        let dropped_best = if keep == Lang::Ja { en } else { ja };
        let (dropped, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut out.hits)
            .into_iter()
            .partition(|(_, e)| of_group(e) && language::of(&e.text) != keep);
        out.hits = kept;
        if let Some((_, e)) = dropped.iter().find(|(s, _)| *s == dropped_best) {
            out.set_aside.push(e.clone());
        }
        out.languages = Some(Languages {
            ja: status(ja),
            en: status(en),
            governing: governing.as_ref().map(|g| g.0),
            clause: governing.and_then(|g| g.1),
        });
    }
}

/// Each bilingual document on its own, and each pair of a Japanese and an
/// English document whose file names differ only by a language tag.
fn bilingual_groups(docs: &[Instrument]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = (0..docs.len())
        .filter(|i| docs[*i].bilingual)
        .map(|i| vec![i])
        .collect();
    for (i, a) in docs.iter().enumerate() {
        if a.bilingual || a.lang != Some(Lang::Ja) || a.stem.is_empty() {
            continue;
        }
        if let Some(j) = docs
            .iter()
            .position(|b| !b.bilingual && b.lang == Some(Lang::En) && b.stem == a.stem)
        {
            groups.push(vec![i, j]);
        }
    }
    // Like priority clauses, bounded for a hostile archive.
    groups.truncate(MAX_EDGES * 4);
    groups
}

/// Do the prevailing instrument's reading (`winner`, on `basis`) and the
/// other's (`loser`) differ so that one must give way? A grant against a
/// negation does, either way round; a duty softened to 努める or できる by the
/// prevailing instrument does. A weak reading on other grounds (approval
/// only, one case of several) sits beside the other's duty without undoing it.
fn conflicts(winner: Strength, basis: crate::matching::Basis, loser: Strength) -> bool {
    use crate::matching::Basis;
    match (winner, loser) {
        (Strength::Negated, l) => l > Strength::Negated,
        (w, Strength::Negated) => w > Strength::Negated,
        (Strength::Weak, Strength::Present) => {
            matches!(basis, Basis::BestEffort | Basis::Permission)
        }
        _ => false,
    }
}

fn status(s: Strength) -> Status {
    match s {
        Strength::Present => Status::Present,
        Strength::Weak => Status::Weak,
        Strength::Negated => Status::Negated,
        Strength::None => Status::Missing,
    }
}

fn shown(m: &super::priority::Mention) -> String {
    if m.this && !m.word.is_ascii() {
        format!("本{}", m.word)
    } else {
        m.word.clone()
    }
}

fn dedup_join(mut v: Vec<String>) -> String {
    let mut seen = Vec::new();
    v.retain(|x| {
        let new = !seen.contains(x);
        seen.push(x.clone());
        new
    });
    v.join("・")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sets::priority;
    use crate::sets::Stated;

    fn ev(path: &str, text: &str, s: Status) -> Evidence {
        Evidence::sample(path, text, s)
    }

    fn doc(path: &str, names: &str, stated: &[&str]) -> Instrument {
        Instrument {
            path: path.into(),
            names: names.into(),
            priorities: stated
                .iter()
                .filter_map(|t| priority::read(&crate::normalize::normalize_phrase(t)))
                .map(|p| Stated {
                    priority: p,
                    clause: Some("第3条".into()),
                    sentence: 0,
                })
                .collect(),
            ..Instrument::default()
        }
    }

    fn status_of(d: &Decided) -> Status {
        crate::aggregate::decide(&d.hits, true).0
    }

    #[test]
    fn a_special_agreement_that_grants_beats_the_terms_disclaimer_and_the_reverse() {
        let docs = [
            doc("V/約款.txt", "クラウドサービス利用約款 約款", &[]),
            doc(
                "V/特約.txt",
                "個人情報の取扱いに関する特約 特約",
                &["本特約と約款の定めが異なるときは、本特約が優先する。"],
            ),
        ];
        let sets = Sets::new(&docs);
        // The 特約 grants what the 約款 disclaims.
        let d = sets.decide(vec![
            (
                Strength::Negated,
                ev("V/約款.txt", "責任を負いません", Status::Negated),
            ),
            (
                Strength::Present,
                ev("V/特約.txt", "報告する", Status::Present),
            ),
        ]);
        assert_eq!(status_of(&d), Status::Present);
        assert_eq!(
            d.hits[0].1.prevailing.as_deref(),
            Some("特約第3条（約款に優先）")
        );
        assert_eq!(d.set_aside.len(), 1);
        // The 特約 negates what the 約款 grants: the negation decides.
        let d = sets.decide(vec![
            (
                Strength::Present,
                ev("V/約款.txt", "報告します", Status::Present),
            ),
            (
                Strength::Negated,
                ev("V/特約.txt", "報告しない", Status::Negated),
            ),
        ]);
        assert_eq!(status_of(&d), Status::Negated);
        // Where the 特約 is silent, the 約款 stands.
        let d = sets.decide(vec![(
            Strength::Present,
            ev("V/約款.txt", "報告します", Status::Present),
        )]);
        assert_eq!(status_of(&d), Status::Present);
        assert!(d.set_aside.is_empty());
    }

    #[test]
    fn a_base_contract_naming_its_annex_as_prevailing() {
        let docs = [
            doc(
                "V/業務委託契約書.docx",
                "業務委託契約書 業務委託契約書",
                &["本契約と特記事項の内容が矛盾する場合は、特記事項の定めによる。"],
            ),
            doc("V/特記事項.docx", "個人情報の取扱いに関する特記事項", &[]),
        ];
        let sets = Sets::new(&docs);
        let weak = |basis| Evidence {
            basis,
            ..ev("V/特記事項.docx", "b", Status::Weak)
        };
        let d = sets.decide(vec![
            (
                Strength::Present,
                ev("V/業務委託契約書.docx", "a", Status::Present),
            ),
            (Strength::Weak, weak(crate::matching::Basis::BestEffort)),
        ]);
        assert_eq!(status_of(&d), Status::Weak);
        assert_eq!(
            d.hits[0].1.prevailing.as_deref(),
            Some("特記事項（本契約第3条により本契約に優先）")
        );
        // Approval only in the annex sits beside the contract's duty.
        let d = sets.decide(vec![
            (
                Strength::Present,
                ev("V/業務委託契約書.docx", "a", Status::Present),
            ),
            (Strength::Weak, weak(crate::matching::Basis::Qualified)),
        ]);
        assert_eq!(status_of(&d), Status::Present);
        assert!(d.set_aside.is_empty());
    }

    #[test]
    fn an_annex_bound_into_the_contract_can_be_the_one_that_prevails() {
        let mut contract = doc(
            "V/業務委託契約書.pdf",
            "業務委託契約書",
            &["本契約と特記事項の内容が矛盾する場合は、特記事項の定めによる。"],
        );
        contract.annexes = vec![(40, "別記 個人情報取扱特記事項".into())];
        let sets = Sets::new(&[contract]);
        let annex = Evidence {
            part: Some("別記 個人情報取扱特記事項".into()),
            ..ev(
                "V/業務委託契約書.pdf",
                "乙は、…報告しない。",
                Status::Negated,
            )
        };
        let d = sets.decide(vec![
            (
                Strength::Present,
                ev("V/業務委託契約書.pdf", "乙は、報告する。", Status::Present),
            ),
            (Strength::Negated, annex),
        ]);
        assert_eq!(status_of(&d), Status::Negated);
        assert_eq!(d.set_aside.len(), 1);
    }

    #[test]
    fn languages_that_differ_follow_the_governing_language_else_the_weaker() {
        let mut d0 = doc("V/DPA.docx", "DPA", &[]);
        d0.bilingual = true;
        d0.lang = Some(Lang::Ja);
        let hits = || {
            vec![
                (
                    Strength::Present,
                    ev("V/DPA.docx", "乙は、直ちに甲に報告する。", Status::Present),
                ),
                (
                    Strength::Weak,
                    ev(
                        "V/DPA.docx",
                        "Processor shall use reasonable efforts to notify Controller.",
                        Status::Weak,
                    ),
                ),
            ]
        };
        let d = Sets::new(std::slice::from_ref(&d0)).decide(hits());
        assert_eq!(status_of(&d), Status::Weak);
        let l = d.languages.unwrap();
        assert_eq!(
            (l.ja, l.en, l.governing),
            (Status::Present, Status::Weak, None)
        );
        d0.governing = Some((Lang::Ja, Some("第20条".into())));
        let d = Sets::new(&[d0]).decide(hits());
        assert_eq!(status_of(&d), Status::Present);
        assert!(d
            .languages
            .unwrap()
            .note_ja()
            .contains("第20条により日本語が正文"));
    }
}
