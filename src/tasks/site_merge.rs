//! Site merge: an organisation's view across repositories, read from the
//! `site.json` each repository's `alliance site --url URL` wrote (`alliance
//! site --merge`), and the address a site is published at.
//!
//! A `site.json` is data from somewhere else, maybe hostile: it is read
//! capped, every field checked (a page is `alliances/<slug>.html`, an
//! address is `http(s)` or relative, dates are dates), and anything else is
//! refused with the file and the field named. Its text is escaped by
//! `report::site::merge`, never trusted. Nothing here ranks teams: the one
//! order is [`Organisation::by_attention`], what needs attention first.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;

use crate::due::Tier;
use crate::escape::html::{Address, address};
use crate::read::FileError;

/// The largest `site.json` read: 16 MiB, room for thousands of alliances.
pub const MAX_SITE_JSON: u64 = 16 * 1024 * 1024;

/// Why a `site.json` (or a site's address) was refused.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The file could not be read (missing, not a regular file, too large).
    #[error(transparent)]
    Read(#[from] FileError),
    /// The file is not the JSON `alliance site` writes.
    #[error("{}: not a site.json written by `alliance site`: {why}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// What serde said (line and column).
        why: String,
    },
    /// The file does not say where its site is published.
    #[error(
        "{}: no `url`: build that site with `alliance site --url URL`, URL being where it is published",
        path.display()
    )]
    NoUrl {
        /// The file.
        path: PathBuf,
    },
    /// A field holds something the site would not have written.
    #[error("{}: {field}: {why}", path.display())]
    Field {
        /// The file.
        path: PathBuf,
        /// The field, `alliances[2].page`.
        field: String,
        /// What is wrong with it.
        why: String,
    },
    /// An address a site would be published at is not one a link may have.
    #[error("--url {0}: not an http or https address, or a relative path (no query or fragment)")]
    Url(String),
}

/// Every team's alliances, teams in the order of their names.
#[derive(Debug, Clone)]
pub struct Organisation {
    /// The teams (one per `site.json`), by name.
    pub teams: Vec<Team>,
}

/// One repository's site, as its `site.json` tells it.
#[derive(Debug, Clone)]
pub struct Team {
    /// Its name: the repository's folder name as `site.json` gives it,
    /// else the file's folder name.
    pub name: String,
    /// Where its site is published, ending in `/` (its index is
    /// `index.html` there, which a link names, for `file://`).
    pub url: String,
    /// The day its site was judged by.
    pub today: Date,
    /// Its alliances.
    pub alliances: Vec<TeamAlliance>,
}

/// One alliance of a team, as the organisation's index shows it.
#[derive(Debug, Clone)]
pub struct TeamAlliance {
    /// Its title.
    pub title: String,
    /// Its page on the team's site: the site's URL and `alliances/<slug>.html`.
    pub href: String,
    /// Its kind.
    pub kind: String,
    /// Its status.
    pub status: String,
    /// Its parties.
    pub parties: Vec<String>,
    /// The next review's date, tier and days overdue (negative before).
    pub next: Option<(Date, Tier, i64)>,
    /// Who has not agreed to the current text; `None` when unknown.
    pub waiting: Option<Vec<String>>,
}

/// What an alliance needs, most pressing first. Never a score: an
/// alliance's place says what to do about it, not how good the team is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attention {
    /// Its review date has passed.
    Overdue,
    /// A party has not agreed to the current text.
    WaitingForConsent,
    /// Its review is due within the site's window.
    DueSoon,
    /// Nothing to do now.
    Settled,
}

impl TeamAlliance {
    /// What this alliance needs now.
    pub fn attention(&self) -> Attention {
        match (&self.next, &self.waiting) {
            (Some((_, Tier::Overdue, _)), _) => Attention::Overdue,
            (_, Some(waiting)) if !waiting.is_empty() => Attention::WaitingForConsent,
            (Some((_, Tier::DueSoon, _)), _) => Attention::DueSoon,
            _ => Attention::Settled,
        }
    }
}

impl Organisation {
    /// Every alliance with its team, what needs attention first: overdue
    /// (the earliest review date first), waiting for consent, due soon,
    /// then the rest; within each, by date, then team and title by name.
    pub fn by_attention(&self) -> Vec<(&Team, &TeamAlliance)> {
        let mut all: Vec<(&Team, &TeamAlliance)> = self
            .teams
            .iter()
            .flat_map(|team| team.alliances.iter().map(move |a| (team, a)))
            .collect();
        all.sort_by(|(ta, a), (tb, b)| {
            let date = |x: &TeamAlliance| x.next.map(|(d, _, _)| d);
            let key = |x: &TeamAlliance| (x.attention(), date(x).is_none(), date(x));
            key(a)
                .cmp(&key(b))
                .then_with(|| ta.name.cmp(&tb.name))
                .then_with(|| a.title.cmp(&b.title))
        });
        all
    }
}

/// Read every `site.json` in `files` into one organisation; the first
/// file refused stops the merge.
pub fn merge(files: &[PathBuf]) -> Result<Organisation, MergeError> {
    let mut teams = files
        .iter()
        .map(|path| team(path))
        .collect::<Result<Vec<_>, _>>()?;
    teams.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.url.cmp(&b.url)));
    Ok(Organisation { teams })
}

/// The address a site is published at, checked as a link's address and
/// ending in `/`: `https://org.github.io/team/`, or a relative path such as
/// `../team/`.
pub fn site_url(url: &str) -> Result<String, MergeError> {
    let refused = || MergeError::Url(crate::escape::sanitize(url).into_owned());
    let web = |a: &str| {
        let lower = a.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    };
    match address(url) {
        _ if url.contains(['?', '#', '"', '<', '>', '\'']) => Err(refused()),
        Some(Address::Outside(a)) if web(&a) => Ok(slashed(a)),
        Some(Address::Relative(a)) if !a.starts_with('/') => Ok(slashed(a)),
        _ => Err(refused()),
    }
}

fn slashed(mut url: String) -> String {
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// What a `site.json` holds, as `alliance site` writes it (fields it may
/// add later are passed over).
#[derive(Deserialize)]
struct SiteJson {
    today: String,
    url: Option<String>,
    repository: Option<String>,
    alliances: Vec<AllianceJson>,
}

#[derive(Deserialize)]
struct AllianceJson {
    title: String,
    page: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    parties: Vec<String>,
    #[serde(default)]
    review: ReviewJson,
    consent: Option<ConsentJson>,
}

#[derive(Deserialize, Default)]
struct ReviewJson {
    next: Option<String>,
    tier: Option<String>,
    days_overdue: Option<i64>,
}

#[derive(Deserialize)]
struct ConsentJson {
    waiting: Vec<String>,
}

/// One `site.json`, read and checked.
fn team(path: &Path) -> Result<Team, MergeError> {
    let bytes = crate::read::read_named(path, MAX_SITE_JSON)?;
    let json: SiteJson = serde_json::from_slice(&bytes).map_err(|e| MergeError::Json {
        path: path.to_path_buf(),
        why: e.to_string(),
    })?;
    let field = |field: String, why: &str| MergeError::Field {
        path: path.to_path_buf(),
        field,
        why: why.to_owned(),
    };
    let url = json.url.as_deref().ok_or_else(|| MergeError::NoUrl {
        path: path.to_path_buf(),
    })?;
    let url = site_url(url).map_err(|_| {
        field(
            "url".into(),
            "not an http or https address, or a relative path",
        )
    })?;
    let today = date(&json.today).ok_or_else(|| field("today".into(), "not a date"))?;
    let name = json
        .repository
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| {
            let folder = path.parent().and_then(Path::file_name);
            folder.map_or_else(|| "site".to_owned(), |f| f.to_string_lossy().into_owned())
        });
    let alliances = json
        .alliances
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            alliance(a, &url).map_err(|(f, why)| field(format!("alliances[{i}].{f}"), why))
        })
        .collect::<Result<_, _>>()?;
    Ok(Team {
        name,
        url,
        today,
        alliances,
    })
}

/// One alliance of a `site.json`, or the field that is wrong and why.
fn alliance(a: AllianceJson, url: &str) -> Result<TeamAlliance, (&'static str, &'static str)> {
    if !crate::tasks::site::is_page_name(&a.page) {
        return Err(("page", "not alliances/<name>.html"));
    }
    let next = match (&a.review.next, &a.review.tier) {
        (Some(next), Some(tier)) => {
            let date = date(next).ok_or(("review.next", "not a date"))?;
            let tier = match tier.as_str() {
                "overdue" => Tier::Overdue,
                "due-soon" => Tier::DueSoon,
                "ok" => Tier::Ok,
                _ => return Err(("review.tier", "not overdue, due-soon or ok")),
            };
            Some((date, tier, a.review.days_overdue.unwrap_or(0)))
        }
        (None, None) => None,
        _ => return Err(("review", "a next date needs its tier, and a tier its date")),
    };
    Ok(TeamAlliance {
        href: format!("{url}{}", a.page),
        title: a.title,
        kind: a.kind,
        status: a.status,
        parties: a.parties,
        next,
        waiting: a.consent.map(|c| c.waiting),
    })
}

fn date(text: &str) -> Option<Date> {
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_url_is_a_web_address_or_a_relative_path() {
        assert_eq!(
            site_url("https://org.github.io/team").ok().as_deref(),
            Some("https://org.github.io/team/")
        );
        assert_eq!(site_url("../team/").ok().as_deref(), Some("../team/"));
        for refused in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:x",
            "data:text/html,x",
            "mailto:a@b.c",
            "//evil.example/",
            "/root/",
            "https://x/?q=1",
            "https://x/#top",
            "https://x/\"onmouseover=",
            "",
        ] {
            assert!(site_url(refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn pages_are_only_the_sites_own() {
        assert!(crate::tasks::site::is_page_name(
            "alliances/team-alliance.html"
        ));
        for refused in [
            "alliances/../index.html",
            "alliances/x.html?x",
            "javascript:x",
            "alliances/.html",
            "alliances/A.html",
            "https://evil/alliances/x.html",
        ] {
            assert!(!crate::tasks::site::is_page_name(refused), "{refused}");
        }
    }

    #[test]
    fn attention_puts_overdue_then_consent_then_due_soon() {
        let alliance = |next: Option<Tier>, waiting: &[&str]| TeamAlliance {
            title: String::new(),
            href: String::new(),
            kind: String::new(),
            status: String::new(),
            parties: Vec::new(),
            next: next.map(|t| (Date::constant(2026, 12, 1), t, 0)),
            waiting: Some(waiting.iter().map(|w| (*w).to_owned()).collect()),
        };
        assert_eq!(
            alliance(Some(Tier::Overdue), &["@a"]).attention(),
            Attention::Overdue
        );
        assert_eq!(
            alliance(Some(Tier::DueSoon), &["@a"]).attention(),
            Attention::WaitingForConsent
        );
        assert_eq!(
            alliance(Some(Tier::DueSoon), &[]).attention(),
            Attention::DueSoon
        );
        assert_eq!(alliance(None, &[]).attention(), Attention::Settled);
    }
}
