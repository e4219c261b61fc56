//! Where answers live and how they group into rounds.
//!
//! Beside the alliance `DIR/STEM.md` is the folder `DIR/STEM.pulse/`; in it
//! one folder per round, named by the day the round opened
//! (`2026-09-07/`), and in that one file per person, `HANDLE.yaml`. Two
//! people never write the same file, so their answers never conflict in
//! git. Files not ending in `.yaml` are left alone (a README, say).
//!
//! Folders are listed through the one reader (`read::list_folder`):
//! a pulse folder or a round's folder that links out of the repository is
//! never looked into (its names are not findings, its dates drive no `due`),
//! and is reported by the path it has inside the repository.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::answers::{AnswerFile, Expect, MAX_ANSWER_BYTES};
use crate::check::finding::{Finding, Rule};
use crate::read::{self, Entry, EntryKind};
use crate::workspace::UnreadFile;

/// The folder of an alliance's pulse rounds: `DIR/STEM.pulse`.
pub fn pulse_folder(alliance: &Path) -> PathBuf {
    let stem = alliance
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    alliance.with_file_name(format!("{stem}.pulse"))
}

/// The day the newest round of the alliance at `alliance` (in the
/// repository at `root`) opened: the latest folder in its pulse folder
/// named by a date (what `due` needs, without reading the answers). A
/// pulse folder, or a round's folder, that links out of the repository is
/// not looked into.
pub fn last_round(root: &Path, alliance: &Path) -> Option<Date> {
    read::list_folder(root, &pulse_folder(alliance))
        .ok()?
        .into_iter()
        .filter(|e| e.kind == EntryKind::Folder)
        .filter_map(|e| crate::document::dates::parse_date(&file_name(&e.path)).ok())
        .max()
}

/// Whether anything is at the alliance's pulse folder path: a folder, or
/// something [`load`] refuses and says why (a link out of the repository,
/// a file). The link itself is looked at, never followed.
pub fn names_pulse_folder(alliance: &Path) -> bool {
    pulse_folder(alliance).symlink_metadata().is_ok()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The most rounds read for one alliance (a weekly round for forty years).
const MAX_ROUNDS: usize = 2_000;

/// The most answer files read for one alliance, all rounds together: the
/// report's memory is rounds × parties × items, and 2,000 answers of 200
/// items (1,000 weekly rounds of two people, or 100 rounds of twenty) stay
/// within the one-document budget. Past it, the oldest rounds are not read.
const MAX_ANSWERS: usize = 2_000;

/// The round folders (oldest first, as given) listed, keeping the newest
/// whose answer files add up to at most [`MAX_ANSWERS`] (the newest round
/// always).
fn newest_within_answers(
    root: &Path,
    folders: Vec<(Date, PathBuf)>,
) -> Vec<(Date, PathBuf, Vec<read::Entry>)> {
    let mut kept = Vec::new();
    let mut answers = 0usize;
    for (date, path) in folders.into_iter().rev() {
        let listed = read::list_folder(root, &path).unwrap_or_default();
        answers += listed
            .iter()
            .filter(|e| e.path.extension().is_some_and(|x| x == "yaml"))
            .count();
        if answers > MAX_ANSWERS && !kept.is_empty() {
            break;
        }
        kept.push((date, path, listed));
    }
    kept.reverse();
    kept
}

/// The most answer files read in one round.
const MAX_FILES_PER_ROUND: usize = 200;

/// One round as found on disk.
#[derive(Debug, Clone)]
pub struct Round {
    /// The day it opened: its folder's name.
    pub date: Date,
    /// Its folder.
    pub folder: PathBuf,
    /// Its answer files, in file-name order, each validated.
    pub files: Vec<AnswerFile>,
    /// For each party (in the alliance's order), the index in `files` of
    /// the answers that count: the first file of theirs with a score.
    pub by_party: Vec<Option<usize>>,
}

impl Round {
    /// How many parties have answered.
    pub fn answered(&self) -> usize {
        self.by_party.iter().filter(|p| p.is_some()).count()
    }

    /// Whether every party has answered.
    pub fn complete(&self) -> bool {
        !self.by_party.is_empty() && self.by_party.iter().all(Option::is_some)
    }

    /// The answers of party `i`, if they answered.
    pub fn of(&self, party: usize) -> Option<&AnswerFile> {
        self.by_party
            .get(party)
            .copied()
            .flatten()
            .and_then(|i| self.files.get(i))
    }
}

/// Every round of an alliance and what was wrong on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The rounds, oldest first.
    pub rounds: Vec<Round>,
    /// Findings about folders rather than files (a round folder whose name
    /// is not a date, one dated after today): the folder and the finding.
    pub folder_findings: Vec<(PathBuf, Finding)>,
    /// Files that could not be read at all.
    pub unread: Vec<UnreadFile>,
}

/// Read every round of the alliance at `alliance` (inside the repository
/// at `root`), validating each answer file against `expect`.
pub fn load(root: &Path, alliance: &Path, expect: &Expect<'_>) -> Loaded {
    let folder = pulse_folder(alliance);
    let mut loaded = Loaded::default();
    let entries = match read::list_folder(root, &folder) {
        Ok(entries) => entries,
        // No folder: no rounds yet.
        Err(e) if e.is_not_found() => return loaded,
        Err(e) => {
            loaded.unread.push(UnreadFile {
                path: folder,
                reason: e.into(),
            });
            return loaded;
        }
    };
    let mut folders: Vec<(Date, PathBuf)> = Vec::new();
    for entry in entries {
        match entry.kind {
            EntryKind::Folder => {}
            EntryKind::LinkOutside => {
                unread_link(&mut loaded.unread, root, entry.path);
                continue;
            }
            EntryKind::File | EntryKind::Other => continue,
        }
        let path = entry.path;
        match crate::document::dates::parse_date(&file_name(&path)) {
            Ok(date) if date > expect.today => loaded
                .folder_findings
                .push((path, future_round(date, expect.today))),
            Ok(date) => folders.push((date, path)),
            Err(_) => {
                let finding = not_a_round(&file_name(&path));
                loaded.folder_findings.push((path, finding));
            }
        }
    }
    folders.sort();
    if folders.len() > MAX_ROUNDS {
        folders.drain(..folders.len() - MAX_ROUNDS);
    }
    for (date, path, listed) in newest_within_answers(root, folders) {
        let round = load_round(root, date, &path, &listed, expect, &mut loaded.unread);
        for file in listed
            .into_iter()
            .map(|e| e.path)
            .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        {
            loaded.folder_findings.push((
                file,
                Finding::error(
                    Rule::InvalidPulseAnswer,
                    "not read: answer files are named HANDLE.yaml".to_owned(),
                )
                .help("rename it to end in .yaml"),
            ));
        }
        loaded.rounds.push(round);
    }
    loaded.folder_findings.sort_by(|a, b| a.0.cmp(&b.0));
    loaded
}

/// A round's folder that is a link out of the repository: not read, and
/// said so (the reader's words, naming the path inside the repository).
fn unread_link(unread: &mut Vec<UnreadFile>, root: &Path, path: PathBuf) {
    if let Err(e) = read::resolve_inside(root, &path) {
        unread.push(UnreadFile {
            path,
            reason: e.into(),
        });
    }
}

fn future_round(date: Date, today: Date) -> Finding {
    Finding::error(
        Rule::PulseDateInFuture,
        format!("the round {date} opens after today ({today})"),
    )
    .help("a round is named by the day it opened")
}

fn not_a_round(name: &str) -> Finding {
    Finding::error(
        Rule::InvalidPulseAnswer,
        format!(
            "`{}` in the pulse folder is not a round: a round's folder is named YYYY-MM-DD",
            crate::document::clip(name, 60)
        ),
    )
    .help("rename it to the day the round opened, or move it out of the pulse folder")
}

/// The round in `folder`, whose entries are `listed`: every entry named
/// `*.yaml` is read (the reader refuses a link out or a pipe, saying why).
fn load_round(
    root: &Path,
    date: Date,
    folder: &Path,
    listed: &[Entry],
    expect: &Expect<'_>,
    unread: &mut Vec<UnreadFile>,
) -> Round {
    let mut paths: Vec<PathBuf> = listed
        .iter()
        .map(|e| e.path.clone())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.truncate(MAX_FILES_PER_ROUND);
    let mut files = Vec::new();
    for path in paths {
        match read::read_text(root, &path, MAX_ANSWER_BYTES) {
            Ok(text) => {
                let mut file = AnswerFile::parse(&path, text);
                file.validate(expect);
                files.push(file);
            }
            Err(e) => unread.push(UnreadFile {
                path,
                reason: e.into(),
            }),
        }
    }
    let by_party = by_party(&mut files, expect);
    Round {
        date,
        folder: folder.to_path_buf(),
        files,
        by_party,
    }
}

/// For each party (in `expect`'s order), the index in `files` of the
/// answers that count; a file not named after its rater (A060) or a second
/// one (A064) gets its finding.
pub(super) fn by_party(files: &mut [AnswerFile], expect: &Expect<'_>) -> Vec<Option<usize>> {
    let mut by_party: Vec<Option<usize>> = vec![None; expect.handles.len()];
    // A file named after its rater counts before one that is not: the
    // misnamed one is the duplicate.
    let named_right = |f: &AnswerFile| {
        let stem = f.path.file_stem().map(|s| s.to_string_lossy().into_owned());
        f.rater
            .as_ref()
            .is_some_and(|r| stem.is_some_and(|s| s.eq_ignore_ascii_case(&r.value)))
    };
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| !named_right(&files[i]));
    for i in order {
        let Some(rater) = files[i].rater.clone() else {
            continue;
        };
        let stem = files[i]
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !stem.eq_ignore_ascii_case(&rater.value) {
            let finding = Finding::error(
                Rule::InvalidPulseAnswer,
                format!(
                    "the answers of `{}` are in {stem}.yaml",
                    crate::document::clip(&rater.value, 60)
                ),
            )
            .help("name each answer file after its rater (HANDLE.yaml), so two people never write one file");
            files[i].push(finding, rater.span);
        }
        let Some(party) = expect
            .handles
            .iter()
            .position(|h| h.eq_ignore_ascii_case(&rater.value))
        else {
            continue;
        };
        if !files[i].has_scores() {
            continue;
        }
        match by_party[party] {
            None => by_party[party] = Some(i),
            Some(first) => {
                let first_name = files[first]
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let finding = Finding::error(
                    Rule::DuplicatePulseAnswer,
                    format!(
                        "`{}` already answered this round in {first_name}",
                        expect.handles[party]
                    ),
                )
                .help("keep one file per person per round; the first one counts");
                files[i].push(finding, rater.span);
            }
        }
    }
    by_party
}
