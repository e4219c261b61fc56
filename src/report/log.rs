//! `alliance log` output: the review history as human lines or JSON.
//! Commit summaries and author names are as untrusted as documents: every
//! one goes through [`sanitize`] (`escape::terminal::line`).

use std::io::{self, Write};

use crate::history::reviews::{Commit, Review, ReviewLog};
use crate::report::sanitize;
use crate::report::words::{first_version, headline, plural};

/// Formats of `alliance log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One line per review.
    Human,
    /// One JSON document.
    Json,
}

/// Render `log` in `format`; with `commits`, one line per commit that
/// changed the agreement instead of one per review.
pub fn render(log: &ReviewLog, format: LogFormat, out: &mut dyn Write) -> io::Result<()> {
    match (format, log.commits.as_deref()) {
        (LogFormat::Human, None) => human(log, out),
        (LogFormat::Human, Some(commits)) => human_commits(log, commits, out),
        (LogFormat::Json, _) => {
            let mut value = json(log);
            if let (Some(commits), Some(object)) = (&log.commits, value.as_object_mut()) {
                object.insert("commits".to_owned(), commits_json(commits));
            }
            crate::escape::json::write_pretty(&mut *out, &value)?;
            writeln!(out)
        }
    }
}

/// What a commit changed, in words.
fn commit_summary(commit: &Commit) -> String {
    match commit.first {
        Some(shape) => first_version(shape.agreements, shape.sections, shape.parties),
        None => headline(&commit.counts),
    }
}

fn commits_json(commits: &[Commit]) -> serde_json::Value {
    let mut value = serde_json::to_value(commits).unwrap_or(serde_json::Value::Null);
    if let Some(list) = value.as_array_mut() {
        for (entry, commit) in list.iter_mut().zip(commits) {
            if let Some(entry) = entry.as_object_mut() {
                entry.insert("summary".to_owned(), commit_summary(commit).into());
            }
        }
    }
    value
}

/// One line per commit: when, which, who, what it changed, and its message.
fn human_commits(log: &ReviewLog, commits: &[Commit], out: &mut dyn Write) -> io::Result<()> {
    let recorded = log.reviews.iter().any(|r| r.recorded);
    let why = if recorded {
        String::new()
    } else {
        " (no review recorded yet: `alliance review` records one)".to_owned()
    };
    writeln!(
        out,
        "{}: {}{why}",
        sanitize(&log.path),
        plural(commits.len(), "commit")
    )?;
    for (i, commit) in commits.iter().enumerate() {
        let id = commit.commit.get(..10).unwrap_or(&commit.commit);
        let what = if i == 0 && log.truncated_at.is_some() {
            format!("oldest version in this clone: {}", commit_summary(commit))
        } else if i == 0 && commit.first.is_some() {
            format!("first version: {}", commit_summary(commit))
        } else {
            commit_summary(commit)
        };
        let renamed = match i.checked_sub(1).map(|p| &commits[p]) {
            Some(prev) if prev.path != commit.path => {
                format!(" (renamed from {})", sanitize(&prev.path))
            }
            _ => String::new(),
        };
        writeln!(
            out,
            "{}  {id}  {}  {}{renamed}  ({})",
            commit.date.as_deref().unwrap_or("????-??-??"),
            sanitize(&commit.author),
            sanitize(&what),
            sanitize(&commit.message)
        )?;
    }
    shallow_note(log, out)
}

/// What changed at a review, in words.
pub(crate) fn summary(review: &Review) -> String {
    match review.first {
        Some(shape) => first_version(shape.agreements, shape.sections, shape.parties),
        None => headline(&review.counts),
    }
}

/// The log as JSON (documented in `docs/history.md`): the data, with each
/// review's and the pending changes' summary in words.
fn json(log: &ReviewLog) -> serde_json::Value {
    let mut value = serde_json::to_value(log).unwrap_or(serde_json::Value::Null);
    if let Some(reviews) = value.get_mut("reviews").and_then(|r| r.as_array_mut()) {
        for (entry, review) in reviews.iter_mut().zip(&log.reviews) {
            if let Some(entry) = entry.as_object_mut() {
                entry.insert("summary".to_owned(), summary(review).into());
            }
        }
    }
    if let (Some(pending), Some(entry)) = (
        &log.since_last_review,
        value
            .get_mut("since_last_review")
            .and_then(|p| p.as_object_mut()),
    ) {
        entry.insert("summary".to_owned(), headline(&pending.counts).into());
    }
    value
}

fn human(log: &ReviewLog, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}: {}",
        sanitize(&log.path),
        plural(log.reviews.len(), "review")
    )?;
    for (i, review) in log.reviews.iter().enumerate() {
        let commit = review.commit.get(..10).unwrap_or(&review.commit);
        let what = if i == 0 && log.truncated_at.is_some() {
            format!("oldest version in this clone: {}", summary(review))
        } else if i == 0 {
            format!("first version: {}", summary(review))
        } else {
            format!("{}: {}", plural(review.commits, "commit"), summary(review))
        };
        let renamed = if i > 0 && log.reviews[i - 1].path != review.path {
            format!(" (renamed from {})", sanitize(&log.reviews[i - 1].path))
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}  {commit}  {}  {}{renamed}",
            sanitize(review.date.as_deref().unwrap_or("????-??-??")),
            sanitize(&review.author),
            sanitize(&what)
        )?;
        if let Some(note) = &review.note {
            writeln!(out, "    note: {}", sanitize(note))?;
        }
        if !review.wins.is_empty() {
            wrapped("wins: ", &review.wins.join("; "), out)?;
        }
        let readings = review
            .readers
            .iter()
            .map(|r| (r.item.as_str(), r.reader.as_str()));
        for (reader, items) in crate::document::vocabulary::readings_by_reader(readings) {
            wrapped(&format!("@{reader} read aloud: "), &items.join(", "), out)?;
        }
    }
    if let Some(pending) = &log.since_last_review {
        writeln!(
            out,
            "since the last review: {}: {}",
            plural(pending.commits, "commit"),
            headline(&pending.counts)
        )?;
    }
    shallow_note(log, out)
}

fn shallow_note(log: &ReviewLog, out: &mut dyn Write) -> io::Result<()> {
    if let Some(boundary) = &log.truncated_at {
        writeln!(
            out,
            "note: this is a shallow clone; history before commit {} is not here. Run `git fetch --unshallow` (GitHub Actions: `fetch-depth: 0`) to see all reviews.",
            sanitize(boundary)
        )?;
    }
    Ok(())
}

/// The width `log` wraps a review's wins and readings at.
const WIDTH: usize = 100;

/// `label` and `text` (sanitised), indented under the review's line and
/// wrapped at [`WIDTH`], the lines after the first indented under the text.
fn wrapped(label: &str, text: &str, out: &mut dyn Write) -> io::Result<()> {
    let first = format!("    {}", sanitize(label));
    let rest = " ".repeat(first.chars().count());
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(&first)
        .subsequent_indent(&rest)
        .break_words(false);
    for line in textwrap::wrap(&sanitize(text), options) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
