//! `alliance ci remind`: one open issue per alliance with a review overdue
//! or due within the span, kept up to date by a scheduled job.

use clap::Args;
use std::io::Write;

use super::Failed;
use crate::ci::forge::issues::{Refused, Session};
use crate::ci::remind::{self, Reminder, Step};
use crate::ci::{CiError, Environment};
use crate::due::Window;
use crate::workspace::Workspace;

pub(super) const CI_REMIND_HELP: &str = "\
Keeps one open issue per alliance that has a review, an item or a pulse
round overdue or due within the span (drafts and proposals are not in
force: no issue). Run it on a schedule (`alliance init --ci github
--schedule` writes the workflow).

- A new issue gets the label `alliance-review` and, as assignees, the
  handles of the people responsible that the forge accepts.
- The issue is found again by a hidden marker on its first line (never by
  its title) and rewritten in place when what is due changes; item reviews
  are listed in their alliance's issue.
- An issue whose text a person edited is left alone: the tool comments
  with what it would say instead (once per change).
- When the review is recorded, its date moves past the span, or the
  alliance is deleted or retired, the issue is closed with a comment.
Only issues the token's own account opened are ever touched.

Talks to the API the CI names:
  GitHub: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN
          (the job needs `permissions: issues: write`)
  GitLab: CI_API_V4_URL, CI_PROJECT_ID and ALLIANCE_GITLAB_TOKEN (a
          project access token with the `api` scope)
A token that may not write issues (HTTP 403), or no token, is a warning
and exit 0. GitHub turns off a public repository's scheduled workflows
after 60 days without activity: the calendar feed (alliances.ics) keeps
working when they stop (docs/ci.md).

Examples:
  alliance ci remind --dry-run                 what it would do; nothing is written
  alliance ci remind                           in a scheduled job
  alliance ci remind --within 30d

Exit codes: 0 done (a token that may not write is a warning), 2 could not
run (not in a CI job, a bad span, the API failed).";

/// Arguments of `alliance ci remind`.
#[derive(Debug, Args)]
pub struct CiRemindArgs {
    /// Remind of reviews due within this span as well as overdue ones: 14d, 2w, 1 month.
    #[arg(long, value_name = "SPAN", default_value = "14d")]
    pub within: String,
    /// Print what would be done; the issues are read, nothing is written.
    #[arg(long)]
    pub dry_run: bool,
}

pub(super) fn run(
    args: &CiRemindArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    let env = Environment::from_process();
    let today = crate::clock::today()?;
    let within = super::within(Some(&args.within))?;
    if within.as_ref().is_some_and(|c| c.after(today).is_none()) {
        return Err(Failed::WithinPastCalendar {
            span: args.within.clone(),
            today,
        });
    }
    let window = Window::new(today, within);
    let workspace = Workspace::current()?;
    let reminders: Vec<Reminder> = crate::tasks::remind::due_alliances(&workspace, &window)?
        .iter()
        .map(|alliance| crate::report::remind::reminder(alliance, &window))
        .collect();
    let tracker = match env.tracker() {
        Err(CiError::NoForge) if args.dry_run => return offline(&reminders, out),
        other => other?,
    };
    let place = tracker.describe();
    let session = match tracker.session() {
        Ok(session) => session,
        Err(refused) => return warn(&env, &place, refused, out, err),
    };
    let open = match session.open_issues()? {
        Ok(open) => open,
        Err(refused) => return warn(&env, &place, refused, out, err),
    };
    let steps = remind::plan(reminders, open);
    if steps.is_empty() {
        writeln!(
            out,
            "nothing is due by {}: no issue to keep open",
            window.soon_until
        )?;
    }
    for step in &steps {
        let said = if args.dry_run {
            Ok(would(step))
        } else {
            apply(&session, step, &window)?
        };
        match said {
            Ok(line) => writeln!(out, "{}", crate::report::sanitize(&line))?,
            Err(refused) => return warn(&env, &place, refused, out, err),
        }
    }
    Ok(0)
}

/// Do one step: what was done, or the forge's refusal.
fn apply(
    session: &Session,
    step: &Step,
    window: &Window,
) -> Result<Result<String, Refused>, Failed> {
    Ok(match step {
        Step::Create(r) => session
            .create(r)?
            .map(|n| format!("opened issue #{n} for {}", r.path)),
        Step::Update(n, r) => session
            .update(*n, r)?
            .map(|()| format!("updated issue #{n} for {}", r.path)),
        Step::Unchanged(n, r) => Ok(format!("issue #{n} for {} is up to date", r.path)),
        Step::Edited(n, r) => match session.has_note(*n, &r.note_marker())? {
            Ok(true) => Ok(format!(
                "issue #{n} for {} was edited by hand; its comment is up to date",
                r.path
            )),
            Ok(false) => session
                .comment(*n, &crate::report::remind::edited_comment(r))?
                .map(|()| {
                    format!(
                        "issue #{n} for {} was edited by hand: commented instead",
                        r.path
                    )
                }),
            Err(refused) => Err(refused),
        },
        Step::Close(n, path) => {
            let text = crate::report::remind::closing_comment(path, window.soon_until);
            match session.comment(*n, &text)? {
                Ok(()) => session
                    .close(*n)?
                    .map(|()| format!("closed issue #{n} for {path}: nothing due any more")),
                Err(refused) => Err(refused),
            }
        }
    })
}

/// What a dry run would do for one step.
fn would(step: &Step) -> String {
    match step {
        Step::Create(r) => {
            let who: Vec<String> = r.assignees.iter().map(|h| format!("@{h}")).collect();
            format!(
                "would open an issue for {} ({}), assigned to {} where the forge accepts them",
                r.path,
                r.title,
                if who.is_empty() {
                    "nobody".to_owned()
                } else {
                    who.join(", ")
                }
            )
        }
        Step::Update(n, r) => format!("would update issue #{n} for {}", r.path),
        Step::Unchanged(n, r) => format!("issue #{n} for {} is up to date", r.path),
        Step::Edited(n, r) => format!(
            "issue #{n} for {} was edited by hand: would comment instead (unless it already has)",
            r.path
        ),
        Step::Close(n, path) => format!("would close issue #{n} for {path}: nothing due any more"),
    }
}

/// A dry run outside a CI job: the issues that would be kept open, each
/// with its text.
fn offline(reminders: &[Reminder], out: &mut dyn Write) -> Result<u8, Failed> {
    writeln!(
        out,
        "not in a CI job (neither GitHub Actions nor GitLab CI): the issues were not read. Issues that would be kept open: {}",
        reminders.len()
    )?;
    for r in reminders {
        writeln!(
            out,
            "\n{}",
            crate::report::sanitize(&format!("{}: {}", r.path, r.title))
        )?;
        for line in r.body.lines() {
            match line {
                "" => writeln!(out)?,
                line => writeln!(out, "    {}", crate::report::sanitize(line))?,
            }
        }
    }
    Ok(0)
}

/// A token that may not do what is needed: a warning, exit 0.
fn warn(
    env: &Environment,
    place: &str,
    Refused(why): Refused,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    let text = format!(
        "cannot keep reminder issues in {place}: the token may not write issues ({why}). On GitHub give the job `permissions: issues: write`; on GitLab set ALLIANCE_GITLAB_TOKEN to a project access token with the `api` scope."
    );
    if env.is_github() {
        writeln!(
            out,
            "::warning title=alliance ci remind::{}",
            crate::escape::github::data(&text)
        )?;
    } else {
        writeln!(err, "alliance: warning: {}", crate::report::sanitize(&text))?;
    }
    Ok(0)
}
