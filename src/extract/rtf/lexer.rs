//! RTF tokens: groups, control words with their parameter, control symbols,
//! `\'hh` bytes and runs of text bytes. Bytes, not characters: what the
//! bytes mean depends on the code page in force, which the reader knows.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    GroupStart,
    GroupEnd,
    /// `\word` or `\word-12`.
    Word(&'a [u8], Option<i32>),
    /// `\~`, `\*`, `\-` and the like (`\\`, `\{`, `\}` come as text).
    Symbol(u8),
    /// `\'hh`: one byte in the current code page.
    Byte(u8),
    /// Literal text bytes (line ends removed: they are not text in RTF).
    Text(&'a [u8]),
}

/// The spec's limit for a control word; longer runs of letters are cut.
const MAX_WORD: usize = 32;

pub struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Lexer { bytes, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// `\binN`: N raw bytes follow, which are data, never text.
    pub fn skip_binary(&mut self, n: i32) {
        let n = usize::try_from(n).unwrap_or(0);
        self.pos = self.pos.saturating_add(n).min(self.bytes.len());
    }

    fn control(&mut self) -> Token<'a> {
        // After the backslash.
        let Some(c) = self.peek() else {
            return Token::Text(b"");
        };
        if c.is_ascii_alphabetic() {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.pos += 1;
            }
            let word = &self.bytes[start..self.pos.min(start + MAX_WORD)];
            let mut param = None;
            let neg = self.peek() == Some(b'-')
                && self
                    .bytes
                    .get(self.pos + 1)
                    .is_some_and(|c| c.is_ascii_digit());
            if neg {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                let mut v: i64 = 0;
                while let Some(d) = self.peek().filter(|c| c.is_ascii_digit()) {
                    v = (v * 10 + i64::from(d - b'0')).min(i64::from(i32::MAX));
                    self.pos += 1;
                }
                let v = if neg { -v } else { v };
                param = Some(i32::try_from(v).unwrap_or(i32::MAX));
            }
            // One space ends a control word and is part of it.
            if self.peek() == Some(b' ') {
                self.pos += 1;
            }
            return Token::Word(word, param);
        }
        self.pos += 1;
        match c {
            b'\'' => {
                let hex = |b: u8| (b as char).to_digit(16);
                let hi = self.peek().and_then(hex);
                let lo = self.bytes.get(self.pos + 1).copied().and_then(hex);
                match (hi, lo) {
                    (Some(h), Some(l)) => {
                        self.pos += 2;
                        Token::Byte((h * 16 + l) as u8)
                    }
                    _ => Token::Text(b""),
                }
            }
            b'\\' | b'{' | b'}' => Token::Text(&self.bytes[self.pos - 1..self.pos]),
            // A backslash before a line end is a paragraph mark.
            b'\r' | b'\n' => Token::Word(b"par", None),
            other => Token::Symbol(other),
        }
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let c = self.peek()?;
            match c {
                b'{' => {
                    self.pos += 1;
                    return Some(Token::GroupStart);
                }
                b'}' => {
                    self.pos += 1;
                    return Some(Token::GroupEnd);
                }
                b'\\' => {
                    self.pos += 1;
                    return Some(self.control());
                }
                b'\r' | b'\n' => self.pos += 1,
                _ => {
                    let start = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| !matches!(c, b'{' | b'}' | b'\\' | b'\r' | b'\n'))
                    {
                        self.pos += 1;
                    }
                    return Some(Token::Text(&self.bytes[start..self.pos]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parameters_symbols_and_bytes() {
        let t: Vec<Token> =
            Lexer::new(b"{\\rtf1\\ansicpg932 \\u-3000?\\'82\\'a0\\~a\\{b\r\n}").collect();
        assert_eq!(
            t,
            [
                Token::GroupStart,
                Token::Word(b"rtf", Some(1)),
                Token::Word(b"ansicpg", Some(932)),
                Token::Word(b"u", Some(-3000)),
                Token::Text(b"?"),
                Token::Byte(0x82),
                Token::Byte(0xa0),
                Token::Symbol(b'~'),
                Token::Text(b"a"),
                Token::Text(b"{"),
                Token::Text(b"b"),
                Token::GroupEnd,
            ]
        );
    }

    #[test]
    fn overlong_words_and_parameters_do_not_overflow() {
        let src = format!("\\{}99999999999999999999 x", "a".repeat(100));
        let t: Vec<Token> = Lexer::new(src.as_bytes()).collect();
        assert_eq!(t[0], Token::Word(&[b'a'; 32], Some(i32::MAX)));
    }
}
