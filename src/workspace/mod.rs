//! The settings of a run: the repository root, its config and its kinds,
//! built once before any work starts, and reading documents from disk.

pub mod config;
pub mod discover;
pub mod handles;

use crate::read;
use std::path::{Path, PathBuf};

use crate::document::{Alliance, Unreadable};
use crate::kind::{KindError, Kinds};
use crate::workspace::config::{Config, ConfigError, repository_root};
use discover::{Candidate, DiscoverError, Found};

/// Files larger than this are refused rather than parsed: no agreement is
/// this long, and the limit keeps one document within its memory budget
/// (see [`crate::document::MAX_DOCUMENT_BYTES`]).
pub const MAX_FILE_BYTES: u64 = crate::document::MAX_DOCUMENT_BYTES as u64;

/// Why the workspace could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// The config is broken.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A kind definition is broken.
    #[error(transparent)]
    Kind(#[from] KindError),
    /// Discovery failed.
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    /// The current folder is unusable.
    #[error("cannot use the current folder: {0}")]
    CurrentDir(std::io::Error),
}

/// A repository as a run sees it.
#[derive(Debug)]
pub struct Workspace {
    /// The repository root (the folder with `.git`, else the current one).
    pub root: PathBuf,
    /// Its `.alliance.yaml`.
    pub config: Config,
    /// The kinds available.
    pub kinds: Kinds,
}

/// Why a file could not be read at all. Every command reports this the
/// same way, in every format: "cannot read PATH: REASON", and exit 2; it is
/// never a rule finding (the document was never seen).
#[derive(Debug, thiserror::Error)]
pub enum ReadProblem {
    /// The file system refused (missing, permission, a link loop).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The path is a folder.
    #[error("is a folder, not a file")]
    Folder,
    /// A FIFO, socket or device: reading it could block or never end.
    #[error("is not a regular file (a pipe, socket or device)")]
    NotRegular,
    /// Discovery could not walk into it.
    #[error("{0}")]
    Walk(ignore::Error),
    /// A symbolic link (the file, or a folder on its way) leads out of the
    /// repository.
    /// The message never says where the link leads (a path outside the
    /// repository is not the repository's to print).
    #[error("leads through a symbolic link outside {}; alliance follows a link only when it stays inside", root.display())]
    LinkOutside {
        /// Where it leads (never printed).
        target: PathBuf,
        /// The place it had to stay in.
        root: PathBuf,
    },
    /// Larger than [`MAX_FILE_BYTES`].
    #[error(
        "the file is {:.1} MB; alliance reads documents up to {} MB",
        *.bytes as f64 / (1024.0 * 1024.0),
        .limit / (1024 * 1024)
    )]
    TooLarge {
        /// The file's size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
}

/// A file that could not be read, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}: {reason}", path.display())]
pub struct UnreadFile {
    /// The file, as the user or discovery named it.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub reason: ReadProblem,
}

/// Why a document could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read at all (exit 2 in every command).
    #[error(transparent)]
    Unread(#[from] UnreadFile),
    /// The bytes are not UTF-8 text: a finding (A005) about the document.
    #[error("{} is not UTF-8 text", .0.path.display())]
    NotText(Unreadable),
}

impl From<read::FileError> for ReadProblem {
    fn from(e: read::FileError) -> ReadProblem {
        match e {
            read::FileError::NotFound { .. } => {
                ReadProblem::Io(std::io::Error::from(std::io::ErrorKind::NotFound))
            }
            read::FileError::Folder { .. } => ReadProblem::Folder,
            read::FileError::NotRegular { .. } => ReadProblem::NotRegular,
            read::FileError::TooLarge { size, max, .. } => ReadProblem::TooLarge {
                bytes: size,
                limit: max,
            },
            read::FileError::LinkOutside { target, root, .. } => {
                ReadProblem::LinkOutside { target, root }
            }
            read::FileError::Io { source, .. } => ReadProblem::Io(source),
        }
    }
}

impl Workspace {
    /// Set up for the repository that contains `dir`.
    pub fn open(dir: &Path) -> Result<Workspace, WorkspaceError> {
        let root = repository_root(dir);
        let config = Config::load(&root)?;
        let kinds = Kinds::with_folder(&root, config.kinds.as_deref())?;
        Ok(Workspace {
            root,
            config,
            kinds,
        })
    }

    /// Set up in the current folder.
    pub fn current() -> Result<Workspace, WorkspaceError> {
        let dir = std::env::current_dir().map_err(WorkspaceError::CurrentDir)?;
        Workspace::open(&dir)
    }

    /// The documents under `paths`, or the repository's when none are given.
    pub fn discover(&self, paths: &[PathBuf]) -> Result<Found, WorkspaceError> {
        let mut found = discover::discover(paths, &self.root, &self.config)?;
        if paths.is_empty() {
            // Paths relative to where the user stands read better, also
            // from a subfolder (`../docs/TEAM_ALLIANCE.md`).
            for doc in &mut found.documents {
                doc.path = from_here(&doc.path);
            }
        }
        Ok(found)
    }

    /// `path` (as the user or discovery named it: relative to the current
    /// folder, or absolute) relative to the repository root, as SARIF,
    /// Code Quality, JUnit and GitHub annotations name files, whatever
    /// the user typed. Compared as written first, then with links resolved
    /// (a root reached through a linked folder); a path outside the
    /// repository is returned as it was.
    pub fn in_repository(&self, path: &Path) -> PathBuf {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root = read::lexical(&cwd.join(&self.root));
        let full = read::lexical(&cwd.join(path));
        if let Ok(relative) = full.strip_prefix(&root) {
            return relative.to_path_buf();
        }
        let resolved = full
            .parent()
            .zip(full.file_name())
            .and_then(|(folder, name)| {
                let folder = std::fs::canonicalize(folder).ok()?;
                Some(folder.join(name))
            });
        match (resolved, std::fs::canonicalize(&root)) {
            (Some(full), Ok(root)) => match full.strip_prefix(&root) {
                Ok(relative) => relative.to_path_buf(),
                Err(_) => path.to_path_buf(),
            },
            _ => path.to_path_buf(),
        }
    }

    /// Read and parse one document.
    pub fn read(&self, candidate: &Candidate) -> Result<Alliance, ReadError> {
        let look = if candidate.walked {
            read::Look::Walked
        } else {
            read::Look::Before
        };
        read_document_with(&self.root, &candidate.path, look)
    }
}

/// `path` as the user standing in the current folder would name it: relative
/// to it (`../docs/TEAM_ALLIANCE.md` from a sibling folder) when `path` is
/// absolute, else as it is.
pub fn from_here(path: &Path) -> PathBuf {
    if !path.is_absolute() {
        return path.to_path_buf();
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    pathdiff::diff_paths(path, &cwd).unwrap_or_else(|| path.to_path_buf())
}

/// Read and parse the document at `path`, in the repository around the
/// current folder.
pub fn read_document(path: &Path) -> Result<Alliance, ReadError> {
    read_document_in(&root_of(path), path)
}

/// The repository a file the user named belongs to: the nearest folder
/// above it (as named, links not resolved) with a `.git` entry, else the
/// current folder.
pub fn root_of(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = read::lexical(&cwd.join(path));
    match absolute.parent() {
        Some(folder) if folder.join(".git").exists() || repository_root(folder) != folder => {
            repository_root(folder)
        }
        _ => repository_root(&cwd),
    }
}

/// Read and parse the document at `path` in the repository at `root`, by
/// the rules of [`read::read_file`]: a regular file, at most
/// [`MAX_FILE_BYTES`], through no link that leaves the repository.
pub fn read_document_in(root: &Path, path: &Path) -> Result<Alliance, ReadError> {
    read_document_with(root, path, read::Look::Before)
}

fn read_document_with(root: &Path, path: &Path, look: read::Look) -> Result<Alliance, ReadError> {
    let bytes = read::read_file_as(root, path, MAX_FILE_BYTES, look).map_err(|e| UnreadFile {
        path: path.to_path_buf(),
        reason: e.into(),
    })?;
    Alliance::parse(path, bytes).map_err(ReadError::NotText)
}
