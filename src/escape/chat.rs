//! Document text for chat messages: Slack's `mrkdwn` and the text of a
//! Microsoft Teams Adaptive Card.
//!
//! A title lands in a channel where a message can ping everyone and a link
//! can be a lure, so document text is made inert for each place:
//!
//! - [`slack`]: `&`, `<` and `>` become entities (Slack's only escapes), so
//!   no `<!channel>`, `<!here>`, `<@U…>` or `<https://…|label>` can form;
//!   an `@` gets a zero-width space after it, so `@channel` and `@here`
//!   stay words even where a client links names.
//! - [`slack_url`]: an address the tool made, inside a Slack link
//!   `<URL|label>`: nothing in it can end the link.
//! - [`teams_run`]: the text of an Adaptive Card `TextRun`, which reads no
//!   Markdown: only `<at>` (a Teams mention tag) is broken.
//! - [`teams_markdown`]: the text of a `TextBlock`, which reads a subset of
//!   Markdown: `\ * _ [ ] ( ) ~ # > < - + !` and backquotes get a
//!   backslash, `<at>` cannot form.
//!
//! In every form control characters are dropped, the text stays on one
//! line, and a bare address (`https://…`, `evil.example`) gets a zero-width
//! space in it (after `:` of `://` and after a `.` between letters), so no
//! client turns it into a link.

/// Breaks what a client would read as a link or a name; shows nothing.
const ZWSP: char = '\u{200b}';

/// `text` for Slack `mrkdwn`: see the module documentation.
pub fn slack(text: &str) -> String {
    inert(text, |c, out| match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '@' => {
            out.push('@');
            out.push(ZWSP);
        }
        c => out.push(c),
    })
}

/// An address the tool made (percent-encoded already) for the inside of a
/// Slack link `<URL|label>`: `&` as its entity, and `|`, `<` and `>`
/// percent-encoded, so the address cannot end the link or start another.
pub fn slack_url(url: &str) -> String {
    url.replace('&', "&amp;")
        .replace('|', "%7C")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

/// `text` for an Adaptive Card `TextRun` (no Markdown): see the module
/// documentation.
pub fn teams_run(text: &str) -> String {
    inert(text, |c, out| {
        out.push(c);
        if c == '<' {
            out.push(ZWSP);
        }
    })
}

/// `text` for an Adaptive Card `TextBlock` (a subset of Markdown): see the
/// module documentation.
pub fn teams_markdown(text: &str) -> String {
    inert(text, |c, out| {
        if matches!(
            c,
            '\\' | '*'
                | '_'
                | '['
                | ']'
                | '('
                | ')'
                | '~'
                | '#'
                | '>'
                | '<'
                | '`'
                | '-'
                | '+'
                | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    })
}

/// `text` on one line without control characters, each other character
/// written by `push`, with a zero-width space after the `:` of `://` and
/// after a `.` between two letters or digits.
fn inert(text: &str, mut push: impl FnMut(char, &mut String)) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        if super::terminal::needs_escape(c) {
            // A line break between words leaves a space.
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') && previous != ' ' {
                out.push(' ');
                previous = ' ';
            }
            continue;
        }
        push(c, &mut out);
        let next = chars.peek().copied().unwrap_or(' ');
        let address = (c == ':' && next == '/')
            || (c == '.' && previous.is_alphanumeric() && next.is_alphanumeric());
        if address {
            out.push(ZWSP);
        }
        previous = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_text_cannot_ping_or_link() {
        let hostile = "<!channel> <@U123> <https://evil.example|click> & @here";
        let escaped = slack(hostile);
        assert!(
            !escaped.contains('<') && !escaped.contains('>'),
            "{escaped}"
        );
        assert!(
            !escaped.contains("@here") && !escaped.contains("https://"),
            "{escaped}"
        );
        assert!(escaped.contains("&lt;!channel&gt;") && escaped.contains("&amp;"));
        assert_eq!(slack("v1.2 on\ncall"), "v1.\u{200b}2 on call");
    }

    #[test]
    fn a_slack_link_address_cannot_end_the_link() {
        assert_eq!(
            slack_url("https://x.example/a?b=1&c=2|<!here>"),
            "https://x.example/a?b=1&amp;c=2%7C%3C!here%3E"
        );
    }

    #[test]
    fn teams_text_cannot_mention_or_link() {
        assert_eq!(teams_run("<at>ana</at>"), "<\u{200b}at>ana<\u{200b}/at>");
        assert_eq!(teams_run("see http://x"), "see http:\u{200b}//x");
        assert_eq!(
            teams_markdown("[a](b) *c* _d_ <at>"),
            "\\[a\\]\\(b\\) \\*c\\* \\_d\\_ \\<at\\>"
        );
    }
}
