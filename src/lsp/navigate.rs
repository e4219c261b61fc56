//! Hover, document symbols and go-to-definition: what a rule means where
//! its diagnostic is, when the alliance or an item is next reviewed, what
//! the kind asks of a section; the outline of a document (its `##`
//! sections and their items); and the party a handle names.

use lsp_types::{
    DocumentSymbol, GotoDefinitionResponse, Hover, HoverContents, Location, MarkupContent,
    MarkupKind, Position, SymbolKind, Uri,
};

use super::documents::{Document, RULES_URL, Repository};
use super::position::{Lines, contains};
use crate::check::Rule;
use crate::document::{Alliance, Item, Section, Span};
use crate::due::{Due, Outcome, Window};

/// What there is to say at `at`: the rules of the diagnostics there, else
/// what the place is (the alliance's review, an item, a section).
pub fn hover(document: &Document, repository: Option<&Repository>, at: Position) -> Option<Hover> {
    rules_at(document, at).or_else(|| place(document, repository, at))
}

/// The rules of the diagnostics under `at`, each explained: its code and
/// name, the Rule table's summary, and its entry in `docs/rules.md`.
fn rules_at(document: &Document, at: Position) -> Option<Hover> {
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
    Some(markdown(value, range))
}

fn markdown(value: String, range: Option<lsp_types::Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    }
}

/// The alliance's next review on its `review:` lines, an item's owners
/// and review on the item, the kind's words on a section's heading.
fn place(document: &Document, repository: Option<&Repository>, at: Position) -> Option<Hover> {
    if document.text.is_empty() {
        return None;
    }
    let doc = Alliance::parse_text(&document.path, document.text.clone());
    let lines = Lines::new(&doc.text);
    let byte = lines.byte_at(at);
    let inside = |span: Span| span.start <= byte && byte <= span.end;
    let fields = doc.fields()?;
    if fields.review.span.is_some_and(inside) {
        let listed = assessed(&doc)?;
        let due = listed.review.as_ref()?;
        let text = format!("**Next review: {}**, {}", due.date, when(due));
        return Some(markdown(text, fields.review.span.map(|s| lines.span(s))));
    }
    if let Some(section) = doc.sections.iter().find(|s| inside(s.heading.span)) {
        let text = section_words(&doc, repository, section)?;
        return Some(markdown(text, Some(lines.span(section.heading.span))));
    }
    let (_, item) = doc.items().filter(|(_, item)| inside(item.span)).last()?;
    let text = item_words(&doc, item);
    Some(markdown(text, Some(lines.span(item.span))))
}

/// What is due in `doc` today, when it is listed.
fn assessed(doc: &Alliance) -> Option<crate::due::AllianceDue> {
    let today = crate::clock::today().ok()?;
    match crate::due::assess(doc, &Window::new(today, None)) {
        Outcome::Listed(listed) => Some(listed),
        _ => None,
    }
}

/// "overdue by 3 days", "due today", "in 12 days".
fn when(due: &Due) -> String {
    let days = due.days_overdue;
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    match days {
        0 => "due today".to_owned(),
        d if d > 0 => format!("overdue by {d} day{}", plural(d)),
        d => format!("in {} day{}", -d, plural(-d)),
    }
}

/// What the kind says of `section`: its name, whether it is required,
/// what it holds and what to write there.
fn section_words(
    doc: &Alliance,
    repository: Option<&Repository>,
    section: &Section,
) -> Option<String> {
    let kind = super::documents::kinds(repository).of(doc)?;
    let rule = &kind.sections[kind.section_for(&section.heading.text)?];
    let need = if rule.required {
        "required"
    } else {
        "optional"
    };
    let mut text = format!(
        "**{}**: a {need} section of the `{}` kind",
        escape_md(&rule.name),
        escape_md(&kind.name)
    );
    if let Some(help) = &rule.help {
        text.push_str(&format!("\n\n{}", escape_md(help)));
    }
    Some(text)
}

/// An item's owners and its review, when it has them.
fn item_words(doc: &Alliance, item: &Item) -> String {
    let mut parts = Vec::new();
    let owners = item.owners();
    let fields = doc.fields();
    if owners.is_empty() {
        parts.push("No owner: the parties hold it together.".to_owned());
    } else {
        let named: Vec<String> = owners
            .iter()
            .map(|who| match fields.and_then(|f| f.party(who)) {
                Some(party) => match &party.name {
                    Some(name) => {
                        format!("{} ({})", escape_md(&name.value), escape_md(&party.label()))
                    }
                    None => escape_md(&party.label()),
                },
                None => format!("{} (not a party)", escape_md(who)),
            })
            .collect();
        parts.push(format!("**Owner:** {}", named.join(", ")));
    }
    let due = assessed(doc).and_then(|listed| {
        let field = item.review_field()?;
        let (line, _) = doc.line_col(field.value_span.start);
        listed.items.into_iter().find(|d| d.line == line)
    });
    match (due, item.review_field()) {
        (Some(due), _) => parts.push(format!("**Review:** {}, {}", due.date, when(&due))),
        (None, Some(_)) => parts.push("**Review:** not a date (A040)".to_owned()),
        (None, None) => parts.push("Reviewed with the alliance.".to_owned()),
    }
    parts.join("\n\n")
}

/// Document text, safe to show as Markdown in a hover (an editor
/// notifies nobody: handles are shown as written).
fn escape_md(text: &str) -> String {
    crate::escape::markdown::inline_with(text, crate::escape::markdown::Mentions::Live)
}

/// The party the handle at `at` names (`@ada`, or in `[owner:: ada]`):
/// where its handle is written in the front matter.
pub fn definition(document: &Document, uri: &Uri, at: Position) -> Option<GotoDefinitionResponse> {
    if document.text.is_empty() {
        return None;
    }
    let doc = Alliance::parse_text(&document.path, document.text.clone());
    let lines = Lines::new(&doc.text);
    let byte = lines.byte_at(at);
    let word = word_at(&doc.text, byte)?;
    let party = doc.fields()?.party(word.trim_start_matches('@'))?;
    let span = party.handle.as_ref().map_or(party.span, |h| h.span);
    Some(GotoDefinitionResponse::Scalar(Location::new(
        uri.clone(),
        lines.span(span),
    )))
}

/// The handle-like word around byte `at`.
fn word_at(text: &str, at: usize) -> Option<&str> {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@');
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| at + i);
    let word = text[start..end].trim_end_matches('.');
    (!word.is_empty()).then_some(word)
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
