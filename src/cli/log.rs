//! `alliance log`: the review history of one alliance.

use std::io::Write;

use super::{Failed, LogArgs, history_path};
use crate::history::reviews::{self, CommitList};
use crate::report::log::render;

pub(super) fn run(args: &LogArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let (history, path) = history_path::open("log", args.path.as_deref())?;
    // With no review recorded yet (most agreements on day one), the commits
    // are the history worth reading.
    let list = if args.commits {
        CommitList::Always
    } else {
        CommitList::UntilReviewed
    };
    let log = reviews::log(&history, &path, list)?;
    render(&log, args.format, out)?;
    Ok(0)
}
