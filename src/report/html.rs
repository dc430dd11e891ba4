//! One self-contained HTML page for people: the overview matrix, then a
//! section per vendor with the clauses that decided each provision, the
//! suggested wording for every gap, the documents and what could not be read.
//!
//! Nothing is loaded from anywhere: the style and the one small script are
//! inline, and a Content-Security-Policy meta forbids every other load. The
//! script (filters by status and vendor) is allowed by its hash only, so a
//! script in a contract could never run even if it reached the markup; and
//! every string that comes from a contract, a file name or a folder name is
//! escaped. The page reads in full without JavaScript and prints on A4: the
//! overview on the first page, each vendor from a new page.

use super::edition::Verdict;
use super::model::{
    party_line, Applies, DocReport, DocStatus, Evidence, ProvisionResult, Report, Status,
    VendorReport,
};
use super::Render;
use crate::matching::parties::PartyDef;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write;

pub struct HtmlWriter;

/// HTML-escape text for element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed
            // in HTML text; show them as the escapes a reader can report.
            c if c.is_control() && c != '\t' && c != '\n' => {
                let _ = write!(out, "\\u{{{:04X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

const STATUSES: [Status; 5] = [
    Status::Present,
    Status::Weak,
    Status::Negated,
    Status::Missing,
    Status::Unknown,
];

const STYLE: &str = r#"
:root{--fg:#1b1b1f;--muted:#5c5c66;--line:#c9c9d1;
--present-bg:#dcf1e0;--present-fg:#145c28;
--weak-bg:#fff0b8;--weak-fg:#6b4e00;
--negated-bg:#9e1230;--negated-fg:#ffffff;
--missing-bg:#ffdcc2;--missing-fg:#8a3300;
--unknown-bg:#e4e4ee;--unknown-fg:#3d3d4a}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0 auto;max-width:1100px;padding:16px 20px 40px;color:var(--fg);background:#fff;
font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Kaku Gothic ProN","Yu Gothic","Meiryo",sans-serif;
font-size:14px;line-height:1.6}
h1{font-size:22px;margin:0 0 6px}
h2{font-size:18px;margin:22px 0 8px;padding-bottom:3px;border-bottom:2px solid var(--fg)}
h3{font-size:15px;margin:16px 0 6px}
h4{font-size:14px;margin:0 0 4px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0 10px}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
code,.path{font-family:ui-monospace,"Noto Sans Mono CJK JP",monospace;font-size:.92em;overflow-wrap:anywhere}
table{border-collapse:collapse}
th,td{border:1px solid var(--line);padding:3px 6px;vertical-align:top}
th{background:#f1f1f5;font-weight:600}
table.matrix{width:100%}
table.matrix td.st,table.matrix th.col{text-align:center;white-space:nowrap}
table.matrix th.vendor-col,table.matrix td.vendor{text-align:left}
table.matrix td.vendor a{color:inherit}
.st-present{background:var(--present-bg);color:var(--present-fg)}
.st-weak{background:var(--weak-bg);color:var(--weak-fg)}
.st-negated{background:var(--negated-bg);color:var(--negated-fg);font-weight:700}
.st-missing{background:var(--missing-bg);color:var(--missing-fg)}
.st-unknown{background:var(--unknown-bg);color:var(--unknown-fg)}
.mark{font-weight:700;font-size:1.1em}
.lbl{font-size:.82em;margin-left:2px}
.badge{display:inline-block;min-width:5.2em;padding:0 6px;border-radius:3px;text-align:center;margin-right:6px}
td.off{opacity:.25}
.legend{margin:8px 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px 10px;font-size:.9em}
.legend li{white-space:nowrap}
.note{color:var(--muted);font-size:.9em}
.warn{color:#8a1a00}
#filters{margin:10px 0;padding:6px 10px;border:1px dashed var(--line);font-size:.9em}
#filters label{margin-right:10px;white-space:nowrap}
section.vendor{margin-top:28px}
.root{font-weight:400;color:var(--muted);font-size:.8em;margin-left:8px}
.prov{border:1px solid var(--line);border-left-width:6px;padding:6px 10px;margin:8px 0;break-inside:avoid}
.prov.st-present,.prov.st-weak,.prov.st-negated,.prov.st-missing,.prov.st-unknown{background:#fff;color:var(--fg)}
.prov.st-present{border-left-color:var(--present-fg)}
.prov.st-weak{border-left-color:#d4a800}
.prov.st-negated{border-left-color:var(--negated-bg)}
.prov.st-missing{border-left-color:#e07020}
.prov.st-unknown{border-left-color:#8a8a9a}
.ev{margin:6px 0 6px 4px}
.where{margin:0;font-size:.9em;color:var(--muted)}
blockquote{margin:2px 0 2px 0;padding:4px 10px;border-left:3px solid var(--line);background:#fafafc;white-space:pre-wrap;overflow-wrap:anywhere}
mark{background:#ffe45c;color:inherit;padding:0 1px}
.suggest{margin-top:6px;padding:4px 8px;background:#f3f7ff;border:1px solid #c8d6f0}
.suggest p{margin:0;font-size:.9em}
.suggest blockquote{background:#fff;border-left-color:#7a9bd6}
table.docs{width:100%;font-size:.92em}
ul.parties{margin:4px 0;padding-left:20px}
footer{margin-top:24px;font-size:.9em;color:var(--muted)}
[hidden]{display:none !important}
@page{size:A4;margin:12mm}
@media print{
body{max-width:none;padding:0;font-size:9.5pt;line-height:1.45}
h1{font-size:15pt}h2{font-size:12.5pt;margin-top:0}
#filters{display:none !important}
#overview{break-after:page}
#overview table.matrix{font-size:8.5pt}
#overview th,#overview td{padding:1px 4px}
section.vendor{margin-top:0;break-before:page}
section.notes{break-before:page}
tr,.ev,blockquote{break-inside:avoid}
a{color:inherit;text-decoration:none}
}
"#;

/// Added under an edition after 5.2 only (the 5.2 page stays as it was):
/// the tier verdicts and the tier row.
const EDITION_STYLE: &str = r#"
:root{--consider-bg:#dde8f7;--consider-fg:#1f4e79;--na-bg:#ededed;--na-fg:#595959}
.st-consider{background:var(--consider-bg);color:var(--consider-fg)}
.st-not-applicable{background:var(--na-bg);color:var(--na-fg)}
.prov.st-consider,.prov.st-not-applicable{background:#fff;color:var(--fg)}
.prov.st-consider{border-left-color:var(--consider-fg)}
.prov.st-not-applicable{border-left-color:#a0a0a0}
table.matrix th.tier{font-weight:400;font-size:.85em}
.srcwarn{color:#8a1a00}
"#;

/// Progressive enhancement: the filter bar stays hidden without JavaScript.
const SCRIPT: &str = r#"
(function () {
  var bar = document.getElementById('filters');
  if (!bar) return;
  bar.hidden = false;
  var boxes = bar.querySelectorAll('input[data-status]');
  var pick = bar.querySelector('select');
  function apply() {
    var on = {};
    for (var i = 0; i < boxes.length; i++) on[boxes[i].getAttribute('data-status')] = boxes[i].checked;
    var v = pick ? pick.value : '';
    var els = document.querySelectorAll('[data-vendor]');
    for (var j = 0; j < els.length; j++) els[j].hidden = v !== '' && els[j].getAttribute('data-vendor') !== v;
    var ps = document.querySelectorAll('.prov[data-status]');
    for (var k = 0; k < ps.length; k++) ps[k].hidden = !on[ps[k].getAttribute('data-status')];
    var cs = document.querySelectorAll('td.st[data-status]');
    for (var m = 0; m < cs.length; m++) cs[m].classList.toggle('off', !on[cs[m].getAttribute('data-status')]);
  }
  for (var n = 0; n < boxes.length; n++) boxes[n].addEventListener('change', apply);
  if (pick) pick.addEventListener('change', apply);
})();
"#;

fn script_hash() -> String {
    let digest = Sha256::digest(SCRIPT.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The Content-Security-Policy: nothing may load from anywhere, only the
/// inline style and the one script whose hash is given.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src {}; img-src data:; \
         base-uri 'none'; form-action 'none'",
        script_hash()
    )
}

/// `matched` as it lies in `text`: its byte range. Exact when it is there
/// as written; otherwise compared ignoring whitespace and table separators
/// (a table row's cells are matched joined by tabs and quoted joined by
/// ｜), with full-width ASCII folded.
fn find_match(text: &str, matched: &str) -> Option<(usize, usize)> {
    if matched.is_empty() {
        return None;
    }
    if let Some(i) = text.find(matched) {
        return Some((i, i + matched.len()));
    }
    fn skip(c: char) -> bool {
        c.is_whitespace() || matches!(c, '｜' | '|' | '│')
    }
    fn fold(c: char) -> char {
        match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        }
    }
    let hay: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !skip(*c))
        .map(|(i, c)| (i, fold(c)))
        .collect();
    let needle: Vec<char> = matched.chars().filter(|c| !skip(*c)).map(fold).collect();
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    let start = (0..=hay.len() - needle.len()).find(|&s| {
        hay[s..s + needle.len()]
            .iter()
            .map(|(_, c)| *c)
            .eq(needle.iter().copied())
    })?;
    let (first, _) = hay[start];
    let (last, c) = hay[start + needle.len() - 1];
    // The end of the original character (folding keeps the position).
    let end = last
        + text[last..]
            .chars()
            .next()
            .map_or(c.len_utf8(), char::len_utf8);
    Some((first, end))
}

/// The sentence, escaped, with the matched words in `<mark>`.
fn highlighted(text: &str, matched: &str) -> (String, bool) {
    match find_match(text, matched) {
        Some((a, b)) => (
            format!(
                "{}<mark>{}</mark>{}",
                escape(&text[..a]),
                escape(&text[a..b]),
                escape(&text[b..])
            ),
            true,
        ),
        None => (escape(text), false),
    }
}

fn status_cell(out: &mut String, status: impl Into<Verdict>, title: &str) {
    let v: Verdict = status.into();
    let _ = write!(
        out,
        "<td class=\"st st-{s}\" data-status=\"{s}\" title=\"{t}：{l}\"><span class=\"mark\">{m}</span><span class=\"lbl\">{l}</span></td>",
        s = v.as_str(),
        t = escape(title),
        m = v.mark(),
        l = v.label_ja(),
    );
}

fn badge(status: impl Into<Verdict>) -> String {
    let v: Verdict = status.into();
    format!(
        "<span class=\"badge st-{}\"><span class=\"mark\">{}</span> {}</span>",
        v.as_str(),
        v.mark(),
        v.label_ja()
    )
}

/// The statuses a reader can filter by: under an edition, also 要検討 and 対象外.
fn shown_verdicts(r: &Report) -> Vec<Verdict> {
    let mut all: Vec<Verdict> = STATUSES.iter().map(|s| Verdict::Status(*s)).collect();
    if r.guideline.is_some() {
        all.extend([Verdict::Consider, Verdict::NotApplicable]);
    }
    all
}

fn legend(out: &mut String, r: &Report) {
    out.push_str("<ul class=\"legend\" aria-label=\"凡例\"><li><strong>凡例</strong></li>");
    for (s, what) in [
        (Status::Present, "規定あり"),
        (Status::Weak, "弱い（努力義務・できる規定・承諾のみ等）"),
        (Status::Negated, "否定・免責（規定を打ち消す条項あり）"),
        (Status::Missing, "規定なし"),
        (Status::Unknown, "不明（読めない文書があり判定できない）"),
    ] {
        let _ = write!(out, "<li>{} {what}</li>", badge(s));
    }
    if r.guideline.is_some() {
        for v in [Verdict::Consider, Verdict::NotApplicable] {
            let _ = write!(out, "<li>{} {}</li>", badge(v), v.meaning_ja());
        }
        out.push_str("<li><span class=\"srcwarn\">⚠</span> 出典が案・二次情報のみの条項</li>");
        out.push_str("<li><strong>矛盾</strong> 反対の定め（留保・除外）が他の条項に優先</li>");
    }
    out.push_str("</ul>\n");
    let warnings = r.source_warnings_ja();
    if !warnings.is_empty() {
        out.push_str("<ul class=\"note srcwarn\">");
        for w in warnings {
            let _ = write!(out, "<li>{}</li>", escape(&w));
        }
        out.push_str("</ul>\n");
    }
}

fn pages_range(first: u32, last: u32) -> String {
    if first == last {
        format!("p.{first}")
    } else {
        format!("p.{first}–{last}")
    }
}

/// Columns of the overview: the report's provisions, or the first vendor's.
fn columns(r: &Report) -> Vec<(String, String, String)> {
    if !r.provisions.is_empty() {
        return r
            .provisions
            .iter()
            .map(|p| (p.id.clone(), p.short.clone(), p.title.clone()))
            .collect();
    }
    r.vendors
        .first()
        .map(|v| {
            v.provisions
                .iter()
                .map(|p| {
                    (
                        p.names.id.to_string(),
                        p.names.short.to_string(),
                        p.names.title.to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn listed(v: &VendorReport) -> usize {
    v.documents
        .iter()
        .filter(|d| d.status != DocStatus::Ignored)
        .count()
}

fn header(out: &mut String, r: &Report) {
    let _ = write!(
        out,
        "<header>\n<h1>契約書チェック結果（医療情報安全管理ガイドライン）</h1>\n<dl class=\"meta\">\n\
         <dt>ツール</dt><dd>{} {}</dd>\n<dt>規則セット</dt><dd><code>{}</code> 版 {}",
        escape(r.tool.name),
        escape(r.tool.version),
        escape(&r.rules.id),
        escape(&r.rules.version),
    );
    if let Some(d) = &r.rules.description {
        let _ = write!(out, "<br><span class=\"note\">{}</span>", escape(d));
    }
    let _ = writeln!(
        out,
        "<br><span class=\"note\">SHA-256 <code>{}</code></span></dd>",
        escape(&r.rules.sha256)
    );
    out.push_str("<dt>対象</dt><dd>");
    for (i, p) in r.run.paths.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        let _ = write!(out, "<span class=\"path\">{}</span>", escape(p));
    }
    out.push_str("</dd>\n");
    if let Some(g) = &r.guideline {
        let _ = write!(out, "<dt>照合基準</dt><dd>{}", escape(&g.label_ja()));
        for n in &g.notes {
            let _ = write!(out, "<br><span class=\"note\">注: {}</span>", escape(n));
        }
        out.push_str("</dd>\n");
    }
    if !r.run.options.is_empty() {
        let opts: Vec<String> = r.run.options.iter().map(|o| escape(o)).collect();
        let _ = writeln!(
            out,
            "<dt>オプション</dt><dd><code>{}</code></dd>",
            opts.join(" ")
        );
    }
    let s = &r.summary;
    let counts = match r.tally() {
        Some(t) => t.line_ja(),
        None => STATUSES
            .iter()
            .zip([s.present, s.weak, s.negated, s.missing, s.unknown])
            .map(|(st, n)| format!("{} {} {n}", st.mark(), st.label_ja()))
            .collect::<Vec<_>>()
            .join("　"),
    };
    let _ = write!(
        out,
        "<dt>集計</dt><dd>{}<br>{}</dd>\n</dl>\n</header>\n",
        escape(&s.files_ja("・")),
        escape(&counts)
    );
}

fn filters(out: &mut String, r: &Report) {
    out.push_str("<form id=\"filters\" hidden aria-label=\"絞り込み\"><strong>絞り込み：</strong>");
    for s in shown_verdicts(r) {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" data-status=\"{}\" checked> {} {}</label>",
            s.as_str(),
            s.mark(),
            s.label_ja()
        );
    }
    out.push_str("<label>取引先 <select><option value=\"\">すべて</option>");
    for (i, v) in r.vendors.iter().enumerate() {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            i + 1,
            escape(&v.name)
        );
    }
    out.push_str("</select></label></form>\n");
}

fn overview(out: &mut String, r: &Report) {
    let cols = columns(r);
    out.push_str("<section id=\"overview\">\n<h2>一覧</h2>\n");
    if r.vendors.is_empty() {
        out.push_str("<p>取引先が見つかりませんでした。</p>\n");
    } else {
        out.push_str("<table class=\"matrix\">\n<thead><tr><th class=\"vendor-col\">取引先</th>");
        for (id, short, title) in &cols {
            let _ = write!(
                out,
                "<th class=\"col\" title=\"{}\">{}{}</th>",
                escape(title),
                escape(short),
                r.warn_mark(id)
            );
        }
        out.push_str("<th class=\"col\">文書</th></tr>");
        if r.guideline.is_some() {
            out.push_str("\n<tr><th class=\"vendor-col tier\">層</th>");
            for (id, _, _) in &cols {
                let tier = r.tier_of(id).map_or("", |t| t.label_ja());
                let _ = write!(out, "<th class=\"col tier\">{tier}</th>");
            }
            out.push_str("<th class=\"col tier\"></th></tr>");
        }
        out.push_str("</thead>\n<tbody>\n");
        for (i, v) in r.vendors.iter().enumerate() {
            let _ = write!(
                out,
                "<tr data-vendor=\"{n}\"><td class=\"vendor\"><a href=\"#vendor-{n}\">{}</a>",
                escape(&v.name),
                n = i + 1
            );
            if let Some(root) = &v.root {
                let _ = write!(out, "<br><span class=\"note path\">{}</span>", escape(root));
            }
            out.push_str("</td>");
            for (id, _, title) in &cols {
                match v.provisions.iter().find(|p| *p.names.id == **id) {
                    Some(p) => status_cell(out, p.verdict(), title),
                    None => out.push_str("<td class=\"st\">—</td>"),
                }
            }
            let readable = v.documents.iter().filter(|d| d.status.readable()).count();
            let _ = write!(out, "<td class=\"st\">{readable}/{}", listed(v));
            if !v.complete {
                out.push_str("<br><span class=\"warn\">読めない文書あり</span>");
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        out.push_str("<p class=\"note\">文書欄は「読取できた文書／文書数」。各社の詳細（根拠条項・提案文言・文書）は次ページ以降。</p>\n");
    }
    legend(out, r);
    out.push_str("</section>\n");
}

fn parties(out: &mut String, v: &VendorReport) {
    // Documents with the same label mapping share one line.
    type Group<'a> = (&'a [PartyDef], &'a [String], Vec<&'a str>);
    let mut groups: Vec<Group> = Vec::new();
    for d in &v.documents {
        if d.parties.is_empty() && d.party_notes.is_empty() {
            continue;
        }
        let key = (d.parties.as_slice(), d.party_notes.as_slice());
        match groups.iter_mut().find(|(p, n, _)| (*p, *n) == key) {
            Some((_, _, docs)) => docs.push(&d.path),
            None => groups.push((key.0, key.1, vec![&d.path])),
        }
    }
    out.push_str("<h3>当事者</h3>\n");
    if groups.is_empty() {
        out.push_str("<p class=\"note\">契約書に当事者の定義（以下「甲」という。等）が見つかりませんでした。</p>\n");
        return;
    }
    out.push_str("<ul class=\"parties\">\n");
    for (p, notes, docs) in &groups {
        let _ = write!(out, "<li>{}", escape(&party_line(p.iter(), notes.iter())));
        if groups.len() > 1 {
            let docs: Vec<String> = docs.iter().map(|d| escape(d)).collect();
            let _ = write!(
                out,
                " <span class=\"note\">— <span class=\"path\">{}</span></span>",
                docs.join("、")
            );
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

fn evidence(out: &mut String, e: &Evidence) {
    out.push_str("<div class=\"ev\"><p class=\"where\">");
    let _ = write!(out, "<span class=\"path\">{}</span>", escape(&e.path));
    if let Some(place) = e.place_ja() {
        let _ = write!(out, " {}", escape(&place));
    }
    if let Some(o) = e.ocr_label() {
        let _ = write!(out, " <span class=\"ocr\">{}</span>", escape(&o));
    }
    if let Some(c) = &e.clause {
        let _ = write!(out, " {}", escape(c));
    }
    if let Some(h) = &e.heading {
        let _ = write!(out, "（{}）", escape(h));
    }
    if let Some(d) = e.derived_label() {
        let _ = write!(out, "【{}】", escape(d));
    }
    let _ = write!(
        out,
        " — 根拠: {}　この条項の判定: {} {}",
        e.basis.label_ja(),
        e.strength.mark(),
        e.strength.label_ja()
    );
    if let Some(d) = &e.deadline {
        let _ = write!(out, "　{}", escape(&d.label_ja()));
    }
    if let Some(pv) = &e.prevailing {
        let _ = write!(out, "　<span class=\"prevailing\">{}</span>", escape(pv));
    }
    out.push_str("</p>");
    let (quote, found) = highlighted(&e.text, &e.matched);
    let _ = write!(out, "<blockquote>{quote}</blockquote>");
    if !found && !e.matched.is_empty() {
        let _ = write!(
            out,
            "<p class=\"where\">一致した語句: <mark>{}</mark></p>",
            escape(&e.matched)
        );
    }
    out.push_str("</div>\n");
}

fn provision(out: &mut String, r: &Report, v: &VendorReport, p: &ProvisionResult) {
    let verdict = p.verdict();
    let warn = r.source_warning_of(&p.names.id);
    let _ = writeln!(
        out,
        "<div class=\"prov st-{s}\" data-status=\"{s}\"><h4>{} {}{}</h4>",
        badge(verdict),
        escape(&p.names.title),
        if warn.is_some() {
            " <span class=\"srcwarn\">⚠</span>"
        } else {
            ""
        },
        s = verdict.as_str()
    );
    if let Some(w) = warn {
        let _ = writeln!(out, "<p class=\"note srcwarn\">{}</p>", escape(w));
    }
    if let Some(c) = p.conflict_ja() {
        let _ = writeln!(out, "<p class=\"warn conflict\">{}</p>", escape(&c));
    }
    for e in &p.evidence {
        evidence(out, e);
    }
    if let Some(l) = &p.languages {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&l.note_ja()));
    }
    if p.evidence.is_empty() {
        let why = match p.status {
            Status::Unknown if listed(v) == 0 => "文書がなく判定できません。",
            Status::Unknown if v.unknown_by_ocr() => {
                "OCR で読んだ文書があり「なし」とは判定しません（読み落としがあるかもしれません）。"
            }
            Status::Unknown => {
                "読めない文書があり判定できません（その文書に規定があるかもしれません）。"
            }
            _ if p.near_miss.is_some() => "",
            _ => "該当する条項は見つかりませんでした。",
        };
        if !why.is_empty() {
            let _ = writeln!(out, "<p class=\"note\">{why}</p>");
        }
        // The closest thing seen, quoted like evidence: why it is not enough.
        if let Some(n) = &p.near_miss {
            let _ = writeln!(
                out,
                "<p class=\"note near\" data-near=\"{}\">{}</p>",
                n.kind.as_str(),
                escape(&n.note)
            );
            evidence(out, &n.evidence);
        }
    }
    if p.status != Status::Present && verdict != Verdict::NotApplicable {
        if let Some(info) = r.provisions.iter().find(|i| *i.id == *p.names.id) {
            if let Some(s) = &info.suggestion {
                let _ = write!(
                    out,
                    "<div class=\"suggest\"><p>提案文言</p><blockquote>{}</blockquote>",
                    escape(s)
                );
                if let Some(src) = &info.source {
                    let _ = write!(out, "<p class=\"note\">出典: {}</p>", escape(src));
                }
                out.push_str("</div>\n");
            }
        }
    }
    out.push_str("</div>\n");
}

fn doc_row(out: &mut String, d: &DocReport) {
    let _ = write!(
        out,
        "<tr><td class=\"path\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>",
        escape(&d.path),
        escape(&d.format),
        d.status.label_ja(),
        d.pages.map(|p| p.to_string()).unwrap_or_default()
    );
    let why = d.why_ja();
    if let Some(o) = d.ocr_label() {
        out.push_str(&escape(&o));
        if !why.is_empty() {
            out.push_str("<br>");
        }
    }
    out.push_str(&escape(&why));
    if !d.unread_pages.is_empty() {
        if !why.is_empty() {
            out.push_str("<br>");
        }
        let pages: Vec<String> = d
            .unread_pages
            .iter()
            .map(|u| format!("{} {}", pages_range(u.first, u.last), u.reason.label_ja()))
            .collect();
        let _ = write!(out, "読めないページ: {}", pages.join("、"));
    }
    out.push_str("</td></tr>\n");
}

fn documents(out: &mut String, docs: &[DocReport]) {
    out.push_str(
        "<table class=\"docs\"><thead><tr><th>ファイル</th><th>形式</th><th>状態</th>\
         <th>ページ</th><th>理由・読めないページ</th></tr></thead>\n<tbody>\n",
    );
    for d in docs {
        doc_row(out, d);
    }
    out.push_str("</tbody></table>\n");
}

fn vendor(out: &mut String, r: &Report, i: usize, v: &VendorReport) {
    let _ = write!(
        out,
        "<section class=\"vendor\" id=\"vendor-{n}\" data-vendor=\"{n}\">\n<h2>{}",
        escape(&v.name),
        n = i + 1
    );
    if let Some(root) = &v.root {
        let _ = write!(out, "<span class=\"root path\">[{}]</span>", escape(root));
    }
    out.push_str("</h2>\n");
    let readable = v.documents.iter().filter(|d| d.status.readable()).count();
    let names = |wanted: fn(&ProvisionResult) -> bool| -> Vec<String> {
        v.provisions
            .iter()
            .filter(|p| wanted(p))
            .map(|p| escape(&p.names.short))
            .collect()
    };
    let gaps = names(ProvisionResult::is_gap);
    let check = names(ProvisionResult::needs_check);
    let consider = names(ProvisionResult::to_consider);
    let _ = write!(
        out,
        "<p>文書 {} 件、読取 {} 件。不足: {}",
        listed(v),
        readable,
        if gaps.is_empty() {
            "なし".to_string()
        } else {
            gaps.join("、")
        }
    );
    if !check.is_empty() {
        let _ = write!(out, "。要確認: {}", check.join("、"));
    }
    if !consider.is_empty() {
        let _ = write!(out, "。要検討（推奨）: {}", consider.join("、"));
    }
    out.push_str("。</p>\n");
    if !v.complete {
        out.push_str("<p class=\"warn\">読めない文書があるため、見つからなかった規定は「なし」ではなく「不明」としています。</p>\n");
    }
    parties(out, v);
    // Required first, then recommendations, then 対象外 (under 5.2 every
    // provision is required: the one heading 規定).
    for (tier, heading) in [
        (Applies::Required, "規定"),
        (Applies::Recommended, "推奨（要検討）"),
        (Applies::NotApplicable, "対象外（条件に該当せず）"),
    ] {
        let mut group = v.provisions.iter().filter(|p| p.tier() == tier).peekable();
        if group.peek().is_none() && tier != Applies::Required {
            continue;
        }
        let _ = writeln!(out, "<h3>{heading}</h3>");
        for p in group {
            provision(out, r, v, p);
        }
    }
    out.push_str("<h3>文書</h3>\n");
    if v.documents.is_empty() {
        out.push_str("<p class=\"note\">文書がありません。</p>\n");
    } else {
        documents(out, &v.documents);
    }
    out.push_str("</section>\n");
}

/// A service of several vendors: per provision its status, whose contract
/// counts, each vendor's mark and the deciding clause; then what falls short.
fn service(out: &mut String, r: &Report, i: usize, s: &super::model::ServiceReport) {
    let _ = write!(
        out,
        "<section class=\"service\" id=\"service-{}\">\n<h2>サービス「{}」</h2>\n<p>{}",
        i + 1,
        escape(&s.name),
        escape(s.case.label_ja())
    );
    if let Some(l) = &s.lead {
        let _ = write!(out, "（主たる事業者: {}）", escape(l));
    }
    let _ = writeln!(out, "。事業者: {}。</p>", escape(&s.vendors.join("、")));
    out.push_str("<table class=\"service-table\">\n<thead><tr><th>規定</th><th class=\"col\">判定</th><th>事業者ごと</th><th>根拠</th></tr></thead>\n<tbody>\n");
    for p in &s.provisions {
        let title = r.title_of(&p.id, &p.short);
        let _ = write!(out, "<tr><td>{}</td>", escape(title));
        status_cell(out, Verdict::of(r.tier_of(&p.id), p.status), title);
        let _ = write!(
            out,
            "<td>{}</td><td>",
            escape(&super::csv::service_reason_ja(r, s.case, p))
        );
        if let Some(e) = p.evidence.first() {
            let _ = write!(out, "{}: ", escape(&e.vendor));
            evidence(out, &e.evidence);
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    let (uncovered, consider) = r.uncovered_by_tier(s);
    if s.shortfalls.is_empty() && uncovered.is_empty() && consider.is_empty() {
        out.push_str("<p>不足: なし。</p>\n");
    } else {
        out.push_str("<ul>\n");
        for f in &s.shortfalls {
            let _ = writeln!(
                out,
                "<li class=\"warn\">不足: {} — {} {}</li>",
                escape(&f.vendor),
                badge(f.status),
                escape(&f.reason)
            );
        }
        let uncovered: Vec<String> = uncovered.into_iter().map(escape).collect();
        let consider: Vec<String> = consider.into_iter().map(escape).collect();
        if !uncovered.is_empty() {
            let _ = writeln!(
                out,
                "<li class=\"warn\">どの事業者の契約にもない: {}</li>",
                uncovered.join("、")
            );
        }
        if !consider.is_empty() {
            let _ = writeln!(
                out,
                "<li>要検討（推奨・どの事業者の契約にもない）: {}</li>",
                consider.join("、")
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

impl Render for HtmlWriter {
    fn render(&self, r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let mut h = String::with_capacity(64 * 1024);
        // The generator meta stays within the first 512 bytes, where a
        // report lying in a scanned folder can be recognised.
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"generator\" content=\"keiyaku\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <title>契約書チェック結果 — {} {}</title>\n<style>{}{}</style>\n</head>\n<body>\n",
            content_security_policy(),
            escape(&r.rules.id),
            escape(&r.rules.version),
            STYLE,
            if r.guideline.is_some() {
                EDITION_STYLE
            } else {
                ""
            }
        );
        header(&mut h, r);
        filters(&mut h, r);
        overview(&mut h, r);
        for (i, s) in r.services.iter().enumerate() {
            service(&mut h, r, i, s);
        }
        for (i, v) in r.vendors.iter().enumerate() {
            vendor(&mut h, r, i, v);
        }
        if !r.ignored.is_empty() || !r.warnings.is_empty() {
            h.push_str("<section class=\"notes\">\n");
            if !r.warnings.is_empty() {
                h.push_str("<h2>警告</h2>\n<ul>\n");
                for w in &r.warnings {
                    let _ = writeln!(h, "<li class=\"warn\">{}</li>", escape(w));
                }
                h.push_str("</ul>\n");
            }
            if !r.ignored.is_empty() {
                h.push_str("<h2>契約書でないため無視したファイル</h2>\n");
                documents(&mut h, &r.ignored);
            }
            h.push_str("</section>\n");
        }
        let _ = write!(
            h,
            "<footer>keiyaku {} が作成（スキーマ {}）。この結果は条項の文言の自動照合であり、法的な判断ではありません。</footer>\n\
             <script>{}</script>\n</body>\n</html>\n",
            escape(r.tool.version),
            escape(r.schema),
            SCRIPT
        );
        out.write_all(h.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            escape("<script>a='x'&\"y\"</script>"),
            "&lt;script&gt;a=&#39;x&#39;&amp;&quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{0}b"), "a\\u{0000}b");
    }

    #[test]
    fn highlights_the_match_and_escapes_both_parts() {
        let (h, found) = highlighted("乙は<b>直ちに報告</b>する", "直ちに報告");
        assert!(found);
        assert_eq!(h, "乙は&lt;b&gt;<mark>直ちに報告</mark>&lt;/b&gt;する");
        let (h, found) = highlighted("a<b", "<");
        assert!(found);
        assert_eq!(h, "a<mark>&lt;</mark>b");
    }

    #[test]
    fn a_table_row_match_is_found_across_separators() {
        let text = "運用状況レポート ｜ 月1回 ｜ 稼働率";
        let (a, b) = find_match(text, "レポート\t月1回\t").unwrap();
        assert_eq!(&text[a..b], "レポート ｜ 月1回");
        assert_eq!(find_match("ＴＬＳ1.2", "TLS"), Some((0, 9)));
        assert_eq!(find_match("abc", "xyz"), None);
        assert_eq!(find_match("abc", ""), None);
    }

    #[test]
    fn the_policy_allows_exactly_the_inline_script() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none';"));
        assert!(csp.contains(&script_hash()));
        assert!(!csp.contains("script-src 'unsafe-inline'"));
    }
}
