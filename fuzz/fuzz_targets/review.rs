//! `review`'s in-place edit: no input may panic; when the edit succeeds,
//! the body keeps every byte (but the dated win it lists under `##
//! Celebrate`), the number of changed lines is the number it
//! reports, and a second review on the same day changes nothing. The
//! review records the agenda's reading, so the rotation is fuzzed too.
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
    let date = jiff::civil::date(2026, 11, 21);
    // Who read which item: the reading the agenda proposes for the day.
    let readers = alliance::agenda::reading_for(&doc, date)
        .readings
        .into_iter()
        .filter_map(|r| Some((r.item.key, r.reader?)))
        .collect();
    let review = Review {
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
        let prefix = body
            .bytes()
            .zip(before.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = body[prefix..]
            .bytes()
            .rev()
            .zip(before[prefix..].bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        assert_eq!(prefix + suffix, before.len(), "the body lost or changed bytes");
        let inserted = &body.as_bytes()[prefix..body.len() - suffix];
        let inserted = String::from_utf8_lossy(inserted);
        assert_eq!(
            inserted.trim_matches(['\r', '\n']),
            "- 2026-11-21: Shipped the ledger",
            "the body gained more than the win"
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
