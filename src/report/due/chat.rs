//! `alliance due --format slack` and `--format teams`: the report as a chat
//! message, for a workflow to post to an incoming webhook
//! (`curl --data @-`), so the tool never holds the webhook's secret.
//!
//! Both list what the Markdown table lists of alliances in force (overdue
//! first, then due soon) and the proposals waiting for consent, at most
//! [`MAX_ROWS`] rows and then how many more there are. Document text goes
//! through `escape::chat` (no `<!channel>`, no mention, no link from a
//! title); a handle becomes a mention only through the `handles:` map of
//! `.alliance.yaml`, whose member IDs are checked when it is read.
//!
//! - Slack: Block Kit, `{"text": FALLBACK, "blocks": [...]}`.
//! - Teams: a Workflows webhook message carrying an Adaptive Card 1.5.
//!   Document text is in `TextRun`s, which read no Markdown; the
//!   "Responsible" line is a `TextBlock` (mentions only work there), its
//!   other text escaped for Markdown. Mentions are listed in the card's
//!   `msteams.entities`, Teams' own addition to the card.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FeedContext, Row, rows, summary_line};
use crate::due::{DueReport, Tier};
use crate::escape::chat;

/// The most rows a message lists: Slack takes at most 50 blocks, and a
/// long card is cut by Teams (28 KB).
pub const MAX_ROWS: usize = 40;

/// The rows and proposals a message lists (at most [`MAX_ROWS`] in all),
/// and how many are left out.
fn listed(report: &DueReport) -> (Vec<Row<'_>>, &[crate::consent::Proposal], usize) {
    let mut rows = rows(report, false, &[Tier::Overdue, Tier::DueSoon]);
    let all = rows.len() + report.proposals.len();
    rows.truncate(MAX_ROWS);
    let proposals = &report.proposals[..report.proposals.len().min(MAX_ROWS - rows.len())];
    let more = all - rows.len() - proposals.len();
    (rows, proposals, more)
}

fn mark(row: &Row<'_>) -> &'static str {
    match row.due.tier {
        Tier::Overdue => "🔴 Overdue",
        _ => "🟡 Due soon",
    }
}

/// Write `report` as a Slack Block Kit message to `out`.
pub fn write_slack(
    report: &DueReport,
    context: &FeedContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (rows, proposals, more) = listed(report);
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": format!("Alliance reviews due on {}", report.window.today)},
    })];
    for row in &rows {
        blocks.push(section(&slack_row(row, context)));
    }
    if rows.is_empty() {
        blocks.push(section("Nothing is due. ✅"));
    }
    for proposal in proposals {
        let waiting = super::consent::waiting_list(&proposal.consent);
        blocks.push(section(&format!(
            "🗳️ *Waiting for consent* · {}\n`{}` — not yet: {}",
            chat::slack(&crate::document::clip(&proposal.title, 200)),
            chat::slack(&proposal.path.display().to_string()),
            slack_owners(&waiting, context)
        )));
    }
    let mut summary = chat::slack(&summary_line(report));
    if more > 0 {
        summary.push_str(&format!("; {more} more not listed: run `alliance due`"));
    }
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": summary}]}));
    let message = json!({"text": chat::slack(&summary_line(report)), "blocks": blocks});
    crate::escape::json::write_pretty(out, &message)?;
    writeln!(out)
}

fn section(text: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

/// "🔴 Overdue · review of X\n<url|TEAM.md:3> — 3 days overdue (due …)\nResponsible: <@U1>, @bo".
fn slack_row(row: &Row<'_>, context: &FeedContext) -> String {
    let place = format!("{}:{}", row.path(), row.due.line);
    let file = match &context.web {
        Some(web) => format!(
            "<{}|{}>",
            chat::slack_url(web.file(&row.path()).as_str()),
            chat::slack(&place)
        ),
        None => format!("`{}`", chat::slack(&place)),
    };
    format!(
        "*{}* · {}\n{file} — {}\nResponsible: {}",
        mark(row),
        chat::slack(&crate::document::clip(&row.subject(), 300)),
        chat::slack(&row.when()),
        slack_owners(&row.due.owners, context)
    )
}

/// `@ana, @bo` with each handle the map knows as a Slack mention.
fn slack_owners(owners: &[String], context: &FeedContext) -> String {
    if owners.is_empty() {
        return "(no parties named)".to_owned();
    }
    owners
        .iter()
        .map(|owner| {
            match context
                .handles
                .member(owner)
                .and_then(|m| m.slack.as_deref())
            {
                Some(id) => format!("<@{id}>"),
                None => chat::slack(owner),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Write `report` as a Teams Workflows webhook message to `out`.
pub fn write_teams(
    report: &DueReport,
    context: &FeedContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (rows, proposals, more) = listed(report);
    let mut mentions = Mentions::default();
    let mut body = vec![json!({
        "type": "TextBlock",
        "text": format!("Alliance reviews due on {}", report.window.today),
        "size": "Medium",
        "weight": "Bolder",
        "wrap": true,
    })];
    for row in &rows {
        body.extend(teams_row(row, context, &mut mentions));
    }
    if rows.is_empty() {
        body.push(json!({"type": "TextBlock", "text": "Nothing is due.", "wrap": true}));
    }
    for proposal in proposals {
        let waiting = super::consent::waiting_list(&proposal.consent);
        body.push(rich(vec![
            json!({"type": "TextRun", "text": "Waiting for consent: ", "weight": "Bolder"}),
            run(&crate::document::clip(&proposal.title, 200)),
            run(&format!(" ({})", proposal.path.display())),
        ]));
        body.push(responsible("Not yet", &waiting, context, &mut mentions));
    }
    let mut summary = summary_line(report);
    if more > 0 {
        summary.push_str(&format!("; {more} more not listed: run alliance due"));
    }
    body.push(rich(vec![
        json!({"type": "TextRun", "text": chat::teams_run(&summary), "isSubtle": true}),
    ]));
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.5",
        "fallbackText": chat::teams_run(&summary_line(report)),
        "body": body,
    });
    if !mentions.0.is_empty() {
        card["msteams"] = json!({"width": "Full", "entities": mentions.0});
    }
    crate::escape::json::write_pretty(out, &message(card))?;
    writeln!(out)
}

/// A Workflows webhook message carrying `card`.
fn message(card: Value) -> Value {
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }],
    })
}

/// The `msteams.entities` of a card: one mention per member named.
#[derive(Default)]
struct Mentions(Vec<Value>);

impl Mentions {
    /// `<at>ana</at>`, listed once.
    fn tag(&mut self, handle: &str, id: &str) -> String {
        let text = format!("<at>{handle}</at>");
        if !self.0.iter().any(|m| m["text"] == text.as_str()) {
            self.0.push(json!({
                "type": "mention",
                "text": text,
                "mentioned": {"id": id, "name": handle},
            }));
        }
        text
    }
}

fn run(text: &str) -> Value {
    json!({"type": "TextRun", "text": chat::teams_run(text)})
}

fn rich(inlines: Vec<Value>) -> Value {
    json!({"type": "RichTextBlock", "inlines": inlines})
}

/// A row: what and when in a `RichTextBlock` (the file a link when the
/// repository's address is known), then who is responsible.
fn teams_row(row: &Row<'_>, context: &FeedContext, mentions: &mut Mentions) -> Vec<Value> {
    let color = if row.due.tier == Tier::Overdue {
        "Attention"
    } else {
        "Warning"
    };
    let label = mark(row).trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let mut file = run(&format!("{}:{}", row.path(), row.due.line));
    if let Some(web) = &context.web {
        file["selectAction"] =
            json!({"type": "Action.OpenUrl", "url": web.file(&row.path()).as_str()});
    }
    vec![
        rich(vec![
            json!({"type": "TextRun", "text": format!("{label}: "), "weight": "Bolder", "color": color}),
            run(&crate::document::clip(&row.subject(), 300)),
            run(" — "),
            file,
            run(&format!(" — {}", row.when())),
        ]),
        responsible("Responsible", &row.due.owners, context, mentions),
    ]
}

/// "Responsible: <at>ana</at>, @bo" as a `TextBlock`: handles the map
/// knows as Teams mentions, the rest escaped for Markdown.
fn responsible(
    label: &str,
    owners: &[String],
    context: &FeedContext,
    mentions: &mut Mentions,
) -> Value {
    let mut named: Vec<String> = owners
        .iter()
        .map(|owner| {
            match context
                .handles
                .member(owner)
                .and_then(|m| m.teams.as_deref())
            {
                Some(id) => mentions.tag(owner.trim().trim_start_matches('@'), id),
                None => chat::teams_markdown(owner),
            }
        })
        .collect();
    if named.is_empty() {
        named.push("(no parties named)".to_owned());
    }
    json!({
        "type": "TextBlock",
        "text": format!("{label}: {}", named.join(", ")),
        "isSubtle": true,
        "spacing": "None",
        "wrap": true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::due::{AllianceDue, Basis, Due, DueItem, Outcome, Window};

    /// One alliance with `n` overdue items, each owned by @ana.
    fn report(n: usize) -> DueReport {
        let today = jiff::civil::date(2026, 12, 3);
        let due = |i: usize| Due {
            date: jiff::civil::date(2026, 11, 1),
            days_overdue: 32,
            tier: Tier::Overdue,
            basis: Basis::Item,
            owners: vec!["@ana".to_owned()],
            line: i + 10,
            column: 1,
            item: Some(DueItem {
                text: format!("Item {i}"),
                id: None,
                section: "Agreements".to_owned(),
            }),
        };
        let alliance = AllianceDue {
            path: "TEAM_ALLIANCE.md".into(),
            title: "Team".to_owned(),
            draft: false,
            proposed: false,
            review: None,
            items: (0..n).map(due).collect(),
            pulse: None,
        };
        let mut report = DueReport::new(Window::new(today, None));
        report.add(
            std::path::Path::new("TEAM_ALLIANCE.md"),
            Outcome::Listed(alliance),
        );
        report
    }

    fn json_of(
        write: fn(&DueReport, &FeedContext, &mut dyn Write) -> io::Result<()>,
        n: usize,
    ) -> Value {
        let mut out = Vec::new();
        write(&report(n), &FeedContext::default(), &mut out).expect("write to a Vec");
        serde_json::from_slice(&out).expect("JSON")
    }

    #[test]
    fn a_long_list_stops_at_the_limit_and_says_how_many_more() {
        let slack = json_of(write_slack, 60);
        let blocks = slack["blocks"].as_array().expect("blocks");
        // The header, 40 rows, the summary: within Slack's 50 blocks.
        assert_eq!(blocks.len(), 1 + MAX_ROWS + 1);
        let last = blocks[blocks.len() - 1]["elements"][0]["text"]
            .as_str()
            .unwrap_or("");
        assert!(
            last.ends_with("; 20 more not listed: run `alliance due`"),
            "{last}"
        );
        let teams = json_of(write_teams, 60).to_string();
        assert!(
            teams.contains("; 20 more not listed: run alliance due"),
            "{teams}"
        );
        let slack = json_of(write_slack, 3).to_string();
        assert!(!slack.contains("more not listed"), "{slack}");
    }
}
