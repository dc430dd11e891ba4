//! The HTML report: self-contained, every contract string escaped, the
//! overview and each vendor's verdicts as the JSON report has them; and, when
//! Chromium is installed, what a real browser makes of it (no script from a
//! contract runs, the page draws).
//!
//! `KEIYAKU_REQUIRE_CHROMIUM=1` makes a missing Chromium a failure (CI).

mod util;
use keiyaku::report::model::Status;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::*;

const SCRIPT: &str = "<script>document.title='pwned'</script>";
const CELL: &str = "\"'&</td>";

/// The test's own HTML escaping, independent of the writer's.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// How a browser serialises text content (`--dump-dom`): only & < > escaped.
fn dom_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn hostile_vendor() -> &'static str {
    if cfg!(windows) {
        "悪意商事"
    } else {
        "<img src=x onerror=alert(1)>&\"'商事"
    }
}

/// A copy of a sample vendor, and a vendor whose name, party name, heading
/// and recognised incident-reporting clause carry markup.
fn hostile_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = samples().join("さくらメディカルクラウド");
    let copy = dir.path().join("さくらメディカルクラウド");
    std::fs::create_dir(&copy).unwrap();
    for f in std::fs::read_dir(&sample).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), copy.join(f.file_name())).unwrap();
    }
    let bad = dir.path().join(hostile_vendor());
    std::fs::create_dir(&bad).unwrap();
    let contract = format!(
        "業務委託契約書\n\n\
         社会医療法人青葉会（以下「甲」という。）と株式会社{CELL}商事（以下「乙」という。）は、次のとおり合意する。\n\n\
         第1条（<b>報告</b>）\n\
         乙は、障害又は事故が発生したときは、直ちに甲に報告しなければならない（{SCRIPT}及び{CELL}に関するものを含む。）。\n"
    );
    std::fs::write(bad.join("業務委託契約書.txt"), contract).unwrap();
    dir
}

/// Scan `path` writing `out.html` and `out.json` into `into`.
fn scan_to(path: &Path, into: &Path) -> (String, serde_json::Value, PathBuf) {
    let html = into.join("out.html");
    let json = into.join("out.json");
    let o = keiyaku(&[
        "scan",
        path.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "stderr: {}",
        stderr(&o)
    );
    let page = std::fs::read_to_string(&html).expect("HTML report written");
    let report = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    (page, report, html)
}

fn status(s: &str) -> Status {
    [
        Status::Present,
        Status::Weak,
        Status::Negated,
        Status::Missing,
        Status::Unknown,
    ]
    .into_iter()
    .find(|x| x.as_str() == s)
    .unwrap_or_else(|| panic!("unknown status {s}"))
}

/// The `data-status` values in the overview row of vendor `n` (1-based).
fn overview_row(page: &str, n: usize) -> Vec<String> {
    let start = page
        .find(&format!("<tr data-vendor=\"{n}\">"))
        .unwrap_or_else(|| panic!("no overview row {n}"));
    let row = &page[start..start + page[start..].find("</tr>").unwrap()];
    row.split("data-status=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

/// Vendor `n`'s section of the page.
fn section(page: &str, n: usize) -> &str {
    let start = page
        .find(&format!("<section class=\"vendor\" id=\"vendor-{n}\""))
        .unwrap_or_else(|| panic!("no section for vendor {n}"));
    let len = page[start..].find("</section>").unwrap();
    &page[start..start + len]
}

/// The page agrees with the JSON report: every vendor named, every
/// provision's mark and label in the overview and in the vendor's section,
/// every matched phrase highlighted, every gap with its suggested wording.
fn check_against_json(page: &str, r: &serde_json::Value) {
    let suggestions: Vec<(&str, Option<&str>)> = r["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["suggestion"].as_str()))
        .collect();
    for (i, v) in r["vendors"].as_array().unwrap().iter().enumerate() {
        let name = v["name"].as_str().unwrap();
        let sec = section(page, i + 1);
        assert!(sec.contains(&esc(name)), "vendor {name} not in its section");
        let provisions = v["provisions"].as_array().unwrap();
        let want: Vec<&str> = provisions
            .iter()
            .map(|p| p["status"].as_str().unwrap())
            .collect();
        assert_eq!(overview_row(page, i + 1), want, "overview row of {name}");
        for p in provisions {
            let st = status(p["status"].as_str().unwrap());
            let badge = format!(
                "<span class=\"mark\">{}</span> {}</span> {}",
                st.mark(),
                st.label_ja(),
                esc(p["title"].as_str().unwrap())
            );
            assert!(sec.contains(&badge), "{name}: no `{badge}`");
            for e in p["evidence"].as_array().unwrap() {
                let (text, matched) = (e["text"].as_str().unwrap(), e["matched"].as_str().unwrap());
                assert!(sec.contains(&esc(e["path"].as_str().unwrap())));
                if text.contains(matched) {
                    let marked = format!("<mark>{}</mark>", esc(matched));
                    assert!(sec.contains(&marked), "{name}: no {marked}");
                }
            }
            // A × explains itself: the near miss's note and its quote.
            if let Some(note) = p["near_miss"]["note"].as_str() {
                assert!(sec.contains(&esc(note)), "{name}: no near miss `{note}`");
                let e = &p["near_miss"]["evidence"];
                let (text, matched) = (e["text"].as_str().unwrap(), e["matched"].as_str().unwrap());
                if text.contains(matched) {
                    let marked = format!("<mark>{}</mark>", esc(matched));
                    assert!(sec.contains(&marked), "{name}: near miss without {marked}");
                }
            }
            if st != Status::Present {
                let id = p["id"].as_str().unwrap();
                if let Some((_, Some(s))) = suggestions.iter().find(|(i, _)| *i == id) {
                    assert!(sec.contains(&esc(s)), "{name}: no suggestion for {id}");
                }
            }
        }
        for d in v["documents"].as_array().unwrap() {
            assert!(sec.contains(&esc(d["path"].as_str().unwrap())));
            if let Some(reason) = d["reason"].as_str() {
                assert!(sec.contains(&esc(reason)), "{name}: no reason {reason}");
            }
        }
    }
}

#[test]
fn contract_text_and_names_are_escaped() {
    let dir = hostile_folder();
    let out = tempfile::tempdir().unwrap();
    let (page, r, _) = scan_to(dir.path(), out.path());

    // The clause really is evidence, so its text is on the page.
    let bad = vendor(&r, hostile_vendor());
    let ev = &bad["provisions"][1]["evidence"][0];
    assert_eq!(bad["provisions"][1]["id"], "incident-reporting");
    assert!(ev["text"].as_str().unwrap().contains(SCRIPT), "{ev}");

    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    let head = String::from_utf8_lossy(&page.as_bytes()[..512]);
    assert!(head.contains("<meta charset=\"utf-8\">"));
    assert!(head.contains("<meta name=\"generator\" content=\"keiyaku\">"));
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"
    ));

    // Nothing from a contract, a file or a folder name as markup.
    assert!(!page.contains("<script>document"));
    assert!(!page.contains(CELL));
    assert!(!page.contains("<b>報告"));
    assert!(!page.contains("<img"));
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(page.contains(&esc(SCRIPT)));
    assert!(page.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(page.contains("&quot;&#39;&amp;&lt;/td&gt;"));
    assert!(page.contains(&esc(hostile_vendor())));
    assert!(page.contains("（&lt;b&gt;報告&lt;/b&gt;）"));
    assert!(page.contains("乙＝株式会社&quot;&#39;&amp;&lt;/td&gt;商事（受託者）"));
    assert!(page.contains("甲＝社会医療法人青葉会（委託者）"));
    // The matched words highlighted, the markup after them as text.
    assert!(page.contains(&format!(
        "<mark>障害又は事故が発生したときは、直ちに甲に報告</mark>しなければならない（{}",
        esc(SCRIPT)
    )));

    // Nothing loads from anywhere.
    for tag in ["<link", "<iframe", "<object", "<embed", " src=\"", "url("] {
        assert!(!page.contains(tag), "{tag} in the page");
    }
    check_against_json(&page, &r);
}

#[test]
fn samples_report_matches_the_json_and_prints_on_a4() {
    let out = tempfile::tempdir().unwrap();
    let (page, r, _) = scan_to(&samples(), out.path());
    check_against_json(&page, &r);
    let vendors = r["vendors"].as_array().unwrap().len();
    assert_eq!(page.matches("<section class=\"vendor\"").count(), vendors);
    assert!(page.contains("@page{size:A4"));
    assert!(page.contains("section.vendor{margin-top:0;break-before:page}"));
    assert!(page.contains("#overview{break-after:page}"));
    // Negated and missing: different marks, labels and colours.
    let kotobuki = section(
        &page,
        1 + r["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .position(|v| v["name"] == "ことぶきデータ")
            .unwrap(),
    );
    assert!(kotobuki.contains("class=\"badge st-negated\""));
    assert!(page.contains(&format!("{} 否定", Status::Negated.mark())));
    assert!(page.contains(&format!("{} なし", Status::Missing.mark())));
    assert_ne!(Status::Negated.mark(), Status::Missing.mark());
    assert!(page.contains("--negated-bg:") && page.contains("--missing-bg:"));
    // Unread documents are listed with their reason, in Japanese status words.
    assert!(page.contains("読取不可（暗号化）"));
    assert!(page.contains("読取不可（文字なし）"));
    assert!(page.contains("読取不可（破損）"));
    // samples/ has near misses (a duty on the customer, a deleted revision).
    assert!(page.contains("ただし委託者の義務"));
    assert!(page.contains("削除された変更履歴にのみ記載"));
    // The header names the scanned path and the rule set.
    assert!(page.contains(&esc(r["rules"]["id"].as_str().unwrap())));
    assert!(page.contains(&esc(&samples().to_string_lossy())));
}

#[test]
fn html_is_chosen_by_extension_and_by_format() {
    let out = tempfile::tempdir().unwrap();
    let htm = out.path().join("結果.htm");
    let o = keiyaku(&[
        "scan",
        samples().to_str().unwrap(),
        "-o",
        htm.to_str().unwrap(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&htm)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    let o = keiyaku(&["scan", "--format", "html", samples().to_str().unwrap()]);
    assert!(stdout(&o).starts_with("<!DOCTYPE html>"));
}

// ---- In a real browser ----

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KEIYAKU_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let names = ["chromium", "chromium-browser", "google-chrome"];
    let dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// Run headless Chromium on `page` with `extra` arguments; its stdout.
fn run_chromium(bin: &Path, profile: &Path, page: &Path, extra: &[String]) -> Vec<u8> {
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url)
        .env("HOME", profile)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let started = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "chromium failed: {st}");
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

#[test]
fn renders_in_chromium_without_running_contract_scripts() {
    let Some(bin) = chromium() else {
        if std::env::var("KEIYAKU_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("chromium not installed and KEIYAKU_REQUIRE_CHROMIUM=1");
        }
        println!("chromium not installed: browser test not run");
        return;
    };
    let dir = hostile_folder();
    let out = tempfile::tempdir().unwrap();
    let (page, r, html) = scan_to(dir.path(), out.path());
    let profile = out.path().join("profile");
    std::fs::create_dir(&profile).unwrap();

    let dom = run_chromium(&bin, &profile, &html, &["--dump-dom".to_string()]);
    let dom = String::from_utf8(dom).expect("DOM is UTF-8");
    assert!(dom.contains("<html lang=\"ja\">"), "no DOM: {dom:.300}");
    // No script from the contract ran: the title is the page's own.
    let title = &dom[dom.find("<title>").unwrap() + 7..dom.find("</title>").unwrap()];
    assert!(!title.contains("pwned"), "title: {title}");
    assert!(title.starts_with("契約書チェック結果"), "title: {title}");
    let page_title = &page[page.find("<title>").unwrap() + 7..page.find("</title>").unwrap()];
    assert_eq!(title, page_title);
    // The page's own script ran (its hash is in the CSP): the filter bar shows.
    assert!(
        dom.contains("<form id=\"filters\" aria-label"),
        "filter bar still hidden"
    );
    // Markup from the contract is text in the DOM, not elements.
    assert!(!dom.contains("<img"));
    assert!(!dom.contains("<script>document"));
    assert!(!dom.contains("<b>報告"));
    assert!(dom.contains(&dom_text(SCRIPT)));
    assert!(dom.contains(&dom_text(CELL)));
    assert_eq!(dom.matches("<script").count(), 1);
    // Vendors, statuses and quotes as the report has them.
    for (i, v) in r["vendors"].as_array().unwrap().iter().enumerate() {
        assert!(dom.contains(&dom_text(v["name"].as_str().unwrap())));
        let want: Vec<&str> = v["provisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["status"].as_str().unwrap())
            .collect();
        assert_eq!(overview_row(&dom, i + 1), want);
        for p in v["provisions"].as_array().unwrap() {
            let st = status(p["status"].as_str().unwrap());
            assert!(dom.contains(&format!(
                "<span class=\"mark\">{}</span><span class=\"lbl\">{}</span>",
                st.mark(),
                st.label_ja()
            )));
            for e in p["evidence"].as_array().unwrap() {
                let text = e["text"].as_str().unwrap();
                let matched = e["matched"].as_str().unwrap();
                if let Some(at) = text.find(matched) {
                    let quote = format!(
                        "<blockquote>{}<mark>{}</mark>{}</blockquote>",
                        dom_text(&text[..at]),
                        dom_text(matched),
                        dom_text(&text[at + matched.len()..])
                    );
                    assert!(dom.contains(&quote), "no quote {quote}");
                }
            }
        }
    }

    // The page draws: a PNG of the window's size, far from blank.
    let shot = out.path().join("s.png");
    run_chromium(
        &bin,
        &profile,
        &html,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1200,1600".to_string(),
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(
        (1000..=2400).contains(&width) && (1200..=3200).contains(&height),
        "{width}x{height}"
    );
    // A blank 1200x1600 page compresses to under 10 KB; this one has text,
    // tables and colours.
    assert!(
        png.len() > 40_000,
        "screenshot looks blank: {} bytes",
        png.len()
    );
    println!(
        "chromium: DOM checked, screenshot {width}x{height} {} bytes",
        png.len()
    );
}

/// Under the default edition the page Chromium builds has the tier row, the
/// 要検討 cells and their filter, and the recommended group apart.
#[test]
fn edition_page_renders_in_chromium_with_tiers_and_consider_filter() {
    let Some(bin) = chromium() else {
        if std::env::var("KEIYAKU_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("chromium not installed and KEIYAKU_REQUIRE_CHROMIUM=1");
        }
        println!("chromium not installed: browser test not run");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("in").join("統計留保");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(
        v.join("規約.txt"),
        "データ保管サービス利用規約\n\n第1条（利用目的）\n当社は、お客様のデータを本サービスの提供以外の目的で利用しません。\n\n第2条（統計）\n当社は、お客様のデータを集計し、統計情報として利用することがあります。\n",
    )
    .unwrap();
    let html = dir.path().join("r.html");
    let o = keiyaku(&[
        "scan",
        "--guideline",
        "6.0",
        dir.path().join("in").to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let profile = dir.path().join("profile");
    std::fs::create_dir(&profile).unwrap();
    let dom = run_chromium(&bin, &profile, &html, &["--dump-dom".to_string()]);
    let dom = String::from_utf8(dom).expect("DOM is UTF-8");
    assert!(dom.contains("<dt>照合基準</dt>"), "no DOM: {dom:.300}");
    assert!(
        dom.contains("<form id=\"filters\" aria-label"),
        "the page's script ran"
    );
    assert!(dom.contains("<input type=\"checkbox\" data-status=\"consider\" checked"));
    assert!(dom.contains("<th class=\"vendor-col tier\">層</th>"));
    assert!(dom.contains("<td class=\"st st-consider\" data-status=\"consider\""));
    assert!(dom.contains("<h3>推奨（要検討）</h3>"));
    assert!(dom.contains("<p class=\"warn conflict\">矛盾: "));
    assert_eq!(dom.matches("<script").count(), 1);
}
