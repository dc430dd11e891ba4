//! The report does not depend on how many threads read the documents.

mod util;
use util::*;

#[test]
fn jobs_1_and_jobs_2_give_byte_identical_json() {
    let dir = samples();
    let a = keiyaku(&[
        "scan",
        "--format",
        "json",
        "--jobs",
        "1",
        dir.to_str().unwrap(),
    ]);
    let b = keiyaku(&[
        "scan",
        "--format",
        "json",
        "--jobs",
        "2",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(a.status.code(), Some(0));
    assert!(!a.stdout.is_empty());
    assert_eq!(stdout(&a), stdout(&b));
}
