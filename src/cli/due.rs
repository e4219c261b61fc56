//! `alliance due`: what is due for review, as of a day.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{DueArgs, Failed};
use crate::due::{self, BrokenFile, DueReport, Window};
use crate::report::due::render_with;
use crate::report::escape::markdown::Mentions;
use crate::workspace::{ReadError, Workspace};

pub(super) fn run(args: &DueArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let today = match &args.today {
        Some(text) => crate::document::dates::parse_date(text)
            .map_err(|e| Failed::Usage(format!("--today: {e}")))?,
        None => super::today()?,
    };
    let within = args
        .within
        .as_deref()
        .map(|w| {
            w.parse::<crate::document::dates::Cadence>()
                .map_err(|e| Failed::Usage(format!("--within: {e}")))
        })
        .transpose()?;
    let workspace = Workspace::current()?;
    let changed = match &args.changed_since {
        Some(rev) => Some(changed_since(&workspace.root, rev)?),
        None => None,
    };
    let found = workspace.discover(&args.paths)?;
    if found.documents.is_empty() {
        return Err(Failed::Usage(format!(
            "no alliance documents found in {}",
            workspace.root.display()
        )));
    }
    let window = Window::new(today, within);
    let mut report = DueReport::new(window);
    let keep = |candidate: &&crate::workspace::discover::Candidate| match &changed {
        Some(changed) => {
            let full =
                std::fs::canonicalize(&candidate.path).unwrap_or_else(|_| candidate.path.clone());
            changed.contains(&full)
        }
        None => true,
    };
    // Files are independent: read and assess them on every core, then add
    // them to the report in discovery's order.
    let outcomes: Vec<_> = found
        .documents
        .par_iter()
        .filter(keep)
        .map(|candidate| {
            let outcome = match workspace.read(candidate) {
                Ok(doc) => Ok(due::assess(&doc, &window)),
                Err(ReadError::NotText(file)) => Err(crate::check::unreadable(&file)),
                Err(ReadError::Io(reason)) => Err(crate::check::finding::Finding::error(
                    crate::check::finding::Rule::NotText,
                    format!("cannot read the file: {reason}"),
                )),
            };
            (candidate, outcome)
        })
        .collect();
    for (candidate, outcome) in outcomes {
        match outcome {
            Ok(assessed) => report.add(&candidate.path, assessed),
            Err(finding) => report.broken.push(BrokenFile {
                path: candidate.path.clone(),
                finding,
            }),
        }
    }
    let mentions = if args.mentions {
        Mentions::Live
    } else {
        Mentions::Inert
    };
    render_with(&report, args.format, mentions, out)?;
    Ok(report.exit_code(args.fail_on))
}

/// The files (canonical paths) that differ between `rev`'s tree and the
/// working tree, staged and untracked changes included.
fn changed_since(root: &Path, rev: &str) -> Result<HashSet<PathBuf>, Failed> {
    let repo = git2::Repository::discover(root).map_err(|_| {
        Failed::Usage(format!(
            "--changed-since needs a git repository, and {} is not in one",
            root.display()
        ))
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| {
            Failed::Usage(
                "--changed-since needs a working tree (this is a bare repository)".to_owned(),
            )
        })?
        .to_path_buf();
    let tree = repo
        .revparse_single(rev)
        .and_then(|object| object.peel_to_tree())
        .map_err(|e| {
            Failed::Usage(format!(
                "--changed-since: `{rev}` is not a revision of this repository ({})",
                e.message()
            ))
        })?;
    let mut options = git2::DiffOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))
        .map_err(|e| {
            Failed::Usage(format!(
                "--changed-since: cannot compare with `{rev}`: {}",
                e.message()
            ))
        })?;
    let workdir = std::fs::canonicalize(&workdir).unwrap_or(workdir);
    let mut changed = HashSet::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(path) = file.path() {
                changed.insert(workdir.join(path));
            }
        }
    }
    Ok(changed)
}
