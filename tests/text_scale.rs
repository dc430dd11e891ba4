//! Archive scale on the text side (issue 8): party automata shared between
//! documents, large text processed whole and correctly, and the per-document
//! work budget reported to the caller. Results are asserted, never timings.

use keiyaku::document::{Block, Document};
use keiyaku::extract::text;
use keiyaku::matching::parties::{Parties, Role};
use keiyaku::matching::{self, Budget, BudgetKind, Strength};
use keiyaku::rules::RuleSet;
use keiyaku::segment::{self, Sentence};

fn rules() -> RuleSet {
    RuleSet::embedded().unwrap()
}

fn doc(text: &str) -> Document {
    text::extract(text.as_bytes()).unwrap()
}

/// (provision id, strength, clause, original sentence) of one hit.
type Finding = (String, Strength, Option<String>, String);

/// Every hit of a document's sentences.
fn findings(rules: &RuleSet, sentences: &[Sentence], parties: &Parties) -> Vec<Finding> {
    matching::match_sentences(rules, sentences, parties)
        .into_iter()
        .map(|h| {
            let s = &sentences[h.sentence];
            let (a, b) = s.norm.original_range(h.span.0, h.span.1);
            assert!(s.text.get(a..b).is_some_and(|m| !m.is_empty()));
            (
                rules.provisions[h.provision].id.clone(),
                h.strength,
                s.clause(),
                s.text.clone(),
            )
        })
        .collect()
}

const CONTRACT: &str = "業務委託契約書\n\
医療法人社団サンプル会（以下「甲」という。）と{NAME}（以下「乙」という。）は、次のとおり契約を締結する。\n\
第1条（事故時の報告）\n\
乙は、個人情報の漏えい等の事故が発生したときは、直ちに甲に報告しなければならない。\n\
第2条（再委託）\n\
乙は、甲の書面による承諾なく本業務を第三者に再委託してはならない。\n\
第3条（監査）\n\
甲は、乙の事業所に立ち入り監査することができる。\n\
第4条（通信）\n\
乙は、通信を暗号化しなければならない。\n";

#[test]
fn documents_with_the_same_labels_share_one_automaton_and_find_the_same() {
    let rules = rules();
    let lex = &rules.lexicon.parties;
    let mut first: Option<(Parties, Vec<Finding>)> = None;
    for i in 0..200 {
        let name = format!("株式会社サンプル{i}");
        let d = doc(&CONTRACT.replace("{NAME}", &name));
        let sentences = segment::segment(&d);
        let parties = Parties::resolve(&sentences, lex, None, &[]);
        assert_eq!(parties.vendor_name(), Some(name.as_str()));
        assert_eq!(parties.subject("乙は、報告する。", 0), Some(Role::Vendor));
        let found = findings(&rules, &sentences, &parties);
        match &first {
            None => {
                let ids: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
                assert!(ids.contains(&"incident-reporting"), "{found:?}");
                first = Some((parties.clone(), found));
            }
            Some((p0, f0)) => {
                assert!(parties.shares_matcher_with(p0), "document {i}");
                let strip = |f: &[Finding]| {
                    f.iter()
                        .map(|x| (x.0.clone(), x.1, x.2.clone()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(strip(&found), strip(f0), "document {i}");
            }
        }
        // What a document keeps after matching holds no automaton.
        let kept = parties.definitions_only();
        assert!(!kept.has_matcher());
        assert_eq!(kept.defined.len(), 2);
    }
    // Another label set gets its own automaton; the vendor drafted this one.
    let d = doc("東雲ソフト株式会社（以下「甲」という。）と医療法人社団翠明会（以下「乙」という。）は、契約する。\n甲は、乙に直ちに報告しなければならない。\n");
    let s = segment::segment(&d);
    let p = Parties::resolve(&s, lex, None, &[]);
    assert!(!p.shares_matcher_with(&first.as_ref().unwrap().0));
    assert_eq!(p.subject("甲は、報告する。", 0), Some(Role::Vendor));
    // An annex using those definitions shares the preamble's automaton.
    let annex = p.with_definitions(&p.defined, lex, &[]);
    assert!(annex.shares_matcher_with(&p));
}

/// A few MB of short numbered lines, like an exported ledger of clauses.
fn big_text(articles: usize) -> String {
    let mut t = String::from(
        "業務委託契約書\n医療法人社団サンプル会（以下「甲」という。）と株式会社大容量（以下「乙」という。）は、次のとおり契約を締結する。\n",
    );
    for n in 1..=articles {
        t.push_str(&format!(
            "第{n}条（報告）\n乙は、個人情報の漏えいを知ったときは、直ちに甲に報告しなければならない。\n２　乙は、本件業務の遂行状況を毎月書面で甲に報告する。\n（1）　記録番号{n}：保守作業を実施した。\n"
        ));
    }
    t
}

#[test]
fn a_large_text_is_read_whole_and_every_article_matches_like_the_first() {
    let rules = rules();
    let articles = 20_000;
    let text = big_text(articles);
    assert!(text.len() > 3_000_000);
    let d = doc(&text);
    assert_eq!(d.blocks.len(), 2 + 4 * articles);
    let sentences = segment::try_segment(&d, &mut Budget::default()).unwrap();
    // Title, preamble, then three sentences an article.
    assert_eq!(sentences.len(), 2 + 3 * articles);
    let last = &sentences[sentences.len() - 1];
    assert_eq!(
        last.clause().as_deref(),
        Some(format!("第{articles}条第2項第1号").as_str())
    );
    let parties = Parties::try_resolve(
        &sentences,
        &rules.lexicon.parties,
        None,
        &[],
        &mut Budget::default(),
    )
    .unwrap();
    assert_eq!(parties.vendor_name(), Some("株式会社大容量"));
    let hits = matching::try_match_sentences(&rules, &sentences, &parties, &mut Budget::default())
        .unwrap();
    assert_eq!(
        hits.len(),
        matching::match_sentences(&rules, &sentences, &parties).len()
    );
    // Each article finds what the first article finds, at its own clause.
    let per_article = |n: usize| {
        let first = 2 + 3 * (n - 1);
        let mut v: Vec<(usize, usize, Strength)> = hits
            .iter()
            .filter(|h| (first..first + 3).contains(&h.sentence))
            .map(|h| (h.sentence - first, h.provision, h.strength))
            .collect();
        v.sort_by_key(|x| (x.0, x.1));
        v
    };
    let one = per_article(1);
    let ids: Vec<&str> = one
        .iter()
        .map(|x| rules.provisions[x.1].id.as_str())
        .collect();
    assert!(ids.contains(&"incident-reporting"), "{ids:?}");
    assert!(ids.contains(&"periodic-reporting"), "{ids:?}");
    for n in [2, 777, articles / 2, articles] {
        assert_eq!(per_article(n), one, "article {n}");
    }
    assert_eq!(hits.len(), one.len() * articles);
    // Evidence maps back to the original words in the last article too.
    let h = hits.last().unwrap();
    let s = &sentences[h.sentence];
    let (a, b) = s.norm.original_range(h.span.0, h.span.1);
    assert!(s.text[a..b].contains("報告"), "{}", &s.text[a..b]);
}

#[test]
fn one_huge_line_with_spaces_and_false_definitions_is_read() {
    let rules = rules();
    // A single 2 MB sentence: article citations, runs of spaces, 以下「…」
    // that defines nothing (too long a label), and at the end one duty.
    let mut t = String::from("株式会社大容量（以下「乙」という。）は、");
    for i in 0..20_000 {
        t.push_str(&format!(
            "第{i}条の規定、以下「あいうえおかきくけこさしすせそ」と  "
        ));
        t.push_str(&" ".repeat(40));
    }
    t.push_str("乙は、事故が発生したときは直ちに甲に報告しなければならない。");
    assert!(t.len() > 2_000_000);
    let d = Document {
        blocks: vec![Block::paragraph(None, t.clone())],
        ..Document::default()
    };
    let sentences = segment::segment(&d);
    assert_eq!(sentences.len(), 1);
    assert_eq!(sentences[0].text, t);
    assert!(!sentences[0].norm.text.contains(' '));
    let parties = Parties::resolve(&sentences, &rules.lexicon.parties, None, &[]);
    assert_eq!(parties.vendor_name(), Some("株式会社大容量"));
    assert_eq!(parties.defined.len(), 1);
    let f = findings(&rules, &sentences, &parties);
    assert!(
        f.iter()
            .any(|x| x.0 == "incident-reporting" && x.1 == Strength::Present),
        "{:?}",
        f.iter().map(|x| (&x.0, x.1)).collect::<Vec<_>>()
    );
}

#[test]
fn a_document_over_its_budget_is_reported_naming_the_budget() {
    let rules = rules();
    let d = doc(&big_text(50));
    // Segmentation: one unit per byte read.
    let e = segment::try_segment(&d, &mut Budget::new(1_000, 100)).unwrap_err();
    assert_eq!(e.kind, BudgetKind::Work);
    assert_eq!(e.stage, "segmentation");
    assert!(e.to_string().contains("work budget"), "{e}");
    assert!(e.to_string().contains("1000"), "{e}");

    // Matching: a budget that segmentation fits in but matching does not.
    let mut budget = Budget::new(100_000, 100);
    let sentences = segment::try_segment(&d, &mut budget).unwrap();
    let parties =
        Parties::try_resolve(&sentences, &rules.lexicon.parties, None, &[], &mut budget).unwrap();
    let e = matching::try_match_sentences(&rules, &sentences, &parties, &mut budget).unwrap_err();
    assert_eq!((e.kind, e.stage), (BudgetKind::Work, "matching"));

    // The default budget is far above a real contract.
    let mut budget = Budget::default();
    let sentences = segment::try_segment(&d, &mut budget).unwrap();
    let parties =
        Parties::try_resolve(&sentences, &rules.lexicon.parties, None, &[], &mut budget).unwrap();
    assert!(matching::try_match_sentences(&rules, &sentences, &parties, &mut budget).is_ok());
    assert!(budget.used() > 0);

    // Party labels: a preamble defining hundreds of companies would compose
    // every pair of them (甲及び乙 …).
    let mut pre = String::new();
    for i in 0..400 {
        pre.push_str(&format!("株式会社ラベル{i}（以下「社{i}」という。）、"));
    }
    pre.push_str(
        "は、次のとおり合意する。\n第1条（報告）\n社1は、直ちに報告しなければならない。\n",
    );
    let d = doc(&pre);
    let sentences = segment::segment(&d);
    let e = Parties::try_resolve(
        &sentences,
        &rules.lexicon.parties,
        None,
        &[],
        &mut Budget::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind, BudgetKind::PartyLabels);
    assert!(e.to_string().contains("party-label budget"), "{e}");
    // The same through the functions without a budget: matching reports it.
    let parties = Parties::resolve(&sentences, &rules.lexicon.parties, None, &[]);
    assert_eq!(
        parties.exceeded().map(|e| e.kind),
        Some(BudgetKind::PartyLabels)
    );
    let e = matching::try_match_sentences(&rules, &sentences, &parties, &mut Budget::default())
        .unwrap_err();
    assert_eq!(e.kind, BudgetKind::PartyLabels);
    // A few dozen defined parties stay well inside it.
    let mut pre = String::new();
    for i in 0..40 {
        pre.push_str(&format!("株式会社ラベル{i}（以下「社{i}」という。）、"));
    }
    pre.push_str("は、次のとおり合意する。\n社1及び社2は、協議する。\n");
    let d = doc(&pre);
    let sentences = segment::segment(&d);
    let p = Parties::try_resolve(
        &sentences,
        &rules.lexicon.parties,
        None,
        &[],
        &mut Budget::default(),
    )
    .unwrap();
    assert_eq!(p.defined.len(), 40);
    assert_eq!(p.subject("社1及び社2は、協議する。", 0), Some(Role::Both));
}
