//! `alliance review`: records a review in place and changes nothing else.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{Sandbox, TEAM_BODY, examples, real_corpus, team_doc};

/// Run `alliance review` on `name` in `sb` and check that the lines that
/// changed are exactly the ones it reported; then that a second run on the
/// same date changes nothing.
fn review_preserves_bytes(sb: &Sandbox, name: &str) {
    let before = std::fs::read(sb.path().join(name)).expect("read");
    let args = [
        "review",
        name,
        "--date",
        "2026-12-01",
        "--note",
        "Kept all; moved stand-up: 09:45 #team",
        "--win",
        "Shipped the ledger",
    ];
    let run = sb.run(&args);
    assert_eq!(run.code, 0, "{name}: {run:?}");
    let after = std::fs::read(sb.path().join(name)).expect("read");
    let before_text = String::from_utf8(before.clone()).expect("utf8");
    let after_text = String::from_utf8(after.clone()).expect("utf8");

    // What it said it changed: `NAME:LINE: ...` or `NAME:FROM-TO: ...`.
    let mut reported = BTreeSet::new();
    let mut replaced = 0;
    for line in run.stdout.lines() {
        let rest = line
            .strip_prefix(&format!("{name}:"))
            .unwrap_or_else(|| panic!("{name}: unexpected output {line:?}"));
        let (lines, what) = rest.split_once(": ").expect("lines: what");
        let (from, to) = lines.split_once('-').unwrap_or((lines, lines));
        let (from, to): (usize, usize) = (from.parse().expect("line"), to.parse().expect("line"));
        reported.extend(from..=to);
        if what.contains(" -> ") {
            replaced += 1;
        }
    }
    // What actually changed, line by line.
    let diff = similar::TextDiff::from_lines(&before_text, &after_text);
    let mut inserted = BTreeSet::new();
    let mut deleted = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => {
                inserted.insert(change.new_index().expect("new index") + 1);
            }
            similar::ChangeTag::Delete => deleted += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    assert_eq!(
        inserted, reported,
        "{name}: changed lines differ from the report:\n{}",
        run.stdout
    );
    assert_eq!(
        deleted, replaced,
        "{name}: only replaced values remove a line:\n{}",
        run.stdout
    );
    assert_eq!(
        before.starts_with(b"\xef\xbb\xbf"),
        after.starts_with(b"\xef\xbb\xbf"),
        "{name}: BOM"
    );
    if before_text.matches('\n').count() == before_text.matches("\r\n").count()
        && before_text.contains("\r\n")
    {
        assert_eq!(
            after_text.matches('\n').count(),
            after_text.matches("\r\n").count(),
            "{name}: CRLF kept"
        );
    }
    // The body is byte for byte the same.
    let body = |text: &str| {
        let doc = alliance::document::Alliance::parse_text(Path::new(name), text.to_owned());
        text[doc.body_start..].to_owned()
    };
    // The body is the same but for the win listed in a `## Celebrate`
    // section, where the document has one.
    let win = "- 2026-12-01: Shipped the ledger";
    let mut after_body = body(&after_text);
    for sep in ["\r\n\r\n", "\n\n", "\r\n", "\n"] {
        if let Some(at) = after_body.find(&format!("{sep}{win}")) {
            after_body.replace_range(at..at + sep.len() + win.len(), "");
            break;
        }
    }
    assert_eq!(body(&before_text), after_body, "{name}: body changed");
    // The result is what was asked.
    let doc = alliance::document::Alliance::parse_text(Path::new(name), after_text.clone());
    let fields = doc.fields().expect("front matter");
    assert_eq!(
        fields.review.last.as_ref().map(|d| d.raw.as_str()),
        Some("2026-12-01")
    );
    let last = fields.reviews.last().expect("a reviews entry");
    assert_eq!(
        last.note.as_ref().map(|n| n.value.as_str()),
        Some("Kept all; moved stand-up: 09:45 #team")
    );
    assert_eq!(
        last.wins
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>(),
        ["Shipped the ledger"]
    );

    // Idempotent: the same review again changes nothing.
    let again = sb.run(&args);
    assert_eq!(again.code, 0, "{name}: {again:?}");
    assert_eq!(
        again.stdout,
        format!("{name}: already up to date; nothing changed\n")
    );
    assert_eq!(
        std::fs::read(sb.path().join(name)).expect("read"),
        after,
        "{name}: second review changed bytes"
    );
}

/// A celebration section that ends in blanks: an empty item `- `, spaces
/// after the last win, a CRLF file. The win goes on a line of its own,
/// after every byte that was there (found by the `review` fuzz target).
#[test]
fn a_win_is_listed_after_trailing_blanks_without_touching_them() {
    let designed = std::fs::read_to_string(examples().join("designed-alliance.md")).expect("read");
    let at = designed.find("## Celebrate").expect("a Celebrate section");
    for ending in [
        "- \n",
        "- First win.   \n",
        "- \n\n## Goals\n\nMore.\n",
        "A paragraph, then a blank line and the win.\n",
    ] {
        for crlf in [false, true] {
            let mut text = format!("{}## Celebrate\n\n{ending}", &designed[..at]);
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let sb = Sandbox::new();
            sb.write("DESIGNED_ALLIANCE.md", &text);
            review_preserves_bytes(&sb, "DESIGNED_ALLIANCE.md");
        }
    }
}

/// A file of mixed line endings (CRLF front matter, LF body): every line
/// written goes in the ending of the line it joins, so no line that was
/// there changes, not even its line break (found by the `review` fuzz
/// target: the win's CRLF went in before an LF).
#[test]
fn mixed_line_endings_keep_each_line_as_it_was() {
    let designed = std::fs::read_to_string(examples().join("designed-alliance.md")).expect("read");
    let doc = alliance::document::Alliance::parse_text(Path::new("d.md"), designed.clone());
    let (front, body) = designed.split_at(doc.body_start);
    for (front, body) in [
        (front.replace('\n', "\r\n"), body.to_owned()),
        (front.to_owned(), body.replace('\n', "\r\n")),
    ] {
        let sb = Sandbox::new();
        sb.write("DESIGNED_ALLIANCE.md", format!("{front}{body}"));
        review_preserves_bytes(&sb, "DESIGNED_ALLIANCE.md");
    }
}

/// A celebration section that ends at a carriage return alone, mid-line
/// to git (`***\rNext` is a break and a heading to Markdown): the wins
/// would go inside a line, so `review` refuses and changes nothing (found
/// by the `review` fuzz target).
#[test]
fn a_section_ending_at_a_lone_carriage_return_is_refused() {
    let designed = std::fs::read_to_string(examples().join("designed-alliance.md")).expect("read");
    let at = designed.find("## Celebrate").expect("a Celebrate section");
    let text = format!(
        "{}## Celebrate\n\n- First win.\n\n***\rNext\n---\n\nMore.\n",
        &designed[..at]
    );
    let sb = Sandbox::new();
    sb.write("DESIGNED_ALLIANCE.md", &text);
    let run = sb.run(&[
        "review",
        "DESIGNED_ALLIANCE.md",
        "--date",
        "2026-12-01",
        "--win",
        "Shipped",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("the `## Celebrate` section ends at a carriage return alone on line 55"),
        "{}",
        run.stderr
    );
    assert_eq!(
        sb.read("DESIGNED_ALLIANCE.md"),
        text,
        "the file is unchanged"
    );
}

#[test]
fn every_example_keeps_its_bytes() {
    let mut seen = 0;
    for entry in std::fs::read_dir(examples()).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            let sb = Sandbox::new();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_owned();
            sb.write(&name, std::fs::read(&path).expect("read"));
            review_preserves_bytes(&sb, &name);
            seen += 1;
        }
    }
    assert!(seen >= 4, "examples found: {seen}");
}

#[test]
#[ignore = "needs ../shared/corpus/real"]
fn real_agreements_with_front_matter_keep_their_bytes() {
    let corpus = real_corpus();
    let mut seen = 0;
    for entry in std::fs::read_dir(corpus).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "md")
            || path.file_name().is_some_and(|n| n == "SOURCES.md")
        {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        // What `adopt` does: a front matter block on top, in the file's line
        // ending, after any BOM; the agreement below keeps every byte.
        let (bom, rest) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", text.as_str()),
        };
        let eol = if rest.contains("\r\n") { "\r\n" } else { "\n" };
        let front = [
            "---",
            "alliance: team",
            "title: Adopted agreement",
            "review:",
            "  every: 3 months",
            "---",
            "",
        ]
        .join(eol);
        let sb = Sandbox::new();
        let name = "AGREEMENT.md";
        sb.write(name, format!("{bom}{front}{rest}"));
        review_preserves_bytes(&sb, name);
        seen += 1;
    }
    assert!(seen > 0, "no real agreements found");
}

#[test]
fn prints_what_it_changed() {
    let sb = Sandbox::new();
    sb.write(
        "TEAM_ALLIANCE.md",
        team_doc("created: 2026-01-31\n", TEAM_BODY).replace(
            "  every: 3 months\n",
            "  every: 1 month  # monthly\n  last: \"2026-10-31\"\n",
        ),
    );
    let run = sb.run(&[
        "review",
        "TEAM_ALLIANCE.md",
        "--date",
        "2027-01-31",
        "--note",
        "All good",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "TEAM_ALLIANCE.md:12: review.last: 2026-10-31 -> 2027-01-31
TEAM_ALLIANCE.md:13: review.next: 2027-02-28
TEAM_ALLIANCE.md:14-18: reviews: added the review of 2027-01-31
"
    );
    // The entry records who read the two items aloud, the agenda's reading.
    let text = sb.read("TEAM_ALLIANCE.md");
    assert!(
        text.contains("review:\n  every: 1 month  # monthly\n  last: \"2027-01-31\"\n  next: 2027-02-28\nreviews:\n  - date: 2027-01-31\n    note: All good\n    readers: {ada: [ada-keeps-the-plan],\n      grace: [on-time]}\n---\n"),
        "{text}"
    );
    // The alliance is no longer due on the review day.
    let due = sb.run(&["due", "--today", "2027-01-31"]);
    assert_eq!(due.code, 0, "{due:?}");
}

#[test]
fn refuses_broken_front_matter_and_leaves_the_file() {
    let sb = Sandbox::new();
    let broken = "---\nalliance: team\ntitle: [oops\nreview:\n  every: 3 months\n---\n# T\n";
    sb.write("ALLIANCE.md", broken);
    let run = sb.run(&["review", "ALLIANCE.md", "--date", "2026-12-01"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("A003 invalid-yaml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("the file was not changed"),
        "{}",
        run.stderr
    );
    assert_eq!(sb.read("ALLIANCE.md"), broken);

    let no_cadence = team_doc("", TEAM_BODY).replace("review:\n  every: 3 months\n", "");
    sb.write("ALLIANCE.md", &no_cadence);
    let run = sb.run(&["review", "ALLIANCE.md", "--date", "2026-12-01"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("`review.every` is missing"),
        "{}",
        run.stderr
    );
    assert_eq!(sb.read("ALLIANCE.md"), no_cadence);
}

#[test]
fn reviews_one_item() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sb.run(&["review", "--item", "on-time", "--next", "2027-03-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "TEAM_ALLIANCE.md:29: item on-time: 2027-03-01\n"
    );
    assert!(
        sb.read("TEAM_ALLIANCE.md")
            .contains("- We start on time. [id:: on-time] [review:: 2027-03-01]\n")
    );
    let run = sb.run(&["review", "--item", "nope", "--next", "2027-03-01"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no item has `[id:: nope]`"),
        "{}",
        run.stderr
    );
    let run = sb.run(&["review", "--item", "on-time"]);
    assert_eq!(run.code, 2, "--item needs --next");
}
