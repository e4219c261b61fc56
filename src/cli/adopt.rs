//! `alliance adopt`: add front matter to an agreement a team already has,
//! as a built-in kind or as a kind made from the file's own headings.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use super::new::{parties, shown};
use crate::clock::today;
use crate::tasks::adopt::{self, AdoptRequest, KINDS_FOLDER, KindChoice};
use crate::workspace::{Workspace, read_document_in};

pub(super) const ADOPT_HELP: &str = "\
Adds front matter (alliance, title, parties, status: active, review) at the top
of FILE and changes nothing else: every byte after it is the original's, CRLF
line endings and a BOM included. The title is the file's first heading unless
--title is given. Reports which of the kind's sections the file's headings
answer (by name or alias, as `alliance check` matches them) with their lines in
the written file, and the section findings (A030-A035) `check` will report.

A file that already has front matter (a Jekyll or GitBook page) is refused
unless --merge: then the missing keys are appended inside its front matter,
whose own lines stay as written. Running adopt again on an alliance of the
same kind fills in what is still missing (the parties, say) and nothing else.

Your agreement has its own sections (`## Values`, `## Process`)? Adopt it as
it is with --new-kind NAME: alliance writes a repository kind NAME from the
file's own headings (extending the closest built-in kind, so it keeps that
kind's cadence and front matter), points .alliance.yaml at it, and adopts the
file as that kind. Each heading answers at most one section and each section
at most one heading, so `check` finds no section error under the new kind.
Nothing in the body has to move.

Everything is checked before the first write; a refusal leaves every file
as it was, and the kind, .alliance.yaml and the file are written together.

Examples:
  alliance adopt WORKING_AGREEMENT.md --kind team --party \"Ada <ada>\" --party \"Grace <grace>\"
  alliance adopt WORKING_AGREEMENT.md --kind team --party \"Linus <linus>\"   add a party later
  alliance adopt working_agreement.qmd --new-kind lab --party \"Ada <ada>\"
  alliance adopt docs/team-charter.md --kind team --merge

Exit codes: 0 adopted, 2 could not (unknown kind, front matter present, another
kind's alliance, unreadable file); nothing is written then.";

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

pub(super) fn run(args: &AdoptArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    if args
        .title
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control) || t.trim().is_empty())
    {
        return Err(Failed::BadTitle);
    }
    let workspace = Workspace::current()?;
    let doc = read_document_in(&workspace.root, &args.file)?;
    let choice = match (&args.new_kind, &args.kind) {
        (Some(name), _) => KindChoice::New(name.clone()),
        (None, Some(name)) => KindChoice::Existing(name.clone()),
        (None, None) => unreachable!("clap requires --kind or --new-kind"),
    };
    let request = AdoptRequest {
        title: args.title.clone(),
        parties: parties(&args.parties)?,
        every: args.every.clone(),
        today: today()?,
        merge: args.merge,
    };
    // Every check first; then every file at once, or none.
    let plan = adopt::plan(&workspace, &doc, &choice, &request)?;
    adopt::write(&workspace, &plan)?;
    if let Some(kind) = &plan.new_kind {
        writeln!(
            out,
            "wrote {}: the `{}` kind, the file's own sections in its own order (extends `{}`)",
            shown(&kind.path),
            plan.kind,
            kind.made.base
        )?;
        if let Some(config) = &kind.config {
            writeln!(out, "{}: kinds: {KINDS_FOLDER}", shown(&config.path))?;
        }
    }
    crate::report::write::adopted(&shown(&args.file), &plan, out)?;
    Ok(0)
}
