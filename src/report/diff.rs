//! `alliance diff` output: the same [`AllianceDiff`] as human text, a
//! pull-request comment in Markdown, or JSON.
//!
//! Document text goes through [`escape::terminal`] (human) or
//! [`escape::markdown`] (forge) before it is written: the Markdown a
//! document produces shows its words, never HTML, images, mentions or a
//! second marker.

use crate::tasks::diff::DiffReport;
use std::io::{self, Write};

use crate::compare::{
    AllianceDiff, FrontChange, ItemChange, ItemChangeKind, SectionChange, Word, WordOp,
};
use crate::escape::{self, markdown, terminal};
use crate::report::words::headline;
use crate::report::{Style, sanitize};

/// Formats of `alliance diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// For people, in a terminal.
    Human,
    /// A pull-request comment, with a hidden marker line for bots.
    Markdown,
    /// One JSON document.
    Json,
}

/// The marker line a bot searches for to update its own comment. The path
/// is encoded by [`markdown::comment`]: it cannot end the comment, and no
/// document text elsewhere in the comment can hold a marker.
pub fn marker(path: &str) -> String {
    format!("<!-- alliance-diff: {} -->", markdown::comment(path))
}

impl DiffReport {
    /// Render in `format`.
    pub fn render(&self, format: DiffFormat, style: Style, out: &mut dyn Write) -> io::Result<()> {
        match format {
            DiffFormat::Human => self.human(style, out),
            DiffFormat::Markdown => self.markdown(out),
            DiffFormat::Json => self.json(out),
        }
    }

    fn human(&self, style: Style, out: &mut dyn Write) -> io::Result<()> {
        let paint = |code: &str, text: &str| {
            if style.color {
                format!("\u{1b}[{code}m{text}\u{1b}[0m")
            } else {
                text.to_owned()
            }
        };
        writeln!(
            out,
            "{}: from {} to {}",
            sanitize(&self.path),
            sanitize(&self.from),
            sanitize(&self.to)
        )?;
        writeln!(out, "{}", paint("1", &headline(&self.diff.counts())))?;
        human_changes(&self.diff, style, out)
    }

    fn markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", marker(&self.path))?;
        writeln!(
            out,
            "### {}: {}",
            markdown::code(&self.path),
            headline(&self.diff.counts())
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "Compared {} with {}.",
            md_escape(&self.from),
            md_escape(&self.to)
        )?;
        if let Some(consent) = &self.consent {
            writeln!(out)?;
            writeln!(out, "{}", super::consent::markdown_block(consent))?;
        }
        markdown_changes(&self.diff, out)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        let value = serde_json::json!({
            "path": self.path,
            "from": { "label": self.from, "commit": self.from_commit },
            "to": { "label": self.to, "commit": self.to_commit },
            "headline": headline(&self.diff.counts()),
            "counts": self.diff.counts(),
            "front": self.diff.front,
            "sections": self.diff.sections,
            "unchanged": self.diff.unchanged,
            "consent": self.consent.as_ref().map(super::consent::json_value),
        });
        escape::json::write_pretty(&mut *out, &value)?;
        writeln!(out)
    }
}

/// The changes of `diff` for a terminal (front matter, then each section
/// and its items), without a heading: `diff` and `agenda` both use it.
/// Document text goes through [`sanitize`] and [`terminal::push_line`].
pub fn human_changes(diff: &AllianceDiff, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if style.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_owned()
        }
    };
    if !diff.front.is_empty() {
        writeln!(out)?;
        for change in &diff.front {
            writeln!(out, "{}", sanitize(&front_line(change)))?;
        }
    }
    for section in &diff.sections {
        writeln!(out)?;
        let heading = sanitize(&section.heading);
        let line = match (section.change, &section.renamed_from) {
            (SectionChange::Added, _) => paint("32", &format!("+ ## {heading} (new section)")),
            (SectionChange::Removed, _) => {
                paint("31", &format!("- ## {heading} (section removed)"))
            }
            (SectionChange::Renamed, Some(old)) => {
                format!("## {heading} (renamed from {})", sanitize(old))
            }
            _ => format!("## {heading}"),
        };
        writeln!(out, "{line}")?;
        for item in &section.items {
            let line = match item.change {
                ItemChangeKind::Added => paint("32", &format!("  + {}", sanitize(&item.text))),
                ItemChangeKind::Removed => paint("31", &format!("  - {}", sanitize(&item.text))),
                ItemChangeKind::Reworded => format!("  ~ {}", human_words(&item.words, style)),
                ItemChangeKind::Moved => {
                    let text = if item.words.is_empty() {
                        sanitize(&item.text).into_owned()
                    } else {
                        human_words(&item.words, style)
                    };
                    let from = item.moved_from.as_deref().unwrap_or("");
                    if from == section.heading {
                        format!("  > {text} (moved within the section)")
                    } else {
                        format!("  > {text} (moved from {})", sanitize(from))
                    }
                }
            };
            writeln!(out, "{line}")?;
        }
        if !section.text.is_empty() {
            writeln!(out, "  text: {}", human_words(&section.text, style))?;
        }
    }
    if !diff.unchanged.is_empty() {
        writeln!(out)?;
        let names: Vec<_> = diff
            .unchanged
            .iter()
            .map(|h| sanitize(h).into_owned())
            .collect();
        writeln!(out, "unchanged: {}", names.join(", "))?;
    }
    Ok(())
}

/// The changes of `diff` in Markdown (front matter, then each section and
/// its items), without a heading: `diff --format markdown` and the
/// comment of `alliance ci` both use it. Document text is escaped with
/// [`md_escape`].
pub fn markdown_changes(diff: &AllianceDiff, out: &mut dyn Write) -> io::Result<()> {
    markdown_changes_at(diff, 4, out)
}

/// [`markdown_changes`] with the sections' headings at `level` (`####` is
/// 4), one below the heading they sit under.
pub fn markdown_changes_at(
    diff: &AllianceDiff,
    level: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let hashes = "#".repeat(level);
    if !diff.front.is_empty() {
        writeln!(out)?;
        writeln!(out, "**Front matter**")?;
        writeln!(out)?;
        for change in &diff.front {
            // `+ x joined` as a list item would be a nested list.
            let line = match change {
                FrontChange::PartyJoined { party } => format!("➕ {} joined", md_escape(party)),
                FrontChange::PartyLeft { party } => format!("➖ {} left", md_escape(party)),
                other => md_escape(&front_line(other)),
            };
            writeln!(out, "- {line}")?;
        }
    }
    for section in &diff.sections {
        writeln!(out)?;
        let heading = md_escape(&section.heading);
        match (section.change, &section.renamed_from) {
            (SectionChange::Added, _) => writeln!(out, "{hashes} {heading} _(new section)_")?,
            (SectionChange::Removed, _) => {
                writeln!(out, "{hashes} ~~{heading}~~ _(section removed)_")?
            }
            (SectionChange::Renamed, Some(old)) => {
                writeln!(
                    out,
                    "{hashes} {heading} _(renamed from {})_",
                    md_escape(old)
                )?;
            }
            _ => writeln!(out, "{hashes} {heading}")?,
        }
        if !section.items.is_empty() || !section.text.is_empty() {
            writeln!(out)?;
        }
        for item in &section.items {
            writeln!(out, "- {}", md_item(item, &section.heading))?;
        }
        if !section.text.is_empty() {
            writeln!(out, "- 📝 text: {}", md_words(&section.text))?;
        }
    }
    if !diff.unchanged.is_empty() {
        writeln!(out)?;
        let names: Vec<_> = diff.unchanged.iter().map(|h| md_escape(h)).collect();
        writeln!(out, "Unchanged: {}", names.join(", "))?;
    }
    Ok(())
}

fn front_line(change: &FrontChange) -> String {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_owned());
    match change {
        FrontChange::PartyJoined { party } => format!("+ {party} joined"),
        FrontChange::PartyLeft { party } => format!("- {party} left"),
        FrontChange::Cadence { from, to } => {
            format!("cadence: {} → {}", or_none(from), or_none(to))
        }
        FrontChange::Status { from, to } => format!("status: {} → {}", or_none(from), or_none(to)),
        FrontChange::Key { key, from, to } => format!("{key}: {} → {}", or_none(from), or_none(to)),
        FrontChange::Agreed { handle, date } => format!(
            "@{handle} agreed on {}",
            date.as_deref().unwrap_or("an unwritten day")
        ),
        FrontChange::Reviewed { date, note, wins } => {
            let mut line = format!(
                "review recorded on {}",
                date.as_deref().unwrap_or("an unwritten day")
            );
            if let Some(note) = note {
                line.push_str(&format!(": {note}"));
            }
            if !wins.is_empty() {
                line.push_str(&format!("; wins: {}", wins.join(", ")));
            }
            line
        }
    }
}

/// A reworded item for a terminal. The words are written into one line
/// through [`terminal::push_line`], markers included, so words cannot
/// assemble a workflow command across their boundaries.
fn human_words(words: &[Word], style: Style) -> String {
    let mut out = String::new();
    for word in words {
        let (open, close) = match (word.op, style.color) {
            (WordOp::Equal, _) => ("", ""),
            (WordOp::Insert, true) => ("\u{1b}[32m", "\u{1b}[0m"),
            (WordOp::Delete, true) => ("\u{1b}[31;9m", "\u{1b}[0m"),
            (WordOp::Insert, false) => ("{+", "+}"),
            (WordOp::Delete, false) => ("[-", "-]"),
        };
        if style.color {
            // Colour codes are the tool's own bytes: written as they are.
            out.push_str(open);
            terminal::push_line(&mut out, &word.text);
            out.push_str(close);
        } else {
            terminal::push_line(&mut out, open);
            terminal::push_line(&mut out, &word.text);
            terminal::push_line(&mut out, close);
        }
    }
    out
}

fn md_item(item: &ItemChange, section: &str) -> String {
    match item.change {
        ItemChangeKind::Added => format!("➕ **{}**", md_escape(&item.text)),
        ItemChangeKind::Removed => format!("➖ ~~{}~~", md_escape(&item.text)),
        ItemChangeKind::Reworded => format!("✏️ {}", md_words(&item.words)),
        ItemChangeKind::Moved => {
            let text = if item.words.is_empty() {
                md_escape(&item.text)
            } else {
                md_words(&item.words)
            };
            let from = item.moved_from.as_deref().unwrap_or("");
            if from == section {
                format!("↕️ {text} _(moved within the section)_")
            } else {
                format!("↪️ {text} _(moved from {})_", md_escape(from))
            }
        }
    }
}

/// Deletions struck through, insertions in bold; spaces stay outside the
/// markers so forges render them.
fn md_words(words: &[Word]) -> String {
    let mut out = String::new();
    for word in words {
        let text = md_escape(&word.text);
        let trimmed = text.trim();
        if word.op == WordOp::Equal || trimmed.is_empty() {
            out.push_str(&text);
            continue;
        }
        let lead = &text[..text.len() - text.trim_start().len()];
        let tail = &text[text.trim_end().len()..];
        let mark = if word.op == WordOp::Insert {
            "**"
        } else {
            "~~"
        };
        out.push_str(&format!("{lead}{mark}{trimmed}{mark}{tail}"));
    }
    out
}

/// Escape text for Markdown: the same as [`escape::markdown::inline`].
pub fn md_escape(text: &str) -> String {
    escape::markdown::inline(text)
}
