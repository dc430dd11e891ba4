//! keiyaku's PDF text against poppler's `pdftotext` on the real-world corpus in
//! tests/data/realworld (PDFs from pdf.js, pdfium, pdfminer.six and Japanese
//! government publications), plus the strings the source projects' own tests
//! expect (tests/data/realworld/MANIFEST.md, which also gives each file's
//! source and licence). Run with `-- --nocapture` to see the table; it is
//! also written to target/realworld.txt.
//!
//! Character recall and precision compare bags of characters after NFKC with
//! white space removed; running headers and footers are included, as poppler
//! prints them too.

use keiyaku::discover::Format;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/realworld")
}

fn squeeze(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn bag(s: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in squeeze(s).chars() {
        *m.entry(c).or_default() += 1;
    }
    m
}

/// Everything keiyaku read from the file: body text and page furniture.
fn keiyaku_text(path: &Path) -> (String, keiyaku::document::Document) {
    let format = Format::from_path(path).expect("supported");
    let doc = keiyaku::app::extract_file(path, format);
    let doc = doc.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = doc.plain_text();
    for b in &doc.furniture {
        text.push_str(&b.text);
        text.push('\n');
    }
    (text, doc)
}

/// Files on which poppler's output is not the reference (see MANIFEST.md).
const POPPLER_WRONG: &[&str] = &[
    // Corrupt ToUnicode: poppler prints U+FFFD and private-use characters.
    "aurochs_20260219c000320001.pdf",
];

/// Strings the source projects' tests expect (white space ignored, NFKC).
fn expected() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "pdfjs_90ms_rksj_h_sample.pdf",
            vec!["Hello ASCII", "日本語テスト"],
        ),
        ("pdfjs_noembed-sjis.pdf", vec!["あいうえお"]),
        ("pdfjs_noembed-eucjp.pdf", vec!["あいうえお"]),
        ("pdfjs_noembed-jis7.pdf", vec!["ABC あいうえお 123"]),
        ("pdfjs_noembed-identity.pdf", vec!["ABC あいうえお 123"]),
        ("pdfjs_noembed-identity-2.pdf", vec!["あAbstract012"]),
        ("pdfjs_issue11555.pdf", vec!["abc", "あいうabc", "あいう"]),
        (
            "pdfjs_issue13343.pdf",
            vec!["(57)【要約】", "(81)指定国・地域", "AP"],
        ),
        ("pdfjs_vertical.pdf", vec!["あいうえお", "日本語"]),
        (
            "pdfjs_issue6387.pdf",
            vec!["あのイーハトーヴォのすきとおった風"],
        ),
        (
            "pdfjs_issue16538.pdf",
            vec!["標準 マーケットモデルは 2 次元で説明する."],
        ),
        ("pdfjs_issue15340.pdf", vec!["検知機構", "構を一つ"]),
        ("pdfjs_issue15759.pdf", vec!["ソレノイド"]),
        (
            "pdfjs_issue16063.pdf",
            vec!["行うことができる速結端子", "デュプレックス"],
        ),
        ("pdfjs_issue16176.pdf", vec!["𠮷"]),
        (
            "pdfjs_javauninstall-7r.pdf",
            vec!["メニューの「スタート」⇒「コントロールパネル」⇒"],
        ),
        ("pdfjs_issue5202.pdf", vec!["𠮟る、𩸽、𠀋。"]),
        ("pdfjs_issue13147.pdf", vec!["準会場で受験の方"]),
        ("pdfminer_jo.pdf", vec!["序", "わたくしといふ現象は"]),
        (
            "pdfminer_kampo.pdf",
            vec!["政令第百四十九号", "道路交通法施行令の一部を改正する政令"],
        ),
        (
            "pdfminer_nlp2004slides.pdf",
            vec![
                "コンパラブルな新聞記事からの",
                "固有表現の発見",
                "新山 祐介",
                "関根 聡",
                "Computer Science Department",
                "New York University",
            ],
        ),
        (
            "aurochs_20241224jokenhenko.pdf",
            vec![
                "新しい「官報情報検索サービス」ご提供についてのお知らせ",
                "１ 変更内容について",
                "Ａコース 有 ○ ×",
                "２ 新たに提供する「官報情報検索サービス」について",
                "ＰＤＦデータ",
                "月額 ２，２００円（税込）",
                "４ 手続について",
                "Ａ、Ｂ又はＣコースをご利用の方",
            ],
        ),
        (
            "aurochs_courts-hanrei-87071.pdf",
            vec![
                "主 文",
                "第１ 請求",
                "第２ 事案の概要",
                "訴訟費用",
                "投稿記事目録",
                "掲示板タイトル",
                "１８ 午後２時３９分",
                "以 上",
            ],
        ),
        (
            "aurochs_grib2_manual.pdf",
            vec![
                "令和3年9月",
                "気象庁 情報基盤部",
                "GRIB2データについて",
                "第３節は複数ある",
            ],
        ),
        (
            "aurochs_mlit-001059436.pdf",
            vec![
                "事故等調査を実施し、安全対策を関係者へ提言",
                "～運輸の安全性の更なる向上を図る観点からは",
                "社会全体に幅広く水平展開されることが極めて重要",
                "～各モードごと又はテーマを決めモード横断的に事故",
                "船舶交通の安全性の更なる向上のため",
            ],
        ),
        (
            "aurochs_mlit-hakusho-r07-np101100.pdf",
            vec![
                "担い手不足等によるサービスの供給制約",
                "国土交通分野における担い手不足等に",
                "第1章",
            ],
        ),
        (
            "pdfjs_bug1627427_reduced.pdf",
            vec!["침하게 흐린 품이 눈이 올 듯하더니 눈은 아니 오고 얼다가 만 비가 추"],
        ),
        ("pdfjs_issue3521.pdf", vec!["我们都是黑体字"]),
        ("pdfjs_bug1245391_reduced.pdf", vec!["集油器"]),
        ("pdfjs_issue19182.pdf", vec!["中文姓名", "胡駿𥕛"]),
        (
            "pdfium_bug_420508260.pdf",
            vec!["What is 我的 favorite 食物?"],
        ),
        (
            "docxrs_after_lines.docx",
            vec![
                "第１条　ほげほげほげー",
                "こんにちは、こんにちは。Space after",
                "第3条　ほげほげほげー",
            ],
        ),
        (
            "docxrs_toc1.docx",
            vec!["第１章Hello", "第１節World", "こんにちは", "世界"],
        ),
        (
            "docxrs_font.docx",
            vec!["こんにちは　世界", "こんにちは世界"],
        ),
        (
            "docxrs_paragraph_property_change.docx",
            vec!["秘密情報の象とす"],
        ),
        (
            "docxrs_highlight_and_underline.docx",
            vec!["マーカー", "下線"],
        ),
        (
            "wordextractor_test11.docx",
            vec![
                "这是一个用来测试nodejs解析Word文档.doccccc",
                "This is a test for parsing the Word file in node.",
            ],
        ),
    ]
}

#[test]
fn text_matches_poppler_where_poppler_is_right() {
    let mut table = String::from(
        "file                                          recall  precision  keiyaku  poppler\n",
    );
    let mut failures = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/data/realworld")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "corpus incomplete");
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let reference =
            std::fs::read_to_string(format!("{}.pdftotext.txt", path.display())).unwrap();
        let (ours, _) = keiyaku_text(path);
        let (a, b) = (bag(&ours), bag(&reference));
        let common: usize = a
            .iter()
            .map(|(c, n)| (*n).min(*b.get(c).unwrap_or(&0)))
            .sum();
        let (na, nb): (usize, usize) = (a.values().sum(), b.values().sum());
        let recall = common as f64 / nb.max(1) as f64;
        let precision = common as f64 / na.max(1) as f64;
        let wrong = POPPLER_WRONG.contains(&name.as_str());
        table.push_str(&format!(
            "{name:45} {recall:6.3}  {precision:9.3}  {na:7}  {nb:7}{}\n",
            if wrong { "  (poppler wrong)" } else { "" }
        ));
        if !wrong && (recall < 0.99 || precision < 0.99) {
            failures.push(format!(
                "{name}: recall {recall:.3} precision {precision:.3}"
            ));
        }
    }
    println!("{table}");
    let _ = std::fs::write(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/realworld.txt"),
        &table,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn strings_the_source_projects_expect_are_found() {
    let mut missing = Vec::new();
    for (file, strings) in expected() {
        let (text, _) = keiyaku_text(&corpus().join(file));
        let text = squeeze(&text);
        for s in strings {
            if !text.contains(&squeeze(s)) {
                missing.push(format!("{file}: {s}"));
            }
        }
    }
    assert!(missing.is_empty(), "\n{}", missing.join("\n"));
}

#[test]
fn corrupt_to_unicode_is_reported_not_guessed() {
    let (text, doc) = keiyaku_text(&corpus().join("aurochs_20260219c000320001.pdf"));
    assert_eq!(
        doc.unread_pages,
        vec![keiyaku::document::UnreadPages {
            first: 1,
            last: 1,
            reason: keiyaku::document::UnreadReason::Undecodable
        }]
    );
    assert!(!text
        .chars()
        .any(|c| c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c)));
}

#[test]
fn vertical_punctuation_reads_as_horizontal_forms() {
    // poppler prints ︵ ︶ ︑ here; pdfminer's reference and a reader have （ ） 、.
    let (text, _) = keiyaku_text(&corpus().join("pdfminer_jo.pdf"));
    assert!(!text.contains(['︵', '︶', '︑']), "{text}");
    let reference =
        std::fs::read_to_string(corpus().join("pdfminer_jo.pdf.pdfminer-ref.txt")).unwrap();
    let ours = squeeze(&text);
    let first: String = squeeze(&reference).chars().take(40).collect();
    assert!(ours.contains(&first), "missing: {first}");
}

#[test]
fn spaced_heading_is_not_interleaved_with_the_item_number() {
    // poppler reads 「主 文」 next to the number １ as 主 / １ / 文.
    let (text, _) = keiyaku_text(&corpus().join("aurochs_courts-hanrei-87071.pdf"));
    assert!(text.lines().any(|l| squeeze(l) == "主文"), "no 主文 line");
}

#[test]
fn vertical_chapter_tab_reads_as_one_token() {
    // poppler splits the vertical tab into 第 / 章 / 1章.
    let (text, _) = keiyaku_text(&corpus().join("aurochs_mlit-hakusho-r07-np101100.pdf"));
    assert!(squeeze(&text).contains("第1章"));
}

/// Runs the binary on every file of the corpus in a child process: no panic,
/// no hang (30 s), peak memory under 500 MB.
#[test]
fn no_realworld_file_panics_hangs_or_uses_500_mb() {
    for e in std::fs::read_dir(corpus()).unwrap() {
        let path = e.unwrap().path();
        if !matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("pdf" | "docx")
        ) {
            continue;
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_keiyaku"))
            .arg("text")
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed().as_secs() > 30 {
                let _ = child.kill();
                panic!("{} hangs", path.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert_eq!(status.code(), Some(0), "{}", path.display());
    }
    // Peak resident size of the largest child, in kilobytes on Linux.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we pass; RUSAGE_CHILDREN is valid.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    assert!(
        usage.ru_maxrss < 500 * 1024,
        "peak RSS {} kB",
        usage.ru_maxrss
    );
}

/// The real contract templates (Markdown with YAML front matter): MANIFEST.md
/// says subcontracting needs prior written approval only, and there are no
/// incident, audit or encryption clauses.
#[test]
fn real_service_agreement_template_is_read_as_the_manifest_describes() {
    let dir = corpus().join("contracts");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_keiyaku"))
        .args(["scan", "--guideline", "5.2", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let v = &r["vendors"][0];
    let status = |id: &str| {
        v["provisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("subcontractor-responsibility"), "weak");
    for id in [
        "incident-reporting",
        "supervision-audit",
        "transmission-security",
    ] {
        assert_eq!(status(id), "missing", "{id}");
    }
}

/// 官報 set in vertical columns with horizontal fonts, glyph under glyph:
/// the first paragraph reads as pdfminer's reference does (300 characters).
#[test]
fn gazette_columns_drawn_glyph_by_glyph_read_in_order() {
    let (text, _) = keiyaku_text(&corpus().join("pdfminer_kampo.pdf"));
    let reference =
        std::fs::read_to_string(corpus().join("pdfminer_kampo.pdf.pdfminer-ref.txt")).unwrap();
    let reference = squeeze(&reference);
    let start = reference.find("内閣は").unwrap();
    let stretch: String = reference[start..].chars().take(300).collect();
    assert!(squeeze(&text).contains(&stretch), "missing: {stretch}");
}
