//! The front matter's changes: parties who joined and left, the cadence,
//! the status, the title, and every other key (dotted under `review.`),
//! each compared by value.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::document::{Alliance, FrontMatter, Party, ReviewEntry};

use super::FrontChange;

/// What changed in the front matter from `old` to `new`.
pub(super) fn compare_front(old: &Alliance, new: &Alliance) -> Vec<FrontChange> {
    let (of, nf) = (old.fields(), new.fields());
    let mut out = parties(of, nf);
    let every =
        |f: Option<&FrontMatter>| f.and_then(|f| f.review.every.as_ref().map(|t| t.value.clone()));
    if every(of) != every(nf) {
        out.push(FrontChange::Cadence {
            from: every(of),
            to: every(nf),
        });
    }
    let status =
        |f: Option<&FrontMatter>| f.and_then(|f| f.status.as_ref().map(|t| t.value.clone()));
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
    out.extend(reviews(of, nf));
    out.extend(consents(of, nf));
    out.extend(other_keys(old, new));
    out
}

/// The entries of the `consent:` list the new version adds (`alliance
/// agree`), by handle, date and digest.
fn consents(old: Option<&FrontMatter>, new: Option<&FrontMatter>) -> Vec<FrontChange> {
    let key = |e: &crate::document::ConsentEntry| {
        (
            e.handle.as_ref().map(|h| h.value.clone()),
            e.date.as_ref().map(|d| d.raw.trim().to_owned()),
            e.digest.as_ref().map(|d| d.value.trim().to_owned()),
        )
    };
    let before: HashSet<_> = old
        .map(|f| f.consent.iter().map(key).collect())
        .unwrap_or_default();
    new.map(|f| f.consent.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|e| !before.contains(&key(e)))
        .map(|e| FrontChange::Agreed {
            handle: e
                .handle
                .as_ref()
                .map_or_else(|| "(no handle)".to_owned(), |h| h.value.clone()),
            date: e.date.as_ref().map(|d| d.raw.trim().to_owned()),
        })
        .collect()
}

/// The entries of the `reviews:` log the new version adds (a review
/// recorded), as the parties wrote them.
fn reviews(old: Option<&FrontMatter>, new: Option<&FrontMatter>) -> Vec<FrontChange> {
    let key = |e: &ReviewEntry| {
        (
            e.date.as_ref().map(|d| d.raw.trim().to_owned()),
            e.note.as_ref().map(|n| n.value.clone()),
        )
    };
    let before: HashSet<_> = old
        .map(|f| f.reviews.iter().map(key).collect())
        .unwrap_or_default();
    new.map(|f| f.reviews.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|e| !before.contains(&key(e)))
        .map(|e| FrontChange::Reviewed {
            date: e.date.as_ref().map(|d| d.raw.trim().to_owned()),
            note: e.note.as_ref().map(|n| n.value.clone()),
            wins: e.wins.iter().map(|w| w.value.clone()).collect(),
        })
        .collect()
}

/// Parties joined (in the new order) and left (in the old order), matched
/// by handle, else by name, without regard to case or a leading `@`.
fn parties(old: Option<&FrontMatter>, new: Option<&FrontMatter>) -> Vec<FrontChange> {
    let list = |f: Option<&FrontMatter>| -> Vec<(String, String)> {
        f.map(|f| {
            f.parties
                .iter()
                .map(|p| (party_key(p), party_label(p)))
                .collect()
        })
        .unwrap_or_default()
    };
    let (op, np) = (list(old), list(new));
    let old_keys: HashSet<&str> = op.iter().map(|(k, _)| k.as_str()).collect();
    let new_keys: HashSet<&str> = np.iter().map(|(k, _)| k.as_str()).collect();
    let joined = np
        .iter()
        .filter(|(k, _)| !old_keys.contains(k.as_str()))
        .map(|(_, label)| FrontChange::PartyJoined {
            party: label.clone(),
        });
    let left = op
        .iter()
        .filter(|(k, _)| !new_keys.contains(k.as_str()))
        .map(|(_, label)| FrontChange::PartyLeft {
            party: label.clone(),
        });
    joined.chain(left).collect()
}

fn party_key(p: &Party) -> String {
    p.handle
        .as_ref()
        .map(|h| h.value.trim_start_matches('@').to_lowercase())
        .or_else(|| p.name.as_ref().map(|n| n.value.to_lowercase()))
        .unwrap_or_default()
}

/// "Ada Lovelace (@ada)".
fn party_label(p: &Party) -> String {
    let name = p.name.as_ref().map(|n| n.value.trim().to_owned());
    let handle = p
        .handle
        .as_ref()
        .map(|h| format!("@{}", h.value.trim_start_matches('@')));
    match (name, handle) {
        (Some(n), Some(h)) => format!("{n} ({h})"),
        (Some(n), None) => n,
        (None, Some(h)) => h,
        (None, None) => p.label(),
    }
}

/// Every key but those compared above, new keys first in the new order,
/// then keys only the old version has.
fn other_keys(old: &Alliance, new: &Alliance) -> Vec<FrontChange> {
    let (ok, nk) = (flat_keys(old), flat_keys(new));
    let old_map: HashMap<&str, &Value> = ok.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let new_map: HashMap<&str, &Value> = nk.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for (key, _) in nk.iter().chain(ok.iter()) {
        if !seen.insert(key.as_str()) {
            continue;
        }
        let (a, b) = (old_map.get(key.as_str()), new_map.get(key.as_str()));
        if a != b {
            out.push(FrontChange::Key {
                key: key.clone(),
                from: a.map(|v| show(v)),
                to: b.map(|v| show(v)),
            });
        }
    }
    out
}

/// The front matter's keys as `(key, value)`, `review.*` flattened, the
/// keys with their own change kinds left out.
fn flat_keys(doc: &Alliance) -> Vec<(String, Value)> {
    let Some(root) = doc.front_root() else {
        return Vec::new();
    };
    let Value::Object(map) = root.to_json() else {
        return Vec::new();
    };
    let mut flat = Vec::new();
    for (key, value) in map {
        match (key.as_str(), value) {
            // Compared on their own: parties, status, title, the review log,
            // the consent records.
            ("parties" | "status" | "title" | "reviews" | "consent", _) => {}
            ("review", Value::Object(review)) => flat.extend(
                review
                    .into_iter()
                    .filter(|(sub, _)| sub != "every")
                    .map(|(sub, v)| (format!("review.{sub}"), v)),
            ),
            (_, value) => flat.push((key, value)),
        }
    }
    flat
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
