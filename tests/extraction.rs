//! Exact text of small PDFs made for keiyaku (scripts/fixtures/make_pdf_fixtures.py):
//! LibreOffice with IPAex and Noto CJK, reportlab with an embedded TrueType and
//! with the non-embedded HeiseiMin-W3 CID font, vertical setting, encryption
//! with an empty and a real user password, and a ghostscript re-distil.

use keiyaku::discover::Format;
use keiyaku::error::ExtractError;
use std::path::PathBuf;

const CLAUSE: &str = "第3条（事故の報告）";
const BODY: &str = "乙は、障害又は事故が発生したときは、直ちに甲に報告しなければならない。";
const LONG: &str = "乙は、本業務において医療情報をネットワークを介して送受信する場合には、TLS1.2以上のプロトコルによる暗号化又はIP-VPN等の閉域網の利用により、通信経路上の盗聴及び改ざんを防止しなければならない。";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn text(name: &str) -> Result<String, ExtractError> {
    let doc = keiyaku::app::extract_file(&fixture(name), Format::Pdf);
    doc.map(|d| d.plain_text())
}

#[test]
fn libreoffice_ipaex_wrapped_paragraph_joins_without_spaces() {
    assert_eq!(
        text("lo-ipaex.pdf").unwrap(),
        format!("{CLAUSE}\n{BODY}\n{LONG}\n")
    );
}

#[test]
fn libreoffice_noto_cjk_type1_subsets() {
    assert_eq!(
        text("lo-noto.pdf").unwrap(),
        format!("{CLAUSE}\n{BODY}\n{LONG}\n")
    );
}

#[test]
fn reportlab_embedded_truetype() {
    assert_eq!(
        text("reportlab-ttf.pdf").unwrap(),
        format!("{CLAUSE}\n{BODY}\n")
    );
}

#[test]
fn reportlab_non_embedded_heiseimin_with_predefined_cmap() {
    assert_eq!(
        text("reportlab-heiseimin.pdf").unwrap(),
        format!("{CLAUSE}\n{BODY}\n")
    );
}

#[test]
fn vertical_columns_read_right_to_left() {
    assert_eq!(
        text("reportlab-vertical.pdf").unwrap(),
        "第一条（報告）\n乙は直ちに甲に報告する。\n"
    );
}

#[test]
fn libreoffice_vertical_writing_with_turned_latin_reads_as_written() {
    // Columns right to left, each top to bottom; TLS1.2 and IP-VPN are set
    // turned a quarter and belong to their column; wrapped columns join.
    assert_eq!(
        text("lo-vertical.pdf").unwrap(),
        format!("{CLAUSE}\n{BODY}\n{LONG}\n")
    );
}

#[test]
fn two_column_terms_read_column_by_column() {
    let t = text("lo-two-columns.pdf").unwrap();
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[0], "ミナミ医療クラウド利用規約");
    let articles: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with('第'))
        .collect();
    assert_eq!(
        articles,
        [
            "第1条（障害の通知）",
            "第2条（原因調査）",
            "第3条（調査への協力）",
            "第4条（通信の暗号化）",
            "第5条（定期報告）",
            "第6条（監査）"
        ]
    );
    // A wrapped sentence of the left column stays one paragraph.
    assert!(lines.contains(&"当社は、前条の障害の原因調査を主導して行い、その範囲及び方法を決定します。調査の結果は、書面によりお客様に報告します。"));
}

#[test]
fn ruled_table_cells_and_a_wrapped_first_cell_follow_the_borders() {
    // The first data row's first cell wraps (情報セキュリティ対策実施状 / 況報告書)
    // and runs up to the border; the table's rules keep cells and rows apart.
    let t = text("lo-ruled-table.pdf").unwrap();
    assert!(
        t.contains("区分\t甲\t乙\n端末・院内LAN\t管理\t助言\nクラウド基盤\t―\t運用・障害対応\n"),
        "{t}"
    );
    assert!(t.contains("情報セキュリティ対策実施状況報告書\t四半期ごと\t安全管理措置の実施状況及び脆弱性診断の結果\n"), "{t}");
}

#[test]
fn vertical_predefined_cmap_uni_jis_ucs2_v() {
    assert_eq!(
        text("reportlab-heiseimin-v.pdf").unwrap(),
        "第一条（報告）\n乙は直ちに甲に報告する。\n"
    );
}

#[test]
fn empty_user_password_is_opened_for_rc4_aes128_and_aes256() {
    for f in [
        "enc-rc4-40-empty.pdf",
        "enc-aes128-empty.pdf",
        "enc-aes256-empty.pdf",
    ] {
        assert_eq!(
            text(f).unwrap(),
            format!("{CLAUSE}\n{BODY}\n{LONG}\n"),
            "{f}"
        );
    }
}

#[test]
fn real_user_password_gives_encrypted_status() {
    assert!(matches!(
        text("enc-aes256-userpw.pdf"),
        Err(ExtractError::Encrypted(_))
    ));
}

#[test]
fn glyphs_without_unicode_give_no_text_with_the_reason() {
    match text("ps2pdf-no-unicode.pdf") {
        Err(ExtractError::NoText(reason)) => assert!(reason.contains("no Unicode"), "{reason}"),
        other => panic!("expected no_text, got {other:?}"),
    }
}

#[test]
fn scanned_image_only_pdf_gives_no_text() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples/信州ネットワーク/特記事項_押印済.pdf");
    let doc = keiyaku::app::extract_file(&path, Format::Pdf);
    assert!(matches!(doc, Err(ExtractError::NoText(r)) if r.contains("image-only")));
}

#[test]
fn footers_of_a_one_page_pdf_are_furniture_not_clause_text() {
    // Nothing repeats on one page: the small company line and the notice far
    // below the body are footers by their size and their distance.
    let doc =
        keiyaku::app::extract_file(&fixture("reportlab-one-page-footer.pdf"), Format::Pdf).unwrap();
    let body: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
    assert!(body.iter().any(|t| t.contains(BODY)), "{body:?}");
    assert!(!body.iter().any(|t| t.contains("TLS")), "{body:?}");
    let furniture: Vec<&str> = doc.furniture.iter().map(|b| b.text.as_str()).collect();
    assert!(furniture.iter().any(|t| t.contains("TLS")), "{furniture:?}");
    assert!(
        furniture.iter().any(|t| t.contains("千代田区")),
        "{furniture:?}"
    );
}
