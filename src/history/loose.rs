//! Loose objects, checked before libgit2 reads them.
//!
//! libgit2 (1.9) spins forever inflating a loose object whose zlib stream
//! is cut short, where git fails at once. A repository is untrusted input,
//! so every loose object `history` is about to hand to libgit2 (the
//! commits it walks, the trees on the file's path, the file's blobs) is
//! first inflated here, with a cap on its size, and refused with its id
//! when it is truncated, corrupt or too large. Packed objects are read by
//! libgit2, whose pack reader checks lengths.

use std::path::{Path, PathBuf};

use git2::Oid;

/// What a loose object turned out to be.
pub(crate) enum Loose {
    /// The object is not loose (packed, or missing): libgit2 decides.
    NotLoose,
    /// A complete object: its type word and content.
    Object {
        /// `blob`, `tree`, `commit` or `tag`.
        kind: String,
        /// The content after the header.
        content: Vec<u8>,
    },
}

/// Why a loose object was refused.
#[derive(Debug)]
pub(crate) enum LooseError {
    /// Truncated, corrupt or not an object.
    Damaged(String),
    /// Larger than the cap.
    TooLarge(u64),
}

/// The objects folder of a repository's git folder.
pub(crate) fn objects_dir(git_dir: &Path) -> PathBuf {
    git_dir.join("objects")
}

/// Read loose object `id` from `objects` completely, or say why not; at
/// most `max` bytes of content.
pub(crate) fn read(objects: &Path, id: Oid, max: u64) -> Result<Loose, LooseError> {
    let hex = id.to_string();
    let (Some(dir), Some(rest)) = (hex.get(..2), hex.get(2..)) else {
        return Ok(Loose::NotLoose);
    };
    let path = objects.join(dir).join(rest);
    let meta = match path.symlink_metadata() {
        Ok(meta) => meta,
        Err(_) => return Ok(Loose::NotLoose),
    };
    if !meta.is_file() {
        return Err(LooseError::Damaged(
            "its file in .git/objects is not a regular file".to_owned(),
        ));
    }
    // zlib cannot shrink data by more than about 1000:1; a file bigger than
    // the cap itself needs no inflating to be refused.
    if meta.len() > max.saturating_add(1024) {
        return Err(LooseError::TooLarge(meta.len()));
    }
    let compressed = std::fs::read(&path)
        .map_err(|e| LooseError::Damaged(format!("cannot read its file: {e}")))?;
    let limit = usize::try_from(max.saturating_add(64)).unwrap_or(usize::MAX);
    let inflated = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, limit)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                LooseError::TooLarge(u64::try_from(limit).unwrap_or(u64::MAX))
            }
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => LooseError::Damaged(
                "its compressed data ends early (a truncated object)".to_owned(),
            ),
            status => LooseError::Damaged(format!("its compressed data is corrupt ({status:?})")),
        })?;
    let nul = inflated
        .iter()
        .position(|b| *b == 0)
        .filter(|at| *at <= 32)
        .ok_or_else(|| LooseError::Damaged("it has no object header".to_owned()))?;
    let header = std::str::from_utf8(inflated.get(..nul).unwrap_or_default())
        .map_err(|_| LooseError::Damaged("its header is not text".to_owned()))?;
    let (kind, size) = header
        .split_once(' ')
        .ok_or_else(|| LooseError::Damaged(format!("its header `{header}` is malformed")))?;
    let size: u64 = size
        .parse()
        .map_err(|_| LooseError::Damaged(format!("its header `{header}` is malformed")))?;
    if size > max {
        return Err(LooseError::TooLarge(size));
    }
    let content = inflated.get(nul + 1..).unwrap_or_default().to_vec();
    if u64::try_from(content.len()).unwrap_or(u64::MAX) != size {
        return Err(LooseError::Damaged(format!(
            "its header says {size} bytes but it holds {} (a truncated object)",
            content.len()
        )));
    }
    Ok(Loose::Object {
        kind: kind.to_owned(),
        content,
    })
}
