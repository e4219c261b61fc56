//! `alliance ci`: what a pull request (merge request) does to the
//! repository's alliances, and the forge it is posted to.
//!
//! [`Environment`] reads what GitHub Actions and GitLab CI set (the base of
//! the change, the API, the pull request, the token); [`changes`] turns the
//! files a change touches into a [`ChangeSet`] of alliances; [`forge`] is
//! the only code that talks to a forge's API. Rendering is `report::ci`'s.

/// The hidden first line of the comment. Found again by it, the comment is
/// updated in place instead of posted twice.
pub const MARKER: &str = "<!-- alliance-ci-comment (updated in place by `alliance ci comment`) -->";

pub mod changes;
pub mod forge;
pub mod remind;
pub mod rules;

use std::collections::BTreeMap;
use std::path::PathBuf;

use forge::{Budget, Forge, GitHub, GitLab};

pub use crate::ci::changes::ChangeSet;

/// The environment variable that holds the GitLab token (a project or
/// personal access token with the `api` scope): GitLab's job token cannot
/// write merge-request notes.
pub const GITLAB_TOKEN_VAR: &str = "ALLIANCE_GITLAB_TOKEN";

/// Where the summary goes outside GitHub Actions (GitLab keeps it as an
/// artifact). Not `*alliance*.md`: discovery would take it for an alliance.
pub const SUMMARY_FILE: &str = "ci-summary.md";

/// The environment variable that sets how many seconds one request to the
/// forge may take (default 20; the command stops asking after six times
/// that).
pub const HTTP_TIMEOUT_VAR: &str = "ALLIANCE_HTTP_TIMEOUT";

/// The largest event file read (GitHub's are a few hundred kilobytes).
const EVENT_LIMIT: u64 = 16 * 1024 * 1024;

/// Why the CI's environment cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CiError {
    /// Neither GitHub Actions nor GitLab CI.
    #[error(
        "not running in GitHub Actions or GitLab CI (neither GITHUB_ACTIONS nor GITLAB_CI is set); pass --dry-run to print what would be posted"
    )]
    NoForge,
    /// A variable the forge needs is missing.
    #[error("{var} is not set; {why}")]
    Missing {
        /// The variable.
        var: &'static str,
        /// What it is for.
        why: &'static str,
    },
    /// A variable has a value that cannot be used.
    #[error("{var}={value:?}: {why}")]
    Invalid {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// No base to compare with.
    #[error(
        "no base to compare with: pass --base REV (e.g. --base origin/main), or run on a pull request (GitHub: pull_request event; GitLab: CI_MERGE_REQUEST_DIFF_BASE_SHA)"
    )]
    NoBase,
    /// The base is not in this clone (a shallow or single-branch checkout).
    #[error(
        "cannot compare with {base}: it is not a commit in this clone ({reason}); if it should be, fetch the history (GitHub: actions/checkout with `fetch-depth: 0`; GitLab: `GIT_DEPTH: \"0\"`)"
    )]
    BaseNotHere {
        /// The base.
        base: String,
        /// What git said.
        reason: String,
    },
    /// The GitHub event file could not be read.
    #[error("cannot read the GitHub event file {path}: {reason}")]
    Event {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// The variables a CI run sets, read once.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// The process's environment.
    pub fn from_process() -> Environment {
        Environment {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// From pairs (for tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Environment {
        Environment {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// A variable, when set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Whether this is GitHub Actions.
    pub fn is_github(&self) -> bool {
        self.get("GITHUB_ACTIONS") == Some("true")
            || (self.get("GITHUB_EVENT_PATH").is_some() && self.get("GITHUB_REPOSITORY").is_some())
    }

    /// Whether this is GitLab CI.
    pub fn is_gitlab(&self) -> bool {
        self.get("GITLAB_CI") == Some("true") || self.get("CI_API_V4_URL").is_some()
    }

    /// The GitHub event (`$GITHUB_EVENT_PATH`), when there is one.
    fn github_event(&self) -> Result<Option<serde_json::Value>, CiError> {
        let Some(path) = self.get("GITHUB_EVENT_PATH") else {
            return Ok(None);
        };
        let path = PathBuf::from(path);
        let failed = |reason: String| CiError::Event {
            path: path.clone(),
            reason,
        };
        let bytes = crate::read::read_named(&path, EVENT_LIMIT).map_err(|e| failed(e.reason()))?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| failed(format!("not JSON: {e}")))
    }

    /// The base of the change, from the CI: the pull request's base commit
    /// (GitHub), the merge request's diff base (GitLab), else the target
    /// branch as `origin/BRANCH`. `None` outside a pull request.
    pub fn base(&self) -> Result<Option<String>, CiError> {
        if self.is_github() {
            if let Some(event) = self.github_event()? {
                if let Some(sha) = event
                    .pointer("/pull_request/base/sha")
                    .and_then(|v| v.as_str())
                {
                    return Ok(Some(sha.to_owned()));
                }
            }
            return Ok(self.get("GITHUB_BASE_REF").map(|b| format!("origin/{b}")));
        }
        if let Some(sha) = self.get("CI_MERGE_REQUEST_DIFF_BASE_SHA") {
            return Ok(Some(sha.to_owned()));
        }
        Ok(self
            .get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
            .map(|b| format!("origin/{b}")))
    }

    /// Where the job summary goes: `$GITHUB_STEP_SUMMARY` on GitHub (and
    /// it is appended to), else [`SUMMARY_FILE`] (replaced).
    pub fn summary_target(&self) -> (PathBuf, bool) {
        match self.get("GITHUB_STEP_SUMMARY") {
            Some(path) => (PathBuf::from(path), true),
            None => (PathBuf::from(SUMMARY_FILE), false),
        }
    }

    /// The forge to post to, or `Ok(None)` when this run is not for a pull
    /// request (a push or a schedule: there is nothing to comment on).
    pub fn forge(&self) -> Result<Option<Forge>, CiError> {
        if self.is_github() {
            return self.github_forge();
        }
        if self.is_gitlab() {
            let Some(iid) = self.get("CI_MERGE_REQUEST_IID") else {
                return Ok(None);
            };
            let iid = iid.parse().map_err(|_| CiError::Invalid {
                var: "CI_MERGE_REQUEST_IID",
                value: iid.to_owned(),
                why: "not a merge request number".to_owned(),
            })?;
            let api = self.require("CI_API_V4_URL", "the GitLab API to post the note to")?;
            let project = self.require("CI_PROJECT_ID", "the project to post the note to")?;
            return Ok(Some(Forge::GitLab(GitLab {
                budget: self.budget()?,
                api: url("CI_API_V4_URL", api)?,
                project: project.to_owned(),
                iid,
                token: self.get(GITLAB_TOKEN_VAR).map(str::to_owned),
                // In a merged-results pipeline CI_COMMIT_SHA is the merge
                // of source and target; the source's head is this one.
                head: self
                    .get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
                    .or_else(|| self.get("CI_COMMIT_SHA"))
                    .map(str::to_owned),
            })));
        }
        Err(CiError::NoForge)
    }

    /// The GitHub pull request, from the event and the variables.
    fn github_forge(&self) -> Result<Option<Forge>, CiError> {
        let repository = self.require("GITHUB_REPOSITORY", "the repository to comment on")?;
        let number = match self.github_event()? {
            Some(event) => event
                .pointer("/pull_request/number")
                .and_then(serde_json::Value::as_u64),
            None => None,
        }
        .or_else(|| {
            // refs/pull/123/merge
            self.get("GITHUB_REF")
                .and_then(|r| r.strip_prefix("refs/pull/"))
                .and_then(|r| r.split('/').next())
                .and_then(|n| n.parse().ok())
        });
        let Some(number) = number else {
            return Ok(None);
        };
        let api = self
            .get("GITHUB_API_URL")
            .unwrap_or("https://api.github.com");
        Ok(Some(Forge::GitHub(GitHub {
            budget: self.budget()?,
            api: url("GITHUB_API_URL", api)?,
            graphql: match self.get("GITHUB_GRAPHQL_URL") {
                Some(graphql) => Some(url("GITHUB_GRAPHQL_URL", graphql)?),
                None => None,
            },
            repository: repository.to_owned(),
            number,
            token: self
                .get("GITHUB_TOKEN")
                .or_else(|| self.get("GH_TOKEN"))
                .map(str::to_owned),
            head: self.github_event()?.and_then(|e| {
                e.pointer("/pull_request/head/sha")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            }),
        })))
    }

    /// The repository's issues, for `ci remind`: GitHub (GITHUB_API_URL,
    /// GITHUB_REPOSITORY, GITHUB_TOKEN) or GitLab (CI_API_V4_URL,
    /// CI_PROJECT_ID, [`GITLAB_TOKEN_VAR`]), any event.
    pub fn tracker(&self) -> Result<forge::issues::Tracker, CiError> {
        let forge = if self.is_github() {
            let repository =
                self.require("GITHUB_REPOSITORY", "the repository to open issues in")?;
            let api = self
                .get("GITHUB_API_URL")
                .unwrap_or("https://api.github.com");
            Forge::GitHub(GitHub {
                budget: self.budget()?,
                api: url("GITHUB_API_URL", api)?,
                graphql: match self.get("GITHUB_GRAPHQL_URL") {
                    Some(graphql) => Some(url("GITHUB_GRAPHQL_URL", graphql)?),
                    None => None,
                },
                repository: repository.to_owned(),
                number: 0,
                token: self
                    .get("GITHUB_TOKEN")
                    .or_else(|| self.get("GH_TOKEN"))
                    .map(str::to_owned),
                head: None,
            })
        } else if self.is_gitlab() {
            let api = self.require("CI_API_V4_URL", "the GitLab API to open issues with")?;
            let project = self.require("CI_PROJECT_ID", "the project to open issues in")?;
            Forge::GitLab(GitLab {
                budget: self.budget()?,
                api: url("CI_API_V4_URL", api)?,
                project: project.to_owned(),
                iid: 0,
                token: self.get(GITLAB_TOKEN_VAR).map(str::to_owned),
                head: None,
            })
        } else {
            return Err(CiError::NoForge);
        };
        Ok(forge::issues::Tracker { forge })
    }

    fn require(&self, var: &'static str, why: &'static str) -> Result<&str, CiError> {
        self.get(var).ok_or(CiError::Missing { var, why })
    }

    /// How long the forge may take: [`HTTP_TIMEOUT_VAR`] seconds per
    /// request (1 to 600), else [`forge::DEFAULT_TIMEOUT`]; the clock of
    /// the whole command starts now.
    fn budget(&self) -> Result<Budget, CiError> {
        let request = match self.get(HTTP_TIMEOUT_VAR) {
            None => forge::DEFAULT_TIMEOUT,
            Some(text) => match text.trim().parse::<u64>() {
                Ok(seconds @ 1..=600) => std::time::Duration::from_secs(seconds),
                _ => {
                    return Err(CiError::Invalid {
                        var: HTTP_TIMEOUT_VAR,
                        value: text.to_owned(),
                        why: "not a number of seconds from 1 to 600".to_owned(),
                    });
                }
            },
        };
        Ok(Budget::starting_now(request))
    }
}

/// An API root without a trailing slash: `https://`, or `http://` to this
/// machine only (a loopback address: `localhost`, 127.0.0.0/8, `::1`),
/// since the token would cross the network in clear text.
fn url(var: &'static str, value: &str) -> Result<String, CiError> {
    let trimmed = value.trim().trim_end_matches('/');
    let invalid = |why: &str| CiError::Invalid {
        var,
        value: value.to_owned(),
        why: why.to_owned(),
    };
    let uri: ureq::http::Uri = trimmed.parse().map_err(|_| invalid("not an http(s) URL"))?;
    match uri.scheme_str() {
        Some("https") if uri.host().is_some() => Ok(trimmed.to_owned()),
        Some("http") if uri.host().is_some_and(is_loopback) => Ok(trimmed.to_owned()),
        Some("http") => Err(invalid(
            "plain http would send the token across the network unencrypted: use https:// (http:// is accepted only for this machine: localhost, 127.0.0.0/8, ::1)",
        )),
        _ => Err(invalid("not an http(s) URL")),
    }
}

/// Whether a URL's host is this machine.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitlab_merge_request() {
        let env = Environment::from_pairs([
            ("GITLAB_CI", "true"),
            ("CI_API_V4_URL", "https://gitlab.example.com/api/v4/"),
            ("CI_PROJECT_ID", "42"),
            ("CI_MERGE_REQUEST_IID", "7"),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "abc"),
        ]);
        assert_eq!(env.base().unwrap().as_deref(), Some("abc"));
        let Some(Forge::GitLab(gitlab)) = env.forge().unwrap() else {
            panic!("not GitLab");
        };
        assert_eq!(gitlab.api, "https://gitlab.example.com/api/v4");
        assert_eq!(gitlab.iid, 7);
        assert!(gitlab.token.is_none());
    }

    #[test]
    fn gitlab_head_is_the_source_branch_in_a_merged_results_pipeline() {
        let env = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = vec![
                ("GITLAB_CI", "true"),
                ("CI_API_V4_URL", "https://gitlab.example.com/api/v4"),
                ("CI_PROJECT_ID", "42"),
                ("CI_MERGE_REQUEST_IID", "7"),
                ("CI_COMMIT_SHA", "merge"),
            ];
            pairs.extend_from_slice(extra);
            match Environment::from_pairs(pairs).forge().unwrap() {
                Some(Forge::GitLab(gitlab)) => gitlab.head,
                other => panic!("not GitLab: {other:?}"),
            }
        };
        assert_eq!(env(&[]).as_deref(), Some("merge"));
        assert_eq!(
            env(&[("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "source")]).as_deref(),
            Some("source")
        );
    }

    #[test]
    fn gitlab_branch_pipeline_has_nothing_to_comment() {
        let env = Environment::from_pairs([("GITLAB_CI", "true"), ("CI_API_V4_URL", "https://x")]);
        assert!(env.forge().unwrap().is_none());
    }

    #[test]
    fn github_pull_request_from_ref() {
        let env = Environment::from_pairs([
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_REF", "refs/pull/12/merge"),
            ("GITHUB_BASE_REF", "main"),
        ]);
        assert_eq!(env.base().unwrap().as_deref(), Some("origin/main"));
        let Some(Forge::GitHub(github)) = env.forge().unwrap() else {
            panic!("not GitHub");
        };
        assert_eq!(github.number, 12);
        assert_eq!(github.api, "https://api.github.com");
    }

    #[test]
    fn nowhere() {
        assert!(matches!(
            Environment::default().forge(),
            Err(CiError::NoForge)
        ));
        let bad = Environment::from_pairs([
            ("GITLAB_CI", "true"),
            ("CI_API_V4_URL", "file:///etc"),
            ("CI_PROJECT_ID", "1"),
            ("CI_MERGE_REQUEST_IID", "1"),
        ]);
        assert!(matches!(bad.forge(), Err(CiError::Invalid { .. })));
    }

    #[test]
    fn plain_http_is_only_for_this_machine() {
        for local in [
            "http://127.0.0.1:8080",
            "http://127.9.9.9/api/v4",
            "http://localhost:3000/",
            "http://LOCALHOST",
            "http://[::1]:80/api",
            "https://gitlab.example.com/api/v4",
        ] {
            assert!(url("V", local).is_ok(), "{local}");
        }
        for remote in [
            "http://example.com",
            "http://127.0.0.1.evil.example",
            "http://127.0.0.1@evil.example/",
            "http://localhost.evil.example",
            "http://[::2]",
            "http://10.0.0.1",
            "file:///etc",
            "https://",
            "ftp://127.0.0.1",
        ] {
            assert!(url("V", remote).is_err(), "{remote}");
        }
        let message = url("GITHUB_API_URL", "http://example.com")
            .unwrap_err()
            .to_string();
        assert!(message.contains("use https://"), "{message}");
    }

    #[test]
    fn the_http_timeout_is_a_number_of_seconds() {
        let env = |timeout: &'static str| {
            Environment::from_pairs([
                ("GITLAB_CI", "true"),
                ("CI_API_V4_URL", "https://x"),
                ("CI_PROJECT_ID", "1"),
                ("CI_MERGE_REQUEST_IID", "1"),
                (HTTP_TIMEOUT_VAR, timeout),
            ])
            .forge()
        };
        let Ok(Some(Forge::GitLab(gitlab))) = env("5") else {
            panic!("not GitLab");
        };
        assert_eq!(gitlab.budget.request, std::time::Duration::from_secs(5));
        assert!(matches!(env("0"), Err(CiError::Invalid { .. })));
        assert!(matches!(env("soon"), Err(CiError::Invalid { .. })));
    }
}
