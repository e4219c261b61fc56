//! The one way bytes reach the disk: a temporary file in the target's
//! folder, then a rename, so a reader never sees half a file.
//!
//! The rules, the same for `new`, `adopt`, `review` and `init`:
//!
//! - **Inside the repository only.** The target, and every folder on the
//!   way to it once links are resolved, must be inside the repository;
//!   nothing is written under a `.git` folder.
//! - **A link is a link.** A symbolic link is never written through nor
//!   replaced (git stores a link as a link; writing through it could reach
//!   any file the user can write). Edit the file it points to instead.
//! - **Only regular files are replaced**, and only when asked; a FIFO,
//!   device, socket or folder is refused, and so is a read-only file. A
//!   replaced file keeps its permissions; a new file gets `0666` less the
//!   umask, as any editor would create it.
//! - **An edit lands only on what was read.** [`Replace::IfUnchanged`] holds
//!   an advisory lock on the file and compares it with the bytes the edit
//!   was computed from just before the rename: of two `review`s at once,
//!   one lands and the other refuses, never both "succeed" with one lost.
//! - **Temporary files are recognisable and cleaned up**:
//!   `.alliance-XXXXXX.tmp` next to the target, removed on every failure;
//!   one left by a killed run (its lock is gone) is removed by the next
//!   write in that folder. Discovery never reads them (not Markdown).
//! - [`write_all`] writes several files all or nothing.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::read::{canonical_root, lexical};

/// Why a file could not be written. The target is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file exists and overwriting was not asked for.
    #[error("{} already exists; pass --force to overwrite it, or -o to write elsewhere", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The target (or a folder on its way) is outside the repository.
    /// The message names the path as given, never where a link leads.
    #[error("{} is outside the repository at {}{}; alliance writes only inside it", path.display(), root.display(), if how.is_some() { " (through a symbolic link)" } else { "" })]
    Outside {
        /// The file.
        path: PathBuf,
        /// The repository.
        root: PathBuf,
        /// The link's target, when a link leads out (never printed).
        how: Option<PathBuf>,
    },
    /// The target is inside git's own folder.
    #[error("{} is inside a .git folder; alliance never writes there", path.display())]
    IntoGit {
        /// The file.
        path: PathBuf,
    },
    /// The target is a symbolic link.
    #[error("{} is a symbolic link; alliance does not write through or replace links (git keeps a link as a link): run it on the file the link points to", path.display())]
    Link {
        /// The file.
        path: PathBuf,
    },
    /// The target is not a regular file.
    #[error("{} is {what}, not a regular file; alliance writes only regular files", path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is.
        what: &'static str,
    },
    /// The target is read-only.
    #[error("{} is read-only; alliance does not replace read-only files (make it writable first)", path.display())]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// The file changed after it was read (another edit landed first).
    #[error("{} changed while alliance was editing it (another `alliance` or an editor wrote it); nothing was written: run the command again", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// Another process holds the file's lock for too long.
    #[error("{} is being written by another process; nothing was written: try again", path.display())]
    Busy {
        /// The file.
        path: PathBuf,
    },
    /// The file system refused.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What to do when the target exists.
#[derive(Debug, Clone, Copy)]
pub enum Replace<'a> {
    /// Refuse ([`WriteError::Exists`]), even if it appears mid-write.
    Never,
    /// Replace a regular, writable file.
    Always,
    /// Replace it only if it still holds exactly these bytes (the text the
    /// edit was computed from).
    IfUnchanged(&'a [u8]),
}

/// How a temporary file is named: recognisable, next to its target.
const TEMP_PREFIX: &str = ".alliance-";
const TEMP_SUFFIX: &str = ".tmp";

/// How long an edit waits for another's lock before refusing.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Write `bytes` to `path`, inside the repository at `root`, creating
/// missing folders, by the rules of this module.
pub fn write(
    root: &Path,
    path: &Path,
    bytes: &[u8],
    replace: Replace<'_>,
) -> Result<(), WriteError> {
    write_all(root, &[(path.to_path_buf(), bytes)], replace)
}

/// Write every file or none: every target is checked and every temporary
/// file written before the first rename; if a rename fails, the files
/// already renamed are put back as they were.
pub fn write_all(
    root: &Path,
    files: &[(PathBuf, &[u8])],
    replace: Replace<'_>,
) -> Result<(), WriteError> {
    let files: Vec<(PathBuf, &[u8], Replace<'_>)> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), *bytes, replace))
        .collect();
    write_each(root, &files)
}

/// [`write_all`], each file with its own [`Replace`]: a new file beside
/// an edited one, all or nothing.
pub fn write_each(root: &Path, files: &[(PathBuf, &[u8], Replace<'_>)]) -> Result<(), WriteError> {
    let mut staged = Vec::new();
    for (path, bytes, replace) in files {
        staged.push((stage(root, path, bytes, *replace)?, *replace));
    }
    let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (staged, replace) in staged {
        let path = staged.path.clone();
        let previous = staged.previous.clone();
        if let Err(e) = staged.commit(replace) {
            for (path, previous) in done.into_iter().rev() {
                // Best effort: the error that stopped the run is the one to report.
                let _ = match previous {
                    Some(bytes) => restore(&path, &bytes),
                    None => std::fs::remove_file(&path),
                };
            }
            return Err(e);
        }
        done.push((path, previous));
    }
    Ok(())
}

/// Put `bytes` back at `path` (a file this run has just renamed into
/// place) the way every write lands: a temporary file beside it, renamed
/// over it, so a link swapped in meanwhile is replaced, never written
/// through.
fn restore(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(folder)?;
    temp.write_all(bytes)?;
    temp.persist(path).map(drop).map_err(|e| e.error)
}

/// A file ready to be renamed into place.
struct Staged {
    path: PathBuf,
    temp: tempfile::NamedTempFile,
    /// The target's bytes before, when it existed (to undo a `write_all`).
    previous: Option<Vec<u8>>,
}

impl Staged {
    fn commit(self, replace: Replace<'_>) -> Result<(), WriteError> {
        let path = self.path;
        let io = |source| WriteError::Io {
            path: path.clone(),
            source,
        };
        match replace {
            Replace::Never => self.temp.persist_noclobber(&path).map(drop).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    WriteError::Exists { path: path.clone() }
                } else {
                    io(e.error)
                }
            }),
            Replace::Always => self.temp.persist(&path).map(drop).map_err(|e| io(e.error)),
            Replace::IfUnchanged(expected) => {
                let lock = Locked::open(&path)?;
                lock.verify(&path, expected)?;
                refuse_special(&path)?;
                self.temp
                    .persist(&path)
                    .map(drop)
                    .map_err(|e| io(e.error))?;
                drop(lock);
                Ok(())
            }
        }
    }
}

fn stage(
    root: &Path,
    path: &Path,
    bytes: &[u8],
    replace: Replace<'_>,
) -> Result<Staged, WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let folder = check_place(root, path)?;
    let existing = match path.symlink_metadata() {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let mut previous = None;
    if let Some(meta) = &existing {
        refuse_kind(path, meta)?;
        if matches!(replace, Replace::Never) {
            return Err(WriteError::Exists {
                path: path.to_path_buf(),
            });
        }
        if meta.permissions().readonly() {
            return Err(WriteError::ReadOnly {
                path: path.to_path_buf(),
            });
        }
        let limit = crate::workspace::MAX_FILE_BYTES;
        previous = Some(
            crate::read::read_file(root, path, limit)
                .map_err(|e| io(std::io::Error::other(e.reason())))?,
        );
    }
    std::fs::create_dir_all(&folder).map_err(io)?;
    // Folders were just created: check again that they are where they seem.
    check_place(root, path)?;
    clean_stale(root, &folder);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The umask applies, as for a file an editor creates.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(&folder).map_err(io)?;
    lock_temp(temp.as_file());
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    if let Some(meta) = &existing {
        std::fs::set_permissions(temp.path(), meta.permissions()).map_err(io)?;
    }
    Ok(Staged {
        path: path.to_path_buf(),
        temp,
        previous,
    })
}

/// The folder `path` goes in, once checked: inside `root` (links
/// resolved), not under `.git`.
fn check_place(root: &Path, path: &Path) -> Result<PathBuf, WriteError> {
    let absolute = lexical(&if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|source| WriteError::Io {
                path: path.to_path_buf(),
                source,
            })?
            .join(path)
    });
    let root_abs = lexical(root);
    let root_real = canonical_root(root);
    let outside = |how| WriteError::Outside {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
        how,
    };
    let relative = absolute
        .strip_prefix(&root_abs)
        .or_else(|_| absolute.strip_prefix(&root_real))
        .map_err(|_| outside(None))?;
    if relative.as_os_str().is_empty() {
        return Err(outside(None));
    }
    if relative
        .components()
        .any(|c| matches!(c, Component::Normal(n) if n.eq_ignore_ascii_case(".git")))
    {
        return Err(WriteError::IntoGit {
            path: path.to_path_buf(),
        });
    }
    let folder = absolute
        .parent()
        .map_or_else(|| root_abs.clone(), Path::to_path_buf);
    // The deepest folder on the way that exists, links resolved.
    let mut existing = Some(folder.as_path());
    while let Some(dir) = existing {
        if dir.symlink_metadata().is_ok() {
            let real = std::fs::canonicalize(dir).map_err(|source| WriteError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            if !real.starts_with(&root_real) {
                return Err(outside(Some(real)));
            }
            let inside = real.strip_prefix(&root_real).unwrap_or(&real);
            if inside
                .components()
                .any(|c| matches!(c, Component::Normal(n) if n.eq_ignore_ascii_case(".git")))
            {
                return Err(WriteError::IntoGit {
                    path: path.to_path_buf(),
                });
            }
            break;
        }
        existing = dir.parent();
    }
    Ok(folder)
}

/// Remove the file `path`, inside the repository at `root`, by the rules
/// of this module: only a regular file, never through or a link itself,
/// never under `.git`. `false` when there is nothing there.
pub fn remove(root: &Path, path: &Path) -> Result<bool, WriteError> {
    check_place(root, path)?;
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = match path.symlink_metadata() {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io(e)),
    };
    refuse_kind(path, &meta)?;
    std::fs::remove_file(path).map_err(io)?;
    Ok(true)
}

fn refuse_kind(path: &Path, meta: &std::fs::Metadata) -> Result<(), WriteError> {
    let file_type = meta.file_type();
    let what = if file_type.is_symlink() {
        return Err(WriteError::Link {
            path: path.to_path_buf(),
        });
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_file() {
        return Ok(());
    } else {
        "a pipe, socket or device"
    };
    Err(WriteError::NotRegular {
        path: path.to_path_buf(),
        what,
    })
}

/// Refuse a target that became something else than a regular file.
fn refuse_special(path: &Path) -> Result<(), WriteError> {
    match path.symlink_metadata() {
        Ok(meta) => refuse_kind(path, &meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(WriteError::Changed {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(WriteError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A target held under an exclusive advisory lock while it is compared and
/// replaced.
struct Locked {
    file: std::fs::File,
}

impl Locked {
    fn open(path: &Path) -> Result<Locked, WriteError> {
        // Never a plain open: a FIFO swapped in would block it.
        let file = match crate::read::open_nonblocking(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(WriteError::Changed {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(WriteError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        lock_exclusive(&file, path)?;
        Ok(Locked { file })
    }

    /// The locked file is still the one at `path` and holds `expected`.
    fn verify(&self, path: &Path, expected: &[u8]) -> Result<(), WriteError> {
        let changed = || WriteError::Changed {
            path: path.to_path_buf(),
        };
        let io = |source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        };
        let held = self.file.metadata().map_err(io)?;
        let now = path.symlink_metadata().map_err(|_| changed())?;
        if !same_file(&held, &now)
            || held.len() != u64::try_from(expected.len()).unwrap_or(u64::MAX)
        {
            return Err(changed());
        }
        let mut bytes = Vec::with_capacity(expected.len());
        (&self.file)
            .take(held.len().saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes != expected {
            return Err(changed());
        }
        Ok(())
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

#[cfg(unix)]
fn lock_exclusive(file: &std::fs::File, path: &Path) -> Result<(), WriteError> {
    use rustix::fs::{FlockOperation, flock};
    let started = std::time::Instant::now();
    loop {
        match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => return Ok(()),
            Err(rustix::io::Errno::WOULDBLOCK) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(rustix::io::Errno::WOULDBLOCK) => {
                return Err(WriteError::Busy {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => {
                return Err(WriteError::Io {
                    path: path.to_path_buf(),
                    source: e.into(),
                });
            }
        }
    }
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &std::fs::File, _path: &Path) -> Result<(), WriteError> {
    Ok(())
}

/// Mark a temporary file as in use for as long as this process lives.
#[cfg(unix)]
fn lock_temp(file: &std::fs::File) {
    // Without the lock the file only risks being cleaned up early by a
    // concurrent run, which then fails this write with a clear error.
    let _ = rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive);
}

#[cfg(not(unix))]
fn lock_temp(_file: &std::fs::File) {}

/// Remove temporary files a killed run left in `folder` (listed by the
/// one reader's rule, inside `root`): ours by name, regular files (a link
/// so named is left alone), a few seconds old, and no longer locked by a
/// live process.
fn clean_stale(root: &Path, folder: &Path) {
    let Ok(entries) = crate::read::list_folder(root, folder) else {
        return;
    };
    for entry in entries {
        let name = entry
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.path.symlink_metadata() else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(2));
        if meta.is_file() && old && unlocked(&entry.path) {
            let _ = std::fs::remove_file(&entry.path);
        }
    }
}

#[cfg(unix)]
fn unlocked(path: &Path) -> bool {
    use rustix::fs::{FlockOperation, flock};
    crate::read::open_nonblocking(path)
        .is_ok_and(|file| flock(&file, FlockOperation::NonBlockingLockExclusive).is_ok())
}

#[cfg(not(unix))]
fn unlocked(_path: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_clobbers_without_replace() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        let path = root.join("a/b/file.md");
        write(root, &path, b"one", Replace::Never).expect("first write");
        assert!(matches!(
            write(root, &path, b"two", Replace::Never),
            Err(WriteError::Exists { .. })
        ));
        assert_eq!(std::fs::read(&path).expect("read"), b"one");
        write(root, &path, b"two", Replace::Always).expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        assert!(matches!(
            write(root, &path, b"three", Replace::IfUnchanged(b"one")),
            Err(WriteError::Changed { .. })
        ));
        write(root, &path, b"three", Replace::IfUnchanged(b"two")).expect("unchanged");
        assert_eq!(std::fs::read(&path).expect("read"), b"three");
        let leftovers = std::fs::read_dir(path.parent().expect("parent"))
            .expect("ls")
            .count();
        assert_eq!(leftovers, 1, "no temporary files left behind");
    }

    #[test]
    fn outside_and_git_are_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        for (path, what) in [
            (root.join(".git/config"), "git"),
            (root.join("../x.md"), "outside"),
            (dir.path().join("y.md"), "outside"),
        ] {
            let err = write(&root, &path, b"x", Replace::Always).expect_err(what);
            match what {
                "git" => assert!(matches!(err, WriteError::IntoGit { .. }), "{err}"),
                _ => assert!(matches!(err, WriteError::Outside { .. }), "{err}"),
            }
        }
    }

    #[test]
    fn all_or_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("taken")).expect("mkdir");
        let files = [
            (root.join("one.yml"), b"1".as_slice()),
            (root.join("taken"), b"2".as_slice()),
        ];
        assert!(write_all(root, &files, Replace::Never).is_err());
        assert!(!root.join("one.yml").exists());
    }
}
