//! `alliance ci comment` and `alliance ci summary`: the pull-request
//! comment and the job summary, built by the binary instead of by shell
//! in a workflow file.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CiCommentArgs, CiSummaryArgs, Failed};
use crate::ci::forge::Upsert;
use crate::ci::{ChangeSet, CiError, Environment, changes};
use crate::due::{self, DueReport, Tier, Window};
use crate::history::History;
use crate::report::ci::{Block, SUMMARY_LIMIT, bytes, fit};
use crate::report::diff::md_escape;
use crate::report::due::{DueFormat, render};
use crate::report::{CheckReport, plural};
use crate::workspace::Workspace;

pub(super) fn comment(
    args: &CiCommentArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    let env = Environment::from_process();
    let base = match &args.base {
        Some(base) => base.clone(),
        None => env.base()?.ok_or(CiError::NoBase)?,
    };
    let workspace = Workspace::current()?;
    let set = change_set(&workspace, &base)?;
    let body = set.comment();
    if args.dry_run {
        out.write_all(body.as_bytes())?;
        return Ok(0);
    }
    let Some(forge) = env.forge()? else {
        writeln!(
            out,
            "not a pull request (no pull request in the CI's environment): no comment to post"
        )?;
        return Ok(0);
    };
    let place = forge.describe();
    match forge.upsert(&body, !set.changes.is_empty())? {
        Upsert::Created(id) => writeln!(out, "posted comment {id} on {place}")?,
        Upsert::Updated(id) => writeln!(out, "updated comment {id} on {place}")?,
        Upsert::Unchanged(id) => writeln!(out, "comment {id} on {place} is up to date")?,
        Upsert::NotNeeded => writeln!(
            out,
            "no alliance changed and no comment yet on {place}: nothing posted"
        )?,
        Upsert::ReadOnly(why) => {
            let text = format!(
                "cannot comment on {place}: the token may not write ({why}). A pull request from a fork gets a read-only token; the job summary still has the diff. For a same-repository pull request, give the job `permissions: pull-requests: write`."
            );
            if env.is_github() {
                writeln!(
                    out,
                    "::warning title=alliance ci comment::{}",
                    workflow(&text)
                )?;
            } else {
                writeln!(err, "alliance: warning: {}", crate::report::sanitize(&text))?;
            }
        }
    }
    Ok(0)
}

pub(super) fn summary(args: &CiSummaryArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let env = Environment::from_process();
    let base = match &args.base {
        Some(base) => Some(base.clone()),
        None => env.base()?,
    };
    let today = super::today()?;
    let within = super::within(args.within.as_deref())?;
    let workspace = Workspace::current()?;
    let check = super::check::check_report(&workspace, &[])?;
    let due = due_report(&workspace, Window::new(today, within))?;
    let set = match &base {
        Some(base) => Some(change_set(&workspace, base)?),
        None => None,
    };
    let text = summary_text(&check, &due, set.as_ref());
    let (path, append) = match &args.output {
        Some(path) if path.as_os_str() == "-" => {
            out.write_all(text.as_bytes())?;
            return Ok(0);
        }
        Some(path) => (path.clone(), false),
        None => env.summary_target(),
    };
    let written = if append {
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
    } else {
        std::fs::write(&path, text.as_bytes())
    };
    written.map_err(|source| Failed::Summary {
        path: path.clone(),
        source,
    })?;
    writeln!(out, "wrote the summary to {}", path.display())?;
    Ok(0)
}

/// The alliances `base..working tree` touches.
fn change_set(workspace: &Workspace, base: &str) -> Result<ChangeSet, Failed> {
    let history = History::discover(&workspace.root)?;
    let found = workspace.discover(&[])?;
    let now: HashSet<PathBuf> = found
        .documents
        .iter()
        .map(|c| canonical(&workspace.root.join(&c.path)))
        .collect();
    let root = history.root().to_path_buf();
    let is_alliance = |relative: &Path| now.contains(&canonical(&root.join(relative)));
    changes::collect(&history, base, &is_alliance).map_err(|e| match e {
        crate::history::HistoryError::UnknownRevision { reason, .. } => {
            Failed::Ci(CiError::BaseNotHere {
                base: base.to_owned(),
                reason,
            })
        }
        other => Failed::History(other),
    })
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `due` over the repository's alliances.
fn due_report(workspace: &Workspace, window: Window) -> Result<DueReport, Failed> {
    let found = workspace.discover(&[])?;
    let mut report = DueReport::new(window);
    for candidate in &found.documents {
        if let Ok(doc) = workspace.read(candidate) {
            let outcome = due::assess(&doc, &report.window);
            report.add(&candidate.path, outcome);
        }
    }
    Ok(report)
}

/// The job summary: check, due and the changes, within GitHub's 1 MiB.
pub fn summary_text(check: &CheckReport, due: &DueReport, set: Option<&ChangeSet>) -> String {
    let head = "## alliance\n";
    let mut blocks = vec![check_block(check), due_block(due)];
    match set {
        Some(set) => {
            let line = format!("\n### Changes: {}\n\n{}\n", set.headline(), set.compared());
            blocks.push(Block {
                full: line.clone(),
                short: line,
            });
            blocks.extend(set.blocks());
        }
        None => {
            let line =
                "\n### Changes\n\nNo base to compare with (not a pull request, and no --base).\n"
                    .to_owned();
            blocks.push(Block {
                full: line.clone(),
                short: line,
            });
        }
    }
    fit(
        head,
        &blocks,
        "",
        SUMMARY_LIMIT,
        bytes,
        "GitHub's limit of 1 MiB for a job summary",
    )
}

fn check_block(report: &CheckReport) -> Block {
    use crate::check::finding::Severity;
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let mark = if errors > 0 || !report.failures.is_empty() {
        "❌"
    } else {
        "✅"
    };
    let line = format!(
        "\n### Check\n\n{mark} {} checked: {}, {}{}\n",
        plural(report.files.len(), "alliance"),
        plural(errors, "error"),
        plural(warnings, "warning"),
        if report.failures.is_empty() {
            String::new()
        } else {
            format!(", {} unreadable", plural(report.failures.len(), "file"))
        }
    );
    let mut full = line.clone();
    let rows: Vec<String> = report
        .files
        .iter()
        .flat_map(|file| {
            file.findings.iter().map(move |f| {
                let place = match &f.location {
                    Some(l) => format!("{}:{}", file.path.display(), l.line),
                    None => file.path.display().to_string(),
                };
                let severity = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                format!(
                    "| {severity} | {} | {} {} | {} |\n",
                    md_escape(&place),
                    f.rule.code(),
                    f.rule.name(),
                    md_escape(&f.message)
                )
            })
        })
        .chain(report.failures.iter().map(|f| {
            format!(
                "| error | {} | A005 | cannot read the file: {} |\n",
                md_escape(&f.path.display().to_string()),
                md_escape(&f.reason.to_string())
            )
        }))
        .collect();
    if !rows.is_empty() {
        full.push_str("\n| | Where | Rule | What |\n|---|---|---|---|\n");
        rows.iter().for_each(|r| full.push_str(r));
    }
    Block { full, short: line }
}

fn due_block(report: &DueReport) -> Block {
    let overdue = report.count(Tier::Overdue);
    let soon = report.count(Tier::DueSoon);
    let mark = if overdue > 0 { "🔴" } else { "✅" };
    let line = format!(
        "\n### Reviews\n\n{mark} {} overdue, {} due soon\n",
        plural(overdue, "review"),
        soon
    );
    let mut table = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render(report, DueFormat::Markdown, &mut table);
    let mut full = line.clone();
    if overdue + soon > 0 {
        full.push('\n');
        full.push_str(&String::from_utf8_lossy(&table));
    }
    Block { full, short: line }
}

/// Text for a workflow command's message: `%`, CR and LF escaped so
/// nothing can start another command (`report::escape::github::data`).
fn workflow(text: &str) -> String {
    crate::report::escape::github::data(text)
}
