//! `alliance ci remind`'s reading: every alliance in force with a review,
//! an item or a pulse round overdue or due within the window, as `due`
//! assesses it ([`crate::tasks::due::Assessor`]), named from the
//! repository root. Drafts and proposals are not in force: no reminder.

use crate::Failed;
use crate::due::{AllianceDue, Outcome, Tier, Window};
use crate::tasks::due::{Assessor, DuePart};
use crate::workspace::Workspace;

/// The alliances with something due by the window's end, in discovery's
/// order, each `path` relative to the repository root.
/// A repository with no alliance left has nothing due: its reminders close.
pub fn due_alliances(workspace: &Workspace, window: &Window) -> Result<Vec<AllianceDue>, Failed> {
    let found = workspace.discover(&[])?;
    let assessor = Assessor::new(workspace)?;
    let mut due = Vec::new();
    assessor.each(found, window, |part| {
        if let DuePart::Assessed(path, outcome) = part {
            if let Outcome::Listed(mut alliance) = *outcome {
                if !alliance.draft && alliance.worst() != Tier::Ok {
                    alliance.path = workspace.in_repository(&path);
                    due.push(alliance);
                }
            }
        }
        Ok(())
    })?;
    Ok(due)
}
