//! Renderers of a `due` run: human (most overdue first), json, github
//! annotations, junit (one test case per alliance and per dated item), a
//! markdown table, an iCalendar feed (`ics.rs`) and chat messages for Slack
//! and Teams (`chat.rs`). Each writes the same [`DueReport`]; adding a format
//! touches this file only. Human and Markdown share one skeleton
//! (`write_report`: the parts and their order) and differ only in their
//! `DueWriter`.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::github::{At, annotation};
use super::{consent, plural, sanitize, xml_escape};
use jiff::civil::Date;

use crate::consent::Proposal;
use crate::due::{AllianceDue, Basis, BrokenFile, Due, DueReport, Tier};
use crate::escape::json::Pretty;
use crate::escape::markdown::{self, Mentions};
use crate::workspace::UnreadFile;

pub mod chat;
pub mod ics;

/// Output formats of `alliance due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFormat {
    /// For people: most overdue first, drafts apart.
    Human,
    /// For programs: one JSON document.
    Json,
    /// GitHub Actions annotations on the line of each date.
    Github,
    /// JUnit XML: one test case per alliance and per dated item.
    Junit,
    /// A Markdown table, for an issue or a pull-request comment.
    Markdown,
    /// An iCalendar (RFC 5545) feed: one all-day event per date.
    Ics,
    /// A Slack Block Kit message, for an incoming webhook.
    Slack,
    /// A Microsoft Teams Workflows webhook message with an Adaptive Card.
    Teams,
}

impl DueFormat {
    /// Whether the format is a feed (the calendar or a chat message): the
    /// only formats that read a [`FeedContext`].
    pub fn is_feed(self) -> bool {
        matches!(self, DueFormat::Ics | DueFormat::Slack | DueFormat::Teams)
    }
}

/// What the calendar and chat formats add to a report from outside it:
/// the repository's web address (links to each file; the calendar's name)
/// and who each handle is in chat (mentions). Empty by default: no links,
/// no mentions.
#[derive(Debug, Clone, Default)]
pub struct FeedContext {
    /// The repository on its forge, when known.
    pub web: Option<crate::history::remote::WebAddress>,
    /// Handles that become chat mentions (empty: none do).
    pub handles: crate::workspace::handles::ChatHandles,
}

/// Render `report` in `format`; in Markdown, `@handle`s notify nobody.
pub fn render(report: &DueReport, format: DueFormat, out: &mut dyn Write) -> io::Result<()> {
    render_with(report, format, Mentions::Inert, out)
}

/// Render `report` in `format`. With [`Mentions::Live`], the Markdown
/// "Responsible" column keeps `@handle` live, so posting the table
/// notifies the people responsible; every other text stays inert.
pub fn render_with(
    report: &DueReport,
    format: DueFormat,
    mentions: Mentions,
    out: &mut dyn Write,
) -> io::Result<()> {
    render_in(report, format, mentions, &FeedContext::default(), out)
}

/// [`render_with`], the calendar and chat formats with `context`.
fn render_in(
    report: &DueReport,
    format: DueFormat,
    mentions: Mentions,
    context: &FeedContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        DueFormat::Human => write_report(report, &Human, out),
        DueFormat::Json => json(report, out),
        DueFormat::Github => github(report, out),
        DueFormat::Junit => junit(report, out),
        DueFormat::Markdown => write_report(report, &MarkdownTable { mentions }, out),
        DueFormat::Ics => ics::write_calendar(report, context, out),
        DueFormat::Slack => chat::write_slack(report, context, out),
        DueFormat::Teams => chat::write_teams(report, context, out),
    }
}

/// One row: an entry with the alliance it belongs to.
struct Row<'a> {
    alliance: &'a AllianceDue,
    due: &'a Due,
}

impl Row<'_> {
    fn path(&self) -> String {
        self.alliance.path.display().to_string()
    }

    /// "review of Payments team alliance" or "item: We start on time".
    fn subject(&self) -> String {
        match &self.due.item {
            None if self.due.basis == Basis::PulseRound => {
                format!("pulse round of {}", self.alliance.title)
            }
            None => format!("review of {}", self.alliance.title),
            Some(item) => match &item.id {
                Some(id) => format!("item `{id}`: {}", item.text),
                None => format!("item: {}", item.text),
            },
        }
    }

    /// [`Row::subject`] in Markdown: the id in monospace, the rest inline.
    fn markdown_subject(&self) -> String {
        match &self.due.item {
            None if self.due.basis == Basis::PulseRound => {
                format!("pulse round of {}", markdown::inline(&self.alliance.title))
            }
            None => format!(
                "review of {}",
                markdown::inline_with_code(&self.alliance.title)
            ),
            Some(item) => match &item.id {
                Some(id) => format!(
                    "item {}: {}",
                    markdown::code(id),
                    markdown::inline(&item.text)
                ),
                None => format!("item: {}", markdown::inline(&item.text)),
            },
        }
    }

    fn when(&self) -> String {
        when(self.due)
    }

    fn owners(&self) -> String {
        if self.due.owners.is_empty() {
            "(no parties named)".to_owned()
        } else {
            self.due.owners.join(", ")
        }
    }
}

fn when(due: &Due) -> String {
    match due.days_overdue {
        0 => format!("due today ({})", due.date),
        n if n > 0 => format!(
            "{} overdue (due {})",
            plural(n.unsigned_abs() as usize, "day"),
            due.date
        ),
        n => format!(
            "due in {} ({})",
            plural(n.unsigned_abs() as usize, "day"),
            due.date
        ),
    }
}

fn tier_word(tier: Tier) -> &'static str {
    match tier {
        Tier::Overdue => "overdue",
        Tier::DueSoon => "due soon",
        Tier::Ok => "ok",
    }
}

/// The rows of alliances matching `draft`, in `tiers`, most overdue first.
fn rows<'a>(report: &'a DueReport, draft: bool, tiers: &[Tier]) -> Vec<Row<'a>> {
    let mut rows: Vec<Row<'a>> = report
        .alliances
        .iter()
        .filter(|a| a.draft == draft)
        .flat_map(|alliance| alliance.entries().map(move |due| Row { alliance, due }))
        .filter(|r| tiers.contains(&r.due.tier))
        .collect();
    rows.sort_by(|a, b| {
        (a.due.date, a.alliance.path.as_path(), a.due.line).cmp(&(
            b.due.date,
            b.alliance.path.as_path(),
            b.due.line,
        ))
    });
    rows
}

/// The `due` report for people and for Markdown: the parts in their order,
/// each written by `writer` (a part a format has no words for writes
/// nothing). In-force rows come first, then drafts, most overdue first.
fn write_report(report: &DueReport, writer: &dyn DueWriter, out: &mut dyn Write) -> io::Result<()> {
    writer.title(report, out)?;
    let listed = [Tier::Overdue, Tier::DueSoon];
    let in_force = rows(report, false, &listed);
    let drafts = rows(report, true, &listed);
    for (draft, rows) in [(false, &in_force), (true, &drafts)] {
        if rows.is_empty() {
            continue;
        }
        if draft {
            writer.drafts_heading(rows, out)?;
        }
        writer.rows_head(out)?;
        for row in rows {
            writer.row(row, draft, out)?;
        }
    }
    if in_force.is_empty() && drafts.is_empty() {
        writer.nothing_due(out)?;
    }
    if !report.proposals.is_empty() {
        writer.proposals_heading(out)?;
        for proposal in &report.proposals {
            writer.proposal(proposal, report.window.today, out)?;
        }
    }
    for broken in &report.broken {
        writer.broken(broken, out)?;
    }
    for file in &report.unread {
        writer.unread(file, out)?;
    }
    for alliance in report
        .alliances
        .iter()
        .filter(|a| a.review.is_none() && !a.draft)
    {
        writer.undated(alliance, out)?;
    }
    writer.summary(report, out)
}

/// One format of the `due` report: how each part is written. Which parts
/// there are and their order are [`write_report`]'s.
trait DueWriter {
    /// The first lines.
    fn title(&self, report: &DueReport, out: &mut dyn Write) -> io::Result<()>;
    /// The line(s) before the drafts' rows.
    fn drafts_heading(&self, drafts: &[Row<'_>], out: &mut dyn Write) -> io::Result<()>;
    /// The line(s) before each run of rows.
    fn rows_head(&self, out: &mut dyn Write) -> io::Result<()>;
    /// One review date, of an alliance in force or of a draft.
    fn row(&self, row: &Row<'_>, draft: bool, out: &mut dyn Write) -> io::Result<()>;
    /// What is said when no row is listed.
    fn nothing_due(&self, out: &mut dyn Write) -> io::Result<()>;
    /// The line(s) before the proposals waiting for consent.
    fn proposals_heading(&self, out: &mut dyn Write) -> io::Result<()>;
    /// One proposal waiting for consent.
    fn proposal(&self, proposal: &Proposal, today: Date, out: &mut dyn Write) -> io::Result<()>;
    /// A document that is not a usable alliance.
    fn broken(&self, broken: &BrokenFile, out: &mut dyn Write) -> io::Result<()>;
    /// A file that could not be read.
    fn unread(&self, file: &UnreadFile, out: &mut dyn Write) -> io::Result<()>;
    /// An alliance in force with no review date.
    fn undated(&self, alliance: &AllianceDue, out: &mut dyn Write) -> io::Result<()>;
    /// The last line.
    fn summary(&self, report: &DueReport, out: &mut dyn Write) -> io::Result<()>;
}

/// The `due` report for people: a line per date, a summary line last.
struct Human;

impl DueWriter for Human {
    fn title(&self, _report: &DueReport, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn drafts_heading(&self, drafts: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
        let heading = if drafts.iter().any(|r| r.alliance.proposed) {
            "drafts and proposals"
        } else {
            "drafts"
        };
        writeln!(out, "{heading} (not in force, never fail the run):")
    }

    fn rows_head(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn row(&self, row: &Row<'_>, draft: bool, out: &mut dyn Write) -> io::Result<()> {
        let label = match (draft, row.alliance.proposed) {
            (false, _) => tier_word(row.due.tier),
            (true, true) => "  proposed",
            (true, false) => "  draft",
        };
        writeln!(
            out,
            "{label}: {}:{}: {} — {}",
            sanitize(&row.path()),
            row.due.line,
            sanitize(&row.subject()),
            row.when()
        )?;
        writeln!(out, "    responsible: {}", sanitize(&row.owners()))
    }

    fn nothing_due(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn proposals_heading(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "proposals waiting for consent:")
    }

    fn proposal(&self, proposal: &Proposal, today: Date, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "  proposed: {}: {} — {}",
            sanitize(&proposal.path.display().to_string()),
            sanitize(&proposal.title),
            consent::waited(proposal, today)
        )?;
        writeln!(out, "    {}", consent::terminal_line(&proposal.consent))
    }

    fn broken(&self, broken: &BrokenFile, out: &mut dyn Write) -> io::Result<()> {
        let at = broken
            .finding
            .location
            .as_ref()
            .map(|l| format!(":{}:{}", l.line, l.column))
            .unwrap_or_default();
        writeln!(
            out,
            "error[{}]: {}{at}: {}",
            broken.finding.rule.code(),
            sanitize(&broken.path.display().to_string()),
            sanitize(&broken.finding.message)
        )
    }

    fn unread(&self, file: &UnreadFile, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "error: {}", sanitize(&file.to_string()))
    }

    fn undated(&self, alliance: &AllianceDue, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "note: {}: no review date (add `review.every` or `review.next`)",
            sanitize(&alliance.path.display().to_string())
        )
    }

    fn summary(&self, report: &DueReport, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", summary_line(report))?;
        // Nothing due: when is something next?
        let nothing = report.count(Tier::Overdue) + report.count(Tier::DueSoon) == 0;
        if let Some((date, path)) = report.next().filter(|_| nothing) {
            let days = (date - report.window.today).get_days();
            writeln!(
                out,
                "next: {} on {date} (in {})",
                sanitize(&path.display().to_string()),
                plural(usize::try_from(days).unwrap_or(0), "day")
            )?;
        }
        Ok(())
    }
}

/// "3 alliances on 2026-11-22: 1 overdue, 0 due soon; 1 draft apart".
fn summary_line(report: &DueReport) -> String {
    let active = report.active();
    // Proposals are listed apart from drafts, above.
    let drafts = report.drafts();
    let mut summary = format!(
        "{} on {}: {} overdue, {} due soon",
        plural(active, "alliance"),
        report.window.today,
        report.count(Tier::Overdue),
        report.count(Tier::DueSoon)
    );
    if report.window.soon_until > report.window.today {
        let _ = write!(summary, " (up to {})", report.window.soon_until);
    }
    if drafts > 0 {
        let _ = write!(summary, "; {} apart", plural(drafts, "draft"));
    }
    if !report.proposals.is_empty() {
        let _ = write!(
            summary,
            "; {} waiting for consent",
            plural(report.proposals.len(), "proposal")
        );
    }
    if report.retired > 0 {
        let _ = write!(
            summary,
            "; {} skipped",
            plural(report.retired, "retired alliance")
        );
    }
    let unusable = report.broken.len() + report.unread.len();
    if unusable > 0 {
        let _ = write!(summary, "; {} not readable", plural(unusable, "file"));
    }
    summary
}

/// The `due` report as Markdown tables, for an issue or a pull-request
/// comment. With [`Mentions::Live`], the "Responsible" column keeps
/// `@handle` live.
struct MarkdownTable {
    mentions: Mentions,
}

impl DueWriter for MarkdownTable {
    fn title(&self, report: &DueReport, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "### Alliance reviews due on {}", report.window.today)?;
        writeln!(out)
    }

    fn drafts_heading(&self, _drafts: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
        writeln!(out)?;
        writeln!(out, "Drafts (not in force):")?;
        writeln!(out)
    }

    fn rows_head(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "| | What | File | When | Responsible |")?;
        writeln!(out, "|---|---|---|---|---|")
    }

    fn row(&self, row: &Row<'_>, _draft: bool, out: &mut dyn Write) -> io::Result<()> {
        let mark = match row.due.tier {
            Tier::Overdue => "🔴 overdue",
            _ => "🟡 due soon",
        };
        writeln!(
            out,
            "| {mark} | {} | {} | {} | {} |",
            row.markdown_subject(),
            markdown::code(&format!("{}:{}", row.path(), row.due.line)),
            markdown::inline(&row.when()),
            markdown::inline_with(&row.owners(), self.mentions)
        )
    }

    fn nothing_due(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "Nothing is due. ✅")
    }

    fn proposals_heading(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out)?;
        writeln!(out, "Proposals waiting for consent:")?;
        writeln!(out)?;
        writeln!(out, "| Alliance | File | Waiting | Agreed | Not yet |")?;
        writeln!(out, "|---|---|---|---|---|")
    }

    fn proposal(&self, proposal: &Proposal, today: Date, out: &mut dyn Write) -> io::Result<()> {
        let agreed = consent::agreed_list(&proposal.consent);
        let waiting = consent::waiting_list(&proposal.consent);
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            markdown::inline(&proposal.title),
            markdown::code(&proposal.path.display().to_string()),
            markdown::inline(&consent::waited(proposal, today)),
            if agreed.is_empty() {
                "nobody yet".to_owned()
            } else {
                markdown::inline(&agreed.join(", "))
            },
            if waiting.is_empty() {
                "—".to_owned()
            } else {
                markdown::inline(&waiting.join(", "))
            },
        )
    }

    fn broken(&self, broken: &BrokenFile, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "\n**{}**: {} — {}",
            broken.finding.rule.code(),
            markdown::code(&broken.path.display().to_string()),
            markdown::inline(&broken.finding.message)
        )
    }

    fn unread(&self, file: &UnreadFile, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "\n**cannot read** {} — {}",
            markdown::code(&file.path.display().to_string()),
            markdown::inline(&file.reason.to_string())
        )
    }

    /// The table lists dates only: an alliance without one is `check`'s
    /// to report.
    fn undated(&self, _alliance: &AllianceDue, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// The tables are the summary.
    fn summary(&self, _report: &DueReport, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Serialize)]
struct JsonProposal {
    path: String,
    title: String,
    digest: String,
    since: Option<String>,
    since_basis: Option<&'static str>,
    days_waiting: Option<i64>,
    parties: Vec<serde_json::Value>,
}

fn json_proposal(p: &crate::consent::Proposal, today: jiff::civil::Date) -> JsonProposal {
    JsonProposal {
        path: p.path.display().to_string(),
        title: p.title.clone(),
        digest: p.consent.digest.short(),
        since: p.since.map(|s| s.date.to_string()),
        since_basis: p.since.map(|s| consent::basis_word(s.basis)),
        days_waiting: consent::days_waiting(p, today),
        parties: p
            .consent
            .parties
            .iter()
            .map(|party| {
                // `consent`: agreed, unproven (recorded, but not proven as
                // the repository requires), stale (an earlier version) or
                // waiting; `proof` says what ties the entry to the party.
                let mut value = serde_json::json!({"party": party.party});
                if let (Some(out), serde_json::Value::Object(state)) =
                    (value.as_object_mut(), consent::json_state(&party.state))
                {
                    out.extend(state);
                }
                value
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct JsonAlliance<'a> {
    path: String,
    title: &'a str,
    draft: bool,
    review: Option<JsonDue<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pulse: Option<JsonDue<'a>>,
    items: Vec<JsonDue<'a>>,
}

#[derive(Serialize)]
struct JsonDue<'a> {
    date: String,
    days_overdue: i64,
    tier: Tier,
    basis: Basis,
    owners: &'a [String],
    line: usize,
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonBroken {
    path: String,
    code: &'static str,
    rule: &'static str,
    message: String,
    line: Option<usize>,
    column: Option<usize>,
}

#[derive(Serialize)]
struct JsonSummary {
    alliances: usize,
    drafts: usize,
    overdue: usize,
    due_soon: usize,
    retired_skipped: usize,
    broken: usize,
    unreadable: usize,
    proposals: usize,
}

fn json_due(due: &Due) -> JsonDue<'_> {
    JsonDue {
        date: due.date.to_string(),
        days_overdue: due.days_overdue,
        tier: due.tier,
        basis: due.basis,
        owners: &due.owners,
        line: due.line,
        column: due.column,
        text: due.item.as_ref().map(|i| i.text.as_str()),
        id: due.item.as_ref().and_then(|i| i.id.as_deref()),
        section: due.item.as_ref().map(|i| i.section.as_str()),
    }
}

fn json(report: &DueReport, out: &mut dyn Write) -> io::Result<()> {
    let mut object = json_start(&report.window, out)?;
    for alliance in &report.alliances {
        object.item(&json_alliance(alliance))?;
    }
    json_end(object, report)
}

/// The opening of the JSON report, up to the list of alliances.
fn json_start<'a>(window: &crate::due::Window, out: &'a mut dyn Write) -> io::Result<Pretty<'a>> {
    let mut object = Pretty::start(out)?;
    object.field("version", &super::JSON_VERSION)?;
    object.field("today", &window.today.to_string())?;
    object.field("soon_until", &window.soon_until.to_string())?;
    object.open_array("alliances")?;
    Ok(object)
}

fn json_alliance(a: &AllianceDue) -> JsonAlliance<'_> {
    JsonAlliance {
        path: a.path.display().to_string(),
        title: &a.title,
        draft: a.draft,
        review: a.review.as_ref().map(json_due),
        pulse: a.pulse.as_ref().map(json_due),
        items: a.items.iter().map(json_due).collect(),
    }
}

/// After the alliances: broken and unreadable files, proposals and the
/// summary, from `report`'s counts (its alliances may have been written
/// and dropped already).
fn json_end(mut object: Pretty<'_>, report: &DueReport) -> io::Result<()> {
    object.close_array()?;
    let broken: Vec<JsonBroken> = report
        .broken
        .iter()
        .map(|b| JsonBroken {
            path: b.path.display().to_string(),
            code: b.finding.rule.code(),
            rule: b.finding.rule.name(),
            message: b.finding.message.clone(),
            line: b.finding.location.as_ref().map(|l| l.line),
            column: b.finding.location.as_ref().map(|l| l.column),
        })
        .collect();
    object.field("broken", &broken)?;
    object.field("unreadable", &super::json::unread(&report.unread))?;
    let proposals: Vec<JsonProposal> = report
        .proposals
        .iter()
        .map(|p| json_proposal(p, report.window.today))
        .collect();
    object.field("proposals", &proposals)?;
    object.field(
        "summary",
        &JsonSummary {
            alliances: report.active(),
            drafts: report.drafts(),
            overdue: report.count(Tier::Overdue),
            due_soon: report.count(Tier::DueSoon),
            retired_skipped: report.retired,
            broken: report.broken.len(),
            unreadable: report.unread.len(),
            proposals: report.proposals.len(),
        },
    )?;
    object.end()
}

/// A `due` report written as its alliances come. JSON is written alliance
/// by alliance and keeps only counts, broken files and proposals, so memory
/// stays flat in the number of alliances. The human, GitHub and Markdown
/// formats list rows most overdue first across every alliance: they keep
/// the alliances with something to list (an entry overdue or due soon, or
/// no review date), without their entries that are not. JUnit and the
/// calendar keep all.
/// The bytes are those of [`render_with`] on the whole report.
pub struct DueStream<'a> {
    report: DueReport,
    sink: DueSink<'a>,
    context: FeedContext,
}

enum DueSink<'a> {
    Json(Pretty<'a>),
    Whole {
        format: DueFormat,
        mentions: Mentions,
        out: &'a mut dyn Write,
    },
}

impl<'a> DueStream<'a> {
    /// Start writing a report for `window` in `format` to `out`.
    pub fn start(
        window: crate::due::Window,
        format: DueFormat,
        mentions: Mentions,
        out: &'a mut dyn Write,
    ) -> io::Result<Self> {
        let sink = match format {
            DueFormat::Json => DueSink::Json(json_start(&window, out)?),
            _ => DueSink::Whole {
                format,
                mentions,
                out,
            },
        };
        Ok(DueStream {
            report: DueReport::new(window),
            sink,
            context: FeedContext::default(),
        })
    }

    /// The web address and chat handles the calendar and chat formats use.
    pub fn with_context(mut self, context: FeedContext) -> Self {
        self.context = context;
        self
    }

    /// The report so far: its window, and the lists a caller adds to
    /// (proposals, unreadable files).
    pub fn report(&mut self) -> &mut DueReport {
        &mut self.report
    }

    /// The outcome of one document, in discovery's order.
    pub fn add(&mut self, path: &std::path::Path, outcome: crate::due::Outcome) -> io::Result<()> {
        let Some(alliance) = self.report.tally(path, outcome) else {
            return Ok(());
        };
        match &mut self.sink {
            DueSink::Json(object) => object.item(&json_alliance(&alliance)),
            // The calendar lists every date, due soon or not.
            DueSink::Whole {
                format: DueFormat::Junit | DueFormat::Ics,
                ..
            } => {
                self.report.alliances.push(alliance);
                Ok(())
            }
            DueSink::Whole { .. } => {
                self.report.alliances.extend(listed_only(alliance));
                Ok(())
            }
        }
    }

    /// The end of the report; the report (its counts, and what it kept).
    pub fn finish(self) -> io::Result<DueReport> {
        match self.sink {
            DueSink::Json(object) => json_end(object, &self.report)?,
            DueSink::Whole {
                format,
                mentions,
                out,
            } => render_in(&self.report, format, mentions, &self.context, out)?,
        }
        Ok(self.report)
    }
}

/// What the human, GitHub and Markdown formats show of `alliance`: its
/// entries overdue or due soon, or a note that it has no review date.
fn listed_only(mut alliance: AllianceDue) -> Option<AllianceDue> {
    alliance.items.retain(|d| d.tier != Tier::Ok);
    let shown = alliance.entries().any(|d| d.tier != Tier::Ok)
        || (alliance.review.is_none() && !alliance.draft);
    // What is kept is kept to the end of the run, so it is copied here,
    // on the thread that keeps it: the copy takes no more room than its
    // text (not the room the unlisted items took), and it does not pin
    // the pages the reading threads allocated it in.
    shown.then(|| alliance.clone())
}

fn github(report: &DueReport, out: &mut dyn Write) -> io::Result<()> {
    for draft in [false, true] {
        for row in rows(report, draft, &[Tier::Overdue, Tier::DueSoon]) {
            let level = if row.due.tier == Tier::Overdue && !draft {
                "error"
            } else {
                "warning"
            };
            let title = if draft {
                "alliance due (draft)".to_owned()
            } else {
                format!("alliance {}", tier_word(row.due.tier))
            };
            let message = format!(
                "{} — {}; responsible: {}",
                row.subject(),
                row.when(),
                row.owners()
            );
            let at = At {
                line: row.due.line,
                column: row.due.column,
                end_column: None,
            };
            annotation(out, level, &row.alliance.path, Some(at), &title, &message)?;
        }
    }
    for proposal in &report.proposals {
        let message = format!(
            "{} — {}; {}",
            proposal.title,
            consent::waited(proposal, report.window.today),
            consent::terminal_line(&proposal.consent)
        );
        let title = "alliance waiting for consent";
        annotation(out, "notice", &proposal.path, None, title, &message)?;
    }
    for broken in &report.broken {
        let at = broken.finding.location.as_ref().map(|l| At {
            line: l.line,
            column: l.column,
            end_column: None,
        });
        let title = format!(
            "{} {}",
            broken.finding.rule.code(),
            broken.finding.rule.name()
        );
        annotation(
            out,
            "error",
            &broken.path,
            at,
            &title,
            &broken.finding.message,
        )?;
    }
    for file in &report.unread {
        let message = format!("cannot read the file: {}", file.reason);
        annotation(out, "error", &file.path, None, "cannot read", &message)?;
    }
    Ok(())
}

/// One JUnit `<testsuite>` being written.
#[derive(Default)]
struct Suite {
    /// The alliance's file, in the suite's `file` attribute: junit-10.xsd
    /// has no `file` or `line` on a test case, so the line is in the text
    /// of the failure or output (`PATH:LINE: ...`).
    file: Option<String>,
    tests: usize,
    failures: usize,
    errors: usize,
    cases: String,
}

fn junit(report: &DueReport, out: &mut dyn Write) -> io::Result<()> {
    let mut suites = Vec::new();
    for alliance in &report.alliances {
        suites.push((
            alliance.path.display().to_string(),
            alliance_suite(alliance),
        ));
    }
    if !report.proposals.is_empty() {
        suites.push((
            "proposals waiting for consent".to_owned(),
            proposals_suite(report),
        ));
    }
    let unreadable = unreadable_suite(report);
    if unreadable.tests > 0 {
        suites.push(("unreadable alliances".to_owned(), unreadable));
    }
    let total: usize = suites.iter().map(|(_, s)| s.tests).sum();
    let failures: usize = suites.iter().map(|(_, s)| s.failures).sum();
    let errors: usize = suites.iter().map(|(_, s)| s.errors).sum();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"alliance due\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\">"
    )?;
    for (name, suite) in &suites {
        let file = suite
            .file
            .as_ref()
            .map(|f| format!(" file=\"{}\"", xml_escape(f)))
            .unwrap_or_default();
        write!(
            out,
            "  <testsuite name=\"{}\"{file} tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}  </testsuite>\n",
            xml_escape(name),
            suite.tests,
            suite.failures,
            suite.errors,
            suite.cases
        )?;
    }
    writeln!(out, "</testsuites>")
}

/// One test case per review date of `alliance` (overdue: a failure; due
/// soon, not yet due, or overdue in a draft: output only, `PATH:LINE: ...`),
/// and a skipped case when the alliance has no review date at all.
fn alliance_suite(alliance: &AllianceDue) -> Suite {
    let path = xml_escape(&alliance.path.display().to_string());
    let mut suite = Suite {
        file: Some(alliance.path.display().to_string()),
        ..Suite::default()
    };
    for due in alliance.entries() {
        suite.tests += 1;
        let row = Row { alliance, due };
        let name = match &due.item {
            None if due.basis != Basis::PulseRound => format!("review of {}", alliance.title),
            _ => row.subject(),
        };
        let _ = writeln!(
            suite.cases,
            "    <testcase name=\"{}\" classname=\"{path}\">",
            xml_escape(&name),
        );
        let detail = format!(
            "{}:{}: {}; responsible: {}",
            alliance.path.display(),
            due.line,
            row.when(),
            row.owners()
        );
        match (due.tier, alliance.draft) {
            (Tier::Overdue, false) => {
                suite.failures += 1;
                let _ = writeln!(
                    suite.cases,
                    "      <failure type=\"overdue\" message=\"{}\">{}</failure>",
                    xml_escape(&row.when()),
                    xml_escape(&detail)
                );
            }
            // Every case says where it is: junit-10.xsd has no place for
            // a test case's file and line but its text.
            (Tier::DueSoon | Tier::Ok, _) | (Tier::Overdue, true) => {
                let _ = writeln!(
                    suite.cases,
                    "      <system-out>{}</system-out>",
                    xml_escape(&detail)
                );
            }
        }
        suite.cases.push_str("    </testcase>\n");
    }
    if alliance.review.is_none() {
        suite.tests += 1;
        let _ = writeln!(
            suite.cases,
            "    <testcase name=\"review of {}\" classname=\"{path}\">\n      <skipped message=\"no review date: add review.every or review.next\"/>\n    </testcase>",
            xml_escape(&alliance.title),
        );
    }
    suite
}

/// One skipped case per proposal: not a failure (a proposal is not in
/// force), but visible in the CI's test report with who it waits for.
fn proposals_suite(report: &DueReport) -> Suite {
    let mut suite = Suite::default();
    for proposal in &report.proposals {
        suite.tests += 1;
        let path = xml_escape(&proposal.path.display().to_string());
        let message = format!(
            "{}; {}",
            consent::waited(proposal, report.window.today),
            consent::terminal_line(&proposal.consent)
        );
        let _ = writeln!(
            suite.cases,
            "    <testcase name=\"consent to {}\" classname=\"{path}\">\n      <skipped message=\"{}\"/>\n    </testcase>",
            xml_escape(&proposal.title),
            xml_escape(&message)
        );
    }
    suite
}

/// One error case per file that is not a usable alliance or could not be
/// read.
fn unreadable_suite(report: &DueReport) -> Suite {
    let mut suite = Suite::default();
    let broken = report
        .broken
        .iter()
        .map(|b| (&b.path, b.finding.rule.code(), b.finding.message.clone()));
    let unread = report.unread.iter().map(|f| {
        (
            &f.path,
            "unreadable",
            format!("cannot read the file: {}", f.reason),
        )
    });
    for (path, kind, message) in broken.chain(unread) {
        suite.tests += 1;
        suite.errors += 1;
        let path = xml_escape(&path.display().to_string());
        let _ = writeln!(
            suite.cases,
            "    <testcase name=\"{path}\" classname=\"{path}\">\n      <error type=\"{kind}\" message=\"{}\"/>\n    </testcase>",
            xml_escape(&message)
        );
    }
    suite
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(
            xml_escape("a<b & \"c\"'"),
            "a&lt;b &amp; &quot;c&quot;&apos;"
        );
        assert_eq!(xml_escape("x\u{1b}y"), "x\\u{1b}y");
    }
}
