//! Who reads which item aloud at a review, rotated fairly over reviews.
//!
//! Two rules, the first before the second:
//!
//! 1. **Fair counts.** Counting every reading recorded at past reviews (by
//!    the parties the alliance has now), each party reads about as many
//!    items as any other: the items of this review go to whoever has read
//!    least, so the counts after it differ by at most one (a party that
//!    joins late catches up first).
//! 2. **No repeat.** Nobody reads the item they read at the last review that
//!    recorded a reading, unless no fair reading avoids it: then the fewest
//!    repeats there can be.
//!
//! Which parties get one item more when the counts tie is chosen so that
//! repeats can be avoided; the items are then dealt out in document order
//! to whoever has the most left to read, and a repeat is undone by swapping
//! with an item someone else may take (one swap suffices when any does).
//! Deterministic: the same items, parties and past give the same reading.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

use crate::document::Party;

use super::ReadItem;

/// The readings of one past review: `(item key, reader)` as recorded.
pub type Past = Vec<(String, String)>;

/// Above this many steps the swap repair stops (a pathological document
/// with tens of thousands of parties and items); the reading stays fair,
/// repeats may remain.
const MAX_REPAIR_STEPS: usize = 5_000_000;

/// One item and who reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reading {
    /// The item.
    pub item: ReadItem,
    /// The reader as recorded (handle, else name); `None` when the alliance
    /// names no party.
    pub reader: Option<String>,
    /// How to name the reader to people (`@ada`).
    pub label: Option<String>,
    /// Whether they read this item at the last review too (no one else
    /// could, fairly).
    pub repeat: bool,
}

/// How many items a party has read, before and after this review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReaderCount {
    /// The party as recorded (handle, else name).
    pub reader: String,
    /// How to name them (`@ada`).
    pub label: String,
    /// Items read at past reviews.
    pub before: usize,
    /// Items read once this review's reading is done.
    pub after: usize,
}

/// The reading of one review.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rotation {
    /// Each item, in document order, with its reader.
    pub readings: Vec<Reading>,
    /// Each party's count, in the order of `parties:`.
    pub counts: Vec<ReaderCount>,
}

/// The name a party's readings are recorded under: its handle, else its name.
pub fn recorded_name(party: &Party) -> Option<String> {
    party
        .handle
        .as_ref()
        .or(party.name.as_ref())
        .map(|t| t.value.clone())
}

/// Deal `items` out to `parties` given the `past` readings (oldest review
/// first).
pub fn rotate(items: &[ReadItem], parties: &[&Party], past: &[Past]) -> Rotation {
    let names = PartyNames::of(parties);
    let before = names.readings_before(past);
    let last = names.last_readers(past);
    let forbidden: Vec<Option<usize>> = items
        .iter()
        .map(|item| last.get(item.key.as_str()).copied())
        .collect();
    let assigned = if parties.is_empty() {
        vec![None; items.len()]
    } else {
        assign(&forbidden, &before).into_iter().map(Some).collect()
    };
    let mut after = before.clone();
    for p in assigned.iter().flatten() {
        after[*p] += 1;
    }
    let label = |p: usize| parties[p].label();
    Rotation {
        readings: items
            .iter()
            .zip(&assigned)
            .zip(&forbidden)
            .map(|((item, reader), banned)| Reading {
                item: item.clone(),
                reader: reader.and_then(|p| recorded_name(parties[p])),
                label: reader.map(label),
                repeat: reader.is_some() && *reader == *banned,
            })
            .collect(),
        counts: parties
            .iter()
            .enumerate()
            .filter_map(|(p, party)| {
                Some(ReaderCount {
                    reader: recorded_name(party)?,
                    label: label(p),
                    before: before[p],
                    after: after[p],
                })
            })
            .collect(),
    }
}

/// Who a recorded name is: the first party whose handle or name it is (as
/// `Party::is` says), looked up in one step.
struct PartyNames {
    by_name: HashMap<String, usize>,
    /// How many parties there are.
    count: usize,
}

impl PartyNames {
    fn of(parties: &[&Party]) -> Self {
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (p, party) in parties.iter().enumerate() {
            for text in [&party.handle, &party.name].into_iter().flatten() {
                by_name.entry(key(&text.value)).or_insert(p);
            }
        }
        PartyNames {
            by_name,
            count: parties.len(),
        }
    }

    /// The party `name` is, by index.
    fn who(&self, name: &str) -> Option<usize> {
        self.by_name.get(&key(name)).copied()
    }

    /// How many items each party has read, over the `past` reviews.
    fn readings_before(&self, past: &[Past]) -> Vec<usize> {
        let mut before = vec![0usize; self.count];
        for review in past {
            for (_, reader) in review {
                if let Some(p) = self.who(reader) {
                    before[p] += 1;
                }
            }
        }
        before
    }

    /// The last review that recorded a reading: who read what there.
    fn last_readers<'a>(&self, past: &'a [Past]) -> HashMap<&'a str, usize> {
        let mut last: HashMap<&str, usize> = HashMap::new();
        if let Some(review) = past.iter().rev().find(|r| !r.is_empty()) {
            for (item, reader) in review {
                if let Some(p) = self.who(reader) {
                    last.entry(item.as_str()).or_insert(p);
                }
            }
        }
        last
    }
}

/// A handle or name as it is looked up: trimmed, without `@`, lower case.
fn key(name: &str) -> String {
    name.trim().trim_start_matches('@').to_ascii_lowercase()
}

/// How many items each party reads: the counts levelled as far as the
/// items go; the parties that get one more, where counts tie, are those
/// that leave the most room to avoid repeats.
fn quotas(forbidden: &[Option<usize>], counts: &[usize]) -> Vec<usize> {
    let n = forbidden.len();
    let fill = |level: usize| -> usize { counts.iter().map(|&c| level.saturating_sub(c)).sum() };
    // The highest level the items can fill every count up to (fill grows
    // with the level: a binary search).
    let min = counts.iter().copied().min().unwrap_or(0);
    let (mut low, mut high) = (min, min + n);
    while low < high {
        let mid = low + (high - low).div_ceil(2);
        if fill(mid) <= n {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    let level = low;
    let mut quota: Vec<usize> = counts.iter().map(|&c| level.saturating_sub(c)).collect();
    let extra = n - fill(level);
    let mut against = vec![0usize; counts.len()];
    for p in forbidden.iter().flatten() {
        against[*p] += 1;
    }
    // Candidates for one more: those at the level. A party's repeats are
    // at least quota + items against it - n, so the extra goes where that
    // stays lowest.
    let mut candidates: Vec<usize> = (0..counts.len()).filter(|&p| counts[p] <= level).collect();
    candidates.sort_by_key(|&p| (quota[p] + against[p], p));
    for &p in candidates.iter().take(extra) {
        quota[p] += 1;
    }
    quota
}

/// The party of each item: fair quotas, then repeats swapped away.
fn assign(forbidden: &[Option<usize>], counts: &[usize]) -> Vec<usize> {
    let mut left = quotas(forbidden, counts);
    let mut given = vec![0usize; left.len()];
    // Round by round: the party given fewest so far, then the one with
    // most left, then the first; ordered in a set, so a pick is a look-up.
    let key = |p: usize, given: &[usize], left: &[usize]| (given[p], Reverse(left[p]), p);
    let mut open: BTreeSet<(usize, Reverse<usize>, usize)> = (0..left.len())
        .filter(|&p| left[p] > 0)
        .map(|p| key(p, &given, &left))
        .collect();
    let mut out = Vec::with_capacity(forbidden.len());
    for banned in forbidden {
        // The banned party only when no other has any left.
        let Some(&chosen) = open
            .iter()
            .find(|(_, _, p)| Some(*p) != *banned)
            .or_else(|| open.iter().next())
        else {
            break;
        };
        open.remove(&chosen);
        let pick = chosen.2;
        left[pick] -= 1;
        given[pick] += 1;
        if left[pick] > 0 {
            open.insert(key(pick, &given, &left));
        }
        out.push(pick);
    }
    repair(&mut out, forbidden);
    out
}

/// Swap each repeat with an item held by another party that the repeat's
/// reader may take. When none is left for a party, its remaining repeats
/// cannot be avoided: every item it could hand over is one it may not take.
fn repair(out: &mut [usize], forbidden: &[Option<usize>]) {
    let mut steps = 0usize;
    // Per party, how far the search for a swap partner has got: the
    // partners only run out, so each party's search goes once over the items.
    let mut cursor: HashMap<usize, usize> = HashMap::new();
    for i in 0..out.len() {
        let p = out[i];
        if forbidden[i] != Some(p) {
            continue;
        }
        let from = cursor.entry(p).or_insert(0);
        let mut found = None;
        while *from < out.len() {
            steps += 1;
            if steps > MAX_REPAIR_STEPS {
                return;
            }
            let j = *from;
            if out[j] != p && forbidden[j] != Some(p) {
                found = Some(j);
                break;
            }
            *from += 1;
        }
        if let Some(j) = found {
            out[i] = out[j];
            out[j] = p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check the two rules on one assignment.
    fn fair(assigned: &[usize], counts: &[usize]) -> Vec<usize> {
        let mut after = counts.to_vec();
        for p in assigned {
            after[*p] += 1;
        }
        after
    }

    #[test]
    fn a_three_way_cycle_avoids_every_repeat() {
        // Greedy alone gives x to b, y to a, and z must go back to c.
        let forbidden = [Some(0), Some(1), Some(2)];
        let out = assign(&forbidden, &[0, 0, 0]);
        assert!(
            out.iter().zip(&forbidden).all(|(p, f)| Some(*p) != *f),
            "{out:?}"
        );
        assert_eq!(fair(&out, &[0, 0, 0]), [1, 1, 1]);
    }

    #[test]
    fn counts_are_levelled_before_repeats_are_avoided() {
        // b is behind by two: b reads both, though b read `x` last time.
        let out = assign(&[Some(1), None], &[2, 0]);
        assert_eq!(out, [1, 1]);
        // Tied counts: the one more goes to whoever did not read it last.
        assert_eq!(assign(&[Some(0)], &[3, 3]), [1]);
        assert_eq!(assign(&[Some(1)], &[3, 3]), [0]);
    }

    #[test]
    fn repeats_only_when_unavoidable() {
        // Two parties, three items all read by a last time, counts tied:
        // a must read one of them (it reads 1, b reads 2).
        let forbidden = [Some(0), Some(0), Some(0)];
        let out = assign(&forbidden, &[5, 5]);
        assert_eq!(fair(&out, &[5, 5]), [6, 7]);
        let repeats = out.iter().filter(|p| **p == 0).count();
        assert_eq!(repeats, 1);
    }

    #[test]
    fn exhaustive_small_cases_are_fair_and_minimal() {
        // Every forbidden pattern over 3 parties and up to 4 items, from
        // several starting counts: counts after differ by at most one where
        // they could, and no assignment with the same counts has fewer repeats.
        for counts in [[0, 0, 0], [1, 0, 0], [2, 1, 1], [0, 3, 1]] {
            for n in 0..=4usize {
                let patterns = 4usize.pow(n as u32);
                for code in 0..patterns {
                    let forbidden: Vec<Option<usize>> = (0..n)
                        .map(|i| match (code / 4usize.pow(i as u32)) % 4 {
                            3 => None,
                            p => Some(p),
                        })
                        .collect();
                    let out = assign(&forbidden, &counts);
                    let after = fair(&out, &counts);
                    let best_spread = best(&forbidden, &counts).0;
                    let spread = after.iter().max().unwrap() - after.iter().min().unwrap();
                    assert_eq!(spread, best_spread, "{counts:?} {forbidden:?} {out:?}");
                    let repeats = out
                        .iter()
                        .zip(&forbidden)
                        .filter(|(p, f)| Some(**p) == **f)
                        .count();
                    assert_eq!(
                        repeats,
                        best(&forbidden, &counts).1,
                        "{counts:?} {forbidden:?} {out:?}"
                    );
                }
            }
        }
    }

    /// The best (spread, repeats) over every assignment, by brute force.
    fn best(forbidden: &[Option<usize>], counts: &[usize]) -> (usize, usize) {
        let n = forbidden.len();
        let mut best = (usize::MAX, usize::MAX);
        for code in 0..3usize.pow(n as u32) {
            let out: Vec<usize> = (0..n).map(|i| (code / 3usize.pow(i as u32)) % 3).collect();
            let after = fair(&out, counts);
            let spread = after.iter().max().unwrap() - after.iter().min().unwrap();
            let repeats = out
                .iter()
                .zip(forbidden)
                .filter(|(p, f)| Some(**p) == **f)
                .count();
            best = best.min((spread, repeats));
        }
        best
    }
}
