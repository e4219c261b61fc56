//! `alliance schema KIND`: the kind's front-matter JSON Schema.

use clap::Args;
use std::io::Write;

use super::Failed;
use crate::workspace::Workspace;

pub(super) const SCHEMA_HELP: &str = "\
Point your editor's YAML language server at it, e.g. in VS Code settings:
  \"yaml.schemas\": { \"./schemas/team.schema.json\": \"TEAM_ALLIANCE.md\" }
or on the first line of the front matter:
  # yaml-language-server: $schema=./schemas/team.schema.json

Examples:
  alliance schema team > schemas/team.schema.json";

/// Arguments of `alliance schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The kind (see `alliance kinds`).
    pub kind: String,
}

pub(super) fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let kind = crate::tasks::new::kind(&workspace.kinds, &args.kind)?;
    crate::escape::json::write_pretty(&mut *out, &kind.schema)?;
    writeln!(out)?;
    Ok(0)
}
