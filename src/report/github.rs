//! The GitHub Actions format: `::error file=...,line=...::message`
//! workflow commands, which the runner turns into annotations.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

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
    for f in &file.findings {
        let level = super::words::severity(f.severity);
        let at = f.location.as_ref().map(|l| At {
            line: l.line,
            column: l.column,
            end_column: (l.end_line == l.line && l.end_column > l.column).then_some(l.end_column),
        });
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let title = format!("{} {}", f.rule.code(), f.rule.name());
        annotation(out, level, &file.path, at, &title, &message)?;
    }
    Ok(())
}

/// One annotation per file that could not be read.
pub(super) fn end(failures: &[UnreadFile], out: &mut dyn Write) -> io::Result<()> {
    for failure in failures {
        let message = format!("cannot read the file: {}", failure.reason);
        annotation(out, "error", &failure.path, None, "alliance", &message)?;
    }
    Ok(())
}

/// Where in its file an annotation points.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    pub(super) line: usize,
    pub(super) column: usize,
    /// The end column, when the span ends on its line.
    pub(super) end_column: Option<usize>,
}

/// Write one workflow command: `::LEVEL file=…,line=…,col=…,title=…::MESSAGE`.
/// Every field is escaped for its place. When the runner cannot be given
/// the file's name exactly ([`crate::escape::github::file`]: a control or
/// a bidirectional override in it), `file=`, `line=` and `col=` are left
/// out and the message starts with the place, escaped, so the annotation
/// never points at a file that does not exist.
pub(super) fn annotation(
    out: &mut dyn Write,
    level: &str,
    path: &Path,
    at: Option<At>,
    title: &str,
    message: &str,
) -> io::Result<()> {
    let title = property(title);
    let Some(file) = crate::escape::github::file(path) else {
        let place = match at {
            Some(at) => format!("{}:{}:{}", path.display(), at.line, at.column),
            None => path.display().to_string(),
        };
        let message = data(&format!("{place}: {message}"));
        return writeln!(out, "::{level} title={title}::{message}");
    };
    let mut props = format!("file={file}");
    if let Some(at) = at {
        let _ = write!(props, ",line={},col={}", at.line, at.column);
        if let Some(end) = at.end_column {
            let _ = write!(props, ",endColumn={end}");
        }
    }
    writeln!(out, "::{level} {props},title={title}::{}", data(message))
}

pub use crate::escape::github::{data, property};
