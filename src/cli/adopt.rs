//! `alliance adopt`: add front matter to an agreement a team already has,
//! as a built-in kind or as a kind made from the file's own headings.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Failed;
use super::new::{parties, shown};
use crate::clock::today;
use crate::tasks::new::{cadence, kind};
use crate::workspace::config::FILE_NAME;
use crate::workspace::{Workspace, read_document_in};
use crate::write::adopt::{self, AdoptOptions, NewKind};
use crate::write::atomic::{self, Replace, WriteError};

pub(super) const ADOPT_HELP: &str = "\
Adds front matter (alliance, title, parties, status: active, review) at the top
of FILE and changes nothing else: every byte after it is the original's, CRLF
line endings and a BOM included. The title is the file's first heading unless
--title is given. Reports which of the kind's sections the file's headings
answer (by name or alias) and which are missing, as `alliance check` would.

A file that already has front matter (a Jekyll or GitBook page) is refused
unless --merge: then the missing keys are appended inside its front matter,
whose own lines stay as written. Running adopt again on an alliance of the
same kind fills in what is still missing (the parties, say) and nothing else.

Your agreement has its own sections (`## Values`, `## Process`)? Adopt it as
it is with --new-kind NAME: alliance writes a repository kind NAME from the
file's own headings (extending the closest built-in kind, so it keeps that
kind's cadence and front matter), points .alliance.yaml at it, and adopts the
file as that kind. Nothing in the body has to move.

Examples:
  alliance adopt WORKING_AGREEMENT.md --kind team --party \"Ada <ada>\" --party \"Grace <grace>\"
  alliance adopt WORKING_AGREEMENT.md --kind team --party \"Linus <linus>\"   add a party later
  alliance adopt working_agreement.qmd --new-kind lab --party \"Ada <ada>\"
  alliance adopt docs/team-charter.md --kind team --merge

Exit codes: 0 adopted, 2 could not (unknown kind, front matter present, unreadable file).";

/// Arguments of `alliance adopt`.
#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The agreement to adopt (Markdown).
    pub file: PathBuf,
    /// The kind of alliance it is (`alliance kinds` lists them).
    #[arg(
        long,
        required_unless_present = "new_kind",
        conflicts_with = "new_kind"
    )]
    pub kind: Option<String>,
    /// Adopt it as it is: write a repository kind NAME from the file's own `##`
    /// headings (extending the closest built-in kind) and adopt the file as that kind.
    #[arg(long, value_name = "NAME")]
    pub new_kind: Option<String>,
    /// The title (default: the file's first heading).
    #[arg(long)]
    pub title: Option<String>,
    /// A party to the alliance, as "NAME <handle>", or "NAME <handle> ROLE"; repeat for each.
    #[arg(long = "party", value_name = "NAME <handle> [ROLE]")]
    pub parties: Vec<String>,
    /// How often to review it (default: the kind's).
    #[arg(long, value_name = "CADENCE")]
    pub every: Option<String>,
    /// Add the missing keys to front matter the file already has.
    #[arg(long)]
    pub merge: bool,
}

/// The folder `--new-kind` writes kinds to when `.alliance.yaml` names none.
const KINDS_FOLDER: &str = "alliance-kinds";

pub(super) fn run(args: &AdoptArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    if args
        .title
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control) || t.trim().is_empty())
    {
        return Err(Failed::BadTitle);
    }
    let mut workspace = Workspace::current()?;
    let doc = read_document_in(&workspace.root, &args.file)?;
    let kind_name = match (&args.new_kind, &args.kind) {
        (Some(name), _) => {
            // Refuse before writing anything: the file must be adoptable
            // (no other kind, front matter merged only with --merge).
            let made = adopt::new_kind(&doc, name, &workspace.kinds)?;
            let base = kind(&workspace.kinds, &made.base)?;
            let trial = AdoptOptions {
                title: args.title.clone(),
                parties: parties(&args.parties)?,
                every: cadence(args.every.as_deref(), base)?,
                today: today()?,
                merge: args.merge,
            };
            adopt::adopt(&doc, base, &trial)?;
            workspace = write_new_kind(workspace, &made, name, out)?;
            name.clone()
        }
        (None, Some(name)) => name.clone(),
        (None, None) => unreachable!("clap requires --kind or --new-kind"),
    };
    let kind = kind(&workspace.kinds, &kind_name)?;
    let options = AdoptOptions {
        title: args.title.clone(),
        parties: parties(&args.parties)?,
        every: cadence(args.every.as_deref(), kind)?,
        today: today()?,
        merge: args.merge,
    };
    let shown = shown(&args.file);
    let adopted = adopt::adopt(&doc, kind, &options)?;
    if !adopted.added.is_empty() {
        atomic::write(
            &workspace.root,
            &args.file,
            adopted.text.as_bytes(),
            Replace::IfUnchanged(doc.text.as_bytes()),
        )?;
    }
    crate::report::write::adopted(&shown, &kind.name, &adopted, out)?;
    Ok(0)
}

/// Write the kind `name` made from `doc`'s headings into the repository's
/// kinds folder (never over an existing file), point `.alliance.yaml` at
/// the folder when it names none, and load the kinds again, which checks
/// the new definition as every repository kind is checked.
fn write_new_kind(
    workspace: Workspace,
    made: &NewKind,
    name: &str,
    out: &mut dyn Write,
) -> Result<Workspace, Failed> {
    let folder = workspace
        .config
        .kinds
        .clone()
        .unwrap_or_else(|| workspace.root.join(KINDS_FOLDER));
    let path = folder.join(format!("{name}.kind.yaml"));
    atomic::write(
        &workspace.root,
        &path,
        made.definition.as_bytes(),
        Replace::Never,
    )?;
    writeln!(
        out,
        "wrote {}: the `{name}` kind, the file's own sections in its own order (extends `{}`)",
        shown(&path),
        made.base
    )?;
    if workspace.config.kinds.is_none() {
        let config = point_config_at_kinds(&workspace.root)?;
        writeln!(out, "{}: kinds: {KINDS_FOLDER}", shown(&config))?;
    }
    Ok(Workspace::open(&workspace.root)?)
}

/// Add `kinds: alliance-kinds` to the root's `.alliance.yaml` (creating it),
/// keeping every byte already there.
fn point_config_at_kinds(root: &Path) -> Result<PathBuf, Failed> {
    let path = root.join(FILE_NAME);
    let max = crate::workspace::MAX_FILE_BYTES;
    let before = match crate::read::read_text(root, &path, max) {
        Ok(text) => Some(text),
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            return Err(WriteError::Io {
                path: path.clone(),
                source: std::io::Error::other(e.reason()),
            }
            .into());
        }
    };
    let mut text = before.clone().unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("kinds: {KINDS_FOLDER}\n"));
    let replace = match &before {
        Some(before) => Replace::IfUnchanged(before.as_bytes()),
        None => Replace::Never,
    };
    atomic::write(root, &path, text.as_bytes(), replace)?;
    Ok(path)
}
