//! How every writer shows the guideline edition: each result's tier (必須 /
//! 推奨 / 対象外), a missing recommended provision as 要検討 rather than a
//! gap, the ⚠ of a provision known only from a draft or a summary, a
//! conflict's two clauses, and the counts that leave recommendations out of
//! the gaps. One place, so that the text, CSV, XLSX, Markdown and HTML
//! reports cannot disagree.
//!
//! Under edition 5.2 results carry no `applies` and provisions no
//! `source_warning`: every function here then gives exactly what the writers
//! showed before editions existed (their 5.2 output is pinned byte for byte).

use super::model::{Applies, Evidence, ProvisionResult, Report, Status};

/// What a reader sees for one result: its status, or what the tier makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Status(Status),
    /// A recommended provision not found: a note to consider, not a gap.
    Consider,
    /// Its condition does not hold for this vendor.
    NotApplicable,
}

impl Verdict {
    /// The overview cell: ○ △ 否 × ？, or the word for the two tier verdicts.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Status(s) => s.mark(),
            Verdict::Consider => "要検討",
            Verdict::NotApplicable => "対象外",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Verdict::Status(s) => s.label_ja(),
            Verdict::Consider => "推奨・なし",
            Verdict::NotApplicable => "条件に該当せず",
        }
    }

    /// A name for styles and filters (`present` … `unknown`, `consider`,
    /// `not-applicable`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Status(s) => s.as_str(),
            Verdict::Consider => "consider",
            Verdict::NotApplicable => "not-applicable",
        }
    }

    /// What the mark means, for a legend (the tier verdicts; a status's
    /// own words are each writer's legend, unchanged since 5.2).
    pub fn meaning_ja(self) -> &'static str {
        match self {
            Verdict::Status(s) => s.label_ja(),
            Verdict::Consider => "推奨条項が見当たらない（不足には数えません）",
            Verdict::NotApplicable => "条件（外部保存等）に該当しないため照合対象外",
        }
    }

    /// What a status comes to under a tier (None: no edition, required).
    pub fn of(tier: Option<Applies>, status: Status) -> Verdict {
        match (tier.unwrap_or(Applies::Required), status) {
            (Applies::NotApplicable, _) => Verdict::NotApplicable,
            (Applies::Recommended, Status::Missing) => Verdict::Consider,
            (_, s) => Verdict::Status(s),
        }
    }

    /// The mark and its label (`△ 弱い`, `要検討 推奨・なし`).
    pub fn cell_ja(self) -> String {
        format!("{} {}", self.mark(), self.label_ja())
    }
}

impl From<Status> for Verdict {
    fn from(s: Status) -> Verdict {
        Verdict::Status(s)
    }
}

/// The legend lines for the tier verdicts and the ⚠ (empty under 5.2).
pub fn legend_ja(r: &Report) -> Vec<String> {
    if r.guideline.is_none() {
        return Vec::new();
    }
    vec![
        format!(
            "{} {}",
            Verdict::Consider.mark(),
            Verdict::Consider.meaning_ja()
        ),
        format!(
            "{} {}",
            Verdict::NotApplicable.mark(),
            Verdict::NotApplicable.meaning_ja()
        ),
        "⚠ 出典が案・二次情報のみの条項（出典は下記）".to_string(),
        "矛盾 反対の定め（留保・除外）が他の条項に優先".to_string(),
    ]
}

impl ProvisionResult {
    /// How the provision applies: required unless the edition says otherwise
    /// (5.2 has only required provisions).
    pub fn tier(&self) -> Applies {
        self.applies.unwrap_or(Applies::Required)
    }

    pub fn verdict(&self) -> Verdict {
        Verdict::of(self.applies, self.status)
    }

    /// A gap: a required provision missing or negated.
    pub fn is_gap(&self) -> bool {
        self.tier() == Applies::Required && matches!(self.status, Status::Missing | Status::Negated)
    }

    /// A required provision to check: weak, or not decided (unknown).
    pub fn needs_check(&self) -> bool {
        self.tier() == Applies::Required && matches!(self.status, Status::Weak | Status::Unknown)
    }

    /// A recommended provision not fully there: worth raising with the vendor.
    pub fn to_consider(&self) -> bool {
        self.tier() == Applies::Recommended && self.status != Status::Present
    }

    /// For a conflict: the reservation that prevails and the clause promising
    /// the opposite.
    pub fn conflicting(&self) -> Option<(&Evidence, &Evidence)> {
        if !self.conflict {
            return None;
        }
        let prevailing = |e: &&Evidence| e.basis == crate::matching::Basis::Prevailing;
        let reservation = self.evidence.iter().find(prevailing)?;
        let opposite = self
            .evidence
            .iter()
            .find(|e| !prevailing(e) && e.strength != Status::Negated)?;
        Some((reservation, opposite))
    }

    /// 「矛盾: 第2条「…」（留保・除外）が第1条「…」に優先」, for a conflict.
    pub fn conflict_ja(&self) -> Option<String> {
        let (reservation, opposite) = self.conflicting()?;
        Some(format!(
            "矛盾: {}が{}に優先します",
            reservation.clause_quote_ja(),
            opposite.clause_quote_ja()
        ))
    }
}

/// A vendor's results required first, then recommended, then 対象外 (each
/// group in report order; under 5.2, the report order).
pub fn in_tier_order(results: &[ProvisionResult]) -> Vec<&ProvisionResult> {
    let rank = |p: &&ProvisionResult| match p.tier() {
        Applies::Required => 0,
        Applies::Recommended => 1,
        Applies::NotApplicable => 2,
    };
    let mut out: Vec<&ProvisionResult> = results.iter().collect();
    out.sort_by_key(rank);
    out
}

impl Evidence {
    /// 第2条「…」, or the quote alone when the clause has no number.
    pub fn clause_quote_ja(&self) -> String {
        format!("{}「{}」", self.clause.as_deref().unwrap_or(""), self.text)
    }
}

impl Report {
    /// The source warning of provision `id`, under an edition after 5.2.
    pub fn source_warning_of(&self, id: &str) -> Option<&str> {
        self.provisions
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.source_warning.as_deref())
    }

    /// `⚠` after a provision's name when its sources are drafts or summaries.
    pub fn warn_mark(&self, id: &str) -> &'static str {
        if self.source_warning_of(id).is_some() {
            "⚠"
        } else {
            ""
        }
    }

    /// How provision `id` applies across the vendors: the strictest tier any
    /// vendor has (a conditional provision is required for a vendor that
    /// stores the hospital's data and recommended or 対象外 for one that
    /// does not). None under 5.2.
    pub fn tier_of(&self, id: &str) -> Option<Applies> {
        let rank = |a: &Applies| match a {
            Applies::Required => 0,
            Applies::Recommended => 1,
            Applies::NotApplicable => 2,
        };
        self.vendors
            .iter()
            .flat_map(|v| &v.provisions)
            .filter(|p| &*p.names.id == id)
            .filter_map(|p| p.applies)
            .min_by_key(rank)
    }

    /// Vendor `vendor`'s verdict on provision `id` given its status, by how
    /// the provision applies to that vendor (a service lists each vendor's).
    pub fn verdict_for(&self, vendor: &str, id: &str, status: Status) -> Verdict {
        let applies = self
            .vendors
            .iter()
            .find(|v| v.name == vendor)
            .and_then(|v| v.provisions.iter().find(|p| &*p.names.id == id))
            .and_then(|p| p.applies)
            .or_else(|| self.tier_of(id));
        Verdict::of(applies, status)
    }

    /// The short names of the provisions no vendor of service `s` covers:
    /// the required ones (gaps), then the recommended ones (要検討). Under
    /// 5.2 every one is required.
    pub fn uncovered_by_tier<'a>(
        &self,
        s: &'a super::model::ServiceReport,
    ) -> (Vec<&'a str>, Vec<&'a str>) {
        let mut required = Vec::new();
        let mut recommended = Vec::new();
        for p in s.provisions.iter().filter(|p| s.uncovered.contains(&p.id)) {
            match self.tier_of(&p.id) {
                Some(Applies::Recommended) => recommended.push(&*p.short),
                Some(Applies::NotApplicable) => {}
                _ => required.push(&*p.short),
            }
        }
        (required, recommended)
    }

    /// The edition heading, then its notes (empty under 5.2).
    pub fn edition_lines_ja(&self) -> Vec<String> {
        let Some(g) = &self.guideline else {
            return Vec::new();
        };
        let mut lines = vec![g.label_ja()];
        lines.extend(g.notes.iter().map(|n| format!("注: {n}")));
        lines
    }

    /// Each warned provision's source line: `SLA: ⚠ 出典は案・二次情報のみ: …`.
    pub fn source_warnings_ja(&self) -> Vec<String> {
        self.provisions
            .iter()
            .filter_map(|i| {
                i.source_warning
                    .as_ref()
                    .map(|w| format!("{}: {w}", i.short))
            })
            .collect()
    }

    /// The counts of the summary line. Under an edition, only required
    /// provisions count by status; recommendations not found and 対象外 are
    /// counted apart, never as gaps. None under 5.2 (the writers print the
    /// report's own summary there).
    pub fn tally(&self) -> Option<Tally> {
        self.guideline.as_ref()?;
        let mut t = Tally::default();
        for p in self.vendors.iter().flat_map(|v| &v.provisions) {
            match (p.tier(), p.verdict()) {
                (_, Verdict::NotApplicable) => t.not_applicable += 1,
                (_, Verdict::Consider) => t.consider += 1,
                (Applies::Recommended, Verdict::Status(s)) => t.recommended[s as usize] += 1,
                (_, Verdict::Status(s)) => t.required[s as usize] += 1,
            }
        }
        Some(t)
    }
}

/// Result counts under an edition, by tier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Required provisions by status, in `Status` order.
    pub required: [usize; 5],
    /// Recommended provisions found (present, weak, negated) or unknown, by status.
    pub recommended: [usize; 5],
    /// Recommended provisions not found.
    pub consider: usize,
    pub not_applicable: usize,
}

const STATUSES: [Status; 5] = [
    Status::Present,
    Status::Weak,
    Status::Negated,
    Status::Missing,
    Status::Unknown,
];

impl Tally {
    /// 「必須 ○ 3  △ 1 …／推奨 ○ 2 … 要検討 4／対象外 0」
    pub fn line_ja(&self) -> String {
        let counts = |n: &[usize; 5], skip_missing: bool| -> String {
            STATUSES
                .iter()
                .filter(|s| !(skip_missing && **s == Status::Missing))
                .map(|s| format!("{} {}", s.mark(), n[*s as usize]))
                .collect::<Vec<_>>()
                .join("  ")
        };
        format!(
            "必須 {}／推奨 {}  {} {}／{} {}",
            counts(&self.required, false),
            counts(&self.recommended, true),
            Verdict::Consider.mark(),
            self.consider,
            Verdict::NotApplicable.mark(),
            self.not_applicable
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::model::*;

    pub fn result(id: &str, status: Status, applies: Option<Applies>) -> ProvisionResult {
        ProvisionResult {
            names: crate::rules::SharedNames::new(id, &format!("{id} の条項"), id),
            status,
            applies,
            conflict: false,
            evidence: Vec::new(),
            near_miss: None,
            set_aside: None,
            languages: None,
        }
    }

    pub fn evidence(
        clause: &str,
        text: &str,
        basis: crate::matching::Basis,
        s: Status,
    ) -> Evidence {
        Evidence {
            clause: Some(clause.into()),
            basis,
            ..Evidence::sample("A/規約.txt", text, s)
        }
    }

    #[test]
    fn a_missing_recommended_provision_is_to_consider_and_not_a_gap() {
        let p = result("backup", Status::Missing, Some(Applies::Recommended));
        assert_eq!(p.verdict(), Verdict::Consider);
        assert_eq!(p.verdict().mark(), "要検討");
        assert!(!p.is_gap());
        assert!(p.to_consider());
        let negated = result("backup", Status::Negated, Some(Applies::Recommended));
        assert_eq!(negated.verdict(), Verdict::Status(Status::Negated));
        assert!(!negated.is_gap() && negated.to_consider());
    }

    #[test]
    fn a_result_without_an_edition_is_required_and_keeps_its_status() {
        let p = result("x", Status::Missing, None);
        assert_eq!(p.verdict(), Verdict::Status(Status::Missing));
        assert!(p.is_gap() && !p.to_consider());
        let w = result("x", Status::Weak, None);
        assert!(w.needs_check() && !w.is_gap());
    }

    #[test]
    fn a_provision_whose_condition_does_not_hold_is_not_applicable_whatever_its_status() {
        for s in STATUSES {
            let p = result("x", s, Some(Applies::NotApplicable));
            assert_eq!(p.verdict(), Verdict::NotApplicable);
            assert!(!p.is_gap() && !p.needs_check() && !p.to_consider());
        }
    }

    #[test]
    fn a_deadline_shows_its_class_without_repeating_the_wording() {
        use crate::matching::deadline::Class;
        let d = |w: &str, c| Deadline {
            wording: Some(w.into()),
            class: c,
        };
        assert_eq!(
            d("直ちに", Some(Class::Immediate)).label_ja(),
            "期限: 直ちに（即時）"
        );
        assert_eq!(
            d("速やかに", Some(Class::Prompt)).label_ja(),
            "期限: 速やかに（期間の定めなし）"
        );
        assert_eq!(
            d("遅滞なく", Some(Class::Prompt)).label_ja(),
            "期限: 遅滞なく（期間の定めなし）"
        );
        assert_eq!(d("速やかに", None).label_ja(), "期限: 速やかに", "5.2");
    }

    #[test]
    fn a_conflict_names_the_reservation_before_the_clause_it_beats() {
        use crate::matching::Basis;
        let mut p = result(
            "purpose-limitation",
            Status::Negated,
            Some(Applies::Required),
        );
        p.evidence = vec![
            evidence(
                "第2条",
                "統計情報として利用することがあります。",
                Basis::Prevailing,
                Status::Negated,
            ),
            evidence(
                "第1条",
                "目的以外で利用しません。",
                Basis::Duty,
                Status::Present,
            ),
        ];
        assert_eq!(p.conflict_ja(), None, "not flagged as a conflict");
        p.conflict = true;
        assert_eq!(
            p.conflict_ja().as_deref(),
            Some("矛盾: 第2条「統計情報として利用することがあります。」が第1条「目的以外で利用しません。」に優先します")
        );
    }
}
