//! `alliance list`: the index of the repository's alliances.

use std::io::Write;

use super::{Failed, ListArgs, ListFormat};
use crate::document::Alliance;
use crate::report::list;
use crate::workspace::{ReadError, Workspace};

pub(super) fn run(args: &ListArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let found = workspace.discover(&args.paths)?;
    let mut docs: Vec<Alliance> = Vec::new();
    let mut unreadable = found.skipped;
    for candidate in &found.documents {
        // Only documents that declare a kind are alliances; `check` reports
        // the rest.
        match workspace.read(candidate) {
            Ok(doc) if doc.declares_kind() => docs.push(doc),
            Ok(_) => {}
            // Not text: `check` reports it (A005); the index skips it.
            Err(ReadError::NotText(_)) => {}
            Err(ReadError::Unread(file)) => unreadable.push(file),
        }
    }
    match args.format {
        ListFormat::Table => list::table(&docs, out)?,
        ListFormat::Markdown => list::markdown(&docs, out)?,
        ListFormat::Json => list::json(&docs, out)?,
    }
    if unreadable.is_empty() {
        Ok(0)
    } else {
        Err(Failed::Unreadable(unreadable))
    }
}
