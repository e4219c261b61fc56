//! JUnit XML, which GitLab, Jenkins and most CI servers show as test
//! results: one test case per file, failing when the file has errors.

use std::io::{self, Write};

use super::words::severity;
use super::{CheckReport, FileReport, xml_escape as xml};
use crate::check::finding::{Finding, Severity};

pub(super) fn check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let failing = report
        .files
        .iter()
        .filter(|f| f.findings.iter().any(|x| x.severity == Severity::Error))
        .count();
    let tests = report.files.len() + report.failures.len();
    let errors = report.failures.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="alliance check" tests="{tests}" failures="{failing}" errors="{errors}">"#,
    )?;
    writeln!(
        out,
        r#"  <testsuite name="alliance check" tests="{tests}" failures="{failing}" errors="{errors}">"#,
    )?;
    for file in &report.files {
        testcase(file, out)?;
    }
    for failure in &report.failures {
        writeln!(
            out,
            r#"    <testcase classname="alliance.check" name="{}"><error message="{}"/></testcase>"#,
            xml(&failure.path.display().to_string()),
            xml(&format!("cannot read the file: {}", failure.reason))
        )?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// One file: a failure carrying every error, the warnings as output.
fn testcase(file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    let path = file.path.display().to_string();
    write!(
        out,
        r#"    <testcase classname="alliance.check" name="{}""#,
        xml(&path)
    )?;
    let of = |severity: Severity| -> Vec<&Finding> {
        file.findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect()
    };
    let (errors, warnings) = (of(Severity::Error), of(Severity::Warning));
    if errors.is_empty() && warnings.is_empty() {
        return writeln!(out, "/>");
    }
    writeln!(out, ">")?;
    if let Some(first) = errors.first() {
        writeln!(
            out,
            r#"      <failure type="{}" message="{}">{}</failure>"#,
            first.rule.code(),
            xml(&format!("{} error(s): {}", errors.len(), first.message)),
            xml(&lines(&path, &errors))
        )?;
    }
    if !warnings.is_empty() {
        writeln!(
            out,
            "      <system-out>{}</system-out>",
            xml(&lines(&path, &warnings))
        )?;
    }
    writeln!(out, "    </testcase>")
}

/// `path:line:col: error[A030] message (help: ...)`, one finding a line.
fn lines(path: &str, findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let at = f
                .location
                .as_ref()
                .map(|l| format!("{path}:{}:{}: ", l.line, l.column))
                .unwrap_or_else(|| format!("{path}: "));
            let help = f
                .help
                .as_ref()
                .map(|h| format!(" (help: {h})"))
                .unwrap_or_default();
            format!(
                "{at}{}[{}] {}{help}",
                severity(f.severity),
                f.rule.code(),
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
