//! Command line, declared once with clap derive: doc comments are the help text.

pub mod output;

use crate::matching::parties::Role;
use crate::report::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// keiyaku — 委託先・クラウド事業者との契約書に、医療情報システムの安全管理に関するガイドラインが求める条項があるかを一括で確認します。
///
/// Scans vendor contracts (PDF, DOCX, DOC, ODT, RTF, XLSX, XLS, ODS, TXT, ZIP; scans by OCR) for the provisions Japan's guideline for
/// medical information systems requires, and reports per vendor which are present,
/// weak, negated, missing or unknown, with the clause that decided it.
#[derive(Debug, Parser)]
#[command(
    name = "keiyaku",
    version,
    propagate_version = true,
    after_help = "例 / Examples:\n  keiyaku scan 契約書/                          一覧を画面に表示\n  keiyaku scan 契約書/ -o 結果.json -o 結果.txt  報告を二つの形式で保存\n  keiyaku scan 契約書/ --fail-on missing        不足があれば終了コード 1\n  keiyaku text --normalized 契約書/ベンダA/SLA.pdf\n  keiyaku rules explain 事故報告"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 契約書を読み、事業者ごとに条項の有無を報告する / Scan contracts, report per vendor.
    ///
    /// フォルダを指定すると、その直下のフォルダが一つの事業者、その中のファイルがその事業者の文書です。フォルダ直下のファイル（または PATH に指定したファイル）は、前文の相手方の名前で一つの事業者になります。
    /// A folder: each first-level subfolder is one vendor and every file below it is one of its
    /// documents; a file directly in the folder (or given as PATH) is a vendor of its own.
    ///
    /// すべてのファイルが状態付きで一覧に載ります: ok（読取済）、error（破損・読めない）、encrypted（暗号化）、no_text（文字なし・スキャン）、unsupported（未対応の形式）、skipped（リンク・特殊ファイル：開いていない）、ignored（隠しファイル・ロックファイル・keiyaku の報告など、契約書でないもの）。ok と ignored 以外があると、その事業者で見つからなかった条項は「なし」ではなく「不明」になります。
    /// Every file is listed with a status; any status but ok and ignored makes the vendor's
    /// not-found provisions unknown, never missing.
    ///
    /// 終了コード / exit codes: 0 完了 / done; 1 --fail-on の条件に当たる事業者あり / a vendor falls
    /// short under --fail-on; 2 使い方の誤り・致命的な誤り / usage or fatal error (no such PATH, no
    /// documents found, a broken keiyaku.toml, a report that cannot be written).
    Scan(ScanArgs),
    /// 一つのファイルから読み取った本文を表示する / Print the text keiyaku read from one file.
    Text(TextArgs),
    /// 規則セットの確認・一覧・説明・書き出し / Check, list, explain or export a rule set.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// 二つの JSON 報告の違い（悪化・改善を先に）/ What changed between two JSON reports.
    ///
    /// 事業者×条項の判定の変化（悪化、改善の順に、新旧の根拠付き）、事業者の追加・削除、文書の追加・
    /// 削除・変更（sha256）。規則セットが異なるときは警告します（変化が規則によるものかもしれないため）。
    /// Status changes first (regressed, then improved, with both evidences), then vendors and
    /// documents added, removed or changed (by sha256); a warning when the rule sets differ.
    ///
    /// 終了コード / exit codes: 0 完了 / done; 1 --fail-on regressed で悪化あり / something got
    /// worse under --fail-on regressed; 2 報告が読めない / a report cannot be read.
    Diff(DiffArgs),
    /// 報告が作られたときの文書と今の文書が同じか確かめる / Is this the archive a report was made from?
    ///
    /// 報告に載った文書をすべて探し直してハッシュを比べ、同一・変更・なし・新規を表示します。
    /// Re-hashes every document the report lists and says which are unchanged, changed, missing
    /// or new. 終了コード / exit codes: 0 同一 / the same; 1 違いあり / any difference; 2 誤り / error.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// 前回の JSON 報告 / The earlier JSON report.
    pub old: PathBuf,
    /// 今回の JSON 報告 / The later JSON report.
    pub new: PathBuf,
    /// 出力の形式 / Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: AuditFormat,
    /// 終了コード 1 にする条件 / Exit with 1 when anything got worse (`regressed`) or never.
    #[arg(long, value_enum, default_value = "never")]
    pub fail_on: DiffFailOn,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// 確かめる JSON 報告 / The JSON report to check against.
    pub report: PathBuf,
    /// 文書のあるフォルダ（省略時は報告に記録された PATH）/ Where the documents are now
    /// [default: the PATHs the report records].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 出力の形式 / Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: AuditFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFailOn {
    Regressed,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// 読むフォルダまたはファイル / Folders or files to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 規則セット（clause_patterns/ のようなフォルダか TOML ファイル）/ Rule set [default: embedded]
    #[arg(long, value_name = "FILE|DIR")]
    pub rules: Option<PathBuf>,
    /// 報告の形式 / Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 照合するガイドラインの版 / Guideline edition to check against: 5.2 (別冊 p.26 の8条項、
    /// 従来どおりの報告), 6.0 (既定: 追加の12条項、必須と推奨を分けて表示；7.0 で加わる
    /// セキュリティアップデート責任も推奨として表示), 7.0 (6.0 と同じ条項、出典が二次情報のため暫定；
    /// --maintenance-delegated で更新責任が必須).
    #[arg(long, value_enum, default_value = "6.0")]
    pub guideline: crate::rules::Guideline,
    /// 7.0 保守委託機関編によるとき（みなし遵守）: security-update を必須にする / The hospital
    /// relies on 7.0 保守委託機関編: security-update becomes required.
    #[arg(long)]
    pub maintenance_delegated: bool,
    /// 報告をファイルに保存（複数可、拡張子で形式が決まる；`-` は標準出力）/ Write the report to FILE
    /// (repeatable; the extension chooses the format, else --format; `-` = standard output). Each
    /// file is replaced whole: the previous report stays intact if writing fails.
    #[arg(short, long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// 読むフォルダの中を指すシンボリックリンクをたどる / Follow symbolic links whose targets lie
    /// inside a scanned folder (each file read once, for one vendor). Without it, links are
    /// listed as skipped; links leading outside the scanned folders are never followed.
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// 進捗表示と最後の集計行を出さない / No progress bar and no summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// 同時に読む文書の数 / Documents read in parallel [default: all cores]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// 終了コード 1 にする条件 / Exit with 1 when a vendor or service falls short: `missing` =
    /// なし・否定・不明がある / missing, negated or unknown; `weak` = あり以外がある / not present;
    /// `regressed` = --baseline より悪化した / worse than --baseline; `never` = 常に 0.
    #[arg(long, value_enum, default_value = "never")]
    pub fail_on: FailOn,
    /// 前回の JSON 報告と比べ、違いを標準エラーに表示 / Compare with an earlier JSON report and
    /// print what changed on standard error (as `keiyaku diff`).
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// 監査用に実行日時（UTC）・コマンド行・作業フォルダ・絶対パス・ホスト名を報告に記録 / Record
    /// the scan time (UTC), command line, working folder, absolute PATHs and host name in the
    /// report (off by default, so that a re-run gives the same bytes).
    #[arg(long)]
    pub record: bool,
    /// 色付け / Colour in the text report and messages: auto (a terminal; NO_COLOR,
    /// CLICOLOR_FORCE and TERM=dumb honoured), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// 不足の下に推奨条項例を表示（契約書の甲乙で）/ Print suggested wording under each gap,
    /// with the contract's own party labels.
    #[arg(long)]
    pub suggest: bool,
    /// 当事者の役割を指定（複数可、keiyaku.toml より優先）/ Set a party's role for every document
    /// (repeatable; over keiyaku.toml and the preamble): `--party 甲=vendor --party 乙=customer`.
    /// 役割 / roles: vendor（受託者・事業者側）, customer（委託者・医療機関）, user（職員・患者）,
    /// both（双方）, other（第三者）.
    #[arg(long = "party", value_name = "LABEL=ROLE", value_parser = parse_party)]
    pub parties: Vec<PartyArg>,
    /// ○ △ × の表示幅 / Width of ○ △ × in the terminal: narrow (most terminals) or wide
    /// (terminals that show East Asian ambiguous characters wide).
    #[arg(long, value_enum, default_value = "narrow")]
    pub ambiguous_width: AmbiguousWidth,
    /// 1 ファイルの大きさの上限（MB）/ Files larger than this are not read (listed as error).
    #[arg(
        long,
        value_name = "MB",
        default_value_t = 512,
        help_heading = "上限 / Limits (per document; defaults far above any contract)"
    )]
    pub max_file_mb: u64,
    /// PDF 1 文書で読むページ数の上限 / Pages read from one PDF; the rest are listed as unread.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 5000,
        help_heading = "上限 / Limits (per document; defaults far above any contract)"
    )]
    pub max_pages: usize,
    /// PDF 1 文書で読む文字数の上限 / Glyphs read from one PDF, all pages together; the pages
    /// beyond are listed as unread (glyph cap).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 5_000_000,
        help_heading = "上限 / Limits (per document; defaults far above any contract)"
    )]
    pub max_glyphs: usize,
    /// 1 文書の処理量の上限（数えた作業量、秒ではない）/ Counted work for segmentation, parties
    /// and matching of one document (work, not seconds: the same report on any machine); over
    /// it the document is an error naming the budget.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 8_000_000_000,
        help_heading = "上限 / Limits (per document; defaults far above any contract)"
    )]
    pub max_work: u64,
    #[command(flatten)]
    pub ocr: OcrArgs,
}

/// OCR of scanned pages and image files by the external `tesseract`.
#[derive(Debug, Clone, clap::Args)]
pub struct OcrArgs {
    /// スキャン画像の文字認識（OCR、tesseract）/ OCR of scanned PDF pages and image files
    /// (.tif, .jpg, .png) with tesseract: auto = when `tesseract` with Japanese (jpn) is on
    /// PATH; always = stop at once if it is not; never = scans stay unread.
    #[arg(long, value_enum, default_value = "auto", help_heading = "OCR")]
    pub ocr: crate::extract::ocr::Mode,
    /// OCR 1 ページの時間上限（秒、実時間）/ Seconds tesseract may take on one page before
    /// it is stopped (wall-clock: the page is listed as unread, ocr_timeout).
    #[arg(long, value_name = "SECONDS", default_value_t = crate::extract::ocr::setup::DEFAULT_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..), help_heading = "OCR")]
    pub ocr_timeout: u64,
    /// OCR に渡す 1 ページの画素数の上限 / Pixels of one page image OCR reads; a larger
    /// page is listed as unread (ocr_image_cap).
    #[arg(long, value_name = "N", default_value_t = crate::extract::ocr::setup::DEFAULT_MAX_PIXELS, help_heading = "OCR")]
    pub ocr_max_pixels: u64,
}

impl OcrArgs {
    /// Look for tesseract as asked (`--ocr always` without it is an error).
    pub fn detect(&self) -> Result<crate::extract::ocr::Ocr, crate::extract::ocr::SetupError> {
        crate::extract::ocr::Ocr::detect(
            self.ocr,
            crate::extract::ocr::Settings {
                timeout: std::time::Duration::from_secs(self.ocr_timeout),
                max_pixels: self.ocr_max_pixels,
            },
        )
    }
}

impl ScanArgs {
    /// The per-document caps these options set.
    pub fn limits(&self) -> crate::app::limits::DocLimits {
        crate::app::limits::DocLimits {
            file_bytes: self.max_file_mb.saturating_mul(1024 * 1024),
            pdf_pages: self.max_pages,
            pdf_glyphs: self.max_glyphs,
            work: self.max_work,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Missing,
    MissingRecommended,
    Weak,
    Regressed,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AmbiguousWidth {
    Narrow,
    Wide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct TextArgs {
    /// PDF・DOCX・DOC・TXT・画像ファイル（--consolidated では事業者フォルダ）/ A PDF, DOCX, DOC,
    /// TXT file, or an image read by OCR (with --consolidated, a vendor folder).
    pub file: PathBuf,
    /// 照合に使う文（正規化済み、第N条第M項付き）を表示 / Show the sentences as matched:
    /// normalized (NFKC, spaces between Japanese characters removed), each with its clause.
    #[arg(long)]
    pub normalized: bool,
    /// 事業者フォルダの契約書を覚書・変更契約による改正を反映して表示（改正した条に印）/
    /// FILE is a vendor folder: print its contracts as amended by its 覚書 and 変更契約, each amended article marked.
    #[arg(long, conflicts_with_all = ["normalized", "furniture"])]
    pub consolidated: bool,
    /// ヘッダー・フッター・ページ番号も表示（照合しない部分）/ Also print headers, footers, page numbers.
    #[arg(long)]
    pub furniture: bool,
    #[command(flatten)]
    pub ocr: OcrArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// 規則セットを読み、すべての誤りを位置付きで報告 / Report every problem with file:line:column.
    Check(RulesArgs),
    /// 各条項の例文 [[example]] を試す / Run every provision's [[example]], report failures.
    Test(RulesArgs),
    /// 条項の一覧（id、名称、略称、出典、6.0 以降は層）/ List an edition's provisions: id, title, short name, source, and from 6.0 the tier.
    List(RulesArgs),
    /// 条項の説明・出典・例・推奨条項例 / Explain a provision: description, source, examples by
    /// expected status, suggested wording.
    Explain {
        /// id, short name or title: incident-reporting, 事故報告, 事故・障害発生時の報告義務
        provision: String,
        /// Also print the regular expressions that find it.
        #[arg(long)]
        patterns: bool,
        #[arg(long, value_name = "FILE|DIR")]
        rules: Option<PathBuf>,
        /// 版（条項の層はこの版のもの）/ Edition whose tier to show.
        #[arg(long, value_enum)]
        guideline: Option<crate::rules::Guideline>,
    },
    /// 埋め込みの規則セットをファイルに書き出す / Write the embedded rule set to DIR as files,
    /// so the exact rules of a run can be kept with its report.
    Export {
        /// A folder that does not exist yet or is empty.
        dir: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// 規則セット / Rule set folder or file [default: the embedded set]
    #[arg(long, value_name = "FILE|DIR")]
    pub rules: Option<PathBuf>,
    /// この版の条項だけ（list の既定は 6.0、check と test は全条項）/ Only this edition's
    /// provisions (list: 6.0 by default; check and test: every provision).
    #[arg(long, value_enum)]
    pub guideline: Option<crate::rules::Guideline>,
}

/// `--party 甲=vendor`: a label and the role it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyArg {
    pub label: String,
    pub role: Role,
}

/// Why a `--party` value cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PartyArgError {
    #[error(
        "「呼称=役割」の形で指定してください（例: 甲=vendor）/ expected LABEL=ROLE, e.g. 甲=vendor"
    )]
    NoEquals,
    #[error("呼称が空です / the label is empty")]
    EmptyLabel,
    #[error("役割「{0}」は使えません。vendor, customer, user, both, other のどれかです / unknown role {0:?}: use vendor, customer, user, both or other")]
    UnknownRole(String),
}

fn parse_party(s: &str) -> Result<PartyArg, PartyArgError> {
    let (label, role) = s.split_once('=').ok_or(PartyArgError::NoEquals)?;
    let label = label.trim();
    if label.is_empty() {
        return Err(PartyArgError::EmptyLabel);
    }
    let role = match role.trim().to_ascii_lowercase().as_str() {
        "vendor" | "provider" | "受託者" | "事業者" => Role::Vendor,
        "customer" | "委託者" | "医療機関" => Role::Customer,
        "user" | "利用者" => Role::User,
        "both" | "双方" => Role::Both,
        "other" | "第三者" => Role::Other,
        other => return Err(PartyArgError::UnknownRole(other.to_string())),
    };
    Ok(PartyArg {
        label: label.to_string(),
        role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_values_take_english_or_japanese_roles() {
        assert_eq!(
            parse_party("甲=vendor"),
            Ok(PartyArg {
                label: "甲".into(),
                role: Role::Vendor
            })
        );
        assert_eq!(parse_party("乙=委託者").map(|p| p.role), Ok(Role::Customer));
        assert_eq!(parse_party("乙"), Err(PartyArgError::NoEquals));
        assert_eq!(parse_party("=vendor"), Err(PartyArgError::EmptyLabel));
        assert!(matches!(
            parse_party("甲=vender"),
            Err(PartyArgError::UnknownRole(_))
        ));
    }
}
