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

/// At most this many entries are listed in one issue (the rest are
/// counted), which keeps the text far below GitHub's 65,536 characters.
const MAX_ENTRIES: usize = 50;

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
    let due: Vec<&Due> = alliance.entries().filter(|d| d.tier != Tier::Ok).collect();
    for due in due.iter().take(MAX_ENTRIES) {
        let _ = writeln!(
            body,
            "| {} | {} | {} |",
            what(due),
            when(due),
            inline(&due.owners.join(", "))
        );
    }
    if due.len() > MAX_ENTRIES {
        let more = due.len() - MAX_ENTRIES;
        let _ = writeln!(body, "\n…and {more} more: `alliance due` lists them all.");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::due::{DueItem, Window};

    fn entry(date: Date, item: Option<&str>, window: &Window) -> Due {
        Due {
            date,
            days_overdue: crate::document::dates::days_between(date, window.today),
            tier: window.tier(date),
            basis: if item.is_some() {
                Basis::Item
            } else {
                Basis::Next
            },
            owners: vec!["@ada".to_owned(), "Grace".to_owned(), "@ada".to_owned()],
            line: 1,
            column: 1,
            item: item.map(|text| DueItem {
                text: text.to_owned(),
                id: None,
                section: "Agreements".to_owned(),
            }),
        }
    }

    #[test]
    fn a_long_list_is_cut_and_assignees_are_handles_once() {
        let today = jiff::civil::date(2026, 11, 22);
        let window = Window::new(today, None);
        let past = jiff::civil::date(2026, 11, 1);
        let alliance = AllianceDue {
            path: "teams/A B.md".into(),
            title: "Payments".to_owned(),
            draft: false,
            proposed: false,
            review: Some(entry(past, None, &window)),
            items: (0..60)
                .map(|n| entry(past, Some(&format!("item {n}")), &window))
                .collect(),
            pulse: None,
        };
        let r = reminder(&alliance, &window);
        assert_eq!(r.path, "teams/A B.md");
        assert_eq!(r.title, "Review overdue: Payments");
        assert_eq!(r.assignees, ["ada"]);
        assert_eq!(r.body.matches("| Item: ").count(), 49);
        assert!(
            r.body
                .contains("…and 11 more: `alliance due` lists them all.")
        );
        assert!(
            r.body.contains("`alliance review 'teams/A B.md'`"),
            "{}",
            r.body
        );
    }
}
