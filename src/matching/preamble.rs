//! Who the parties are, read from the preamble and the 定義 article: each
//! label the document defines is either a party (label, name, role) or a
//! defined term (本契約, 本サービス, 委託業務 …), which is never a party.
//!
//! A name is read back from its definition (「名称（以下「乙」という。）」,
//! 「「利用者」とは、…をいう。」), never from inside a sentence: a frame
//! (本規約は、) or a particle before it is not part of it. Its role comes from
//! the strongest evidence: a hint beside it (医療機関側, 受託者側), the scanned
//! vendor's folder name, its form (株式会社, 病院), the head of a relative
//! clause (…契約を締結した者), what the text says it does (整備する, 運営する,
//! 利用する), and last the label itself (甲, 乙). Missing or conflicting
//! evidence becomes a note for the report rather than a guess.

use super::parties::{PartyDef, PartyKind, Role, RoleBasis};
use crate::cjk::{is_hiragana, is_kanji};
use crate::rules::schema::PartiesLexicon;
use crate::segment::{BudgetExceeded, Sentence, SentenceKind};
use std::collections::HashSet;

/// What the definitions say.
#[derive(Debug, Default)]
pub struct Reading {
    pub parties: Vec<PartyDef>,
    /// Labels of defined terms, in order of definition.
    pub terms: Vec<String>,
    /// Missing or conflicting role evidence, in Japanese, for the report.
    pub notes: Vec<String>,
}

/// One definition found in the text.
#[derive(Debug, Clone, PartialEq)]
struct Definition {
    label: String,
    /// The name, or the description of a 定義 entry.
    name: String,
    /// Text beside the name in its parentheses (医療機関側).
    hint: Option<String>,
    /// The rest of the sentence after the definition (が整備する…).
    after: String,
    /// In the preamble, a 定義 article or the first articles, where the
    /// parties are defined; a label defined later (反社会的勢力) is a party
    /// only when its name says so.
    front: bool,
}

/// Sentences read for definitions, and for what the parties do.
const PREAMBLE_SENTENCES: usize = 60;
const SCAN_SENTENCES: usize = 200;
/// The first articles, where 利用規約 define their parties without a preamble.
const FRONT_SENTENCES: usize = 30;
/// A name longer than this is a clause cut wrongly; its tail is kept.
const MAX_NAME_CHARS: usize = 80;

/// Read the parties and defined terms; `charge` counts the text read.
pub fn read(
    sentences: &[Sentence],
    lex: &PartiesLexicon,
    hint_core: Option<&str>,
    mut charge: impl FnMut(usize) -> Result<(), BudgetExceeded>,
) -> Result<Reading, BudgetExceeded> {
    let mut defs: Vec<Definition> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut prev: Option<&str> = None;
    let mut push = |d: Definition, defs: &mut Vec<Definition>| {
        if seen.insert(d.label.clone()) {
            defs.push(d);
        }
    };
    for (i, s) in sentences.iter().take(SCAN_SENTENCES).enumerate() {
        if !matches!(
            s.kind,
            SentenceKind::Preamble | SentenceKind::Body | SentenceKind::Heading
        ) {
            continue;
        }
        charge(s.norm.text.len())?;
        let cur = s.norm.text.as_str();
        let front = s.kind == SentenceKind::Preamble || s.in_definitions || i < FRONT_SENTENCES;
        let mut push = |mut d: Definition, defs: &mut Vec<Definition>| {
            d.front = front;
            push(d, defs);
        };
        if i < PREAMBLE_SENTENCES && cur.contains("以下") {
            // A name cut by a line or page break continues the line before.
            let joined;
            let text = match prev {
                Some(p) if continues(p, cur) => {
                    joined = format!("{p}{cur}");
                    joined.as_str()
                }
                _ => cur,
            };
            for d in preamble_definitions(text) {
                push(d, &mut defs);
            }
        }
        if i < PREAMBLE_SENTENCES && cur.contains('(') && super::english::is_english(cur) {
            // Nimbus Cloud K.K. ("Provider"): the label is its own role hint.
            for (label, name) in super::english::definitions(cur) {
                let d = Definition {
                    hint: Some(label.clone()),
                    label,
                    name,
                    after: String::new(),
                    front: true,
                };
                push(d, &mut defs);
            }
        }
        if let Some(d) = toha_definition(cur) {
            push(d, &mut defs);
        } else if s.in_definitions {
            if let Some(d) = item_definition(&s.text) {
                push(d, &mut defs);
            }
        }
        prev = Some(cur);
    }
    let mut reading = Reading::default();
    let mut pending: Vec<(Definition, Evidence)> = Vec::new();
    for mut d in defs {
        split_role_word(&mut d, lex);
        if is_term(&d, lex) {
            reading.terms.push(d.label);
            continue;
        }
        let e = evidence(&d, lex, hint_core);
        if !d.front && e.hint.is_none() && e.form.is_none() && !e.folder {
            // 「反社会的勢力」（…これらに準ずる者）: defined in passing, not a party.
            reading.terms.push(d.label);
            continue;
        }
        pending.push((d, e));
    }
    // What the text says each undecided party does (整備する, 利用する).
    let labels: Vec<&str> = pending.iter().map(|(d, _)| d.label.as_str()).collect();
    let mut acts: Vec<Acts> = Vec::with_capacity(pending.len());
    for (d, e) in &pending {
        let mut a = Acts::default();
        if e.needs_acts() {
            a.read_after(&d.after, lex);
            for s in sentences.iter().take(SCAN_SENTENCES) {
                if s.kind == SentenceKind::Body || s.kind == SentenceKind::Preamble {
                    charge(s.norm.text.len())?;
                    a.read_sentence(&s.norm.text, &d.label, &labels, lex);
                }
            }
        }
        acts.push(a);
    }
    for ((d, e), a) in pending.into_iter().zip(acts) {
        match decide(&d, &e, &a) {
            Ok((role, basis, note)) => {
                if let Some(n) = note {
                    reading.notes.push(n);
                }
                reading.parties.push(PartyDef {
                    label: d.label,
                    name: d.name,
                    role,
                    kind: (e.operator_form && a.provides && role == Role::Vendor)
                        .then_some(PartyKind::Operator),
                    basis: Some(basis),
                });
            }
            Err(note) => reading.notes.push(note),
        }
    }
    // The operator's own contractor (契約事業者) works for it.
    if reading
        .parties
        .iter()
        .any(|p| p.kind == Some(PartyKind::Operator))
    {
        for p in reading.parties.iter_mut() {
            let contracted = ["事業者", "委託先", "受託"]
                .iter()
                .any(|w| p.label.contains(w));
            if p.role == Role::Vendor && p.kind.is_none() && contracted {
                p.kind = Some(PartyKind::Contractor);
            }
        }
    }
    if !reading.parties.is_empty() && !reading.parties.iter().any(|p| p.role == Role::Vendor) {
        reading
            .notes
            .push("受託者（事業者側）に当たる当事者が前文・定義から読み取れません".to_string());
    }
    Ok(reading)
}

/// Does `cur` continue `prev` (a definition's name cut by a line or page break)?
fn continues(prev: &str, cur: &str) -> bool {
    let Some(last) = prev.chars().last() else {
        return false;
    };
    if matches!(last, '。' | ')' | '」' | ':' | ',' | '、') || is_article_heading(prev) {
        return false;
    }
    let Some(first) = cur.chars().next() else {
        return false;
    };
    // A word never starts with a long-vowel mark or a small kana, a sentence
    // never with a particle; a name may sit alone on the line before its
    // parentheses, or end with its prefix (医療法人社団 / 翠明会).
    const SMALL: &str = "ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶンん";
    SMALL.contains(first)
        || (cur.starts_with(['が', 'を', 'に', 'の', 'へ']) && !is_hiragana(last))
        || cur.starts_with("(以下")
        || ORG_PREFIXES.iter().any(|p| prev.ends_with(p))
}

fn is_article_heading(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('第') else {
        return false;
    };
    let digits = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十百〇".contains(*c))
        .count();
    digits > 0 && rest.chars().nth(digits) == Some('条')
}

/// Legal-form prefixes that begin a name.
const ORG_PREFIXES: [&str; 16] = [
    "株式会社",
    "有限会社",
    "合同会社",
    "医療法人社団",
    "医療法人財団",
    "社会医療法人",
    "医療法人",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "社会福祉法人",
    "地方独立行政法人",
    "独立行政法人",
    "公立大学法人",
    "国立大学法人",
];

/// 「名称（以下「乙」という。）」 definitions in normalized text.
fn preamble_definitions(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(p) = text[search..].find("以下") {
        let at = search + p;
        search = at + "以下".len();
        // 以下「乙」, 以下、「乙」, 以下単に「乙」
        let after = text[search..].trim_start_matches(['、', ',']);
        let after = after.strip_prefix("単に").unwrap_or(after);
        let Some(open) = after.strip_prefix(['「', '『']) else {
            continue;
        };
        // A label is at most 12 characters: look for its end no further.
        let window = open.char_indices().nth(13).map_or(open.len(), |(i, _)| i);
        let Some(close) = open[..window].find(['」', '』']) else {
            continue;
        };
        let label = &open[..close];
        if label.is_empty() || label.chars().count() > 12 {
            continue;
        }
        let rest = &open[close + '」'.len_utf8()..];
        if ![
            "という",
            "といいます",
            "と称",
            "と総称",
            "とする",
            "と略",
            "とい",
        ]
        .iter()
        .any(|s| rest.starts_with(s))
        {
            continue;
        }
        // The parenthesis that holds 以下, and a hint before it (医療機関側。).
        let paren = paren_before(text, at);
        let hint = paren.map(|o| {
            text[o + 1..at]
                .trim_matches(['。', '、', ',', ' '])
                .to_string()
        });
        let name_end = paren.unwrap_or(at);
        let (name, after_paren) = name_before(text, name_end);
        // The rest of the sentence after the closing parenthesis.
        let tail = &rest[rest.find(')').map_or(rest.len(), |i| i + 1)..];
        let after: String = tail.chars().take(60).collect();
        let mut name = clean_name(name);
        if after_paren {
            // After an earlier definition, と joins the next name (と あおば…).
            if let Some(rest) = name.strip_prefix('と') {
                name = rest.to_string();
            }
            if let Some(first) = name.chars().next() {
                // 「当社（以下…）が提供するサービスの利用者」: the clause's
                // subject is the party defined just before.
                if "がをにはでへも".contains(first) {
                    if let Some(prev) = out.last().map(|d: &Definition| d.label.clone()) {
                        name = format!("{prev}{name}");
                    } else {
                        name = name[first.len_utf8()..].to_string();
                    }
                }
            }
        }
        let name = if is_clause(&name) {
            name
        } else {
            after_last_particle(&name).to_string()
        };
        let name = tail_chars(&name, MAX_NAME_CHARS);
        let hint = hint.filter(|h| !h.is_empty());
        if name.is_empty() && hint.is_none() {
            continue;
        }
        out.push(Definition {
            label: label.to_string(),
            name,
            hint,
            after,
            front: true,
        });
    }
    out
}

/// 「委託者　医療法人社団○○会（以下「甲」という。）」: a role word written
/// before the name is its hint, not part of it.
fn split_role_word(d: &mut Definition, lex: &PartiesLexicon) {
    const WORDS: [&str; 6] = ["委託者", "受託者", "発注者", "受注者", "利用者", "提供者"];
    for w in WORDS {
        let Some(rest) = d.name.strip_prefix(w) else {
            continue;
        };
        let named = ORG_PREFIXES.iter().any(|p| rest.starts_with(p))
            || contains_any(rest, &lex.vendor_name_markers)
            || contains_any(rest, &lex.customer_name_markers);
        if named && !is_clause(rest) && !rest.starts_with(['が', 'の', 'は', 'を', 'に']) {
            let hinted = d
                .hint
                .as_deref()
                .is_some_and(|h| role_hint(h, lex).is_some());
            if !hinted {
                d.hint = Some(w.to_string());
            }
            d.name = rest.to_string();
            return;
        }
    }
}

/// The `(` of the parenthesis holding 以下 at `at`, when there is one close
/// before it (no `)` between).
fn paren_before(text: &str, at: usize) -> Option<usize> {
    let before = &text[..at];
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        match c {
            '(' => return Some(i),
            ')' | '」' => return None,
            _ if n > 30 => return None,
            _ => {}
        }
    }
    None
}

/// The name before `end`, back to the previous boundary: 。 、 , 「 」 or the
/// closing parenthesis of an earlier definition. A parenthesis that is not a
/// definition (医療機関（病院及び診療所）) belongs to the name. Also whether
/// the name starts right after an earlier definition.
fn name_before(text: &str, end: usize) -> (&str, bool) {
    let before = text[..end].trim_end_matches(' ');
    let mut depth = 0usize;
    let mut group_end = 0usize;
    let mut start = 0usize;
    let mut after_paren = false;
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if n > 160 {
            start = i + c.len_utf8();
            break;
        }
        match c {
            ')' => {
                if depth == 0 {
                    group_end = i;
                }
                depth += 1;
            }
            '(' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let group = &before[i..group_end];
                    if group.contains("以下") || group.contains("という") {
                        start = group_end + ')'.len_utf8();
                        after_paren = true;
                        break;
                    }
                }
            }
            '。' | '、' | ',' | '「' | '」' | ':' | ';' | '\n' if depth == 0 => {
                start = i + c.len_utf8();
                break;
            }
            _ => {}
        }
    }
    (&before[start..], after_paren)
}

/// A name without the words that join it to the sentence (と, 及び) and
/// without a frame (本規約は、).
fn clean_name(name: &str) -> String {
    let mut name = name.trim();
    for lead in [
        "及び",
        "並びに",
        "又は",
        "および",
        "ならびに",
        "または",
        "と",
    ] {
        if let Some(rest) = name.strip_prefix(lead) {
            // と starts names too (ときわ会): only before a name's first character.
            if lead != "と" || rest.chars().next().is_some_and(|c| !is_hiragana(c)) {
                name = rest;
                break;
            }
        }
    }
    // A document title glued to the preamble by the layout
    // (「…業務委託契約書医療法人社団○○会」): the name starts after it.
    for title in [
        "契約書",
        "規約",
        "約款",
        "覚書",
        "仕様書",
        "合意書",
        "協定書",
        "念書",
    ] {
        if let Some(i) = name.rfind(title) {
            let rest = &name[i + title.len()..];
            let inside_name = ["株式会社", "会社", "法人", "組合", "機構"]
                .iter()
                .any(|m| name[..i].contains(m));
            if !inside_name
                && rest.chars().count() >= 2
                && rest.chars().next().is_some_and(|c| !is_hiragana(c))
            {
                name = rest;
                break;
            }
        }
    }
    name.trim().to_string()
}

/// A relative clause (…契約を締結した者, …を利用する医療機関) is kept whole.
fn is_clause(name: &str) -> bool {
    const VERBS: [&str; 12] = [
        "する",
        "した",
        "される",
        "された",
        "している",
        "いる",
        "ある",
        "できる",
        "受け",
        "おいて",
        "おける",
        "基づき",
    ];
    if VERBS.iter().any(|v| name.contains(v)) {
        return true;
    }
    // A verb's okurigana before a noun (再委託を行う協力事業者, …に係る事業者);
    // a name in hiragana (つくばみらい市) has no kanji before it.
    let chars: Vec<char> = name.chars().collect();
    (1..chars.len().saturating_sub(1)).any(|i| {
        let (c, next) = (chars[i], chars[i + 1]);
        if !"うくすつぬふむゆるぐずづぶ".contains(c) || !(is_kanji(next) || is_katakana(next))
        {
            return false;
        }
        // Back over the okurigana (委ねる, 係る) to the verb's kanji.
        let kana = chars[..i]
            .iter()
            .rev()
            .take_while(|c| is_hiragana(**c))
            .count();
        kana <= 2 && i > kana && is_kanji(chars[i - kana - 1])
    })
}

fn is_katakana(c: char) -> bool {
    ('\u{30A1}'..='\u{30FA}').contains(&c)
}

/// The name after the last particle or conjunction that ends a phrase
/// before it (「契約者及び利用者が日本医療データ機構株式会社」 → the company):
/// a particle after a kanji or katakana and before one.
fn after_last_particle(name: &str) -> &str {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    let mut cut = 0;
    for w in chars.windows(3) {
        let (prev, (i, c), next) = (w[0].1, w[1], w[2].1);
        if "はがをにでとへも".contains(c) && !is_hiragana(prev) && !is_hiragana(next) {
            cut = i + c.len_utf8();
        }
    }
    // Conjunctions and adverbial endings (承諾を得ることなく第三者).
    for conj in [
        "及び",
        "並びに",
        "又は",
        "ことなく",
        "ずに",
        "に対し",
        "において",
        "として",
    ] {
        if let Some(i) = name[cut..].rfind(conj) {
            cut += i + conj.len();
        }
    }
    &name[cut..]
}

fn tail_chars(s: &str, max: usize) -> String {
    let n = s.chars().count();
    s.chars().skip(n.saturating_sub(max)).collect()
}

/// 「「利用者」とは、本サービスを利用する医療機関をいう。」
fn toha_definition(text: &str) -> Option<Definition> {
    let at = text.find("とは")?;
    let head = &text[..at];
    let label = match head.strip_suffix(['」', '』']) {
        Some(h) => {
            let open = h.rfind(['「', '『'])?;
            &h[open + '「'.len_utf8()..]
        }
        // An unquoted label is the whole head: 「甲とは、…」.
        None => head,
    };
    if label.is_empty() || label.chars().count() > 12 || label.contains(['、', ',', '。']) {
        return None;
    }
    let desc = text[at + "とは".len()..].trim_start_matches(['、', ',']);
    let name = description(desc)?;
    Some(Definition {
        label: label.to_string(),
        name,
        hint: None,
        after: String::new(),
        front: true,
    })
}

/// An item of a 定義 article: 「利用者　本サービスを利用する医療機関をいう。」
/// or 「利用者：…」, read from the original text, where the space between
/// the term and its meaning is still there.
fn item_definition(original: &str) -> Option<Definition> {
    let t = original.trim();
    let split = t
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == '：' || *c == ':')?;
    let label = crate::normalize::normalize_phrase(&t[..split.0]);
    let label = label.trim_matches(['「', '」', '『', '』']);
    let rest = crate::normalize::normalize_phrase(t[split.0 + split.1.len_utf8()..].trim());
    if label.is_empty() || label.chars().count() > 12 || label.chars().all(|c| !c.is_alphabetic()) {
        return None;
    }
    if !(rest.contains("をいう") || rest.contains("をいい") || rest.contains("のこと")) {
        return None;
    }
    Some(Definition {
        label: label.to_string(),
        name: description(&rest)?,
        hint: None,
        after: String::new(),
        front: true,
    })
}

/// The described thing of a definition, without をいう.
fn description(desc: &str) -> Option<String> {
    let end = [
        "のことをいう",
        "をいう",
        "をいい",
        "のこと",
        "を指す",
        "とする",
    ]
    .iter()
    .filter_map(|e| desc.find(e))
    .min()
    .unwrap_or(desc.len());
    let d = desc[..end].trim_end_matches(['。', ' ']);
    (!d.is_empty()).then(|| tail_chars(d, MAX_NAME_CHARS))
}

fn ends_with_any(s: &str, list: &[String]) -> bool {
    list.iter().any(|w| s.ends_with(w.as_str()))
}

fn contains_any(s: &str, list: &[String]) -> bool {
    list.iter().any(|w| s.contains(w.as_str()))
}

/// A thing the document names (本契約, 本サービス), not a party.
fn is_term(d: &Definition, lex: &PartiesLexicon) -> bool {
    let label = d.label.as_str();
    let known = |l: &[String]| l.iter().any(|x| x == label);
    if known(&lex.vendor_labels) || known(&lex.customer_labels) || known(&lex.both_labels) {
        return false;
    }
    if ends_with_any(label, &lex.party_heads) || contains_any(label, &lex.third_party_markers) {
        return false;
    }
    if ends_with_any(label, &lex.term_heads) {
        return true;
    }
    // A label of neither kind: its description decides.
    let name = d.name.as_str();
    let hinted = d
        .hint
        .as_deref()
        .is_some_and(|h| role_hint(h, lex).is_some());
    !(hinted
        || ends_with_any(name, &lex.party_heads)
        || contains_any(name, &lex.vendor_name_markers)
        || is_placeholder(name))
}

/// ○○○, 〇〇〇, ＿＿＿, xx: a name not filled in yet.
/// A name left blank in a draft (○○○, ＿＿＿, xx).
pub fn is_placeholder(name: &str) -> bool {
    let n = name.chars().count();
    n >= 2 && name.chars().all(|c| "○〇◯●□△×xX＿_*＊・ ".contains(c))
}

/// The role a hint gives: 医療機関側, 受託者, 運営主体.
fn role_hint(hint: &str, lex: &PartiesLexicon) -> Option<Role> {
    // The longest hint found decides (受託者 over 委託者 is not an issue: they
    // differ in their first character; 医療機関側 contains 医療機関).
    let longest = |list: &[String]| {
        list.iter()
            .filter(|h| hint.contains(h.as_str()))
            .map(|h| h.chars().count())
            .max()
    };
    let v = longest(&lex.vendor_hints);
    let c = longest(&lex.customer_hints);
    let u = longest(&lex.user_hints);
    match (v, c, u) {
        (None, None, None) => None,
        _ => {
            let best = [(v, Role::Vendor), (c, Role::Customer), (u, Role::User)]
                .into_iter()
                .filter_map(|(n, r)| n.map(|n| (n, r)))
                .max_by_key(|(n, _)| *n)?;
            Some(best.1)
        }
    }
}

/// The evidence a definition itself gives.
#[derive(Debug, Default)]
struct Evidence {
    hint: Option<Role>,
    folder: bool,
    /// From the name's form: 株式会社, 病院, 第三者.
    form: Option<Role>,
    /// A 医師会, 協議会 or public body: what it does decides.
    operator_form: bool,
    /// The head of a relative clause or description (…締結した者).
    clause: Option<Role>,
    placeholder: bool,
    label: Option<Role>,
}

impl Evidence {
    fn needs_acts(&self) -> bool {
        self.hint.is_none() && !self.folder && self.form.is_none()
    }
}

fn evidence(d: &Definition, lex: &PartiesLexicon, hint_core: Option<&str>) -> Evidence {
    let name = d.name.as_str();
    let mut e = Evidence {
        hint: d.hint.as_deref().and_then(|h| role_hint(h, lex)),
        folder: hint_core.is_some_and(|core| name.contains(core)),
        placeholder: is_placeholder(name),
        ..Evidence::default()
    };
    const MEDICAL: [&str; 9] = [
        "病院",
        "医療法人",
        "診療所",
        "クリニック",
        "医院",
        "医療センター",
        "歯科",
        "薬局",
        "訪問看護",
    ];
    let clause = is_clause(name);
    if contains_any(name, &lex.third_party_markers)
        || contains_any(&d.label, &lex.third_party_markers)
    {
        e.form = Some(Role::Other);
    } else if !clause && contains_any(name, &lex.vendor_name_markers) {
        e.form = Some(Role::Vendor);
    } else if !clause && MEDICAL.iter().any(|m| name.contains(m)) {
        e.form = Some(Role::Customer);
    } else if !clause
        && lex.operator_markers.iter().any(|m| {
            // One-character public bodies (市, 県) only at the end of a name.
            if m.chars().count() == 1 {
                name.ends_with(m.as_str())
            } else {
                name.contains(m.as_str())
            }
        })
    {
        e.operator_form = true;
    }
    // The head noun of a clause or description: …契約を締結した者 is a
    // customer, …を運営する事業者 a provider; the last verb before a bare 者 decides.
    if e.form.is_none() {
        // 「甲の役職員のうち…認めた者」: staff, whatever verb comes last.
        let generic_head = name.ends_with('者') && role_hint(&tail_chars(name, 3), lex).is_none();
        let staff = (generic_head && contains_any(name, &lex.user_hints)).then_some(Role::User);
        let head = staff.or_else(|| role_hint(&tail_chars(name, 6), lex));
        e.clause = head.or_else(|| clause.then(|| last_verb_role(name, lex)).flatten());
    }
    let label = d.label.as_str();
    let known = |l: &[String]| l.iter().any(|x| x == label);
    e.label = if known(&lex.vendor_labels) {
        Some(Role::Vendor)
    } else if known(&lex.customer_labels) {
        Some(Role::Customer)
    } else if !e.placeholder && contains_any(name, &lex.customer_name_markers) && !clause {
        // The older reading: 大学, 機構, 県 … are the hospital side.
        Some(Role::Customer)
    } else {
        role_hint(label, lex)
    };
    e
}

/// The role of the verb closest to a clause's head noun.
fn last_verb_role(clause: &str, lex: &PartiesLexicon) -> Option<Role> {
    let last = |list: &[String]| list.iter().filter_map(|v| clause.rfind(v.as_str())).max();
    match (last(&lex.provider_verbs), last(&lex.customer_verbs)) {
        (Some(p), Some(c)) => Some(if p > c { Role::Vendor } else { Role::Customer }),
        (Some(_), None) => Some(Role::Vendor),
        (None, Some(_)) => Some(Role::Customer),
        (None, None) => None,
    }
}

/// What the text says a party does.
#[derive(Debug, Default)]
struct Acts {
    provides: bool,
    uses: bool,
}

impl Acts {
    /// 「○○市（以下「市」という。）が整備する本ネットワーク」
    fn read_after(&mut self, after: &str, lex: &PartiesLexicon) {
        let Some(rest) = after
            .strip_prefix('が')
            .or_else(|| after.strip_prefix('は'))
        else {
            return;
        };
        let clause = rest.split('。').next().unwrap_or("");
        self.read_clause(&tail_chars_front(clause, 40), lex);
    }

    /// Sentences whose subject is the label (市は、…を整備し、運営する).
    fn read_sentence(&mut self, text: &str, label: &str, labels: &[&str], lex: &PartiesLexicon) {
        for key in ["運営主体", "運用主体", "設置主体", "管理主体"] {
            if let Some(i) = text.find(key) {
                // 「本ネットワークの運営主体は、市とする」「市は、…の運営主体として」
                let window: String = text[i..].chars().take(16).collect();
                let before: String = text[..i]
                    .chars()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if window.contains(label) || before.starts_with(label) {
                    self.provides = true;
                }
            }
        }
        let mut from = 0;
        while let Some(p) = text[from..].find(label) {
            let at = from + p;
            from = at + label.len();
            // A longer label containing this one (甲乙) or a word (再委託先) is not it.
            let prev = text[..at].chars().last();
            if prev.is_some_and(|c| c.is_alphanumeric() && !is_hiragana(c))
                && !matches!(prev, Some('、' | ','))
            {
                continue;
            }
            if labels
                .iter()
                .any(|l| l.len() > label.len() && l.starts_with(label) && text[at..].starts_with(l))
            {
                continue;
            }
            let rest = &text[from..];
            let Some(rest) = rest.strip_prefix("は").or_else(|| rest.strip_prefix("が")) else {
                continue;
            };
            let clause = rest.split('。').next().unwrap_or("");
            self.read_clause(&tail_chars_front(clause, 50), lex);
        }
    }

    /// A provider verb counts when a service, system or network is its object.
    fn read_clause(&mut self, clause: &str, lex: &PartiesLexicon) {
        const OBJECTS: [&str; 4] = ["ネットワーク", "サービス", "システム", "基盤"];
        if OBJECTS.iter().any(|o| clause.contains(o)) && contains_any(clause, &lex.provider_verbs) {
            // The last verb is the predicate: 「乙が提供する本サービスを利用する」 uses.
            let p = lex
                .provider_verbs
                .iter()
                .filter_map(|v| clause.rfind(v.as_str()))
                .max();
            let c = lex
                .customer_verbs
                .iter()
                .filter_map(|v| clause.rfind(v.as_str()))
                .max();
            match (p, c) {
                (Some(p), Some(c)) if c > p => self.uses = true,
                _ => self.provides = true,
            }
        } else if contains_any(clause, &lex.customer_verbs) {
            self.uses = true;
        }
    }
}

/// The first `max` characters.
fn tail_chars_front(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The role, what decided it, and a note when the evidence is missing or
/// conflicts; Err(note) when nothing says which side the party is on.
fn decide(
    d: &Definition,
    e: &Evidence,
    a: &Acts,
) -> Result<(Role, RoleBasis, Option<String>), String> {
    let label = &d.label;
    let acted = match (a.provides, a.uses) {
        (true, false) => Some(Role::Vendor),
        (false, true) => Some(Role::Customer),
        _ => None,
    };
    if let Some(h) = e.hint {
        let against = e.form.filter(|f| *f != h && *f != Role::Other);
        let note = against.map(|f| {
            format!(
                "「{label}」は括弧内で{}とされていますが、名称は{}の形です",
                role_ja(h),
                role_ja(f)
            )
        });
        return Ok((h, RoleBasis::Hint, note));
    }
    if e.folder {
        return Ok((Role::Vendor, RoleBasis::Folder, None));
    }
    if let Some(f) = e.form {
        return Ok((f, RoleBasis::Name, None));
    }
    if e.operator_form {
        if let Some(r) = acted {
            return Ok((r, RoleBasis::Text, None));
        }
        let fallback = e.clause.or(e.label);
        let note = if a.provides && a.uses {
            format!(
                "「{label}」（{}）は本文で提供する側とも利用する側とも読めます",
                d.name
            )
        } else {
            format!(
                "「{label}」（{}）が運営する側か利用する側か、本文から読み取れません",
                d.name
            )
        };
        return match fallback {
            Some(r) => Ok((r, RoleBasis::Label, Some(note))),
            None => Err(note),
        };
    }
    if let Some(c) = e.clause {
        let note = acted.filter(|r| *r != c).map(|r| {
            format!(
                "「{label}」は定義では{}、本文では{}として書かれています",
                role_ja(c),
                role_ja(r)
            )
        });
        return Ok((c, RoleBasis::Clause, note));
    }
    if let Some(r) = acted {
        return Ok((r, RoleBasis::Text, None));
    }
    match e.label {
        Some(r) if e.placeholder || !d.name.is_empty() => {
            let what = if e.placeholder {
                "名称が未記入で役割の記載もないため"
            } else {
                "名称から役割が分からないため"
            };
            Ok((
                r,
                RoleBasis::Label,
                Some(format!(
                    "「{label}」は{what}、呼び方から{}としました",
                    role_ja(r)
                )),
            ))
        }
        Some(r) => Ok((r, RoleBasis::Label, None)),
        None => Err(format!(
            "「{label}」（{}）がどちらの当事者か読み取れません",
            d.name
        )),
    }
}

fn role_ja(r: Role) -> &'static str {
    r.label_ja()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_title_glued_to_the_preamble_is_not_part_of_the_name() {
        assert_eq!(
            clean_name("保守業務委託契約書医療法人社団やまびこ会"),
            "医療法人社団やまびこ会"
        );
        assert_eq!(clean_name("株式会社規約システム"), "株式会社規約システム");
    }

    #[test]
    fn a_name_runs_back_to_its_boundary_not_into_the_sentence() {
        let d = preamble_definitions("本規約は,つくばみらい市(以下「市」という。)が整備する");
        assert_eq!(d[0].name, "つくばみらい市");
        assert!(d[0].after.starts_with("が整備する"));
        let d = preamble_definitions(
            "契約者及び利用者が東邦医療データ機構株式会社(以下「機構」という。)と",
        );
        assert_eq!(d[0].name, "東邦医療データ機構株式会社");
    }

    #[test]
    fn a_parenthesis_that_is_no_definition_belongs_to_the_name() {
        let d = preamble_definitions(
            "医療機関(病院及び診療所をいう。)が乙との間で本サービスに関する契約を締結した者(以下「甲」という。)",
        );
        assert_eq!(
            d[0].name,
            "医療機関(病院及び診療所をいう。)が乙との間で本サービスに関する契約を締結した者"
        );
    }

    #[test]
    fn article_headings_are_not_continued() {
        assert!(is_article_heading("第12条(定義)"));
        assert!(!continues("第1条(目的)", "ービス"));
        assert!(continues(
            "本サ",
            "ービスに係る事業者(以下「契約事業者」という。)"
        ));
        assert!(!continues(
            "業務委託契約書",
            "医療法人社団翠明会(以下「甲」という。)"
        ));
    }
}
