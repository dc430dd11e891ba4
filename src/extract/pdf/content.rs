//! The content-stream interpreter: text operators, graphics state and form
//! XObjects, producing glyphs placed in page space.
//!
//! Written on lopdf's objects because lopdf's own `extract_text` ignores Form
//! XObjects, predefined CMaps and glyph positions, which Japanese layout needs.

use super::fonts::{resolve, Font, FontCache, Glyph};
pub use super::glyph_text::GlyphText;
use super::lexer::{Lexer, Operand};
use super::Limits;
use crate::document::UnreadReason;
use lopdf::{DecompressError, Dictionary, Document, Object, ObjectId, Stream};
use std::sync::Arc;

pub type Matrix = [f64; 6];
pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b`: apply `a`, then `b`.
pub fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// A glyph placed on the page.
#[derive(Debug, Clone)]
pub struct Placed {
    pub text: GlyphText,
    /// Origin (baseline start) in page space.
    pub x: f64,
    pub y: f64,
    /// Advance along the writing direction, in page space.
    pub advance: f64,
    /// Effective font size in page space.
    pub size: f64,
    pub vertical: bool,
    /// Direction the text runs in, in quarter turns counter-clockwise from
    /// left-to-right (1 = upwards, as in rotated table labels).
    pub dir: u8,
}

/// Quarter turns of a text rendering matrix's baseline direction.
fn direction(m: &Matrix) -> u8 {
    let (dx, dy) = (m[0], m[1]);
    if dx.abs() >= dy.abs() {
        if dx >= 0.0 {
            0
        } else {
            2
        }
    } else if dy > 0.0 {
        1
    } else {
        3
    }
}

/// An image XObject drawn on the page, as OCR would read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawnImage {
    /// Its object number, when it is an indirect object (as images are).
    pub id: Option<ObjectId>,
    pub width: u32,
    pub height: u32,
    /// Its width on the page, in points.
    pub drawn_width: f64,
}

impl DrawnImage {
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Pixels per inch as drawn, when plausible for a scan.
    pub fn dpi(&self) -> Option<u32> {
        let dpi = f64::from(self.width) / (self.drawn_width / 72.0);
        (dpi.is_finite() && (50.0..=2400.0).contains(&dpi)).then(|| dpi.round() as u32)
    }
}

#[derive(Default)]
pub struct PageContent {
    pub glyphs: Vec<Placed>,
    /// Thin lines drawn on the page (table borders), in page space.
    pub rules: Rules,
    pub images: usize,
    /// The largest image drawn (by pixels): what OCR reads of a scanned page.
    pub largest_image: Option<DrawnImage>,
    pub undecodable: usize,
    /// Glyphs shown with a font that maps no code to Unicode.
    pub unmapped: usize,
    /// Why the page was not read to its end (a cap, or a form that cannot be
    /// decoded), each reason once: what was read before is kept.
    pub cut: Vec<UnreadReason>,
}

impl PageContent {
    pub fn cut_by(&mut self, reason: UnreadReason) {
        if !self.cut.contains(&reason) {
            self.cut.push(reason);
        }
    }
}

/// A content stream (a page's or a form's) decoded within a byte budget.
pub enum Decoded {
    Full(Vec<u8>),
    /// Its decoded content is larger than the budget: nothing of it is read.
    OverCap,
    /// It cannot be decoded. Its raw bytes stand in when they fit the budget,
    /// as lopdf does (a stream that names a filter it does not use).
    Broken(Vec<u8>),
}

/// Decode `stream` within `budget` bytes, telling a cap from damage. lopdf's
/// Flate decoder answers a stream that does not inflate with no bytes and no
/// error, so such a stream, longer than any deflate of nothing, is damage.
pub fn decode(stream: &Stream, budget: usize) -> Decoded {
    match super::inflate::decoded(stream, Some(budget)) {
        Ok(data) => {
            let flate = stream
                .filters()
                .is_ok_and(|f| f.first() == Some(&&b"FlateDecode"[..]));
            let encoded = stream.content.trim_ascii_end().len();
            if data.is_empty() && flate && encoded > MAX_EMPTY_DEFLATE {
                Decoded::Broken(Vec::new())
            } else {
                Decoded::Full(data)
            }
        }
        Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
            Decoded::OverCap
        }
        Err(_) if stream.content.len() <= budget => Decoded::Broken(stream.content.clone()),
        Err(_) => Decoded::Broken(Vec::new()),
    }
}

/// A zlib stream of no bytes takes 8 (11 with a stored block); 16 leaves room.
const MAX_EMPTY_DEFLATE: usize = 16;

/// Table borders: vertical rules (x, y0, y1) and horizontal rules (y, x0, x1).
#[derive(Debug, Default, Clone)]
pub struct Rules {
    pub vertical: Vec<(f64, f64, f64)>,
    pub horizontal: Vec<(f64, f64, f64)>,
}

impl Rules {
    /// A vertical rule between x0 and x1 that crosses height y.
    pub fn vertical_between(&self, x0: f64, x1: f64, y: f64) -> bool {
        self.vertical
            .iter()
            .any(|&(x, a, b)| x > x0 && x < x1 && y >= a - 1.0 && y <= b + 1.0)
    }

    /// A horizontal rule between heights y_low and y_high under [x0, x1].
    pub fn horizontal_between(&self, y_low: f64, y_high: f64, x0: f64, x1: f64) -> bool {
        self.horizontal
            .iter()
            .any(|&(y, a, b)| y > y_low && y < y_high && a < x1 && b > x0)
    }
}

/// Rules kept per page: enough for any table, bounded for hostile files.
const MAX_RULES: usize = 20_000;

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Arc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Limits so a hostile file cannot make one page run forever.
const MAX_FORM_DEPTH: usize = 12;

/// Font names one content stream remembers (a stream uses a few; past this
/// a name is looked up each time, so a hostile stream costs no memory).
const MAX_FONTS_NAMED: usize = 64;

/// The fonts a content stream's `Tf` names resolved to, in first use order.
#[derive(Default)]
struct FontsNamed<'a>(Vec<(&'a [u8], Option<Arc<Font>>)>);

/// `/ActualText` of a marked-content sequence and where its first glyph was drawn.
type ActualText = (String, Option<(f64, f64, f64)>);

pub struct Interpreter<'d> {
    doc: &'d Document,
    limits: &'d Limits,
    fonts: &'d mut FontCache,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    /// Marked-content stack: Some(actual text) where /ActualText replaces glyphs.
    marked: Vec<Option<ActualText>>,
    ops: usize,
    forms: Vec<ObjectId>,
    /// Segments of the path being built, in page space.
    path: Vec<(f64, f64, f64, f64)>,
    current: Option<(f64, f64)>,
    subpath_start: Option<(f64, f64)>,
    pub out: PageContent,
    scratch: Vec<Glyph>,
}

impl<'d> Interpreter<'d> {
    pub fn new(doc: &'d Document, fonts: &'d mut FontCache, limits: &'d Limits) -> Self {
        Interpreter {
            doc,
            limits,
            fonts,
            gs: GState::default(),
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            marked: Vec::new(),
            ops: 0,
            forms: Vec::new(),
            path: Vec::new(),
            current: None,
            subpath_start: None,
            out: PageContent::default(),
            scratch: Vec::new(),
        }
    }

    /// Run one content stream with the given resource dictionaries (searched in order).
    pub fn run(&mut self, data: &[u8], resources: &[&Dictionary]) {
        let mut lx = Lexer::new(data);
        let mut operands: Vec<Operand> = Vec::new();
        let mut fonts_named = FontsNamed::default();
        while let Some(op) = lx.next_op(&mut operands) {
            self.ops += 1;
            // The counts run on across the forms the page draws, so once a
            // cap is reached every level of the page stops.
            if self.ops > self.limits.operators_per_page {
                self.out.cut_by(UnreadReason::OperatorCap);
                return;
            }
            if self.out.glyphs.len() > self.limits.glyphs_per_page {
                self.out.cut_by(UnreadReason::GlyphCap);
                return;
            }
            if op == b"Tf" {
                self.set_font(&operands, resources, &mut fonts_named);
            } else {
                self.op(op, &operands, resources);
            }
        }
    }

    /// `Tf`: the font by its resource name, looked up once per name in one
    /// content stream (its resources do not change while it runs).
    fn set_font<'a>(&mut self, a: &[Operand<'a>], res: &[&Dictionary], named: &mut FontsNamed<'a>) {
        self.gs.size = Self::f(a, 1);
        self.gs.font = match a.first().and_then(Operand::as_name) {
            Some(n) => match named.0.iter().find(|(k, _)| *k == n) {
                Some((_, font)) => font.clone(),
                None => {
                    let font =
                        lookup(self.doc, res, b"Font", n).and_then(|o| self.fonts.get(self.doc, o));
                    if named.0.len() < MAX_FONTS_NAMED {
                        named.0.push((n, font.clone()));
                    }
                    font
                }
            },
            None => None,
        };
    }

    fn f(ops: &[Operand], i: usize) -> f64 {
        ops.get(i).and_then(Operand::as_f64).unwrap_or(0.0)
    }

    fn op(&mut self, op: &[u8], a: &[Operand], res: &[&Dictionary]) {
        let f = |i| Self::f(a, i);
        match op {
            b"q" if self.stack.len() < 256 => self.stack.push(self.gs.clone()),
            b"Q" => {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" if a.len() >= 6 => {
                let m = [f(0), f(1), f(2), f(3), f(4), f(5)];
                self.gs.ctm = mul(&m, &self.gs.ctm);
            }
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"Tc" => self.gs.char_spacing = f(0),
            b"Tw" => self.gs.word_spacing = f(0),
            b"Tz" => self.gs.h_scale = f(0) / 100.0,
            b"TL" => self.gs.leading = f(0),
            b"Ts" => self.gs.rise = f(0),
            b"Td" => self.move_line(f(0), f(1)),
            b"TD" => {
                self.gs.leading = -f(1);
                self.move_line(f(0), f(1));
            }
            b"Tm" if a.len() >= 6 => {
                self.tm = [f(0), f(1), f(2), f(3), f(4), f(5)];
                self.tlm = self.tm;
            }
            b"T*" => self.move_line(0.0, -self.gs.leading),
            b"Tj" => {
                if let Some(Operand::Str(s)) = a.first() {
                    self.show(s);
                }
            }
            b"'" => {
                self.move_line(0.0, -self.gs.leading);
                if let Some(Operand::Str(s)) = a.first() {
                    self.show(s);
                }
            }
            b"\"" => {
                self.gs.word_spacing = f(0);
                self.gs.char_spacing = f(1);
                self.move_line(0.0, -self.gs.leading);
                if let Some(Operand::Str(s)) = a.get(2) {
                    self.show(s);
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = a.first() {
                    for item in items {
                        match item {
                            Operand::Str(s) => self.show(s),
                            Operand::Num(n) => self.adjust(*n),
                            _ => {}
                        }
                    }
                }
            }
            b"BDC" | b"BMC" => {
                let actual = match a.get(1) {
                    Some(Operand::Dict(d)) => d.iter().find_map(|(k, v)| match (k, v) {
                        (&b"ActualText", Operand::Str(s)) => Some(decode_text_string(s)),
                        _ => None,
                    }),
                    _ => None,
                };
                if self.marked.len() < 64 {
                    self.marked.push(actual.map(|t| (t, None)));
                }
            }
            b"EMC" => {
                if let Some(Some((text, Some((x, y, size))))) = self.marked.pop() {
                    {
                        let vertical = self.gs.font.as_ref().is_some_and(|f| f.vertical);
                        self.out.glyphs.push(Placed {
                            text: text.into(),
                            x,
                            y,
                            advance: size,
                            size,
                            vertical,
                            dir: 0,
                        });
                    }
                }
            }
            b"Do" => {
                if let Some(name) = a.first().and_then(Operand::as_name) {
                    self.do_xobject(name, res);
                }
            }
            b"m" if a.len() >= 2 => {
                let p = self.to_page(f(0), f(1));
                self.current = Some(p);
                self.subpath_start = Some(p);
            }
            b"l" if a.len() >= 2 => {
                let p = self.to_page(f(0), f(1));
                if let Some(c) = self.current {
                    self.path.push((c.0, c.1, p.0, p.1));
                }
                self.current = Some(p);
            }
            b"h" => {
                if let (Some(c), Some(s)) = (self.current, self.subpath_start) {
                    self.path.push((c.0, c.1, s.0, s.1));
                    self.current = Some(s);
                }
            }
            b"re" if a.len() >= 4 => {
                let (x, y, w, h) = (f(0), f(1), f(2), f(3));
                let c = [
                    self.to_page(x, y),
                    self.to_page(x + w, y),
                    self.to_page(x + w, y + h),
                    self.to_page(x, y + h),
                ];
                for i in 0..4 {
                    let (p, q) = (c[i], c[(i + 1) % 4]);
                    self.path.push((p.0, p.1, q.0, q.1));
                }
            }
            b"S" | b"s" | b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" => self.paint_path(),
            b"n" => self.path.clear(),
            _ => {}
        }
    }

    fn to_page(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.gs.ctm;
        (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
    }

    /// Keep the straight horizontal and vertical edges of the painted path:
    /// thin filled rectangles and stroked lines are how table borders are drawn.
    /// (A filled cell background also leaves its edges, which sit on the
    /// borders anyway.)
    fn paint_path(&mut self) {
        let rules = &mut self.out.rules;
        for (x0, y0, x1, y1) in self.path.drain(..) {
            if rules.vertical.len() + rules.horizontal.len() >= MAX_RULES {
                break;
            }
            let (dx, dy) = ((x1 - x0).abs(), (y1 - y0).abs());
            if dx < 0.8 && dy > 3.0 {
                rules
                    .vertical
                    .push(((x0 + x1) / 2.0, y0.min(y1), y0.max(y1)));
            } else if dy < 0.8 && dx > 3.0 {
                rules
                    .horizontal
                    .push(((y0 + y1) / 2.0, x0.min(x1), x0.max(x1)));
            }
        }
        self.current = None;
        self.subpath_start = None;
    }

    fn move_line(&mut self, tx: f64, ty: f64) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    fn adjust(&mut self, n: f64) {
        let vertical = self.gs.font.as_ref().is_some_and(|f| f.vertical);
        let d = -n / 1000.0 * self.gs.size;
        let t = if vertical {
            [1.0, 0.0, 0.0, 1.0, 0.0, d]
        } else {
            [1.0, 0.0, 0.0, 1.0, d * self.gs.h_scale, 0.0]
        };
        self.tm = mul(&t, &self.tm);
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            return;
        };
        let mut glyphs = std::mem::take(&mut self.scratch);
        glyphs.clear();
        font.decode(bytes, &mut glyphs);
        let no_unicode = font.has_no_unicode();
        let gs = &self.gs;
        // Drained, so that each glyph's text moves to the page, not copied.
        for g in glyphs.drain(..) {
            let trm = mul(
                &mul(
                    &[gs.size * gs.h_scale, 0.0, 0.0, gs.size, 0.0, gs.rise],
                    &self.tm,
                ),
                &gs.ctm,
            );
            let (x, y) = (trm[4], trm[5]);
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let spacing = gs.char_spacing
                + if g.is_space_code {
                    gs.word_spacing
                } else {
                    0.0
                };
            let (t, advance_page) = if font.vertical {
                let ty = -(g.advance * gs.size) - spacing;
                ([1.0, 0.0, 0.0, 1.0, 0.0, ty], size)
            } else {
                let tx = (g.advance * gs.size + spacing) * gs.h_scale;
                let scale_x = {
                    let m = mul(&self.tm, &gs.ctm);
                    (m[0] * m[0] + m[1] * m[1]).sqrt()
                };
                ([1.0, 0.0, 0.0, 1.0, tx, 0.0], tx * scale_x)
            };
            self.tm = mul(&t, &self.tm);
            if g.undecodable {
                self.out.undecodable += 1;
                continue;
            }
            if no_unicode {
                self.out.unmapped += 1;
                continue;
            }
            if let Some(Some((_, pos))) = self.marked.iter_mut().rev().find(|m| m.is_some()) {
                // Inside /ActualText: glyphs are replaced by the text at EMC.
                pos.get_or_insert((x, y, size));
                continue;
            }
            if g.text.is_empty() {
                self.out.unmapped += 1;
                continue;
            }
            if size <= 0.0 || !x.is_finite() || !y.is_finite() {
                continue;
            }
            // A vertical font drawn in a turned matrix (官報 sets horizontal
            // lines with Identity-V fonts) reads along where its pen moves.
            let (vertical, dir) = if font.vertical {
                let (ax, ay) = (-trm[2], -trm[3]);
                if ay < 0.0 && ay.abs() >= ax.abs() {
                    (true, 0)
                } else {
                    (false, direction(&[ax, ay, 0.0, 0.0, 0.0, 0.0]))
                }
            } else {
                (false, direction(&trm))
            };
            self.out.glyphs.push(Placed {
                text: g.text,
                x,
                y,
                advance: advance_page.abs(),
                size,
                vertical,
                dir,
            });
        }
        self.scratch = glyphs;
    }

    fn do_xobject(&mut self, name: &[u8], res: &[&Dictionary]) {
        let Some(obj) = lookup(self.doc, res, b"XObject", name) else {
            return;
        };
        let id = match obj {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let Object::Stream(stream) = resolve(self.doc, obj) else {
            return;
        };
        let subtype = stream
            .dict
            .get(b"Subtype")
            .and_then(|o| o.as_name())
            .unwrap_or(b"");
        if subtype == b"Image" {
            self.out.images += 1;
            let dim = |k: &[u8]| {
                stream
                    .dict
                    .get(k)
                    .ok()
                    .and_then(|o| resolve(self.doc, o).as_i64().ok())
                    .and_then(|v| u32::try_from(v).ok())
            };
            let ctm = &self.gs.ctm;
            let drawn = DrawnImage {
                id,
                width: dim(b"Width").unwrap_or(0),
                height: dim(b"Height").unwrap_or(0),
                drawn_width: ctm[0].hypot(ctm[1]),
            };
            if self
                .out
                .largest_image
                .is_none_or(|l| drawn.pixels() > l.pixels())
            {
                self.out.largest_image = Some(drawn);
            }
            return;
        }
        if subtype != b"Form" || self.forms.len() >= MAX_FORM_DEPTH {
            return;
        }
        if id.is_some_and(|id| self.forms.contains(&id)) {
            return; // A form that draws itself.
        }
        let data = match decode(stream, self.limits.content_bytes) {
            Decoded::Full(data) => data,
            Decoded::OverCap => {
                self.out.cut_by(UnreadReason::ContentCap);
                return;
            }
            Decoded::Broken(raw) => {
                self.out.cut_by(UnreadReason::Broken);
                raw
            }
        };
        self.forms.push(id.unwrap_or((0, 0)));
        let saved = (self.gs.clone(), self.tm, self.tlm, self.stack.len());
        if let Ok(Object::Array(m)) = stream.dict.get(b"Matrix") {
            let v: Vec<f64> = m
                .iter()
                .filter_map(|o| o.as_float().ok().map(f64::from))
                .collect();
            if v.len() == 6 {
                self.gs.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &self.gs.ctm);
            }
        }
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| resolve(self.doc, o).as_dict().ok());
        let mut resources: Vec<&Dictionary> = Vec::new();
        if let Some(d) = own {
            resources.push(d);
        }
        resources.extend_from_slice(res);
        self.run(&data, &resources);
        self.stack.truncate(saved.3);
        self.gs = saved.0;
        self.tm = saved.1;
        self.tlm = saved.2;
        self.forms.pop();
    }
}

/// Find `/Category /Name` in the first resource dictionary that has it.
fn lookup<'a>(
    doc: &'a Document,
    res: &[&'a Dictionary],
    category: &[u8],
    name: &[u8],
) -> Option<&'a Object> {
    for r in res {
        if let Ok(cat) = r.get(category) {
            if let Ok(d) = resolve(doc, cat).as_dict() {
                if let Ok(o) = d.get(name) {
                    return Some(o);
                }
            }
        }
    }
    None
}

/// A PDF text string: UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding (≈ Latin-1).
pub fn decode_text_string(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    b.iter().map(|&c| c as char).collect()
}
