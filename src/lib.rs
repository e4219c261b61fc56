//! `alliance`: designed alliances (working agreements) as Markdown with YAML
//! front matter, kept in git.
//!
//! The data flows one way: files → [`document`] (parse, spans) → [`kind`]
//! (schemas, templates) → [`check`] → [`report`] (formats) → [`cli`].
//! The library never prints: renderers write to the writer they are given.

pub mod adopt;
pub mod atomic;
pub mod check;
pub mod cli;
pub mod compare;
pub mod config;
pub mod dates;
pub mod discover;
pub mod document;
pub mod due;
pub mod edit;
pub mod finding;
pub mod history;
pub mod kind;
pub mod report;
pub mod reviews;
pub mod scaffold;
pub mod text;
pub mod workspace;
