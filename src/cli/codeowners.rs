//! `alliance codeowners`: print, write or check the CODEOWNERS block.

use std::io::Write;

use super::{CodeownersArgs, Failed};
use crate::document::{Alliance, LineEnding};
use crate::report::sanitize;
use crate::workspace::{ReadError, UnreadFile, Workspace};
use crate::write::codeowners::{self, Note, Override, OverrideKind, Platform, Verdict};

/// The largest CODEOWNERS file read.
const MAX_CODEOWNERS_BYTES: u64 = 3 * 1024 * 1024;

pub(super) fn run(
    args: &CodeownersArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let docs = alliances(&workspace, args)?;
    let (mut lines, notes) = codeowners::lines(&workspace.root, &docs)?;
    // The allowed signers say whose key proves whose consent: every party
    // reviews a change to them.
    let signers = &workspace.config.consent.allowed_signers;
    if signers.symlink_metadata().is_ok() {
        let relative = signers.strip_prefix(&workspace.root).unwrap_or(signers);
        lines.extend(codeowners::shared_line(relative, &lines)?);
        lines.sort_by(|a, b| a.pattern.cmp(&b.pattern));
    }
    for note in &notes {
        writeln!(err, "alliance: {}", sanitize(&note_text(note)))?;
    }
    let file = codeowners::location(&workspace.root, |p| p.symlink_metadata().is_ok());
    let location = file
        .strip_prefix(&workspace.root)
        .unwrap_or(&file)
        .display()
        .to_string();
    let gitlab_ci = workspace
        .root
        .join(".gitlab-ci.yml")
        .symlink_metadata()
        .is_ok();
    if !args.write && !args.check {
        let platform = codeowners::platform(&location, "", gitlab_ci);
        out.write_all(codeowners::block(&lines, LineEnding::Lf, platform).as_bytes())?;
        return Ok(0);
    }
    let shown = sanitize(&location).into_owned();
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
    let platform = codeowners::platform(&location, existing.as_deref().unwrap_or(""), gitlab_ci);
    if args.check {
        let verdict = codeowners::verdict(existing.as_deref(), &lines, &shown, platform)?;
        return check(&verdict, &lines, platform, &shown, out);
    }
    let target = Target {
        workspace: &workspace,
        file: &file,
        shown: &shown,
        platform,
    };
    write(&target, existing.as_deref(), &lines, out)
}

/// The alliances among the arguments (or the repository's).
fn alliances(workspace: &Workspace, args: &CodeownersArgs) -> Result<Vec<Alliance>, Failed> {
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
    Ok(docs)
}

fn note_text(note: &Note) -> String {
    match note {
        Note::NoHandle { path, party } => format!(
            "note: {path}: {party} has no handle, so is not a reviewer; add `handle:` under `parties:`"
        ),
        Note::BadHandle { path, handle } => {
            format!("note: {path}: `{handle}` is not a forge user or team name; skipped")
        }
        Note::NoOwners { path } => {
            format!("note: {path}: no party has a handle; the alliance gets no CODEOWNERS line")
        }
    }
}

/// The CODEOWNERS file `--write` writes.
struct Target<'a> {
    workspace: &'a Workspace,
    file: &'a std::path::Path,
    shown: &'a str,
    platform: Platform,
}

/// `--write`: the block placed where nothing overrides it; exit 1 when
/// something still does (a line it cannot move past).
fn write(
    target: &Target<'_>,
    existing: Option<&str>,
    lines: &[codeowners::OwnersLine],
    out: &mut dyn Write,
) -> Result<u8, Failed> {
    let shown = target.shown;
    let before = existing.unwrap_or("");
    let placed = codeowners::place(before, lines, shown, target.platform)?;
    let verdict = codeowners::verdict(Some(&placed.text), lines, shown, target.platform)?;
    let overridden = matches!(verdict, Verdict::Overridden(_));
    if existing.is_some() && placed.text == before {
        if !overridden {
            writeln!(
                out,
                "{shown}: the alliance block is up to date; nothing changed"
            )?;
        }
    } else {
        let replace = match existing {
            Some(text) => crate::write::atomic::Replace::IfUnchanged(text.as_bytes()),
            None => crate::write::atomic::Replace::Never,
        };
        let root = &target.workspace.root;
        crate::write::atomic::write(root, target.file, placed.text.as_bytes(), replace)?;
        let count = format!(
            "{} {}",
            lines.len(),
            if lines.len() == 1 { "line" } else { "lines" }
        );
        if placed.moved {
            writeln!(
                out,
                "{shown}: moved the alliance block to the end of the file, below the lines that overrode it ({count})"
            )?;
        } else {
            writeln!(out, "{shown}: wrote the alliance block ({count})")?;
        }
    }
    match verdict {
        Verdict::Overridden(found) => {
            report_overrides(&found, shown, out)?;
            Ok(1)
        }
        _ => Ok(0),
    }
}

/// `--check`: the verdict on stdout, exit 0 or 1.
fn check(
    verdict: &Verdict,
    lines: &[codeowners::OwnersLine],
    platform: Platform,
    shown: &str,
    out: &mut dyn Write,
) -> Result<u8, Failed> {
    let why = match verdict {
        Verdict::Current => {
            writeln!(out, "{shown}: the alliance block is up to date")?;
            return Ok(0);
        }
        Verdict::Overridden(found) => {
            report_overrides(found, shown, out)?;
            writeln!(
                out,
                "{shown}: run `alliance codeowners --write` (it puts the block where nothing overrides it) and commit it, or change the lines named above"
            )?;
            return Ok(1);
        }
        Verdict::Missing => "does not exist",
        Verdict::NoBlock => "has no alliance block",
        Verdict::Stale => "has an alliance block that is out of date",
    };
    writeln!(
        out,
        "{shown} {why}; run `alliance codeowners --write` and commit it. The block should read:"
    )?;
    out.write_all(codeowners::block(lines, LineEnding::Lf, platform).as_bytes())?;
    Ok(1)
}

/// One line for each line of the file that takes an alliance's owners away.
fn report_overrides(found: &[Override], shown: &str, out: &mut dyn Write) -> Result<(), Failed> {
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
