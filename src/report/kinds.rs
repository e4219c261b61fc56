//! `alliance kinds` output: each kind with its summary, cadence and
//! required sections, for people or as JSON. A repository's kinds are
//! untrusted text: everything they say passes the terminal sanitiser.

use std::io::{self, Write};

use super::sanitize;
use crate::kind::{Content, Kind, Kinds};

/// Formats of `alliance kinds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindsFormat {
    /// A readable list.
    Human,
    /// JSON: name, origin, summary and sections of each kind.
    Json,
}

/// Render `kinds` in `format`.
pub fn render(kinds: &Kinds, format: KindsFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        KindsFormat::Json => json(kinds, out),
        KindsFormat::Human => {
            for (i, kind) in kinds.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                human(kind, out)?;
            }
            Ok(())
        }
    }
}

fn json(kinds: &Kinds, out: &mut dyn Write) -> io::Result<()> {
    let kinds: Vec<_> = kinds
        .iter()
        .map(|k| {
            serde_json::json!({
                "name": k.name,
                "origin": k.origin.to_string(),
                "summary": k.summary,
                "default_every": k.default_every,
                "sections": k.sections,
                "review_minutes": k.review_minutes,
                "review_questions": k.review_questions,
            })
        })
        .collect();
    crate::escape::json::write_pretty(&mut *out, &kinds)?;
    writeln!(out)
}

/// Where a kind comes from, a file named from the current folder.
fn origin(kind: &Kind) -> String {
    match &kind.origin {
        crate::kind::Origin::Repository(path) => {
            crate::workspace::from_here(path).display().to_string()
        }
        other => other.to_string(),
    }
}

fn human(kind: &Kind, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} ({})",
        sanitize(&kind.name),
        sanitize(&origin(kind))
    )?;
    writeln!(out, "  {}", sanitize(&kind.summary))?;
    if let Some(every) = &kind.default_every {
        writeln!(out, "  {} by default", reviewed(every))?;
    }
    writeln!(out, "  sections:")?;
    for section in &kind.sections {
        let content = match (section.required, section.content) {
            (false, _) => "optional: may be absent",
            (true, Content::Items) => "list items",
            (true, Content::Text) => "any content",
            (true, Content::Optional) => "may be empty",
        };
        let also = if section.aliases.is_empty() {
            String::new()
        } else {
            format!("; also: {}", section.aliases.join(", "))
        };
        writeln!(
            out,
            "    ## {} ({content}{})",
            sanitize(&section.name),
            sanitize(&also)
        )?;
    }
    Ok(())
}

/// "reviewed every 3 months", "reviewed quarterly".
fn reviewed(every: &str) -> String {
    let every = sanitize(every);
    let one_word = every.split_whitespace().count() == 1;
    if one_word && every.trim().ends_with("ly") {
        format!("reviewed {}", every.trim())
    } else {
        format!("reviewed every {every}")
    }
}

#[cfg(test)]
mod tests {
    use super::reviewed;

    #[test]
    fn cadence_words_read_as_english() {
        assert_eq!(reviewed("3 months"), "reviewed every 3 months");
        assert_eq!(reviewed("yearly"), "reviewed yearly");
        assert_eq!(reviewed("quarterly"), "reviewed quarterly");
    }
}
