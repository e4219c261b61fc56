//! `alliance codeowners`: print, write or check the CODEOWNERS block.

use std::io::Write;

use super::{CodeownersArgs, Failed};
use crate::document::{Alliance, LineEnding};
use crate::report::sanitize;
use crate::workspace::{ReadError, UnreadFile, Workspace};
use crate::write::codeowners::{self, Note};

/// The largest CODEOWNERS file read.
const MAX_CODEOWNERS_BYTES: u64 = 3 * 1024 * 1024;

pub(super) fn run(
    args: &CodeownersArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let found = workspace.discover(&args.paths)?;
    let mut docs: Vec<Alliance> = Vec::new();
    let mut unreadable = found.skipped;
    for candidate in &found.documents {
        match workspace.read(candidate) {
            Ok(doc) if doc.declares_kind() => docs.push(doc),
            Ok(_) | Err(ReadError::NotText(_)) => {}
            Err(ReadError::Unread(file)) => unreadable.push(file),
        }
    }
    if !unreadable.is_empty() {
        return Err(Failed::Unreadable(unreadable));
    }
    if docs.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !args.paths.is_empty(),
        });
    }
    let (lines, notes) = codeowners::lines(&workspace.root, &docs)?;
    for note in &notes {
        let text = match note {
            Note::NoHandle { path, party } => {
                format!(
                    "note: {path}: {party} has no handle, so is not a reviewer; add `handle:` under `parties:`"
                )
            }
            Note::BadHandle { path, handle } => {
                format!("note: {path}: `{handle}` is not a forge user or team name; skipped")
            }
            Note::NoOwners { path } => {
                format!("note: {path}: no party has a handle; the alliance gets no CODEOWNERS line")
            }
        };
        writeln!(err, "alliance: {}", sanitize(&text))?;
    }
    if !args.write && !args.check {
        out.write_all(codeowners::block(&lines, LineEnding::Lf).as_bytes())?;
        return Ok(0);
    }
    let file = codeowners::location(&workspace.root, |p| p.symlink_metadata().is_ok());
    let shown_path = file
        .strip_prefix(&workspace.root)
        .unwrap_or(&file)
        .display()
        .to_string();
    let shown = sanitize(&shown_path).into_owned();
    let existing =
        match crate::workspace::read::read_text(&workspace.root, &file, MAX_CODEOWNERS_BYTES) {
            Ok(text) => Some(text),
            Err(e) if e.is_not_found() => None,
            Err(e) => {
                return Err(Failed::Unreadable(vec![UnreadFile {
                    path: file.clone(),
                    reason: e.into(),
                }]));
            }
        };
    let before = existing.as_deref().unwrap_or("");
    let wanted = codeowners::splice(before, &lines, &shown)?;
    let current = existing.is_some() && wanted == before;
    if args.check {
        if current {
            writeln!(out, "{shown}: the alliance block is up to date")?;
            return Ok(0);
        }
        let why = match &existing {
            None => "does not exist",
            Some(text) if codeowners::find_block(text, &shown)?.is_none() => {
                "has no alliance block"
            }
            Some(_) => "has an alliance block that is out of date",
        };
        writeln!(
            out,
            "{shown} {why}; run `alliance codeowners --write` and commit it. The block should read:"
        )?;
        out.write_all(codeowners::block(&lines, LineEnding::Lf).as_bytes())?;
        return Ok(1);
    }
    if current {
        writeln!(
            out,
            "{shown}: the alliance block is up to date; nothing changed"
        )?;
        return Ok(0);
    }
    let replace = match &existing {
        Some(text) => crate::write::atomic::Replace::IfUnchanged(text.as_bytes()),
        None => crate::write::atomic::Replace::Never,
    };
    crate::write::atomic::write(&workspace.root, &file, wanted.as_bytes(), replace)?;
    writeln!(
        out,
        "{shown}: wrote the alliance block ({} {})",
        lines.len(),
        if lines.len() == 1 { "line" } else { "lines" }
    )?;
    Ok(0)
}
