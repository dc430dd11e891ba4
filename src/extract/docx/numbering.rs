//! `word/numbering.xml`: renders automatic numbering the way Word shows it.
//!
//! In many Japanese contracts 「第3条」 or 「（2）」 is not in the text at all but
//! produced by numbering attached to a paragraph or its style. Without
//! rendering it, a reader's 第12条第2項 cannot be cited.

use super::xml::{attr, local};
use quick_xml::events::Event;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
    /// Restart after a higher level (1-based `w:lvlRestart`); `Some(0)` = never.
    restart: Option<u32>,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    start_overrides: HashMap<u32, u32>,
}

#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, HashMap<u32, Level>>,
    nums: HashMap<String, Num>,
    /// Counters per list instance: by abstract id, or by num id when the
    /// instance restarts its numbering with `startOverride`.
    abstract_counters: HashMap<String, [Option<u32>; 9]>,
    num_counters: HashMap<String, [Option<u32>; 9]>,
}

impl Numbering {
    pub fn parse(xml: &str) -> Numbering {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut n = Numbering::default();
        let mut cur_abstract: Option<String> = None;
        let mut cur_level: Option<(u32, Level)> = None;
        let mut cur_num: Option<(String, Num)> = None;
        let mut cur_override: Option<u32> = None;
        loop {
            let ev = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(ev) => ev,
            };
            match ev {
                Event::Start(e) | Event::Empty(e) => {
                    let val = || attr(&e, "val");
                    match local(&e) {
                        "abstractNum" => {
                            cur_abstract = attr(&e, "abstractNumId").map(Cow::into_owned)
                        }
                        "lvl" if cur_num.is_none() => {
                            let ilvl = attr(&e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                            cur_level = Some((
                                ilvl,
                                Level {
                                    start: 1,
                                    format: "decimal".into(),
                                    ..Level::default()
                                },
                            ));
                        }
                        "start" => {
                            if let Some((_, l)) = cur_level.as_mut() {
                                l.start = val().and_then(|v| v.parse().ok()).unwrap_or(1);
                            }
                        }
                        "numFmt" => {
                            if let Some((_, l)) = cur_level.as_mut() {
                                l.format = val().map(Cow::into_owned).unwrap_or_default();
                            }
                        }
                        "lvlText" => {
                            if let Some((_, l)) = cur_level.as_mut() {
                                l.text = val().map(Cow::into_owned).unwrap_or_default();
                            }
                        }
                        "lvlRestart" => {
                            if let Some((_, l)) = cur_level.as_mut() {
                                l.restart = val().and_then(|v| v.parse().ok());
                            }
                        }
                        "num" => {
                            if let Some(id) = attr(&e, "numId") {
                                cur_num = Some((id.into_owned(), Num::default()));
                            }
                        }
                        "abstractNumId" => {
                            if let Some((_, num)) = cur_num.as_mut() {
                                num.abstract_id = val().map(Cow::into_owned).unwrap_or_default();
                            }
                        }
                        "lvlOverride" => {
                            cur_override = attr(&e, "ilvl").and_then(|v| v.parse().ok());
                        }
                        "startOverride" => {
                            if let (Some((_, num)), Some(ilvl)) = (cur_num.as_mut(), cur_override) {
                                if let Some(s) = val().and_then(|v| v.parse().ok()) {
                                    num.start_overrides.insert(ilvl, s);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.local_name().into_inner() {
                    "lvl" => {
                        if let (Some(a), Some((ilvl, l))) = (&cur_abstract, cur_level.take()) {
                            n.abstracts.entry(a.clone()).or_default().insert(ilvl, l);
                        }
                    }
                    "abstractNum" => cur_abstract = None,
                    "num" => {
                        if let Some((id, num)) = cur_num.take() {
                            n.nums.insert(id, num);
                        }
                    }
                    "lvlOverride" => cur_override = None,
                    _ => {}
                },
                _ => {}
            }
        }
        n
    }

    /// True when the part defines no list instance (`w:num`): then no
    /// paragraph, directly or through its style, can carry a label.
    pub fn is_empty(&self) -> bool {
        self.nums.is_empty()
    }

    /// Advance the counter of (num, level) and render the label a reader sees.
    pub fn next_label(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        let num = self.nums.get(num_id)?;
        let levels = self.abstracts.get(&num.abstract_id)?;
        let ilvl = ilvl.min(8);
        let start_of = |l: u32| -> u32 {
            num.start_overrides
                .get(&l)
                .copied()
                .or_else(|| levels.get(&l).map(|x| x.start))
                .unwrap_or(1)
        };
        let (by, key) = if num.start_overrides.is_empty() {
            (&mut self.abstract_counters, num.abstract_id.as_str())
        } else {
            (&mut self.num_counters, num_id)
        };
        // Looked up before inserting: no key is allocated once the list has started.
        if !by.contains_key(key) {
            by.insert(key.to_string(), [None; 9]);
        }
        let counters = by.get_mut(key)?;
        let i = ilvl as usize;
        counters[i] = Some(match counters[i] {
            Some(c) => c + 1,
            None => start_of(ilvl),
        });
        // Deeper levels restart unless told otherwise (lvlRestart = 0 means never).
        for (deeper, counter) in counters.iter_mut().enumerate().skip(i + 1) {
            let restart = levels.get(&(deeper as u32)).and_then(|l| l.restart);
            if restart != Some(0) {
                *counter = None;
            }
        }
        let level = levels.get(&ilvl)?;
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    chars.next();
                    let l = d.saturating_sub(1).min(8);
                    let value = counters[l as usize].unwrap_or_else(|| start_of(l));
                    let fmt = levels
                        .get(&l)
                        .map(|x| x.format.as_str())
                        .unwrap_or("decimal");
                    out.push_str(&format_number(value, fmt));
                    continue;
                }
            }
            out.push(c);
        }
        if level.format == "none" && !level.text.contains('%') && level.text.is_empty() {
            return None;
        }
        Some(out)
    }
}

const AIUEO: &str =
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";
const IROHA: &str = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス";
const TEN_STEMS: &str = "甲乙丙丁戊己庚辛壬癸";

/// Render a counter in a `w:numFmt` format.
pub fn format_number(n: u32, fmt: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let cycle = |table: &str| -> String {
        let chars: Vec<char> = table.chars().collect();
        chars[(n.max(1) as usize - 1) % chars.len()].to_string()
    };
    match fmt {
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect(),
        "japaneseCounting"
        | "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseLegal"
        | "ideographLegalTraditional" => kanji_number(n),
        "japaneseDigitalTenThousand" | "ideographDigital" => n
            .to_string()
            .chars()
            .map(|c| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(c as usize - '0' as usize)
                    .unwrap_or(c)
            })
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => match n {
            1..=20 => char::from_u32(0x2460 + n - 1)
                .map(String::from)
                .unwrap_or_default(),
            21..=35 => char::from_u32(0x3251 + n - 21)
                .map(String::from)
                .unwrap_or_default(),
            36..=50 => char::from_u32(0x32B1 + n - 36)
                .map(String::from)
                .unwrap_or_default(),
            _ => n.to_string(),
        },
        "decimalEnclosedParen" if (1..=20).contains(&n) => char::from_u32(0x2474 + n - 1)
            .map(String::from)
            .unwrap_or_default(),
        "decimalEnclosedFullstop" if (1..=20).contains(&n) => char::from_u32(0x2488 + n - 1)
            .map(String::from)
            .unwrap_or_default(),
        "aiueoFullWidth" => cycle(AIUEO),
        "aiueo" => cycle(AIUEO).nfkc().collect::<String>(),
        "irohaFullWidth" => cycle(IROHA),
        "iroha" => cycle(IROHA).nfkc().collect::<String>(),
        "ideographTraditional" => cycle(TEN_STEMS),
        "upperLetter" | "lowerLetter" => {
            let letter = (b'A' + ((n.max(1) - 1) % 26) as u8) as char;
            let s = letter
                .to_string()
                .repeat(((n.max(1) - 1) / 26 + 1) as usize);
            if fmt == "lowerLetter" {
                s.to_lowercase()
            } else {
                s
            }
        }
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "none" | "bullet" => String::new(),
        _ => n.to_string(),
    }
}

/// 12 → 十二, 20 → 二十, 105 → 百五.
pub fn kanji_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "〇".into();
    }
    let mut out = String::new();
    let mut rest = n;
    for (unit, name) in [(1000, "千"), (100, "百"), (10, "十")] {
        let d = rest / unit;
        if d > 0 {
            if d > 1 {
                out.push_str(D[(d % 10) as usize]);
            }
            out.push_str(name);
        }
        rest %= unit;
    }
    out.push_str(D[rest as usize]);
    out
}

fn roman(mut n: u32) -> String {
    const T: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="第%1条"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="2"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="%2"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%3）"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="japaneseCounting"/><w:lvlText w:val="第%1条"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>
    </w:numbering>"#;

    #[test]
    fn article_paragraph_and_item_labels_render_with_restarts() {
        let mut n = Numbering::parse(XML);
        assert_eq!(n.next_label("1", 0).as_deref(), Some("第１条"));
        assert_eq!(n.next_label("1", 1).as_deref(), Some("２"));
        assert_eq!(n.next_label("1", 2).as_deref(), Some("（1）"));
        assert_eq!(n.next_label("1", 2).as_deref(), Some("（2）"));
        assert_eq!(n.next_label("1", 0).as_deref(), Some("第２条"));
        assert_eq!(n.next_label("1", 2).as_deref(), Some("（1）"));
    }

    #[test]
    fn japanese_counting_and_start_override() {
        let mut n = Numbering::parse(XML);
        assert_eq!(n.next_label("2", 0).as_deref(), Some("第一条"));
        assert_eq!(n.next_label("3", 0).as_deref(), Some("第十条"));
        assert_eq!(n.next_label("3", 0).as_deref(), Some("第十一条"));
        assert_eq!(n.next_label("2", 0).as_deref(), Some("第二条"));
    }

    #[test]
    fn formats_render_as_word_shows_them() {
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "aiueoFullWidth"), "イ");
        assert_eq!(format_number(3, "irohaFullWidth"), "ハ");
        assert_eq!(format_number(12, "japaneseCounting"), "十二");
        assert_eq!(format_number(20, "japaneseCounting"), "二十");
        assert_eq!(format_number(4, "upperRoman"), "IV");
    }
}
