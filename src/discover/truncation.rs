//! A mapped file that another program shortens while keiyaku reads it.
//!
//! Reading a page of a mapping past the file's new end raises SIGBUS, which
//! ends the process: one file changed during a scan would take the whole
//! batch down. Each mapping is therefore registered here while it lives; the
//! SIGBUS handler, for a fault inside a registered mapping, puts a page of
//! zeros where the missing page was and notes that the mapping was cut
//! short. The read goes on (the parser sees zeros, and fails or reads
//! nonsense), and the document is then reported as `error` by
//! [`Watch::truncated`], however its reading ended. A fault anywhere else
//! goes to the handler that was there before, as if this one did not exist.
//! No crate offers this for a mapping it does not own, hence the lines here.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Mappings watched at once: one per document being read, a few per core.
const SLOTS: usize = 256;

struct Slot {
    start: AtomicUsize,
    len: AtomicUsize,
    cut: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: Slot = Slot {
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    cut: AtomicBool::new(false),
};

static WATCHED: [Slot; SLOTS] = [EMPTY; SLOTS];
static PAGE: AtomicUsize = AtomicUsize::new(4096);

/// The SIGBUS action before ours, for faults that are not ours.
static PREVIOUS: OnceLock<Option<libc::sigaction>> = OnceLock::new();

/// A mapping watched for truncation while this lives.
#[derive(Debug)]
pub struct Watch {
    slot: usize,
}

impl Watch {
    /// Watch `len` bytes from `start`; None when the handler cannot be
    /// installed or every slot is taken (the caller then reads the file).
    pub fn new(start: *const u8, len: usize) -> Option<Watch> {
        PREVIOUS.get_or_init(install).as_ref()?;
        for (slot, s) in WATCHED.iter().enumerate() {
            if s.len
                .compare_exchange(0, usize::MAX, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                s.cut.store(false, Ordering::Release);
                s.start.store(start as usize, Ordering::Release);
                s.len.store(len, Ordering::Release);
                return Some(Watch { slot });
            }
        }
        None
    }

    /// A page of the mapping was gone when it was read: the file was
    /// shortened meanwhile, and what was read is not the file.
    pub fn truncated(&self) -> bool {
        WATCHED[self.slot].cut.load(Ordering::Acquire)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let s = &WATCHED[self.slot];
        s.start.store(0, Ordering::Release);
        s.len.store(0, Ordering::Release);
    }
}

/// Install the handler; the previous action, or None when it failed.
fn install() -> Option<libc::sigaction> {
    // SAFETY: sysconf, sigemptyset and sigaction with valid pointers; the
    // handler only touches atomics and calls mmap and sigaction.
    unsafe {
        let page = libc::sysconf(libc::_SC_PAGESIZE);
        if page > 0 {
            PAGE.store(page as usize, Ordering::Release);
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigbus as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        libc::sigemptyset(&mut action.sa_mask);
        let mut previous: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGBUS, &action, &mut previous) != 0 {
            return None;
        }
        Some(previous)
    }
}

extern "C" fn on_sigbus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo; only atomics, mmap and
    // sigaction are used, all async-signal-safe on the platforms we build.
    unsafe {
        let addr = (*info).si_addr() as usize;
        let page = PAGE.load(Ordering::Acquire);
        for s in &WATCHED {
            let start = s.start.load(Ordering::Acquire);
            let len = s.len.load(Ordering::Acquire);
            if start != 0 && len != usize::MAX && addr >= start && addr - start < len {
                let at = addr & !(page - 1);
                let zero = libc::mmap(
                    at as *mut libc::c_void,
                    page,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                );
                if zero != libc::MAP_FAILED {
                    s.cut.store(true, Ordering::Release);
                    return;
                }
            }
        }
        // Not a watched mapping: the previous action takes the fault again.
        if let Some(Some(previous)) = PREVIOUS.get() {
            libc::sigaction(libc::SIGBUS, previous, std::ptr::null_mut());
        } else {
            libc::signal(libc::SIGBUS, libc::SIG_DFL);
        }
    }
}

/// Cut the file at `path` to `len` bytes, as another program would.
#[cfg(test)]
pub(crate) fn shorten(path: &std::path::Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(len))
        .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapped_file_cut_short_reads_zeros_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.pdf");
        let len = 64 * 1024;
        std::fs::write(&path, vec![7u8; len]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: a test mapping of a file this test owns.
        let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
        let watch = Watch::new(map.as_ptr(), map.len()).unwrap();
        assert_eq!(map[len - 1], 7);
        assert!(!watch.truncated());
        shorten(&path, 100);
        // The page past the new end is gone: read as zeros, not a crash.
        assert_eq!(std::hint::black_box(&map[..])[len - 1], 0);
        assert!(watch.truncated());
        drop(watch);
        drop(map);
    }

    #[test]
    fn a_slot_is_free_again_once_its_watch_is_dropped() {
        let data = [1u8; 16];
        let w = Watch::new(data.as_ptr(), data.len()).unwrap();
        let slot = w.slot;
        assert_eq!(WATCHED[slot].len.load(Ordering::Acquire), data.len());
        assert!(!w.truncated());
        drop(w);
        assert_eq!(WATCHED[slot].len.load(Ordering::Acquire), 0);
    }
}
