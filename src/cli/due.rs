//! `alliance due`: what is due for review, as of a day.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::due::Window;
use crate::escape::markdown::Mentions;
use crate::report::due::{DueFormat, DueStream};
use crate::workspace::Workspace;

pub(super) const DUE_HELP: &str = "\
An alliance is due on review.next, else review.last + review.every, else
created + review.every. Items are due on their [review:: DATE]. Retired
alliances are skipped; drafts are listed apart and never fail the run.
When nothing is due, the last line names what is next.

Examples:
  alliance due
  alliance due --within 14d
  alliance due --today 2026-12-01 --fail-on never --format markdown
  alliance due --format markdown --mentions   a table that notifies who is responsible
  alliance due --changed-since origin/main --format github
  alliance due --format ics --fail-on never > alliances.ics   a calendar feed
  alliance due --format slack --mentions | curl -fsS --json @- \"$SLACK_WEBHOOK\"
  alliance due --format teams | curl -fsS --json @- \"$TEAMS_WEBHOOK\"

With --format slack or teams, --mentions turns the handles listed under
`handles:` in .alliance.yaml into chat mentions; other text mentions no one.

Exit codes: 0 nothing failing, 1 overdue (or due soon with --fail-on
due-soon), 2 could not run (bad arguments, a file that is not an alliance,
a bad revision).";

/// Arguments of `alliance due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// Files or folders (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// The day to judge by, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Also list reviews due within this span: 14d, 2w, 1 month.
    #[arg(long, value_name = "SPAN")]
    pub within: Option<String>,
    /// What fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = crate::due::FailOn::Overdue)]
    pub fail_on: crate::due::FailOn,
    /// Only alliances changed between REV and the working tree.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::due::DueFormat::Human)]
    pub format: crate::report::due::DueFormat,
    /// Notify who is responsible: with --format markdown the @handles stay live;
    /// with slack or teams the handles in .alliance.yaml's `handles:` become
    /// mentions (by default no text notifies anyone).
    #[arg(long)]
    pub mentions: bool,
}

pub(super) fn run(args: &DueArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let today = super::date_or_today("--today", args.today.as_deref())?;
    let within = super::within(args.within.as_deref())?;
    if within.as_ref().is_some_and(|c| c.after(today).is_none()) {
        return Err(Failed::WithinPastCalendar {
            span: args.within.clone().unwrap_or_default(),
            today,
        });
    }
    let workspace = Workspace::current()?;
    let found =
        crate::tasks::due::documents(&workspace, &args.paths, args.changed_since.as_deref())?;
    let window = Window::new(today, within);
    let mentions = if args.mentions {
        Mentions::Live
    } else {
        Mentions::Inert
    };
    let named = namer(&workspace, args.format);
    let assessor = crate::tasks::due::Assessor::new(&workspace)?;
    let mut stream = DueStream::start(window, args.format, mentions, out)?;
    // Only a feed reads the context: other formats open no git history for it.
    if args.format.is_feed() {
        stream = stream.with_context(crate::tasks::due::feed_context(&workspace, args.mentions));
    }
    assessor.each(found, &window, |part| {
        use crate::tasks::due::DuePart;
        match part.named(&named) {
            DuePart::Assessed(path, outcome) => stream.add(&path, *outcome),
            DuePart::Proposal(proposal) => {
                stream.report().proposals.push(proposal);
                Ok(())
            }
            DuePart::Unread(file) => {
                stream.report().unread.push(file);
                Ok(())
            }
        }
    })?;
    let report = stream.finish()?;
    Ok(report.exit_code(args.fail_on))
}

/// How `format` names a file: annotations, JUnit, the calendar (its UIDs
/// and links) and chat messages from the repository root, whatever path
/// was typed; the other formats as the user named it.
fn namer(
    workspace: &Workspace,
    format: DueFormat,
) -> impl Fn(&std::path::Path) -> std::path::PathBuf + '_ {
    let from_root = format.is_feed() || matches!(format, DueFormat::Github | DueFormat::Junit);
    move |path| {
        if from_root {
            workspace.in_repository(path)
        } else {
            path.to_path_buf()
        }
    }
}
