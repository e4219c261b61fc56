//! The review timeline of an alliance's page: each review read from git
//! (newest first) with its date, what changed, the note, wins and readings
//! it recorded, and the changes since the review before it in a
//! collapsible `<details>`.
//!
//! The words are `alliance log`'s ([`crate::report::log::summary`]) and the
//! changes `alliance diff --format markdown`'s
//! ([`crate::report::diff::markdown_changes_at`]), written as HTML by
//! [`super::markdown::render`]: nothing a commit or a document wrote
//! reaches the page as markup.

use std::fmt::Write as _;

use crate::escape::html::text as h;
use crate::history::reviews::{Review, ReviewLog};
use crate::report::words::{headline, plural};

/// The reviews section of the page of the alliance `slug`: the newest
/// review first.
pub fn section(log: Result<&ReviewLog, &String>, slug: &str) -> String {
    let mut out = format!("<section class=\"reviews\" id=\"{slug}--reviews\">\n<h2>Reviews</h2>\n");
    let log = match log {
        Ok(log) => log,
        Err(why) => {
            let _ = writeln!(
                out,
                "<p class=\"muted\">No review timeline: {}.</p>\n</section>",
                h(why)
            );
            return out;
        }
    };
    if let Some(pending) = &log.since_last_review {
        let _ = writeln!(
            out,
            "<p>Since the last review: {}: {}.</p>",
            plural(pending.commits, "commit"),
            h(&headline(&pending.counts))
        );
    }
    out.push_str("<ol class=\"timeline\" reversed>\n");
    for (i, review) in log.reviews.iter().enumerate().rev() {
        out.push_str(&entry(log, i, review));
    }
    out.push_str("</ol>\n");
    if let Some(boundary) = &log.truncated_at {
        let _ = writeln!(
            out,
            "<p class=\"muted\">This is a shallow clone: history before commit <code>{}</code> is not here, so older reviews are missing (GitHub Actions: <code>fetch-depth: 0</code>).</p>",
            h(boundary)
        );
    }
    out.push_str("</section>\n");
    out
}

/// One review: the `i`th of `log`.
fn entry(log: &ReviewLog, i: usize, review: &Review) -> String {
    let date = h(review.date.as_deref().unwrap_or("an unknown day"));
    let title = match (i, review.recorded) {
        (0, false) if log.truncated_at.is_some() => format!("Oldest version here, {date}"),
        (0, false) => format!("First version, {date}"),
        _ => format!("Review of {date}"),
    };
    let what = match i {
        0 => crate::report::log::summary(review),
        _ => format!(
            "{}: {}",
            plural(review.commits, "commit"),
            crate::report::log::summary(review)
        ),
    };
    let commit = review.commit.get(..10).unwrap_or(&review.commit);
    let mut out = format!(
        "<li>\n<h3>{title}</h3>\n<p>{}</p>\n<p class=\"muted\">Commit <code>{}</code> by {}: {}</p>\n",
        h(&what),
        h(commit),
        h(&review.author),
        h(&review.message),
    );
    out.push_str(&recorded(review));
    if i > 0 && !review.diff.is_empty() {
        out.push_str(&changes(review));
    }
    out.push_str("</li>\n");
    out
}

/// The note, wins and readings the review recorded.
fn recorded(review: &Review) -> String {
    let mut out = String::new();
    if let Some(note) = &review.note {
        let _ = writeln!(out, "<p><strong>Note:</strong> {}</p>", h(note));
    }
    if !review.wins.is_empty() {
        out.push_str("<p><strong>Wins:</strong></p>\n<ul>\n");
        for win in &review.wins {
            let _ = writeln!(out, "<li>{}</li>", h(win));
        }
        out.push_str("</ul>\n");
    }
    let readings = review
        .readers
        .iter()
        .map(|r| (r.item.as_str(), r.reader.as_str()));
    let by_reader = crate::document::vocabulary::readings_by_reader(readings);
    if !by_reader.is_empty() {
        out.push_str("<p><strong>Read aloud:</strong></p>\n<ul>\n");
        for (reader, items) in by_reader {
            let items: Vec<String> = items
                .iter()
                .map(|i| format!("<code>{}</code>", h(i)))
                .collect();
            let _ = writeln!(out, "<li>@{}: {}</li>", h(reader), items.join(", "));
        }
        out.push_str("</ul>\n");
    }
    out
}

/// What changed since the review before, folded away.
fn changes(review: &Review) -> String {
    let mut markdown = Vec::new();
    // Writing to memory cannot fail.
    let _ = crate::report::diff::markdown_changes_at(&review.diff, 3, &mut markdown);
    format!(
        "<details>\n<summary>What changed since the previous review</summary>\n{}</details>\n",
        super::markdown::render(&String::from_utf8_lossy(&markdown))
    )
}
