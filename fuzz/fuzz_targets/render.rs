//! Every renderer that shows document text, fed hostile documents.
//!
//! The input is `PATH \0 OLD \0 NEW`: a file name and two versions of a
//! document. Each is rendered as `check`, `due`, `diff`, `list` and `ci
//! comment` would, in every format where document text lands, and the
//! output must hold:
//!
//! - Markdown: no HTML tag but the renderer's own (`<code>`, the marker),
//!   one marker and no other `<!--`/`-->`, no image, no live `@mention`,
//!   every line one the renderer started, every table row its own cells;
//! - GitHub workflow commands: every line is one `::error`/`::warning`
//!   command the renderer wrote;
//! - human output: no line starts a workflow command (`::`, after blanks)
//!   and no `##[`/`##vso[` anywhere, no control character but LF (and ESC
//!   nowhere, colour being off).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use alliance::check;
use alliance::compare::compare;
use alliance::document::Alliance;
use alliance::due::{self, DueReport, Window};
use alliance::kind::Kinds;
use alliance::ci::changes::{AllianceChange, ChangeKind, ChangeSet};
use alliance::report::diff::DiffFormat;
use alliance::tasks::diff::DiffReport;
use alliance::report::due::DueFormat;
use alliance::escape::markdown::Mentions;
use alliance::report::{CheckFormat, CheckReport, FileReport, Style, list};
use libfuzzer_sys::fuzz_target;

fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<Kinds> = OnceLock::new();
    KINDS.get_or_init(Kinds::builtin)
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("renderers write UTF-8")
}

/// Human output: no workflow command, no control character.
fn assert_human(what: &str, text: &str) {
    for line in text.lines() {
        let trimmed = line.trim_start();
        assert!(!trimmed.starts_with("::"), "{what}: a line starts a workflow command: {line:?}");
        let lower = line.to_ascii_lowercase();
        assert!(
            !line.contains("##[") && !lower.contains("##vso["),
            "{what}: a legacy command: {line:?}"
        );
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{what}: a control character: {line:?}"
        );
        assert!(
            !line.contains(['\u{2028}', '\u{2029}', '\u{202e}']),
            "{what}: a line separator or override: {line:?}"
        );
    }
}

/// GitHub output: one command per line, nothing else.
fn assert_github(what: &str, text: &str) {
    for line in text.lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{what}: a line that is not our command: {line:?}"
        );
        let (command, _message) = line[2..]
            .split_once("::")
            .unwrap_or_else(|| panic!("{what}: no message separator: {line:?}"));
        assert!(
            !command.contains(':'),
            "{what}: a property holds a raw `:`: {line:?}"
        );
    }
}

/// Pipes that end a table cell (not preceded by an odd run of backslashes).
fn cell_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut backslashes = 0;
    for c in line.chars() {
        match c {
            '\\' => backslashes += 1,
            '|' if backslashes % 2 == 0 => {
                count += 1;
                backslashes = 0;
            }
            _ => backslashes = 0,
        }
    }
    count
}

/// Markdown output: only the renderer's own HTML and lines.
fn assert_markdown(what: &str, text: &str, prefixes: &[&str], pipes: usize, markers: usize) {
    let without_own = text
        .replace("<code>", "")
        .replace("</code>", "")
        .replace("<sub>", "")
        .replace("</sub>", "");
    let opened = without_own.matches("<!--").count();
    let closed = without_own.matches("-->").count();
    assert_eq!(opened, markers, "{what}: a comment opened by the document:\n{text}");
    assert_eq!(closed, markers, "{what}: a comment closed by the document:\n{text}");
    let mut rest = without_own.clone();
    if markers == 1 {
        let first = rest.lines().next().unwrap_or_default().to_owned();
        assert!(first.starts_with("<!-- alliance-") && first.ends_with(" -->"));
        rest = rest[first.len()..].to_owned();
    }
    assert!(!rest.contains('<'), "{what}: raw HTML from the document:\n{text}");
    assert!(!text.contains("!["), "{what}: an image:\n{text}");
    for (i, c) in text.char_indices() {
        if c == '@' {
            let next = text[i + 1..].chars().next();
            assert!(
                !next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '_' || n == '-'),
                "{what}: a live mention:\n{text}"
            );
        }
    }
    for line in text.lines() {
        assert!(
            line.is_empty() || prefixes.iter().any(|p| line.starts_with(p)),
            "{what}: a line the renderer did not start: {line:?}\n{text}"
        );
        if line.starts_with('|') {
            assert_eq!(cell_pipes(line), pipes, "{what}: a row with other cells: {line:?}");
        }
        assert!(
            !line.chars().any(|c| c.is_control()),
            "{what}: a control character: {line:?}"
        );
    }
}

const DIFF_LINES: &[&str] = &[
    "<!-- alliance-diff: ",
    "### ",
    "#### ",
    "- ",
    "Compared ",
    "**Front matter**",
    "**Consent to this version**",
    "Unchanged: ",
];
const DUE_LINES: &[&str] = &[
    "### Alliance reviews due on ",
    "| ",
    "|---",
    "Drafts (not in force):",
    "Nothing is due.",
    "**A",
    "Proposals waiting for consent:",
];
const CI_LINES: &[&str] = &[
    "<!-- alliance-ci-comment ",
    "## Alliances: ",
    "Compared with the merge base ",
    "Affects ",
    "No alliance here uses it.",
    "### ",
    "#### ",
    "- ",
    "**Front matter**",
    "**Consent to this version**",
    "Unchanged: ",
    "No change to what the alliance says",
    "No agreement was added, removed or reworded, but the text",
    "<sub>Posted by ",
    "> ",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "no changes",
];
const LIST_LINES: &[&str] = &["| ", "|---"];

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let name = parts.next().unwrap_or_default();
    let old = parts.next().unwrap_or_default();
    let new = parts.next().unwrap_or_default();
    let Ok(name) = std::str::from_utf8(&name[..name.len().min(200)]) else {
        return;
    };
    if name.is_empty() || name.contains('\0') {
        return;
    }
    let path = PathBuf::from(name);
    let parse = |bytes: &[u8]| Alliance::parse(&path, bytes.to_vec()).ok();
    let (Some(old), Some(new)) = (parse(old), parse(new)) else {
        return;
    };
    let plain = Style { color: false };

    // check
    let report = CheckReport {
        files: vec![FileReport {
            path: path.clone(),
            findings: check::check(&new, kinds()),
        }],
        failures: Vec::new(),
    };
    assert_human("check human", &render(|o| report.render(CheckFormat::Human, plain, o)));
    assert_github("check github", &render(|o| report.render(CheckFormat::Github, plain, o)));

    // due
    let today = jiff::civil::date(2026, 11, 20);
    let window = Window::new(today, "520 weeks".parse().ok());
    let mut due = DueReport::new(window);
    due.add(&path, due::assess(&old, &window));
    due.add(Path::new("b.md"), due::assess(&new, &window));
    let render_due = |format, mentions| {
        render(|o| alliance::report::due::render_with(&due, format, mentions, o))
    };
    assert_human("due human", &render_due(DueFormat::Human, Mentions::Inert));
    assert_github("due github", &render_due(DueFormat::Github, Mentions::Inert));
    assert_markdown("due markdown", &render_due(DueFormat::Markdown, Mentions::Inert), DUE_LINES, 6, 0);

    // diff
    let diff = DiffReport {
        path: name.to_owned(),
        from: "HEAD~1 (abc)".to_owned(),
        from_commit: None,
        to: "the working tree".to_owned(),
        to_commit: None,
        diff: compare(&old, &new),
        consent: alliance::consent::at_stake(&new, &alliance::consent::Proofs::any()),
    };
    assert_human("diff human", &render(|o| diff.render(DiffFormat::Human, plain, o)));
    assert_markdown("diff markdown", &render(|o| diff.render(DiffFormat::Markdown, plain, o)), DIFF_LINES, usize::MAX, 1);

    // ci comment: the same diff as a pull-request comment
    let comment = ChangeSet {
        base: "origin/main".to_owned(),
        base_commit: "abc".to_owned(),
        changes: vec![AllianceChange {
            change: ChangeKind::Changed,
            path: name.to_owned(),
            old_path: None,
            title: new.display_title().map(str::to_owned),
            diff: diff.diff.clone(),
            // Both ways: "formatting only" is said only when the texts agree.
            same_agreement: old.text.len() % 2 == 0,
            consent: diff.consent.clone(),
        }],
        // The rules block: a kind's section named by the document's title,
        // an alliance at the document's name.
        rules: vec![alliance::ci::rules::RulesChange {
            path: format!("alliance-kinds/{name}.kind.yaml"),
            file: alliance::ci::rules::RulesFile::Kind,
            alliances: vec![name.to_owned()],
            differences: vec![alliance::ci::rules::RuleDifference::SectionRemoved {
                kind: name.to_owned(),
                section: new.display_title().unwrap_or(name).to_owned(),
            }],
        }],
        approvals: Some(alliance::ci::changes::Approvals {
            handles: vec!["ada".to_owned(), name.to_owned()],
            what: "approved this pull request on GitHub",
        }),
    }
    .comment();
    assert_markdown("ci comment", &comment, CI_LINES, usize::MAX, 1);

    // list
    let docs: Vec<Alliance> = [old, new].into_iter().filter(Alliance::declares_kind).collect();
    assert_human("list table", &render(|o| list::table(&docs, o)));
    assert_markdown("list markdown", &render(|o| list::markdown(&docs, o)), LIST_LINES, 7, 0);
});
