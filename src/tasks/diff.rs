//! Comparing two versions of one alliance (`alliance diff`): the sides read
//! from git (the last review, a revision, the merge base with a branch, or
//! the working tree), compared as agreements, with the consent to the new
//! side proven by the commits that added its entries.

use std::path::Path;

use crate::Failed;
use crate::compare::AllianceDiff;
use crate::history::History;
use crate::history::reviews::{self, Side};

/// A diff with what it compared.
#[derive(Debug, Clone)]
pub struct DiffReport {
    /// The file (its name on the new side).
    pub path: String,
    /// The old side, named for people.
    pub from: String,
    /// The old side's commit.
    pub from_commit: Option<String>,
    /// The new side, named for people.
    pub to: String,
    /// The new side's commit (none for the working tree).
    pub to_commit: Option<String>,
    /// What changed.
    pub diff: AllianceDiff,
    /// Who agreed to the new side's text, for a proposed or active alliance
    /// with parties (see [`crate::consent`]).
    pub consent: Option<crate::consent::Consent>,
}

/// The old side of a comparison.
#[derive(Debug, Clone, Copy)]
pub enum From<'a> {
    /// The last review (the newest commit in which `review.last` changed).
    LastReview,
    /// A revision.
    Revision(&'a str),
    /// The merge base of a revision and `HEAD` (a pull request's base).
    MergeBase(&'a str),
}

/// Compare the alliance at `path` (from the repository root) between
/// `from` and `to` (a revision; the working tree when `None`).
pub fn between(
    history: &History,
    path: &Path,
    from: From<'_>,
    to: Option<&str>,
) -> Result<DiffReport, Failed> {
    let from = old_side(history, path, from)?;
    let to: Side = match to {
        Some(rev) => {
            let id = history.resolve(rev)?;
            reviews::at_revision(history, path, rev, id)?
        }
        None => reviews::working_tree(history, path)?,
    };
    // The entries of the new side, proven by the commits that added them
    // (walking back from its commit, or from HEAD for the working tree).
    let workspace = crate::workspace::Workspace::current()?;
    let attestor = crate::attest::Attestor::for_workspace(&workspace, Vec::new())?;
    let start = history.resolve(to.commit.as_deref().unwrap_or("HEAD")).ok();
    let proofs = match start {
        Some(start) => attestor.proofs_in(history, &to.path, &to.doc, start),
        None => crate::consent::Proofs::unattributed(attestor.counts()),
    };
    Ok(DiffReport {
        path: to.path.display().to_string(),
        from: from.label.clone(),
        from_commit: from.commit.clone(),
        to: to.label.clone(),
        to_commit: to.commit.clone(),
        diff: reviews::diff(&from, &to),
        consent: crate::consent::at_stake(&to.doc, &proofs),
    })
}

/// [`between`], for an alliance that may be new: one that was never
/// committed, or is not at `from`'s revision, is compared with nothing (its
/// whole text is added), as `ci comment` shows an added alliance.
pub fn between_or_new(
    history: &History,
    path: &Path,
    from: From<'_>,
    to: Option<&str>,
) -> Result<DiffReport, Failed> {
    use crate::history::HistoryError;
    match between(history, path, from, to) {
        Err(Failed::History(
            HistoryError::NeverTracked(_) | HistoryError::NotAtRevision { .. },
        )) => {
            let to = match to {
                Some(rev) => {
                    let id = history.resolve(rev)?;
                    reviews::at_revision(history, path, rev, id)?
                }
                None => reviews::working_tree(history, path)?,
            };
            let empty = crate::document::Alliance::parse_text(&to.path, String::new());
            Ok(DiffReport {
                path: to.path.display().to_string(),
                from: "nothing (a new alliance)".to_owned(),
                from_commit: None,
                to: to.label.clone(),
                to_commit: to.commit.clone(),
                diff: crate::compare::compare(&empty, &to.doc),
                consent: None,
            })
        }
        other => other,
    }
}

fn old_side(history: &History, path: &Path, from: From<'_>) -> Result<Side, Failed> {
    Ok(match from {
        From::MergeBase(base) => {
            let id = history.merge_base(base)?;
            let mut side = reviews::at_revision(history, path, base, id)?;
            side.label = format!("the merge base with {base} ({})", history.short(id));
            side
        }
        From::Revision(rev) => {
            let id = history.resolve(rev)?;
            reviews::at_revision(history, path, rev, id)?
        }
        From::LastReview => reviews::at_last_review(history, path)?,
    })
}
