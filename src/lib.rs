//! `alliance`: designed alliances (working agreements) as Markdown with YAML
//! front matter, kept in git.
//!
//! The data flows one way, one module per stage (see `ARCHITECTURE.md`):
//! files → [`workspace`] (config, discovery, safe reads) → [`document`]
//! (parse, spans, the item vocabulary) → [`kind`] (schemas, templates) →
//! [`check`] / [`due`] / [`compare`] → [`report`] (every format) → [`cli`].
//! Beside the line: [`history`] is the only door into git, and [`write`]
//! makes every change to a file (new, adopt, review), atomically; [`ci`]
//! is the only door to a forge's API (the pull-request comment).
//! The library never prints: renderers write to the writer they are given.

pub mod agenda;
pub mod attest;
pub mod check;
pub mod ci;
pub mod cli;
pub mod clock;
pub mod compare;
pub mod consent;
pub mod document;
pub mod due;
pub mod error;
pub mod escape;
pub mod history;
pub mod kind;
pub mod lsp;
pub mod parallel;
pub mod pulse;
pub mod read;
pub mod report;
pub mod tasks;
pub mod workspace;
pub mod write;

pub use error::Failed;
