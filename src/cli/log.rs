//! `alliance log`: the review history of one alliance.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::{Failed, history_path};
use crate::history::reviews::{self, CommitList};
use crate::report::log::render;

pub(super) const LOG_HELP: &str = "\
A review is a commit in which the front matter's `review.last` changed, and
the file's first commit. Each line says what changed since the previous
review, then the note and wins the review recorded; commits between reviews
are counted under the review that followed. Until a review is recorded (or
with --commits), each commit that changed the agreement gets its own line.
The file is followed through renames.

Examples:
  alliance log TEAM_ALLIANCE.md
  alliance log                                every alliance's reviews, grouped
  alliance log --commits                      every change, with author and message
  alliance log --format json | jq '.reviews[-1]'

Exit codes: 0 fine, 2 could not run (not a git repository, file never
committed, a version that is binary or missing from a partial clone).";

/// Arguments of `alliance log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The alliance (default: every alliance of the repository, grouped).
    pub path: Option<PathBuf>,
    /// One line per commit that changed the agreement, with its own summary
    /// (the default until a review is recorded).
    #[arg(long)]
    pub commits: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::log::LogFormat::Human)]
    pub format: crate::report::log::LogFormat,
}

pub(super) fn run(args: &LogArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    // With no review recorded yet (most agreements on day one), the commits
    // are the history worth reading.
    let list = if args.commits {
        CommitList::Always
    } else {
        CommitList::UntilReviewed
    };
    let paths = history_path::named_or_all(args.path.as_deref(), "log")?;
    if let [path] = paths.as_slice() {
        let (history, path) = history_path::open("log", Some(path))?;
        render(&reviews::log(&history, &path, list)?, args.format, out)?;
        return Ok(0);
    }
    // Every alliance's reviews, grouped; one never committed has none yet.
    let json = args.format == crate::report::log::LogFormat::Json;
    let mut parts = Vec::new();
    // One alliance whose history cannot be read does not hide the others:
    // it fails the run after they are shown.
    let mut failed = None;
    for path in &paths {
        let (history, relative) = history_path::open("log", Some(path))?;
        let mut part = Vec::new();
        match reviews::log(&history, &relative, list) {
            Ok(log) => render(&log, args.format, &mut part)?,
            Err(crate::history::HistoryError::NeverTracked(_)) if json => continue,
            Err(crate::history::HistoryError::NeverTracked(_)) => writeln!(
                part,
                "{}: never committed, so no reviews yet",
                crate::report::sanitize(&path.display().to_string())
            )?,
            Err(e) => {
                failed = failed.or(Some(e));
                continue;
            }
        }
        parts.push(part);
    }
    crate::report::several(&parts, json, out)?;
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(0),
    }
}
