//! The Markdown body: `##` sections, their list items, inline fields, and
//! the prompts a template leaves for the parties to answer.
//!
//! Read with pulldown-cmark's offset iterator, so every heading and item
//! keeps its byte span. Headings inside code blocks, block quotes, lists or
//! HTML elements are not sections.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::Span;

/// A heading and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// The heading's text, inline markup removed.
    pub text: String,
    /// 1 for `#`, 2 for `##`.
    pub level: u8,
    /// The heading's source, markers included.
    pub span: Span,
}

/// A `##` section of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's heading.
    pub heading: Heading,
    /// From the heading to the next section (or the end of the file).
    pub span: Span,
    /// The list items in the section, nested ones included, in order.
    pub items: Vec<Item>,
    /// Whether the section has text other than items and prompts:
    /// paragraphs, tables, code, quotes, sub-headings with text under them.
    pub has_text: bool,
    /// The template prompts still in the section.
    pub prompts: Vec<Prompt>,
}

/// A list item: one agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The item's text without inline fields, whitespace collapsed.
    pub text: String,
    /// The item's source (nested lists included).
    pub span: Span,
    /// 0 for a top-level item, 1 for an item nested in it, and so on.
    pub depth: usize,
    /// The item's inline fields, `[key:: value]`.
    pub fields: Vec<Field>,
    /// For a task item (`- [ ]`), whether it is ticked.
    pub checked: Option<bool>,
}

/// An inline field, `[owner:: @ada]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key, as written.
    pub key: String,
    /// The value, trimmed.
    pub value: String,
    /// The whole `[key:: value]`.
    pub span: Span,
    /// The value alone.
    pub value_span: Span,
}

/// A question a template leaves in a section: a block quote that starts
/// with `Ask:` (bold or not). It reads as guidance in a rendered view and
/// is not an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    /// The question text.
    pub text: String,
    /// The block quote.
    pub span: Span,
}

/// What the body holds.
pub(super) struct Body {
    pub title: Option<Heading>,
    pub sections: Vec<Section>,
}

/// Elements whose content is HTML's, not Markdown's: a heading inside one is
/// not a section.
const HTML_CONTAINERS: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "div",
    "figure",
    "nav",
    "section",
    "table",
    "template",
    "pre",
];

struct ItemBuilder {
    start: usize,
    end: usize,
    depth: usize,
    text: String,
    nested: Vec<Span>,
    checked: Option<bool>,
}

struct QuoteBuilder {
    start: usize,
    text: String,
}

#[derive(Default)]
struct Walker {
    title: Option<Heading>,
    sections: Vec<Section>,
    heading: Option<(HeadingLevel, String)>,
    items: Vec<ItemBuilder>,
    list_depth: usize,
    quote: Option<QuoteBuilder>,
    quote_depth: usize,
    html_depth: usize,
    /// Inside a table: its cells count as text once, when it ends.
    in_table: bool,
}

/// Parse the body of `text`, which starts at byte `start`.
pub(super) fn parse_body(text: &str, start: usize) -> Body {
    let body = &text[start..];
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut walker = Walker::default();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let span = Span::new(start + range.start, start + range.end);
        walker.event(text, event, span);
    }
    walker.finish(text.len())
}

impl Walker {
    fn section(&mut self) -> Option<&mut Section> {
        self.sections.last_mut()
    }

    fn mark_text(&mut self) {
        if let Some(section) = self.section() {
            section.has_text = true;
        }
    }

    fn event(&mut self, text: &str, event: Event<'_>, span: Span) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(span),
            Event::Start(Tag::List(_)) => self.list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                if let Some(parent) = self.items.last_mut() {
                    parent.nested.push(span);
                }
            }
            Event::Start(Tag::Item) => self.items.push(ItemBuilder {
                start: span.start,
                end: span.end,
                depth: self.items.len(),
                text: String::new(),
                nested: Vec::new(),
                checked: None,
            }),
            Event::End(TagEnd::Item) => self.end_item(text),
            Event::TaskListMarker(checked) => {
                if let Some(item) = self.items.last_mut() {
                    item.checked = Some(checked);
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                self.quote_depth += 1;
                if self.quote.is_none() && self.items.is_empty() {
                    self.quote = Some(QuoteBuilder {
                        start: span.start,
                        text: String::new(),
                    });
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.quote_depth = self.quote_depth.saturating_sub(1);
                if self.quote_depth == 0 {
                    if let Some(quote) = self.quote.take() {
                        self.end_quote(quote, span.end);
                    }
                }
            }
            Event::Start(Tag::Table(_)) => self.in_table = true,
            Event::End(TagEnd::Table) => {
                self.in_table = false;
                self.mark_text();
            }
            Event::Start(Tag::CodeBlock(_)) => self.mark_text(),
            Event::Text(t) | Event::Code(t) => self.push_text(&t),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_text(&t),
            Event::SoftBreak | Event::HardBreak => self.push_text(" "),
            Event::Html(html) | Event::InlineHtml(html) => self.html(&html),
            _ => {}
        }
    }

    fn push_text(&mut self, t: &str) {
        if let Some((_, heading)) = &mut self.heading {
            heading.push_str(t);
        } else if let Some(item) = self.items.last_mut() {
            item.text.push_str(t);
        } else if let Some(quote) = &mut self.quote {
            quote.text.push_str(t);
        } else if !t.trim().is_empty() && !self.in_table {
            self.mark_text();
        }
    }

    fn html(&mut self, html: &str) {
        let trimmed = html.trim();
        if trimmed.starts_with("<!--") {
            return;
        }
        for (open, name) in html_tags(html) {
            if HTML_CONTAINERS.contains(&name.as_str()) {
                if open {
                    self.html_depth += 1;
                } else {
                    self.html_depth = self.html_depth.saturating_sub(1);
                }
            }
        }
        if self.items.is_empty() && self.quote.is_none() && self.heading.is_none() {
            let visible = strip_tags(html);
            if !visible.trim().is_empty() {
                self.mark_text();
            }
        }
    }

    fn end_heading(&mut self, span: Span) {
        let Some((level, raw)) = self.heading.take() else {
            return;
        };
        let heading = Heading {
            text: collapse_whitespace(&raw),
            level: level as u8,
            span,
        };
        let nested = !self.items.is_empty() || self.quote_depth > 0 || self.html_depth > 0;
        if nested {
            self.push_text(&heading.text);
            return;
        }
        match level {
            HeadingLevel::H1 if self.title.is_none() && self.sections.is_empty() => {
                self.title = Some(heading);
            }
            HeadingLevel::H2 => {
                if let Some(previous) = self.sections.last_mut() {
                    previous.span.end = span.start;
                }
                self.sections.push(Section {
                    span: Span::new(span.start, span.end),
                    heading,
                    items: Vec::new(),
                    has_text: false,
                    prompts: Vec::new(),
                });
            }
            // A sub-heading alone is not content; the text under it is.
            _ => {}
        }
    }

    fn end_item(&mut self, text: &str) {
        let Some(item) = self.items.pop() else {
            return;
        };
        let span = Span::new(item.start, item.end);
        let fields = own_pieces(span, &item.nested)
            .into_iter()
            .flat_map(|piece| inline_fields(text, piece))
            .collect();
        let built = Item {
            text: collapse_whitespace(&strip_fields(&item.text)),
            span,
            depth: item.depth,
            fields,
            checked: item.checked,
        };
        if let Some(section) = self.sections.last_mut() {
            // Nested items end before their parent: keep source order.
            let at = section
                .items
                .iter()
                .rposition(|i| i.span.start < built.span.start)
                .map_or(0, |i| i + 1);
            section.items.insert(at, built);
        }
    }

    fn end_quote(&mut self, quote: QuoteBuilder, end: usize) {
        let text = collapse_whitespace(&quote.text);
        let is_prompt = text
            .strip_prefix("Ask:")
            .or_else(|| text.strip_prefix("Ask :"))
            .is_some();
        match self.sections.last_mut() {
            Some(section) if is_prompt => section.prompts.push(Prompt {
                text,
                span: Span::new(quote.start, end),
            }),
            Some(section) if !text.is_empty() => section.has_text = true,
            _ => {}
        }
    }

    fn finish(mut self, end: usize) -> Body {
        if let Some(last) = self.sections.last_mut() {
            last.span.end = end;
        }
        Body {
            title: self.title,
            sections: self.sections,
        }
    }
}

/// The parts of `span` outside the nested spans (which are in order).
fn own_pieces(span: Span, nested: &[Span]) -> Vec<Span> {
    let mut pieces = Vec::new();
    let mut at = span.start;
    for n in nested {
        if n.start > at {
            pieces.push(Span::new(at, n.start));
        }
        at = at.max(n.end);
    }
    if at < span.end {
        pieces.push(Span::new(at, span.end));
    }
    pieces
}

/// The inline fields `[key:: value]` in the `span` of `text`.
pub fn inline_fields(text: &str, span: Span) -> Vec<Field> {
    let source = span.slice(text);
    let mut fields = Vec::new();
    let mut rest = 0;
    while let Some(open) = source[rest..].find('[') {
        let open = rest + open;
        rest = open + 1;
        let Some(close) = source[open..].find(']') else {
            break;
        };
        let close = open + close;
        let inner = &source[open + 1..close];
        let Some((key, value)) = inner.split_once("::") else {
            continue;
        };
        let key_ok = !key.is_empty()
            && key.chars().next().is_some_and(|c| c.is_alphabetic())
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !key_ok || value.contains('\n') {
            continue;
        }
        let value_start = open + 1 + key.len() + 2;
        let lead = value.len() - value.trim_start().len();
        let trimmed = value.trim();
        let abs = |i: usize| span.start + i;
        fields.push(Field {
            key: key.to_owned(),
            value: trimmed.to_owned(),
            span: Span::new(abs(open), abs(close + 1)),
            value_span: Span::new(
                abs(value_start + lead),
                abs(value_start + lead + trimmed.len()),
            ),
        });
        rest = close + 1;
    }
    fields
}

/// `text` without its inline fields.
fn strip_fields(text: &str) -> String {
    let fields = inline_fields(text, Span::new(0, text.len()));
    if fields.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in fields {
        out.push_str(&text[at..f.span.start]);
        at = f.span.end;
    }
    out.push_str(&text[at..]);
    out
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The tags in a piece of HTML: (is an opening tag, lower-case name).
fn html_tags(html: &str) -> Vec<(bool, String)> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let (open, after) = match rest.strip_prefix('/') {
            Some(after) => (false, after),
            None => (true, rest),
        };
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let tag_end = after.find('>').unwrap_or(after.len());
        let self_closing = after[..tag_end].ends_with('/');
        if !self_closing {
            tags.push((open, name));
        }
    }
    tags
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Body {
        parse_body(text, 0)
    }

    #[test]
    fn sections_and_items() {
        let text = "# Title\n\n## Purpose\n\nWe ship.\n\n## Agreements\n- One [owner:: @ada]\n  - nested [review:: 2026-01-01]\n- Two\n";
        let b = body(text);
        assert_eq!(b.title.as_ref().map(|h| h.text.as_str()), Some("Title"));
        assert_eq!(b.sections.len(), 2);
        assert!(b.sections[0].has_text);
        let items = &b.sections[1].items;
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].text, "One");
        assert_eq!(
            items[0].fields.len(),
            1,
            "nested fields belong to the nested item"
        );
        assert_eq!(items[0].fields[0].value, "@ada");
        assert_eq!(items[1].depth, 1);
        assert_eq!(items[1].fields[0].value_span.slice(text), "2026-01-01");
        assert_eq!(items[2].text, "Two");
    }

    #[test]
    fn headings_in_code_quotes_and_html_are_not_sections() {
        let text = "## Real\n```\n## Fake\n```\n<div>\n\n## Also fake\n\n</div>\n\n> ## Quoted\n";
        let b = body(text);
        assert_eq!(b.sections.len(), 1);
    }

    #[test]
    fn prompts_are_not_content() {
        let text =
            "## Atmosphere\n\n> **Ask:** How should it feel?\n\n## Next\n\n> A real quote.\n";
        let b = body(text);
        assert_eq!(b.sections[0].prompts.len(), 1);
        assert!(!b.sections[0].has_content());
        assert!(b.sections[1].has_content());
    }

    #[test]
    fn fields_in_text() {
        let text = "a [id:: x] [not a field] [k::v] [bad key:: v]";
        let fields = inline_fields(text, Span::new(0, text.len()));
        let keys: Vec<_> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["id", "k"]);
        assert_eq!(strip_fields("keep [id:: x] this"), "keep  this");
    }
}
