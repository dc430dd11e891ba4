//! Dates as contracts write them: 2025年4月1日, ２０２５年４月１日,
//! 令和7年4月1日, 令和七年四月一日, 令和元年5月1日.

use crate::segment::numbering::parse_number;
use regex::Regex;
use std::sync::OnceLock;

/// A calendar date (Gregorian year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

/// A date found in a text: where, its value, and how it was written
/// (digits folded to ASCII, spaces dropped), for labels such as
/// 「令和7年4月1日付覚書」.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub date: Date,
    pub written: String,
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let num = "[0-9０-９]{1,4}|[〇一二三四五六七八九十]{1,4}";
        Regex::new(&format!(
            r"(令和|平成|昭和)?[ 　]*({num}|元)[ 　]*年[ 　]*({num})[ 　]*月[ 　]*({num})[ 　]*日"
        ))
        .expect("static regex")
    })
}

/// Every date in `text`, in order. A year with no era must be a Western
/// year (from 1900): 「3年」 alone says nothing about when.
pub fn find_all(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for c in date_re().captures_iter(text) {
        let (Some(all), Some(y), Some(m), Some(d)) = (c.get(0), c.get(2), c.get(3), c.get(4))
        else {
            continue;
        };
        let era = c.get(1).map(|e| e.as_str());
        let y = if y.as_str() == "元" {
            Some(1)
        } else {
            parse_number(y.as_str())
        };
        let (Some(y), Some(m), Some(d)) = (y, parse_number(m.as_str()), parse_number(d.as_str()))
        else {
            continue;
        };
        let year = match era {
            Some("令和") => 2018 + y,
            Some("平成") => 1988 + y,
            Some("昭和") => 1925 + y,
            _ if (1900..=2200).contains(&y) => y,
            _ => continue,
        };
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            continue;
        }
        let written = match era {
            Some(e) => format!(
                "{e}{}年{m}月{d}日",
                if y == 1 { "元".into() } else { y.to_string() }
            ),
            None => format!("{year}年{m}月{d}日"),
        };
        out.push(Found {
            start: all.start(),
            end: all.end(),
            date: Date {
                year,
                month: m,
                day: d,
            },
            written,
        });
    }
    out
}

/// The line is a date and nothing else (a signing date above the signatures),
/// allowing a short lead such as 締結日 or 作成日.
pub fn date_line(text: &str) -> Option<Found> {
    let t = text.trim();
    let found = find_all(t).into_iter().next()?;
    let before: String = t[..found.start]
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ':' | '：'))
        .collect();
    let after = t[found.end..].trim();
    let lead_ok =
        before.is_empty() || ["締結日", "作成日", "契約日", "日付"].contains(&before.as_str());
    (lead_ok && (after.is_empty() || after == "付" || after == "締結")).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u32, m: u32, day: u32) -> Date {
        Date {
            year: y,
            month: m,
            day,
        }
    }

    #[test]
    fn western_full_width_and_era_dates_are_read() {
        let f = find_all("2025年4月1日付で、２０２４年１０月１日から、令和7年4月1日、令和元年5月1日、平成三十一年四月一日");
        let dates: Vec<Date> = f.iter().map(|f| f.date).collect();
        assert_eq!(
            dates,
            [
                d(2025, 4, 1),
                d(2024, 10, 1),
                d(2025, 4, 1),
                d(2019, 5, 1),
                d(2019, 4, 1)
            ]
        );
        assert_eq!(f[2].written, "令和7年4月1日");
        assert_eq!(f[3].written, "令和元年5月1日");
        assert_eq!(f[1].written, "2024年10月1日");
    }

    #[test]
    fn a_year_without_era_or_century_is_not_a_date() {
        assert!(find_all("契約期間は3年4月1日まで").is_empty());
        assert!(find_all("2025年13月1日").is_empty());
    }

    #[test]
    fn a_date_line_is_a_date_alone() {
        assert!(date_line("　2025年3月15日").is_some());
        assert!(date_line("締結日：令和7年3月15日").is_some());
        assert!(date_line("本覚書は、2025年4月1日から効力を生ずる。").is_none());
    }
}
