//! Section rules, A030–A035: each section the kind requires is present
//! (A030), answered (A031, or A034 while a draft keeps its prompt), not
//! written twice (A032), and in the kind's order (A033); a draft whose
//! every section is answered is ready to be set active (A035).
//!
//! "Answered" is the document's rule (`Section::has_content`,
//! `Section::answered_items`); which headings answer which required section
//! is the kind's (`Kind::section_for`).

use crate::document::{Alliance, Section, Span};
use crate::kind::{Content, Kind, SectionRule};

use super::{Finding, Rule, Severity};

/// Which document section answers each of the kind's required sections,
/// and the order in which they were met.
struct Matched {
    /// For each of the kind's sections, the index of the document section
    /// that answers it (the first, when written twice).
    by_rule: Vec<Option<usize>>,
    /// `(rule, section)` in document order.
    order: Vec<(usize, usize)>,
}

/// A030–A034.
pub(super) fn check(doc: &Alliance, kind: &Kind, draft: bool, out: &mut Vec<Finding>) {
    let matched = match_sections(doc, kind, out);
    let anchor = doc
        .fields()
        .and_then(|f| f.kind.as_ref())
        .map(|k| k.span)
        .unwrap_or_default();
    let mut complete = true;
    for (rule, found) in kind.sections.iter().zip(&matched.by_rule) {
        match found {
            None if rule.required => {
                complete = false;
                out.push(missing(doc, kind, rule, anchor));
            }
            None => {}
            Some(i) => {
                if let Some(finding) = unanswered(doc, rule, &doc.sections[*i], draft) {
                    complete = false;
                    out.push(finding);
                }
            }
        }
    }
    if draft && complete {
        out.push(ready(doc));
    }
    if let Some(finding) = out_of_order(doc, kind, &matched.order) {
        out.push(finding);
    }
}

/// Pair document sections with the kind's; a second section answering the
/// same rule is A032.
fn match_sections(doc: &Alliance, kind: &Kind, out: &mut Vec<Finding>) -> Matched {
    let mut matched = Matched {
        by_rule: vec![None; kind.sections.len()],
        order: Vec::new(),
    };
    for (i, section) in doc.sections.iter().enumerate() {
        let Some(rule) = kind.section_for(&section.heading.text) else {
            continue;
        };
        let Some(first) = matched.by_rule[rule] else {
            matched.by_rule[rule] = Some(i);
            matched.order.push((rule, i));
            continue;
        };
        let (line, _) = doc.line_col(doc.sections[first].heading.span.start);
        out.push(
            Finding::error(
                Rule::DuplicateSection,
                format!(
                    "section `{}` appears twice (first on line {line})",
                    kind.sections[rule].name
                ),
            )
            .help("merge the two sections into one")
            .at(doc, heading_line(doc, section.heading.span)),
        );
    }
    matched
}

/// A030: the kind requires a section the document does not have.
fn missing(doc: &Alliance, kind: &Kind, rule: &SectionRule, anchor: Span) -> Finding {
    let also = if rule.aliases.is_empty() {
        String::new()
    } else {
        format!(" (or one of: {})", rule.aliases.join(", "))
    };
    Finding::error(
        Rule::MissingSection,
        format!(
            "the `{}` kind requires a `## {}` section{also}",
            kind.name, rule.name
        ),
    )
    .help(format!(
        "add `## {}` and {}; or, to keep the agreement's own sections, `alliance adopt {} --new-kind NAME` makes a kind of them",
        rule.name,
        rule.help.as_deref().unwrap_or("fill it in"),
        doc.path.display()
    ))
    .at(doc, anchor)
}

/// A031 or A034: a required section without the content it needs. In a
/// draft, a section that still holds its template prompt is a warning.
fn unanswered(
    doc: &Alliance,
    rule: &SectionRule,
    section: &Section,
    draft: bool,
) -> Option<Finding> {
    let answered = match rule.content {
        Content::Optional => true,
        Content::Text => section.has_content(),
        Content::Items => section.answered_items().next().is_some(),
    };
    if answered {
        return None;
    }
    let at = heading_line(doc, section.heading.span);
    let what = rule.help.as_deref().unwrap_or("fill it in");
    if !section.prompts.is_empty() && draft {
        return Some(
            Finding::warning(
                Rule::UnansweredPrompt,
                format!(
                    "section `{}` still has only its prompt",
                    section.heading.text
                ),
            )
            .help(format!("answer the question under it: {what}"))
            .at(doc, at),
        );
    }
    let need = match (rule.content, section.has_content()) {
        (Content::Items, true) => "has no list items",
        _ if !section.prompts.is_empty() => "has a prompt but no answer",
        _ => "is empty",
    };
    let draft_note = if draft {
        ""
    } else {
        " (a `status: draft` alliance may leave it empty)"
    };
    let finding = Finding::error(
        Rule::EmptySection,
        format!("section `{}` {need}", section.heading.text),
    )
    .help(format!("{what}{draft_note}"))
    .at(doc, at);
    Some(if draft {
        Finding {
            severity: Severity::Warning,
            ..finding
        }
    } else {
        finding
    })
}

/// A035: a draft with every section answered, which nothing marks as in
/// force: it would pass `check` and stay out of `due` forever.
fn ready(doc: &Alliance) -> Finding {
    let at = doc
        .fields()
        .and_then(|f| f.status.as_ref())
        .map(|s| s.span)
        .unwrap_or_default();
    Finding::warning(
        Rule::DraftReady,
        "every section is answered, but the alliance is still a draft",
    )
    .help("set `status: proposed` and have each party run `alliance agree --as HANDLE` (the last one makes it active); a draft is never due for review")
    .at(doc, at)
}

/// A033: the first required section that comes after one the kind puts
/// later.
fn out_of_order(doc: &Alliance, kind: &Kind, order: &[(usize, usize)]) -> Option<Finding> {
    let mut latest: Option<usize> = None;
    for &(rule, i) in order {
        match latest {
            Some(l) if rule < l => {
                let section = &doc.sections[i];
                let names: Vec<&str> = kind.sections.iter().map(|s| s.name.as_str()).collect();
                return Some(
                    Finding::warning(
                        Rule::SectionOrder,
                        format!(
                            "section `{}` comes after `{}`; the `{}` kind puts it before",
                            section.heading.text, kind.sections[l].name, kind.name
                        ),
                    )
                    .help(format!("move it up; the order is: {}", names.join(", ")))
                    .at(doc, heading_line(doc, section.heading.span)),
                );
            }
            _ => latest = Some(latest.map_or(rule, |l| l.max(rule))),
        }
    }
    None
}

/// A heading's first line (a setext heading spans two).
fn heading_line(doc: &Alliance, span: Span) -> Span {
    let text = span.slice(&doc.text);
    let end = text.find(['\n', '\r']).map_or(span.end, |i| span.start + i);
    Span::new(span.start, end)
}
