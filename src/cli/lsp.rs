//! `alliance lsp`: the language server over standard input and output
//! (`crate::lsp::serve` does the work; this is the glue).

use clap::Args;
use std::io::Write;

use super::Failed;

pub(super) const LSP_HELP: &str = "\
Speaks the Language Server Protocol on standard input and output; an editor
starts it, a person does not type to it. While alliances are written it
publishes `check`'s findings from the unsaved text (alliances, pulse answer
files, kind and instrument files), offers fixes (add a missing section,
rename a heading, give an item its id, propose a ready draft, fix all),
completes section names, handles, status, cadence and kind words and answer
keys, explains rules, review dates, items and sections on hover, lists the
outline, and goes from a handle to its party. It writes no file: the editor
applies the edits. It watches no file either: it asks the editor to tell it
when `.alliance.yaml`, a kind, an instrument or a template changes.

Set-ups for Neovim, Helix, Zed and VS Code are in editors/ and docs/lsp.md.

Examples:
  alliance lsp                       started by the editor, e.g. in Helix's languages.toml:
                                     [language-server.alliance]
                                     command = \"alliance\"
                                     args = [\"lsp\"]
  nvim -u editors/neovim/alliance.lua TEAM_ALLIANCE.md
                                     try it in Neovim 0.7 or later";

/// Arguments of `alliance lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {}

pub(super) fn run(_args: &LspArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let input = Box::new(std::io::BufReader::new(std::io::stdin()));
    let ended = crate::lsp::serve(input, out)?;
    Ok(ended.code)
}
