//! `alliance ci comment` and `alliance ci summary`: the pull-request
//! comment and the job summary, built by the binary instead of by shell
//! in a workflow file.

use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::ci::changes::ChangeSet;
use crate::ci::forge::{Strangers, Upsert};
use crate::ci::{CiError, Environment};
use crate::due::Window;
use crate::workspace::Workspace;

pub(super) const CI_HELP: &str = "\
`comment` and `summary` read the base of the change from the CI's
environment when --base is not given: GitHub Actions (the pull_request
event's base commit) and GitLab CI (CI_MERGE_REQUEST_DIFF_BASE_SHA).
`remind`, for a scheduled job, keeps one issue open per alliance with a
review due.

Examples:
  alliance ci comment --dry-run --base origin/main    print the comment, post nothing
  alliance ci comment                                 in a pull-request job
  alliance ci summary                                 in any job: check, due and the diff
  alliance ci remind --dry-run                        the reminder issues it would keep open

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
    /// Keep one open issue per alliance with a review overdue or due soon (a scheduled job).
    #[command(after_help = super::remind::CI_REMIND_HELP)]
    Remind(super::remind::CiRemindArgs),
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
    /// Print the comment, and on stderr what the real run would do with it (the pull
    /// request's comments are read, never written).
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
    let mut set = crate::tasks::ci::change_set(&workspace, &base, approvers)?;
    if args.count_approvals {
        set.approvals = approved;
    }
    if args.dry_run {
        // The comment on standard output; what the real run would do with
        // it (read from the forge, nothing written) on standard error.
        out.write_all(set.comment().as_bytes())?;
        out.flush()?;
        return dry_run(&env, &set, err);
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
        set.touches_anything(),
        false,
    )?;
    tell_posted(&env, &place, posted, out, err)
}

/// What the upsert did, on `out` (a warning for a read-only token: as a
/// workflow command in GitHub Actions, else on `err`).
fn tell_posted(
    env: &Environment,
    place: &str,
    posted: crate::ci::forge::Posted,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    if !posted.strangers.is_empty() {
        writeln!(out, "{}", left_alone(place, &posted.strangers))?;
    }
    match posted.upsert {
        Upsert::Created(id) => writeln!(out, "posted comment {id} on {place}")?,
        Upsert::Updated(id) => writeln!(out, "updated comment {id} on {place}")?,
        Upsert::Unchanged(id) => writeln!(out, "comment {id} on {place} is up to date")?,
        Upsert::WouldCreate | Upsert::WouldUpdate(_) => {}
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

/// What the real run would do with the comment: the forge's comments
/// read (never written), one line on `err`.
fn dry_run(env: &Environment, set: &ChangeSet, err: &mut dyn Write) -> Result<u8, Failed> {
    let forge = match env.forge() {
        Err(CiError::NoForge) => {
            writeln!(
                err,
                "alliance: dry run: not in a CI job (neither GitHub Actions nor GitLab CI): nothing would be posted"
            )?;
            return Ok(0);
        }
        other => other?,
    };
    let Some(forge) = forge else {
        writeln!(
            err,
            "alliance: dry run: not a pull request (no pull request in the CI's environment): nothing would be posted"
        )?;
        return Ok(0);
    };
    let place = forge.describe();
    let posted = forge.upsert(
        &|strangers| set.comment_noting(strangers),
        set.touches_anything(),
        true,
    )?;
    let would = match posted.upsert {
        Upsert::WouldCreate => format!("would post a new comment on {place}"),
        Upsert::WouldUpdate(id) => format!("would update comment {id} on {place}"),
        Upsert::Unchanged(id) | Upsert::Created(id) | Upsert::Updated(id) => {
            format!("comment {id} on {place} is up to date: nothing would change")
        }
        Upsert::NotNeeded => {
            format!("no alliance changed and no comment yet on {place}: nothing would be posted")
        }
        Upsert::ReadOnly(why) => {
            format!("would not comment on {place}: the token may not write ({why})")
        }
    };
    writeln!(
        err,
        "alliance: dry run: {}",
        crate::report::sanitize(&would)
    )?;
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

pub(super) fn summary(args: &CiSummaryArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let env = Environment::from_process();
    let base = match &args.base {
        Some(base) => Some(base.clone()),
        None => env.base()?,
    };
    let today = crate::clock::today()?;
    let within = super::within(args.within.as_deref())?;
    let workspace = Workspace::current()?;
    let (check, due) = crate::tasks::ci::check_and_due(&workspace, Window::new(today, within))?;
    let set = match &base {
        Some(base) => Some(crate::tasks::ci::change_set(&workspace, base, Vec::new())?),
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

/// Text for a workflow command's message: `%`, CR and LF escaped so
/// nothing can start another command (`report::escape::github::data`).
fn workflow(text: &str) -> String {
    crate::escape::github::data(text)
}

/// The forge's approvals of the pull request, or `None` (with a warning on
/// `err`) when they cannot be read: then only consent recorded in the
/// files counts.
fn approvals(
    env: &Environment,
    err: &mut dyn Write,
) -> Result<Option<crate::ci::changes::Approvals>, Failed> {
    let read = crate::tasks::ci::approvals(env)?;
    for why in crate::report::ci::approval_warnings(&read) {
        writeln!(
            err,
            "alliance: warning: {}",
            crate::report::sanitize(&format!(
                "--count-approvals: {why}; only consent recorded in the files is counted"
            ))
        )?;
    }
    Ok(read.approvals())
}
