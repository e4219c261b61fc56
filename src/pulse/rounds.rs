//! Where answers live and how they group into rounds.
//!
//! Beside the alliance `DIR/STEM.md` is the folder `DIR/STEM.pulse/`; in it
//! one folder per round, named by the day the round opened
//! (`2026-09-07/`), and in that one file per person, `HANDLE.yaml`. Two
//! people never write the same file, so their answers never conflict in
//! git. Files not ending in `.yaml` are left alone (a README, say).

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::answers::{AnswerFile, Expect, MAX_ANSWER_BYTES};
use crate::check::finding::{Finding, Rule};
use crate::workspace::{UnreadFile, read};

/// The folder of an alliance's pulse rounds: `DIR/STEM.pulse`.
pub fn pulse_folder(alliance: &Path) -> PathBuf {
    let stem = alliance
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    alliance.with_file_name(format!("{stem}.pulse"))
}

/// The day the newest round of the alliance at `alliance` opened: the
/// latest folder in its pulse folder named by a date (what `due` needs,
/// without reading the answers).
pub fn last_round(alliance: &Path) -> Option<Date> {
    std::fs::read_dir(pulse_folder(alliance))
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| crate::document::dates::parse_date(&e.file_name().to_string_lossy()).ok())
        .max()
}

/// The most rounds read for one alliance (a weekly round for forty years).
const MAX_ROUNDS: usize = 2_000;

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
    let Ok(entries) = std::fs::read_dir(&folder) else {
        // No folder: no rounds yet.
        return loaded;
    };
    let mut folders: Vec<(Date, PathBuf)> = Vec::new();
    let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    for path in names {
        if !path.is_dir() {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match crate::document::dates::parse_date(&name) {
            Ok(date) if date > expect.today => loaded.folder_findings.push((
                path.clone(),
                Finding::error(
                    Rule::PulseDateInFuture,
                    format!("the round {date} opens after today ({})", expect.today),
                )
                .help("a round is named by the day it opened"),
            )),
            Ok(date) => folders.push((date, path)),
            Err(_) => loaded.folder_findings.push((
                path.clone(),
                Finding::error(
                    Rule::InvalidPulseAnswer,
                    format!(
                        "`{}` in the pulse folder is not a round: a round's folder is named YYYY-MM-DD",
                        crate::document::clip(&name, 60)
                    ),
                )
                .help("rename it to the day the round opened, or move it out of the pulse folder"),
            )),
        }
    }
    folders.sort();
    if folders.len() > MAX_ROUNDS {
        folders.drain(..folders.len() - MAX_ROUNDS);
    }
    for (date, path) in folders {
        let round = load_round(root, date, &path, expect, &mut loaded.unread);
        for file in std::fs::read_dir(&path)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
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

fn load_round(
    root: &Path,
    date: Date,
    folder: &Path,
    expect: &Expect<'_>,
    unread: &mut Vec<UnreadFile>,
) -> Round {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
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
    Round {
        date,
        folder: folder.to_path_buf(),
        files,
        by_party,
    }
}
