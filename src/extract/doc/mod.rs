//! Word 97–2003 documents (.doc): an OLE compound file (read with `cfb`) whose
//! WordDocument stream holds the text and formatting, and whose table stream
//! holds the piece table and the formatting index.
//!
//! Written for keiyaku: no maintained crate reads .doc text together with its
//! revision marks and table structure. Only what the model needs is read:
//! the text ranges, tracked deletions and insertions, hidden text, table
//! cell and row marks, and the labels of automatic numbering.

mod fib;
mod lists;
mod pieces;
mod props;
mod sprm;
mod storage;
mod styles;
mod text;

use crate::document::Document;
use crate::error::ExtractError;
use pieces::{PieceTable, Unit};
use props::{Chp, Pap, Runs};
use std::ops::Range;

/// The safety caps of .doc reading. A cap that would drop text is an error
/// that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of one stream of the compound file.
    pub stream_bytes: u64,
    /// Characters of all text ranges together.
    pub chars: u64,
    /// Entries of the piece table.
    pub pieces: usize,
    /// Formatting pages read per kind (character, paragraph).
    pub fkp_pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            stream_bytes: 128 * 1024 * 1024,
            chars: 32 * 1024 * 1024,
            pieces: 1 << 20,
            fkp_pages: 1 << 18,
        }
    }
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

pub fn extract(bytes: &[u8]) -> Result<Document, ExtractError> {
    extract_with_limits(bytes, &Limits::default())
}

/// [`extract`] with caps other than the defaults (tests use small ones).
pub fn extract_with_limits(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    if bytes.starts_with(ZIP_MAGIC) {
        // A .docx saved under a .doc name: Word opens it, so does keiyaku.
        return super::docx::extract(bytes);
    }
    if !bytes.starts_with(OLE_MAGIC) {
        return Err(foreign(bytes));
    }
    let mut cf = storage::open(bytes)?;
    if cf.is_stream("/EncryptedPackage") {
        return Err(ExtractError::Encrypted(
            "the Word document is protected with a password".into(),
        ));
    }
    let word = storage::stream(&mut cf, "WordDocument", limits.stream_bytes)?.ok_or_else(|| {
        ExtractError::corrupt("DOC", "no WordDocument stream: not a Word document")
    })?;
    let fib = fib::parse(&word)?;
    if fib.encrypted {
        return Err(ExtractError::Encrypted(
            "the Word document is protected with a password".into(),
        ));
    }
    if !fib.is_word97() {
        return Err(ExtractError::Unsupported(format!(
            "a Word 6.0/95 document (version {}): keiyaku reads Word 97–2003 .doc; save it as .docx",
            fib.n_fib
        )));
    }
    let table_name = if fib.table_1 { "1Table" } else { "0Table" };
    let table = storage::stream(&mut cf, table_name, limits.stream_bytes)?.ok_or_else(|| {
        ExtractError::corrupt("DOC", format!("the {table_name} stream is missing"))
    })?;
    drop(cf);
    let clx = part(&table, fib.clx).ok_or_else(|| {
        ExtractError::corrupt("DOC", "the piece table lies outside the table stream")
    })?;
    let pieces = pieces::parse(clx, limits.pieces)?;
    let reader = Reader {
        word: &word,
        chp: props::chp_runs(
            part(&table, fib.bte_chpx).unwrap_or_default(),
            &word,
            limits.fkp_pages,
        ),
        pap: props::pap_runs(
            part(&table, fib.bte_papx).unwrap_or_default(),
            &word,
            limits.fkp_pages,
        ),
        piece_chp: piece_grpprls(&pieces),
        pieces,
        styles: styles::Styles::parse(&table, fib.stshf),
    };
    let mut lists = lists::Lists::parse(&table, fib.plf_lst, fib.plf_lfo);
    let ranges = Ranges::of(&fib.ccp);
    if ranges.end > limits.chars {
        return Err(ExtractError::corrupt(
            "DOC",
            format!(
                "{} characters, more than the character cap ({})",
                ranges.end, limits.chars
            ),
        ));
    }
    let mut doc = Document::default();
    let main = reader.story(ranges.text, Some(&mut lists))?;
    let boxes = reader.story(ranges.txbx, Some(&mut lists))?;
    doc.blocks = main.blocks;
    doc.blocks.extend(boxes.blocks);
    doc.deleted = main.deleted;
    doc.deleted.extend(boxes.deleted);
    // Notes and running heads are text a reader sees, but not the clauses;
    // comments are only searched for near misses. A range of these the piece
    // table does not cover is left out rather than failing the document.
    for r in [ranges.ftn, ranges.edn, ranges.hdd, ranges.hdr_txbx] {
        if let Ok(story) = reader.story(r, None) {
            doc.furniture.extend(story.blocks);
        }
    }
    doc.comments = reader
        .story(ranges.atn, None)
        .map(|s| s.blocks)
        .unwrap_or_default();
    Ok(doc)
}

/// Not a compound file: what it is instead, if it is something Word also
/// saves under a .doc name.
fn foreign(bytes: &[u8]) -> ExtractError {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("{\\rtf") {
        ExtractError::Unsupported("an RTF document under a .doc name: RTF is not read yet".into())
    } else if head.starts_with("<html")
        || head.starts_with("<!doctype html")
        || head.contains("mime-version:")
        || head.starts_with("<?xml")
    {
        ExtractError::Unsupported(
            "a web page or XML document under a .doc name: not read yet".into(),
        )
    } else {
        ExtractError::corrupt("DOC", "not an OLE compound file (bad header)")
    }
}

fn part(stream: &[u8], (fc, lcb): fib::FcLcb) -> Option<&[u8]> {
    let start = usize::try_from(fc).ok()?;
    stream.get(start..start.checked_add(usize::try_from(lcb).ok()?)?)
}

/// Per piece, the character properties its Prm sets (a complex Prm names a
/// grpprl of the Clx; the one-sprm form never carries revision marks).
fn piece_grpprls(t: &PieceTable) -> Vec<Option<usize>> {
    t.pieces
        .iter()
        .map(|p| {
            let index = usize::from(p.prm >> 1);
            (p.prm & 1 == 1 && index < t.grpprls.len()).then_some(index)
        })
        .collect()
}

/// The CP ranges of the text ranges, in stream order.
struct Ranges {
    text: Range<u32>,
    ftn: Range<u32>,
    hdd: Range<u32>,
    atn: Range<u32>,
    edn: Range<u32>,
    txbx: Range<u32>,
    hdr_txbx: Range<u32>,
    end: u64,
}

impl Ranges {
    fn of(c: &fib::Ccp) -> Ranges {
        let mut at = 0u64;
        let mut next = |len: u32| {
            let start = at;
            at += u64::from(len);
            // Beyond u32 nothing can be read; the character cap catches it.
            u32::try_from(start).unwrap_or(u32::MAX)..u32::try_from(at).unwrap_or(u32::MAX)
        };
        let text = next(c.text);
        let ftn = next(c.ftn);
        let hdd = next(c.hdd);
        let _macros = next(c.mcr);
        let atn = next(c.atn);
        let edn = next(c.edn);
        let txbx = next(c.txbx);
        let hdr_txbx = next(c.hdr_txbx);
        Ranges {
            text,
            ftn,
            hdd,
            atn,
            edn,
            txbx,
            hdr_txbx,
            end: at,
        }
    }
}

struct Reader<'w> {
    word: &'w [u8],
    pieces: PieceTable,
    piece_chp: Vec<Option<usize>>,
    chp: Runs<Chp>,
    pap: Runs<Pap>,
    styles: styles::Styles,
}

impl Reader<'_> {
    /// The blocks of one text range, numbered from `lists` when given (the
    /// body and text boxes; notes and running heads are not cited).
    fn story(
        &self,
        range: Range<u32>,
        mut lists: Option<&mut lists::Lists>,
    ) -> Result<text::Story, ExtractError> {
        let mut label = |pap: &Pap| {
            let lists = lists.as_deref_mut().filter(|l| !l.is_empty())?;
            let style = self.styles.numbering(pap.istd);
            let ilfo = pap.numbering.ilfo.or(style.ilfo)?;
            let ilvl = pap.numbering.ilvl.or(style.ilvl).unwrap_or(0);
            lists.next_label(ilfo, ilvl)
        };
        let mut story = text::StoryBuilder::new(&mut label);
        self.pieces
            .read(self.word, range, |u| story.push(&self.char(&u)))?;
        Ok(story.finish())
    }

    fn char(&self, u: &Unit) -> text::Char {
        let mut chp = self.chp.at(u.fc).unwrap_or_default();
        if let Some(Some(g)) = self.piece_chp.get(u.piece as usize) {
            if let Some(grpprl) = self.pieces.grpprls.get(*g) {
                chp = chp.apply(grpprl);
            }
        }
        let pap = match u.ch {
            0x0D | 0x07 if !self.pap.is_empty() => Some(self.pap.at(u.fc).unwrap_or_default()),
            _ => None,
        };
        text::Char { ch: u.ch, chp, pap }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A compound file with the given streams.
    fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        for (name, data) in streams {
            cf.create_stream(format!("/{name}"))
                .unwrap()
                .write_all(data)
                .unwrap();
        }
        cf.into_inner().into_inner()
    }

    /// A one-piece Word 97 document holding `text` as 8-bit characters.
    fn word97(text: &str, flags: u16) -> Vec<u8> {
        let clx_len = pieces::tests::clx_bytes(&[(0, 0, 0)]).len() as u32;
        let mut word = fib::tests::fib_bytes(text.len() as u32, (0, clx_len), flags);
        let at = word.len() as u32;
        word.extend_from_slice(text.as_bytes());
        let clx = pieces::tests::clx_bytes(&[(0, text.len() as u32, (at * 2) | 0x4000_0000)]);
        let table = if flags & 0x0200 != 0 {
            "1Table"
        } else {
            "0Table"
        };
        compound(&[("WordDocument", &word), (table, &clx)])
    }

    fn texts(doc: &Document) -> Vec<&str> {
        doc.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn a_minimal_document_is_read_from_the_table_stream_its_fib_names() {
        for flags in [0, 0x0200] {
            let doc = extract(&word97("Clause one\rClause two\r", flags)).unwrap();
            assert_eq!(texts(&doc), ["Clause one", "Clause two"]);
        }
    }

    #[test]
    fn the_encrypted_flag_gives_encrypted_before_anything_else_is_read() {
        let bytes = word97("secret\r", 0x0100);
        assert!(matches!(extract(&bytes), Err(ExtractError::Encrypted(_))));
        let ooxml = compound(&[("EncryptionInfo", b"x"), ("EncryptedPackage", b"y")]);
        assert!(matches!(extract(&ooxml), Err(ExtractError::Encrypted(_))));
    }

    #[test]
    fn word_95_rtf_and_web_pages_are_unsupported_not_corrupt() {
        let mut word = fib::tests::fib_bytes(0, (0, 0), 0);
        word[2] = 104;
        word[3] = 0;
        let w95 = compound(&[("WordDocument", &word)]);
        assert!(matches!(extract(&w95), Err(ExtractError::Unsupported(_))));
        for bytes in [
            &b"{\\rtf1\\ansi x}"[..],
            b"<html><body>x",
            b"MIME-Version: 1.0\r\n",
        ] {
            assert!(matches!(extract(bytes), Err(ExtractError::Unsupported(_))));
        }
    }

    #[test]
    fn a_bad_header_a_missing_stream_or_the_character_cap_is_corrupt() {
        let corrupt =
            |r: Result<Document, ExtractError>| matches!(r, Err(ExtractError::Corrupt { .. }));
        assert!(corrupt(extract(b"")));
        assert!(corrupt(extract(&OLE_MAGIC[..6])));
        let mut bad = word97("x\r", 0);
        bad.truncate(600);
        assert!(corrupt(extract(&bad)));
        assert!(corrupt(extract(&compound(&[("Other", b"x")]))));
        let word = fib::tests::fib_bytes(1, (0, 0), 0);
        assert!(corrupt(extract(&compound(&[("WordDocument", &word)]))));
        let limits = Limits {
            chars: 4,
            ..Limits::default()
        };
        assert!(corrupt(extract_with_limits(
            &word97("too long\r", 0),
            &limits
        )));
        let limits = Limits {
            stream_bytes: 100,
            ..Limits::default()
        };
        assert!(corrupt(extract_with_limits(&word97("x\r", 0), &limits)));
    }

    #[test]
    fn a_docx_under_a_doc_name_is_read_as_docx() {
        let docx = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/東和ソフトウェア/保守サービス契約書.docx"
        ))
        .unwrap();
        let doc = extract(&docx).unwrap();
        assert_eq!(texts(&doc).first(), Some(&"部門システム保守サービス契約書"));
    }
}
