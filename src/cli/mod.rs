//! Command line, declared once with clap derive: doc comments are the help text.

pub mod output;

use crate::report::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// keiyaku — 委託先・クラウド事業者との契約書に、医療情報システムの安全管理に関するガイドラインが求める条項があるかを一括で確認します。
///
/// Scans vendor contracts (PDF, DOCX, TXT) for the provisions Japan's guideline for
/// medical information systems requires, and reports per vendor which are present,
/// weak, negated, missing or unknown, with the clause that decided it.
#[derive(Debug, Parser)]
#[command(
    name = "keiyaku",
    version,
    propagate_version = true,
    after_help = "Examples:\n  keiyaku scan 契約書/\n  keiyaku scan 契約書/ --format json -o report.json --fail-on missing\n  keiyaku text --normalized 契約書/ベンダA/SLA.pdf\n  keiyaku rules explain incident-reporting"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan contracts and report missing provisions per vendor.
    ///
    /// A folder: each first-level subfolder is one vendor and every supported file below it
    /// is one of its documents; a file directly in the folder (or given as PATH) is its own
    /// vendor, named after the counterparty in its preamble.
    ///
    /// Every file found is listed with a status: ok, error, encrypted, no_text, unsupported
    /// (a type keiyaku does not read yet), skipped (a symbolic link, FIFO or device: not opened)
    /// or ignored (hidden files, Office lock files, Thumbs.db, keiyaku's own reports). Any status
    /// but ok and ignored makes the vendor's not-found provisions unknown, never missing.
    ///
    /// Exit codes: 0 scan done; 1 with --fail-on when a vendor falls short; 2 usage or fatal
    /// error (a PATH that does not exist, no documents found, a broken keiyaku.toml, a report
    /// that cannot be written). An unreadable document never stops the scan.
    Scan(ScanArgs),
    /// Print the text keiyaku extracted from one file (pages separated by a form feed).
    Text(TextArgs),
    /// Check, test or explain a rule set.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Folders or files to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Rule set: a folder like clause_patterns/ or one TOML file [default: the embedded set]
    #[arg(long, value_name = "FILE|DIR")]
    pub rules: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of standard output (`-` = standard output). May be
    /// given several times; a file's extension (.json, .txt) chooses its format, else --format.
    /// Each file is replaced whole: the previous report stays intact if writing fails.
    #[arg(short, long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Follow symbolic links whose targets lie inside a scanned folder (each file is read
    /// once, for one vendor). Without it, links are listed as skipped. Links leading outside
    /// the scanned folders are never followed.
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// No progress bar and no closing summary line on standard error.
    #[arg(short, long)]
    pub quiet: bool,
    /// Documents read in parallel [default: all cores]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Exit with 1 when a vendor falls short: `missing` = any provision missing, negated or
    /// unknown; `weak` = any provision not present; `never` = always 0 after a scan.
    #[arg(long, value_enum, default_value = "never")]
    pub fail_on: FailOn,
    /// Colour in the text report and in keiyaku's messages: auto (a terminal; NO_COLOR,
    /// CLICOLOR_FORCE and TERM=dumb honoured), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Print the suggested wording under each gap in the text report, written with the
    /// contract's own party labels.
    #[arg(long)]
    pub suggest: bool,
    /// Width of ○ △ × in the terminal: narrow (most terminals) or wide (terminals set to
    /// treat East Asian ambiguous characters as wide).
    #[arg(long, value_enum, default_value = "narrow")]
    pub ambiguous_width: AmbiguousWidth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Missing,
    Weak,
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
    /// A PDF, DOCX or TXT file.
    pub file: PathBuf,
    /// Show the sentences as matched: normalized (NFKC, spaces between Japanese
    /// characters removed), each with its clause (第N条第M項) and kind.
    #[arg(long)]
    pub normalized: bool,
    /// Also print running headers, footers and page numbers (never matched).
    #[arg(long)]
    pub furniture: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Load a rule set and report every problem with file, line and column.
    Check(RulesArgs),
    /// Run every provision's [[example]] and report the ones that fail.
    Test(RulesArgs),
    /// 条項の一覧（id、名称、略称、出典） / List the provisions: id, title, short name, source.
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
    /// Rule set folder or file [default: the embedded set]
    #[arg(long, value_name = "FILE|DIR")]
    pub rules: Option<PathBuf>,
}
