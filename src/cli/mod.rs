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
mod due;
mod kinds;
mod review;

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
    /// List alliances and items whose review date has passed (or falls within --within).
    #[command(after_help = DUE_HELP)]
    Due(DueArgs),
    /// Record a review: set review.last, move review.next, log the note and the wins.
    #[command(after_help = REVIEW_HELP)]
    Review(ReviewArgs),
}

const DUE_HELP: &str = "\
An alliance is due on review.next, else review.last + review.every, else
created + review.every. Items are due on their [review:: DATE]. Retired
alliances are skipped; drafts are listed apart and never fail the run.

Examples:
  alliance due
  alliance due --within 14d
  alliance due --today 2026-12-01 --fail-on never --format markdown
  alliance due --changed-since origin/main --format github

Exit codes: 0 nothing failing, 1 overdue (or due soon with --fail-on
due-soon), 2 could not run (bad arguments, a file that is not an alliance,
a bad revision).";

const REVIEW_HELP: &str = "\
Only the values that change are rewritten: comments, key order, quoting,
blank lines, CRLF and the body keep every byte. Recording the same review
twice changes nothing.

Examples:
  alliance review TEAM_ALLIANCE.md --note \"Kept everything\" --win \"First quiet on-call\"
  alliance review --date 2026-12-01
  alliance review TEAM_ALLIANCE.md --item on-time --next 2027-03-01

Exit codes: 0 recorded (or already recorded), 2 refused (the file is untouched).";

/// Arguments of `alliance due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// Files or folders (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// The day to judge by, YYYY-MM-DD (default: today, local time).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Also list reviews due within this span: 14d, 2w, 1 month.
    #[arg(long, value_name = "SPAN")]
    pub within: Option<String>,
    /// What fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = crate::due::FailOn::Overdue)]
    pub fail_on: crate::due::FailOn,
    /// Only alliances changed between REV and the working tree.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::due::DueFormat::Human)]
    pub format: crate::report::due::DueFormat,
}

/// Arguments of `alliance review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The alliance (default: the repository's only one).
    pub path: Option<PathBuf>,
    /// The day of the review, YYYY-MM-DD (default: today, local time).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// What the parties noted.
    #[arg(long, value_name = "TEXT", conflicts_with = "item")]
    pub note: Option<String>,
    /// A success celebrated (repeat for more).
    #[arg(long, value_name = "TEXT", conflicts_with = "item")]
    pub win: Vec<String>,
    /// Review one item instead: the item with [id:: ID] (needs --next).
    #[arg(long, value_name = "ID", requires = "next")]
    pub item: Option<String>,
    /// The item's next review date, YYYY-MM-DD (with --item).
    #[arg(long, value_name = "DATE", requires = "item")]
    pub next: Option<String>,
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
        Command::Due(args) => due::run(&args, out),
        Command::Review(args) => review::run(&args, out),
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
