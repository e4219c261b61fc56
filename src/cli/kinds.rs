//! `alliance kinds`: the kinds available here and what they require.

use std::io::{self, Write};

use super::{Failed, KindsArgs, KindsFormat};
use crate::report::escape::terminal::line;
use crate::workspace::Workspace;

pub(super) fn run(args: &KindsArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    match args.format {
        KindsFormat::Json => {
            let kinds: Vec<_> = workspace
                .kinds
                .iter()
                .map(|k| {
                    serde_json::json!({
                        "name": k.name,
                        "origin": k.origin.to_string(),
                        "summary": k.summary,
                        "default_every": k.default_every,
                        "sections": k.sections,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &kinds).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        KindsFormat::Human => {
            for (i, kind) in workspace.kinds.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                // A repository's kinds are untrusted text, like documents.
                writeln!(
                    out,
                    "{} ({})",
                    line(&kind.name),
                    line(&kind.origin.to_string())
                )?;
                writeln!(out, "  {}", line(&kind.summary))?;
                if let Some(every) = &kind.default_every {
                    writeln!(out, "  reviewed every {} by default", line(every))?;
                }
                writeln!(out, "  required sections:")?;
                for section in &kind.sections {
                    let content = match section.content {
                        crate::kind::Content::Items => "list items",
                        crate::kind::Content::Text => "any content",
                        crate::kind::Content::Optional => "may be empty",
                    };
                    let also = if section.aliases.is_empty() {
                        String::new()
                    } else {
                        format!("; also: {}", line(&section.aliases.join(", ")))
                    };
                    writeln!(out, "    ## {} ({content}{also})", line(&section.name))?;
                }
            }
        }
    }
    Ok(0)
}
