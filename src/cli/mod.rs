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

pub use crate::clock::TODAY_VAR;
pub(super) use crate::clock::today;
pub use crate::error::{Failed, SetProblem};
pub(super) use crate::parallel::for_each_file;

use crate::report::{Format, Style};

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
mod new;
mod pulse;
mod review;
mod schema;

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
    /// Set up a repository: write .alliance.yaml and, with --ci, a CI workflow.
    #[command(after_help = INIT_HELP)]
    Init(InitArgs),
    /// Print the JSON Schema of a kind's front matter, for editors.
    #[command(after_help = SCHEMA_HELP)]
    Schema(SchemaArgs),
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

const PULSE_HELP: &str = "\
Each party answers the alliance's instrument (built in: working-alliance,
one-on-one, team; or NAME.instrument.yaml in the kinds folder), one file
per person per round, beside the alliance:
  alliances/ada-grace.pulse/2026-09-07/ada.yaml
Everyone who can read the repository can read the answers: between two
people nothing is anonymous. Keep a 1-1 alliance in a private repository.

Examples:
  alliance pulse ask alliances/ada-grace.md --as ada
  alliance pulse ask --as grace --answer bond-trust=4 --answer goals-agreed=2
  alliance pulse report alliances/ada-grace.md
  alliance pulse report --format markdown --partial";

/// The `alliance pulse` commands.
#[derive(Debug, Subcommand)]
pub enum PulseCommand {
    /// Record one party's answers to this round (or write the form to fill in).
    #[command(after_help = PULSE_ASK_HELP)]
    Ask(PulseAskArgs),
    /// Show each party's scores, the gaps between them, the trend, ruptures and repairs.
    #[command(after_help = PULSE_REPORT_HELP)]
    Report(PulseReportArgs),
}

const PULSE_ASK_HELP: &str = "\
Writes STEM.pulse/ROUND/HANDLE.yaml beside the alliance STEM.md. The
answer joins the newest round while it is open (not everyone has answered)
and DATE is within one cadence (pulse.every, else the instrument's, else
review.every) of its opening; otherwise it opens a round named DATE.

With --answer, writes those scores (items left out are written empty, to
fill in). On a terminal without --answer, asks item by item. Elsewhere,
writes the form to fill in: every item with its words and scale in a
comment above it. For the team instrument, answer each agreement with
--answer KEY=kept|slipping|broken.

Never overwrites an answer unless --force. ALLIANCE_TODAY=YYYY-MM-DD
replaces today's date.

Examples:
  alliance pulse ask alliances/ada-grace.md --as ada
  alliance pulse ask --as grace --date 2026-09-08 --answer bond-trust=4 --note \"A hard month\"
  alliance pulse ask TEAM_ALLIANCE.md --as kj --answer atmosphere-safe=4 --answer on-time=slipping

Exit codes: 0 written, 2 refused (unknown handle, unknown item, a score off
the scale, a date after today, the file exists); nothing is written then.";

const PULSE_REPORT_HELP: &str = "\
Per dimension and item: each party's latest score with a sparkline of the
rounds (numbers in Markdown), and the gap (the first party's score minus
the second's; with more parties, highest minus lowest). Flags:
  gap       the parties are at least the instrument's gap_threshold apart
            (default 2 points on 1-5, 3 on 1-7, 5 on 0-10, two steps on RAG)
  rupture   a drop from one round to the next of at least one standard
            deviation (sample) of that person's earlier scores, once there
            are two earlier rounds that are not all the same
  repair    a later round back at or above the level before a rupture
  broken / slipping   agreements someone said are not kept (team instrument)
Reverse-scored items count as min + max - answer. A round stays sealed
until every party has answered: the report says how many have, never
whose scores, unless --partial.

Examples:
  alliance pulse report alliances/ada-grace.md
  alliance pulse report --format markdown > pulse.md
  alliance pulse report --format json | jq '.pulse.signals'

Exit codes: 0 shown, 2 could not (no such alliance, unknown instrument,
an unreadable answer file).";

/// Arguments of `alliance pulse ask`.
#[derive(Debug, Args)]
pub struct PulseAskArgs {
    /// The alliance (default: the repository's only one).
    pub path: Option<PathBuf>,
    /// Whose answers: a party's handle.
    #[arg(long = "as", value_name = "HANDLE")]
    pub rater: String,
    /// The day answered, YYYY-MM-DD (default: today, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// A score: ITEM=SCORE (an item id and a number on its scale, or red/amber/green),
    /// or AGREEMENT=kept|slipping|broken; repeat for each.
    #[arg(long = "answer", value_name = "ITEM=SCORE")]
    pub answers: Vec<String>,
    /// A note to go with the answers.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Replace this person's answers to the round if they exist.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `alliance pulse report`.
#[derive(Debug, Args)]
pub struct PulseReportArgs {
    /// The alliance (default: the repository's only one).
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::pulse::PulseFormat::Human)]
    pub format: crate::report::pulse::PulseFormat,
    /// Show the newest round before everyone has answered (it is sealed otherwise).
    #[arg(long)]
    pub partial: bool,
}

const CI_HELP: &str = "\
Both commands read the base of the change from the CI's environment when
--base is not given: GitHub Actions (the pull_request event's base commit)
and GitLab CI (CI_MERGE_REQUEST_DIFF_BASE_SHA).

Examples:
  alliance ci comment --dry-run --base origin/main    print the comment, post nothing
  alliance ci comment                                 in a pull-request job
  alliance ci summary                                 in any job: check, due and the diff

Exit codes: 0 done (a token that may not write is a warning, not a
failure), 2 could not run.";

/// The `alliance ci` commands.
#[derive(Debug, Subcommand)]
pub enum CiCommand {
    /// Post (or update in place) one comment with every alliance the change touches.
    #[command(after_help = CI_COMMENT_HELP)]
    Comment(CiCommentArgs),
    /// Write check, due and the diff to the job summary.
    #[command(after_help = CI_SUMMARY_HELP)]
    Summary(CiSummaryArgs),
}

const CI_COMMENT_HELP: &str = "\
One comment per pull request (merge request), found again by a hidden
marker on its first line: posted once, updated in place on later pushes,
and updated to say \"no changes to alliances\" when a push reverts them.
Lists each alliance added (all of it: sections and items), removed,
renamed or changed (the semantic diff, as `alliance diff` shows it), cut
to GitHub's 65,536 characters if need be, saying what was left out.

Talks to the API the CI names:
  GitHub: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_TOKEN
          (the job needs `permissions: pull-requests: write`)
  GitLab: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID and
          ALLIANCE_GITLAB_TOKEN (a project access token with the `api` scope)
A token that may not write (a fork's pull request: HTTP 403) or no token
is a warning and exit 0. Outside a pull request nothing is posted.

Per alliance it also says who agreed to the head side's text (the
`consent:` entries of `alliance agree`) and who has not. With
--count-approvals, a party who approved the pull request (GitHub: their
latest review approves the head commit; GitLab: the merge request's
approvals) counts as having consented too, and the comment says that this
consent came from an approval; a token that cannot read approvals is a
warning, and then only the file's consent counts.

Examples:
  alliance ci comment --dry-run --base origin/main
  GITHUB_TOKEN=... alliance ci comment
  GITHUB_TOKEN=... alliance ci comment --count-approvals

Exit codes: 0 posted, updated, nothing to do, or a read-only token;
2 could not run (no base, unknown revision, the API failed).";

const CI_SUMMARY_HELP: &str = "\
Appends to $GITHUB_STEP_SUMMARY in GitHub Actions; elsewhere (GitLab: keep
it as an artifact) writes ci-summary.md. Without a base (not a pull
request, no --base) the summary has check and due only. Kept under GitHub's
1 MiB by cutting detail from the end, saying what was cut. Findings do not
fail this command: `alliance check` and `alliance due` do that.

Examples:
  alliance ci summary
  alliance ci summary --base origin/main --within 14d --output -

Exit codes: 0 written, 2 could not run.";

/// Arguments of `alliance ci comment`.
#[derive(Debug, Args)]
pub struct CiCommentArgs {
    /// Compare with the merge base of REV and HEAD (default: the CI's pull-request base).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Print the comment and touch nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also count a party's approval of the pull request (read with the job's
    /// token) as consent to its head side; the comment says which parties'
    /// consent came from an approval.
    #[arg(long)]
    pub count_approvals: bool,
}

/// Arguments of `alliance ci summary`.
#[derive(Debug, Args)]
pub struct CiSummaryArgs {
    /// Compare with the merge base of REV and HEAD (default: the CI's pull-request base, if any).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Also list reviews due within this span: 14d, 2w, 1 month.
    #[arg(long, value_name = "SPAN")]
    pub within: Option<String>,
    /// Where to write, inside the repository (default: $GITHUB_STEP_SUMMARY, else ci-summary.md); `-` for standard output.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

const LOG_HELP: &str = "\
A review is a commit in which the front matter's `review.last` changed, and
the file's first commit. Each line says what changed since the previous
review, then the note and wins the review recorded; commits between reviews
are counted under the review that followed. Until a review is recorded (or
with --commits), each commit that changed the agreement gets its own line.
The file is followed through renames.

Examples:
  alliance log TEAM_ALLIANCE.md
  alliance log --commits                      every change, with author and message
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

const AGENDA_HELP: &str = "\
The agenda is made from the repository alone, and the same repository and
date always give the same agenda, byte for byte. Its parts:

  Since the last review   what changed since the last review (as `alliance
                          diff` shows it), and that review's note and wins
  How it is going         pulse gaps and drops, broken and slipping agreements
                          first, biggest first
  Read aloud              every item with its reader: over reviews each party
                          reads as many items as any other (give or take
                          one), and nobody reads the item they read last
                          time when someone else fairly can
  Review questions        the kind's `review_questions`
  Items due for review    items whose own [review:: DATE] has passed (or is
                          the meeting's day)
  Proposals waiting       proposals waiting for consent

Each part with something in it gets a time box in proportion to its content
(at least 3 minutes); the boxes add up to --minutes (default: the kind's
`review_minutes`, else 60). An item is read under its key: its [id:: ...],
else a slug of its first four words. `alliance review` records the reading
the agenda proposed for its date, so the rotation continues.

Examples:
  alliance agenda                                 today's meeting, the only alliance
  alliance agenda TEAM_ALLIANCE.md --date 2027-01-05 --minutes 45
  alliance agenda --format markdown > meeting.md  paste it in the meeting notes
  alliance agenda --format json | jq '.read_aloud'

Exit codes: 0 fine, 2 could not run (not an alliance, an unreadable file,
--minutes too short for the parts).";

/// Arguments of `alliance agenda`.
#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// The alliance (default: the repository's only alliance).
    pub path: Option<PathBuf>,
    /// The day of the meeting, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// How long the meeting is, in minutes (default: the kind's, else 60).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::kind::MAX_MINUTES)))]
    pub minutes: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::agenda::AgendaFormat::Human)]
    pub format: crate::report::agenda::AgendaFormat,
}

/// Arguments of `alliance log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The alliance (default: the repository's only alliance).
    pub path: Option<PathBuf>,
    /// One line per commit that changed the agreement, with its own summary
    /// (the default until a review is recorded).
    #[arg(long)]
    pub commits: bool,
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

const DUE_HELP: &str = "\
An alliance is due on review.next, else review.last + review.every, else
created + review.every. Items are due on their [review:: DATE]. Retired
alliances are skipped; drafts are listed apart and never fail the run.

Examples:
  alliance due
  alliance due --within 14d
  alliance due --today 2026-12-01 --fail-on never --format markdown
  alliance due --format markdown --mentions   a table that notifies who is responsible
  alliance due --changed-since origin/main --format github

Exit codes: 0 nothing failing, 1 overdue (or due soon with --fail-on
due-soon), 2 could not run (bad arguments, a file that is not an alliance,
a bad revision).";

const REVIEW_HELP: &str = "\
Only the values that change are rewritten: comments, key order, quoting,
blank lines, CRLF and the body keep every byte. Recording the same review
twice changes nothing. Refused, with the file untouched: front matter that
does not parse, no valid `review.every`, a date before `review.last`.

The review's entry also records who read which item aloud (`readers:`, item
key to handle), so the next agenda's rotation continues from it: by default
the reading `alliance agenda --date DATE` proposed for the day; --reader
ITEM=HANDLE records a change, --no-readers records none.

Examples:
  alliance review TEAM_ALLIANCE.md --note \"Kept everything\" --win \"First quiet on-call\"
  alliance review --date 2026-12-01
  alliance review --reader meetings=grace --reader on-call=ada   two items read by others
  alliance review TEAM_ALLIANCE.md --item on-time --next 2027-03-01

Exit codes: 0 recorded (or already recorded), 2 refused (the file is untouched).";

/// Arguments of `alliance due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// Files or folders (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// The day to judge by, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
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
    /// With --format markdown: keep the @handles of the Responsible column live,
    /// so posting the table notifies those people (by default no text notifies anyone).
    #[arg(long)]
    pub mentions: bool,
}

const AGREE_HELP: &str = "\
Appends `{handle: HANDLE, date: DATE, digest: v2:sha256:...}` to the front
matter's `consent:` list and keeps every other byte. The digest names the
text agreed to: the Markdown source of the sections and items, markup, link
targets and inline fields included; not layout (whitespace, line wrapping,
list markers and numbering, a task box's tick, `[review:: ...]` and
`[id:: ...]`), and not the front matter (review dates, status, title,
parties, the consent list itself). When the agreement changes, earlier
consent stays in the list as history but no longer covers it: `check`,
`due` and `diff` show who must agree again. An entry written before this
form (`digest: sha256:...`) still counts where git shows the text unchanged
since it was committed; agreeing again records the current form.

An entry is proven by the commit that adds it: record your own consent and
commit it as yourself (your party's `email:` or your forge's no-reply
address: authored), signed with your SSH key where the repository counts
`signed` (.alliance.yaml `consent: {proof: ...}`; docs/consent.md). `agree`
warns when the git identity that will commit is not the party's: an entry
recorded for someone else counts for nobody.

When the last party agrees to a `proposed` alliance (and their entry will
count), its status becomes `active` in the same edit. An alliance adopted
before consent existed: each party runs `alliance agree --as HANDLE` once.

Agreeing again to the same version changes nothing (exit 0). Refused, with
the file untouched: a handle that is not a party's, a retired alliance, a
draft (set `status: proposed` first), front matter that cannot be edited.

Examples:
  alliance agree --as ada
  alliance agree TEAM_ALLIANCE.md --as @grace --date 2026-11-20
  git commit -am \"Grace agrees to the new on-call rule\"

Exit codes: 0 recorded (or already recorded), 2 refused (the file is untouched).";

/// Arguments of `alliance agree`.
#[derive(Debug, Args)]
pub struct AgreeArgs {
    /// The alliance (default: the repository's only one).
    pub path: Option<PathBuf>,
    /// The party who agrees: their handle, with or without `@`.
    #[arg(long = "as", value_name = "HANDLE")]
    pub who: String,
    /// The day of the consent, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

const CODEOWNERS_HELP: &str = "\
One line per alliance: its path, anchored at the repository root, then its
parties' handles (`/TEAM_ALLIANCE.md @ada @grace`). With branch protection
(\"require review from code owners\") every party must approve a change to
the agreement they are bound by. A party without a handle is skipped, with
a note on stderr; a path CODEOWNERS cannot express is refused.

--write puts the block between marker comments in the CODEOWNERS file the
platform reads (the existing one in .github/, the root, docs/ or .gitlab/;
else .github/CODEOWNERS); every line outside the markers keeps its bytes.
A block that a later line overrides is moved to the end of the file; on
GitLab the block opens its own required section, [Alliances].
--check exits 1 when that block is missing or out of date, or when the
whole file, read by the platform's rules (GitHub: the last matching line
wins; GitLab: sections, optional ^[...] sections), no longer requires
every party: it names the line that takes them away. Run it in CI so a new
party is made a reviewer before their alliance changes.

Examples:
  alliance codeowners                 print the block
  alliance codeowners --write         write it into CODEOWNERS
  alliance codeowners --check         in CI: fail when CODEOWNERS is stale

Exit codes: 0 printed, written or up to date; 1 out of date or overridden
(--check, or --write when a line it cannot move past still overrides it);
2 could not run.";

/// Arguments of `alliance codeowners`.
#[derive(Debug, Args)]
pub struct CodeownersArgs {
    /// Files or folders (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// Write the block into the repository's CODEOWNERS file.
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when the CODEOWNERS file's block is missing, out of date or overridden.
    #[arg(long)]
    pub check: bool,
}

/// Arguments of `alliance review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The alliance (default: the repository's only one).
    pub path: Option<PathBuf>,
    /// The day of the review, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
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
    /// Who read an item aloud, when it was not the agenda's proposal
    /// (repeat for more): the item's key (as `alliance agenda` shows it) and
    /// a party's handle.
    #[arg(long, value_name = "ITEM=HANDLE", conflicts_with_all = ["item", "no_readers"])]
    pub reader: Vec<String>,
    /// Record no reading with this review.
    #[arg(long, conflicts_with = "item")]
    pub no_readers: bool,
}

const LIST_HELP: &str = "\
Examples:
  alliance list                       a table of the repository's alliances
  alliance list --format markdown     an index to paste in the README
  alliance list --format json         a full export: front matter, sections, items";

const INIT_HELP: &str = "\
Each part (the config, the CI job) is created when missing and kept when
present, so running init again, or adding --ci later, is safe. --force
rewrites only what the command names: the config for a bare `init`, the CI
job with --ci. A GitLab pipeline of your own is never replaced: the job is
written to .gitlab/alliance.yml for you to include.

Examples:
  alliance init
  alliance init --ci github     also write .github/workflows/alliance.yml
  alliance init --ci gitlab     also write .gitlab-ci.yml (or .gitlab/alliance.yml to include)";

const SCHEMA_HELP: &str = "\
Point your editor's YAML language server at it, e.g. in VS Code settings:
  \"yaml.schemas\": { \"./schemas/team.schema.json\": \"TEAM_ALLIANCE.md\" }
or on the first line of the front matter:
  # yaml-language-server: $schema=./schemas/team.schema.json

Examples:
  alliance schema team > schemas/team.schema.json";

const COMPLETIONS_HELP: &str = "\
Examples:
  alliance completions bash > ~/.local/share/bash-completion/completions/alliance
  alliance completions zsh > ~/.zfunc/_alliance
  alliance completions fish > ~/.config/fish/completions/alliance.fish
  alliance completions powershell >> $PROFILE";

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

/// CI services `init` can set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ci {
    /// A GitHub Actions workflow using the alliance action.
    Github,
    /// A GitLab CI job with a JUnit report.
    Gitlab,
}

/// Arguments of `alliance init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Also write a CI workflow for this service.
    #[arg(long, value_enum)]
    pub ci: Option<Ci>,
    /// Rewrite what this command names (the config, or the CI job with --ci) even if present.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `alliance schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The kind (see `alliance kinds`).
    pub kind: String,
}

const MAN_HELP: &str = "\
The page of `alliance` lists its commands as alliance-check(1) and so on;
`alliance man COMMAND` prints each of those pages.

Examples:
  alliance man > alliance.1
  for c in check due review diff; do alliance man $c > alliance-$c.1; done
  alliance man check | man -l -";

/// Arguments of `alliance man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (default: the page of `alliance` itself).
    pub command: Option<String>,
}

/// Arguments of `alliance completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const NEW_HELP: &str = "\
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
  alliance new team --party Ada --party Grace -o -     print, write nothing
  alliance new team --party \"Ada <ada>\" --party \"Grace <grace>\" --set status=proposed
  alliance new squad --set channel=#payments ...      a repository kind's variable

Exit codes: 0 written, 2 could not (unknown kind, file exists, template error).";

const ADOPT_HELP: &str = "\
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

const CHECK_HELP: &str = "\
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
    /// Skip named files that are not alliances (no `alliance:` front matter and no
    /// ALLIANCE in the name) instead of reporting them: for pre-commit, which passes
    /// every Markdown file being committed.
    #[arg(long)]
    pub only_alliances: bool,
}

/// Arguments of `alliance kinds`.
#[derive(Debug, Args)]
pub struct KindsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::kinds::KindsFormat::Human)]
    pub format: crate::report::kinds::KindsFormat,
}

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
    /// A party to the alliance, as "NAME <handle>" (the handle is optional); repeat for each.
    #[arg(long = "party", value_name = "NAME <handle>")]
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
    /// A party to the alliance, as "NAME <handle>"; repeat for each.
    #[arg(long = "party", value_name = "NAME <handle>")]
    pub parties: Vec<String>,
    /// How often to review it (default: the kind's).
    #[arg(long, value_name = "CADENCE")]
    pub every: Option<String>,
    /// Add the missing keys to front matter the file already has.
    #[arg(long)]
    pub merge: bool,
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
        Command::Init(args) => init::run(&args, out),
        Command::Schema(args) => schema::run(&args, out),
        Command::Completions(args) => completions::run(&args, out),
        Command::Man(args) => completions::man(&args, out),
        Command::Ci(CiCommand::Comment(args)) => ci::comment(&args, out, err),
        Command::Ci(CiCommand::Summary(args)) => ci::summary(&args, out),
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
        None => today(),
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
}
