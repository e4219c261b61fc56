//! `alliance list`: the index of the repository's alliances.

use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::document::Alliance;
use crate::report::list;
use crate::workspace::discover::Candidate;
use crate::workspace::{ReadError, UnreadFile, Workspace};

pub(super) const LIST_HELP: &str = "\
Examples:
  alliance list                       a table of the repository's alliances
  alliance list --format markdown     an index to paste in the README
  alliance list --format json         a full export: front matter, sections, items";

/// Output formats of `alliance list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// An aligned table.
    Table,
    /// A Markdown table, for a README.
    Markdown,
    /// A full export: front matter, sections and items of each alliance.
    Json,
}

/// Arguments of `alliance list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Files or folders (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub(super) fn run(args: &ListArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let found = workspace.discover(&args.paths)?;
    let docs = &found.documents;
    let unread = match args.format {
        ListFormat::Json => {
            let mut exports = list::JsonList::start(out)?;
            let unread = each_alliance(&workspace, docs, list::export, |v| exports.push(&v))?;
            exports.end()?;
            unread
        }
        ListFormat::Markdown => {
            list::markdown_header(out)?;
            each_alliance(&workspace, docs, list::row, |row| {
                list::markdown_row(&row, out)
            })?
        }
        ListFormat::Table => {
            // The columns' widths need every row: rows, not documents, are kept.
            let mut rows = Vec::new();
            let unread = each_alliance(&workspace, docs, list::row, |row| {
                rows.push(row);
                Ok(())
            })?;
            list::table_rows(&rows, out)?;
            unread
        }
    };
    let mut unreadable = found.skipped;
    unreadable.extend(unread);
    if unreadable.is_empty() {
        Ok(0)
    } else {
        Err(Failed::Unreadable(unreadable))
    }
}

/// `make` an entry of every alliance among `candidates` and hand them to
/// `sink` in discovery's order; the files that could not be read.
fn each_alliance<T: Send>(
    workspace: &Workspace,
    candidates: &[Candidate],
    make: impl Fn(&Alliance) -> T + Sync + Send,
    mut sink: impl FnMut(T) -> std::io::Result<()>,
) -> Result<Vec<UnreadFile>, Failed> {
    let mut unread = Vec::new();
    crate::parallel::for_each_file(
        candidates,
        |candidate| match workspace.read(candidate) {
            // Only documents that declare a kind are alliances; `check`
            // reports the rest, and a file that is not text (A005).
            Ok(doc) if doc.declares_kind() => Ok(Some(make(&doc))),
            Ok(_) | Err(ReadError::NotText(_)) => Ok(None),
            Err(ReadError::Unread(file)) => Err(file),
        },
        |entry| match entry {
            Ok(Some(entry)) => sink(entry),
            Ok(None) => Ok(()),
            Err(file) => {
                unread.push(file);
                Ok(())
            }
        },
    )?;
    Ok(unread)
}
