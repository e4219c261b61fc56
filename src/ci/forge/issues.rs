//! The repository's issues, for `alliance ci remind`: the open issues the
//! token's own account wrote that carry the reminder marker, and opening,
//! rewriting, commenting on and closing them, on GitHub's REST API
//! (`/repos/{repo}/issues`) and GitLab's (`/projects/{id}/issues`).
//!
//! The same client as `ci comment`'s ([`Client`]): the token only to the
//! API's own origin, no redirect followed, every answer bounded, every
//! list paged at most `MAX_PAGES` times. An issue someone else opened is
//! never touched, whatever marker it carries. A 403 on any request (or a 410 on
//! the list: issues are turned off) is the forge saying the token may not
//! do this: [`Refused`], not an error.

use std::cell::OnceCell;

use serde_json::{Value, json};

use super::identity::{Author, Identity};
use super::{Client, Forge, ForgeError, encode, message, ok, parse, wire};
use crate::ci::remind::{self, OpenIssue, Reminder};

/// The forge refused (HTTP 403): its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// A request's answer: done, or refused by the forge.
pub type Answer<T> = Result<Result<T, Refused>, ForgeError>;

/// The repository's issues, reached with the CI's token.
#[derive(Debug, Clone)]
pub struct Tracker {
    /// The forge; its pull request (merge request) number is not used.
    pub(in crate::ci) forge: Forge,
}

/// A session with the tracker: the client, and who the token is once asked.
pub struct Session<'t> {
    client: Client<'t>,
    me: OnceCell<Identity>,
}

impl Tracker {
    /// Where the issues are, for messages: "the issues of o/r".
    pub fn describe(&self) -> String {
        match &self.forge {
            Forge::GitHub(g) => format!("the issues of {}", g.repository),
            Forge::GitLab(g) => format!("the issues of project {}", g.project),
        }
    }

    /// A session, or why there is none: no token.
    pub fn session(&self) -> Result<Session<'_>, Refused> {
        let Some(token) = self.forge.token() else {
            return Err(Refused(match &self.forge {
                Forge::GitHub(_) => {
                    "no token: set GITHUB_TOKEN (the job needs `permissions: issues: write`)"
                        .to_owned()
                }
                Forge::GitLab(_) => format!(
                    "no token: set {} to a project access token with the `api` scope",
                    crate::ci::GITLAB_TOKEN_VAR
                ),
            }));
        };
        Ok(Session {
            client: Client::new(&self.forge, token),
            me: OnceCell::new(),
        })
    }
}

impl Session<'_> {
    fn issues_url(&self) -> String {
        match self.client.forge {
            Forge::GitHub(g) => format!("{}/repos/{}/issues", g.api, g.repository),
            Forge::GitLab(g) => format!("{}/projects/{}/issues", g.api, encode(&g.project)),
        }
    }

    fn is_github(&self) -> bool {
        matches!(self.client.forge, Forge::GitHub(_))
    }

    /// Whether the token's own account wrote what `author` wrote; who the
    /// token is is asked once.
    fn mine(&self, author: &Author) -> Result<bool, ForgeError> {
        if self.me.get().is_none() {
            let me = self.client.identity()?;
            let _ = self.me.set(me);
        }
        Ok(self.me.get().is_some_and(|me| me.wrote(author)))
    }

    fn author(&self, github: Option<wire::User>, gitlab: Option<wire::User>) -> Option<Author> {
        if self.is_github() {
            Author::github(github?)
        } else {
            Author::gitlab(gitlab?)
        }
    }

    /// The open issues carrying the marker that the token's account wrote,
    /// oldest first (pull requests, which GitHub lists as issues, skipped).
    pub fn open_issues(&self) -> Answer<Vec<OpenIssue>> {
        let base = self.issues_url();
        let page_url = |page: u32| {
            if self.is_github() {
                format!("{base}?state=open&sort=created&direction=asc&per_page=100&page={page}")
            } else {
                format!("{base}?state=opened&sort=asc&order_by=created_at&per_page=100&page={page}")
            }
        };
        let mut found = Vec::new();
        let mut each = |item: wire::Issue| -> Result<(), ForgeError> {
            let number = if self.is_github() {
                item.number
            } else {
                item.iid
            };
            let body = if self.is_github() {
                item.body
            } else {
                item.description
            };
            let (Some(number), Some(body)) = (number, body) else {
                return Ok(());
            };
            if item.pull_request.is_some() || !remind::is_marked(&body) {
                return Ok(());
            }
            let Some(author) = self.author(item.user, item.author) else {
                return Ok(());
            };
            if self.mine(&author)? {
                found.push(OpenIssue {
                    number,
                    title: item.title.unwrap_or_default(),
                    body,
                });
            }
            Ok(())
        };
        let refused = self
            .client
            .pages(&page_url, "issues", &[403, 410], &mut each)?;
        Ok(match refused {
            Some(why) => Err(Refused(why)),
            None => Ok(found),
        })
    }

    /// Open an issue for `reminder`, labelled, assigned to those of its
    /// handles the forge accepts: its number.
    pub fn create(&self, reminder: &Reminder) -> Answer<u64> {
        let assignees = self.assignable(&reminder.assignees)?;
        let body = reminder.full_body();
        let request = if self.is_github() {
            json!({"title": reminder.title, "body": body,
                   "labels": [remind::LABEL], "assignees": assignees})
        } else {
            json!({"title": reminder.title, "description": body,
                   "labels": remind::LABEL, "assignee_ids": assignees})
        };
        let url = self.issues_url();
        let answer = match self.send("POST", &url, &request)? {
            Ok(answer) => answer,
            Err(refused) => return Ok(Err(refused)),
        };
        // An answer without the new issue's number is the forge's fault,
        // said as such, never "opened issue #0".
        let issue: wire::Issue = parse(&answer, "POST", &url)?;
        match issue.number.or(issue.iid) {
            Some(number) => Ok(Ok(number)),
            None => Err(ForgeError::Unexpected {
                method: "POST",
                url,
                reason: "the new issue's number is missing".to_owned(),
            }),
        }
    }

    /// Rewrite issue `number`'s title and body to `reminder`'s.
    pub fn update(&self, number: u64, reminder: &Reminder) -> Answer<()> {
        let body = reminder.full_body();
        let request = if self.is_github() {
            json!({"title": reminder.title, "body": body})
        } else {
            json!({"title": reminder.title, "description": body})
        };
        self.edit(number, &request)
    }

    /// Close issue `number`.
    pub fn close(&self, number: u64) -> Answer<()> {
        let request = if self.is_github() {
            json!({"state": "closed", "state_reason": "completed"})
        } else {
            json!({"state_event": "close"})
        };
        self.edit(number, &request)
    }

    fn edit(&self, number: u64, request: &Value) -> Answer<()> {
        let url = format!("{}/{number}", self.issues_url());
        let method = if self.is_github() { "PATCH" } else { "PUT" };
        Ok(self.send(method, &url, request)?.map(|_| ()))
    }

    fn comments_url(&self, number: u64) -> String {
        let what = if self.is_github() {
            "comments"
        } else {
            "notes"
        };
        format!("{}/{number}/{what}", self.issues_url())
    }

    /// Comment `text` on issue `number`.
    pub fn comment(&self, number: u64, text: &str) -> Answer<()> {
        let url = self.comments_url(number);
        Ok(self
            .send("POST", &url, &json!({ "body": text }))?
            .map(|_| ()))
    }

    /// Whether the token's account already commented on issue `number`
    /// with a comment starting with `note`.
    pub fn has_note(&self, number: u64, note: &str) -> Answer<bool> {
        let base = self.comments_url(number);
        let page_url = |page: u32| format!("{base}?per_page=100&page={page}");
        let mut seen = false;
        let mut each = |item: wire::Comment| -> Result<(), ForgeError> {
            if seen
                || !item
                    .body
                    .as_deref()
                    .is_some_and(|b| remind::is_note(b, note))
            {
                return Ok(());
            }
            if let Some(author) = self.author(item.user, item.author) {
                seen = self.mine(&author)?;
            }
            Ok(())
        };
        let refused = self
            .client
            .pages(&page_url, "comments", &[403, 410], &mut each)?;
        Ok(match refused {
            Some(why) => Err(Refused(why)),
            None => Ok(seen),
        })
    }

    /// The handles the forge accepts as assignees: GitHub's answer to
    /// `GET /repos/{repo}/assignees/{handle}` (204), GitLab's user ids of
    /// `GET /users?username=`. A handle that cannot be a login is dropped
    /// without asking.
    fn assignable(&self, handles: &[String]) -> Result<Vec<Value>, ForgeError> {
        let mut accepted = Vec::new();
        for handle in handles.iter().filter(|h| is_login(h)).take(10) {
            let assignee = match self.client.forge {
                Forge::GitHub(g) => {
                    let url = format!("{}/repos/{}/assignees/{handle}", g.api, g.repository);
                    let answer = self.client.get(&url)?;
                    (answer.status == 204).then(|| json!(handle))
                }
                Forge::GitLab(g) => {
                    let url = format!("{}/users?username={handle}", g.api);
                    let answer = self.client.get(&url)?;
                    let users: Vec<wire::User> = if answer.status == 200 {
                        wire::page(&answer.body).unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    users.first().and_then(|u| u.id).map(|id| json!(id))
                }
            };
            accepted.extend(assignee);
        }
        Ok(accepted)
    }

    /// A write: the answer's body, or the forge's refusal (403).
    fn send(&self, method: &'static str, url: &str, request: &Value) -> Answer<Vec<u8>> {
        let answer = self.client.send(method, url, Some(&request.to_string()))?;
        if answer.status == 403 {
            return Ok(Err(Refused(message(&answer.body))));
        }
        let body = ok(answer, method, url)?;
        let _: wire::Written = parse(&body, method, url)?;
        Ok(Ok(body))
    }
}

/// Whether `handle` can be a GitHub login or GitLab username: letters,
/// digits, `-`, `_` and `.`, not starting with a punctuation mark, at most
/// 255 characters. Anything else is never put in a URL.
fn is_login(handle: &str) -> bool {
    let mut chars = handle.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && handle.len() <= 255
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_login_is_asked_about() {
        assert!(is_login("ada"));
        assert!(is_login("grace-hopper"));
        assert!(is_login("a.b_c"));
        assert!(!is_login(""));
        assert!(!is_login("-ada"));
        assert!(!is_login("../admin"));
        assert!(!is_login("ada?x=1"));
        assert!(!is_login("everyone here"));
    }
}
