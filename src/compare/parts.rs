//! A version of an alliance as `compare` sees it: each section reduced to
//! its heading, the key it is matched by, its answered items as text (with
//! their ids), and the text outside items.

use crate::document::{Alliance, Item, Section, normalize_heading};

use super::PREAMBLE;

/// A section as compared: heading, items as text, the text outside items.
pub(super) struct Part {
    /// The heading as written (or [`PREAMBLE`]).
    pub heading: String,
    /// What identifies the heading across versions (see
    /// [`normalize_heading`]); empty for the preamble, which only pairs
    /// with the other version's preamble.
    pub key: String,
    /// Whether this is the text before the first `##` heading.
    pub preamble: bool,
    /// The answered items, as one line of text each.
    pub items: Vec<String>,
    /// Each item's `[id:: …]`.
    pub ids: Vec<Option<String>>,
    /// The text outside items, whitespace collapsed.
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
        parts.push(part(doc, section, &section.heading.text));
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
    // Nested items are agreements too: every answered item, at any depth.
    let answered: Vec<&Item> = section.items.iter().filter(|i| i.is_answered()).collect();
    Part {
        heading: heading.to_owned(),
        key: heading_key(heading),
        preamble: false,
        items: answered.iter().map(|i| item_text(i)).collect(),
        ids: answered.iter().map(|i| i.id().map(str::to_owned)).collect(),
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

/// An item as one line of text: its words, then its inline fields.
fn item_text(item: &Item) -> String {
    let mut text = item.text.clone();
    for field in &item.fields {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("[{}:: {}]", field.key, field.value.trim()));
    }
    text
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
