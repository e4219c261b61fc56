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

pub mod words;

pub mod agenda;
pub mod ci;
pub mod codeowners;
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
pub mod remind;
mod sarif;
pub mod site;
pub mod write;

use crate::escape;
use std::io::{self, Write};

use crate::workspace::UnreadFile;

/// The version of every JSON shape `alliance` prints (`check`, `due`,
/// `list`; see `docs/json.md`): raised when a key changes meaning or goes
/// away, never when one is added.
pub const JSON_VERSION: u32 = 1;

/// How to render a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
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

impl CheckReport {
    /// Render in `format`.
    pub fn render(&self, format: CheckFormat, style: Style, out: &mut dyn Write) -> io::Result<()> {
        match format {
            CheckFormat::Human => human::check(self, style, out),
            CheckFormat::Json => json::check(self, out),
            CheckFormat::Github => github::check(self, out),
            CheckFormat::Sarif => sarif::check(self, out),
            CheckFormat::Junit => junit::check(self, out),
            CheckFormat::Codequality => codequality::check(self, out),
        }
    }
}

/// A `check` report written as its files come: human, JSON and GitHub
/// output is written file by file and nothing but the counts is kept, so
/// memory stays flat in the number of files. SARIF, JUnit and Code Quality
/// put totals or the whole list ahead of the findings: they keep the
/// report and render it at the end. The bytes are the same as
/// [`CheckReport::render`]'s.
pub struct CheckStream<'a> {
    totals: Totals,
    sink: Sink<'a>,
}

enum Sink<'a> {
    Human(annotate_snippets::Renderer, &'a mut dyn Write),
    Json(escape::json::Pretty<'a>),
    Github(&'a mut dyn Write),
    Whole(CheckReport, CheckFormat, Style, &'a mut dyn Write),
}

impl<'a> CheckStream<'a> {
    /// Start writing a report in `format` to `out`.
    pub fn start(format: CheckFormat, style: Style, out: &'a mut dyn Write) -> io::Result<Self> {
        let sink = match format {
            CheckFormat::Human => Sink::Human(human::renderer(style), out),
            CheckFormat::Json => Sink::Json(json::start(out)?),
            CheckFormat::Github => Sink::Github(out),
            CheckFormat::Sarif | CheckFormat::Junit | CheckFormat::Codequality => {
                Sink::Whole(CheckReport::default(), format, style, out)
            }
        };
        Ok(CheckStream {
            totals: Totals::default(),
            sink,
        })
    }

    /// One file's findings, in discovery's order.
    pub fn file(&mut self, file: FileReport) -> io::Result<()> {
        self.totals.add(&file);
        match &mut self.sink {
            Sink::Human(renderer, out) => human::file(renderer, &file, *out),
            Sink::Json(object) => json::file(object, &file),
            Sink::Github(out) => github::file(&file, *out),
            Sink::Whole(report, ..) => {
                report.files.push(file);
                Ok(())
            }
        }
    }

    /// The files that could not be read, and the end of the report; the
    /// exit code.
    pub fn finish(self, failures: Vec<UnreadFile>) -> io::Result<u8> {
        let code = self.totals.exit_code(failures.len());
        match self.sink {
            Sink::Human(renderer, out) => human::end(&renderer, &failures, self.totals, out)?,
            Sink::Json(object) => json::end(object, &failures, self.totals)?,
            Sink::Github(out) => github::end(&failures, out)?,
            Sink::Whole(mut report, format, style, out) => {
                report.failures = failures;
                report.render(format, style, out)?;
            }
        }
        Ok(code)
    }
}

pub use crate::check::{CheckReport, FileReport, Totals};
pub use crate::escape::sanitize;

/// Escape text for XML: the same as [`escape::xml::text`].
pub fn xml_escape(text: &str) -> String {
    escape::xml::text(text)
}

pub use crate::report::words::plural;

/// The reports of several alliances, one after the other (`log`, `diff`
/// and `pulse report` given no path in a repository with several): in JSON
/// one document, `{"version": 1, "alliances": [REPORT, ...]}`, each REPORT
/// as the command prints it for one alliance; otherwise each report as it
/// prints, a blank line between two.
pub fn several(parts: &[Vec<u8>], json: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        let alliances = parts
            .iter()
            .map(|part| serde_json::from_slice::<serde_json::Value>(part))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io::Error::other)?;
        let doc = serde_json::json!({"version": JSON_VERSION, "alliances": alliances});
        escape::json::write_pretty(&mut *out, &doc)?;
        return writeln!(out);
    }
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        out.write_all(part)?;
    }
    Ok(())
}

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
