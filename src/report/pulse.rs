//! `alliance pulse report` and what `pulse ask` wrote, rendered: for
//! people (a table with a sparkline per party), for programs (JSON), and
//! for a pull request or an issue (Markdown, trends as plain numbers).
//!
//! Every handle, item word, note and agreement comes from files in the
//! repository and is escaped for where it lands (`escape::terminal`,
//! `escape::markdown`, `escape::json`). A sealed round is told as "N of M
//! have answered", never whose scores. Human and Markdown share one
//! skeleton (`write_report`: the parts and their order) and differ only in
//! their `PulseWriter`.

use std::io::{self, Write};
use std::path::Path;

use crate::escape::{markdown, terminal};
use crate::pulse::{AgreementView, CadenceFrom, Picture, RoundStatus, SignalKind, Trend};

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
        PulseFormat::Human => write_report(picture, &Human::new(picture), out),
        PulseFormat::Json => json(picture, out),
        PulseFormat::Markdown => write_report(picture, &Markdown, out),
    }
}

fn t(text: &str) -> String {
    terminal::line(text).into_owned()
}

/// A score as shown: whole, or to one decimal.
pub(crate) fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A difference as shown: `+2`, `-0.5`, `0`.
pub(crate) fn signed(v: f64) -> String {
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
        rounds.push_str(&format!(
            "; a round every {every} ({})",
            cadence_from(picture.every_from)
        ));
    } else {
        rounds.push_str("; no round falls due (set pulse.every)");
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

/// Why the report uses the cadence it does, in a few words.
fn cadence_from(from: CadenceFrom) -> &'static str {
    match from {
        CadenceFrom::PulseEvery => "pulse.every",
        CadenceFrom::Instrument => "the instrument's",
        CadenceFrom::ReviewEvery => "review.every, as the alliance sets no pulse.every",
        CadenceFrom::Nowhere => "no cadence set",
    }
}

/// The pulse report for people and for Markdown: the parts in their order,
/// each written by `writer`. A picture with no round yet stops after the
/// header; every other part starts after a blank line.
fn write_report(
    picture: &Picture,
    writer: &dyn PulseWriter,
    out: &mut dyn Write,
) -> io::Result<()> {
    let esc = |s: &str| writer.escape(s);
    let path = picture.path.display().to_string();
    writer.title(&path, out)?;
    for line in header(picture, &esc) {
        writer.header_line(&line, out)?;
    }
    writeln!(out)?;
    if picture.rounds.is_empty() {
        return writer.nothing_yet(&path, out);
    }
    if picture.signals.is_empty() {
        writer.no_signals(out)?;
    } else {
        writer.signals_heading(out)?;
        for s in &picture.signals {
            writer.signal(&signal_line(picture, s, &esc), out)?;
        }
    }
    writeln!(out)?;
    write_table(picture, writer, out)?;
    if !picture.agreements.is_empty() {
        writeln!(out)?;
        writer.agreements_heading(picture, out)?;
        for a in &picture.agreements {
            writer.agreement(a, &said(a, &esc), out)?;
        }
    }
    if picture.rounds.iter().any(|r| !r.notes.is_empty()) {
        writeln!(out)?;
        writer.notes_heading(out)?;
        for r in &picture.rounds {
            for n in &r.notes {
                let note = format!(
                    "{} {}: {}",
                    n.date,
                    esc(&format!("@{}", n.handle)),
                    esc(&n.text)
                );
                writer.note(&note, out)?;
            }
        }
    }
    writeln!(out)?;
    writer.legend(out)
}

/// The table: a row per dimension, each followed by a row per item of it.
fn write_table(picture: &Picture, writer: &dyn PulseWriter, out: &mut dyn Write) -> io::Result<()> {
    writer.table_head(picture, out)?;
    for dim in &picture.dimensions {
        writer.dimension_row(dim, out)?;
        for item in picture
            .items
            .iter()
            .filter(|i| i.dimension == dim.dimension)
        {
            writer.item_row(item, out)?;
        }
    }
    Ok(())
}

/// What each party said of an agreement: "@ana kept, @ben broken".
fn said(agreement: &AgreementView, esc: &dyn Fn(&str) -> String) -> String {
    if agreement.states.is_empty() {
        return "no answer".to_owned();
    }
    agreement
        .states
        .iter()
        .map(|(h, s)| format!("{} {}", esc(&format!("@{h}")), s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The last column's name: the gap between two parties, the spread among
/// more.
fn gap_column(picture: &Picture) -> &'static str {
    if picture.parties.len() > 2 {
        "spread"
    } else {
        "gap"
    }
}

/// One format of the pulse report: how each part is written. Which parts
/// there are, their order and the blank lines between them are
/// [`write_report`]'s.
trait PulseWriter {
    /// Text from the repository, escaped for where this format lands.
    fn escape(&self, text: &str) -> String;
    /// The first line: the alliance's file.
    fn title(&self, path: &str, out: &mut dyn Write) -> io::Result<()>;
    /// One line of the [`header`].
    fn header_line(&self, line: &str, out: &mut dyn Write) -> io::Result<()>;
    /// What is said instead of the rest when no round is recorded.
    fn nothing_yet(&self, path: &str, out: &mut dyn Write) -> io::Result<()>;
    /// What is said when there is no signal.
    fn no_signals(&self, out: &mut dyn Write) -> io::Result<()>;
    /// The line before the signals.
    fn signals_heading(&self, out: &mut dyn Write) -> io::Result<()>;
    /// One signal ([`signal_line`]).
    fn signal(&self, line: &str, out: &mut dyn Write) -> io::Result<()>;
    /// The table's head: a column per party and the gap.
    fn table_head(&self, picture: &Picture, out: &mut dyn Write) -> io::Result<()>;
    /// A dimension's row.
    fn dimension_row(&self, dim: &Trend, out: &mut dyn Write) -> io::Result<()>;
    /// An item's row, under its dimension's.
    fn item_row(&self, item: &Trend, out: &mut dyn Write) -> io::Result<()>;
    /// The line before the agreements.
    fn agreements_heading(&self, picture: &Picture, out: &mut dyn Write) -> io::Result<()>;
    /// One agreement and what each party said of it ([`said`]).
    fn agreement(
        &self,
        agreement: &AgreementView,
        said: &str,
        out: &mut dyn Write,
    ) -> io::Result<()>;
    /// The line before the notes.
    fn notes_heading(&self, out: &mut dyn Write) -> io::Result<()>;
    /// One note: "DATE @handle: words", escaped.
    fn note(&self, note: &str, out: &mut dyn Write) -> io::Result<()>;
    /// How scores are counted.
    fn legend(&self, out: &mut dyn Write) -> io::Result<()>;
}

/// The pulse report for people: aligned columns, a sparkline per party.
struct Human {
    /// The width of the label column.
    label_width: usize,
    /// The width of a party's column.
    cell: usize,
}

impl Human {
    /// The column widths `picture` needs.
    fn new(picture: &Picture) -> Self {
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
        let handles = picture
            .parties
            .iter()
            .map(|p| t(&format!("@{}", p.handle)).chars().count());
        let cell = (picture.rounds.len() + 5).max(8);
        let cell = cell.max(handles.max().unwrap_or(0));
        Human { label_width, cell }
    }

    fn row(&self, label: &str, trend: &Trend) -> String {
        let (label_width, cell) = (self.label_width, self.cell);
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
}

impl PulseWriter for Human {
    fn escape(&self, text: &str) -> String {
        t(text)
    }

    fn title(&self, path: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", t(path))
    }

    fn header_line(&self, line: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{line}")
    }

    fn nothing_yet(&self, path: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "Nothing to show yet: `alliance pulse ask {} --as HANDLE` records an answer.",
            t(path)
        )
    }

    fn no_signals(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "Signals: none (no gap over the threshold, no rupture, no broken agreement)"
        )
    }

    fn signals_heading(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "Signals, biggest first:")
    }

    fn signal(&self, line: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "  {line}")
    }

    fn table_head(&self, picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
        let cell = self.cell;
        let mut head = format!("{:width$}", "", width = self.label_width);
        for p in &picture.parties {
            let h = t(&format!("@{}", p.handle));
            head.push_str(&format!("  {h:cell$}"));
        }
        head.push_str(&format!("  {}", gap_column(picture)));
        writeln!(out, "{}", head.trim_end())
    }

    fn dimension_row(&self, dim: &Trend, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.row(&t(&dim.dimension), dim))
    }

    fn item_row(&self, item: &Trend, out: &mut dyn Write) -> io::Result<()> {
        let id = item.item.as_deref().unwrap_or_default();
        let mark = if item.reverse { " ~" } else { "" };
        let label = format!("  {}{mark}", t(id));
        writeln!(out, "{}", self.row(&label, item))
    }

    fn agreements_heading(&self, picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "Agreements (round {}):",
            picture
                .rounds
                .last()
                .map(|r| r.date.to_string())
                .unwrap_or_default()
        )
    }

    fn agreement(&self, a: &AgreementView, said: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "  {}: {} - {said}", t(&a.key), t(&a.text))
    }

    fn notes_heading(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "Notes:")
    }

    fn note(&self, note: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "  {note}")
    }

    fn legend(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{LEGEND}")
    }
}

/// The pulse report in Markdown: tables, trends as plain numbers.
struct Markdown;

impl Markdown {
    fn row(label: &str, trend: &Trend) -> String {
        let mut row = format!("| {label} | ");
        for series in &trend.series {
            row.push_str(&format!("{} | ", plain_trend(series)));
        }
        let gap = gap_text(trend);
        let flag = if trend.gap_flagged { " **gap**" } else { "" };
        row.push_str(&format!("{gap}{flag} |"));
        row
    }
}

impl PulseWriter for Markdown {
    fn escape(&self, text: &str) -> String {
        markdown::inline(text)
    }

    fn title(&self, path: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "### Pulse: {}\n", markdown::inline(path))
    }

    fn header_line(&self, line: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{line}  ")
    }

    fn nothing_yet(&self, _path: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "Nothing to show yet.")
    }

    fn no_signals(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "No signals: no gap over the threshold, no rupture, no broken agreement."
        )
    }

    fn signals_heading(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "**Signals**, biggest first:\n")
    }

    fn signal(&self, line: &str, out: &mut dyn Write) -> io::Result<()> {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(out, "- {line}")
    }

    fn table_head(&self, picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
        let mut head = "| | ".to_owned();
        let mut rule = "|---|".to_owned();
        for p in &picture.parties {
            head.push_str(&format!(
                "{} | ",
                markdown::inline(&format!("@{}", p.handle))
            ));
            rule.push_str("---|");
        }
        head.push_str(&format!("{} |", gap_column(picture)));
        rule.push_str("---|");
        writeln!(out, "{}", head.trim_end())?;
        writeln!(out, "{rule}")
    }

    fn dimension_row(&self, dim: &Trend, out: &mut dyn Write) -> io::Result<()> {
        let label = format!("**{}**", markdown::inline(&dim.dimension));
        writeln!(out, "{}", Markdown::row(&label, dim))
    }

    fn item_row(&self, item: &Trend, out: &mut dyn Write) -> io::Result<()> {
        let mark = if item.reverse { " ~" } else { "" };
        let label = format!(
            "{}{mark}",
            markdown::inline(item.item.as_deref().unwrap_or_default())
        );
        writeln!(out, "{}", Markdown::row(&label, item))
    }

    fn agreements_heading(&self, _picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "**Agreements**\n")
    }

    fn agreement(&self, a: &AgreementView, said: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "- {}: {said}", markdown::inline(&a.text))
    }

    fn notes_heading(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "**Notes**\n")
    }

    fn note(&self, note: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "- {note}")
    }

    fn legend(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", legend_line())
    }
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
