//! The words of `alliance codeowners`: notes about parties, the verdict on
//! the file, what `--write` did, and the lines that override the block.
//! Every piece of document or file text is sanitised.

use std::io::{self, Write};

use crate::document::LineEnding;
use crate::report::sanitize;
use crate::report::words::plural;
use crate::write::codeowners::{
    self, Override, OverrideKind, OwnersLine, PartyNote, Platform, Verdict,
};

/// Each note, on one line of `err`.
pub fn notes(notes: &[PartyNote], err: &mut dyn Write) -> io::Result<()> {
    for note in notes {
        writeln!(err, "alliance: {}", sanitize(&note_text(note)))?;
    }
    Ok(())
}

/// The block, as the file should hold it.
pub fn block(lines: &[OwnersLine], platform: Platform, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(codeowners::block(lines, LineEnding::Lf, platform).as_bytes())
}

fn note_text(note: &PartyNote) -> String {
    match note {
        PartyNote::NoHandle { path, party } => format!(
            "note: {path}: {party} has no handle, so is not a reviewer; add `handle:` under `parties:`"
        ),
        PartyNote::BadHandle { path, handle } => {
            format!("note: {path}: `{handle}` is not a forge user or team name; skipped")
        }
        PartyNote::NoOwners { path } => {
            format!("note: {path}: no party has a handle; the alliance gets no CODEOWNERS line")
        }
    }
}

/// What `--write` did to the file `shown` (`lines` the block's lines).
pub fn written(
    shown: &str,
    changed: bool,
    moved: bool,
    verdict: &Verdict,
    lines: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let count = plural(lines, "line");
    if !changed {
        if !matches!(verdict, Verdict::Overridden(_)) {
            writeln!(
                out,
                "{shown}: the alliance block is up to date; nothing changed"
            )?;
        }
    } else if moved {
        writeln!(
            out,
            "{shown}: moved the alliance block to the end of the file, below the lines that overrode it ({count})"
        )?;
    } else {
        writeln!(out, "{shown}: wrote the alliance block ({count})")?;
    }
    if let Verdict::Overridden(found) = verdict {
        overrides(found, shown, out)?;
    }
    Ok(())
}

/// `--check`'s verdict on the file `shown`.
pub fn verdict(
    verdict: &Verdict,
    lines: &[OwnersLine],
    platform: Platform,
    shown: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let why = match verdict {
        Verdict::Current => {
            return writeln!(out, "{shown}: the alliance block is up to date");
        }
        Verdict::Overridden(found) => {
            overrides(found, shown, out)?;
            return writeln!(
                out,
                "{shown}: run `alliance codeowners --write` (it puts the block where nothing overrides it) and commit it, or change the lines named above"
            );
        }
        Verdict::Missing => "does not exist",
        Verdict::NoBlock => "has no alliance block",
        Verdict::Stale => "has an alliance block that is out of date",
    };
    writeln!(
        out,
        "{shown} {why}; run `alliance codeowners --write` and commit it. The block should read:"
    )?;
    block(lines, platform, out)
}

/// One line for each line of the file that takes an alliance's owners away.
fn overrides(found: &[Override], shown: &str, out: &mut dyn Write) -> io::Result<()> {
    for o in found {
        let text = sanitize(&o.text);
        let path = sanitize(&o.pattern);
        let missing = sanitize(&o.missing.join(", ")).into_owned();
        let what = match o.kind {
            OverrideKind::Later => format!(
                "`{text}` comes after the alliance block and overrides it for {path}: {missing} would no longer be required reviewers"
            ),
            OverrideKind::NoOwners => format!(
                "`{text}` comes after the alliance block and leaves {path} without owners: {missing} would no longer be required reviewers"
            ),
            OverrideKind::Optional => format!(
                "`{text}` makes the section the alliance block is in optional, so for {path} {missing} would not be required reviewers"
            ),
            OverrideKind::Exclusion => format!(
                "`{text}` excludes {path} from the alliance block's section: {missing} would no longer be required reviewers"
            ),
            OverrideKind::Unmatched => {
                writeln!(
                    out,
                    "{shown}: the alliance block's line for {path} does not apply: {missing} would not be required reviewers"
                )?;
                continue;
            }
        };
        writeln!(out, "{shown}:{}: {what}", o.line)?;
    }
    Ok(())
}
