//! Review points and versions of one alliance: which commits were reviews
//! (those in which `review.last` changed, and the first), what changed
//! between them, and the two versions `alliance diff` compares.
//!
//! This module joins `history` (git) with `compare` (meaning); it never
//! renders. A version that cannot be read (binary, missing object, cut off
//! by a shallow clone) is an error, never a guess.

use std::path::{Path, PathBuf};

use git2::Oid;

use crate::compare::{self, AllianceDiff, Counts};
use crate::document::Alliance;
use crate::history::{Change, History, HistoryError};

/// One version of the file in history.
#[derive(Debug)]
pub struct Version {
    /// The commit that made it.
    pub change: Change,
    /// The document.
    pub doc: Alliance,
}

impl Version {
    /// `review.last` as written, when there is one.
    pub fn review_last(&self) -> Option<String> {
        review_last(&self.doc)
    }
}

fn review_last(doc: &Alliance) -> Option<String> {
    doc.fields()
        .and_then(|f| f.review.last.as_ref())
        .map(|d| d.raw.trim().to_owned())
}

/// One review in the log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Review {
    /// `review.last` at this review, else the commit's date.
    pub date: Option<String>,
    /// The commit (full id).
    pub commit: String,
    /// The commit's author.
    pub author: String,
    /// The commit message's first line.
    pub message: String,
    /// The file's path at this commit.
    pub path: String,
    /// How many commits changed the file since the previous review, this one included.
    pub commits: usize,
    /// What changed since the previous review (from nothing, for the first).
    pub counts: Counts,
    /// The same, item by item.
    #[serde(skip)]
    pub diff: AllianceDiff,
    /// For the first review: the shape of the agreement then.
    #[serde(skip)]
    pub first: Option<Shape>,
    /// Whether `review.last` is written in this version: a review was
    /// recorded (the first version may only be the start of history).
    #[serde(skip)]
    pub recorded: bool,
    /// What the parties noted at this review (`reviews:` entry of its day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The successes they celebrated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub wins: Vec<String>,
    /// Who read which item aloud.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readers: Vec<ItemReader>,
}

/// One reading recorded at a review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemReader {
    /// The item's key.
    pub item: String,
    /// Who read it (handle, else name).
    pub reader: String,
}

/// What a review recorded beside its date, as `alliance log` reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The note.
    pub note: Option<String>,
    /// The wins.
    pub wins: Vec<String>,
    /// The readings.
    pub readers: Vec<ItemReader>,
}

/// What the review `doc` was last reviewed at recorded (the `reviews:`
/// entry of its `review.last`): empty when none is written.
pub fn recorded_at_last(doc: &Alliance) -> Recorded {
    recorded(doc, review_last(doc).as_deref())
}

/// One commit that changed the agreement, for `log --commits`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Commit {
    /// The author date.
    pub date: Option<String>,
    /// The commit (full id).
    pub commit: String,
    /// The commit's author.
    pub author: String,
    /// The commit message's first line.
    pub message: String,
    /// The file's path at this commit.
    pub path: String,
    /// What this commit changed (from nothing, for the first).
    pub counts: Counts,
    /// For the first commit: the shape of the agreement then.
    #[serde(skip)]
    pub first: Option<Shape>,
}

/// The note, wins and readers recorded in `doc`'s `reviews:` log for the
/// review of `date` (as written in `review.last`).
fn recorded(doc: &Alliance, date: Option<&str>) -> Recorded {
    let entry = date.and_then(|date| {
        doc.fields()?
            .reviews
            .iter()
            .rev()
            .find(|e| e.date.as_ref().is_some_and(|d| d.raw.trim() == date))
    });
    match entry {
        Some(e) => Recorded {
            note: e.note.as_ref().map(|n| n.value.clone()),
            wins: e.wins.iter().map(|w| w.value.clone()).collect(),
            readers: e
                .readers
                .iter()
                .map(|r| ItemReader {
                    item: r.item.value.clone(),
                    reader: r.reader.value.clone(),
                })
                .collect(),
        },
        None => Recorded::default(),
    }
}

/// Which commits `log` lists one by one, beside its reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitList {
    /// Never.
    Never,
    /// Always (`log --commits`).
    Always,
    /// Until a review is recorded: most agreements on their first day.
    UntilReviewed,
}

fn commit_entry(change: &Change, counts: Counts, first: Option<Shape>) -> Commit {
    Commit {
        date: change.date.map(|d| d.to_string()),
        commit: change.commit.to_string(),
        author: change.author.clone(),
        message: change.summary.clone(),
        path: change.path.display().to_string(),
        counts,
        first,
    }
}

/// How big an agreement is: what the first review of a log is described by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Answered items.
    pub agreements: usize,
    /// `##` sections.
    pub sections: usize,
    /// Parties.
    pub parties: usize,
}

impl Shape {
    /// The shape of `doc`.
    pub fn of(doc: &Alliance) -> Shape {
        Shape {
            agreements: doc.items().filter(|(_, i)| i.is_answered()).count(),
            sections: doc.sections.len(),
            parties: doc.fields().map_or(0, |f| f.parties.len()),
        }
    }
}

/// Changes committed after the last review.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pending {
    /// How many commits.
    pub commits: usize,
    /// What changed since the last review.
    pub counts: Counts,
}

/// The review history of one file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewLog {
    /// The file, relative to the repository root.
    pub path: String,
    /// Reviews, oldest first.
    pub reviews: Vec<Review>,
    /// Commits after the last review.
    pub since_last_review: Option<Pending>,
    /// Set when a shallow clone cuts the history off: the boundary commit.
    pub truncated_at: Option<String>,
    /// Every commit that changed the file, oldest first, when asked for.
    #[serde(skip)]
    pub commits: Option<Vec<Commit>>,
}

/// The commits that changed `path`, reachable from `HEAD`, oldest first:
/// only what git says about each (small); the versions themselves are read
/// one at a time by whoever walks them.
fn changes_oldest_first(history: &History, path: &Path) -> Result<Vec<Change>, HistoryError> {
    let head = head(history, path)?;
    let mut out = history
        .changes(path, head)?
        .collect::<Result<Vec<_>, _>>()?;
    if out.is_empty() {
        return Err(HistoryError::NeverTracked(path.to_path_buf()));
    }
    out.reverse();
    Ok(out)
}

/// Read the version of the file a change made.
fn version(history: &History, change: Change) -> Result<Version, HistoryError> {
    let rev = history.short(change.commit);
    let text = history.read_blob_oid(change.blob, &change.path, &rev)?;
    let doc = Alliance::parse_text(&change.path, text);
    Ok(Version { change, doc })
}

fn head(history: &History, path: &Path) -> Result<Oid, HistoryError> {
    history.resolve_oid("HEAD").map_err(|e| match e {
        // A damaged or oversized HEAD commit says so; no HEAD at all means
        // nothing was ever committed.
        HistoryError::Damaged { .. } | HistoryError::TooLarge { .. } => e,
        _ => HistoryError::NeverTracked(path.to_path_buf()),
    })
}

/// The review log of `path`. Versions are read one at a time, oldest
/// first; at most three are held at once (the last review, the newest
/// version after it and the one being read), so memory does not grow with
/// history.
pub fn log(history: &History, path: &Path, list: CommitList) -> Result<ReviewLog, HistoryError> {
    log_and_last_review(history, path, list).map(|(log, _)| log)
}

/// [`log`], and the last review as a side (what [`at_last_review`] reads),
/// from the same walk: the history is read once.
pub fn log_and_last_review(
    history: &History,
    path: &Path,
    list: CommitList,
) -> Result<(ReviewLog, Option<Side>), HistoryError> {
    let changes = changes_oldest_first(history, path)?;
    let count = changes.len();
    let truncated_at = changes
        .first()
        .filter(|c| c.truncated)
        .map(|c| history.short(c.commit));
    let empty = Alliance::parse_text(path, String::new());
    let mut reviews = Vec::new();
    // The last review: its index and version.
    let mut last: Option<(usize, Version)> = None;
    // `review.last` of the version before the one being read.
    let mut before_last: Option<Option<String>> = None;
    // The newest version after the last review.
    let mut newest: Option<Version> = None;
    let mut commits = (list != CommitList::Never).then(Vec::new);
    for (i, change) in changes.into_iter().enumerate() {
        let version = version(history, change)?;
        if let Some(commits) = &mut commits {
            // The version before this one is the newest read, or the last review.
            let previous = newest.as_ref().or(last.as_ref().map(|(_, v)| v));
            let counts =
                compare::compare(previous.map_or(&empty, |v| &v.doc), &version.doc).counts();
            let first = previous.is_none().then(|| Shape::of(&version.doc));
            commits.push(commit_entry(&version.change, counts, first));
        }
        let now = version.review_last();
        let is_review = match &before_last {
            None => true,
            Some(before) => now.is_some() && now != *before,
        };
        before_last = Some(now.clone());
        if !is_review {
            newest = Some(version);
            continue;
        }
        reviews.push(review_entry(&version, now, last.as_ref(), i, &empty));
        last = Some((i, version));
        newest = None;
    }
    let since_last_review = pending(last.as_ref(), newest.as_ref(), count);
    if list == CommitList::UntilReviewed && reviews.iter().any(|r| r.recorded) {
        commits = None;
    }
    let log = ReviewLog {
        path: path.display().to_string(),
        reviews,
        since_last_review,
        truncated_at,
        commits,
    };
    Ok((
        log,
        last.map(|(_, v)| review_side(history, v.change, v.doc)),
    ))
}

/// What changed after the `last` review (the `l`th of `count` versions),
/// up to the `newest` version.
fn pending(
    last: Option<&(usize, Version)>,
    newest: Option<&Version>,
    count: usize,
) -> Option<Pending> {
    let ((l, review), newest) = (last?, newest?);
    Some(Pending {
        commits: count - l - 1,
        counts: compare::compare(&review.doc, &newest.doc).counts(),
    })
}

/// The log entry of the review recorded in `version` (the `i`th, with
/// `review.last` at `now`), compared with the `last` review before it.
fn review_entry(
    version: &Version,
    now: Option<String>,
    last: Option<&(usize, Version)>,
    i: usize,
    empty: &Alliance,
) -> Review {
    let before = last.map_or(empty, |(_, v)| &v.doc);
    let diff = compare::compare(before, &version.doc);
    let first = last.is_none().then(|| Shape::of(&version.doc));
    let change = &version.change;
    let Recorded {
        note,
        wins,
        readers,
    } = recorded(&version.doc, version.review_last().as_deref());
    Review {
        recorded: now.is_some(),
        note,
        wins,
        readers,
        date: now.or_else(|| change.date.map(|d| d.to_string())),
        commit: change.commit.to_string(),
        author: change.author.clone(),
        message: change.summary.clone(),
        path: change.path.display().to_string(),
        commits: i - last.map_or(0, |(l, _)| l + 1) + 1,
        counts: diff.counts(),
        diff,
        first,
    }
}

/// The commit of the last review of `path` (the newest commit in which
/// `review.last` changed, or the file's first commit), walking back from
/// `HEAD` only as far as needed.
pub fn last_review(history: &History, path: &Path) -> Result<Change, HistoryError> {
    let head = head(history, path)?;
    let mut newer: Option<(Change, Option<String>)> = None;
    for change in history.changes(path, head)? {
        let change = change?;
        let rev = history.short(change.commit);
        let text = history.read_blob_oid(change.blob, &change.path, &rev)?;
        let last = review_last(&Alliance::parse_text(&change.path, text));
        if let Some((newer_change, newer_last)) = newer.take() {
            if newer_last.is_some() && newer_last != last {
                return Ok(newer_change);
            }
        }
        if change.truncated {
            return Err(history.shallow_error(&change));
        }
        newer = Some((change, last));
    }
    newer
        .map(|(c, _)| c)
        .ok_or_else(|| HistoryError::NeverTracked(path.to_path_buf()))
}

/// The most versions [`carried_keys`] reads back through.
const MAX_CARRY_VERSIONS: usize = 500;

/// For each of `orphans` (item keys that no item of `current`, the
/// alliance at `path` now, has), the key of the item it became: walking
/// back from `HEAD`, each version's items are paired with the next
/// version's as `diff` pairs them ([`compare::item_key_pairs`]), so a key
/// follows its item through every rewording. Keys found in no version are
/// left out; at most [`MAX_CARRY_VERSIONS`] versions are read.
pub fn carried_keys(
    history: &History,
    path: &Path,
    current: &Alliance,
    orphans: &[String],
) -> Result<std::collections::HashMap<String, String>, HistoryError> {
    use std::collections::HashMap;
    let mut found: HashMap<String, String> = HashMap::new();
    // Each key of the newer version read, with the current key it became.
    let mut now_of: HashMap<String, String> =
        crate::document::vocabulary::item_keys(&current.sections)
            .into_iter()
            .map(|(k, _)| (k.clone(), k))
            .collect();
    let head = head(history, path)?;
    let mut newer: Option<Alliance> = None;
    for change in history.changes(path, head)?.take(MAX_CARRY_VERSIONS) {
        let older = version(history, change?)?.doc;
        let pairs = compare::item_key_pairs(&older, newer.as_ref().unwrap_or(current));
        now_of = pairs
            .into_iter()
            .filter_map(|(old, new)| Some((old, now_of.get(&new)?.clone())))
            .collect();
        for orphan in orphans {
            if let Some(now) = now_of.get(orphan) {
                found.entry(orphan.clone()).or_insert_with(|| now.clone());
            }
        }
        if found.len() == orphans.len() || now_of.is_empty() {
            break;
        }
        newer = Some(older);
    }
    Ok(found)
}

/// One side of a diff.
#[derive(Debug)]
pub struct Side {
    /// How to name it to a person: "review 2026-01-10 (1a2b3c4d5e)", "working tree".
    pub label: String,
    /// The commit, when it is one.
    pub commit: Option<String>,
    /// The file's path on this side.
    pub path: PathBuf,
    /// The document.
    pub doc: Alliance,
}

/// The file at revision `rev`, found under the name it had there.
pub fn at_revision(
    history: &History,
    path: &Path,
    rev: &str,
    id: super::ObjectId,
) -> Result<Side, HistoryError> {
    let id = id.0;
    let found = match history.blob_id(id, path)? {
        Some(_) => path.to_path_buf(),
        None => name_at(history, path, rev, id)?,
    };
    let text = history.read_at_oid(id, &found, rev)?;
    Ok(Side {
        label: format!("{rev} ({})", history.short(id)),
        commit: Some(id.to_string()),
        doc: Alliance::parse_text(&found, text),
        path: found,
    })
}

/// The name `path` had at commit `id`, following renames back from HEAD.
fn name_at(history: &History, path: &Path, rev: &str, id: Oid) -> Result<PathBuf, HistoryError> {
    let not_there = || HistoryError::NotAtRevision {
        path: path.to_path_buf(),
        rev: rev.to_owned(),
    };
    let Ok(head) = history.resolve_oid("HEAD") else {
        return Err(not_there());
    };
    for change in history.changes(path, head)? {
        let change = change?;
        if history.is_ancestor(change.commit, id)? {
            return match history.blob_id(id, &change.path)? {
                Some(_) => Ok(change.path),
                None => Err(not_there()),
            };
        }
        if change.truncated {
            return Err(history.shallow_error(&change));
        }
    }
    Err(not_there())
}

/// The last review of `path` as a side.
pub fn at_last_review(history: &History, path: &Path) -> Result<Side, HistoryError> {
    let change = last_review(history, path)?;
    let rev = history.short(change.commit);
    let text = history.read_blob_oid(change.blob, &change.path, &rev)?;
    let doc = Alliance::parse_text(&change.path, text);
    Ok(review_side(history, change, doc))
}

/// The review `change` made (`doc`) as a side.
fn review_side(history: &History, change: Change, doc: Alliance) -> Side {
    let rev = history.short(change.commit);
    let label = match review_last(&doc) {
        Some(date) => format!("the review of {date} ({rev})"),
        None => format!("the first commit ({rev})"),
    };
    Side {
        label,
        commit: Some(change.commit.to_string()),
        path: change.path,
        doc,
    }
}

/// The file in the working tree.
pub fn working_tree(history: &History, path: &Path) -> Result<Side, HistoryError> {
    let full = history.root().join(path);
    let failed = |source| HistoryError::WorkingTree {
        path: path.to_path_buf(),
        source,
    };
    let meta = full.symlink_metadata().map_err(failed)?;
    // As git sees it: a symbolic link's content is its link text, never the
    // file it points to (which may be outside the repository, such as the
    // checkout's `.git/config` with its credentials).
    let bytes = if meta.file_type().is_symlink() {
        let target = std::fs::read_link(&full).map_err(failed)?;
        target.into_os_string().into_encoded_bytes()
    } else {
        crate::read::read_file(history.root(), &full, crate::workspace::MAX_FILE_BYTES)
            .map_err(|e| failed(std::io::Error::other(e.reason())))?
    };
    let doc = Alliance::parse(path, bytes).map_err(|e| match e.reason {
        crate::document::NotText::Binary => HistoryError::Binary {
            path: path.to_path_buf(),
            rev: "the working tree".to_owned(),
        },
        crate::document::NotText::InvalidUtf8 { .. }
        | crate::document::NotText::OtherUnicode { .. } => HistoryError::NotUtf8 {
            path: path.to_path_buf(),
            rev: "the working tree".to_owned(),
        },
    })?;
    Ok(Side {
        label: "the working tree".to_owned(),
        commit: None,
        path: path.to_path_buf(),
        doc,
    })
}

/// Compare two sides.
pub fn diff(from: &Side, to: &Side) -> AllianceDiff {
    compare::compare(&from.doc, &to.doc)
}
