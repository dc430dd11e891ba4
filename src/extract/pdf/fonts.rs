//! PDF fonts: character codes → Unicode text and glyph advances.
//!
//! Order of trust for Unicode, as in pdf.js and poppler: the font's ToUnicode
//! map; for composite fonts, a Unicode-based predefined CMap (UniJIS-UCS2-H),
//! then the character collection's CID → Unicode table (Adobe-Japan1-UCS2),
//! then the embedded TrueType's own cmap inverted through CIDToGIDMap; for
//! simple fonts, the encoding with its Differences and glyph names.

use super::cmap::{self, Codespace};
use super::glyph_text::GlyphText;
use super::glyphs::{self, SimpleTable};
use super::tounicode::ToUnicode;
use hayro_cmap::{BfString, CMap, CMapName, CidFamily};
use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One decoded glyph.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub text: GlyphText,
    /// Horizontal advance (or vertical, for vertical fonts) in text space units
    /// per unit font size (i.e. glyph-space width / 1000).
    pub advance: f64,
    /// The single-byte code 32: word spacing (Tw) applies to it.
    pub is_space_code: bool,
    /// The map gave U+FFFD or a private-use character: the text is not known.
    pub undecodable: bool,
}

enum Unicode {
    Mapped(ToUnicode),
    /// Codes of a Unicode CMap (UniJIS-UCS2-H, UniJIS-UTF16-H) are UTF-16;
    /// private-use codes go through their CID instead (HKSCS in UniCNS-UTF16-H).
    CodeIsUtf16(Option<&'static CMap>),
    Cid(&'static CMap),
    /// GID → char from the embedded TrueType cmap, with CID → GID.
    TrueType {
        gid_to_char: HashMap<u16, char>,
        cid_to_gid: Option<Vec<u16>>,
    },
    Simple(Box<SimpleTable>),
    None,
}

pub struct Font {
    codespace: Codespace,
    /// Code → CID for composite fonts with a non-identity encoding CMap.
    encoding: Option<CMap>,
    composite: bool,
    unicode: Unicode,
    /// Fallback for simple fonts whose ToUnicode misses a code.
    simple_fallback: Option<Box<SimpleTable>>,
    widths: Widths,
    pub vertical: bool,
    /// A simple font's text of each one-byte code, decoded at its first use:
    /// glyphs then share it instead of decoding and allocating it again.
    byte_texts: Vec<OnceLock<(GlyphText, bool)>>,
}

enum Widths {
    Simple {
        first: u32,
        widths: Vec<f64>,
        default: f64,
        scale: f64,
    },
    Cid {
        map: HashMap<u32, f64>,
        default: f64,
    },
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

pub fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| resolve(doc, o))
}

fn stream_bytes(doc: &Document, o: &Object) -> Option<Vec<u8>> {
    match resolve(doc, o) {
        Object::Stream(s) => super::inflate::decoded(s, None)
            .ok()
            .or_else(|| Some(s.content.clone())),
        _ => None,
    }
}

/// Adobe's CID → Unicode table of a character collection, decoded once per
/// process and only when a font needs it (each takes milliseconds to inflate).
fn cid_table(family: &CidFamily) -> Option<&'static CMap> {
    static JAPAN1: OnceLock<Option<CMap>> = OnceLock::new();
    static GB1: OnceLock<Option<CMap>> = OnceLock::new();
    static CNS1: OnceLock<Option<CMap>> = OnceLock::new();
    static KOREA1: OnceLock<Option<CMap>> = OnceLock::new();
    let (cell, name) = match family {
        CidFamily::AdobeJapan1 => (&JAPAN1, CMapName::AdobeJapan1Ucs2),
        CidFamily::AdobeGB1 => (&GB1, CMapName::AdobeGb1Ucs2),
        CidFamily::AdobeCNS1 => (&CNS1, CMapName::AdobeCns1Ucs2),
        CidFamily::AdobeKorea1 => (&KOREA1, CMapName::AdobeKorea1Ucs2),
        _ => return None,
    };
    cell.get_or_init(|| cmap::load_predefined(name)).as_ref()
}

/// Family a predefined CMap name belongs to, for CID → Unicode.
fn family_of_cmap_name(name: &str) -> Option<CidFamily> {
    let japan = [
        "RKSJ",
        "EUC-H",
        "EUC-V",
        "UniJIS",
        "Hankaku",
        "Hiragana",
        "Katakana",
        "Roman",
        "WP-Symbol",
        "Add-",
        "Ext-",
        "NWP-",
    ];
    if japan.iter().any(|j| name.contains(j)) || name == "H" || name == "V" {
        return Some(CidFamily::AdobeJapan1);
    }
    if name.contains("GB") {
        return Some(CidFamily::AdobeGB1);
    }
    if name.contains("CNS")
        || name.contains("B5")
        || name.contains("ETen")
        || name.contains("HKscs")
    {
        return Some(CidFamily::AdobeCNS1);
    }
    if name.contains("KSC") || name.contains("UniKS") {
        return Some(CidFamily::AdobeKorea1);
    }
    None
}

impl Font {
    pub fn load(doc: &Document, font: &Dictionary) -> Font {
        let subtype = dict_get(doc, font, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"Type1");
        let to_unicode = dict_get(doc, font, b"ToUnicode")
            .and_then(|o| stream_bytes(doc, o))
            .and_then(|b| ToUnicode::parse(&b));
        if subtype == b"Type0" {
            Self::load_composite(doc, font, to_unicode)
        } else {
            Self::load_simple(doc, font, subtype == b"Type3", to_unicode)
        }
    }

    fn load_simple(
        doc: &Document,
        font: &Dictionary,
        type3: bool,
        to_unicode: Option<ToUnicode>,
    ) -> Font {
        let table = Box::new(glyphs::simple_encoding(doc, font));
        let first = dict_get(doc, font, b"FirstChar")
            .and_then(num)
            .unwrap_or(0.0) as u32;
        let widths: Vec<f64> = dict_get(doc, font, b"Widths")
            .and_then(|o| o.as_array().ok())
            .map(|a| {
                a.iter()
                    .map(|w| num(resolve(doc, w)).unwrap_or(0.0))
                    .collect()
            })
            .unwrap_or_default();
        let default = dict_get(doc, font, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| dict_get(doc, d, b"MissingWidth").and_then(num))
            .unwrap_or(if widths.is_empty() { 500.0 } else { 0.0 });
        // Type3 glyph widths are in the font's own matrix, not thousandths.
        let scale = if type3 {
            dict_get(doc, font, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first().and_then(num))
                .map(|m| m * 1000.0)
                .unwrap_or(1.0)
        } else {
            1.0
        };
        let (unicode, simple_fallback) = match to_unicode {
            Some(tu) => (Unicode::Mapped(tu), Some(table)),
            None if is_symbolic_without_encoding(doc, font) => match symbolic_table(doc, font) {
                Some(t) => (Unicode::Simple(Box::new(t)), None),
                // ghostscript's re-distilled subsets: codes and glyph names
                // carry no Unicode at all; guessing would print garbage.
                None => (Unicode::None, None),
            },
            None => (Unicode::Simple(table), None),
        };
        Font {
            codespace: Codespace::OneByte,
            encoding: None,
            composite: false,
            unicode,
            simple_fallback,
            widths: Widths::Simple {
                first,
                widths,
                default,
                scale,
            },
            vertical: false,
            byte_texts: (0..0x100).map(|_| OnceLock::new()).collect(),
        }
    }

    fn load_composite(doc: &Document, font: &Dictionary, to_unicode: Option<ToUnicode>) -> Font {
        let descendant = dict_get(doc, font, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| resolve(doc, o).as_dict().ok());
        let family = descendant
            .and_then(|d| dict_get(doc, d, b"CIDSystemInfo"))
            .and_then(|o| o.as_dict().ok())
            .map(|si| {
                let s = |k: &[u8]| {
                    dict_get(doc, si, k)
                        .and_then(|o| o.as_str().ok())
                        .map(|b| b.to_vec())
                        .unwrap_or_default()
                };
                CidFamily::from_registry_ordering(&s(b"Registry"), &s(b"Ordering"))
            });

        let mut vertical = false;
        let mut code_is_utf16 = false;
        let mut name_family = None;
        let (codespace, encoding) = match dict_get(doc, font, b"Encoding") {
            Some(Object::Name(name)) => {
                let n = String::from_utf8_lossy(name).into_owned();
                vertical = n.ends_with("-V") || n == "V";
                name_family = family_of_cmap_name(&n);
                code_is_utf16 = n.starts_with("Uni") && (n.contains("UCS2") || n.contains("UTF16"));
                if n.starts_with("Identity") {
                    (Codespace::TwoByte, None)
                } else {
                    let cm = cmap::load_predefined(CMapName::from_bytes(name));
                    (cmap::predefined_codespace(name), cm)
                }
            }
            Some(o @ Object::Stream(_)) => {
                let bytes = stream_bytes(doc, o).unwrap_or_default();
                let cs = cmap::parse_codespace(&bytes).unwrap_or(Codespace::TwoByte);
                let cm = cmap::parse_embedded(&bytes);
                if let Some(m) = &cm {
                    vertical = m.metadata().writing_mode == Some(hayro_cmap::WritingMode::Vertical);
                }
                (cs, cm)
            }
            _ => (Codespace::TwoByte, None),
        };

        let unicode = if let Some(tu) = to_unicode {
            Unicode::Mapped(tu)
        } else if code_is_utf16 {
            Unicode::CodeIsUtf16(name_family.as_ref().and_then(cid_table))
        } else if let Some(t) = family
            .as_ref()
            .and_then(cid_table)
            .or_else(|| name_family.as_ref().and_then(cid_table))
        {
            Unicode::Cid(t)
        } else {
            descendant
                .and_then(|d| truetype_unicode(doc, d))
                .unwrap_or(Unicode::None)
        };

        let mut map = HashMap::new();
        let mut default = 1000.0;
        if let Some(d) = descendant {
            default = dict_get(doc, d, b"DW").and_then(num).unwrap_or(1000.0);
            if let Some(w) = dict_get(doc, d, b"W").and_then(|o| o.as_array().ok()) {
                parse_cid_widths(doc, w, &mut map);
            }
        }
        Font {
            codespace,
            encoding,
            composite: true,
            unicode,
            simple_fallback: None,
            widths: Widths::Cid { map, default },
            vertical,
            byte_texts: Vec::new(),
        }
    }

    /// True when this font can give no Unicode for any code.
    pub fn has_no_unicode(&self) -> bool {
        matches!(self.unicode, Unicode::None)
    }

    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Glyph>) {
        let mut i = 0;
        while i < bytes.len() {
            let (code, len) = self.codespace.next_code(&bytes[i..]);
            i += len;
            let cid = if self.composite {
                match &self.encoding {
                    Some(m) => m.lookup_cid_code(code, len as u8).unwrap_or(0),
                    None => code,
                }
            } else {
                code
            };
            let (text, undecodable) = match self.byte_texts.get(code as usize) {
                Some(cell) if len == 1 && !self.composite => cell
                    .get_or_init(|| {
                        let (text, undecodable) = self.text_of(code, cid, len);
                        let text = match text {
                            GlyphText::Owned(s) if !s.is_empty() => GlyphText::Shared(s.into()),
                            t => t,
                        };
                        (text, undecodable)
                    })
                    .clone(),
                _ => self.text_of(code, cid, len),
            };
            out.push(Glyph {
                text,
                advance: self.advance(code, cid),
                is_space_code: len == 1 && code == 32,
                undecodable,
            });
        }
    }

    /// The text of one code, empty where the map gives U+FFFD or private use
    /// (then also undecodable).
    fn text_of(&self, code: u32, cid: u32, len: usize) -> (GlyphText, bool) {
        let text = self.unicode_of(code, cid, len);
        let undecodable = text.as_deref().is_some_and(|t| {
            t.chars()
                .any(|c| c == '\u{FFFD}' || glyphs::is_private_use(c))
        });
        let text = if undecodable {
            String::new()
        } else {
            text.unwrap_or_default()
        };
        (GlyphText::Owned(text), undecodable)
    }

    fn unicode_of(&self, code: u32, cid: u32, len: usize) -> Option<String> {
        let from_bf = |b: BfString| match b {
            BfString::Char(c) => c.to_string(),
            BfString::String(s) => s,
        };
        match &self.unicode {
            Unicode::Mapped(m) => m.lookup(code).or_else(|| {
                self.simple_fallback.as_ref().and_then(|t| {
                    t.get(code as usize)?
                        .as_ref()
                        .map(glyphs::CodeText::to_text)
                })
            }),
            Unicode::CodeIsUtf16(table) => {
                let units: Vec<u16> = if len == 4 {
                    vec![(code >> 16) as u16, code as u16]
                } else {
                    vec![code as u16]
                };
                let s = String::from_utf16(&units).ok()?;
                let private = s.chars().any(glyphs::is_private_use);
                match table {
                    Some(t) if private => t.lookup_bf_string(cid).map(from_bf).or(Some(s)),
                    _ => Some(s),
                }
            }
            Unicode::Cid(m) => m.lookup_bf_string(cid).map(from_bf),
            Unicode::TrueType {
                gid_to_char,
                cid_to_gid,
            } => {
                let gid = match cid_to_gid {
                    Some(t) => *t.get(cid as usize)?,
                    None => cid as u16,
                };
                gid_to_char.get(&gid).map(|c| c.to_string())
            }
            Unicode::Simple(t) => t
                .get(code as usize)?
                .as_ref()
                .map(glyphs::CodeText::to_text),
            Unicode::None => None,
        }
    }

    fn advance(&self, code: u32, cid: u32) -> f64 {
        if self.vertical {
            return 1.0;
        }
        match &self.widths {
            Widths::Simple {
                first,
                widths,
                default,
                scale,
            } => {
                let w = code
                    .checked_sub(*first)
                    .and_then(|i| widths.get(i as usize))
                    .copied()
                    .unwrap_or(*default);
                w * scale / 1000.0
            }
            Widths::Cid { map, default } => map.get(&cid).copied().unwrap_or(*default) / 1000.0,
        }
    }
}

/// A symbolic simple font (FontDescriptor flag 3) with no /Encoding: its codes
/// select glyphs directly and say nothing about characters.
fn is_symbolic_without_encoding(doc: &Document, font: &Dictionary) -> bool {
    let flags = dict_get(doc, font, b"FontDescriptor")
        .and_then(|o| o.as_dict().ok())
        .and_then(|d| dict_get(doc, d, b"Flags").and_then(num))
        .unwrap_or(0.0) as i64;
    let base = dict_get(doc, font, b"BaseFont")
        .and_then(|o| o.as_name().ok())
        .unwrap_or(b"");
    let standard_symbol =
        base.ends_with(b"Symbol") || base.ends_with(b"ZapfDingbats") || base.ends_with(b"Dingbats");
    // Only TrueType: a Type 1 program has a built-in encoding (TeX's fonts).
    let truetype = dict_get(doc, font, b"FontDescriptor")
        .and_then(|o| o.as_dict().ok())
        .is_some_and(|d| d.has(b"FontFile2"));
    flags & 4 != 0 && font.get(b"Encoding").is_err() && !standard_symbol && truetype
}

/// Codes of a symbolic embedded TrueType → Unicode through the glyph names in
/// its `post` table, when they name real characters (not uniF0xx private use).
fn symbolic_table(doc: &Document, font: &Dictionary) -> Option<SimpleTable> {
    let fd = dict_get(doc, font, b"FontDescriptor")?.as_dict().ok()?;
    let data = dict_get(doc, fd, b"FontFile2").and_then(|o| stream_bytes(doc, o))?;
    let face = ttf_parser::Face::parse(&data, 0).ok()?;
    let cmap = face.tables().cmap?;
    let mut table: SimpleTable = std::array::from_fn(|_| None);
    let mut found = 0;
    for (code, slot) in table.iter_mut().enumerate() {
        let gid = cmap.subtables.into_iter().find_map(|s| {
            s.glyph_index(0xF000 + code as u32)
                .or_else(|| s.glyph_index(code as u32))
        });
        let name = gid.and_then(|g| face.glyph_name(g));
        if let Some(u) = name.and_then(glyphs::glyph_name_to_unicode) {
            if !u.has_private_use() {
                *slot = Some(u);
                found += 1;
            }
        }
    }
    (found > 0).then_some(table)
}

/// `/W [c [w1 w2 …] cfirst clast w …]`.
fn parse_cid_widths(doc: &Document, w: &[Object], map: &mut HashMap<u32, f64>) {
    let mut i = 0;
    // Bounded so a hostile range like [0 4294967295 500] cannot allocate forever.
    const MAX_ENTRIES: usize = 70_000;
    while i < w.len() && map.len() < MAX_ENTRIES {
        let Some(first) = num(resolve(doc, &w[i])) else {
            break;
        };
        match w.get(i + 1).map(|o| resolve(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, v) in ws.iter().enumerate() {
                    if let Some(v) = num(resolve(doc, v)) {
                        map.insert((first as u32).saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(o).unwrap_or(first);
                let v = w
                    .get(i + 2)
                    .and_then(|o| num(resolve(doc, o)))
                    .unwrap_or(1000.0);
                let (a, b) = (
                    first as u32,
                    (last as u32).min((first as u32).saturating_add(MAX_ENTRIES as u32)),
                );
                for c in a..=b {
                    map.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// Codes read from the Unicode cmap subtables of one font: every Unicode
/// scalar value twice over. A real font maps each code once.
const CMAP_CODES: usize = 2 * 0x11_0000;

/// Add the codepoint → glyph pairs of one Unicode cmap subtable to
/// `gid_to_char` (the lowest code of a glyph wins), reading at most `budget`
/// codes. Not ttf-parser's `codepoints`: it walks every code of every range,
/// and a hostile subtable declares billions (format 12 groups of
/// 0..=u32::MAX, format 4 segments repeated), a hang rather than a font.
fn unicode_cmap(
    sub: &ttf_parser::cmap::Subtable,
    raw: Option<&[u8]>,
    index: u16,
    budget: &mut usize,
    gid_to_char: &mut HashMap<u16, char>,
) {
    use ttf_parser::cmap::Format;
    let mut add = |cp: u32, gid: Option<u16>, budget: &mut usize| -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if let (Some(c), Some(g)) = (char::from_u32(cp), gid) {
            gid_to_char.entry(g).or_insert(c);
        }
        true
    };
    match sub.format {
        // Codes are 16-bit: look each up once, in order (0xFFFF ends the table).
        Format::SegmentMappingToDeltaValues(_) => {
            for cp in 0..0xFFFF_u32 {
                if let Some(g) = sub.glyph_index(cp) {
                    if !add(cp, Some(g.0), budget) {
                        return;
                    }
                }
            }
        }
        // Groups of 32-bit ranges, read from the table itself (ttf-parser keeps
        // them private); codes past Unicode are not characters.
        Format::SegmentedCoverage(_) | Format::ManyToOneRangeMappings(_) => {
            let many_to_one = matches!(sub.format, Format::ManyToOneRangeMappings(_));
            for (start, end, glyph) in cmap_groups(raw, index) {
                for cp in start..=end.min(0x10_FFFF) {
                    let gid = if many_to_one {
                        Some(glyph)
                    } else {
                        glyph.checked_add(cp - start)
                    };
                    if !add(cp, gid.and_then(|g| u16::try_from(g).ok()), budget) {
                        return;
                    }
                }
            }
        }
        // Formats 0, 2, 6 and 10 list no more codes than their data holds.
        _ => {
            let mut open = true;
            sub.codepoints(|cp| {
                if open {
                    open = add(cp, sub.glyph_index(cp).map(|g| g.0), budget);
                }
            });
        }
    }
}

/// The (start code, end code, glyph) groups of the format 12 or 13 subtable
/// of encoding record `index` in a raw `cmap` table.
fn cmap_groups(raw: Option<&[u8]>, index: u16) -> Vec<(u32, u32, u32)> {
    let be32 = |d: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(
            d.get(at..at.checked_add(4)?)?.try_into().ok()?,
        ))
    };
    let groups = || -> Option<Vec<(u32, u32, u32)>> {
        let raw = raw?;
        let offset = be32(raw, 4 + 8 * usize::from(index) + 4)? as usize;
        let sub = raw.get(offset..)?;
        let count = be32(sub, 12)? as usize;
        let body = sub.get(16..)?;
        Some(
            body.chunks_exact(12)
                .take(count)
                .filter_map(|g| Some((be32(g, 0)?, be32(g, 4)?, be32(g, 8)?)))
                .filter(|(start, end, _)| start <= end)
                .collect(),
        )
    };
    groups().unwrap_or_default()
}

/// Identity-ordered TrueType without ToUnicode (Chrome's PDFs): invert the
/// embedded font's own cmap, and map CIDs to GIDs through CIDToGIDMap.
fn truetype_unicode(doc: &Document, descendant: &Dictionary) -> Option<Unicode> {
    let fd = dict_get(doc, descendant, b"FontDescriptor")?
        .as_dict()
        .ok()?;
    let data = dict_get(doc, fd, b"FontFile2").and_then(|o| stream_bytes(doc, o))?;
    let face = ttf_parser::Face::parse(&data, 0).ok()?;
    let mut gid_to_char = HashMap::new();
    if let Some(cmap) = face.tables().cmap {
        let raw = face.raw_face().table(ttf_parser::Tag::from_bytes(b"cmap"));
        let mut budget = CMAP_CODES;
        for i in 0..cmap.subtables.len() {
            let Some(sub) = cmap.subtables.get(i) else {
                continue;
            };
            if sub.is_unicode() {
                unicode_cmap(&sub, raw, i, &mut budget, &mut gid_to_char);
            }
        }
    }
    if gid_to_char.is_empty() {
        return None;
    }
    let cid_to_gid = match dict_get(doc, descendant, b"CIDToGIDMap") {
        Some(o @ Object::Stream(_)) => stream_bytes(doc, o).map(|b| {
            b.chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect()
        }),
        _ => None,
    };
    Some(Unicode::TrueType {
        gid_to_char,
        cid_to_gid,
    })
}

/// Fonts of one document, loaded once each.
#[derive(Default)]
pub struct FontCache {
    by_id: HashMap<lopdf::ObjectId, Arc<Font>>,
}

impl FontCache {
    pub fn get(&mut self, doc: &Document, font: &Object) -> Option<Arc<Font>> {
        match font {
            Object::Reference(id) => {
                if let Some(f) = self.by_id.get(id) {
                    return Some(f.clone());
                }
                let d = doc.get_dictionary(*id).ok()?;
                let f = Arc::new(Font::load(doc, d));
                self.by_id.insert(*id, f.clone());
                Some(f)
            }
            Object::Dictionary(d) => Some(Arc::new(Font::load(doc, d))),
            _ => None,
        }
    }
}
