//! The words of the practice as the tool reads them, defined once: the
//! inline fields an item may carry (`[id:: …]`, `[review:: …]`,
//! `[owner:: …]`), what makes an item or a section answered, and how a
//! heading is reduced to what identifies it.
//!
//! Every other module asks these questions here (`item.id()`,
//! `item.owners()`, `section.answered_items()`, [`normalize_heading`])
//! instead of spelling keys or rules again, so `check`, `due`, `compare` and
//! the in-place editor cannot disagree. Nothing here reads files or prints.

use jiff::civil::Date;

use super::dates::{DateError, parse_date};
use super::markdown::{Field, Item, Section};

/// The inline-field keys the tool itself reads. Keys are matched without
/// regard to case; every other key is kept as written and shown in diffs.
pub mod keys {
    /// A stable name for an item that survives rewording.
    pub const ID: &str = "id";
    /// The date after which the item must be revisited.
    pub const REVIEW: &str = "review";
    /// The party (or parties) who own the item.
    pub const OWNER: &str = "owner";
}

/// The headings of the section where a review's wins are celebrated
/// (normalised): the designed alliance's sixth step, `## Celebrate`.
pub const CELEBRATION_HEADINGS: &[&str] = &[
    "celebrate",
    "celebrate successes",
    "successes",
    "wins",
    "celebrations",
];

impl Item {
    /// The value of inline field `key`, the first if written twice.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key.eq_ignore_ascii_case(key))
    }

    /// The item's `[id:: …]`, trimmed, when it has a non-empty one.
    pub fn id(&self) -> Option<&str> {
        self.field(keys::ID)
            .map(|f| f.value.trim())
            .filter(|v| !v.is_empty())
    }

    /// The item's `[review:: …]` field, as written.
    pub fn review_field(&self) -> Option<&Field> {
        self.field(keys::REVIEW)
    }

    /// The item's review date: `None` without a `[review:: …]`, the
    /// parse error when it is not a date.
    pub fn review(&self) -> Option<Result<Date, DateError>> {
        self.review_field().map(|f| parse_date(&f.value))
    }

    /// The item's `[owner:: …]` field, as written.
    pub fn owner_field(&self) -> Option<&Field> {
        self.field(keys::OWNER)
    }

    /// The people the item's `[owner:: …]` names (none without one).
    pub fn owners(&self) -> Vec<&str> {
        self.owner_field()
            .map(|f| owners(&f.value))
            .unwrap_or_default()
    }

    /// Whether the item says something: an agreement has words. An empty
    /// `- ` or an item holding only inline fields is not an answer.
    pub fn is_answered(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

impl Section {
    /// The top-level items of the section's lists that are answered.
    pub fn answered_items(&self) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(|i| i.depth == 0 && i.is_answered())
    }

    /// Whether the section has any content besides prompts: text, or an
    /// answered item.
    pub fn has_content(&self) -> bool {
        self.has_text || self.answered_items().next().is_some()
    }
}

/// The people an `owner` value names: `@ada`, `@ada @grace`,
/// `@ada, Grace Hopper`.
pub fn owners(value: &str) -> Vec<&str> {
    value
        .split([',', ';'])
        .flat_map(|part| {
            let part = part.trim();
            let words: Box<dyn Iterator<Item = &str>> = if part.starts_with('@') {
                Box::new(part.split_whitespace())
            } else {
                Box::new(std::iter::once(part))
            };
            words
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// A heading reduced to what identifies it: lower case, without numbering,
/// emphasis, emoji, punctuation or extra spaces. `### **2. Ground Rules:**`
/// becomes `ground rules`. `check` matches a kind's sections with it and
/// `compare` pairs sections across versions with it.
pub fn normalize_heading(heading: &str) -> String {
    let lower = heading.to_lowercase();
    let words: String = lower
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' || c == '’' {
                c
            } else {
                ' '
            }
        })
        .filter(|c| *c != '\'' && *c != '’')
        .collect();
    let mut words: Vec<&str> = words.split_whitespace().collect();
    let numbering = words
        .iter()
        .take_while(|w| w.chars().all(|c| c.is_ascii_digit()) || roman(w))
        .count()
        .min(words.len().saturating_sub(1));
    words.drain(..numbering);
    words.join(" ")
}

fn roman(word: &str) -> bool {
    matches!(
        word,
        "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_lists() {
        assert_eq!(owners("@ada"), ["@ada"]);
        assert_eq!(owners("@ada @grace"), ["@ada", "@grace"]);
        assert_eq!(owners("@ada, Grace Hopper"), ["@ada", "Grace Hopper"]);
    }

    #[test]
    fn headings_reduce_to_their_words() {
        assert_eq!(normalize_heading("**2. Ground Rules:**"), "ground rules");
        assert_eq!(normalize_heading("Ground rules"), "ground rules");
        assert_eq!(normalize_heading("IV. Goals"), "goals");
        assert_eq!(normalize_heading("1. 2. Goals"), "goals");
        assert_eq!(normalize_heading("2026"), "2026");
    }
}
