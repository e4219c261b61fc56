//! `alliance codeowners`: print, write or check the CODEOWNERS block.

use std::io::Write;

use super::{CodeownersArgs, Failed};
use crate::report::codeowners as say;
use crate::report::sanitize;
use crate::tasks::codeowners::{self, Wanted};
use crate::workspace::Workspace;
use crate::write::codeowners::Verdict;

pub(super) fn run(
    args: &CodeownersArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let docs = codeowners::alliances(&workspace, &args.paths)?;
    let wanted = codeowners::wanted(&workspace, &docs)?;
    say::notes(&wanted.notes, err)?;
    if !args.write && !args.check {
        say::block(&wanted.lines, wanted.platform(None), out)?;
        return Ok(0);
    }
    let shown = sanitize(&wanted.location).into_owned();
    let existing = codeowners::existing(&workspace, &wanted.file)?;
    if args.check {
        return check(&wanted, existing.as_deref(), &shown, out);
    }
    let written = codeowners::write(&workspace, &wanted, existing.as_deref(), &shown)?;
    let lines = wanted.lines.len();
    say::written(
        &shown,
        written.changed,
        written.moved,
        &written.verdict,
        lines,
        out,
    )?;
    Ok(exit_code(&written.verdict))
}

/// `--check`: the verdict on stdout, exit 0 or 1.
fn check(
    wanted: &Wanted,
    existing: Option<&str>,
    shown: &str,
    out: &mut dyn Write,
) -> Result<u8, Failed> {
    let platform = wanted.platform(existing);
    let verdict = crate::write::codeowners::verdict(existing, &wanted.lines, shown, platform)?;
    say::verdict(&verdict, &wanted.lines, platform, shown, out)?;
    Ok(u8::from(!matches!(verdict, Verdict::Current)))
}

/// 1 while a line still overrides the block.
fn exit_code(verdict: &Verdict) -> u8 {
    u8::from(matches!(verdict, Verdict::Overridden(_)))
}
