//! What the server checks in a buffer, by what the file is: an alliance
//! (`check`'s findings, `tasks::check::text_with`), a pulse answer file
//! (`check`'s findings for it: those of the file on disk when the buffer
//! is saved, else the file's own), or a kind or instrument file of the
//! kinds folder (the error that would stop the kinds from loading).
//!
//! It reads the repository's files only through the one reader and writes
//! none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{Diagnostic, DiagnosticSeverity, Position, Range};

use super::documents::{Repository, whole_file};
use crate::check::{Finding, Rule};
use crate::document::Alliance;
use crate::kind::{KindError, Kinds};
use crate::pulse::instrument::InstrumentError;

/// What a file is, to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An alliance document.
    Alliance,
    /// A pulse answer file, `STEM.pulse/ROUND/HANDLE.yaml`.
    Answers,
    /// A kind definition or an instrument, `*.kind.yaml`,
    /// `*.instrument.yaml`.
    Kinds,
    /// Anything else: not checked.
    Other,
}

/// What the file at `path` holding `text` is.
pub fn role(path: &Path, text: &str) -> Role {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(".kind.yaml") || name.ends_with(".instrument.yaml") {
        Role::Kinds
    } else if name.ends_with(".yaml") && alliance_of_answers(path).is_some() {
        Role::Answers
    } else if crate::workspace::discover::text_looks_like_alliance(path, text) {
        Role::Alliance
    } else {
        Role::Other
    }
}

/// The alliance whose pulse an answer file at `path` belongs to:
/// `DIR/STEM.pulse/ROUND/FILE.yaml` is `DIR/STEM.md` (or `.markdown`),
/// the one that exists.
fn alliance_of_answers(path: &Path) -> Option<PathBuf> {
    let pulse = path.parent()?.parent()?;
    let stem = pulse.file_name()?.to_str()?.strip_suffix(".pulse")?;
    ["md", "markdown"]
        .iter()
        .map(|ext| pulse.with_file_name(format!("{stem}.{ext}")))
        .find(|p| p.is_file())
}

/// `check`'s findings for the alliance `text` at `path`.
pub fn alliance(loaded: &Repository, path: &Path, text: &str) -> Result<Vec<Finding>, String> {
    let instruments = loaded.instruments.as_ref().map_err(Clone::clone)?;
    // Named from where the server runs (an editor starts it in the
    // project), as `check` names files it is given.
    let named = crate::workspace::from_here(path);
    crate::tasks::check::text_with(&loaded.workspace, instruments, &named, text.to_owned())
        .map_err(|e| e.to_string())
}

/// `check`'s findings for the answer file `text` at `path`: what `check`
/// would report were the buffer saved, its round's other files read from
/// disk.
pub fn answers(loaded: &Repository, path: &Path, text: &str) -> Result<Vec<Finding>, String> {
    let instruments = loaded.instruments.as_ref().map_err(Clone::clone)?;
    let root = &loaded.workspace.root;
    let doc = alliance_of_answer_file(loaded, path)?;
    let today = crate::clock::today().map_err(|e| e.to_string())?;
    let carry = crate::tasks::pulse::carried(&doc);
    let kinds = &loaded.workspace.kinds;
    let pulse = crate::pulse::read(root, &doc, kinds, instruments, today, Some(&carry))
        .map_err(|e| e.to_string())?;
    // The buffer in its round as read from disk: what `check` would say
    // of it saved, whether it is or not.
    let folder = path.parent().and_then(Path::file_name);
    let round = pulse.rounds.iter().find(|r| r.folder.file_name() == folder);
    let mut findings =
        crate::pulse::answer_findings(&doc, &pulse.setup, round, path, text.to_owned(), today);
    findings.sort_by_key(|f| f.location.as_ref().map(|l| (l.line, l.column)));
    Ok(findings)
}

/// The pulse setup (instrument, parties, agreements) of the alliance whose
/// answer file is at `path`, when it can be read and has one.
pub fn pulse_setup(loaded: &Repository, path: &Path) -> Option<crate::pulse::Setup> {
    let instruments = loaded.instruments.as_ref().ok()?;
    let doc = alliance_of_answer_file(loaded, path).ok()?;
    crate::pulse::setup(&doc, &loaded.workspace.kinds, instruments).ok()
}

/// The alliance whose pulse the answer file at `path` belongs to, read
/// from disk through the one reader.
fn alliance_of_answer_file(loaded: &Repository, path: &Path) -> Result<Alliance, String> {
    let alliance =
        alliance_of_answers(path).ok_or("its alliance is not beside its pulse folder")?;
    let named = crate::workspace::from_here(&alliance);
    crate::workspace::read_document_in(&loaded.workspace.root, &named).map_err(|e| e.to_string())
}

/// The one finding of a buffer that is not text.
pub fn binary(path: &Path) -> Vec<Finding> {
    let binary = crate::document::Unreadable {
        path: path.to_path_buf(),
        reason: crate::document::NotText::Binary,
    };
    vec![crate::check::unreadable(&binary)]
}

/// The most bytes of a kinds folder read to check one of its files.
const MAX_FOLDER_BYTES: usize = 16 * 1024 * 1024;

/// What stops the kinds folder from loading with `text` as the file at
/// `path` (in the repository at `root`): at its line when the error is this file's, at the top when it
/// is another file's. Nothing when the kinds load.
pub fn kind_file(root: &Path, path: &Path, text: &str) -> Vec<(Diagnostic, Option<Rule>)> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let error = if name.ends_with(".instrument.yaml") {
        match crate::pulse::instrument::parse(path, text) {
            Ok(_) => return Vec::new(),
            Err(InstrumentError::Invalid { line, message, .. }) => (None, line, message),
            Err(other) => (None, 1, other.to_string()),
        }
    } else {
        let folder = path.parent().unwrap_or(Path::new("."));
        let mut files = folder_texts(root, folder);
        files.insert(name.clone(), text.to_owned());
        match Kinds::from_texts(folder, &files) {
            Ok(_) => return Vec::new(),
            Err(KindError::Invalid {
                path,
                line,
                message,
            }) => (Some(path), line, message),
            Err(other) => (None, 1, other.to_string()),
        }
    };
    let diagnostic =
        match error {
            (Some(other), _, message) if other.file_name() != path.file_name() => whole_file(
                format!("the kinds do not load: {}: {}", other.display(), message),
            ),
            (_, line, message) => at_line(line, message),
        };
    vec![(diagnostic, None)]
}

/// The texts of the kinds folder's definitions, schemas and templates,
/// by file name, read through the one reader as files of the repository
/// at `root` (a folder or file linked out of it is not read), at most
/// [`MAX_FOLDER_BYTES`] in all.
fn folder_texts(root: &Path, folder: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = crate::read::list_folder(root, folder) else {
        return files;
    };
    let mut total = 0;
    for entry in entries {
        let Some(name) = entry
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
        else {
            continue;
        };
        let wanted = [".kind.yaml", ".json", ".j2"]
            .iter()
            .any(|e| name.ends_with(e));
        if !wanted || total > MAX_FOLDER_BYTES {
            continue;
        }
        if let Ok(text) = crate::read::read_text(root, &entry.path, 1024 * 1024) {
            total += text.len();
            files.insert(name, text);
        }
    }
    files
}

/// An error at the start of 1-based `line`.
fn at_line(line: usize, message: String) -> Diagnostic {
    let line = u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX);
    Diagnostic {
        range: Range::new(Position::new(line, 0), Position::new(line, u32::MAX)),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("alliance".to_owned()),
        message,
        ..Diagnostic::default()
    }
}
