//! ToUnicode CMaps: character code → Unicode text.
//!
//! Nearly every ToUnicode map is the plain form PDF writers emit: a
//! codespace, then `bfchar` and `bfrange` sections of hex strings. hayro-cmap
//! reads any CMap, but through a general PostScript scanner that costs about
//! as much as inflating the stream, once per font. This hand-written reader
//! takes only that plain form and answers exactly as hayro-cmap would (same
//! entries, same sort, same search, same UTF-16 decoding); at anything else
//! (`usecmap`, CID sections, literal strings, procedures, odd numbers, any
//! token hayro-cmap might reject) it gives up and hayro-cmap reads the map.

use hayro_cmap::{BfString, CMap};

/// A ToUnicode map, read here or by hayro-cmap.
pub enum ToUnicode {
    Plain(BfMap),
    Hayro(Box<CMap>),
}

impl ToUnicode {
    pub fn parse(data: &[u8]) -> Option<ToUnicode> {
        match BfMap::parse(data) {
            Some(m) => Some(ToUnicode::Plain(m)),
            None => super::cmap::parse_embedded(data).map(|m| ToUnicode::Hayro(Box::new(m))),
        }
    }

    /// The text of `code`, as hayro-cmap's `lookup_bf_string` gives it.
    pub fn lookup(&self, code: u32) -> Option<String> {
        match self {
            ToUnicode::Plain(m) => m.lookup(code),
            ToUnicode::Hayro(m) => m.lookup_bf_string(code).map(|b| match b {
                BfString::Char(c) => c.to_string(),
                BfString::String(s) => s,
            }),
        }
    }
}

/// One `bfchar` or `bfrange` entry: codes `start..=end` map to `dst`, whose
/// last UTF-16 unit is raised by the code's offset from `start`.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    start: u32,
    end: u32,
    /// `units[from..to]` of the map.
    from: u32,
    to: u32,
}

#[derive(Debug, Default)]
pub struct BfMap {
    entries: Vec<Entry>,
    units: Vec<u16>,
    /// For each one-byte code, 1 + the entry the search finds (0: none).
    by_byte: Vec<u32>,
}

/// One token of the plain form.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    /// The bytes between `<` and `>`, undecoded.
    Hex(&'a [u8]),
    /// A literal string, skipped (only CIDSystemInfo has them).
    Str,
    /// `/Name`.
    Name(&'a [u8]),
    /// An operator or `[`, `]`, `<<`, `>>`.
    Exec(&'a [u8]),
    Integer,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, 0x00 | 0x09 | 0x0a | 0x0c | 0x0d | 0x20)
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b)
        && !matches!(
            b,
            b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
        )
}

struct Scanner<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn skip_blank(&mut self) {
        while let Some(&b) = self.data.get(self.at) {
            if is_whitespace(b) {
                self.at += 1;
            } else if b == b'%' {
                while self
                    .data
                    .get(self.at)
                    .is_some_and(|&b| b != b'\n' && b != b'\r')
                {
                    self.at += 1;
                }
            } else {
                return;
            }
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_blank();
        self.at >= self.data.len()
    }

    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.data.get(self.at).copied().is_some_and(is_regular) {
            self.at += 1;
        }
        &self.data[start..self.at]
    }

    /// The next token; None where hayro-cmap's scanner might fail or read
    /// something this reader does not take (procedures, ASCII85, `//`, long
    /// or signed numbers), so that the whole map goes to hayro-cmap.
    fn token(&mut self) -> Option<Token<'a>> {
        self.skip_blank();
        let rest = &self.data[self.at..];
        match *rest.first()? {
            b'(' => {
                let mut depth = 1_u32;
                let mut i = 1;
                while depth > 0 {
                    match *rest.get(i)? {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                self.at += i;
                Some(Token::Str)
            }
            b'<' => match rest.get(1) {
                Some(b'<') => {
                    self.at += 2;
                    Some(Token::Exec(&rest[..2]))
                }
                Some(b'~') => None,
                _ => {
                    let close = rest.iter().position(|&b| b == b'>')?;
                    self.at += close + 1;
                    Some(Token::Hex(&rest[1..close]))
                }
            },
            b'>' if rest.get(1) == Some(&b'>') => {
                self.at += 2;
                Some(Token::Exec(&rest[..2]))
            }
            b'[' | b']' => {
                self.at += 1;
                Some(Token::Exec(&rest[..1]))
            }
            b'/' if rest.get(1) == Some(&b'/') => None,
            b'/' => {
                self.at += 1;
                Some(Token::Name(self.regular_run()))
            }
            b'.' | b'+' | b'-' | b'0'..=b'9' => {
                let run = self.regular_run();
                (run.len() <= 18 && run.iter().all(u8::is_ascii_digit)).then_some(Token::Integer)
            }
            _ => {
                let run = self.regular_run();
                (!run.is_empty()).then_some(Token::Exec(run))
            }
        }
    }

    /// The digits of the next token, a hex string.
    fn hex(&mut self) -> Option<&'a [u8]> {
        match self.token()? {
            Token::Hex(h) => Some(h),
            _ => None,
        }
    }
}

/// The value of a code written as hex digits `h`: one to four bytes.
fn code_of(h: &[u8], buf: &mut Vec<u8>) -> Option<u32> {
    if h.len().is_multiple_of(2) && (2..=8).contains(&h.len()) {
        if let Some(v) = h
            .iter()
            .try_fold(0_u32, |v, &d| Some(v << 4 | u32::from(hex_digit(d)?)))
        {
            return Some(v);
        }
    }
    decode_hex(h, buf)?;
    code_value(buf)
}

fn code_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0_u32, |v, &b| v << 8 | u32::from(b)))
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// The usual destination, whole UTF-16 units in hex without white space,
/// pushed to `units`; false (with some pushed) for anything else.
fn whole_units(dst: &[u8], units: &mut Vec<u16>) -> bool {
    if dst.is_empty() || !dst.len().is_multiple_of(4) {
        return false;
    }
    for unit in dst.chunks_exact(4) {
        match unit
            .iter()
            .try_fold(0_u16, |v, &d| Some(v << 4 | u16::from(hex_digit(d)?)))
        {
            Some(v) => units.push(v),
            None => return false,
        }
    }
    true
}

/// Hex digits to bytes, white space skipped, an odd last digit as its high
/// half (as hayro-postscript decodes).
fn decode_hex(h: &[u8], out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    let mut high: Option<u8> = None;
    for &b in h {
        if is_whitespace(b) {
            continue;
        }
        let d = hex_digit(b)?;
        match high.take() {
            Some(hi) => out.push(hi << 4 | d),
            None => high = Some(d),
        }
    }
    if let Some(hi) = high {
        out.push(hi << 4);
    }
    Some(())
}

/// The entries of a section, up to its `end` keyword: `entry` reads each
/// from its first hex string on. None at anything else.
fn each_entry<'a>(
    s: &mut Scanner<'a>,
    end: &[u8],
    mut entry: impl FnMut(&mut Scanner<'a>, &'a [u8]) -> Option<()>,
) -> Option<()> {
    loop {
        match s.token()? {
            Token::Exec(e) if e == end => return Some(()),
            Token::Hex(h) => entry(s, h)?,
            _ => return None,
        }
    }
}

impl BfMap {
    /// Read a plain ToUnicode map; None when it is not one (or is empty of
    /// anything hayro-cmap would read the same way).
    pub fn parse(data: &[u8]) -> Option<BfMap> {
        let mut s = Scanner { data, at: 0 };
        let mut map = BfMap::default();
        // About one entry a line of a dozen bytes, one unit each.
        map.entries.reserve(data.len() / 12);
        map.units.reserve(data.len() / 12);
        let mut buf = Vec::new();
        while !s.at_end() {
            match s.token()? {
                // hayro-cmap reads the token after these as their value.
                Token::Name(b"Registry" | b"Ordering" | b"Supplement" | b"CMapName" | b"WMode") => {
                    s.token()?;
                }
                Token::Exec(b"begincodespacerange") => {
                    each_entry(&mut s, b"endcodespacerange", |s, low| {
                        decode_hex(low, &mut buf)?;
                        code_value(&buf)?;
                        let len = buf.len();
                        decode_hex(s.hex()?, &mut buf)?;
                        (buf.len() == len).then_some(())?;
                        code_value(&buf).map(drop)
                    })?
                }
                Token::Exec(b"beginbfchar") => each_entry(&mut s, b"endbfchar", |s, h| {
                    let code = code_of(h, &mut buf)?;
                    map.push(code, code, s.hex()?, &mut buf)
                })?,
                Token::Exec(b"beginbfrange") => each_entry(&mut s, b"endbfrange", |s, h| {
                    let start = code_of(h, &mut buf)?;
                    let end = code_of(s.hex()?, &mut buf)?;
                    match s.token()? {
                        Token::Hex(dst) => map.push(start, end, dst, &mut buf),
                        Token::Exec(b"[") if start <= end => {
                            for code in start..=end {
                                map.push(code, code, s.hex()?, &mut buf)?;
                            }
                            (s.token()? == Token::Exec(b"]")).then_some(())
                        }
                        _ => None,
                    }
                })?,
                Token::Exec(
                    b"usecmap" | b"begincidrange" | b"begincidchar" | b"beginnotdefrange"
                    | b"beginnotdefchar" | b"endcodespacerange" | b"endbfchar" | b"endbfrange",
                ) => return None,
                _ => {}
            }
        }
        // Stable, by start, as hayro-cmap sorts: overlapping entries resolve alike.
        // (Writers list codes in order: nothing to do then.)
        if !map.entries.is_sorted_by_key(|e| e.start) {
            map.entries.sort_by_key(|e| e.start);
        }
        map.index_bytes();
        Some(map)
    }

    /// Add an entry whose destination is the UTF-16BE hex string `dst` (an
    /// odd first byte is a unit of its own, as hayro-cmap pads it); an empty
    /// one is hayro-cmap's failure.
    fn push(&mut self, start: u32, end: u32, dst: &[u8], buf: &mut Vec<u8>) -> Option<()> {
        let from = u32::try_from(self.units.len()).ok()?;
        if !whole_units(dst, &mut self.units) {
            self.units.truncate(from as usize);
            decode_hex(dst, buf)?;
            if buf.is_empty() {
                return None;
            }
            let (head, pairs) = buf.split_at(buf.len() % 2);
            self.units.extend(head.iter().map(|&b| u16::from(b)));
            self.units.extend(
                pairs
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]])),
            );
        }
        let to = u32::try_from(self.units.len()).ok()?;
        self.entries.push(Entry {
            start,
            end,
            from,
            to,
        });
        Some(())
    }

    /// The entry hayro-cmap's binary search finds for `code`.
    fn search(&self, code: u32) -> Option<usize> {
        self.entries
            .binary_search_by(|e| {
                if code < e.start {
                    std::cmp::Ordering::Greater
                } else if code > e.end {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .ok()
    }

    /// Remember the search's answer for every one-byte code: most fonts
    /// show only those, and a glyph then costs no search.
    fn index_bytes(&mut self) {
        let mut found = vec![0_u32; 0x100];
        let disjoint = self.entries.windows(2).all(|w| w[0].end < w[1].start);
        if disjoint {
            // Each code lies in one entry at most: that is the one found.
            for (i, e) in self.entries.iter().enumerate() {
                let Ok(n) = u32::try_from(i + 1) else { break };
                for slot in found
                    .iter_mut()
                    .take(e.end.min(0xFF) as usize + 1)
                    .skip(e.start as usize)
                {
                    *slot = n;
                }
            }
        } else {
            for (code, slot) in (0_u32..).zip(found.iter_mut()) {
                *slot = self
                    .search(code)
                    .and_then(|i| u32::try_from(i + 1).ok())
                    .unwrap_or(0);
            }
        }
        self.by_byte = found;
    }

    pub fn lookup(&self, code: u32) -> Option<String> {
        let i = match self.by_byte.get(code as usize) {
            Some(&found) => (found as usize).checked_sub(1)?,
            None => self.search(code)?,
        };
        let e = self.entries.get(i)?;
        let units = self.units.get(e.from as usize..e.to as usize)?;
        let offset = u16::try_from(code - e.start).ok()?;
        // hayro-cmap gives no text when any unit is a lone surrogate (or the
        // raised last unit overflows); else the units' characters.
        match units {
            [one] => char::from_u32(u32::from(one.checked_add(offset)?)).map(String::from),
            _ => {
                let mut raised = units.to_vec();
                let last = raised.last_mut()?;
                *last = last.checked_add(offset)?;
                String::from_utf16(&raised).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hayro(data: &[u8]) -> Option<CMap> {
        super::super::cmap::parse_embedded(data)
    }

    /// Every code that could differ: each byte value, and each entry's ends,
    /// neighbours and first codes.
    fn codes(m: &BfMap) -> Vec<u32> {
        let mut codes: Vec<u32> = (0..=0x1FF).collect();
        for e in &m.entries {
            codes.extend([e.start.wrapping_sub(1), e.end, e.end.wrapping_add(1)]);
            codes.extend(e.start..=e.end.min(e.start.saturating_add(300)));
        }
        codes
    }

    /// The plain reader either declines `data` or answers every code as
    /// hayro-cmap does.
    pub(crate) fn assert_agrees(data: &[u8]) -> bool {
        let Some(plain) = BfMap::parse(data) else {
            return false;
        };
        let h = hayro(data).expect("hayro-cmap reads what the plain reader reads");
        let tu = ToUnicode::Hayro(Box::new(h));
        for code in codes(&plain) {
            assert_eq!(plain.lookup(code), tu.lookup(code), "code {code:#x}");
        }
        true
    }

    const PLAIN: &[u8] = b"/CIDInit/ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo<<
/Registry (Adobe)
/Ordering (UCS)
/Supplement 0
>> def
/CMapName/Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
4 beginbfchar
<01> <533B>
<02> <0066 0069>
<03> <D83D DE00>
<04> <0041 D800>
endbfchar
4 beginbfrange
<10> <1F> <0041>
<20> <22> [<0061> <0062 0063> <00>]
<30> <31> <DBFF>
<40> <42> <D83D DE00>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
";

    #[test]
    fn plain_tounicode_is_read_as_hayro_cmap_reads_it() {
        assert!(assert_agrees(PLAIN));
        let m = BfMap::parse(PLAIN).unwrap();
        assert_eq!(m.lookup(1).as_deref(), Some("医"));
        assert_eq!(m.lookup(2).as_deref(), Some("fi"));
        assert_eq!(m.lookup(3).as_deref(), Some("😀"));
        assert_eq!(m.lookup(0x12).as_deref(), Some("C"));
        assert_eq!(m.lookup(0x21).as_deref(), Some("bc"));
        assert_eq!(m.lookup(0x22).as_deref(), Some("\0"));
        assert_eq!(m.lookup(0x30), None);
        assert_eq!(m.lookup(4), None);
        assert_eq!(m.lookup(0x41).as_deref(), Some("😁"));
        assert_eq!(m.lookup(0x50), None);
    }

    #[test]
    fn overlapping_and_odd_entries_resolve_as_hayro_cmap_does() {
        let cm = b"begincmap 2 beginbfchar <0041> <0042> <41> <43> endbfchar
            2 beginbfrange <0040> <0050> <FFFE> <0045> <0046> <0a0> endbfrange
            1 beginbfchar <00 4 2> <4 1> endbfchar endcmap";
        assert!(assert_agrees(cm));
    }

    #[test]
    fn unusual_cmaps_are_left_to_hayro_cmap() {
        for cm in [
            &b"/Adobe-Japan1-UCS2 usecmap 1 beginbfchar <01> <0041> endbfchar"[..],
            b"1 begincidrange <00> <FF> 1 endcidrange",
            b"1 beginbfchar (a) <0041> endbfchar",
            b"1 beginbfchar <01> <> endbfchar",
            b"1 beginbfchar <0102030405> <0041> endbfchar",
            b"1 beginbfchar <01> <0041>",
            b"1 beginbfrange <01> <02> [<0041>] endbfrange",
            b"1 beginbfrange <01> <03> [<0041> <0042> <0043> <0044>] endbfrange",
            b"{ 1 beginbfchar } 1 beginbfchar <01> <0041> endbfchar",
            b"1 beginbfchar <01> <00G1> endbfchar",
            b"1 begincodespacerange <00> <FFFF> endcodespacerange",
            b"99999999999999999999 beginbfchar <01> <0041> endbfchar",
            b"<~abc~> 1 beginbfchar <01> <0041> endbfchar",
            b") 1 beginbfchar <01> <0041> endbfchar",
            b"(open 1 beginbfchar <01> <0041> endbfchar",
        ] {
            assert!(
                BfMap::parse(cm).is_none(),
                "{}",
                String::from_utf8_lossy(cm)
            );
        }
    }

    /// The ToUnicode streams of every PDF under `dir`.
    fn tounicode_streams(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                tounicode_streams(&path, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "pdf") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(doc) = lopdf::Document::load_mem(&bytes) else {
                continue;
            };
            for obj in doc.objects.values() {
                let Ok(font) = obj.as_dict() else { continue };
                let Ok(&lopdf::Object::Reference(id)) = font.get(b"ToUnicode") else {
                    continue;
                };
                if let Ok(lopdf::Object::Stream(s)) = doc.get_object(id) {
                    if let Ok(bytes) = super::super::inflate::decoded(s, None) {
                        out.push((format!("{} {id:?}", path.display()), bytes));
                    }
                }
            }
        }
    }

    /// Every ToUnicode map of the test PDFs (and of the PDFs under
    /// the directories in `KEIYAKU_TOUNICODE_CORPUS`, when set) reads the same both ways.
    #[test]
    fn tounicode_maps_of_test_pdfs_read_as_hayro_cmap_reads_them() {
        let mut streams = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        tounicode_streams(&root, &mut streams);
        if let Some(dirs) = std::env::var_os("KEIYAKU_TOUNICODE_CORPUS") {
            for dir in std::env::split_paths(&dirs) {
                tounicode_streams(&dir, &mut streams);
            }
        }
        let mut plain = 0;
        for (name, data) in &streams {
            let agrees = std::panic::catch_unwind(|| assert_agrees(data));
            match agrees {
                Ok(true) => plain += 1,
                Ok(false) => eprintln!("left to hayro-cmap: {name}"),
                Err(_) => panic!("differs: {name}"),
            }
        }
        eprintln!("{plain} of {} ToUnicode maps read plain", streams.len());
        assert!(plain > 0);
    }
}
