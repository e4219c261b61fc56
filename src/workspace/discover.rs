//! Finding a repository's alliance documents.
//!
//! A file is an alliance document when it is Markdown and either its name
//! contains `alliance` (any case: `TEAM_ALLIANCE.md`) or its front matter
//! has an `alliance:` key. Folders are walked respecting `.gitignore` and the
//! config's `exclude`; symbolic links are not followed, so a link loop
//! cannot trap the walk. Files the user names are always taken.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::OverrideBuilder;

use crate::workspace::config::Config;
use crate::workspace::{ReadProblem, UnreadFile};

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
    /// An `exclude` or `include` glob is not valid.
    #[error("invalid {key} pattern `{pattern}` in .alliance.yaml: {message}")]
    BadPattern {
        /// `exclude` or `include`.
        key: &'static str,
        /// The pattern (cut short when long).
        pattern: String,
        /// Why, in the glob library's words.
        message: String,
    },
}

/// A document to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path, as the user named it or discovery found it.
    pub path: PathBuf,
    /// Discovery's walk saw a regular file here (not a link, FIFO or
    /// device), so the read need not look again before it opens it.
    pub walked: bool,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Found {
    /// The documents, sorted by path.
    pub documents: Vec<Candidate>,
    /// Entries that could not be read while walking (a folder without
    /// permission, say): every command reports them as files it could not
    /// read, and exits 2.
    pub skipped: Vec<UnreadFile>,
}

/// Discover the documents under `paths` (or under `root` when `paths` is
/// empty).
pub fn discover(paths: &[PathBuf], root: &Path, config: &Config) -> Result<Found, DiscoverError> {
    let mut found = Found::default();
    let walk_roots: Vec<PathBuf> = if paths.is_empty() {
        vec![root.to_path_buf()]
    } else {
        named(paths, &mut found)?
    };
    let rules = Rules::new(root, config)?;
    for folder in walk_roots {
        walk(&folder, &rules, &mut found);
    }
    found.documents.sort();
    found.documents.dedup_by(|a, b| a.path == b.path);
    Ok(found)
}

/// The files the user named (always taken) and the folders to walk.
fn named(paths: &[PathBuf], found: &mut Found) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut folders = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => folders.push(path.clone()),
            Ok(_) => found.documents.push(Candidate {
                path: path.clone(),
                walked: false,
            }),
            // A dangling or looping link still names a file the user wants
            // read: let the read report why it cannot be.
            Err(_) if path.symlink_metadata().is_ok() => {
                found.documents.push(Candidate {
                    path: path.clone(),
                    walked: false,
                });
            }
            Err(_) => return Err(DiscoverError::NotFound { path: path.clone() }),
        }
    }
    Ok(folders)
}

/// What the config says about discovery, compiled once per run.
struct Rules {
    root: PathBuf,
    cwd: PathBuf,
    exclude: Option<ignore::overrides::Override>,
    include: Option<Gitignore>,
}

impl Rules {
    fn new(root: &Path, config: &Config) -> Result<Rules, DiscoverError> {
        let bad = |key: &'static str, pattern: &str, e: ignore::Error| DiscoverError::BadPattern {
            key,
            pattern: short(pattern),
            message: e.to_string(),
        };
        let exclude = if config.exclude.is_empty() {
            None
        } else {
            let mut overrides = OverrideBuilder::new(root);
            for pattern in &config.exclude {
                overrides
                    .add(&format!("!{pattern}"))
                    .map_err(|e| bad("exclude", pattern, e))?;
            }
            Some(overrides.build().map_err(|e| bad("exclude", "", e))?)
        };
        let include = if config.include.is_empty() {
            None
        } else {
            let mut builder = GitignoreBuilder::new(root);
            for pattern in &config.include {
                builder
                    .add_line(None, pattern)
                    .map_err(|e| bad("include", pattern, e))?;
            }
            Some(builder.build().map_err(|e| bad("include", "", e))?)
        };
        Ok(Rules {
            root: root.to_path_buf(),
            cwd: std::env::current_dir().unwrap_or_else(|_| root.to_path_buf()),
            exclude,
            include,
        })
    }

    /// Whether `include:` names this file.
    fn included(&self, path: &Path) -> bool {
        let Some(include) = &self.include else {
            return false;
        };
        // Patterns are relative to the root; a path the walk gives relative
        // to the current folder is made absolute first, and a path outside
        // the root matches nothing.
        let absolute = if path.is_relative() {
            self.cwd.join(path)
        } else {
            path.to_path_buf()
        };
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => include
                .matched_path_or_any_parents(relative, false)
                .is_ignore(),
            Err(_) => false,
        }
    }
}

/// At most 80 characters of a pattern, for a message.
fn short(pattern: &str) -> String {
    match pattern.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &pattern[..at]),
        None => pattern.to_owned(),
    }
}

fn walk(folder: &Path, rules: &Rules, found: &mut Found) {
    let mut builder = WalkBuilder::new(folder);
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git")
        // A folder's entries in name order make the walk's order the
        // order of paths by component, so the sort after it finds one
        // sorted run instead of comparing paths component by component.
        .sort_by_file_name(|a, b| a.cmp(b));
    if let Some(exclude) = &rules.exclude {
        builder.overrides(exclude.clone());
    }
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.skipped.push(skipped(e, folder));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if rules.included(path) || looks_like_alliance(path) {
            found.documents.push(Candidate {
                path: path.to_path_buf(),
                walked: true,
            });
        }
    }
}

/// A walk error as a file that could not be read: the deepest path the
/// error names (else the folder walked), and the error without its path.
fn skipped(error: ignore::Error, folder: &Path) -> UnreadFile {
    let mut path = folder.to_path_buf();
    let mut error = error;
    loop {
        match error {
            ignore::Error::WithPath { path: p, err } => {
                path = p;
                error = *err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = *err;
            }
            other => {
                return UnreadFile {
                    path,
                    reason: ReadProblem::Walk(other),
                };
            }
        }
    }
}

/// Whether `path` is an alliance document by discovery's rules: Markdown,
/// and named `*alliance*` or with `alliance:` in its front matter.
pub fn looks_like_alliance(path: &Path) -> bool {
    is_markdown(path) && (named_alliance(path) || declares_alliance(path))
}

/// The extensions of the Markdown family: plain Markdown, Quarto, R
/// Markdown and MDX all keep YAML front matter and `##` sections.
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "qmd", "rmd", "mdx"];

/// Whether the file is Markdown-family by its extension (any case).
pub fn is_markdown(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        MARKDOWN_EXTENSIONS
            .iter()
            .any(|m| e.eq_ignore_ascii_case(m))
    })
}

fn named_alliance(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().contains("alliance"))
}

/// Whether the file's front matter has an `alliance:` key, reading only the
/// start of the file.
fn declares_alliance(path: &Path) -> bool {
    // Never a plain open: a pipe named on the command line would block it.
    let Some(head) = crate::read::read_head(path, HEAD_BYTES) else {
        return false;
    };
    declares_in(&String::from_utf8_lossy(&head))
}

/// Whether `text` is an alliance document by discovery's rules, for a
/// document given as text (an editor's buffer) at `path`: Markdown, and
/// named `*alliance*` or with `alliance:` in its front matter.
pub fn text_looks_like_alliance(path: &Path, text: &str) -> bool {
    is_markdown(path) && (named_alliance(path) || declares_in(text))
}

/// Whether the front matter at the start of `text` has an `alliance:` key.
fn declares_in(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_error_names_the_deepest_path_it_carries() {
        let error = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from("team/private"),
                err: Box::new(ignore::Error::Io(std::io::Error::from(
                    std::io::ErrorKind::PermissionDenied,
                ))),
            }),
        };
        let unread = skipped(error, Path::new("team"));
        assert_eq!(unread.path, Path::new("team/private"));
        assert_eq!(
            unread.to_string(),
            "cannot read team/private: permission denied"
        );
    }
}
