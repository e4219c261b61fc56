//! `alliance review`: record a review in the alliance's front matter.

use std::io::Write;
use std::path::Path;

use super::{Failed, ReviewArgs};
use crate::agenda::ReadingError;
use crate::report::sanitize;
use crate::workspace::read_document;
use crate::write;
use crate::write::review::{Edited, Review};

pub(super) fn run(args: &ReviewArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let date = super::date_or_today("--date", args.date.as_deref())?;
    let path = super::history_path::named_or_only(args.path.as_deref(), "review")?;
    let doc = read_document(&path)?;
    let refused = |source: write::review::EditError| Failed::Refused {
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
                &Review {
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
    crate::agenda::reading_to_record(doc, date, args.note.as_deref(), &changes).map_err(|e| match e
    {
        ReadingError::UnknownItem { item, known } => Failed::UnknownItem { item, known },
        ReadingError::UnknownReader { who, known } => Failed::UnknownReader { who, known },
        ReadingError::AlreadyRecorded => Failed::ReadersRecorded {
            path: path.to_path_buf(),
            date,
        },
    })
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
