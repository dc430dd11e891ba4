//! Text contracts in every encoding Japanese text files come in read the same
//! as the UTF-8 original; the encoding is recorded, a guessed one is noted,
//! and bytes that are no text in any of them are an error, not mojibake read
//! as `ok`.

mod util;

use serde_json::Value;
use std::path::Path;
use util::*;

const MEMO: &str = "覚書_みらいヘルステック.txt";

fn doc<'a>(rep: &'a Value, vendor_name: &str) -> &'a Value {
    &vendor(rep, vendor_name)["documents"][0]
}

fn put(dir: &Path, vendor: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir.join(vendor)).unwrap();
    std::fs::write(dir.join(vendor).join("覚書.txt"), bytes).unwrap();
}

fn encoded(enc: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable, "{}", enc.name());
    bytes.into_owned()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn one_contract_in_every_japanese_encoding_reads_like_the_utf8_original() {
    let text = std::fs::read_to_string(samples().join(MEMO)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let mut bom8 = vec![0xEF, 0xBB, 0xBF];
    bom8.extend_from_slice(text.as_bytes());
    let cases: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        ("utf-8", text.as_bytes().to_vec(), None),
        ("utf-8-bom", bom8, None),
        (
            "shift_jis",
            encoded(encoding_rs::SHIFT_JIS, &text),
            Some("Shift_JIS"),
        ),
        (
            "euc-jp",
            encoded(encoding_rs::EUC_JP, &text),
            Some("EUC-JP"),
        ),
        (
            "iso-2022-jp",
            encoded(encoding_rs::ISO_2022_JP, &text),
            Some("ISO-2022-JP"),
        ),
        ("utf-16le", utf16(&text, false), Some("UTF-16LE")),
        ("utf-16be", utf16(&text, true), Some("UTF-16BE")),
    ];
    for (v, bytes, _) in &cases {
        put(r, v, bytes);
    }
    let rep = scan_json(&[r.to_str().unwrap()], &["-q"]);
    let original = vendor(&rep, "utf-8");
    assert!(statuses(original).contains("incident-reporting=present"));
    let quote = |v: &Value| provision(v, "incident-reporting")["evidence"][0]["text"].clone();
    for (v, _, encoding) in &cases {
        let got = vendor(&rep, v);
        assert_eq!(statuses(got), statuses(original), "{v}");
        assert_eq!(quote(got), quote(original), "{v}");
        let d = doc(&rep, v);
        assert_eq!(d["status"], "ok", "{v}");
        assert_eq!(d["encoding"].as_str(), *encoding, "{v}");
        assert!(d.get("notes").is_none(), "{v}: {d}");
    }
}

#[test]
fn a_guessed_encoding_is_noted_and_leaves_the_status_ok() {
    let dir = tempfile::tempdir().unwrap();
    // Three characters: valid EUC-JP, too little to be sure of it.
    put(dir.path(), "short", &encoded(encoding_rs::EUC_JP, "覚書。"));
    let rep = scan_json(&[dir.path().to_str().unwrap()], &["-q"]);
    let d = doc(&rep, "short");
    assert_eq!(d["status"], "ok");
    assert_eq!(d["encoding"], "EUC-JP");
    assert_eq!(d["notes"][0], "文字コードを推定（EUC-JP、確度低）");
    assert_eq!(vendor(&rep, "short")["complete"], true);
    let o = keiyaku(&["scan", dir.path().to_str().unwrap(), "-q"]);
    assert!(
        stdout(&o).contains("short/覚書.txt: 読取済 — 文字コードを推定（EUC-JP、確度低）"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bytes_that_are_no_text_are_an_error_and_the_vendor_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let noise: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    put(dir.path(), "binary", &noise);
    let rep = scan_json(&[dir.path().to_str().unwrap()], &["-q"]);
    let d = doc(&rep, "binary");
    assert_eq!(d["status"], "error");
    assert!(
        d["reason"]
            .as_str()
            .unwrap()
            .contains("文字コードを判別できません"),
        "{d}"
    );
    assert!(!statuses(vendor(&rep, "binary")).contains("missing"));
}
