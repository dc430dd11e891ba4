//! Reading rule sets: a folder (`ruleset.toml`, `provisions/*.toml`,
//! `lexicon/*.toml`), a single TOML file, or the embedded default set.
//! Every file is checked and all problems are reported together, each with
//! its path, line and column.

use super::schema::{LexiconFile, ProvisionFile, RuleSetFile};
use crate::error::RuleError;
use std::path::{Path, PathBuf};

/// One rule file's text, with the path it is reported under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    /// A located error at a byte span of this file.
    pub fn error(
        &self,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> RuleError {
        let span = span.unwrap_or(0..0);
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
        let column = self.text[line_start..start].chars().count() + 1;
        let source_line = self.text[line_start..].lines().next().map(str::to_string);
        let end = span.end.clamp(start, self.text.len());
        let width = self.text[start..end]
            .lines()
            .next()
            .map(|s| s.chars().count())
            .unwrap_or(1);
        RuleError {
            path: self.path.clone(),
            line,
            column,
            message: message.into(),
            source_line,
            width,
        }
    }

    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, RuleError> {
        toml::from_str(&self.text).map_err(|e| self.error(e.span(), e.message().to_string()))
    }
}

/// All files of a rule set, parsed.
pub struct Parsed {
    pub files: Vec<SourceFile>,
    pub header: RuleSetFile,
    pub provisions: Vec<(usize, ProvisionFile)>,
    pub lexicons: Vec<LexiconFile>,
}

/// No rule file comes near this.
const MAX_RULE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// One rule file: a regular file (never a FIFO or a device), capped, UTF-8.
pub fn read_rule_file(path: &Path) -> Result<String, Vec<RuleError>> {
    let err = |message: String| {
        vec![RuleError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message,
            source_line: None,
            width: 0,
        }]
    };
    let bytes = crate::discover::open::read_capped(path, MAX_RULE_FILE_BYTES, true)
        .map_err(|e| err(format!("cannot read rule file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        err(format!(
            "rule file is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, Vec<RuleError>> {
    let mut files = Vec::new();
    let header = dir.join("ruleset.toml");
    files.push(SourceFile {
        text: read_rule_file(&header)?,
        path: header,
    });
    for sub in ["provisions", "lexicon"] {
        let d = dir.join(sub);
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            files.push(SourceFile {
                text: read_rule_file(&p)?,
                path: p,
            });
        }
    }
    Ok(files)
}

/// Parse files; the first is the rule set header (or a whole single-file set).
pub fn parse(files: Vec<SourceFile>) -> Result<Parsed, Vec<RuleError>> {
    let mut errors = Vec::new();
    let header: Option<RuleSetFile> = match files.first().map(|f| f.parse()) {
        Some(Ok(h)) => Some(h),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None => None,
    };
    let mut provisions = Vec::new();
    let mut lexicons = Vec::new();
    for (i, f) in files.iter().enumerate().skip(1) {
        let in_lexicon = f
            .path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == "lexicon");
        if in_lexicon {
            match f.parse::<LexiconFile>() {
                Ok(l) => lexicons.push(l),
                Err(e) => errors.push(e),
            }
        } else {
            match f.parse::<ProvisionFile>() {
                Ok(p) => {
                    // vale's habit: the file stem is the id, so ids cannot drift.
                    let stem = f
                        .path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if p.id.get_ref() != &stem {
                        errors.push(f.error(
                            Some(p.id.span()),
                            format!(
                                "id \"{}\" differs from the file name \"{stem}\"",
                                p.id.get_ref()
                            ),
                        ));
                    }
                    provisions.push((i, p));
                }
                Err(e) => errors.push(e),
            }
        }
    }
    match header {
        Some(mut h) if errors.is_empty() => {
            for p in std::mem::take(&mut h.provision) {
                provisions.push((0, p));
            }
            if let Some(l) = h.lexicon.take() {
                lexicons.push(l);
            }
            Ok(Parsed {
                files,
                header: h,
                provisions,
                lexicons,
            })
        }
        _ => Err(errors),
    }
}
