//! A vendor unit's amending instruments applied to the contracts they amend
//! ([`crate::consolidate`]). While the unit is read, its documents with
//! articles keep their text (within [`KEEP_BYTES`], and only the text: they
//! are matched as usual); then each instrument's changes are applied in date
//! order, and an amended contract is segmented and matched again, as amended,
//! in place of its first reading. A change that cannot be applied is a note
//! on the instrument, and the provisions it touches are unknown rather than
//! guessed.

use super::work::DocWork;
use crate::consolidate::{self, Candidate, Instrument, Origin, Step};
use crate::discover::{Input, Kind};
use crate::document::{Block, Document};
use crate::matching::parties::Parties;
use crate::report::model::{Derived, DerivedKind, DocStatus};
use crate::rules::RuleSet;
use crate::segment::{self, Budget};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Bytes of text one unit keeps waiting for its instruments, at most:
/// beyond it documents are matched as they are read, as without
/// instruments, and an instrument amending one of them says it could not
/// be applied.
pub const KEEP_BYTES: usize = 64 * 1024 * 1024;

/// What one unit may still keep.
pub struct KeepBudget {
    left: AtomicUsize,
    exceeded: AtomicBool,
}

impl KeepBudget {
    /// A budget for a unit whose documents may amend one another: more than
    /// one input, or an archive.
    pub fn for_unit(unit: &[Input]) -> Option<KeepBudget> {
        (unit.len() > 1 || unit.iter().any(|i| i.kind == Kind::Archive)).then(|| KeepBudget {
            left: AtomicUsize::new(KEEP_BYTES),
            exceeded: AtomicBool::new(false),
        })
    }

    fn take(&self, n: usize) -> bool {
        let ok = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok();
        if !ok {
            self.exceeded.store(true, Ordering::Relaxed);
        }
        ok
    }
}

/// Read the document as an amending instrument: the lines that state its
/// changes and their new text are the amended contract's, so they leave the
/// document's own text. A panic here (a recogniser bug) leaves the document
/// as it is.
pub(super) fn recognise(w: &mut DocWork, doc: &mut Document) {
    let found = crate::guard::guarded(|| consolidate::instrument::recognise(&doc.blocks));
    let Ok(Some((instrument, consumed))) = found else {
        return;
    };
    let blocks = std::mem::take(&mut doc.blocks);
    doc.blocks = blocks
        .into_iter()
        .zip(consumed)
        .filter(|(_, c)| !c)
        .map(|(b, _)| b)
        .collect();
    w.instrument = Some(Box::new(instrument));
}

/// Keep the text of a document with articles until the unit's instruments
/// are known.
pub(super) fn keep(w: &mut DocWork, doc: &mut Document, budget: Option<&KeepBudget>) {
    let Some(budget) = budget else {
        return;
    };
    if w.instrument.is_some() || !consolidate::has_articles(&doc.blocks) {
        return;
    }
    let bytes: usize = doc.blocks.iter().map(|b| b.text.len()).sum();
    if budget.take(bytes) {
        w.kept = Some(std::mem::take(&mut doc.blocks));
    }
}

/// Apply the unit's instruments to the documents they amend; afterwards no
/// document keeps its text.
pub(super) fn consolidate(
    docs: &mut [DocWork],
    rules: &RuleSet,
    limits: &super::limits::DocLimits,
    budget: Option<&KeepBudget>,
) {
    let ok = |d: &DocWork| d.status == DocStatus::Ok;
    let instruments: Vec<usize> = (0..docs.len())
        .filter(|&i| ok(&docs[i]) && docs[i].instrument.is_some())
        .collect();
    if instruments.is_empty() {
        for d in docs.iter_mut() {
            d.kept = None;
        }
        return;
    }
    let names: Vec<String> = docs.iter().map(|d| d.input.display.text.clone()).collect();
    let candidates: Vec<usize> = (0..docs.len())
        .filter(|&i| ok(&docs[i]) && docs[i].kept.is_some())
        .collect();
    let exceeded = budget.is_some_and(|b| b.exceeded.load(Ordering::Relaxed));
    // Which contract each instrument amends, in the order they apply.
    let mut plan: Vec<(usize, Result<usize, String>)> = Vec::new();
    {
        let listed: Vec<(&str, &Instrument)> = instruments
            .iter()
            .filter_map(|&i| Some((names[i].as_str(), docs[i].instrument.as_deref()?)))
            .collect();
        let cands: Vec<Candidate> = candidates
            .iter()
            .map(|&c| Candidate {
                name: &names[c],
                blocks: docs[c].kept.as_deref().unwrap_or(&[]),
            })
            .collect();
        for (k, base) in consolidate::plan(&listed, &cands) {
            let Some(&i) = instruments.get(k) else {
                continue;
            };
            let base = base.map(|c| candidates[c]).map_err(|why| match exceeded {
                true => format!(
                    "{why}（文書の保持上限 {} MB を超えたため、確かめられない文書がある）",
                    KEEP_BYTES >> 20
                ),
                false => why,
            });
            plan.push((i, base));
        }
    }
    let mut bases: Vec<usize> = Vec::new();
    for (i, base) in &plan {
        let d = &mut docs[*i];
        if d.instrument.as_ref().is_some_and(|x| x.date().is_none()) {
            d.notes
                .push("日付が読めないため、日付のある改正の後にファイル名の順で適用".into());
        }
        match base {
            Ok(b) => {
                if !bases.contains(b) {
                    bases.push(*b);
                }
            }
            Err(why) => {
                d.notes.push(format!(
                    "改正を適用できない: {why}（見つからない条項はすべて不明）"
                ));
                d.incomplete = true;
            }
        }
    }
    for base in bases {
        let amending: Vec<usize> = plan
            .iter()
            .filter(|(_, b)| b.as_ref() == Ok(&base))
            .map(|(i, _)| *i)
            .collect();
        amend(docs, &names, base, &amending, rules, limits);
    }
    for d in docs.iter_mut() {
        d.kept = None;
        d.instrument = None;
    }
}

/// Apply the instruments `amending` (in order) to document `base`.
fn amend(
    docs: &mut [DocWork],
    names: &[String],
    base: usize,
    amending: &[usize],
    rules: &RuleSet,
    limits: &super::limits::DocLimits,
) {
    let Some(blocks) = docs[base].kept.take() else {
        return;
    };
    let instruments: Vec<(usize, Box<Instrument>)> = amending
        .iter()
        .filter_map(|&i| Some((i, docs[i].instrument.take()?)))
        .collect();
    let steps: Vec<Step> = instruments
        .iter()
        .map(|(i, inst)| Step {
            instrument: inst,
            label: inst.label(consolidate::file_name(&names[*i])),
            path: Arc::from(names[*i].as_str()),
        })
        .collect();
    let base_name = consolidate::file_name(&names[base]).to_string();
    let applied = crate::guard::guarded(|| consolidate::apply::apply(&blocks, &steps));
    let Ok(result) = applied else {
        for (i, _) in &instruments {
            docs[*i].notes.push(format!(
                "改正を適用できない: {base_name} への適用中の内部エラー（見つからない条項はすべて不明）"
            ));
            docs[*i].incomplete = true;
        }
        return;
    };
    for (si, (i, inst)) in instruments.iter().enumerate() {
        let failed = result.unresolved.iter().filter(|u| u.step == si).count();
        let made = inst.changes.len().saturating_sub(failed);
        if made > 0 {
            docs[*i]
                .notes
                .push(format!("{base_name} を改正（変更 {made} 件を適用）"));
        }
    }
    for u in &result.unresolved {
        let Some((i, _)) = instruments.get(u.step) else {
            continue;
        };
        let touched = touched(rules, &u.text);
        let d = &mut docs[*i];
        let clause = u
            .clause
            .as_deref()
            .map(|c| format!("{c} "))
            .unwrap_or_default();
        let tail = if !u.scoped && touched.is_empty() {
            d.incomplete = true;
            "（関わる条項が分からないため、見つからない条項はすべて不明）"
        } else {
            "（関わる条項は不明）"
        };
        d.notes.push(format!(
            "改正を適用できない: {clause}「{}」— {base_name}: {}{tail}",
            u.written, u.reason
        ));
        d.uncertain.extend(touched);
    }
    let labels: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();
    let w = &mut docs[base];
    w.notes
        .push(format!("改正を反映して判定（{}）", labels.join("、")));
    let (blocks, line_of) = consolidate::amended_blocks(&result.lines);
    let doc = Document {
        blocks,
        ..Document::default()
    };
    // The amended text is read afresh, under a budget of its own.
    let mut budget = limits.budget();
    let segmented = crate::guard::guarded(|| segment::try_segment_traced(&doc, &mut budget));
    let (sentences, from) = match segmented {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            forget(w, e.to_string());
            return;
        }
        Err(_) => {
            forget(w, "internal error while segmenting the amended text".into());
            return;
        }
    };
    let mut shared: Vec<(Arc<consolidate::Applied>, Arc<Derived>)> = Vec::new();
    w.origins = from
        .iter()
        .map(|&b| {
            let line = result.lines.get(*line_of.get(b)?)?;
            if line.uncertain {
                return Some(Origin::Uncertain);
            }
            let c = line.changes.last()?;
            let d = match shared.iter().find(|(a, _)| Arc::ptr_eq(a, c)) {
                Some((_, d)) => d.clone(),
                None => {
                    let d = Arc::new(Derived {
                        kind: DerivedKind::Amendment,
                        note: c.evidence_note(),
                        path: Some(c.path.clone()),
                    });
                    shared.push((c.clone(), d.clone()));
                    d
                }
            };
            Some(Origin::Derived(d))
        })
        .collect();
    w.sentences = sentences;
    w.budget = budget;
    if w.findings.is_some() {
        rematch(w, rules);
    }
}

/// The amended text could not be read: the document is an error, and what
/// its unamended text said is not the contract, so nothing of it stays.
fn forget(w: &mut DocWork, reason: String) {
    w.set(DocStatus::Error, reason);
    w.sentences = Vec::new();
    w.findings = Some(Vec::new());
    w.near = Vec::new();
}

/// Match again, as amended, a document matched while the unit was read:
/// its findings and near misses are replaced, except the near misses of
/// its deleted revisions and comments, whose text is gone by now.
fn rematch(w: &mut DocWork, rules: &RuleSet) {
    use crate::matching::MissKind;
    let apart: Vec<(usize, crate::report::model::NearMiss)> = w
        .near
        .iter()
        .filter(|(_, n)| matches!(n.kind, MissKind::DeletedRevision | MissKind::CommentOnly))
        .cloned()
        .collect();
    // The label automaton was let go after the first matching.
    let notes = std::mem::take(&mut w.parties.notes);
    let defined = w.parties.defined.clone();
    let overrides = super::work::label_roles(&w.overrides);
    w.parties = w
        .parties
        .with_definitions(&defined, &rules.lexicon.parties, &overrides);
    w.parties.notes = notes;
    w.findings = None;
    w.near = Vec::new();
    super::work::find(w, rules);
    let mut near = std::mem::take(&mut w.near);
    near.extend(apart);
    w.near = crate::aggregate::closest(near);
}

/// The provisions a change's own text touches: any words of a provision
/// matched, whoever is bound and however strongly.
fn touched(rules: &RuleSet, text: &[Block]) -> Vec<usize> {
    if text.is_empty() {
        return Vec::new();
    }
    let doc = Document {
        blocks: text.to_vec(),
        ..Document::default()
    };
    let found = crate::guard::guarded(|| {
        let mut budget = Budget::default();
        let sentences = segment::try_segment(&doc, &mut budget).ok()?;
        let parties = Parties::default();
        let mut hits =
            crate::matching::try_match_sentences(rules, &sentences, &parties, &mut budget).ok()?;
        if let Ok(more) = crate::matching::try_match_structure(rules, &sentences, &mut budget) {
            hits.extend(more);
        }
        Some(hits.into_iter().map(|h| h.provision).collect::<Vec<_>>())
    });
    let mut out = found.ok().flatten().unwrap_or_default();
    out.sort_unstable();
    out.dedup();
    out
}

/// One document of a folder read for [`consolidated_text`].
struct Read {
    name: String,
    blocks: Vec<Block>,
    instrument: Option<Instrument>,
}

/// `keiyaku text --consolidated FOLDER`: every contract of one vendor's
/// folder (a document with articles) as amended by the folder's
/// instruments, each amended article marked 【2025年4月1日付覚書 第2条により改正】,
/// with the order applied and every change not applied. Returns the text
/// and what could not be read (for standard error).
pub fn consolidated_text(
    folder: &std::path::Path,
    ocr: &crate::extract::ocr::Ocr,
) -> Result<(String, Vec<String>), crate::discover::DiscoverError> {
    let found = crate::discover::discover(
        &[folder.to_path_buf()],
        &crate::discover::Options {
            follow: false,
            exclude: Vec::new(),
        },
    )?;
    let mut warnings = Vec::new();
    let mut docs: Vec<Read> = Vec::new();
    let mut inputs = found.inputs;
    inputs.sort_by(|a, b| a.display.text.cmp(&b.display.text));
    for input in inputs {
        let name = input.display.text.clone();
        let format = match input.kind {
            Kind::Read(f) => f,
            Kind::Ignored(_) => continue,
            Kind::Archive => {
                warnings.push(format!(
                    "{name}: ZIP は読みません（展開してから指定してください）"
                ));
                continue;
            }
            _ => {
                warnings.push(format!("{name}: 読めない形式のため除外"));
                continue;
            }
        };
        match super::work::extract_file_ocr(&input.path, format, ocr) {
            Ok((doc, _)) => {
                let recognised =
                    crate::guard::guarded(|| consolidate::instrument::recognise(&doc.blocks));
                docs.push(Read {
                    name,
                    instrument: recognised.ok().flatten().map(|(i, _)| i),
                    blocks: doc.blocks,
                });
            }
            Err(e) => warnings.push(format!("{name}: {e}")),
        }
    }
    let candidates: Vec<usize> = (0..docs.len())
        .filter(|&i| docs[i].instrument.is_none() && consolidate::has_articles(&docs[i].blocks))
        .collect();
    let instruments: Vec<usize> = (0..docs.len())
        .filter(|&i| docs[i].instrument.is_some())
        .collect();
    let listed: Vec<(&str, &Instrument)> = instruments
        .iter()
        .filter_map(|&i| Some((docs[i].name.as_str(), docs[i].instrument.as_ref()?)))
        .collect();
    let cands: Vec<Candidate> = candidates
        .iter()
        .map(|&c| Candidate {
            name: &docs[c].name,
            blocks: &docs[c].blocks,
        })
        .collect();
    let plan = consolidate::plan(&listed, &cands);
    let mut out = String::new();
    for (k, base) in &plan {
        if let (Err(why), Some((name, _))) = (base, listed.get(*k)) {
            out.push_str(&format!("■ {name} — 改正を適用できない: {why}\n\n"));
        }
    }
    for (ci, &c) in candidates.iter().enumerate() {
        let steps: Vec<Step> = plan
            .iter()
            .filter(|(_, b)| b.as_ref() == Ok(&ci))
            .filter_map(|(k, _)| {
                let (name, inst) = listed.get(*k)?;
                Some(Step {
                    instrument: inst,
                    label: inst.label(consolidate::file_name(name)),
                    path: Arc::from(*name),
                })
            })
            .collect();
        let name = consolidate::file_name(&docs[c].name);
        if steps.is_empty() {
            out.push_str(&format!("■ {name} — 改正なし\n"));
        } else {
            out.push_str(&format!(
                "■ {name} — 改正 {} 件を反映した条文\n",
                steps.len()
            ));
        }
        for (n, s) in steps.iter().enumerate() {
            let effective = s
                .instrument
                .effective
                .as_ref()
                .map(|f| format!("、効力発生 {}", f.written))
                .unwrap_or_default();
            let undated = if s.instrument.date().is_none() {
                "、日付が読めないためファイル名の順"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {}. {}（{}{effective}{undated}）\n",
                n + 1,
                s.label,
                consolidate::file_name(&s.path)
            ));
        }
        let result = consolidate::apply::apply(&docs[c].blocks, &steps);
        for u in &result.unresolved {
            let by = steps
                .get(u.step)
                .map(|s| consolidate::file_name(&s.path).to_string())
                .unwrap_or_default();
            let clause = u
                .clause
                .as_deref()
                .map(|c| format!("{c} "))
                .unwrap_or_default();
            out.push_str(&format!(
                "  適用できない: {by} {clause}「{}」— {}\n",
                u.written, u.reason
            ));
        }
        out.push_str(&"─".repeat(40));
        out.push('\n');
        out.push_str(&consolidate::apply::render(&result.lines));
        out.push('\n');
    }
    if candidates.is_empty() {
        warnings.push("条（第N条）のある契約書が見つかりません".into());
    }
    Ok((out, warnings))
}
