//! Hover and document symbols: what a rule means where its diagnostic is,
//! and the outline of a document (its `##` sections and their items).

use lsp_types::{
    DocumentSymbol, Hover, HoverContents, MarkupContent, MarkupKind, Position, SymbolKind,
};

use super::documents::{Document, RULES_URL};
use super::position::{Lines, contains};
use crate::check::Rule;
use crate::document::{Alliance, Item, Section};

/// The rules of the diagnostics under `at`, each explained: its code and
/// name, the Rule table's summary, and its entry in `docs/rules.md`.
pub fn hover(document: &Document, at: Position) -> Option<Hover> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut range = None;
    for (diagnostic, rule) in &document.found {
        if let Some(rule) = rule.filter(|_| contains(&diagnostic.range, at)) {
            if !rules.contains(&rule) {
                rules.push(rule);
                range.get_or_insert(diagnostic.range);
            }
        }
    }
    if rules.is_empty() {
        return None;
    }
    let value = rules
        .iter()
        .map(|r| explain(*r))
        .collect::<Vec<_>>()
        .join("\n\n---\n\n");
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    })
}

/// One rule, explained in Markdown.
fn explain(rule: Rule) -> String {
    let code = rule.code();
    let name = rule.name();
    format!(
        "**{code} {name}**\n\n{}\n\n[docs/rules.md: {code} {name}]({RULES_URL}#{}-{name})",
        rule.summary(),
        code.to_lowercase()
    )
}

/// The document's sections, each with its items (nested items under the
/// items they are nested in).
pub fn symbols(document: &Document) -> Vec<DocumentSymbol> {
    if document.text.is_empty() {
        return Vec::new();
    }
    let doc = Alliance::parse_text(&document.path, document.text.clone());
    let lines = Lines::new(&doc.text);
    doc.sections
        .iter()
        .map(|section| section_symbol(section, &lines))
        .collect()
}

fn section_symbol(section: &Section, lines: &Lines<'_>) -> DocumentSymbol {
    let mut items: Vec<DocumentSymbol> = Vec::new();
    // Each item goes under the last item one level less deep.
    let mut stack: Vec<(usize, DocumentSymbol)> = Vec::new();
    for item in &section.items {
        while stack.last().is_some_and(|(depth, _)| *depth >= item.depth) {
            pop_into(&mut stack, &mut items);
        }
        stack.push((item.depth, item_symbol(item, lines)));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut items);
    }
    symbol(
        named(&section.heading.text, "(untitled section)"),
        SymbolKind::NAMESPACE,
        lines.span(section.span),
        lines.span(section.heading.span),
        items,
    )
}

/// Move the top of `stack` into its parent, or into `top` when it has none.
fn pop_into(stack: &mut Vec<(usize, DocumentSymbol)>, top: &mut Vec<DocumentSymbol>) {
    if let Some((_, done)) = stack.pop() {
        match stack.last_mut() {
            Some((_, parent)) => parent.children.get_or_insert_with(Vec::new).push(done),
            None => top.push(done),
        }
    }
}

fn item_symbol(item: &Item, lines: &Lines<'_>) -> DocumentSymbol {
    let range = lines.span(item.span);
    symbol(
        named(&item.text, "(item)"),
        SymbolKind::FIELD,
        range,
        range,
        Vec::new(),
    )
}

/// A symbol's name: clients refuse an empty one.
fn named(text: &str, otherwise: &str) -> String {
    let text = crate::document::one_line(text);
    let text = crate::document::clip(&text, 120);
    if text.trim().is_empty() {
        otherwise.to_owned()
    } else {
        text.into_owned()
    }
}

#[allow(deprecated)] // `deprecated` is a field every literal must set.
fn symbol(
    name: String,
    kind: SymbolKind,
    range: lsp_types::Range,
    selection_range: lsp_types::Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: if children.is_empty() {
            None
        } else {
            Some(children)
        },
    }
}
