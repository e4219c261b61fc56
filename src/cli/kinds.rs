//! `alliance kinds`: the kinds available here and what they require.

use std::io::Write;

use super::{Failed, KindsArgs};
use crate::report::kinds::render;
use crate::workspace::Workspace;

pub(super) fn run(args: &KindsArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    render(&workspace.kinds, args.format, out)?;
    Ok(0)
}
