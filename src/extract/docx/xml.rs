//! Small helpers over quick-xml events shared by the DOCX part readers.

use quick_xml::events::{BytesRef, BytesStart};

/// Local name of an element (`w:p` → `p`).
pub fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

/// Value of the attribute whose local name is `name` (`w:val` → `val`).
pub fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        (local == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
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
