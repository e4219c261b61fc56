//! Loose objects, checked before libgit2 reads them.
//!
//! libgit2 (1.9) spins forever inflating a loose object whose zlib stream
//! is cut short, where git fails at once. A repository is untrusted input,
//! so every loose object `history` is about to hand to libgit2 (the
//! commits it walks, the trees on the file's path, the file's blobs) is
//! first inflated here, with a cap on its size, and refused with its id
//! when it is truncated, corrupt or too large. Packed objects are read by
//! libgit2, whose pack reader checks lengths.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

/// The loose objects of a repository: which ids have a file in
/// `.git/objects/XX/`, each fan-out folder listed once, on first use, so
/// that asking about a packed object costs no system call.
pub(crate) struct LooseObjects {
    objects: PathBuf,
    listed: Vec<OnceLock<HashSet<[u8; 19]>>>,
}

impl LooseObjects {
    /// The loose objects of the git folder `git_dir`.
    pub(crate) fn new(git_dir: &Path) -> LooseObjects {
        LooseObjects {
            objects: git_dir.join("objects"),
            listed: (0..256).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Whether object `id` has a file of its own.
    fn contains(&self, id: Oid) -> bool {
        let bytes = id.as_bytes();
        let (Some(first), Some(rest)) = (bytes.first(), bytes.get(1..20)) else {
            return false;
        };
        self.listed[usize::from(*first)]
            .get_or_init(|| self.list(*first))
            .contains(rest)
    }

    /// The ids in fan-out folder `first` (none when it is missing).
    fn list(&self, first: u8) -> HashSet<[u8; 19]> {
        let prefix = format!("{first:02x}");
        let Ok(entries) = std::fs::read_dir(self.objects.join(&prefix)) else {
            return HashSet::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name();
                let id = Oid::from_str(&format!("{prefix}{}", name.to_str()?)).ok()?;
                let rest: [u8; 19] = id.as_bytes().get(1..20)?.try_into().ok()?;
                // A short name would be read as a prefix: not an object.
                (name.len() == 38).then_some(rest)
            })
            .collect()
    }

    /// Whether the repository has any loose object at all (a fresh clone,
    /// a CI checkout, has none: everything is packed, which libgit2 reads
    /// safely). One folder listing when there are none.
    pub(crate) fn any(&self) -> bool {
        let Ok(entries) = std::fs::read_dir(&self.objects) else {
            return false;
        };
        entries.filter_map(Result::ok).any(|entry| {
            let name = entry.file_name();
            let Some(first) = name
                .to_str()
                .filter(|n| n.len() == 2)
                .and_then(|n| u8::from_str_radix(n, 16).ok())
            else {
                return false;
            };
            !self.listed[usize::from(first)]
                .get_or_init(|| self.list(first))
                .is_empty()
        })
    }

    /// Check every loose object of the repository complete, in id order:
    /// the first damaged one, with its id, is the error. An object larger
    /// than `max` is left unchecked past the cap (no command reads one).
    pub(crate) fn check_all(&self, max: u64) -> Result<(), (Oid, LooseError)> {
        for first in 0..=255u8 {
            let mut rests: Vec<&[u8; 19]> = self.listed[usize::from(first)]
                .get_or_init(|| self.list(first))
                .iter()
                .collect();
            rests.sort_unstable();
            for rest in rests {
                let mut bytes = [0u8; 20];
                bytes[0] = first;
                bytes[1..].copy_from_slice(rest);
                let Ok(id) = Oid::from_bytes(&bytes) else {
                    continue;
                };
                match read(&self.objects, id, max) {
                    Ok(_) | Err(LooseError::TooLarge(_)) => {}
                    Err(e) => return Err((id, e)),
                }
            }
        }
        Ok(())
    }

    /// Read loose object `id` completely, or say why not; at most `max`
    /// bytes of content.
    pub(crate) fn read(&self, id: Oid, max: u64) -> Result<Loose, LooseError> {
        if !self.contains(id) {
            return Ok(Loose::NotLoose);
        }
        read(&self.objects, id, max)
    }
}

/// Read loose object `id` from `objects` completely, or say why not; at
/// most `max` bytes of content.
fn read(objects: &Path, id: Oid, max: u64) -> Result<Loose, LooseError> {
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
    let compressed = crate::read::read_named(&path, max.saturating_add(1024))
        .map_err(|e| LooseError::Damaged(format!("cannot read its file: {}", e.reason())))?;
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
