//! Checking: a repository (every alliance discovery finds, then the pulse
//! answer files beside each, on every core, in discovery's order) and one
//! document given as text, with no file system (what an editor checks
//! while its buffer is unsaved). The rules are `check`'s; this module
//! gathers what they need (the repository's consent proofs, the
//! `superseded_by` look-up, the pulse instruments) and orders the result.

use std::path::Path;

use crate::Failed;
use crate::check::{self, Finding};
use crate::check::{CheckReport, FileReport};
use crate::clock::LazyToday;
use crate::document::Alliance;
use crate::pulse::Instruments;
use crate::workspace::discover::Found;
use crate::workspace::{ReadError, UnreadFile, Workspace};

/// Check one document given as text, as `check` would check the file at
/// `path` in `workspace` (its kinds, its config), without reading the file
/// system: consent entries are judged by their text alone (no git), a
/// `superseded_by` path is not looked up (A074 is not reported) and the
/// pulse answers are not read. `path` names the document in findings and
/// places it (its file name decides nothing here: the text is checked
/// whatever it is called). Findings in line order.
pub fn text(workspace: &Workspace, path: &Path, text: String) -> Result<Vec<Finding>, Failed> {
    let instruments = Instruments::with_folder(workspace.config.kinds.as_deref())
        .map_err(crate::pulse::PulseError::from)?;
    text_with(workspace, &instruments, path, text)
}

/// [`text`], with the repository's pulse instruments already loaded (an
/// editor server checks on every keystroke and loads them once).
pub fn text_with(
    workspace: &Workspace,
    instruments: &Instruments,
    path: &Path,
    text: String,
) -> Result<Vec<Finding>, Failed> {
    let doc = Alliance::parse_text(path, text);
    let settings = check::Settings {
        consent_required: workspace.config.consent.required,
        exists: None,
        proofs: None,
    };
    let mut findings = check::check_with(&doc, &workspace.kinds, &settings);
    findings.extend(crate::pulse::front_matter_findings(
        &doc,
        &workspace.kinds,
        instruments,
        false,
    ));
    in_line_order(&mut findings);
    Ok(findings)
}

/// Findings sorted by where they are (those about the whole file first).
fn in_line_order(findings: &mut [Finding]) {
    findings.sort_by_key(|f| f.location.as_ref().map(|l| (l.line, l.column)));
}

/// Check the repository's alliances and collect the report (each alliance,
/// then the pulse answer files beside it, `STEM.pulse/`), working out
/// `also` of each alliance read in the same pass (with the repository's
/// pulse instruments) and handing it to `keep` in discovery's order:
/// `ci summary` reads each file once for its check and its due parts.
pub fn repository<X: Send>(
    workspace: &Workspace,
    also: impl Fn(&Alliance, &Instruments) -> X + Sync + Send,
    mut keep: impl FnMut(&Path, X),
) -> Result<CheckReport, Failed> {
    let found = workspace.discover(&[])?;
    let mut files = Vec::new();
    let failures = documents(workspace, found, also, |file, extra| {
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
pub fn documents<X: Send>(
    workspace: &Workspace,
    found: Found,
    also: impl Fn(&Alliance, &Instruments) -> X + Sync + Send,
    mut sink: impl FnMut(FileReport, Option<X>) -> std::io::Result<()>,
) -> Result<Vec<UnreadFile>, Failed> {
    let exists = |doc: &Path, named: &Path| successor_exists(workspace, doc, named);
    let attestor = crate::attest::Attestor::for_workspace(workspace, Vec::new())?;
    let proofs = |doc: &Alliance| attestor.proofs(doc);
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
    crate::parallel::for_each_file(
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
                in_line_order(&mut findings);
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
fn pulse_today(found: &Found) -> Result<Option<LazyToday>, Failed> {
    match LazyToday::new() {
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
    doc: &Alliance,
    today: Option<&LazyToday>,
    files: &mut Vec<FileReport>,
) -> Vec<UnreadFile> {
    let Some(today) = today.map(LazyToday::get) else {
        return Vec::new();
    };
    // An alliance whose pulse cannot be set up (an unknown instrument,
    // which its own findings report) has its answers checked no further.
    let carry = crate::tasks::pulse::carried(doc);
    let Ok(pulse) = crate::pulse::read(
        &workspace.root,
        doc,
        &workspace.kinds,
        instruments,
        today,
        Some(&carry),
    ) else {
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
        in_line_order(&mut findings);
        files.push(FileReport {
            path: path.to_path_buf(),
            findings,
        });
    }
    pulse.unread
}

/// Whether the path a document names (`superseded_by`) exists: relative to
/// the document's folder, else to the repository root; never outside it.
fn successor_exists(workspace: &Workspace, doc: &Path, named: &Path) -> bool {
    if named.is_absolute() {
        return false;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = crate::read::lexical(&cwd.join(&workspace.root));
    let folder = doc.parent().unwrap_or(Path::new(""));
    [cwd.join(folder).join(named), root.join(named)]
        .into_iter()
        .map(|p| crate::read::lexical(&p))
        .any(|p| p.starts_with(&root) && p.symlink_metadata().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &str = "---\nalliance: team\ntitle: Payments\nstatus: active\nparties:\n  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\ncreated: 2026-01-12\nreview:\n  every: quarter\n  last: 2026-01-12\n---\n# Payments\n";

    #[test]
    fn a_text_is_checked_as_its_file_would_be_without_touching_the_file_system() {
        let dir = tempfile::tempdir().expect("tempdir");
        let workspace = Workspace::open(dir.path()).expect("workspace");
        // Named at a file that does not exist: nothing is read.
        let path = dir.path().join("TEAM_ALLIANCE.md");
        let findings = text(&workspace, &path, TEAM.to_owned()).expect("checked");
        let codes: Vec<&str> = findings.iter().map(|f| f.rule.code()).collect();
        // The team kind's required sections are missing, each said once, in
        // line order; consent is judged by the text alone (no A076).
        assert!(codes.contains(&"A030"), "{codes:?}");
        assert!(!codes.contains(&"A076"), "{codes:?}");
        let lines: Vec<usize> = findings
            .iter()
            .filter_map(|f| f.location.as_ref().map(|l| l.line))
            .collect();
        assert!(lines.is_sorted(), "{lines:?}");
        assert!(!path.exists());
    }

    #[test]
    fn a_text_without_front_matter_is_not_an_alliance() {
        let dir = tempfile::tempdir().expect("tempdir");
        let workspace = Workspace::open(dir.path()).expect("workspace");
        let findings =
            text(&workspace, Path::new("notes.md"), "# Notes\n".to_owned()).expect("checked");
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].rule.code(), "A001");
    }
}
