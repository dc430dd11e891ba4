//! Is an AES-256 PDF locked? Decided from its bytes before lopdf loads it.
//!
//! A PDF encrypted with AES-256 (security handler revision 6) opens without
//! a password only when the empty password is its user (or owner) password,
//! and checking a password runs the slow hash of ISO 32000-2 Algorithm 2.B
//! (64 or more rounds of AES and SHA-2, built to be slow). lopdf checks the
//! user and the owner password and reads every object's raw bytes before it
//! finds out that a file is locked; the locked sample of a folder cost more
//! than any other PDF of it. Here the encryption dictionary is found from
//! the trailer's `/Encrypt` reference (the standard keeps it out of object
//! streams, so it stands in the file as written) and the same two checks run
//! once each. Only a definite answer counts: anything unusual (another
//! revision, a value that is a reference, an object not found) leaves the
//! file to lopdf, as before. No crate exposes this check apart from opening
//! the document, hence the lines here; the `aes` and `sha2` crates do the
//! cryptography.

use super::lexer::{Lexer, Operand};
use aes::cipher::consts::U16;
use aes::cipher::{
    BlockCipherEncBackend, BlockCipherEncClosure, BlockCipherEncrypt, BlockSizeUser, KeyInit,
};
use aes::Aes128;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// How far after `/Encrypt` and after the object's header the dictionaries
/// are read: an encryption dictionary is a few hundred bytes.
const WINDOW: usize = 8 * 1024;

/// Where the trailer's `/Encrypt` is looked for: the end of the file (the
/// trailer or the cross-reference stream's dictionary), else its start (a
/// linearized file's first-page trailer). Not found there: lopdf decides.
const TRAILER_SPAN: usize = 64 * 1024;

/// True when the file is an AES-256 (revision 6) PDF that the empty password
/// does not open, as user or as owner; false when it is not one or the
/// answer is not certain.
pub fn needs_password(bytes: &[u8]) -> bool {
    let Some(dict) = encryption_dictionary(bytes) else {
        return false;
    };
    let get = |key: &[u8]| dict.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
    let name = |key: &[u8]| get(key).and_then(Operand::as_name);
    let number = |key: &[u8]| get(key).and_then(Operand::as_f64);
    let string = |key: &[u8]| match get(key) {
        Some(Operand::Str(s)) => Some(s.to_vec()),
        _ => None,
    };
    if name(b"Filter") != Some(b"Standard".as_slice())
        || number(b"R") != Some(6.0)
        || number(b"V") != Some(5.0)
    {
        return false;
    }
    let (Some(u), Some(o)) = (string(b"U"), string(b"O")) else {
        return false;
    };
    // 32 bytes of hash, 8 of validation salt, 8 of key salt.
    let (Some(u), Some(o)) = (u.get(..48), o.get(..48)) else {
        return false;
    };
    // The owner check only when the user check fails: each is a slow hash.
    let opens_as_user = || hash(b"", &u[32..40], b"") == u[..32];
    let opens_as_owner = || hash(b"", &o[32..40], u) == o[..32];
    !opens_as_user() && !opens_as_owner()
}

/// The encryption dictionary the last `/Encrypt` of the file names: written
/// in place (`/Encrypt << … >>`) or an indirect object (`/Encrypt 12 0 R`).
fn encryption_dictionary(bytes: &[u8]) -> Option<Vec<(&[u8], Operand<'_>)>> {
    let tail = bytes.len().saturating_sub(TRAILER_SPAN);
    let at = rfind(&bytes[tail..], b"/Encrypt")
        .map(|at| tail + at)
        .or_else(|| rfind(&bytes[..bytes.len().min(TRAILER_SPAN)], b"/Encrypt"))?;
    let mut lexer = Lexer::new(window(bytes, at));
    let mut ops = Vec::new();
    lexer.next_op(&mut ops);
    match ops.as_slice() {
        [Operand::Name(b"Encrypt"), Operand::Dict(d), ..] => Some(d.clone()),
        [Operand::Name(b"Encrypt"), Operand::Num(n), Operand::Num(g)] => {
            indirect_dictionary(bytes, *n, *g)
        }
        _ => None,
    }
}

/// The dictionary of object `n g`, its last definition in the file.
fn indirect_dictionary(bytes: &[u8], n: f64, g: f64) -> Option<Vec<(&[u8], Operand<'_>)>> {
    if n.fract() != 0.0 || g.fract() != 0.0 || n < 0.0 || g < 0.0 {
        return None;
    }
    let header = format!("{n} {g} obj");
    for at in memchr::memmem::rfind_iter(bytes, header.as_bytes()) {
        // `112 0 obj` is not object 12.
        if at == 0 || !bytes[at - 1].is_ascii_digit() {
            let mut lexer = Lexer::new(window(bytes, at));
            let mut ops = Vec::new();
            if lexer.next_op(&mut ops) != Some(b"obj".as_slice()) {
                return None;
            }
            lexer.next_op(&mut ops);
            return match ops.as_slice() {
                [Operand::Dict(d)] => Some(d.clone()),
                _ => None,
            };
        }
    }
    None
}

fn window(bytes: &[u8], at: usize) -> &[u8] {
    bytes.get(at..).map_or(&[], |b| &b[..b.len().min(WINDOW)])
}

/// The last place of `needle` in `hay` (a forward search, which memchr
/// runs with SIMD, where its reverse search is much slower).
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(hay, needle).last()
}

/// ISO 32000-2 Algorithm 2.B: the hash of a password with a salt (and, for
/// the owner password, the 48 bytes of `/U`).
fn hash(password: &[u8], salt: &[u8], udata: &[u8]) -> Vec<u8> {
    let mut k: Vec<u8> = Sha256::new()
        .chain_update(password)
        .chain_update(salt)
        .chain_update(udata)
        .finalize()
        .to_vec();
    let mut round = 0usize;
    let mut k1 = Vec::new();
    loop {
        k1.clear();
        for _ in 0..64 {
            k1.extend_from_slice(password);
            k1.extend_from_slice(&k);
            k1.extend_from_slice(udata);
        }
        let e = cbc_encrypt(&k[..16], &k[16..32], &mut k1);
        // The first 16 bytes as a number modulo 3 (256 ≡ 1 modulo 3, so the
        // sum of the bytes).
        let pick = e[..16].iter().map(|&b| usize::from(b)).sum::<usize>() % 3;
        k = match pick {
            0 => Sha256::digest(e).to_vec(),
            1 => Sha384::digest(e).to_vec(),
            _ => Sha512::digest(e).to_vec(),
        };
        round += 1;
        let last = e.last().copied().map_or(0, usize::from);
        if round >= 64 && last + 32 <= round {
            break;
        }
    }
    k.truncate(32);
    k
}

/// AES-128 in CBC mode over `data` in place, no padding (its length is a
/// multiple of 16: 64 copies of a multiple of 16 bytes).
fn cbc_encrypt<'d>(key: &[u8], iv: &[u8], data: &'d mut [u8]) -> &'d [u8] {
    let mut key16 = [0u8; 16];
    key16.copy_from_slice(key);
    let mut iv16 = [0u8; 16];
    iv16.copy_from_slice(iv);
    Aes128::new(&key16.into()).encrypt_with_backend(Cbc {
        iv: iv16,
        data: &mut *data,
    });
    data
}

/// CBC over one backend: the cipher's one-block call prepares its keys each
/// time, which cost as much as the encryption.
struct Cbc<'d> {
    iv: [u8; 16],
    data: &'d mut [u8],
}

impl BlockSizeUser for Cbc<'_> {
    type BlockSize = U16;
}

impl BlockCipherEncClosure for Cbc<'_> {
    fn call<B: BlockCipherEncBackend<BlockSize = U16>>(self, backend: &B) {
        let mut prev = self.iv;
        for chunk in self.data.chunks_exact_mut(16) {
            let mut block = [0u8; 16];
            for (b, (c, p)) in block.iter_mut().zip(chunk.iter().zip(prev.iter())) {
                *b = c ^ p;
            }
            let mut block: aes::Block = block.into();
            backend.encrypt_block((&mut block).into());
            chunk.copy_from_slice(&block);
            prev.copy_from_slice(chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn a_user_password_locks_an_aes256_file() {
        assert!(needs_password(&fixture("enc-aes256-userpw.pdf")));
    }

    #[test]
    fn an_empty_user_password_or_another_cipher_leaves_the_file_to_lopdf() {
        for name in [
            "enc-aes256-empty.pdf",
            "enc-aes128-empty.pdf",
            "enc-rc4-40-empty.pdf",
        ] {
            assert!(!needs_password(&fixture(name)), "{name}");
        }
    }

    #[test]
    fn the_password_hash_is_the_standards() {
        // The fixture's passwords are known: user-secret and owner.
        let bytes = fixture("enc-aes256-userpw.pdf");
        let dict = encryption_dictionary(&bytes).unwrap();
        let get = |key: &[u8]| match &dict.iter().find(|(k, _)| *k == key).unwrap().1 {
            Operand::Str(s) => s.to_vec(),
            _ => panic!("not a string"),
        };
        let (u, o) = (get(b"U"), get(b"O"));
        assert_eq!(hash(b"user-secret", &u[32..40], b""), u[..32]);
        assert_eq!(hash(b"owner", &o[32..40], &u[..48]), o[..32]);
        assert_ne!(hash(b"", &u[32..40], b""), u[..32]);
    }

    #[test]
    fn a_broken_or_missing_encryption_dictionary_is_not_a_lock() {
        let bytes = fixture("enc-aes256-userpw.pdf");
        let at = rfind(&bytes, b"12 0 obj").unwrap();
        let mut cut = bytes.clone();
        cut[at] = b'9';
        assert!(!needs_password(&cut));
        assert!(!needs_password(b"/Encrypt 12 0 R"));
        assert!(!needs_password(b"/Encrypt"));
        assert!(!needs_password(b""));
        assert!(!needs_password(
            b"%PDF-1.7 /Encrypt << /Filter /Standard /R 6 /V 5 /U <00> /O <00> >>"
        ));
    }
}
