//! The forge's answers (`ci comment`, `--count-approvals`): every reader
//! of `alliance::ci::forge::wire` on one answer, as a hostile or broken
//! forge could send it. No input may panic, and the message quoted from an
//! answer stays one escaped line of at most 300 characters (and an
//! ellipsis); a tab may stay, as the terminal escaper keeps it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_, message) = alliance::ci::forge::wire::read_all(data);
    assert!(message.chars().count() <= 301, "a message of {} characters", message.chars().count());
    assert!(
        !message.chars().any(|c| c.is_control() && c != '\t'),
        "a control character in {message:?}"
    );
});
