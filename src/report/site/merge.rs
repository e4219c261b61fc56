//! The organisation's index (`alliance site --merge`): every team's
//! alliances in one table, what needs attention first, each linking to its
//! page on the team's own site, and the teams by name.
//!
//! Teams are never ranked: no score, no count compared, only what to do
//! (overdue, waiting for consent, due soon). Every piece of text from a
//! `site.json` goes through [`crate::escape::html`]; its addresses were
//! checked by [`crate::tasks::site_merge`]. The page follows the site's
//! rules: inline style, no script, the same Content-Security-Policy.

use std::fmt::Write as _;

use crate::due::Tier;
use crate::escape::html::text as h;
use crate::report::words::plural;
use crate::tasks::site_merge::{Attention, Organisation, Team, TeamAlliance};

/// The organisation's `index.html`.
pub fn index(org: &Organisation) -> String {
    let mut main = String::from("<h1>Alliances across teams</h1>\n");
    main.push_str(
        "<p>What needs attention comes first: overdue reviews, then alliances \
waiting for consent, then reviews due soon, then the rest. Teams are not \
ranked; each links to its own site.</p>\n",
    );
    let rows = org.by_attention();
    if rows.is_empty() {
        main.push_str("<p>No alliances in these sites.</p>\n");
    } else {
        main.push_str(
            "<table>\n<thead><tr><th>Needs</th><th>Alliance</th><th>Team</th><th>Kind</th>\
<th>Parties</th><th>Next review</th></tr></thead>\n<tbody>\n",
        );
        for (team, a) in rows {
            main.push_str(&row(team, a));
        }
        main.push_str("</tbody>\n</table>\n");
    }
    main.push_str(&teams(org));
    layout(&main)
}

/// One alliance's row.
fn row(team: &Team, a: &TeamAlliance) -> String {
    let parties: Vec<String> = a.parties.iter().map(|p| h(p)).collect();
    format!(
        "<tr><td>{needs}</td><td><a href=\"{href}\" rel=\"noopener noreferrer\">{title}</a></td>\
<td><a href=\"{url}\" rel=\"noopener noreferrer\">{team}</a></td><td>{kind}</td><td>{parties}</td><td>{next}</td></tr>\n",
        needs = needs(a),
        href = h(&a.href),
        title = h(&a.title),
        url = h(&format!("{}index.html", team.url)),
        team = h(&team.name),
        kind = h(&a.kind),
        parties = parties.join("<br>"),
        next = a
            .next
            .map_or_else(|| "none".to_owned(), |(date, _, _)| date.to_string()),
    )
}

/// What the alliance needs, in words.
fn needs(a: &TeamAlliance) -> String {
    let days = |n: i64| plural(usize::try_from(n).unwrap_or_default(), "day");
    match (a.attention(), a.next) {
        (Attention::Overdue, Some((_, _, late))) => {
            format!(
                "<span class=\"badge overdue\">Overdue by {}</span>",
                days(late)
            )
        }
        (Attention::WaitingForConsent, _) => {
            let waiting: Vec<String> = a.waiting.iter().flatten().map(|p| h(p)).collect();
            format!(
                "<span class=\"badge due-soon\">Waiting for consent</span><br>\
<span class=\"muted\">from {}</span>",
                waiting.join(", ")
            )
        }
        (Attention::DueSoon, Some((_, Tier::DueSoon, 0))) => {
            "<span class=\"badge due-soon\">Review due today</span>".to_owned()
        }
        (Attention::DueSoon, Some((_, _, late))) => format!(
            "<span class=\"badge due-soon\">Review due in {}</span>",
            days(-late)
        ),
        _ => "<span class=\"muted\">nothing now</span>".to_owned(),
    }
}

/// The teams, by name, each with its site and the day it was judged by.
fn teams(org: &Organisation) -> String {
    let mut out = String::from("<h2>Teams</h2>\n<ul>\n");
    for team in &org.teams {
        let _ = writeln!(
            out,
            "<li><a href=\"{url}\" rel=\"noopener noreferrer\">{name}</a> <span class=\"muted\">(as of {today})</span></li>",
            url = h(&format!("{}index.html", team.url)),
            name = h(&team.name),
            today = team.today,
        );
    }
    out.push_str("</ul>\n");
    out
}

/// The whole page, with the site's policy and stylesheet.
fn layout(main: &str) -> String {
    format!(
        "{head}<main>\n{main}</main>\n\
<footer><p>Written by <code>alliance site --merge</code> from each team's site.json.</p></footer>\n\
</body>\n</html>\n",
        head = super::head("Alliances across teams"),
    )
}
