//! A zero-copy tokenizer for PDF content streams.
//!
//! Written by hand because `lopdf::Content::decode` allocates an object per
//! operand and took most of the time of a trial extractor; this one borrows
//! from the decoded stream and only allocates for strings with escapes.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'a> {
    Num(f64),
    Name(&'a [u8]),
    Str(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    Dict(Vec<(&'a [u8], Operand<'a>)>),
    Bool(bool),
    Null,
}

impl<'a> Operand<'a> {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_name(&self) -> Option<&'a [u8]> {
        match self {
            Operand::Name(n) => Some(n),
            _ => None,
        }
    }
}

/// Arrays and dictionaries nested deeper than this are cut off, so a hostile
/// stream cannot overflow the stack.
const MAX_NESTING: usize = 32;

pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Byte classes, looked up once per byte where the token loops asked up to
/// sixteen comparisons.
const WHITE: u8 = 1;
const DELIM: u8 = 2;
const NUMBER: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let white = b" \t\r\n\x0c\0";
    let mut i = 0;
    while i < white.len() {
        t[white[i] as usize] = WHITE;
        i += 1;
    }
    let delim = b"()<>[]{}/%";
    let mut i = 0;
    while i < delim.len() {
        t[delim[i] as usize] = DELIM;
        i += 1;
    }
    let number = b"0123456789.-+";
    let mut i = 0;
    while i < number.len() {
        t[number[i] as usize] = NUMBER;
        i += 1;
    }
    t
};

fn is_white(b: u8) -> bool {
    CLASS[b as usize] & WHITE != 0
}

fn is_delim(b: u8) -> bool {
    CLASS[b as usize] & DELIM != 0
}

/// Where a name or keyword ends: white space, a delimiter or the end.
fn token_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| CLASS[b as usize] & (WHITE | DELIM) != 0)
        .unwrap_or(bytes.len())
}

/// A number as content streams nearly always write it (`-12.375`: a sign,
/// digits, at most one point) at the start of `bytes`, read without the
/// general float parser, with the length it takes: when the digits make at
/// most 2^53 and the point is at most 22 places from the end, both are exact
/// in f64, so one correctly rounded division gives what `str::parse` gives
/// (Clinger's fast path, which the parser takes too). None for anything
/// else, which the parser then reads.
fn plain_number_prefix(bytes: &[u8]) -> Option<(f64, usize)> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    const EXACT: u64 = 1 << 53;
    let (negative, sign) = match bytes.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut mantissa: u64 = 0;
    let mut any_digit = false;
    let mut scale: Option<usize> = None;
    let mut len = sign;
    for &b in bytes.get(sign..)? {
        match b {
            b'0'..=b'9' => {
                // mantissa <= 2^53 here, so this cannot overflow.
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if mantissa > EXACT {
                    return None;
                }
                any_digit = true;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => break,
        }
        len += 1;
    }
    if !any_digit {
        return None;
    }
    let v = mantissa as f64 / *POW10.get(scale.unwrap_or(0))?;
    Some((if negative { -v } else { v }, len))
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.data.len() {
            let b = self.data[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < self.data.len() && !matches!(self.data[self.pos], b'\r' | b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Read the operands of the next operator into `ops` and return the operator.
    pub fn next_op(&mut self, ops: &mut Vec<Operand<'a>>) -> Option<&'a [u8]> {
        ops.clear();
        loop {
            self.skip_ws();
            if self.pos >= self.data.len() {
                return None;
            }
            match self.operand(0) {
                Some(Ok(op)) => {
                    // Runaway operand lists (garbage data) are dropped, not kept.
                    if ops.len() < 4096 {
                        ops.push(op);
                    }
                }
                Some(Err(keyword)) => {
                    if keyword == b"BI" {
                        self.skip_inline_image();
                        ops.clear();
                        continue;
                    }
                    return Some(keyword);
                }
                None => {
                    // Stray delimiter: skip one byte and go on.
                    self.pos += 1;
                }
            }
        }
    }

    /// Ok(operand), Err(keyword), or None for a byte that starts nothing.
    fn operand(&mut self, depth: usize) -> Option<Result<Operand<'a>, &'a [u8]>> {
        let b = *self.data.get(self.pos)?;
        match b {
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                let rest = self.data.get(start..).unwrap_or_default();
                self.pos += token_len(rest);
                Some(Ok(Operand::Name(&self.data[start..self.pos])))
            }
            b'(' => Some(Ok(Operand::Str(self.literal_string()))),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Some(Ok(self.dict(depth)))
            }
            b'<' => Some(Ok(Operand::Str(Cow::Owned(self.hex_string())))),
            b'[' => {
                self.pos += 1;
                Some(Ok(self.array(depth)))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => Some(Ok(Operand::Num(self.number()))),
            _ if is_delim(b) => None,
            _ => {
                let start = self.pos;
                let rest = self.data.get(start..).unwrap_or_default();
                self.pos += token_len(rest);
                let word = &self.data[start..self.pos];
                Some(match word {
                    b"true" => Ok(Operand::Bool(true)),
                    b"false" => Ok(Operand::Bool(false)),
                    b"null" => Ok(Operand::Null),
                    _ => Err(word),
                })
            }
        }
    }

    fn array(&mut self, depth: usize) -> Operand<'a> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.data.get(self.pos) {
                None => break,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                Some(_) if depth >= MAX_NESTING => {
                    self.pos += 1;
                }
                Some(_) => match self.operand(depth + 1) {
                    Some(Ok(op)) => items.push(op),
                    Some(Err(_)) => {}
                    None => self.pos += 1,
                },
            }
        }
        Operand::Array(items)
    }

    fn dict(&mut self, depth: usize) -> Operand<'a> {
        let mut items = Vec::new();
        let mut key: Option<&'a [u8]> = None;
        loop {
            self.skip_ws();
            match self.data.get(self.pos) {
                None => break,
                Some(b'>') => {
                    self.pos += 1;
                    if self.data.get(self.pos) == Some(&b'>') {
                        self.pos += 1;
                    }
                    break;
                }
                Some(_) if depth >= MAX_NESTING => self.pos += 1,
                Some(_) => match self.operand(depth + 1) {
                    Some(Ok(Operand::Name(n))) if key.is_none() => key = Some(n),
                    Some(Ok(v)) => {
                        if let Some(k) = key.take() {
                            items.push((k, v));
                        }
                    }
                    Some(Err(_)) => {}
                    None => self.pos += 1,
                },
            }
        }
        Operand::Dict(items)
    }

    fn number(&mut self) -> f64 {
        let start = self.pos;
        let rest = self.data.get(start..).unwrap_or_default();
        // The plain reading holds when the token ends where it stops.
        if let Some((v, len)) = plain_number_prefix(rest) {
            if rest
                .get(len)
                .is_none_or(|&b| CLASS[b as usize] & NUMBER == 0)
            {
                self.pos = start + len;
                return v;
            }
        }
        self.pos += 1;
        while self.pos < self.data.len() && CLASS[self.data[self.pos] as usize] & NUMBER != 0 {
            self.pos += 1;
        }
        let bytes = &self.data[start..self.pos];
        let s = std::str::from_utf8(bytes).unwrap_or("0");
        // Producers write oddities such as "--5" or "1.2.3"; read what parses.
        s.parse::<f64>().unwrap_or_else(|_| {
            let cleaned: String = s
                .trim_start_matches(['-', '+'])
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let v = cleaned
                .split('.')
                .take(2)
                .collect::<Vec<_>>()
                .join(".")
                .parse()
                .unwrap_or(0.0);
            if s.starts_with('-') {
                -v
            } else {
                v
            }
        })
    }

    fn literal_string(&mut self) -> Cow<'a, [u8]> {
        self.pos += 1;
        let start = self.pos;
        let mut depth = 1usize;
        let mut escaped = false;
        // Fast path: no backslash → borrow.
        let mut i = self.pos;
        while i < self.data.len() {
            match self.data[i] {
                b'\\' => {
                    escaped = true;
                    break;
                }
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = i + 1;
                        return Cow::Borrowed(&self.data[start..i]);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if !escaped {
            self.pos = self.data.len();
            return Cow::Borrowed(&self.data[start..]);
        }
        let mut out = Vec::new();
        let mut depth = 1usize;
        let d = self.data;
        let mut i = start;
        while i < d.len() {
            let b = d[i];
            i += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(&n) = d.get(i) else { break };
                    i += 1;
                    match n {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if d.get(i) == Some(&b'\n') {
                                i += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = (n - b'0') as u32;
                            for _ in 0..2 {
                                match d.get(i) {
                                    Some(&c @ b'0'..=b'7') => {
                                        v = v * 8 + (c - b'0') as u32;
                                        i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        self.pos = i;
        Cow::Owned(out)
    }

    fn hex_string(&mut self) -> Vec<u8> {
        self.pos += 1;
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let digits = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let mut out = Vec::with_capacity(digits.div_ceil(2));
        let mut hi: Option<u8> = None;
        while self.pos < self.data.len() {
            let b = self.data[self.pos];
            self.pos += 1;
            if b == b'>' {
                break;
            }
            let v = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => continue,
            };
            match hi.take() {
                Some(h) => out.push(h << 4 | v),
                None => hi = Some(v),
            }
        }
        if let Some(h) = hi {
            out.push(h << 4);
        }
        out
    }

    /// Skip `BI … ID <binary> EI`: image bytes must not be read as operators.
    fn skip_inline_image(&mut self) {
        let d = self.data;
        // Find "ID" as a keyword.
        while self.pos + 1 < d.len() {
            if d[self.pos] == b'I'
                && d[self.pos + 1] == b'D'
                && (self.pos == 0 || is_white(d[self.pos - 1]))
                && d.get(self.pos + 2).is_none_or(|b| is_white(*b))
            {
                self.pos += 3;
                break;
            }
            self.pos += 1;
        }
        // Then "EI" delimited by white space.
        while self.pos + 1 < d.len() {
            if d[self.pos] == b'E'
                && d[self.pos + 1] == b'I'
                && is_white(d[self.pos - 1])
                && d.get(self.pos + 2).is_none_or(|b| is_white(*b))
            {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
        self.pos = d.len();
    }
}

#[cfg(test)]
mod tests {
    /// The plain reading of a whole token, as the lexer takes it.
    fn plain_number(bytes: &[u8]) -> Option<f64> {
        super::plain_number_prefix(bytes)
            .filter(|&(_, len)| len == bytes.len())
            .map(|(v, _)| v)
    }

    /// The fast reading of plain numbers is the float parser's, bit for bit.
    #[test]
    fn plain_numbers_read_as_the_float_parser_reads_them() {
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "+0",
            ".5",
            "-.5",
            "5.",
            "12.375",
            "-12.375",
            "0.1",
            "0.7",
            "1.1",
            "123456789012345",
            "12345678.9012345",
            "0.000000000000001",
            "999999999999999",
            "9007199254740992",
            "0.0000000000000000000001",
            "1234567890123456",
            "3.14159265358979",
            "-0.30000000000000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 15 + 1) as usize;
            let point = (seed >> 8) as usize % (digits + 2);
            let mut s = String::new();
            if seed & (1 << 20) != 0 {
                s.push('-');
            }
            let mut d = seed >> 24;
            for i in 0..digits {
                if i == point {
                    s.push('.');
                }
                s.push(char::from(b'0' + (d % 10) as u8));
                d = (d / 10).wrapping_add(seed >> (i % 40));
            }
            cases.push(s);
        }
        for s in &cases {
            let fast = plain_number(s.as_bytes()).unwrap();
            let parsed: f64 = s.parse().unwrap();
            assert_eq!(fast.to_bits(), parsed.to_bits(), "{s}");
        }
        for odd in [
            "",
            "-",
            ".",
            "1.2.3",
            "--5",
            "1e5",
            "9007199254740993",
            "1.00000000000000000000001",
            "+-1",
        ] {
            assert!(plain_number(odd.as_bytes()).is_none(), "{odd}");
        }
    }

    use super::*;

    fn all(data: &[u8]) -> Vec<(String, Vec<Operand<'_>>)> {
        let mut lx = Lexer::new(data);
        let mut ops = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lx.next_op(&mut ops) {
            out.push((String::from_utf8_lossy(op).into_owned(), ops.clone()));
        }
        out
    }

    #[test]
    fn operators_with_strings_arrays_and_escapes() {
        let r = all(b"BT /F1 12 Tf (a\\(b\\)c\\101) Tj [<0041> -120 (x)] TJ ET");
        assert_eq!(r[1].0, "Tf");
        assert_eq!(r[1].1, vec![Operand::Name(b"F1"), Operand::Num(12.0)]);
        assert_eq!(r[2].1, vec![Operand::Str(Cow::Owned(b"a(b)cA".to_vec()))]);
        let Operand::Array(items) = &r[3].1[0] else {
            panic!()
        };
        assert_eq!(items[0], Operand::Str(Cow::Owned(vec![0, 0x41])));
        assert_eq!(items[1], Operand::Num(-120.0));
    }

    #[test]
    fn odd_numbers_read_to_the_end_of_their_token() {
        let r = all(b"1.2.3 --5 1-2 .5 -0 12.5e3 Td");
        let nums: Vec<f64> = r[0].1.iter().filter_map(Operand::as_f64).collect();
        assert_eq!(nums, vec![1.2, -5.0, 1.0, 0.5, -0.0, 12.5]);
        assert_eq!(r[0].0, "e3");
        assert!(nums[4].is_sign_negative());
    }

    #[test]
    fn inline_image_data_is_skipped() {
        let r = all(b"BI /W 1 /H 1 ID \x00Tj) EI Q");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "Q");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let data = vec![b'['; 100_000];
        let r = all(&data);
        assert!(r.is_empty());
    }

    #[test]
    fn marked_content_dictionary() {
        let r = all(b"/Span <</ActualText (AB)>> BDC EMC");
        let Operand::Dict(d) = &r[0].1[1] else {
            panic!()
        };
        assert_eq!(d[0].0, b"ActualText");
    }
}
