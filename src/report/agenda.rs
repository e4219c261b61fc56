//! `alliance agenda` output: the review meeting for a terminal, as
//! Markdown to paste in a meeting document or an issue, or as JSON.
//!
//! The changes since the last review are rendered by the `diff` renderers
//! ([`diff::human_changes`], [`diff::markdown_changes`]). Every text that
//! came from a document, a kind, the pulse or a commit is escaped for where
//! it lands: [`sanitize`] for the terminal, [`markdown::inline`] (no HTML,
//! images or live mentions) for Markdown; JSON is written by serde.

use std::io::{self, Write};

use crate::agenda::{Agenda, Part, PulseRounds, PulseTopic, SignalKind, Since, Waiting};
use crate::escape::{self, markdown};
use crate::report::diff::{self, md_escape};
use crate::report::words::{headline, plural};
use crate::report::{JSON_VERSION, Style, sanitize};

/// Formats of `alliance agenda`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaFormat {
    /// For people, in a terminal.
    Human,
    /// Markdown, to paste in a meeting document or an issue.
    Markdown,
    /// One JSON document (see docs/json.md).
    Json,
}

/// What the pulse part says when no check-in is recorded, before the
/// command that records one ([`PULSE_COMMAND`]).
pub const NO_PULSE: &str = "no pulse check-ins recorded yet";
/// The command that records a pulse check-in.
pub const PULSE_COMMAND: &str = "alliance pulse ask";
/// What the pulse part says when the check-ins show nothing to talk about.
pub const QUIET_PULSE: &str = "no gaps, drops, or broken or slipping agreements in the pulse";
/// What the proposals part says when consent is not recorded.
pub const NO_CONSENT: &str = "no consent records here to read proposals from";
/// What the proposals part says when none waits.
pub const NO_PROPOSALS: &str = "no proposal is waiting for consent";

/// Render `agenda` in `format`.
pub fn render(
    agenda: &Agenda,
    format: AgendaFormat,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        AgendaFormat::Human => human(agenda, style, out),
        AgendaFormat::Markdown => markdown_agenda(agenda, out),
        AgendaFormat::Json => json(agenda, out),
    }
}

fn minutes(agenda: &Agenda, part: Part) -> String {
    match agenda.minutes_of(part) {
        Some(m) => format!(" ({m} min)"),
        None => String::new(),
    }
}

fn days(days_overdue: i64) -> String {
    match days_overdue {
        0 => "today".to_owned(),
        d if d > 0 => format!("{} ago", plural(d.unsigned_abs() as usize, "day")),
        d => format!("in {}", plural(d.unsigned_abs() as usize, "day")),
    }
}

fn signal_line(signal: &PulseTopic) -> String {
    let mark = if signal.reverse { " ~" } else { "" };
    let mut line = format!("{}: {}{mark}", kind_word(signal.kind), signal.item);
    if let Some(dimension) = &signal.dimension {
        line.push_str(&format!(" ({dimension})"));
    }
    if !signal.who.is_empty() {
        line.push_str(&format!(" — {}", signal.who.join(", ")));
    }
    line.push_str(&format!(": {}", signal_words(signal)));
    line
}

/// The agenda's word for a kind of signal.
fn kind_word(kind: SignalKind) -> &'static str {
    match kind {
        SignalKind::Broken => "broken",
        SignalKind::Slipping => "slipping",
        SignalKind::Rupture => "drop",
        SignalKind::Gap => "gap",
        SignalKind::Repair => "repair",
    }
}

/// A signal in a sentence: the parties' scores of a gap, a drop's or a
/// repair's size, with the round and the item's words.
fn signal_words(signal: &PulseTopic) -> String {
    let (round, statement) = (signal.round, &signal.statement);
    match signal.kind {
        SignalKind::Gap => {
            let scores: Vec<String> = signal
                .scores
                .iter()
                .map(|(who, score)| format!("{who} {score}"))
                .collect();
            let reverse = if signal.reverse {
                " (answered; ~ scored in reverse: a high answer counts low)"
            } else {
                ""
            };
            format!(
                "{}{reverse} in round {round}: \"{statement}\"",
                scores.join(", ")
            )
        }
        SignalKind::Rupture => format!(
            "fell {} in round {round}: \"{statement}\"",
            points(signal.magnitude)
        ),
        SignalKind::Repair => format!(
            "back up {} in round {round}: \"{statement}\"",
            points(signal.magnitude)
        ),
        SignalKind::Broken | SignalKind::Slipping => format!("{statement} (round {round})"),
    }
}

fn points(v: f64) -> String {
    if (v - 1.0).abs() < 1e-9 {
        "1 point".to_owned()
    } else {
        format!("{v} points")
    }
}

/// A signal in JSON: its data, with its sentence as `words`.
impl serde::Serialize for PulseTopic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("PulseTopic", 8)?;
        out.serialize_field("kind", &self.kind)?;
        out.serialize_field("item", &self.item)?;
        out.serialize_field("dimension", &self.dimension)?;
        out.serialize_field("who", &self.who)?;
        out.serialize_field("magnitude", &self.magnitude)?;
        out.serialize_field("round", &self.round.to_string())?;
        out.serialize_field("reverse", &self.reverse)?;
        out.serialize_field("words", &signal_words(self))?;
        out.end()
    }
}

fn proposal_line(proposal: &Waiting) -> String {
    let mut line = proposal.what.clone();
    if let Some(since) = proposal.since {
        line.push_str(&format!(" (proposed {since})"));
    }
    if !proposal.agreed.is_empty() {
        line.push_str(&format!("; agreed: {}", proposal.agreed.join(", ")));
    }
    line.push_str(&format!(
        "; waiting for: {}",
        if proposal.waiting_for.is_empty() {
            "nobody".to_owned()
        } else {
            proposal.waiting_for.join(", ")
        }
    ));
    line
}

fn boxes_line(agenda: &Agenda) -> String {
    if agenda.boxes.is_empty() {
        return "nothing to time".to_owned();
    }
    agenda
        .boxes
        .iter()
        .map(|b| format!("{} {}", b.part.title().to_lowercase(), b.minutes))
        .collect::<Vec<_>>()
        .join(", ")
}

fn counts_line(agenda: &Agenda) -> String {
    agenda
        .rotation
        .counts
        .iter()
        .map(|c| format!("{} {} (+{})", c.label, c.after, c.after - c.before))
        .collect::<Vec<_>>()
        .join(", ")
}

fn human(agenda: &Agenda, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let bold = |text: &str| {
        if style.color {
            format!("\u{1b}[1m{text}\u{1b}[0m")
        } else {
            text.to_owned()
        }
    };
    let heading = |part: Part| bold(&format!("## {}{}", part.title(), minutes(agenda, part)));
    writeln!(
        out,
        "{}",
        bold(&format!(
            "Review meeting: {} ({}), {}, {} minutes",
            sanitize(&agenda.title),
            sanitize(&agenda.path),
            agenda.date,
            agenda.minutes
        ))
    )?;
    writeln!(out, "time boxes: {}", boxes_line(agenda))?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::SinceLastReview))?;
    human_since(agenda, style, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::HowItIsGoing))?;
    human_pulse(agenda, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::ReadAloud))?;
    human_read_aloud(agenda, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::Questions))?;
    for (i, question) in agenda.questions.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, sanitize(question))?;
    }

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::Due))?;
    human_due(agenda, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::Proposals))?;
    match &agenda.proposals {
        None => writeln!(out, "{NO_CONSENT}")?,
        Some(list) if list.is_empty() => writeln!(out, "{NO_PROPOSALS}")?,
        Some(list) => {
            for proposal in list {
                writeln!(out, "- {}", sanitize(&proposal_line(proposal)))?;
            }
        }
    }
    Ok(())
}

/// The changes since the last review, with its note and wins.
fn human_since(agenda: &Agenda, style: Style, out: &mut dyn Write) -> io::Result<()> {
    match &agenda.since {
        Since::Unavailable(why) => writeln!(out, "nothing to compare: {}", sanitize(why))?,
        Since::Changes(since) => {
            writeln!(
                out,
                "from {} to {}: {}",
                sanitize(&since.from),
                sanitize(&since.to),
                headline(&since.diff.counts())
            )?;
            diff::human_changes(&since.diff, style, out)?;
            if since.note.is_some() || !since.wins.is_empty() {
                writeln!(out)?;
            }
            if let Some(note) = &since.note {
                writeln!(out, "last review's note: {}", sanitize(note))?;
            }
            if !since.wins.is_empty() {
                writeln!(out, "wins: {}", sanitize(&since.wins.join("; ")))?;
            }
        }
    }
    Ok(())
}

/// The rounds the pulse part covers, in a sentence: those since the last
/// review, or, when there is none, that the latest is older.
fn rounds_line(rounds: &PulseRounds) -> String {
    let dates = |list: &[jiff::civil::Date]| {
        list.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (rounds.last_review, rounds.since.is_empty(), rounds.latest) {
        (_, _, None) => {
            "no complete round yet: a round stays sealed until everyone has answered".to_owned()
        }
        (Some(last), false, _) => format!(
            "{} since the last review on {last}: {}",
            if rounds.since.len() == 1 {
                "the round"
            } else {
                "the rounds"
            },
            dates(&rounds.since)
        ),
        (None, false, _) => format!(
            "{}: {}",
            if rounds.since.len() == 1 {
                "the round"
            } else {
                "the rounds"
            },
            dates(&rounds.since)
        ),
        (Some(last), true, Some(latest)) => format!(
            "no round since the last review on {last}; the latest round, on {latest}, showed:"
        ),
        // Without a review every complete round is covered.
        (None, true, Some(latest)) => format!("the round: {latest}"),
    }
}

/// The pulse signals of the rounds covered.
fn human_pulse(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    match &agenda.pulse {
        None => writeln!(out, "{NO_PULSE} — `{PULSE_COMMAND}`")?,
        Some(part) => {
            writeln!(out, "{}", rounds_line(&part.rounds))?;
            if part.topics.is_empty() {
                writeln!(out, "{QUIET_PULSE}")?;
            }
            for signal in &part.topics {
                writeln!(out, "- {}", sanitize(&signal_line(signal)))?;
            }
        }
    }
    Ok(())
}

/// Who reads which item aloud, in aligned columns, and the counts.
fn human_read_aloud(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    if agenda.rotation.readings.is_empty() {
        writeln!(out, "no items to read")?;
    } else {
        let width = agenda
            .rotation
            .readings
            .iter()
            .map(|r| sanitize(&r.item.key).chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        let who_width = agenda
            .rotation
            .readings
            .iter()
            .map(|r| sanitize(r.label.as_deref().unwrap_or("-")).chars().count())
            .max()
            .unwrap_or(0)
            .min(24);
        for reading in &agenda.rotation.readings {
            let who = sanitize(reading.label.as_deref().unwrap_or("-")).into_owned();
            let again = if reading.repeat {
                " (again: no one else can, fairly)"
            } else {
                ""
            };
            writeln!(
                out,
                "  {:<width$}  {:<who_width$}  {}{again}",
                sanitize(&reading.item.key),
                who,
                sanitize(&reading.item.text),
            )?;
        }
        if agenda.rotation.counts.is_empty() {
            writeln!(out, "no parties named: nobody to read")?;
        } else {
            writeln!(
                out,
                "items read, with this review: {}",
                sanitize(&counts_line(agenda))
            )?;
        }
    }
    Ok(())
}

/// The items whose own review date has passed.
fn human_due(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    if agenda.due.is_empty() {
        writeln!(out, "no item's own review date has passed")?;
    }
    for due in &agenda.due {
        let id = due
            .id
            .as_ref()
            .map(|id| format!(" [{id}]"))
            .unwrap_or_default();
        writeln!(
            out,
            "- {}",
            sanitize(&format!(
                "{}{id} ({}): due {}, {}; {}",
                due.text,
                due.section,
                due.date,
                days(due.days_overdue),
                due.owners.join(", ")
            ))
        )?;
    }
    Ok(())
}

fn markdown_agenda(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    let heading = |part: Part| format!("### {}{}", part.title(), minutes(agenda, part));
    writeln!(out, "## Review meeting: {}", md_escape(&agenda.title))?;
    writeln!(out)?;
    writeln!(
        out,
        "{} · {} · {} minutes",
        markdown::code(&agenda.path),
        agenda.date,
        agenda.minutes
    )?;
    if !agenda.boxes.is_empty() {
        writeln!(out)?;
        writeln!(out, "| Part | Minutes |")?;
        writeln!(out, "|---|---:|")?;
        for b in &agenda.boxes {
            writeln!(out, "| {} | {} |", b.part.title(), b.minutes)?;
        }
    }

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::SinceLastReview))?;
    writeln!(out)?;
    markdown_since(agenda, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::HowItIsGoing))?;
    writeln!(out)?;
    markdown_pulse(agenda, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::ReadAloud))?;
    writeln!(out)?;
    markdown_read_aloud(agenda, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::Questions))?;
    writeln!(out)?;
    for (i, question) in agenda.questions.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, md_escape(question))?;
    }

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::Due))?;
    writeln!(out)?;
    markdown_due(agenda, out)?;

    writeln!(out)?;
    writeln!(out, "{}", heading(Part::Proposals))?;
    writeln!(out)?;
    match &agenda.proposals {
        None => writeln!(out, "{}", md_escape(NO_CONSENT))?,
        Some(list) if list.is_empty() => writeln!(out, "{}", md_escape(NO_PROPOSALS))?,
        Some(list) => {
            for proposal in list {
                writeln!(out, "- {}", md_escape(&proposal_line(proposal)))?;
            }
        }
    }
    Ok(())
}

/// The changes since the last review, with its note and wins, in Markdown.
/// The pulse signals of the rounds covered, in Markdown.
fn markdown_pulse(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    match &agenda.pulse {
        None => writeln!(out, "{NO_PULSE} — {}", markdown::code(PULSE_COMMAND))?,
        Some(part) => {
            writeln!(out, "{}", md_escape(&rounds_line(&part.rounds)))?;
            writeln!(out)?;
            if part.topics.is_empty() {
                writeln!(out, "{}", md_escape(QUIET_PULSE))?;
            }
            for signal in &part.topics {
                writeln!(out, "- {}", md_escape(&signal_line(signal)))?;
            }
        }
    }
    Ok(())
}

fn markdown_since(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    match &agenda.since {
        Since::Unavailable(why) => writeln!(out, "Nothing to compare: {}", md_escape(why))?,
        Since::Changes(since) => {
            writeln!(
                out,
                "From {} to {}: {}.",
                md_escape(&since.from),
                md_escape(&since.to),
                headline(&since.diff.counts())
            )?;
            diff::markdown_changes(&since.diff, out)?;
            if since.note.is_some() || !since.wins.is_empty() {
                writeln!(out)?;
            }
            if let Some(note) = &since.note {
                writeln!(out, "- **Last review's note:** {}", md_escape(note))?;
            }
            if !since.wins.is_empty() {
                let wins: Vec<String> = since.wins.iter().map(|w| md_escape(w)).collect();
                writeln!(out, "- **Wins:** {}", wins.join("; "))?;
            }
        }
    }
    Ok(())
}

/// Who reads which item aloud, as a table, and the counts.
fn markdown_read_aloud(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    if agenda.rotation.readings.is_empty() {
        writeln!(out, "No items to read.")?;
    } else {
        writeln!(out, "| Item | Reader | Text |")?;
        writeln!(out, "|---|---|---|")?;
        for reading in &agenda.rotation.readings {
            let again = if reading.repeat {
                " _(again: no one else can, fairly)_"
            } else {
                ""
            };
            writeln!(
                out,
                "| {} | {} | {}{again} |",
                markdown::code(&reading.item.key),
                md_escape(reading.label.as_deref().unwrap_or("-")),
                md_escape(&reading.item.text)
            )?;
        }
        if !agenda.rotation.counts.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "Items read, with this review: {}",
                md_escape(&counts_line(agenda))
            )?;
        }
    }
    Ok(())
}

/// The items whose own review date has passed, in Markdown.
fn markdown_due(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    if agenda.due.is_empty() {
        writeln!(out, "No item's own review date has passed.")?;
    }
    for due in &agenda.due {
        let id = due
            .id
            .as_ref()
            .map(|id| format!(" {}", markdown::code(id)))
            .unwrap_or_default();
        writeln!(
            out,
            "- {}{id} _({})_: due {}, {}; {}",
            md_escape(&due.text),
            md_escape(&due.section),
            due.date,
            days(due.days_overdue),
            md_escape(&due.owners.join(", "))
        )?;
    }
    Ok(())
}

fn json(agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
    let since = match &agenda.since {
        Since::Unavailable(why) => serde_json::json!({
            "available": false,
            "reason": why,
        }),
        Since::Changes(since) => serde_json::json!({
            "available": true,
            "from": { "label": since.from, "commit": since.from_commit },
            "to": { "label": since.to },
            "headline": headline(&since.diff.counts()),
            "counts": since.diff.counts(),
            "front": since.diff.front,
            "sections": since.diff.sections,
            "unchanged": since.diff.unchanged,
            "note": since.note,
            "wins": since.wins,
        }),
    };
    let pulse = match &agenda.pulse {
        None => serde_json::json!({ "recorded": false, "signals": [] }),
        Some(part) => serde_json::json!({
            "recorded": true,
            "last_review": part.rounds.last_review.map(|d| d.to_string()),
            "rounds": part.rounds.since.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "latest_round": part.rounds.latest.map(|d| d.to_string()),
            "signals": part.topics,
        }),
    };
    let proposals = match &agenda.proposals {
        None => serde_json::json!({ "recorded": false, "waiting": [] }),
        Some(list) => serde_json::json!({ "recorded": true, "waiting": list }),
    };
    let value = serde_json::json!({
        "version": JSON_VERSION,
        "path": agenda.path,
        "title": agenda.title,
        "kind": agenda.kind,
        "date": agenda.date.to_string(),
        "minutes": agenda.minutes,
        "boxes": agenda.boxes,
        "since_last_review": since,
        "pulse": pulse,
        "read_aloud": agenda.rotation.readings.iter().map(|r| serde_json::json!({
            "item": r.item.key,
            "id": r.item.id,
            "section": r.item.section,
            "text": r.item.text,
            "reader": r.reader,
            "label": r.label,
            "repeat": r.repeat,
        })).collect::<Vec<_>>(),
        "reading_counts": agenda.rotation.counts,
        "questions": agenda.questions,
        "due": agenda.due,
        "proposals": proposals,
    });
    escape::json::write_pretty(&mut *out, &value)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agenda::{Inputs, PulsePart, Request, SignalKind, build};
    use crate::document::Alliance;
    use std::path::Path;

    fn agenda(inputs: Inputs) -> Agenda {
        let doc = Alliance::parse_text(
            Path::new("a.md"),
            "---\nalliance: team\ntitle: T <img src=x>\nparties:\n  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\n---\n## Agreements\n- On time @grace. [id:: on-time]\n- Reply fast.\n"
                .to_owned(),
        );
        build(
            &doc,
            Request {
                path: "a.md".to_owned(),
                kind: None,
                date: crate::document::dates::parse_date("2026-02-01").expect("date"),
                minutes: Some(40),
                since: Since::Unavailable("not in a git repository".to_owned()),
                inputs,
            },
        )
        .expect("fits")
    }

    fn text(agenda: &Agenda, format: AgendaFormat) -> String {
        let mut out = Vec::new();
        render(agenda, format, Style { color: false }, &mut out).expect("render");
        String::from_utf8(out).expect("utf8")
    }

    fn inputs() -> Inputs {
        Inputs {
            carried: Default::default(),
            pulse: Some(PulsePart {
                rounds: PulseRounds {
                    last_review: Some(jiff::civil::date(2026, 6, 1)),
                    since: vec![jiff::civil::date(2026, 9, 1)],
                    latest: Some(jiff::civil::date(2026, 9, 1)),
                },
                topics: vec![
                    PulseTopic {
                        kind: SignalKind::Gap,
                        item: "Clear goals".to_owned(),
                        dimension: Some("goals".to_owned()),
                        who: vec!["ada".to_owned(), "grace".to_owned()],
                        magnitude: 3.0,
                        round: jiff::civil::date(2026, 9, 1),
                        statement: "Our goals are clear".to_owned(),
                        scores: vec![("ada".to_owned(), 2.0), ("grace".to_owned(), 5.0)],
                        reverse: true,
                    },
                    PulseTopic {
                        kind: SignalKind::Slipping,
                        item: "on-time".to_owned(),
                        dimension: None,
                        who: vec!["grace".to_owned()],
                        magnitude: 1.0,
                        round: jiff::civil::date(2026, 9, 1),
                        statement: "\u{1b}[31mlate twice".to_owned(),
                        scores: Vec::new(),
                        reverse: false,
                    },
                ],
            }),
            proposals: Some(vec![Waiting {
                what: "Add <b>Friday</b> demos @team".to_owned(),
                since: None,
                agreed: vec!["ada".to_owned()],
                waiting_for: vec!["grace".to_owned()],
            }]),
        }
    }

    #[test]
    fn signals_and_proposals_render_in_every_format() {
        let agenda = agenda(inputs());
        let human = text(&agenda, AgendaFormat::Human);
        let going = human
            .split("## How it is going")
            .nth(1)
            .expect("the pulse part");
        assert!(
            going.starts_with(
                " (8 min)\nthe round since the last review on 2026-06-01: 2026-09-01\n- slipping: on-time — grace: \\u{1b}[31mlate twice (round 2026-09-01)\n- gap: Clear goals ~ (goals) — ada, grace: ada 2, grace 5 (answered; ~ scored in reverse: a high answer counts low) in round 2026-09-01: \"Our goals are clear\"\n"
            ),
            "{human}"
        );
        assert!(
            human.contains(
                "## Proposals waiting (6 min)\n- Add <b>Friday</b> demos @team; agreed: ada; waiting for: grace\n"
            ),
            "{human}"
        );
        let md = text(&agenda, AgendaFormat::Markdown);
        assert!(
            md.contains("- slipping: on-time — grace: \\u{1b}\\[31mlate twice"),
            "{md}"
        );
        assert!(
            md.contains("Add &lt;b&gt;Friday&lt;/b&gt; demos @&#8203;team"),
            "{md}"
        );
        assert!(!md.contains("<img"), "{md}");
        assert!(!md.contains("@grace"), "mentions inert: {md}");
        let json: serde_json::Value =
            serde_json::from_str(&text(&agenda, AgendaFormat::Json)).expect("json");
        assert_eq!(json["pulse"]["signals"][0]["kind"], "slipping");
        assert_eq!(json["proposals"]["waiting"][0]["waiting_for"][0], "grace");
        assert_eq!(json["version"], JSON_VERSION);
    }

    #[test]
    fn without_inputs_the_agenda_says_so() {
        let agenda = agenda(Inputs::default());
        let human = text(&agenda, AgendaFormat::Human);
        assert!(
            human.contains(
                "## How it is going\nno pulse check-ins recorded yet — `alliance pulse ask`\n"
            ),
            "{human}"
        );
        assert!(
            human.contains(&format!("## Proposals waiting\n{NO_CONSENT}\n")),
            "{human}"
        );
        assert!(human.contains("nothing to compare: not in a git repository"));
        let json: serde_json::Value =
            serde_json::from_str(&text(&agenda, AgendaFormat::Json)).expect("json");
        assert_eq!(json["pulse"]["recorded"], false);
        assert_eq!(json["since_last_review"]["available"], false);
    }
}
