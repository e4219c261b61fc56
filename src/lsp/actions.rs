//! Code actions: the fixes the editor offers where a diagnostic is, and
//! "fix all". Each is an edit of the buffer the editor applies (the server
//! writes no file):
//!
//! - add a missing required section (A030): its heading and the prompt the
//!   kind's template gives it, placed in the kind's order;
//! - rename a heading the kind does not know to a missing section's name
//!   or one of its aliases;
//! - give an item its own `[id:: …]`: the key its pulse answers already
//!   use (`document::vocabulary::item_keys`), so nothing they say is lost;
//! - set `status: proposed` on a draft ready for consent (A035).
//!
//! Fix all (`source.fixAll`) adds the missing sections: it writes only
//! prompts, which the parties then answer. Renaming, ids and the status
//! are choices, offered one at a time.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, NumberOrString,
    Range, TextEdit, WorkspaceEdit,
};

use super::documents::{Document, Repository};
use super::position::Lines;
use crate::document::{Alliance, Span};
use crate::kind::Kind;

/// The most headings offered to rename a heading to.
const MAX_RENAMES: usize = 6;

/// The actions for the request's range (and its `only` kinds).
pub fn for_range(
    document: &Document,
    repository: Option<&Repository>,
    params: &CodeActionParams,
) -> Vec<CodeActionOrCommand> {
    if document.text.is_empty()
        || super::checks::role(&document.path, &document.text) != super::checks::Role::Alliance
    {
        return Vec::new();
    }
    let kinds = super::documents::kinds(repository);
    let doc = Alliance::parse_text(&document.path, document.text.clone());
    let lines = Lines::new(&doc.text);
    let at = Place {
        doc: &doc,
        lines: &lines,
        uri: &params.text_document.uri,
        found: &document.found,
    };
    let kind = kinds.of(&doc);
    let mut actions = Vec::new();
    if let Some(kind) = kind {
        actions.extend(add_sections(&at, kind, params.range));
        actions.extend(renames(&at, kind, params.range));
    }
    actions.extend(item_ids(&at, params.range));
    actions.extend(propose(&at, params.range));
    if let Some(kind) = kind {
        actions.extend(fix_all(&at, kind));
    }
    let only = params.context.only.as_deref();
    actions
        .into_iter()
        .filter(|a| wanted(only, a.kind.as_ref()))
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// The document, its lines and its diagnostics, to build edits with.
struct Place<'a> {
    doc: &'a Alliance,
    lines: &'a Lines<'a>,
    uri: &'a lsp_types::Uri,
    found: &'a [(Diagnostic, Option<crate::check::Rule>)],
}

impl Place<'_> {
    /// An action of `kind` titled `title` making `edits`.
    // `WorkspaceEdit::changes` is keyed by `Uri`, whose inner cache the
    // lint counts as mutable; its hash and equality are of the text alone.
    #[allow(clippy::mutable_key_type)]
    fn action(&self, title: String, kind: CodeActionKind, edits: Vec<TextEdit>) -> CodeAction {
        let changes = HashMap::from([(self.uri.clone(), edits)]);
        CodeAction {
            title,
            kind: Some(kind),
            edit: Some(WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        }
    }

    /// The diagnostics of rule `code` in `range` whose message has `word`.
    fn diagnostics(&self, code: &str, range: Range, word: &str) -> Vec<Diagnostic> {
        self.found
            .iter()
            .map(|(d, _)| d)
            .filter(|d| d.code == Some(NumberOrString::String(code.to_owned())))
            .filter(|d| overlaps(d.range, range) && d.message.contains(word))
            .cloned()
            .collect()
    }

    /// An edit putting `text` in place of the byte span `span`.
    fn edit(&self, span: Span, text: String) -> TextEdit {
        TextEdit::new(self.lines.span(span), text)
    }
}

/// Whether an action of `kind` is among those the client asked for.
fn wanted(only: Option<&[CodeActionKind]>, kind: Option<&CodeActionKind>) -> bool {
    let (Some(only), Some(kind)) = (only, kind) else {
        return true;
    };
    only.iter().any(|o| {
        kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str()))
    })
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// For each required section the document lacks, the kind's index of it
/// and the byte where it goes: after the section before it in the kind's
/// order, else before the one after it, else at the end.
fn missing(doc: &Alliance, kind: &Kind) -> Vec<(usize, usize)> {
    let mut at_rule: Vec<Option<usize>> = vec![None; kind.sections.len()];
    for (i, section) in doc.sections.iter().enumerate() {
        if let Some(rule) = kind.section_for(&section.heading.text) {
            at_rule[rule].get_or_insert(i);
        }
    }
    let place = |rule: usize| {
        let before = at_rule[..rule].iter().rev().flatten().next();
        let after = at_rule[rule + 1..].iter().flatten().next();
        match (before, after) {
            (Some(&i), _) => doc.sections[i].span.end,
            (None, Some(&i)) => doc.sections[i].span.start,
            (None, None) => doc.text.len(),
        }
    };
    kind.sections
        .iter()
        .enumerate()
        .filter(|(rule, r)| r.required && at_rule[*rule].is_none())
        .map(|(rule, _)| (rule, place(rule)))
        .collect()
}

/// The text that adds section `rule` of `kind` at byte `at`: its heading
/// and the prompt the kind's template gives it (the section's help when
/// the template has none), set apart by blank lines.
fn section_text(doc: &Alliance, kind: &Kind, rule: usize, at: usize) -> String {
    let section = &kind.sections[rule];
    let block = kind
        .template
        .as_ref()
        .and_then(|t| template_block(&t.source, section))
        .unwrap_or_else(|| {
            let ask = section.help.as_deref().unwrap_or("What goes here?");
            format!("## {}\n\n> **Ask:** {}", section.name, ask)
        });
    let eol = doc.line_ending_at(at.saturating_sub(1));
    let before = &doc.text[..at];
    let blank_before = before.is_empty() || before.ends_with("\n\n") || before.ends_with("\n\r\n");
    let lead = match (blank_before, before.ends_with('\n')) {
        (true, _) => String::new(),
        (false, true) => eol.to_owned(),
        (false, false) => format!("{eol}{eol}"),
    };
    let block = block.replace('\n', eol);
    // Before a section that follows, a blank line sets it apart.
    let tail = if at == doc.text.len() { "" } else { eol };
    format!("{lead}{block}{eol}{tail}")
}

/// The section of a template that `section` names: its `## ` line to the
/// next, trimmed; none when it holds template code.
fn template_block(source: &str, section: &crate::kind::SectionRule) -> Option<String> {
    let mut lines = source.lines();
    let heading = lines.by_ref().find(|l| {
        l.strip_prefix("## ")
            .is_some_and(|h| section.matches(h.trim()))
    })?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
    let block = format!("{heading}\n{}", body.join("\n"));
    let block = block.trim_end().to_owned();
    (!block.contains("{{") && !block.contains("{%")).then_some(block)
}

/// "Add section X" for each missing section whose A030 is in `range`.
fn add_sections(at: &Place<'_>, kind: &Kind, range: Range) -> Vec<CodeAction> {
    missing(at.doc, kind)
        .into_iter()
        .filter_map(|(rule, byte)| {
            let name = &kind.sections[rule].name;
            let diagnostics = at.diagnostics("A030", range, &format!("`## {name}`"));
            if diagnostics.is_empty() {
                return None;
            }
            let text = section_text(at.doc, kind, rule, byte);
            let edit = at.edit(Span::new(byte, byte), text);
            let mut action = at.action(
                format!("Add the section `{name}`"),
                CodeActionKind::QUICKFIX,
                vec![edit],
            );
            action.diagnostics = Some(diagnostics);
            action.is_preferred = Some(true);
            Some(action)
        })
        .collect()
}

/// "Fix all": every missing section added, in the kind's order.
fn fix_all(at: &Place<'_>, kind: &Kind) -> Option<CodeAction> {
    let edits: Vec<TextEdit> = missing(at.doc, kind)
        .into_iter()
        .map(|(rule, byte)| {
            let text = section_text(at.doc, kind, rule, byte);
            at.edit(Span::new(byte, byte), text)
        })
        .collect();
    if edits.is_empty() {
        return None;
    }
    Some(at.action(
        "Add every missing section".to_owned(),
        CodeActionKind::SOURCE_FIX_ALL,
        edits,
    ))
}

/// "Rename to X": a `## ` heading in `range` that names none of the
/// kind's sections, to the names and aliases of the missing ones, most
/// alike first.
fn renames(at: &Place<'_>, kind: &Kind, range: Range) -> Vec<CodeAction> {
    let missing = missing(at.doc, kind);
    if missing.is_empty() {
        return Vec::new();
    }
    let mut actions = Vec::new();
    for section in &at.doc.sections {
        let line = line_of(&at.doc.text, section.heading.span.start);
        let text = line.slice(&at.doc.text);
        if !text.starts_with("## ")
            || kind.section_for(&section.heading.text).is_some()
            || !overlaps(at.lines.span(line), range)
        {
            continue;
        }
        let heading = section.heading.text.to_lowercase();
        let mut names: Vec<(&str, f64)> = missing
            .iter()
            .flat_map(|(rule, _)| {
                let rule = &kind.sections[*rule];
                std::iter::once(&rule.name).chain(&rule.aliases)
            })
            .map(|n| {
                (
                    n.as_str(),
                    strsim::normalized_levenshtein(&heading, &n.to_lowercase()),
                )
            })
            .collect();
        names.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (name, _) in names.into_iter().take(MAX_RENAMES) {
            let edit = at.edit(line, format!("## {name}"));
            let title = format!("Rename the heading to `{name}`");
            actions.push(at.action(title, CodeActionKind::QUICKFIX, vec![edit]));
        }
    }
    actions
}

/// The span of the line holding byte `at`, without its line ending.
fn line_of(text: &str, at: usize) -> Span {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    Span::new(start, end.max(start))
}

/// "Give this item its own id": for an item in `range` whose `[id:: …]`
/// is missing or taken, the key it is known by now.
fn item_ids(at: &Place<'_>, range: Range) -> Vec<CodeAction> {
    let keys = crate::document::vocabulary::item_keys(&at.doc.sections);
    let mut actions = Vec::new();
    for (key, keyed) in keys {
        let item = keyed.item;
        let first = line_of(&at.doc.text, item.span.start);
        if item.id() == Some(key.as_str()) || !overlaps(at.lines.span(first), range) {
            continue;
        }
        let (edit, title) = match item.field("id") {
            Some(field) => (
                at.edit(field.value_span, key.clone()),
                format!("Give this item its own id `{key}`"),
            ),
            None => (
                at.edit(Span::new(first.end, first.end), format!(" [id:: {key}]")),
                format!("Give this item the id `{key}`"),
            ),
        };
        let mut action = at.action(title, CodeActionKind::QUICKFIX, vec![edit]);
        let diagnostics = at.diagnostics("A042", at.lines.span(first), "");
        if !diagnostics.is_empty() {
            action.diagnostics = Some(diagnostics);
        }
        actions.push(action);
    }
    actions
}

/// "Propose it for consent": `status: proposed` where A035 says a draft
/// is ready.
fn propose(at: &Place<'_>, range: Range) -> Option<CodeAction> {
    let diagnostics = at.diagnostics("A035", range, "");
    let status = at.doc.fields()?.status.as_ref()?;
    if diagnostics.is_empty() {
        return None;
    }
    let edit = at.edit(status.span, "proposed".to_owned());
    let mut action = at.action(
        "Set `status: proposed`, to ask each party's consent".to_owned(),
        CodeActionKind::QUICKFIX,
        vec![edit],
    );
    action.diagnostics = Some(diagnostics);
    Some(action)
}
