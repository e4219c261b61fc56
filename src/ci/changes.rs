//! The alliances a change touches: the files that differ between the merge
//! base and the working tree, kept when they are alliances on either side,
//! each compared as an agreement.
//!
//! An alliance on one side only is added or removed, and is compared with
//! an empty document, so its diff holds all of it (every section and item).

use std::path::Path;

use crate::ci::rules::{self, RulesChange};
use crate::compare::AllianceDiff;
use crate::compare::{self, FrontChange};
use crate::consent::{Digest, digest::Form};
use crate::document::Alliance;
use crate::history::changed::FileChange;
use crate::history::{History, HistoryError};
use crate::workspace::discover::is_markdown;

/// What proves the consent entries of the working tree's version of an
/// alliance (its path from the repository root).
pub type ProofsAt<'a> = dyn Fn(&Path, &Alliance) -> crate::consent::Proofs + 'a;

/// What happened to one alliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A new alliance.
    Added,
    /// An alliance deleted (or no longer an alliance).
    Removed,
    /// Moved to another path (maybe changed too).
    Renamed,
    /// Same path, new content.
    Changed,
}

/// One alliance the change touches.
#[derive(Debug, Clone)]
pub struct AllianceChange {
    /// What happened.
    pub change: ChangeKind,
    /// The path in the working tree (the old path for a removed alliance).
    pub path: String,
    /// The old path, for a renamed alliance.
    pub old_path: Option<String>,
    /// The alliance's title, when it has one.
    pub title: Option<String>,
    /// The semantic diff: everything, for an added or removed alliance.
    pub diff: AllianceDiff,
    /// Whether both sides say the same as far as consent goes: their
    /// consent digests (`consent::Digest::of`, the current form) are equal.
    /// Only then may an empty diff be called formatting or layout; always
    /// false for an added or removed alliance.
    pub same_agreement: bool,
    /// Who agreed to the head side's text (see [`crate::consent`]), for an
    /// alliance that is proposed or active there; `None` when removed, a
    /// draft, retired, or without parties.
    pub consent: Option<crate::consent::Consent>,
}

/// Every alliance a change touches, against its base.
#[derive(Debug, Clone)]
pub struct ChangeSet {
    /// The base as typed or found in the CI's environment (`origin/main`).
    pub base: String,
    /// The merge base's short commit id.
    pub base_commit: String,
    /// The alliances, sorted by path.
    pub changes: Vec<AllianceChange>,
    /// The rules files the change touches (kinds, schemas, templates,
    /// instruments, `.alliance.yaml`), sorted by path: the rules are part
    /// of the agreement.
    pub rules: Vec<RulesChange>,
    /// The forge's approvals of the pull request, when they were read
    /// (`ci comment --count-approvals`): counted as consent to the head
    /// side for the parties who have not recorded it in the file.
    pub approvals: Option<Approvals>,
}

impl ChangeSet {
    /// Whether the change touches an alliance or the rules: only then is a
    /// comment posted where there was none.
    pub fn touches_anything(&self) -> bool {
        !self.changes.is_empty() || !self.rules.is_empty()
    }
}

/// Who approved the pull request on the forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approvals {
    /// Their handles, without `@`.
    pub handles: Vec<String>,
    /// What their approval was: "approved this pull request on GitHub".
    pub what: &'static str,
}

/// Compare the working tree with the merge base of `base` and `HEAD`.
/// `alliance_now` says whether a path (relative to the repository root) is
/// one of the working tree's alliances, as discovery found them; `proofs`
/// proves the consent entries of the new side; `tree` gives the working
/// tree's kinds and alliances, for the rules files the change touches.
pub fn collect(
    history: &History,
    base: &str,
    alliance_now: &dyn Fn(&Path) -> bool,
    proofs: &ProofsAt<'_>,
    tree: &rules::Tree<'_>,
) -> Result<ChangeSet, HistoryError> {
    let merge_base = history.merge_base(base)?;
    let short = history.short(merge_base);
    let mut changes = Vec::new();
    let files = history.changed_files(merge_base)?;
    let rules = rules::collect(history, merge_base, base, &files, tree)?;
    for file in files {
        let old = match &file.old_path {
            Some(path) => old_alliance(history, merge_base, path, &short)?,
            None => None,
        };
        let new = match &file.new_path {
            Some(path) if alliance_now(path) => {
                crate::workspace::read_document(&history.root().join(path))
                    .ok()
                    .map(|doc| Alliance::parse_text(path, doc.text))
            }
            _ => None,
        };
        let renamed = file.change == FileChange::Renamed;
        if let Some(change) = alliance_change(old, new, renamed, proofs) {
            changes.push(change);
        }
    }
    // A whole alliance is its parties, cadence, status, sections and
    // items; the rest of its front matter going from nothing to something
    // is noise.
    for change in &mut changes {
        if matches!(change.change, ChangeKind::Added | ChangeKind::Removed) {
            change
                .diff
                .front
                .retain(|c| !matches!(c, FrontChange::Key { .. }));
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(ChangeSet {
        base: base.to_owned(),
        base_commit: short,
        changes,
        rules,
        approvals: None,
    })
}

/// The change of one alliance file: added, removed, renamed or changed,
/// with the diff; `None` when neither side is an alliance.
fn alliance_change(
    old: Option<Alliance>,
    new: Option<Alliance>,
    renamed: bool,
    proofs: &ProofsAt<'_>,
) -> Option<AllianceChange> {
    let display = |p: &Path| p.display().to_string();
    let change = match (old, new) {
        (None, None) => return None,
        (None, Some(new)) => AllianceChange {
            change: ChangeKind::Added,
            path: display(&new.path),
            old_path: None,
            title: new.display_title().map(str::to_owned),
            diff: compare::compare(&empty(&new.path), &new),
            same_agreement: false,
            consent: crate::consent::at_stake(&new, &proofs(&new.path, &new)),
        },
        (Some(old), None) => AllianceChange {
            change: ChangeKind::Removed,
            path: display(&old.path),
            old_path: None,
            title: old.display_title().map(str::to_owned),
            diff: compare::compare(&old, &empty(&old.path)),
            same_agreement: false,
            consent: None,
        },
        (Some(old), Some(new)) => AllianceChange {
            change: if renamed && old.path != new.path {
                ChangeKind::Renamed
            } else {
                ChangeKind::Changed
            },
            path: display(&new.path),
            old_path: (old.path != new.path).then(|| display(&old.path)),
            title: new.display_title().map(str::to_owned),
            diff: compare::compare(&old, &new),
            same_agreement: same_agreement(&old, &new),
            consent: crate::consent::at_stake(&new, &proofs(&new.path, &new)),
        },
    };
    Some(change)
}

/// Whether both versions say the same as far as consent goes: their
/// digests in the current form are equal.
fn same_agreement(old: &Alliance, new: &Alliance) -> bool {
    Digest::of_form(old, Form::CURRENT) == Digest::of_form(new, Form::CURRENT)
}

/// The file at the merge base, when it was an alliance there: Markdown,
/// named `*alliance*` or with an `alliance:` key. A version that is not
/// text is not an alliance.
fn old_alliance(
    history: &History,
    commit: crate::history::ObjectId,
    path: &Path,
    rev: &str,
) -> Result<Option<Alliance>, HistoryError> {
    if !is_markdown(path) {
        return Ok(None);
    }
    let text = match history.read_at(commit, path, rev) {
        Ok(text) => text,
        // Not text, or not a file at all there (a submodule): not an alliance.
        Err(
            HistoryError::Binary { .. }
            | HistoryError::NotUtf8 { .. }
            | HistoryError::NotAtRevision { .. }
            | HistoryError::Git(_),
        ) => return Ok(None),
        Err(e) => return Err(e),
    };
    let doc = Alliance::parse_text(path, text);
    let named = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().contains("alliance"));
    Ok((named || doc.declares_kind()).then_some(doc))
}

fn empty(path: &Path) -> Alliance {
    Alliance::parse_text(path, String::new())
}
