//! The deadline an incident-reporting clause sets (直ちに, 速やかに,
//! 遅滞なく, 24時間以内, 3日以内). The hospital must file its own 速報 with
//! the PPC within days of learning of a leak, so a reporting duty without a
//! deadline deserves a note in the report.

use regex::Regex;
use std::sync::OnceLock;

/// The first deadline wording in a sentence (normalized: NFKC digits), as
/// written there; `None` when the clause sets no deadline.
pub fn wording(text: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            "直ちに|ただちに|即時に?|即座に|至急|速やかに|すみやかに|遅滞なく|\
             [0-9一二三四五六七八九十百]+ ?(時間|日|営業日|週間|か月|ヶ月|カ月)以内",
        )
        .expect("static regex")
    });
    re.find(text).map(|m| m.as_str().to_string())
}

/// How soon a deadline falls, for sorting and filtering reports: a stated
/// number of hours or days, an immediate duty, a prompt one (速やかに,
/// 遅滞なく: no number), or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Immediate,
    Hours,
    Days,
    Prompt,
    None,
}

impl Class {
    /// The class of a deadline's wording as [`wording`] found it.
    pub fn of(wording: Option<&str>) -> Class {
        let Some(w) = wording else {
            return Class::None;
        };
        if w.ends_with("時間以内") {
            Class::Hours
        } else if w.ends_with("以内") {
            Class::Days
        } else if ["速やかに", "すみやかに", "遅滞なく"].contains(&w) {
            Class::Prompt
        } else {
            Class::Immediate
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Class::Immediate => "即時",
            Class::Hours => "時間単位",
            Class::Days => "日単位",
            Class::Prompt => "速やかに（期間の定めなし）",
            Class::None => "期限なし",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_deadline_wording_has_its_class() {
        let class = |t: &str| Class::of(wording(t).as_deref());
        assert_eq!(class("乙は、直ちに甲に報告する。"), Class::Immediate);
        assert_eq!(class("乙は、24時間以内に甲に報告する。"), Class::Hours);
        assert_eq!(class("乙は、3営業日以内に甲に報告する。"), Class::Days);
        assert_eq!(class("乙は、1か月以内に甲に報告する。"), Class::Days);
        assert_eq!(class("乙は、遅滞なく甲に報告する。"), Class::Prompt);
        assert_eq!(class("乙は、甲に報告する。"), Class::None);
    }

    #[test]
    fn the_deadline_wording_is_found_as_written() {
        assert_eq!(
            wording("乙は、事故を知ったときは、直ちに甲に報告しなければならない。").as_deref(),
            Some("直ちに")
        );
        assert_eq!(
            wording("当社は、漏えいを知った時から72時間以内にお客様に通知します。").as_deref(),
            Some("72時間以内")
        );
        assert_eq!(
            wording("受託者は、三日以内に委託者に届け出る。").as_deref(),
            Some("三日以内")
        );
    }

    #[test]
    fn a_clause_without_a_deadline_has_none() {
        assert_eq!(wording("乙は、障害が発生したときは、甲に報告する。"), None);
    }
}
