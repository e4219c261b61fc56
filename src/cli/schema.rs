//! `alliance schema KIND`: the kind's front-matter JSON Schema.

use clap::Args;
use std::io::Write;

use super::Failed;
use crate::workspace::Workspace;

pub(super) const SCHEMA_HELP: &str = "\
For tools that validate YAML against a JSON Schema. The YAML language server
does not validate the front matter of a Markdown file (a `yaml.schemas`
mapping or a `# yaml-language-server: $schema=` line has no effect there);
in the editor, `alliance lsp` checks front matter and body as you type.

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
