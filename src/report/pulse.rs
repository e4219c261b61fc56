//! `alliance pulse report` and what `pulse ask` wrote, rendered: for
//! people (a table with a sparkline per party), for programs (JSON), and
//! for a pull request or an issue (Markdown, trends as plain numbers).
//!
//! Every handle, item word, note and agreement comes from files in the
//! repository and is escaped for where it lands (`escape::terminal`,
//! `escape::markdown`, `escape::json`). A sealed round is told as "N of M
//! have answered", never whose scores.

use std::io::{self, Write};
use std::path::Path;

use crate::escape::{markdown, terminal};
use crate::pulse::{Picture, RoundStatus, SignalKind, Trend};

/// Output formats of `pulse report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseFormat {
    /// For people: signals, then a table per dimension with a sparkline per party.
    Human,
    /// For programs: one JSON document.
    Json,
    /// For a pull request or an issue: tables, trends as numbers.
    Markdown,
}

/// What the report says about how scores are counted.
pub const LEGEND: &str = "\
Scores are as counted: a reverse-scored item (marked ~) counts as min + max - answer.
Gap: the first party's score minus the second's (with more parties, highest minus lowest).
Rupture: a drop from one round to the next of at least one standard deviation of
that person's earlier scores (two earlier rounds at least).
Repair: back at or above the level before a rupture.";

/// The legend on one line.
fn legend_line() -> String {
    LEGEND.split_whitespace().collect::<Vec<_>>().join(" ")
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Render `picture` in `format`.
pub fn render(picture: &Picture, format: PulseFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        PulseFormat::Human => human(picture, out),
        PulseFormat::Json => json(picture, out),
        PulseFormat::Markdown => markdown_report(picture, out),
    }
}

fn t(text: &str) -> String {
    terminal::line(text).into_owned()
}

fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn signed(v: f64) -> String {
    if v.abs() < 1e-9 {
        "0".to_owned()
    } else if v > 0.0 {
        format!("+{}", number(v))
    } else {
        format!("-{}", number(-v))
    }
}

fn spark(series: &[Option<f64>], trend: &Trend) -> String {
    let (min, max) = trend.scale.bounds();
    let span = (max - min).max(1) as f64;
    series
        .iter()
        .map(|v| match v {
            None => '·',
            Some(v) => {
                let at = ((v - min as f64) / span * 7.0).round().clamp(0.0, 7.0) as usize;
                SPARKS[at]
            }
        })
        .collect()
}

fn plain_trend(series: &[Option<f64>]) -> String {
    series
        .iter()
        .map(|v| v.map_or_else(|| "-".to_owned(), number))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn sealed_line(picture: &Picture) -> Option<String> {
    let latest = picture.latest.as_ref()?;
    (latest.status == RoundStatus::Sealed).then(|| {
        let partial = picture.rounds.last().is_some_and(|r| r.partial);
        format!(
            "Round {} is sealed: {} of {} have answered.\n{}",
            latest.date,
            latest.answered,
            latest.expected,
            if partial {
                "Shown anyway (--partial): the answers so far, before everyone has answered."
            } else {
                "Its scores stay hidden until everyone has answered, so nobody anchors on another's score (--partial shows them)."
            }
        )
    })
}

fn signal_line(
    picture: &Picture,
    s: &crate::pulse::Signal,
    escape: &dyn Fn(&str) -> String,
) -> String {
    let what = match (&s.item, &s.dimension) {
        (Some(item), Some(dim)) => format!("{} ({})", escape(item), escape(dim)),
        (Some(item), None) => escape(item),
        (None, Some(dim)) => format!("{} (dimension mean)", escape(dim)),
        (None, None) => String::new(),
    };
    let who = s
        .parties
        .iter()
        .map(|h| escape(&format!("@{h}")))
        .collect::<Vec<_>>();
    let words = if s.words.is_empty() {
        String::new()
    } else {
        format!(": \"{}\"", escape(&s.words))
    };
    let _ = picture;
    match s.kind {
        SignalKind::Gap => format!(
            "gap      {what}{words} - {} apart in round {}: you do not see this the same way",
            plural_points(s.magnitude),
            s.round
        ),
        SignalKind::Rupture => format!(
            "rupture  {what}{words} - {} fell {} in round {}",
            who.join(", "),
            plural_points(s.magnitude),
            s.round
        ),
        SignalKind::Repair => format!(
            "repair   {what}{words} - {} back up {} in round {}",
            who.join(", "),
            plural_points(s.magnitude),
            s.round
        ),
        SignalKind::Broken => format!(
            "broken   agreement {what}{words} - said by {} in round {}",
            who.join(", "),
            s.round
        ),
        SignalKind::Slipping => format!(
            "slipping agreement {what}{words} - said by {} in round {}",
            who.join(", "),
            s.round
        ),
    }
}

/// The gap as shown: signed between two parties, the spread (unsigned)
/// among more.
fn gap_text(trend: &Trend) -> String {
    match trend.gap {
        None => "-".to_owned(),
        Some(g) if trend.series.len() > 2 => number(g),
        Some(g) => signed(g),
    }
}

fn plural_points(v: f64) -> String {
    if (v - 1.0).abs() < 1e-9 {
        "1 point".to_owned()
    } else {
        format!("{} points", number(v))
    }
}

fn header(picture: &Picture, escape: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    let parties = picture
        .parties
        .iter()
        .map(|p| escape(&format!("@{}", p.handle)))
        .collect::<Vec<_>>()
        .join(", ");
    lines.push(format!(
        "{} ({}), answered by {parties}",
        escape(&picture.instrument_title),
        escape(&picture.instrument)
    ));
    let complete = picture.rounds.iter().filter(|r| !r.partial).count();
    let mut rounds = match (
        picture.rounds.first(),
        picture.rounds.iter().rfind(|r| !r.partial),
    ) {
        (Some(first), Some(last)) if complete > 1 => {
            format!(
                "{complete} complete rounds, {} to {}",
                first.date, last.date
            )
        }
        (_, Some(last)) => format!("1 complete round, {}", last.date),
        _ => "no complete round yet".to_owned(),
    };
    if let Some(every) = picture.every {
        rounds.push_str(&format!("; a round every {every}"));
    }
    if let Some(next) = picture.next_due {
        rounds.push_str(&format!("; next due {next}"));
    }
    lines.push(rounds);
    if let Some(sealed) = sealed_line(picture) {
        lines.push(sealed);
    }
    lines
}

fn human(picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
    let esc = |s: &str| t(s);
    writeln!(out, "{}", t(&picture.path.display().to_string()))?;
    for line in header(picture, &esc) {
        writeln!(out, "{line}")?;
    }
    if picture.rounds.is_empty() {
        writeln!(
            out,
            "\nNothing to show yet: `alliance pulse ask {} --as HANDLE` records an answer.",
            t(&picture.path.display().to_string())
        )?;
        return Ok(());
    }
    writeln!(out)?;
    if picture.signals.is_empty() {
        writeln!(
            out,
            "Signals: none (no gap over the threshold, no rupture, no broken agreement)"
        )?;
    } else {
        writeln!(out, "Signals, biggest first:")?;
        for s in &picture.signals {
            writeln!(out, "  {}", signal_line(picture, s, &esc))?;
        }
    }
    let handles: Vec<String> = picture
        .parties
        .iter()
        .map(|p| t(&format!("@{}", p.handle)))
        .collect();
    let label_width = picture
        .items
        .iter()
        .filter_map(|i| i.item.as_ref())
        .map(|i| t(i).chars().count() + 4)
        .chain(
            picture
                .dimensions
                .iter()
                .map(|d| t(&d.dimension).chars().count()),
        )
        .max()
        .unwrap_or(10)
        .max(10);
    let rounds = picture.rounds.len();
    let cell = (rounds + 5).max(8);
    let cell = cell.max(handles.iter().map(|h| h.chars().count()).max().unwrap_or(0));
    writeln!(out)?;
    let mut head = format!("{:label_width$}", "");
    for h in &handles {
        head.push_str(&format!("  {h:cell$}"));
    }
    head.push_str(if picture.parties.len() > 2 {
        "  spread"
    } else {
        "  gap"
    });
    writeln!(out, "{}", head.trim_end())?;
    for dim in &picture.dimensions {
        writeln!(
            out,
            "{}",
            human_row(&t(&dim.dimension), dim, label_width, cell)
        )?;
        for item in picture
            .items
            .iter()
            .filter(|i| i.dimension == dim.dimension)
        {
            let id = item.item.as_deref().unwrap_or_default();
            let mark = if item.reverse { " ~" } else { "" };
            let label = format!("  {}{mark}", t(id));
            writeln!(out, "{}", human_row(&label, item, label_width, cell))?;
        }
    }
    if !picture.agreements.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Agreements (round {}):",
            picture
                .rounds
                .last()
                .map(|r| r.date.to_string())
                .unwrap_or_default()
        )?;
        for a in &picture.agreements {
            let said = if a.states.is_empty() {
                "no answer".to_owned()
            } else {
                a.states
                    .iter()
                    .map(|(h, s)| format!("{} {}", t(&format!("@{h}")), s.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(out, "  {}: {} - {said}", t(&a.key), t(&a.text))?;
        }
    }
    let notes: Vec<String> = picture
        .rounds
        .iter()
        .flat_map(|r| {
            r.notes
                .iter()
                .map(move |(h, n)| format!("  {} {}: {}", r.date, t(&format!("@{h}")), t(n)))
        })
        .collect();
    if !notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "Notes:")?;
        for n in notes {
            writeln!(out, "{n}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{LEGEND}")?;
    Ok(())
}

fn human_row(label: &str, trend: &Trend, label_width: usize, cell: usize) -> String {
    let pad = label_width.saturating_sub(label.chars().count());
    let mut row = format!("{label}{}", " ".repeat(pad));
    for series in &trend.series {
        let last = series.last().copied().flatten();
        let text = format!(
            "{:<3} {}",
            last.map_or_else(|| "-".to_owned(), number),
            spark(series, trend)
        );
        row.push_str(&format!("  {text:cell$}"));
    }
    let gap = gap_text(trend);
    row.push_str(&format!("  {gap}"));
    if trend.gap_flagged {
        row.push_str("  gap!");
    }
    row.trim_end().to_owned()
}

fn markdown_report(picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
    let esc = |s: &str| markdown::inline(s);
    writeln!(
        out,
        "### Pulse: {}\n",
        markdown::inline(&picture.path.display().to_string())
    )?;
    for line in header(picture, &esc) {
        writeln!(out, "{line}  ")?;
    }
    if picture.rounds.is_empty() {
        writeln!(out, "\nNothing to show yet.")?;
        return Ok(());
    }
    writeln!(out)?;
    if picture.signals.is_empty() {
        writeln!(
            out,
            "No signals: no gap over the threshold, no rupture, no broken agreement."
        )?;
    } else {
        writeln!(out, "**Signals**, biggest first:\n")?;
        for s in &picture.signals {
            writeln!(
                out,
                "- {}",
                signal_line(picture, s, &esc)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            )?;
        }
    }
    writeln!(out)?;
    let mut head = "| | ".to_owned();
    let mut rule = "|---|".to_owned();
    for p in &picture.parties {
        head.push_str(&format!(
            "{} | ",
            markdown::inline(&format!("@{}", p.handle))
        ));
        rule.push_str("---|");
    }
    head.push_str(if picture.parties.len() > 2 {
        "spread |"
    } else {
        "gap |"
    });
    rule.push_str("---|");
    writeln!(out, "{}", head.trim_end())?;
    writeln!(out, "{rule}")?;
    for dim in &picture.dimensions {
        writeln!(
            out,
            "{}",
            markdown_row(&format!("**{}**", markdown::inline(&dim.dimension)), dim)
        )?;
        for item in picture
            .items
            .iter()
            .filter(|i| i.dimension == dim.dimension)
        {
            let mark = if item.reverse { " ~" } else { "" };
            let label = format!(
                "{}{mark}",
                markdown::inline(item.item.as_deref().unwrap_or_default())
            );
            writeln!(out, "{}", markdown_row(&label, item))?;
        }
    }
    if !picture.agreements.is_empty() {
        writeln!(out, "\n**Agreements**\n")?;
        for a in &picture.agreements {
            let said = if a.states.is_empty() {
                "no answer".to_owned()
            } else {
                a.states
                    .iter()
                    .map(|(h, s)| format!("{} {}", markdown::inline(&format!("@{h}")), s.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(out, "- {}: {said}", markdown::inline(&a.text))?;
        }
    }
    let notes: Vec<String> = picture
        .rounds
        .iter()
        .flat_map(|r| {
            r.notes.iter().map(move |(h, n)| {
                format!(
                    "- {} {}: {}",
                    r.date,
                    markdown::inline(&format!("@{h}")),
                    markdown::inline(n)
                )
            })
        })
        .collect();
    if !notes.is_empty() {
        writeln!(out, "\n**Notes**\n")?;
        for n in notes {
            writeln!(out, "{n}")?;
        }
    }
    writeln!(out, "\n{}", legend_line())?;
    Ok(())
}

fn markdown_row(label: &str, trend: &Trend) -> String {
    let mut row = format!("| {label} | ");
    for series in &trend.series {
        row.push_str(&format!("{} | ", plain_trend(series)));
    }
    let gap = gap_text(trend);
    let flag = if trend.gap_flagged { " **gap**" } else { "" };
    row.push_str(&format!("{gap}{flag} |"));
    row
}

/// The JSON report: the picture serialised straight to the output, never
/// built as a JSON value first (a picture of 2,000 rounds of 200 items
/// would take gigabytes as one).
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    legend: String,
    reverse_scoring: &'static str,
    pulse: &'a Picture,
}

fn json(picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonReport {
        version: super::JSON_VERSION,
        legend: legend_line(),
        reverse_scoring: "min + max - answer",
        pulse: picture,
    };
    crate::escape::json::write_pretty(out, &doc)?;
    writeln!(out)
}

/// What `pulse ask` did.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    /// The file written.
    pub path: &'a Path,
    /// The round it joined or opened.
    pub round: jiff::civil::Date,
    /// Whether the round was opened by this answer.
    pub opened: bool,
    /// How many items were answered, and how many the instrument has.
    pub answered: usize,
    /// How many items the instrument asks.
    pub items: usize,
    /// Who has answered the round now, of how many.
    pub round_answered: usize,
    /// The parties.
    pub parties: usize,
}

/// One line on what `pulse ask` wrote.
pub fn asked(a: &Asked<'_>, out: &mut dyn Write) -> io::Result<()> {
    let path = t(&a.path.display().to_string());
    let round = if a.opened {
        format!("opened round {}", a.round)
    } else {
        format!("joined round {}", a.round)
    };
    if a.answered == 0 {
        writeln!(
            out,
            "wrote the form to fill in, {path} ({round}): answer its {} items, then commit it",
            a.items
        )?;
    } else if a.answered < a.items {
        writeln!(
            out,
            "wrote {path} ({round}): {} of {} items answered; fill in the empty ones, then commit it",
            a.answered, a.items
        )?;
    } else {
        writeln!(
            out,
            "wrote {path} ({round}): all {} items answered",
            a.items
        )?;
    }
    if a.round_answered < a.parties {
        writeln!(
            out,
            "the round stays sealed until everyone has answered: {} of {} so far",
            a.round_answered, a.parties
        )
    } else {
        writeln!(
            out,
            "everyone has answered: `alliance pulse report` shows the round"
        )
    }
}
