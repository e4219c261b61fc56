//! The command line: clap structs that mirror what was typed, and `run`,
//! which builds the settings, calls the library and picks the exit code.
//!
//! Output goes to the writers `run` is given; `main` only hands over
//! standard output and error. Exit codes: 0 fine, 1 findings, 2 could not
//! run (clap's own usage errors are 2 as well).

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};

use clap::{Parser, Subcommand, ValueEnum};

pub use crate::clock::TODAY_VAR;
pub use crate::error::{Failed, SetProblem};
use adopt::ADOPT_HELP;
pub use adopt::AdoptArgs;
use agenda::AGENDA_HELP;
pub use agenda::AgendaArgs;
use agree::AGREE_HELP;
pub use agree::AgreeArgs;
use check::CHECK_HELP;
pub use check::CheckArgs;
use ci::CI_HELP;
pub use ci::{CiCommand, CiCommentArgs, CiSummaryArgs};
use codeowners::CODEOWNERS_HELP;
pub use codeowners::CodeownersArgs;
use completions::{COMPLETIONS_HELP, MAN_HELP};
pub use completions::{CompletionsArgs, ManArgs};
use diff::DIFF_HELP;
pub use diff::DiffArgs;
use due::DUE_HELP;
pub use due::DueArgs;
use init::INIT_HELP;
pub use init::{Ci, InitArgs};
use kinds::KINDS_HELP;
pub use kinds::KindsArgs;
use list::LIST_HELP;
pub use list::{ListArgs, ListFormat};
use log::LOG_HELP;
pub use log::LogArgs;
use lsp::LSP_HELP;
pub use lsp::LspArgs;
use new::NEW_HELP;
pub use new::NewArgs;
use pulse::PULSE_HELP;
pub use pulse::{PulseAskArgs, PulseCommand, PulseReportArgs};
pub use remind::CiRemindArgs;
use review::REVIEW_HELP;
pub use review::ReviewArgs;
use schema::SCHEMA_HELP;
pub use schema::SchemaArgs;
use site::SITE_HELP;
pub use site::SiteArgs;

use crate::report::Style;

mod adopt;
mod agenda;
mod agree;
mod check;
mod ci;
mod codeowners;
mod completions;
mod diff;
mod due;
mod history_path;
mod init;
mod isolated;
mod kinds;
mod list;
mod log;
mod lsp;
mod new;
mod pulse;
mod remind;
mod review;
mod schema;
mod site;
mod values;

const ABOUT: &str = "Designed alliances as Markdown in git: scaffold, validate, review and diff working agreements.";

const AFTER_HELP: &str = "\
Examples:
  alliance new team --party \"Ada Lovelace <ada>\" --party \"Grace Hopper <grace>\"
  alliance adopt WORKING_AGREEMENT.md --kind team --party \"Ada <ada>\" --party \"Grace <grace>\"
  alliance adopt working_agreement.qmd --new-kind lab --party \"Ada <ada>\"   keep its own sections
  alliance check                     check every alliance in this repository
  alliance check TEAM_ALLIANCE.md    check one file
  alliance check --format github     annotate a pull request from GitHub Actions
  alliance kinds                     list the kinds of alliance and their sections
  alliance due --within 14d          reviews that are overdue or due in two weeks
  alliance review --note \"Kept all\"  record today's review in place
  alliance agree --as ada            record Ada's consent to the current text
  alliance codeowners --check        in CI: every alliance's parties are its reviewers
  alliance diff --base origin/main   what a pull request changes in the agreement
  alliance log                       the review history, from git
  alliance agenda --minutes 45       the review meeting, prepared
  alliance list                      the index of this repository's alliances
  alliance ci comment                the pull-request comment, from a CI job
  alliance pulse ask --as ada        answer this round's check-in
  alliance pulse report              gaps, ruptures and repairs over the rounds
  alliance lsp                       the language server an editor starts (docs/lsp.md)

Exit codes: 0 fine, 1 findings (errors from check), 2 could not run.";

/// The `alliance` command line.
#[derive(Debug, Parser)]
#[command(name = "alliance", version, about = ABOUT, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// When to colour output: auto colours a terminal unless NO_COLOR is set.
    // Listed after each command's own options in `--help`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, display_order = 1000)]
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
    /// Start an alliance from a kind's template: the questions to answer, and complete front matter.
    #[command(after_help = NEW_HELP)]
    New(NewArgs),
    /// Turn an agreement you already have into an alliance by adding front matter; the body keeps every byte.
    #[command(after_help = ADOPT_HELP)]
    Adopt(AdoptArgs),
    /// List alliances and items whose review date has passed (or falls within --within).
    #[command(after_help = DUE_HELP)]
    Due(DueArgs),
    /// Record a review: set review.last, move review.next, log the note and the wins.
    #[command(after_help = REVIEW_HELP)]
    Review(ReviewArgs),
    /// Record that a party agrees to the current text of an alliance (consent, in the front matter).
    #[command(after_help = AGREE_HELP)]
    Agree(AgreeArgs),
    /// Print, write or check the CODEOWNERS block that makes each alliance's parties its reviewers.
    #[command(after_help = CODEOWNERS_HELP)]
    Codeowners(CodeownersArgs),
    /// Show the review history of an alliance, read from git.
    #[command(after_help = LOG_HELP)]
    Log(LogArgs),
    /// Prepare the review meeting: what changed, how it is going, who reads what aloud, time boxes.
    #[command(after_help = AGENDA_HELP)]
    Agenda(AgendaArgs),
    /// Compare two versions of an alliance as agreements: parties, cadence, sections, items.
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// List every alliance in the repository: kind, title, parties, status, reviews.
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// Write the alliances as a static website: an index, a page per alliance, site.json.
    #[command(after_help = SITE_HELP)]
    Site(SiteArgs),
    /// Set up a repository: write .alliance.yaml and, with --ci, a CI workflow.
    #[command(after_help = INIT_HELP)]
    Init(InitArgs),
    /// Print the JSON Schema of a kind's front matter, for editors.
    #[command(after_help = SCHEMA_HELP)]
    Schema(SchemaArgs),
    /// The language server (LSP over stdio) for editors: diagnostics, fixes, completion.
    #[command(after_help = LSP_HELP)]
    Lsp(LspArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print a manual page (roff): `alliance man > alliance.1`, `alliance man check > alliance-check.1`.
    #[command(after_help = MAN_HELP)]
    Man(ManArgs),
    /// For CI jobs: the pull-request comment and the job summary.
    #[command(subcommand, after_help = CI_HELP)]
    Ci(CiCommand),
    /// Pulse check-ins: each party answers the alliance's instrument; the report shows gaps, ruptures and repairs.
    #[command(subcommand, after_help = PULSE_HELP)]
    Pulse(PulseCommand),
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
    crate::history::tune_for_reading();
    // Output is buffered here, once for every command: line-buffered
    // standard output cost `due` one system call per line.
    let mut buffered = io::BufWriter::with_capacity(64 * 1024, out);
    let result = dispatch(cli.command, style, &mut buffered, err);
    let flushed = buffered.flush();
    let result = match (result, flushed) {
        (Ok(code), Ok(())) => Ok(code),
        (Ok(_), Err(e)) => Err(Failed::Io(e)),
        (Err(e), _) => Err(e),
    };
    match result {
        Ok(code) => code,
        Err(Failed::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            // One line per problem, each led by the program's name, so no
            // text can start a line of its own in a terminal or a CI log.
            for line in e.to_string().lines() {
                let _ = writeln!(err, "alliance: {}", crate::report::sanitize(line));
            }
            2
        }
    }
}

/// Run one command.
fn dispatch(
    command: Command,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    match command {
        Command::Check(args) => check::run(&args, style, out),
        Command::Kinds(args) => kinds::run(&args, out),
        Command::New(args) => new::run(&args, out),
        Command::Adopt(args) => adopt::run(&args, out),
        Command::Due(args) => due::run(&args, out),
        Command::Review(args) => review::run(&args, out),
        Command::Agree(args) => agree::run(&args, out, err),
        Command::Codeowners(args) => codeowners::run(&args, out, err),
        Command::Log(args) => log::run(&args, out),
        Command::Agenda(args) => agenda::run(&args, style, out),
        Command::Diff(args) => diff::run(&args, style, out),
        Command::List(args) => list::run(&args, out),
        Command::Site(args) => site::run(&args, out),
        Command::Init(args) => init::run(&args, out),
        Command::Schema(args) => schema::run(&args, out),
        Command::Lsp(args) => lsp::run(&args, out),
        Command::Completions(args) => completions::run(&args, out),
        Command::Man(args) => completions::man(&args, out),
        Command::Ci(CiCommand::Comment(args)) => ci::comment(&args, out, err),
        Command::Ci(CiCommand::Summary(args)) => ci::summary(&args, out),
        Command::Ci(CiCommand::Remind(args)) => remind::run(&args, out, err),
        Command::Pulse(PulseCommand::Ask(args)) => pulse::ask(&args, out, err),
        Command::Pulse(PulseCommand::Report(args)) => pulse::report(&args, out),
    }
}

/// `--within SPAN`, read: `due` and `ci summary` share it.
pub(super) fn within(
    span: Option<&str>,
) -> Result<Option<crate::document::dates::Cadence>, Failed> {
    span.map(|w| {
        w.parse().map_err(|source| Failed::Cadence {
            flag: "--within",
            source,
        })
    })
    .transpose()
}

/// The date a flag gives, else today: the `--date` of `review`, `agree`
/// and `agenda`, `due --today`.
pub(super) fn date_or_today(
    flag: &'static str,
    text: Option<&str>,
) -> Result<jiff::civil::Date, Failed> {
    match text {
        Some(text) => date_flag(flag, text),
        None => crate::clock::today(),
    }
}

/// The date a flag (`--date`, `--today`) gives, or why it is not one.
pub(super) fn date_flag(flag: &'static str, text: &str) -> Result<jiff::civil::Date, Failed> {
    crate::document::dates::parse_date(text.trim()).map_err(|source| Failed::Date { flag, source })
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

    /// `alliance NAME` for every command and subcommand a user can run.
    fn commands(command: &clap::Command, prefix: &str) -> Vec<String> {
        let mut names = Vec::new();
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{prefix} {}", sub.get_name());
            if sub.has_subcommands() {
                names.extend(commands(sub, &name));
            } else {
                names.push(name);
            }
        }
        names
    }

    #[test]
    fn every_command_is_in_the_architecture_table() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
        let rows: Vec<&str> = map
            .lines()
            .filter(|l| l.starts_with("| `alliance "))
            .collect();
        let named: Vec<&str> = rows
            .iter()
            .filter_map(|row| row.split('`').nth(1))
            .collect();
        let commands = commands(&Cli::command(), "alliance");
        for command in &commands {
            assert!(
                named.contains(&command.as_str()),
                "{command} has no row in ARCHITECTURE.md's table"
            );
        }
        for name in &named {
            assert!(
                commands.iter().any(|c| c == name),
                "ARCHITECTURE.md's table names {name}, which is not a command"
            );
        }
        // Every file or folder a row names is there.
        for row in rows {
            for path in row.split('`').skip(1).step_by(2) {
                if path.starts_with("src/") || path.starts_with("tests/") {
                    assert!(
                        root.join(path).exists(),
                        "{path} (ARCHITECTURE.md) does not exist"
                    );
                }
            }
        }
    }
}
