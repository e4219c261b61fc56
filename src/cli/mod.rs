//! The command line: clap structs that mirror what was typed, and `run`,
//! which builds the settings, calls the library and picks the exit code.
//!
//! Output goes to the writers `run` is given; `main` only hands over
//! standard output and error. Exit codes: 0 fine, 1 findings, 2 could not
//! run (clap's own usage errors are 2 as well).

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::{Format, Style};

mod check;
mod diff;
mod history_path;
mod kinds;
mod log;

const ABOUT: &str = "Designed alliances as Markdown in git: scaffold, validate, review and diff working agreements.";

const AFTER_HELP: &str = "\
Examples:
  alliance check                     check every alliance in this repository
  alliance check TEAM_ALLIANCE.md    check one file
  alliance check --format github     annotate a pull request from GitHub Actions
  alliance kinds                     list the kinds of alliance and their sections

Exit codes: 0 fine, 1 findings (errors from check), 2 could not run.";

/// The `alliance` command line.
#[derive(Debug, Parser)]
#[command(name = "alliance", version, about = ABOUT, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// When to colour output: auto colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set (CLICOLOR_FORCE forces it).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate alliance documents: front matter, required sections, items, dates, owners.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// List the kinds of alliance available here, with their required sections.
    #[command(after_help = KINDS_HELP)]
    Kinds(KindsArgs),
    /// Show the review history of an alliance, read from git.
    #[command(after_help = LOG_HELP)]
    Log(LogArgs),
    /// Compare two versions of an alliance as agreements: parties, cadence, sections, items.
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),
}

const LOG_HELP: &str = "\
A review is a commit in which the front matter's `review.last` changed, and
the file's first commit. Each line says what changed since the previous
review; commits between reviews are counted under the review that followed.
The file is followed through renames.

Examples:
  alliance log TEAM_ALLIANCE.md
  alliance log --format json | jq '.reviews[-1]'

Exit codes: 0 fine, 2 could not run (not a git repository, file never
committed, a version that is binary or missing from a partial clone).";

const DIFF_HELP: &str = "\
By default compares the last review (the newest commit in which
`review.last` changed) with the working tree: what you propose to change at
the next review.

Examples:
  alliance diff                                   the repository's only alliance
  alliance diff TEAM_ALLIANCE.md --from v1 --to v2
  alliance diff TEAM_ALLIANCE.md --base origin/main --format markdown > comment.md
  alliance diff --exit-code                       exit 1 when anything changed

Exit codes: 0 no changes (or changes without --exit-code), 1 changes with
--exit-code, 2 could not run (not a git repository, unknown revision, a
shallow clone that ends too early, a binary version).";

/// Arguments of `alliance log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The alliance (default: the repository's only alliance).
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::log::LogFormat::Human)]
    pub format: crate::report::log::LogFormat,
}

/// Arguments of `alliance diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The alliance (default: the repository's only alliance).
    pub path: Option<PathBuf>,
    /// The old version: any revision (default: the last review).
    #[arg(long, value_name = "REV", conflicts_with = "base")]
    pub from: Option<String>,
    /// The new version: any revision (default: the working tree).
    #[arg(long, value_name = "REV")]
    pub to: Option<String>,
    /// Compare the merge base of REV and HEAD with the working tree (a pull request).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::diff::DiffFormat::Human)]
    pub format: crate::report::diff::DiffFormat,
    /// Exit 1 when the versions differ, like `git diff --exit-code`.
    #[arg(long)]
    pub exit_code: bool,
}

const CHECK_HELP: &str = "\
With no PATH, checks the repository's alliance documents: Markdown files whose
name contains ALLIANCE, or whose front matter has an `alliance:` key, skipping
what .gitignore and .alliance.yaml's `exclude` leave out.

Examples:
  alliance check
  alliance check TEAM_ALLIANCE.md alliances/
  alliance check --format json | jq '.summary'

Rule codes are listed in docs/rules.md. Exit codes: 0 no errors (warnings
allowed), 1 errors found, 2 could not run (bad arguments, unreadable path).";

const KINDS_HELP: &str = "\
A repository can add or override kinds: name a folder in .alliance.yaml
(`kinds: alliance-kinds`) and put NAME.kind.yaml (sections), NAME.schema.json
(front matter) and NAME.md.j2 (template) in it.

Examples:
  alliance kinds
  alliance kinds --format json";

/// Arguments of `alliance check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `alliance kinds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindsFormat {
    /// A readable list.
    Human,
    /// JSON: name, origin, summary and sections of each kind.
    Json,
}

/// Arguments of `alliance kinds`.
#[derive(Debug, Args)]
pub struct KindsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = KindsFormat::Human)]
    pub format: KindsFormat,
}

/// Run the command line `args` (program name first), writing to `out` and
/// `err`. Returns the exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let rendered = e.render().to_string();
            let target: &mut dyn Write = if e.use_stderr() { err } else { out };
            let _ = target.write_all(rendered.as_bytes());
            return code;
        }
    };
    let style = Style {
        color: use_color(cli.color),
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args, style, out),
        Command::Kinds(args) => kinds::run(&args, out),
        Command::Log(args) => log::run(&args, out),
        Command::Diff(args) => diff::run(&args, style, out),
    };
    match result {
        Ok(code) => code,
        Err(Failed::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(err, "alliance: {}", crate::report::sanitize(&e.to_string()));
            2
        }
    }
}

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Failed {
    /// Setting up the workspace failed.
    #[error(transparent)]
    Workspace(#[from] crate::workspace::WorkspaceError),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] io::Error),
    /// Reading history from git failed.
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    /// The command was asked something it cannot do.
    #[error("{0}")]
    Usage(String),
}

fn use_color(choice: ColorChoice) -> bool {
    let env = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if env("NO_COLOR") => false,
        ColorChoice::Auto if env("CLICOLOR_FORCE") => true,
        ColorChoice::Auto => io::stdout().is_terminal(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
