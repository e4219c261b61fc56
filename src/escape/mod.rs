//! Escaping for every place document text lands, one module per target.
//!
//! Documents, kinds, file names and commit messages are written by whoever
//! can open a pull request. Before any of that text reaches an output it
//! goes through the escaper of the place it lands, never through ad hoc
//! `replace` calls at the call site:
//!
//! - [`terminal`]: human output (a terminal, and the CI log it becomes):
//!   no control sequences, no line breaks in one-line fields, and no line
//!   that starts a workflow command (`::error::`, `##[error]`).
//! - [`markdown`]: pull-request comments, issues and README tables: no raw
//!   HTML, images, links, table-cell breaks, heading breaks, live mentions
//!   or issue references, and nothing that can end or forge the hidden
//!   marker comment.
//! - [`github`]: the data and property values of GitHub workflow commands.
//! - [`xml`]: JUnit XML text and attribute values.
//! - [`html`]: the pages of `alliance site`: text, attribute values, and
//!   which addresses a document's links may keep.
//!
//! - [`ics`]: the text values and folded lines of an iCalendar file.
//! - [`chat`]: Slack `mrkdwn` and Microsoft Teams Adaptive Card text: no
//!   pings, mentions or links from document text.
//!
//! - [`json`]: JSON and SARIF, escaped by `serde_json`, with `[` after `##`
//!   written `\u005b` so a document printed into a CI log is no command.

pub mod chat;
pub mod github;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod terminal;
pub mod xml;

/// Make document text safe for one line of terminal output: the same as
/// [`terminal::line`] (control characters, line breaks and bidirectional
/// overrides as escapes; no workflow command at the start of a line).
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    terminal::line(text)
}

/// `text` as one shell word, quoted when it holds a space, a quote or the
/// like, so a command the tool suggests runs as printed. Text a shell
/// cannot hold (a NUL byte) is left as it is.
pub fn shell_word(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_owned(), |q| q.into_owned())
}
