//! Which label in a contract is the vendor and which the customer.
//!
//! The preamble decides (株式会社○○（以下「乙」という。）): a name with a
//! company marker, or the scanned vendor's own name, is the vendor; a hospital
//! or a 利用者 is the customer. 甲 is the vendor in many vendor-drafted
//! contracts. Labels the contract does not define fall back to the lexicon.

use crate::rules::schema::PartiesLexicon;
use crate::segment::{Sentence, SentenceKind};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Vendor,
    Customer,
    Both,
    /// A third party (再委託先 …): never the vendor.
    Other,
}

/// A label defined in the contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyDef {
    pub label: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Default)]
pub struct Parties {
    /// (normalized label, role), longest first.
    labels: Vec<(String, Role)>,
    /// One automaton over all labels (pattern i is `labels[i]`).
    finder: Option<aho_corasick::AhoCorasick>,
    pub defined: Vec<PartyDef>,
}

fn strip_company_words(s: &str) -> String {
    let mut out = s.to_string();
    for w in ["株式会社", "有限会社", "合同会社", "(株)", "㈱"] {
        out = out.replace(w, "");
    }
    out.trim().to_string()
}

/// Role of a party from the name the preamble gives it.
pub fn classify_name(name: &str, lex: &PartiesLexicon, vendor_hint: Option<&str>) -> Option<Role> {
    if let Some(h) = vendor_hint {
        let core = strip_company_words(&crate::normalize::normalize_phrase(h));
        if core.chars().count() >= 2 && name.contains(&core) {
            return Some(Role::Vendor);
        }
    }
    const MEDICAL: [&str; 6] = [
        "病院",
        "医療法人",
        "診療所",
        "クリニック",
        "医院",
        "医療センター",
    ];
    if MEDICAL.iter().any(|m| name.contains(m)) {
        return Some(Role::Customer);
    }
    if lex
        .vendor_name_markers
        .iter()
        .any(|m| name.contains(m.as_str()))
    {
        return Some(Role::Vendor);
    }
    if lex
        .customer_name_markers
        .iter()
        .any(|m| name.contains(m.as_str()))
    {
        return Some(Role::Customer);
    }
    if lex
        .third_party_markers
        .iter()
        .any(|m| name.contains(m.as_str()))
    {
        return Some(Role::Other);
    }
    None
}

/// Party definitions 「名称（以下「乙」という。）」 in normalized text.
fn definitions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(p) = text[search..].find("以下") {
        let at = search + p;
        search = at + "以下".len();
        // 以下「乙」, 以下、「乙」, 以下単に「乙」
        let after = text[search..].trim_start_matches('、');
        let after = after.strip_prefix("単に").unwrap_or(after);
        let Some(open) = after.strip_prefix(['「', '『']) else {
            continue;
        };
        let Some(close) = open.find(['」', '』']) else {
            continue;
        };
        let label = &open[..close];
        if label.is_empty() || label.chars().count() > 12 {
            continue;
        }
        let rest = &open[close + 3..];
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
        // The name runs back from the "(" before 以下 to the previous boundary.
        let before = text[..at].trim_end_matches(['(', ' ']);
        let start = before
            .rfind(['、', '。', ')', '」'])
            .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        let mut name = &before[start..];
        for lead in ["と", "及び", "並びに", "は", "本契約は"] {
            name = name.strip_prefix(lead).unwrap_or(name);
        }
        if !name.is_empty() {
            out.push((label.to_string(), name.to_string()));
        }
    }
    out
}

/// 「発注者が行う監査」: the party is the subject of a clause that modifies a
/// noun, not of the sentence.
fn relative_clause(after_ga: &str) -> bool {
    const VERBS: [&str; 14] = [
        "行う",
        "実施する",
        "指定する",
        "定める",
        "求める",
        "認める",
        "管理する",
        "保有する",
        "提供する",
        "運用する",
        "契約する",
        "設置する",
        "指示する",
        "行った",
    ];
    VERBS.iter().any(|v| {
        after_ga
            .strip_prefix(v)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| is_kanji(c) || ('ァ'..='ヶ').contains(&c) || c == '前')
    })
}

fn is_kanji(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

impl Parties {
    pub fn resolve(
        sentences: &[Sentence],
        lex: &PartiesLexicon,
        vendor_hint: Option<&str>,
        overrides: &[(String, Role)],
    ) -> Parties {
        let mut defined: Vec<PartyDef> = Vec::new();
        // Definitions live in the preamble and the first articles (定義).
        for s in sentences.iter().take(60) {
            if !matches!(
                s.kind,
                SentenceKind::Preamble | SentenceKind::Body | SentenceKind::Heading
            ) {
                continue;
            }
            for (label, name) in definitions(&s.norm.text) {
                if defined.iter().any(|d| d.label == label) {
                    continue;
                }
                let role = classify_name(&name, lex, vendor_hint)
                    .or_else(|| Self::lexicon_role(lex, &label));
                if let Some(role) = role {
                    defined.push(PartyDef { label, name, role });
                }
            }
        }
        let mut p = Parties {
            defined,
            ..Parties::default()
        };
        p.rebuild(lex, overrides);
        p
    }

    /// Use another document's definitions (an SLA with no preamble of its own).
    pub fn with_definitions(
        &self,
        defs: &[PartyDef],
        lex: &PartiesLexicon,
        overrides: &[(String, Role)],
    ) -> Parties {
        let mut p = Parties {
            defined: defs.to_vec(),
            ..Parties::default()
        };
        p.rebuild(lex, overrides);
        p
    }

    fn lexicon_role(lex: &PartiesLexicon, label: &str) -> Option<Role> {
        if lex.both_labels.iter().any(|l| l == label) {
            Some(Role::Both)
        } else if lex.vendor_labels.iter().any(|l| l == label) {
            Some(Role::Vendor)
        } else if lex.customer_labels.iter().any(|l| l == label) {
            Some(Role::Customer)
        } else {
            None
        }
    }

    fn rebuild(&mut self, lex: &PartiesLexicon, overrides: &[(String, Role)]) {
        let mut labels: Vec<(String, Role)> = Vec::new();
        let add = |l: &str, r: Role, labels: &mut Vec<(String, Role)>| {
            if let Some(e) = labels.iter_mut().find(|(x, _)| x == l) {
                e.1 = r;
            } else {
                labels.push((l.to_string(), r));
            }
        };
        for l in &lex.vendor_labels {
            add(l, Role::Vendor, &mut labels);
        }
        for l in &lex.customer_labels {
            add(l, Role::Customer, &mut labels);
        }
        for l in &lex.both_labels {
            add(l, Role::Both, &mut labels);
        }
        for d in &self.defined {
            add(&d.label, d.role, &mut labels);
        }
        for (l, r) in overrides {
            add(&crate::normalize::normalize_phrase(l), *r, &mut labels);
        }
        // 甲及び乙 means both whoever is the vendor: compose pairs of the labels
        // this contract defines (the lexicon lists the usual pairs itself).
        let singles: Vec<String> = labels
            .iter()
            .filter(|(l, r)| {
                matches!(r, Role::Vendor | Role::Customer)
                    && (self.defined.iter().any(|d| &d.label == l) || l.chars().count() == 1)
            })
            .map(|(l, _)| l.clone())
            .collect();
        for a in &singles {
            for b in &singles {
                if a != b {
                    for j in ["及び", "又は", "と", "並びに", ""] {
                        let l = format!("{a}{j}{b}");
                        if l.chars().count() <= 16 && !labels.iter().any(|(x, _)| *x == l) {
                            labels.push((l, Role::Both));
                        }
                    }
                }
            }
        }
        labels.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        self.finder = aho_corasick::AhoCorasick::new(labels.iter().map(|(l, _)| l.as_str())).ok();
        self.labels = labels;
    }

    /// The role of the sentence's subject: the first topic (Xは, Xも,
    /// Xにおいて), else the last Xが before `before`.
    pub fn subject(&self, text: &str, before: usize) -> Option<Role> {
        let Some(finder) = &self.finder else {
            return None;
        };
        // Every label occurrence, leftmost first and longest first; an
        // accepted one hides the shorter labels inside it (甲乙 over 甲).
        let mut found: Vec<(usize, usize, usize)> = finder
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let (mut topic, mut ga, mut pos) = (None, None, 0);
        for (start, end, k) in found {
            if start < pos {
                continue;
            }
            let (label, role) = &self.labels[k];
            let prev = text[..start].chars().last();
            let single = label.chars().count() == 1;
            if prev == Some('再') || (single && prev.is_some_and(is_kanji)) {
                continue;
            }
            let after = &text[end..];
            if ["は", "も", "において", "にあっては", "としては"]
                .iter()
                .any(|p| after.starts_with(p))
                && !after.starts_with("はじめ")
            {
                topic = topic.or(Some(*role));
            } else if after.starts_with("が")
                && start < before.max(1)
                && !relative_clause(&after["が".len()..])
            {
                ga = Some(*role);
            }
            pos = end;
        }
        topic.or(ga)
    }

    /// Keep only the definitions (for the report), dropping the label
    /// automaton once the document is matched.
    pub fn definitions_only(self) -> Parties {
        Parties {
            defined: self.defined,
            ..Parties::default()
        }
    }

    /// The vendor's name as the preamble gives it.
    pub fn vendor_name(&self) -> Option<&str> {
        self.defined
            .iter()
            .find(|d| d.role == Role::Vendor)
            .map(|d| d.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Document};
    use crate::rules::RuleSet;

    fn parties(preamble: &str, hint: Option<&str>) -> Parties {
        let rs = RuleSet::embedded().unwrap();
        let doc = Document {
            blocks: vec![Block::paragraph(None, preamble)],
            ..Document::default()
        };
        let s = crate::segment::segment(&doc);
        Parties::resolve(&s, &rs.lexicon.parties, hint, &[])
    }

    #[test]
    fn hospital_drafted_contract_makes_otsu_the_vendor() {
        let p = parties("医療法人社団翠明会（以下「甲」という。）と株式会社北辰（以下「乙」という。）は、次のとおり契約する。", None);
        assert_eq!(p.subject("乙は、報告する。", 0), Some(Role::Vendor));
        assert_eq!(p.subject("甲は、報告する。", 0), Some(Role::Customer));
        assert_eq!(p.vendor_name(), Some("株式会社北辰"));
    }

    #[test]
    fn vendor_drafted_contract_can_make_ko_the_vendor() {
        let p = parties("東雲ソフト株式会社（以下「甲」という。）と医療法人社団翠明会（以下「乙」という。）は、", None);
        assert_eq!(p.subject("甲は、乙に報告する。", 0), Some(Role::Vendor));
        assert_eq!(p.subject("乙は、甲に報告する。", 0), Some(Role::Customer));
    }

    #[test]
    fn terms_of_service_use_tousha_and_okyakusama() {
        let p = parties("本規約は、株式会社ミナト（以下「当社」といいます。）が提供する本サービスの利用者（以下「お客様」といいます。）に適用されます。", None);
        assert_eq!(p.subject("当社は、通知します。", 0), Some(Role::Vendor));
        assert_eq!(
            p.subject("お客様は、支払うものとします。", 0),
            Some(Role::Customer)
        );
    }

    #[test]
    fn a_subcontractor_defined_as_itakusaki_is_not_the_vendor() {
        let p = parties(
            "当社は、業務を第三者（以下「委託先」といいます。）に委託することができます。",
            None,
        );
        assert_eq!(p.subject("委託先は、報告する。", 0), Some(Role::Other));
        assert_eq!(p.subject("再委託先は、報告する。", 0), None);
    }

    #[test]
    fn definitions_with_a_comma_after_ika() {
        let p = parties("国立○○医療センター（以下、「委託者」という。）とエー株式会社（以下、「受託者」という。）は、", None);
        assert_eq!(p.vendor_name(), Some("エー株式会社"));
    }

    #[test]
    fn topic_wins_over_a_relative_clause_ga() {
        let p = parties("", None);
        assert_eq!(
            p.subject("乙は、甲が行う調査に協力する。", 100),
            Some(Role::Vendor)
        );
        assert_eq!(
            p.subject("原因調査は、乙が主導して行う。", 100),
            Some(Role::Vendor)
        );
        assert_eq!(p.subject("甲及び乙は、協議する。", 100), Some(Role::Both));
    }

    #[test]
    fn a_party_in_a_relative_clause_is_not_the_subject() {
        let p = parties("", None);
        assert_eq!(p.subject("甲が行う監査を受け入れること。", 100), None);
        assert_eq!(
            p.subject("障害の一次切り分けは、乙が行う。", 100),
            Some(Role::Vendor)
        );
    }

    #[test]
    fn folder_name_identifies_the_vendor_without_company_marker() {
        let p = parties(
            "翠明会（以下「甲」という。）とあおば情報サービス（以下「乙」という。）は、",
            Some("あおば情報サービス"),
        );
        assert_eq!(p.subject("乙は、報告する。", 0), Some(Role::Vendor));
    }
}
