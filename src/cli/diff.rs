//! `alliance diff`: what changed in one alliance between two versions.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::{Failed, history_path};
use crate::report::Style;

pub(super) const DIFF_HELP: &str = "\
By default compares the last review (the newest commit in which
`review.last` changed) with the working tree: what you propose to change at
the next review.

Examples:
  alliance diff                                   the repository's only alliance
  alliance diff TEAM_ALLIANCE.md --from v1 --to v2
  alliance diff TEAM_ALLIANCE.md --base origin/main --format markdown > comment.md
  alliance diff --exit-code                       exit 1 when anything changed

Exit codes: 0 no changes (or changes without --exit-code), 1 changes with
--exit-code, 2 could not run (not a git repository, unknown revision, a
shallow clone that ends too early, a binary version).";

/// Arguments of `alliance diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The alliance (default: the repository's only alliance).
    pub path: Option<PathBuf>,
    /// The old version: any revision (default: the last review).
    #[arg(long, value_name = "REV", conflicts_with = "base")]
    pub from: Option<String>,
    /// The new version: any revision (default: the working tree).
    #[arg(long, value_name = "REV")]
    pub to: Option<String>,
    /// Compare the merge base of REV and HEAD with the working tree (a pull request).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::diff::DiffFormat::Human)]
    pub format: crate::report::diff::DiffFormat,
    /// Exit 1 when the versions differ, like `git diff --exit-code`.
    #[arg(long)]
    pub exit_code: bool,
}

pub(super) fn run(args: &DiffArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    use crate::tasks::diff::{self, From};
    let (history, path) = history_path::open("diff", args.path.as_deref())?;
    let from = match (&args.base, &args.from) {
        (Some(base), _) => From::MergeBase(base),
        (None, Some(rev)) => From::Revision(rev),
        (None, None) => From::LastReview,
    };
    let report = diff::between(&history, &path, from, args.to.as_deref())?;
    report.render(args.format, style, out)?;
    Ok(u8::from(args.exit_code && !report.diff.is_empty()))
}
