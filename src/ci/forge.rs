//! The only code that talks to a forge: GitHub's REST endpoints for issue
//! comments and GitLab's for merge-request notes, over `ureq` (blocking,
//! rustls). One comment per pull request, found by [`MARKER`] on its first
//! line: created once, updated in place afterwards.
//!
//! Only a comment the token's own account wrote is ever updated: anyone can
//! paste the marker into a comment of their own, and that comment is left
//! alone and named in ours ([`identity`] says who the token is). Approvals
//! count only where they stand at the head commit ([`approvals`]).
//!
//! A token that may read but not write (a fork's pull request on GitHub,
//! a 403) is not a failure: [`Upsert::ReadOnly`] says why, and the command
//! warns and exits 0. Every loop over pages is bounded, every response body
//! is read up to a limit, and the token is never part of a message.

pub mod approvals;
mod identity;

use std::time::Duration;

use serde_json::{Value, json};

use crate::report::ci::MARKER;

pub use approvals::{ApprovalState, Approver, NotCounted};
use identity::{Author, Identity};

/// At most this many pages of comments are read (100 per page).
const MAX_PAGES: u32 = 50;

/// The largest response body read.
const BODY_LIMIT: u64 = 32 * 1024 * 1024;

/// At most this many other accounts' marked comments are named in ours.
const MAX_STRANGERS: usize = 10;

/// The pull request on GitHub.
#[derive(Debug, Clone)]
pub struct GitHub {
    /// `GITHUB_API_URL`, without a trailing slash.
    pub api: String,
    /// `GITHUB_GRAPHQL_URL`, when set; else derived from `api`
    /// (`https://api.github.com/graphql`, `https://HOST/api/graphql`).
    pub graphql: Option<String>,
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
    /// The merge request's head commit this pipeline runs for
    /// (`CI_MERGE_REQUEST_SOURCE_BRANCH_SHA` in a merged-results pipeline,
    /// else `CI_COMMIT_SHA`): only approvals given while it was the head
    /// count.
    pub head: Option<String>,
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

/// Comments carrying [`MARKER`] that another account wrote: never edited,
/// and named in ours so that readers know which one is alliance's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Strangers {
    /// Their authors' handles (without `@`), each once, at most ten.
    pub handles: Vec<String>,
    /// How many more authors there were.
    pub more: usize,
}

impl Strangers {
    /// Whether there were none.
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty() && self.more == 0
    }

    fn add(&mut self, handle: &str) {
        if self.handles.iter().any(|h| h.eq_ignore_ascii_case(handle)) {
            return;
        }
        if self.handles.len() < MAX_STRANGERS {
            self.handles.push(handle.to_owned());
        } else {
            self.more += 1;
        }
    }
}

/// What [`Forge::upsert`] did, and whose marked comments it left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// What happened to our comment.
    pub upsert: Upsert,
    /// Other accounts' comments carrying the marker.
    pub strangers: Strangers,
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
    /// The forge would not say whose the token is, so no comment carrying
    /// the marker can be told to be alliance's own.
    #[error(
        "cannot tell which comment carrying alliance's marker is its own, so nothing was posted: the forge did not say whose the token is ({reason})"
    )]
    Identity {
        /// What each way of asking answered.
        reason: String,
    },
}

/// A comment on the pull request.
#[derive(Debug, Clone)]
struct Comment {
    id: u64,
    body: String,
    author: Author,
}

/// One answer: a status and a parsed body.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: Value,
}

impl Forge {
    /// Where the comment goes, for messages: "pull request #12 of o/r".
    pub fn describe(&self) -> String {
        match self {
            Forge::GitHub(g) => format!("pull request #{} of {}", g.number, g.repository),
            Forge::GitLab(g) => format!("merge request !{} of project {}", g.iid, g.project),
        }
    }

    fn token(&self) -> Option<&str> {
        match self {
            Forge::GitHub(g) => g.token.as_deref(),
            Forge::GitLab(g) => g.token.as_deref(),
        }
    }

    /// Post the comment carrying [`MARKER`], or update the one the token's
    /// own account wrote. `body` renders it, given the other accounts'
    /// comments that carry the marker too (they are never edited). With no
    /// comment of ours yet and `create` false (nothing to say), posts
    /// nothing. The token's identity is asked for only when some comment
    /// carries the marker; when the forge will not tell it, this fails
    /// ([`ForgeError::Identity`]) rather than guess.
    pub fn upsert(
        &self,
        body: &dyn Fn(&Strangers) -> String,
        create: bool,
    ) -> Result<Posted, ForgeError> {
        let Some(token) = self.token() else {
            let why = match self {
                Forge::GitHub(_) => {
                    "no token: set GITHUB_TOKEN (the action passes `github-token`)".to_owned()
                }
                Forge::GitLab(_) => format!(
                    "no token: set {} to a project access token with the `api` scope (GitLab's job token cannot write notes)",
                    super::GITLAB_TOKEN_VAR
                ),
            };
            return Ok(Posted {
                upsert: Upsert::ReadOnly(why),
                strangers: Strangers::default(),
            });
        };
        let client = Client::new(self, token);
        let (existing, strangers) = match client.find()? {
            Found::Marked { own, strangers } => (own, strangers),
            Found::Forbidden(why) => {
                return Ok(Posted {
                    upsert: Upsert::ReadOnly(why),
                    strangers: Strangers::default(),
                });
            }
        };
        let text = body(&strangers);
        let answer = match &existing {
            Some(c) if c.body == text => Ok(Upsert::Unchanged(c.id)),
            Some(c) => client.update(c.id, &text)?.map(Upsert::Updated),
            None if !create => Ok(Upsert::NotNeeded),
            None => client.create(&text)?.map(Upsert::Created),
        };
        Ok(Posted {
            upsert: answer.unwrap_or_else(Upsert::ReadOnly),
            strangers,
        })
    }

    /// The approvals of the pull request that stand at its head commit,
    /// and those that do not with why (see [`approvals`] for the rules on
    /// each forge). `None` when the token cannot read them (no token, a
    /// 403 or a 404): approvals then count for nobody.
    pub fn approvals(&self) -> Result<Option<ApprovalState>, ForgeError> {
        let Some(token) = self.token() else {
            return Ok(None);
        };
        let client = Client::new(self, token);
        match self {
            Forge::GitHub(g) => approvals::github(&client, g),
            Forge::GitLab(g) => approvals::gitlab(&client, g),
        }
    }

    /// The handles of the people whose approval stands at the pull
    /// request's head commit ([`Forge::approvals`]' `standing`): what
    /// `--count-approvals` and consent's "approved" level count. `None`
    /// when the approvals cannot be read.
    pub fn approvers(&self) -> Result<Option<Vec<String>>, ForgeError> {
        Ok(self.approvals()?.map(|state| {
            state
                .standing
                .into_iter()
                .map(|approver| approver.handle)
                .collect()
        }))
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
    /// The first comment carrying the marker that the token's account
    /// wrote, if any, and the other accounts' ones.
    Marked {
        own: Option<Comment>,
        strangers: Strangers,
    },
    /// The token may not read the comments: why.
    Forbidden(String),
}

pub(super) struct Client<'f> {
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

    /// The comments carrying the marker: the first one the token's account
    /// wrote, and the authors of the others. Who the token is is asked
    /// once, at the first marked comment.
    fn find(&self) -> Result<Found, ForgeError> {
        let base = self.comments_url();
        let page_url = |page: u32| match self.forge {
            Forge::GitHub(_) => format!("{base}?per_page=100&page={page}"),
            Forge::GitLab(_) => {
                format!("{base}?per_page=100&page={page}&sort=asc&order_by=created_at")
            }
        };
        let mut me: Option<Identity> = None;
        let mut own: Option<Comment> = None;
        let mut strangers = Strangers::default();
        let mut each = |item: &Value| -> Result<(), ForgeError> {
            let Some(comment) = self.comment(item) else {
                return Ok(());
            };
            if !comment.body.starts_with(MARKER) {
                return Ok(());
            }
            let me = match &mut me {
                Some(me) => me,
                empty => empty.insert(self.identity()?),
            };
            if me.wrote(&comment.author) {
                own.get_or_insert(comment);
            } else {
                strangers.add(&comment.author.login);
            }
            Ok(())
        };
        if let Some(why) = self.pages(&page_url, "comments", &[403], &mut each)? {
            return Ok(Found::Forbidden(why));
        }
        Ok(Found::Marked { own, strangers })
    }

    fn comment(&self, item: &Value) -> Option<Comment> {
        let id = item.get("id")?.as_u64()?;
        let body = item.get("body")?.as_str()?.to_owned();
        let author = match self.forge {
            Forge::GitHub(_) => Author::github(item.get("user")?)?,
            Forge::GitLab(_) => Author::gitlab(item.get("author")?)?,
        };
        Some(Comment { id, body, author })
    }

    /// Every item of a paged list (100 per page, at most [`MAX_PAGES`]),
    /// oldest first, handed to `each`. A status in `refuse` is the
    /// forge's refusal: its message is returned instead of an error.
    pub(super) fn pages(
        &self,
        url: &dyn Fn(u32) -> String,
        what: &str,
        refuse: &[u16],
        each: &mut dyn FnMut(&Value) -> Result<(), ForgeError>,
    ) -> Result<Option<String>, ForgeError> {
        for page in 1..=MAX_PAGES {
            let url = url(page);
            let answer = self.get(&url)?;
            if refuse.contains(&answer.status) {
                return Ok(Some(message(&answer.body)));
            }
            let list = ok(answer, "GET", &url)?;
            let Some(items) = list.as_array() else {
                return Err(ForgeError::Unexpected {
                    method: "GET",
                    url,
                    reason: format!("not a list of {what}"),
                });
            };
            for item in items {
                each(item)?;
            }
            if items.len() < 100 {
                break;
            }
        }
        Ok(None)
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
    pub(super) fn get(&self, url: &str) -> Result<Answer, ForgeError> {
        self.read("GET", url, None)
    }

    /// A request that only reads (a GET, or a GraphQL query sent as a
    /// POST), retried as [`Client::get`] is.
    fn read(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Answer, ForgeError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.send(method, url, body);
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
pub(super) fn ok(answer: Answer, method: &'static str, url: &str) -> Result<Value, ForgeError> {
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
pub(super) fn message(body: &Value) -> String {
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
pub(super) fn encode(segment: &str) -> String {
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
