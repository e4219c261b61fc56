//! `alliance agenda`: the review meeting, prepared from the repository.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::report::Style;

pub(super) const AGENDA_HELP: &str = "\
The agenda is made from the repository alone, and the same repository and
date always give the same agenda, byte for byte. Its parts:

  Since the last review   what changed since the last review (as `alliance
                          diff` shows it), and that review's note and wins
  How it is going         pulse gaps and drops, broken and slipping agreements
                          first, biggest first
  Read aloud              every item with its reader: over reviews each party
                          reads as many items as any other (give or take
                          one), and nobody reads the item they read last
                          time when someone else fairly can
  Review questions        the kind's `review_questions`
  Items due for review    items whose own [review:: DATE] has passed (or is
                          the meeting's day)
  Proposals waiting       proposals waiting for consent

Each part with something in it gets a time box in proportion to its content
(at least 3 minutes); the boxes add up to --minutes (default: the kind's
`review_minutes`, else 60). An item is read under its key: its [id:: ...],
else a slug of its first four words. `alliance review` records the reading
the agenda proposed for its date, so the rotation continues.

Examples:
  alliance agenda                                 today's meeting, the only alliance
  alliance agenda TEAM_ALLIANCE.md --date 2027-01-05 --minutes 45
  alliance agenda --format markdown > meeting.md  paste it in the meeting notes
  alliance agenda --format json | jq '.read_aloud'

Exit codes: 0 fine, 2 could not run (not an alliance, an unreadable file,
--minutes too short for the parts).";

/// Arguments of `alliance agenda`.
#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// The alliance (default: the repository's only one; with several, a list to name one from).
    pub path: Option<PathBuf>,
    /// The day of the meeting, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// How long the meeting is, in minutes (default: the kind's, else 60).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::kind::MAX_MINUTES)))]
    pub minutes: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::agenda::AgendaFormat::Human)]
    pub format: crate::report::agenda::AgendaFormat,
}

pub(super) fn run(args: &AgendaArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    let date = super::date_or_today("--date", args.date.as_deref())?;
    let path = super::history_path::named_or_choose(
        args.path.as_deref(),
        "agenda",
        "",
        "name the one whose review to prepare",
        |doc| Some(super::history_path::state(doc, date)),
        super::history_path::Otherwise {
            question: "name one",
            keep: &|doc| Some(super::history_path::state(doc, date)),
            none: "none can be read",
        },
    )?;
    let agenda = crate::tasks::agenda::prepare(&path, date, args.minutes)?;
    crate::report::agenda::render(&agenda, args.format, style, out)?;
    Ok(0)
}
