//! The pulse charts of an alliance's page: inline SVG written here, no
//! script. One chart per dimension (the mean of its items) and per item,
//! one line per party over the rounds shown, the gap between the parties
//! shaded, ruptures and repairs marked, and the newest round, when it is
//! sealed, drawn as a sealed column with how many have answered and
//! never a score.
//!
//! Every chart has a `<title>`, an `aria-label` that says what it shows,
//! and a data table beside it with the same numbers. The numbers are the
//! pulse library's ([`crate::pulse::Picture`], [`crate::pulse::score::gap`]);
//! nothing is worked out again here. Every word from a document (handles,
//! items, dimensions, item words) goes through [`crate::escape::html`].

use std::fmt::Write as _;

use crate::escape::html::text as h;
use crate::pulse::{Picture, RoundStatus, Signal, SignalKind, Trend};
use crate::report::pulse::{LEGEND, number, signed};

/// The drawing's size, in its own units (it scales to the page).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// How many party colours the stylesheet has (`p0`..`p5`); more parties
/// reuse them, and the table tells them apart.
const COLOURS: usize = 6;

/// The pulse section of the page of the alliance `slug` (its ids start
/// `slug--`): the charts of every dimension, then of every item, or what
/// stands in their place.
pub fn section(picture: &Picture, slug: &str) -> String {
    let mut out = format!(
        "<section class=\"pulse\" id=\"{slug}--pulse\">\n<h2>Pulse</h2>\n<p>{} ({}), answered by {}.</p>\n",
        h(&picture.instrument_title),
        h(&picture.instrument),
        handles(picture).join(", "),
    );
    if let Some(sealed) = sealed(picture) {
        let _ = writeln!(
            out,
            "<p class=\"sealed-note\">Round {} is sealed: {} of {} have answered. Its scores stay hidden until everyone has answered.</p>",
            sealed.date, sealed.answered, sealed.expected
        );
    }
    if picture.rounds.is_empty() {
        out.push_str("<p>No complete round yet, so there is nothing to chart.</p>\n</section>\n");
        return out;
    }
    let _ = writeln!(out, "<p class=\"muted\">{}</p>", h(&legend()));
    for (n, trend) in picture.dimensions.iter().chain(&picture.items).enumerate() {
        out.push_str(&chart(picture, trend, &format!("{slug}--chart-{n}")));
    }
    out.push_str("</section>\n");
    out
}

/// The pulse at a glance, for the index: how many signals the complete
/// rounds show, and whether the newest round is sealed.
pub fn glance(pulse: Option<&crate::tasks::site::Shown<Picture>>) -> String {
    let picture = match pulse {
        None => return "<span class=\"muted\">none</span>".to_owned(),
        Some(Err(_)) => return "<span class=\"muted\">cannot be read</span>".to_owned(),
        Some(Ok(picture)) => picture,
    };
    let mut words = match (picture.rounds.len(), picture.signals.len()) {
        (0, _) => "no complete round yet".to_owned(),
        (_, 0) => "quiet".to_owned(),
        (_, n) => crate::report::words::plural(n, "signal"),
    };
    if let Some(latest) = sealed(picture) {
        let _ = write!(
            words,
            "<br><span class=\"muted\">round {} sealed ({} of {})</span>",
            latest.date, latest.answered, latest.expected
        );
    }
    words
}

/// The legend of `pulse report`, on one line.
fn legend() -> String {
    LEGEND.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `@handle` of every party, escaped.
fn handles(picture: &Picture) -> Vec<String> {
    picture
        .parties
        .iter()
        .map(|p| h(&format!("@{}", p.handle)))
        .collect()
}

/// The newest round when it is sealed (not shown among the rounds).
fn sealed(picture: &Picture) -> Option<&crate::pulse::LatestRound> {
    let latest = picture.latest.as_ref()?;
    let shown = picture.rounds.iter().any(|r| r.date == latest.date);
    (latest.status == RoundStatus::Sealed && !shown).then_some(latest)
}

/// What a trend is about, in words (not escaped).
fn subject(trend: &Trend) -> String {
    let reverse = if trend.reverse { " ~" } else { "" };
    match &trend.item {
        Some(item) => format!("{item}{reverse} ({})", trend.dimension),
        None => format!("{} (dimension mean)", trend.dimension),
    }
}

/// The ruptures and repairs of `trend`: each with its party and round.
fn marks<'a>(picture: &'a Picture, trend: &Trend) -> Vec<Mark<'a>> {
    picture
        .signals
        .iter()
        .filter(|s| matches!(s.kind, SignalKind::Rupture | SignalKind::Repair))
        .filter(|s| s.item == trend.item && s.dimension.as_deref() == Some(&trend.dimension))
        .filter_map(|signal| {
            let handle = signal.parties.first()?;
            Some(Mark {
                party: picture.parties.iter().position(|p| &p.handle == handle)?,
                round: picture.rounds.iter().position(|r| r.date == signal.round)?,
                signal,
            })
        })
        .collect()
}

/// A rupture or repair, placed.
struct Mark<'a> {
    party: usize,
    round: usize,
    signal: &'a Signal,
}

impl Mark<'_> {
    /// "rupture: @grace fell 3 points" (not escaped).
    fn words(&self) -> String {
        let who = self
            .signal
            .parties
            .iter()
            .map(|p| format!("@{p}"))
            .collect::<Vec<_>>()
            .join(", ");
        let points = match number(self.signal.magnitude) {
            one if one == "1" => "1 point".to_owned(),
            n => format!("{n} points"),
        };
        match self.signal.kind {
            SignalKind::Rupture => format!("rupture: {who} fell {points}"),
            _ => format!("repair: {who} back up {points}"),
        }
    }

    fn class(&self) -> &'static str {
        match self.signal.kind {
            SignalKind::Rupture => "rupture",
            _ => "repair",
        }
    }
}

/// One chart and its table, in a figure.
fn chart(picture: &Picture, trend: &Trend, id: &str) -> String {
    let marks = marks(picture, trend);
    let plot = Plot::new(picture, trend);
    let about = subject(trend);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{label}\">\n<title>{title}</title>\n",
        label = h(&aria_label(picture, trend, &marks)),
        title = h(&format!("{about}: each party's score per round")),
    );
    svg.push_str(&plot.axes(picture));
    svg.push_str(&plot.gap_band(trend));
    for (party, series) in trend.series.iter().enumerate() {
        svg.push_str(&plot.line(party, series));
    }
    for mark in &marks {
        svg.push_str(&plot.mark(trend, mark));
    }
    if let Some(latest) = sealed(picture) {
        svg.push_str(&plot.sealed(latest));
    }
    svg.push_str("</svg>\n");
    let words = trend
        .words
        .first()
        .map(|(_, w)| format!(": \u{201c}{}\u{201d}", h(w)))
        .unwrap_or_default();
    format!(
        "<figure class=\"pulse-chart\" id=\"{id}\">\n<figcaption><strong>{}</strong>{words} <span class=\"muted\">(scale {})</span></figcaption>\n{svg}{}</figure>\n",
        h(&about),
        h(&trend.scale.label()),
        table(picture, trend, &marks),
    )
}

/// What a screen reader hears instead of the picture (not escaped).
fn aria_label(picture: &Picture, trend: &Trend, marks: &[Mark<'_>]) -> String {
    let (min, max) = trend.scale.bounds();
    let rounds = &picture.rounds;
    let span = match (rounds.first(), rounds.last()) {
        (Some(a), Some(b)) if rounds.len() > 1 => {
            format!("{} rounds, {} to {}", rounds.len(), a.date, b.date)
        }
        (Some(a), _) => format!("1 round, {}", a.date),
        _ => "no rounds".to_owned(),
    };
    let lines: Vec<String> = picture
        .parties
        .iter()
        .zip(&trend.series)
        .map(|(p, s)| format!("@{} {}", p.handle, trend_words(s)))
        .collect();
    let mut label = format!(
        "Line chart of {} on a scale of {min} to {max}, {span}: {}.",
        subject(trend),
        lines.join("; ")
    );
    if let Some(gap) = trend.gap {
        let _ = write!(
            label,
            " Gap in the newest round: {}.",
            gap_words(trend)(gap)
        );
    }
    for mark in marks {
        let _ = write!(label, " {} in round {}.", mark.words(), mark.signal.round);
    }
    if let Some(latest) = sealed(picture) {
        let _ = write!(
            label,
            " Round {} is sealed: {} of {} have answered.",
            latest.date, latest.answered, latest.expected
        );
    }
    label
}

/// How a gap is shown: signed between two parties (the first's score
/// minus the second's), the spread among more.
fn gap_words(trend: &Trend) -> fn(f64) -> String {
    if trend.series.len() == 2 {
        signed
    } else {
        number
    }
}

/// `4 → 5 → -` (not escaped).
fn trend_words(series: &[Option<f64>]) -> String {
    series
        .iter()
        .map(|v| v.map_or_else(|| "-".to_owned(), number))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The data table beside a chart: a row per round, a column per party,
/// the gap and the marks.
fn table(picture: &Picture, trend: &Trend, marks: &[Mark<'_>]) -> String {
    let mut out = format!(
        "<table class=\"chart-data\">\n<caption>{}, per round</caption>\n<thead><tr><th scope=\"col\">Round</th>",
        h(&subject(trend))
    );
    for handle in handles(picture) {
        let _ = write!(out, "<th scope=\"col\">{handle}</th>");
    }
    out.push_str("<th scope=\"col\">Gap</th><th scope=\"col\">Marks</th></tr></thead>\n<tbody>\n");
    for (i, round) in picture.rounds.iter().enumerate() {
        let scores: Vec<Option<f64>> = trend
            .series
            .iter()
            .map(|s| s.get(i).copied().flatten())
            .collect();
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", round.date);
        for score in &scores {
            let _ = write!(
                out,
                "<td>{}</td>",
                score.map_or_else(|| "-".to_owned(), number)
            );
        }
        let gap =
            crate::pulse::score::gap(&scores).map_or_else(|| "-".to_owned(), gap_words(trend));
        let here: Vec<String> = marks
            .iter()
            .filter(|m| m.round == i)
            .map(|m| h(&m.words()))
            .collect();
        let _ = writeln!(out, "<td>{gap}</td><td>{}</td></tr>", here.join("; "));
    }
    if let Some(latest) = sealed(picture) {
        let _ = writeln!(
            out,
            "<tr class=\"sealed\"><th scope=\"row\">{}</th><td colspan=\"{}\">sealed: {} of {} have answered</td></tr>",
            latest.date,
            picture.parties.len() + 2,
            latest.answered,
            latest.expected
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Where things go on the drawing.
struct Plot {
    /// How many columns: the rounds shown, and one for a sealed round.
    columns: usize,
    min: f64,
    max: f64,
}

impl Plot {
    fn new(picture: &Picture, trend: &Trend) -> Plot {
        let (min, max) = trend.scale.bounds();
        Plot {
            columns: picture.rounds.len() + usize::from(sealed(picture).is_some()),
            min: min as f64,
            max: (max.max(min + 1)) as f64,
        }
    }

    /// The x of column `i`.
    fn x(&self, i: usize) -> f64 {
        let width = WIDTH - LEFT - RIGHT;
        if self.columns <= 1 {
            return LEFT + width / 2.0;
        }
        LEFT + width * i as f64 / (self.columns - 1) as f64
    }

    /// The y of score `v`.
    fn y(&self, v: f64) -> f64 {
        let height = HEIGHT - TOP - BOTTOM;
        TOP + height * (self.max - v.clamp(self.min, self.max)) / (self.max - self.min)
    }

    /// The score lines across, each labelled, and the round under each column.
    fn axes(&self, picture: &Picture) -> String {
        let mut out = String::from("<g class=\"axes\">\n");
        let step = ((self.max - self.min) / 5.0).ceil().max(1.0);
        let mut v = self.min;
        while v <= self.max {
            let y = self.y(v);
            let _ = writeln!(
                out,
                "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                number(v)
            );
            v += step;
        }
        let every = picture.rounds.len().div_ceil(6).max(1);
        for (i, round) in picture
            .rounds
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
        {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                self.x(i),
                HEIGHT - BOTTOM + 18.0,
                round.date
            );
        }
        out.push_str("</g>\n");
        out
    }

    /// The band between the highest and lowest party in each run of rounds
    /// where at least two answered.
    fn gap_band(&self, trend: &Trend) -> String {
        let rounds = trend.series.iter().map(Vec::len).max().unwrap_or(0);
        let spread = |i: usize| {
            let present: Vec<f64> = trend
                .series
                .iter()
                .filter_map(|s| s.get(i).copied().flatten())
                .collect();
            (present.len() >= 2).then(|| {
                let hi = present.iter().copied().fold(f64::MIN, f64::max);
                let lo = present.iter().copied().fold(f64::MAX, f64::min);
                (i, hi, lo)
            })
        };
        let mut out = String::new();
        let mut run: Vec<(usize, f64, f64)> = Vec::new();
        for i in 0..=rounds {
            match spread(i).filter(|_| i < rounds) {
                Some(point) => run.push(point),
                None if !run.is_empty() => {
                    out.push_str(&self.band(&run, trend.gap_flagged));
                    run.clear();
                }
                None => {}
            }
        }
        out
    }

    /// One run's band: along the highest, back along the lowest.
    fn band(&self, run: &[(usize, f64, f64)], flagged: bool) -> String {
        let class = if flagged { "gap flagged" } else { "gap" };
        let mut points: Vec<String> = Vec::new();
        let widen = if run.len() == 1 { 3.0 } else { 0.0 };
        for &(i, hi, _) in run {
            points.push(format!("{:.1},{:.1}", self.x(i) - widen, self.y(hi)));
            if widen > 0.0 {
                points.push(format!("{:.1},{:.1}", self.x(i) + widen, self.y(hi)));
            }
        }
        for &(i, _, lo) in run.iter().rev() {
            if widen > 0.0 {
                points.push(format!("{:.1},{:.1}", self.x(i) + widen, self.y(lo)));
            }
            points.push(format!("{:.1},{:.1}", self.x(i) - widen, self.y(lo)));
        }
        format!(
            "<polygon class=\"{class}\" points=\"{}\"/>\n",
            points.join(" ")
        )
    }

    /// One party's line, broken where they did not answer, with a dot on
    /// each score.
    fn line(&self, party: usize, series: &[Option<f64>]) -> String {
        let class = format!("p{}", party % COLOURS);
        let mut d = String::new();
        let mut dots = String::new();
        let mut drawing = false;
        for (i, v) in series.iter().enumerate() {
            let Some(v) = v else {
                drawing = false;
                continue;
            };
            let (x, y) = (self.x(i), self.y(*v));
            let _ = write!(d, "{}{x:.1},{y:.1} ", if drawing { "L" } else { "M" });
            let _ = write!(
                dots,
                "<circle class=\"dot {class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"/>"
            );
            drawing = true;
        }
        format!(
            "<path class=\"line {class}\" d=\"{}\"/>\n{dots}\n",
            d.trim_end()
        )
    }

    /// A rupture (a triangle pointing down, above the score) or a repair
    /// (pointing up, below it), with its words.
    fn mark(&self, trend: &Trend, mark: &Mark<'_>) -> String {
        let score = trend
            .series
            .get(mark.party)
            .and_then(|s| s.get(mark.round).copied().flatten())
            .unwrap_or(self.min);
        let (x, y) = (self.x(mark.round), self.y(score));
        // Above the score (its point down) or below it (its point up).
        let side = match mark.signal.kind {
            SignalKind::Rupture => -1.0,
            _ => 1.0,
        };
        let d = format!(
            "M{:.1},{:.1} L{:.1},{:.1} L{x:.1},{:.1} Z",
            x - 6.0,
            y + side * 16.0,
            x + 6.0,
            y + side * 16.0,
            y + side * 6.0
        );
        format!(
            "<path class=\"mark {}\" d=\"{d}\"><title>{} in round {}</title></path>\n",
            mark.class(),
            h(&mark.words()),
            mark.signal.round
        )
    }

    /// The sealed round: an outlined column with how many have answered.
    fn sealed(&self, latest: &crate::pulse::LatestRound) -> String {
        let x = self.x(self.columns - 1);
        format!(
            "<g class=\"sealed\"><rect x=\"{:.1}\" y=\"{TOP}\" width=\"28\" height=\"{}\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">sealed</text><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} of {}</text><text x=\"{:.1}\" y=\"{}\" text-anchor=\"end\">{}</text><title>Round {} is sealed: {} of {} have answered</title></g>\n",
            x - 14.0,
            HEIGHT - TOP - BOTTOM,
            TOP + 40.0,
            TOP + 56.0,
            latest.answered,
            latest.expected,
            x + 14.0,
            HEIGHT - BOTTOM + 18.0,
            latest.date,
            latest.date,
            latest.answered,
            latest.expected,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pulse::{CadenceFrom, LatestRound, PartyView, RoundView, Scale};
    use jiff::civil::date;

    fn picture(handles: &[&str], trend: Trend, signals: Vec<Signal>) -> Picture {
        let round = |d| RoundView {
            date: d,
            partial: false,
            notes: Vec::new(),
        };
        Picture {
            path: "A.md".into(),
            instrument: "i<b>".into(),
            instrument_title: "Check-in".into(),
            parties: handles
                .iter()
                .map(|h| PartyView {
                    handle: (*h).to_owned(),
                    role: None,
                })
                .collect(),
            every: None,
            every_from: CadenceFrom::Nowhere,
            rounds: vec![round(date(2026, 1, 1)), round(date(2026, 2, 1))],
            latest: Some(LatestRound {
                date: date(2026, 3, 1),
                status: RoundStatus::Sealed,
                answered: 1,
                expected: 2,
                who: vec![handles[0].to_owned()],
            }),
            next_due: None,
            dimensions: Vec::new(),
            items: vec![trend],
            agreements: Vec::new(),
            signals,
        }
    }

    fn trend(item: &str, series: Vec<Vec<Option<f64>>>) -> Trend {
        Trend {
            item: Some(item.to_owned()),
            dimension: "d\"im".to_owned(),
            words: vec![("x".to_owned(), "<script>alert(1)</script>".to_owned())],
            reverse: false,
            scale: Scale::Points { min: 1, max: 5 },
            gap_threshold: 2.0,
            series,
            gap: None,
            gap_flagged: false,
        }
    }

    #[test]
    fn every_word_from_a_document_is_escaped_in_the_drawing_the_label_and_the_table() {
        let series = vec![vec![Some(4.0), Some(2.0)], vec![Some(3.0), None]];
        let rupture = Signal {
            kind: SignalKind::Rupture,
            item: Some("it\"><svg onload=x>".into()),
            dimension: Some("d\"im".into()),
            parties: vec!["a<b".into()],
            magnitude: 2.0,
            weight: 0.5,
            round: date(2026, 2, 1),
            words: String::new(),
        };
        let p = picture(
            &["a<b", "c&d"],
            trend("it\"><svg onload=x>", series),
            vec![rupture],
        );
        let html = section(&p, "a");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<svg onload"), "{html}");
        // The party `a<b` is never written as is.
        assert!(!html.contains("a<b"), "{html}");
        assert!(html.contains("<th scope=\"col\">@a&lt;b</th><th scope=\"col\">@c&amp;d</th>"));
        assert!(html.contains("aria-label=\"Line chart of it&quot;&gt;&lt;svg onload=x&gt; (d&quot;im) on a scale of 1 to 5, 2 rounds, 2026-01-01 to 2026-02-01: @a&lt;b 4 → 2; @c&amp;d 3 → -. rupture: @a&lt;b fell 2 points in round 2026-02-01. Round 2026-03-01 is sealed: 1 of 2 have answered.\""), "{html}");
        assert!(html.contains("\u{201c}&lt;script&gt;alert(1)&lt;/script&gt;\u{201d}"));
    }

    #[test]
    fn a_line_breaks_where_a_party_did_not_answer_and_the_band_needs_two() {
        let series = vec![
            vec![Some(5.0), None, Some(1.0)],
            vec![Some(1.0), Some(3.0), Some(1.0)],
        ];
        let mut p = picture(&["a", "b"], trend("x", series), Vec::new());
        p.rounds.push(RoundView {
            date: date(2026, 2, 15),
            partial: false,
            notes: Vec::new(),
        });
        let html = section(&p, "a");
        // Two moves for the party who skipped a round, one for the other.
        assert!(html.contains("<path class=\"line p0\" d=\"M"), "{html}");
        let p0 = html.split("class=\"line p0\" d=\"").nth(1).expect("p0");
        assert_eq!(p0[..p0.find('"').expect("end")].matches('M').count(), 2);
        // Two bands: round one alone, and round three alone.
        assert_eq!(html.matches("<polygon class=\"gap\"").count(), 2, "{html}");
    }
}
