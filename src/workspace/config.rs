//! `.alliance.yaml`: a repository's settings, at its root.
//!
//! Unknown keys are refused with the key's line, so a typo never silently
//! turns a setting off. Paths in the file are relative to the file's folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::document::{LineIndex, yaml};
use crate::read::{self, FileError};

/// The most `exclude` patterns a config may list. Each becomes part of one
/// compiled glob set; real configs list a handful.
pub const MAX_EXCLUDES: usize = 1_000;

/// The most `include` patterns a config may list: like `exclude`, one
/// compiled glob set, matched against every file discovery sees.
pub const MAX_INCLUDES: usize = 1_000;

/// The config file's name.
pub const FILE_NAME: &str = ".alliance.yaml";

/// The largest config file read: a few lines are all it ever needs.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The keys `.alliance.yaml` accepts.
const KEYS: &[&str] = &["kinds", "exclude", "include", "consent", "handles"];

/// The default path of the allowed-signers file, from the root.
pub const DEFAULT_ALLOWED_SIGNERS: &str = ".alliance/allowed_signers";

/// How consent is judged: `consent:` in `.alliance.yaml`, either a word
/// (`required`, `recommended`) or `{required: BOOL, proof: LEVEL,
/// allowed_signers: PATH}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentSettings {
    /// Missing consent (A070) and unproven consent (A076) fail `check`
    /// (errors) rather than warn.
    pub required: bool,
    /// The weakest proof that counts as consent. The default is
    /// `authored`: an entry committed by someone other than its party
    /// never counts, and nothing needs setting up; teams that need more
    /// choose `signed` (or `approved`).
    pub proof: crate::consent::Level,
    /// The allowed-signers file (git's format), resolved.
    pub allowed_signers: PathBuf,
    /// Whether the config named the allowed-signers file itself.
    pub allowed_signers_named: bool,
}

impl Default for ConsentSettings {
    fn default() -> ConsentSettings {
        ConsentSettings {
            required: false,
            proof: crate::consent::Level::Authored,
            allowed_signers: PathBuf::from(DEFAULT_ALLOWED_SIGNERS),
            allowed_signers_named: false,
        }
    }
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
    /// How consent is judged.
    pub consent: ConsentSettings,
    /// Who each handle is in chat (`handles:`), for mentions in the Slack
    /// and Teams forms of `due`.
    pub handles: super::handles::ChatHandles,
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
    /// Read from the YAML tree by [`consent_settings`], with lines.
    #[serde(default)]
    consent: Option<serde_json::Value>,
    /// Read from the YAML tree by [`super::handles::parse`], with lines.
    #[serde(default)]
    handles: Option<serde_json::Value>,
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
            // A message may quote the file: it stays one line.
            message: crate::document::one_line(&message).into_owned(),
        };
        let root = yaml::parse_str(text)
            .map_err(|e| invalid(e.span.start, format!("not valid YAML: {}", e.message)))?;
        known_keys(&root).map_err(|(at, m)| invalid(at, m))?;
        let raw = raw_of(&root).map_err(|(at, m)| invalid(at, m))?;
        pattern_limits(&root, &raw).map_err(|(at, m)| invalid(at, m))?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let consent = match root.get("consent") {
            Some(node) => consent_settings(node, folder).map_err(|(at, m)| invalid(at, m))?,
            None => ConsentSettings {
                allowed_signers: folder.join(DEFAULT_ALLOWED_SIGNERS),
                ..ConsentSettings::default()
            },
        };
        let handles = match root.get("handles") {
            Some(node) => super::handles::parse(node).map_err(|(at, m)| invalid(at, m))?,
            None => super::handles::ChatHandles::default(),
        };
        let _ = (raw.consent, raw.handles);
        Ok(Config {
            path: Some(path.to_path_buf()),
            kinds: raw.kinds.map(|k| folder.join(k)),
            exclude: raw.exclude,
            include: raw.include,
            consent,
            handles,
        })
    }
}

/// `; did you mean `KEY`?` for the known key nearest to `typed` (by
/// Jaro-Winkler similarity, as clap suggests a flag), when one is near.
fn did_you_mean(typed: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(typed, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(String::new(), |(_, k)| format!("; did you mean `{k}`?"))
}

/// The file is `key: value` lines (or empty), every key one of [`KEYS`];
/// an error names the byte it is at.
fn known_keys(root: &yaml::Node) -> Result<(), (usize, String)> {
    if let yaml::Value::Map(entries) = &root.value {
        for (key, _) in entries {
            let name = key.as_str().unwrap_or("");
            if !KEYS.contains(&name) {
                return Err((
                    key.span.start,
                    format!(
                        "unknown key `{}`{} (known keys: {})",
                        crate::document::clip(name, 80),
                        did_you_mean(name, KEYS),
                        KEYS.join(", ")
                    ),
                ));
            }
        }
    } else if root.value != yaml::Value::Null {
        return Err((root.span.start, "expected `key: value` lines".to_owned()));
    }
    Ok(())
}

/// The typed fields; an error names the first value that is not text.
fn raw_of(root: &yaml::Node) -> Result<Raw, (usize, String)> {
    if root.value == yaml::Value::Null {
        return Ok(Raw::default());
    }
    serde_json::from_value(root.to_json()).map_err(|e| {
        // serde knows no lines: point at the value that is not text.
        let not_text = |n: &yaml::Node| !matches!(n.value, yaml::Value::Str(_));
        let kinds = root.get("kinds").filter(|n| not_text(n));
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
        (at, crate::document::clip(&e.to_string(), 200).into_owned())
    })
}

/// `exclude` and `include` list no more patterns than alliance takes.
fn pattern_limits(root: &yaml::Node, raw: &Raw) -> Result<(), (usize, String)> {
    for (key, patterns, max, instead) in [
        (
            "exclude",
            &raw.exclude,
            MAX_EXCLUDES,
            "exclude whole folders instead",
        ),
        (
            "include",
            &raw.include,
            MAX_INCLUDES,
            "include whole folders instead",
        ),
    ] {
        if patterns.len() > max {
            let at = root.get(key).map_or(root.span.start, |n| n.span.start);
            return Err((
                at,
                format!(
                    "`{key}` lists {} patterns; alliance takes up to {max}: {instead}",
                    patterns.len()
                ),
            ));
        }
    }
    Ok(())
}

/// `consent:` as a word or a mapping; an error names the byte it is at.
fn consent_settings(node: &yaml::Node, folder: &Path) -> Result<ConsentSettings, (usize, String)> {
    let mut settings = ConsentSettings {
        allowed_signers: folder.join(DEFAULT_ALLOWED_SIGNERS),
        ..ConsentSettings::default()
    };
    let word_help = "write `consent: required` (missing consent fails `check`), `consent: recommended` (a warning, the default) or `consent: {required: true, proof: signed}`";
    match &node.value {
        yaml::Value::Str(word) => match word.as_str() {
            "recommended" => {}
            "required" => settings.required = true,
            other => {
                return Err((
                    node.span.start,
                    format!(
                        "`consent: {}` is not a policy; {word_help}",
                        crate::document::clip(other, 80)
                    ),
                ));
            }
        },
        yaml::Value::Map(entries) => {
            for (key, value) in entries {
                consent_key(&mut settings, key, value, folder)?;
            }
        }
        _ => {
            return Err((
                node.span.start,
                format!("`consent` is neither a word nor a mapping; {word_help}"),
            ));
        }
    }
    Ok(settings)
}

/// One key of the `consent:` mapping.
fn consent_key(
    settings: &mut ConsentSettings,
    key: &yaml::Node,
    value: &yaml::Node,
    folder: &Path,
) -> Result<(), (usize, String)> {
    let at = value.span.start;
    match (key.as_str().unwrap_or(""), &value.value) {
        ("required", yaml::Value::Bool(b)) => settings.required = *b,
        ("required", _) => return Err((at, "`consent.required` is `true` or `false`".to_owned())),
        ("proof", yaml::Value::Str(word))
            if crate::consent::Level::from_config_word(word).is_some() =>
        {
            settings.proof =
                crate::consent::Level::from_config_word(word).unwrap_or(settings.proof);
        }
        ("proof", _) => {
            return Err((
                at,
                "`consent.proof` is one of `signed`, `approved`, `authored`, `any` (the weakest proof that counts as consent)".to_owned(),
            ));
        }
        ("allowed_signers", yaml::Value::Str(file)) if !file.trim().is_empty() => {
            settings.allowed_signers = folder.join(file.trim());
            settings.allowed_signers_named = true;
        }
        ("allowed_signers", _) => {
            return Err((
                at,
                "`consent.allowed_signers` is a path, from the repository root".to_owned(),
            ));
        }
        (other, _) => {
            return Err((
                key.span.start,
                format!(
                    "unknown key `consent.{}`{} (known keys: required, proof, allowed_signers)",
                    crate::document::clip(other, 80),
                    did_you_mean(other, &["required", "proof", "allowed_signers"])
                ),
            ));
        }
    }
    Ok(())
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
            (Some(tree), _) => Some(crate::read::lexical(&cwd.join(tree))),
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
    fn a_mistyped_key_gets_the_nearest_known_one() {
        let path = std::path::Path::new("/r/.alliance.yaml");
        let err = Config::parse(path, "kind: alliance-kinds\n").expect_err("unknown key");
        assert!(
            err.to_string()
                .contains("unknown key `kind`; did you mean `kinds`?"),
            "{err}"
        );
        let err = Config::parse(path, "colour: never\n").expect_err("unknown key");
        assert!(!err.to_string().contains("did you mean"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let err = Config::parse(Path::new("/r/.alliance.yaml"), "kinds: k\nexlude: [a]\n")
            .expect_err("unknown key");
        assert_eq!(
            err.to_string(),
            "/r/.alliance.yaml:2: unknown key `exlude`; did you mean `exclude`? (known keys: kinds, exclude, include, consent, handles)"
        );
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let config =
            Config::parse(Path::new("/r/.alliance.yaml"), "kinds: team-kinds\n").expect("ok");
        assert_eq!(config.kinds, Some(PathBuf::from("/r/team-kinds")));
        let empty = Config::parse(Path::new("/r/.alliance.yaml"), "# nothing yet\n").expect("ok");
        assert_eq!(empty.kinds, None);
        assert!(!empty.consent.required);
        assert_eq!(empty.consent.proof, crate::consent::Level::Authored);
        assert_eq!(
            empty.consent.allowed_signers,
            PathBuf::from("/r/.alliance/allowed_signers")
        );
    }

    #[test]
    fn consent_policy() {
        let path = Path::new("/r/.alliance.yaml");
        let required = Config::parse(path, "consent: required\n").expect("ok");
        assert!(required.consent.required);
        let mapping = Config::parse(
            path,
            "consent:\n  required: true\n  proof: signed\n  allowed_signers: keys/signers\n",
        )
        .expect("ok");
        assert!(mapping.consent.required);
        assert_eq!(mapping.consent.proof, crate::consent::Level::Signed);
        assert_eq!(
            mapping.consent.allowed_signers,
            PathBuf::from("/r/keys/signers")
        );
        let err = Config::parse(path, "consent:\n  proof: trust-me\n").expect_err("bad level");
        assert!(
            err.to_string()
                .starts_with("/r/.alliance.yaml:2: `consent.proof` is one of"),
            "{err}"
        );
        let err = Config::parse(path, "consent:\n  prof: signed\n").expect_err("unknown key");
        assert!(
            err.to_string().contains("unknown key `consent.prof`"),
            "{err}"
        );
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
