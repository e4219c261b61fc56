//! A version of an alliance as `compare` sees it: each section reduced to
//! its heading, the key it is matched by, its items as text (with their ids
//! and depths), and the text outside items.
//!
//! The text is the Markdown source, whitespace collapsed, as the consent
//! digest reads it (`consent::digest`, form 2): a struck word (`~~never~~`,
//! `<del>`), a changed link target or a heading's emoji is a change here
//! too, shown in the source's words. An item is its own source without its
//! list marker and task box (its nested items are items of their own); its
//! inline fields stay, bookkeeping ones included, so a moved review date
//! shows.

use crate::document::{Alliance, Section, normalize_heading};

use super::PREAMBLE;

/// A section as compared: heading, items as text, the text outside items.
pub(super) struct Part {
    /// The heading's source after its `#` marks, whitespace collapsed (or
    /// [`PREAMBLE`]).
    pub heading: String,
    /// What identifies the heading across versions (see
    /// [`normalize_heading`]); empty for the preamble, which only pairs
    /// with the other version's preamble.
    pub key: String,
    /// Whether this is the text before the first `##` heading.
    pub preamble: bool,
    /// The items that say anything, as one line of source each.
    pub items: Vec<String>,
    /// Each item's `[id:: …]`.
    pub ids: Vec<Option<String>>,
    /// Each item's depth: 0 at the top, 1 nested in another, and so on.
    pub depths: Vec<usize>,
    /// The source outside items, whitespace collapsed.
    pub prose: String,
}

impl Part {
    /// Everything the section says, for pairing renamed sections.
    pub fn all_text(&self) -> String {
        format!("{} {}", self.items.join(" "), self.prose)
    }
}

/// The document's sections, with the text before the first `##` heading
/// (items and prose under the title) as a first section when there is any.
pub(super) fn sections_of(doc: &Alliance) -> Vec<Part> {
    let mut parts = Vec::new();
    if let Some(preamble) = preamble(doc) {
        parts.push(preamble);
    }
    for section in &doc.sections {
        let heading = collapse(section.heading.source(&doc.text).slice(&doc.text));
        parts.push(part(doc, section, &heading));
    }
    parts
}

/// The text between the front matter and the first `##` heading, title
/// removed, parsed as a section of its own to find its items.
fn preamble(doc: &Alliance) -> Option<Part> {
    let preamble = doc.preamble();
    if preamble.trim().is_empty() {
        return None;
    }
    let text = format!("## {PREAMBLE}\n{preamble}");
    let pseudo = Alliance::parse_text(&doc.path, text);
    let section = pseudo.sections.first()?;
    let mut part = part(&pseudo, section, PREAMBLE);
    part.key = String::new();
    part.preamble = true;
    Some(part)
}

fn part(doc: &Alliance, section: &Section, heading: &str) -> Part {
    let prose = doc.section_prose(section);
    // Nested items are agreements too: every item with anything in it, at
    // any depth.
    let mut items = Vec::new();
    let mut ids = Vec::new();
    let mut depths = Vec::new();
    for (index, item) in section.items.iter().enumerate() {
        let source = item_source(doc, section, index);
        if source.is_empty() {
            continue;
        }
        items.push(source);
        ids.push(item.id().map(str::to_owned));
        depths.push(item.depth);
    }
    Part {
        heading: heading.to_owned(),
        key: heading_key(&section.heading.text),
        preamble: false,
        items,
        ids,
        depths,
        prose: collapse(&prose),
    }
}

/// The document's heading normaliser, so `diff` pairs `2. Ground Rules`
/// with `Ground rules` as `check` does; a heading with no words at all
/// (emoji only) is matched as written.
fn heading_key(heading: &str) -> String {
    let key = normalize_heading(heading);
    if key.is_empty() {
        collapse(heading).to_lowercase()
    } else {
        key
    }
}

/// An item as one line of source: its own pieces (without marker, task
/// box and nested items), whitespace collapsed.
fn item_source(doc: &Alliance, section: &Section, index: usize) -> String {
    let mut source = String::new();
    for piece in section.item_source(&doc.text, index) {
        source.push_str(piece.slice(&doc.text));
        source.push(' ');
    }
    collapse(&source)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
