//! `alliance log` output: the review history as human lines or JSON.
//! Commit summaries and author names are as untrusted as documents: every
//! one goes through [`sanitize`] (`escape::terminal::line`).

use std::io::{self, Write};

use crate::history::reviews::ReviewLog;
use crate::report::{plural, sanitize};

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
            serde_json::to_writer_pretty(&mut *out, log)?;
            writeln!(out)
        }
    }
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
            format!("oldest version in this clone: {}", review.summary)
        } else if i == 0 {
            format!("first version: {}", review.summary)
        } else {
            format!("{}: {}", plural(review.commits, "commit"), review.summary)
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
            sanitize(&pending.summary)
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
