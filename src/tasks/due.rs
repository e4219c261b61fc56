//! Due: what `alliance due` (and `ci summary`) makes of each document:
//! its reviews and items by `due`, its next pulse round, and its proposal
//! waiting for consent (its entries proven), dated by the commit that
//! proposed it when history can tell.

use std::path::{Path, PathBuf};

use crate::Failed;
use crate::attest::Attestor;
use crate::document::Alliance;
use crate::due::{self, Window};
use crate::history::History;
use crate::workspace::Workspace;
use crate::workspace::discover::Found;

/// The documents `due` looks at: those under `paths` (the repository when
/// none), only the files changed since the revision `changed_since` when
/// it is given. None at all is a failure (`NoAlliances`).
pub fn documents(
    workspace: &Workspace,
    paths: &[PathBuf],
    changed_since: Option<&str>,
) -> Result<Found, Failed> {
    let changed = match changed_since {
        Some(rev) => Some(
            History::discover(&workspace.root)
                .and_then(|history| history.changed_since(rev))
                .map_err(Failed::ChangedSince)?,
        ),
        None => None,
    };
    let mut found = workspace.discover(paths)?;
    if found.documents.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !paths.is_empty(),
        });
    }
    // Filtered in place: a list of references to the kept files would
    // cost 8 bytes a file, a megabyte at 100,000 files.
    if let Some(changed) = &changed {
        found.documents.retain(|candidate| {
            let full =
                std::fs::canonicalize(&candidate.path).unwrap_or_else(|_| candidate.path.clone());
            changed.contains(&full)
        });
    }
    Ok(found)
}

/// Date `proposal` (of the file at `path`) by the commit that proposed
/// it, when `history` can tell.
pub fn date_proposal(
    proposal: &mut crate::consent::Proposal,
    history: Option<&History>,
    path: &Path,
) {
    if let Some(on) = history.and_then(|h| proposed_on(h, path)) {
        proposal.since = Some(crate::consent::ProposedSince {
            date: on,
            basis: crate::consent::SinceBasis::ProposedCommit,
        });
    }
}

/// What `due` makes of one document: its reviews, items and next pulse
/// round (or why it is not a usable alliance), and its proposal when it
/// waits for consent (its entries proven by `attestor`). `ci summary`
/// reads the same.
pub fn assess(
    doc: &Alliance,
    workspace: &Workspace,
    instruments: &crate::pulse::Instruments,
    window: &Window,
    attestor: &Attestor,
) -> (due::Outcome, Option<crate::consent::Proposal>) {
    let proposed = doc
        .fields()
        .is_some_and(|f| f.status() == crate::document::Status::Proposed);
    (
        with_pulse(
            due::assess(doc, window),
            doc,
            workspace,
            instruments,
            window,
        ),
        proposed
            .then(|| crate::consent::proposal(doc, None, &attestor.proofs(doc)))
            .flatten(),
    )
}

/// The next pulse round of a listed alliance that has had one: the newest
/// round + the pulse cadence (`pulse.every`, the instrument's, else
/// `review.every`). An alliance whose pulse cannot be set up (an unknown
/// instrument: `check` reports it) gets none.
fn with_pulse(
    outcome: due::Outcome,
    doc: &Alliance,
    workspace: &Workspace,
    instruments: &crate::pulse::Instruments,
    window: &Window,
) -> due::Outcome {
    let due::Outcome::Listed(mut alliance) = outcome else {
        return outcome;
    };
    let Some(last) = crate::pulse::rounds::last_round(&workspace.root, &doc.path) else {
        return due::Outcome::Listed(alliance);
    };
    let Ok(setup) = crate::pulse::setup(doc, &workspace.kinds, instruments) else {
        return due::Outcome::Listed(alliance);
    };
    let Some(every) = setup.every else {
        return due::Outcome::Listed(alliance);
    };
    let owners = setup
        .parties
        .iter()
        .map(|p| format!("@{}", p.handle))
        .collect();
    let span = doc
        .front_root()
        .and_then(|r| r.entry("pulse").map(|(k, _)| k.span))
        .or(doc.fields().and_then(|f| f.review.span))
        .unwrap_or_default();
    alliance.add_pulse(window, last, every, owners, doc.line_col(span.start));
    due::Outcome::Listed(alliance)
}

/// The day the commit that set `status: proposed` was made, when history
/// can tell (a file never committed, or a history that cannot be read,
/// falls back to the dates in the file: see `consent::proposal`).
pub fn proposed_on(history: &History, path: &Path) -> Option<jiff::civil::Date> {
    let cwd = std::env::current_dir().ok()?;
    let relative = history.relative(path, &cwd).ok()?;
    crate::history::proposed::proposed_since(history, &relative)
        .ok()
        .flatten()
}

/// What the calendar and chat forms of `due` add from outside the report:
/// the repository's web address (GitHub Actions' `GITHUB_SERVER_URL` and
/// `GITHUB_REPOSITORY` when both are set, else the remote `origin` on
/// github.com or gitlab.com) and, with `mentions`, the `handles:` map of
/// `.alliance.yaml`. Neither is required: without them there are no links
/// and no mentions.
pub fn feed_context(workspace: &Workspace, mentions: bool) -> crate::report::due::FeedContext {
    use crate::history::remote;
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let actions = match (var("GITHUB_SERVER_URL"), var("GITHUB_REPOSITORY")) {
        (Some(server), Some(repository)) => remote::from_actions(&server, &repository),
        _ => None,
    };
    let web = actions.or_else(|| {
        History::discover(&workspace.root)
            .ok()
            .and_then(|history| history.origin_url())
            .and_then(|url| remote::from_remote(&url))
    });
    crate::report::due::FeedContext {
        web,
        handles: if mentions {
            workspace.config.handles.clone()
        } else {
            Default::default()
        },
    }
}

/// The whole `due` report of the repository for the calendar: every
/// document's dates (due soon or not), its pulse round, and its proposal
/// dated by the commit that proposed it, each file named from the
/// repository root (so the calendar's UIDs do not depend on where the
/// caller stands). Files that cannot be read are in `unread`.
pub fn calendar_report(workspace: &Workspace, window: &Window) -> Result<due::DueReport, Failed> {
    let found = documents(workspace, &[], None)?;
    let assessor = Assessor::new(workspace)?;
    let mut report = due::DueReport::new(*window);
    assessor.each(found, window, |part| {
        match part.named(|path| workspace.in_repository(path)) {
            DuePart::Assessed(path, outcome) => report.add(&path, *outcome),
            DuePart::Proposal(proposal) => report.proposals.push(proposal),
            DuePart::Unread(file) => report.unread.push(file),
        }
        Ok(())
    })?;
    Ok(report)
}

/// The repository's calendar (`alliances.ics`, what `due --format ics`
/// prints with no paths), as of `today`, written to `out`: the report of
/// [`calendar_report`] through [`crate::report::due::ics::write_calendar`],
/// with the links of [`feed_context`].
pub fn write_calendar(
    workspace: &Workspace,
    today: jiff::civil::Date,
    out: &mut dyn std::io::Write,
) -> Result<(), Failed> {
    let window = Window::new(today, None);
    let report = calendar_report(workspace, &window)?;
    crate::report::due::ics::write_calendar(&report, &feed_context(workspace, false), out)?;
    Ok(())
}

/// One part of a `due` run, handed on in discovery's order.
#[derive(Debug)]
pub enum DuePart {
    /// What `due` makes of a document (its path as discovered).
    Assessed(PathBuf, Box<due::Outcome>),
    /// Its proposal waiting for consent, dated by the commit that proposed
    /// it when history can tell.
    Proposal(crate::consent::Proposal),
    /// A file that could not be read.
    Unread(crate::workspace::UnreadFile),
}

impl DuePart {
    /// The part with every path in it (the document's, its alliance's,
    /// its proposal's, the unread file's) renamed by `name`.
    pub fn named(self, name: impl Fn(&Path) -> PathBuf) -> DuePart {
        match self {
            DuePart::Assessed(path, mut outcome) => {
                if let due::Outcome::Listed(alliance) = outcome.as_mut() {
                    alliance.path = name(&alliance.path);
                }
                DuePart::Assessed(name(&path), outcome)
            }
            DuePart::Proposal(mut proposal) => {
                proposal.path = name(&proposal.path);
                DuePart::Proposal(proposal)
            }
            DuePart::Unread(mut file) => {
                file.path = name(&file.path);
                DuePart::Unread(file)
            }
        }
    }
}

/// What `due` needs to assess a repository's documents, made before any
/// output so that a bad instrument or signers file fails first.
pub struct Assessor<'w> {
    workspace: &'w Workspace,
    instruments: crate::pulse::Instruments,
    attestor: Attestor,
}

impl<'w> Assessor<'w> {
    /// The repository's instruments and consent attestor.
    pub fn new(workspace: &'w Workspace) -> Result<Assessor<'w>, Failed> {
        let kinds = workspace.config.kinds.as_deref();
        let instruments = crate::pulse::Instruments::with_folder(kinds)
            .map_err(crate::pulse::PulseError::from)?;
        let attestor = Attestor::for_workspace(workspace, Vec::new())?;
        Ok(Assessor {
            workspace,
            instruments,
            attestor,
        })
    }

    /// `due` over the documents `found`: each read and assessed on every core
    /// ([`assess`]), handed to `sink` in discovery's order, a document's
    /// proposal after it; then the files discovery could not read. Memory
    /// stays flat in the number of files ([`crate::parallel::for_each_file`]).
    pub fn each(
        &self,
        found: Found,
        window: &Window,
        mut sink: impl FnMut(DuePart) -> std::io::Result<()>,
    ) -> Result<(), Failed> {
        use crate::workspace::ReadError;
        let Assessor {
            workspace,
            instruments,
            attestor,
        } = self;
        let workspace = *workspace;
        let mut history: Option<Option<History>> = None;
        crate::parallel::for_each_file(
            &found.documents,
            |candidate| {
                match workspace.read(candidate) {
                    Ok(doc) => Ok(assess(&doc, workspace, instruments, window, attestor)),
                    Err(ReadError::NotText(file)) => {
                        Ok((due::Outcome::Broken(crate::check::unreadable(&file)), None))
                    }
                    Err(ReadError::Unread(file)) => Err(file),
                }
                .map(|assessed| (candidate, assessed))
            },
            |result| match result {
                Ok((candidate, (outcome, proposal))) => {
                    sink(DuePart::Assessed(candidate.path.clone(), Box::new(outcome)))?;
                    let Some(mut proposal) = proposal else {
                        return Ok(());
                    };
                    let history = history
                        .get_or_insert_with(|| History::discover(&workspace.root).ok())
                        .as_ref();
                    date_proposal(&mut proposal, history, &candidate.path);
                    sink(DuePart::Proposal(proposal))
                }
                Err(file) => sink(DuePart::Unread(file)),
            },
        )?;
        for file in found.skipped {
            sink(DuePart::Unread(file))?;
        }
        Ok(())
    }
}
