//! `alliance diff`: what changed in one alliance between two versions.

use std::io::Write;

use super::{DiffArgs, Failed, history_path};
use crate::history::reviews::{self, Side};
use crate::report::Style;
use crate::report::diff::DiffReport;

pub(super) fn run(args: &DiffArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    let (history, path) = history_path::open("diff", args.path.as_deref())?;
    let from = match (&args.base, &args.from) {
        (Some(base), _) => {
            let id = history.merge_base(base)?;
            let mut side = reviews::at_revision(&history, &path, base, id)?;
            side.label = format!("the merge base with {base} ({})", history.short(id));
            side
        }
        (None, Some(rev)) => {
            let id = history.resolve(rev)?;
            reviews::at_revision(&history, &path, rev, id)?
        }
        (None, None) => reviews::at_last_review(&history, &path)?,
    };
    let to: Side = match &args.to {
        Some(rev) => {
            let id = history.resolve(rev)?;
            reviews::at_revision(&history, &path, rev, id)?
        }
        None => reviews::working_tree(&history, &path)?,
    };
    // The entries of the new side, proven by the commits that added them
    // (walking back from its commit, or from HEAD for the working tree).
    let workspace = crate::workspace::Workspace::current()?;
    let attestor = crate::attest::Attestor::for_workspace(&workspace, Vec::new())?;
    let start = match &to.commit {
        Some(id) => git2::Oid::from_str(id).ok(),
        None => history.resolve("HEAD").ok(),
    };
    let proofs = match start {
        Some(start) => attestor.proofs_in(&history, &to.path, &to.doc, start),
        None => crate::consent::Proofs::unattributed(attestor.counts()),
    };
    let report = DiffReport {
        path: to.path.display().to_string(),
        from: from.label.clone(),
        from_commit: from.commit.clone(),
        to: to.label.clone(),
        to_commit: to.commit.clone(),
        diff: reviews::diff(&from, &to),
        consent: crate::report::consent::worth_showing(&to.doc, &proofs),
    };
    report.render(args.format, style, out)?;
    Ok(u8::from(args.exit_code && !report.diff.is_empty()))
}
