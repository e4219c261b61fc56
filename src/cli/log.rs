//! `alliance log`: the review history of one alliance.

use std::io::Write;

use super::{Failed, LogArgs, history_path};
use crate::history::reviews;
use crate::report::log::render;

pub(super) fn run(args: &LogArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let (history, path) = history_path::open("log", args.path.as_deref())?;
    let log = reviews::log(&history, &path)?;
    render(&log, args.format, out)?;
    Ok(0)
}
