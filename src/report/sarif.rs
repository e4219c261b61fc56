//! SARIF 2.1.0, for code scanning (GitHub's "Security" tab and others):
//! every rule as a reporting descriptor, every finding as a result.

use std::io::{self, Write};

use serde_json::json;

use super::CheckReport;
use crate::check::finding::Rule;

pub(super) fn check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<_> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code(),
                "name": r.name(),
                "shortDescription": { "text": r.summary() },
                "helpUri": format!("https://github.com/alliance-cli/alliance/blob/main/docs/rules.md#{}-{}", r.code().to_lowercase(), r.name()),
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in &report.files {
        let uri = uri(&file.path.display().to_string());
        for f in &file.findings {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut location = json!({ "artifactLocation": { "uri": uri } });
            if let Some(l) = &f.location {
                location["region"] = json!({
                    "startLine": l.line,
                    "startColumn": l.column,
                    "endLine": l.end_line,
                    "endColumn": l.end_column.max(l.column),
                });
            }
            results.push(json!({
                "ruleId": f.rule.code(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule),
                "level": super::words::severity(f.severity),
                "message": { "text": text },
                "locations": [ { "physicalLocation": location } ],
            }));
        }
    }
    // A file that could not be read is no finding about a document: SARIF
    // records it as a failed tool execution.
    let notifications: Vec<_> = report
        .failures
        .iter()
        .map(|failure| {
            json!({
                "level": "error",
                "message": { "text": format!("cannot read the file: {}", failure.reason) },
                "locations": [ { "physicalLocation": { "artifactLocation": { "uri": uri(&failure.path.display().to_string()) } } } ],
            })
        })
        .collect();
    let sarif = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [ {
            "tool": { "driver": {
                "name": "alliance",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/alliance-cli/alliance",
                "rules": rules,
            } },
            "results": results,
            "invocations": [ {
                "executionSuccessful": report.failures.is_empty(),
                "toolExecutionNotifications": notifications,
            } ],
        } ],
    });
    super::escape::json::write_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

/// A relative path as a URI reference: forward slashes, reserved and
/// non-ASCII bytes percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
