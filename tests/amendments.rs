//! Amending instruments: a vendor's statuses are decided on its contract as
//! amended, in the order the instruments take effect, and a change that
//! cannot be applied leaves what it touches unknown, with a note.

mod util;

use util::*;

fn data(sub: &str) -> String {
    root()
        .join("tests/data/amendments")
        .join(sub)
        .to_string_lossy()
        .into_owned()
}

fn notes(v: &serde_json::Value, file: &str) -> Vec<String> {
    v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no document {file}"))["notes"]
        .as_array()
        .map(|n| n.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn derived(p: &serde_json::Value) -> &str {
    p["evidence"][0]["derived"]["note"].as_str().unwrap_or("")
}

#[test]
fn a_chain_of_three_memoranda_is_applied_in_date_order_to_the_base_contract() {
    let r = scan_json(&[&data("chain")], &["--ocr", "never"]);
    let v = vendor(&r, "北辰保守");
    assert_eq!(
        statuses(v),
        "responsibility-scope=present incident-reporting=weak periodic-reporting=missing \
         investigation-lead=present investigation-cooperation=present supervision-audit=present \
         subcontractor-responsibility=missing transmission-security=present"
    );
    assert_eq!(v["complete"], true);
    // The weakening: 努めるものとする in 第3条 as amended, and which memorandum did it.
    let incident = provision(v, "incident-reporting");
    assert_eq!(incident["evidence"][0]["basis"], "best_effort");
    assert_eq!(
        derived(incident),
        "2025年3月14日付覚書 第1条により改正後の第3条"
    );
    assert_eq!(
        incident["evidence"][0]["derived"]["path"],
        "北辰保守/覚書_01.txt"
    );
    // The deleted 第7条 no longer counts; 第8条 became 第7条 before 2025 reworded it.
    let tx = provision(v, "transmission-security");
    assert_eq!(tx["evidence"][0]["clause"], "第7条");
    assert_eq!(derived(tx), "2025年3月14日付覚書 第3条により改正後の第7条");
    // An inserted article counts like any other, and says where it came from.
    let lead = provision(v, "investigation-lead");
    assert_eq!(lead["evidence"][0]["clause"], "第4条の2");
    assert_eq!(
        derived(lead),
        "2026年4月1日付変更覚書 第1項により追加された第4条の2"
    );
    assert_eq!(
        notes(v, "保守委託契約書.txt"),
        ["改正を反映して判定（令和6年3月1日付覚書、2025年3月14日付覚書、2026年4月1日付変更覚書）"]
    );
    assert_eq!(
        notes(v, "覚書_01.txt"),
        ["保守委託契約書.txt を改正（変更 3 件を適用）"]
    );
}

#[test]
fn words_an_article_does_not_hold_leave_its_provisions_unknown_and_say_why() {
    let r = scan_json(&[&data("unresolved")], &["--ocr", "never"]);
    let v = vendor(&r, "語句なし");
    // 第3条 is the only incident-reporting clause: not guessed present.
    assert_eq!(provision(v, "incident-reporting")["status"], "unknown");
    // What the change does not touch is decided as usual, missing included.
    assert_eq!(provision(v, "investigation-lead")["status"], "missing");
    assert_eq!(provision(v, "periodic-reporting")["status"], "present");
    assert_eq!(v["complete"], false);
    assert_eq!(
        notes(v, "覚書.txt"),
        ["改正を適用できない: 第1条 「第3条中「速やかに」を「遅滞なく」に改める」— 保守委託契約書.txt: 改める語句「速やかに」が第3条にない（関わる条項は不明）"]
    );
}

#[test]
fn an_amendment_of_a_contract_not_in_the_folder_makes_the_not_found_provisions_unknown() {
    let r = scan_json(&[&data("unresolved")], &["--ocr", "never"]);
    let v = vendor(&r, "原契約なし");
    assert_eq!(provision(v, "investigation-lead")["status"], "unknown");
    assert_eq!(provision(v, "incident-reporting")["status"], "present");
    let n = notes(v, "覚書.txt");
    assert_eq!(n.len(), 1);
    assert!(
        n[0].contains("改正する「運用委託契約書」（2020年10月1日付）がこの事業者の文書にない"),
        "{n:?}"
    );
}

#[test]
fn the_consolidated_text_marks_each_amended_article_and_the_order_applied() {
    let o = keiyaku(&["text", "--consolidated", &data("chain/北辰保守")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.starts_with("■ 保守委託契約書.txt — 改正 3 件を反映した条文\n  1. 令和6年3月1日付覚書（覚書_03.txt、効力発生 令和6年4月1日）\n  2. 2025年3月14日付覚書（覚書_01.txt、効力発生 2025年4月1日）\n  3. 2026年4月1日付変更覚書（覚書_02.txt）\n"), "{t}");
    for expected in [
        "【2025年3月14日付覚書 第1条により一部改正】\n第3条（事故報告）\n乙は、障害又は事故が発生したときは、直ちに甲に報告するよう努めるものとする。\n",
        "【2026年4月1日付変更覚書 第1項により追加】\n（原因調査）\n第4条の2　障害又は事故の原因調査は、乙が主導して行う。\n",
        "【2025年3月14日付覚書 第2条により改正】\n（報告）\n第5条　乙は、甲の求めに応じて、保守作業の実施状況を甲に報告する。\n",
        "【令和6年3月1日付覚書 第1条により削除】\n（第7条\u{3000}削除）\n",
        "【令和6年3月1日付覚書 第1条により条番号変更（旧第8条）】【2025年3月14日付覚書 第3条により一部改正】\n第7条（通信の暗号化）\n",
    ] {
        assert!(t.contains(expected), "missing {expected:?} in\n{t}");
    }
    // The instruments' own text is not printed as contract text.
    assert!(!t.contains("本覚書は"), "{t}");
}

#[test]
fn the_consolidated_text_names_a_change_it_could_not_apply() {
    let o = keiyaku(&["text", "--consolidated", &data("unresolved/語句なし")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(
        t.contains("  適用できない: 覚書.txt 第1条 「第3条中「速やかに」を「遅滞なく」に改める」— 改める語句「速やかに」が第3条にない\n"),
        "{t}"
    );
    assert!(
        t.contains("【改正を適用できず：内容不明】\n第3条（事故報告）"),
        "{t}"
    );
    let o = keiyaku(&[
        "text",
        "--consolidated",
        &data("unresolved/原契約なし/覚書.txt"),
    ]);
    assert_eq!(o.status.code(), Some(2), "a file is not a vendor folder");
}

#[test]
fn the_samples_vendor_with_a_memorandum_is_decided_and_printed_as_amended() {
    let r = scan_json(&[samples().to_str().unwrap()], &["--ocr", "never"]);
    let v = vendor(&r, "若葉メディカルシステム");
    assert_eq!(
        statuses(v),
        "responsibility-scope=present incident-reporting=weak periodic-reporting=missing \
         investigation-lead=present investigation-cooperation=present supervision-audit=present \
         subcontractor-responsibility=missing transmission-security=present"
    );
    let dir = samples().join("若葉メディカルシステム");
    let o = keiyaku(&["text", "--consolidated", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    for expected in [
        "■ 保守委託契約書.docx — 改正 1 件を反映した条文\n",
        "【2025年3月10日付覚書 第2条により改正】\n（業務報告）\n第4条　乙は、甲の求めに応じて、本業務の実施状況を甲に報告する。\n",
        "【2025年3月10日付覚書 第3条により削除】\n（第7条\u{3000}削除）\n",
        "【2025年3月10日付覚書 第4条により第5条第2項を追加】\n",
    ] {
        assert!(t.contains(expected), "missing {expected:?} in\n{t}");
    }
}

/// The same 覚書 with its 新旧対照表 as a DOCX table (改正後 | 改正前) and as
/// a PDF (改正前 | 改正後): decided alike, on the contract as amended.
#[test]
fn a_comparison_table_amends_the_contract_in_docx_and_pdf_alike() {
    let r = scan_json(&[&data("oldnew")], &["--ocr", "never"]);
    for name in ["南星システム", "南星システムPDF"] {
        let v = vendor(&r, name);
        // Unamended: incident-reporting and periodic-reporting present,
        // investigation-lead missing, subcontractor-responsibility present.
        assert_eq!(
            statuses(v),
            "responsibility-scope=present incident-reporting=weak periodic-reporting=missing \
             investigation-lead=present investigation-cooperation=present supervision-audit=present \
             subcontractor-responsibility=missing transmission-security=present",
            "{name}"
        );
        assert_eq!(v["complete"], true, "{name}");
        // The weakened reporting duty, and the table that weakened it.
        let incident = provision(v, "incident-reporting");
        assert_eq!(incident["evidence"][0]["basis"], "best_effort", "{name}");
        assert_eq!(
            derived(incident),
            "2025年3月14日付覚書（新旧対照表）により改正後の第3条"
        );
        // The new article counts, and says where it came from.
        let lead = provision(v, "investigation-lead");
        assert_eq!(lead["evidence"][0]["clause"], "第8条の2");
        assert_eq!(
            derived(lead),
            "2025年3月14日付覚書（新旧対照表）により追加された第8条の2"
        );
        let memo = if name.ends_with("PDF") {
            "覚書.pdf"
        } else {
            "覚書.docx"
        };
        assert_eq!(
            notes(v, memo),
            ["保守委託契約書.docx を改正（変更 4 件を適用）"],
            "{name}"
        );
        assert_eq!(
            notes(v, "保守委託契約書.docx"),
            ["改正を反映して判定（2025年3月14日付覚書）"]
        );
    }
}

#[test]
fn the_consolidated_text_shows_the_rows_of_a_comparison_table_applied() {
    for name in ["南星システム", "南星システムPDF"] {
        let o = keiyaku(&["text", "--consolidated", &data(&format!("oldnew/{name}"))]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let t = stdout(&o);
        for expected in [
            "【2025年3月14日付覚書（新旧対照表）により改正】\n第3条（事故報告）\u{3000}乙は、障害又は事故が発生したときは、直ちに甲に報告するよう努めるものとする。\n第4条（調査協力）\n",
            // Paragraph 2 only: the first, 「（略）」 in the table, stays.
            "【2025年3月14日付覚書（新旧対照表）により改正】\n第5条（報告）\n乙は、保守作業の記録を作成し、保管する。\n２\u{3000}乙は、甲の求めに応じて、保守作業の実施状況を甲に報告する。\n",
            "【2025年3月14日付覚書（新旧対照表）により削除】\n（第7条\u{3000}削除）\n",
            "【2025年3月14日付覚書（新旧対照表）により追加】\n第8条の2（原因調査）\u{3000}障害又は事故の原因調査は、乙が主導して行う。\n以上\n",
        ] {
            assert!(t.contains(expected), "{name}: missing {expected:?} in\n{t}");
        }
        // The deleted article's text is not the contract's any more.
        assert!(!t.contains("一切の責任を負う"), "{t}");
    }
}

/// Mutated instruments (lines dropped, repeated, cut, article numbers
/// changed) beside their contract: every scan ends with every document
/// listed, never a crash.
#[test]
fn mutated_instruments_never_stop_a_scan() {
    let dir = root().join("tests/data/amendments/chain/北辰保守");
    let base = std::fs::read_to_string(dir.join("保守委託契約書.txt")).unwrap();
    let mut sources = Vec::new();
    for f in ["覚書_01.txt", "覚書_02.txt", "覚書_03.txt"] {
        sources.push(std::fs::read_to_string(dir.join(f)).unwrap());
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for k in 0..40 {
        let v = tmp.path().join(format!("V{k:02}"));
        std::fs::create_dir(&v).unwrap();
        std::fs::write(v.join("保守委託契約書.txt"), &base).unwrap();
        for (n, src) in sources.iter().enumerate() {
            let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
            for _ in 0..4 {
                let len = lines.len().max(1);
                let i = (next() as usize) % len;
                let at = i % lines.len().max(1);
                match next() % 5 {
                    0 if lines.len() > 1 => {
                        lines.remove(i);
                    }
                    1 => {
                        let l = lines[at].clone();
                        lines.insert(i, l);
                    }
                    2 => {
                        let l = &mut lines[at];
                        let cut = l
                            .char_indices()
                            .map(|(p, _)| p)
                            .nth(l.chars().count() / 2)
                            .unwrap_or(0);
                        l.truncate(cut);
                    }
                    3 => {
                        let l = &mut lines[at];
                        *l = l.replace('3', "十二").replace('第', "同");
                    }
                    _ => lines.push("第99条中「」を「」に改める。".into()),
                }
            }
            std::fs::write(v.join(format!("覚書_{n}.txt")), lines.join("\n")).unwrap();
        }
    }
    let r = scan_json(&[tmp.path().to_str().unwrap()], &["--ocr", "never"]);
    assert_eq!(r["summary"]["vendors"], 40);
    assert_eq!(r["summary"]["documents"], 160);
    assert_eq!(r["summary"]["unreadable_documents"], 0);
}
