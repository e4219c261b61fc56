//! The human format: rustc-style diagnostics drawn by annotate-snippets.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{CheckReport, FileReport, Style, Totals, plural, sanitize};
use crate::check::finding::{Finding, Location, Severity};
use crate::escape::terminal;
use crate::workspace::UnreadFile;

pub(super) fn check(report: &CheckReport, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let renderer = renderer(style);
    for file in &report.files {
        self::file(&renderer, file, out)?;
    }
    end(&renderer, &report.failures, report.totals(), out)
}

/// The renderer of `style`.
pub(super) fn renderer(style: Style) -> Renderer {
    if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// The findings of one file.
pub(super) fn file(renderer: &Renderer, file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    if file.findings.is_empty() {
        return Ok(());
    }
    let path = sanitize(&file.path.display().to_string()).into_owned();
    for finding in &file.findings {
        writeln!(out, "{}\n", render_finding(renderer, &path, finding))?;
    }
    Ok(())
}

/// After the files: the ones that could not be read, and the summary.
pub(super) fn end(
    renderer: &Renderer,
    failures: &[UnreadFile],
    totals: Totals,
    out: &mut dyn Write,
) -> io::Result<()> {
    for failure in failures {
        let title = format!(
            "cannot read {}: {}",
            sanitize(&failure.path.display().to_string()),
            sanitize(&failure.reason.to_string())
        );
        let group = [Group::with_title(Level::ERROR.primary_title(title))];
        writeln!(out, "{}\n", renderer.render(&group))?;
    }
    let files = plural(totals.files, "file");
    let summary = match (totals.errors, totals.warnings) {
        (0, 0) => format!("checked {files}: no problems"),
        (e, 0) => format!("checked {files}: {}", plural(e, "error")),
        (0, w) => format!("checked {files}: {}", plural(w, "warning")),
        (e, w) => format!(
            "checked {files}: {}, {}",
            plural(e, "error"),
            plural(w, "warning")
        ),
    };
    writeln!(out, "{summary}")
}

/// One finding as a rustc-style block.
pub(super) fn render_finding(renderer: &Renderer, path: &str, finding: &Finding) -> String {
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let message = sanitize(&finding.message).into_owned();
    let title = level.primary_title(message).id(finding.rule.code());
    let help = finding
        .help
        .as_ref()
        .map(|h| Level::HELP.message(sanitize(h).into_owned()));
    let mut cut = false;
    let mut group = match &finding.location {
        Some(location) => {
            let (line, underline, was_cut) = window(location);
            cut = was_cut;
            let snippet = Snippet::source(line)
                .line_start(location.line)
                .fold(false)
                .annotation(AnnotationKind::Primary.span(underline));
            if cut {
                // The shown line is a window: name the real column.
                let origin = annotate_snippets::Origin::path(path.to_owned())
                    .line(location.line)
                    .char_column(location.column);
                title.element(origin).element(snippet)
            } else {
                title.element(snippet.path(path.to_owned()))
            }
        }
        None => title.element(annotate_snippets::Origin::path(path.to_owned())),
    };
    if let Some(help) = help {
        group = group.element(help);
    }
    let rendered = renderer.render(&[group]);
    if cut {
        without_empty_origin(&rendered)
    } else {
        rendered
    }
}

/// annotate-snippets draws a snippet without a path after an origin as a
/// secondary file, `::: ` with nothing after it. The origin above already
/// names the file, so that line goes: it says nothing, and a line starting
/// with `::` in a CI log looks like a workflow command.
fn without_empty_origin(rendered: &str) -> String {
    let visible = |line: &str| {
        let mut text = String::new();
        let mut in_escape = false;
        for c in line.chars() {
            match (in_escape, c) {
                (false, '\u{1b}') => in_escape = true,
                (true, c) if c.is_ascii_alphabetic() => in_escape = false,
                (true, _) => {}
                (false, c) => text.push(c),
            }
        }
        text
    };
    rendered
        .split('\n')
        .filter(|line| visible(line).trim() != ":::")
        .collect::<Vec<_>>()
        .join("\n")
}

/// The location's excerpt of its line, sanitised, the byte range to
/// underline in it, and whether the line was cut.
fn window(location: &Location) -> (String, std::ops::Range<usize>, bool) {
    let shown = location.excerpt.as_str();
    let from = location.underline.start.min(shown.len());
    let to = location.underline.end.clamp(from, shown.len());
    let lead = if location.cut_before { "…" } else { "" };
    let tail = if location.cut_after { "…" } else { "" };
    let (Some(before), Some(inside), Some(after)) =
        (shown.get(..from), shown.get(from..to), shown.get(to..))
    else {
        return (sanitize(shown).into_owned(), 0..0, true);
    };
    // One line built in three pieces: `push_line` sees what is already on
    // it, so the pieces cannot assemble a workflow command between them.
    let mut text = String::with_capacity(shown.len() + 8);
    text.push_str(lead);
    terminal::push_line(&mut text, before);
    let start = text.len();
    terminal::push_line(&mut text, inside);
    let end = text.len();
    terminal::push_line(&mut text, after);
    text.push_str(tail);
    let cut = location.cut_before || location.cut_after;
    (text, start..end, cut)
}
