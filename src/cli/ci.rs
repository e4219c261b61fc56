//! `alliance ci comment` and `alliance ci summary`: the pull-request
//! comment and the job summary, built by the binary instead of by shell
//! in a workflow file.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CiCommentArgs, CiSummaryArgs, Failed};
use crate::ci::forge::{NotCounted, Strangers, Upsert};
use crate::ci::{ChangeSet, CiError, Environment, changes};
use crate::due::{DueReport, Window};
use crate::history::History;
use crate::report::CheckReport;
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
    // Approvals at the head commit prove consent (`proof: approved`), and
    // with --count-approvals stand for it.
    let approved = if args.count_approvals
        || workspace.config.consent.proof == crate::consent::Level::Approved
    {
        approvals(&env, err)?
    } else {
        None
    };
    let approvers = approved
        .as_ref()
        .map(|a| a.handles.clone())
        .unwrap_or_default();
    let mut set = change_set(&workspace, &base, approvers)?;
    if args.count_approvals {
        set.approvals = approved;
    }
    if args.dry_run {
        out.write_all(set.comment().as_bytes())?;
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
    let posted = forge.upsert(
        &|strangers| set.comment_noting(strangers),
        !set.changes.is_empty(),
    )?;
    if !posted.strangers.is_empty() {
        writeln!(out, "{}", left_alone(&place, &posted.strangers))?;
    }
    match posted.upsert {
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

/// The line that says which accounts' marked comments were left alone.
fn left_alone(place: &str, strangers: &Strangers) -> String {
    let mut who: Vec<String> = strangers.handles.iter().map(|h| format!("@{h}")).collect();
    if strangers.more > 0 {
        who.push(crate::report::plural(strangers.more, "other"));
    }
    crate::report::sanitize(&format!(
        "left alone the comments on {place} by {} that carry alliance's marker: another account wrote them",
        who.join(", ")
    ))
    .into_owned()
}

/// The forge's approvals of the pull request, or `None` (with a warning)
/// when they cannot be read: then only consent recorded in the files counts.
fn approvals(
    env: &Environment,
    err: &mut dyn Write,
) -> Result<Option<crate::report::ci::Approvals>, Failed> {
    let warn = |err: &mut dyn Write, why: String| {
        writeln!(
            err,
            "alliance: warning: {}",
            crate::report::sanitize(&format!(
                "--count-approvals: {why}; only consent recorded in the files is counted"
            ))
        )
    };
    let Some(forge) = env.forge()? else {
        warn(
            err,
            "not a pull request, so there are no approvals".to_owned(),
        )?;
        return Ok(None);
    };
    match forge.approvals() {
        Ok(Some(state)) => {
            for line in not_counted(&state.not_counted) {
                warn(err, line)?;
            }
            Ok(Some(crate::report::ci::Approvals {
                handles: state.standing.into_iter().map(|a| a.handle).collect(),
                what: forge.approval_word(),
            }))
        }
        Ok(None) => {
            warn(
                err,
                "the token cannot read the approvals (none, or HTTP 403/404)".to_owned(),
            )?;
            Ok(None)
        }
        Err(e) => {
            warn(err, format!("cannot read the approvals: {e}"))?;
            Ok(None)
        }
    }
}

/// Warnings for approvals that were not counted because of what the forge
/// could not say (an approval of another commit is no news: it is simply
/// not consent to this text).
fn not_counted(list: &[(String, NotCounted)]) -> Vec<String> {
    let who = |why: NotCounted| {
        list.iter()
            .filter(|(_, w)| *w == why)
            .map(|(h, _)| format!("@{h}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = Vec::new();
    let untimed = who(NotCounted::NoTime);
    if !untimed.is_empty() {
        lines.push(format!(
            "the forge did not say when {untimed} approved (no `approved_at`: GitLab before it was added), so it cannot tell whether they approved the head commit; not counted"
        ));
    }
    let headless = who(NotCounted::HeadUnknown);
    if !headless.is_empty() {
        lines.push(format!(
            "the head commit of the pull request is not known (GitHub: no pull_request event; GitLab: no CI_COMMIT_SHA, or no merge request version with it), so the approvals of {headless} are not counted"
        ));
    }
    lines
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
    let (check, due) = check_and_due(&workspace, Window::new(today, within))?;
    let set = match &base {
        Some(base) => Some(change_set(&workspace, base, Vec::new())?),
        None => None,
    };
    let text = crate::report::ci::summary_text(&check, &due, set.as_ref());
    let (path, append) = match &args.output {
        Some(path) if path.as_os_str() == "-" => {
            out.write_all(text.as_bytes())?;
            return Ok(0);
        }
        Some(path) => (path.clone(), false),
        None => env.summary_target(),
    };
    let written = if append {
        // `$GITHUB_STEP_SUMMARY`: the runner's file, outside the repository.
        crate::write::append::append(&path, text.as_bytes())
    } else {
        // `ci-summary.md` or `--output PATH`: inside the repository, never
        // through a link, replacing only a regular file.
        crate::write::atomic::write(
            &workspace.root,
            &path,
            text.as_bytes(),
            crate::write::atomic::Replace::Always,
        )
    };
    written.map_err(|source| Failed::Summary { source })?;
    writeln!(
        out,
        "wrote the summary to {}",
        crate::report::sanitize(&path.display().to_string())
    )?;
    Ok(0)
}

/// The alliances `base..working tree` touches, their consent proven with
/// `approvers` (who approved the pull request at its head).
fn change_set(
    workspace: &Workspace,
    base: &str,
    approvers: Vec<String>,
) -> Result<ChangeSet, Failed> {
    let history = History::discover(&workspace.root)?;
    let found = workspace.discover(&[])?;
    let now: HashSet<PathBuf> = found
        .documents
        .iter()
        .map(|c| canonical(&workspace.root.join(&c.path)))
        .collect();
    let root = history.root().to_path_buf();
    let is_alliance = |relative: &Path| now.contains(&canonical(&root.join(relative)));
    let attestor = crate::attest::Attestor::for_workspace(workspace, approvers)?;
    let attestor = base_signers(&history, workspace, base, attestor)?;
    let head = history.resolve("HEAD").ok();
    let proofs = |path: &Path, doc: &crate::document::Alliance| match head {
        Some(head) => attestor.proofs_in(&history, path, doc, head),
        None => crate::consent::Proofs::unattributed(attestor.counts()),
    };
    changes::collect(&history, base, &is_alliance, &proofs).map_err(|e| match e {
        crate::history::HistoryError::UnknownRevision { reason, .. } => {
            Failed::Ci(CiError::BaseNotHere {
                base: base.to_owned(),
                reason,
            })
        }
        other => Failed::History(other),
    })
}

/// The attestor judging signatures by the allowed signers at the merge
/// base with `base`: the change under review cannot add the keys that
/// prove its own consent (the parties review such a change through
/// CODEOWNERS, and it counts once merged).
fn base_signers(
    history: &History,
    workspace: &Workspace,
    base: &str,
    attestor: crate::attest::Attestor,
) -> Result<crate::attest::Attestor, Failed> {
    let Ok(merge_base) = history.merge_base(base) else {
        return Ok(attestor);
    };
    let file = &workspace.config.consent.allowed_signers;
    let relative = file.strip_prefix(&workspace.root).unwrap_or(file);
    let text = match history.read_at(merge_base, relative, base) {
        Ok(text) => Some(text),
        Err(crate::history::HistoryError::NotAtRevision { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(attestor.with_signers_from(relative, text.as_deref())?)
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `check` and `due` over the repository's alliances, each file read once
/// for both. Due's reviews are `due`'s, pulse rounds included; files that
/// cannot be read are the check's to list.
fn check_and_due(
    workspace: &Workspace,
    window: Window,
) -> Result<(CheckReport, DueReport), Failed> {
    let mut report = DueReport::new(window);
    let attestor = crate::attest::Attestor::for_workspace(workspace, Vec::new())?;
    let check = crate::tasks::check::repository(
        workspace,
        |doc, instruments| {
            crate::tasks::due::assess(doc, workspace, instruments, &window, &attestor)
        },
        |path, (outcome, proposal)| {
            report.add(path, outcome);
            report.proposals.extend(proposal);
        },
    )?;
    // How long each proposal has waited, from the commit that proposed it.
    if !report.proposals.is_empty() {
        if let Ok(history) = History::discover(&workspace.root) {
            for proposal in &mut report.proposals {
                if let Some(on) = crate::tasks::due::proposed_on(&history, &proposal.path) {
                    proposal.since = Some(crate::consent::Since {
                        date: on,
                        basis: crate::consent::SinceBasis::ProposedCommit,
                    });
                }
            }
        }
    }
    Ok((check, report))
}

/// Text for a workflow command's message: `%`, CR and LF escaped so
/// nothing can start another command (`report::escape::github::data`).
fn workflow(text: &str) -> String {
    crate::report::escape::github::data(text)
}
