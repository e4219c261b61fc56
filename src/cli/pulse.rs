//! `alliance pulse ask` and `alliance pulse report`.

use clap::{Args, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::Failed;
use crate::pulse::answers::AgreementState;
use crate::pulse::instrument::Scale;
use crate::pulse::{Pulse, Seal};
use crate::workspace::Workspace;

pub(super) const PULSE_HELP: &str = "\
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
    /// The alliance (default: the repository's only one; with several, a list to name one from).
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
    /// The alliance (default: every alliance of the repository with a pulse round).
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::pulse::PulseFormat::Human)]
    pub format: crate::report::pulse::PulseFormat,
    /// Show the newest round before everyone has answered (it is sealed otherwise).
    #[arg(long)]
    pub partial: bool,
}

/// The alliance named, or the repository's only one, with its workspace.
fn open(
    path: Option<&PathBuf>,
    command: &'static str,
) -> Result<(Workspace, crate::document::Alliance), Failed> {
    let path = super::history_path::named_or_only(path.map(PathBuf::as_path), command)?;
    let root = crate::workspace::root_of(&path);
    let workspace = Workspace::open(&root)?;
    let doc = crate::workspace::read_document_in(&workspace.root, &path)?;
    Ok((workspace, doc))
}

pub(super) fn report(args: &PulseReportArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let today = crate::clock::today()?;
    let seal = if args.partial {
        Seal::Partial
    } else {
        Seal::Sealed
    };
    let paths = super::history_path::named_or_all(args.path.as_deref(), "pulse report")?;
    if let [path] = paths.as_slice() {
        let (workspace, doc) = open(Some(path), "pulse report")?;
        let pulse = crate::tasks::pulse::read(&workspace, &doc, today)?;
        crate::report::pulse::render(&pulse.picture(&doc.path, seal), args.format, out)?;
        return Ok(0);
    }
    // Every alliance that has had a round.
    let mut parts = Vec::new();
    let mut first = None;
    for path in &paths {
        let (workspace, doc) = open(Some(path), "pulse report")?;
        if crate::pulse::rounds::last_round(&workspace.root, &doc.path).is_none() {
            first = first.or_else(|| first_ask(&doc));
            continue;
        }
        let pulse = crate::tasks::pulse::read(&workspace, &doc, today)?;
        let mut part = Vec::new();
        crate::report::pulse::render(&pulse.picture(&doc.path, seal), args.format, &mut part)?;
        parts.push(part);
    }
    let json = args.format == crate::report::pulse::PulseFormat::Json;
    if parts.is_empty() && !json {
        let hint = first.map_or(String::new(), |ask| {
            format!("; a party opens one with `{ask}`")
        });
        writeln!(
            out,
            "none of the {} alliances has a pulse round yet{}",
            paths.len(),
            crate::report::sanitize(&hint)
        )?;
        return Ok(0);
    }
    crate::report::several(&parts, json, out)?;
    Ok(0)
}

/// `alliance pulse ask PATH --as HANDLE` for the alliance's first party
/// with a handle: the command that opens its first round.
fn first_ask(doc: &crate::document::Alliance) -> Option<String> {
    let handle = doc
        .fields()?
        .parties
        .iter()
        .find_map(|p| p.handle.clone())?
        .value;
    Some(format!(
        "alliance pulse ask {} --as {}",
        crate::error::quoted(&doc.path),
        crate::escape::shell_word(&handle)
    ))
}

/// Ask item by item on the terminal (prompts on standard error).
fn prompt(
    pulse: &Pulse,
    role: Option<&str>,
) -> Result<(Vec<crate::tasks::pulse::Given>, Option<String>), Failed> {
    use crate::report::sanitize;
    let failed = |e: dialoguer::Error| Failed::Prompt(e.to_string());
    let mut given = Vec::new();
    let instrument = &pulse.setup.instrument;
    let total = instrument.items.len();
    for (n, item) in instrument.items.iter().enumerate() {
        let (min, max) = item.scale.bounds();
        let mut choices: Vec<String> = (min..=max).map(|s| item.scale.show(s)).collect();
        if let Scale::Points { .. } = item.scale {
            choices[0] = format!("{min} not at all");
            let last = choices.len() - 1;
            choices[last] = format!("{max} completely");
        }
        choices.push("skip".to_owned());
        let words = sanitize(item.words.for_role(role)).into_owned();
        let picked = dialoguer::Select::new()
            .with_prompt(format!("[{}/{total}] {words}", n + 1))
            .items(&choices)
            .default(choices.len() / 2)
            .interact_opt()
            .map_err(failed)?;
        match picked {
            None => return Err(Failed::Prompt("cancelled".to_owned())),
            Some(i) if i < choices.len() - 1 => given.push(crate::tasks::pulse::Given::Score(
                item.id.clone(),
                min + i as i64,
            )),
            Some(_) => {}
        }
    }
    for (key, text) in &pulse.setup.agreements {
        let choices = ["kept", "slipping", "broken", "skip"];
        let picked = dialoguer::Select::new()
            .with_prompt(format!("Agreement: {}", sanitize(text)))
            .items(choices)
            .default(0)
            .interact_opt()
            .map_err(failed)?;
        match picked.and_then(|i| AgreementState::parse(choices[i])) {
            Some(state) => given.push(crate::tasks::pulse::Given::Agreement(key.clone(), state)),
            None if picked.is_none() => return Err(Failed::Prompt("cancelled".to_owned())),
            None => {}
        }
    }
    let note: String = dialoguer::Input::new()
        .with_prompt("A note (Enter for none)")
        .allow_empty(true)
        .interact_text()
        .map_err(failed)?;
    let note = note.trim();
    Ok((given, (!note.is_empty()).then(|| note.to_owned())))
}

pub(super) fn ask(
    args: &PulseAskArgs,
    out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<u8, Failed> {
    use crate::tasks::pulse as task;
    let today = crate::clock::today()?;
    let date = match &args.date {
        Some(text) => task::answer_date(super::date_flag("--date", text)?, today)?,
        None => today,
    };
    let who = args.rater.trim().trim_start_matches('@');
    let path = super::history_path::named_or_choose(
        args.path.as_deref(),
        "pulse ask",
        &format!(" --as {}", crate::escape::shell_word(&args.rater)),
        &format!("name the one @{who} answers for"),
        |doc| {
            doc.fields()?.party_by_handle(who)?;
            Some(super::history_path::state(doc, today))
        },
        super::history_path::Otherwise {
            question: "name one",
            keep: &|_| None,
            none: &format!(
                "none has a party with the handle @{who}; check the handle under `parties:`"
            ),
        },
    )?;
    let (workspace, doc) = open(Some(&path), "pulse ask")?;
    let pulse = task::read(&workspace, &doc, today)?;
    let plan = task::plan(&pulse, &doc.path, &args.rater, date)?;
    let mut given = task::given(&pulse, &args.answers)?;
    if plan.target.exists() && !args.force {
        return Err(Failed::Exists {
            path: plan.target.display().to_string(),
            hint: "replace these answers (or edit the file)",
        });
    }
    let mut note = args.note.clone();
    if given.is_empty() && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let (asked, asked_note) = prompt(&pulse, plan.rater.role.as_deref())?;
        given = asked;
        note = note.or(asked_note);
    }
    let text = task::answer_file(&pulse, &plan, &given, note.as_deref());
    let replace = if args.force {
        crate::write::atomic::Replace::Always
    } else {
        crate::write::atomic::Replace::Never
    };
    crate::write::atomic::write(&workspace.root, &plan.target, text.as_bytes(), replace)?;
    let progress = task::progress(&pulse, &plan, &given);
    crate::report::pulse::asked(
        &crate::report::pulse::Asked {
            path: &plan.target,
            round: plan.round,
            opened: progress.opened,
            answered: progress.scored,
            items: pulse.setup.instrument.items.len(),
            round_answered: progress.round_answered,
            parties: pulse.setup.parties.len(),
        },
        out,
    )?;
    Ok(0)
}
