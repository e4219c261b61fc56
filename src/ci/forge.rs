//! The only code that talks to a forge: GitHub's REST endpoints for issue
//! comments and GitLab's for merge-request notes, over `ureq` (blocking,
//! rustls). One comment per pull request, found by [`MARKER`] on its first
//! line: created once, updated in place afterwards.
//!
//! A token that may read but not write (a fork's pull request on GitHub,
//! a 403) is not a failure: [`Upsert::ReadOnly`] says why, and the command
//! warns and exits 0. Every loop over pages is bounded, every response body
//! is read up to a limit, and the token is never part of a message.

use std::time::Duration;

use serde_json::{Value, json};

use crate::report::ci::MARKER;

/// At most this many pages of comments are read (100 per page).
const MAX_PAGES: u32 = 50;

/// The largest response body read.
const BODY_LIMIT: u64 = 32 * 1024 * 1024;

/// The pull request on GitHub.
#[derive(Debug, Clone)]
pub struct GitHub {
    /// `GITHUB_API_URL`, without a trailing slash.
    pub api: String,
    /// `owner/name`.
    pub repository: String,
    /// The pull request's number.
    pub number: u64,
    /// `GITHUB_TOKEN`.
    pub token: Option<String>,
    /// The pull request's head commit (the event's `pull_request.head.sha`),
    /// when known: only approvals of that commit count.
    pub head: Option<String>,
}

/// The merge request on GitLab.
#[derive(Debug, Clone)]
pub struct GitLab {
    /// `CI_API_V4_URL`, without a trailing slash.
    pub api: String,
    /// `CI_PROJECT_ID`.
    pub project: String,
    /// `CI_MERGE_REQUEST_IID`.
    pub iid: u64,
    /// The token from `ALLIANCE_GITLAB_TOKEN`.
    pub token: Option<String>,
}

/// Where the comment goes.
#[derive(Debug, Clone)]
pub enum Forge {
    /// A GitHub pull request.
    GitHub(GitHub),
    /// A GitLab merge request.
    GitLab(GitLab),
}

/// What the upsert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upsert {
    /// A new comment, with its id.
    Created(u64),
    /// The comment with this id, rewritten.
    Updated(u64),
    /// The comment already said exactly this.
    Unchanged(u64),
    /// No comment yet and nothing worth one: none was posted.
    NotNeeded,
    /// The token may not write (or there is none): why.
    ReadOnly(String),
}

/// Why talking to the forge failed.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// The forge answered with an error status.
    #[error("{method} {url}: HTTP {status}{}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Status {
        /// The method.
        method: &'static str,
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The forge's message, when it sent one.
        message: String,
    },
    /// The request did not get an answer.
    #[error("{method} {url}: {source}")]
    Transport {
        /// The method.
        method: &'static str,
        /// The URL.
        url: String,
        /// What went wrong.
        source: Box<ureq::Error>,
    },
    /// The answer was not what the API documents.
    #[error("{method} {url}: unexpected answer: {reason}")]
    Unexpected {
        /// The method.
        method: &'static str,
        /// The URL.
        url: String,
        /// What was wrong with it.
        reason: String,
    },
}

/// A comment on the pull request.
#[derive(Debug, Clone)]
struct Comment {
    id: u64,
    body: String,
    bot: bool,
}

/// One answer: a status and a parsed body.
struct Answer {
    status: u16,
    body: Value,
}

impl Forge {
    /// Where the comment goes, for messages: "pull request #12 of o/r".
    pub fn describe(&self) -> String {
        match self {
            Forge::GitHub(g) => format!("pull request #{} of {}", g.number, g.repository),
            Forge::GitLab(g) => format!("merge request !{} of project {}", g.iid, g.project),
        }
    }

    /// Post `body` as the one comment carrying [`MARKER`], or update the
    /// one already there. With no comment yet and `create` false (nothing
    /// to say), posts nothing.
    pub fn upsert(&self, body: &str, create: bool) -> Result<Upsert, ForgeError> {
        let token = match self {
            Forge::GitHub(g) => g.token.as_deref(),
            Forge::GitLab(g) => g.token.as_deref(),
        };
        let Some(token) = token else {
            return Ok(Upsert::ReadOnly(match self {
                Forge::GitHub(_) => {
                    "no token: set GITHUB_TOKEN (the action passes `github-token`)".to_owned()
                }
                Forge::GitLab(_) => format!(
                    "no token: set {} to a project access token with the `api` scope (GitLab's job token cannot write notes)",
                    super::GITLAB_TOKEN_VAR
                ),
            }));
        };
        let client = Client::new(self, token);
        let existing = match client.find()? {
            Found::Comment(c) => Some(c),
            Found::None => None,
            Found::Forbidden(why) => return Ok(Upsert::ReadOnly(why)),
        };
        let answer = match &existing {
            Some(c) if c.body == body => return Ok(Upsert::Unchanged(c.id)),
            Some(c) => client.update(c.id, body)?,
            None if !create => return Ok(Upsert::NotNeeded),
            None => client.create(body)?,
        };
        match answer {
            Err(why) => Ok(Upsert::ReadOnly(why)),
            Ok(id) => Ok(match existing {
                Some(_) => Upsert::Updated(id),
                None => Upsert::Created(id),
            }),
        }
    }
}

impl Forge {
    /// The handles of the people whose approval of the pull request stands
    /// (GitHub: each reviewer's latest approving or rejecting review, of the
    /// head commit when it is known; GitLab: the merge request's
    /// `approved_by`). `None` when the token cannot read them (no token, a
    /// 403 or a 404): approvals then count for nobody.
    pub fn approvers(&self) -> Result<Option<Vec<String>>, ForgeError> {
        let token = match self {
            Forge::GitHub(g) => g.token.as_deref(),
            Forge::GitLab(g) => g.token.as_deref(),
        };
        let Some(token) = token else {
            return Ok(None);
        };
        let client = Client::new(self, token);
        match self {
            Forge::GitHub(g) => {
                // Reviews come oldest first; a later approval or change
                // request replaces a reviewer's earlier one, a comment does not.
                let mut latest: Vec<(String, bool)> = Vec::new();
                for page in 1..=MAX_PAGES {
                    let url = format!(
                        "{}/repos/{}/pulls/{}/reviews?per_page=100&page={page}",
                        g.api, g.repository, g.number
                    );
                    let answer = client.get(&url)?;
                    if matches!(answer.status, 403 | 404) {
                        return Ok(None);
                    }
                    let list = ok(answer, "GET", &url)?;
                    let Some(items) = list.as_array() else {
                        return Err(ForgeError::Unexpected {
                            method: "GET",
                            url,
                            reason: "not a list of reviews".to_owned(),
                        });
                    };
                    for review in items {
                        let login = review.pointer("/user/login").and_then(Value::as_str);
                        let state = review.get("state").and_then(Value::as_str);
                        let commit = review.get("commit_id").and_then(Value::as_str);
                        let (Some(login), Some(state)) = (login, state) else {
                            continue;
                        };
                        let approves = match state {
                            "APPROVED" => g.head.as_deref().is_none_or(|h| commit == Some(h)),
                            "CHANGES_REQUESTED" | "DISMISSED" => false,
                            _ => continue,
                        };
                        latest.retain(|(l, _)| !l.eq_ignore_ascii_case(login));
                        latest.push((login.to_owned(), approves));
                    }
                    if items.len() < 100 {
                        break;
                    }
                }
                Ok(Some(
                    latest
                        .into_iter()
                        .filter(|(_, approves)| *approves)
                        .map(|(login, _)| login)
                        .collect(),
                ))
            }
            Forge::GitLab(g) => {
                let url = format!(
                    "{}/projects/{}/merge_requests/{}/approvals",
                    g.api,
                    encode(&g.project),
                    g.iid
                );
                let answer = client.get(&url)?;
                if matches!(answer.status, 403 | 404) {
                    return Ok(None);
                }
                let body = ok(answer, "GET", &url)?;
                let Some(list) = body.get("approved_by").and_then(Value::as_array) else {
                    return Err(ForgeError::Unexpected {
                        method: "GET",
                        url,
                        reason: "no `approved_by` list".to_owned(),
                    });
                };
                Ok(Some(
                    list.iter()
                        .filter_map(|a| a.pointer("/user/username").and_then(Value::as_str))
                        .map(str::to_owned)
                        .collect(),
                ))
            }
        }
    }

    /// What an approval is called here, for the comment.
    pub fn approval_word(&self) -> &'static str {
        match self {
            Forge::GitHub(_) => "approved this pull request on GitHub",
            Forge::GitLab(_) => "approved this merge request on GitLab",
        }
    }
}

enum Found {
    Comment(Comment),
    None,
    Forbidden(String),
}

struct Client<'f> {
    forge: &'f Forge,
    token: &'f str,
    agent: ureq::Agent,
}

impl<'f> Client<'f> {
    fn new(forge: &'f Forge, token: &'f str) -> Client<'f> {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .user_agent(concat!("alliance/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            forge,
            token,
            agent,
        }
    }

    fn comments_url(&self) -> String {
        match self.forge {
            Forge::GitHub(g) => format!(
                "{}/repos/{}/issues/{}/comments",
                g.api, g.repository, g.number
            ),
            Forge::GitLab(g) => format!(
                "{}/projects/{}/merge_requests/{}/notes",
                g.api,
                encode(&g.project),
                g.iid
            ),
        }
    }

    /// The comment carrying the marker, preferring one a bot wrote.
    fn find(&self) -> Result<Found, ForgeError> {
        let base = self.comments_url();
        let mut first: Option<Comment> = None;
        for page in 1..=MAX_PAGES {
            let url = match self.forge {
                Forge::GitHub(_) => format!("{base}?per_page=100&page={page}"),
                Forge::GitLab(_) => {
                    format!("{base}?per_page=100&page={page}&sort=asc&order_by=created_at")
                }
            };
            let answer = self.get(&url)?;
            if answer.status == 403 {
                return Ok(Found::Forbidden(message(&answer.body)));
            }
            let list = ok(answer, "GET", &url)?;
            let Some(items) = list.as_array() else {
                return Err(ForgeError::Unexpected {
                    method: "GET",
                    url,
                    reason: "not a list of comments".to_owned(),
                });
            };
            for item in items {
                let Some(comment) = self.comment(item) else {
                    continue;
                };
                if !comment.body.starts_with(MARKER) {
                    continue;
                }
                if comment.bot {
                    return Ok(Found::Comment(comment));
                }
                first.get_or_insert(comment);
            }
            if items.len() < 100 {
                break;
            }
        }
        Ok(first.map_or(Found::None, Found::Comment))
    }

    fn comment(&self, item: &Value) -> Option<Comment> {
        let id = item.get("id")?.as_u64()?;
        let body = item.get("body")?.as_str()?.to_owned();
        let bot = match self.forge {
            Forge::GitHub(_) => item.pointer("/user/type").and_then(Value::as_str) == Some("Bot"),
            // Project and group access tokens post as project_N_bot_… users.
            Forge::GitLab(_) => item
                .pointer("/author/username")
                .and_then(Value::as_str)
                .is_some_and(|u| u.contains("_bot")),
        };
        Some(Comment { id, body, bot })
    }

    /// A new comment: its id, or why the token may not write.
    fn create(&self, body: &str) -> Result<Result<u64, String>, ForgeError> {
        let url = self.comments_url();
        self.write("POST", &url, body)
    }

    fn update(&self, id: u64, body: &str) -> Result<Result<u64, String>, ForgeError> {
        match self.forge {
            Forge::GitHub(g) => {
                let url = format!("{}/repos/{}/issues/comments/{id}", g.api, g.repository);
                self.write("PATCH", &url, body)
            }
            Forge::GitLab(_) => {
                let url = format!("{}/{id}", self.comments_url());
                self.write("PUT", &url, body)
            }
        }
    }

    fn write(
        &self,
        method: &'static str,
        url: &str,
        body: &str,
    ) -> Result<Result<u64, String>, ForgeError> {
        let answer = self.send(method, url, Some(&json!({ "body": body })))?;
        if answer.status == 403 {
            return Ok(Err(message(&answer.body)));
        }
        let value = ok(answer, method, url)?;
        value
            .get("id")
            .and_then(Value::as_u64)
            .map(Ok)
            .ok_or_else(|| ForgeError::Unexpected {
                method,
                url: url.to_owned(),
                reason: "no comment id in the answer".to_owned(),
            })
    }

    /// A GET, tried up to three times when the forge is briefly down (a
    /// transport error or 502, 503, 504). Writes are never retried: the
    /// forge may have done one whose answer was lost.
    fn get(&self, url: &str) -> Result<Answer, ForgeError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.send("GET", url, None);
            let retry = match &result {
                Err(ForgeError::Transport { .. }) => true,
                Ok(answer) => matches!(answer.status, 502..=504),
                Err(_) => false,
            };
            if !retry || attempt >= 3 {
                return result;
            }
            std::thread::sleep(Duration::from_secs(attempt));
        }
    }

    fn send(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Answer, ForgeError> {
        let transport = |e: ureq::Error| ForgeError::Transport {
            method,
            url: url.to_owned(),
            source: Box::new(e),
        };
        let (name, value) = match self.forge {
            Forge::GitHub(_) => ("Authorization", format!("Bearer {}", self.token)),
            Forge::GitLab(_) => ("PRIVATE-TOKEN", self.token.to_owned()),
        };
        let accept = match self.forge {
            Forge::GitHub(_) => "application/vnd.github+json",
            Forge::GitLab(_) => "application/json",
        };
        let result = match (method, body) {
            ("GET", _) => self
                .agent
                .get(url)
                .header(name, &value)
                .header("Accept", accept)
                .header("X-GitHub-Api-Version", "2022-11-28")
                .call(),
            (_, body) => {
                let text = body.map(Value::to_string).unwrap_or_default();
                let request = match method {
                    "POST" => self.agent.post(url),
                    "PATCH" => self.agent.patch(url),
                    _ => self.agent.put(url),
                };
                request
                    .header(name, &value)
                    .header("Accept", accept)
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .header("Content-Type", "application/json")
                    .send(text.as_bytes())
            }
        };
        let mut response = result.map_err(transport)?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(transport)?;
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer { status, body })
    }
}

/// The body of a 2xx answer, else an error with the forge's message.
fn ok(answer: Answer, method: &'static str, url: &str) -> Result<Value, ForgeError> {
    if (200..300).contains(&answer.status) {
        Ok(answer.body)
    } else {
        Err(ForgeError::Status {
            method,
            url: url.to_owned(),
            status: answer.status,
            message: message(&answer.body),
        })
    }
}

/// The forge's own words: `message` (GitHub and GitLab), else the text.
fn message(body: &Value) -> String {
    let text = match body {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other
            .get("message")
            .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
            .unwrap_or_else(|| other.to_string()),
    };
    let clean = crate::report::sanitize(&text).replace('\n', " ");
    match clean.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &clean[..i]),
        None => clean,
    }
}

/// A path segment: GitLab project ids may be `group%2Fproject`.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_paths_are_encoded() {
        assert_eq!(encode("42"), "42");
        assert_eq!(encode("group/project"), "group%2Fproject");
    }

    #[test]
    fn messages_are_short_and_clean() {
        assert_eq!(
            message(&json!({"message": "Resource not accessible by integration"})),
            "Resource not accessible by integration"
        );
        assert_eq!(message(&Value::String("a\u{1b}b".into())), "a\\u{1b}b");
        assert!(message(&Value::String("x".repeat(1000))).chars().count() <= 301);
    }
}
