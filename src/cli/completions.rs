//! `alliance completions SHELL` and `alliance man`: generated from the clap
//! definition, so they never drift from the real flags.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, CompletionsArgs, Failed};

pub(super) fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "alliance", out);
    Ok(0)
}

pub(super) fn man(out: &mut dyn Write) -> Result<u8, Failed> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(0)
}
