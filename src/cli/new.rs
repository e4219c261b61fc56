//! `alliance new`: render a kind's template into a new alliance.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Failed, isolated};
use crate::clock::today;
use crate::report::sanitize;
use crate::workspace::Workspace;
use crate::write::new::NewParty;

pub(super) const NEW_HELP: &str = "\
Renders the kind's template (built-in, or NAME.md.j2 in the repository's kinds
folder) to the kind's path: TEAM_ALLIANCE.md for team, DESIGNED_ALLIANCE.md for
designed, alliances/SLUG.md for one-on-one and alliances/SLUG-working.md for
working (SLUG from the parties' handles). The alliance starts as a draft whose
sections hold the questions to answer; `alliance check` warns about each one
until it is answered. Then set `status: proposed` and each party runs
`alliance agree --as HANDLE`: the last consent makes it active. `--set
status=proposed` starts it as a proposal.

Never overwrites a file unless --force. The environment variable
ALLIANCE_TODAY=YYYY-MM-DD replaces today's date (for reproducible output).

Examples:
  alliance new team --party \"Ada Lovelace <ada>\" --party \"Grace Hopper <grace>\"
  alliance new one-on-one --party Ada --party Grace --every monthly
  alliance new one-on-one --party \"Ada <ada> manager\" --party \"Grace <grace>\"
  alliance new team --party Ada --party Grace -o -     print, write nothing
  alliance new team --party \"Ada <ada>\" --party \"Grace <grace>\" --set status=proposed
  alliance new squad --set channel=#payments ...      a repository kind's variable

Exit codes: 0 written, 2 could not (unknown kind, file exists, template error).";

/// Arguments of `alliance new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The kind of alliance (`alliance kinds` lists them).
    pub kind: String,
    /// Where to write it (default: the kind's path); `-` for standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// The alliance's title.
    #[arg(long)]
    pub title: Option<String>,
    /// A party to the alliance, as "NAME <handle>" (the handle is optional), or
    /// "NAME <handle> ROLE" (`manager` gets the 1-1 pulse's manager words); repeat for each.
    #[arg(long = "party", value_name = "NAME <handle> [ROLE]")]
    pub parties: Vec<String>,
    /// How often to review it: `3 months`, `6 weeks`, `quarterly` (default: the kind's).
    #[arg(long, value_name = "CADENCE")]
    pub every: Option<String>,
    /// A variable for the template, for a repository kind's own variables; repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The `--party` values, read.
pub(super) fn parties(values: &[String]) -> Result<Vec<NewParty>, Failed> {
    Ok(values
        .iter()
        .map(|v| NewParty::parse(v))
        .collect::<Result<_, _>>()?)
}

/// `path` relative to the current folder when it is under it.
pub(super) fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    sanitize(
        &path
            .strip_prefix(&cwd)
            .unwrap_or(path)
            .display()
            .to_string(),
    )
    .into_owned()
}

/// `alliance new`: the settings, the template rendered (in a child with a
/// memory limit for a repository's template) and read back, the path
/// chosen, the file written, and what to do next.
pub(super) fn run(args: &NewArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    use crate::tasks::new as task;
    let workspace = Workspace::current()?;
    let kind = task::kind(&workspace.kinds, &args.kind)?;
    let parties = parties(&args.parties)?;
    task::enough_parties(kind, &parties)?;
    let vars = task::variables(
        kind,
        args.title.clone(),
        parties,
        today()?,
        args.every.as_deref(),
        &args.set,
    )?;
    let pattern = args.output.is_none().then(|| task::default_pattern(kind));
    if isolated::is_child() {
        isolated::serve(kind, &vars, pattern.as_deref(), out)?;
        return Ok(0);
    }
    let rendered = isolated::render(kind, &vars, pattern.as_deref())?;
    let doc = task::read_back(kind, rendered.text)?;
    if args.output.as_deref() == Some(Path::new("-")) {
        out.write_all(doc.text.as_bytes())?;
        return Ok(0);
    }
    let path = task::target(&workspace, kind, args.output.as_deref(), rendered.path)?;
    let shown = shown(&path);
    task::write(&workspace, &path, &doc, args.force, &shown)?;
    let status = doc
        .fields()
        .map_or(crate::document::Status::Draft, |f| f.status());
    crate::report::write::created(&shown, status, &kind.name, &vars.every, out)?;
    Ok(0)
}
