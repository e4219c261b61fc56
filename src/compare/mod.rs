//! Comparing two versions of an alliance as agreements, not as lines: who
//! joined and left, the cadence and status, other front-matter keys, the
//! sections added, removed and renamed, and per section the items added,
//! removed, moved and reworded (with a word-level diff from `similar`).
//!
//! This module only compares parsed documents; it never reads git or files
//! and never renders (see `report::diff`).
//!
//! Items are matched in three passes over the whole document, so an item
//! that moved to another section is found: first by `[id:: ...]`, then by
//! identical text, then by word similarity of at least
//! [`SIMILARITY_THRESHOLD`] (see `docs/history.md` for why that number).

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

use crate::document::{Alliance, Item, Section};
use crate::report::words::plural;

/// Two items whose words are at least this similar (Ratcliff/Obershelp-style
/// `2 × common words / all words`) are the same agreement reworded.
pub const SIMILARITY_THRESHOLD: f32 = 0.6;

/// Above this many candidate pairs, unmatched items are not compared by
/// similarity (they are reported as removed and added): it bounds the work
/// on a pathological file.
const MAX_FUZZY_PAIRS: usize = 250_000;

/// The name given to the text before the first `##` heading.
pub const PREAMBLE: &str = "(before the first section)";

/// What changed between two versions of an alliance.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct AllianceDiff {
    /// Changes to the front matter and title.
    pub front: Vec<FrontChange>,
    /// Sections that changed, in the new version's order (removed sections
    /// where they used to be).
    pub sections: Vec<SectionDiff>,
    /// Headings of the sections that did not change.
    pub unchanged: Vec<String>,
}

/// One change to the front matter.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum FrontChange {
    /// A party was added to `parties`.
    PartyJoined {
        /// The party, as "Name (@handle)".
        party: String,
    },
    /// A party was removed from `parties`.
    PartyLeft {
        /// The party.
        party: String,
    },
    /// `review.every` changed.
    Cadence {
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// `status` changed.
    Status {
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// Any other key (`review.last`, `title`, a team's own key).
    Key {
        /// The key, dotted for `review.*`.
        key: String,
        /// Before, as compact YAML-ish text.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
}

/// How a section changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionChange {
    /// New in this version.
    Added,
    /// Gone in this version.
    Removed,
    /// Same section, new heading.
    Renamed,
    /// Same heading, changed content.
    Changed,
}

/// One section that changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SectionDiff {
    /// The heading (the old one for a removed section).
    pub heading: String,
    /// The old heading, for a renamed section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// What happened to it.
    pub change: SectionChange,
    /// The items that changed, in document order.
    pub items: Vec<ItemChange>,
    /// A word diff of the text outside items, when it changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub text: Vec<Word>,
}

/// How an item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemChangeKind {
    /// A new agreement.
    Added,
    /// An agreement dropped.
    Removed,
    /// Same agreement, new words.
    Reworded,
    /// Same agreement in another place (possibly reworded too).
    Moved,
}

/// One item that changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemChange {
    /// What happened.
    pub change: ItemChangeKind,
    /// The item's text (the new text, the old one for a removed item).
    pub text: String,
    /// The old text, when it was reworded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_text: Option<String>,
    /// For a moved item: the section it was in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
    /// For a reworded item: the word diff from old to new.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Word>,
}

/// One piece of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Word {
    /// `equal`, `insert` or `delete`.
    pub op: WordOp,
    /// The text, spaces included.
    pub text: String,
}

/// What happened to a piece of a word diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    /// In both.
    Equal,
    /// Only in the new text.
    Insert,
    /// Only in the old text.
    Delete,
}

/// Counts for a headline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Items added.
    pub added: usize,
    /// Items removed.
    pub removed: usize,
    /// Items reworded (moved items that were reworded count here too).
    pub reworded: usize,
    /// Items moved.
    pub moved: usize,
    /// Parties joined.
    pub joined: usize,
    /// Parties left.
    pub left: usize,
    /// Sections added, removed or renamed.
    pub sections: usize,
    /// Other front-matter changes (cadence, status, keys).
    pub other: usize,
}

impl AllianceDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.front.is_empty() && self.sections.is_empty()
    }

    /// The counts of each kind of change.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for change in &self.front {
            match change {
                FrontChange::PartyJoined { .. } => counts.joined += 1,
                FrontChange::PartyLeft { .. } => counts.left += 1,
                _ => counts.other += 1,
            }
        }
        for section in &self.sections {
            if section.change != SectionChange::Changed {
                counts.sections += 1;
            }
            for item in &section.items {
                match item.change {
                    ItemChangeKind::Added => counts.added += 1,
                    ItemChangeKind::Removed => counts.removed += 1,
                    ItemChangeKind::Reworded => counts.reworded += 1,
                    ItemChangeKind::Moved => {
                        counts.moved += 1;
                        if !item.words.is_empty() {
                            counts.reworded += 1;
                        }
                    }
                }
            }
        }
        counts
    }
}

impl Counts {
    /// "2 agreements added, 1 removed, 3 reworded", or "no changes".
    pub fn headline(&self) -> String {
        let mut parts = Vec::new();
        let mut noun = true;
        let mut item_part = |n: usize, what: &str, parts: &mut Vec<String>| {
            if n > 0 {
                let label = if noun {
                    format!("{} {what}", plural(n, "agreement"))
                } else {
                    format!("{n} {what}")
                };
                noun = false;
                parts.push(label);
            }
        };
        item_part(self.added, "added", &mut parts);
        item_part(self.removed, "removed", &mut parts);
        item_part(self.reworded, "reworded", &mut parts);
        item_part(self.moved, "moved", &mut parts);
        if self.joined > 0 {
            parts.push(format!(
                "{} joined",
                plural(self.joined, "party").replace("partys", "parties")
            ));
        }
        if self.left > 0 {
            parts.push(format!(
                "{} left",
                plural(self.left, "party").replace("partys", "parties")
            ));
        }
        if self.sections > 0 {
            parts.push(format!(
                "{} added, removed or renamed",
                plural(self.sections, "section")
            ));
        }
        if self.other > 0 {
            parts.push(format!(
                "{} in the front matter",
                plural(self.other, "other change")
            ));
        }
        if parts.is_empty() {
            "no changes".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// Compare `old` with `new`.
pub fn compare(old: &Alliance, new: &Alliance) -> AllianceDiff {
    let front = compare_front(old, new);
    let old_sections = sections_of(old);
    let new_sections = sections_of(new);
    let section_map = match_sections(&old_sections, &new_sections);

    let old_items = flatten(&old_sections);
    let new_items = flatten(&new_sections);
    let item_map = match_items(&old_items, &new_items);

    // Where each new section's counterpart is, and the reverse.
    let mut new_of_old = vec![None; old_sections.len()];
    for (o, n) in section_map
        .iter()
        .enumerate()
        .filter_map(|(o, n)| n.map(|n| (o, n)))
    {
        new_of_old[o] = Some(n);
    }
    let mut old_of_new = vec![None; new_sections.len()];
    for (o, n) in new_of_old.iter().enumerate() {
        if let Some(n) = n {
            old_of_new[*n] = Some(o);
        }
    }

    let mut changes_in_new: Vec<Vec<(usize, ItemChange)>> = vec![Vec::new(); new_sections.len()];
    let mut removed_in_old: Vec<Vec<(usize, ItemChange)>> = vec![Vec::new(); old_sections.len()];

    let mut new_matched = vec![None; new_items.len()];
    for (o, n) in item_map
        .iter()
        .enumerate()
        .filter_map(|(o, n)| n.map(|n| (o, n)))
    {
        new_matched[n] = Some(o);
    }

    // Moves within a section: matched items out of their relative order.
    let mut moved_within = vec![false; new_items.len()];
    for (ns, _) in new_sections.iter().enumerate() {
        let Some(os) = old_of_new[ns] else { continue };
        let pairs: Vec<(usize, usize)> = new_items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.section == ns)
            .filter_map(|(n, _)| new_matched[n].map(|o| (n, o)))
            .filter(|&(_, o)| old_items[o].section == os)
            .collect();
        let olds: Vec<usize> = pairs.iter().map(|p| p.1).collect();
        let keep = longest_increasing(&olds);
        for (i, (n, _)) in pairs.iter().enumerate() {
            if !keep.contains(&i) {
                moved_within[*n] = true;
            }
        }
    }

    for (n, item) in new_items.iter().enumerate() {
        let change = match new_matched[n] {
            None => Some(ItemChange {
                change: ItemChangeKind::Added,
                text: item.text.to_owned(),
                old_text: None,
                moved_from: None,
                words: Vec::new(),
            }),
            Some(o) => {
                let old_item = &old_items[o];
                let reworded = old_item.text != item.text;
                let words = if reworded {
                    word_diff(old_item.text, item.text)
                } else {
                    Vec::new()
                };
                let other_section = new_of_old[old_item.section] != Some(item.section);
                if other_section || moved_within[n] {
                    Some(ItemChange {
                        change: ItemChangeKind::Moved,
                        text: item.text.to_owned(),
                        old_text: reworded.then(|| old_item.text.to_owned()),
                        moved_from: Some(old_sections[old_item.section].heading.clone()),
                        words,
                    })
                } else if reworded {
                    Some(ItemChange {
                        change: ItemChangeKind::Reworded,
                        text: item.text.to_owned(),
                        old_text: Some(old_item.text.to_owned()),
                        moved_from: None,
                        words,
                    })
                } else {
                    None
                }
            }
        };
        if let Some(change) = change {
            changes_in_new[item.section].push((item.index, change));
        }
    }
    for (o, item) in old_items.iter().enumerate() {
        if item_map[o].is_some() {
            continue;
        }
        let change = ItemChange {
            change: ItemChangeKind::Removed,
            text: item.text.to_owned(),
            old_text: None,
            moved_from: None,
            words: Vec::new(),
        };
        match new_of_old[item.section] {
            // Place a removed item after the new items that came before it.
            Some(ns) => {
                let at = new_items
                    .iter()
                    .filter(|it| it.section == ns)
                    .filter(|it| {
                        new_matched[it.flat].is_some_and(|mo| {
                            old_items[mo].section == item.section
                                && old_items[mo].index < item.index
                        })
                    })
                    .map(|it| it.index + 1)
                    .max()
                    .unwrap_or(0);
                changes_in_new[ns].push((at, change));
            }
            None => removed_in_old[item.section].push((item.index, change)),
        }
    }

    let mut sections = Vec::new();
    let mut unchanged = Vec::new();
    let push_removed = |os: usize,
                        sections: &mut Vec<SectionDiff>,
                        removed: &mut Vec<Vec<(usize, ItemChange)>>| {
        let section = &old_sections[os];
        let items = std::mem::take(&mut removed[os])
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        sections.push(SectionDiff {
            heading: section.heading.clone(),
            renamed_from: None,
            change: SectionChange::Removed,
            items,
            text: word_diff_nonempty(&section.prose, ""),
        });
    };
    let mut next_old = 0;
    for (ns, section) in new_sections.iter().enumerate() {
        // Removed sections that stood before this section's counterpart.
        if let Some(os) = old_of_new[ns] {
            while next_old < os {
                if new_of_old[next_old].is_none() {
                    push_removed(next_old, &mut sections, &mut removed_in_old);
                }
                next_old += 1;
            }
            next_old = next_old.max(os + 1);
        }
        let mut items = std::mem::take(&mut changes_in_new[ns]);
        // Stable: at equal positions removals (pushed last) follow.
        items.sort_by_key(|(at, _)| *at);
        let items: Vec<ItemChange> = items.into_iter().map(|(_, c)| c).collect();
        let (change, renamed_from, text) = match old_of_new[ns] {
            None => (
                SectionChange::Added,
                None,
                word_diff_nonempty("", &section.prose),
            ),
            Some(os) => {
                let old = &old_sections[os];
                let text = word_diff_nonempty(&old.prose, &section.prose);
                if old.heading != section.heading {
                    (SectionChange::Renamed, Some(old.heading.clone()), text)
                } else {
                    (SectionChange::Changed, None, text)
                }
            }
        };
        if change == SectionChange::Changed && items.is_empty() && text.is_empty() {
            unchanged.push(section.heading.clone());
            continue;
        }
        sections.push(SectionDiff {
            heading: section.heading.clone(),
            renamed_from,
            change,
            items,
            text,
        });
    }
    let rest: Vec<usize> = (next_old..old_sections.len())
        .filter(|&os| new_of_old[os].is_none())
        .collect();
    for os in rest {
        push_removed(os, &mut sections, &mut removed_in_old);
    }
    AllianceDiff {
        front,
        sections,
        unchanged,
    }
}

/// A section as compared: heading, items as text, the text outside items.
struct Part {
    heading: String,
    key: String,
    items: Vec<String>,
    ids: Vec<Option<String>>,
    prose: String,
}

/// The document's sections, with the text before the first `##` heading
/// (items and prose under the title) as a first section when there is any.
fn sections_of(doc: &Alliance) -> Vec<Part> {
    let mut parts = Vec::new();
    let first = doc
        .sections
        .first()
        .map_or(doc.text.len(), |s| s.span.start);
    let mut preamble = doc.text.get(doc.body_start..first).unwrap_or("").to_owned();
    if let Some(title) = &doc.title {
        if title.span.start >= doc.body_start && title.span.end <= first {
            let (a, b) = (
                title.span.start - doc.body_start,
                title.span.end - doc.body_start,
            );
            if preamble.is_char_boundary(a) && preamble.is_char_boundary(b) {
                preamble.replace_range(a..b, "");
            }
        }
    }
    if !preamble.trim().is_empty() {
        // Parse the preamble as a section of its own to find its items.
        let text = format!("## {PREAMBLE}\n{preamble}");
        let pseudo = Alliance::parse_text(&doc.path, text);
        if let Some(section) = pseudo.sections.first() {
            parts.push(part(&pseudo, section, PREAMBLE));
        }
    }
    for section in &doc.sections {
        parts.push(part(doc, section, &section.heading.text));
    }
    parts
}

fn part(doc: &Alliance, section: &Section, heading: &str) -> Part {
    let mut prose = String::new();
    let mut at = section.heading.span.end;
    let mut tops: Vec<&Item> = section.items.iter().filter(|i| i.depth == 0).collect();
    tops.sort_by_key(|i| i.span.start);
    for item in tops {
        if item.span.start > at {
            prose.push_str(doc.text.get(at..item.span.start).unwrap_or(""));
            prose.push('\n');
        }
        at = at.max(item.span.end);
    }
    if section.span.end > at {
        prose.push_str(doc.text.get(at..section.span.end).unwrap_or(""));
    }
    Part {
        heading: heading.to_owned(),
        key: heading_key(heading),
        items: answered(section).map(item_text).collect(),
        ids: answered(section)
            .map(|i| {
                i.field("id")
                    .map(|f| f.value.trim().to_owned())
                    .filter(|v| !v.is_empty())
            })
            .collect(),
        prose: collapse(&prose),
    }
}

/// The items with something written in them (an empty `- ` is no agreement).
fn answered(section: &Section) -> impl Iterator<Item = &Item> {
    section
        .items
        .iter()
        .filter(|i| !i.text.trim().is_empty() || !i.fields.is_empty())
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

fn heading_key(heading: &str) -> String {
    collapse(heading)
        .trim_end_matches(':')
        .trim()
        .to_lowercase()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Pair old sections with new ones: same heading first, then a renamed
/// heading over mostly the same items or text.
fn match_sections(old: &[Part], new: &[Part]) -> Vec<Option<usize>> {
    let mut map = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    for (o, part) in old.iter().enumerate() {
        if let Some(n) = (0..new.len()).find(|&n| !taken[n] && new[n].key == part.key) {
            map[o] = Some(n);
            taken[n] = true;
        }
    }
    let mut candidates = Vec::new();
    for (o, op) in old.iter().enumerate().filter(|(o, _)| map[*o].is_none()) {
        for (n, np) in new.iter().enumerate().filter(|(n, _)| !taken[*n]) {
            if op.key == heading_key(PREAMBLE) || np.key == heading_key(PREAMBLE) {
                continue;
            }
            let a = format!("{} {}", op.items.join(" "), op.prose);
            let b = format!("{} {}", np.items.join(" "), np.prose);
            let score = similarity(&a, &b);
            if score >= 0.5 {
                candidates.push((score, o, n));
            }
        }
    }
    pair_best_first(candidates, &mut map, &mut taken);
    map
}

/// Pair old and new entries by `(score, old, new)` candidates, best score
/// first (ties by position), each entry at most once: the greedy matching
/// that both sections and items use once exact matches are taken.
fn pair_best_first(
    mut candidates: Vec<(f32, usize, usize)>,
    map: &mut [Option<usize>],
    taken: &mut [bool],
) {
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, o, n) in candidates {
        if map[o].is_none() && !taken[n] {
            map[o] = Some(n);
            taken[n] = true;
        }
    }
}

/// An item in the flattened list of all items.
struct Flat<'a> {
    section: usize,
    index: usize,
    flat: usize,
    text: &'a str,
    id: Option<&'a str>,
}

fn flatten(parts: &[Part]) -> Vec<Flat<'_>> {
    let mut out = Vec::new();
    for (section, part) in parts.iter().enumerate() {
        for (index, text) in part.items.iter().enumerate() {
            out.push(Flat {
                section,
                index,
                flat: out.len(),
                text,
                id: part.ids[index].as_deref(),
            });
        }
    }
    out
}

/// Pair old items with new ones: by id, by identical text, by similarity.
fn match_items(old: &[Flat<'_>], new: &[Flat<'_>]) -> Vec<Option<usize>> {
    let mut map = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    // An id names the item wherever it went, whatever its words.
    for (o, item) in old.iter().enumerate() {
        let Some(id) = item.id else { continue };
        if let Some(n) = (0..new.len()).find(|&n| !taken[n] && new[n].id == Some(id)) {
            map[o] = Some(n);
            taken[n] = true;
        }
    }
    for (o, item) in old.iter().enumerate() {
        if map[o].is_some() {
            continue;
        }
        // Prefer the same text in the same section, then anywhere.
        let same = |n: &usize| {
            !taken[*n] && new[*n].text == item.text && !(new[*n].id.is_some() && item.id.is_some())
        };
        let found = (0..new.len()).filter(same).min_by_key(|&n| {
            (
                new[n].section != item.section,
                new[n].index.abs_diff(item.index),
            )
        });
        if let Some(n) = found {
            map[o] = Some(n);
            taken[n] = true;
        }
    }
    let olds: Vec<usize> = (0..old.len()).filter(|&o| map[o].is_none()).collect();
    let news: Vec<usize> = (0..new.len()).filter(|&n| !taken[n]).collect();
    if olds.len().saturating_mul(news.len()) > MAX_FUZZY_PAIRS {
        return map;
    }
    let mut candidates = Vec::new();
    for &o in &olds {
        for &n in &news {
            // Two different ids are two different agreements.
            if old[o].id.is_some() && new[n].id.is_some() {
                continue;
            }
            let score = similarity(old[o].text, new[n].text);
            if score >= SIMILARITY_THRESHOLD {
                candidates.push((score, o, n));
            }
        }
    }
    pair_best_first(candidates, &mut map, &mut taken);
    map
}

/// The words of `text`, lowercased, for similarity.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `2 × common words / all words`: 1.0 for the same words, 0.0 for none in common.
pub fn similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (words(a), words(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common: usize = capture_diff_slices(Algorithm::Myers, &a, &b)
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let ratio = (2 * common) as f32 / (a.len() + b.len()) as f32;
    ratio
}

/// A word-level diff of `old` to `new`, with neighbouring pieces of the same
/// kind joined.
pub fn word_diff(old: &str, new: &str) -> Vec<Word> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Word> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => WordOp::Equal,
            ChangeTag::Insert => WordOp::Insert,
            ChangeTag::Delete => WordOp::Delete,
        };
        let text = change.value();
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(Word {
                op,
                text: text.to_owned(),
            }),
        }
    }
    out
}

fn word_diff_nonempty(old: &str, new: &str) -> Vec<Word> {
    if old == new {
        Vec::new()
    } else {
        word_diff(old, new)
    }
}

/// The longest increasing subsequence of `values`, as a set of indexes.
fn longest_increasing(values: &[usize]) -> Vec<usize> {
    let mut tails: Vec<usize> = Vec::new();
    let mut prev = vec![None; values.len()];
    for (i, &v) in values.iter().enumerate() {
        let at = tails.partition_point(|&t| values[t] < v);
        if at > 0 {
            prev[i] = Some(tails[at - 1]);
        }
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut out = Vec::new();
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        out.push(i);
        cur = prev[i];
    }
    out
}

fn compare_front(old: &Alliance, new: &Alliance) -> Vec<FrontChange> {
    let mut out = Vec::new();
    let (of, nf) = (old.fields(), new.fields());
    let parties = |f: Option<&crate::document::FrontMatter>| -> Vec<(String, String)> {
        f.map(|f| {
            f.parties
                .iter()
                .map(|p| {
                    let key = p
                        .handle
                        .as_ref()
                        .map(|h| h.value.trim_start_matches('@').to_lowercase())
                        .or_else(|| p.name.as_ref().map(|n| n.value.to_lowercase()))
                        .unwrap_or_default();
                    let name = p.name.as_ref().map(|n| n.value.trim().to_owned());
                    let handle = p
                        .handle
                        .as_ref()
                        .map(|h| format!("@{}", h.value.trim_start_matches('@')));
                    let label = match (name, handle) {
                        (Some(n), Some(h)) => format!("{n} ({h})"),
                        (Some(n), None) => n,
                        (None, Some(h)) => h,
                        (None, None) => p.label(),
                    };
                    (key, label)
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let (op, np) = (parties(of), parties(nf));
    for (key, label) in &np {
        if !op.iter().any(|(k, _)| k == key) {
            out.push(FrontChange::PartyJoined {
                party: label.clone(),
            });
        }
    }
    for (key, label) in &op {
        if !np.iter().any(|(k, _)| k == key) {
            out.push(FrontChange::PartyLeft {
                party: label.clone(),
            });
        }
    }
    let every = |f: Option<&crate::document::FrontMatter>| {
        f.and_then(|f| f.review.every.as_ref().map(|t| t.value.clone()))
    };
    if every(of) != every(nf) {
        out.push(FrontChange::Cadence {
            from: every(of),
            to: every(nf),
        });
    }
    let status = |f: Option<&crate::document::FrontMatter>| {
        f.and_then(|f| f.status.as_ref().map(|t| t.value.clone()))
    };
    if status(of) != status(nf) {
        out.push(FrontChange::Status {
            from: status(of),
            to: status(nf),
        });
    }
    let (ot, nt) = (old.display_title(), new.display_title());
    if ot != nt {
        out.push(FrontChange::Key {
            key: "title".to_owned(),
            from: ot.map(str::to_owned),
            to: nt.map(str::to_owned),
        });
    }
    let keys = |doc: &Alliance| -> Vec<(String, serde_json::Value)> {
        let Some(root) = doc.front_root() else {
            return Vec::new();
        };
        let serde_json::Value::Object(map) = root.to_json() else {
            return Vec::new();
        };
        let mut flat = Vec::new();
        for (key, value) in map {
            match key.as_str() {
                "parties" | "status" | "title" => {}
                "review" => {
                    if let serde_json::Value::Object(review) = value {
                        for (sub, v) in review {
                            if sub != "every" {
                                flat.push((format!("review.{sub}"), v));
                            }
                        }
                    } else {
                        flat.push((key, value));
                    }
                }
                _ => flat.push((key, value)),
            }
        }
        flat
    };
    let (ok, nk) = (keys(old), keys(new));
    let get = |list: &[(String, serde_json::Value)], key: &str| {
        list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    };
    let mut seen = Vec::new();
    for (key, _) in nk.iter().chain(ok.iter()) {
        if seen.contains(key) {
            continue;
        }
        seen.push(key.clone());
        let (a, b) = (get(&ok, key), get(&nk, key));
        if a != b {
            out.push(FrontChange::Key {
                key: key.clone(),
                from: a.map(|v| show(&v)),
                to: b.map(|v| show(&v)),
            });
        }
    }
    out
}

fn show(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn doc(text: &str) -> Alliance {
        Alliance::parse_text(Path::new("t.md"), text.to_owned())
    }

    #[test]
    fn same_version_is_empty() {
        let a = doc("# T\n\nIntro.\n\n## Agreements\n\n- We start on time.\n");
        let d = compare(&a, &a);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            d.unchanged,
            vec![PREAMBLE.to_owned(), "Agreements".to_owned()]
        );
    }

    #[test]
    fn added_removed_reworded_moved() {
        let a = doc(
            "# T\n\n## Agreements\n\n- We start meetings on time.\n- We reply within one day.\n- We pair on hard problems.\n\n## Conflict\n\n- We talk it through face to face.\n",
        );
        let b = doc(
            "# T\n\n## Agreements\n\n- We start meetings on time, every time.\n- We demo on Fridays.\n\n## Conflict\n\n- We talk it through face to face.\n- We pair on hard problems.\n",
        );
        let d = compare(&a, &b);
        let c = d.counts();
        assert_eq!(
            (c.added, c.removed, c.reworded, c.moved),
            (1, 1, 1, 1),
            "{d:#?}"
        );
        assert_eq!(
            c.headline(),
            "1 agreement added, 1 removed, 1 reworded, 1 moved"
        );
    }

    #[test]
    fn ids_match_whatever_the_words() {
        let a = doc("## A\n\n- Old words entirely. [id:: x]\n");
        let b = doc("## A\n\n- Something else now. [id:: x]\n");
        let d = compare(&a, &b);
        assert_eq!(d.sections[0].items[0].change, ItemChangeKind::Reworded);
    }

    #[test]
    fn renamed_section() {
        let a = doc("## Ground rules\n\n- We start on time.\n- We reply within a day.\n");
        let b = doc("## Agreements\n\n- We start on time.\n- We reply within a day.\n");
        let d = compare(&a, &b);
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].change, SectionChange::Renamed);
        assert_eq!(d.sections[0].renamed_from.as_deref(), Some("Ground rules"));
        assert!(d.sections[0].items.is_empty());
    }

    #[test]
    fn similarity_scores() {
        assert!(
            similarity(
                "We reply within one working day",
                "We reply within two working days"
            ) >= SIMILARITY_THRESHOLD
        );
        assert!(similarity("We start on time", "Cameras on during demos") < SIMILARITY_THRESHOLD);
    }
}
