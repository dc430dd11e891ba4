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

    use std::ffi::{c_uint, c_void};
    use std::sync::OnceLock;
    use tikv_jemalloc_sys::extent_hooks_t;

    /// jemalloc's default hooks (copied: jemalloc is given a pointer to ours).
    struct Hooks {
        default: extent_hooks_t,
        ours: extent_hooks_t,
    }
    // SAFETY: function pointers only, written once before jemalloc has them.
    unsafe impl Sync for Hooks {}
    unsafe impl Send for Hooks {}
    static HOOKS: OnceLock<Hooks> = OnceLock::new();

    const NAME: &std::ffi::CStr = c"arena.0.extent_hooks";

    /// The extent hook that maps pages for jemalloc, but for one request.
    /// Without `retain`, jemalloc grows a large allocation (a doubling Vec)
    /// in place by mapping the pages right after it; the kernel places new
    /// mappings below the old ones, so those pages are nearly always taken,
    /// and each growth cost a map and an unmap for nothing (and held the
    /// process's memory-map lock against the other worker's page faults)
    /// before the copy it comes to anyway: 650 of them for 200 PDFs, 7 % of
    /// the scan's time. That request is refused here, which jemalloc takes
    /// as "cannot grow in place".
    unsafe extern "C" fn alloc(
        _hooks: *mut extent_hooks_t,
        new_addr: *mut c_void,
        size: usize,
        alignment: usize,
        zero: *mut bool,
        commit: *mut bool,
        arena: c_uint,
    ) -> *mut c_void {
        let Some(h) = HOOKS.get() else {
            return std::ptr::null_mut();
        };
        let Some(default) = h.default.alloc.filter(|_| new_addr.is_null()) else {
            return std::ptr::null_mut();
        };
        let hooks = std::ptr::from_ref(&h.default).cast_mut();
        // SAFETY: jemalloc's own hook, called with the arguments jemalloc gave.
        unsafe { default(hooks, new_addr, size, alignment, zero, commit, arena) }
    }

    /// Put [`alloc`] in front of jemalloc's hooks for the one arena. Left
    /// as it is if jemalloc does not answer as documented.
    pub fn refuse_growth_in_place() {
        let mut current: *mut extent_hooks_t = std::ptr::null_mut();
        let mut len = std::mem::size_of::<*mut extent_hooks_t>();
        // SAFETY: a documented mallctl that reads a pointer.
        let read = unsafe {
            tikv_jemalloc_sys::mallctl(
                NAME.as_ptr(),
                std::ptr::from_mut(&mut current).cast(),
                &mut len,
                std::ptr::null_mut(),
                0,
            )
        };
        if read != 0 || current.is_null() || len != std::mem::size_of::<*mut extent_hooks_t>() {
            return;
        }
        // SAFETY: jemalloc's hooks, a struct that lives as long as the process.
        let default = unsafe { std::ptr::read(current) };
        if default.alloc.is_none() {
            return;
        }
        let hooks = HOOKS.get_or_init(|| Hooks {
            default,
            ours: extent_hooks_t {
                alloc: Some(alloc),
                ..default
            },
        });
        let mut ours = std::ptr::from_ref(&hooks.ours).cast_mut();
        // SAFETY: a documented mallctl that writes a pointer to a static
        // struct jemalloc only reads.
        unsafe {
            tikv_jemalloc_sys::mallctl(
                NAME.as_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::from_mut(&mut ours).cast(),
                std::mem::size_of::<*mut extent_hooks_t>(),
            );
        }
    }
}

#[cfg(all(unix, not(target_env = "musl")))]
pub use imp::refuse_growth_in_place;

/// Other allocators: nothing to change.
#[cfg(not(all(unix, not(target_env = "musl"))))]
pub fn refuse_growth_in_place() {}
