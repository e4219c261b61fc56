//! Consent entries tied to the commits that added them: history's facts
//! (`history::attribution`) judged by consent's rules (`consent::proof`)
//! at the level the repository counts.
//!
//! [`Attestor`] is built once per run (it reads the allowed-signers file)
//! and shared by the threads that read documents: each thread borrows an
//! opened repository from a small pool, so a file's history is read on the
//! thread that checks it, once, and a file without consent entries never
//! touches git (the repository is opened at the first document that has
//! entries). A history that cannot be read proves nothing: its entries
//! count only where the repository counts any entry (`proof: any`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::consent::Digest;
use crate::consent::Proof;
use crate::consent::digest::{Form, recorded_form};
use crate::consent::proof::{AllowedSigners, SignersError};
use crate::consent::{Coverage, coverage};
use crate::consent::{Level, Proofs, Prover};
use crate::document::Alliance;
use crate::history::attribution::Added;
use crate::history::{History, Identity};
use crate::read::{self, FileError};
use crate::workspace::config::ConsentSettings;

/// The largest allowed-signers file read (a line per key).
const MAX_SIGNERS_BYTES: u64 = 4 * 1024 * 1024;

/// Why the proofs cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// The allowed-signers file exists but cannot be read.
    #[error("cannot read the allowed signers {source}")]
    Read {
        /// Why, naming the file.
        source: FileError,
    },
    /// A line of it is not an allowed signer.
    #[error("{}:{}: {}", path.display(), source.line, source.reason)]
    Signers {
        /// The file.
        path: PathBuf,
        /// The line and what is wrong.
        source: SignersError,
    },
}

/// Proves consent entries, on any thread.
#[derive(Debug)]
pub struct Attestor {
    root: PathBuf,
    prover: Prover,
    /// Who will commit what is not committed yet, read from the first
    /// repository opened.
    identity: std::sync::OnceLock<Identity>,
    /// Opened repositories not in use; `None` once opening one failed (not
    /// a git repository). Nothing is opened until a document has entries.
    pool: Mutex<Option<Vec<History>>>,
}

impl Attestor {
    /// The attestor of a workspace, with the handles who approved the pull
    /// request at its head (CI; empty elsewhere).
    pub fn for_workspace(
        workspace: &crate::workspace::Workspace,
        approvers: Vec<String>,
    ) -> Result<Attestor, AttestError> {
        Attestor::new(&workspace.root, &workspace.config.consent, approvers)
    }

    /// The attestor of the repository at `root`, with its consent settings
    /// and the handles who approved the pull request at its head (CI).
    pub fn new(
        root: &Path,
        settings: &ConsentSettings,
        approvers: Vec<String>,
    ) -> Result<Attestor, AttestError> {
        let mut prover = Prover::new(settings.proof);
        prover.signers = allowed_signers(root, &settings.allowed_signers)?;
        prover.approvers = approvers
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        Ok(Attestor {
            root: root.to_path_buf(),
            prover,
            identity: std::sync::OnceLock::new(),
            pool: Mutex::new(Some(Vec::new())),
        })
    }

    /// Judge signatures by the allowed signers `text` (`None`: there were
    /// none) instead of the working tree's: in a pull request, the base's,
    /// so a change cannot vouch for its own keys. `path` names the file in
    /// errors.
    pub fn with_signers_from(
        mut self,
        path: &Path,
        text: Option<&str>,
    ) -> Result<Attestor, AttestError> {
        self.prover.signers = match text {
            Some(text) => AllowedSigners::parse(text).map_err(|source| AttestError::Signers {
                path: path.to_path_buf(),
                source,
            })?,
            None => AllowedSigners::default(),
        };
        Ok(self)
    }

    /// The level that counts: the repository's, or any entry outside a
    /// git repository, where there is no history to prove anything with
    /// (entries count as written; reports say "not committed").
    pub fn counts(&self) -> Level {
        if self.outside_git() {
            Level::Recorded
        } else {
            self.prover.counts
        }
    }

    /// Whether opening the repository failed.
    fn outside_git(&self) -> bool {
        self.pool.lock().is_ok_and(|pool| pool.is_none())
    }

    /// The judge, for an entry not yet committed (`agree`).
    pub fn prover(&self) -> &Prover {
        &self.prover
    }

    /// What will prove a consent entry for `party` that `identity` commits
    /// (`alliance agree`, before the commit exists).
    pub fn prospective(&self, party: &crate::document::Party, identity: &Identity) -> Proof {
        let email = identity.email.as_deref().unwrap_or("");
        if crate::consent::proof::is_authored_by(party, email) {
            Proof::Authored {
                commit: "(not committed yet)".to_owned(),
            }
        } else {
            Proof::Recorded {
                by: Some(match (&identity.name, &identity.email) {
                    (Some(name), Some(email)) => format!("{name} <{email}>"),
                    (Some(name), None) => name.clone(),
                    (None, Some(email)) => format!("<{email}>"),
                    (None, None) => "an unnamed git identity".to_owned(),
                }),
                commit: None,
            }
        }
    }

    /// What proves each of `doc`'s consent entries.
    pub fn proofs(&self, doc: &Alliance) -> Proofs {
        let Some(fields) = doc.fields() else {
            return Proofs::unattributed(self.prover.counts);
        };
        if fields.consent.is_empty() {
            return Proofs::unattributed(self.prover.counts);
        }
        let mut proofs = self
            .with_history(|history| {
                let cwd = std::env::current_dir().ok()?;
                let path = history.relative(&doc.path, &cwd).ok()?;
                let head = history.resolve("HEAD").ok()?;
                Some(self.proofs_in(history, &path, doc, head))
            })
            .unwrap_or_else(|| self.prover.proofs(fields, &[]));
        if self.outside_git() {
            return Proofs::unattributed(Level::Recorded);
        }
        // An entry not committed yet is judged by who will commit it: a
        // pre-commit hook must not refuse the commit that proves it. CI
        // reads a clean checkout, where every entry is committed.
        if let Some(identity) = self.identity.get() {
            for (entry, proof) in fields.consent.iter().zip(proofs.entries.iter_mut()) {
                let party = entry
                    .handle
                    .as_ref()
                    .and_then(|h| fields.party_by_handle(&h.value));
                if let (Proof::Recorded { commit: None, .. }, Some(party)) = (&*proof, party) {
                    *proof = self.prospective(party, identity);
                }
            }
        }
        proofs
    }

    /// What proves each of `doc`'s consent entries, `doc` being the
    /// version of `path` (from the repository root) at commit `start` or
    /// in the working tree above it, read through `history`.
    pub fn proofs_in(
        &self,
        history: &History,
        path: &Path,
        doc: &Alliance,
        start: crate::history::ObjectId,
    ) -> Proofs {
        let Some(fields) = doc.fields() else {
            return Proofs::unattributed(self.prover.counts);
        };
        if fields.consent.is_empty() {
            return Proofs::unattributed(self.prover.counts);
        }
        let added =
            crate::history::attribution::added(history, path, doc, start).unwrap_or_default();
        let mut proofs = self.prover.proofs(fields, &added);
        proofs.outdated = outdated(history, doc, &added);
        proofs
    }

    /// Run `read` with a repository from the pool (opened when none is
    /// free); `None` when the repository cannot be opened.
    fn with_history<T>(&self, read: impl FnOnce(&History) -> Option<T>) -> Option<T> {
        let taken = {
            let mut pool = self.pool.lock().ok()?;
            pool.as_mut()?.pop()
        };
        let history = match taken {
            Some(history) => history,
            None => match History::discover(&self.root) {
                Ok(history) => history,
                Err(_) => {
                    if let Ok(mut pool) = self.pool.lock() {
                        *pool = None;
                    }
                    return None;
                }
            },
        };
        self.identity.get_or_init(|| history.identity());
        let out = read(&history);
        if let Ok(mut pool) = self.pool.lock() {
            if let Some(pool) = pool.as_mut() {
                pool.push(history);
            }
        }
        out
    }
}

/// For each form-1 entry of `doc`: whether the text changed since the
/// commit that added it (or it is in no commit, so nothing confirms it).
/// Form 1 is blind to markup, so a form-1 digest that still matches
/// proves nothing by itself; form 2 of the two versions decides.
fn outdated(history: &History, doc: &Alliance, added: &[Option<Added>]) -> Vec<bool> {
    let Some(fields) = doc.fields() else {
        return Vec::new();
    };
    let legacy = |e: &crate::document::ConsentEntry| {
        e.digest
            .as_ref()
            .is_some_and(|d| recorded_form(&d.value) == Some(Form::V1))
    };
    if !fields.consent.iter().any(legacy) {
        return Vec::new();
    }
    // Form 2 of the text now, and of each version an entry was added in,
    // each worked out once.
    let now = Digest::of(doc);
    let mut then: HashMap<crate::history::ObjectId, bool> = HashMap::new();
    fields
        .consent
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            if coverage(entry, &now) != Coverage::Legacy {
                return false;
            }
            let Some(Some(added)) = added
                .get(i)
                .filter(|a| a.as_ref().is_some_and(|a| !a.truncated))
            else {
                return true;
            };
            *then.entry(added.blob).or_insert_with(|| {
                history
                    .read_blob(added.blob, &added.path, &added.commit)
                    .map(|text| Digest::of_form(&Alliance::parse_text(&added.path, text), Form::V2))
                    .map_or(true, |then| then != now)
            })
        })
        .collect()
}

/// The allowed signers at `path` (none when there is no such file).
fn allowed_signers(root: &Path, path: &Path) -> Result<AllowedSigners, AttestError> {
    match read::read_text(root, path, MAX_SIGNERS_BYTES) {
        Ok(text) => AllowedSigners::parse(&text).map_err(|source| AttestError::Signers {
            path: path.strip_prefix(root).unwrap_or(path).to_path_buf(),
            source,
        }),
        Err(e) if e.is_not_found() => Ok(AllowedSigners::default()),
        Err(source) => Err(AttestError::Read { source }),
    }
}
