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
  alliance diff                                   every alliance that changed
  alliance diff TEAM_ALLIANCE.md --from v1 --to v2
  alliance diff TEAM_ALLIANCE.md --base origin/main --format markdown > comment.md
  alliance diff --exit-code                       exit 1 when anything changed

Exit codes: 0 no changes (or changes without --exit-code), 1 changes with
--exit-code, 2 could not run (not a git repository, unknown revision, a
shallow clone that ends too early, a binary version).";

/// Arguments of `alliance diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The alliance (default: every alliance of the repository that changed).
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
    let from = match (&args.base, &args.from) {
        (Some(base), _) => From::MergeBase(base),
        (None, Some(rev)) => From::Revision(rev),
        (None, None) => From::LastReview,
    };
    let paths = history_path::named_or_all(args.path.as_deref(), "diff")?;
    if let [path] = paths.as_slice() {
        let (history, path) = history_path::open("diff", Some(path))?;
        let report = diff::between(&history, &path, from, args.to.as_deref())?;
        report.render(args.format, style, out)?;
        return Ok(u8::from(args.exit_code && !report.diff.is_empty()));
    }
    // Every alliance that changed, as `ci comment` shows them (a new one
    // compared with nothing).
    let mut parts = Vec::new();
    // One alliance that cannot be compared (a binary version, say) does not
    // hide the others: it fails the run after they are shown.
    let mut failed = None;
    for path in &paths {
        let (history, path) = history_path::open("diff", Some(path))?;
        let report = match diff::between_or_new(&history, &path, from, args.to.as_deref()) {
            Ok(report) => report,
            Err(e) => {
                failed = failed.or(Some(e));
                continue;
            }
        };
        if !report.diff.is_empty() {
            let mut part = Vec::new();
            report.render(args.format, style, &mut part)?;
            parts.push(part);
        }
    }
    let json = args.format == crate::report::diff::DiffFormat::Json;
    if parts.is_empty() && !json {
        writeln!(out, "no changes in the {} alliances", paths.len())?;
    } else {
        crate::report::several(&parts, json, out)?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(u8::from(args.exit_code && !parts.is_empty()))
}
