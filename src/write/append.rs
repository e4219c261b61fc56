//! Appending to a file the CI runner owns, outside the repository: the job
//! summary (`$GITHUB_STEP_SUMMARY`), the one write that is not
//! [`super::atomic`]'s (the runner made the file and reads it after the
//! step, so it is added to, not replaced).
//!
//! The rules: only a regular file is appended to. A symbolic link is
//! refused, and so is a pipe, socket, device or folder, looked at before
//! the open and again after it; the open never waits (`O_NONBLOCK`, so a
//! FIFO swapped in cannot hang the run) and never follows a link in the
//! last step (`O_NOFOLLOW`). The folders on the way are the runner's and
//! are taken as they are. This module never prints.

use std::io::Write;
use std::path::Path;

use super::atomic::WriteError;

/// Append `bytes` to the regular file at `path`, creating it if nothing is
/// there, by the rules of this module.
pub fn append(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    match path.symlink_metadata() {
        Ok(meta) => refuse_kind(path, &meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => return Err(io(path, source)),
    }
    let mut file = open(path)?;
    // Something may have been swapped in between the look and the open.
    let meta = file.metadata().map_err(|e| io(path, e))?;
    refuse_kind(path, &meta)?;
    file.write_all(bytes).map_err(|e| io(path, e))
}

/// `path` opened to append, without waiting and without following a link.
#[cfg(unix)]
fn open(path: &Path) -> Result<std::fs::File, WriteError> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    let flags = OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY | OFlags::CLOEXEC;
    let opened = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o666)
        .custom_flags(i32::try_from(flags.bits()).unwrap_or(0))
        .open(path);
    opened.map_err(|source| match rustix::io::Errno::from_io_error(&source) {
        // The last step is a link (O_NOFOLLOW).
        Some(rustix::io::Errno::LOOP) => WriteError::Link {
            path: path.to_path_buf(),
        },
        // A FIFO with no reader, or a device with nothing behind it.
        Some(rustix::io::Errno::NXIO) => WriteError::NotRegular {
            path: path.to_path_buf(),
            what: "a pipe, socket or device",
        },
        _ => io(path, source),
    })
}

/// `path` opened to append.
#[cfg(not(unix))]
fn open(path: &Path) -> Result<std::fs::File, WriteError> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| io(path, e))
}

fn refuse_kind(path: &Path, meta: &std::fs::Metadata) -> Result<(), WriteError> {
    let file_type = meta.file_type();
    if file_type.is_file() {
        return Ok(());
    }
    if file_type.is_symlink() {
        return Err(WriteError::Link {
            path: path.to_path_buf(),
        });
    }
    Err(WriteError::NotRegular {
        path: path.to_path_buf(),
        what: if file_type.is_dir() {
            "a folder"
        } else {
            "a pipe, socket or device"
        },
    })
}

fn io(path: &Path, source: std::io::Error) -> WriteError {
    WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn appends_to_a_regular_file_and_creates_a_missing_one() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("summary.md");
        append(&path, b"one\n").expect("create");
        append(&path, b"two\n").expect("append");
        assert_eq!(std::fs::read(&path).expect("read"), b"one\ntwo\n");
    }

    #[test]
    fn a_link_or_a_folder_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().expect("dir");
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").expect("write");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).expect("link");
        assert!(matches!(append(&link, b"x"), Err(WriteError::Link { .. })));
        assert!(matches!(
            append(dir.path(), b"x"),
            Err(WriteError::NotRegular {
                what: "a folder",
                ..
            })
        ));
        assert_eq!(std::fs::read(&target).expect("read"), b"keep");
    }
}
