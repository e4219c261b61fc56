//! The CODEOWNERS decision (`alliance codeowners`): which lines the
//! alliances ask for (each alliance owned by its parties, the allowed
//! signers by every party), where the file is, which platform reads it,
//! and, for `--write`, the file with the block placed where nothing
//! overrides it, written atomically. Printing is `report::codeowners`'s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Failed;
use crate::document::Alliance;
use crate::workspace::{ReadError, UnreadFile, Workspace};
use crate::write::codeowners::{self, OwnersLine, PartyNote, Platform, Verdict};

/// The largest CODEOWNERS file read.
const MAX_CODEOWNERS_BYTES: u64 = 3 * 1024 * 1024;

/// What the alliances ask of the repository's CODEOWNERS file.
#[derive(Debug)]
pub struct Wanted {
    /// The block's lines, sorted by pattern.
    pub lines: Vec<OwnersLine>,
    /// What the user should know (parties without a usable handle).
    pub notes: Vec<PartyNote>,
    /// The CODEOWNERS file (it may not exist).
    pub file: PathBuf,
    /// The file, named from the repository root.
    pub location: String,
    /// Whether the repository has a `.gitlab-ci.yml` (GitLab reads the file).
    pub gitlab_ci: bool,
}

/// The lines the alliances `docs` ask for in `workspace`'s CODEOWNERS file.
pub fn wanted(workspace: &Workspace, docs: &[Alliance]) -> Result<Wanted, Failed> {
    let root = &workspace.root;
    let (mut lines, notes) = codeowners::lines(root, docs)?;
    // The allowed signers say whose key proves whose consent: every party
    // reviews a change to them.
    let signers = &workspace.config.consent.allowed_signers;
    if signers.symlink_metadata().is_ok() {
        let relative = signers.strip_prefix(root).unwrap_or(signers);
        lines.extend(codeowners::shared_line(relative, &lines)?);
    }
    // The rules are part of the agreement: the settings are every
    // alliance's, a kinds folder's file is the alliances' that use it.
    let config = Path::new(crate::ci::rules::CONFIG_FILE);
    if root.join(config).symlink_metadata().is_ok() {
        lines.extend(codeowners::shared_line(config, &lines)?);
    }
    lines.extend(rules_lines(workspace, docs)?);
    lines.sort_by(|a, b| a.pattern.cmp(&b.pattern));
    let file = codeowners::location(root, |p| p.symlink_metadata().is_ok());
    let location = file
        .strip_prefix(root)
        .unwrap_or(&file)
        .display()
        .to_string();
    let gitlab_ci = root.join(".gitlab-ci.yml").symlink_metadata().is_ok();
    Ok(Wanted {
        lines,
        notes,
        file,
        location,
        gitlab_ci,
    })
}

/// A line for each file of the kinds folder that some alliance's rules
/// come from (its kind's definition, schema and template, those of the
/// kinds it extends, its pulse instrument), owned by the parties of the
/// alliances that use it.
fn rules_lines(workspace: &Workspace, docs: &[Alliance]) -> Result<Vec<OwnersLine>, Failed> {
    let root = &workspace.root;
    let Some(folder) = workspace.config.kinds.as_deref() else {
        return Ok(Vec::new());
    };
    let Ok(entries) = crate::read::list_folder(root, folder) else {
        // The workspace read the folder's kinds; one it cannot list has none.
        return Ok(Vec::new());
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = crate::read::lexical(&cwd.join(folder));
    let Ok(relative) = absolute.strip_prefix(crate::read::lexical(&cwd.join(root))) else {
        return Ok(Vec::new());
    };
    let mut users: BTreeMap<String, Vec<OwnersLine>> = entries
        .iter()
        .filter_map(|e| e.path.file_name())
        .map(|n| (n.to_string_lossy().into_owned(), Vec::new()))
        .collect();
    for doc in docs {
        let (owned, _) = codeowners::lines(root, std::slice::from_ref(doc))?;
        for file in crate::ci::rules::files_of(doc, &workspace.kinds) {
            if let Some(lines) = users.get_mut(&file) {
                lines.extend(owned.iter().cloned());
            }
        }
    }
    let mut out = Vec::new();
    for (file, lines) in users {
        out.extend(codeowners::shared_line(&relative.join(file), &lines)?);
    }
    Ok(out)
}

impl Wanted {
    /// The platform that reads the file, judged by where it is and what it
    /// holds (`existing`).
    pub fn platform(&self, existing: Option<&str>) -> Platform {
        codeowners::platform(&self.location, existing.unwrap_or(""), self.gitlab_ci)
    }
}

/// The CODEOWNERS file's text, or `None` when there is none.
pub fn existing(workspace: &Workspace, file: &Path) -> Result<Option<String>, Failed> {
    match crate::read::read_text(&workspace.root, file, MAX_CODEOWNERS_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(Failed::Unreadable(vec![UnreadFile {
            path: file.to_path_buf(),
            reason: e.into(),
        }])),
    }
}

/// What `--write` did.
#[derive(Debug)]
pub struct Written {
    /// Whether the file was written (it was not when the block was there
    /// already, where it should be).
    pub changed: bool,
    /// Whether the block was moved to the end, below lines that overrode it.
    pub moved: bool,
    /// The file's verdict after the write.
    pub verdict: Verdict,
}

/// Write the block into the CODEOWNERS file (text `existing`, none when
/// `None`), where nothing overrides it; `shown` names the file in errors.
pub fn write(
    workspace: &Workspace,
    wanted: &Wanted,
    existing: Option<&str>,
    shown: &str,
) -> Result<Written, Failed> {
    let platform = wanted.platform(existing);
    let before = existing.unwrap_or("");
    let placed = codeowners::place(before, &wanted.lines, shown, platform)?;
    let verdict = codeowners::verdict(Some(&placed.text), &wanted.lines, shown, platform)?;
    let changed = existing.is_none() || placed.text != before;
    if changed {
        let replace = match existing {
            Some(text) => crate::write::atomic::Replace::IfUnchanged(text.as_bytes()),
            None => crate::write::atomic::Replace::Never,
        };
        let bytes = placed.text.as_bytes();
        crate::write::atomic::write(&workspace.root, &wanted.file, bytes, replace)?;
    }
    Ok(Written {
        changed,
        moved: placed.moved,
        verdict,
    })
}

/// The alliances among `paths` (the repository's when none): those that
/// name a kind. A file that cannot be read fails the run.
pub fn alliances(workspace: &Workspace, paths: &[PathBuf]) -> Result<Vec<Alliance>, Failed> {
    let found = workspace.discover(paths)?;
    let mut docs: Vec<Alliance> = Vec::new();
    let mut unreadable = found.skipped;
    for candidate in &found.documents {
        match workspace.read(candidate) {
            Ok(doc) if doc.declares_kind() => docs.push(doc),
            Ok(_) | Err(ReadError::NotText(_)) => {}
            Err(ReadError::Unread(file)) => unreadable.push(file),
        }
    }
    if !unreadable.is_empty() {
        return Err(Failed::Unreadable(unreadable));
    }
    if docs.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !paths.is_empty(),
        });
    }
    Ok(docs)
}
