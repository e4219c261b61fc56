//! Document text in HTML pages (`alliance site`): text content, attribute
//! values, and the addresses of links a document writes.
//!
//! Text is escaped so that no markup can start or end in it (`<`, `>`,
//! `&`, both quotes), and so that it cannot change how the text around it
//! reads: control characters and bidirectional overrides are written as
//! visible `\u{..}` escapes. An address is kept only when it is relative
//! or uses `http`, `https` or `mailto`; anything else (`javascript:`,
//! `data:`, `vbscript:`, `file:`) is refused, however it is spelled.

/// Escape `text` for HTML text content and quoted attribute values.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.extend(c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// The characters that change the direction text is shown in: written out
/// so that a name cannot make the text beside it read backwards.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Where a link a document wrote leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A relative address (a page or file beside the document, a fragment).
    Relative(String),
    /// Another site (`http`, `https`, `//host`) or a mail address
    /// (`mailto`): shown as a link the reader chooses to follow.
    Outside(String),
}

impl Address {
    /// The address, escaped for a quoted attribute value.
    pub fn attribute(&self) -> String {
        match self {
            Address::Relative(a) | Address::Outside(a) => text(a),
        }
    }
}

/// Read the address `url` a document wrote, or `None` when it may not be a
/// link at all: a scheme other than `http`, `https` or `mailto`, or
/// characters a browser would strip or reinterpret (controls, blanks,
/// backslashes) that could hide one.
pub fn address(url: &str) -> Option<Address> {
    if url.is_empty()
        || url
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\' || is_bidi_control(c))
    {
        return None;
    }
    if url.starts_with("//") {
        return Some(Address::Outside(url.to_owned()));
    }
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(end) if url[end..].starts_with(':') => {
            let scheme = url[..end].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
                .then(|| Address::Outside(url.to_owned()))
        }
        _ => Some(Address::Relative(url.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_controls_and_bidi_overrides_are_escaped() {
        assert_eq!(
            text("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(text("a\u{202e}b\u{1b}c"), "a\\u{202e}b\\u{1b}c");
        assert_eq!(text("line\nnext"), "line\nnext");
    }

    #[test]
    fn only_relative_web_and_mail_addresses_are_links() {
        let outside = |u: &str| Some(Address::Outside(u.to_owned()));
        let relative = |u: &str| Some(Address::Relative(u.to_owned()));
        assert_eq!(
            address("https://example.org/a"),
            outside("https://example.org/a")
        );
        assert_eq!(address("HTTP://example.org"), outside("HTTP://example.org"));
        assert_eq!(
            address("mailto:ada@example.org"),
            outside("mailto:ada@example.org")
        );
        assert_eq!(
            address("//cdn.example.org/x.png"),
            outside("//cdn.example.org/x.png")
        );
        assert_eq!(
            address("TEAM_ALLIANCE.md#purpose"),
            relative("TEAM_ALLIANCE.md#purpose")
        );
        assert_eq!(address("#purpose"), relative("#purpose"));
        assert_eq!(address("docs/a:b.md"), relative("docs/a:b.md"));
        for refused in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "file:///etc/passwd",
            "\\\\evil.example.org\\x",
            "",
        ] {
            assert_eq!(address(refused), None, "{refused:?}");
        }
    }
}
