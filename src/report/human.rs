//! The human format: rustc-style diagnostics drawn by annotate-snippets.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{CheckReport, Style, plural, sanitize};
use crate::check::finding::{Finding, Location, Severity};

pub(super) fn check(report: &CheckReport, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for file in &report.files {
        let path = sanitize(&file.path.display().to_string()).into_owned();
        for finding in &file.findings {
            writeln!(out, "{}\n", render_finding(&renderer, &path, finding))?;
        }
    }
    for failure in &report.failures {
        let title = format!(
            "cannot read {}: {}",
            sanitize(&failure.path.display().to_string()),
            sanitize(&failure.reason.to_string())
        );
        let group = [Group::with_title(Level::ERROR.primary_title(title))];
        writeln!(out, "{}\n", renderer.render(&group))?;
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let files = plural(report.files.len(), "file");
    let summary = match (errors, warnings) {
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
    let mut group = match &finding.location {
        Some(location) => {
            let (line, underline, cut) = window(location);
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
    renderer.render(&[group])
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
    let before = sanitize(before);
    let inside = sanitize(inside);
    let after = sanitize(after);
    let start = lead.len() + before.len();
    let text = format!("{lead}{before}{inside}{after}{tail}");
    let cut = location.cut_before || location.cut_after;
    (text, start..start + inside.len(), cut)
}
