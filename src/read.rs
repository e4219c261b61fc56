//! The one way `alliance` reads a file from the working tree.
//!
//! Every file the tool opens (documents, `.alliance.yaml`, kind
//! definitions, schemas, templates) comes through [`read_file`], which
//! refuses what a hostile repository could use to reach outside its place
//! or to stall a run:
//!
//! - only a regular file is read: a FIFO, socket or device is refused
//!   before it is opened (a file that discovery's walk has just seen as
//!   regular is not looked at twice), and the open never blocks, should
//!   one be swapped in, so `mkfifo` or a link to `/dev/zero` cannot hang
//!   the tool;
//! - a file larger than the caller's cap is refused, and the read stops at
//!   the cap even if the file grows while it is read;
//! - a symbolic link is followed only when its target stays inside the
//!   repository (the place): a committed link is data for git, and a link
//!   out of the working tree (to `~/.ssh`, `.git/config` of another
//!   checkout, `/etc`) is refused, naming the path as it lies inside the
//!   repository (never where the link leads). The same holds for a linked
//!   folder on the way to the file.
//! - folders are listed by the same rule ([`list_folder`]): a folder that
//!   leads out is refused, and an entry that is a link out is marked as
//!   such, never taken for the file or folder it points to.
//!
//! Errors are typed and name the path. This module never prints.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Nothing is there.
    #[error("{}: no such file", path.display())]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// It is a folder.
    #[error("{}: is a folder, not a file", path.display())]
    Folder {
        /// The path.
        path: PathBuf,
    },
    /// It is a FIFO, socket or device, which a read could wait on forever.
    #[error("{}: is not a regular file (a pipe, socket or device); alliance reads only regular files", path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
    },
    /// It is larger than the cap.
    #[error("{}: the file is {size} bytes; alliance reads files of this kind up to {max} bytes", path.display())]
    TooLarge {
        /// The path.
        path: PathBuf,
        /// Its size (at least; a growing file is stopped at the cap).
        size: u64,
        /// The cap.
        max: u64,
    },
    /// A symbolic link (the file or a folder on its way) leads out of the
    /// repository.
    /// The message names the path as it lies inside the place, never where
    /// the link leads: a hostile link must not make a CI log print the
    /// runner's own paths.
    #[error("{}: leads through a symbolic link outside {}; alliance follows a link only when it stays inside", path.display(), root.display())]
    LinkOutside {
        /// The path.
        path: PathBuf,
        /// Where it leads (for the caller's decisions; never printed).
        target: PathBuf,
        /// The place it had to stay in (the repository, or the kinds folder).
        root: PathBuf,
    },
    /// The file system refused (permission, a link loop, a dangling link).
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl FileError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::NotFound { path }
            | FileError::Folder { path }
            | FileError::NotRegular { path }
            | FileError::TooLarge { path, .. }
            | FileError::LinkOutside { path, .. }
            | FileError::Io { path, .. } => path,
        }
    }

    /// What is wrong, without the path (for messages that name it already).
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.path().display());
        full.strip_prefix(&prefix).unwrap_or(&full).to_owned()
    }

    /// Whether nothing is at the path.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::NotFound { .. })
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The repository folder as the file system names it (links resolved), so
/// that a resolved path can be compared with it.
///
/// Every file read asks this of the same root, so an absolute root is
/// resolved once per process (resolving it per file was most of `check`'s
/// system calls on 10,000 files).
pub fn canonical_root(root: &Path) -> PathBuf {
    static SEEN: Memo<PathBuf> = Memo::new(Vec::new());
    let resolve = || std::fs::canonicalize(root).unwrap_or_else(|_| lexical(root));
    if !root.is_absolute() {
        return resolve();
    }
    remembered(&SEEN, root, resolve)
}

/// What was worked out once for each root named in a run.
type Memo<T> = std::sync::Mutex<Vec<(PathBuf, T)>>;

/// `work`'s answer for `root`, worked out the first time `root` is asked
/// about. A run names a handful of roots at most; past 16 the answer is
/// worked out again each time, so the memo never grows.
fn remembered<T: Clone>(memo: &Memo<T>, root: &Path, work: impl FnOnce() -> T) -> T {
    let Ok(mut seen) = memo.lock() else {
        return work();
    };
    if let Some((_, answer)) = seen.iter().find(|(named, _)| named == root) {
        return answer.clone();
    }
    let answer = work();
    if seen.len() < 16 {
        seen.push((root.to_path_buf(), answer.clone()));
    }
    answer
}

/// Whether the folder the process runs in lies inside `root`. Asked once
/// per root: the tool never changes its folder, and asking the kernel
/// (`getcwd`) for every file read was one system call per file.
#[cfg(target_os = "linux")]
fn current_folder_inside(root: &Path) -> bool {
    static SEEN: Memo<bool> = Memo::new(Vec::new());
    remembered(&SEEN, root, || {
        std::env::current_dir().is_ok_and(|cwd| cwd.starts_with(canonical_root(root)))
    })
}

/// Where `path` really is, or why it may not be used: the path with every
/// link resolved, refused when it leads out of `root` although the path as
/// named lies inside it. A path the user names outside the repository is
/// resolved as the user named it.
pub fn resolve_inside(root: &Path, path: &Path) -> Result<PathBuf, FileError> {
    let absolute = absolute(path);
    let real = match std::fs::canonicalize(&absolute) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling link is "not found" to canonicalize; say which.
            return match absolute.symlink_metadata() {
                Ok(_) => Err(FileError::Io {
                    path: path.to_path_buf(),
                    source: std::io::Error::other(
                        "is a symbolic link to a file that does not exist",
                    ),
                }),
                Err(_) => Err(FileError::NotFound {
                    path: path.to_path_buf(),
                }),
            };
        }
        Err(source) => {
            return Err(FileError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let root_abs = lexical(&absolute_of(root));
    let root_real = canonical_root(root);
    let named_inside = absolute.starts_with(&root_abs) || absolute.starts_with(&root_real);
    if named_inside && !real.starts_with(&root_real) {
        return Err(FileError::LinkOutside {
            path: path.to_path_buf(),
            target: real,
            root: root_real,
        });
    }
    Ok(real)
}

fn absolute_of(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}

fn absolute(path: &Path) -> PathBuf {
    lexical(&absolute_of(path))
}

/// Whether a read looks at what is at a path before it opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Look first, so that a FIFO or device is never opened.
    Before,
    /// A walk of the folder has just seen a regular file here: open it
    /// without looking again. What was opened is still checked (a FIFO
    /// swapped in opens without waiting, and is refused).
    Walked,
}

/// Read the file at `path` (inside the repository at `root`), at most
/// `max` bytes, by the rules of this module.
pub fn read_file(root: &Path, path: &Path, max: u64) -> Result<Vec<u8>, FileError> {
    read_file_as(root, path, max, Look::Before)
}

/// [`read_file`], told whether a walk has just seen a regular file at
/// `path`.
pub fn read_file_as(root: &Path, path: &Path, max: u64, look: Look) -> Result<Vec<u8>, FileError> {
    if let Some(bytes) = read_plain(root, path, max, look) {
        return Ok(bytes);
    }
    let real = resolve_inside(root, path)?;
    let io = |source: std::io::Error| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(&real).map_err(io)?;
    check_kind(path, &meta, max)?;
    let file = open_nonblocking(&real).map_err(io)?;
    // The file may have been swapped between the look and the open.
    let meta = file.metadata().map_err(io)?;
    check_kind(path, &meta, max)?;
    let bytes = read_open(file, &meta, max).map_err(io)?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > max {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            size,
            max,
        });
    }
    Ok(bytes)
}

/// The common case of [`read_file`] in fewer system calls: a regular file
/// of at most `max` bytes that lies inside `root`. The file is opened
/// beneath the root's folder (`openat2` with `RESOLVE_BENEATH`, so the
/// kernel refuses any step out of it, links included), else by its path and
/// asked where it is (`/proc/self/fd`); either way no path is resolved
/// twice and nothing can be swapped between the look and the read.
/// Anything else (a link out, a special file, a file too large, any error,
/// no `openat2` and no `/proc`) is `None`, and [`read_file`] takes its
/// careful path, which says exactly why.
#[cfg(target_os = "linux")]
fn read_plain(root: &Path, path: &Path, max: u64, look: Look) -> Option<Vec<u8>> {
    use std::os::fd::AsRawFd;
    let fits = |meta: &std::fs::Metadata| meta.is_file() && meta.len() <= max;
    // Look before opening, so a device or a FIFO is never opened, unless
    // the walk that found the path has just seen a regular file there.
    if look == Look::Before && !fits(&std::fs::metadata(path).ok()?) {
        return None;
    }
    let file = match open_beneath(root, path) {
        Some(file) => file,
        None => {
            let file = open_nonblocking(path).ok()?;
            let real = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()?;
            if !real.is_absolute() || !real.starts_with(canonical_root(root)) {
                return None;
            }
            file
        }
    };
    let meta = file.metadata().ok()?;
    if !fits(&meta) {
        return None;
    }
    let bytes = read_open(file, &meta, max).ok()?;
    (u64::try_from(bytes.len()).ok()? <= max).then_some(bytes)
}

/// `path` opened for reading without waiting, when it is named inside
/// `root` and the kernel can hold every step of its resolution, links
/// included, inside the root's folder (`openat2`, Linux 5.6). `None` when
/// it cannot say: a path named some other way, an older kernel, an
/// absolute link, a step out; the caller then asks the slower way.
#[cfg(target_os = "linux")]
fn open_beneath(root: &Path, path: &Path) -> Option<std::fs::File> {
    use rustix::fs::{Mode, OFlags, ResolveFlags};
    // Beneath the root's folder, or beneath the current folder when that
    // lies inside the root and the path is named from it.
    let (folder, relative) = if path.is_absolute() {
        (root_folder(root)?, path.strip_prefix(root).ok()?)
    } else {
        if !current_folder_inside(root) {
            return None;
        }
        (rustix::fs::CWD, path)
    };
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !plain || relative.file_name().is_none() {
        return None;
    }
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    let fd = rustix::fs::openat2(folder, relative, flags, Mode::empty(), resolve).ok()?;
    Some(std::fs::File::from(fd))
}

/// The root's folder, opened once per process and kept open for the run.
/// Only an absolute root is kept (a relative one would change meaning with
/// the current folder), and a handful at most: past 16, `None`, and reads
/// ask the slower way.
#[cfg(target_os = "linux")]
fn root_folder(root: &Path) -> Option<std::os::fd::BorrowedFd<'static>> {
    use std::os::fd::{AsFd, OwnedFd};
    static OPEN: std::sync::Mutex<Vec<(PathBuf, &'static OwnedFd)>> =
        std::sync::Mutex::new(Vec::new());
    if !root.is_absolute() {
        return None;
    }
    let mut open = OPEN.lock().ok()?;
    if let Some(&(_, fd)) = open.iter().find(|(named, _)| named == root) {
        return Some(fd.as_fd());
    }
    if open.len() >= 16 {
        return None;
    }
    let flags =
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC;
    let fd = rustix::fs::open(root, flags, rustix::fs::Mode::empty()).ok()?;
    // Never closed: it is the run's view of the root.
    let fd: &'static OwnedFd = Box::leak(Box::new(fd));
    open.push((root.to_path_buf(), fd));
    Some(fd.as_fd())
}

/// The bytes of an opened file, at most `max` + 1 of them (one more than
/// allowed tells a file that grew since `meta` was taken).
fn read_open(file: std::fs::File, meta: &std::fs::Metadata, max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Elsewhere, [`read_file`] always takes its careful path.
#[cfg(not(target_os = "linux"))]
fn read_plain(_root: &Path, _path: &Path, _max: u64, _look: Look) -> Option<Vec<u8>> {
    None
}

/// What an entry of a folder is, as [`list_folder`] saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file, or a link to one that stays inside the place.
    File,
    /// A folder, or a link to one that stays inside the place.
    Folder,
    /// A symbolic link that leads out of the place: never followed.
    LinkOutside,
    /// Anything else: a pipe, socket or device, a link that leads nowhere.
    Other,
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry as named inside the place: the listed folder's path as the
    /// caller named it, joined with the entry's name.
    pub path: PathBuf,
    /// What it is.
    pub kind: EntryKind,
}

/// The entries of `folder` (inside the place `root`), sorted by path, by
/// the rule [`read_file`] holds for files: the folder is listed only when
/// it (and every linked folder on its way) stays inside `root`, else
/// [`FileError::LinkOutside`]; an entry that is a link is followed only to
/// say what it points to inside `root`, and one leading out is
/// [`EntryKind::LinkOutside`]. Entries that are not links cost no more
/// than the listing.
pub fn list_folder(root: &Path, folder: &Path) -> Result<Vec<Entry>, FileError> {
    let real = resolve_inside(root, folder)?;
    let io = |source| FileError::Io {
        path: folder.to_path_buf(),
        source,
    };
    if !std::fs::metadata(&real).map_err(io)?.is_dir() {
        return Err(io(std::io::Error::other("is not a folder")));
    }
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(&real).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = folder.join(entry.file_name());
        let kind = match entry.file_type().map_err(io)? {
            t if t.is_symlink() => link_kind(root, &path),
            t if t.is_dir() => EntryKind::Folder,
            t if t.is_file() => EntryKind::File,
            _ => EntryKind::Other,
        };
        entries.push(Entry { path, kind });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

/// What the link at `path` points to, when it stays inside `root`.
fn link_kind(root: &Path, path: &Path) -> EntryKind {
    match resolve_inside(root, path) {
        Ok(real) => match std::fs::metadata(real) {
            Ok(meta) if meta.is_dir() => EntryKind::Folder,
            Ok(meta) if meta.is_file() => EntryKind::File,
            _ => EntryKind::Other,
        },
        Err(FileError::LinkOutside { .. }) => EntryKind::LinkOutside,
        Err(_) => EntryKind::Other,
    }
}

/// [`read_file`] for text that must be UTF-8 (config, kinds, templates).
pub fn read_text(root: &Path, path: &Path, max: u64) -> Result<String, FileError> {
    let bytes = read_file(root, path, max)?;
    String::from_utf8(bytes).map_err(|_| FileError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "is not UTF-8 text"),
    })
}

/// A file the environment or git names, not one of the repository's own
/// (the CI's event file, git's commit-graph): it may be outside the
/// working tree, so it is not confined to a place, but it is read by the
/// same rules otherwise: a regular file only (checked on the opened file),
/// opened without waiting, at most `max` bytes.
pub fn read_named(path: &Path, max: u64) -> Result<Vec<u8>, FileError> {
    let io = |source: std::io::Error| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = open_nonblocking(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            FileError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            io(e)
        }
    })?;
    check_kind(path, &file.metadata().map_err(io)?, max)?;
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// The first `max` bytes of a regular file (following links, as for a
/// path the user named), or `None` for anything else: for peeking at a
/// file's start without ever waiting on a pipe or device.
pub fn read_head(path: &Path, max: u64) -> Option<Vec<u8>> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let file = open_nonblocking(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut head = Vec::new();
    file.take(max).read_to_end(&mut head).ok()?;
    Some(head)
}

fn check_kind(path: &Path, meta: &std::fs::Metadata, max: u64) -> Result<(), FileError> {
    if meta.is_dir() {
        return Err(FileError::Folder {
            path: path.to_path_buf(),
        });
    }
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > max {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            max,
        });
    }
    Ok(())
}

/// Open `path` for reading without ever waiting (a FIFO opens at once).
#[cfg(unix)]
pub fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = rustix::fs::OFlags::NONBLOCK.bits();
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(i32::try_from(flags).unwrap_or(0))
        .open(path)
}

/// Open `path` for reading.
#[cfg(not(unix))]
pub fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_inside_are_followed_and_links_outside_refused() {
        let outside = tempfile::tempdir().expect("dir");
        let secret = outside.path().join("secret.json");
        std::fs::write(&secret, "{\"token\": 1}").expect("write");
        let repo = tempfile::tempdir().expect("dir");
        let root = repo.path();
        std::fs::write(root.join("a.md"), "inside").expect("write");
        std::os::unix::fs::symlink("a.md", root.join("b.md")).expect("link");
        std::os::unix::fs::symlink(&secret, root.join("c.md")).expect("link");
        std::os::unix::fs::symlink(outside.path(), root.join("d")).expect("link");
        // Links that stay inside, however they are written: relative,
        // absolute, through a linked folder, out of a folder and back.
        std::fs::create_dir(root.join("sub")).expect("dir");
        std::os::unix::fs::symlink(root.join("a.md"), root.join("e.md")).expect("link");
        std::os::unix::fs::symlink(root, root.join("sub/up")).expect("link");
        std::os::unix::fs::symlink("../a.md", root.join("sub/f.md")).expect("link");
        for name in [
            "a.md",
            "b.md",
            "e.md",
            "sub/up/a.md",
            "sub/up/sub/f.md",
            "sub/f.md",
        ] {
            assert_eq!(
                read_file(root, &root.join(name), 100).expect(name),
                b"inside",
                "{name}"
            );
        }
        for name in ["c.md", "d/secret.json"] {
            let err = read_file(root, &root.join(name), 100).expect_err("outside");
            assert!(
                matches!(err, FileError::LinkOutside { .. }),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn folders_are_listed_by_the_same_rule_as_files() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().expect("dir");
        std::fs::create_dir(outside.path().join("2026-01-05")).expect("dir");
        let repo = tempfile::tempdir().expect("dir");
        let root = repo.path();
        std::fs::create_dir_all(root.join("p/2026-01-01")).expect("dir");
        std::fs::write(root.join("p/a.yaml"), "").expect("write");
        symlink("2026-01-01", root.join("p/2026-01-02")).expect("link");
        symlink("a.yaml", root.join("p/b.yaml")).expect("link");
        symlink(outside.path(), root.join("p/2026-01-03")).expect("link");
        symlink("nowhere", root.join("p/c.yaml")).expect("link");
        symlink(outside.path(), root.join("q")).expect("link");
        let listed = list_folder(root, &root.join("p")).expect("list");
        let seen: Vec<(String, EntryKind)> = listed
            .iter()
            .map(|e| {
                let name = e.path.strip_prefix(root.join("p")).expect("named inside");
                (name.display().to_string(), e.kind)
            })
            .collect();
        let expected = [
            ("2026-01-01", EntryKind::Folder),
            ("2026-01-02", EntryKind::Folder),
            ("2026-01-03", EntryKind::LinkOutside),
            ("a.yaml", EntryKind::File),
            ("b.yaml", EntryKind::File),
            ("c.yaml", EntryKind::Other),
        ];
        let expected: Vec<(String, EntryKind)> = expected
            .iter()
            .map(|(n, k)| ((*n).to_owned(), *k))
            .collect();
        assert_eq!(seen, expected);
        let err = list_folder(root, &root.join("q")).expect_err("outside");
        assert!(matches!(err, FileError::LinkOutside { .. }), "{err}");
        assert!(
            !err.to_string()
                .contains(&outside.path().display().to_string())
        );
        assert!(
            list_folder(root, &root.join("none"))
                .expect_err("none")
                .is_not_found()
        );
    }

    #[test]
    fn devices_folders_and_big_files_are_refused() {
        let repo = tempfile::tempdir().expect("dir");
        let root = repo.path();
        std::fs::write(root.join("big"), vec![b'x'; 101]).expect("write");
        assert!(matches!(
            read_file(root, &root.join("big"), 100),
            Err(FileError::TooLarge { size: 101, .. })
        ));
        assert!(matches!(
            read_file(root, root, 100),
            Err(FileError::Folder { .. })
        ));
        let dev = Path::new("/dev/zero");
        assert!(matches!(
            read_file(Path::new("/"), dev, 100),
            Err(FileError::NotRegular { .. })
        ));
        assert!(read_file(root, &root.join("none"), 100).is_err_and(|e| e.is_not_found()));
    }

    #[test]
    fn a_fifo_swapped_in_after_the_walk_is_refused_without_waiting() {
        let repo = tempfile::tempdir().expect("dir");
        let root = repo.path();
        let fifo = root.join("TEAM_ALLIANCE.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("run mkfifo");
        assert!(made.success());
        // The walk saw a regular file; a FIFO is there by the time it is
        // opened. No writer ever comes: a blocking open would hang here.
        for look in [Look::Walked, Look::Before] {
            assert!(
                matches!(
                    read_file_as(root, &fifo, 100, look),
                    Err(FileError::NotRegular { .. })
                ),
                "{look:?}"
            );
        }
    }

    #[test]
    fn a_file_the_environment_names_is_read_capped_and_never_waited_on() {
        let dir = tempfile::tempdir().expect("dir");
        let event = dir.path().join("event.json");
        std::fs::write(&event, "{}").expect("write");
        assert_eq!(read_named(&event, 100).expect("read"), b"{}");
        assert!(matches!(
            read_named(&event, 1),
            Err(FileError::TooLarge {
                size: 2,
                max: 1,
                ..
            })
        ));
        assert!(read_named(&dir.path().join("none"), 100).is_err_and(|e| e.is_not_found()));
        assert!(matches!(
            read_named(dir.path(), 100),
            Err(FileError::Folder { .. })
        ));
        // A FIFO with no writer: a blocking open would hang here.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("run mkfifo");
        assert!(made.success());
        assert!(matches!(
            read_named(&fifo, 100),
            Err(FileError::NotRegular { .. })
        ));
    }
}
