//! The files a change touches: the tree of a base commit against the
//! working tree (staged, unstaged and untracked changes included), with
//! renames found the way `git diff -M` finds them.
//!
//! This is what `alliance ci` compares for a pull request. It only lists
//! paths; deciding which of them are alliances, and what changed in them,
//! is the caller's job.

use std::path::PathBuf;

use git2::{Delta, DiffFindOptions, DiffOptions, Oid};

use super::{History, HistoryError};

/// What happened to one file between the base and the working tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// Not in the base, in the working tree.
    Added,
    /// In the base, gone from the working tree.
    Deleted,
    /// In both under the same name, with other content.
    Modified,
    /// In both under different names (possibly with other content).
    Renamed,
}

/// One file that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// What happened.
    pub change: FileChange,
    /// The path in the base (none for an added file).
    pub old_path: Option<PathBuf>,
    /// The path in the working tree (none for a deleted file).
    pub new_path: Option<PathBuf>,
}

impl History {
    /// The files that differ between commit `base` and the working tree,
    /// sorted by path.
    pub fn changed_files(&self, base: super::ObjectId) -> Result<Vec<ChangedFile>, HistoryError> {
        self.changed_files_with(base.0, true)
    }

    /// [`History::changed_files`], with or without rename detection.
    ///
    /// Every object libgit2 reads here is checked first (see `loose`): the
    /// base commit, all of its trees, and for rename detection the content
    /// of each deleted or changed file, within the size cap (a file over
    /// it is left out of the search rather than inflated).
    pub(super) fn changed_files_with(
        &self,
        base: Oid,
        renames: bool,
    ) -> Result<Vec<ChangedFile>, HistoryError> {
        let tree_id = self.node(base)?.tree;
        self.check_trees(None, tree_id)?;
        let tree = self.repo.find_tree(tree_id)?;
        let mut options = DiffOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_typechange(true);
        let mut diff = self
            .repo
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))?;
        // The working tree's side is read from disk: a file over the cap
        // there also leaves the search out.
        let searchable = renames
            && self.blobs_within_cap(&diff, false)?
            && diff.deltas().all(|d| {
                d.new_file().path().is_none_or(|path| {
                    std::fs::symlink_metadata(self.root().join(path))
                        .map_or(true, |meta| meta.len() <= crate::workspace::MAX_FILE_BYTES)
                })
            });
        if searchable {
            let mut find = DiffFindOptions::new();
            find.renames(true).for_untracked(true);
            diff.find_similar(Some(&mut find))?;
        }
        let mut files = Vec::new();
        for delta in diff.deltas() {
            let old = delta.old_file().path().map(PathBuf::from);
            let new = delta.new_file().path().map(PathBuf::from);
            let file = match delta.status() {
                // A copy is a new file; the original is still there.
                Delta::Added | Delta::Untracked | Delta::Copied => ChangedFile {
                    change: FileChange::Added,
                    old_path: None,
                    new_path: new,
                },
                Delta::Deleted => ChangedFile {
                    change: FileChange::Deleted,
                    old_path: old,
                    new_path: None,
                },
                Delta::Renamed => ChangedFile {
                    change: FileChange::Renamed,
                    old_path: old,
                    new_path: new,
                },
                Delta::Modified | Delta::Typechange => ChangedFile {
                    change: FileChange::Modified,
                    old_path: old,
                    new_path: new,
                },
                _ => continue,
            };
            files.push(file);
        }
        files.sort_by(|a, b| {
            let key = |f: &ChangedFile| f.new_path.clone().or_else(|| f.old_path.clone());
            key(a).cmp(&key(b))
        });
        Ok(files)
    }
}
