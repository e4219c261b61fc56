//! `alliance pulse ask` and `alliance pulse report`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::{Failed, PulseAskArgs, PulseReportArgs};
use crate::pulse::answers::AgreementState;
use crate::pulse::instrument::Scale;
use crate::pulse::{Pulse, Seal};
use crate::workspace::Workspace;

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
    let today = super::today()?;
    let (workspace, doc) = open(args.path.as_ref(), "pulse report")?;
    let pulse = crate::tasks::pulse::read(&workspace, &doc, today)?;
    let seal = if args.partial {
        Seal::Partial
    } else {
        Seal::Sealed
    };
    let picture = pulse.picture(&doc.path, seal);
    crate::report::pulse::render(&picture, args.format, out)?;
    Ok(0)
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
    let today = super::today()?;
    let date = match &args.date {
        Some(text) => task::answer_date(super::date_flag("--date", text)?, today)?,
        None => today,
    };
    let (workspace, doc) = open(args.path.as_ref(), "pulse ask")?;
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
