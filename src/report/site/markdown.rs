//! An agreement's Markdown body as HTML, with nothing the document wrote
//! able to reach the page as markup.
//!
//! pulldown-cmark parses; this module writes every event itself: text
//! through [`html::text`], raw HTML (blocks and inline) shown as the text
//! it is, links kept only for addresses [`html::address`] accepts (a link
//! to another site gets `rel="noopener noreferrer"`), and images written
//! as links to the picture, never loaded.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::escape::html::{self, Address};

/// The HTML of the Markdown `body`.
pub fn render(body: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut writer = Writer::default();
    for event in Parser::new_ext(body, options) {
        writer.event(event);
    }
    writer.out
}

/// The page being written, and what closing tags are owed.
#[derive(Default)]
struct Writer {
    out: String,
    /// For each open link or image: what closes it (`</a>`, or nothing
    /// for a link that was refused).
    links: Vec<&'static str>,
    /// Inside a table's head: its cells are `<th>`.
    in_table_head: bool,
}

impl Writer {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.out.push_str(&html::text(&t)),
            Event::Code(t) => {
                self.out.push_str("<code>");
                self.out.push_str(&html::text(&t));
                self.out.push_str("</code>");
            }
            // Raw HTML is shown as the text it is, never as markup.
            Event::Html(t) | Event::InlineHtml(t) => {
                self.out.push_str(&html::text(&t));
            }
            Event::InlineMath(t) | Event::DisplayMath(t) | Event::FootnoteReference(t) => {
                self.out.push_str(&html::text(&t));
            }
            Event::SoftBreak => self.out.push('\n'),
            Event::HardBreak => self.out.push_str("<br>\n"),
            Event::Rule => self.out.push_str("<hr>\n"),
            Event::TaskListMarker(done) => self.out.push_str(if done {
                "<input type=\"checkbox\" disabled checked> "
            } else {
                "<input type=\"checkbox\" disabled> "
            }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let opened = match tag {
            Tag::Paragraph => "<p>".to_owned(),
            Tag::Heading { level, .. } => format!("<h{}>", heading(level)),
            Tag::BlockQuote(_) => "<blockquote>\n".to_owned(),
            Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if !lang.is_empty() => {
                format!("<pre><code data-lang=\"{}\">", html::text(&lang))
            }
            Tag::CodeBlock(_) => "<pre><code>".to_owned(),
            Tag::List(Some(1)) => "<ol>\n".to_owned(),
            Tag::List(Some(start)) => format!("<ol start=\"{start}\">\n"),
            Tag::List(None) => "<ul>\n".to_owned(),
            Tag::Item => "<li>".to_owned(),
            Tag::Table(_) => "<table>\n".to_owned(),
            Tag::TableHead => {
                self.in_table_head = true;
                "<thead><tr>".to_owned()
            }
            Tag::TableRow => "<tr>".to_owned(),
            Tag::TableCell if self.in_table_head => "<th>".to_owned(),
            Tag::TableCell => "<td>".to_owned(),
            Tag::Emphasis => "<em>".to_owned(),
            Tag::Strong => "<strong>".to_owned(),
            Tag::Strikethrough => "<del>".to_owned(),
            // An e-mail autolink (`<ada@example.org>`) names no scheme.
            Tag::Link {
                link_type: LinkType::Email,
                dest_url,
                title,
                ..
            } => self.link(&format!("mailto:{dest_url}"), &title, "a link"),
            Tag::Link {
                dest_url, title, ..
            } => self.link(&dest_url, &title, "a link"),
            Tag::Image {
                dest_url, title, ..
            } => {
                // A picture is never loaded: a link to it, labelled.
                let mut opened = self.link(&dest_url, &title, "a picture");
                opened.push_str("[picture: ");
                opened
            }
            // Blocks whose markup is not needed (they are not enabled):
            // their text still shows.
            _ => String::new(),
        };
        self.out.push_str(&opened);
    }

    /// Open a link to `url` (nothing when it is refused) and remember how
    /// to close it.
    fn link(&mut self, url: &str, title: &str, what: &str) -> String {
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", html::text(title))
        };
        match html::address(url) {
            Some(address @ Address::Relative(_)) => {
                self.links.push("</a>");
                format!("<a href=\"{}\"{title}>", address.attribute())
            }
            Some(address @ Address::Outside(_)) => {
                self.links.push("</a>");
                format!(
                    "<a href=\"{}\" rel=\"noopener noreferrer\"{title}>",
                    address.attribute()
                )
            }
            None => {
                self.links.push("</span>");
                format!(
                    "<span class=\"refused\" title=\"{what} to an address that is not allowed here\">"
                )
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let closed: &str = match tag {
            TagEnd::Paragraph => "</p>\n",
            TagEnd::Heading(level) => {
                self.out.push_str(&format!("</h{}>\n", heading(level)));
                ""
            }
            TagEnd::BlockQuote(_) => "</blockquote>\n",
            TagEnd::CodeBlock => "</code></pre>\n",
            TagEnd::List(true) => "</ol>\n",
            TagEnd::List(false) => "</ul>\n",
            TagEnd::Item => "</li>\n",
            TagEnd::Table => "</tbody></table>\n",
            TagEnd::TableHead => {
                self.in_table_head = false;
                "</tr></thead><tbody>\n"
            }
            TagEnd::TableRow => "</tr>\n",
            TagEnd::TableCell if self.in_table_head => "</th>",
            TagEnd::TableCell => "</td>",
            TagEnd::Emphasis => "</em>",
            TagEnd::Strong => "</strong>",
            TagEnd::Strikethrough => "</del>",
            TagEnd::Link => self.links.pop().unwrap_or(""),
            TagEnd::Image => {
                self.out.push(']');
                self.links.pop().unwrap_or("")
            }
            _ => "",
        };
        self.out.push_str(closed);
    }
}

/// The number of a heading level. The page's own title is the `h1`, so an
/// agreement's headings start one level down.
fn heading(level: HeadingLevel) -> usize {
    (level as usize + 1).min(6)
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn raw_html_is_shown_as_text() {
        let page = render("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> there\n");
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
    }

    #[test]
    fn links_keep_only_allowed_addresses_and_pictures_are_not_loaded() {
        let page = render(
            "[a](javascript:alert(1)) [b](https://example.org \"t\\\"x\") [c](notes.md)\n\n![pic](https://example.org/p.png)\n",
        );
        assert!(!page.contains("javascript"), "{page}");
        assert!(page.contains("<a href=\"https://example.org\" rel=\"noopener noreferrer\" title=\"t&quot;x\">b</a>"), "{page}");
        assert!(page.contains("<a href=\"notes.md\">c</a>"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(page.contains("[picture: pic]</a>"), "{page}");
    }

    #[test]
    fn an_email_autolink_is_a_mail_link() {
        assert_eq!(
            render("<ada@example.org>\n"),
            "<p><a href=\"mailto:ada@example.org\" rel=\"noopener noreferrer\">ada@example.org</a></p>\n"
        );
    }

    #[test]
    fn headings_start_below_the_page_title() {
        assert_eq!(render("# A\n\n## B\n"), "<h2>A</h2>\n<h3>B</h3>\n");
    }
}
