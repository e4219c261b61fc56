//! What a caller asks of a repository: the command line, an editor server
//! or a site generator. Each task gathers what the stages need (the
//! workspace's documents, the consent proofs, the pulse, today's date as
//! given), runs them and returns data; none prints, renders or parses
//! arguments (that is `cli`'s, and `report`'s).

pub mod adopt;
pub mod agenda;
pub mod agree;
pub mod check;
pub mod ci;
pub mod codeowners;
pub mod diff;
pub mod due;
pub mod new;
pub mod pulse;
pub mod remind;
pub mod site;
pub mod site_merge;
