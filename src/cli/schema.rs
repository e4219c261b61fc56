//! `alliance schema KIND`: the kind's front-matter JSON Schema.

use std::io::{self, Write};

use super::{Failed, SchemaArgs};
use crate::workspace::Workspace;

pub(super) fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let kind = super::new::kind(&workspace.kinds, &args.kind)?;
    serde_json::to_writer_pretty(&mut *out, &kind.schema).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(0)
}
