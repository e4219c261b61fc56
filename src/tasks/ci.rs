//! The CI tasks (`alliance ci comment`, `alliance ci summary`): the
//! alliances a change touches (their consent proven, signatures judged by
//! the merge base's allowed signers), the forge's approvals at the head
//! commit, and `check` and `due` over the repository in one read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::Failed;
use crate::attest::Attestor;
use crate::check::CheckReport;
use crate::ci::changes::{self, Approvals, ChangeSet};
use crate::ci::forge::NotCounted;
use crate::ci::rules;
use crate::ci::{CiError, Environment};
use crate::due::{DueReport, Window};
use crate::history::History;
use crate::workspace::Workspace;

/// What reading the pull request's approvals gave.
#[derive(Debug)]
pub enum ApprovalsRead {
    /// Not a pull request: there are none.
    NotAPullRequest,
    /// The token cannot read them (none, or HTTP 403/404).
    Unreadable,
    /// The forge failed, and why.
    Failed(String),
    /// The approvals that stand at the head commit, and those not counted
    /// because the forge could not say enough (by handle).
    Read {
        /// The approvals counted.
        approvals: Approvals,
        /// Approvals not counted, and why.
        not_counted: Vec<(String, NotCounted)>,
    },
}

impl ApprovalsRead {
    /// The approvals counted, if any were read.
    pub fn approvals(self) -> Option<Approvals> {
        match self {
            ApprovalsRead::Read { approvals, .. } => Some(approvals),
            _ => None,
        }
    }
}

/// The pull request's approvals that stand at its head commit.
pub fn approvals(env: &Environment) -> Result<ApprovalsRead, Failed> {
    let Some(forge) = env.forge()? else {
        return Ok(ApprovalsRead::NotAPullRequest);
    };
    Ok(match forge.approvals() {
        Ok(Some(state)) => ApprovalsRead::Read {
            approvals: Approvals {
                handles: state.standing.into_iter().map(|a| a.handle).collect(),
                what: forge.approval_word(),
            },
            not_counted: state.not_counted,
        },
        Ok(None) => ApprovalsRead::Unreadable,
        Err(e) => ApprovalsRead::Failed(e.to_string()),
    })
}

/// The alliances `base..working tree` touches, their consent proven with
/// `approvers` (who approved the pull request at its head).
pub fn change_set(
    workspace: &Workspace,
    base: &str,
    approvers: Vec<String>,
) -> Result<ChangeSet, Failed> {
    let history = History::discover(&workspace.root)?;
    let found = workspace.discover(&[])?;
    let now: HashSet<PathBuf> = found
        .documents
        .iter()
        .map(|c| canonical(&workspace.root.join(&c.path)))
        .collect();
    let root = history.root().to_path_buf();
    let is_alliance = |relative: &Path| now.contains(&canonical(&root.join(relative)));
    let attestor = Attestor::for_workspace(workspace, approvers)?;
    let attestor = base_signers(&history, workspace, base, attestor)?;
    let head = history.resolve("HEAD").ok();
    let proofs = |path: &Path, doc: &crate::document::Alliance| match head {
        Some(head) => attestor.proofs_in(&history, path, doc, head),
        None => crate::consent::Proofs::unattributed(attestor.counts()),
    };
    let alliances = || {
        found
            .documents
            .iter()
            .filter_map(|c| {
                let doc = workspace.read(c).ok()?;
                let path = slash(&workspace.in_repository(&c.path));
                Some(rules::RulesUser::of(path, &doc))
            })
            .collect()
    };
    let tree = rules::Tree {
        kinds_folder: kinds_folder(workspace),
        kinds: &workspace.kinds,
        alliances: &alliances,
    };
    changes::collect(&history, base, &is_alliance, &proofs, &tree).map_err(|e| match e {
        crate::history::HistoryError::UnknownRevision { reason, .. } => {
            Failed::Ci(CiError::BaseNotHere {
                base: base.to_owned(),
                reason,
            })
        }
        other => Failed::History(other),
    })
}

/// The attestor judging signatures by the allowed signers at the merge
/// base with `base`: the change under review cannot add the keys that
/// prove its own consent (the parties review such a change through
/// CODEOWNERS, and it counts once merged).
fn base_signers(
    history: &History,
    workspace: &Workspace,
    base: &str,
    attestor: Attestor,
) -> Result<Attestor, Failed> {
    let Ok(merge_base) = history.merge_base(base) else {
        return Ok(attestor);
    };
    let file = &workspace.config.consent.allowed_signers;
    let relative = file.strip_prefix(&workspace.root).unwrap_or(file);
    let text = match history.read_at(merge_base, relative, base) {
        Ok(text) => Some(text),
        Err(crate::history::HistoryError::NotAtRevision { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(attestor.with_signers_from(relative, text.as_deref())?)
}

/// The kinds folder, from the repository root (none when the settings
/// name none, or one outside it).
fn kinds_folder(workspace: &Workspace) -> Option<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let folder = crate::read::lexical(&cwd.join(workspace.config.kinds.as_deref()?));
    let root = crate::read::lexical(&cwd.join(&workspace.root));
    folder.strip_prefix(&root).ok().map(Path::to_path_buf)
}

/// A path from the root, `/`-separated, as the comment names files.
fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `check` and `due` over the repository's alliances, each file read once
/// for both. Due's reviews are `due`'s, pulse rounds included; files that
/// cannot be read are the check's to list.
pub fn check_and_due(
    workspace: &Workspace,
    window: Window,
) -> Result<(CheckReport, DueReport), Failed> {
    let mut report = DueReport::new(window);
    let attestor = Attestor::for_workspace(workspace, Vec::new())?;
    let check = crate::tasks::check::repository(
        workspace,
        |doc, instruments| {
            crate::tasks::due::assess(doc, workspace, instruments, &window, &attestor)
        },
        |path, (outcome, proposal)| {
            report.add(path, outcome);
            report.proposals.extend(proposal);
        },
    )?;
    // How long each proposal has waited, from the commit that proposed it.
    if !report.proposals.is_empty() {
        let history = History::discover(&workspace.root).ok();
        for proposal in &mut report.proposals {
            let path = proposal.path.clone();
            crate::tasks::due::date_proposal(proposal, history.as_ref(), &path);
        }
    }
    Ok((check, report))
}
