//! The open documents: each buffer's text (bounded), and what `check`
//! finds in it, as LSP diagnostics. A document is dropped when it is
//! closed; a buffer larger than `check` reads is not kept, only its size.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use super::position::Lines;
use crate::check::{Finding, Rule, Severity};
use crate::document::MAX_DOCUMENT_BYTES;
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
    /// The buffer's text; empty when it is not kept (too large).
    pub text: String,
    /// What was found in it: each diagnostic with its rule.
    pub found: Vec<(Diagnostic, Option<Rule>)>,
}

/// The open documents and the repositories they are in.
#[derive(Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
    workspaces: HashMap<PathBuf, Workspace>,
}

impl Documents {
    /// Open (or replace) the buffer of `uri` with `text`, and check it.
    /// Returns its diagnostics.
    pub fn set(&mut self, uri: &Uri, text: String) -> Vec<Diagnostic> {
        let Some(path) = file_path(uri) else {
            // Not a file (an unsaved `untitled:` buffer): nothing to place
            // it in a repository by, so nothing is checked.
            self.open.remove(uri);
            return Vec::new();
        };
        let found = self.check(&path, &text);
        let text = if text.len() > MAX_DOCUMENT_BYTES {
            String::new()
        } else {
            text
        };
        let diagnostics = found.iter().map(|(d, _)| d.clone()).collect();
        if self.open.len() < MAX_OPEN_DOCUMENTS || self.open.contains_key(uri) {
            self.open
                .insert(uri.clone(), Document { path, text, found });
        }
        diagnostics
    }

    /// Check the buffer of `uri` again (on save). Returns its diagnostics,
    /// or `None` when it is not open.
    pub fn recheck(&mut self, uri: &Uri) -> Option<Vec<Diagnostic>> {
        let text = std::mem::take(&mut self.open.get_mut(uri)?.text);
        Some(self.set(uri, text))
    }

    /// Forget the document of `uri`.
    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri);
    }

    /// The open document of `uri`.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    /// What `check` finds in `text` at `path`, when it is an alliance.
    fn check(&mut self, path: &Path, text: &str) -> Vec<(Diagnostic, Option<Rule>)> {
        if !crate::workspace::discover::text_looks_like_alliance(path, text) {
            return Vec::new();
        }
        if text.len() > MAX_DOCUMENT_BYTES {
            return vec![(too_large(text.len()), None)];
        }
        let findings = if text.contains('\0') {
            let binary = crate::document::Unreadable {
                path: path.to_path_buf(),
                reason: crate::document::NotText::Binary,
            };
            vec![crate::check::unreadable(&binary)]
        } else {
            match self.workspace(path) {
                Ok(workspace) => {
                    // Named from where the server runs (an editor starts it
                    // in the project), as `check` names files it is given.
                    let named = crate::workspace::from_here(path);
                    match crate::tasks::check::text(workspace, &named, text.to_owned()) {
                        Ok(findings) => findings,
                        Err(e) => return vec![(not_checked(&e.to_string()), None)],
                    }
                }
                Err(e) => return vec![(not_checked(&e), None)],
            }
        };
        let lines = Lines::new(text);
        findings
            .iter()
            .map(|f| (diagnostic(f, &lines), Some(f.rule)))
            .collect()
    }

    /// The repository `path` is in, loaded once (its config and kinds).
    fn workspace(&mut self, path: &Path) -> Result<&Workspace, String> {
        let root = crate::workspace::root_of(path);
        if !self.workspaces.contains_key(&root) {
            let workspace = Workspace::open(&root).map_err(|e| e.to_string())?;
            if self.workspaces.len() >= MAX_WORKSPACES {
                self.workspaces.clear();
            }
            self.workspaces.insert(root.clone(), workspace);
        }
        self.workspaces
            .get(&root)
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

fn whole_file(message: String) -> Diagnostic {
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
            documents.set(&uri(&format!("{n}.md")), "# notes\n".to_owned());
        }
        let one_more = uri("more.md");
        assert_eq!(documents.set(&one_more, "# more\n".to_owned()), Vec::new());
        assert!(documents.get(&one_more).is_none());
        // One already open is still replaced.
        documents.set(&uri("0.md"), "# changed\n".to_owned());
        let changed = documents.get(&uri("0.md")).map(|d| d.text.as_str());
        assert_eq!(changed, Some("# changed\n"));
        documents.close(&uri("0.md"));
        assert!(documents.get(&uri("0.md")).is_none());
        documents.set(&one_more, "# more\n".to_owned());
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
    }
}
