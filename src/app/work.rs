//! One input, start to end: read it (regular files only, capped), recognise
//! keiyaku's own reports, extract, segment and — when the document defines its
//! parties — match, each stage behind a panic firewall so that a parser bug
//! becomes this document's `error`, never the end of the batch.

use super::limits::DocLimits;
use crate::config::PartySettings;
use crate::discover::contents::Contents;
use crate::discover::{self, open, Input, Kind, VendorName};
use crate::document::{Document, OcrPage, UnreadPages, UnreadReason};
use crate::error::ExtractError;
use crate::extract;
use crate::extract::ocr::{self, Ocr};
use crate::matching::parties::{Override, Parties, Role};
use crate::matching::{self, Basis, Hit, MissKind, Strength};
use crate::report::model::{Deadline, DocStatus, Evidence, NearMiss, Status};
use crate::report::shared::shared;
use crate::rules::RuleSet;
use crate::segment::{self, Budget, BudgetExceeded, Sentence};
use sha2::{Digest, Sha256};
use std::path::Path;

/// One document after extraction.
pub struct DocWork {
    pub input: Input,
    pub status: DocStatus,
    pub reason: Option<String>,
    pub sha256: Option<String>,
    /// For a member of an archive: the sha256 of the archive file it lies in.
    pub archive_sha256: Option<String>,
    pub pages: Option<u32>,
    pub unread_pages: Vec<UnreadPages>,
    /// A text file's encoding when it is not UTF-8.
    pub encoding: Option<&'static str>,
    /// What a reviewer should know about the reading (a guessed encoding).
    pub notes: Vec<String>,
    /// Pages read by OCR, with their confidence.
    pub ocr_pages: Vec<OcrPage>,
    /// The document had pages for OCR (scanned pages or an image file),
    /// whether or not OCR was on: the run then records how OCR was set.
    pub ocr_needed: bool,
    /// The name of each page where the document names them (a workbook's
    /// sheets), for the evidence to say which sheet.
    pub page_names: Vec<std::sync::Arc<str>>,
    /// Kept only until the document is matched (memory at archive scale).
    pub sentences: Vec<Sentence>,
    pub parties: Parties,
    /// (provision index, strength, evidence) of every clause hit.
    pub findings: Option<Vec<(usize, Strength, Evidence)>>,
    /// Sentences of tracked deletions and of comments, kept apart from the
    /// clauses until the document is matched, then dropped.
    pub deleted: Vec<Sentence>,
    pub comments: Vec<Sentence>,
    /// Per provision, the closest near miss the document holds (at most one
    /// each): all that outlives the document's text besides its findings.
    pub near: Vec<(usize, NearMiss)>,
    /// Labels set by keiyaku.toml or --party, reported with the preamble's.
    pub overrides: Vec<Override>,
    /// keiyaku.toml says whether the vendor stores medical information.
    pub external_storage: Option<bool>,
    /// The text speaks of storing data (保存, 保管, クラウド, データセンター).
    pub mentions_storage: bool,
    /// An amending instrument: the changes it makes to another document
    /// (their text was taken out of this document's own clauses).
    pub instrument: Option<Box<crate::consolidate::Instrument>>,
    /// The text of a document an instrument of the same vendor may amend,
    /// kept until the vendor's instruments are applied ([`super::amend`]).
    pub kept: Option<Vec<crate::document::Block>>,
    /// Per sentence, where it came from when not the document's own text
    /// as written (empty: every sentence is).
    pub origins: Vec<Option<crate::consolidate::Origin>>,
    /// Provisions that cannot be decided because a change to the text that
    /// holds them could not be applied: unknown rather than missing.
    pub uncertain: Vec<usize>,
    /// A change could not be applied and nothing tells which provisions it
    /// touches: every provision of the vendor not found is unknown.
    pub incomplete: bool,
    /// What the document says of its place among the vendor's documents
    /// (it prevails over the 約款, its governing language): read once it is matched.
    pub standing: Option<crate::sets::Instrument>,
    /// Work counted through segmentation, party reading and matching: a
    /// document over it ends as `error` naming the budget (counted work, so
    /// the same on every machine).
    pub budget: Budget,
}

pub(super) fn doc_status(e: &ExtractError) -> DocStatus {
    match e {
        ExtractError::Encrypted(_) => DocStatus::Encrypted,
        ExtractError::NoText(_) => DocStatus::NoText,
        ExtractError::Unsupported(_) => DocStatus::Unsupported,
        _ => DocStatus::Error,
    }
}

/// Read an input file: a regular file, never a FIFO or device, never past
/// the size cap; a final symbolic link only where discovery allowed it.
pub fn read_input(path: &Path, follow: bool) -> Result<Vec<u8>, ExtractError> {
    read_input_capped(path, follow, extract::MAX_FILE_BYTES)
}

fn read_input_capped(path: &Path, follow: bool, limit: u64) -> Result<Vec<u8>, ExtractError> {
    open::read_capped(path, limit, follow).map_err(open_error)
}

fn open_error(e: open::OpenError) -> ExtractError {
    match e {
        open::OpenError::TooLarge { limit } => ExtractError::TooLarge { limit },
        open::OpenError::Io(io) => ExtractError::Io(io),
        other => ExtractError::Io(std::io::Error::other(other.to_string())),
    }
}

/// Extract one file the user named (see [`extract_guarded`]).
pub fn extract_file(path: &Path, format: discover::Format) -> Result<Document, ExtractError> {
    extract_guarded(format, &read_input(path, true)?)
}

/// [`extract_file`] with OCR as `ocr` sets it: the document, and notes on
/// the pages OCR could not read.
pub fn extract_file_ocr(
    path: &Path,
    format: discover::Format,
    ocr: &Ocr,
) -> Result<(Document, Vec<String>), ExtractError> {
    let bytes = read_input(path, true)?;
    let sha = sha256(&bytes);
    let mut needed = false;
    let mut again = || read_input(path, true);
    extract_with_ocr(
        &mut again,
        &sha,
        format,
        bytes.into(),
        &DocLimits::default(),
        ocr,
        &mut needed,
    )
}

/// The document's bytes once more, for OCR of a scanned PDF: the PDF reader
/// frees the bytes it is given, and a scan's images are loaded afterwards a
/// few pages at a time. A file is read again from its path; an archive
/// member is inflated again from its archive.
pub type Again<'a> = dyn FnMut() -> Result<Vec<u8>, ExtractError> + 'a;

/// Extract, then read by OCR what only OCR can read: an image file, or the
/// scanned pages of a PDF (for which the bytes are read `again`, and must
/// not have changed: only the images of those pages are loaded, a few pages
/// at a time). `needed` is set when the document had pages for OCR.
fn extract_with_ocr(
    again: &mut Again,
    sha: &str,
    format: discover::Format,
    bytes: Contents,
    limits: &DocLimits,
    ocr: &Ocr,
    needed: &mut bool,
) -> Result<(Document, Vec<String>), ExtractError> {
    if format.is_image() {
        *needed = true;
        let (doc, notes) =
            crate::guard::guarded(|| ocr::read_image_file(format, &bytes, ocr, limits.pdf_pages))
                .unwrap_or_else(|p| Err(ExtractError::Internal(crate::guard::message(&*p))))?;
        return if doc.is_empty() {
            Err(ocr::no_text_error(&doc, &notes, format.name()))
        } else {
            Ok((doc, notes))
        };
    }
    let scans = ocr.engine().is_some();
    let mut doc = match extract_guarded_owned(format, bytes, limits, scans) {
        Ok(d) => d,
        Err(ExtractError::NoText(reason)) => {
            // A scan with OCR off: say why OCR did not read it.
            return Err(ExtractError::NoText(
                match reason.strip_suffix(extract::pdf::OCR_OFF) {
                    Some(head) => {
                        *needed = true;
                        format!(
                            "{head}{}",
                            ocr.off_reason().unwrap_or(extract::pdf::OCR_OFF)
                        )
                    }
                    None => reason,
                },
            ));
        }
        Err(e) => return Err(e),
    };
    if doc
        .unread_pages
        .iter()
        .any(|u| u.reason == UnreadReason::ImageOnly)
    {
        *needed = true;
    }
    if doc.scanned.is_empty() {
        return Ok((doc, Vec::new()));
    }
    *needed = true;
    let again = again()?;
    if sha256(&again) != sha {
        return Err(ExtractError::Io(std::io::Error::other(
            "the file changed while it was being read",
        )));
    }
    let notes = crate::guard::guarded(|| ocr::read_scanned_pdf(&mut doc, &again, ocr))
        .map_err(|p| ExtractError::Internal(crate::guard::message(&*p)))?;
    drop(again);
    if doc.is_empty() {
        return Err(ocr::no_text_error(&doc, &notes, "PDF"));
    }
    Ok((doc, notes))
}

/// Extract behind a panic firewall: a parser bug becomes a document status,
/// never the end of the batch.
pub fn extract_guarded(format: discover::Format, bytes: &[u8]) -> Result<Document, ExtractError> {
    crate::guard::guarded(|| extract::extract_bytes(format, bytes))
        .unwrap_or_else(|p| Err(ExtractError::Internal(crate::guard::message(&*p))))
}

/// [`extract_guarded`] handing the bytes over, so they are freed as soon as
/// the extractor no longer needs them.
fn extract_guarded_owned(
    format: discover::Format,
    bytes: Contents,
    limits: &DocLimits,
    scans: bool,
) -> Result<Document, ExtractError> {
    let pdf = extract::pdf::Limits {
        scans,
        ..limits.pdf()
    };
    crate::guard::guarded(move || extract::extract_owned(format, bytes, &pdf, limits.pdf_glyphs))
        .unwrap_or_else(|p| Err(ExtractError::Internal(crate::guard::message(&*p))))
}

pub fn vendor_hint(input: &Input) -> Option<&str> {
    match &input.vendor {
        Some(VendorName::Folder { name, .. }) => Some(name.text.as_str()),
        _ => None,
    }
}

pub(super) fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

impl DocWork {
    pub(super) fn new(input: Input) -> DocWork {
        DocWork {
            status: DocStatus::Ok,
            reason: None,
            sha256: None,
            archive_sha256: None,
            pages: None,
            unread_pages: Vec::new(),
            encoding: None,
            notes: Vec::new(),
            ocr_pages: Vec::new(),
            ocr_needed: false,
            page_names: Vec::new(),
            sentences: Vec::new(),
            findings: None,
            deleted: Vec::new(),
            comments: Vec::new(),
            near: Vec::new(),
            parties: Parties::default(),
            overrides: Vec::new(),
            external_storage: None,
            mentions_storage: false,
            instrument: None,
            kept: None,
            origins: Vec::new(),
            uncertain: Vec::new(),
            incomplete: false,
            standing: None,
            budget: Budget::default(),
            input,
        }
    }

    /// The name of page `page`, where the document names its pages.
    fn page_name(&self, page: Option<u32>) -> Option<std::sync::Arc<str>> {
        let i = usize::try_from(page?.checked_sub(1)?).ok()?;
        self.page_names.get(i).cloned()
    }

    pub(super) fn set(&mut self, status: DocStatus, reason: impl Into<String>) {
        self.status = status;
        self.reason = Some(reason.into());
        // A document that ends here is never matched: its text kept apart goes too.
        self.deleted = Vec::new();
        self.comments = Vec::new();
    }
}

/// What every document's reading needs besides its input.
pub struct Ctx<'a> {
    /// Possibly still loading: a document needs it only once segmented.
    pub rules: &'a super::Rules,
    pub settings: &'a PartySettings,
    pub limits: &'a DocLimits,
    pub ocr: &'a Ocr,
    /// Set for a unit whose documents may amend one another: documents
    /// with articles are kept, within this budget, until the unit is read.
    pub keep: Option<&'a super::amend::KeepBudget>,
}

/// One input → its documents: one, or for a zip archive one per member
/// ([`super::bundle`]).
pub fn work(input: Input, ctx: &Ctx) -> Vec<DocWork> {
    let mut w = DocWork::new(input);
    let format = match w.input.kind.clone() {
        Kind::Ignored(r) => {
            w.set(DocStatus::Ignored, r);
            return vec![w];
        }
        Kind::Skipped(r) => {
            w.set(DocStatus::Skipped, r);
            return vec![w];
        }
        Kind::Unlistable(r) => {
            w.set(DocStatus::Error, r);
            return vec![w];
        }
        Kind::Archive => {
            // Read in parts from the file: an archive is never held whole.
            let opened = open::open_capped(&w.input.path, ctx.limits.file_bytes, w.input.follow);
            return match opened.map_err(open_error) {
                Ok(file) => super::bundle::expand(w, &file, ctx),
                Err(e) => {
                    w.set(doc_status(&e), e.to_string());
                    vec![w]
                }
            };
        }
        Kind::Unsupported => None,
        Kind::Read(f) => Some(f),
    };
    let opened = open::contents_capped(&w.input.path, ctx.limits.file_bytes, w.input.follow);
    let bytes = match opened.map_err(open_error) {
        Ok(b) => b,
        Err(e) => {
            w.set(doc_status(&e), e.to_string());
            return vec![w];
        }
    };
    let (path, follow, cap) = (w.input.path.clone(), w.input.follow, ctx.limits.file_bytes);
    let mut again = || read_input_capped(&path, follow, cap);
    vec![read_bytes(w, format, bytes, ctx, &mut again)]
}

/// A document from its bytes (a file's, or an archive member's): hashed,
/// recognised as keiyaku's own report, or extracted, segmented and — when it
/// defines its parties — matched. `None` for a format keiyaku does not read.
/// `again` gives the bytes once more (see [`Again`]).
pub(super) fn read_bytes(
    mut w: DocWork,
    format: Option<discover::Format>,
    bytes: Contents,
    ctx: &Ctx,
    again: &mut Again,
) -> DocWork {
    let (settings, limits) = (ctx.settings, ctx.limits);
    w.budget = limits.budget();
    // The input hash goes into the report, so an auditor can tell a re-run
    // was over the same files; unsupported files are hashed too.
    w.sha256 = Some({
        let mut hasher = Sha256::new();
        bytes.for_each_piece(|p| hasher.update(p));
        format!("{:x}", hasher.finalize())
    });
    if crate::report::is_keiyaku_report(&bytes) {
        w.set(
            DocStatus::Ignored,
            "a report written by keiyaku, not a contract",
        );
        return w;
    }
    let Some(format) = format else {
        let ext = w.input.extension();
        let what = if ext.is_empty() {
            "a file without an extension".to_string()
        } else {
            format!(".{ext} files")
        };
        w.set(
            DocStatus::Unsupported,
            format!(
                "keiyaku does not read {what} yet (it reads {}); its provisions are unknown",
                discover::Format::READ
            ),
        );
        return w;
    };
    let sha = w.sha256.clone().unwrap_or_default();
    let extracted = extract_with_ocr(
        again,
        &sha,
        format,
        bytes,
        limits,
        ctx.ocr,
        &mut w.ocr_needed,
    );
    let mut doc = match extracted {
        Ok((d, notes)) => {
            if !notes.is_empty() {
                w.reason = Some(format!("OCR: {}", notes.join("; ")));
            }
            d
        }
        Err(e) => {
            w.set(doc_status(&e), e.to_string());
            return w;
        }
    };
    w.pages = doc.pages;
    w.unread_pages = doc.unread_pages.clone();
    w.encoding = doc.encoding;
    w.notes = std::mem::take(&mut doc.notes);
    w.ocr_pages = std::mem::take(&mut doc.ocr_pages);
    w.page_names = doc.page_names.iter().map(|n| n.as_str().into()).collect();
    super::amend::recognise(&mut w, &mut doc);
    let mut budget = std::mem::take(&mut w.budget);
    let segmented = segment_into(&mut w, || segment::try_segment(&doc, &mut budget));
    w.budget = budget;
    if segmented {
        w.deleted = segment_apart(std::mem::take(&mut doc.deleted));
        w.comments = segment_apart(std::mem::take(&mut doc.comments));
        super::amend::keep(&mut w, &mut doc, ctx.keep);
    }
    // The sentences carry the text from here on.
    drop(doc);
    if !segmented {
        return w;
    }
    // None only when the rule set failed to load: the scan ends in that error.
    let Some(rules) = ctx.rules.get() else {
        return w;
    };
    w.overrides = settings.overrides(&w.input, None);
    w.external_storage = settings.external_storage(&w.input, None);
    if !resolve_parties(&mut w, rules) {
        return w;
    }
    // A loose file is its counterparty's: settings for that name apply too.
    if matches!(w.input.vendor, Some(VendorName::Loose { .. })) {
        if let Some(name) = w.parties.vendor_name().map(str::to_string) {
            w.external_storage = settings
                .external_storage(&w.input, Some(&name))
                .or(w.external_storage);
            let more = settings.overrides(&w.input, Some(&name));
            if more != w.overrides {
                w.overrides = more;
                if !resolve_parties(&mut w, rules) {
                    return w;
                }
            }
        }
    }
    // With its own party definitions the document can be matched now,
    // and its sentences dropped.
    if !w.parties.defined.is_empty() {
        find(&mut w, rules);
    }
    w
}

/// Segment behind the panic firewall; false (and the document `error`) on a
/// panic or when the work budget runs out.
fn segment_into(
    w: &mut DocWork,
    segmenter: impl FnOnce() -> Result<Vec<Sentence>, BudgetExceeded>,
) -> bool {
    match crate::guard::guarded(segmenter) {
        Ok(Ok(s)) => {
            w.sentences = s;
            true
        }
        Ok(Err(e)) => {
            w.set(DocStatus::Error, e.to_string());
            false
        }
        Err(p) => {
            w.set(
                DocStatus::Error,
                format!(
                    "internal error while segmenting: {}",
                    crate::guard::message(&*p)
                ),
            );
            false
        }
    }
}

/// Text kept apart from the clauses (deleted revisions, comments) as
/// sentences. It only ever explains a ×, so its own budget, a panic or an
/// exhausted budget lose it and never change what becomes of the document.
fn segment_apart(blocks: Vec<crate::document::Block>) -> Vec<Sentence> {
    if blocks.is_empty() {
        return Vec::new();
    }
    let doc = Document {
        blocks,
        ..Document::default()
    };
    match crate::guard::guarded(|| segment::try_segment(&doc, &mut Budget::default())) {
        Ok(Ok(s)) => s,
        _ => Vec::new(),
    }
}

/// The overrides as the matcher takes them: (label, role).
pub fn label_roles(overrides: &[Override]) -> Vec<(String, crate::matching::parties::Role)> {
    overrides
        .iter()
        .map(|o| (o.label.clone(), o.role))
        .collect()
}

/// Read the document's parties behind the panic firewall; false (and the
/// document `error`) on a panic or when the work budget runs out.
fn resolve_parties(w: &mut DocWork, rules: &RuleSet) -> bool {
    let overrides = label_roles(&w.overrides);
    let mut budget = std::mem::take(&mut w.budget);
    let resolved = crate::guard::guarded(|| {
        Parties::try_resolve(
            &w.sentences,
            &rules.lexicon.parties,
            vendor_hint(&w.input),
            &overrides,
            &mut budget,
        )
    });
    w.budget = budget;
    match resolved {
        Ok(Ok(p)) => {
            w.parties = p;
            true
        }
        Ok(Err(e)) => {
            w.set(DocStatus::Error, e.to_string());
            w.sentences = Vec::new();
            false
        }
        Err(p) => {
            w.set(
                DocStatus::Error,
                format!(
                    "internal error while reading the parties: {}",
                    crate::guard::message(&*p)
                ),
            );
            w.sentences = Vec::new();
            false
        }
    }
}

/// Excerpt for evidence: the sentence as written, white space folded, bounded.
fn excerpt(text: &str) -> String {
    let folded: String = text
        .replace('\t', " ｜ ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    const MAX: usize = 240;
    let mut s = if folded.chars().count() > MAX {
        let mut s: String = folded.chars().take(MAX).collect();
        s.push('…');
        s
    } else {
        folded
    };
    // Kept until the report is written: no spare capacity per quote.
    s.shrink_to_fit();
    s
}

fn strength_status(s: Strength) -> Status {
    match s {
        Strength::Present => Status::Present,
        Strength::Weak => Status::Weak,
        Strength::Negated => Status::Negated,
        Strength::None => Status::Missing,
    }
}

/// Match a document's sentences (behind the panic firewall), keep the
/// evidence of every hit, and drop the sentences. A panic makes the document
/// `error`: a document that was not matched must not look read and clean.
pub fn find(w: &mut DocWork, rules: &RuleSet) {
    let mut budget = std::mem::take(&mut w.budget);
    let records_deadline: Vec<bool> = rules.provisions.iter().map(|p| p.deadline).collect();
    // Edition 5.2 reports stay as they were: the class came with editions.
    let classify = rules.guideline.is_some();
    // Near misses outside the clauses explain a × and nothing else: behind
    // their own firewall and budget, so they can never change a status.
    let apart = crate::guard::guarded(|| near_apart(w, rules)).unwrap_or_default();
    w.mentions_storage = crate::aggregate::conditions::mentions_storage(&w.sentences);
    // Like near misses, a priority clause misread must never cost the document.
    w.standing = crate::guard::guarded(|| {
        let path: std::sync::Arc<str> = w.input.display.text.as_str().into();
        let name = w.input.display.text.rsplit('/').next().unwrap_or_default();
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        crate::sets::read(path, stem, &w.sentences)
    })
    .ok();
    w.deleted = Vec::new();
    w.comments = Vec::new();
    // An article applied to another (準用) is matched as that article's too.
    let applications = crate::guard::guarded(|| {
        crate::references::application::applications(&w.sentences, &w.parties)
    })
    .unwrap_or_default();
    crate::references::insert(&mut w.sentences, &mut w.origins, applications);
    find_with(
        w,
        (&records_deadline, classify),
        |sentences, parties| {
            let mut hits = matching::try_match_sentences(rules, sentences, parties, &mut budget)?;
            crate::references::rule::adjust(rules, sentences, parties, &mut hits);
            Ok(hits)
        },
        apart,
    );
    w.budget = budget;
}

/// Near misses in headings, tables of contents and definitions, and in the
/// deleted revisions and comments: per provision the closest of each source.
fn near_apart(w: &DocWork, rules: &RuleSet) -> Vec<(usize, NearMiss)> {
    let mut budget = Budget::default();
    let mut out = Vec::new();
    if let Ok(hits) = matching::try_match_structure(rules, &w.sentences, &mut budget) {
        out.extend(near_misses(w, &w.sentences, &hits, None));
    }
    for (sentences, kind) in [
        (&w.deleted, MissKind::DeletedRevision),
        (&w.comments, MissKind::CommentOnly),
    ] {
        if let Ok(mut hits) = matching::try_match_apart(rules, sentences, &w.parties, &mut budget) {
            // A deleted paragraph is kept whole: only where it would have
            // counted did the deletion take the provision away. A comment
            // asks for a change (「…報告する旨に改めてください」): any mention is one.
            if kind == MissKind::DeletedRevision {
                hits.retain(|h| h.strength > Strength::None);
            }
            out.extend(near_misses(w, sentences, &hits, Some(kind)));
        }
    }
    out
}

/// Per provision, the closest near miss among `hits` (the first of the
/// closest kind), with its evidence. `apart` names the kind of every hit in
/// text kept apart from the clauses (its clause numbers are not the
/// contract's, so none is shown).
fn near_misses(
    w: &DocWork,
    sentences: &[Sentence],
    hits: &[Hit],
    apart: Option<MissKind>,
) -> Vec<(usize, NearMiss)> {
    let mut best: std::collections::BTreeMap<usize, (MissKind, &Hit)> = Default::default();
    for h in hits {
        let Some(kind) = apart.or(h.miss) else {
            continue;
        };
        let closer = best.get(&h.provision).is_none_or(|b| kind < b.0);
        if closer {
            best.insert(h.provision, (kind, h));
        }
    }
    // One path for the document's near misses (kept per provision until the
    // report is written), as for its evidence.
    let path: std::sync::Arc<str> = w.input.display.text.as_str().into();
    best.into_iter()
        .filter_map(|(p, (kind, h))| {
            let s = sentences.get(h.sentence)?;
            let near = near_miss(w, &path, sentences, s, h, kind, apart.is_some());
            Some((p, near))
        })
        .collect()
}

fn near_miss(
    w: &DocWork,
    path: &std::sync::Arc<str>,
    sentences: &[Sentence],
    s: &Sentence,
    h: &Hit,
    kind: MissKind,
    apart: bool,
) -> NearMiss {
    let (clause, heading) = if apart {
        (None, None)
    } else if h.in_heading {
        (
            s.article.as_deref().map(str::to_string),
            s.heading.as_deref(),
        )
    } else {
        (s.clause(), s.heading.as_deref())
    };
    let (matched, text) = match (&s.heading, h.in_heading) {
        (Some(hd), true) => {
            let shown = match &s.article {
                Some(a) => format!("{a}（{hd}）"),
                None => format!("（{hd}）"),
            };
            (hd.to_string(), shown)
        }
        _ => {
            let (a, b) = s.norm.original_range(h.span.0, h.span.1);
            (
                s.text.get(a..b).unwrap_or_default().to_string(),
                excerpt(&s.text),
            )
        }
    };
    let party = h
        .party
        .filter(|_| kind == MissKind::WrongParty)
        .map(|role| party_ja(w, sentences, s, role));
    let note = NearMiss::note_ja(kind, clause.as_deref(), party.as_deref(), &s.norm.text);
    NearMiss {
        kind,
        note: shared(&note),
        evidence: Evidence {
            path: std::sync::Arc::clone(path),
            page: s.page,
            ocr_confidence: crate::document::ocr_confidence(&w.ocr_pages, s.page),
            sheet: w.page_name(s.page),
            clause: clause.as_deref().map(shared),
            heading: heading.map(shared),
            strength: Status::Missing,
            basis: Basis::None,
            matched: shared(&matched),
            text: text.into(),
            deadline: None,
            derived: None,
            prevailing: None,
            part: None,
        },
    }
}

/// Whose duty a clause is, as the contract names it: the label that stands as
/// subject for `role` in the sentence (or the one it depends on), else the
/// label the document gives that role, with the role: 甲（委託者）.
fn party_ja(w: &DocWork, sentences: &[Sentence], s: &Sentence, role: Role) -> String {
    let lead = s.lead.and_then(|l| sentences.get(l));
    let label = [Some(s), lead]
        .into_iter()
        .flatten()
        .find_map(|x| {
            let t = &x.norm.text;
            w.parties
                .subjects(t)
                .into_iter()
                .find(|sub| sub.role == role)
                .and_then(|sub| t.get(sub.start..sub.end))
                .map(str::to_string)
        })
        .or_else(|| {
            crate::matching::parties::with_overrides(&w.parties.defined, &w.overrides)
                .into_iter()
                .find(|p| p.role == role)
                .map(|p| p.label)
        });
    match label {
        Some(l) if l != role.label_ja() => format!("{l}（{}）", role.label_ja()),
        _ => role.label_ja().to_string(),
    }
}

/// [`find`] with the matcher given: the seam where a matcher's panic is
/// turned into the document's status.
fn find_with(
    w: &mut DocWork,
    (records_deadline, classify): (&[bool], bool),
    matcher: impl FnOnce(&[Sentence], &Parties) -> Result<Vec<matching::Hit>, BudgetExceeded>,
    apart: Vec<(usize, NearMiss)>,
) {
    let matched = crate::guard::guarded(|| matcher(&w.sentences, &w.parties));
    let mut hits = match matched {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => {
            w.set(DocStatus::Error, e.to_string());
            w.findings = Some(Vec::new());
            w.sentences = Vec::new();
            return;
        }
        Err(p) => {
            w.set(
                DocStatus::Error,
                format!(
                    "internal error while matching: {}",
                    crate::guard::message(&*p)
                ),
            );
            w.findings = Some(Vec::new());
            w.sentences = Vec::new();
            return;
        }
    };
    // What an article a change could not be applied to says decides
    // nothing: its provisions are unknown instead.
    if !w.origins.is_empty() {
        let origins = &w.origins;
        let uncertain = |h: &matching::Hit| {
            matches!(
                origins.get(h.sentence),
                Some(Some(crate::consolidate::Origin::Uncertain))
            )
        };
        w.uncertain
            .extend(hits.iter().filter(|h| uncertain(h)).map(|h| h.provision));
        hits.retain(|h| !uncertain(h));
    }
    // The clauses' own near misses first: at equal kinds, the body wins.
    let mut near = near_misses(w, &w.sentences, &hits, None);
    near.extend(apart);
    w.near = crate::aggregate::closest(near);
    let path: std::sync::Arc<str> = w.input.display.text.as_str().into();
    // Each hit is first keyed by what decides whether it is kept (the
    // language of its quote, its part of a set); evidence is built only for
    // hits that may be kept.
    let mut langs: Vec<Option<crate::sets::Lang>> = vec![None; w.sentences.len()];
    let keyed: Vec<(crate::aggregate::Keyed, matching::Hit)> = hits
        .into_iter()
        .map(|h| {
            let lang = *langs[h.sentence].get_or_insert_with(|| {
                crate::sets::language::of(&excerpt(&w.sentences[h.sentence].text))
            });
            let key = crate::aggregate::Keyed {
                provision: h.provision,
                strength: h.strength,
                lang,
                part: w.standing.as_ref().and_then(|i| i.part_of(h.sentence)),
                prevails: h.basis == matching::Basis::Prevailing,
            };
            (key, h)
        })
        .collect();
    // A sentence that gives several provisions evidence is quoted once.
    let mut quotes: std::collections::HashMap<usize, std::sync::Arc<str>> = Default::default();
    let findings = crate::aggregate::reduce_keyed(keyed, |key, h| {
        let s = &w.sentences[h.sentence];
        // The span is in normalized text; the offset map finds the original words.
        let (a, b) = s.norm.original_range(h.span.0, h.span.1);
        Evidence {
            path: path.clone(),
            page: s.page,
            ocr_confidence: crate::document::ocr_confidence(&w.ocr_pages, s.page),
            sheet: w.page_name(s.page),
            clause: s.clause().as_deref().map(shared),
            heading: s.heading.as_deref().map(shared),
            strength: strength_status(h.strength),
            basis: h.basis,
            matched: shared(s.text.get(a..b).unwrap_or_default()),
            text: std::sync::Arc::clone(
                quotes
                    .entry(h.sentence)
                    .or_insert_with(|| excerpt(&s.text).into()),
            ),
            deadline: records_deadline
                .get(h.provision)
                .copied()
                .unwrap_or(false)
                .then(|| {
                    let wording = matching::deadline::wording(&s.norm.text);
                    let class = classify.then(|| matching::deadline::Class::of(wording.as_deref()));
                    Box::new(Deadline { wording, class })
                }),
            derived: match w.origins.get(h.sentence) {
                Some(Some(crate::consolidate::Origin::Derived(d))) => Some(d.clone()),
                _ => None,
            },
            prevailing: None,
            part: key.part.clone(),
        }
    });
    w.findings = Some(findings);
    w.sentences = Vec::new();
    w.origins = Vec::new();
    w.parties = std::mem::take(&mut w.parties).definitions_only();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Kind, Name};
    use std::path::PathBuf;

    fn read_doc() -> DocWork {
        DocWork::new(Input {
            vendor: None,
            path: PathBuf::from("a.txt"),
            follow: false,
            display: Name::plain("V/a.txt"),
            kind: Kind::Read(discover::Format::Text),
            root: None,
            member: None,
        })
    }

    #[test]
    fn a_panic_while_matching_makes_the_document_an_error_not_a_clean_read() {
        let mut w = read_doc();
        find_with(
            &mut w,
            (&[], false),
            |_, _| panic!("matcher bug"),
            Vec::new(),
        );
        assert_eq!(w.status, DocStatus::Error);
        assert!(w.reason.as_deref().unwrap().contains("matcher bug"));
        assert_eq!(w.findings.as_deref(), Some(&[][..]));
    }

    #[test]
    fn a_document_over_its_work_budget_is_an_error_naming_the_budget() {
        let mut w = read_doc();
        let text = "乙は、事故が発生したときは、直ちに甲に報告しなければならない。\n".repeat(50);
        let doc = crate::extract::text::extract(text.as_bytes()).unwrap();
        let mut small = Budget::new(100, 10);
        assert!(!segment_into(&mut w, || segment::try_segment(
            &doc, &mut small
        )));
        assert_eq!(w.status, DocStatus::Error);
        assert!(
            w.reason.as_deref().unwrap().contains("budget"),
            "{:?}",
            w.reason
        );
    }

    #[test]
    fn a_panic_while_segmenting_makes_the_document_an_error() {
        let mut w = read_doc();
        assert!(!segment_into(&mut w, || panic!("segmenter bug")));
        assert_eq!(w.status, DocStatus::Error);
        assert!(w.reason.as_deref().unwrap().contains("while segmenting"));
    }
}
