//! Why a command could not do its job (exit 2), as data: one variant per
//! kind of failure, each with the context its message needs. `run` prints
//! the message on one line after `alliance: `; a finding about a document
//! is never a `Failed` (it is data in a report, exit 1).

use std::io;
use std::path::PathBuf;

use crate::document::dates::{CadenceError, DateError};
use crate::history::HistoryError;
use crate::workspace::{ReadError, UnreadFile, WorkspaceError};
use crate::write::adopt::AdoptError;
use crate::write::atomic::WriteError;
use crate::write::new::ScaffoldError;
use crate::write::splice::EditError;

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Failed {
    /// Setting up the workspace failed (config, kinds, discovery).
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    /// Writing the output failed (a closed pipe is not a failure: `run`
    /// exits 0 on it).
    #[error("cannot write output: {0}")]
    Io(#[from] io::Error),
    /// The allowed signers could not be read.
    #[error(transparent)]
    Attest(#[from] crate::attest::AttestError),
    /// Reading history from git failed.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The document a command works on could not be read as text.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Files among those a command lists could not be read (one line each).
    #[error("{}", lines(.0))]
    Unreadable(Vec<UnreadFile>),
    /// A template could not be rendered.
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    /// A file could not be adopted.
    #[error(transparent)]
    Adopt(#[from] AdoptError),
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A `site.json` to merge, or a site's address, was refused.
    #[error(transparent)]
    Merge(#[from] crate::tasks::site_merge::MergeError),
    /// No kind could be made from a document's headings.
    #[error(transparent)]
    NewKind(#[from] crate::write::adopt::NewKindError),
    /// A date argument is not a date.
    #[error("{flag}: {source}")]
    Date {
        /// The flag or variable, `--today`.
        flag: &'static str,
        /// Why.
        source: DateError,
    },
    /// A cadence or span argument does not parse.
    #[error("{flag}: {source}")]
    Cadence {
        /// The flag, `--every`.
        flag: &'static str,
        /// Why.
        source: CadenceError,
    },
    /// `--within` reaches past the last date there is.
    #[error(
        "--within {span}: from {today} that reaches past 9999-12-31, the last date alliance can count to; give a shorter span"
    )]
    WithinPastCalendar {
        /// The span as typed.
        span: String,
        /// The day counted from.
        today: jiff::civil::Date,
    },
    /// `ALLIANCE_TODAY` is set to something that is not a date.
    #[error("{var}={value}: {source}")]
    Today {
        /// The variable's name.
        var: &'static str,
        /// Its value.
        value: String,
        /// Why.
        source: DateError,
    },
    /// No kind of that name here.
    #[error("unknown kind `{name}`; use one of {known} (`alliance kinds` describes them)")]
    UnknownKind {
        /// The name asked for.
        name: String,
        /// The kinds there are, for the message.
        known: String,
    },
    /// `new` was given fewer parties than the kind needs.
    #[error(
        "a `{kind}` alliance needs at least {needed} parties; name each with --party \"NAME <handle>\", e.g. --party \"Ada Lovelace <ada>\" --party \"Grace Hopper <grace>\""
    )]
    TooFewParties {
        /// The kind.
        kind: String,
        /// How many it needs.
        needed: usize,
    },
    /// A `--set KEY=VALUE` is malformed.
    #[error("--set {pair}: {problem}")]
    BadSet {
        /// The argument as typed (or the key, for a bad value).
        pair: String,
        /// What is wrong.
        problem: SetProblem,
    },
    /// `man` was asked for the page of a command that does not exist.
    #[error("no command `{name}`; the commands are {known}")]
    UnknownCommand {
        /// The name asked for.
        name: String,
        /// The commands there are.
        known: String,
    },
    /// `--title` is empty or more than one line.
    #[error("--title: a title is one line of text")]
    BadTitle,
    /// A template rendered something that is not an alliance.
    #[error(
        "{template} did not produce an alliance: its output must start with front matter naming `alliance: {kind}`"
    )]
    TemplateNotAlliance {
        /// The template's name.
        template: String,
        /// The kind it was rendered for.
        kind: String,
    },
    /// The file to write exists and `--force` was not given.
    #[error("{path} already exists; pass --force to {hint}")]
    Exists {
        /// The path, as shown to the user.
        path: String,
        /// What `--force` would do, and the other way out.
        hint: &'static str,
    },
    /// No alliance documents where the command looked.
    #[error("{}", no_alliances(.root, *.named))]
    NoAlliances {
        /// The repository root searched.
        root: PathBuf,
        /// Whether the user named the paths (else discovery looked).
        named: bool,
    },
    /// A command that works on one alliance was given none, and the
    /// repository has none.
    #[error(
        "no alliance document found here; name the file (`alliance {command} TEAM_ALLIANCE.md`)"
    )]
    NoAllianceHere {
        /// The command, for the example.
        command: &'static str,
    },
    /// A command that works on one alliance was given none, and the
    /// repository has several.
    #[error("this repository has {} alliances; name one:{}", .paths.len(), commands(command, .paths))]
    SeveralAlliances {
        /// The command, for the commands suggested.
        command: &'static str,
        /// The alliances found.
        paths: Vec<PathBuf>,
    },
    /// A command that works on one alliance was given none, and several
    /// could be meant: each with the command that names it and its state.
    #[error("{question}{}", list_choices(.choices))]
    NameOne {
        /// What to name ("this repository has 3 alliances; name the one to prepare").
        question: String,
        /// Each choice: the command that runs it, and a word on its state.
        choices: Vec<(String, String)>,
    },
    /// `due --changed-since` could not read what changed.
    #[error("{}", changed_since(.0))]
    ChangedSince(HistoryError),
    /// An in-place edit was refused; the file is untouched.
    #[error("{}: {source}; the file was not changed", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// Why.
        source: EditError,
    },
    /// Consent could not be recorded; the file is untouched.
    #[error("{}: {source}; the file was not changed", path.display())]
    Agree {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::write::agree::AgreeError,
    },
    /// The CODEOWNERS block cannot be made or placed.
    #[error(transparent)]
    Codeowners(#[from] crate::write::codeowners::CodeownersError),
    /// The document is not an alliance a command can work with.
    #[error("{}: {finding}", path.display())]
    UnusableAlliance {
        /// The file.
        path: PathBuf,
        /// The finding that says why (`A003 invalid-yaml: ...`).
        finding: String,
    },
    /// `--minutes` cannot hold the agenda's parts.
    #[error(transparent)]
    TooShort(#[from] crate::agenda::TooShort),
    /// A `--reader` is not written ITEM=HANDLE.
    #[error("--reader {arg}: write it as ITEM=HANDLE, e.g. --reader on-time=ada")]
    BadReader {
        /// The argument as typed.
        arg: String,
    },
    /// A `--reader` names an item the alliance does not have.
    #[error(
        "--reader: no item has the key `{item}`; the items are {known} (`alliance agenda` shows each item's key)"
    )]
    UnknownItem {
        /// The key asked for.
        item: String,
        /// The keys there are.
        known: String,
    },
    /// A `--reader` names someone who is not a party.
    #[error("--reader: `{who}` is not a party of this alliance; the parties are {known}")]
    UnknownReader {
        /// The handle asked for.
        who: String,
        /// The parties there are.
        known: String,
    },
    /// The review is recorded already, with another reading.
    #[error(
        "{}: the review of {date} is already recorded, with another reading; change `readers:` under its entry by hand; the file was not changed",
        path.display()
    )]
    ReadersRecorded {
        /// The file.
        path: PathBuf,
        /// The review's day.
        date: jiff::civil::Date,
    },
    /// The CI's environment cannot be used (`alliance ci`).
    #[error(transparent)]
    Ci(#[from] crate::ci::CiError),
    /// The forge's API failed (`alliance ci comment`).
    #[error(transparent)]
    Forge(#[from] crate::ci::forge::ForgeError),
    /// The pulse of an alliance cannot be worked out (instrument, cadence,
    /// a party without a handle).
    #[error(transparent)]
    Pulse(#[from] crate::pulse::PulseError),
    /// `pulse ask --as` names nobody in the alliance.
    #[error("--as {handle}: not a party to {}; the parties are {known}", path.display())]
    NotAParty {
        /// The handle as typed.
        handle: String,
        /// The alliance.
        path: PathBuf,
        /// The parties' handles.
        known: String,
    },
    /// The party's handle cannot name a file (`HANDLE.yaml`).
    #[error(
        "the handle `{handle}` cannot name an answer file (HANDLE.yaml); use letters, digits, dashes and dots in the parties' handles"
    )]
    HandleNotAFileName {
        /// The handle.
        handle: String,
    },
    /// A `--answer` is not ITEM=SCORE.
    #[error("--answer {given}: write it as ITEM=SCORE, e.g. --answer bond-trust=4")]
    AnswerShape {
        /// The argument as typed.
        given: String,
    },
    /// A `--answer` names no item of the instrument, or starts more than
    /// one.
    #[error(
        "--answer {item}: the `{instrument}` instrument has no item `{item}`; its items are:{}",
        one_per_line(known)
    )]
    UnknownPulseItem {
        /// The item as typed.
        item: String,
        /// The instrument.
        instrument: String,
        /// Its items (and agreements).
        known: Vec<String>,
    },
    /// A `--answer` is the start of more than one item's key.
    #[error(
        "--answer {item}: more than one item starts with `{item}`; write more of one of:{}",
        one_per_line(could_be)
    )]
    AmbiguousPulseItem {
        /// The item as typed.
        item: String,
        /// The keys it starts.
        could_be: Vec<String>,
    },
    /// A `--answer` score is not on the item's scale.
    #[error("--answer {item}={score}: off the scale; answer {scale}")]
    OffScale {
        /// The item.
        item: String,
        /// The score as typed.
        score: String,
        /// What the scale takes.
        scale: String,
    },
    /// The same item answered twice on the command line.
    #[error("--answer {item}: given twice")]
    AnsweredTwice {
        /// The item.
        item: String,
    },
    /// `pulse ask --date` is after today.
    #[error("--date {date}: after today ({today}); answers are dated the day they are given")]
    FutureAnswer {
        /// The date given.
        date: jiff::civil::Date,
        /// Today.
        today: jiff::civil::Date,
    },
    /// The interactive prompt failed (the terminal went away, Ctrl-C).
    #[error("the prompt stopped: {0}; nothing was written")]
    Prompt(String),
    /// The job summary could not be written.
    #[error("cannot write the job summary: {source}{}", if matches!(source, WriteError::Outside { .. }) { " (`--output -` prints it, for the shell to put anywhere)" } else { "" })]
    Summary {
        /// Why.
        source: WriteError,
    },
}

/// What is wrong with a `--set` argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetProblem {
    /// No `=`.
    #[error("write it as KEY=VALUE")]
    NoEquals,
    /// The key is not an identifier.
    #[error("`{0}` is not a variable name (letters, digits and _)")]
    BadName(String),
    /// The value holds a control character.
    #[error("the value holds a control character")]
    ControlCharacter,
    /// `--set status=...` is not a status word.
    #[error("a status is one of draft, proposed, active, retired")]
    NotAStatus,
}

fn changed_since(e: &HistoryError) -> String {
    match e {
        HistoryError::NotARepository { dir } => format!(
            "--changed-since needs a git repository, and {} is not in one",
            dir.display()
        ),
        HistoryError::UnknownRevision { rev, reason } => {
            format!("--changed-since: `{rev}` is not a revision of this repository ({reason})")
        }
        other => format!("--changed-since: {other}"),
    }
}

fn lines(files: &[UnreadFile]) -> String {
    files
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line per alliance: `alliance COMMAND PATH`, a command that runs.
fn commands(command: &str, paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("\n  alliance {command} {}", quoted(p)))
        .collect()
}

/// One line per choice, the states lined up.
fn list_choices(choices: &[(String, String)]) -> String {
    let width = choices
        .iter()
        .map(|(c, _)| c.chars().count())
        .max()
        .unwrap_or(0);
    let colon = if choices.is_empty() { "" } else { ":" };
    colon.to_owned()
        + &choices
            .iter()
            .map(|(command, state)| {
                let pad = width - command.chars().count();
                format!("\n  {command}{:pad$}  {state}", "")
            })
            .collect::<String>()
}

/// A path as a shell word (quoted when it holds a space, a quote or the
/// like), so a suggested command runs as printed.
pub fn quoted(path: &std::path::Path) -> String {
    crate::escape::shell_word(&path.display().to_string())
}

fn no_alliances(root: &std::path::Path, named: bool) -> String {
    if named {
        "no alliance documents found in the folders given".to_owned()
    } else {
        format!(
            "no alliance documents found in {} (looked for *ALLIANCE*.md and Markdown with `alliance:` front matter); `alliance new team` starts one",
            root.display()
        )
    }
}

/// Choices listed one per line, indented, after the line that asks.
fn one_per_line(choices: &[String]) -> String {
    choices.iter().map(|c| format!("\n  {c}")).collect()
}
