//! Recording consent (`alliance agree`): the entry a party's consent adds
//! to the front matter, judged as the repository will judge it once
//! committed (by the git identity that will commit it, or as written
//! outside git), then written in place, only over the text it was made from.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::Failed;
use crate::attest::Attestor;
use crate::consent::{Level, Proof};
use crate::document::Alliance;
use crate::history::{History, Identity};
use crate::workspace::config::Config;
use crate::workspace::{WorkspaceError, read_document};
use crate::write::agree::{Agreed, Proving};

/// A party's consent, made but not written.
#[derive(Debug)]
pub struct Agreement {
    /// The alliance, as read.
    pub doc: Alliance,
    /// Its path, as named.
    pub path: PathBuf,
    /// The repository it is in.
    pub root: PathBuf,
    /// The repository's settings (the level of proof it counts).
    pub config: Config,
    /// Who the next commit will be by; `None` outside git.
    pub identity: Option<Identity>,
    /// The entry and the edited text.
    pub agreed: Agreed,
}

/// The consent of `who` (a handle, or a party's name) to the current text
/// of the alliance at `path`, dated `date`.
pub fn agree(path: &Path, who: &str, date: Date) -> Result<Agreement, Failed> {
    let doc = read_document(path)?;
    let root = crate::workspace::root_of(path);
    let config = Config::load(&root).map_err(WorkspaceError::from)?;
    let attestor = Attestor::new(&root, &config.consent, Vec::new())?;
    // Outside git nothing will prove the entry, and nothing is warned.
    let identity = History::discover(&root).ok().map(|h| h.identity());
    let party = doc
        .fields()
        .and_then(|f| f.party_by_handle(who).or_else(|| f.party(who)));
    let mut proofs = attestor.proofs(&doc);
    if identity.is_none() {
        // Outside git nothing can prove an entry: every entry counts as
        // written, the one about to be written too.
        proofs.counts = Level::Recorded;
    }
    let proving = Proving {
        proofs: &proofs,
        own: match (party, &identity) {
            (Some(party), Some(identity)) => attestor.prospective(party, identity),
            _ => Proof::unattributed(),
        },
        will_sign: identity.as_ref().is_some_and(|i| i.signs_ssh),
    };
    let agreed =
        crate::write::agree::agree(&doc, who, date, &proving).map_err(|source| Failed::Agree {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(Agreement {
        doc,
        path: path.to_path_buf(),
        root,
        config,
        identity,
        agreed,
    })
}

/// Write the agreement's edit, over the text it was made from only; nothing
/// when the consent was recorded already.
pub fn write(agreement: &Agreement) -> Result<(), Failed> {
    if agreement.agreed.edited.changes.is_empty() {
        return Ok(());
    }
    crate::write::atomic::write(
        &agreement.root,
        &agreement.path,
        agreement.agreed.edited.text.as_bytes(),
        crate::write::atomic::Replace::IfUnchanged(agreement.doc.text.as_bytes()),
    )?;
    Ok(())
}
