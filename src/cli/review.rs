//! `alliance review`: record a review in the alliance's front matter.

use clap::Args;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use super::Failed;
use crate::agenda::ReadingError;
use crate::report::sanitize;
use crate::workspace::read_document;
use crate::write;
use crate::write::review::NewReview;
use crate::write::splice::Edited;

pub(super) const REVIEW_HELP: &str = "\
Only the values that change are rewritten: comments, key order, quoting,
blank lines, CRLF and the body keep every byte. Recording the same review
twice changes nothing. Refused, with the file untouched: front matter that
does not parse, no valid `review.every`, a date before `review.last`.

The review's entry also records who read which item aloud (`readers:`, item
key to handle), so the next agenda's rotation continues from it: by default
the reading `alliance agenda --date DATE` proposed for the day; --reader
ITEM=HANDLE records a change, --no-readers records none.

Examples:
  alliance review TEAM_ALLIANCE.md --note \"Kept everything\" --win \"First quiet on-call\"
  alliance review --date 2026-12-01
  alliance review --reader meetings=grace --reader on-call=ada   two items read by others
  alliance review TEAM_ALLIANCE.md --item on-time --next 2027-03-01

Exit codes: 0 recorded (or already recorded), 2 refused (the file is untouched).";

/// Arguments of `alliance review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The alliance (default: the repository's only one; with several, a list to name one from).
    pub path: Option<PathBuf>,
    /// The day of the review, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// What the parties noted.
    #[arg(long, value_name = "TEXT", conflicts_with = "item")]
    pub note: Option<String>,
    /// A success celebrated (repeat for more).
    #[arg(long, value_name = "TEXT", conflicts_with = "item")]
    pub win: Vec<String>,
    /// Review one item instead: the item with [id:: ID] (needs --next).
    #[arg(long, value_name = "ID", requires = "next")]
    pub item: Option<String>,
    /// The item's next review date, YYYY-MM-DD (with --item).
    #[arg(long, value_name = "DATE", requires = "item")]
    pub next: Option<String>,
    /// Who read an item aloud, when it was not the agenda's proposal
    /// (repeat for more): the item's key (as `alliance agenda` shows it) and
    /// a party's handle.
    #[arg(long, value_name = "ITEM=HANDLE", conflicts_with_all = ["item", "no_readers"])]
    pub reader: Vec<String>,
    /// Record no reading with this review.
    #[arg(long, conflicts_with = "item")]
    pub no_readers: bool,
}

pub(super) fn run(args: &ReviewArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let date = super::date_or_today("--date", args.date.as_deref())?;
    let path = super::history_path::named_or_choose(
        args.path.as_deref(),
        "review",
        "",
        "name the one reviewed",
        |doc| Some(super::history_path::state(doc, date)),
        super::history_path::Otherwise {
            question: "name one",
            keep: &|doc| Some(super::history_path::state(doc, date)),
            none: "none can be read",
        },
    )?;
    let doc = read_document(&path)?;
    let refused = |source: write::splice::EditError| Failed::Refused {
        path: path.clone(),
        source,
    };
    let edited = match (&args.item, args.next.as_deref()) {
        (Some(id), Some(next)) => {
            let next =
                crate::document::dates::parse_date(next.trim()).map_err(|source| Failed::Date {
                    flag: "--next",
                    source,
                })?;
            write::review::set_item_review(&doc, id, next).map_err(refused)?
        }
        _ => {
            let readers = readers(args, &doc, date, &path)?;
            write::review::record_review(
                &doc,
                &NewReview {
                    date,
                    note: args.note.clone(),
                    wins: args.win.clone(),
                    readers,
                },
            )
            .map_err(refused)?
        }
    };
    if !edited.changes.is_empty() {
        write_atomic(&path, &doc.text, &edited)?;
    }
    let shown = sanitize(&path.display().to_string()).into_owned();
    crate::report::write::reviewed(&shown, &edited, out)?;
    Ok(0)
}

/// The reading to record: the one `alliance agenda` proposed for `date`,
/// changed by each `--reader ITEM=HANDLE`; none with `--no-readers`.
fn readers(
    args: &ReviewArgs,
    doc: &crate::document::Alliance,
    date: jiff::civil::Date,
    path: &Path,
) -> Result<Vec<(String, String)>, Failed> {
    // A broken file is refused by the edit, with its finding.
    if args.no_readers || crate::due::broken(doc).is_some() {
        return Ok(Vec::new());
    }
    let changes = args
        .reader
        .iter()
        .map(|arg| {
            arg.split_once('=')
                .map(|(i, w)| (i.trim().to_owned(), w.trim().to_owned()))
                .filter(|(i, w)| !i.is_empty() && !w.is_empty())
                .ok_or_else(|| Failed::BadReader { arg: arg.clone() })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let carried = crate::tasks::agenda::carried_readings(doc);
    crate::agenda::reading_to_record(doc, date, args.note.as_deref(), &changes, &carried).map_err(
        |e| match e {
            ReadingError::UnknownItem { item, known } => Failed::UnknownItem { item, known },
            ReadingError::UnknownReader { who, known } => Failed::UnknownReader { who, known },
            ReadingError::AlreadyRecorded => Failed::ReadersRecorded {
                path: path.to_path_buf(),
                date,
            },
        },
    )
}

/// Write the new text atomically over the file, only if it still holds
/// what was read (see [`crate::write::atomic`]: links are refused, the
/// file keeps its permissions).
fn write_atomic(path: &Path, read: &str, edited: &Edited) -> Result<(), Failed> {
    let root = crate::workspace::root_of(path);
    crate::write::atomic::write(
        &root,
        path,
        edited.text.as_bytes(),
        crate::write::atomic::Replace::IfUnchanged(read.as_bytes()),
    )?;
    Ok(())
}
