//! The words of the practice as the tool reads them, defined once: the
//! inline fields an item may carry (`[id:: …]`, `[review:: …]`,
//! `[owner:: …]`), what makes an item or a section answered, how a
//! heading is reduced to what identifies it, and the one key an item is
//! named by everywhere ([`item_keys`]: the agenda, review readers, pulse
//! answers, the diff's pairing of keys).
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

/// The number of words of an item's text that make its key when it has
/// no `[id:: …]`.
pub const KEY_WORDS: usize = 4;

/// An answered top-level item with the one key every command names it by:
/// the agenda's readings, the review log's `readers:`, pulse answers and
/// the diff.
#[derive(Debug, Clone, Copy)]
pub struct KeyedItem<'a> {
    /// The place of its section in the document.
    pub section: usize,
    /// The item.
    pub item: &'a Item,
}

/// The key of `item` before it is made unique: its `[id:: …]` when it has
/// one, else a slug of its first [`KEY_WORDS`] words (`we-start-meetings-on`:
/// lower case, letters and digits, joined by `-`), else `item-N`, `N` being
/// its place (from 1) among the document's answered items. The slug stays
/// the same while the first words do; an id keeps it through rewording.
pub fn base_key(item: &Item, position: usize) -> String {
    if let Some(id) = item.id() {
        return id.to_owned();
    }
    let slug = slug(&item.text, KEY_WORDS);
    if slug.is_empty() {
        format!("item-{position}")
    } else {
        slug
    }
}

/// The first `words` words of `text`, lower case, letters and digits,
/// joined by `-` (empty when it has none).
pub fn slug(text: &str, words: usize) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(words)
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

/// Every answered top-level item of `sections`, in document order, with
/// its unique key: [`base_key`], and for a key an earlier item took,
/// `-2`, `-3`, … in document order. This is the one place item keys are
/// made.
pub fn item_keys(sections: &[Section]) -> Vec<(String, KeyedItem<'_>)> {
    let mut seen = std::collections::HashSet::new();
    // The next suffix to try for each base key: many items with the same
    // words cost one step each, not one per earlier twin.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let answered = sections.iter().enumerate().flat_map(|(n, s)| {
        s.answered_items()
            .map(move |item| KeyedItem { section: n, item })
    });
    for (position, keyed) in answered.enumerate() {
        let base = base_key(keyed.item, position + 1);
        let mut key = base.clone();
        if !seen.insert(key.clone()) {
            let n = next.entry(base.clone()).or_insert(1);
            loop {
                *n += 1;
                key = format!("{base}-{n}");
                if seen.insert(key.clone()) {
                    break;
                }
            }
        }
        out.push((key, keyed));
    }
    out
}

/// The item of `keys` (as [`item_keys`] made them) that `given` names: the
/// key itself, else the one key it is the start of. `Err` holds the keys
/// it could name (empty when none starts with it).
pub fn find_key<'k>(keys: &[&'k str], given: &str) -> Result<&'k str, Vec<&'k str>> {
    if let Some(exact) = keys.iter().find(|k| **k == given) {
        return Ok(exact);
    }
    let starting: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| !given.is_empty() && k.starts_with(given))
        .collect();
    match starting.as_slice() {
        [one] => Ok(one),
        _ => Err(starting),
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
    let words = if heading.is_ascii() {
        // The common case, in one pass without a lower-cased copy.
        let mut out = String::with_capacity(heading.len());
        let mut space = false;
        for b in heading.bytes() {
            if b.is_ascii_alphanumeric() {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else if b != b'\'' {
                space = true;
            }
        }
        out
    } else {
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
        words.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // Drop leading numbering (`2.`, `IV.`) but never the last word.
    let mut start = 0;
    while let Some(space) = words[start..].find(' ') {
        let word = &words[start..start + space];
        if !(word.chars().all(|c| c.is_ascii_digit()) || roman(word)) {
            break;
        }
        start += space + 1;
    }
    if start == 0 {
        words
    } else {
        words[start..].to_owned()
    }
}

fn roman(word: &str) -> bool {
    matches!(
        word,
        "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x"
    )
}

/// Readings (item key, reader) grouped by reader, readers in the order they
/// first read: how a review entry records them and how `log` shows them.
pub fn readings_by_reader<'a>(
    readings: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(&'a str, Vec<&'a str>)> {
    let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
    for (item, reader) in readings {
        match grouped.iter_mut().find(|(who, _)| *who == reader) {
            Some((_, items)) => items.push(item),
            None => grouped.push((reader, vec![item])),
        }
    }
    grouped
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

    /// `normalize_heading` as first written, to hold the fast path to it.
    fn reference_normalize(heading: &str) -> String {
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
        while words
            .first()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()) || roman(w))
            && words.len() > 1
        {
            words.remove(0);
        }
        words.join(" ")
    }

    #[test]
    fn heading_fast_path_agrees_with_the_reference() {
        let alphabet = [
            "A", "b", "1", " ", "'", ".", "I", "v", "\t", "É", "’", "Σ", "x", "  ",
        ];
        let mut seed: u64 = 0x1234_5678_9abc_def1;
        for _ in 0..20_000 {
            let mut heading = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                heading.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            assert_eq!(
                normalize_heading(&heading),
                reference_normalize(&heading),
                "{heading:?}"
            );
            seed = seed.wrapping_add(0x9e37_79b9);
        }
    }
}
