//! Parsing a document: front matter, body, inline fields, then every check.
//! No input may panic or hang, and every span must fall inside the text.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use alliance::check;
use alliance::document::Alliance;
use alliance::kind::Kinds;
use libfuzzer_sys::fuzz_target;

fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<Kinds> = OnceLock::new();
    KINDS.get_or_init(Kinds::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Alliance::parse(Path::new("fuzz.md"), data.to_vec()) else {
        return;
    };
    for section in &doc.sections {
        assert!(section.span.end <= doc.text.len());
        for item in &section.items {
            assert!(item.span.end <= doc.text.len());
            for field in &item.fields {
                assert!(doc.text.get(field.value_span.start..field.value_span.end).is_some());
            }
        }
    }
    for finding in check::check(&doc, kinds()) {
        if let Some(location) = finding.location {
            assert!(location.line >= 1 && location.column >= 1);
        }
    }
});
