//! `alliance kinds`: the kinds available here and what they require.

use clap::Args;
use std::io::Write;

use super::Failed;
use crate::report::kinds::render;
use crate::workspace::Workspace;

pub(super) const KINDS_HELP: &str = "\
A repository can add or override kinds: name a folder in .alliance.yaml
(`kinds: alliance-kinds`) and put NAME.kind.yaml (sections), NAME.schema.json
(front matter) and NAME.md.j2 (template) in it.

Examples:
  alliance kinds
  alliance kinds --format json";

/// Arguments of `alliance kinds`.
#[derive(Debug, Args)]
pub struct KindsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::report::kinds::KindsFormat::Human)]
    pub format: crate::report::kinds::KindsFormat,
}

pub(super) fn run(args: &KindsArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    render(&workspace.kinds, args.format, out)?;
    Ok(0)
}
