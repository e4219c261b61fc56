//! `alliance check`: discover, parse, check, render.

use std::io::Write;
use std::path::PathBuf;

use super::{CheckArgs, Failed};
use crate::check;
use crate::report::{CheckReport, FileReport, Style};
use crate::workspace::{ReadError, UnreadFile, Workspace};

/// Check `paths` in `workspace` and collect the report.
pub fn check_report(workspace: &Workspace, paths: &[PathBuf]) -> Result<CheckReport, Failed> {
    let found = workspace.discover(paths)?;
    let exists =
        |doc: &std::path::Path, named: &std::path::Path| successor_exists(workspace, doc, named);
    let settings = check::Settings {
        consent_required: workspace.config.consent
            == crate::workspace::config::ConsentPolicy::Required,
        exists: Some(&exists),
    };
    // Files are independent: read and check them on every core, keeping
    // discovery's order in the report.
    let outcomes: Vec<Result<FileReport, UnreadFile>> =
        super::map_files(&found.documents, |candidate| {
            match workspace.read(candidate) {
                Ok(doc) => Ok(FileReport {
                    path: candidate.path.clone(),
                    findings: check::check_with(&doc, &workspace.kinds, &settings),
                }),
                Err(ReadError::NotText(file)) => Ok(FileReport {
                    path: candidate.path.clone(),
                    findings: vec![check::unreadable(&file)],
                }),
                Err(ReadError::Unread(unread)) => Err(unread),
            }
        });
    let mut report = CheckReport {
        failures: found.skipped,
        ..CheckReport::default()
    };
    for outcome in outcomes {
        match outcome {
            Ok(file) => report.files.push(file),
            Err(failure) => report.failures.push(failure),
        }
    }
    Ok(report)
}

/// Whether the path a document names (`superseded_by`) exists: relative to
/// the document's folder, else to the repository root; never outside it.
fn successor_exists(workspace: &Workspace, doc: &std::path::Path, named: &std::path::Path) -> bool {
    if named.is_absolute() {
        return false;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = crate::workspace::read::lexical(&cwd.join(&workspace.root));
    let folder = doc.parent().unwrap_or(std::path::Path::new(""));
    [cwd.join(folder).join(named), root.join(named)]
        .into_iter()
        .map(|p| crate::workspace::read::lexical(&p))
        .any(|p| p.starts_with(&root) && p.symlink_metadata().is_ok())
}

pub(super) fn run(args: &CheckArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let paths: Vec<PathBuf> = if args.only_alliances {
        let kept: Vec<PathBuf> = args
            .paths
            .iter()
            .filter(|p| p.is_dir() || crate::workspace::discover::looks_like_alliance(p))
            .cloned()
            .collect();
        if kept.is_empty() && !args.paths.is_empty() {
            // Nothing being committed is an alliance: nothing to check.
            return Ok(0);
        }
        kept
    } else {
        args.paths.clone()
    };
    let report = check_report(&workspace, &paths)?;
    if report.files.is_empty() && report.failures.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !args.paths.is_empty(),
        });
    }
    report.render(args.format, style, out)?;
    Ok(report.exit_code())
}
