//! keiyaku's entry point: parse the command line, run, map the outcome to an exit code.

mod memory;

use clap::Parser;
use keiyaku::app;
use keiyaku::cli::output::{self, Output};
use keiyaku::cli::{Cli, ColorChoice, Command, RulesCommand};
use keiyaku::report::Format;
use keiyaku::rules::RuleSet;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

fn load_rules(path: Option<&Path>) -> Result<RuleSet, ExitCode> {
    let loaded = match path {
        Some(p) => RuleSet::load(p),
        None => RuleSet::embedded(),
    };
    loaded.map_err(|errors| rule_errors(&errors))
}

fn rule_errors(errors: &[keiyaku::error::RuleError]) -> ExitCode {
    for e in errors {
        eprint!("{}", e.render());
    }
    eprintln!(
        "keiyaku: 規則ファイルに {} 件の誤りがあります / rule set has {} error(s)",
        errors.len(),
        errors.len()
    );
    ExitCode::from(2)
}

/// `--color` as given anywhere on the command line, so that clap's own
/// messages (help, usage errors) follow it too.
fn color_arg() -> Option<ColorChoice> {
    let args: Vec<String> = std::env::args().collect();
    let mut value = None;
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix("--color=") {
            value = Some(v.to_string());
        } else if a == "--color" {
            value = args.get(i + 1).cloned();
        }
    }
    match value.as_deref() {
        Some("always") => Some(ColorChoice::Always),
        Some("never") => Some(ColorChoice::Never),
        _ => None,
    }
}

fn main() -> ExitCode {
    memory::refuse_growth_in_place();
    quiet_contained_panics();
    // anstream decides "auto" for every stream: a terminal, NO_COLOR,
    // CLICOLOR_FORCE and TERM=dumb; --color overrides it, clap's messages included.
    match color_arg() {
        Some(ColorChoice::Always) => anstream::ColorChoice::Always.write_global(),
        Some(ColorChoice::Never) => anstream::ColorChoice::Never.write_global(),
        _ => {}
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("keiyaku: エラー / error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Text(args) => text(&args),
        Command::Rules(cmd) => rules_command(cmd),
        Command::Diff(args) => diff(&args),
        Command::Verify(args) => verify(&args),
    }
}

/// `keiyaku diff OLD.json NEW.json`.
fn diff(args: &keiyaku::cli::DiffArgs) -> anyhow::Result<ExitCode> {
    use keiyaku::audit::{diff, saved::Saved};
    let old = Saved::load(&args.old)?;
    let new = Saved::load(&args.new)?;
    let d = diff::diff(&old, &new);
    output::write_with(&Output::Stdout, |w| match args.format {
        keiyaku::cli::AuditFormat::Text => diff::render_text(&d, w),
        keiyaku::cli::AuditFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &d)?;
            writeln!(w)
        }
    })
    .or_else(closed_pipe)?;
    let regressed = d.summary.regressed > 0;
    Ok(match args.fail_on {
        keiyaku::cli::DiffFailOn::Regressed if regressed => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// `keiyaku verify REPORT.json [PATH…]`.
fn verify(args: &keiyaku::cli::VerifyArgs) -> anyhow::Result<ExitCode> {
    use keiyaku::audit::{saved::Saved, verify};
    let saved = Saved::load(&args.report)?;
    if args.paths.is_empty() && saved.run.paths.is_empty() {
        anyhow::bail!(
            "報告に PATH が記録されていません。文書のあるフォルダを指定してください / the report records no PATH: give the folders to check"
        );
    }
    let exclude = output::resolved(&args.report).into_iter().collect();
    let v = verify::verify(&saved, &args.paths, exclude)?;
    output::write_with(&Output::Stdout, |w| match args.format {
        keiyaku::cli::AuditFormat::Text => verify::render_text(&v, w),
        keiyaku::cli::AuditFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &v)?;
            writeln!(w)
        }
    })
    .or_else(closed_pipe)?;
    Ok(if v.differs() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A reader that went away (`| head`) has what it wanted.
fn closed_pipe(e: output::OutputError) -> Result<(), output::OutputError> {
    match e {
        output::OutputError::Closed => Ok(()),
        e => Err(e),
    }
}

/// Where each report goes and in which format: `-o` may be given several
/// times, and a file's extension names its format (`-o 結果.xlsx -o 結果.html`).
fn destinations(args: &keiyaku::cli::ScanArgs) -> Vec<(Output, Format)> {
    if args.output.is_empty() {
        return vec![(Output::Stdout, args.format)];
    }
    args.output
        .iter()
        .map(|p| {
            let out = Output::parse(p);
            let format = match &out {
                Output::File(path) => Format::from_extension(path).unwrap_or(args.format),
                Output::Stdout => args.format,
            };
            (out, format)
        })
        .collect()
}

/// The options that shape the report, recorded in it (not -j: the report
/// is the same whatever it is).
fn recorded_options(args: &keiyaku::cli::ScanArgs) -> Vec<String> {
    let mut o = Vec::new();
    // A 5.2 report keeps the shape reports had before editions existed.
    if args.guideline != keiyaku::rules::Guideline::V5_2 {
        o.push(format!("--guideline {}", args.guideline.as_str()));
    }
    if args.maintenance_delegated {
        o.push("--maintenance-delegated".into());
    }
    if let Some(r) = &args.rules {
        o.push(format!("--rules {}", r.display()));
    }
    if args.follow {
        o.push("--follow".into());
    }
    for p in &args.parties {
        o.push(format!("--party {}={}", p.label, role_name(p.role)));
    }
    o.extend(args.limits().recorded());
    o
}

fn role_name(r: keiyaku::matching::parties::Role) -> &'static str {
    use keiyaku::matching::parties::Role;
    match r {
        Role::Vendor => "vendor",
        Role::Customer => "customer",
        Role::User => "user",
        Role::Both => "both",
        Role::Other => "other",
    }
}

fn scan(args: &keiyaku::cli::ScanArgs) -> anyhow::Result<ExitCode> {
    let (guideline, delegated) = (args.guideline, args.maintenance_delegated);
    let rules = match args.rules.as_deref() {
        // Errors in a given rule set are shown before anything is read.
        Some(path) => match load_rules(Some(path)) {
            Ok(r) => app::Rules::ready(r.for_guideline(guideline, delegated)),
            Err(code) => return Ok(code),
        },
        // The embedded set loads while the folders are listed and read.
        None => app::Rules::load_meanwhile(move || {
            RuleSet::embedded().map(|r| r.for_guideline(guideline, delegated))
        }),
    };
    if args.fail_on == keiyaku::cli::FailOn::Regressed && args.baseline.is_none() {
        anyhow::bail!(
            "--fail-on regressed には --baseline 前回.json が必要です / --fail-on regressed needs --baseline OLD.json"
        );
    }
    // Read before the scan: an hour of reading must not end in "cannot read the baseline".
    let baseline = match &args.baseline {
        Some(p) => Some(keiyaku::audit::saved::Saved::load(p)?),
        None => None,
    };
    let destinations = destinations(args);
    if destinations
        .iter()
        .any(|(o, f)| *o == Output::Stdout && *f == Format::Xlsx)
        && std::io::stdout().is_terminal()
    {
        anyhow::bail!(
            "XLSX は端末に表示できません。-o 結果.xlsx でファイルに保存してください / an XLSX workbook cannot be shown on a terminal: save it with -o FILE.xlsx"
        );
    }
    let mut exclude = Vec::new();
    for (out, _) in &destinations {
        if let Output::File(path) = out {
            output::check_writable(path)?;
            exclude.extend(output::resolved(path));
        }
    }
    let ocr = args.ocr.detect()?;
    let opts = app::ScanOptions {
        ocr,
        limits: args.limits(),
        paths: args.paths.clone(),
        jobs: args.jobs,
        follow: args.follow,
        exclude,
        progress: !args.quiet && std::io::stderr().is_terminal(),
        options: recorded_options(args),
        parties: args
            .parties
            .iter()
            .map(|p| keiyaku::matching::parties::Override {
                label: p.label.clone(),
                role: p.role,
                from: keiyaku::matching::parties::RoleBasis::CommandLine,
            })
            .collect(),
    };
    let started = std::time::Instant::now();
    let scanned = app::scan(&opts, &rules);
    if let Some(errors) = rules.errors() {
        return Ok(rule_errors(errors));
    }
    let mut report = scanned?;
    if args.record {
        report.run.recorded = Some(keiyaku::audit::record::Recorded::now(&args.paths));
    }
    if !args.quiet {
        let s = &report.summary;
        eprintln!(
            "keiyaku: {} 社・{} ファイル（読取不可 {}、未対応 {}、未開封 {}）{:.1} 秒",
            s.vendors,
            s.documents,
            s.unreadable_documents,
            s.unsupported_documents,
            s.skipped_documents,
            started.elapsed().as_secs_f64(),
        );
    }
    let mut regressed = false;
    if let Some(old) = &baseline {
        let new = keiyaku::audit::saved::Saved::of(&report).map_err(anyhow::Error::msg)?;
        let d = keiyaku::audit::diff::diff(old, &new);
        regressed = d.summary.regressed > 0;
        let mut text = Vec::new();
        keiyaku::audit::diff::render_text(&d, &mut text)?;
        eprint!("{}", String::from_utf8_lossy(&text));
    }
    let code = if app::falls_short(&report, args.fail_on)
        || (regressed && args.fail_on == keiyaku::cli::FailOn::Regressed)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if code != ExitCode::SUCCESS {
        explain_shortfall(&report, args.fail_on);
    }
    for (out, format) in &destinations {
        let to_terminal = *out == Output::Stdout && std::io::stdout().is_terminal();
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                *out == Output::Stdout
                    && anstream::AutoStream::choice(&std::io::stdout())
                        != anstream::ColorChoice::Never
            }
        };
        let writer: Box<dyn keiyaku::report::Render> = match format {
            Format::Text => Box::new(keiyaku::report::text::TextWriter {
                color,
                columns: if to_terminal {
                    terminal_size::terminal_size()
                        .map(|(w, _)| w.0 as usize)
                        .unwrap_or(100)
                } else {
                    100
                },
                ambiguous_wide: args.ambiguous_width == keiyaku::cli::AmbiguousWidth::Wide,
                suggest: args.suggest,
            }),
            f => f.writer(color),
        };
        match output::write_with(out, |w| writer.render(&report, w)) {
            Ok(()) => {}
            // `keiyaku scan … | head -1`: the reader has what it wanted.
            Err(output::OutputError::Closed) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // The process ends here: freeing every string of the report and every
    // compiled pattern one by one would only delay the exit.
    std::mem::forget(report);
    std::mem::forget(rules);
    Ok(code)
}

/// With --fail-on, say on stderr which vendors fell short and why the exit code is 1.
fn explain_shortfall(report: &keiyaku::report::model::Report, fail_on: keiyaku::cli::FailOn) {
    if fail_on == keiyaku::cli::FailOn::Regressed {
        eprintln!(
            "keiyaku: --baseline より悪化した判定があるため終了コード 1 / exit 1: statuses got worse than the baseline"
        );
        return;
    }
    eprintln!(
        "keiyaku: --fail-on {} の条件を満たさない事業者があるため終了コード 1 / exit 1: vendors fall short",
        match fail_on {
            keiyaku::cli::FailOn::Missing => "missing",
            keiyaku::cli::FailOn::MissingRecommended => "missing-recommended",
            keiyaku::cli::FailOn::Weak => "weak",
            keiyaku::cli::FailOn::Regressed => "regressed",
            keiyaku::cli::FailOn::Never => "never",
        }
    );
    let marks = |ps: &mut dyn Iterator<Item = (keiyaku::report::model::Status, &str)>| {
        ps.filter(|(s, _)| app::short_of(*s, fail_on))
            .map(|(s, short)| format!("{}{}", s.mark(), short))
            .collect::<Vec<String>>()
    };
    for v in &report.vendors {
        let short = marks(&mut v.provisions.iter().map(|p| (p.status, &*p.names.short)));
        if !short.is_empty() {
            eprintln!("  {}: {}", v.name, short.join(" "));
        }
    }
    for s in &report.services {
        let short = marks(&mut s.provisions.iter().map(|p| (p.status, &*p.short)));
        if !short.is_empty() {
            eprintln!("  サービス「{}」: {}", s.name, short.join(" "));
        }
    }
}

fn text(args: &keiyaku::cli::TextArgs) -> anyhow::Result<ExitCode> {
    if args.consolidated {
        return consolidated(args);
    }
    let Some(format) = keiyaku::discover::Format::from_path(&args.file) else {
        if keiyaku::discover::extension(&args.file) == "zip" {
            anyhow::bail!(
                "{}: a zip archive; `keiyaku scan` reads its members, or unzip it and run `keiyaku text` on a member",
                args.file.display()
            );
        }
        anyhow::bail!(
            "{}: unsupported file type (keiyaku reads {})",
            args.file.display(),
            keiyaku::discover::Format::READ
        );
    };
    match std::fs::metadata(&args.file) {
        Err(_) => anyhow::bail!("no such file: {}", args.file.display()),
        Ok(m) if !m.is_file() => anyhow::bail!(
            "{}: not a regular file ({})",
            args.file.display(),
            keiyaku::discover::open::kind_name(&m.file_type())
        ),
        Ok(_) => {}
    }
    let ocr = args.ocr.detect()?;
    let doc = match app::extract_file_ocr(&args.file, format, &ocr) {
        Ok((d, notes)) => {
            for n in notes {
                eprintln!("keiyaku: {}: OCR: {n}", args.file.display());
            }
            for p in &d.ocr_pages {
                eprintln!(
                    "keiyaku: {}: p.{} OCR（信頼度 {}%）",
                    args.file.display(),
                    p.page,
                    p.confidence
                );
            }
            d
        }
        Err(e) => {
            eprintln!("keiyaku: {}: {e}", args.file.display());
            return Ok(ExitCode::from(2));
        }
    };
    for note in &doc.notes {
        eprintln!("keiyaku: {}: {note}", args.file.display());
    }
    let mut out = std::io::stdout().lock();
    if args.normalized {
        for s in keiyaku::segment::segment(&doc) {
            let page = s.page.map(|p| format!("p.{p} ")).unwrap_or_default();
            let clause = s.clause().unwrap_or_else(|| "-".into());
            writeln!(out, "[{page}{clause} {:?}] {}", s.kind, s.norm.text)?;
        }
    } else {
        write!(out, "{}", doc.plain_text())?;
    }
    if args.furniture {
        for b in &doc.furniture {
            writeln!(out, "[furniture p.{}] {}", b.page.unwrap_or(0), b.text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `keiyaku text --consolidated FOLDER`.
fn consolidated(args: &keiyaku::cli::TextArgs) -> anyhow::Result<ExitCode> {
    if !args.file.is_dir() {
        anyhow::bail!(
            "{}: --consolidated reads a vendor folder (its contract and the 覚書 that amend it)",
            args.file.display()
        );
    }
    let ocr = args.ocr.detect()?;
    let (text, warnings) = app::consolidated_text(&args.file, &ocr)?;
    for w in warnings {
        eprintln!("keiyaku: {w}");
    }
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// A provision for people: what it asks, where from, examples by the status
/// they get, and wording to propose; the patterns only when asked.
fn explain(p: &keiyaku::rules::Provision, patterns: bool) {
    println!("{}（{}） — {}", p.title, p.short, p.id);
    if let Some(s) = &p.source {
        println!("出典 / source: {s}");
    }
    if !p.sources.is_empty() {
        println!("層 / tier: {}", tier_name(p));
        println!(
            "版 / editions: {}",
            if p.editions.is_empty() {
                "5.2, 6.0, 7.0".to_string()
            } else {
                p.editions.join(", ")
            }
        );
        for s in &p.sources {
            let m = match s.marker {
                keiyaku::rules::SourceMarker::V => "V",
                keiyaku::rules::SourceMarker::VDraft => "V-draft ⚠",
                keiyaku::rules::SourceMarker::S => "S ⚠",
            };
            println!("  出典 {} {} [{m}]", s.edition, s.reference);
        }
    }
    if let Some(d) = &p.description {
        println!("\n{}", d.trim());
    }
    for status in ["present", "weak", "negated", "missing"] {
        let examples: Vec<_> = p.examples.iter().filter(|e| e.expect == status).collect();
        if examples.is_empty() {
            continue;
        }
        let label = match status {
            "present" => "○ あり（満たす例） / present",
            "weak" => "△ 弱い（努力義務・できる規定等） / weak",
            "negated" => "否 否定・免責 / negated",
            _ => "× 満たさない例 / does not count",
        };
        println!("\n{label}:");
        for e in examples {
            match &e.heading {
                Some(h) => println!("  【{h}】{}", e.text),
                None => println!("  {}", e.text),
            }
        }
    }
    if let Some(s) = &p.suggestion {
        println!("\n推奨条項例 / suggested wording:\n  {}", s.trim());
    }
    if patterns {
        println!("\npatterns:");
        for pat in &p.patterns {
            match &pat.heading {
                Some(h) => println!("  {}   (heading: {})", pat.re.as_str(), h.as_str()),
                None => println!("  {}", pat.re.as_str()),
            }
        }
    }
}

/// A provision's tier as `rules list` and `rules explain` show it.
fn tier_name(p: &keiyaku::rules::Provision) -> String {
    use keiyaku::rules::{Condition, Tier};
    match (p.tier, p.condition) {
        (Tier::Required, _) => "required 必須".into(),
        (Tier::Recommended, _) => "recommended 推奨".into(),
        (Tier::RequiredConditional, Some(Condition::ExternalStorage)) => {
            "required-conditional 条件付き必須（外部保存）".into()
        }
        (Tier::RequiredConditional, Some(Condition::MaintenanceDelegated)) => {
            "required-conditional 条件付き必須（7.0 で --maintenance-delegated のとき。それ以外と 6.0 では推奨）".into()
        }
        (Tier::RequiredConditional, None) => "required-conditional 条件付き必須".into(),
    }
}

fn rules_command(cmd: RulesCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        RulesCommand::Check(a) => {
            let rules = match load_rules(a.rules.as_deref()) {
                Ok(r) => r,
                Err(code) => return Ok(code),
            };
            println!(
                "ok: {} {} — {} provisions, sha256 {}",
                rules.id,
                rules.version,
                rules.provisions.len(),
                rules.sha256
            );
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Test(a) => {
            let rules = match load_rules(a.rules.as_deref()) {
                Ok(r) => r,
                Err(code) => return Ok(code),
            };
            let (mut passed, mut failed) = (0, 0);
            for (i, p) in rules.provisions.iter().enumerate() {
                for ex in &p.examples {
                    let got = keiyaku::rules::examples::status(
                        &rules,
                        i,
                        &ex.text,
                        ex.heading.as_deref(),
                    );
                    if got == ex.expect {
                        passed += 1;
                    } else {
                        failed += 1;
                        println!(
                            "FAIL {} ({}): expected {}, got {}\n     {}",
                            p.id, p.path, ex.expect, got, ex.text
                        );
                    }
                }
            }
            println!("{passed} passed, {failed} failed");
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        RulesCommand::List(a) => {
            let g = a.guideline.unwrap_or(keiyaku::rules::Guideline::V6_0);
            let rules = match load_rules(a.rules.as_deref()) {
                Ok(r) => r.for_guideline(g, false),
                Err(code) => return Ok(code),
            };
            println!("{} {}", rules.id, rules.version);
            if rules.guideline.is_some() {
                println!("第{}版 / edition {}", g.as_str(), g.as_str());
                println!("id / 略称 / 名称 / 層 tier / 出典");
            } else {
                println!("id / 略称 / 名称 / 出典");
            }
            for p in &rules.provisions {
                let tier = if rules.guideline.is_some() {
                    format!("  [{}]", tier_name(p))
                } else {
                    String::new()
                };
                println!(
                    "  {}  {}  {}{tier}  {}",
                    p.id,
                    p.short,
                    p.title,
                    p.source.as_deref().unwrap_or("")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Explain {
            provision,
            patterns,
            rules,
            guideline: _,
        } => {
            let rules = match load_rules(rules.as_deref()) {
                Ok(r) => r,
                Err(code) => return Ok(code),
            };
            let Some(p) = rules.find_provision(&provision) else {
                let known: Vec<String> = rules
                    .provisions
                    .iter()
                    .map(|p| format!("{}（{}）", p.id, p.short))
                    .collect();
                eprintln!(
                    "keiyaku: 条項「{provision}」はありません / no provision \"{provision}\"; 次のいずれか / known: {}",
                    known.join(", ")
                );
                return Ok(ExitCode::from(2));
            };
            explain(p, patterns);
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Export { dir } => {
            keiyaku::rules::embedded::export(&dir)?;
            println!(
                "{} に規則セットを書き出しました / rule set written to {}",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A panic inside a document's guarded work costs that document, whose
/// status says why: the default hook's "thread panicked at …" on stderr
/// would only alarm. Any other panic (a bug outside the firewall) is
/// reported as usual, and RUST_BACKTRACE=1 shows contained ones too.
fn quiet_contained_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if keiyaku::guard::active() && std::env::var_os("RUST_BACKTRACE").is_none() {
            return;
        }
        default(info);
    }));
}
