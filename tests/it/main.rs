//! The integration tests, as one binary: each module tests one command or
//! concern against the real `alliance` binary, started from a cleared
//! environment by the helpers in [`common`]. One binary links once where
//! thirty did. Run one module with `cargo test --test it MODULE::` (e.g.
//! `cargo test --test it hostile::git::`); the tests that read
//! `../shared/corpus/real` run with `cargo test -- --ignored`.
//!
//! A new test file is a module: add its `mod` line here (or in the
//! `mod.rs` of its folder). [`layout`] fails for a file no `mod` line
//! names, which cargo would otherwise pass over in silence.

mod common;

mod adopt;
mod agenda;
mod browser;
mod ci_api;
mod ci_files;
mod ci_remind;
mod cmd;
mod codeowners;
mod commit_graph;
mod compare;
mod conformance;
mod consent;
mod corpus;
mod due;
mod feeds;
mod history;
#[cfg(unix)]
mod hostile;
mod integrations;
mod kinds;
mod layout;
mod lsp;
mod markdown_links;
mod new;
mod proof;
mod pulse;
mod readme;
mod real_agreements;
mod review;
mod rules;
mod schema_agreement;
mod several;
mod site;
mod site_merge;
mod yaml_test_suite;
