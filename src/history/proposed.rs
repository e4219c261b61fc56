//! Since when an alliance has been proposed: the day of the commit that
//! set `status: proposed`, read from the file's history.

use std::path::Path;

use jiff::civil::Date;

use super::{History, HistoryError};
use crate::document::{Alliance, Status};

/// The author date of the oldest commit of the newest unbroken run of
/// commits in which `path` (relative to the repository root) has
/// `status: proposed`, walking back from `HEAD` through renames.
///
/// `None` when the committed version at `HEAD` is not proposed (the change
/// is not committed yet), the file has no history, or the repository has no
/// `HEAD`. A shallow clone's boundary ends the walk: the date is then the
/// oldest commit there is, a lower bound of the wait.
pub fn proposed_since(history: &History, path: &Path) -> Result<Option<Date>, HistoryError> {
    let Ok(head) = history.resolve_oid("HEAD") else {
        return Ok(None);
    };
    let mut since = None;
    for change in history.changes(path, head)? {
        let change = change?;
        let rev = history.short(change.commit);
        let text = history.read_blob_oid(change.blob, &change.path, &rev)?;
        let doc = Alliance::parse_text(&change.path, text);
        if doc.fields().map(|f| f.status()) != Some(Status::Proposed) {
            break;
        }
        since = change.date.or(since);
        if change.truncated {
            break;
        }
    }
    Ok(since)
}
