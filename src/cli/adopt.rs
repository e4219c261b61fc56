//! `alliance adopt`: add front matter to an agreement a team already has.

use std::io::Write;

use super::new::{cadence, kind, parties, shown};
use super::{AdoptArgs, Failed, today};
use crate::workspace::{Workspace, read_document};
use crate::write::adopt::{self, AdoptOptions};

pub(super) fn run(args: &AdoptArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let kind = kind(&workspace.kinds, &args.kind)?;
    let options = AdoptOptions {
        title: args.title.clone(),
        parties: parties(&args.parties)?,
        every: cadence(args.every.as_deref(), kind)?,
        today: today()?,
        merge: args.merge,
    };
    if options
        .title
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control) || t.trim().is_empty())
    {
        return Err(Failed::BadTitle);
    }
    let shown = shown(&args.file);
    let doc = read_document(&args.file)?;
    let adopted = adopt::adopt(&doc, kind, &options)?;
    crate::write::atomic::write(&args.file, adopted.text.as_bytes(), true)?;
    crate::report::write::adopted(
        &shown,
        &kind.name,
        &adopted,
        !options.parties.is_empty(),
        out,
    )?;
    Ok(0)
}
