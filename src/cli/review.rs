//! `alliance review`: record a review in the alliance's front matter.

use std::io::Write;
use std::path::Path;

use super::{Failed, ReviewArgs};
use crate::report::sanitize;
use crate::workspace::read_document;
use crate::write;
use crate::write::review::{Edited, Review};

pub(super) fn run(args: &ReviewArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let date = match &args.date {
        Some(text) => crate::document::dates::parse_date(text).map_err(|source| Failed::Date {
            flag: "--date",
            source,
        })?,
        None => super::today()?,
    };
    let path = match &args.path {
        Some(path) => path.clone(),
        None => super::history_path::only_alliance("review")?,
    };
    let doc = read_document(&path)?;
    let refused = |source: write::review::EditError| Failed::Refused {
        path: path.clone(),
        source,
    };
    let edited = match (&args.item, args.next.as_deref()) {
        (Some(id), Some(next)) => {
            let next = crate::document::dates::parse_date(next).map_err(|source| Failed::Date {
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
    if args.no_readers {
        return Ok(Vec::new());
    }
    // A broken file is refused by the edit, with its finding.
    if crate::due::broken(doc).is_some() {
        return Ok(Vec::new());
    }
    let rotation = crate::agenda::reading_for(doc, date);
    let mut reading: Vec<(String, Option<String>)> = rotation
        .readings
        .into_iter()
        .map(|r| (r.item.key, r.reader))
        .collect();
    let parties = crate::agenda::readers(doc);
    for arg in &args.reader {
        let (item, who) = arg
            .split_once('=')
            .map(|(i, w)| (i.trim(), w.trim()))
            .filter(|(i, w)| !i.is_empty() && !w.is_empty())
            .ok_or_else(|| Failed::BadReader { arg: arg.clone() })?;
        let party = parties
            .iter()
            .find(|p| p.is(who))
            .ok_or_else(|| Failed::UnknownReader {
                who: who.to_owned(),
                known: listed(parties.iter().map(|p| p.label())),
            })?;
        let known = || listed(reading.iter().map(|(k, _)| format!("`{k}`")));
        let Some(slot) = reading.iter().position(|(key, _)| key == item) else {
            return Err(Failed::UnknownItem {
                item: item.to_owned(),
                known: known(),
            });
        };
        reading[slot].1 = crate::agenda::rotation::recorded_name(party);
    }
    let reading: Vec<(String, String)> = reading
        .into_iter()
        .filter_map(|(key, who)| Some((key, who?)))
        .collect();
    // The same review recorded again: its reading stays as it was, and a
    // different one asked for explicitly is refused, not dropped.
    let recorded = doc.fields().and_then(|f| {
        f.reviews.iter().find(|e| {
            e.date.as_ref().and_then(|d| d.get()) == Some(date)
                && e.note.as_ref().map(|n| n.value.as_str()) == args.note.as_deref()
        })
    });
    if let Some(entry) = recorded {
        let kept: Vec<(String, String)> = entry
            .readers
            .iter()
            .map(|r| (r.item.value.clone(), r.reader.value.clone()))
            .collect();
        if !args.reader.is_empty() && kept != reading {
            return Err(Failed::ReadersRecorded {
                path: path.to_path_buf(),
                date,
            });
        }
        return Ok(kept);
    }
    Ok(reading)
}

/// Names for a message: `a, b, c`, or `(none)`.
fn listed(names: impl Iterator<Item = String>) -> String {
    let names: Vec<String> = names.collect();
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
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
