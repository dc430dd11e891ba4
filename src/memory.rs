//! The keiyaku binary's allocator: jemalloc with one arena. A scan's memory
//! then stays flat and lower than with glibc's per-thread arenas (which left a
//! 20,000-document scan anywhere between 128 and 160 MB from run to run), and
//! it is faster on the many small strings of matching.

#[cfg(all(unix, not(target_env = "musl")))]
mod imp {
    #[global_allocator]
    static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

    /// A pointer to jemalloc's option string.
    #[repr(transparent)]
    pub struct Conf(*const std::ffi::c_char);
    // SAFETY: it points to a static, NUL-terminated, never-written string.
    unsafe impl Sync for Conf {}

    /// Read by jemalloc when it starts: one arena (the threads keep their
    /// own caches), so freed memory of one worker serves the other; address
    /// space given back when freed (`retain:false`), so a scan under
    /// `ulimit -v` does not run out of addresses it no longer uses.
    #[export_name = "_rjem_malloc_conf"]
    pub static MALLOC_CONF: Conf = Conf(c"narenas:1,retain:false".as_ptr());
}
