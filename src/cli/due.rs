//! `alliance due`: what is due for review, as of a day.

use std::io::Write;

use super::{DueArgs, Failed};
use crate::due::{self, Window};
use crate::history::History;
use crate::report::due::{DueFormat, DueStream};
use crate::report::escape::markdown::Mentions;
use crate::workspace::discover::Found;
use crate::workspace::{ReadError, Workspace};

pub(super) fn run(args: &DueArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let today = super::date_or_today("--today", args.today.as_deref())?;
    let within = super::within(args.within.as_deref())?;
    if within.as_ref().is_some_and(|c| c.after(today).is_none()) {
        return Err(Failed::WithinPastCalendar {
            span: args.within.clone().unwrap_or_default(),
            today,
        });
    }
    let workspace = Workspace::current()?;
    let found = documents(args, &workspace)?;
    let window = Window::new(today, within);
    let instruments = crate::pulse::Instruments::with_folder(workspace.config.kinds.as_deref())
        .map_err(crate::pulse::PulseError::from)?;
    let mentions = if args.mentions {
        Mentions::Live
    } else {
        Mentions::Inert
    };
    let attestor = crate::attest::Attestor::for_workspace(&workspace, Vec::new())?;
    let named = namer(&workspace, args.format);
    let mut stream = DueStream::start(window, args.format, mentions, out)?;
    let mut history: Option<Option<History>> = None;
    // Files are independent: read and assess them on every core, then add
    // them to the report in discovery's order, a chunk at a time.
    super::for_each_file(
        &found.documents,
        |candidate| {
            let outcome = match workspace.read(candidate) {
                Ok(doc) => Ok(assess(&doc, &workspace, &instruments, &window, &attestor)),
                Err(ReadError::NotText(file)) => {
                    Ok((due::Outcome::Broken(crate::check::unreadable(&file)), None))
                }
                Err(ReadError::Unread(file)) => Err(file),
            };
            (candidate, outcome)
        },
        |(candidate, outcome)| {
            match outcome {
                Ok((mut assessed, proposal)) => {
                    if let due::Outcome::Listed(alliance) = &mut assessed {
                        alliance.path = named(&alliance.path);
                    }
                    stream.add(&named(&candidate.path), assessed)?;
                    if let Some(mut proposal) = proposal {
                        let history = history
                            .get_or_insert_with(|| History::discover(&workspace.root).ok())
                            .as_ref();
                        date_proposal(&mut proposal, history, &candidate.path);
                        proposal.path = named(&proposal.path);
                        stream.report().proposals.push(proposal);
                    }
                }
                Err(mut file) => {
                    file.path = named(&file.path);
                    stream.report().unread.push(file);
                }
            }
            Ok::<(), std::io::Error>(())
        },
    )?;
    for mut file in found.skipped {
        file.path = named(&file.path);
        stream.report().unread.push(file);
    }
    let report = stream.finish()?;
    Ok(report.exit_code(args.fail_on))
}

/// How `format` names a file: annotations and JUnit from the repository
/// root, whatever path was typed; the other formats as the user named it.
fn namer(
    workspace: &Workspace,
    format: DueFormat,
) -> impl Fn(&std::path::Path) -> std::path::PathBuf + '_ {
    let from_root = matches!(format, DueFormat::Github | DueFormat::Junit);
    move |path| {
        if from_root {
            workspace.in_repository(path)
        } else {
            path.to_path_buf()
        }
    }
}

/// The documents `due` looks at: those under the paths given, only the
/// files changed since `--changed-since` when it is given.
fn documents(args: &DueArgs, workspace: &Workspace) -> Result<Found, Failed> {
    let changed = match &args.changed_since {
        Some(rev) => Some(
            History::discover(&workspace.root)
                .and_then(|history| history.changed_since(rev))
                .map_err(Failed::ChangedSince)?,
        ),
        None => None,
    };
    let mut found = workspace.discover(&args.paths)?;
    if found.documents.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !args.paths.is_empty(),
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
fn date_proposal(
    proposal: &mut crate::consent::Proposal,
    history: Option<&History>,
    path: &std::path::Path,
) {
    if let Some(on) = history.and_then(|h| proposed_on(h, path)) {
        proposal.since = Some(crate::consent::Since {
            date: on,
            basis: crate::consent::SinceBasis::ProposedCommit,
        });
    }
}

/// What `due` makes of one document: its reviews, items and next pulse
/// round (or why it is not a usable alliance), and its proposal when it
/// waits for consent (its entries proven by `attestor`). `ci summary`
/// reads the same.
pub(super) fn assess(
    doc: &crate::document::Alliance,
    workspace: &Workspace,
    instruments: &crate::pulse::Instruments,
    window: &Window,
    attestor: &crate::attest::Attestor,
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
    doc: &crate::document::Alliance,
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
pub(super) fn proposed_on(history: &History, path: &std::path::Path) -> Option<jiff::civil::Date> {
    let cwd = std::env::current_dir().ok()?;
    let relative = history.relative(path, &cwd).ok()?;
    crate::history::proposed::proposed_since(history, &relative)
        .ok()
        .flatten()
}
