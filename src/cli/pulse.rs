//! `alliance pulse ask` and `alliance pulse report`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::{Failed, PulseAskArgs, PulseReportArgs};
use crate::pulse::answers::{AgreementState, Filled, render};
use crate::pulse::instrument::Scale;
use crate::pulse::rounds::pulse_folder;
use crate::pulse::{self, Instruments, Pulse, Seal};
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

fn read_pulse(
    workspace: &Workspace,
    doc: &crate::document::Alliance,
    today: jiff::civil::Date,
) -> Result<Pulse, Failed> {
    let instruments = Instruments::with_folder(workspace.config.kinds.as_deref())
        .map_err(pulse::PulseError::from)?;
    let mut pulse = pulse::read(&workspace.root, doc, &workspace.kinds, &instruments, today)?;
    if !pulse.unread.is_empty() {
        return Err(Failed::Unreadable(std::mem::take(&mut pulse.unread)));
    }
    Ok(pulse)
}

pub(super) fn report(args: &PulseReportArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let today = super::today()?;
    let (workspace, doc) = open(args.path.as_ref(), "pulse report")?;
    let pulse = read_pulse(&workspace, &doc, today)?;
    let seal = if args.partial {
        Seal::Partial
    } else {
        Seal::Sealed
    };
    let picture = pulse.picture(&doc.path, seal);
    crate::report::pulse::render(&picture, args.format, out)?;
    Ok(0)
}

/// One `--answer`, checked.
enum Given {
    Score(String, i64),
    Agreement(String, AgreementState),
}

fn parse_answers(args: &PulseAskArgs, pulse: &Pulse) -> Result<Vec<Given>, Failed> {
    let instrument = &pulse.setup.instrument;
    let mut given: Vec<Given> = Vec::new();
    for raw in &args.answers {
        let Some((item, score)) = raw.split_once('=') else {
            return Err(Failed::AnswerShape { given: raw.clone() });
        };
        let (item, score) = (item.trim(), score.trim());
        if item.is_empty() || score.is_empty() {
            return Err(Failed::AnswerShape { given: raw.clone() });
        }
        let already = given.iter().any(|g| match g {
            Given::Score(id, _) | Given::Agreement(id, _) => id == item,
        });
        if already {
            return Err(Failed::AnsweredTwice {
                item: item.to_owned(),
            });
        }
        if let Some(found) = instrument.item(item) {
            let value = found
                .scale
                .score_text(score)
                .ok_or_else(|| Failed::OffScale {
                    item: item.to_owned(),
                    score: score.to_owned(),
                    scale: found.scale.describe(),
                })?;
            given.push(Given::Score(item.to_owned(), value));
        } else if pulse.setup.agreements.iter().any(|(k, _)| k == item) {
            let state = AgreementState::parse(score).ok_or_else(|| Failed::OffScale {
                item: item.to_owned(),
                score: score.to_owned(),
                scale: "kept, slipping or broken".to_owned(),
            })?;
            given.push(Given::Agreement(item.to_owned(), state));
        } else {
            let mut known: Vec<&str> = instrument.items.iter().map(|i| i.id.as_str()).collect();
            known.extend(pulse.setup.agreements.iter().map(|(k, _)| k.as_str()));
            return Err(Failed::UnknownPulseItem {
                item: item.to_owned(),
                instrument: instrument.name.clone(),
                known: known.join(", "),
            });
        }
    }
    Ok(given)
}

/// Ask item by item on the terminal (prompts on standard error).
fn prompt(pulse: &Pulse, role: Option<&str>) -> Result<(Vec<Given>, Option<String>), Failed> {
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
            Some(i) if i < choices.len() - 1 => {
                given.push(Given::Score(item.id.clone(), min + i as i64))
            }
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
            Some(state) => given.push(Given::Agreement(key.clone(), state)),
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
    let today = super::today()?;
    let date = match &args.date {
        Some(text) => super::date_flag("--date", text)?,
        None => today,
    };
    if date > today {
        return Err(Failed::FutureAnswer { date, today });
    }
    let (workspace, doc) = open(args.path.as_ref(), "pulse ask")?;
    let pulse = read_pulse(&workspace, &doc, today)?;
    let who = args.rater.trim().trim_start_matches('@');
    let Some(party) = pulse
        .setup
        .parties
        .iter()
        .position(|p| p.handle.eq_ignore_ascii_case(who))
    else {
        return Err(Failed::NotAParty {
            handle: args.rater.clone(),
            path: doc.path.clone(),
            known: pulse
                .setup
                .parties
                .iter()
                .map(|p| p.handle.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let rater = pulse.setup.parties[party].clone();
    if !safe_file_name(&rater.handle) {
        return Err(Failed::HandleNotAFileName {
            handle: rater.handle.clone(),
        });
    }
    let mut given = parse_answers(args, &pulse)?;
    let mut note = args.note.clone();
    let round = pulse::round_for(&pulse, date);
    let target = pulse_folder(&doc.path)
        .join(round.to_string())
        .join(format!("{}.yaml", rater.handle));
    if target.exists() && !args.force {
        return Err(Failed::Exists {
            path: target.display().to_string(),
            hint: "replace these answers (or edit the file)",
        });
    }
    if given.is_empty() && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let (asked, asked_note) = prompt(&pulse, rater.role.as_deref())?;
        given = asked;
        note = note.or(asked_note);
    }
    let scores: Vec<(String, i64)> = given
        .iter()
        .filter_map(|g| match g {
            Given::Score(id, s) => Some((id.clone(), *s)),
            Given::Agreement(..) => None,
        })
        .collect();
    let agreements: Vec<(String, String, Option<AgreementState>)> = pulse
        .setup
        .agreements
        .iter()
        .map(|(key, text)| {
            let state = given.iter().find_map(|g| match g {
                Given::Agreement(k, s) if k == key => Some(*s),
                _ => None,
            });
            (key.clone(), text.clone(), state)
        })
        .collect();
    let text = render(&Filled {
        rater: &rater.handle,
        role: rater.role.as_deref(),
        date,
        instrument: &pulse.setup.instrument,
        scores: &scores,
        agreements: &agreements,
        note: note.as_deref(),
    });
    let replace = if args.force {
        crate::write::atomic::Replace::Always
    } else {
        crate::write::atomic::Replace::Never
    };
    crate::write::atomic::write(&workspace.root, &target, text.as_bytes(), replace)?;
    let existing = pulse.rounds.iter().find(|r| r.date == round);
    let others = existing.map_or(0, |r| {
        (0..pulse.setup.parties.len())
            .filter(|&p| p != party && r.of(p).is_some())
            .count()
    });
    let answered_now = usize::from(!given.is_empty());
    crate::report::pulse::asked(
        &crate::report::pulse::Asked {
            path: &target,
            round,
            opened: existing.is_none(),
            answered: scores.len(),
            items: pulse.setup.instrument.items.len(),
            round_answered: others + answered_now,
            parties: pulse.setup.parties.len(),
        },
        out,
    )?;
    Ok(0)
}

/// Whether `handle` can name an answer file on its own: no folder
/// separator, no leading dot, no control character, not empty.
fn safe_file_name(handle: &str) -> bool {
    !handle.is_empty()
        && !handle.starts_with('.')
        && !handle
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control())
}
