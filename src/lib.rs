//! keiyaku: scans vendor contracts for the provisions that Japan's guideline
//! for medical information systems requires.
//!
//! The pipeline, one module a stage: [`discover`] lists vendors and files →
//! [`extract`] fills the [`document`] model (PDF, DOCX, text) → [`normalize`]
//! makes the text matchable with a map back to the original → [`segment`]
//! splits it into 条/項/号 and sentences → [`matching`] finds provisions and
//! reads who is bound and how strongly → [`aggregate`] decides one status per
//! vendor and provision → [`report`] renders one report model in each format.

pub mod aggregate;
pub mod app;
pub mod audit;
pub mod cjk;
pub mod cli;
pub mod config;
pub mod consolidate;
pub mod discover;
pub mod document;
pub mod error;
pub mod extract;
pub mod guard;
pub mod matching;
pub mod normalize;
pub mod references;
pub mod report;
pub mod rules;
pub mod segment;
pub mod sets;
