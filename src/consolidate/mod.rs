//! A vendor's contracts as one legal text: amending instruments (変更覚書,
//! 変更契約書) recognised ([`instrument`]), their operations read
//! ([`operations`]) and applied in date order to the contract they amend
//! ([`apply`]), so that provisions are decided on the contract as amended.
//!
//! The application works on the extracted blocks (lines) of the amended
//! contract, before it is split into sentences: the amended text is then
//! segmented and matched like any document, and each of its lines knows the
//! change that made it, for the evidence and for `keiyaku text --consolidated`.

pub mod apply;
pub mod comparison;
pub mod dates;
pub mod instrument;
pub mod operations;

pub use apply::{Applied, Consolidated, Line, Step, Unresolved};

/// The contract's text as amended: its lines that are still the contract's
/// (a deleted article's marker line is not), and the line each block is.
pub fn amended_blocks(lines: &[Line]) -> (Vec<Block>, Vec<usize>) {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.gone)
        .map(|(i, l)| (l.block.clone(), i))
        .unzip()
}
pub use instrument::{Citation, Instrument};

use crate::document::Block;
use crate::report::model::Derived;
use std::sync::Arc;

/// Where a sentence of a matched document came from, when it is not the
/// document's own text as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Made by an amendment or read from another article (準用): the
    /// evidence says so.
    Derived(Arc<Derived>),
    /// In an article a change could not be applied to: what it says now is
    /// not known, so it decides nothing and its provisions are unknown.
    Uncertain,
}

/// The document has articles (第N条): only such a document is amended
/// article by article.
pub fn has_articles(blocks: &[Block]) -> bool {
    blocks
        .iter()
        .any(|b| operations::ArticleNo::label_at(&b.display_text()).is_some())
}

/// A document an instrument may amend: its name as the report gives it and its text.
pub struct Candidate<'a> {
    pub name: &'a str,
    pub blocks: &'a [Block],
}

/// The title a document gives itself: its first short line without 。.
fn title(blocks: &[Block]) -> Option<String> {
    blocks
        .iter()
        .map(|b| b.display_text())
        .find(|t| !t.trim().is_empty())
        .filter(|t| t.chars().count() <= 60 && !t.contains('。'))
}

/// A title reduced to what identifies it: normalized, without 書, spaces,
/// brackets or a file extension.
fn core(s: &str) -> String {
    let stem = match s.rsplit_once('.') {
        Some((stem, ext)) if ext.len() <= 5 && ext.is_ascii() => stem,
        _ => s,
    };
    let stem = stem.rsplit('/').next().unwrap_or(stem);
    crate::normalize::normalize_phrase(stem)
        .chars()
        .filter(|c| !matches!(c, '書' | ' ' | '「' | '」' | '『' | '』' | '_' | '-'))
        .collect()
}

fn similar(a: &str, b: &str) -> bool {
    a.chars().count() >= 2
        && b.chars().count() >= 2
        && (a.contains(b) || b.contains(a) || strsim::normalized_levenshtein(a, b) >= 0.75)
}

/// 「保守委託契約書」（2024年4月1日付）, as a note names a citation.
fn describe(c: &Citation) -> String {
    let date = c
        .date
        .map(|d| format!("（{}年{}月{}日付）", d.year, d.month, d.day))
        .unwrap_or_default();
    match &c.title {
        Some(t) => format!("「{t}」{date}"),
        None => format!("契約{date}"),
    }
}

/// The candidate an instrument amends, by the title and date it cites; the
/// only candidate when it cites neither. Never a guess: a citation that fits
/// no document, or fits several equally, is the reason why not.
pub fn choose_base(cites: &Citation, candidates: &[Candidate]) -> Result<usize, String> {
    if candidates.is_empty() {
        return Err(format!(
            "改正する{}がこの事業者の文書にない",
            describe(cites)
        ));
    }
    if cites.title.is_none() && cites.date.is_none() {
        return match candidates {
            [_] => Ok(0),
            _ => Err("改正する契約を特定できない（契約書が複数あり、契約名の記載がない）".into()),
        };
    }
    let cited = cites.title.as_deref().map(core);
    let scores: Vec<u8> = candidates
        .iter()
        .map(|c| {
            let by_title = cited.as_deref().is_some_and(|t| {
                similar(t, &core(c.name))
                    || title(c.blocks).is_some_and(|own| similar(t, &core(&own)))
            });
            let by_date = cites.date.is_some_and(|d| {
                c.blocks
                    .iter()
                    .any(|b| dates::find_all(&b.text).iter().any(|f| f.date == d))
            });
            2 * u8::from(by_title) + u8::from(by_date)
        })
        .collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    if best == 0 {
        return Err(format!(
            "改正する{}がこの事業者の文書にない",
            describe(cites)
        ));
    }
    let winners: Vec<usize> = (0..candidates.len())
        .filter(|i| scores[*i] == best)
        .collect();
    match winners.as_slice() {
        [one] => Ok(*one),
        many => {
            let names: Vec<&str> = many.iter().map(|i| candidates[*i].name).collect();
            Err(format!(
                "改正する{}に当たる文書が複数ある（{}）",
                describe(cites),
                names.join("、")
            ))
        }
    }
}

/// The order instruments are applied in: by the date each takes effect
/// (else the date it was made), by name among equal dates; instruments with
/// no date after them, by name.
pub fn order(instruments: &[(&str, &Instrument)]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..instruments.len()).collect();
    idx.sort_by(|&a, &b| {
        let (na, ia) = instruments[a];
        let (nb, ib) = instruments[b];
        match (ia.date(), ib.date()) {
            (Some(x), Some(y)) => x.cmp(&y).then(na.cmp(nb)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => na.cmp(nb),
        }
    });
    idx
}

/// Which candidate each instrument amends, in the order the instruments
/// apply ([`order`]): (instrument index, candidate index or why none).
pub fn plan(
    instruments: &[(&str, &Instrument)],
    candidates: &[Candidate],
) -> Vec<(usize, Result<usize, String>)> {
    order(instruments)
        .into_iter()
        .map(|k| (k, choose_base(&instruments[k].1.cites, candidates)))
        .collect()
}

/// The file name of a report path (「V/覚書.txt」 → 「覚書.txt」).
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(lines: &[&str]) -> Vec<Block> {
        lines.iter().map(|l| Block::paragraph(None, *l)).collect()
    }

    #[test]
    fn the_amended_contract_is_chosen_by_title_and_date_never_guessed() {
        let a = blocks(&["保守委託契約書", "第1条　…", "2024年4月1日"]);
        let b = blocks(&["業務委託契約書", "第1条　…", "2023年4月1日"]);
        let cands = [
            Candidate {
                name: "V/保守委託契約書.pdf",
                blocks: &a,
            },
            Candidate {
                name: "V/業務委託契約書.pdf",
                blocks: &b,
            },
        ];
        let cite = |t: Option<&str>, d: Option<(u32, u32, u32)>| Citation {
            title: t.map(str::to_string),
            date: d.map(|(year, month, day)| dates::Date { year, month, day }),
        };
        assert_eq!(
            choose_base(&cite(Some("保守委託契約"), None), &cands),
            Ok(0)
        );
        assert_eq!(choose_base(&cite(None, Some((2023, 4, 1))), &cands), Ok(1));
        assert!(choose_base(&cite(None, None), &cands)
            .unwrap_err()
            .contains("特定できない"));
        assert!(
            choose_base(&cite(Some("クラウドサービス利用規約"), None), &cands)
                .unwrap_err()
                .contains("この事業者の文書にない")
        );
        assert_eq!(choose_base(&cite(None, None), &cands[..1]), Ok(0));
    }

    /// Every cut of an instrument and of its contract (a truncated file, a
    /// line lost) is read and applied without a panic; a flood of changes
    /// stops at the caps.
    #[test]
    fn cut_and_flooded_instruments_apply_within_bounds() {
        let base = [
            "保守委託契約書",
            "（報告）",
            "第1条　乙は、直ちに甲に報告しなければならない。",
            "２　乙は、毎月報告する。",
            "第2条（再委託）乙は、一切の責任を負う。",
            "以上",
        ];
        let inst = [
            "覚書",
            "甲乙間の2024年4月1日付保守委託契約書の一部を次のとおり変更する。",
            "第1条　第1条第2項中「毎月」を「随時」に改め、同条に次の1項を加える。",
            "「３　乙は、記録を保存する。」",
            "第2条　第2条を次のように改める。",
            "第2条（再委託）乙は、再委託しない。",
            "第3条　第2条の次に次の1条を加える。",
            "第2条の2　乙は、暗号化する。",
            "第4条　第1条を削り、第2条を第1条とする。",
            "2025年4月1日",
        ];
        let whole: String = inst.join("\n");
        let mut cuts: Vec<usize> = whole.char_indices().map(|(i, _)| i).collect();
        cuts.push(whole.len());
        for cut in cuts {
            let lines: Vec<&str> = whole[..cut].lines().collect();
            let Some((i, _)) = instrument::recognise(&blocks(&lines)) else {
                continue;
            };
            for n in 0..=base.len() {
                let c = apply::apply(
                    &blocks(&base[..n]),
                    &[Step {
                        instrument: &i,
                        label: "覚書".into(),
                        path: Arc::from("V/覚書.txt"),
                    }],
                );
                let _ = apply::render(&c.lines);
            }
        }
        let mut flood = vec!["覚書", "原契約の一部を次のとおり変更する。"];
        flood.extend(std::iter::repeat_n(
            "第1条中「報告」を「報告」に改める。",
            5000,
        ));
        let (i, _) = instrument::recognise(&blocks(&flood)).unwrap();
        assert_eq!(i.changes.len(), instrument::MAX_CHANGES);
        let big: Vec<String> = (1..4_000)
            .map(|n| format!("第{n}条　乙は、報告する。"))
            .collect();
        let big: Vec<&str> = big.iter().map(String::as_str).collect();
        let c = apply::apply(
            &blocks(&big),
            &[Step {
                instrument: &i,
                label: "覚書".into(),
                path: Arc::from("V/覚書.txt"),
            }],
        );
        assert_eq!(c.applied + c.unresolved.len(), instrument::MAX_CHANGES);
    }

    #[test]
    fn instruments_apply_by_date_and_undated_ones_last_by_name() {
        let mk = |d: Option<&str>| {
            let mut lines = vec![
                "覚書",
                "原契約の一部を次のとおり変更する。",
                "第1条　第5条を削る。",
            ];
            if let Some(d) = d {
                lines.push(d);
            }
            instrument::recognise(&blocks(&lines)).unwrap().0
        };
        let (a, b, c) = (mk(Some("2025年4月1日")), mk(None), mk(Some("2024年4月1日")));
        let list = [("V/a.txt", &a), ("V/0.txt", &b), ("V/c.txt", &c)];
        assert_eq!(order(&list), [2, 0, 1]);
    }
}
