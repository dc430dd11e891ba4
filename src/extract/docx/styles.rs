//! `word/styles.xml`: which paragraph styles carry automatic numbering.
//!
//! Word usually attaches 第N条 numbering to a heading style rather than to
//! each paragraph, possibly through a `basedOn` chain.

use super::xml::{attr, local};
use quick_xml::events::Event;
use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
struct Style {
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u32>,
}

#[derive(Debug, Default)]
pub struct Styles {
    styles: HashMap<String, Style>,
}

impl Styles {
    pub fn parse(xml: &str) -> Styles {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut styles = HashMap::new();
        let mut current: Option<(String, Style)> = None;
        loop {
            let ev = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(ev) => ev,
            };
            match ev {
                Event::Start(e) | Event::Empty(e) => match local(&e).as_str() {
                    "style" => {
                        if let Some(id) = attr(&e, "styleId") {
                            current = Some((id, Style::default()));
                        }
                    }
                    "basedOn" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.based_on = attr(&e, "val");
                        }
                    }
                    "numId" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.num_id = attr(&e, "val");
                        }
                    }
                    "ilvl" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.ilvl = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == "style" => {
                    if let Some((id, s)) = current.take() {
                        styles.insert(id, s);
                    }
                }
                _ => {}
            }
        }
        Styles { styles }
    }

    /// The numbering (numId, level) a paragraph style gives, following `basedOn`.
    pub fn numbering(&self, style_id: &str) -> Option<(String, u32)> {
        let mut id = style_id;
        let mut level = None;
        // Bounded: a basedOn cycle in a hostile file must not loop forever.
        for _ in 0..16 {
            let s = self.styles.get(id)?;
            if level.is_none() {
                level = s.ilvl;
            }
            if let Some(n) = &s.num_id {
                return Some((n.clone(), level.unwrap_or(0)));
            }
            id = s.based_on.as_deref()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_inherited_through_based_on() {
        let xml = r#"<w:styles xmlns:w="w">
          <w:style w:styleId="Art"><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
          <w:style w:styleId="Art2"><w:basedOn w:val="Art"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
        </w:styles>"#;
        let s = Styles::parse(xml);
        assert_eq!(s.numbering("Art"), Some(("3".into(), 0)));
        assert_eq!(s.numbering("Art2"), Some(("3".into(), 1)));
        assert_eq!(s.numbering("None"), None);
    }
}
