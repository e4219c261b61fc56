//! The review meeting (`alliance agenda`), prepared from the repository:
//! the alliance read and judged usable, what changed since the last review
//! (from git), the pulse signals since then, and what waits for consent
//! (its entries proven), handed to `agenda::build`.

use std::path::Path;

use jiff::civil::Date;

use crate::Failed;
use crate::agenda::{self, Agenda, Inputs, Request, Since, SinceReview};
use crate::document::Alliance;
use crate::history::reviews;
use crate::history::{History, HistoryError};
use crate::workspace::{Workspace, read_document};

/// The agenda of the meeting on `date` for the alliance at `path`, in
/// `minutes` (default: the kind's, else 60).
pub fn prepare(path: &Path, date: Date, minutes: Option<u32>) -> Result<Agenda, Failed> {
    let doc = read_document(path)?;
    usable(&doc, path)?;
    let workspace = Workspace::current()?;
    let attestor = crate::attest::Attestor::for_workspace(&workspace, Vec::new())?;
    let picture = pulse_picture(&workspace, &doc, date)?;
    let history = std::env::current_dir()
        .ok()
        .and_then(|cwd| History::discover(&cwd).ok());
    let read = Read {
        workspace: &workspace,
        attestor: &attestor,
        history: history.as_ref(),
    };
    prepare_from(
        &read,
        &doc,
        date,
        minutes,
        since_last_review(path),
        picture.as_ref(),
    )
}

/// An alliance's agenda can be prepared only when its front matter says
/// what it needs (`due::broken` finds nothing).
pub fn usable(doc: &Alliance, path: &Path) -> Result<(), Failed> {
    match crate::due::broken(doc) {
        None => Ok(()),
        Some(finding) => Err(Failed::UnusableAlliance {
            path: path.to_path_buf(),
            finding: format!(
                "{} {}: {}",
                finding.rule.code(),
                finding.rule.name(),
                finding.message
            ),
        }),
    }
}

/// What a caller that prepares many agendas reads once: the repository,
/// its signers, and its history when it is a git repository.
#[derive(Clone, Copy)]
pub struct Read<'a> {
    /// The repository's settings and kinds.
    pub workspace: &'a Workspace,
    /// Who may prove an agreement.
    pub attestor: &'a crate::attest::Attestor,
    /// The history, which dates a proposal.
    pub history: Option<&'a History>,
}

/// The agenda of the meeting on `date` for `doc` (usable: see [`usable`]),
/// from what the caller has already read: what changed since the last
/// review (`since`) and the pulse picture (`None` without rounds; see
/// [`pulse_picture`]). `alliance site` calls this with the history it read
/// for the review timeline.
pub fn prepare_from(
    read: &Read<'_>,
    doc: &Alliance,
    date: Date,
    minutes: Option<u32>,
    since: Since,
    picture: Option<&crate::pulse::Picture>,
) -> Result<Agenda, Failed> {
    let kind = read.workspace.kinds.of(doc);
    let last_review = doc
        .fields()
        .and_then(|f| f.review.last.as_ref())
        .and_then(|d| d.get());
    let agenda = agenda::build(
        doc,
        Request {
            path: doc.path.display().to_string(),
            kind,
            date,
            minutes,
            since,
            // The pulse signals since the last review and the proposals
            // waiting for consent, each read from the repository.
            inputs: Inputs {
                pulse: picture.map(|p| agenda::pulse_signals(p, last_review)),
                proposals: Some(waiting_for_consent(doc, read)),
                carried: carried_readings(doc),
            },
        },
    )?;
    Ok(agenda)
}

/// The items that the `reviews:` log's readings name by a key no item has
/// now became, as history tells (old key to new): the rotation keeps their
/// readings. Git is read only when there is such a key.
pub fn carried_readings(doc: &Alliance) -> std::collections::HashMap<String, String> {
    let orphans = agenda::orphan_reading_keys(doc);
    if orphans.is_empty() {
        return Default::default();
    }
    crate::tasks::pulse::carried(doc)(&orphans)
}

/// The last review and what changed since, from git; without history, why
/// there is nothing to compare.
fn since_last_review(path: &Path) -> Since {
    let read = || -> Result<(reviews::Side, reviews::Side), HistoryError> {
        let cwd = std::env::current_dir().map_err(|source| HistoryError::WorkingTree {
            path: path.to_path_buf(),
            source,
        })?;
        let history = History::discover(&cwd)?;
        let relative = history.relative(path, &cwd)?;
        let from = reviews::at_last_review(&history, &relative)?;
        let to = reviews::working_tree(&history, &relative)?;
        Ok((from, to))
    };
    match read() {
        Ok((from, to)) => since(&from, &to),
        Err(HistoryError::NotARepository { .. }) => Since::Unavailable(
            "this is not a git repository, so there is no review history to compare with"
                .to_owned(),
        ),
        Err(e) => Since::Unavailable(e.to_string()),
    }
}

/// What changed between the last review (`from`) and `to`, with what the
/// review recorded.
pub fn since(from: &reviews::Side, to: &reviews::Side) -> Since {
    let recorded = reviews::recorded_at_last(&from.doc);
    Since::Changes(Box::new(SinceReview {
        diff: reviews::diff(from, to),
        from: from.label.clone(),
        from_commit: from.commit.clone(),
        to: to.label.clone(),
        note: recorded.note,
        wins: recorded.wins,
    }))
}

/// The pulse picture the agenda's signals come from, judged by `date`;
/// `None` when the alliance has no pulse rounds.
pub fn pulse_picture(
    workspace: &Workspace,
    doc: &Alliance,
    date: Date,
) -> Result<Option<crate::pulse::Picture>, Failed> {
    if crate::pulse::rounds::last_round(&workspace.root, &doc.path).is_none() {
        return Ok(None);
    }
    let instruments = crate::pulse::Instruments::with_folder(workspace.config.kinds.as_deref())
        .map_err(crate::pulse::PulseError::from)?;
    Ok(Some(sealed_picture(workspace, &instruments, doc, date)?))
}

/// The pulse picture of `doc` as of `date`, the open round sealed (the
/// keys of reworded items carried, as `pulse report` does), read with
/// `instruments` (loaded once by a caller with many alliances).
pub fn sealed_picture(
    workspace: &Workspace,
    instruments: &crate::pulse::Instruments,
    doc: &Alliance,
    date: Date,
) -> Result<crate::pulse::Picture, crate::pulse::PulseError> {
    let carry = crate::tasks::pulse::carried(doc);
    let pulse = crate::pulse::read(
        &workspace.root,
        doc,
        &workspace.kinds,
        instruments,
        date,
        Some(&carry),
    )?;
    Ok(pulse.picture(&doc.path, crate::pulse::Seal::Sealed))
}

/// What waits for the parties' consent in this alliance: the proposal,
/// when its status is `proposed` (waiting since the commit that proposed
/// it, else the dates in the file: see `consent::proposal`), or, for an
/// active alliance whose text changed after some parties agreed, the
/// current text (since an unknown date).
fn waiting_for_consent(doc: &Alliance, read: &Read<'_>) -> Vec<agenda::Waiting> {
    use crate::consent::{Consent, PartyConsent, PartyState};
    let name = |p: &PartyConsent| p.handle.clone().unwrap_or_else(|| p.party.clone());
    let as_input = |what: String, since, consent: &Consent| agenda::Waiting {
        what,
        since,
        agreed: consent.agreed().map(name).collect(),
        waiting_for: consent.not_agreed().map(name).collect(),
    };
    // Only a proposal has a day it was proposed on: its history is read
    // for nothing else.
    let proposed = doc
        .fields()
        .is_some_and(|f| f.status() == crate::document::Status::Proposed);
    let proposed_on = || crate::tasks::due::proposed_on(read.history?, &doc.path);
    let proofs = read.attestor.proofs(doc);
    let since = if proposed { proposed_on() } else { None };
    if let Some(proposal) = crate::consent::proposal(doc, since, &proofs) {
        return vec![as_input(
            format!("{} ({})", proposal.title, proposal.consent.digest.short()),
            proposal.since.map(|s| s.date),
            &proposal.consent,
        )];
    }
    let Some(consent) = Consent::of(doc, &proofs) else {
        return Vec::new();
    };
    let active = doc
        .fields()
        .is_some_and(|f| f.status() == crate::document::Status::Active);
    let changed = consent
        .parties
        .iter()
        .any(|p| matches!(p.state, PartyState::Stale { .. }));
    if active && changed && !consent.complete() {
        let title = doc.display_title().unwrap_or("(untitled)");
        return vec![as_input(
            format!(
                "{title}: the text changed since some parties agreed ({})",
                consent.digest.short()
            ),
            None,
            &consent,
        )];
    }
    Vec::new()
}
