//! The forge's answers, read as the few fields alliance uses and nothing
//! else: each answer is a bounded byte buffer (see `BODY_LIMIT` in the
//! parent) deserialized straight into these structs, every other field
//! skipped without being kept, so memory stays near the size of the
//! answer. A list holds at most as many items as were asked for (a page
//! of 100, or `MAX_LIST` approvers): a list of a million empty objects
//! is refused, not built. Every field is optional; what a missing one
//! means is the caller's to say.
//!
//! Public only for the fuzz target (`fuzz/fuzz_targets/forge.rs`):
//! [`read_all`] runs every reader on one answer.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Items on a page: what `per_page=100` asks for.
pub(super) const PAGE: usize = 100;

/// At most this many entries in a list that is not paged (GitLab's
/// `approved_by`, GraphQL's `errors`).
pub(super) const MAX_LIST: usize = 1_000;

/// A list of at most `N` items; more is an error, found while reading.
#[derive(Debug)]
pub(super) struct Capped<T, const N: usize>(pub(super) Vec<T>);

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Capped<T, N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T, const N: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Items<T, N> {
            type Value = Capped<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a list of at most {N} items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if items.len() == N {
                        return Err(serde::de::Error::custom(format!(
                            "more than {N} items in a list"
                        )));
                    }
                    items.push(item);
                }
                Ok(Capped(items))
            }
        }
        deserializer.deserialize_seq(Items::<T, N>(PhantomData))
    }
}

/// An account: GitHub's `user` (`login`, `type`), GitLab's `author` or
/// `user` (`username`), `GET /user` of either.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct User {
    pub(super) id: Option<u64>,
    pub(super) login: Option<String>,
    pub(super) username: Option<String>,
    #[serde(rename = "type")]
    pub(super) kind: Option<String>,
}

/// A GitHub issue comment or a GitLab note.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Comment {
    pub(super) id: Option<u64>,
    pub(super) body: Option<String>,
    /// GitHub.
    pub(super) user: Option<User>,
    /// GitLab.
    pub(super) author: Option<User>,
}

/// A GitHub issue (`number`, `body`, `user`; a pull request has
/// `pull_request`) or a GitLab issue (`iid`, `description`, `author`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Issue {
    pub(super) number: Option<u64>,
    pub(super) iid: Option<u64>,
    pub(super) title: Option<String>,
    pub(super) body: Option<String>,
    pub(super) description: Option<String>,
    pub(super) user: Option<User>,
    pub(super) author: Option<User>,
    pub(super) pull_request: Option<serde::de::IgnoredAny>,
}

/// What a write answers: the comment's id.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Written {
    pub(super) id: Option<u64>,
}

/// A GitHub pull request review.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Review {
    pub(super) user: Option<User>,
    pub(super) state: Option<String>,
    pub(super) commit_id: Option<String>,
}

/// GitLab's merge request approvals.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Approvals {
    pub(super) approved_by: Option<Capped<Approval, MAX_LIST>>,
}

/// One entry of `approved_by`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Approval {
    pub(super) user: Option<User>,
    pub(super) approved_at: Option<String>,
}

/// A GitLab merge request diff version.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Version {
    pub(super) head_commit_sha: Option<String>,
    pub(super) created_at: Option<String>,
}

/// GitHub's GraphQL answer to `query { viewer { login databaseId } }`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Graphql {
    pub(super) data: Option<GraphqlData>,
    pub(super) errors: Option<Capped<Message, MAX_LIST>>,
}

/// GraphQL's `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct GraphqlData {
    pub(super) viewer: Option<Viewer>,
}

/// GraphQL's `viewer`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Viewer {
    pub(super) login: Option<String>,
    #[serde(rename = "databaseId")]
    pub(super) database_id: Option<u64>,
}

/// An error's `message`: a string on GitHub, a string or an object of
/// lists on GitLab (`{"message": {"note": ["is too long"]}}`), kept as its
/// JSON text when it is not a string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Message {
    pub(super) message: Option<Box<RawValue>>,
}

impl Message {
    /// The message's words: the string, else its JSON text.
    pub(super) fn words(&self) -> Option<String> {
        let raw = self.message.as_deref()?;
        Some(serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned()))
    }
}

/// One answer of type `T` from its bytes; an empty answer is `T`'s default.
pub(super) fn read<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes)
}

/// A page of a list: at most [`PAGE`] items.
pub(super) fn page<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, serde_json::Error> {
    serde_json::from_slice::<Capped<T, PAGE>>(bytes).map(|c| c.0)
}

/// Every reader on one answer, for the fuzz target: how many of them
/// accepted it, and the message it would be quoted with. Never panics.
#[doc(hidden)]
pub fn read_all(bytes: &[u8]) -> (usize, String) {
    let oks = [
        page::<Comment>(bytes).is_ok(),
        page::<Issue>(bytes).is_ok(),
        page::<Review>(bytes).is_ok(),
        page::<Version>(bytes).is_ok(),
        read::<User>(bytes).is_ok(),
        read::<Written>(bytes).is_ok(),
        read::<Approvals>(bytes).is_ok(),
        read::<Graphql>(bytes).is_ok(),
    ];
    let accepted = oks.iter().filter(|ok| **ok).count();
    (accepted, super::message(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_fields_used_are_read_and_others_are_skipped() {
        let text = br#"[{"id": 3, "body": "hi", "reactions": {"+1": 2, "deep": [[[1]]]},
            "user": {"id": 7, "login": "ada", "type": "User", "url": "x"}}]"#;
        let comments: Vec<Comment> = page(text).unwrap();
        assert_eq!(comments[0].id, Some(3));
        assert_eq!(comments[0].body.as_deref(), Some("hi"));
        assert_eq!(
            comments[0].user.as_ref().unwrap().login.as_deref(),
            Some("ada")
        );
    }

    #[test]
    fn a_page_longer_than_asked_for_is_refused_while_read() {
        let many = format!("[{}{{}}]", "{},".repeat(PAGE));
        let error = page::<Comment>(many.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("more than 100 items"), "{error}");
        let full = format!("[{}{{}}]", "{},".repeat(PAGE - 1));
        assert_eq!(page::<Comment>(full.as_bytes()).unwrap().len(), PAGE);
    }

    /// The fuzz target's invariant, on its committed corpus.
    #[test]
    fn the_fuzz_corpus_reads_and_quotes_one_clean_line() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/forge");
        let mut seen = 0;
        for entry in std::fs::read_dir(folder).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let (accepted, message) = read_all(&bytes);
            assert!(message.chars().count() <= 301);
            assert!(
                !message.chars().any(|c| c.is_control() && c != '\t'),
                "{message:?}"
            );
            seen += usize::from(accepted > 0);
        }
        assert!(seen >= 10, "{seen} seeds parsed");
    }

    #[test]
    fn messages_are_strings_or_their_json_text() {
        let github: Message = read(br#"{"message": "Bad credentials"}"#).unwrap();
        assert_eq!(github.words().as_deref(), Some("Bad credentials"));
        let gitlab: Message = read(br#"{"message": {"note": ["is too long"]}}"#).unwrap();
        assert_eq!(
            gitlab.words().as_deref(),
            Some(r#"{"note": ["is too long"]}"#)
        );
        let empty: Message = read(b"  ").unwrap();
        assert_eq!(empty.words(), None);
    }
}
