//! `alliance log` output: the review history as human lines or JSON.
//! Commit summaries and author names are as untrusted as documents: every
//! one goes through [`sanitize`] (`escape::terminal::line`).

use std::io::{self, Write};

use crate::history::reviews::{Review, ReviewLog};
use crate::report::sanitize;
use crate::report::words::{first_version, headline, plural};

/// Formats of `alliance log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line per review.
    Human,
    /// One JSON document.
    Json,
}

/// Render `log` in `format`.
pub fn render(log: &ReviewLog, format: LogFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        LogFormat::Human => human(log, out),
        LogFormat::Json => {
            crate::report::escape::json::write_pretty(&mut *out, &json(log))?;
            writeln!(out)
        }
    }
}

/// What changed at a review, in words.
fn summary(review: &Review) -> String {
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
    }
    if let Some(pending) = &log.since_last_review {
        writeln!(
            out,
            "since the last review: {}: {}",
            plural(pending.commits, "commit"),
            headline(&pending.counts)
        )?;
    }
    if let Some(boundary) = &log.truncated_at {
        writeln!(
            out,
            "note: this is a shallow clone; history before commit {} is not here. Run `git fetch --unshallow` (GitHub Actions: `fetch-depth: 0`) to see all reviews.",
            sanitize(boundary)
        )?;
    }
    Ok(())
}
