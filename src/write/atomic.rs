//! Writing files safely: a temporary file in the target's folder, then a
//! rename, so a reader never sees half a file and a crash never leaves one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file exists and overwriting was not asked for.
    #[error("{} already exists; pass --force to overwrite it, or -o to write elsewhere", path.display())]
    Exists {
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

/// Write `bytes` to `path`, creating missing parent folders. An existing
/// file is replaced only when `overwrite` is set (and keeps its
/// permissions); otherwise the write fails, even if the file appears
/// between the check and the rename.
pub fn write(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let existing = std::fs::metadata(path).ok();
    if existing.is_some() && !overwrite {
        return Err(WriteError::Exists {
            path: path.to_path_buf(),
        });
    }
    if existing.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(io(std::io::Error::other("it is a folder")));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder).map_err(io)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".alliance-")
        .suffix(".tmp")
        .tempfile_in(&folder)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    if let Some(meta) = &existing {
        std::fs::set_permissions(temp.path(), meta.permissions()).map_err(io)?;
    }
    if overwrite {
        temp.persist(path).map_err(|e| io(e.error))?;
    } else {
        temp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                WriteError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_clobbers_without_replace() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("a/b/file.md");
        write(&path, b"one", false).expect("first write");
        assert!(matches!(
            write(&path, b"two", false),
            Err(WriteError::Exists { .. })
        ));
        assert_eq!(std::fs::read(&path).expect("read"), b"one");
        write(&path, b"two", true).expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        let leftovers = std::fs::read_dir(path.parent().expect("parent"))
            .expect("ls")
            .count();
        assert_eq!(leftovers, 1, "no temporary files left behind");
    }
}
