//! The rules as a whole: every code has its page in `docs/rules.md`. Each
//! rule's own case (a document, the exact finding, the exit code) is a file
//! in `tests/cmd/rules/`, run by `tests/it/cmd.rs`, which also proves that
//! every rule has one.

use alliance::check::finding::Rule;

#[test]
fn every_rule_is_documented() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .expect("docs/rules.md");
    for rule in Rule::ALL {
        let heading = format!("## {} {}\n", rule.code(), rule.name());
        assert!(
            docs.contains(&heading),
            "docs/rules.md lacks `{}`",
            heading.trim()
        );
        let row = format!("| {} | {} |", rule.code(), rule.name());
        assert!(
            docs.contains(&row),
            "docs/rules.md's table lacks {}",
            rule.code()
        );
    }
}
