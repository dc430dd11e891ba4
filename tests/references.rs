//! References inside a contract: an article applied to another case with
//! its words read anew (準用 with 読替え), a proviso that creates a duty, and
//! a lead named by rule, settled by the allocation of responsibilities.

mod util;

use util::*;

fn scan() -> serde_json::Value {
    let dir = root().join("tests/data/references/contracts");
    scan_json(&[dir.to_str().unwrap()], &["--ocr", "never"])
}

#[test]
fn an_article_applied_with_rereading_binds_the_vendor_it_names() {
    let r = scan();
    let v = vendor(&r, "準用読替");
    // 第3条 binds the hospital; only 第4条's 準用 makes it the vendor's duty.
    let p = provision(v, "incident-reporting");
    assert_eq!(p["status"], "present");
    let e = &p["evidence"][0];
    assert_eq!(e["clause"], "第4条");
    assert_eq!(
        e["text"],
        "乙は、保守用端末を紛失したときは、直ちに甲に報告しなければならない。"
    );
    assert_eq!(e["derived"]["kind"], "application");
    assert_eq!(
        e["derived"]["note"],
        "第3条を準用（乙について、「甲」を「乙」、「乙」を「甲」、「院内の端末に障害を発見した」を「保守用端末を紛失した」と読替え）"
    );
}

#[test]
fn a_proviso_that_creates_a_duty_is_read_as_that_duty() {
    let r = scan();
    let p = provision(vendor(&r, "準用読替"), "supervision-audit");
    assert_eq!(p["status"], "present");
    assert_eq!(
        p["evidence"][0]["text"],
        "ただし、甲から提出を求められた場合は、速やかに提出するものとする。"
    );
}

#[test]
fn a_lead_named_by_rule_is_present_with_an_allocation_and_weak_without() {
    let r = scan();
    let with = provision(vendor(&r, "準用読替"), "investigation-lead");
    assert_eq!(with["status"], "present");
    assert_eq!(
        with["evidence"][0]["derived"]["note"],
        "規則で定める主体：責任分界（保守委託契約書.txt 第2条）により決まる"
    );
    let alone = provision(vendor(&r, "規則のみ"), "investigation-lead");
    assert_eq!(alone["status"], "weak");
    assert_eq!(alone["evidence"][0]["basis"], "rule");
}
