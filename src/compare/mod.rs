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

mod front;
mod matching;
mod parts;
mod words;

pub use words::{similarity, word_diff};

use crate::document::Alliance;
use front::compare_front;
use matching::{Flat, flatten, longest_increasing, match_items, match_sections};
use parts::{Part, sections_of};
use words::word_diff_nonempty;

/// Two items whose words are at least this similar (Ratcliff/Obershelp-style
/// `2 × common words / all words`) are the same agreement reworded.
pub const SIMILARITY_THRESHOLD: f32 = 0.6;

/// The name given to the text before the first `##` heading.
pub const PREAMBLE: &str = "Introduction";

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
    /// A review was recorded in the `reviews:` log.
    Reviewed {
        /// The day of the review, as written.
        date: Option<String>,
        /// What the parties noted.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// The successes celebrated.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        wins: Vec<String>,
    },
    /// A party's consent was recorded in the `consent:` list (`alliance agree`).
    Agreed {
        /// The handle, as written.
        handle: String,
        /// The day recorded, as written.
        date: Option<String>,
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

/// Compare `old` with `new`.
pub fn compare(old: &Alliance, new: &Alliance) -> AllianceDiff {
    let old_sections = sections_of(old);
    let new_sections = sections_of(new);
    let pairs = SectionPairs::new(
        &match_sections(&old_sections, &new_sections),
        new_sections.len(),
    );
    let old_items = flatten(&old_sections);
    let new_items = flatten(&new_sections);
    let items = ItemPairs::new(&old_items, &new_items);
    let mut placed = Placed {
        in_new: vec![Vec::new(); new_sections.len()],
        in_removed: vec![Vec::new(); old_sections.len()],
    };
    place_new_items(
        &old_sections,
        &old_items,
        &new_items,
        &pairs,
        &items,
        &mut placed,
    );
    place_removed_items(&old_items, &new_items, &pairs, &items, &mut placed);
    let (sections, unchanged) = assemble(&old_sections, &new_sections, &pairs, placed);
    AllianceDiff {
        front: compare_front(old, new),
        sections,
        unchanged,
    }
}

/// The items of `old` that `diff` finds again in `new` (by `[id:: …]`, by
/// the same words, by similar words: a reworded item), each as `(its key
/// in old, its key in new)`, keys being the one key every command names an
/// item by (`document::vocabulary::item_keys`). A reworded item without an
/// id changes key; this is how its pulse answers follow it.
pub fn item_key_pairs(old: &Alliance, new: &Alliance) -> Vec<(String, String)> {
    let old_keys = crate::document::vocabulary::item_keys(&old.sections);
    let new_keys = crate::document::vocabulary::item_keys(&new.sections);
    let (old_flat, new_flat) = (keyed_flats(&old_keys), keyed_flats(&new_keys));
    match_items(&old_flat, &new_flat)
        .into_iter()
        .enumerate()
        .filter_map(|(o, n)| Some((old_keys[o].0.clone(), new_keys[n?].0.clone())))
        .collect()
}

/// Keyed items as the matcher takes them: each top-level item's words,
/// its id, its section and its place there.
fn keyed_flats<'a>(
    keys: &'a [(String, crate::document::vocabulary::KeyedItem<'a>)],
) -> Vec<Flat<'a>> {
    let mut index = 0;
    let mut out: Vec<Flat<'a>> = Vec::with_capacity(keys.len());
    for (n, (_, keyed)) in keys.iter().enumerate() {
        let same_section = n > 0 && keys[n - 1].1.section == keyed.section;
        index = if same_section { index + 1 } else { 0 };
        out.push(Flat {
            section: keyed.section,
            index,
            flat: n,
            text: keyed.item.text.as_str(),
            id: keyed.item.id(),
            depth: 0,
        });
    }
    out
}

/// Which old section became which new one, both ways.
struct SectionPairs {
    new_of_old: Vec<Option<usize>>,
    old_of_new: Vec<Option<usize>>,
}

impl SectionPairs {
    fn new(new_of_old: &[Option<usize>], new_len: usize) -> SectionPairs {
        let mut old_of_new = vec![None; new_len];
        for (o, n) in new_of_old.iter().enumerate() {
            if let Some(n) = n {
                old_of_new[*n] = Some(o);
            }
        }
        SectionPairs {
            new_of_old: new_of_old.to_vec(),
            old_of_new,
        }
    }
}

/// Which old item became which new one, both ways, and which matched new
/// items left their relative order within their section.
struct ItemPairs {
    new_of_old: Vec<Option<usize>>,
    old_of_new: Vec<Option<usize>>,
    /// Per new section, its items in order.
    by_section: Vec<Vec<usize>>,
}

impl ItemPairs {
    fn new(old: &[Flat<'_>], new: &[Flat<'_>]) -> ItemPairs {
        let new_of_old = match_items(old, new);
        let mut old_of_new = vec![None; new.len()];
        for (o, n) in new_of_old.iter().enumerate() {
            if let Some(n) = n {
                old_of_new[*n] = Some(o);
            }
        }
        let sections = new.last().map_or(0, |it| it.section + 1);
        let mut by_section = vec![Vec::new(); sections];
        for item in new {
            by_section[item.section].push(item.flat);
        }
        ItemPairs {
            new_of_old,
            old_of_new,
            by_section,
        }
    }

    /// The new items of section `ns`, in order.
    fn in_section(&self, ns: usize) -> &[usize] {
        self.by_section.get(ns).map_or(&[], Vec::as_slice)
    }
}

/// Item changes placed where a reader expects them: `(position, change)`
/// per new section, and per old section that was removed.
struct Placed {
    in_new: Vec<Vec<(usize, ItemChange)>>,
    in_removed: Vec<Vec<(usize, ItemChange)>>,
}

/// Matched items out of their relative order within a section that stayed:
/// the ones outside the longest run that kept its order.
fn moved_within(
    old_items: &[Flat<'_>],
    pairs: &SectionPairs,
    items: &ItemPairs,
    new_len: usize,
) -> Vec<bool> {
    let mut moved = vec![false; new_len];
    for (ns, os) in pairs.old_of_new.iter().enumerate() {
        let Some(os) = *os else { continue };
        let kept: Vec<(usize, usize)> = items
            .in_section(ns)
            .iter()
            .filter_map(|&n| items.old_of_new[n].map(|o| (n, o)))
            .filter(|&(_, o)| old_items[o].section == os)
            .collect();
        let olds: Vec<usize> = kept.iter().map(|p| p.1).collect();
        let keep: std::collections::HashSet<usize> =
            longest_increasing(&olds).into_iter().collect();
        for (i, (n, _)) in kept.iter().enumerate() {
            if !keep.contains(&i) {
                moved[*n] = true;
            }
        }
    }
    moved
}

/// Added, reworded and moved items, at their place in the new version.
fn place_new_items(
    old_sections: &[Part],
    old_items: &[Flat<'_>],
    new_items: &[Flat<'_>],
    pairs: &SectionPairs,
    items: &ItemPairs,
    placed: &mut Placed,
) {
    let moved = moved_within(old_items, pairs, items, new_items.len());
    for (n, item) in new_items.iter().enumerate() {
        let change = match items.old_of_new[n] {
            None => Some(ItemChange::new(ItemChangeKind::Added, item.text)),
            Some(o) => {
                let old_item = &old_items[o];
                let reworded = old_item.text != item.text;
                let words = if reworded {
                    word_diff(old_item.text, item.text)
                } else {
                    Vec::new()
                };
                let other_section = pairs.new_of_old[old_item.section] != Some(item.section);
                // Nested under another item, or out of one: moved too.
                let renested = old_item.depth != item.depth;
                if other_section || moved[n] || renested {
                    Some(ItemChange {
                        old_text: reworded.then(|| old_item.text.to_owned()),
                        moved_from: Some(old_sections[old_item.section].heading.clone()),
                        words,
                        ..ItemChange::new(ItemChangeKind::Moved, item.text)
                    })
                } else if reworded {
                    Some(ItemChange {
                        old_text: Some(old_item.text.to_owned()),
                        words,
                        ..ItemChange::new(ItemChangeKind::Reworded, item.text)
                    })
                } else {
                    None
                }
            }
        };
        if let Some(change) = change {
            placed.in_new[item.section].push((item.index, change));
        }
    }
}

/// Removed items: in a section that stayed, after the new items that came
/// before them; in a removed section, under it.
fn place_removed_items(
    old_items: &[Flat<'_>],
    new_items: &[Flat<'_>],
    pairs: &SectionPairs,
    items: &ItemPairs,
    placed: &mut Placed,
) {
    for (o, item) in old_items.iter().enumerate() {
        if items.new_of_old[o].is_some() {
            continue;
        }
        let change = ItemChange::new(ItemChangeKind::Removed, item.text);
        let Some(ns) = pairs.new_of_old[item.section] else {
            placed.in_removed[item.section].push((item.index, change));
            continue;
        };
        let at = items
            .in_section(ns)
            .iter()
            .filter(|&&n| {
                items.old_of_new[n].is_some_and(|mo| {
                    old_items[mo].section == item.section && old_items[mo].index < item.index
                })
            })
            .map(|&n| new_items[n].index + 1)
            .max()
            .unwrap_or(0);
        placed.in_new[ns].push((at, change));
    }
}

/// The section diffs in the new version's order, removed sections where
/// they used to be; and the headings that did not change.
fn assemble(
    old_sections: &[Part],
    new_sections: &[Part],
    pairs: &SectionPairs,
    mut placed: Placed,
) -> (Vec<SectionDiff>, Vec<String>) {
    let mut sections = Vec::new();
    let mut unchanged = Vec::new();
    let mut removed = |os: usize, sections: &mut Vec<SectionDiff>| {
        let section = &old_sections[os];
        sections.push(SectionDiff {
            heading: section.heading.clone(),
            renamed_from: None,
            change: SectionChange::Removed,
            items: std::mem::take(&mut placed.in_removed[os])
                .into_iter()
                .map(|(_, c)| c)
                .collect(),
            text: word_diff_nonempty(&section.prose, ""),
        });
    };
    let mut next_old = 0;
    for (ns, section) in new_sections.iter().enumerate() {
        // Removed sections that stood before this section's counterpart.
        if let Some(os) = pairs.old_of_new[ns] {
            for gone in next_old..os {
                if pairs.new_of_old[gone].is_none() {
                    removed(gone, &mut sections);
                }
            }
            next_old = next_old.max(os + 1);
        }
        let mut items = std::mem::take(&mut placed.in_new[ns]);
        // Stable: at equal positions removals (pushed last) follow.
        items.sort_by_key(|(at, _)| *at);
        let items: Vec<ItemChange> = items.into_iter().map(|(_, c)| c).collect();
        let old = pairs.old_of_new[ns].map(|os| &old_sections[os]);
        let (change, renamed_from, text) = section_change(old, section);
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
    for gone in next_old..old_sections.len() {
        if pairs.new_of_old[gone].is_none() {
            removed(gone, &mut sections);
        }
    }
    (sections, unchanged)
}

/// What became of a section whose counterpart in the old version is
/// `old` (none: it is new): the change, the heading it was renamed from,
/// and the word diff of its text.
fn section_change(
    old: Option<&Part>,
    section: &Part,
) -> (SectionChange, Option<String>, Vec<Word>) {
    match old {
        None => (
            SectionChange::Added,
            None,
            word_diff_nonempty("", &section.prose),
        ),
        Some(old) => {
            let text = word_diff_nonempty(&old.prose, &section.prose);
            if old.heading != section.heading {
                (SectionChange::Renamed, Some(old.heading.clone()), text)
            } else {
                (SectionChange::Changed, None, text)
            }
        }
    }
}

impl ItemChange {
    fn new(change: ItemChangeKind, text: &str) -> ItemChange {
        ItemChange {
            change,
            text: text.to_owned(),
            old_text: None,
            moved_from: None,
            words: Vec::new(),
        }
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
            crate::report::words::headline(&c),
            "1 agreement added, 1 removed, 1 reworded, 1 moved"
        );
    }

    #[test]
    fn numbered_headings_pair_as_check_matches_them() {
        let a = doc("## 2. Ground Rules\n\n- We start on time.\n");
        let b = doc("## Ground rules\n\n- We start on time.\n");
        let d = compare(&a, &b);
        assert_eq!(d.sections.len(), 1, "{d:#?}");
        assert_eq!(d.sections[0].change, SectionChange::Renamed);
        assert!(d.sections[0].items.is_empty());
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
    fn markup_is_a_rewording() {
        let a = doc(
            "## Deploys\n\n- We never deploy on Fridays.\n- We follow [the guide](https://wiki/oncall-v1).\n",
        );
        for (from, to, inserted) in [
            ("We never", "We ~~never~~", "~~never~~"),
            ("We never", "We <del>never</del>", "<del>never</del>"),
            ("oncall-v1", "no-pager-ever", "no-pager-ever"),
        ] {
            let b = doc(&a.text.replace(from, to));
            let d = compare(&a, &b);
            let items = &d.sections[0].items;
            assert_eq!(items.len(), 1, "{to}: {d:#?}");
            assert_eq!(items[0].change, ItemChangeKind::Reworded);
            assert!(
                items[0]
                    .words
                    .iter()
                    .any(|w| w.op == WordOp::Insert && w.text.contains(inserted)),
                "{to}: {:?}",
                items[0].words
            );
        }
    }

    #[test]
    fn heading_emoji_is_a_rename_and_layout_is_nothing() {
        let a = doc("## Ground rules\n\n- We start on time.\n  - Even on Mondays.\n");
        let d = compare(&a, &doc(&a.text.replace("rules", "rules 🚀")));
        assert_eq!(d.sections[0].change, SectionChange::Renamed, "{d:#?}");
        let relaid = a
            .text
            .replace("- We", "* We")
            .replace("on time.", "on\n    time.");
        assert!(compare(&a, &doc(&relaid)).is_empty());
        let flattened = a.text.replace("  - Even", "- Even");
        let d = compare(&a, &doc(&flattened));
        assert_eq!(
            d.sections[0].items[0].change,
            ItemChangeKind::Moved,
            "{d:#?}"
        );
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
