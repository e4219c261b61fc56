//! The semantic diff of two arbitrary documents: no panic, and a document
//! compared with itself is empty. The input is split in two at its first
//! `\0` byte (or in the middle).
#![no_main]

use std::path::Path;

use alliance::compare::compare;
use alliance::document::Alliance;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len() / 2);
    let (old, new) = (&data[..cut], &data[(cut + 1).min(data.len())..]);
    let parse = |bytes: &[u8]| Alliance::parse(Path::new("fuzz.md"), bytes.to_vec()).ok();
    let (Some(old), Some(new)) = (parse(old), parse(new)) else {
        return;
    };
    let _ = compare(&old, &new);
    assert!(compare(&old, &old).is_empty(), "a document differs from itself");
    assert!(compare(&new, &new).is_empty(), "a document differs from itself");
});
