//! `review`'s in-place edit: no input may panic; when the edit succeeds,
//! the body keeps every byte (but the dated win it lists under `##
//! Celebrate`), the number of changed lines is the number it
//! reports, and a second review on the same day changes nothing. The
//! review records the agenda's reading, so the rotation is fuzzed too.
#![no_main]

use std::collections::BTreeSet;
use std::path::Path;

use alliance::document::Alliance;
use alliance::write::review::{self, NewReview};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Alliance::parse(Path::new("fuzz.md"), data.to_vec()) else {
        return;
    };
    let date = jiff::civil::date(2026, 11, 21);
    // Who read which item: the reading the agenda proposes for the day.
    let readers = alliance::agenda::reading_for(&doc, date)
        .readings
        .into_iter()
        .filter_map(|r| Some((r.item.key, r.reader?)))
        .collect();
    let review = NewReview {
        date,
        note: Some("Kept all: moved stand-up #team".to_owned()),
        wins: vec!["Shipped the ledger".to_owned()],
        readers,
    };
    let Ok(edited) = review::record_review(&doc, &review) else {
        return;
    };
    let again = Alliance::parse_text(Path::new("fuzz.md"), edited.text.clone());
    // The body keeps every byte, in order: the only change is an insertion
    // of the dated win (and the line breaks around it) under a
    // `## Celebrate` section, when the alliance has one.
    let body = &again.text[again.body_start..];
    let before = &doc.text[doc.body_start..];
    if body != before {
        let (after_bytes, before_bytes) = (body.as_bytes(), before.as_bytes());
        let prefix = after_bytes
            .iter()
            .zip(before_bytes)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = after_bytes[prefix..]
            .iter()
            .rev()
            .zip(before_bytes[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        assert_eq!(prefix + suffix, before.len(), "the body lost or changed bytes");
        // What was inserted is the win and line breaks (where a line
        // break or a dash repeats, which of them is "new" is ambiguous, so
        // count rather than compare the slice).
        let inserted = &after_bytes[prefix..after_bytes.len() - suffix];
        let win = "- 2026-11-21: Shipped the ledger";
        let printed = inserted.iter().filter(|b| !matches!(b, b'\r' | b'\n')).count();
        assert_eq!(printed, win.len(), "the body gained more than the win");
        assert_eq!(
            body.matches(win).count(),
            before.matches(win).count() + 1,
            "the win is listed once"
        );
    }
    let reported: BTreeSet<usize> = edited.changes.iter().flat_map(|c| c.lines.clone()).collect();
    let diff = similar::TextDiff::from_lines(&doc.text, &edited.text);
    let inserted = diff
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Insert)
        .count();
    // A file whose last line has no line break gains one when a win is
    // listed after it: that line shows as changed in a line diff, though
    // only its line break is new.
    let unterminated = usize::from(!doc.text.ends_with('\n'));
    assert!(
        inserted == reported.len() || inserted == reported.len() + unterminated,
        "changed lines differ from the report: {inserted} against {}",
        reported.len()
    );
    let twice = review::record_review(&again, &review).expect("a second review is accepted");
    assert!(twice.changes.is_empty(), "a second review changed {:?}", twice.changes);
});
