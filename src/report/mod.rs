//! Reports: the findings of a run, rendered in the format asked for.
//!
//! One report type, many renderers: `human` (rustc-style snippets),
//! `json` (stable, documented in `docs/json.md`), `github` (workflow
//! commands), `sarif` (code scanning), `junit` (CI test reports) and
//! `codequality` (GitLab); `ci` builds the pull-request comment and the job
//! summary.
//! Renderers write to a `Write` they are given; the library never prints.
//! All text that came from a document goes through [`sanitize`] before it
//! reaches a terminal.

pub mod words;

pub mod ci;
mod codequality;
pub mod diff;
pub mod due;
mod github;
mod human;
mod json;
mod junit;
pub mod kinds;
pub mod list;
pub mod log;
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

/// Make document text safe for a terminal: control characters (ESC, BEL,
/// carriage returns, NUL...) and bidirectional overrides are written as
/// escapes instead of passing through.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Escape text for XML content and attribute values. Characters XML 1.0
/// cannot hold at all (most C0 controls) are written as `\u{..}`.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.extend(c.escape_default());
            }
            c => out.push(c),
        }
    }
    out
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
    }
}
