//! `alliance schema KIND`: the kind's front-matter JSON Schema.

use std::io::Write;

use super::{Failed, SchemaArgs};
use crate::workspace::Workspace;

pub(super) fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let kind = super::new::kind(&workspace.kinds, &args.kind)?;
    crate::report::escape::json::write_pretty(&mut *out, &kind.schema)?;
    writeln!(out)?;
    Ok(0)
}
