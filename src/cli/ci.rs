//! `alliance ci comment` and `alliance ci summary`: the pull-request
//! comment and the job summary, built by the binary instead of by shell
//! in a workflow file.

use clap::{Args, Subcommand};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Failed;
use crate::ci::forge::{NotCounted, Strangers, Upsert};
use crate::ci::{ChangeSet, CiError, Environment, changes};
use crate::due::{DueReport, Window};
use crate::history::History;
use crate::report::CheckReport;
use crate::workspace::Workspace;

pub(super) const CI_HELP: &str = "\
Both commands read the base of the change from the CI's environment when
--base is not given: GitHub Actions (the pull_request event's base commit)
and GitLab CI (CI_MERGE_REQUEST_DIFF_BASE_SHA).

Examples:
  alliance ci comment --dry-run --base origin/main    print the comment, post nothing
  alliance ci comment                                 in a pull-request job
  alliance ci summary                                 in any job: check, due and the diff

Exit codes: 0 done (a token that may not write is a warning, not a
failure), 2 could not run.";

/// The `alliance ci` commands.
#[derive(Debug, Subcommand)]
pub enum CiCommand {
    /// Post (or update in place) one comment with every alliance the change touches.
    #[command(after_help = CI_COMMENT_HELP)]
    Comment(CiCommentArgs),
    /// Write check, due and the diff to the job summary.
    #[command(after_help = CI_SUMMARY_HELP)]
    Summary(CiSummaryArgs),
}

const CI_COMMENT_HELP: &str = "\
One comment per pull request (merge request), found again by a hidden
marker on its first line: posted once, updated in place on later pushes,
and updated to say \"no changes to alliances\" when a push reverts them.
Lists each alliance added (all of it: sections and items), removed,
renamed or changed (the semantic diff, as `alliance diff` shows it), cut
to GitHub's 65,536 characters if need be, saying what was left out.

Talks to the API the CI names:
  GitHub: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_TOKEN
          (the job needs `permissions: pull-requests: write`)
  GitLab: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID and
          ALLIANCE_GITLAB_TOKEN (a project access token with the `api` scope)
A token that may not write (a fork's pull request: HTTP 403) or no token
is a warning and exit 0. Outside a pull request nothing is posted.

Per alliance it also says who agreed to the head side's text (the
`consent:` entries of `alliance agree`) and who has not. With
--count-approvals, a party who approved the pull request (GitHub: their
latest review approves the head commit; GitLab: the merge request's
approvals) counts as having consented too, and the comment says that this
consent came from an approval; a token that cannot read approvals is a
warning, and then only the file's consent counts.

Examples:
  alliance ci comment --dry-run --base origin/main
  GITHUB_TOKEN=... alliance ci comment
  GITHUB_TOKEN=... alliance ci comment --count-approvals

Exit codes: 0 posted, updated, nothing to do, or a read-only token;
2 could not run (no base, unknown revision, the API failed).";

const CI_SUMMARY_HELP: &str = "\
Appends to $GITHUB_STEP_SUMMARY in GitHub Actions; elsewhere (GitLab: keep
it as an artifact) writes ci-summary.md. Without a base (not a pull
request, no --base) the summary has check and due only. Kept under GitHub's
1 MiB by cutting detail from the end, saying what was cut. Findings do not
fail this command: `alliance check` and `alliance due` do that.

Examples:
  alliance ci summary
  alliance ci summary --base origin/main --within 14d --output -

Exit codes: 0 written, 2 could not run.";

/// Arguments of `alliance ci comment`.
#[derive(Debug, Args)]
pub struct CiCommentArgs {
    /// Compare with the merge base of REV and HEAD (default: the CI's pull-request base).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Print the comment and touch nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also count a party's approval of the pull request (read with the job's
    /// token) as consent to its head side; the comment says which parties'
    /// consent came from an approval.
    #[arg(long)]
    pub count_approvals: bool,
}

/// Arguments of `alliance ci summary`.
#[derive(Debug, Args)]
pub struct CiSummaryArgs {
    /// Compare with the merge base of REV and HEAD (default: the CI's pull-request base, if any).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Also list reviews due within this span: 14d, 2w, 1 month.
    #[arg(long, value_name = "SPAN")]
    pub within: Option<String>,
    /// Where to write, inside the repository (default: $GITHUB_STEP_SUMMARY, else ci-summary.md); `-` for standard output.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

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
) -> Result<Option<crate::ci::changes::Approvals>, Failed> {
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
            Ok(Some(crate::ci::changes::Approvals {
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
    let today = crate::clock::today()?;
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
                    proposal.since = Some(crate::consent::ProposedSince {
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
    crate::escape::github::data(text)
}
