//! `alliance check`: discover, parse, check, render.

use std::io::Write;
use std::path::PathBuf;

use super::{CheckArgs, Failed};
use crate::check;
use crate::report::{CheckReport, Failure, FileReport, Style};
use crate::workspace::{ReadError, Workspace};

/// Check `paths` in `workspace` and collect the report.
pub fn check_report(workspace: &Workspace, paths: &[PathBuf]) -> Result<CheckReport, Failed> {
    let found = workspace.discover(paths)?;
    let mut report = CheckReport::default();
    for candidate in &found.documents {
        match workspace.read(candidate) {
            Ok(doc) => report.files.push(FileReport {
                path: candidate.path.clone(),
                findings: check::check(&doc, &workspace.kinds),
            }),
            Err(ReadError::NotText(file)) => report.files.push(FileReport {
                path: candidate.path.clone(),
                findings: vec![check::unreadable(&file)],
            }),
            Err(ReadError::Io(reason)) => report.failures.push(Failure {
                path: candidate.path.clone(),
                reason,
            }),
        }
    }
    Ok(report)
}

pub(super) fn run(args: &CheckArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let report = check_report(&workspace, &args.paths)?;
    if report.files.is_empty() && report.failures.is_empty() {
        return Err(Failed::Usage(if args.paths.is_empty() {
            format!(
                "no alliance documents found in {} (looked for *ALLIANCE*.md and Markdown with `alliance:` front matter); `alliance new team` starts one",
                workspace.root.display()
            )
        } else {
            "no alliance documents found in the folders given".to_owned()
        }));
    }
    report.render(args.format, style, out)?;
    Ok(report.exit_code())
}

