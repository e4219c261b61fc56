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

impl Item {
    /// An empty item, holding an item's place until it ends.
    fn placeholder() -> Item {
        Item {
            text: String::new(),
            span: Span::default(),
            depth: 0,
            fields: Vec::new(),
            checked: None,
        }
    }
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
    /// Where the item goes in its section's list: items are listed in the
    /// order they start, and a nested item ends before its parent.
    slot: Option<usize>,
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

/// Room for the text of a heading or item whose source is `span`: its
/// length (the text is never longer), at most 512 bytes (an item holding a
/// long nested list keeps little of it).
fn reserve(span: Span) -> usize {
    span.end.saturating_sub(span.start).min(512)
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
                self.heading = Some((level, String::with_capacity(reserve(span))));
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(span),
            Event::Start(Tag::List(_)) => self.list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                if let Some(parent) = self.items.last_mut() {
                    parent.nested.push(span);
                }
            }
            Event::Start(Tag::Item) => {
                let slot = self.sections.last_mut().map(|section| {
                    section.items.push(Item::placeholder());
                    section.items.len() - 1
                });
                self.items.push(ItemBuilder {
                    slot,
                    start: span.start,
                    end: span.end,
                    depth: self.items.len(),
                    // Its text is at most its source: one allocation
                    // instead of one per doubling.
                    text: String::with_capacity(reserve(span)),
                    nested: Vec::new(),
                    checked: None,
                });
            }
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
            if HTML_CONTAINERS.iter().any(|c| c.eq_ignore_ascii_case(name)) {
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
            text: collapse_whitespace(raw),
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
        let mut fields = Vec::new();
        own_pieces(span, &item.nested, |piece| {
            fields_into(text, piece, &mut fields);
        });
        let built = Item {
            text: collapse_whitespace(strip_fields(item.text)),
            span,
            depth: item.depth,
            fields,
            checked: item.checked,
        };
        let place = item
            .slot
            .and_then(|slot| self.sections.last_mut()?.items.get_mut(slot));
        if let Some(place) = place {
            *place = built;
        }
    }

    fn end_quote(&mut self, quote: QuoteBuilder, end: usize) {
        let text = collapse_whitespace(quote.text);
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
        if !self.items.is_empty() {
            // Items that never ended (the parser balances its events, so
            // this is only a guard): drop the places they held.
            for section in &mut self.sections {
                section.items.retain(|i| i.span != Span::default());
            }
        }
        if let Some(last) = self.sections.last_mut() {
            last.span.end = end;
        }
        Body {
            title: self.title,
            sections: self.sections,
        }
    }
}

impl Heading {
    /// The heading's own source: for `## Ground rules ##` the bytes of
    /// `Ground rules` (markup, emoji and punctuation as written), without
    /// the `#` markers, a closing `#` sequence or a setext underline; the
    /// surrounding spaces trimmed.
    pub fn source(&self, text: &str) -> Span {
        let source = self.span.slice(text);
        let trimmed = source.trim_end();
        let (from, to) = if let Some(rest) = trimmed.strip_prefix('#') {
            let after = rest.trim_start_matches('#');
            let mut inner = after.trim_end_matches('#');
            // A closing sequence needs a space before it (`C#` is a word).
            if inner.len() == after.len() || !inner.ends_with([' ', '\t']) && !inner.is_empty() {
                inner = after;
            }
            let start = trimmed.len() - after.len();
            (start, start + inner.len())
        } else {
            // Setext: every line but the underline.
            let end = trimmed.rfind('\n').unwrap_or(0);
            (0, end)
        };
        let piece = &source[from..to];
        let lead = piece.len() - piece.trim_start().len();
        let start = self.span.start + from + lead;
        Span::new(start, start + piece.trim().len())
    }
}

impl Item {
    /// Where the item's own content starts in `text`: after its list
    /// marker (`-`, `*`, `+`, `1.`, `1)`) and, for a task item, its box
    /// (`[ ]`, `[x]`).
    pub fn content_start(&self, text: &str) -> usize {
        let source = self.span.slice(text);
        let bytes = source.as_bytes();
        let mut at = bytes
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        let digits = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        match bytes.get(at + digits) {
            Some(b'-' | b'*' | b'+') if digits == 0 => at += 1,
            Some(b'.' | b')') if (1..=9).contains(&digits) => at += digits + 1,
            _ => return self.span.start + at,
        }
        if self.checked.is_some() {
            let gap = bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if bytes.get(at + gap) == Some(&b'[') && bytes.get(at + gap + 2) == Some(&b']') {
                at += gap + 3;
            }
        }
        self.span.start + at
    }
}

impl Section {
    /// The spans of item `index`'s own source, in order: its words and
    /// inline fields as written, without its list marker and task box
    /// ([`Item::content_start`]) and without the items nested in it.
    /// Empty when there is no such item.
    pub fn item_source(&self, text: &str, index: usize) -> Vec<Span> {
        let Some(item) = self.items.get(index) else {
            return Vec::new();
        };
        let nested: Vec<Span> = self.items[index + 1..]
            .iter()
            .take_while(|n| n.depth > item.depth && n.span.start < item.span.end)
            .map(|n| n.span)
            .collect();
        let mut pieces = Vec::with_capacity(nested.len() + 1);
        let own = Span::new(item.content_start(text), item.span.end);
        own_pieces(own, &nested, |piece| pieces.push(piece));
        pieces
    }
}

/// Each part of `span` outside the nested spans (which are in order).
fn own_pieces(span: Span, nested: &[Span], mut piece: impl FnMut(Span)) {
    let mut at = span.start;
    for n in nested {
        if n.start > at {
            piece(Span::new(at, n.start));
        }
        at = at.max(n.end);
    }
    if at < span.end {
        piece(Span::new(at, span.end));
    }
}

/// The inline fields `[key:: value]` in the `span` of `text`.
///
/// One pass over the text: a `[` whose key is not followed by `::` is
/// dropped at the first character that cannot be in a key (so every byte is
/// read by at most one key scan), and the `]` that closes a run of `[` and
/// the last line break before it are found once for the whole run.
pub fn inline_fields(text: &str, span: Span) -> Vec<Field> {
    let mut fields = Vec::new();
    fields_into(text, span, &mut fields);
    fields
}

/// [`inline_fields`], added to `fields`.
fn fields_into(text: &str, span: Span, fields: &mut Vec<Field>) {
    let source = span.slice(text);
    each_field(source, |key, open, value_start, close| {
        let value = &source[value_start..close];
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
    });
}

/// Each inline field of `source`, in order, as its key and the bytes of
/// its `[`, of the start of its value and of its `]`.
fn each_field(source: &str, mut found: impl FnMut(&str, usize, usize, usize)) {
    let bytes = source.as_bytes();
    // The `]` after the current `[` and the last `\n` before it.
    let mut closing: Option<(usize, Option<usize>)> = None;
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'[', &bytes[at..]) {
        let open = at + offset;
        at = open + 1;
        let (close, newline) = match closing {
            Some((close, newline)) if close > open => (close, newline),
            _ => {
                let Some(close) = memchr::memchr(b']', &bytes[open..]).map(|i| open + i) else {
                    break;
                };
                let newline = memchr::memrchr(b'\n', &bytes[open..close]).map(|i| open + i);
                closing = Some((close, newline));
                (close, newline)
            }
        };
        let key_start = open + 1;
        let key_end = key_start
            + source[key_start..close]
                .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(close - key_start);
        let key = &source[key_start..key_end];
        let key_ok = key.chars().next().is_some_and(char::is_alphabetic)
            && source[key_end..close].starts_with("::");
        let value_start = key_end + 2;
        if !key_ok || newline.is_some_and(|n| n >= value_start) {
            continue;
        }
        found(key, open, value_start, close);
        at = close + 1;
    }
}

/// `text` without its inline fields.
fn strip_fields(text: String) -> String {
    let mut out = String::new();
    let mut at = 0;
    each_field(&text, |_, open, _, close| {
        out.push_str(&text[at..open]);
        at = close + 1;
    });
    if at == 0 {
        return text;
    }
    out.push_str(&text[at..]);
    out
}

/// `text` with runs of whitespace made one space and the ends trimmed;
/// text that is already so is returned as it is.
fn collapse_whitespace(text: String) -> String {
    let bytes = text.as_bytes();
    // Clean between the spaces at its ends: ASCII (other whitespace is
    // not), no control character (tab, line break), no space after
    // another. Each test is a pass the compiler vectorises; such text
    // (the common case, an item whose fields were cut out of its end) is
    // only trimmed.
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |i| i + 1);
    let inner = &bytes[start..end];
    // One pass over each byte and the one before it (the first byte,
    // after the trimmed spaces, is never a space).
    let clean = inner.first().is_none_or(|&b| (b' '..0x80).contains(&b))
        && !inner
            .iter()
            .zip(inner.iter().skip(1))
            .fold(false, |bad, (&a, &b)| {
                bad | !(b' '..0x80).contains(&b) | (a == b' ' && b == b' ')
            });
    if clean {
        if start == 0 && end == bytes.len() {
            return text;
        }
        return text[start..end].to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The tags in a piece of HTML: (is an opening tag, name as written).
///
/// The `>` that ends a tag is found once for each run of `<` before it, so
/// a line of ten thousand `<` is read once, not once per `<`.
fn html_tags(html: &str) -> Vec<(bool, &str)> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut tag_end: Option<usize> = None;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        at = lt + 1;
        let (open, name_start) = match bytes.get(at) {
            Some(b'/') => (false, at + 1),
            _ => (true, at),
        };
        let name_len = bytes[name_start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        let end = match tag_end {
            Some(end) if end > name_start => end,
            _ => {
                let end = memchr::memchr(b'>', &bytes[name_start..])
                    .map_or(bytes.len(), |i| name_start + i);
                tag_end = Some(end);
                end
            }
        };
        let self_closing = end > name_start && bytes[end - 1] == b'/';
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
        assert_eq!(strip_fields("keep [id:: x] this".into()), "keep  this");
    }

    /// The scan as first written (restarting at every `[`), to hold the
    /// one-pass scan to the same answers.
    fn reference_fields(source: &str) -> Vec<(usize, usize, String, String)> {
        let mut out = Vec::new();
        let mut rest = 0;
        while let Some(open) = source[rest..].find('[') {
            let open = rest + open;
            rest = open + 1;
            let Some(close) = source[open..].find(']') else {
                break;
            };
            let close = open + close;
            let Some((key, value)) = source[open + 1..close].split_once("::") else {
                continue;
            };
            let key_ok = key.chars().next().is_some_and(|c| c.is_alphabetic())
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
            if !key_ok || value.contains('\n') {
                continue;
            }
            out.push((open, close + 1, key.to_owned(), value.trim().to_owned()));
            rest = close + 1;
        }
        out
    }

    #[test]
    fn one_pass_field_scan_agrees_with_the_reference() {
        let alphabet = ['[', ']', ':', ':', 'a', 'é', ' ', '\n', '-', 'k', '1'];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let len = (seed % 24) as usize;
            let mut text = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let got: Vec<_> = inline_fields(&text, Span::new(0, text.len()))
                .into_iter()
                .map(|f| (f.span.start, f.span.end, f.key, f.value))
                .collect();
            assert_eq!(got, reference_fields(&text), "{text:?}");
            seed = seed.wrapping_add(0x9e37_79b9);
        }
    }

    #[test]
    fn html_tags_are_named_once_each() {
        assert_eq!(
            html_tags("<div a=1><br/></DIV><<x"),
            [(true, "div"), (false, "DIV"), (true, "x")]
        );
    }

    #[test]
    fn collapsing_whitespace_agrees_with_splitting_on_it() {
        let alphabet = [
            "a", " ", "  ", "\t", "\n", "é", "\u{a0}", "\u{b}", "\u{1}", "b",
        ];
        let mut seed: u64 = 0x0bad_cafe_f00d_d00d;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 10) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(text.clone()), want, "{text:?}");
            seed = seed.wrapping_add(0x9e37_79b9);
        }
    }
}
