//! References inside a document: an article applied to another case with
//! its words read anew (準用 with 読替え, [`application`]), and a party named
//! by a rule rather than by its label ([`rule`]).

pub mod application;
pub mod rule;

use crate::consolidate::Origin;
use crate::report::model::{Derived, DerivedKind};
use crate::segment::Sentence;
use application::Application;
use std::sync::Arc;

/// Insert each application's copies after the sentence it follows; the
/// copies' origin says which article they apply, and every lead index
/// follows its sentence.
pub fn insert(
    sentences: &mut Vec<Sentence>,
    origins: &mut Vec<Option<Origin>>,
    mut apps: Vec<Application>,
) {
    if apps.is_empty() {
        return;
    }
    apps.sort_by_key(|a| a.after);
    let n = sentences.len();
    let mut old_origins = std::mem::take(origins);
    old_origins.resize(n, None);
    let mut out: Vec<Sentence> =
        Vec::with_capacity(n + apps.iter().map(|a| a.copies.len()).sum::<usize>());
    let mut out_origins: Vec<Option<Origin>> = Vec::with_capacity(out.capacity());
    let mut new_index: Vec<usize> = Vec::with_capacity(n);
    let mut original: Vec<bool> = Vec::with_capacity(out.capacity());
    let mut apps = apps.into_iter().peekable();
    for (i, (s, o)) in std::mem::take(sentences)
        .into_iter()
        .zip(old_origins)
        .enumerate()
    {
        new_index.push(out.len());
        out.push(s);
        out_origins.push(o);
        original.push(true);
        while let Some(app) = apps.next_if(|a| a.after == i) {
            let base = out.len();
            let origin = Origin::Derived(Arc::new(Derived {
                kind: DerivedKind::Application,
                note: app.note,
                path: None,
            }));
            for mut c in app.copies {
                c.lead = c.lead.map(|l| base + l);
                out.push(c);
                out_origins.push(Some(origin.clone()));
                original.push(false);
            }
        }
    }
    for (s, orig) in out.iter_mut().zip(&original) {
        if *orig {
            s.lead = s.lead.and_then(|l| new_index.get(l).copied());
        }
    }
    *sentences = out;
    *origins = out_origins;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Document};

    #[test]
    fn copies_go_after_their_sentence_and_leads_follow() {
        let mut s = crate::segment::segment(&Document {
            blocks: [
                "第1条　乙は、次の事項を遵守する。",
                "（1）報告",
                "第2条　前条を準用する。",
                "第3条　乙は、次の事項を守る。",
                "（1）記録",
            ]
            .iter()
            .map(|l| Block::paragraph(None, *l))
            .collect(),
            ..Document::default()
        });
        assert_eq!(s[4].lead, Some(3));
        let copies = vec![s[0].clone(), {
            let mut c = s[1].clone();
            c.lead = Some(0);
            c
        }];
        let mut origins = Vec::new();
        insert(
            &mut s,
            &mut origins,
            vec![Application {
                after: 2,
                copies,
                note: "第1条を準用".into(),
            }],
        );
        assert_eq!(s.len(), 7);
        assert_eq!(s[4].lead, Some(3), "the copy's lead is the copy before it");
        assert_eq!(s[6].lead, Some(5), "a later lead moved with its sentence");
        assert_eq!(s[1].lead, Some(0));
        assert!(matches!(&origins[3], Some(Origin::Derived(d)) if d.note == "第1条を準用"));
        assert!(origins[5].is_none());
    }
}
