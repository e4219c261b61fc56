//! `alliance agenda`: the review meeting, prepared from the repository.

use clap::Args;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use super::Failed;
use crate::agenda::{self, Inputs, Request, Since, SinceReview};
use crate::history::reviews;
use crate::history::{History, HistoryError};
use crate::report::Style;
use crate::workspace::{Workspace, read_document};

pub(super) const AGENDA_HELP: &str = "\
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

pub(super) fn run(args: &AgendaArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    let date = super::date_or_today("--date", args.date.as_deref())?;
    let path = super::history_path::named_or_only(args.path.as_deref(), "agenda")?;
    let doc = read_document(&path)?;
    if let Some(finding) = crate::due::broken(&doc) {
        return Err(Failed::UnusableAlliance {
            path,
            finding: format!(
                "{} {}: {}",
                finding.rule.code(),
                finding.rule.name(),
                finding.message
            ),
        });
    }
    let workspace = Workspace::current()?;
    let attestor = crate::attest::Attestor::for_workspace(&workspace, Vec::new())?;
    let kind = doc
        .fields()
        .and_then(|f| f.kind.as_ref())
        .and_then(|k| workspace.kinds.get(&k.value));
    let agenda = agenda::build(
        &doc,
        Request {
            path: path.display().to_string(),
            kind,
            date,
            minutes: args.minutes,
            since: since_last_review(&path),
            // The pulse signals since the last review and the proposals
            // waiting for consent, each read from the repository.
            inputs: Inputs {
                pulse: pulse_signals(&workspace, &doc, date)?,
                proposals: Some(waiting_for_consent(&doc, &path, &attestor)),
            },
        },
    )?;
    crate::report::agenda::render(&agenda, args.format, style, out)?;
    Ok(0)
}

/// The last review and what changed since, from git; without history, why
/// there is nothing to compare.
fn since_last_review(path: &Path) -> Since {
    let read = || -> Result<SinceReview, HistoryError> {
        let cwd = std::env::current_dir().map_err(|source| HistoryError::WorkingTree {
            path: path.to_path_buf(),
            source,
        })?;
        let history = History::discover(&cwd)?;
        let relative = history.relative(path, &cwd)?;
        let from = reviews::at_last_review(&history, &relative)?;
        let to = reviews::working_tree(&history, &relative)?;
        let recorded = reviews::recorded_at_last(&from.doc);
        Ok(SinceReview {
            diff: reviews::diff(&from, &to),
            from: from.label,
            from_commit: from.commit,
            to: to.label,
            note: recorded.note,
            wins: recorded.wins,
        })
    };
    match read() {
        Ok(since) => Since::Changes(Box::new(since)),
        Err(HistoryError::NotARepository { .. }) => Since::Unavailable(
            "this is not a git repository, so there is no review history to compare with"
                .to_owned(),
        ),
        Err(e) => Since::Unavailable(e.to_string()),
    }
}

/// The pulse signals since the last review, for "how it is going". `None`
/// when the alliance has no pulse rounds; an empty list when they show
/// nothing to talk about.
fn pulse_signals(
    workspace: &Workspace,
    doc: &crate::document::Alliance,
    date: jiff::civil::Date,
) -> Result<Option<Vec<agenda::PulseTopic>>, Failed> {
    if crate::pulse::rounds::last_round(&workspace.root, &doc.path).is_none() {
        return Ok(None);
    }
    let picture = crate::pulse::picture(workspace, doc, date, crate::pulse::Seal::Sealed)?;
    let last_review = doc
        .fields()
        .and_then(|f| f.review.last.as_ref())
        .and_then(|d| d.get());
    Ok(Some(agenda::pulse_signals(&picture, last_review)))
}

/// What waits for the parties' consent in this alliance: the proposal,
/// when its status is `proposed` (waiting since the commit that proposed
/// it, else the dates in the file: see `consent::proposal`), or, for an
/// active alliance whose text changed after some parties agreed, the
/// current text (since an unknown date).
fn waiting_for_consent(
    doc: &crate::document::Alliance,
    path: &Path,
    attestor: &crate::attest::Attestor,
) -> Vec<agenda::Waiting> {
    use crate::consent::{Consent, PartyConsent, PartyState};
    let name = |p: &PartyConsent| p.handle.clone().unwrap_or_else(|| p.party.clone());
    let as_input = |what: String, since, consent: &Consent| agenda::Waiting {
        what,
        since,
        agreed: consent.agreed().map(name).collect(),
        waiting_for: consent.not_agreed().map(name).collect(),
    };
    let proposed_on = || {
        let cwd = std::env::current_dir().ok()?;
        let history = History::discover(&cwd).ok()?;
        crate::tasks::due::proposed_on(&history, path)
    };
    let proofs = attestor.proofs(doc);
    if let Some(proposal) = crate::consent::proposal(doc, proposed_on(), &proofs) {
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
