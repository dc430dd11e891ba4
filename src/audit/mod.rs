//! Audit runs: a saved report read back ([`saved`]), what changed between two
//! scans ([`diff`]), whether an archive is the one a report was made from
//! ([`verify`]), and what `--record` adds to a report ([`record`]).

pub mod diff;
pub mod record;
pub mod saved;
pub mod verify;
