//! Planning a pulse answer (`pulse ask`): who answers, into which round and
//! file, the answers given on the command line checked against the
//! instrument, the answer file's text, and where the round stands after.
//! Asking on a terminal and writing the file are the caller's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::Failed;
use crate::document::Alliance;
use crate::history::{History, HistoryError};
use crate::pulse::answers::{AgreementState, Filled, render};
use crate::pulse::rounds::pulse_folder;
use crate::pulse::{self, Instruments, PartyView, Pulse};
use crate::workspace::Workspace;

/// The alliance's pulse, as of `today`; answer files that cannot be read
/// fail it.
pub fn read(
    workspace: &Workspace,
    doc: &Alliance,
    today: jiff::civil::Date,
) -> Result<Pulse, Failed> {
    let instruments = Instruments::with_folder(workspace.config.kinds.as_deref())
        .map_err(pulse::PulseError::from)?;
    let carry = carried(doc);
    let mut pulse = pulse::read(
        &workspace.root,
        doc,
        &workspace.kinds,
        &instruments,
        today,
        Some(&carry),
    )?;
    if !pulse.unread.is_empty() {
        return Err(Failed::Unreadable(std::mem::take(&mut pulse.unread)));
    }
    Ok(pulse)
}

/// The keys of `doc`'s items reworded since answers named them, read from
/// git when asked (`pulse::Carry`): see `history::reviews::carried_keys`.
/// Outside git, or where history cannot be read, none.
pub fn carried(doc: &Alliance) -> impl Fn(&[String]) -> HashMap<String, String> + '_ {
    move |orphans| {
        let read = || -> Result<HashMap<String, String>, HistoryError> {
            let cwd = std::env::current_dir().map_err(|source| HistoryError::WorkingTree {
                path: doc.path.clone(),
                source,
            })?;
            let history = History::discover(&cwd)?;
            let relative = history.relative(&doc.path, &cwd)?;
            crate::history::reviews::carried_keys(&history, &relative, doc, orphans)
        };
        read().unwrap_or_default()
    }
}

/// One `--answer`, checked.
pub enum Given {
    /// An instrument item's score.
    Score(String, i64),
    /// An agreement's state.
    Agreement(String, AgreementState),
}

/// The answers given as `ITEM=SCORE` (an instrument item's score, or an
/// agreement's kept/slipping/broken), checked against the pulse's
/// instrument and agreements.
pub fn given(pulse: &Pulse, answers: &[String]) -> Result<Vec<Given>, Failed> {
    let instrument = &pulse.setup.instrument;
    let mut given: Vec<Given> = Vec::new();
    for raw in answers {
        let Some((item, score)) = raw.split_once('=') else {
            return Err(Failed::AnswerShape { given: raw.clone() });
        };
        let (item, score) = (item.trim(), score.trim());
        if item.is_empty() || score.is_empty() {
            return Err(Failed::AnswerShape { given: raw.clone() });
        }
        let item = resolve(pulse, item)?;
        let already = given.iter().any(|g| match g {
            Given::Score(id, _) | Given::Agreement(id, _) => *id == item,
        });
        if already {
            return Err(Failed::AnsweredTwice { item });
        }
        if let Some(found) = instrument.item(&item) {
            let value = found
                .scale
                .score_text(score)
                .ok_or_else(|| Failed::OffScale {
                    item: item.clone(),
                    score: score.to_owned(),
                    scale: found.scale.describe(),
                })?;
            given.push(Given::Score(item, value));
        } else {
            let state = AgreementState::parse(score).ok_or_else(|| Failed::OffScale {
                item: item.clone(),
                score: score.to_owned(),
                scale: "kept, slipping or broken".to_owned(),
            })?;
            given.push(Given::Agreement(item, state));
        }
    }
    Ok(given)
}

/// The instrument item or agreement key `typed` names: the key itself,
/// else the one key it is the start of.
fn resolve(pulse: &Pulse, typed: &str) -> Result<String, Failed> {
    let instrument = &pulse.setup.instrument;
    let mut keys: Vec<&str> = instrument.items.iter().map(|i| i.id.as_str()).collect();
    keys.extend(pulse.setup.agreements.iter().map(|(k, _)| k.as_str()));
    match crate::document::vocabulary::find_key(&keys, typed) {
        Ok(key) => Ok(key.to_owned()),
        Err(could_be) if could_be.len() > 1 => Err(Failed::AmbiguousPulseItem {
            item: typed.to_owned(),
            could_be: could_be.into_iter().map(str::to_owned).collect(),
        }),
        Err(_) => Err(Failed::UnknownPulseItem {
            item: typed.to_owned(),
            instrument: instrument.name.clone(),
            known: keys.into_iter().map(str::to_owned).collect(),
        }),
    }
}

/// Where and as whom an answer is written.
#[derive(Debug, Clone)]
pub struct AnswerPlan {
    /// The rater's place among the pulse's parties.
    pub party: usize,
    /// The rater.
    pub rater: PartyView,
    /// The answer's date.
    pub date: Date,
    /// The round it joins or opens.
    pub round: Date,
    /// The answer file: `STEM.pulse/ROUND/HANDLE.yaml`.
    pub target: PathBuf,
}

/// An answer's date: not after `today` (checked before anything is read).
pub fn answer_date(date: Date, today: Date) -> Result<Date, Failed> {
    if date > today {
        return Err(Failed::FutureAnswer { date, today });
    }
    Ok(date)
}

/// AnswerPlan the answer of `rater` (a handle, `@` optional, any case) dated
/// `date` to the pulse of the alliance at `alliance`: the rater must be a
/// party whose handle can name a file.
pub fn plan(pulse: &Pulse, alliance: &Path, rater: &str, date: Date) -> Result<AnswerPlan, Failed> {
    let parties = &pulse.setup.parties;
    let who = rater.trim().trim_start_matches('@');
    let Some(party) = parties
        .iter()
        .position(|p| p.handle.eq_ignore_ascii_case(who))
    else {
        return Err(Failed::NotAParty {
            handle: rater.to_owned(),
            path: alliance.to_path_buf(),
            known: parties
                .iter()
                .map(|p| p.handle.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let rater = parties[party].clone();
    if !safe_file_name(&rater.handle) {
        return Err(Failed::HandleNotAFileName {
            handle: rater.handle.clone(),
        });
    }
    let round = pulse::round_for(pulse, date);
    let target = pulse_folder(alliance)
        .join(round.to_string())
        .join(format!("{}.yaml", rater.handle));
    Ok(AnswerPlan {
        party,
        rater,
        date,
        round,
        target,
    })
}

/// The text of the answer file: the scores given, every agreement with the
/// state given (or none), and the note.
pub fn answer_file(
    pulse: &Pulse,
    plan: &AnswerPlan,
    given: &[Given],
    note: Option<&str>,
) -> String {
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
    render(&Filled {
        rater: &plan.rater.handle,
        role: plan.rater.role.as_deref(),
        date: plan.date,
        instrument: &pulse.setup.instrument,
        scores: &scores(given),
        agreements: &agreements,
        note,
    })
}

fn scores(given: &[Given]) -> Vec<(String, i64)> {
    given
        .iter()
        .filter_map(|g| match g {
            Given::Score(id, s) => Some((id.clone(), *s)),
            Given::Agreement(..) => None,
        })
        .collect()
}

/// Where the round stands once the answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Whether this answer opens the round.
    pub opened: bool,
    /// How many instrument items it scores.
    pub scored: usize,
    /// How many parties have answered the round, this one included when it
    /// gave any answer.
    pub round_answered: usize,
}

/// The round's progress once `plan`'s answer (`given`) is written.
pub fn progress(pulse: &Pulse, plan: &AnswerPlan, given: &[Given]) -> Progress {
    let existing = pulse.rounds.iter().find(|r| r.date == plan.round);
    let others = existing.map_or(0, |r| {
        (0..pulse.setup.parties.len())
            .filter(|&p| p != plan.party && r.of(p).is_some())
            .count()
    });
    Progress {
        opened: existing.is_none(),
        scored: scores(given).len(),
        round_answered: others + usize::from(!given.is_empty()),
    }
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
