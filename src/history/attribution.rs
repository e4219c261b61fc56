//! Which commit added each consent entry: the facts `consent::proof`
//! judges (the author, the signature and what it signs).
//!
//! An entry is added by the oldest commit of the unbroken run of versions,
//! walking back from `HEAD`, whose front matter holds it (the same handle,
//! date and digest). An entry in the working tree but not at `HEAD` is in
//! no commit yet. The walk reads the file's history once, parses only the
//! versions it visits, and stops as soon as every entry has been placed:
//! usually one or two versions back.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::Oid;
use jiff::civil::Date;

use super::{Change, History, HistoryError};
use crate::document::{Alliance, ConsentEntry};

/// The commit that added a consent entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// The commit, short.
    pub commit: String,
    /// The commit's id.
    pub id: super::ObjectId,
    /// The file's blob in that commit (its text as the entry was added).
    pub blob: super::ObjectId,
    /// The file's path in that commit.
    pub path: std::path::PathBuf,
    /// The author's name.
    pub author_name: String,
    /// The author's email (unverified: git takes whatever is configured).
    pub author_email: String,
    /// The author date.
    pub date: Option<Date>,
    /// The commit's signature, when it carries one.
    pub signature: Option<CommitSignature>,
    /// The history ends at this commit (a shallow clone's boundary) with
    /// the entry already there: it may have been added earlier, by anyone.
    pub truncated: bool,
}

/// A commit's signature and the bytes it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitSignature {
    /// The `gpgsig` header, armored (`-----BEGIN SSH SIGNATURE-----…`).
    pub armored: String,
    /// The commit object without that header: what was signed.
    pub payload: Vec<u8>,
}

/// What identifies an entry across versions: handle (case aside), date
/// and digest as written.
fn entry_key(entry: &ConsentEntry) -> Option<(String, String, String)> {
    let handle = entry.handle.as_ref()?.value.to_ascii_lowercase();
    let date = entry
        .date
        .as_ref()
        .map(|d| d.raw.clone())
        .unwrap_or_default();
    let digest = entry
        .digest
        .as_ref()
        .map(|d| d.value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    Some((handle, date, digest))
}

/// For each of `doc`'s consent entries (in order), the commit that added
/// it, walking back from `start` (`HEAD` for the working tree); `None` for
/// one in no commit (or without a handle). `path` is the file's path in
/// the repository. A file without entries costs nothing.
pub fn added(
    history: &History,
    path: &Path,
    doc: &Alliance,
    start: super::ObjectId,
) -> Result<Vec<Option<Added>>, HistoryError> {
    let Some(fields) = doc.fields() else {
        return Ok(Vec::new());
    };
    let keys: Vec<_> = fields.consent.iter().map(entry_key).collect();
    // Each entry's oldest version so far, as an index into `walked`.
    let mut found: Vec<Option<usize>> = vec![None; keys.len()];
    let mut walked: Vec<Change> = Vec::new();
    let mut open: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    if open.is_empty() {
        return Ok(vec![None; keys.len()]);
    }
    for change in history.changes(path, start.0)? {
        let change = change?;
        let text =
            history.read_blob_oid(change.blob, &change.path, &history.short(change.commit))?;
        // Only the `consent:` list matters here: the body is not read.
        let version = Alliance::parse_front_matter(&change.path, text);
        let held: HashSet<_> = version
            .fields()
            .map(|f| f.consent.iter().filter_map(entry_key).collect())
            .unwrap_or_default();
        let at = walked.len();
        open.retain(|&i| {
            let here = keys[i].as_ref().is_some_and(|k| held.contains(k));
            if here {
                found[i] = Some(at);
            }
            here
        });
        walked.push(change);
        if open.is_empty() {
            break;
        }
    }
    let mut out = Vec::with_capacity(found.len());
    let mut signed: HashMap<Oid, Option<CommitSignature>> = HashMap::new();
    for at in found {
        out.push(match at.and_then(|at| walked.get(at)) {
            Some(change) => Some(facts(history, change, &mut signed)?),
            None => None,
        });
    }
    Ok(out)
}

/// The facts of `change`'s commit, its signature read once per commit.
fn facts(
    history: &History,
    change: &Change,
    signed: &mut HashMap<Oid, Option<CommitSignature>>,
) -> Result<Added, HistoryError> {
    let signature = match signed.get(&change.commit) {
        Some(signature) => signature.clone(),
        None => {
            let signature = history
                .signature(change.commit)?
                .map(|(armored, payload)| CommitSignature { armored, payload });
            signed.insert(change.commit, signature.clone());
            signature
        }
    };
    Ok(Added {
        commit: history.short(change.commit),
        id: super::ObjectId(change.commit),
        blob: super::ObjectId(change.blob),
        path: change.path.clone(),
        author_name: change.author.clone(),
        author_email: change.author_email.clone(),
        date: change.date,
        signature,
        truncated: change.truncated,
    })
}
