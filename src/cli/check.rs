//! `alliance check`: discover, parse, check, render.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::report::{CheckFormat, CheckStream, FileReport, Style};
use crate::workspace::{UnreadFile, Workspace};

pub(super) const CHECK_HELP: &str = "\
With no PATH, checks the repository's alliance documents: Markdown files
(.md, .markdown, Quarto .qmd, R Markdown .Rmd, .mdx) whose name contains
ALLIANCE or whose front matter has an `alliance:` key, and the files
.alliance.yaml's `include` names, skipping what .gitignore and `exclude`
leave out.

Examples:
  alliance check
  alliance check TEAM_ALLIANCE.md alliances/
  alliance check --format json | jq '.summary'

Rule codes are listed in docs/rules.md. Exit codes: 0 no errors (warnings
allowed), 1 errors found, 2 could not run (bad arguments, unreadable path).";

/// Arguments of `alliance check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Skip named files that are not alliances (no `alliance:` front matter and no
    /// ALLIANCE in the name) instead of reporting them: for pre-commit, which passes
    /// every Markdown file being committed.
    #[arg(long)]
    pub only_alliances: bool,
}

pub(super) fn run(args: &CheckArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let paths: Vec<PathBuf> = if args.only_alliances {
        let kept: Vec<PathBuf> = args
            .paths
            .iter()
            .filter(|p| p.is_dir() || crate::workspace::discover::looks_like_alliance(p))
            .cloned()
            .collect();
        if kept.is_empty() && !args.paths.is_empty() {
            // Nothing being committed is an alliance: nothing to check.
            return Ok(0);
        }
        kept
    } else {
        args.paths.clone()
    };
    let found = workspace.discover(&paths)?;
    if found.documents.is_empty() && found.skipped.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !args.paths.is_empty(),
        });
    }
    // Each file's findings are written as soon as they are made.
    // SARIF, Code Quality, JUnit and annotations name files from the
    // repository root, whatever path was typed; human and JSON output as
    // the user named them.
    let from_root = !matches!(args.format, CheckFormat::Human | CheckFormat::Json);
    let named = |path: PathBuf| {
        if from_root {
            workspace.in_repository(&path)
        } else {
            path
        }
    };
    let mut stream = CheckStream::start(args.format, style, out)?;
    let failures = crate::tasks::check::documents(
        &workspace,
        found,
        |_, _| (),
        |file, _| {
            stream.file(FileReport {
                path: named(file.path),
                ..file
            })
        },
    )?;
    let failures = failures
        .into_iter()
        .map(|file| UnreadFile {
            path: named(file.path),
            ..file
        })
        .collect();
    Ok(stream.finish(failures)?)
}
