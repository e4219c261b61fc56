//! `alliance codeowners`: print, write or check the CODEOWNERS block.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::report::codeowners as say;
use crate::report::sanitize;
use crate::tasks::codeowners::{self, Wanted};
use crate::workspace::Workspace;
use crate::write::codeowners::Verdict;

pub(super) const CODEOWNERS_HELP: &str = "\
One line per alliance: its path, anchored at the repository root, then its
parties' handles (`/TEAM_ALLIANCE.md @ada @grace`). With branch protection
(\"require review from code owners\") every party must approve a change to
the agreement they are bound by. A party without a handle is skipped, with
a note on stderr; a path CODEOWNERS cannot express is refused.

--write puts the block between marker comments in the CODEOWNERS file the
platform reads (the existing one in .github/, the root, docs/ or .gitlab/;
else .github/CODEOWNERS); every line outside the markers keeps its bytes.
A block that a later line overrides is moved to the end of the file; on
GitLab the block opens its own required section, [Alliances].
--check exits 1 when that block is missing or out of date, or when the
whole file, read by the platform's rules (GitHub: the last matching line
wins; GitLab: sections, optional ^[...] sections), no longer requires
every party: it names the line that takes them away. Run it in CI so a new
party is made a reviewer before their alliance changes.

Examples:
  alliance codeowners                 print the block
  alliance codeowners --write         write it into CODEOWNERS
  alliance codeowners --check         in CI: fail when CODEOWNERS is stale

Exit codes: 0 printed, written or up to date; 1 out of date or overridden
(--check, or --write when a line it cannot move past still overrides it);
2 could not run.";

/// Arguments of `alliance codeowners`.
#[derive(Debug, Args)]
pub struct CodeownersArgs {
    /// Files or folders (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// Write the block into the repository's CODEOWNERS file.
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when the CODEOWNERS file's block is missing, out of date or overridden.
    #[arg(long)]
    pub check: bool,
}

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
