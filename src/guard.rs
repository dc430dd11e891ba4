//! The panic firewall: work on one document runs inside [`guarded`], so a
//! bug or a hostile file that makes a parser panic costs that document (its
//! status says why), never the batch. While a panic is contained, the
//! binary's panic hook stays quiet ([`active`]): the document's status
//! already carries the message, and a backtrace on stderr would only alarm.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// How many guarded sections the thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Run `f`, containing a panic: Err holds its payload.
pub fn guarded<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let out = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    out
}

/// A panic raised now would be contained by [`guarded`].
pub fn active() -> bool {
    DEPTH.with(|d| d.get() > 0)
}

/// A contained panic's message, for the document's status.
pub fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_contained_and_the_depth_restored() {
        assert!(!active());
        let r = guarded(|| {
            assert!(active());
            let nested = guarded(|| panic!("inner"));
            assert_eq!(message(nested.unwrap_err().as_ref()), "inner");
            assert!(active());
            7
        });
        assert_eq!(r.ok(), Some(7));
        assert!(!active());
    }
}
