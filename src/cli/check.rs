//! `alliance check`: discover, parse, check, render.

use std::io::Write;
use std::path::PathBuf;

use super::{CheckArgs, Failed};
use crate::check;
use crate::pulse::Instruments;
use crate::report::{CheckReport, CheckStream, FileReport, Format, Style};
use crate::workspace::discover::Found;
use crate::workspace::{ReadError, UnreadFile, Workspace};

/// Check the repository's alliances and collect the report (each alliance,
/// then the pulse answer files beside it, `STEM.pulse/`), working out
/// `also` of each alliance read in the same pass (with the repository's
/// pulse instruments) and handing it to `keep` in discovery's order:
/// `ci summary` reads each file once for its check and its due parts.
pub(super) fn check_report_with<X: Send>(
    workspace: &Workspace,
    also: impl Fn(&crate::document::Alliance, &Instruments) -> X + Sync + Send,
    mut keep: impl FnMut(&std::path::Path, X),
) -> Result<CheckReport, Failed> {
    let found = workspace.discover(&[])?;
    let mut files = Vec::new();
    let failures = check_files(workspace, found, also, |file, extra| {
        if let Some(x) = extra {
            keep(&file.path, x);
        }
        files.push(file);
        Ok(())
    })?;
    Ok(CheckReport { files, failures })
}

/// Check every document `found`, handing each file's report to `sink` in
/// discovery's order (an alliance, then its pulse answer files), with
/// `also` of the alliance for an alliance's own report; the files that
/// could not be read, discovery's first.
fn check_files<X: Send>(
    workspace: &Workspace,
    found: Found,
    also: impl Fn(&crate::document::Alliance, &Instruments) -> X + Sync + Send,
    mut sink: impl FnMut(FileReport, Option<X>) -> std::io::Result<()>,
) -> Result<Vec<UnreadFile>, Failed> {
    let exists =
        |doc: &std::path::Path, named: &std::path::Path| successor_exists(workspace, doc, named);
    let attestor = crate::attest::Attestor::for_workspace(workspace, Vec::new())?;
    let proofs = |doc: &crate::document::Alliance| attestor.proofs(doc);
    let settings = check::Settings {
        consent_required: workspace.config.consent.required,
        exists: Some(&exists),
        proofs: Some(&proofs),
    };
    let instruments = Instruments::with_folder(workspace.config.kinds.as_deref())
        .map_err(crate::pulse::PulseError::from)?;
    let today = pulse_today(&found)?;
    let mut failures = found.skipped;
    // Files are independent: read and check them on every core, keeping
    // discovery's order in the report.
    super::for_each_file(
        &found.documents,
        |candidate| match workspace.read(candidate) {
            Ok(doc) => {
                let has_answers = crate::pulse::rounds::names_pulse_folder(&doc.path);
                let mut findings = check::check_with(&doc, &workspace.kinds, &settings);
                findings.extend(crate::pulse::front_matter_findings(
                    &doc,
                    &workspace.kinds,
                    &instruments,
                    has_answers,
                ));
                findings.sort_by_key(|f| f.location.as_ref().map(|l| (l.line, l.column)));
                let mut files = vec![FileReport {
                    path: candidate.path.clone(),
                    findings,
                }];
                let unread = if has_answers {
                    pulse_files(workspace, &instruments, &doc, today.as_ref(), &mut files)
                } else {
                    Vec::new()
                };
                (files, unread, Some(also(&doc, &instruments)))
            }
            Err(ReadError::NotText(file)) => (
                vec![FileReport {
                    path: candidate.path.clone(),
                    findings: vec![check::unreadable(&file)],
                }],
                Vec::new(),
                None,
            ),
            Err(ReadError::Unread(unread)) => (Vec::new(), vec![unread], None),
        },
        |(files, unread, mut extra)| {
            failures.extend(unread);
            // The alliance's own report comes first; `also` goes with it.
            files
                .into_iter()
                .try_for_each(|file| sink(file, extra.take()))
        },
    )?;
    Ok(failures)
}

/// Today, to date-check pulse answers. It is needed only for them: a bad
/// ALLIANCE_TODAY fails a repository that has them (before any output),
/// and no other; the clock is read at the first answers. Where
/// ALLIANCE_TODAY is good or unset, no folder is looked for here.
fn pulse_today(found: &Found) -> Result<Option<super::LazyToday>, Failed> {
    match super::LazyToday::new() {
        Ok(today) => Ok(Some(today)),
        Err(bad) => {
            if found
                .documents
                .iter()
                .any(|c| crate::pulse::rounds::names_pulse_folder(&c.path))
            {
                return Err(bad);
            }
            Ok(None)
        }
    }
}

/// The pulse answer files of `doc` (which has a pulse folder), checked
/// (A060–A067), pushed after it.
fn pulse_files(
    workspace: &Workspace,
    instruments: &Instruments,
    doc: &crate::document::Alliance,
    today: Option<&super::LazyToday>,
    files: &mut Vec<FileReport>,
) -> Vec<UnreadFile> {
    let Some(today) = today.map(super::LazyToday::get) else {
        return Vec::new();
    };
    // An alliance whose pulse cannot be set up (an unknown instrument,
    // which its own findings report) has its answers checked no further.
    let Ok(pulse) = crate::pulse::read(&workspace.root, doc, &workspace.kinds, instruments, today)
    else {
        return Vec::new();
    };
    for (path, finding) in &pulse.folder_findings {
        files.push(FileReport {
            path: path.clone(),
            findings: vec![finding.clone()],
        });
    }
    for (path, findings) in pulse.file_findings() {
        let mut findings = findings.to_vec();
        findings.sort_by_key(|f| f.location.as_ref().map(|l| (l.line, l.column)));
        files.push(FileReport {
            path: path.to_path_buf(),
            findings,
        });
    }
    pulse.unread
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
    let found = workspace.discover(&paths)?;
    if found.documents.is_empty() && found.skipped.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !args.paths.is_empty(),
        });
    }
    // Each file's findings are written as soon as they are made.
    // SARIF, Code Quality, JUnit and annotations name files from the
    // repository root, whatever path was typed; human and JSON output as
    // the user named them.
    let from_root = !matches!(args.format, Format::Human | Format::Json);
    let named = |path: PathBuf| {
        if from_root {
            workspace.in_repository(&path)
        } else {
            path
        }
    };
    let mut stream = CheckStream::start(args.format, style, out)?;
    let failures = check_files(
        &workspace,
        found,
        |_, _| (),
        |file, _| {
            stream.file(FileReport {
                path: named(file.path),
                ..file
            })
        },
    )?;
    let failures = failures
        .into_iter()
        .map(|file| UnreadFile {
            path: named(file.path),
            ..file
        })
        .collect();
    Ok(stream.finish(failures)?)
}
