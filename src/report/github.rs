//! The GitHub Actions format: `::error file=...,line=...::message`
//! workflow commands, which the runner turns into annotations.

use std::io::{self, Write};

use super::{CheckReport, FileReport};
use crate::workspace::UnreadFile;

pub(super) fn check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        self::file(file, out)?;
    }
    end(&report.failures, out)
}

/// One annotation per finding of `file`.
pub(super) fn file(file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    let path = property(&file.path.display().to_string());
    for f in &file.findings {
        let level = super::words::severity(f.severity);
        let mut props = format!("file={path}");
        if let Some(l) = &f.location {
            props.push_str(&format!(",line={},col={}", l.line, l.column));
            if l.end_line == l.line && l.end_column > l.column {
                props.push_str(&format!(",endColumn={}", l.end_column));
            }
        }
        props.push_str(&format!(
            ",title={}",
            property(&format!("{} {}", f.rule.code(), f.rule.name()))
        ));
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(out, "::{level} {props}::{}", data(&message))?;
    }
    Ok(())
}

/// One annotation per file that could not be read.
pub(super) fn end(failures: &[UnreadFile], out: &mut dyn Write) -> io::Result<()> {
    for failure in failures {
        let path = property(&failure.path.display().to_string());
        let message = format!("cannot read the file: {}", failure.reason);
        writeln!(
            out,
            "::error file={path},title=alliance::{}",
            data(&message)
        )?;
    }
    Ok(())
}

pub use super::escape::github::{data, property};
