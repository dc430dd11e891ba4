//! Clause labels: 第十二条, 第１２条, 第12条の2, ２, 第2項, （1）, 一, ①, ア.

/// Value of a number written in ASCII, full-width or kanji digits.
pub fn parse_number(s: &str) -> Option<u32> {
    let s: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    kanji_value(&s)
}

fn kanji_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
        .or(match c {
            '零' => Some(0),
            '壱' => Some(1),
            '弐' => Some(2),
            '参' => Some(3),
            _ => None,
        })
}

/// 十二 → 12, 二十 → 20, 百五 → 105, 一〇 → 10 (digit-by-digit style too).
fn kanji_value(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if !s.contains(['十', '百', '千', '拾']) {
        let mut v = 0u32;
        for c in s.chars() {
            v = v.checked_mul(10)?.checked_add(kanji_digit(c)?)?;
        }
        return Some(v);
    }
    let mut total = 0u32;
    let mut digit: Option<u32> = None;
    for c in s.chars() {
        let unit = match c {
            '十' | '拾' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                digit = Some(kanji_digit(c)?);
                continue;
            }
        };
        total += digit.take().unwrap_or(1) * unit;
    }
    Some(total + digit.unwrap_or(0))
}

const NUM_CHARS: &str = "0123456789０１２３４５６７８９〇一二三四五六七八九十百千零壱弐参拾";

/// What follows an article number that is cited, not a label: a sentence
/// that starts 「第5条の規定は」, 「第5条に定める」, 「第5条第2項」 is not article 5.
pub fn continues_reference(rest: &str) -> bool {
    const CITED: [&str; 19] = [
        "の",
        "に",
        "及び",
        "並びに",
        "から",
        "第",
        "又は",
        "若しくは",
        "、",
        "を",
        "は",
        "で",
        "まで",
        "と",
        "が",
        "中",
        "において",
        "により",
        "による",
    ];
    CITED.iter().any(|c| rest.starts_with(c))
}

/// `第N条` (or 第N条のM) at the start: (article number, label as written, rest).
/// A cited article (「第5条の規定は、…」) is none.
pub fn article(text: &str) -> Option<(u32, String, &str)> {
    let t = text.trim_start();
    let rest = t.strip_prefix('第')?;
    let digits: String = rest
        .chars()
        .take_while(|c| NUM_CHARS.contains(*c))
        .collect();
    let after = &rest[digits.len()..];
    let after = after.strip_prefix('条')?;
    let n = parse_number(&digits)?;
    // 第12条の2
    let mut label = format!("第{n}条");
    let mut after = after;
    if let Some(r) = after.strip_prefix('の') {
        let sub: String = r.chars().take_while(|c| NUM_CHARS.contains(*c)).collect();
        if let Some(m) = parse_number(&sub) {
            label.push_str(&format!("の{m}"));
            after = &r[sub.len()..];
        }
    }
    if continues_reference(after) {
        return None;
    }
    Some((n, label, after))
}

/// A paragraph number at the start (２　…, 2 …, 第2項 …): (number, rest).
pub fn paragraph(text: &str) -> Option<(u32, &str)> {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('第') {
        let digits: String = rest
            .chars()
            .take_while(|c| NUM_CHARS.contains(*c))
            .collect();
        let after = rest[digits.len()..].strip_prefix('項')?;
        return Some((parse_number(&digits)?, after.trim_start()));
    }
    let digits: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .collect();
    if digits.is_empty() || digits.chars().count() > 2 {
        return None;
    }
    let after = &t[digits.len()..];
    let sep = after.chars().next()?;
    if matches!(sep, '\u{3000}' | ' ' | '\t' | '.' | '．') {
        return Some((parse_number(&digits)?, after[sep.len_utf8()..].trim_start()));
    }
    None
}

/// An item label at the start: （1）, (1), ⑴, ①, 一　, ア　, イ． → (label for citing, rest).
pub fn item(text: &str) -> Option<(String, &str)> {
    let t = text.trim_start();
    let c0 = t.chars().next()?;
    if matches!(c0, '（' | '(') {
        let inner_start = c0.len_utf8();
        let close = t[inner_start..].find(['）', ')'])?;
        let inner = &t[inner_start..inner_start + close];
        let single_letter = inner.chars().count() == 1
            && inner.chars().all(|c| {
                ('ア'..='ン').contains(&c) || c.is_ascii_alphabetic() || ('ｱ'..='ﾝ').contains(&c)
            });
        if parse_number(inner).is_none() && !single_letter {
            return None;
        }
        let close_len = t[inner_start + close..].chars().next()?.len_utf8();
        let rest = t[inner_start + close + close_len..].trim_start();
        return Some(match parse_number(inner) {
            Some(n) => (format!("第{n}号"), rest),
            None => (format!("（{inner}）"), rest),
        });
    }
    if ('①'..='⑳').contains(&c0) {
        return Some((
            format!("第{}号", c0 as u32 - '①' as u32 + 1),
            t[c0.len_utf8()..].trim_start(),
        ));
    }
    if ('⑴'..='⒇').contains(&c0) {
        return Some((
            format!("第{}号", c0 as u32 - '⑴' as u32 + 1),
            t[c0.len_utf8()..].trim_start(),
        ));
    }
    // 一　…, 十二　…, ア　…, イ．…
    let head: String = t
        .chars()
        .take_while(|c| "〇一二三四五六七八九十".contains(*c))
        .collect();
    let (label, after) = if !head.is_empty() {
        (format!("第{}号", parse_number(&head)?), &t[head.len()..])
    } else if ('ア'..='ン').contains(&c0) || "イロハニホヘトチリヌルヲ".contains(c0) {
        (c0.to_string(), &t[c0.len_utf8()..])
    } else {
        return None;
    };
    let sep = after.chars().next()?;
    if matches!(sep, '\u{3000}' | ' ' | '\t' | '、' | '．' | '.') {
        return Some((label, after[sep.len_utf8()..].trim_start()));
    }
    None
}

/// A heading in parentheses at the start: （事故時の対応） → (heading, rest).
pub fn heading(text: &str) -> Option<(String, &str)> {
    let t = text.trim_start();
    let c0 = t.chars().next()?;
    if !matches!(c0, '（' | '(') {
        return None;
    }
    let start = c0.len_utf8();
    let close = t[start..].find(['）', ')'])?;
    let h = &t[start..start + close];
    let close_len = t[start + close..].chars().next()?.len_utf8();
    Some((h.to_string(), t[start + close + close_len..].trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_numbers_in_every_notation() {
        assert_eq!(article("第十二条（報告）").map(|a| a.0), Some(12));
        assert_eq!(article("第１２条　本文").map(|a| a.0), Some(12));
        assert_eq!(
            article("第12条の2（監査）").map(|a| a.1),
            Some("第12条の2".into())
        );
        assert_eq!(article("第二十一条").map(|a| a.0), Some(21));
        assert_eq!(article("第1章　総則"), None);
        assert_eq!(article("第5条の規定は、乙について準用する。"), None);
        assert_eq!(article("第5条第2項に定める報告"), None);
    }

    #[test]
    fn paragraph_numbers() {
        assert_eq!(paragraph("２　乙は、").map(|p| p.0), Some(2));
        assert_eq!(paragraph("2 乙は").map(|p| p.0), Some(2));
        assert_eq!(paragraph("第3項 乙は").map(|p| p.0), Some(3));
        assert_eq!(paragraph("2024年"), None);
        assert_eq!(paragraph("3. 乙は").map(|p| p.0), Some(3));
    }

    #[test]
    fn item_labels() {
        assert_eq!(item("（1）医療情報").map(|i| i.0), Some("第1号".into()));
        assert_eq!(item("(２)障害").map(|i| i.0), Some("第2号".into()));
        assert_eq!(item("③ 監査").map(|i| i.0), Some("第3号".into()));
        assert_eq!(item("十二　事故").map(|i| i.0), Some("第12号".into()));
        assert_eq!(item("ア　通信").map(|i| i.0), Some("ア".into()));
        assert_eq!(item("（以下「乙」という。）"), None);
    }
}
