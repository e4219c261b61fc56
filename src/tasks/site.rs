//! Site: what `alliance site` shows of a repository's alliances, gathered
//! as data (each alliance's front matter, the date of its next review and
//! where that stands, its consent with proofs, its Markdown body), and the
//! place the site may be written.
//!
//! Rendering the pages is `report::site`'s; writing them is
//! [`crate::write::atomic`]'s, inside the repository only.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::civil::Date;

use crate::Failed;
use crate::agenda::{Agenda, Since};
use crate::attest::Attestor;
use crate::consent::Consent;
use crate::document::Alliance;
use crate::due::{self, Window};
use crate::history::reviews::{self, CommitList, ReviewLog, Side};
use crate::history::{History, HistoryError};
use crate::pulse::{Instruments, Picture, PulseError};
use crate::workspace::{ReadError, UnreadFile, Workspace};

/// Everything the site shows.
#[derive(Debug, Clone)]
pub struct Site {
    /// The day the site was judged by: what is overdue is overdue then.
    pub today: Date,
    /// The alliances, in discovery's order.
    pub alliances: Vec<SiteAlliance>,
    /// The repository's name (its folder's), for an organisation's view.
    pub repository: String,
    /// Where the site is published (`--url`, checked by
    /// [`crate::tasks::site_merge::site_url`]), for an organisation's view
    /// to link to; `None` when not given.
    pub url: Option<String>,
}

/// One alliance, as the site shows it.
#[derive(Debug, Clone)]
pub struct SiteAlliance {
    /// The name of its page, `alliances/<slug>.html`: lower-case letters,
    /// digits and dashes only, unique in the site.
    pub slug: String,
    /// Its file, from the repository root.
    pub path: PathBuf,
    /// Its title (front matter, else first heading).
    pub title: String,
    /// Its kind, as written.
    pub kind: String,
    /// Its status (`active`, `draft`, ...).
    pub status: String,
    /// Its parties, each as `Name (@handle)`.
    pub parties: Vec<String>,
    /// `review.last`, when it is a date.
    pub last_review: Option<Date>,
    /// The next review and where it stands; `None` for a retired
    /// alliance, or one with no cadence.
    pub review: Option<due::Due>,
    /// Who agreed to the current text; `None` when the front matter cannot
    /// be read.
    pub consent: Option<Consent>,
    /// The Markdown body, after the front matter.
    pub body: String,
    /// Its pulse, as of the site's day with the open round sealed; `None`
    /// when it has no pulse rounds, why not when they cannot be read.
    pub pulse: Option<Shown<Picture>>,
    /// Its reviews read from git, oldest first, each with what changed
    /// since the one before; why not when there is no history.
    pub reviews: Shown<ReviewLog>,
    /// The agenda of its next review (on its date, or the site's day when
    /// that has passed); `None` when no review is planned.
    pub agenda: Option<Shown<Agenda>>,
}

/// A part of a page that may not be worked out: the data, or why not (for
/// people, shown on the page in its place).
pub type Shown<T> = Result<T, String>;

/// Gather the site of the documents under `paths` (the repository's when
/// none), judged by `window` (its day, and how soon is due soon); the
/// files that could not be read come back beside it.
pub fn gather(
    workspace: &Workspace,
    paths: &[PathBuf],
    window: Window,
) -> Result<(Site, Vec<UnreadFile>), Failed> {
    let found = workspace.discover(paths)?;
    let cwd = std::env::current_dir().map_err(Failed::Io)?;
    let mut history = History::discover(&cwd).map_err(|e| history_words(&e));
    if let Ok(history) = &mut history {
        // Every alliance's history from one walk of the commits.
        let paths: Vec<PathBuf> = found
            .documents
            .iter()
            .filter_map(|c| history.relative(&c.path, &cwd).ok())
            .collect();
        history.index_paths(&paths);
    }
    let reader = Reader {
        workspace,
        attestor: Attestor::for_workspace(workspace, Vec::new())?,
        histories: history.map(Histories::new),
        instruments: Instruments::with_folder(workspace.config.kinds.as_deref())
            .map_err(|e| PulseError::from(e).to_string()),
        cwd,
        window,
    };
    let mut unread = found.skipped;
    let mut read = Vec::new();
    let mut slugs = HashSet::new();
    for candidate in &found.documents {
        let doc = match workspace.read(candidate) {
            Ok(doc) if doc.declares_kind() => doc,
            Ok(_) | Err(ReadError::NotText(_)) => continue,
            Err(ReadError::Unread(file)) => {
                unread.push(file);
                continue;
            }
        };
        let path = workspace.in_repository(&doc.path);
        let slug = unique(slug(&path), &mut slugs);
        read.push((doc, path, slug));
    }
    // Each alliance's history, agenda and pulse on every core, in order.
    let alliances = crate::parallel::map_files(&read, |(doc, path, slug)| {
        reader.alliance(doc, path.clone(), slug.clone())
    });
    let today = window.today;
    let repository = crate::read::canonical_root(&workspace.root)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let site = Site {
        today,
        alliances,
        repository,
        url: None,
    };
    Ok((site, unread))
}

/// The repository opened once for each thread that reads alliances (a
/// `History` serves one thread at a time), all sharing one walk index.
struct Histories {
    /// The first one opened, which the others are opened from.
    first: Mutex<History>,
    /// Opened ones not in use.
    free: Mutex<Vec<History>>,
}

impl Histories {
    fn new(first: History) -> Histories {
        Histories {
            first: Mutex::new(first),
            free: Mutex::new(Vec::new()),
        }
    }

    /// `f` with a history of its own, or why none could be opened.
    fn with<R>(&self, f: impl FnOnce(&History) -> R) -> Shown<R> {
        let taken = self.free.lock().ok().and_then(|mut free| free.pop());
        let history = match taken {
            Some(history) => history,
            None => {
                let first = self.first.lock().map_err(|_| "the history is unusable")?;
                first.reopen().map_err(|e| history_words(&e))?
            }
        };
        let out = f(&history);
        if let Ok(mut free) = self.free.lock() {
            free.push(history);
        }
        Ok(out)
    }
}

/// What every alliance is read with: the repository, its history, and the
/// day. Shared by the threads that read alliances.
struct Reader<'a> {
    workspace: &'a Workspace,
    attestor: Attestor,
    /// The repository's history, or why there is none (for people).
    histories: Shown<Histories>,
    /// The pulse instruments, loaded once, or why they cannot be.
    instruments: Shown<Instruments>,
    cwd: PathBuf,
    window: Window,
}

impl Reader<'_> {
    /// Everything the site shows of `doc`: its history read once.
    fn alliance(&self, doc: &Alliance, path: PathBuf, slug: String) -> SiteAlliance {
        let mut shown = alliance(doc, path, slug, &self.window, &self.attestor);
        shown.pulse = self.pulse(doc);
        let with_history = |history: Result<&History, &str>| {
            let (reviews, since) = self.reviews(history, doc);
            let agenda = shown.review.as_ref().map(|due| {
                let date = due.date.max(self.window.today);
                let picture = shown.pulse.as_ref().and_then(|p| p.as_ref().ok());
                self.agenda(history.ok(), doc, date, since, picture)
            });
            (reviews, agenda)
        };
        let read = match &self.histories {
            Ok(histories) => histories.with(|history| with_history(Ok(history))),
            Err(why) => Ok(with_history(Err(why))),
        };
        let (reviews, agenda) = read.unwrap_or_else(|why| with_history(Err(&why)));
        shown.reviews = reviews;
        shown.agenda = agenda;
        shown
    }

    /// The pulse picture of `doc` as of the site's day, the open round
    /// sealed (as the agenda reads it); `None` when it has no rounds.
    fn pulse(&self, doc: &Alliance) -> Option<Shown<Picture>> {
        crate::pulse::rounds::last_round(&self.workspace.root, &doc.path)?;
        let instruments = match &self.instruments {
            Ok(instruments) => instruments,
            Err(why) => return Some(Err(why.clone())),
        };
        let today = self.window.today;
        let picture = crate::tasks::agenda::sealed_picture(self.workspace, instruments, doc, today);
        Some(picture.map_err(|e| e.to_string()))
    }

    /// The review log of `doc` and what changed since its last review,
    /// from one walk of its history.
    fn reviews(
        &self,
        history: Result<&History, &str>,
        doc: &Alliance,
    ) -> (Shown<ReviewLog>, Since) {
        let history = match history {
            Ok(history) => history,
            Err(why) => return (Err(why.to_owned()), Since::Unavailable(why.to_owned())),
        };
        let read = || {
            let relative = history.relative(&doc.path, &self.cwd)?;
            let (log, last) = reviews::log_and_last_review(history, &relative, CommitList::Never)?;
            let now = Side {
                label: "the working tree".to_owned(),
                commit: None,
                path: relative,
                doc: doc.clone(),
            };
            let since = match last {
                Some(last) => crate::tasks::agenda::since(&last, &now),
                None => Since::Unavailable("no review in the history yet".to_owned()),
            };
            Ok::<_, HistoryError>((log, since))
        };
        match read() {
            Ok((log, since)) => (Ok(log), since),
            Err(e) => (
                Err(history_words(&e)),
                Since::Unavailable(history_words(&e)),
            ),
        }
    }

    /// The agenda of `doc`'s review on `date`, or why there is none.
    fn agenda(
        &self,
        history: Option<&History>,
        doc: &Alliance,
        date: Date,
        since: Since,
        picture: Option<&Picture>,
    ) -> Shown<Agenda> {
        let read = crate::tasks::agenda::Read {
            workspace: self.workspace,
            attestor: &self.attestor,
            history,
        };
        crate::tasks::agenda::usable(doc, &doc.path)
            .and_then(|()| {
                crate::tasks::agenda::prepare_from(&read, doc, date, None, since, picture)
            })
            .map_err(|e| e.to_string())
    }
}

/// Why an alliance has no review history, for people.
fn history_words(e: &HistoryError) -> String {
    match e {
        HistoryError::NotARepository { .. } => {
            "this is not a git repository, so there is no review history".to_owned()
        }
        HistoryError::NeverTracked(_) => "never committed, so no reviews yet".to_owned(),
        e => e.to_string(),
    }
}

/// What the site shows of `doc`.
fn alliance(
    doc: &Alliance,
    path: PathBuf,
    slug: String,
    window: &Window,
    attestor: &Attestor,
) -> SiteAlliance {
    let fields = doc.fields();
    let text = |t: Option<&crate::document::Text>| t.map(|t| t.value.clone()).unwrap_or_default();
    let review = match due::assess(doc, window) {
        due::Outcome::Listed(listed) => listed.review,
        due::Outcome::Retired | due::Outcome::Broken(_) => None,
    };
    SiteAlliance {
        slug,
        path,
        title: doc.display_title().unwrap_or("(untitled)").to_owned(),
        kind: text(fields.and_then(|f| f.kind.as_ref())),
        status: fields
            .map(|f| f.status().as_str().to_owned())
            .unwrap_or_default(),
        parties: fields
            .map(|f| f.parties.iter().map(|p| p.label()).collect())
            .unwrap_or_default(),
        last_review: fields
            .and_then(|f| f.review.last.as_ref())
            .and_then(|d| d.get()),
        review,
        consent: Consent::of(doc, &attestor.proofs(doc)),
        body: doc
            .text
            .get(doc.body_start..)
            .unwrap_or_default()
            .to_owned(),
        pulse: None,
        reviews: Err(String::new()),
        agenda: None,
    }
}

/// A page name for the file at `path`: its path without `.md`, in
/// lower-case letters, digits and dashes.
pub fn slug(path: &Path) -> String {
    let name = path.with_extension("");
    let mut slug = String::new();
    for c in name.to_string_lossy().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "alliance".to_owned()
    } else {
        slug.to_owned()
    }
}

/// `slug`, or `slug-2`, `slug-3`... when it is taken.
fn unique(slug: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = slug.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{slug}-{n}");
        n += 1;
    }
    candidate
}

/// The folder the site goes in: `dir` (default `site` in the repository),
/// refused when it is not inside the repository (nothing is written then).
pub fn output_folder(workspace: &Workspace, dir: Option<&Path>) -> Result<PathBuf, Failed> {
    let dir = dir.map_or_else(|| workspace.root.join("site"), Path::to_path_buf);
    let cwd = std::env::current_dir().map_err(Failed::Io)?;
    let absolute = crate::read::lexical(&cwd.join(&dir));
    let root = crate::read::lexical(&cwd.join(&workspace.root));
    let real_root = crate::read::canonical_root(&workspace.root);
    let inside = |root: &Path| {
        absolute
            .strip_prefix(root)
            .is_ok_and(|r| !r.as_os_str().is_empty())
    };
    if inside(&root) || inside(&real_root) {
        Ok(dir)
    } else {
        Err(Failed::Write(crate::write::atomic::WriteError::Outside {
            path: dir,
            root: workspace.root.clone(),
            how: None,
        }))
    }
}

/// Write the site's `files` (paths inside `dir`) all or nothing, replacing
/// the pages of an earlier run. With `prune`, the pages an earlier run
/// wrote (named in its `site.json`) of alliances that are gone are
/// removed after; nothing else is. Returns how many were removed.
pub fn write(
    workspace: &Workspace,
    dir: &Path,
    files: &[(PathBuf, Vec<u8>)],
    prune: bool,
) -> Result<usize, Failed> {
    let stale: Vec<PathBuf> = if prune {
        let keep: HashSet<&Path> = files.iter().map(|(path, _)| path.as_path()).collect();
        written_pages(workspace, dir)
            .into_iter()
            .filter(|page| !keep.contains(page.as_path()))
            .collect()
    } else {
        Vec::new()
    };
    let files: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(path, bytes)| (dir.join(path), bytes.as_slice()))
        .collect();
    crate::write::atomic::write_all(
        &workspace.root,
        &files,
        crate::write::atomic::Replace::Always,
    )?;
    let mut removed = 0;
    for page in stale {
        removed += usize::from(crate::write::atomic::remove(
            &workspace.root,
            &dir.join(page),
        )?);
    }
    Ok(removed)
}

/// The alliance pages an earlier run wrote in `dir`, as its `site.json`
/// names them: only names the site gives (`alliances/<slug>.html`); none
/// when there is no such file or it cannot be read.
fn written_pages(workspace: &Workspace, dir: &Path) -> Vec<PathBuf> {
    let json = dir.join("site.json");
    let Ok(bytes) =
        crate::read::read_file(&workspace.root, &json, crate::workspace::MAX_FILE_BYTES)
    else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Vec::new();
    };
    let pages = value["alliances"].as_array().into_iter().flatten();
    pages
        .filter_map(|a| a["page"].as_str())
        .filter(|page| is_page_name(page))
        .map(PathBuf::from)
        .collect()
}

/// Whether `page` is a name the site gives a page: `alliances/`, a slug
/// (lower-case letters, digits and dashes), `.html`. What a `site.json`
/// may name, here and in [`crate::tasks::site_merge`].
pub fn is_page_name(page: &str) -> bool {
    page.strip_prefix("alliances/")
        .and_then(|rest| rest.strip_suffix(".html"))
        .is_some_and(|slug| {
            !slug.is_empty()
                && slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_and_unique() {
        assert_eq!(slug(Path::new("TEAM_ALLIANCE.md")), "team-alliance");
        assert_eq!(
            slug(Path::new("one on ones/Ada & Grace.md")),
            "one-on-ones-ada-grace"
        );
        assert_eq!(slug(Path::new("../<x>.md")), "x");
        assert_eq!(slug(Path::new("é.md")), "alliance");
        assert!(is_page_name("alliances/team-alliance-2.html"));
        for not in [
            "alliances/../x.html",
            "alliances/a/b.html",
            "alliances/.html",
            "alliances/A.html",
            "index.html",
            "alliances/x.htm",
            "/etc/alliances/x.html",
        ] {
            assert!(!is_page_name(not), "{not}");
        }
        let mut taken = HashSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
        assert_eq!(unique("a".into(), &mut taken), "a-3");
    }
}
