//! Which of a set of files each commit changed, read in one walk of the
//! history, for a caller that then walks the history of each of many files
//! (`alliance site`: a thousand alliances, ten thousand commits).
//!
//! Without it each file's walk reads every commit and, in every commit, the
//! trees down to the file: the work grows with files times commits. With
//! it, the commits are read once and the trees of each commit compared
//! with its first parent's once, for all the files together; a file's walk
//! then takes a commit's parents from memory and, as with git's
//! changed-path Bloom filters, passes a commit that left the file alone
//! without reading its trees. The index is exact: it says "unchanged" only
//! when the file's entry (or a folder above it) is the same object in both
//! trees. Where it knows nothing (a file it was not built for, a commit it
//! could not read), the walk does what it always does.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use git2::Oid;

use super::commit_graph::{OidHashing, Parent};
use super::{History, Node};

/// The index: each commit's node, and the indexed files it changed.
#[derive(Default)]
pub(super) struct WalkIndex {
    /// Every commit reachable from where the index was built.
    pub(super) nodes: HashMap<Oid, Node, OidHashing>,
    /// For each commit with a first parent in `nodes`: the files (their
    /// numbers in `files`) whose entry differs from that parent's.
    changed: HashMap<Oid, Vec<u32>, OidHashing>,
    /// The files indexed, by path from the repository root.
    files: HashMap<PathBuf, u32>,
}

impl WalkIndex {
    /// The number of the indexed file `path`, which [`Self::unchanged`]
    /// takes (looked up once per walk, not once per commit).
    pub(super) fn file(&self, path: &Path) -> Option<u32> {
        self.files.get(path).copied()
    }

    /// Whether commit `id` certainly left `file` as its first parent had
    /// it; `None` when the index cannot tell.
    pub(super) fn unchanged(&self, id: Oid, file: u32) -> Option<bool> {
        let changed = self.changed.get(&id)?;
        Some(!changed.contains(&file))
    }
}

/// The paths as a tree of names: what to look for in each git tree.
#[derive(Default)]
struct Names {
    children: HashMap<Vec<u8>, Names>,
    /// The file that ends here.
    file: Option<u32>,
}

impl Names {
    fn of(paths: &[PathBuf]) -> (Names, HashMap<PathBuf, u32>) {
        let mut root = Names::default();
        let mut files = HashMap::new();
        for (n, path) in (0u32..).zip(paths) {
            let mut at = &mut root;
            for part in path.components() {
                let Component::Normal(name) = part else {
                    continue;
                };
                at = at
                    .children
                    .entry(name.as_encoded_bytes().to_vec())
                    .or_default();
            }
            at.file = Some(n);
            files.insert(path.clone(), n);
        }
        (root, files)
    }
}

impl History {
    /// Build the [`WalkIndex`] of `paths` (from the repository root) from
    /// `HEAD`; walks of those paths ([`History::changes`]) use it from
    /// then on. A commit or tree that cannot be read is left out of the
    /// index (the walks then read it themselves and say what is wrong).
    pub fn index_paths(&mut self, paths: &[PathBuf]) {
        let Ok(head) = self.resolve_oid("HEAD") else {
            return;
        };
        let mut index = WalkIndex::default();
        let mut stack = vec![head];
        while let Some(id) = stack.pop() {
            if index.nodes.contains_key(&id) {
                continue;
            }
            let Ok(node) = self.node(id) else {
                continue;
            };
            stack.extend(node.parents.iter().map(|p: Parent| p.id));
            index.nodes.insert(id, node);
        }
        let (names, files) = Names::of(paths);
        index.files = files;
        let Ok(odb) = self.repo.odb() else {
            return;
        };
        for (id, node) in &index.nodes {
            let Some(parent) = node.parents.first().and_then(|p| index.nodes.get(&p)) else {
                continue;
            };
            let mut changed = Vec::new();
            if self
                .differ(
                    &odb,
                    Some(node.tree),
                    Some(parent.tree),
                    &names,
                    &mut changed,
                )
                .is_some()
            {
                index.changed.insert(*id, changed);
            }
        }
        self.index = Some(index);
    }

    /// Push to `out` every file of `names` whose entry differs between
    /// trees `a` and `b` (`None`: no tree there); `None` when a tree cannot
    /// be read.
    fn differ(
        &self,
        odb: &git2::Odb<'_>,
        a: Option<Oid>,
        b: Option<Oid>,
        names: &Names,
        out: &mut Vec<u32>,
    ) -> Option<()> {
        if a == b {
            return Some(());
        }
        let read = |tree: Option<Oid>| match tree {
            Some(id) => self.tree_bytes(odb, id).ok().map(Some),
            None => Some(None),
        };
        let (a_bytes, b_bytes) = (read(a)?, read(b)?);
        let a_entries = entries(a_bytes.as_deref().unwrap_or_default(), names)?;
        let b_entries = entries(b_bytes.as_deref().unwrap_or_default(), names)?;
        for (name, child) in &names.children {
            let (ea, eb) = (
                a_entries.get(name.as_slice()),
                b_entries.get(name.as_slice()),
            );
            if ea == eb {
                continue;
            }
            if let Some(file) = child.file {
                out.push(file);
            }
            if !child.children.is_empty() {
                let tree = |e: Option<&(u32, Oid)>| {
                    e.filter(|(mode, _)| *mode == 0o040_000).map(|(_, id)| *id)
                };
                self.differ(odb, tree(ea), tree(eb), child, out)?;
            }
        }
        Some(())
    }
}

/// The entries of raw tree `data` that `names` looks for, by name: mode
/// and id; `None` when the tree is malformed.
fn entries<'a>(mut data: &'a [u8], names: &Names) -> Option<HashMap<&'a [u8], (u32, Oid)>> {
    let mut found = HashMap::new();
    while !data.is_empty() && found.len() < names.children.len() {
        let space = data.iter().position(|b| *b == b' ')?;
        let mode = data[..space].iter().try_fold(0u32, |mode, digit| {
            (b'0'..=b'7')
                .contains(digit)
                .then(|| mode.checked_mul(8)?.checked_add(u32::from(digit - b'0')))
                .flatten()
        })?;
        let rest = &data[space + 1..];
        let nul = rest.iter().position(|b| *b == 0)?;
        let id = rest.get(nul + 1..nul + 21)?;
        let name = &rest[..nul];
        if names.children.contains_key(name) {
            found.insert(name, (mode, Oid::from_bytes(id).ok()?));
        }
        data = &rest[nul + 21..];
    }
    Some(found)
}
