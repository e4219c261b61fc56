//! Adopting an agreement (`alliance adopt`): everything it writes (the
//! document; with `--new-kind`, the kind's definition and `.alliance.yaml`)
//! worked out and checked before the first byte is written, then written
//! all or nothing. A refusal, whatever its reason, leaves every file as it
//! was. The front matter is `write::adopt`'s; the kind made of the
//! headings is too.
//!
//! What `adopt` reports of the sections is what `check` says of the
//! written file: the section findings (A030–A035) are those of `check`
//! run on the new text, with its line numbers.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::Failed;
use crate::check::{self, Finding};
use crate::document::Alliance;
use crate::kind::Kinds;
use crate::tasks::new::{cadence, kind};
use crate::workspace::Workspace;
use crate::workspace::config::FILE_NAME;
use crate::write::adopt::{self, AdoptOptions, Adopted, NewKind, NewKindError};
use crate::write::atomic::{self, Replace, WriteError};
use crate::write::new::NewParty;

/// The folder `--new-kind` writes kinds to when `.alliance.yaml` names none.
pub const KINDS_FOLDER: &str = "alliance-kinds";

/// Which kind to adopt the file as.
#[derive(Debug, Clone)]
pub enum KindChoice {
    /// A kind the repository has (`--kind`).
    Existing(String),
    /// A new kind of this name, made from the file's headings (`--new-kind`).
    New(String),
}

/// What `adopt` was asked, besides the file and the kind.
#[derive(Debug, Clone)]
pub struct AdoptRequest {
    /// The title, when given.
    pub title: Option<String>,
    /// The parties.
    pub parties: Vec<NewParty>,
    /// `--every`, when given.
    pub every: Option<String>,
    /// The day of adoption.
    pub today: Date,
    /// Merge into front matter the file has.
    pub merge: bool,
}

/// Everything `adopt` will write, checked.
#[derive(Debug)]
pub struct AdoptPlan {
    /// The document, as given.
    pub file: PathBuf,
    /// The document's text as read (the write lands only on it).
    before: String,
    /// The kind it is adopted as.
    pub kind: String,
    /// The adopted document.
    pub adopted: Adopted,
    /// What `check` will say of its sections (A030–A035), in line order.
    pub findings: Vec<Finding>,
    /// With `--new-kind`: the kind to write.
    pub new_kind: Option<KindFile>,
}

/// A new kind's definition file, and the config edit that points at it.
#[derive(Debug)]
pub struct KindFile {
    /// The kind made of the headings.
    pub made: NewKind,
    /// Where its definition goes (never over an existing file).
    pub path: PathBuf,
    /// `.alliance.yaml` with `kinds:` added, when it names no folder.
    pub config: Option<ConfigEdit>,
}

/// `.alliance.yaml` with a line added.
#[derive(Debug)]
pub struct ConfigEdit {
    /// The file.
    pub path: PathBuf,
    /// Its text before, when it exists.
    before: Option<String>,
    /// Its text after.
    after: String,
}

/// Work out and check everything adopting `doc` as `choice` writes. An
/// error here means nothing is written.
pub fn plan(
    workspace: &Workspace,
    doc: &Alliance,
    choice: &KindChoice,
    request: &AdoptRequest,
) -> Result<AdoptPlan, Failed> {
    let (kinds, new_kind, name) = match choice {
        KindChoice::Existing(name) => (None, None, name.clone()),
        KindChoice::New(name) => {
            let (kinds, file) = plan_new_kind(workspace, doc, name)?;
            (Some(kinds), Some(file), name.clone())
        }
    };
    let kinds = kinds.as_ref().unwrap_or(&workspace.kinds);
    let kind = kind(kinds, &name)?;
    let options = AdoptOptions {
        title: request.title.clone(),
        parties: request.parties.clone(),
        every: cadence(request.every.as_deref(), kind)?,
        today: request.today,
        merge: request.merge,
    };
    let adopted = adopt::adopt(doc, kind, &options)?;
    let findings = section_findings(workspace, kinds, &adopted.written);
    if new_kind.is_some()
        && findings
            .iter()
            .any(|f| f.severity == check::Severity::Error)
    {
        return Err(NewKindError::StillFindings {
            path: doc.path.clone(),
            codes: findings.iter().map(|f| f.rule.code()).collect(),
        }
        .into());
    }
    Ok(AdoptPlan {
        file: doc.path.clone(),
        before: doc.text.clone(),
        kind: name,
        adopted,
        findings,
        new_kind,
    })
}

/// The kind `name` made of `doc`'s headings, its file and config edit, and
/// the repository's kinds as they will be once it is written (the
/// definition loaded, and so checked, as every repository kind is).
fn plan_new_kind(
    workspace: &Workspace,
    doc: &Alliance,
    name: &str,
) -> Result<(Kinds, KindFile), Failed> {
    let made = adopt::new_kind(doc, name, &workspace.kinds)?;
    let folder = workspace
        .config
        .kinds
        .clone()
        .unwrap_or_else(|| workspace.root.join(KINDS_FOLDER));
    let path = folder.join(format!("{name}.kind.yaml"));
    if path.symlink_metadata().is_ok() {
        return Err(NewKindError::FileExists { path }.into());
    }
    let kinds = Kinds::with_new_definition(&workspace.root, &folder, name, &made.definition)
        .map_err(NewKindError::Invalid)?;
    let config = match workspace.config.kinds {
        Some(_) => None,
        None => Some(config_edit(&workspace.root)?),
    };
    Ok((kinds, KindFile { made, path, config }))
}

/// What `check` says of the written document's sections.
fn section_findings(workspace: &Workspace, kinds: &Kinds, written: &Alliance) -> Vec<Finding> {
    let settings = check::Settings {
        consent_required: workspace.config.consent.required,
        exists: None,
        proofs: None,
    };
    check::check_with(written, kinds, &settings)
        .into_iter()
        .filter(|f| f.rule.code().starts_with("A03"))
        .collect()
}

/// `.alliance.yaml` at the root (created if need be) with
/// `kinds: alliance-kinds` added, every byte already there kept.
fn config_edit(root: &Path) -> Result<ConfigEdit, Failed> {
    let path = root.join(FILE_NAME);
    let max = crate::workspace::MAX_FILE_BYTES;
    let before = match crate::read::read_text(root, &path, max) {
        Ok(text) => Some(text),
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            return Err(WriteError::Io {
                path: path.clone(),
                source: std::io::Error::other(e.reason()),
            }
            .into());
        }
    };
    let mut after = before.clone().unwrap_or_default();
    if !after.is_empty() && !after.ends_with('\n') {
        after.push('\n');
    }
    after.push_str(&format!("kinds: {KINDS_FOLDER}\n"));
    Ok(ConfigEdit {
        path,
        before,
        after,
    })
}

/// Write what `plan` holds, all or nothing: the document only if it still
/// holds the text it was read as, the kind only where no file is, the
/// config only as it was read.
pub fn write(workspace: &Workspace, plan: &AdoptPlan) -> Result<(), Failed> {
    let mut files: Vec<(PathBuf, &[u8], Replace<'_>)> = Vec::new();
    if !plan.adopted.added.is_empty() {
        files.push((
            plan.file.clone(),
            plan.adopted.text.as_bytes(),
            Replace::IfUnchanged(plan.before.as_bytes()),
        ));
    }
    if let Some(kind) = &plan.new_kind {
        if let Some(config) = &kind.config {
            let replace = match &config.before {
                Some(before) => Replace::IfUnchanged(before.as_bytes()),
                None => Replace::Never,
            };
            files.push((config.path.clone(), config.after.as_bytes(), replace));
        }
        files.push((
            kind.path.clone(),
            kind.made.definition.as_bytes(),
            Replace::Never,
        ));
    }
    atomic::write_each(&workspace.root, &files)?;
    Ok(())
}
