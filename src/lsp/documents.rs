//! The open documents: each buffer's text (bounded), its version, and
//! what was found in it as LSP diagnostics; and the repositories they are
//! in, loaded once (config, kinds, instruments) until the client says a
//! file of theirs changed. A document is dropped when it is closed; a
//! buffer larger than `check` reads is not kept, only its diagnostic.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use super::checks;
use super::position::Lines;
use crate::check::{Finding, Rule, Severity};
use crate::document::MAX_DOCUMENT_BYTES;
use crate::pulse::instrument::Instruments;
use crate::workspace::Workspace;

/// Where each rule is explained (`docs/rules.md`, one heading a rule).
pub const RULES_URL: &str = "https://github.com/alliance-cli/alliance/blob/main/docs/rules.md";

/// The repositories kept loaded at once; beyond it the cache starts over.
const MAX_WORKSPACES: usize = 16;

/// The open documents kept at most: with each buffer at most
/// [`MAX_DOCUMENT_BYTES`], memory stays bounded however many the editor
/// opens. Past it a newly opened document is checked but not kept.
pub const MAX_OPEN_DOCUMENTS: usize = 512;

/// One open document.
pub struct Document {
    /// Its path on disk (where it is, not necessarily saved there).
    pub path: PathBuf,
    /// The root of the repository it is in, found when it was opened.
    pub root: PathBuf,
    /// The buffer's text; empty when it is not kept (too large).
    pub text: String,
    /// The version the client gave the text.
    pub version: Option<i32>,
    /// What was found in it when it was last checked: each diagnostic
    /// with its rule.
    pub found: Vec<(Diagnostic, Option<Rule>)>,
}

/// A repository, loaded: its config and kinds, and its pulse instruments
/// (or why they could not be loaded).
pub struct Repository {
    /// The repository.
    pub workspace: Workspace,
    /// Its instruments.
    pub instruments: Result<Instruments, String>,
}

/// The kinds of `repository`, or the built-in ones (made once) when it
/// could not be loaded.
pub fn kinds(repository: Option<&Repository>) -> &crate::kind::Kinds {
    static BUILTIN: std::sync::OnceLock<crate::kind::Kinds> = std::sync::OnceLock::new();
    match repository {
        Some(loaded) => &loaded.workspace.kinds,
        None => BUILTIN.get_or_init(crate::kind::Kinds::builtin),
    }
}

/// The open documents and the repositories they are in.
#[derive(Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
    workspaces: HashMap<PathBuf, Repository>,
}

impl Documents {
    /// Keep `text` as the buffer of `uri`, to be checked by
    /// [`Documents::check`]. When it cannot be kept (not a file, or past
    /// [`MAX_OPEN_DOCUMENTS`]) it is checked now and its diagnostics are
    /// returned.
    pub fn set(
        &mut self,
        uri: &Uri,
        text: String,
        version: Option<i32>,
    ) -> Option<Vec<Diagnostic>> {
        // Where an open document is and its repository were found when it
        // was opened: a change only replaces its text.
        let (path, root) = match self.open.remove(uri) {
            Some(open) => {
                let document = Document {
                    text,
                    version,
                    ..open
                };
                self.open.insert(uri.clone(), document);
                return None;
            }
            None => match file_path(uri).or_else(|| untitled_path(uri)) {
                Some(path) => {
                    let root = crate::workspace::root_of(&path);
                    (path, root)
                }
                // Neither a file nor a new buffer: nothing to place it in
                // a repository by, so nothing is checked.
                None => return Some(Vec::new()),
            },
        };
        if self.open.len() >= MAX_OPEN_DOCUMENTS {
            let found = self.find(&path, &root, &text);
            return Some(found.into_iter().map(|(d, _)| d).collect());
        }
        let document = Document {
            path,
            root,
            text,
            version,
            found: Vec::new(),
        };
        self.open.insert(uri.clone(), document);
        None
    }

    /// Check the buffer of `uri` (kept by [`Documents::set`]). Returns its
    /// diagnostics and version, or `None` when it is not open.
    pub fn check(&mut self, uri: &Uri) -> Option<(Vec<Diagnostic>, Option<i32>)> {
        let (path, root, text) = {
            let doc = self.open.get_mut(uri)?;
            (
                doc.path.clone(),
                doc.root.clone(),
                std::mem::take(&mut doc.text),
            )
        };
        let found = self.find(&path, &root, &text);
        let diagnostics = found.iter().map(|(d, _)| d.clone()).collect();
        let doc = self.open.get_mut(uri)?;
        // A buffer too large to check is not kept either.
        if text.len() <= MAX_DOCUMENT_BYTES {
            doc.text = text;
        }
        doc.found = found;
        Some((diagnostics, doc.version))
    }

    /// Forget the document of `uri`.
    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri);
    }

    /// The open document of `uri`.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    /// Every open document's URI, in a stable order.
    pub fn uris(&self) -> Vec<Uri> {
        let mut uris: Vec<Uri> = self.open.keys().cloned().collect();
        uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        uris
    }

    /// Forget every loaded repository: its config, kinds or instruments
    /// changed, and the next check loads them again.
    pub fn forget_repositories(&mut self) {
        self.workspaces.clear();
    }

    /// The open document of `uri` and its repository, loaded (`None` for
    /// the repository when it cannot be).
    pub fn with_repository(&mut self, uri: &Uri) -> Option<(&Document, Option<&Repository>)> {
        let root = self.open.get(uri)?.root.clone();
        let loaded = self.load(&root).is_ok();
        let loaded = self.workspaces.get(&root).filter(|_| loaded);
        Some((self.open.get(uri)?, loaded))
    }

    /// What is found in `text` at `path`: `check`'s findings for an
    /// alliance or an answer file, a kind file's error, or nothing.
    fn find(&mut self, path: &Path, root: &Path, text: &str) -> Vec<(Diagnostic, Option<Rule>)> {
        let role = checks::role(path, text);
        if role == checks::Role::Other {
            return Vec::new();
        }
        if text.len() > MAX_DOCUMENT_BYTES {
            return vec![(too_large(text.len()), None)];
        }
        let findings = match role {
            checks::Role::Kinds => return checks::kind_file(root, path, text),
            _ if text.contains('\0') => checks::binary(path),
            _ => {
                let found = self.load(root).and_then(|loaded| match role {
                    checks::Role::Answers => checks::answers(loaded, path, text),
                    _ => checks::alliance(loaded, path, text),
                });
                match found {
                    Ok(findings) => findings,
                    Err(why) => return vec![(not_checked(&why), None)],
                }
            }
        };
        let lines = Lines::new(text);
        findings
            .iter()
            .map(|f| (diagnostic(f, &lines), Some(f.rule)))
            .collect()
    }

    /// The repository `path` is in, loaded once (its config, kinds and
    /// instruments).
    fn load(&mut self, root: &Path) -> Result<&Repository, String> {
        if !self.workspaces.contains_key(root) {
            let workspace = Workspace::open(root).map_err(|e| e.to_string())?;
            let instruments = Instruments::with_folder(workspace.config.kinds.as_deref())
                .map_err(|e| e.to_string());
            if self.workspaces.len() >= MAX_WORKSPACES {
                self.workspaces.clear();
            }
            let loaded = Repository {
                workspace,
                instruments,
            };
            self.workspaces.insert(root.to_path_buf(), loaded);
        }
        self.workspaces
            .get(root)
            .ok_or_else(|| "the repository was not loaded".to_owned())
    }
}

/// The path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// Where a new buffer that was never saved (`untitled:Untitled-1`) is
/// checked as if it were: a Markdown file of that name in the folder the
/// server runs in (the editor's project), so the project's kinds apply.
/// It is an alliance when its front matter says `alliance:`.
pub fn untitled_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("untitled:")?;
    let name: String = rest
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        .take(64)
        .collect();
    let name = if name.is_empty() {
        "untitled".to_owned()
    } else {
        name
    };
    let cwd = std::env::current_dir().ok()?;
    Some(cwd.join(format!("{name}.md")))
}

/// A finding as a diagnostic: `check --format json`'s code, range,
/// severity and message; the help as related information (pointing at the
/// same range) and as `data.help`.
pub fn diagnostic(finding: &Finding, lines: &Lines<'_>) -> Diagnostic {
    let range = finding
        .location
        .as_ref()
        .map_or_else(Range::default, |at| lines.location(at));
    let rule = finding.rule;
    let href = format!("{RULES_URL}#{}-{}", rule.code().to_lowercase(), rule.name());
    Diagnostic {
        range,
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(rule.code().to_owned())),
        code_description: href.parse().ok().map(|href| CodeDescription { href }),
        source: Some("alliance".to_owned()),
        message: finding.message.clone(),
        related_information: None,
        tags: None,
        data: Some(serde_json::json!({ "rule": rule.name(), "help": finding.help })),
    }
}

/// `diagnostic`, with the help as related information at `uri`.
pub fn with_help(mut diagnostic: Diagnostic, uri: &Uri) -> Diagnostic {
    let help = diagnostic
        .data
        .as_ref()
        .and_then(|d| d.get("help"))
        .and_then(|h| h.as_str())
        .map(str::to_owned);
    if let Some(help) = help {
        diagnostic.related_information = Some(vec![DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), diagnostic.range),
            message: format!("help: {help}"),
        }]);
    }
    diagnostic
}

/// The one diagnostic of a buffer larger than `check` reads.
fn too_large(bytes: usize) -> Diagnostic {
    whole_file(format!(
        "the buffer is {bytes} bytes, more than the {MAX_DOCUMENT_BYTES} `check` reads; it is not checked"
    ))
}

/// The one diagnostic of a document that could not be checked.
fn not_checked(why: &str) -> Diagnostic {
    whole_file(format!("not checked: {why}"))
}

/// A diagnostic about the whole file, at its start.
pub fn whole_file(message: String) -> Diagnostic {
    Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("alliance".to_owned()),
        message,
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(name: &str) -> Uri {
        format!("file:///nowhere/{name}").parse().expect("a URI")
    }

    #[test]
    fn documents_past_the_limit_are_not_kept_and_closed_ones_are_dropped() {
        let mut documents = Documents::default();
        for n in 0..MAX_OPEN_DOCUMENTS {
            documents.set(&uri(&format!("{n}.md")), "# notes\n".to_owned(), None);
        }
        let one_more = uri("more.md");
        let checked_now = documents.set(&one_more, "# more\n".to_owned(), None);
        assert_eq!(checked_now, Some(Vec::new()));
        assert!(documents.get(&one_more).is_none());
        // One already open is still replaced.
        documents.set(&uri("0.md"), "# changed\n".to_owned(), Some(2));
        let changed = documents.get(&uri("0.md")).map(|d| d.text.as_str());
        assert_eq!(changed, Some("# changed\n"));
        documents.close(&uri("0.md"));
        assert!(documents.get(&uri("0.md")).is_none());
        assert_eq!(documents.set(&one_more, "# more\n".to_owned(), None), None);
        assert!(documents.get(&one_more).is_some());
    }

    #[test]
    fn only_file_uris_have_paths() {
        assert_eq!(
            file_path(&uri("a.md")),
            Some(PathBuf::from("/nowhere/a.md"))
        );
        let spaced: Uri = "file:///tmp/a%20b.md".parse().expect("a URI");
        assert_eq!(file_path(&spaced), Some(PathBuf::from("/tmp/a b.md")));
        let untitled: Uri = "untitled:Untitled-1".parse().expect("a URI");
        assert_eq!(file_path(&untitled), None);
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(untitled_path(&untitled), Some(cwd.join("Untitled-1.md")));
        // `..` is resolved as the URI is read: the path is where it leads,
        // so the reader sees a file named outside, never one that only
        // looks inside the repository.
        let dotted: Uri = "file:///repo/sub/../../etc/x.md".parse().expect("a URI");
        assert_eq!(file_path(&dotted), Some(PathBuf::from("/etc/x.md")));
        let other: Uri = "vscode-notebook-cell:/x".parse().expect("a URI");
        assert_eq!(untitled_path(&other), None);
    }
}
