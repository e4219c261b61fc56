//! `alliance due --format ics`: the report as an iCalendar (RFC 5545) feed,
//! one all-day event per date, for people to subscribe to (the site
//! publishes it as `alliances.ics`).
//!
//! Events: each alliance's next review, its next pulse round, each item's
//! review date (alliances in force only: a draft's dates are not agreed
//! yet), and each proposal waiting for consent, on the day it was proposed.
//! The calendar is a pure function of the report and the day, so two runs
//! on one day differ only where a date moved:
//!
//! - **UID**: a SHA-256 of the file's path from the repository root and
//!   what is due (`review`, `pulse`, `item:ID`, `consent`), never the date,
//!   so a moved review updates its event rather than adding one.
//! - **SEQUENCE**: the number of days from 2000-01-01 to the date. Stateless
//!   and raised whenever a date moves later, which is what recording a
//!   review does. (A date written earlier by hand gets a lower number; a
//!   subscribed calendar replaces the whole feed on each refresh anyway.)
//! - **DTSTAMP**: midnight UTC of the run's day (`--today`, the pinned
//!   clock), not the second of the run, so reruns on a day are identical.
//! - **DTSTART;VALUE=DATE** the date and **DTEND** the next day: DTEND is
//!   exclusive, so the event covers exactly the one day.
//!
//! Document text goes through `escape::ics`, every line through its folder.

use std::io::{self, Write};

use jiff::civil::Date;
use sha2::{Digest, Sha256};

use super::FeedContext;
use crate::consent::Proposal;
use crate::due::{AllianceDue, Basis, Due, DueReport, Tier};
use crate::escape::{ics, shell_word};

/// One all-day event.
struct Event {
    /// The file, from the repository root.
    path: String,
    /// What is due in it: `review`, `pulse`, `item:ID`, `consent`.
    what: String,
    date: Date,
    summary: String,
    description: Vec<String>,
}

/// Write `report` as an iCalendar feed to `out`: see the module
/// documentation. `context` gives the repository's web address (each
/// event then links its file) and names the calendar after it. The paths
/// in `report` should be from the repository root, so UIDs do not depend
/// on where the command ran.
pub fn write_calendar(
    report: &DueReport,
    context: &FeedContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let name = match &context.web {
        Some(web) => format!("Alliance reviews: {}", web.name),
        None => "Alliance reviews".to_owned(),
    };
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!(
            "PRODID:-//alliance//alliance {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", ics::text(&name)),
        "REFRESH-INTERVAL;VALUE=DURATION:P1D".to_owned(),
        "X-PUBLISHED-TTL:P1D".to_owned(),
    ] {
        ics::fold(out, &line)?;
    }
    let stamp = format!("{}T000000Z", compact(report.window.today));
    for alliance in report.alliances.iter().filter(|a| !a.draft) {
        for due in alliance.entries() {
            write_event(&due_event(alliance, due), &stamp, context, out)?;
        }
    }
    for proposal in &report.proposals {
        if let Some(event) = consent_event(proposal) {
            write_event(&event, &stamp, context, out)?;
        }
    }
    ics::fold(out, "END:VCALENDAR")
}

/// `20261201`.
fn compact(date: Date) -> String {
    date.strftime("%Y%m%d").to_string()
}

/// The event of one review date (the alliance's, its pulse round's or an
/// item's).
fn due_event(alliance: &AllianceDue, due: &Due) -> Event {
    let path = alliance.path.display().to_string();
    let title = &alliance.title;
    let overdue = due.tier == Tier::Overdue;
    let (what, summary, record) = match (&due.item, due.basis) {
        (None, Basis::PulseRound) => (
            "pulse".to_owned(),
            summary(overdue, "pulse round", title),
            format!("alliance pulse ask {} --as HANDLE", shell_word(&path)),
        ),
        (None, _) => (
            "review".to_owned(),
            summary(overdue, "review", title),
            format!("alliance review {}", shell_word(&path)),
        ),
        (Some(item), _) => {
            let what = match &item.id {
                Some(id) => format!("item:{id}"),
                None => format!("item:{}:{}", item.section, item.text),
            };
            let record = match &item.id {
                Some(id) => format!(
                    "alliance review {} --item {} --next DATE",
                    shell_word(&path),
                    shell_word(id)
                ),
                None => format!("alliance review {}", shell_word(&path)),
            };
            let about = format!("{} ({title})", item.text);
            (what, summary(overdue, "item review", &about), record)
        }
    };
    let owners = if due.owners.is_empty() {
        "(no parties named)".to_owned()
    } else {
        due.owners.join(", ")
    };
    let mut description = vec![
        // No line number: recording a review adds lines above the items,
        // and their events would change with it.
        format!("{title}: {path}"),
        format!("{} ({})", tier_words(due), due.date),
        format!("Responsible: {owners}"),
        format!("Record it: {record}"),
    ];
    if let Some(item) = &due.item {
        description.insert(1, format!("Item ({}): {}", item.section, item.text));
    }
    Event {
        path,
        what,
        date: due.date,
        summary,
        description,
    }
}

/// "Review: TITLE", "Overdue review: TITLE".
fn summary(overdue: bool, what: &str, about: &str) -> String {
    if overdue {
        format!("Overdue {what}: {about}")
    } else {
        let mut what = what.to_owned();
        what[..1].make_ascii_uppercase();
        format!("{what}: {about}")
    }
}

/// "3 days overdue", "due today", "due in 5 days".
fn tier_words(due: &Due) -> String {
    let days = due.days_overdue.unsigned_abs() as usize;
    match due.days_overdue {
        0 => "Due today".to_owned(),
        n if n > 0 => format!("{} overdue", crate::report::plural(days, "day")),
        _ => format!("Due in {}", crate::report::plural(days, "day")),
    }
}

/// The event of a proposal waiting for consent, on the day it was
/// proposed; none when that day is not known.
fn consent_event(proposal: &Proposal) -> Option<Event> {
    let since = proposal.since.as_ref()?;
    let path = proposal.path.display().to_string();
    let waiting = super::consent::waiting_list(&proposal.consent);
    let agreed = super::consent::agreed_list(&proposal.consent);
    let list = |names: Vec<String>| {
        if names.is_empty() {
            "nobody".to_owned()
        } else {
            names.join(", ")
        }
    };
    Some(Event {
        what: "consent".to_owned(),
        date: since.date,
        summary: format!("Waiting for consent: {}", proposal.title),
        description: vec![
            format!("{}: {path}", proposal.title),
            format!("Proposed {}", since.date),
            format!("Agreed: {}", list(agreed)),
            format!("Not yet: {}", list(waiting)),
            format!(
                "Record it: alliance agree {} --as HANDLE",
                shell_word(&path)
            ),
        ],
        path,
    })
}

/// Write one VEVENT.
fn write_event(
    event: &Event,
    stamp: &str,
    context: &FeedContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let url = context.web.as_ref().map(|web| web.file(&event.path));
    let mut description = event.description.clone();
    if let Some(url) = &url {
        description.push(url.to_string());
    }
    let next_day = event.date.tomorrow().unwrap_or(event.date);
    let epoch = jiff::civil::date(2000, 1, 1);
    let sequence = (event.date - epoch).get_days().max(0);
    let mut lines = vec![
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", uid(&event.path, &event.what)),
        format!("SEQUENCE:{sequence}"),
        format!("DTSTAMP:{stamp}"),
        format!("DTSTART;VALUE=DATE:{}", compact(event.date)),
        format!("DTEND;VALUE=DATE:{}", compact(next_day)),
        format!("SUMMARY:{}", ics::text(&event.summary)),
        format!("DESCRIPTION:{}", ics::text_lines(&description)),
        "TRANSP:TRANSPARENT".to_owned(),
    ];
    if let Some(url) = url {
        lines.push(format!("URL:{url}"));
    }
    lines.push("END:VEVENT".to_owned());
    for line in lines {
        ics::fold(out, &line)?;
    }
    Ok(())
}

/// `4f1c…@alliance`: the same for the same file and thing due, whatever
/// its date.
fn uid(path: &str, what: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(path.as_bytes());
    hash.update([0]);
    hash.update(what.as_bytes());
    let digest = hash.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}@alliance")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_depend_on_the_file_and_what_is_due_only() {
        // Pinned: a UID that changed between versions would give every
        // subscriber each event twice.
        assert_eq!(
            uid("TEAM.md", "review"),
            "2fc44c5315886b0fe829235d953e17f7@alliance"
        );
        // The two parts cannot run into each other.
        assert_ne!(uid("ab", "c"), uid("a", "bc"));
        assert_ne!(uid("TEAM.md", "review"), uid("TEAM.md", "pulse"));
        assert_ne!(uid("TEAM.md", "review"), uid("OTHER.md", "review"));
        assert!(uid("a", "b").ends_with("@alliance"));
    }
}
