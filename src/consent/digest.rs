//! The digest of what the parties agree to: the sections and items of an
//! alliance as `document` reads them, not their formatting and not the
//! front matter's bookkeeping.
//!
//! What goes in, in file order:
//! - the text between the title and the first `##` heading, whitespace
//!   collapsed;
//! - each `##` section's heading, normalised as `check` matches headings
//!   (`2. Ground Rules` and `ground rules` are the same section);
//! - each item of the section (nested ones too, with their depth): its text
//!   with whitespace collapsed, then its inline fields except the
//!   bookkeeping ones, `[review:: DATE]` (moved by `alliance review --item`)
//!   and `[id:: NAME]` (a stable name, not a commitment); a task box's tick
//!   is progress, not agreement, and is left out;
//! - the section's text outside items (a purpose statement is agreed text
//!   too), whitespace collapsed.
//!
//! Left out on purpose: the whole front matter. `review` (last, next, the
//! log), `status` and `consent` are bookkeeping that changes when nothing
//! agreed changes. `title` is a label. `parties` are left out because
//! consent is recorded per party: a new party has simply not agreed yet,
//! and the others' consent to the same text still stands.
//!
//! Line endings, blank lines, list markers, re-wrapped paragraphs and
//! heading numbering do not change the digest; any change of wording does.

use sha2::{Digest as _, Sha256};

use crate::document::{Alliance, Item, normalize_heading};

/// How many hex digits of the SHA-256 a consent record keeps: 48 bits,
/// enough that two versions of one agreement never share a prefix by chance.
pub const SHORT_HEX: usize = 12;

/// The prefix naming the hash in a record: `sha256:1a2b3c4d5e6f`.
pub const PREFIX: &str = "sha256:";

/// The digest of one version of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    hex: String,
}

impl Digest {
    /// The digest of `doc`'s agreement text.
    pub fn of(doc: &Alliance) -> Digest {
        let mut hasher = Sha256::new();
        hasher.update(canonical(doc).as_bytes());
        let hex = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Digest { hex }
    }

    /// The form a consent record stores: `sha256:` and the first
    /// [`SHORT_HEX`] hex digits.
    pub fn short(&self) -> String {
        format!("{PREFIX}{}", &self.hex[..SHORT_HEX])
    }

    /// The whole SHA-256, in hex.
    pub fn full(&self) -> &str {
        &self.hex
    }

    /// Whether a recorded digest (`sha256:` and at least [`SHORT_HEX`] hex
    /// digits, any case) names this version.
    pub fn matches(&self, recorded: &str) -> bool {
        match parse_recorded(recorded) {
            Some(hex) => self.hex.starts_with(&hex),
            None => false,
        }
    }
}

/// The hex digits of a recorded digest, lower-cased, when it is well formed:
/// `sha256:` then [`SHORT_HEX`] to 64 hex digits.
pub fn parse_recorded(recorded: &str) -> Option<String> {
    let hex = recorded.trim().strip_prefix(PREFIX)?;
    let ok = (SHORT_HEX..=64).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| hex.to_ascii_lowercase())
}

/// The text that is hashed: one line per part, tab-separated, each part's
/// own text with whitespace collapsed (so no part holds a line break).
pub fn canonical(doc: &Alliance) -> String {
    let mut out = String::from("alliance-consent-v1\n");
    let preamble = doc.preamble();
    let preamble = collapse(&preamble);
    if !preamble.is_empty() {
        out.push_str("preamble\t");
        out.push_str(&preamble);
        out.push('\n');
    }
    for section in &doc.sections {
        out.push_str("section\t");
        let key = normalize_heading(&section.heading.text);
        if key.is_empty() {
            out.push_str(&collapse(&section.heading.text).to_lowercase());
        } else {
            out.push_str(&key);
        }
        out.push('\n');
        let prose = doc.section_prose(section);
        for item in section.items.iter().filter(|i| i.is_answered()) {
            out.push_str(&format!("item\t{}\t", item.depth));
            out.push_str(&item_text(item));
            out.push('\n');
        }
        let prose = collapse(&prose);
        if !prose.is_empty() {
            out.push_str("prose\t");
            out.push_str(&prose);
            out.push('\n');
        }
    }
    out
}

/// An item's words, then the inline fields that are part of the agreement.
fn item_text(item: &Item) -> String {
    let mut text = collapse(&item.text);
    for field in &item.fields {
        let key = field.key.trim().to_ascii_lowercase();
        if key == "review" || key == "id" {
            continue;
        }
        text.push_str(&format!(" [{}:: {}]", key, collapse(&field.value)));
    }
    text
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn digest(text: &str) -> Digest {
        Digest::of(&Alliance::parse_text(Path::new("a.md"), text.to_owned()))
    }

    const BASE: &str = "---\nalliance: team\ntitle: T\nstatus: active\nreview:\n  every: 3 months\n---\n# T\n\n## Purpose\n\nWe ship calmly.\n\n## Ground rules\n\n- We start on time. [owner:: @ada] [id:: on-time]\n- We reply within a day.\n";

    #[test]
    fn formatting_and_bookkeeping_do_not_change_it() {
        let base = digest(BASE);
        let same = [
            // Review bookkeeping, status, consent, title and parties.
            BASE.replace("status: active", "status: proposed\nconsent:\n  - {handle: ada, date: 2026-01-01, digest: sha256:000000000000}\nreview_note: x"),
            BASE.replace("review:\n  every: 3 months", "review:\n  every: 1 month\n  last: 2026-01-01"),
            BASE.replace("title: T", "title: Another"),
            // Line endings, wrapping, list markers, heading numbering, item ids and review dates.
            BASE.replace('\n', "\r\n"),
            BASE.replace("We ship calmly.", "We   ship\ncalmly."),
            BASE.replace("- We", "* We"),
            BASE.replace("## Ground rules", "## 2. Ground Rules"),
            BASE.replace("[id:: on-time]", "[review:: 2027-01-01]"),
        ];
        for text in same {
            assert_eq!(digest(&text), base, "{text}");
        }
    }

    #[test]
    fn wording_order_and_owners_change_it() {
        let base = digest(BASE);
        let changed = [
            BASE.replace("on time", "on the hour"),
            BASE.replace("We ship calmly.", "We ship fast."),
            BASE.replace("[owner:: @ada]", "[owner:: @grace]"),
            BASE.replace(
                "- We start on time. [owner:: @ada] [id:: on-time]\n- We reply within a day.\n",
                "- We reply within a day.\n- We start on time. [owner:: @ada] [id:: on-time]\n",
            ),
            BASE.replace("## Ground rules", "## Atmosphere"),
            format!("{BASE}- We celebrate.\n"),
        ];
        for text in changed {
            assert_ne!(digest(&text), base, "{text}");
        }
    }

    #[test]
    fn recorded_digests() {
        let d = digest(BASE);
        assert!(d.short().starts_with("sha256:"));
        assert_eq!(d.short().len(), PREFIX.len() + SHORT_HEX);
        assert!(d.matches(&d.short()));
        assert!(d.matches(&d.short().to_uppercase().replace("SHA256:", "sha256:")));
        assert!(d.matches(&format!("sha256:{}", d.full())));
        assert!(!d.matches("sha256:1234"));
        assert!(!d.matches(&d.short().replace("sha256:", "md5:")));
        assert!(!d.matches("sha256:zzzzzzzzzzzz"));
    }
}
