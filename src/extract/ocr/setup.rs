//! Whether OCR runs, with which tesseract, and how it is recorded.

use super::tesseract;
use std::path::PathBuf;
use std::time::Duration;

/// `--ocr`: when scanned pages and image files are read by OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// When `tesseract` with Japanese (`jpn`) is on PATH.
    Auto,
    /// Never: scans stay unread, as without tesseract.
    Never,
    /// Always: a run without tesseract and `jpn` stops at once.
    Always,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Never => "never",
            Mode::Always => "always",
        }
    }
}

/// The caps of OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Wall-clock time tesseract may take on one page before it is killed.
    /// The one cap that counts seconds (a slower machine may stop where a
    /// faster one did not): a page it stops says so.
    pub timeout: Duration,
    /// Pixels of one page image handed to tesseract.
    pub max_pixels: u64,
}

pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// An A4 page at 600 dpi is 35 million pixels.
pub const DEFAULT_MAX_PIXELS: u64 = 40_000_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            max_pixels: DEFAULT_MAX_PIXELS,
        }
    }
}

/// The tesseract found: its version and the languages it is run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    pub program: PathBuf,
    pub version: String,
    /// `jpn+jpn_vert`, or `jpn` when vertical Japanese is not installed.
    pub languages: String,
    /// Vertical Japanese (`jpn_vert`) is installed: a page read poorly as
    /// horizontal text is read again as vertical.
    pub vertical: bool,
}

/// OCR as a run has it: on with an engine, or off and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ocr {
    pub mode: Mode,
    pub settings: Settings,
    state: State,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    On(Engine),
    Off(String),
}

/// `--ocr always` and no usable tesseract.
#[derive(Debug, thiserror::Error)]
#[error("--ocr always: {0}")]
pub struct SetupError(String);

pub const INSTALL_HINT: &str =
    "apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert";

impl Default for Ocr {
    /// Off: what the library's extractors do when no OCR is asked for.
    fn default() -> Self {
        Ocr {
            mode: Mode::Never,
            settings: Settings::default(),
            state: State::Off("OCR is off".into()),
        }
    }
}

impl Ocr {
    /// Look for tesseract (once per run) as `mode` asks.
    pub fn detect(mode: Mode, settings: Settings) -> Result<Ocr, SetupError> {
        let state = match mode {
            Mode::Never => State::Off("OCR is off (--ocr never)".into()),
            Mode::Auto | Mode::Always => match find(PathBuf::from("tesseract")) {
                Ok(engine) => State::On(engine),
                Err(why) if mode == Mode::Always => return Err(SetupError(why)),
                Err(why) => State::Off(why),
            },
        };
        Ok(Ocr {
            mode,
            settings,
            state,
        })
    }

    /// The engine, when OCR is on.
    pub fn engine(&self) -> Option<&Engine> {
        match &self.state {
            State::On(e) => Some(e),
            State::Off(_) => None,
        }
    }

    /// Why OCR is off, when it is.
    pub fn off_reason(&self) -> Option<&str> {
        match &self.state {
            State::On(_) => None,
            State::Off(why) => Some(why),
        }
    }

    /// The run options to record: `--ocr auto (tesseract 5.3.0, jpn+jpn_vert)`,
    /// the caps that differ from their defaults. `needed` says whether some
    /// document had pages for OCR: in auto mode a scan without any records
    /// nothing, so the report of a text-only archive is the same with or
    /// without tesseract installed.
    pub fn recorded(&self, needed: bool) -> Vec<String> {
        if self.mode == Mode::Auto && !needed {
            return Vec::new();
        }
        let mut o = vec![match &self.state {
            State::On(e) => format!(
                "--ocr {} (tesseract {}, {})",
                self.mode.as_str(),
                e.version,
                e.languages
            ),
            State::Off(_) if self.mode == Mode::Never => "--ocr never".to_string(),
            State::Off(why) => format!("--ocr {} ({why})", self.mode.as_str()),
        }];
        let d = Settings::default();
        if self.settings.timeout != d.timeout {
            o.push(format!("--ocr-timeout {}", self.settings.timeout.as_secs()));
        }
        if self.settings.max_pixels != d.max_pixels {
            o.push(format!("--ocr-max-pixels {}", self.settings.max_pixels));
        }
        o
    }
}

/// tesseract's version and whether it has Japanese, each asked with a short
/// time limit (a broken install must not hang the run).
fn find(program: PathBuf) -> Result<Engine, String> {
    let limit = Duration::from_secs(20);
    let version = tesseract::ask(&program, &["--version"], limit).map_err(|e| {
        format!("tesseract was not found or does not run ({e}); install it: {INSTALL_HINT}")
    })?;
    let version = version
        .lines()
        .find_map(|l| l.trim().strip_prefix("tesseract "))
        .map(|v| v.trim().trim_start_matches('v').to_string())
        .unwrap_or_else(|| "(unknown version)".into());
    let langs = tesseract::ask(&program, &["--list-langs"], limit)
        .map_err(|e| format!("tesseract --list-langs failed ({e})"))?;
    let has = |l: &str| langs.lines().any(|x| x.trim() == l);
    if !has("jpn") {
        return Err(format!(
            "tesseract {version} has no Japanese language data (jpn); install it: {INSTALL_HINT}"
        ));
    }
    let languages = if has("jpn_vert") {
        "jpn+jpn_vert"
    } else {
        "jpn"
    };
    Ok(Engine {
        program,
        version,
        languages: languages.into(),
        vertical: has("jpn_vert"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on() -> Ocr {
        Ocr {
            mode: Mode::Auto,
            settings: Settings::default(),
            state: State::On(Engine {
                program: "tesseract".into(),
                version: "5.3.0".into(),
                languages: "jpn+jpn_vert".into(),
                vertical: true,
            }),
        }
    }

    #[test]
    fn auto_records_nothing_unless_a_document_needed_ocr() {
        assert!(on().recorded(false).is_empty());
        assert_eq!(
            on().recorded(true),
            ["--ocr auto (tesseract 5.3.0, jpn+jpn_vert)"]
        );
        let never = Ocr::detect(Mode::Never, Settings::default()).unwrap();
        assert_eq!(never.recorded(false), ["--ocr never"]);
        let slow = Ocr {
            settings: Settings {
                timeout: Duration::from_secs(5),
                ..Settings::default()
            },
            ..on()
        };
        assert_eq!(slow.recorded(true)[1], "--ocr-timeout 5");
    }
}
