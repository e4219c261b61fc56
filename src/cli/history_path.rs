//! The file a command works on: the path given, or the repository's only
//! alliance (`review`, `agree`, `agenda`, `pulse ask`), or every alliance
//! (`log`, `diff`, `pulse report`), as paths inside the repository.

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

/// The path given, else every alliance of the repository (in discovery's
/// order): for the commands that show all of them (`log`, `diff`, `pulse
/// report`).
pub(super) fn named_or_all(
    path: Option<&Path>,
    command: &'static str,
) -> Result<Vec<PathBuf>, Failed> {
    if let Some(path) = path {
        return Ok(vec![path.to_path_buf()]);
    }
    let workspace = Workspace::current()?;
    let found = workspace.discover(&[])?;
    if found.documents.is_empty() {
        return Err(Failed::NoAllianceHere { command });
    }
    Ok(found.documents.into_iter().map(|c| c.path).collect())
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
            command,
            paths: many.iter().map(|c| c.path.clone()).collect(),
        }),
    }
}

/// The path given, else the repository's only alliance; with several, a
/// refusal that lists a command for each alliance `keep` keeps (with the
/// state it says), so the user names one: for the commands that act on one
/// alliance deliberately (`agenda`, `agree`, `review`). `rest` follows the
/// path in each command (`--as ada`).
pub(super) fn named_or_choose(
    path: Option<&Path>,
    command: &'static str,
    rest: &str,
    question: &str,
    keep: impl Fn(&crate::document::Alliance) -> Option<String>,
    otherwise: Otherwise<'_>,
) -> Result<PathBuf, Failed> {
    if let Some(path) = path {
        return Ok(path.to_path_buf());
    }
    let workspace = Workspace::current()?;
    let found = workspace.discover(&[])?;
    match found.documents.as_slice() {
        [] => return Err(Failed::NoAllianceHere { command }),
        [one] => return Ok(one.path.clone()),
        _ => {}
    }
    let docs: Vec<_> = found
        .documents
        .iter()
        .filter_map(|c| workspace.read(c).ok())
        .collect();
    let choose = |keep: &dyn Fn(&crate::document::Alliance) -> Option<String>| {
        docs.iter()
            .filter_map(|doc| {
                let state = keep(doc)?;
                let path = crate::error::quoted(&doc.path);
                Some((format!("alliance {command} {path}{rest}"), state))
            })
            .collect::<Vec<_>>()
    };
    let count = found.documents.len();
    let mut choices = choose(&keep);
    let mut question = format!("this repository has {count} alliances; {question}");
    if choices.is_empty() {
        choices = choose(otherwise.keep);
        let said = if choices.is_empty() {
            otherwise.none
        } else {
            otherwise.question
        };
        question = format!("this repository has {count} alliances; {said}");
    }
    Err(Failed::NameOne { question, choices })
}

/// What [`named_or_choose`] lists when no alliance is what the command is
/// for (none waits for this party's consent): the question, and which
/// alliances to list instead (none: the question says why).
pub(super) struct Otherwise<'a> {
    /// The question asked instead.
    pub question: &'a str,
    /// Which alliances to list, with their state.
    pub keep: &'a dyn Fn(&crate::document::Alliance) -> Option<String>,
    /// What is said when that lists none either.
    pub none: &'a str,
}

/// An alliance in a few words: its kind, status and next review.
pub(super) fn state(doc: &crate::document::Alliance, today: jiff::civil::Date) -> String {
    let Some(fields) = doc.fields() else {
        return "not an alliance".to_owned();
    };
    let kind = fields.kind.as_ref().map_or("?", |k| k.value.as_str());
    let mut words = format!("{kind}, {}", fields.status().as_str());
    let window = crate::due::Window::new(today, None);
    if let crate::due::Outcome::Listed(due) = crate::due::assess(doc, &window) {
        if let Some(review) = &due.review {
            words.push_str(&match review.days_overdue {
                d if d > 0 => format!(", review overdue since {}", review.date),
                0 => ", review due today".to_owned(),
                _ => format!(", next review {}", review.date),
            });
        }
    }
    crate::report::sanitize(&words).into_owned()
}
