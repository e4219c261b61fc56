//! `.alliance.yaml`: a repository's settings, at its root.
//!
//! Unknown keys are refused with the key's line, so a typo never silently
//! turns a setting off. Paths in the file are relative to the file's folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::document::{LineIndex, yaml};
use crate::workspace::read::{self, FileError};

/// The most `exclude` patterns a config may list. Each becomes part of one
/// compiled glob set; real configs list a handful.
pub const MAX_EXCLUDES: usize = 1_000;

/// The config file's name.
pub const FILE_NAME: &str = ".alliance.yaml";

/// The largest config file read: a few lines are all it ever needs.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The keys `.alliance.yaml` accepts.
const KEYS: &[&str] = &["kinds", "exclude", "include", "consent"];

/// How `check` treats an active alliance whose parties have not all agreed
/// to its current text (rule A070).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConsentPolicy {
    /// A warning (the default): teams adopt consent at their own pace.
    #[default]
    Recommended,
    /// An error: `consent: required`.
    Required,
}

/// A repository's settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Where the config was read from, if anywhere.
    pub path: Option<PathBuf>,
    /// The folder of the repository's own kinds, resolved.
    pub kinds: Option<PathBuf>,
    /// Globs (gitignore syntax, relative to the root) that discovery skips.
    pub exclude: Vec<String>,
    /// Globs (gitignore syntax, relative to the root) of files that are
    /// alliance documents whatever their name or front matter says.
    pub include: Vec<String>,
    /// `consent: required | recommended`.
    pub consent: ConsentPolicy,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    kinds: Option<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    consent: Option<String>,
}

/// Why the config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read (see [`read::read_file`]).
    #[error("cannot read the config {source}")]
    Read {
        /// Why, naming the file.
        source: FileError,
    },
    /// The file is not a valid config.
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line the problem is on.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Read `root/.alliance.yaml`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        // A dangling link is "not found" for a plain read too: no config.
        let text = match read::read_text(root, &path, MAX_CONFIG_BYTES) {
            Ok(text) => text,
            Err(e) if e.is_not_found() => return Ok(Config::default()),
            Err(source) => return Err(ConfigError::Read { source }),
        };
        Config::parse(&path, &text)
    }

    /// Parse a config file's text.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let lines = LineIndex::new(text);
        let invalid = |at: usize, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: lines.line_col(text, at).0,
            message,
        };
        let root = yaml::parse_str(text)
            .map_err(|e| invalid(e.span.start, format!("not valid YAML: {}", e.message)))?;
        if let yaml::Value::Map(entries) = &root.value {
            for (key, _) in entries {
                let name = key.as_str().unwrap_or("");
                if !KEYS.contains(&name) {
                    return Err(invalid(
                        key.span.start,
                        format!(
                            "unknown key `{}` (known keys: {})",
                            crate::document::clip(name, 80),
                            KEYS.join(", ")
                        ),
                    ));
                }
            }
        } else if root.value != yaml::Value::Null {
            return Err(invalid(
                root.span.start,
                "expected `key: value` lines".to_owned(),
            ));
        }
        let raw: Raw = if root.value == yaml::Value::Null {
            Raw::default()
        } else {
            serde_json::from_value(root.to_json()).map_err(|e| {
                // serde knows no lines: point at the value that is not text.
                let not_text = |n: &yaml::Node| !matches!(n.value, yaml::Value::Str(_));
                let kinds = root
                    .get("kinds")
                    .filter(|n| not_text(n))
                    .or_else(|| root.get("consent").filter(|n| not_text(n)));
                let list = |key| {
                    root.get(key).and_then(|n| match n.as_seq() {
                        Some(items) => items.iter().find(|i| not_text(i)),
                        None => Some(n),
                    })
                };
                let at = kinds
                    .or_else(|| list("exclude"))
                    .or_else(|| list("include"))
                    .map_or(root.span.start, |n| n.span.start);
                invalid(at, crate::document::clip(&e.to_string(), 200).into_owned())
            })?
        };
        if raw.exclude.len() > MAX_EXCLUDES {
            let at = root
                .get("exclude")
                .map_or(root.span.start, |n| n.span.start);
            return Err(invalid(
                at,
                format!(
                    "`exclude` lists {} patterns; alliance takes up to {MAX_EXCLUDES}: exclude whole folders instead",
                    raw.exclude.len()
                ),
            ));
        }
        let consent = match raw.consent.as_deref() {
            None | Some("recommended") => ConsentPolicy::Recommended,
            Some("required") => ConsentPolicy::Required,
            Some(other) => {
                let at = root
                    .get("consent")
                    .map_or(root.span.start, |n| n.span.start);
                return Err(invalid(
                    at,
                    format!(
                        "`consent: {}` is not a policy; write `consent: required` (missing consent fails `check`) or `consent: recommended` (a warning, the default)",
                        crate::document::clip(other, 80)
                    ),
                ));
            }
        };
        let folder = path.parent().unwrap_or(Path::new("."));
        Ok(Config {
            path: Some(path.to_path_buf()),
            kinds: raw.kinds.map(|k| folder.join(k)),
            exclude: raw.exclude,
            include: raw.include,
            consent,
        })
    }
}

/// The root of the repository containing `start`: the nearest folder with a
/// `.git` entry, else `start` itself.
///
/// As git does, the environment wins when it names the repository (hooks
/// and scripts run with it set): `GIT_WORK_TREE` is the root, and with only
/// `GIT_DIR` set the root is the current folder (`core.worktree` in that
/// repository's config is not read).
pub fn repository_root(start: &Path) -> PathBuf {
    if let Some(root) = root_from_environment() {
        return root;
    }
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start.to_path_buf()
}

/// The working tree `GIT_WORK_TREE` or `GIT_DIR` names, read once.
fn root_from_environment() -> Option<PathBuf> {
    static ROOT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let cwd = std::env::current_dir().ok()?;
        match (set("GIT_WORK_TREE"), set("GIT_DIR")) {
            (Some(tree), _) => Some(crate::workspace::read::lexical(&cwd.join(tree))),
            (None, Some(_)) => Some(cwd),
            (None, None) => None,
        }
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let err = Config::parse(Path::new("/r/.alliance.yaml"), "kinds: k\nexlude: [a]\n")
            .expect_err("unknown key");
        assert_eq!(
            err.to_string(),
            "/r/.alliance.yaml:2: unknown key `exlude` (known keys: kinds, exclude, include, consent)"
        );
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let config =
            Config::parse(Path::new("/r/.alliance.yaml"), "kinds: team-kinds\n").expect("ok");
        assert_eq!(config.kinds, Some(PathBuf::from("/r/team-kinds")));
        let empty = Config::parse(Path::new("/r/.alliance.yaml"), "# nothing yet\n").expect("ok");
        assert_eq!(empty.kinds, None);
        assert_eq!(empty.consent, ConsentPolicy::Recommended);
    }

    #[test]
    fn consent_policy() {
        let path = Path::new("/r/.alliance.yaml");
        let required = Config::parse(path, "consent: required\n").expect("ok");
        assert_eq!(required.consent, ConsentPolicy::Required);
        let err = Config::parse(path, "kinds: k\nconsent: always\n").expect_err("bad policy");
        assert!(
            err.to_string()
                .starts_with("/r/.alliance.yaml:2: `consent: always` is not a policy"),
            "{err}"
        );
        let err = Config::parse(path, "consent: [required]\n").expect_err("not text");
        assert!(
            err.to_string().starts_with("/r/.alliance.yaml:1: "),
            "{err}"
        );
    }
}
