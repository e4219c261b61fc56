//! Reports: the findings of a run, rendered in the format asked for.
//!
//! One report type, many renderers: `human` (rustc-style snippets),
//! `json` (stable, documented in `docs/json.md`), `github` (workflow
//! commands), `sarif` (code scanning), `junit` (CI test reports) and
//! `codequality` (GitLab); `ci` builds the pull-request comment and the job
//! summary.
//! Renderers write to a `Write` they are given; the library never prints.
//! All text that came from a document (or a kind, a file name, a commit)
//! goes through the escaper of the place it lands, in [`escape`]: the
//! terminal, Markdown, workflow commands, XML. JSON and SARIF are written
//! by `serde_json`.

pub mod escape;
pub mod words;

pub mod agenda;
pub mod ci;
mod codequality;
pub mod consent;
pub mod diff;
pub mod due;
mod github;
mod human;
mod json;
mod junit;
pub mod kinds;
pub mod list;
pub mod log;
pub mod pulse;
mod sarif;
pub mod write;

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::check::finding::{Finding, Severity};
use crate::workspace::UnreadFile;

/// The version of every JSON shape `alliance` prints (`check`, `due`,
/// `list`; see `docs/json.md`): raised when a key changes meaning or goes
/// away, never when one is added.
pub const JSON_VERSION: u32 = 1;

/// How to render a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: rustc-style, with the source line.
    Human,
    /// For programs: one JSON document (see docs/json.md).
    Json,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for GitLab, Jenkins and other CI test reports.
    Junit,
    /// GitLab Code Quality JSON (fingerprints stable when lines move).
    Codequality,
}

/// Whether to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
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
    /// How many findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.findings)
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Exit code: 2 if a file could not be read, 1 for errors, else 0.
    pub fn exit_code(&self) -> u8 {
        if !self.failures.is_empty() {
            2
        } else if self.count(Severity::Error) > 0 {
            1
        } else {
            0
        }
    }

    /// Render in `format`.
    pub fn render(&self, format: Format, style: Style, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Human => human::check(self, style, out),
            Format::Json => json::check(self, out),
            Format::Github => github::check(self, out),
            Format::Sarif => sarif::check(self, out),
            Format::Junit => junit::check(self, out),
            Format::Codequality => codequality::check(self, out),
        }
    }
}

/// Make document text safe for one line of terminal output: the same as
/// [`escape::terminal::line`] (control characters, line breaks and
/// bidirectional overrides as escapes; no workflow command at the start of
/// a line). Kept under this name for the callers that use it.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    escape::terminal::line(text)
}

/// Escape text for XML: the same as [`escape::xml::text`].
pub fn xml_escape(text: &str) -> String {
    escape::xml::text(text)
}

pub use crate::report::words::plural;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(sanitize("plain ü"), "plain ü");
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(sanitize("x\ry"), "x\\ry");
        assert_eq!(sanitize("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(sanitize("one\n::error::two"), "one\\n::error::two");
    }
}
