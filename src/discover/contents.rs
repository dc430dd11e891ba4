//! A file's bytes as an extractor gets them: read into memory, or — a large
//! file on unix — memory-mapped, so that the pages already parsed can be
//! given back while the parser goes on ([`Contents::releasing`]).
//!
//! A 47 MB PDF read into a `Vec` is resident whole until lopdf has parsed all
//! of it; mapped, only the pages parsed since the last release are. The pages
//! of a read-only file mapping are unmapped and read again from the page
//! cache if touched again, so releasing them never changes the bytes.
//!
//! A file shortened by another program while it is mapped would end the
//! process (SIGBUS) when a page past its new end is read; each mapping is
//! watched ([`super::truncation`]), so the missing pages read as zeros and
//! the document is reported as `error` ([`Contents::truncated`]). Only files
//! of at least [`MAP_FROM`] bytes are mapped, where the memory a mapping
//! saves matters.

use std::ops::Deref;

/// Files from this size on are mapped rather than read (unix).
pub const MAP_FROM: u64 = 16 * 1024 * 1024;

/// [`Contents::for_each_piece`]'s piece.
const PIECE: usize = 4 * 1024 * 1024;

/// The bytes of one input.
pub enum Contents {
    Read(Vec<u8>),
    /// The watch is dropped (and the slot freed) before the mapping.
    #[cfg(unix)]
    Mapped(super::truncation::Watch, memmap2::Mmap),
}

impl Deref for Contents {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Contents::Read(v) => v,
            #[cfg(unix)]
            Contents::Mapped(_, m) => m,
        }
    }
}

impl From<Vec<u8>> for Contents {
    fn from(v: Vec<u8>) -> Contents {
        Contents::Read(v)
    }
}

impl Contents {
    /// A mapped file was shortened while it was read: what was read is not
    /// the file (see [`super::truncation`]).
    pub fn truncated(&self) -> bool {
        match self {
            #[cfg(unix)]
            Contents::Mapped(w, _) => w.truncated(),
            Contents::Read(_) => false,
        }
    }

    /// Refused when longer than `limit` (a file grown since it was checked).
    pub(super) fn checked(self, limit: u64) -> Result<Contents, super::open::OpenError> {
        if self.len() as u64 > limit {
            return Err(super::open::OpenError::TooLarge { limit });
        }
        Ok(self)
    }

    /// Give back the pages of a mapping touched so far (hashing, parsing);
    /// nothing for bytes read into memory.
    pub fn release(&self) {
        #[cfg(unix)]
        if let Contents::Mapped(_, m) = self {
            // SAFETY: a read-only mapping of a file, never written: dropped
            // pages are read again from the file when touched, with the same
            // bytes.
            let _ = unsafe { m.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }

    /// Hand the bytes to `f` a few megabytes at a time, a mapping's pages
    /// given back after each piece (hashing a mapped file whole would make
    /// all of it resident).
    pub fn for_each_piece(&self, mut f: impl FnMut(&[u8])) {
        for piece in self.chunks(PIECE) {
            f(piece);
            self.release();
        }
    }

    /// Run `f` with [`release_now`] giving back this mapping's pages, for a
    /// parser that cannot be handed a callback (lopdf's load filter is a
    /// plain function).
    pub fn releasing<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore(Option<(usize, usize)>);
        impl Drop for Restore {
            fn drop(&mut self) {
                RELEASING.with(|r| r.set(self.0));
            }
        }
        let range = match self {
            #[cfg(unix)]
            Contents::Mapped(_, m) => Some((m.as_ptr() as usize, m.len())),
            _ => None,
        };
        // Restored however `f` ends, so the range is never released after
        // the mapping is gone.
        let _restore = Restore(RELEASING.with(|r| r.replace(range)));
        f()
    }
}

thread_local! {
    /// The mapping [`Contents::releasing`] is running with on this thread:
    /// its address and length.
    static RELEASING: std::cell::Cell<Option<(usize, usize)>> = const { std::cell::Cell::new(None) };
}

/// Inside [`Contents::releasing`] of a mapping: give back its pages touched so
/// far. Nothing elsewhere.
pub fn release_now() {
    #[cfg(unix)]
    if let Some((addr, len)) = RELEASING.with(|r| r.get()) {
        // SAFETY: set only by `releasing` for a mapping it borrows (alive
        // until the range is restored), read-only: see `release`.
        unsafe {
            libc::madvise(addr as *mut libc::c_void, len, libc::MADV_DONTNEED);
        }
    }
}

/// Map a regular file of `len` bytes (at fstat: the caller checks the cap
/// again on the result), or `read` it when it is small or mapping fails.
pub(super) fn of_file(
    file: std::fs::File,
    len: u64,
    read: impl FnOnce(std::fs::File) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<Contents> {
    #[cfg(unix)]
    if len >= MAP_FROM {
        // SAFETY: mapped read-only and never written; see the module note
        // on a file truncated meanwhile.
        if let Ok(m) = unsafe { memmap2::Mmap::map(&file) } {
            // Unwatched (no slot, no handler), it is read instead.
            if let Some(w) = super::truncation::Watch::new(m.as_ptr(), m.len()) {
                return Ok(Contents::Mapped(w, m));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = len;
    read(file).map(Contents::Read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_bytes_are_the_contents_and_release_changes_nothing() {
        let c = Contents::from(b"%PDF-1.4".to_vec());
        c.release();
        c.releasing(release_now);
        assert_eq!(&*c, b"%PDF-1.4");
    }

    #[cfg(unix)]
    #[test]
    fn a_large_file_is_mapped_and_reads_the_same_after_its_pages_are_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pdf");
        let data: Vec<u8> = (0..MAP_FROM as usize + 4096)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &data).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let c = of_file(file, data.len() as u64, |_| unreachable!()).unwrap();
        assert!(matches!(c, Contents::Mapped(..)));
        assert_eq!(&*c, &data[..]);
        c.releasing(release_now);
        c.release();
        assert_eq!(&*c, &data[..]);
    }

    #[cfg(unix)]
    #[test]
    fn a_mapped_file_shortened_while_read_is_known_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pdf");
        let len = MAP_FROM as usize + 8192;
        std::fs::write(&path, vec![5u8; len]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let c = of_file(file, len as u64, |_| unreachable!()).unwrap();
        assert!(!c.truncated());
        super::super::truncation::shorten(&path, 1024);
        c.release();
        let sum: u64 = c.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(sum, 5 * 1024, "the bytes past the new end read as zeros");
        assert!(c.truncated());
    }

    #[test]
    fn a_nested_releasing_restores_the_range_around_it() {
        let outer = Contents::from(vec![1u8; 8]);
        let inner = Contents::from(vec![2u8; 8]);
        RELEASING.with(|r| r.set(Some((1, 2))));
        outer.releasing(|| inner.releasing(|| ()));
        assert_eq!(RELEASING.with(|r| r.get()), Some((1, 2)));
        RELEASING.with(|r| r.set(None));
    }
}
