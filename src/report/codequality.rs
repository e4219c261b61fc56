//! GitLab Code Quality JSON: one issue per finding, shown in the merge
//! request's Code Quality widget and on the changed lines.
//!
//! Each fingerprint is built from the rule, the file and the item the
//! finding is about (the text of its line, trimmed), not the line number:
//! an agreement that moves down the file keeps its fingerprint, so GitLab
//! does not report it as fixed and new again. Two findings of one rule on
//! identical lines get a counter.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::json;

use super::CheckReport;
use crate::check::finding::Severity;

pub(super) fn check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut fingerprint = |parts: &[&str]| {
        let key = parts.join("\u{0}");
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        fnv1a_128(&format!("{key}\u{0}{n}"))
    };
    for file in &report.files {
        let path = relative(&file.path.display().to_string());
        for f in &file.findings {
            let subject = f
                .location
                .as_ref()
                .map(|l| l.excerpt.trim().to_owned())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| f.message.clone());
            let mut description = format!("{} {}: {}", f.rule.code(), f.rule.name(), f.message);
            if let Some(help) = &f.help {
                description.push_str(" (help: ");
                description.push_str(help);
                description.push(')');
            }
            issues.push(json!({
                "type": "issue",
                "check_name": f.rule.code(),
                "description": description,
                "categories": ["Style"],
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "fingerprint": fingerprint(&[f.rule.code(), &path, &subject]),
                "location": {
                    "path": path,
                    "lines": { "begin": f.location.as_ref().map_or(1, |l| l.line) },
                },
            }));
        }
    }
    for failure in &report.failures {
        let path = relative(&failure.path.display().to_string());
        issues.push(json!({
            "type": "issue",
            "check_name": "A005",
            "description": format!("A005: cannot read the file: {}", failure.reason),
            "categories": ["Bug Risk"],
            "severity": "critical",
            "fingerprint": fingerprint(&["A005", &path, ""]),
            "location": { "path": path, "lines": { "begin": 1 } },
        }));
    }
    crate::escape::json::write_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// The path as GitLab wants it: relative, forward slashes, no `./`.
fn relative(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.to_owned()
}

/// FNV-1a, 128 bits, as 32 hex digits: a fingerprint that is the same on
/// every machine and in every version.
fn fnv1a_128(text: &str) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    for byte in text.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    format!("{hash:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_published_function() {
        // FNV-1a 128 of the empty string is the offset basis.
        assert_eq!(fnv1a_128(""), "6c62272e07bb014262b821756295c58d");
        assert_ne!(fnv1a_128("a"), fnv1a_128("b"));
    }

    #[test]
    fn paths_are_relative() {
        assert_eq!(relative("./a/b.md"), "a/b.md");
        assert_eq!(relative("a\\b.md"), "a/b.md");
    }
}
