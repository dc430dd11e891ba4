//! `word/styles.xml`: which paragraph styles carry automatic numbering.
//!
//! Word usually attaches 第N条 numbering to a heading style rather than to
//! each paragraph, possibly through a `basedOn` chain.

use super::xml::{attr, in_part, local};
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::collections::HashMap;

/// What one `w:style` says about numbering; the strings borrow from the part.
#[derive(Debug, Default, Clone, PartialEq)]
struct Style<'a> {
    based_on: Option<Cow<'a, str>>,
    num_id: Option<Cow<'a, str>>,
    ilvl: Option<u32>,
}

/// The styles of a document, borrowing from its `styles.xml` text.
///
/// A Word `styles.xml` runs to hundreds of kilobytes (latent styles, table
/// styles, fonts) for the handful of ids a document uses. It is read in one
/// pass that allocates nothing per element and builds an element only for
/// the four names that bear on numbering (`style`, `basedOn`, `numId`,
/// `ilvl`); see [`scan`].
#[derive(Debug, Default, PartialEq)]
pub struct Styles<'a> {
    styles: HashMap<Cow<'a, str>, Style<'a>>,
}

/// The state of a read: the events that matter, whichever reader gives them.
struct Builder<'a> {
    xml: &'a str,
    styles: HashMap<Cow<'a, str>, Style<'a>>,
    current: Option<(Cow<'a, str>, Style<'a>)>,
}

/// Local names the builder looks at; other elements are skipped unbuilt.
fn wanted(local: &str) -> bool {
    matches!(local, "style" | "basedOn" | "numId" | "ilvl")
}

impl<'a> Builder<'a> {
    fn new(xml: &'a str) -> Self {
        Builder {
            xml,
            styles: HashMap::new(),
            current: None,
        }
    }

    /// A start or empty element.
    fn start(&mut self, e: &BytesStart) {
        let xml = self.xml;
        let val = |e: &BytesStart| attr(e, "val").map(|v| in_part(xml, v));
        match local(e) {
            "style" => {
                if let Some(id) = attr(e, "styleId") {
                    self.current = Some((in_part(xml, id), Style::default()));
                }
            }
            "basedOn" => {
                if let Some((_, s)) = self.current.as_mut() {
                    s.based_on = val(e);
                }
            }
            "numId" => {
                if let Some((_, s)) = self.current.as_mut() {
                    s.num_id = val(e);
                }
            }
            "ilvl" => {
                if let Some((_, s)) = self.current.as_mut() {
                    s.ilvl = attr(e, "val").and_then(|v| v.parse().ok());
                }
            }
            _ => {}
        }
    }

    /// An end element, by local name.
    fn end(&mut self, local: &str) {
        if local == "style" {
            if let Some((id, s)) = self.current.take() {
                self.styles.insert(id, s);
            }
        }
    }
}

impl<'a> Styles<'a> {
    pub fn parse(xml: &'a str) -> Styles<'a> {
        let mut b = Builder::new(xml);
        if scan(xml, &mut b).is_none() {
            // Something the scan does not model: quick-xml reads it all again.
            b = Builder::new(xml);
            read_events(xml, &mut b);
        }
        Styles { styles: b.styles }
    }

    /// The numbering (numId, level) a paragraph style gives, following `basedOn`.
    pub fn numbering(&self, style_id: &str) -> Option<(&str, u32)> {
        let mut id = style_id;
        let mut level = None;
        // Bounded: a basedOn cycle in a hostile file must not loop forever.
        for _ in 0..16 {
            let s = self.styles.get(id)?;
            if level.is_none() {
                level = s.ilvl;
            }
            if let Some(n) = &s.num_id {
                return Some((n.as_ref(), level.unwrap_or(0)));
            }
            id = s.based_on.as_deref()?;
        }
        None
    }
}

/// Every event of the part through quick-xml; a syntax error ends the read,
/// keeping what came before it.
fn read_events<'a>(xml: &'a str, b: &mut Builder<'a>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => b.start(&e),
            Ok(Event::End(e)) => b.end(e.local_name().into_inner()),
            Ok(_) => {}
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\r' | b'\n' | b'\t')
}

/// Local part of a tag name, as quick-xml takes it (after the first `:`).
fn local_of(name: &str) -> &str {
    // Names are a few bytes: a plain loop beats a searcher's setup.
    match name.bytes().position(|c| c == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Byte equality written out: tag names are a few bytes, and a call to
/// `memcmp` per end tag showed in profiles.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The same start and end events quick-xml would give [`read_events`], found
/// by a scan that builds no event for the elements the builder skips.
///
/// quick-xml reads the prologue and the root element; after it the scan finds
/// tags exactly as quick-xml does (a `>` inside a quoted value does not close
/// a tag; `/>` makes an empty element; the name runs to the first XML space;
/// an end tag must name the open element). It gives up (None) on anything it
/// does not model, so the caller reads the part with quick-xml instead: a
/// comment, CDATA, DOCTYPE or processing instruction after the root, a
/// reference (`&`) in text, an end tag that is not exactly the open element's
/// name (whitespace, mismatch: quick-xml's error), a tag cut off by the end
/// of the part. Word's styles.xml has none of them.
fn scan<'a>(xml: &'a str, b: &mut Builder<'a>) -> Option<()> {
    let bytes = xml.as_bytes();
    let mut open: Vec<&'a str> = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Eof => return Some(()),
            Event::Start(e) => {
                b.start(&e);
                match in_part(xml, Cow::Borrowed(e.name().into_inner())) {
                    Cow::Borrowed(name) => open.push(name),
                    Cow::Owned(_) => return None,
                }
                break;
            }
            Event::Empty(e) => {
                b.start(&e);
                break;
            }
            Event::End(_) => return None,
            _ => {}
        }
    }
    let mut pos = usize::try_from(reader.buffer_position()).ok()?;
    loop {
        let rest = xml.get(pos..)?;
        // Word writes tag after tag: the next '<' is usually right here.
        let off = if rest.starts_with('<') {
            0
        } else {
            let Some(off) = rest.find('<') else {
                return (!rest.as_bytes().contains(&b'&')).then_some(());
            };
            if rest.as_bytes()[..off].contains(&b'&') {
                return None;
            }
            off
        };
        let lt = pos + off;
        let first = *bytes.get(lt + 1)?;
        if first == b'!' || first == b'?' {
            return None;
        }
        // The closing '>', skipping quoted values as quick-xml's tag parser does.
        let mut quote = 0u8;
        let mut i = lt + 1;
        let gt = loop {
            let c = *bytes.get(i)?;
            if quote == 0 {
                if c == b'>' {
                    break i;
                }
                if c == b'"' || c == b'\'' {
                    quote = c;
                }
            } else if c == quote {
                quote = 0;
            }
            i += 1;
        };
        pos = gt + 1;
        if first == b'/' {
            let name = &xml[lt + 2..gt];
            if !open.pop().is_some_and(|o| same(o, name)) {
                return None;
            }
            b.end(local_of(name));
        } else {
            let inner = &xml[lt + 1..gt];
            let (content, empty) = match inner.strip_suffix('/') {
                Some(c) => (c, true),
                None => (inner, false),
            };
            let name_len = content.bytes().position(is_space).unwrap_or(content.len());
            let name = &content[..name_len];
            if !empty {
                open.push(name);
            }
            if wanted(local_of(name)) {
                b.start(&BytesStart::from_content(content, name_len));
            }
        }
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
        assert_eq!(s.numbering("Art"), Some(("3", 0)));
        assert_eq!(s.numbering("Art2"), Some(("3", 1)));
        assert_eq!(s.numbering("None"), None);
    }

    fn by_events(xml: &str) -> Styles<'_> {
        let mut b = Builder::new(xml);
        read_events(xml, &mut b);
        Styles { styles: b.styles }
    }

    fn by_scan(xml: &str) -> Option<Styles<'_>> {
        let mut b = Builder::new(xml);
        scan(xml, &mut b)?;
        Some(Styles { styles: b.styles })
    }

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="w">"#;

    #[test]
    fn the_scan_finds_what_quick_xml_finds() {
        let cases = [
            // Quoted '>' and '/>' do not end a tag; both quote kinds.
            r#"<w:style w:type="paragraph" w:x="a>b/>" w:styleId="A"><w:basedOn w:y='c"/>' w:val="B"/><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="7"/></w:numPr></w:pPr></w:style><w:style w:styleId="B"><w:numId w:val="3"/></w:style>"#,
            // An empty w:style keeps collecting until the next one or an end.
            r#"<w:style w:styleId="X"><w:style w:styleId="E"/><w:basedOn w:val="A"/></w:style><w:style w:styleId="F"/><w:style w:styleId="G"><w:numId w:val="1"/></w:style>"#,
            // Duplicates (the last wins), references in values, no prefix, spaces.
            r#"<w:style w:styleId="D"><w:numId w:val="1"/></w:style><w:style w:styleId="D"></w:style><style styleId="条&amp;項"><basedOn val="&#x41;"/><numId val=" 2 "/></style><w:style	w:styleId="S"
              ><w:ilvl w:val="x"/><w:numId  w:val = "4" /></w:style>"#,
            // Text with '>' between tags, nested unknown elements.
            r#"<w:latentStyles><w:lsdException w:name="heading 1"/></w:latentStyles> a > b <w:style w:styleId="T"><w:name w:val="t"/><w:rPr><w:b/></w:rPr><w:numId w:val="5"/></w:style>"#,
        ];
        for body in cases {
            // Whole, and cut off before the root's end.
            for xml in [format!("{HEAD}{body}</w:styles>"), format!("{HEAD}{body}")] {
                let scanned = by_scan(&xml).unwrap_or_else(|| panic!("gave up on {xml}"));
                assert_eq!(scanned, by_events(&xml), "{xml}");
                assert_eq!(Styles::parse(&xml), by_events(&xml));
            }
        }
        assert_eq!(by_scan("").unwrap(), by_events(""));
        let xml = format!("{HEAD}{}</w:styles>", cases[0]);
        assert_eq!(Styles::parse(&xml).numbering("A"), Some(("7", 2)));
        let xml = format!("{HEAD}{}</w:styles>", cases[1]);
        assert_eq!(Styles::parse(&xml).numbering("E"), None);
        assert!(Styles::parse(&xml).styles.contains_key("E"));
        assert!(!Styles::parse(&xml).styles.contains_key("X"));
    }

    #[test]
    fn mutated_styles_read_the_same_by_scan_or_quick_xml() {
        let base = format!(
            r#"{HEAD}<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Century"/></w:rPr></w:rPrDefault></w:docDefaults><w:latentStyles w:count="2"><w:lsdException w:name="heading 1" w:uiPriority="9"/><w:lsdException w:name="見出し 2"/></w:latentStyles><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="2"><w:basedOn w:val="1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="table" w:styleId="T&amp;1"><w:basedOn w:val='a'/></w:style></w:styles>"#
        );
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let inserts = [
            "<",
            ">",
            "/",
            "\"",
            "'",
            "&",
            "!",
            "?",
            " ",
            ":",
            "</w:style>",
            "<w:style w:styleId=\"a\">",
            "<!--",
            "&amp;",
        ];
        let mut scanned = 0;
        for _ in 0..3000 {
            let mut m = base.as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let at = next(m.len());
                match next(3) {
                    0 => {
                        m.remove(at);
                    }
                    1 => {
                        let ins = inserts[next(inserts.len())].as_bytes();
                        m.splice(at..at, ins.iter().copied());
                    }
                    _ => {
                        let len = next(40).min(m.len() - at);
                        let span = m[at..at + len].to_vec();
                        let to = next(m.len());
                        m.splice(to..to, span);
                    }
                }
            }
            let xml = String::from_utf8_lossy(&m).into_owned();
            scanned += usize::from(by_scan(&xml).is_some());
            assert_eq!(Styles::parse(&xml), by_events(&xml), "{xml}");
        }
        // The scan, not only the fallback, is what was compared.
        assert!(scanned > 300, "{scanned}");
    }

    #[test]
    fn what_the_scan_does_not_model_is_read_by_quick_xml() {
        let style = r#"<w:style w:styleId="A"><w:numId w:val="1"/></w:style>"#;
        let cases = [
            format!("{HEAD}<!-- <w:style w:styleId=\"X\"> -->{style}</w:styles>"),
            format!("{HEAD}<![CDATA[ <w:style> ]]>{style}</w:styles>"),
            format!("{HEAD}<?pi <w:style w:styleId=\"X\">?>{style}</w:styles>"),
            format!("{HEAD}a &amp; b{style}</w:styles>"),
            format!("{HEAD}a &bogus b{style}</w:styles>"),
            // Mismatched end: quick-xml stops there, so B is never read.
            format!("{HEAD}{style}<w:style w:styleId=\"B\"></w:stylez><w:style w:styleId=\"C\"></w:style></w:styles>"),
            format!("{HEAD}{style}</w:styles></w:extra>"),
            format!("{HEAD}<w:style w:styleId=\"A\"><w:numId w:val=\"1\"/></w:style ></w:styles>"),
            format!("{HEAD}{style}<w:style w:styleId=\"B\""),
            format!("{HEAD}{style}<w:style w:styleId=\"B\" w:x=\"a>"),
            format!("{HEAD}{style}<"),
        ];
        for xml in &cases {
            assert!(by_scan(xml).is_none(), "scanned {xml}");
            assert_eq!(Styles::parse(xml), by_events(xml), "{xml}");
        }
        assert_eq!(Styles::parse(&cases[5]).numbering("A"), Some(("1", 0)));
        assert_eq!(Styles::parse(&cases[5]).numbering("C"), None);
    }
}
