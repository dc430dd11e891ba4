//! Short strings the report repeats across documents and vendors (条項番号
//! like 第5条, article headings like 事故の報告, near-miss notes): one
//! allocation each, shared, so an archive's report does not hold the same
//! words tens of thousands of times.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

/// Distinct strings kept at most; beyond, new ones are not shared (a hostile
/// archive cannot grow the table without bound beyond what it costs anyway).
const MAX_SHARED: usize = 1 << 20;

/// Strings longer than this are not shared: they are rarely repeated.
const MAX_LEN: usize = 200;

/// The shared copy of `s`.
pub fn shared(s: &str) -> Arc<str> {
    static TABLE: OnceLock<Mutex<HashSet<Arc<str>>>> = OnceLock::new();
    if s.len() > MAX_LEN {
        return s.into();
    }
    let table = TABLE.get_or_init(Default::default);
    let mut t = table.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(a) = t.get(s) {
        return Arc::clone(a);
    }
    let a: Arc<str> = s.into();
    if t.len() < MAX_SHARED {
        t.insert(Arc::clone(&a));
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_words_share_one_allocation() {
        let a = shared("第5条第2項");
        let b = shared(&String::from("第5条第2項"));
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(&*a, "第5条第2項");
    }
}
