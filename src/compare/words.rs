//! Words: how alike two texts are, and a word-level diff between them.
//!
//! Both are bounded: past [`EXACT_WORDS`] words, similarity counts common
//! words without regard to order and the diff replaces the whole text, so
//! a pathological document costs linear work, not quadratic.

use std::collections::HashMap;

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

use super::{Word, WordOp};

/// Above this many words (both sides together), the order-aware measures
/// (Myers diffs, quadratic in the worst case) give way to linear ones. No
/// real agreement item or section comes near it.
const EXACT_WORDS: usize = 20_000;

/// The words of `text`, lowercased, for similarity.
pub(super) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `2 × common words / all words`: 1.0 for the same words, 0.0 for none in common.
pub fn similarity(a: &str, b: &str) -> f32 {
    similarity_of(&words(a), &words(b))
}

/// [`similarity`] of texts already split into [`words`].
pub(super) fn similarity_of(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // Even if every word of the shorter text were common, could they reach
    // the threshold? Most unrelated pairs stop here.
    #[allow(clippy::cast_precision_loss)]
    let best = (2 * short.len()) as f32 / (a.len() + b.len()) as f32;
    if best < super::SIMILARITY_THRESHOLD.min(0.5) || long.is_empty() {
        return 0.0;
    }
    let common = if a.len() + b.len() > EXACT_WORDS {
        common_unordered(a, b)
    } else {
        capture_diff_slices(Algorithm::Myers, a, b)
            .iter()
            .map(|op| match op {
                DiffOp::Equal { len, .. } => *len,
                _ => 0,
            })
            .sum()
    };
    #[allow(clippy::cast_precision_loss)]
    let ratio = (2 * common) as f32 / (a.len() + b.len()) as f32;
    ratio
}

/// How many words the two share, counted as multisets.
fn common_unordered(a: &[String], b: &[String]) -> usize {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in a {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let mut common = 0;
    for w in b {
        if let Some(n) = counts.get_mut(w.as_str()) {
            if *n > 0 {
                *n -= 1;
                common += 1;
            }
        }
    }
    common
}

/// A word-level diff of `old` to `new`, with neighbouring pieces of the same
/// kind joined.
pub fn word_diff(old: &str, new: &str) -> Vec<Word> {
    if old.split_whitespace().count() + new.split_whitespace().count() > EXACT_WORDS {
        return replaced(old, new);
    }
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

/// The whole of `old` deleted and the whole of `new` inserted.
fn replaced(old: &str, new: &str) -> Vec<Word> {
    let mut out = Vec::new();
    if !old.is_empty() {
        out.push(Word {
            op: WordOp::Delete,
            text: old.to_owned(),
        });
    }
    if !new.is_empty() {
        out.push(Word {
            op: WordOp::Insert,
            text: new.to_owned(),
        });
    }
    out
}

/// [`word_diff`], or nothing when the texts are the same.
pub(super) fn word_diff_nonempty(old: &str, new: &str) -> Vec<Word> {
    if old == new {
        Vec::new()
    } else {
        word_diff(old, new)
    }
}
