//! What `adopt` and `review` tell the user they changed: the sections an
//! adopted file answers, the lines a review rewrote. Document text (titles,
//! headings, values) passes the terminal sanitiser; paths come shown.

use std::io::{self, Write};

use super::sanitize;
use crate::check::Severity;
use crate::tasks::adopt::AdoptPlan;
use crate::write::agree::Agreed;
use crate::write::splice::Edited;

/// `adopt`'s report: what was added, which heading answers each of the
/// kind's sections (as `check` matches them, with the lines of the written
/// file), what `check` will say of the sections, and what to do next.
pub fn adopted(shown: &str, plan: &AdoptPlan, out: &mut dyn Write) -> io::Result<()> {
    let adopted = &plan.adopted;
    let kind = sanitize(&plan.kind);
    if adopted.added.is_empty() {
        writeln!(
            out,
            "{shown} is already a `{kind}` alliance with nothing missing; nothing changed"
        )?;
    } else {
        writeln!(
            out,
            "adopted {shown} as a `{kind}` alliance titled \"{}\" (added {})",
            sanitize(&adopted.title),
            adopted.added.join(", ")
        )?;
    }
    for section in &adopted.sections {
        let name = sanitize(&section.section);
        match (&section.heading, section.line) {
            (Some(heading), Some(line)) => writeln!(
                out,
                "  {name:<28} <- ## {} (line {line})",
                sanitize(&heading.text)
            )?,
            _ => writeln!(out, "  {name:<28} (missing)")?,
        }
    }
    if plan.new_kind.is_some() && adopted.written.sections.is_empty() {
        writeln!(
            out,
            "  the file has no `##` headings, so the kind asks for no section; give it `##` headings and list them in the kind"
        )?;
    }
    for heading in plan.new_kind.iter().flat_map(|k| &k.made.left_out) {
        writeln!(
            out,
            "  ## {} is written more than once, so it is no section of the kind; merge them, then add it to the kind",
            sanitize(heading)
        )?;
    }
    if adopted.parties == 0 {
        writeln!(
            out,
            "no parties yet: re-run with --party \"NAME <handle>\" for each (or add them under `parties:`)"
        )?;
    }
    section_findings(shown, plan, out)?;
    writeln!(out, "next: run `alliance check {shown}`")
}

/// The section findings `check` will report on the adopted file, a line each.
fn section_findings(shown: &str, plan: &AdoptPlan, out: &mut dyn Write) -> io::Result<()> {
    if !plan.findings.is_empty() {
        writeln!(out, "`alliance check` will report on the sections:")?;
    }
    for finding in &plan.findings {
        let line = finding.location.as_ref().map_or(1, |l| l.line);
        let level = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "  {shown}:{line}: {level}[{}]: {}",
            finding.rule.code(),
            sanitize(&finding.message)
        )?;
    }
    Ok(())
}

/// `review`'s report: one line per change, `PATH:LINES: what: old -> new`.
pub fn reviewed(shown: &str, edited: &Edited, out: &mut dyn Write) -> io::Result<()> {
    if edited.changes.is_empty() {
        return writeln!(out, "{shown}: already up to date; nothing changed");
    }
    for change in &edited.changes {
        let lines = if change.lines.start() == change.lines.end() {
            format!("{}", change.lines.start())
        } else {
            format!("{}-{}", change.lines.start(), change.lines.end())
        };
        let what = match &change.old {
            Some(old) => format!("{}: {} -> {}", change.what, old, change.new),
            None => format!("{}: {}", change.what, change.new),
        };
        writeln!(out, "{shown}:{lines}: {}", sanitize(&what))?;
    }
    Ok(())
}

/// `agree`'s report: the lines written, then who agreed to which version,
/// who is still waited for, and whether the alliance became active.
pub fn agreed(shown: &str, agreed: &Agreed, out: &mut dyn Write) -> io::Result<()> {
    let party = sanitize(&agreed.party);
    if agreed.edited.changes.is_empty() {
        writeln!(
            out,
            "{shown}: {party} already agreed to this version ({}); nothing changed",
            agreed.digest
        )?;
    } else {
        reviewed(shown, &agreed.edited, out)?;
        writeln!(
            out,
            "{party} agrees to the current text ({})",
            agreed.digest
        )?;
    }
    if !agreed.counted {
        writeln!(
            out,
            "this entry will not count: {party}'s consent is {} (the repository counts `{}` and stronger)",
            sanitize(&agreed.proof.describe()),
            agreed.counts.config_word()
        )?;
    } else if agreed.activated {
        writeln!(
            out,
            "every party has agreed: the alliance is now active (status: proposed -> active)"
        )?;
    } else if agreed.waiting.is_empty() {
        writeln!(out, "every party has agreed to this version")?;
    } else {
        let waiting: Vec<String> = agreed
            .waiting
            .iter()
            .map(|w| sanitize(w).into_owned())
            .collect();
        writeln!(out, "waiting for: {}", waiting.join(", "))?;
    }
    Ok(())
}

/// What `alliance new` wrote, and what to do next.
pub fn created(
    shown: &str,
    status: crate::document::Status,
    kind: &str,
    every: &crate::document::dates::Cadence,
    out: &mut dyn Write,
) -> io::Result<()> {
    use crate::document::Status;
    writeln!(
        out,
        "wrote {shown}: a {} `{}` alliance, reviewed every {every}",
        status.as_str(),
        sanitize(kind),
    )?;
    let next = match status {
        Status::Draft => {
            "answer the questions under each heading together, set `status: proposed`, then each party runs `alliance agree --as HANDLE`"
        }
        Status::Proposed => {
            "answer the questions under each heading together, then each party runs `alliance agree --as HANDLE` (the last one makes it active)"
        }
        _ => "answer the questions under each heading together",
    };
    writeln!(out, "next: {next}, and run `alliance check {shown}`")
}
