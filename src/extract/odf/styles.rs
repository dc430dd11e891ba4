//! ODF list styles: how `text:list` items are numbered (第１条, ２, （１）),
//! since the number a reader sees is not in the text.

use super::{attr, local};
use crate::extract::docx::numbering::format_number;
use quick_xml::events::Event;
use std::collections::HashMap;

/// Levels of one list style are 1..=10 in ODF.
const LEVELS: usize = 10;

/// How one level of a list style numbers its items.
#[derive(Debug, Clone, Default, PartialEq)]
struct Level {
    /// The DOCX name of the format (`decimal`, `japaneseCounting`, `none`).
    format: &'static str,
    prefix: String,
    suffix: String,
    start: u32,
    /// How many levels the label shows (1.2.3 shows three).
    display: usize,
    /// LibreOffice's whole label, `第%1%条`, when it writes one.
    template: Option<String>,
}

/// The list styles of a document (content.xml and styles.xml), and the list
/// style each paragraph style carries.
#[derive(Debug, Default)]
pub struct ListStyles {
    lists: HashMap<String, Vec<Option<Level>>>,
    /// Paragraph style → (list style, parent paragraph style).
    paragraph: HashMap<String, (Option<String>, Option<String>)>,
}

/// The DOCX format name of an ODF `style:num-format` (LibreOffice writes
/// `1, 2, 3, ...`-like samples of the sequence).
fn format_of(f: &str) -> &'static str {
    match f.trim().chars().next() {
        None => "none",
        Some('1') => "decimal",
        Some('１') => "decimalFullWidth",
        Some('一') => "japaneseCounting",
        Some('①') => "decimalEnclosedCircle",
        Some('a') => "lowerLetter",
        Some('A') => "upperLetter",
        Some('i') => "lowerRoman",
        Some('I') => "upperRoman",
        Some('ア') => "aiueoFullWidth",
        Some('ｱ') => "aiueo",
        Some('イ') => "irohaFullWidth",
        Some('ｲ') => "iroha",
        Some('甲') => "ideographTraditional",
        _ => "decimal",
    }
}

impl ListStyles {
    /// Read the styles of one part; later parts add to earlier ones.
    pub fn read(&mut self, xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut list: Option<String> = None;
        let mut depth = 0usize;
        loop {
            let (e, empty) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, false),
                Ok(Event::Empty(e)) => (e, true),
                Ok(Event::End(e)) => {
                    depth = depth.saturating_sub(1);
                    if matches!(local_end(&e), "list-style" | "outline-style") {
                        list = None;
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => continue,
            };
            if !empty {
                depth += 1;
                if depth > super::MAX_DEPTH {
                    break;
                }
            }
            match local(&e) {
                "list-style" => {
                    let name = attr(&e, "name").map(|n| n.into_owned());
                    if let Some(n) = &name {
                        self.lists.entry(n.clone()).or_default();
                    }
                    list = if empty { None } else { name };
                }
                // The outline (heading) numbering is a list style of its own.
                "outline-style" => {
                    let name = OUTLINE.to_string();
                    self.lists.entry(name.clone()).or_default();
                    list = (!empty).then_some(name);
                }
                "list-level-style-number"
                | "list-level-style-bullet"
                | "list-level-style-image"
                | "outline-level-style" => {
                    let Some(name) = &list else { continue };
                    let Some(level) =
                        attr(&e, "level").and_then(|l| l.trim().parse::<usize>().ok())
                    else {
                        continue;
                    };
                    if !(1..=LEVELS).contains(&level) {
                        continue;
                    }
                    let numbered =
                        matches!(local(&e), "list-level-style-number" | "outline-level-style");
                    let def = numbered.then(|| Level {
                        format: format_of(attr(&e, "num-format").as_deref().unwrap_or("")),
                        prefix: attr(&e, "num-prefix")
                            .map(|s| s.into_owned())
                            .unwrap_or_default(),
                        suffix: attr(&e, "num-suffix")
                            .map(|s| s.into_owned())
                            .unwrap_or_default(),
                        start: attr(&e, "start-value")
                            .and_then(|s| s.trim().parse().ok())
                            .unwrap_or(1),
                        display: attr(&e, "display-levels")
                            .and_then(|s| s.trim().parse().ok())
                            .unwrap_or(1usize)
                            .clamp(1, LEVELS),
                        template: attr(&e, "num-list-format").map(|s| s.into_owned()),
                    });
                    let levels = self.lists.entry(name.clone()).or_default();
                    if levels.len() < LEVELS {
                        levels.resize(LEVELS, None);
                    }
                    if let Some(slot) = levels.get_mut(level - 1) {
                        *slot = def;
                    }
                }
                "style" if attr(&e, "family").as_deref() == Some("paragraph") => {
                    if let Some(name) = attr(&e, "name") {
                        self.paragraph.insert(
                            name.into_owned(),
                            (
                                attr(&e, "list-style-name").map(|s| s.into_owned()),
                                attr(&e, "parent-style-name").map(|s| s.into_owned()),
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    /// The list style a paragraph style carries, through its parents.
    pub fn of_paragraph(&self, style: &str) -> Option<&str> {
        let mut name = style;
        for _ in 0..16 {
            let (list, parent) = self.paragraph.get(name)?;
            if let Some(l) = list {
                return Some(l);
            }
            name = parent.as_deref()?;
        }
        None
    }

    /// Whether the outline style numbers headings at all.
    pub fn numbers_outline(&self) -> bool {
        self.lists.get(OUTLINE).is_some_and(|l| {
            l.iter()
                .flatten()
                .any(|lv| lv.format != "none" || !lv.prefix.is_empty())
        })
    }
}

/// The name under which the outline style is kept.
pub const OUTLINE: &str = "\u{0}outline";

fn local_end<'e>(e: &'e quick_xml::events::BytesEnd) -> &'e str {
    e.local_name().into_inner()
}

/// Counters of the lists being numbered, per list style.
#[derive(Debug, Default)]
pub struct Counters {
    counts: HashMap<String, [Option<u32>; LEVELS]>,
}

impl Counters {
    /// A new list of `style` starts over.
    pub fn restart(&mut self, style: &str) {
        self.counts.remove(style);
    }

    /// The next item of `style` at `level` (1-based): its label, if that
    /// level shows a number.
    pub fn next(
        &mut self,
        styles: &ListStyles,
        style: &str,
        level: usize,
        start_at: Option<u32>,
    ) -> Option<String> {
        let levels = styles.lists.get(style)?;
        let level = level.clamp(1, LEVELS);
        let def = levels.get(level - 1)?.as_ref()?;
        let counts = self.counts.entry(style.to_string()).or_default();
        let n = match (start_at, counts[level - 1]) {
            (Some(s), _) => s,
            (None, Some(c)) => c.saturating_add(1),
            (None, None) => def.start,
        };
        counts[level - 1] = Some(n);
        for deeper in counts.iter_mut().skip(level) {
            *deeper = None;
        }
        let value = |l: usize| -> String {
            let lv = levels.get(l - 1).and_then(|d| d.as_ref());
            let count = counts[l - 1].or(lv.map(|d| d.start)).unwrap_or(1);
            format_number(count, lv.map_or("decimal", |d| d.format))
        };
        let label = match &def.template {
            Some(t) => {
                let mut out = t.clone();
                for l in 1..=level {
                    let mark = format!("%{l}%");
                    if out.contains(&mark) {
                        out = out.replace(&mark, &value(l));
                    }
                }
                out
            }
            None => {
                let shown: Vec<String> = (level + 1 - def.display.min(level)..=level)
                    .map(value)
                    .collect();
                format!("{}{}{}", def.prefix, shown.join("."), def.suffix)
            }
        };
        (!label.trim().is_empty()).then_some(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &str = r#"<office:document-styles><office:styles>
      <style:style style:name="Article" style:family="paragraph" style:list-style-name="WWNum1"/>
      <style:style style:name="P1" style:family="paragraph" style:parent-style-name="Article"/>
      <text:list-style style:name="WWNum1">
        <text:list-level-style-number text:level="1" loext:num-list-format="第%1%条" style:num-prefix="第" style:num-suffix="条" style:num-format="一, 二, 三, ..."/>
        <text:list-level-style-number text:level="2" loext:num-list-format="%2%" style:num-format="１, ２, ３, ..." text:start-value="2"/>
        <text:list-level-style-number text:level="3" style:num-prefix="（" style:num-suffix="）" style:num-format="1"/>
      </text:list-style></office:styles></office:document-styles>"#;

    #[test]
    fn article_paragraph_and_item_labels_restart_below_their_level() {
        let mut s = ListStyles::default();
        s.read(STYLES);
        assert_eq!(s.of_paragraph("P1"), Some("WWNum1"));
        let mut c = Counters::default();
        let mut next = |l| c.next(&s, "WWNum1", l, None);
        assert_eq!(next(1).as_deref(), Some("第一条"));
        assert_eq!(next(2).as_deref(), Some("２"));
        assert_eq!(next(3).as_deref(), Some("（1）"));
        assert_eq!(next(3).as_deref(), Some("（2）"));
        assert_eq!(next(2).as_deref(), Some("３"));
        assert_eq!(next(1).as_deref(), Some("第二条"));
        assert_eq!(next(2).as_deref(), Some("２"));
    }
}
