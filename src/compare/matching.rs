//! Pairing the old version's sections and items with the new version's.
//!
//! Sections pair by heading key, then (renamed) by similar content. Items
//! pair in three passes over the whole document, so an item that moved to
//! another section is found: by `[id:: …]`, by identical text, then by
//! word similarity of at least [`SIMILARITY_THRESHOLD`]. Exact passes use
//! hash maps; the similarity passes stop at [`MAX_FUZZY_PAIRS`] candidate
//! pairs, so the work is bounded on a pathological file.

use std::collections::{HashMap, VecDeque};

use super::SIMILARITY_THRESHOLD;
use super::parts::Part;
use super::words::{similarity_of, words};

/// Above this many candidate pairs, unmatched sections or items are not
/// compared by similarity (they are reported as removed and added).
const MAX_FUZZY_PAIRS: usize = 250_000;

/// Two sections whose content is at least this similar are one section
/// renamed.
const SECTION_THRESHOLD: f32 = 0.5;

/// Above this many occurrences of one text, identical items pair in order
/// instead of by nearest position.
const MAX_SAME_TEXT_SCAN: usize = 64;

/// Pair old sections with new ones: same heading first, then a renamed
/// heading over mostly the same items or text.
pub(super) fn match_sections(old: &[Part], new: &[Part]) -> Vec<Option<usize>> {
    let mut map = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    let mut by_key: HashMap<(&str, bool), VecDeque<usize>> = HashMap::new();
    for (n, part) in new.iter().enumerate() {
        by_key
            .entry((part.key.as_str(), part.preamble))
            .or_default()
            .push_back(n);
    }
    for (o, part) in old.iter().enumerate() {
        if let Some(n) = by_key
            .get_mut(&(part.key.as_str(), part.preamble))
            .and_then(VecDeque::pop_front)
        {
            map[o] = Some(n);
            taken[n] = true;
        }
    }
    let olds: Vec<usize> = (0..old.len())
        .filter(|&o| map[o].is_none() && !old[o].preamble)
        .collect();
    let news: Vec<usize> = (0..new.len())
        .filter(|&n| !taken[n] && !new[n].preamble)
        .collect();
    if olds.len().saturating_mul(news.len()) > MAX_FUZZY_PAIRS {
        return map;
    }
    let old_words: HashMap<usize, Vec<String>> = olds
        .iter()
        .map(|&o| (o, words(&old[o].all_text())))
        .collect();
    let new_words: HashMap<usize, Vec<String>> = news
        .iter()
        .map(|&n| (n, words(&new[n].all_text())))
        .collect();
    let mut candidates = Vec::new();
    for &o in &olds {
        for &n in &news {
            let score = similarity_of(&old_words[&o], &new_words[&n]);
            if score >= SECTION_THRESHOLD {
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
pub(super) struct Flat<'a> {
    /// Its section's index among the parts.
    pub section: usize,
    /// Its index among the section's items.
    pub index: usize,
    /// Its index in the flattened list.
    pub flat: usize,
    /// The item as one line of text.
    pub text: &'a str,
    /// Its `[id:: …]`.
    pub id: Option<&'a str>,
    /// Its depth (0 at the top).
    pub depth: usize,
}

/// Every item of every part, in order.
pub(super) fn flatten(parts: &[Part]) -> Vec<Flat<'_>> {
    let mut out = Vec::new();
    for (section, part) in parts.iter().enumerate() {
        for (index, text) in part.items.iter().enumerate() {
            out.push(Flat {
                section,
                index,
                flat: out.len(),
                text,
                id: part.ids[index].as_deref(),
                depth: part.depths[index],
            });
        }
    }
    out
}

/// Pair old items with new ones: by id, by identical text, by similarity.
pub(super) fn match_items(old: &[Flat<'_>], new: &[Flat<'_>]) -> Vec<Option<usize>> {
    let mut map = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    by_id(old, new, &mut map, &mut taken);
    by_text(old, new, &mut map, &mut taken);
    by_similarity(old, new, &mut map, &mut taken);
    map
}

/// An id names the item wherever it went, whatever its words.
fn by_id(old: &[Flat<'_>], new: &[Flat<'_>], map: &mut [Option<usize>], taken: &mut [bool]) {
    let mut ids: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (n, item) in new.iter().enumerate() {
        if let Some(id) = item.id {
            ids.entry(id).or_default().push_back(n);
        }
    }
    for (o, item) in old.iter().enumerate() {
        let Some(id) = item.id else { continue };
        if let Some(n) = ids.get_mut(id).and_then(VecDeque::pop_front) {
            map[o] = Some(n);
            taken[n] = true;
        }
    }
}

/// The same text: in the same section and nearest position first, then
/// anywhere. Two items that both have ids are never paired by text (their
/// ids differ, or the first pass paired them).
fn by_text(old: &[Flat<'_>], new: &[Flat<'_>], map: &mut [Option<usize>], taken: &mut [bool]) {
    let mut by_text: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (n, item) in new.iter().enumerate() {
        if !taken[n] {
            by_text.entry(item.text).or_default().push_back(n);
        }
    }
    for (o, item) in old.iter().enumerate() {
        if map[o].is_some() {
            continue;
        }
        let Some(list) = by_text.get_mut(item.text) else {
            continue;
        };
        while list.front().is_some_and(|&n| taken[n]) {
            list.pop_front();
        }
        let both_have_ids = |n: usize| new[n].id.is_some() && item.id.is_some();
        let fits = |n: usize| !taken[n] && !both_have_ids(n);
        let found = if list.len() > MAX_SAME_TEXT_SCAN {
            list.front().copied().filter(|&n| fits(n))
        } else {
            list.iter().copied().filter(|&n| fits(n)).min_by_key(|&n| {
                (
                    new[n].section != item.section,
                    new[n].index.abs_diff(item.index),
                )
            })
        };
        if let Some(n) = found {
            map[o] = Some(n);
            taken[n] = true;
        }
    }
}

/// Reworded: the most similar remaining pairs above the threshold.
fn by_similarity(
    old: &[Flat<'_>],
    new: &[Flat<'_>],
    map: &mut [Option<usize>],
    taken: &mut [bool],
) {
    let olds: Vec<usize> = (0..old.len()).filter(|&o| map[o].is_none()).collect();
    let news: Vec<usize> = (0..new.len()).filter(|&n| !taken[n]).collect();
    if olds.len().saturating_mul(news.len()) > MAX_FUZZY_PAIRS {
        return;
    }
    let old_words: HashMap<usize, Vec<String>> =
        olds.iter().map(|&o| (o, words(old[o].text))).collect();
    let new_words: HashMap<usize, Vec<String>> =
        news.iter().map(|&n| (n, words(new[n].text))).collect();
    let mut candidates = Vec::new();
    for &o in &olds {
        for &n in &news {
            // Two different ids are two different agreements.
            if old[o].id.is_some() && new[n].id.is_some() {
                continue;
            }
            let score = similarity_of(&old_words[&o], &new_words[&n]);
            if score >= SIMILARITY_THRESHOLD {
                candidates.push((score, o, n));
            }
        }
    }
    pair_best_first(candidates, map, taken);
}

/// The longest increasing subsequence of `values`, as a set of indexes.
pub(super) fn longest_increasing(values: &[usize]) -> Vec<usize> {
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
