//! `alliance lsp`: the language server over standard input and output
//! (`crate::lsp::serve` does the work; this is the glue).

use clap::Args;
use std::io::Write;

use super::Failed;

pub(super) const LSP_HELP: &str = "\
Speaks the Language Server Protocol on standard input and output; an editor
starts it, a person does not type to it. It checks alliance documents while
they are written (the unsaved text, with the repository's kinds and
config), explains a diagnostic's rule on hover, and lists sections and
items as document symbols. It reads no file but the repository's config
and kinds, and writes none. Set-up for Neovim, Helix and Zed: docs/lsp.md.

Examples:
  alliance lsp                       started by the editor, e.g. in Helix's languages.toml:
                                     [language-server.alliance]
                                     command = \"alliance\"
                                     args = [\"lsp\"]";

/// Arguments of `alliance lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {}

pub(super) fn run(_args: &LspArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let input = Box::new(std::io::BufReader::new(std::io::stdin()));
    let ended = crate::lsp::serve(input, out)?;
    Ok(ended.code)
}
