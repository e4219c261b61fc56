//! `alliance schema KIND`: the kind's front-matter JSON Schema.

use std::io::{self, Write};

use super::{Failed, SchemaArgs};
use crate::kind::one_of;
use crate::workspace::Workspace;

pub(super) fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let Some(kind) = workspace.kinds.get(&args.kind) else {
        return Err(Failed::Usage(format!(
            "unknown kind `{}`; the kinds here are {}",
            args.kind,
            one_of(&workspace.kinds.names())
        )));
    };
    serde_json::to_writer_pretty(&mut *out, &kind.schema).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(0)
}
