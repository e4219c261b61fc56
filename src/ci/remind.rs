//! `alliance ci remind`'s plan: one open issue per alliance with a review
//! overdue or due within the span, found again by the hidden marker on its
//! first line (never by its title), and what to do with each issue the
//! token's account keeps open. This module decides; it never talks to the
//! forge (`forge::issues` does) and never renders (`report::remind` does).
//!
//! The marker holds the alliance's path and a SHA-256 of the rest of the
//! body as the tool wrote it. When the rest no longer matches, a person
//! edited the issue: it is left alone and the tool comments instead.

use sha2::{Digest, Sha256};

/// The label a new reminder issue gets.
pub const LABEL: &str = "alliance-review";

/// How the marker starts: `<!-- alliance-review path=... sha256=... -->`.
const MARKER_START: &str = "<!-- alliance-review path=";

/// How the marker of a comment that carries an edited issue's new text
/// starts: `<!-- alliance-review-update sha256=... -->`.
const NOTE_START: &str = "<!-- alliance-review-update sha256=";

/// One issue that should be open: an alliance with something due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The alliance's path from the repository root, `/`-separated.
    pub path: String,
    /// The issue's title (escaped).
    pub title: String,
    /// The issue's text without the marker (escaped).
    pub body: String,
    /// The handles (without `@`) that may be assigned on creation.
    pub assignees: Vec<String>,
}

impl Reminder {
    /// The whole body: the marker with the text's hash, then the text.
    pub fn full_body(&self) -> String {
        format!(
            "{MARKER_START}{} sha256={} (kept up to date by `alliance ci remind`) -->\n{}",
            crate::escape::markdown::comment(&self.path),
            hash(&self.body),
            self.body
        )
    }

    /// The hidden first line of a comment carrying this text, so that the
    /// same text is commented once.
    pub fn note_marker(&self) -> String {
        format!("{NOTE_START}{} -->", hash(&self.body))
    }
}

/// An open issue the token's account wrote that carries the marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIssue {
    /// GitHub's `number`, GitLab's `iid`.
    pub number: u64,
    /// Its title.
    pub title: String,
    /// Its body (description).
    pub body: String,
}

impl OpenIssue {
    /// The alliance path its marker names.
    pub fn path(&self) -> Option<String> {
        Some(read_marker(&self.body)?.0)
    }

    /// Whether the tool last wrote `reminder`'s text here (whatever was
    /// edited since).
    fn last_wrote(&self, reminder: &Reminder) -> bool {
        read_marker(&self.body).is_some_and(|(_, written, _)| written == hash(&reminder.body))
    }

    /// Whether a person changed the text after the tool last wrote it.
    pub fn edited(&self) -> bool {
        match read_marker(&self.body) {
            Some((_, written, rest)) => hash(rest) != written,
            None => true,
        }
    }
}

/// What to do with one alliance's issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No open issue yet: open one.
    Create(Reminder),
    /// Our issue says something else now: rewrite it.
    Update(u64, Reminder),
    /// Our issue already says this (or said it before a person edited it).
    Unchanged(u64, Reminder),
    /// A person edited our issue: comment with the new text instead.
    Edited(u64, Reminder),
    /// Nothing of this alliance is due within the span any more: close it.
    Close(u64, String),
}

/// The steps that bring the open issues in line with `reminders`. The
/// first issue (lowest number) per path is the one kept up to date; a
/// second one for the same path (opened by hand with a copied marker) is
/// left alone.
pub fn plan(reminders: Vec<Reminder>, mut open: Vec<OpenIssue>) -> Vec<Step> {
    open.sort_by_key(|issue| issue.number);
    let mut kept: Vec<(String, OpenIssue)> = Vec::new();
    for issue in open {
        if let Some(path) = issue.path() {
            if !kept.iter().any(|(p, _)| *p == path) {
                kept.push((path, issue));
            }
        }
    }
    let mut steps = Vec::new();
    for reminder in reminders {
        let found = kept.iter().position(|(path, _)| *path == reminder.path);
        let Some(at) = found else {
            steps.push(Step::Create(reminder));
            continue;
        };
        let (_, issue) = kept.remove(at);
        // An edited issue whose news the tool already wrote needs nothing.
        let said = issue.last_wrote(&reminder);
        steps.push(if issue.edited() && !said {
            Step::Edited(issue.number, reminder)
        } else if said && (issue.edited() || issue.title == reminder.title) {
            Step::Unchanged(issue.number, reminder)
        } else {
            Step::Update(issue.number, reminder)
        });
    }
    steps.extend(
        kept.into_iter()
            .map(|(path, issue)| Step::Close(issue.number, path)),
    );
    steps
}

/// Whether `body` starts with the marker of a reminder issue.
pub fn is_marked(body: &str) -> bool {
    body.starts_with(MARKER_START)
}

/// Whether a comment's `body` carries the text whose note marker is `note`.
pub fn is_note(body: &str, note: &str) -> bool {
    body.starts_with(note)
}

/// The marker's path (decoded), the hash it holds, and the text after it.
fn read_marker(body: &str) -> Option<(String, String, &str)> {
    let rest = body.strip_prefix(MARKER_START)?;
    let (line, text) = rest.split_once('\n').unwrap_or((rest, ""));
    let (path, after) = line.split_once(" sha256=")?;
    let (written, _) = after.split_once(' ').unwrap_or((after, ""));
    Some((decode(path)?, written.to_owned(), text))
}

/// The path as `escape::markdown::comment` wrote it.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A SHA-256 of `text` (line endings as written: GitHub keeps them), hex.
fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.replace("\r\n", "\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder(path: &str, body: &str) -> Reminder {
        Reminder {
            path: path.to_owned(),
            title: format!("Review due: {path}"),
            body: body.to_owned(),
            assignees: vec!["ada".to_owned()],
        }
    }

    fn issue(number: u64, r: &Reminder) -> OpenIssue {
        OpenIssue {
            number,
            title: r.title.clone(),
            body: r.full_body(),
        }
    }

    #[test]
    fn the_marker_names_the_path_and_survives_odd_names() {
        let r = reminder("teams/a b--c<x>.md", "text");
        let body = r.full_body();
        assert!(!body.lines().next().unwrap()[4..].contains("--c"));
        let found = issue(1, &r);
        assert_eq!(found.path().as_deref(), Some("teams/a b--c<x>.md"));
        assert!(!found.edited());
    }

    #[test]
    fn create_update_keep_comment_and_close() {
        let same = reminder("A.md", "due");
        let changed = reminder("B.md", "overdue now");
        let edited = reminder("C.md", "overdue now");
        let mut by_hand = issue(3, &reminder("C.md", "due"));
        by_hand.body.push_str("\nA note of ours.");
        let quiet = reminder("F.md", "due");
        let mut by_hand_quiet = issue(6, &quiet);
        by_hand_quiet.body.push_str("\nA note of ours.");
        let steps = plan(
            vec![
                same.clone(),
                changed.clone(),
                edited.clone(),
                reminder("D.md", "new"),
                quiet.clone(),
            ],
            vec![
                issue(1, &same),
                issue(2, &reminder("B.md", "due")),
                by_hand,
                issue(4, &reminder("E.md", "due")),
                issue(5, &same),
                by_hand_quiet,
            ],
        );
        assert_eq!(
            steps,
            vec![
                Step::Unchanged(1, same),
                Step::Update(2, changed),
                Step::Edited(3, edited),
                Step::Create(reminder("D.md", "new")),
                Step::Unchanged(6, quiet),
                Step::Close(4, "E.md".to_owned()),
            ]
        );
    }
}
