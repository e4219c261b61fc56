//! Every change `alliance` makes to a file: a new alliance from a template
//! ([`new`]), front matter added to an agreement a team already has
//! ([`adopt`]), a review recorded in place ([`review`]); and the one way
//! bytes reach the disk ([`atomic`]), with its one sibling for the file a
//! CI runner owns and has us add to ([`append`], the job summary).
//!
//! Each edit is computed as new bytes from a parsed document and its spans,
//! so every byte the edit does not mean to change is kept. Nothing here
//! decides what a document means (that is `document` and `check`) or prints.

pub mod adopt;
pub mod agree;
pub mod append;
pub mod atomic;
pub mod codeowners;
pub mod new;
pub mod review;
pub mod splice;
