//! The JSON format: one document per run, described in `docs/json.md`.
//! Its shape is a contract: add fields, never rename or remove them.

use std::io::{self, Write};

use serde::Serialize;

use super::CheckReport;
use crate::check::finding::{Finding, Severity};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    files: Vec<File<'a>>,
    failures: Vec<FailureOut>,
    summary: Summary,
}

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

#[derive(Serialize)]
struct FailureOut {
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
    let output = Output {
        version: super::JSON_VERSION,
        files: report
            .files
            .iter()
            .map(|f| File {
                path: f.path.display().to_string(),
                findings: f.findings.iter().map(FindingOut::from).collect(),
            })
            .collect(),
        failures: report
            .failures
            .iter()
            .map(|f| FailureOut {
                path: f.path.display().to_string(),
                error: f.reason.to_string(),
            })
            .collect(),
        summary: Summary {
            files: report.files.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            failures: report.failures.len(),
        },
    };
    super::escape::json::write_pretty(&mut *out, &output)?;
    writeln!(out)
}
