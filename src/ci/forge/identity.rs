//! Whose token `ci comment` runs with: the one account whose comment
//! carrying the marker it may adopt and rewrite. Anyone can paste the
//! marker into a comment, so the marker says which comments to look at and
//! the author says which one is ours.
//!
//! GitHub: `GET /user` answers for a personal access token, but for an app
//! installation token (the Actions `GITHUB_TOKEN` is one) it answers 403
//! "Resource not accessible by integration" (REST docs, "Get the
//! authenticated user": it lists user tokens only). GraphQL's
//! `query { viewer { login databaseId } }` answers for both kinds: for an
//! installation token it is the app's bot account (`github-actions[bot]`,
//! whose comments the REST API lists with `user.type` `Bot`), and
//! `databaseId` is the same number as REST's `user.id` (reported working
//! with the Actions token in actions/github-script#39 and with other
//! installation tokens in fullsend-ai/fullsend#1953). So `/user` is asked
//! first and GraphQL when it refuses; the comparison is by that number, and
//! by login only when a number is missing (GraphQL's `Bot.login` leaves out
//! the `[bot]` that REST's `user.login` has, so a bot's REST login matches
//! with or without it; a person's login cannot hold `[`).
//!
//! GitLab: `GET /user` answers for every token that can write notes;
//! project and group access tokens are bot users with their own id, so
//! notes are matched by `author.id`, never by the look of the username.

use serde_json::json;

use super::{Client, Forge, ForgeError, message, wire};

/// The account a token acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Identity {
    /// The account's number (GitHub `id` / GraphQL `databaseId`, GitLab
    /// `id`), when the forge gave it.
    pub(super) id: Option<u64>,
    /// The login (GitHub) or username (GitLab).
    pub(super) login: String,
}

/// Who wrote a comment, as the comment lists say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Author {
    pub(super) id: Option<u64>,
    pub(super) login: String,
    /// GitHub's `user.type` is `Bot`.
    pub(super) bot: bool,
}

impl Author {
    /// A GitHub comment's `user`.
    pub(super) fn github(user: wire::User) -> Option<Author> {
        Some(Author {
            id: user.id,
            login: user.login?,
            bot: user.kind.as_deref() == Some("Bot"),
        })
    }

    /// A GitLab note's `author`.
    pub(super) fn gitlab(author: wire::User) -> Option<Author> {
        Some(Author {
            id: author.id,
            login: author.username?,
            bot: false,
        })
    }
}

impl Identity {
    /// Whether this account wrote a comment by `author`: the same number
    /// when both have one, else the same login.
    pub(super) fn wrote(&self, author: &Author) -> bool {
        if let (Some(mine), Some(theirs)) = (self.id, author.id) {
            return mine == theirs;
        }
        let login = author.login.as_str();
        login.eq_ignore_ascii_case(&self.login)
            || (author.bot
                && login
                    .strip_suffix("[bot]")
                    .is_some_and(|l| l.eq_ignore_ascii_case(&self.login)))
    }
}

impl Client<'_> {
    /// Who the token is, or [`ForgeError::Identity`] with what each way of
    /// asking answered.
    pub(super) fn identity(&self) -> Result<Identity, ForgeError> {
        let api = match self.forge {
            Forge::GitHub(g) => &g.api,
            Forge::GitLab(g) => &g.api,
        };
        let url = format!("{api}/user");
        let answer = self.get(&url)?;
        if (200..300).contains(&answer.status) {
            if let Ok(user) = wire::read::<wire::User>(&answer.body) {
                let login = match self.forge {
                    Forge::GitHub(_) => user.login,
                    Forge::GitLab(_) => user.username,
                };
                if let Some(me) = identity(login, user.id) {
                    return Ok(me);
                }
            }
        }
        let user = refusal("GET /user", answer.status, &message(&answer.body));
        match self.forge {
            Forge::GitHub(g) => self.viewer(g).map_err(|graphql| ForgeError::Identity {
                reason: format!("{user}; {graphql}"),
            }),
            Forge::GitLab(_) => Err(ForgeError::Identity { reason: user }),
        }
    }

    /// GraphQL's `viewer`, or what went wrong, for the message.
    fn viewer(&self, github: &super::GitHub) -> Result<Identity, String> {
        let url = graphql_url(github);
        let query = json!({ "query": "query { viewer { login databaseId } }" }).to_string();
        let answer = self
            .read("POST", &url, Some(&query))
            .map_err(|e| format!("GraphQL viewer: {e}"))?;
        let graphql = wire::read::<wire::Graphql>(&answer.body).ok();
        let viewer = graphql
            .as_ref()
            .and_then(|g| g.data.as_ref())
            .and_then(|d| d.viewer.as_ref());
        match viewer.and_then(|v| identity(v.login.clone(), v.database_id)) {
            Some(me) if (200..300).contains(&answer.status) => Ok(me),
            _ => {
                let first_error = graphql
                    .as_ref()
                    .and_then(|g| g.errors.as_ref())
                    .and_then(|e| e.0.first())
                    .and_then(wire::Message::words);
                let words = first_error.map_or_else(
                    || message(&answer.body),
                    |w| crate::escape::sanitize(&w).replace('\n', " "),
                );
                Err(refusal("GraphQL viewer", answer.status, &words))
            }
        }
    }
}

/// An identity, when there is a login that is not blank.
fn identity(login: Option<String>, id: Option<u64>) -> Option<Identity> {
    let login = login?.trim().to_owned();
    if login.is_empty() {
        return None;
    }
    Some(Identity { id, login })
}

/// "GET /user: HTTP 403: Resource not accessible by integration".
fn refusal(what: &str, status: u16, words: &str) -> String {
    if words.is_empty() {
        format!("{what}: HTTP {status}")
    } else {
        format!("{what}: HTTP {status}: {words}")
    }
}

/// Where GitHub's GraphQL API is: `GITHUB_GRAPHQL_URL`, else beside the
/// REST API (`https://api.github.com/graphql`; on GitHub Enterprise Server
/// `https://HOST/api/v3` has `https://HOST/api/graphql`).
fn graphql_url(github: &super::GitHub) -> String {
    if let Some(url) = &github.graphql {
        return url.clone();
    }
    match github.api.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{}/graphql", github.api),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(id: Option<u64>, login: &str, bot: bool) -> Author {
        Author {
            id,
            login: login.to_owned(),
            bot,
        }
    }

    #[test]
    fn the_number_decides_when_both_have_one() {
        let me = Identity {
            id: Some(41898282),
            login: "github-actions[bot]".to_owned(),
        };
        assert!(me.wrote(&author(Some(41898282), "github-actions[bot]", true)));
        // The same login under another number is someone else.
        assert!(!me.wrote(&author(Some(7), "github-actions[bot]", true)));
    }

    #[test]
    fn without_numbers_a_bot_login_matches_with_or_without_its_suffix() {
        let graphql = Identity {
            id: None,
            login: "github-actions".to_owned(),
        };
        assert!(graphql.wrote(&author(None, "github-actions[bot]", true)));
        assert!(!graphql.wrote(&author(None, "github-actions[bot]", false)));
        assert!(!graphql.wrote(&author(None, "mallory", false)));
        assert!(graphql.wrote(&author(None, "GitHub-Actions", false)));
    }

    #[test]
    fn graphql_lives_beside_the_rest_api() {
        let github = |api: &str, graphql: Option<&str>| super::super::GitHub {
            api: api.to_owned(),
            graphql: graphql.map(str::to_owned),
            repository: "o/r".to_owned(),
            number: 1,
            token: None,
            head: None,
            budget: super::super::Budget::starting_now(super::super::DEFAULT_TIMEOUT),
        };
        assert_eq!(
            graphql_url(&github("https://api.github.com", None)),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            graphql_url(&github("https://ghe.example/api/v3", None)),
            "https://ghe.example/api/graphql"
        );
        assert_eq!(
            graphql_url(&github("https://x/api/v3", Some("https://y/graphql"))),
            "https://y/graphql"
        );
    }
}
