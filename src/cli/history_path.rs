//! The one file a command works on (`log`, `diff`, `review`, `agree`,
//! `agenda`, `pulse`): the path given, or the
//! repository's only alliance, as a path inside the repository.

use std::path::{Path, PathBuf};

use super::Failed;
use crate::history::History;
use crate::workspace::Workspace;

/// Open the repository around the current folder and resolve `path`.
pub(super) fn open(
    command: &'static str,
    path: Option<&Path>,
) -> Result<(History, PathBuf), Failed> {
    let cwd = std::env::current_dir().map_err(crate::workspace::WorkspaceError::CurrentDir)?;
    let history = History::discover(&cwd)?;
    let path = named_or_only(path, command)?;
    let relative = history.relative(&path, &cwd)?;
    Ok((history, relative))
}

/// The path given, else the repository's only alliance.
pub(super) fn named_or_only(path: Option<&Path>, command: &'static str) -> Result<PathBuf, Failed> {
    match path {
        Some(path) => Ok(path.to_path_buf()),
        None => only_alliance(command),
    }
}

/// The repository's one alliance, for a command given no path; with none
/// or several, a message asking for one (`command` names the command in it).
pub(super) fn only_alliance(command: &'static str) -> Result<PathBuf, Failed> {
    let workspace = Workspace::current()?;
    let found = workspace.discover(&[])?;
    match found.documents.as_slice() {
        [one] => Ok(one.path.clone()),
        [] => Err(Failed::NoAllianceHere { command }),
        many => Err(Failed::SeveralAlliances {
            paths: many.iter().map(|c| c.path.clone()).collect(),
        }),
    }
}
