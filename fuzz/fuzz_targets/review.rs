//! `review`'s in-place edit: no input may panic; when the edit succeeds,
//! the body keeps every byte, the number of changed lines is the number it
//! reports, and a second review on the same day changes nothing.
#![no_main]

use std::collections::BTreeSet;
use std::path::Path;

use alliance::document::Alliance;
use alliance::write::review::{self, Review};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Alliance::parse(Path::new("fuzz.md"), data.to_vec()) else {
        return;
    };
    let review = Review {
        date: jiff::civil::date(2026, 11, 21),
        note: Some("Kept all: moved stand-up #team".to_owned()),
        wins: vec!["Shipped the ledger".to_owned()],
    };
    let Ok(edited) = review::record_review(&doc, &review) else {
        return;
    };
    let again = Alliance::parse_text(Path::new("fuzz.md"), edited.text.clone());
    assert_eq!(
        &again.text[again.body_start..],
        &doc.text[doc.body_start..],
        "the body changed"
    );
    let reported: BTreeSet<usize> = edited.changes.iter().flat_map(|c| c.lines.clone()).collect();
    let diff = similar::TextDiff::from_lines(&doc.text, &edited.text);
    let inserted = diff
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Insert)
        .count();
    assert_eq!(inserted, reported.len(), "changed lines differ from the report");
    let twice = review::record_review(&again, &review).expect("a second review is accepted");
    assert!(twice.changes.is_empty(), "a second review changed {:?}", twice.changes);
});
