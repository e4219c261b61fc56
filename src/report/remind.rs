//! What `alliance ci remind` writes to the forge: each reminder issue's
//! title and text, the comment on an issue a person edited, and the
//! comment it closes an issue with. Every piece of document text goes
//! through `escape::markdown` (titles through its `title`): no title or
//! item can mention anyone, reference an issue, link, or hold HTML. The
//! people responsible are named inertly; the assignees are the
//! ones notified.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::ci::remind::Reminder;
use crate::due::{AllianceDue, Basis, Due, Tier, Window};
use crate::escape::markdown::{code, inline, title};

/// The reminder issue for `alliance` on the window's day: its entries
/// overdue or due by the window's end, the alliance review first.
pub fn reminder(alliance: &AllianceDue, window: &Window) -> Reminder {
    let path = alliance.path.to_string_lossy().replace('\\', "/");
    let overdue = alliance.worst() == Tier::Overdue;
    let state = if overdue { "overdue" } else { "due" };
    let mut body = format!(
        "**Review {state}** for the alliance **{}** ({}).\n\n| What | Due | Responsible |\n|---|---|---|\n",
        inline(&alliance.title),
        code(&path),
    );
    for due in alliance.entries().filter(|d| d.tier != Tier::Ok) {
        let _ = writeln!(
            body,
            "| {} | {} | {} |",
            what(due),
            when(due),
            inline(&due.owners.join(", "))
        );
    }
    let command = format!("alliance review {}", crate::escape::shell_word(&path));
    let _ = write!(
        body,
        "\nOnce the review is held, record it with {} and push: this issue then closes itself.\n\n_Kept up to date by `alliance ci remind`; it lists what is overdue or due by {}._\n",
        code(&command),
        window.soon_until
    );
    Reminder {
        path,
        title: title(&format!("Review {state}: {}", alliance.title)),
        body,
        assignees: handles(alliance),
    }
}

/// What a due entry is, escaped.
fn what(due: &Due) -> String {
    match (&due.item, due.basis) {
        (Some(item), _) => format!(
            "Item: {} (in {})",
            inline(&item.text),
            inline(&item.section)
        ),
        (None, Basis::PulseRound) => "The next pulse round".to_owned(),
        (None, _) => "The alliance's review".to_owned(),
    }
}

/// When it is due: the date, and how far off.
fn when(due: &Due) -> String {
    match due.days_overdue {
        0 => format!("{} (today)", due.date),
        n if n > 0 => format!(
            "{} ({} overdue)",
            due.date,
            crate::report::plural(n.unsigned_abs() as usize, "day")
        ),
        n => format!(
            "{} (in {})",
            due.date,
            crate::report::plural(n.unsigned_abs() as usize, "day")
        ),
    }
}

/// The handles (without `@`) of everyone responsible for an entry that is
/// due, each once, in order: the assignees to ask the forge about.
fn handles(alliance: &AllianceDue) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let owners = alliance
        .entries()
        .filter(|d| d.tier != Tier::Ok)
        .flat_map(|d| &d.owners);
    for owner in owners {
        if let Some(handle) = owner.strip_prefix('@') {
            if !out.iter().any(|h| h.eq_ignore_ascii_case(handle)) {
                out.push(handle.to_owned());
            }
        }
    }
    out
}

/// The comment on an issue a person edited, carrying what the tool would
/// have written (once per text: [`Reminder::note_marker`]).
pub fn edited_comment(reminder: &Reminder) -> String {
    format!(
        "{}\nThis issue was edited by hand, so `alliance ci remind` leaves its text alone. What it would say now:\n\n{}",
        reminder.note_marker(),
        reminder.body
    )
}

/// The comment an issue is closed with: nothing of `path` is overdue or
/// due by `until` any more.
pub fn closing_comment(path: &str, until: Date) -> String {
    format!(
        "Nothing in {} is overdue or due by {until} any more (the review was recorded, or its date moved later): closing. `alliance ci remind` opens a new issue when a review falls due again.",
        code(path)
    )
}
