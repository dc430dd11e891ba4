//! Misreadings of contract vocabulary that tesseract's Japanese model makes
//! on scans, put right in OCR'd text only. Each pair was seen in this
//! project's scans (bench/ocr.sh, tests/ocr.rs) and the misread form is no
//! Japanese word, so the correction cannot change a word that was read
//! right: 責 read as 貢, 貴, 南 or 足 (責任分界 as 貢任分界), 本 as 木, 直 as 衣,
//! 託 as 旗, 甲 as 申 (申は、 begins no clause: 申し出る is written with し).

/// (misread, meant).
const PAIRS: &[(&str, &str)] = &[
    ("貢任", "責任"),
    ("貴任", "責任"),
    ("南任", "責任"),
    ("足任", "責任"),
    ("木サービス", "本サービス"),
    ("木契約", "本契約"),
    ("衣ちに", "直ちに"),
    ("再委旗", "再委託"),
    ("申は、", "甲は、"),
];

/// `text` with the known misreadings put right.
pub fn correct(text: &str) -> String {
    let mut out = text.to_string();
    for (misread, meant) in PAIRS {
        if out.contains(misread) {
            out = out.replace(misread, meant);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misread_vocabulary_is_put_right_and_real_words_are_left() {
        assert_eq!(
            correct("申は、木サービスの貢任分界を衣ちに定める。再委旗先"),
            "甲は、本サービスの責任分界を直ちに定める。再委託先"
        );
        assert_eq!(
            correct("貴社の責任、木材、申し出は、"),
            "貴社の責任、木材、申し出は、"
        );
    }
}
