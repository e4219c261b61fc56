//! `alliance adopt`: add front matter to an agreement a team already has.

use std::io::Write;

use super::new::{cadence, kind, parties, shown};
use super::{AdoptArgs, Failed, today};
use crate::report::sanitize;
use crate::workspace::{ReadError, Workspace, read_document};
use crate::write::adopt::{self, AdoptOptions};

pub(super) fn run(args: &AdoptArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let kind = kind(&workspace.kinds, &args.kind)?;
    let options = AdoptOptions {
        title: args.title.clone(),
        parties: parties(&args.parties)?,
        every: cadence(args.every.as_deref(), kind)?,
        today: today()?,
        merge: args.merge,
    };
    if options
        .title
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control) || t.trim().is_empty())
    {
        return Err(Failed::Usage(
            "--title: a title is one line of text".to_owned(),
        ));
    }
    let shown = shown(&args.file);
    let doc = read_document(&args.file).map_err(|e| match e {
        ReadError::Io(reason) => Failed::Usage(format!("cannot read {shown}: {reason}")),
        ReadError::NotText(_) => Failed::Usage(format!("{shown} is not UTF-8 text")),
    })?;
    let adopted = adopt::adopt(&doc, kind, &options)?;
    crate::write::atomic::write(&args.file, adopted.text.as_bytes(), true)?;
    let added = adopted.added.join(", ");
    writeln!(
        out,
        "adopted {shown} as a `{}` alliance titled \"{}\" (added {})",
        sanitize(&kind.name),
        sanitize(&adopted.title),
        sanitize(&added)
    )?;
    let mut missing = Vec::new();
    for section in &adopted.sections {
        match (&section.heading, section.line) {
            (Some(heading), Some(line)) => writeln!(
                out,
                "  {:<28} <- ## {} (line {line})",
                sanitize(&section.section),
                sanitize(&heading.text)
            )?,
            _ => {
                writeln!(out, "  {:<28} (missing)", sanitize(&section.section))?;
                missing.push(section.section.as_str());
            }
        }
    }
    if options.parties.is_empty() {
        writeln!(
            out,
            "no parties given: add them under `parties:` (or re-run with --party \"NAME <handle>\")"
        )?;
    }
    if !missing.is_empty() {
        writeln!(
            out,
            "missing: {}; rename a heading to match, or add the section",
            missing
                .iter()
                .map(|s| format!("## {}", sanitize(s)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    writeln!(out, "next: run `alliance check {shown}`")?;
    Ok(0)
}
