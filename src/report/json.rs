//! The JSON format: one document per run, described in `docs/json.md`.
//! Its shape is a contract: add fields, never rename or remove them.

use std::io::{self, Write};

use serde::Serialize;

use super::{CheckReport, FileReport, Totals};
use crate::check::finding::{Finding, Severity};
use crate::escape::json::Pretty;
use crate::workspace::UnreadFile;

#[derive(Serialize)]
struct File<'a> {
    path: String,
    findings: Vec<FindingOut<'a>>,
}

#[derive(Serialize)]
pub(super) struct FindingOut<'a> {
    code: &'static str,
    rule: &'static str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
}

impl<'a> From<&'a Finding> for FindingOut<'a> {
    fn from(f: &'a Finding) -> Self {
        let loc = f.location.as_ref();
        FindingOut {
            code: f.rule.code(),
            rule: f.rule.name(),
            severity: f.severity,
            message: &f.message,
            help: f.help.as_deref(),
            line: loc.map(|l| l.line),
            column: loc.map(|l| l.column),
            end_line: loc.map(|l| l.end_line),
            end_column: loc.map(|l| l.end_column),
        }
    }
}

/// Files that could not be read, as `{path, error}` (`check`'s
/// `failures`, `due`'s `unreadable`).
pub(super) fn unread(files: &[UnreadFile]) -> Vec<FailureOut> {
    files
        .iter()
        .map(|f| FailureOut {
            path: f.path.display().to_string(),
            error: f.reason.to_string(),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct FailureOut {
    path: String,
    error: String,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    failures: usize,
}

pub(super) fn check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let mut object = start(out)?;
    for file in &report.files {
        self::file(&mut object, file)?;
    }
    end(object, &report.failures, report.totals())
}

/// The opening, up to the list of files.
pub(super) fn start(out: &mut dyn Write) -> io::Result<Pretty<'_>> {
    let mut object = Pretty::start(out)?;
    object.field("version", &super::JSON_VERSION)?;
    object.open_array("files")?;
    Ok(object)
}

/// One file and its findings.
pub(super) fn file(object: &mut Pretty<'_>, file: &FileReport) -> io::Result<()> {
    object.item(&File {
        path: file.path.display().to_string(),
        findings: file.findings.iter().map(FindingOut::from).collect(),
    })
}

/// After the files: the ones that could not be read, and the summary.
pub(super) fn end(
    mut object: Pretty<'_>,
    failures: &[UnreadFile],
    totals: Totals,
) -> io::Result<()> {
    object.close_array()?;
    let failures = unread(failures);
    object.field("failures", &failures)?;
    object.field(
        "summary",
        &Summary {
            files: totals.files,
            errors: totals.errors,
            warnings: totals.warnings,
            failures: failures.len(),
        },
    )?;
    object.end()
}
