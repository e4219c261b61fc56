//! `alliance completions SHELL` and `alliance man [COMMAND]`: generated
//! from the clap definition, so they never drift from the real flags.
//!
//! Both render into memory first: the generators panic when a write fails,
//! and a closed pipe (`alliance completions zsh | head -1`) must end the
//! command quietly, as it does every other.

use clap::Args;
use std::io::Write;

use clap::CommandFactory;

use super::{Cli, Failed};

pub(super) const COMPLETIONS_HELP: &str = "\
Examples:
  alliance completions bash > ~/.local/share/bash-completion/completions/alliance
  alliance completions zsh > ~/.zfunc/_alliance
  alliance completions fish > ~/.config/fish/completions/alliance.fish
  alliance completions powershell >> $PROFILE";

/// Arguments of `alliance completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub(super) const MAN_HELP: &str = "\
The page of `alliance` lists its commands as alliance-check(1) and so on;
`alliance man COMMAND` prints each of those pages.

Examples:
  alliance man > alliance.1
  for c in check due review diff; do alliance man $c > alliance-$c.1; done
  alliance man check | man -l -";

/// Arguments of `alliance man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (default: the page of `alliance` itself).
    pub command: Option<String>,
}

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
