//! An alliance's history, read from git with git2: the file's text at a
//! revision, and the commits that changed it, newest first, following the
//! file through renames.
//!
//! This module owns talking to git. It reads only (it never writes to the
//! repository) and knows nothing about what an alliance means: turning
//! versions into reviews and diffs is [`reviews`]' and `compare`'s job.
//!
//! History reads scale with the file's history, not the repository's size:
//! the walk compares one path's blob id per commit (trees are cached by
//! libgit2), runs rename detection only in a commit where the path appears
//! without a parent having it, and is an iterator, so callers stop as soon
//! as they have what they asked for.

pub mod attribution;
pub mod changed;
mod commit_graph;
mod index;
mod loose;
pub mod proposed;
pub mod remote;
pub mod reviews;

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use git2::{Commit, DiffFindOptions, ErrorCode, ObjectType, Oid, Repository};

use crate::workspace::MAX_FILE_BYTES;
use commit_graph::{BloomKeys, CommitGraph, OidHashing, Parent, Parents};

/// How to get the rest of a shallow clone's history, for messages.
const UNSHALLOW_HINT: &str =
    "run `git fetch --unshallow` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)";

/// Why history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The folder is not inside a git repository.
    #[error("{dir} is not inside a git repository; alliance reads history from git")]
    NotARepository {
        /// Where the search started.
        dir: PathBuf,
    },
    /// A bare repository has no working tree to compare with.
    #[error("the repository at {0} has no working tree")]
    Bare(PathBuf),
    /// The repository uses an object format libgit2 cannot read.
    #[error(
        "this repository's objects are not SHA-1 ({reason}); alliance reads history through libgit2, which reads only SHA-1 repositories"
    )]
    ObjectFormat {
        /// What libgit2 said.
        reason: String,
    },
    /// A revision reaches past the start of a shallow clone.
    #[error(
        "`{rev}` reaches past the start of this shallow clone; {hint}",
        hint = UNSHALLOW_HINT
    )]
    BeyondShallow {
        /// The revision as typed.
        rev: String,
    },
    /// The path lies outside the repository's working tree.
    #[error("{path} is outside the repository at {root}")]
    OutsideRepository {
        /// The path as given.
        path: PathBuf,
        /// The working tree.
        root: PathBuf,
    },
    /// The path was never committed.
    #[error("{0} has no history: it was never committed (`git add` and `git commit` it first)")]
    NeverTracked(PathBuf),
    /// A revision does not name a commit.
    #[error("unknown revision `{rev}`: {reason}")]
    UnknownRevision {
        /// The revision as typed.
        rev: String,
        /// What git said.
        reason: String,
    },
    /// The file is not in the tree of a revision.
    #[error("{path} does not exist at {rev}")]
    NotAtRevision {
        /// The path.
        path: PathBuf,
        /// The revision as typed.
        rev: String,
    },
    /// The history ends at a shallow clone's boundary before what was asked.
    #[error(
        "this is a shallow clone and the history of {path} is cut off at commit {boundary}; {hint}",
        hint = UNSHALLOW_HINT
    )]
    Shallow {
        /// The file.
        path: PathBuf,
        /// The short id of the boundary commit.
        boundary: String,
    },
    /// An object is not in the repository (a partial or damaged clone).
    #[error(
        "git object {id} ({what}) is missing from this repository, as in a partial clone; fetch it (`git fetch --refetch` or a full clone) and try again"
    )]
    MissingObject {
        /// The object's id.
        id: String,
        /// What it was meant to be.
        what: &'static str,
    },
    /// The file is binary at a revision.
    #[error("{path} is a binary file at {rev}, not an alliance document")]
    Binary {
        /// The path.
        path: PathBuf,
        /// The revision.
        rev: String,
    },
    /// The file is not UTF-8 at a revision.
    #[error("{path} is not UTF-8 text at {rev}")]
    NotUtf8 {
        /// The path.
        path: PathBuf,
        /// The revision.
        rev: String,
    },
    /// The file could not be read from the working tree.
    #[error("cannot read {path} in the working tree: {source}")]
    WorkingTree {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An object is there but cannot be read (truncated or corrupt).
    #[error("git object {id} is damaged: {reason}; `git fsck` names what is broken")]
    Damaged {
        /// The object's id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A blob is larger than alliance reads.
    #[error("git object {id} is {size} bytes; alliance reads files up to {max} bytes")]
    TooLarge {
        /// The object's id.
        id: String,
        /// Its size.
        size: u64,
        /// The cap.
        max: u64,
    },
    /// Any other git failure.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// A git object's id (a commit's or a blob's), as the rest of the library
/// holds it: git's own types stay in this module, the one door into git.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(Oid);

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One commit that changed the file.
#[derive(Debug, Clone)]
pub struct Change {
    /// The commit.
    pub commit: Oid,
    /// The file's path (relative to the repository root) in this commit.
    pub path: PathBuf,
    /// The file's blob in this commit.
    pub blob: Oid,
    /// The author's name.
    pub author: String,
    /// The author's email, as the commit gives it (git does not check it).
    pub author_email: String,
    /// The author date, as a calendar date in the author's time zone.
    pub date: Option<jiff::civil::Date>,
    /// The first line of the commit message.
    pub summary: String,
    /// The file did not exist before this commit (under any name).
    pub created: bool,
    /// This commit is a shallow clone's boundary: what came before is not here.
    pub truncated: bool,
}

/// Who the next commit will be by (see [`History::identity`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The author's name.
    pub name: Option<String>,
    /// The author's email.
    pub email: Option<String>,
    /// Whether commits are SSH-signed by default.
    pub signs_ssh: bool,
}

/// Tune libgit2's process-wide settings for a process that only reads:
/// called once by the command line before any work, never as a side effect
/// of opening a repository.
///
/// libgit2 re-hashes every object it reads; git does not, and on a long
/// walk the hashing is most of the time. Reads stay checked by zlib and the
/// pack's own checksums. Every object is read once per walk (`Changes`
/// keeps what it needs), so libgit2's object cache only costs.
pub fn tune_for_reading() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::enable_caching(false);
    });
}

/// A git repository with a working tree.
pub struct History {
    repo: Repository,
    root: PathBuf,
    /// The loose objects, checked before libgit2 reads them (see [`loose`]).
    objects: loose::LooseObjects,
    shallow: HashSet<Oid>,
    /// Whether `info/grafts` rewrites parents (libgit2 reads it).
    grafted: bool,
    /// Git's commit-graph, when git would use one: walks read parents,
    /// times and trees from it instead of inflating every commit.
    graph: Option<CommitGraph>,
    /// Trees already inflated, for walks of many files through the same
    /// commits (consent attribution): each tree is inflated once while it
    /// stays in the cache, not once per file. Bounded in bytes.
    trees: std::sync::Mutex<TreeCache>,
    /// Which of many files each commit changed, when a caller built it
    /// ([`History::index_paths`]).
    index: Option<index::WalkIndex>,
}

/// Inflated trees by id, up to [`TreeCache::BUDGET`] bytes; when full it
/// starts again empty (a walk's working set is a few trees a commit).
#[derive(Default)]
struct TreeCache {
    trees: HashMap<Oid, std::sync::Arc<[u8]>, OidHashing>,
    bytes: usize,
}

impl TreeCache {
    /// The most bytes of trees kept.
    const BUDGET: usize = 12 * 1024 * 1024;

    fn get(&self, id: Oid) -> Option<std::sync::Arc<[u8]>> {
        self.trees.get(&id).cloned()
    }

    fn put(&mut self, id: Oid, tree: std::sync::Arc<[u8]>) {
        if tree.len() > Self::BUDGET / 4 {
            return;
        }
        if self.bytes + tree.len() > Self::BUDGET {
            self.trees.clear();
            self.bytes = 0;
        }
        self.bytes += tree.len();
        self.trees.insert(id, tree);
    }
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History").field("root", &self.root).finish()
    }
}

impl History {
    /// Open the repository that contains `dir`.
    pub fn discover(dir: &Path) -> Result<History, HistoryError> {
        // As git does: GIT_DIR (and GIT_WORK_TREE, GIT_CEILING_DIRECTORIES)
        // name the repository when set; otherwise search up from `dir`.
        let opened = if std::env::var_os("GIT_DIR").is_some() {
            Repository::open_from_env()
        } else {
            Repository::discover(dir)
        };
        let repo = opened.map_err(|e| {
            if e.message().contains("object format") {
                HistoryError::ObjectFormat {
                    reason: e.message().to_owned(),
                }
            } else if e.code() == ErrorCode::NotFound {
                HistoryError::NotARepository {
                    dir: dir.to_path_buf(),
                }
            } else {
                HistoryError::Git(e)
            }
        })?;
        let root = repo
            .workdir()
            .map(Path::to_path_buf)
            .ok_or_else(|| HistoryError::Bare(repo.path().to_path_buf()))?;
        let shallow = if repo.is_shallow() {
            // A regular file only, capped (a line per boundary commit).
            crate::read::read_head(&repo.path().join("shallow"), MAX_FILE_BYTES)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
                .lines()
                .filter_map(|l| Oid::from_str(l.trim()).ok())
                .collect()
        } else {
            HashSet::new()
        };
        let graph = CommitGraph::open(&repo);
        let grafted = repo.commondir().join("info/grafts").exists();
        Ok(History {
            grafted,
            trees: std::sync::Mutex::new(TreeCache::default()),
            objects: loose::LooseObjects::new(repo.commondir()),
            repo,
            root,
            shallow,
            graph,
            index: None,
        })
    }

    /// The files (canonical paths) that differ between `rev`'s tree and the
    /// working tree, staged and untracked changes included.
    pub fn changed_since(&self, rev: &str) -> Result<HashSet<PathBuf>, HistoryError> {
        let id = self.resolve_oid(rev)?;
        let workdir = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let mut changed = HashSet::new();
        for file in self.changed_files_with(id, false)? {
            for path in [file.old_path, file.new_path].into_iter().flatten() {
                changed.insert(workdir.join(path));
            }
        }
        Ok(changed)
    }

    /// The URL of the remote `origin`, when there is one.
    pub fn origin_url(&self) -> Option<String> {
        let remote = self.repo.find_remote("origin").ok()?;
        remote.url().ok().map(str::to_owned)
    }

    /// The working tree's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        !self.shallow.is_empty()
    }

    /// `path` (absolute, or relative to `cwd`) as a path in the repository.
    pub fn relative(&self, path: &Path, cwd: &Path) -> Result<PathBuf, HistoryError> {
        let joined = normalize(&cwd.join(path));
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let absolute = canonical_parent(&joined);
        absolute
            .strip_prefix(&root)
            .or_else(|_| joined.strip_prefix(&self.root))
            .map(Path::to_path_buf)
            .map_err(|_| HistoryError::OutsideRepository {
                path: path.to_path_buf(),
                root: self.root.clone(),
            })
    }

    /// The commit `rev` names.
    pub fn resolve(&self, rev: &str) -> Result<ObjectId, HistoryError> {
        self.resolve_oid(rev).map(ObjectId)
    }

    fn resolve_oid(&self, rev: &str) -> Result<Oid, HistoryError> {
        let unknown = |e: git2::Error| {
            let message = e.message();
            if self.is_shallow() && message.contains("parent") {
                return HistoryError::BeyondShallow {
                    rev: rev.to_owned(),
                };
            }
            let reason = if rev.contains("@{-") {
                // libgit2's message here is empty or left over from an
                // unrelated failure.
                "`@{-N}` names the N-th branch checked out before this one, and this repository's reflog records no such checkout".to_owned()
            } else if message.is_empty() || message == "no error" {
                // libgit2 gives no reason for some (e.g. `@{-1}` with no
                // checkout history in the reflog).
                "it names no commit in this repository".to_owned()
            } else {
                message.to_owned()
            };
            HistoryError::UnknownRevision {
                rev: rev.to_owned(),
                reason,
            }
        };
        // A name git can turn into an id without reading an object (a ref,
        // a full id), and `NAME~N^N` chains, are checked commit by commit
        // before libgit2 reads them. Any other syntax (`:/message`,
        // `@{-1}`, `HEAD@{2}`, `v1^{}`, a tag) makes libgit2 read objects we
        // cannot foresee: every loose object is checked first.
        let checked = match self.named_id(rev) {
            Some(id) => {
                matches!(self.loose(id, "commit")?, Some((kind, _)) if kind == "commit")
                    || self.is_packed_commit(id)
            }
            None => self.check_ancestry(rev)?,
        };
        if !checked {
            self.objects
                .check_all(MAX_FILE_BYTES)
                .map_err(|(id, e)| match e {
                    loose::LooseError::TooLarge(size) => HistoryError::TooLarge {
                        id: id.to_string(),
                        size,
                        max: MAX_FILE_BYTES,
                    },
                    loose::LooseError::Damaged(reason) => HistoryError::Damaged {
                        id: id.to_string(),
                        reason,
                    },
                })?;
        }
        let object = self.repo.revparse_single(rev).map_err(unknown)?;
        let commit = object
            .peel_to_commit()
            .map_err(|_| HistoryError::UnknownRevision {
                rev: rev.to_owned(),
                reason: format!(
                    "it names a {}, not a commit",
                    object.kind().map_or("git object", |k| k.str())
                ),
            })?;
        Ok(commit.id())
    }

    /// The id a name gives without reading any object: a full ref name, a
    /// short ref name (`main`, `HEAD`), or a full id.
    fn named_id(&self, name: &str) -> Option<Oid> {
        self.repo
            .refname_to_id(name)
            .or_else(|_| {
                self.repo
                    .resolve_reference_from_short_name(name)
                    .and_then(|r| r.resolve())
                    .and_then(|r| r.target().ok_or_else(|| git2::Error::from_str("symbolic")))
            })
            .or_else(|_| Oid::from_str(name))
            .ok()
    }

    /// For `NAME~N` and `NAME^N` chains, check each loose commit on the way
    /// before libgit2's revparse reads it: `true` when the whole chain was
    /// walked (or ends at a parent that is not there, for libgit2 to
    /// report), `false` for syntax this does not read.
    fn check_ancestry(&self, rev: &str) -> Result<bool, HistoryError> {
        let Some(at) = rev.find(['~', '^']) else {
            return Ok(false);
        };
        let (base, mut suffix) = rev.split_at(at);
        let Some(mut id) = self.named_id(base) else {
            return Ok(false);
        };
        // A tag (`v1~2`) is peeled by libgit2: not a chain this walks.
        let is_commit = match self.loose(id, "commit")? {
            Some((kind, _)) => kind == "commit",
            None => self.is_packed_commit(id),
        };
        if !is_commit {
            return Ok(false);
        }
        while let Some(op) = suffix.chars().next() {
            // `^{...}` peels or searches: not a step to a parent.
            if (op != '~' && op != '^') || suffix[1..].starts_with('{') {
                return Ok(false);
            }
            let digits: String = suffix[1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            suffix = &suffix[1 + digits.len()..];
            let n: usize = if digits.is_empty() {
                1
            } else {
                match digits.parse() {
                    Ok(n) => n,
                    Err(_) => return Ok(false),
                }
            };
            // `~N` is N first parents; `^N` is the N-th parent (`^0`: itself).
            let steps = if op == '~' { n } else { usize::from(n > 0) };
            let index = if op == '^' { n.saturating_sub(1) } else { 0 };
            for _ in 0..steps {
                let commit = self.commit(id)?;
                match commit.parent_id(index) {
                    Ok(parent) => id = parent,
                    Err(_) => return Ok(true),
                }
            }
        }
        self.loose(id, "commit")?;
        Ok(true)
    }

    /// Whether `id` is a commit stored in a pack (read safely by libgit2).
    fn is_packed_commit(&self, id: Oid) -> bool {
        self.repo
            .odb()
            .and_then(|odb| odb.read_header(id))
            .is_ok_and(|(_, kind)| kind == ObjectType::Commit)
    }

    /// The merge base of `rev` and `HEAD`.
    ///
    /// Found by a walk of our own (git's "paint down to common"), so that
    /// every commit on the way is read through [`History::node`]: from the
    /// commit-graph, or checked complete when loose, where libgit2's merge
    /// base would spin on a truncated one.
    pub fn merge_base(&self, rev: &str) -> Result<ObjectId, HistoryError> {
        let base = self.resolve_oid(rev)?;
        let head = self.resolve_oid("HEAD")?;
        let no_common = || HistoryError::UnknownRevision {
            rev: rev.to_owned(),
            reason: if self.is_shallow() {
                format!("no common ancestor with HEAD in this shallow clone; {UNSHALLOW_HINT}")
            } else {
                "it has no common ancestor with HEAD".to_owned()
            },
        };
        let candidates = self.common_ancestors(base, head)?;
        // Newest first, as `common_ancestors` found them; a candidate
        // reachable from another is not a best one. (Git keeps the best
        // ones in the same order and takes the first.)
        for candidate in &candidates {
            let mut redundant = false;
            for other in &candidates {
                if other != candidate && self.reaches(*other, *candidate)? {
                    redundant = true;
                    break;
                }
            }
            if !redundant {
                return Ok(ObjectId(*candidate));
            }
        }
        Err(no_common())
    }

    /// The common ancestors of `one` and `two` that are not below another
    /// common ancestor found first, newest committer date first (ties in
    /// the order found). Git's `paint_down_to_common`, step for step: a
    /// queue by generation number then committer date, first in first out
    /// among equals, where
    /// a commit is queued again each time it is painted with more flags.
    fn common_ancestors(&self, one: Oid, two: Oid) -> Result<Vec<Oid>, HistoryError> {
        if one == two {
            return Ok(vec![one]);
        }
        let mut paint = Paint::default();
        for (id, flag) in [(one, Paint::ONE), (two, Paint::TWO)] {
            paint.start(id, self.node(id)?, flag);
        }
        while paint.live > 0 {
            let Some((_, time, _, id)) = paint.queue.pop() else {
                break;
            };
            let flag = paint.take(id, time);
            if self.shallow.contains(&id) {
                continue;
            }
            let parents = match paint.nodes.get(&id) {
                Some(node) => node.parents.clone(),
                None => Parents::default(),
            };
            for Parent { id: parent, .. } in parents.iter() {
                if !paint.paint(parent, flag) {
                    continue;
                }
                let node = match paint.nodes.entry(parent) {
                    std::collections::hash_map::Entry::Occupied(slot) => slot.into_mut(),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(self.node(parent)?)
                    }
                };
                let (generation, time) = (node.generation, node.time);
                paint.push(generation, time, parent);
            }
        }
        Ok(paint.results())
    }

    /// Whether commit `to` is reachable from commit `from` (both already
    /// known to the walk), reading no commit older than `to`.
    fn reaches(&self, from: Oid, to: Oid) -> Result<bool, HistoryError> {
        let floor = self.node(to)?.time;
        let mut queue = vec![from];
        let mut seen: HashSet<Oid, OidHashing> = HashSet::default();
        while let Some(id) = queue.pop() {
            if id == to {
                return Ok(true);
            }
            if !seen.insert(id) || self.shallow.contains(&id) {
                continue;
            }
            let node = self.node(id)?;
            if node.time < floor {
                continue;
            }
            queue.extend(node.parents.ids());
        }
        Ok(false)
    }

    /// Every tree below `new` that differs from the same place below `old`
    /// (all of them with no `old`), checked complete before libgit2's
    /// tree diff reads it (see [`loose`]): a diff reads exactly those.
    fn check_trees(&self, old: Option<Oid>, new: Oid) -> Result<(), HistoryError> {
        if !self.objects.any() {
            // All packed: nothing for libgit2 to spin on, no tree to read twice.
            return Ok(());
        }
        let mut pending = vec![(old, new)];
        while let Some((old, new)) = pending.pop() {
            if old == Some(new) {
                continue;
            }
            let entries = |id: Oid| -> Result<Vec<(Vec<u8>, Oid)>, HistoryError> {
                self.loose(id, "tree")?;
                let tree = self
                    .repo
                    .find_tree(id)
                    .map_err(|e| missing(e, id, "tree"))?;
                Ok(tree
                    .iter()
                    .filter(|e| e.kind() == Some(ObjectType::Tree))
                    .map(|e| (e.name_bytes().to_vec(), e.id()))
                    .collect())
            };
            let mut only_old: HashMap<Vec<u8>, Oid> = match old {
                Some(id) => entries(id)?.into_iter().collect(),
                None => HashMap::new(),
            };
            for (name, id) in entries(new)? {
                pending.push((only_old.remove(&name), id));
            }
            // A subtree only on the old side is read whole (its files deleted).
            pending.extend(only_old.into_values().map(|id| (None, id)));
        }
        Ok(())
    }

    /// Whether commit `ancestor` is `commit` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Oid, commit: Oid) -> Result<bool, HistoryError> {
        Ok(ancestor == commit || self.repo.graph_descendant_of(commit, ancestor)?)
    }

    /// A short id for messages.
    pub fn short(&self, id: impl std::fmt::Display) -> String {
        let text = id.to_string();
        text.get(..10).unwrap_or(&text).to_owned()
    }

    /// The blob id of `path` in `commit`, or `None` when it is not there.
    pub fn blob_id(&self, commit: Oid, path: &Path) -> Result<Option<Oid>, HistoryError> {
        // The tree from the commit-graph when it knows the commit.
        let tree = self.node(commit)?.tree;
        self.blob_in_tree(&self.repo.odb()?, tree, path)
    }

    /// The text of blob `blob` (the file `path` at `rev`, for messages).
    ///
    /// The blob's size is read from its header before anything is
    /// inflated, and a blob larger than [`MAX_FILE_BYTES`] is refused as a
    /// file on disk would be. A loose blob is inflated and checked complete
    /// here (see [`loose`]), where libgit2 would spin on a truncated one.
    pub fn read_blob(
        &self,
        blob: ObjectId,
        path: &Path,
        rev: &str,
    ) -> Result<String, HistoryError> {
        self.read_blob_oid(blob.0, path, rev)
    }

    fn read_blob_oid(&self, blob: Oid, path: &Path, rev: &str) -> Result<String, HistoryError> {
        let bytes = self.blob_bytes(blob)?;
        if bytes.contains(&0) {
            return Err(HistoryError::Binary {
                path: path.to_path_buf(),
                rev: rev.to_owned(),
            });
        }
        String::from_utf8(bytes).map_err(|_| HistoryError::NotUtf8 {
            path: path.to_path_buf(),
            rev: rev.to_owned(),
        })
    }

    /// The bytes of blob `id`, within the size cap, checked complete.
    fn blob_bytes(&self, id: Oid) -> Result<Vec<u8>, HistoryError> {
        match self.loose(id, "file content")? {
            Some((kind, _)) if kind != "blob" => {
                return Err(HistoryError::Damaged {
                    id: id.to_string(),
                    reason: format!("it is a {kind}, not a file's content"),
                });
            }
            Some((_, content)) => return Ok(content),
            None => {}
        }
        self.check_header(id)?;
        // Not loose: packed, where libgit2 checks lengths as it inflates.
        let blob = self
            .repo
            .find_blob(id)
            .map_err(|e| self.damaged(e, id, "file content"))?;
        let bytes = blob.content().to_vec();
        Ok(bytes)
    }

    /// Blob `id` is complete (when loose) and within the size cap.
    fn blob_size_ok(&self, id: Oid) -> Result<(), HistoryError> {
        if self.loose(id, "file content")?.is_some() {
            return Ok(());
        }
        self.check_header(id)
    }

    /// Whether every blob a rename search over `diff` would read (the old
    /// sides, and the new sides too when `both`: a working tree's files are
    /// read from disk) is complete and within the size cap. `false` when
    /// one is too large, an error when one is damaged.
    fn blobs_within_cap(&self, diff: &git2::Diff<'_>, both: bool) -> Result<bool, HistoryError> {
        for delta in diff.deltas() {
            let files = [Some(delta.old_file()), both.then(|| delta.new_file())];
            for file in files.into_iter().flatten() {
                if file.id().is_zero() || file.mode() == git2::FileMode::Commit {
                    continue;
                }
                match self.blob_size_ok(file.id()) {
                    Ok(()) => {}
                    Err(HistoryError::TooLarge { .. }) => return Ok(false),
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(true)
    }

    /// A packed object's header says it is a blob within the size cap: read
    /// before anything is inflated.
    fn check_header(&self, id: Oid) -> Result<(), HistoryError> {
        let (size, kind) = self
            .repo
            .odb()?
            .read_header(id)
            .map_err(|e| self.damaged(e, id, "file content"))?;
        if kind != ObjectType::Blob {
            return Err(HistoryError::Damaged {
                id: id.to_string(),
                reason: format!("it is a {kind}, not a file's content"),
            });
        }
        let size = u64::try_from(size).unwrap_or(u64::MAX);
        if size > MAX_FILE_BYTES {
            return Err(HistoryError::TooLarge {
                id: id.to_string(),
                size,
                max: MAX_FILE_BYTES,
            });
        }
        Ok(())
    }

    /// A loose object, read and checked complete; `None` when it is not
    /// loose (libgit2 reads packed objects safely).
    fn loose(
        &self,
        id: Oid,
        what: &'static str,
    ) -> Result<Option<(String, Vec<u8>)>, HistoryError> {
        match self.objects.read(id, MAX_FILE_BYTES) {
            Ok(loose::Loose::NotLoose) => Ok(None),
            Ok(loose::Loose::Object { kind, content }) => Ok(Some((kind, content))),
            Err(loose::LooseError::TooLarge(size)) => Err(HistoryError::TooLarge {
                id: id.to_string(),
                size,
                max: MAX_FILE_BYTES,
            }),
            Err(loose::LooseError::Damaged(reason)) => Err(HistoryError::Damaged {
                id: id.to_string(),
                reason: format!("{reason} ({what})"),
            }),
        }
    }

    fn damaged(&self, e: git2::Error, id: Oid, what: &'static str) -> HistoryError {
        match e.code() {
            ErrorCode::NotFound => missing(e, id, what),
            _ => HistoryError::Damaged {
                id: id.to_string(),
                reason: e.message().to_owned(),
            },
        }
    }

    /// The text of `path` at commit `id` (`rev` as the user typed it).
    pub fn read_at(&self, id: ObjectId, path: &Path, rev: &str) -> Result<String, HistoryError> {
        self.read_at_oid(id.0, path, rev)
    }

    fn read_at_oid(&self, id: Oid, path: &Path, rev: &str) -> Result<String, HistoryError> {
        match self.blob_id(id, path)? {
            Some(blob) => self.read_blob_oid(blob, path, rev),
            None => Err(HistoryError::NotAtRevision {
                path: path.to_path_buf(),
                rev: rev.to_owned(),
            }),
        }
    }

    /// The names of the files in folder `folder` (from the root) at commit
    /// `id`, sorted: regular files only (a symbolic link, a submodule or a
    /// folder in it is left out, and so is a name that is not UTF-8). Empty when
    /// the folder is not there.
    pub fn files_at(&self, id: ObjectId, folder: &Path) -> Result<Vec<String>, HistoryError> {
        let odb = self.repo.odb()?;
        let mut tree_id = self.node(id.0)?.tree;
        for part in folder.components() {
            let name = part.as_os_str().as_encoded_bytes();
            match self.tree_entry(&odb, tree_id, name)? {
                Some((0o040_000, sub)) => tree_id = sub,
                _ => return Ok(Vec::new()),
            }
        }
        let tree = self.tree_bytes(&odb, tree_id)?;
        let mut names = tree_files(&tree).ok_or_else(|| malformed_tree(tree_id))?;
        names.sort();
        Ok(names)
    }

    /// The commits that changed `path`, newest first, walking back from
    /// `start` and following renames.
    pub fn changes(&self, path: &Path, start: Oid) -> Result<Changes<'_>, HistoryError> {
        let first = self.node(start)?;
        let mut queue = BinaryHeap::new();
        queue.push(Queued {
            time: first.time,
            id: start,
            node: first,
            blob: None,
        });
        // A walk visits most of the graph: room for it up front (within
        // reason), rather than growing through every power of two.
        let expected = match (&self.graph, &self.index) {
            (Some(graph), _) => graph.len(),
            (None, Some(index)) => index.nodes.len(),
            (None, None) => 0,
        }
        .min(1 << 16);
        let mut seen = HashSet::with_capacity_and_hasher(expected, OidHashing::default());
        seen.insert(start);
        Ok(Changes {
            history: self,
            odb: self.repo.odb()?,
            queue,
            seen,
            keys: self.bloom_keys(path),
            file: self.index.as_ref().and_then(|i| i.file(path)),
            path: path.to_path_buf(),
            cache: HashMap::default(),
            done: false,
        })
    }

    fn bloom_keys(&self, path: &Path) -> Option<BloomKeys> {
        self.graph.as_ref()?.keys(path.to_str()?)
    }

    /// Whether walks read git's commit-graph (for tests and benchmarks).
    pub fn uses_commit_graph(&self) -> bool {
        self.graph.is_some()
    }

    /// Whether walks may skip commits by the commit-graph's changed-path
    /// Bloom filters: the graph has them, and they can be trusted for `path`.
    pub fn uses_bloom_filters(&self, path: &Path) -> bool {
        self.bloom_keys(path).is_some()
    }

    /// What a walk needs of commit `id`: from the commit-graph when it
    /// knows the commit, else from the commit itself.
    fn node(&self, id: Oid) -> Result<Node, HistoryError> {
        let position = self.graph.as_ref().and_then(|graph| graph.position(id));
        self.node_of(Parent { id, position })
    }

    /// [`History::node`] for a commit whose graph position may be known
    /// already (a parent read from the graph): no id lookup then.
    fn node_of(&self, parent: Parent) -> Result<Node, HistoryError> {
        let id = parent.id;
        if let Some(node) = self.index.as_ref().and_then(|i| i.nodes.get(&id)) {
            return Ok(node.clone());
        }
        if let (Some(graph), Some(position)) = (&self.graph, parent.position) {
            if let Some(found) = graph.commit(position) {
                return Ok(Node {
                    parents: found.parents,
                    tree: found.tree,
                    time: found.time,
                    generation: found.generation,
                    position: Some(position),
                });
            }
        }
        if self.grafted {
            // libgit2 applies the grafts file as it parses a commit.
            let commit = self.commit(id)?;
            return Ok(Node {
                // Not `commit.parents()`: it stops quietly at a missing
                // parent, which would make the file look created there.
                parents: commit.parent_ids().collect(),
                tree: commit.tree_id(),
                time: commit.time().seconds(),
                generation: u64::MAX,
                position: None,
            });
        }
        // The header alone, read from the raw commit as git does: libgit2's
        // `Commit` would also parse and copy the author, committer and
        // message of every commit a walk passes.
        let header = match self.loose(id, "commit")? {
            Some((kind, content)) => {
                not_a(id, &kind, "commit")?;
                commit_header(&content)
            }
            None => {
                let odb = self.repo.odb()?;
                let object = odb.read(id).map_err(|e| missing(e, id, "commit"))?;
                not_a(id, &object.kind().to_string(), "commit")?;
                commit_header(object.data())
            }
        };
        let (tree, mut parents, time) = header.ok_or_else(|| HistoryError::Damaged {
            id: id.to_string(),
            reason: "its commit header is malformed".to_owned(),
        })?;
        if self.shallow.contains(&id) {
            // A shallow clone's boundary: its parents are not here.
            parents = Parents::default();
        }
        Ok(Node {
            parents,
            tree,
            time,
            // Not in the graph: git's "infinite" generation.
            generation: u64::MAX,
            position: None,
        })
    }

    /// The blob at `path` in tree `tree`. Folder by folder rather than
    /// `Tree::get_path`, so that each tree on the way is checked (see
    /// [`loose`]) before it is read.
    fn blob_in_tree(
        &self,
        odb: &git2::Odb<'_>,
        tree: Oid,
        path: &Path,
    ) -> Result<Option<Oid>, HistoryError> {
        let mut tree_id = tree;
        let mut parts = path.components().peekable();
        while let Some(part) = parts.next() {
            let name = part.as_os_str().as_encoded_bytes();
            let Some((mode, id)) = self.tree_entry(odb, tree_id, name)? else {
                return Ok(None);
            };
            match (mode, parts.peek()) {
                // A file or a symbolic link (whose content is its target).
                (0o100_000..=0o100_777 | 0o120_000, None) => return Ok(Some(id)),
                (0o040_000, Some(_)) => tree_id = id,
                _ => return Ok(None),
            }
        }
        Ok(None)
    }

    /// The mode and id of entry `name` in tree `tree_id`.
    ///
    /// Read from the raw tree, as git does, rather than through libgit2's
    /// `Tree`, which parses and allocates every entry: a walk looks up one
    /// name in one tree per commit, and this is most of its cost.
    fn tree_entry(
        &self,
        odb: &git2::Odb<'_>,
        tree_id: Oid,
        name: &[u8],
    ) -> Result<Option<(u32, Oid)>, HistoryError> {
        let tree = self.tree_bytes(odb, tree_id)?;
        find_entry(&tree, name).ok_or_else(|| malformed_tree(tree_id))
    }

    /// The raw content of tree `tree_id`, from the cache or inflated (a
    /// loose tree checked complete first).
    fn tree_bytes(
        &self,
        odb: &git2::Odb<'_>,
        tree_id: Oid,
    ) -> Result<std::sync::Arc<[u8]>, HistoryError> {
        if let Some(hit) = self.trees.lock().ok().and_then(|c| c.get(tree_id)) {
            return Ok(hit);
        }
        let not_a_tree = |kind: String| HistoryError::Damaged {
            id: tree_id.to_string(),
            reason: format!("it is a {kind}, not a tree"),
        };
        let bytes: std::sync::Arc<[u8]> = match self.loose(tree_id, "tree")? {
            Some((kind, _)) if kind != "tree" => return Err(not_a_tree(kind)),
            Some((_, content)) => content.into(),
            None => {
                let object = odb.read(tree_id).map_err(|e| missing(e, tree_id, "tree"))?;
                if object.kind() != ObjectType::Tree {
                    return Err(not_a_tree(object.kind().to_string()));
                }
                object.data().into()
            }
        };
        if let Ok(mut cache) = self.trees.lock() {
            cache.put(tree_id, bytes.clone());
        }
        Ok(bytes)
    }

    /// Fail with [`HistoryError::Shallow`] for a walk that ended at a boundary.
    pub fn shallow_error(&self, change: &Change) -> HistoryError {
        HistoryError::Shallow {
            path: change.path.clone(),
            boundary: self.short(change.commit),
        }
    }

    /// Who the next commit will be by, as git would write it: the author
    /// from `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else `user.name` and
    /// `user.email`; and whether it will be SSH-signed (`commit.gpgsign`
    /// with `gpg.format ssh`).
    pub fn identity(&self) -> Identity {
        let config = self.repo.config().ok();
        let get = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let signs = config
            .as_ref()
            .and_then(|c| c.get_bool("commit.gpgsign").ok())
            .unwrap_or(false);
        Identity {
            name: env("GIT_AUTHOR_NAME").or_else(|| get("user.name")),
            email: env("GIT_AUTHOR_EMAIL").or_else(|| get("user.email")),
            signs_ssh: signs && get("gpg.format").is_some_and(|f| f.eq_ignore_ascii_case("ssh")),
        }
    }

    /// The signature commit `id` carries (its `gpgsig` header, armored as
    /// it was written) and the bytes it signs; `None` for an unsigned commit.
    pub fn signature(&self, id: Oid) -> Result<Option<(String, Vec<u8>)>, HistoryError> {
        self.loose(id, "commit")?;
        match self.repo.extract_signature(&id, None) {
            Ok((signature, signed)) => Ok(Some((
                String::from_utf8_lossy(&signature).into_owned(),
                signed.to_vec(),
            ))),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(self.damaged(e, id, "commit")),
        }
    }

    fn commit(&self, id: Oid) -> Result<Commit<'_>, HistoryError> {
        self.loose(id, "commit")?;
        self.repo
            .find_commit(id)
            .map_err(|e| missing(e, id, "commit"))
    }

    /// The path `path` had in `parent` when `commit` renamed it.
    fn renamed_from(
        &self,
        parent: &Commit<'_>,
        commit: &Commit<'_>,
        path: &Path,
    ) -> Result<Option<PathBuf>, HistoryError> {
        self.check_trees(Some(parent.tree_id()), commit.tree_id())?;
        let old = parent.tree()?;
        let new = commit.tree()?;
        let mut diff = self.repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
        // Rename detection reads every added and deleted file: see
        // `blobs_within_cap`. A commit with a file over the size cap is not
        // searched for renames (the file counts as created there).
        if !self.blobs_within_cap(&diff, true)? {
            return Ok(None);
        }
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
        Ok(diff
            .deltas()
            .filter(|d| d.status() == git2::Delta::Renamed)
            .find(|d| d.new_file().path() == Some(path))
            .and_then(|d| d.old_file().path().map(Path::to_path_buf)))
    }
}

/// What the walk keeps of a queued commit.
#[derive(Debug, Clone)]
struct Node {
    parents: Parents,
    tree: Oid,
    time: i64,
    /// Git's generation number (`u64::MAX` outside the commit-graph).
    generation: u64,
    /// Its place in the commit-graph, when it has one there.
    position: Option<usize>,
}

/// The walk of [`History::common_ancestors`]: each commit's flags, the
/// queue, and the common ancestors found.
#[derive(Default)]
struct Paint {
    flags: HashMap<Oid, u8, OidHashing>,
    nodes: HashMap<Oid, Node, OidHashing>,
    /// Queue entries per commit.
    entries: HashMap<Oid, usize, OidHashing>,
    /// How many queue entries are of commits not yet known to be below a
    /// common ancestor: the walk ends when there are none.
    live: usize,
    /// By generation, then committer date, then first queued.
    queue: BinaryHeap<(u64, i64, std::cmp::Reverse<u64>, Oid)>,
    order: u64,
    found: Vec<(i64, Oid)>,
}

impl Paint {
    /// Reached from the first commit.
    const ONE: u8 = 1;
    /// Reached from the second commit.
    const TWO: u8 = 2;
    /// Below a common ancestor.
    const STALE: u8 = 4;
    /// Found as a common ancestor.
    const RESULT: u8 = 8;

    /// Start the walk at `id`, painted `flag`.
    fn start(&mut self, id: Oid, node: Node, flag: u8) {
        self.push(node.generation, node.time, id);
        self.nodes.insert(id, node);
        self.flags.insert(id, flag);
        *self.entries.entry(id).or_default() += 1;
        self.live += 1;
    }

    /// Queue `id` (again).
    fn push(&mut self, generation: u64, time: i64, id: Oid) {
        self.order += 1;
        self.queue
            .push((generation, time, std::cmp::Reverse(self.order), id));
    }

    /// Account for `id` (committed at `time`) taken from the queue: a
    /// commit reached from both sides is a common ancestor, and what is
    /// below it is stale. Returns the flags to paint its parents with.
    fn take(&mut self, id: Oid, time: i64) -> u8 {
        let mut flag = self.flags.get(&id).copied().unwrap_or_default();
        if let Some(count) = self.entries.get_mut(&id) {
            *count -= 1;
        }
        if flag & Self::STALE == 0 {
            self.live -= 1;
        }
        if flag & (Self::ONE | Self::TWO) == Self::ONE | Self::TWO {
            if flag & Self::RESULT == 0 {
                self.flags.insert(id, flag | Self::RESULT);
                self.found.push((time, id));
            }
            flag |= Self::STALE;
        }
        flag & (Self::ONE | Self::TWO | Self::STALE)
    }

    /// Paint `parent` with `flag`; whether that added a flag (and so it is
    /// to be queued again).
    fn paint(&mut self, parent: Oid, flag: u8) -> bool {
        let seen = self.flags.entry(parent).or_default();
        if *seen & flag == flag {
            return false;
        }
        let was = *seen;
        *seen |= flag;
        let now = *seen;
        let queued = self.entries.entry(parent).or_default();
        if was & Self::STALE == 0 && now & Self::STALE != 0 {
            self.live -= *queued;
        }
        *queued += 1;
        if now & Self::STALE == 0 {
            self.live += 1;
        }
        true
    }

    /// Results later found below another result are not kept; the rest
    /// newest first, ties in the order found.
    fn results(mut self) -> Vec<Oid> {
        let flags = &self.flags;
        self.found
            .retain(|(_, id)| flags.get(id).copied().unwrap_or_default() & Self::STALE == 0);
        self.found.sort_by_key(|(time, _)| std::cmp::Reverse(*time));
        self.found.into_iter().map(|(_, id)| id).collect()
    }
}

/// A commit waiting in a walk's queue, with what the walk knows of it.
#[derive(Debug)]
struct Queued {
    time: i64,
    id: Oid,
    node: Node,
    /// The current path's blob in this commit (`Some(None)`: not there),
    /// when a child already looked it up.
    blob: Option<Option<Oid>>,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.id) == (other.time, other.id)
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.id).cmp(&(other.time, other.id))
    }
}

/// The commits that changed one file, newest first (see [`History::changes`]).
pub struct Changes<'h> {
    history: &'h History,
    /// The object database, opened once for the walk's tree reads.
    odb: git2::Odb<'h>,
    /// Commits still to visit, newest committer date first (like `git log`),
    /// each with its parents, tree and time, read once.
    queue: BinaryHeap<Queued>,
    /// Commits already queued.
    seen: HashSet<Oid, OidHashing>,
    path: PathBuf,
    /// The current path's Bloom keys, when the commit-graph has filters.
    keys: Option<BloomKeys>,
    /// The current path's number in the history's index, when it has one.
    file: Option<u32>,
    /// The current path's blob in commits that were already queued when a
    /// second child looked it up (merges); the rest travels in the queue.
    cache: HashMap<Oid, Option<Oid>, OidHashing>,
    done: bool,
}

impl Changes<'_> {
    /// The current path's blob in tree `tree`.
    fn blob_in(&self, tree: Oid) -> Result<Option<Oid>, HistoryError> {
        self.history.blob_in_tree(&self.odb, tree, &self.path)
    }

    /// The index ([`History::index_paths`]) or the commit-graph's Bloom
    /// filter says commit `id` (`node`) certainly left the path as its
    /// first parent had it.
    fn unchanged(&self, id: Oid, node: &Node) -> bool {
        let index = self.history.index.as_ref();
        if let Some(known) = index
            .zip(self.file)
            .and_then(|(i, file)| i.unchanged(id, file))
        {
            return known && !node.parents.is_empty();
        }
        let (Some(graph), Some(position), Some(keys)) =
            (&self.history.graph, node.position, &self.keys)
        else {
            return false;
        };
        !node.parents.is_empty() && graph.maybe_changed(position, keys) == Some(false)
    }

    /// Queue parent `parent` of a commit, with its blob when known
    /// (`blob`), unless it is queued already; there the blob goes to the
    /// cache.
    fn queue_parent(
        &mut self,
        parent: Parent,
        blob: Option<Option<Oid>>,
    ) -> Result<(), HistoryError> {
        if self.seen.insert(parent.id) {
            let node = self.history.node_of(parent)?;
            self.queue.push(Queued {
                time: node.time,
                id: parent.id,
                node,
                blob,
            });
        } else if let Some(blob) = blob {
            self.cache.entry(parent.id).or_insert(blob);
        }
        Ok(())
    }

    fn step(&mut self) -> Result<Option<Change>, HistoryError> {
        // A walk of our own rather than libgit2's revwalk: the revwalk
        // inflates every commit a second time, and the walk is most of the cost.
        while let Some(Queued { id, node, blob, .. }) = self.queue.pop() {
            let known = match blob {
                Some(blob) => Some(blob),
                None if self.cache.is_empty() => None,
                None => self.cache.get(&id).copied(),
            };
            if self.unchanged(id, &node) {
                // Same blob as the first parent: no change here, and the
                // parent's blob is known without reading its tree.
                for (i, parent) in node.parents.iter().enumerate() {
                    self.queue_parent(parent, if i == 0 { known } else { None })?;
                }
                continue;
            }
            let blob = match known {
                Some(blob) => blob,
                None => self.blob_in(node.tree)?,
            };
            let Some(blob) = blob else {
                for parent in node.parents.iter() {
                    self.queue_parent(parent, None)?;
                }
                continue;
            };
            let mut parent_blobs = Vec::with_capacity(node.parents.len());
            for parent in node.parents.iter() {
                let parent_blob = if self.seen.contains(&parent.id) {
                    match self.cache.get(&parent.id) {
                        Some(found) => *found,
                        None => {
                            let found = self.blob_in(self.history.node_of(parent)?.tree)?;
                            self.cache.insert(parent.id, found);
                            found
                        }
                    }
                } else {
                    self.seen.insert(parent.id);
                    let node = self.history.node_of(parent)?;
                    let found = self.blob_in(node.tree)?;
                    self.queue.push(Queued {
                        time: node.time,
                        id: parent.id,
                        node,
                        blob: Some(found),
                    });
                    found
                };
                parent_blobs.push(parent_blob);
            }
            if parent_blobs.contains(&Some(blob)) {
                continue;
            }
            return self.change(id, &node, blob, &parent_blobs).map(Some);
        }
        self.done = true;
        Ok(None)
    }

    /// The change commit `id` made: its author and message read from the
    /// commit itself, and where the file came from when it appeared here.
    fn change(
        &mut self,
        id: Oid,
        node: &Node,
        blob: Oid,
        parent_blobs: &[Option<Oid>],
    ) -> Result<Change, HistoryError> {
        let commit = self.history.commit(id)?;
        let truncated = node.parents.is_empty() && self.history.shallow.contains(&id);
        let mut created = parent_blobs.iter().all(Option::is_none);
        let path = self.path.clone();
        if created && !truncated {
            if let Some(parent) = node.parents.first() {
                let parent = self.history.commit(parent)?;
                if let Some(old) = self.history.renamed_from(&parent, &commit, &path)? {
                    self.keys = self.history.bloom_keys(&old);
                    self.file = self.history.index.as_ref().and_then(|i| i.file(&old));
                    self.path = old;
                    // What the walk knew was about the new name.
                    self.cache.clear();
                    let queued = std::mem::take(&mut self.queue);
                    self.queue = queued
                        .into_iter()
                        .map(|q| Queued { blob: None, ..q })
                        .collect();
                    created = false;
                }
            }
        }
        if created || truncated {
            self.done = true;
        }
        let author = commit.author();
        Ok(Change {
            commit: id,
            path,
            blob,
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            date: civil_date(author.when()),
            summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
            created: created && !truncated,
            truncated,
        })
    }
}

impl Iterator for Changes<'_> {
    type Item = Result<Change, HistoryError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(change) => change.map(Ok),
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// The tree, parents and committer time in a raw commit's header.
fn commit_header(data: &[u8]) -> Option<(Oid, Parents, i64)> {
    let mut tree = None;
    let mut parents = Parents::default();
    let mut time = None;
    // The header ends at the first empty line; the message is not read.
    for line in data.split(|b| *b == b'\n') {
        if line.is_empty() {
            break;
        }
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = Some(oid_from_hex(hex)?);
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            let id = oid_from_hex(hex)?;
            parents.push(Parent { id, position: None });
        } else if let Some(who) = line.strip_prefix(b"committer ") {
            // `NAME <EMAIL> SECONDS ZONE`
            let after = who.iter().rposition(|b| *b == b'>')? + 1;
            let mut fields = who[after..].split(|b| *b == b' ').filter(|f| !f.is_empty());
            time = std::str::from_utf8(fields.next()?).ok()?.parse().ok();
        }
    }
    Some((tree?, parents, time?))
}

/// A full hexadecimal object id, as a commit header writes it.
fn oid_from_hex(hex: &[u8]) -> Option<Oid> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    if hex.len() != 40 {
        return None;
    }
    let mut bytes = [0u8; 20];
    for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Oid::from_bytes(&bytes).ok()
}

/// Object `id` is of `kind`, or a damaged object where one of `wanted` belongs.
fn not_a(id: Oid, kind: &str, wanted: &str) -> Result<(), HistoryError> {
    if kind == wanted {
        return Ok(());
    }
    Err(HistoryError::Damaged {
        id: id.to_string(),
        reason: format!("it is a {kind}, not a {wanted}"),
    })
}

/// Entry `name` of raw tree `data` (`MODE SP NAME NUL ID`, repeated): its
/// mode and id, `Some(None)` when it is not there, `None` when the tree is
/// malformed.
fn find_entry(mut data: &[u8], name: &[u8]) -> Option<Option<(u32, Oid)>> {
    while !data.is_empty() {
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
        if &rest[..nul] == name {
            return Some(Some((mode, Oid::from_bytes(id).ok()?)));
        }
        data = &rest[nul + 21..];
    }
    Some(None)
}

/// The names of the regular files a raw tree lists (UTF-8 names only);
/// `None` when its entries are malformed.
fn tree_files(mut data: &[u8]) -> Option<Vec<String>> {
    let mut names = Vec::new();
    while !data.is_empty() {
        let space = data.iter().position(|b| *b == b' ')?;
        let mode = std::str::from_utf8(&data[..space]).ok()?;
        let rest = &data[space + 1..];
        let nul = rest.iter().position(|b| *b == 0)?;
        rest.get(nul + 1..nul + 21)?;
        if mode.starts_with("100") {
            if let Ok(name) = std::str::from_utf8(&rest[..nul]) {
                names.push(name.to_owned());
            }
        }
        data = &rest[nul + 21..];
    }
    Some(names)
}

fn malformed_tree(id: Oid) -> HistoryError {
    HistoryError::Damaged {
        id: id.to_string(),
        reason: "its entries are malformed (not a tree)".to_owned(),
    }
}

fn civil_date(time: git2::Time) -> Option<jiff::civil::Date> {
    let offset = jiff::tz::Offset::from_seconds(time.offset_minutes().checked_mul(60)?).ok()?;
    let stamp = jiff::Timestamp::from_second(time.seconds()).ok()?;
    Some(stamp.to_zoned(offset.to_time_zone()).date())
}

fn missing(e: git2::Error, id: Oid, what: &'static str) -> HistoryError {
    if e.code() == ErrorCode::NotFound {
        HistoryError::MissingObject {
            id: id.to_string(),
            what,
        }
    } else {
        HistoryError::Git(e)
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` with its folder resolved through symlinks (the file itself may
/// no longer exist in the working tree).
fn canonical_parent(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}
