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
//! is read up to [`BODY_LIMIT`] and parsed into the few fields used
//! ([`wire`]), every request has a timeout and the command a deadline
//! ([`Budget`]), and the token is never part of a message.
//!
//! The token travels in a header (`Authorization` on GitHub,
//! `PRIVATE-TOKEN` on GitLab) and no request follows a redirect: a 3xx is
//! an error naming where it pointed, so the token only ever reaches the
//! origin of the API URL the CI set (which must be `https://`, or
//! `http://` to this machine: see `ci::Environment::forge`).

pub mod approvals;
mod identity;
pub mod issues;
pub mod wire;

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::json;

use crate::ci::MARKER;

pub use approvals::{ApprovalState, Approver, NotCounted};
use identity::{Author, Identity};

/// At most this many pages of comments are read (100 per page).
const MAX_PAGES: u32 = 50;

/// The largest response body read: 8 MiB. The largest real page is a
/// hundred comments or reviews at GitHub's cap of 65,536 characters each,
/// with about 2 KB of fields around each body: about 6.7 MB of ASCII.
/// Typical pages are tens of kilobytes. A page past this (a GitLab note
/// may hold a million characters) fails with a message that says so.
pub const BODY_LIMIT: u64 = 8 * 1024 * 1024;

/// How long one request may take by default (connecting, sending and
/// reading the whole answer): `ALLIANCE_HTTP_TIMEOUT` changes it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// The whole command talks to the forge for at most this many times the
/// timeout of one request (120 s by default), retries and pages included.
pub const DEADLINE_FACTOR: u32 = 6;

/// How long the forge may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The longest one request may take.
    pub request: Duration,
    /// When the command stops asking: [`DEADLINE_FACTOR`] times `request`
    /// after the budget was made.
    pub until: Instant,
}

impl Budget {
    /// A budget of `request` per request, starting now.
    pub fn starting_now(request: Duration) -> Budget {
        let total = request.saturating_mul(DEADLINE_FACTOR);
        let now = Instant::now();
        Budget {
            request,
            until: now.checked_add(total).unwrap_or(now),
        }
    }

    /// The time left, at most one request's.
    fn next_request(&self) -> Option<Duration> {
        let left = self.until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then(|| left.min(self.request))
    }
}

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
    /// How long the API may take.
    pub budget: Budget,
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
    /// How long the API may take.
    pub budget: Budget,
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
    /// A dry run: a new comment would be posted.
    WouldCreate,
    /// A dry run: the comment with this id would be rewritten.
    WouldUpdate(u64),
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
    /// The forge answered with a redirect, which is never followed: the
    /// token must not reach another host.
    #[error(
        "{method} {url}: HTTP {status}, a redirect to {location}; alliance follows no redirect from a forge's API, so that the token never reaches another host: set the API URL to where the API answers"
    )]
    Redirect {
        /// The method.
        method: &'static str,
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// Where it pointed: the `Location`'s host, or "the same host".
        location: String,
    },
    /// The answer was larger than [`BODY_LIMIT`].
    #[error(
        "{method} {url}: the answer is larger than {} MiB, more than a page of the API holds; it was not read", BODY_LIMIT / (1024 * 1024)
    )]
    TooLarge {
        /// The method.
        method: &'static str,
        /// The URL.
        url: String,
    },
    /// No whole answer within one request's time.
    #[error(
        "{method} {url}: no whole answer within {} s (ALLIANCE_HTTP_TIMEOUT sets the time one request may take)", seconds.as_secs()
    )]
    TimedOut {
        /// The method.
        method: &'static str,
        /// The URL.
        url: String,
        /// The time allowed.
        seconds: Duration,
    },
    /// The command's time with the forge ran out.
    #[error(
        "{method} {url}: gave up: the forge took more than {} s in all, retries and pages included (six times ALLIANCE_HTTP_TIMEOUT)", total.as_secs()
    )]
    Deadline {
        /// The method.
        method: &'static str,
        /// The URL.
        url: String,
        /// The time allowed in all.
        total: Duration,
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

/// One answer: a status and its body, at most [`BODY_LIMIT`] bytes.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: Vec<u8>,
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

    fn budget(&self) -> Budget {
        match self {
            Forge::GitHub(g) => g.budget,
            Forge::GitLab(g) => g.budget,
        }
    }

    /// Post the comment carrying [`MARKER`], or update the one the token's
    /// own account wrote (with `dry_run`, only read the comments and say
    /// which it would do). `body` renders it, given the other accounts'
    /// comments that carry the marker too (they are never edited). With no
    /// comment of ours yet and `create` false (nothing to say), posts
    /// nothing. The token's identity is asked for only when some comment
    /// carries the marker; when the forge will not tell it, this fails
    /// ([`ForgeError::Identity`]) rather than guess.
    pub fn upsert(
        &self,
        body: &dyn Fn(&Strangers) -> String,
        create: bool,
        dry_run: bool,
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
            Some(c) if dry_run => Ok(Upsert::WouldUpdate(c.id)),
            Some(c) => client.update(c.id, &text)?.map(Upsert::Updated),
            None if !create => Ok(Upsert::NotNeeded),
            None if dry_run => Ok(Upsert::WouldCreate),
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
    budget: Budget,
}

impl<'f> Client<'f> {
    fn new(forge: &'f Forge, token: &'f str) -> Client<'f> {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A 3xx comes back as the answer, and `send` refuses it: the
            // token is never sent on to where it points.
            .max_redirects(0)
            .user_agent(concat!("alliance/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            forge,
            token,
            agent,
            budget: forge.budget(),
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
        let mut each = |item: wire::Comment| -> Result<(), ForgeError> {
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

    fn comment(&self, item: wire::Comment) -> Option<Comment> {
        let author = match self.forge {
            Forge::GitHub(_) => Author::github(item.user?)?,
            Forge::GitLab(_) => Author::gitlab(item.author?)?,
        };
        Some(Comment {
            id: item.id?,
            body: item.body?,
            author,
        })
    }

    /// Every item of a paged list (100 per page, at most [`MAX_PAGES`]),
    /// oldest first, handed to `each`. A status in `refuse` is the
    /// forge's refusal: its message is returned instead of an error.
    pub(super) fn pages<T: DeserializeOwned>(
        &self,
        url: &dyn Fn(u32) -> String,
        what: &str,
        refuse: &[u16],
        each: &mut dyn FnMut(T) -> Result<(), ForgeError>,
    ) -> Result<Option<String>, ForgeError> {
        for page in 1..=MAX_PAGES {
            let url = url(page);
            let answer = self.get(&url)?;
            if refuse.contains(&answer.status) {
                return Ok(Some(message(&answer.body)));
            }
            let body = ok(answer, "GET", &url)?;
            let items: Vec<T> = wire::page(&body).map_err(|e| ForgeError::Unexpected {
                method: "GET",
                url: url.clone(),
                reason: format!("not a list of {what}: {e}"),
            })?;
            let full = items.len() >= wire::PAGE;
            for item in items {
                each(item)?;
            }
            if !full {
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
        let request = json!({ "body": body }).to_string();
        let answer = self.send(method, url, Some(&request))?;
        if answer.status == 403 {
            return Ok(Err(message(&answer.body)));
        }
        let written: wire::Written = parse(&ok(answer, method, url)?, method, url)?;
        written.id.map(Ok).ok_or_else(|| ForgeError::Unexpected {
            method,
            url: url.to_owned(),
            reason: "no comment id in the answer".to_owned(),
        })
    }

    /// A GET, tried up to three times when the forge is briefly down (a
    /// transport error, a timeout or 502, 503, 504) while the budget
    /// lasts. Writes are never retried: the forge may have done one whose
    /// answer was lost.
    pub(super) fn get(&self, url: &str) -> Result<Answer, ForgeError> {
        self.read("GET", url, None)
    }

    /// A request that only reads (a GET, or a GraphQL query sent as a
    /// POST), retried as [`Client::get`] is.
    fn read(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&str>,
    ) -> Result<Answer, ForgeError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.send(method, url, body);
            let retry = match &result {
                Err(ForgeError::Transport { .. } | ForgeError::TimedOut { .. }) => true,
                Ok(answer) => matches!(answer.status, 502..=504),
                Err(_) => false,
            };
            if !retry || attempt >= 3 {
                return result;
            }
            let pause = Duration::from_secs(attempt);
            match self.budget.next_request() {
                Some(left) if left > pause => std::thread::sleep(pause),
                _ => return Err(self.deadline(method, url)),
            }
        }
    }

    fn deadline(&self, method: &'static str, url: &str) -> ForgeError {
        ForgeError::Deadline {
            method,
            url: url.to_owned(),
            total: self.budget.request.saturating_mul(DEADLINE_FACTOR),
        }
    }

    /// One request, within the budget, with the token's header; its
    /// answer read up to [`BODY_LIMIT`]. A redirect is an error.
    fn send(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&str>,
    ) -> Result<Answer, ForgeError> {
        let Some(time) = self.budget.next_request() else {
            return Err(self.deadline(method, url));
        };
        let failed = |e: ureq::Error| match e {
            ureq::Error::Timeout(_) if time < self.budget.request => self.deadline(method, url),
            ureq::Error::Timeout(_) => ForgeError::TimedOut {
                method,
                url: url.to_owned(),
                seconds: time,
            },
            ureq::Error::BodyExceedsLimit(_) => ForgeError::TooLarge {
                method,
                url: url.to_owned(),
            },
            e => ForgeError::Transport {
                method,
                url: url.to_owned(),
                source: Box::new(e),
            },
        };
        let mut response = self.call(method, url, body, time).map_err(failed)?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(ForgeError::Redirect {
                method,
                url: url.to_owned(),
                status,
                location: location(response.headers()),
            });
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(failed)?;
        Ok(Answer { status, body })
    }

    /// The request on the wire: every header that carries the token is
    /// set here and only here.
    fn call(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&str>,
        time: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let (name, value) = match self.forge {
            Forge::GitHub(_) => ("Authorization", format!("Bearer {}", self.token)),
            Forge::GitLab(_) => ("PRIVATE-TOKEN", self.token.to_owned()),
        };
        let accept = match self.forge {
            Forge::GitHub(_) => "application/vnd.github+json",
            Forge::GitLab(_) => "application/json",
        };
        if method == "GET" {
            return self
                .agent
                .get(url)
                .config()
                .timeout_global(Some(time))
                .build()
                .header(name, &value)
                .header("Accept", accept)
                .header("X-GitHub-Api-Version", "2022-11-28")
                .call();
        }
        let request = match method {
            "POST" => self.agent.post(url),
            "PATCH" => self.agent.patch(url),
            _ => self.agent.put(url),
        };
        request
            .config()
            .timeout_global(Some(time))
            .build()
            .header(name, &value)
            .header("Accept", accept)
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("Content-Type", "application/json")
            .send(body.unwrap_or_default().as_bytes())
    }
}

/// Where a redirect points, for the message: the `Location`'s host (and
/// port), "the same host" for a relative one, escaped and cut short.
fn location(headers: &ureq::http::HeaderMap) -> String {
    let Some(value) = headers.get("location").and_then(|v| v.to_str().ok()) else {
        return "nowhere (no Location)".to_owned();
    };
    let host = match value.parse::<ureq::http::Uri>() {
        Ok(uri) => match uri.authority() {
            Some(authority) => authority
                .as_str()
                .rsplit('@')
                .next()
                .unwrap_or("")
                .to_owned(),
            None => return "another path on the same host".to_owned(),
        },
        Err(_) => value.to_owned(),
    };
    let clean = crate::escape::sanitize(&host).into_owned();
    match clean.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &clean[..i]),
        None => clean,
    }
}

/// The body of a 2xx answer, else an error with the forge's message.
pub(super) fn ok(answer: Answer, method: &'static str, url: &str) -> Result<Vec<u8>, ForgeError> {
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

/// One answer read as `T`, or [`ForgeError::Unexpected`].
pub(super) fn parse<T: DeserializeOwned + Default>(
    body: &[u8],
    method: &'static str,
    url: &str,
) -> Result<T, ForgeError> {
    wire::read(body).map_err(|e| ForgeError::Unexpected {
        method,
        url: url.to_owned(),
        reason: e.to_string(),
    })
}

/// The forge's own words: `message` (GitHub and GitLab), else the start
/// of the text; escaped, on one line, at most 300 characters.
pub(super) fn message(body: &[u8]) -> String {
    let words = match wire::read::<wire::Message>(body) {
        Ok(m) => m.words(),
        Err(_) => None,
    };
    let text = words.unwrap_or_else(|| {
        let start = &body[..body.len().min(4096)];
        String::from_utf8_lossy(start).trim().to_owned()
    });
    let clean = crate::escape::sanitize(&text).replace('\n', " ");
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
            message(br#"{"message": "Resource not accessible by integration"}"#),
            "Resource not accessible by integration"
        );
        assert_eq!(message("a\u{1b}b".as_bytes()), "a\\u{1b}b");
        assert_eq!(message(br#"{"message": "a\u001bb"}"#), "a\\u{1b}b");
        assert!(message("x".repeat(1000).as_bytes()).chars().count() <= 301);
        assert_eq!(
            message(b"<html>Bad gateway</html>"),
            "<html>Bad gateway</html>"
        );
    }
}
