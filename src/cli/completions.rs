//! `alliance completions SHELL` and `alliance man [COMMAND]`: generated
//! from the clap definition, so they never drift from the real flags.
//!
//! Both render into memory first: the generators panic when a write fails,
//! and a closed pipe (`alliance completions zsh | head -1`) must end the
//! command quietly, as it does every other.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, CompletionsArgs, Failed, ManArgs};

pub(super) fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "alliance", &mut script);
    out.write_all(&script)?;
    Ok(0)
}

pub(super) fn man(args: &ManArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let mut cli = Cli::command();
    cli.build();
    let page = match &args.command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name).cloned() else {
                return Err(Failed::UnknownCommand {
                    name: name.clone(),
                    known: cli
                        .get_subcommands()
                        .map(|c| c.get_name().to_owned())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            // The page alliance(1) refers to: alliance-check(1).
            sub.name(format!("alliance-{name}"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    out.write_all(&roff)?;
    Ok(0)
}
