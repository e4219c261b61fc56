//! SARIF 2.1.0, for code scanning (GitHub's "Security" tab and others):
//! every rule as a reporting descriptor, every finding as a result.

use std::io::{self, Write};

use serde_json::json;

use super::CheckReport;
use crate::check::finding::Rule;

pub(super) fn check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let mut results = Vec::new();
    for file in &report.files {
        let artifact = artifact(&file.path.display().to_string());
        for f in &file.findings {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut location = json!({ "artifactLocation": artifact });
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
                "locations": [ { "physicalLocation": { "artifactLocation": artifact(&failure.path.display().to_string()) } } ],
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
                "rules": rules(),
            } },
            // Columns count characters (Unicode code points), as every
            // other format does; not UTF-16 code units, SARIF's default.
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [ {
                "executionSuccessful": report.failures.is_empty(),
                "toolExecutionNotifications": notifications,
            } ],
        } ],
    });
    crate::escape::json::write_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

/// Every rule as a reporting descriptor, in [`Rule::ALL`]'s order (a
/// result's `ruleIndex`).
fn rules() -> Vec<serde_json::Value> {
    Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code(),
                "name": r.name(),
                "shortDescription": { "text": r.summary() },
                "helpUri": format!("https://github.com/alliance-cli/alliance/blob/main/docs/rules.md#{}-{}", r.code().to_lowercase(), r.name()),
            })
        })
        .collect()
}

/// Where a file is: a path relative to the repository root (what the
/// report holds) as a URI reference from `%SRCROOT%`; a path outside it
/// (named absolutely) as a `file:` URI.
fn artifact(path: &str) -> serde_json::Value {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    if rest.starts_with('/') {
        json!({ "uri": format!("file://{}", encode(rest)) })
    } else {
        json!({ "uri": encode(rest), "uriBaseId": "%SRCROOT%" })
    }
}

/// `path` with reserved and non-ASCII bytes percent-encoded.
fn encode(path: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_uris_from_the_source_root() {
        assert_eq!(
            artifact("./docs/TEAM ALLIANCE.md"),
            json!({ "uri": "docs/TEAM%20ALLIANCE.md", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact("/elsewhere/a.md"),
            json!({ "uri": "file:///elsewhere/a.md" })
        );
    }
}
