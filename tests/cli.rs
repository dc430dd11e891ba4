//! Runs the real binary on samples/ and on temporary folders: statuses per
//! vendor, document statuses, exit codes.

mod util;
use util::*;

fn s(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn complete_vendor_has_every_provision_present() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    let v = vendor(&r, "さくらメディカルクラウド");
    assert!(
        v["provisions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "present"),
        "{}",
        statuses(v)
    );
    assert_eq!(v["complete"], true);
}

#[test]
fn wrong_party_definition_only_best_effort_and_approval_traps() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    assert_eq!(
        statuses(vendor(&r, "北斗システムサービス")),
        s(
            "responsibility-scope=missing incident-reporting=missing periodic-reporting=weak
           investigation-lead=present investigation-cooperation=present supervision-audit=present
           subcontractor-responsibility=weak transmission-security=missing"
        )
    );
}

#[test]
fn vendor_drafted_terms_with_negations_toc_and_deleted_article() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    assert_eq!(
        statuses(vendor(&r, "ことぶきデータ")),
        s(
            "responsibility-scope=present incident-reporting=present periodic-reporting=missing
           investigation-lead=present investigation-cooperation=weak supervision-audit=negated
           subcontractor-responsibility=negated transmission-security=present"
        )
    );
}

#[test]
fn ko_as_vendor_with_deleted_revision_comment_and_header() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    assert_eq!(
        statuses(vendor(&r, "東和ソフトウェア")),
        s(
            "responsibility-scope=present incident-reporting=present periodic-reporting=missing
           investigation-lead=present investigation-cooperation=missing supervision-audit=present
           subcontractor-responsibility=present transmission-security=missing"
        )
    );
}

#[test]
fn proviso_cross_reference_condition_and_one_off_report_traps() {
    // ただし…この限りでない keeps the duty; 「第1条（障害の報告）に定める報告をしない場合」 is a
    // condition, not a negation; a per-job 作業報告書 and a cross-reference to a
    // 定期報告 article are not periodic reporting.
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    assert_eq!(
        statuses(vendor(&r, "瀬田データサービス")),
        s(
            "responsibility-scope=missing incident-reporting=present periodic-reporting=missing
           investigation-lead=missing investigation-cooperation=present supervision-audit=present
           subcontractor-responsibility=missing transmission-security=present"
        )
    );
}

#[test]
fn image_only_scan_makes_unfound_provisions_unknown() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    let v = vendor(&r, "信州ネットワーク");
    assert_eq!(
        statuses(v),
        s(
            "responsibility-scope=unknown incident-reporting=present periodic-reporting=unknown
           investigation-lead=unknown investigation-cooperation=unknown supervision-audit=present
           subcontractor-responsibility=present transmission-security=present"
        )
    );
    assert_eq!(v["complete"], false);
    let scan = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "信州ネットワーク/特記事項_押印済.pdf")
        .unwrap();
    assert_eq!(scan["status"], "no_text");
}

#[test]
fn every_input_file_is_listed_with_its_status() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    let v = vendor(&r, "港北ITサービス");
    let docs: Vec<(String, String)> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        ("港北ITサービス/別紙_通信仕様.pdf", "encrypted"),
        ("港北ITサービス/旧契約書.docx", "error"),
        ("港北ITサービス/業務委託契約書.docx", "ok"),
        ("港北ITサービス/見積書.xlsx", "error"),
    ];
    assert_eq!(docs, expect.map(|(a, b)| (a.to_string(), b.to_string())));
    // Every input is hashed, the unreadable ones too.
    assert!(v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["sha256"].as_str().is_some_and(|h| h.len() == 64)));
    // The encrypted annex holds the only transmission clause: not "missing".
    assert!(
        statuses(v).ends_with("transmission-security=unknown"),
        "{}",
        statuses(v)
    );
    assert_eq!(r["summary"]["documents"], 15);
}

#[test]
fn loose_file_is_its_own_vendor_named_after_the_counterparty() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    let v = vendor(&r, "株式会社みらいヘルステック");
    assert_eq!(v["documents"][0]["path"], "覚書_みらいヘルステック.txt");
    assert!(statuses(v).contains("periodic-reporting=present"));
}

#[test]
fn evidence_cites_file_page_and_clause() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    let v = vendor(&r, "さくらメディカルクラウド");
    let periodic = &v["provisions"][2];
    assert_eq!(periodic["id"], "periodic-reporting");
    let e = &periodic["evidence"][0];
    assert_eq!(e["path"], "さくらメディカルクラウド/SLA.pdf");
    assert_eq!(e["page"], 1);
    assert_eq!(e["clause"], "第2条");
    // The matched words are quoted as written (full-width, line breaks and all).
    assert!(e["matched"].as_str().unwrap().contains("月1回"), "{e}");
    // Automatic DOCX numbering gives the clause a reader sees.
    let coop = &v["provisions"][4]["evidence"][0];
    assert_eq!(coop["clause"], "第4条第2項");
}

#[test]
fn report_names_schema_rules_and_hashes() {
    let r = scan_json(&[samples().to_str().unwrap()], &[]);
    assert_eq!(r["schema"], "keiyaku.report/3");
    assert_eq!(r["rules"]["id"], "mhlw-guideline-5.2-outsourcing");
    assert_eq!(r["rules"]["sha256"].as_str().unwrap().len(), 64);
    let d = &vendor(&r, "ことぶきデータ")["documents"][0];
    assert_eq!(d["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(d["parties"][0]["label"], "当社");
    assert_eq!(d["parties"][0]["role"], "vendor");
}

#[test]
fn fail_on_missing_exits_1_and_never_exits_0() {
    let dir = samples();
    let o = keiyaku(&["scan", "--fail-on", "missing", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let o = keiyaku(&["scan", "--fail-on", "never", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let complete = dir.join("さくらメディカルクラウド");
    let o = keiyaku(&["scan", "--fail-on", "weak", complete.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn missing_path_is_a_usage_error_with_exit_2() {
    let o = keiyaku(&["scan", "/no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no such file or folder"),
        "{}",
        stderr(&o)
    );
    let o = keiyaku(&["scan"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_rule_file_exits_2_with_path_line_and_caret() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "id = \"x\"\nversion = \"1\"\n[[provision]]\nid = \"a\"\ntitle = \"A\"\nbinds = \"vendor\"\nkeywords = [\"報告\"]\n[[provision.pattern]]\nmatch = '報告('\n").unwrap();
    let o = keiyaku(&[
        "scan",
        "--rules",
        rules.to_str().unwrap(),
        samples().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("rules.toml:9:9"), "{err}");
    assert!(err.contains("^"), "{err}");
}

#[test]
fn text_report_has_marks_and_no_colour_when_piped() {
    let o = keiyaku(&["scan", samples().to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("■ 北斗システムサービス"));
    assert!(out.contains("△ 安全管理状況の定期報告"));
    assert!(out.contains("合計: 9 社、15 ファイル"), "{out}");
    assert!(!out.contains('\x1b'));
    // The overview: one line per vendor, a mark per provision.
    let row = out
        .lines()
        .find(|l| l.starts_with("北斗システムサービス "))
        .expect("overview row");
    let marks: Vec<&str> = row.split_whitespace().skip(1).collect();
    assert_eq!(marks, ["×", "×", "△", "○", "○", "○", "△", "×"]);
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let o = keiyaku(&[
        "scan",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
        samples().join("ことぶきデータ").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(v["vendors"].as_array().unwrap().len(), 1);
}

#[test]
fn text_command_shows_extracted_and_normalized_text() {
    let f = samples().join("ことぶきデータ/利用規約.docx");
    let o = keiyaku(&["text", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    // Numbering from numbering.xml through the paragraph style, in kanji.
    assert!(
        stdout(&o).contains("第七条\u{3000}（監査）"),
        "{}",
        stdout(&o)
    );
    let pdf = samples().join("北斗システムサービス/保守委託契約書.pdf");
    let o = keiyaku(&["text", "--normalized", pdf.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("[p.1 第4条 Body] 受託者は、四半期ごとに保守作業の状況及び安全対策の実施状況を委託者に報告するよう努めるものとする。"), "{out}");
}

#[test]
fn text_command_on_unreadable_file_exits_2_with_reason() {
    let f = samples().join("港北ITサービス/別紙_通信仕様.pdf");
    let o = keiyaku(&["text", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("encrypted"), "{}", stderr(&o));
}

#[test]
fn deleted_revisions_comments_and_headers_are_not_clause_text() {
    let f = samples().join("東和ソフトウェア/保守サービス契約書.docx");
    let out = stdout(&keiyaku(&["text", f.to_str().unwrap()]));
    assert!(!out.contains("VPN"), "deleted revision leaked: {out}");
    assert!(!out.contains("毎月、安全管理措置"), "comment leaked");
    assert!(!out.contains("通信はすべて暗号化"), "header leaked");
    assert!(
        out.contains("接続の記録は甲が保存する。"),
        "inserted revision lost"
    );
}

#[test]
fn keiyaku_toml_overrides_the_vendor_label() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("ベンダX");
    std::fs::create_dir(&v).unwrap();
    // No preamble: 甲 would be read as the customer by default.
    std::fs::write(
        v.join("覚書.txt"),
        "第1条（報告）\n甲は、障害が発生したときは、直ちに乙に報告しなければならない。\n",
    )
    .unwrap();
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    assert!(statuses(vendor(&r, "ベンダX")).contains("incident-reporting=missing"));
    std::fs::write(
        dir.path().join("keiyaku.toml"),
        "[vendors.\"ベンダX\".parties]\n\"甲\" = \"vendor\"\n\"乙\" = \"customer\"\n",
    )
    .unwrap();
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    assert!(
        statuses(vendor(&r, "ベンダX")).contains("incident-reporting=present"),
        "{}",
        statuses(vendor(&r, "ベンダX"))
    );
    let parties = vendor(&r, "ベンダX")["documents"][0]["parties"]
        .as_array()
        .unwrap()
        .clone();
    let ko = parties
        .iter()
        .find(|p| p["label"] == "甲")
        .expect("甲 reported");
    assert_eq!(ko["role"], "vendor");
    assert_eq!(ko["name"], "keiyaku.toml");
}

#[test]
fn hostile_files_get_a_status_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("V");
    std::fs::create_dir(&v).unwrap();
    std::fs::write(v.join("empty.pdf"), b"").unwrap();
    std::fs::write(
        v.join("garbage.pdf"),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj trailer << /Root 1 0 R >>",
    )
    .unwrap();
    std::fs::write(v.join("notzip.docx"), b"hello").unwrap();
    std::fs::write(
        v.join("nested.pdf"),
        format!("%PDF-1.4\n1 0 obj {} endobj\n", "[".repeat(100_000)),
    )
    .unwrap();
    std::fs::write(
        v.join("ok.txt"),
        "乙は、障害が発生したときは、直ちに甲に報告しなければならない。",
    )
    .unwrap();
    let r = scan_json(&[dir.path().to_str().unwrap()], &[]);
    let v = vendor(&r, "V");
    let statuses: Vec<&str> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["error", "error", "error", "error", "ok"]);
    assert_eq!(v["provisions"][1]["status"], "present");
}

#[test]
fn rules_check_and_explain_describe_the_default_set() {
    let dir = root().join("clause_patterns");
    let o = keiyaku(&["rules", "check", "--rules", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("21 provisions"));
    let o = keiyaku(&["rules", "explain", "transmission-security"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("通信の暗号化・盗聴対策") && out.contains("推奨条項例"),
        "{out}"
    );
    let o = keiyaku(&["rules", "explain", "no-such-provision"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("incident-reporting"),
        "lists the known ids"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = samples().join("ことぶきデータ");
    let o = keiyaku(&["scan", "--color", "always", dir.to_str().unwrap()]);
    assert!(stdout(&o).contains("\x1b["));
    let o = keiyaku(&["scan", "--color", "auto", dir.to_str().unwrap()]);
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn a_scan_ends_with_a_summary_line_on_stderr_unless_quiet() {
    let dir = samples();
    let o = keiyaku(&["scan", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.starts_with("keiyaku: 9 社・15 ファイル（読取不可 4、未対応 0、未開封 0）"),
        "{err}"
    );
    // Not a terminal: no progress bar drawn.
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = keiyaku(&["scan", "--quiet", dir.to_str().unwrap()]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn text_report_quotes_the_deciding_sentence_and_shows_the_party_mapping() {
    let o = keiyaku(&["scan", samples().to_str().unwrap()]);
    let out = stdout(&o);
    assert!(
        out.contains(
            "当事者: 甲＝社会医療法人青葉会（委託者）、乙＝株式会社みらいヘルステック（受託者）"
        ),
        "{out}"
    );
    assert!(
        out.contains("      第1条 「乙は、障害又は事故が発生したときは、直ちに甲に報告しなければならない。」"),
        "{out}"
    );
    // Negated and missing do not look alike.
    assert!(out.contains("  否 委託先の監督"), "{out}");
    assert!(out.contains("否 否定・免責"), "legend: {out}");
}

#[test]
fn suggest_prints_the_wording_with_the_contracts_own_labels() {
    let dir = samples().join("ことぶきデータ");
    let o = keiyaku(&["scan", "--suggest", dir.to_str().unwrap()]);
    let out = stdout(&o);
    // ことぶきデータ's terms call the vendor 当社 and the hospital お客様.
    let line = out
        .lines()
        .find(|l| l.contains("推奨条項例") && l.contains("定期"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("当社") && !line.contains('乙'), "{line}");
    let o = keiyaku(&["scan", dir.to_str().unwrap()]);
    assert!(!stdout(&o).contains("推奨条項例"));
}

#[test]
fn fail_on_says_on_stderr_which_vendors_fell_short() {
    let o = keiyaku(&[
        "scan",
        "--quiet",
        "--fail-on",
        "missing",
        samples().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("終了コード 1"), "{err}");
    assert!(err.contains("  港北ITサービス: ？通信暗号化"), "{err}");
    assert!(!err.contains("さくらメディカルクラウド"), "{err}");
}

#[test]
fn rules_list_and_explain_by_short_name_or_title_without_patterns_unless_asked() {
    let o = keiyaku(&["rules", "list"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("incident-reporting  事故報告  事故・障害発生時の報告義務"));
    for name in [
        "事故報告",
        "事故・障害発生時の報告義務",
        "incident-reporting",
    ] {
        let o = keiyaku(&["rules", "explain", name]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let out = stdout(&o);
        assert!(out.contains("○ あり") && out.contains("△ 弱い"), "{out}");
        assert!(!out.contains("patterns:"), "{out}");
    }
    let o = keiyaku(&["rules", "explain", "--patterns", "事故報告"]);
    assert!(stdout(&o).contains("patterns:"));
}

#[test]
fn rules_export_writes_the_embedded_set_that_loads_with_the_same_hash() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rules");
    let o = keiyaku(&["rules", "export", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let exported = keiyaku(&["rules", "check", "--rules", out.to_str().unwrap()]);
    let embedded = keiyaku(&["rules", "check"]);
    assert_eq!(stdout(&exported), stdout(&embedded));
    // Never over an existing set.
    let o = keiyaku(&["rules", "export", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn clicolor_force_colours_a_pipe_and_color_never_wins() {
    let dir = samples().join("ことぶきデータ");
    let run = |envs: &[(&str, &str)], extra: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_keiyaku"));
        c.args(["scan", "--guideline", "5.2", "--quiet"])
            .args(extra)
            .arg(&dir);
        c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in envs {
            c.env(k, v);
        }
        stdout(&c.output().unwrap())
    };
    assert!(run(&[("CLICOLOR_FORCE", "1")], &[]).contains('\x1b'));
    assert!(!run(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]).contains('\x1b'));
    assert!(!run(&[], &[]).contains('\x1b'));
}

#[test]
fn per_document_caps_are_flags_and_are_recorded_in_the_report() {
    let sla = samples().join("さくらメディカルクラウド/SLA.pdf");
    let sla = sla.to_str().unwrap();
    // A glyph cap of a few glyphs leaves the page unread, named as such.
    let r = scan_json(&[sla], &["--max-glyphs", "5"]);
    let d = &r["vendors"][0]["documents"][0];
    assert_eq!(d["status"], "ok", "{d}");
    assert_eq!(d["unread_pages"][0]["reason"], "glyph_cap", "{d}");
    let opts: Vec<&str> = r["run"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.as_str())
        .collect();
    assert!(opts.contains(&"--max-glyphs 5"), "{opts:?}");
    // A tiny work budget makes the document an error naming the budget.
    let r = scan_json(&[sla], &["--max-work", "100"]);
    let d = &r["vendors"][0]["documents"][0];
    assert_eq!(d["status"], "error", "{d}");
    assert!(d["reason"].as_str().unwrap().contains("budget"), "{d}");
    // A file over the size cap is not read.
    let r = scan_json(&[sla], &["--max-file-mb", "0"]);
    let d = &r["vendors"][0]["documents"][0];
    assert_eq!(d["status"], "error", "{d}");
    // Defaults are not recorded.
    let r = scan_json(&[sla], &[]);
    assert!(
        !r["run"]["options"].to_string().contains("--max-"),
        "{}",
        r["run"]["options"]
    );
}
