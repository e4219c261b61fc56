//! Finding a repository's alliance documents.
//!
//! A file is an alliance document when it is Markdown and either its name
//! contains `alliance` (any case: `TEAM_ALLIANCE.md`) or its front matter
//! has an `alliance:` key. Folders are walked respecting `.gitignore` and the
//! config's `exclude`; symbolic links are not followed, so a link loop
//! cannot trap the walk. Files the user names are always taken.

use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

use crate::workspace::config::Config;

/// How much of a file discovery reads to look for `alliance:`.
const HEAD_BYTES: u64 = 64 * 1024;

/// Why discovery could not run.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A path the user named does not exist.
    #[error("{}: no such file or folder", path.display())]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// An `exclude` glob is not valid.
    #[error("invalid exclude pattern `{pattern}` in .alliance.yaml: {message}")]
    BadExclude {
        /// The pattern.
        pattern: String,
        /// Why.
        message: String,
    },
}

/// A document to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path, as the user named it or discovery found it.
    pub path: PathBuf,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Found {
    /// The documents, sorted by path.
    pub documents: Vec<Candidate>,
    /// Entries that could not be read while walking (permission denied...).
    pub skipped: Vec<String>,
}

/// Discover the documents under `paths` (or under `root` when `paths` is
/// empty).
pub fn discover(paths: &[PathBuf], root: &Path, config: &Config) -> Result<Found, DiscoverError> {
    let mut found = Found::default();
    let walk_roots: Vec<PathBuf> = if paths.is_empty() {
        vec![root.to_path_buf()]
    } else {
        let mut folders = Vec::new();
        for path in paths {
            let meta =
                std::fs::metadata(path).map_err(|_| DiscoverError::NotFound { path: path.clone() });
            match meta {
                Ok(m) if m.is_dir() => folders.push(path.clone()),
                Ok(_) => found.documents.push(Candidate { path: path.clone() }),
                Err(e) => {
                    // A dangling or looping link still names a file the user
                    // wants read: let the read report why it cannot be.
                    if path.symlink_metadata().is_ok() {
                        found.documents.push(Candidate { path: path.clone() });
                    } else {
                        return Err(e);
                    }
                }
            }
        }
        folders
    };
    for folder in walk_roots {
        walk(&folder, root, config, &mut found)?;
    }
    found.documents.sort();
    found.documents.dedup_by(|a, b| a.path == b.path);
    Ok(found)
}

fn walk(
    folder: &Path,
    root: &Path,
    config: &Config,
    found: &mut Found,
) -> Result<(), DiscoverError> {
    let mut builder = WalkBuilder::new(folder);
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git");
    if !config.exclude.is_empty() {
        let mut overrides = OverrideBuilder::new(root);
        for pattern in &config.exclude {
            overrides
                .add(&format!("!{pattern}"))
                .map_err(|e| DiscoverError::BadExclude {
                    pattern: crate::document::clip(pattern, 80).into_owned(),
                    message: crate::document::clip(&e.to_string(), 200).into_owned(),
                })?;
        }
        let overrides = overrides.build().map_err(|e| DiscoverError::BadExclude {
            pattern: format!("{} patterns together", config.exclude.len()),
            message: crate::document::clip(&e.to_string(), 200).into_owned(),
        })?;
        builder.overrides(overrides);
    }
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.skipped.push(e.to_string());
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if looks_like_alliance(path) {
            found.documents.push(Candidate {
                path: path.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Whether `path` is an alliance document by discovery's rules: Markdown,
/// and named `*alliance*` or with `alliance:` in its front matter.
pub fn looks_like_alliance(path: &Path) -> bool {
    is_markdown(path) && (named_alliance(path) || declares_alliance(path))
}

/// Whether the file name ends in `.md` or `.markdown`.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

fn named_alliance(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().contains("alliance"))
}

/// Whether the file's front matter has an `alliance:` key, reading only the
/// start of the file.
fn declares_alliance(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if file.take(HEAD_BYTES).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return false;
    }
    for line in lines {
        let line = line.trim_end();
        if line == "---" || line == "..." {
            return false;
        }
        if let Some(rest) = line.strip_prefix("alliance") {
            if rest.trim_start().starts_with(':') {
                return true;
            }
        }
    }
    false
}
