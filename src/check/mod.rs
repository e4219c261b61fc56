//! The rules of `alliance check`, one file per family with the codes in
//! its name: front matter (A001–A013), dates (A020–A022), sections
//! (A030–A034), items (A040–A042), consent and lifecycle (A070–A075). Each family pushes findings into a list.
//! The rules of pulse answer files (A060–A067) are found where those files
//! are read, in `crate::pulse`, as findings of the same kind.
//!
//! The checks read a parsed [`Alliance`] and the [`Kinds`]; they never read
//! files, print, or decide exit codes. A rule's code, name and summary live
//! in [`finding::Rule`]; its long description lives in `docs/rules.md`.

mod a00_front_matter;
mod a02_dates;
mod a03_sections;
mod a04_items;
mod a07_consent;
pub mod finding;

pub use a00_front_matter::unusable_front_matter;
pub use finding::{Finding, Location, Rule, Severity};

use std::path::PathBuf;

use crate::document::{Alliance, NotText, Status, Unreadable};
use crate::kind::Kinds;
use crate::workspace::UnreadFile;

/// The findings for a file that is not text at all.
pub fn unreadable(file: &Unreadable) -> Finding {
    match file.reason {
        NotText::Binary => Finding::error(Rule::NotText, "this is a binary file, not Markdown")
            .help("name only Markdown files, or exclude this one in .alliance.yaml"),
        NotText::OtherUnicode { encoding } => Finding::error(
            Rule::NotText,
            format!("the file is {encoding} text; alliance reads UTF-8"),
        )
        .help(format!(
            "save the file as UTF-8 (e.g. `iconv -f {encoding} -t UTF-8`)"
        )),
        NotText::InvalidUtf8 { at } => Finding::error(
            Rule::NotText,
            format!("the file is not UTF-8: byte {at} is not valid UTF-8"),
        )
        .help("save the file as UTF-8"),
    }
}

/// Whether a path a document names exists: called with the document's path
/// and the path it names.
pub type PathExists<'a> = dyn Fn(&std::path::Path, &std::path::Path) -> bool + Sync + 'a;

/// What a repository decides about its checks, beyond the kinds.
#[derive(Clone, Copy, Default)]
pub struct Settings<'a> {
    /// `consent: required` in `.alliance.yaml`: an active alliance missing a
    /// party's consent is an error (A070), not a warning.
    pub consent_required: bool,
    /// Whether a path named by a document exists: called with the
    /// document's path and the path it names (`superseded_by`). `None`
    /// skips the look-up (A074). The caller owns the file system.
    pub exists: Option<&'a PathExists<'a>>,
    /// What proves each consent entry of a document (the commits that
    /// added them, judged at the repository's level). `None` judges the
    /// text alone: every entry counts (A076 is never reported).
    pub proofs: Option<&'a ProofsOf<'a>>,
}

/// What proves each of a document's consent entries.
pub type ProofsOf<'a> = dyn Fn(&Alliance) -> crate::consent::Proofs + Sync + 'a;

impl std::fmt::Debug for Settings<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("consent_required", &self.consent_required)
            .field("exists", &self.exists.is_some())
            .field("proofs", &self.proofs.is_some())
            .finish()
    }
}

/// Check one document with the default settings (see [`check_with`]).
pub fn check(doc: &Alliance, kinds: &Kinds) -> Vec<Finding> {
    check_with(doc, kinds, &Settings::default())
}

/// Check one document. A file without front matter is reported as not an
/// alliance: discovery only hands over files that claim to be one, and a
/// file the user named is one they expect to be.
pub fn check_with(doc: &Alliance, kinds: &Kinds, settings: &Settings<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(kind) = a00_front_matter::check(doc, kinds, &mut findings) else {
        return findings;
    };
    let draft = doc.fields().is_some_and(|f| f.status() == Status::Draft);
    a02_dates::check(doc, &mut findings);
    if let Some(kind) = kind {
        a03_sections::check(doc, kind, draft, &mut findings);
    }
    a04_items::check(doc, &mut findings);
    a07_consent::check(doc, settings, &mut findings);
    findings.sort_by_key(|f| f.location.as_ref().map(|l| (l.line, l.column)));
    findings
}

/// The findings of one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file, as the user or discovery named it.
    pub path: PathBuf,
    /// What was found, in line order.
    pub findings: Vec<Finding>,
}

/// The findings of a `check` run.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every file checked, with its findings (possibly none).
    pub files: Vec<FileReport>,
    /// Files that could not be read.
    pub failures: Vec<UnreadFile>,
}

impl CheckReport {
    /// How many files, errors and warnings.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for file in &self.files {
            totals.add(file);
        }
        totals
    }

    /// Exit code: 2 if a file could not be read, 1 for errors, else 0.
    pub fn exit_code(&self) -> u8 {
        self.totals().exit_code(self.failures.len())
    }
}

/// How many files a `check` run read, and the errors and warnings found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Files checked.
    pub files: usize,
    /// Findings that are errors.
    pub errors: usize,
    /// Findings that are warnings.
    pub warnings: usize,
}

impl Totals {
    pub(crate) fn add(&mut self, file: &FileReport) {
        self.files += 1;
        for finding in &file.findings {
            match finding.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
        }
    }

    /// Exit code: 2 if a file could not be read (`failures`), 1 for
    /// errors, else 0.
    pub fn exit_code(&self, failures: usize) -> u8 {
        if failures > 0 {
            2
        } else if self.errors > 0 {
            1
        } else {
            0
        }
    }
}
