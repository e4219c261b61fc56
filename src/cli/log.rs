//! `alliance log`: the review history of one alliance.

use std::io::Write;

use super::{Failed, LogArgs, history_path};
use crate::history::reviews;
use crate::report::log::render;

pub(super) fn run(args: &LogArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let (history, path) = history_path::open("log", args.path.as_deref())?;
    let log = reviews::log(&history, &path)?;
    // With no review recorded yet (most agreements on day one), the commits
    // are the history worth reading.
    let recorded = log.reviews.iter().any(|r| r.recorded);
    let commits = if args.commits || !recorded {
        Some(reviews::commits(&history, &path)?)
    } else {
        None
    };
    render(&log, commits.as_deref(), args.format, out)?;
    Ok(0)
}
