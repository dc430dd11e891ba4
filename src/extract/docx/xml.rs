//! Small helpers over quick-xml events shared by the DOCX part readers.
//!
//! They borrow instead of allocating: the readers call them for every element
//! of parts that run to hundreds of kilobytes (a Word `styles.xml`), so a
//! `String` per element showed up in profiles.

use quick_xml::events::{BytesRef, BytesStart};
use std::borrow::Cow;

/// Local name of an element (`w:p` → `p`).
pub fn local<'e>(e: &'e BytesStart) -> &'e str {
    e.local_name().into_inner()
}

/// Value of the attribute whose local name is `name` (`w:val` → `val`),
/// normalized as XML 1.0 says; borrowed unless normalizing changed it.
pub fn attr<'e>(e: &'e BytesStart, name: &str) -> Option<Cow<'e, str>> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key = a.key.into_inner();
        let local = key.rsplit(':').next().unwrap_or(key);
        (local == name).then(
            || match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => v,
                Err(_) => a.value,
            },
        )
    })
}

/// `value` with the lifetime of the part `xml` it was read from: a borrowed
/// value that points into `xml` is re-sliced from it (no copy); anything else
/// (a value normalizing rewrote) stays owned.
pub fn in_part<'a>(xml: &'a str, value: Cow<'_, str>) -> Cow<'a, str> {
    let base = xml.as_ptr() as usize;
    let start = value.as_ptr() as usize;
    if let Cow::Borrowed(v) = value {
        if start >= base {
            if let Some(s) = xml.get(start - base..start - base + v.len()) {
                if s.as_ptr() == v.as_ptr() {
                    return Cow::Borrowed(s);
                }
            }
        }
    }
    Cow::Owned(value.into_owned())
}

/// The character an entity reference stands for (`&amp;` → `&`, `&#x4E00;` → 一).
pub fn entity(r: &BytesRef) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match &**r {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::Event;

    fn first_start(xml: &str) -> BytesStart<'_> {
        let mut r = quick_xml::Reader::from_str(xml);
        loop {
            match r.read_event().unwrap() {
                Event::Start(e) | Event::Empty(e) => return e,
                Event::Eof => panic!("no element"),
                _ => {}
            }
        }
    }

    #[test]
    fn values_are_borrowed_from_the_part_unless_normalized() {
        let xml = r#"<w:style w:type="paragraph" w:styleId="見出し1" w:x="a&amp;b"/>"#;
        let e = first_start(xml);
        assert_eq!(local(&e), "style");
        let id = in_part(xml, attr(&e, "styleId").unwrap());
        assert!(matches!(id, Cow::Borrowed("見出し1")));
        let x = in_part(xml, attr(&e, "x").unwrap());
        assert!(matches!(&x, Cow::Owned(s) if s == "a&b"));
        assert_eq!(attr(&e, "missing"), None);
        // A value from elsewhere is copied, never re-sliced from the wrong text.
        let other = String::from("見出し1");
        assert!(matches!(in_part(xml, Cow::Borrowed(&other)), Cow::Owned(_)));
    }
}
