//! Document text for GitHub-flavoured Markdown: pull-request comments
//! (`diff --format markdown`, `ci comment`), issues (`due --format
//! markdown`) and README tables (`list --format markdown`).
//!
//! What a document says is shown as the words it wrote, never as
//! formatting. [`inline`] text:
//!
//! - has no raw HTML and no HTML comment: `<`, `>` and `&` become entities,
//!   so `<details>`, `<img>`, `<!--` and `-->` are text, in the rendered page
//!   and in the Markdown source a bot searches for its marker;
//! - has no images, links, emphasis, code, strikethrough, math or headings:
//!   the punctuation that opens them is backslash-escaped;
//! - stays in its table cell and on its line: `|` is escaped, line breaks
//!   become spaces;
//! - notifies nobody: `@name` gets a zero-width space after the `@`
//!   (`@&#8203;name`, shown as `@name`), and so does an issue reference
//!   (`#&#8203;12`), unless the caller asks for [`Mentions::Live`];
//! - links nothing by itself: GitHub's autolinks (`https://…`, `www.…`,
//!   `name@host.example`) are broken the same way, so a lookalike address
//!   (`https://github.com.evil.example/login`) is shown as text, not a
//!   link: the `:` before `//` is written `&#58;`, a zero-width space goes
//!   before the `.` after `www` and after the `@` of an email address
//!   (also when mentions are live);
//! - carries no control characters or bidirectional overrides (written as
//!   `\u{..}`).
//!
//! [`code`] is the same text in a monospace `<code>` element (a backtick
//! code span cannot escape anything), [`comment`] is text for inside the
//! hidden `<!-- ... -->` marker, and [`link`] a relative link target.

/// Whether `@name` in the text may notify `name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mentions {
    /// `@name` is shown but notifies nobody (the default everywhere).
    #[default]
    Inert,
    /// `@name` stays a mention: for fields that hold the handles of the
    /// people responsible, when the user asked for them to be notified.
    Live,
}

/// Escape `text` for a Markdown paragraph, list item, heading or table
/// cell; mentions inert.
pub fn inline(text: &str) -> String {
    inline_with(text, Mentions::Inert)
}

/// As [`inline`], choosing whether mentions stay live.
pub fn inline_with(text: &str, mentions: Mentions) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut before = Before::default();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '#' => {
                out.push_str("\\#");
                if mentions == Mentions::Inert && next.is_some_and(|n| n.is_ascii_digit()) {
                    out.push_str(ZERO_WIDTH);
                }
            }
            '@' => {
                out.push('@');
                // An email address (`ada@evil.example`) is linked by GFM
                // whatever `mentions` says; a mention has no word before.
                let email = before.last.is_some_and(is_email_local);
                if (mentions == Mentions::Inert || email)
                    && next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '_' || n == '-')
                {
                    out.push_str(ZERO_WIDTH);
                }
            }
            // `https://`, `ftp://`, `javascript://`: no scheme GFM links.
            ':' if next == Some('/') => out.push_str("&#58;"),
            // `www.evil.example`: GFM links it after a space, `(`, `*`...
            '.' if before.www() => {
                out.push_str(ZERO_WIDTH);
                out.push('.');
            }
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' | '!' | '$' | '^' => {
                out.push('\\');
                out.push(c);
            }
            c if is_invisible_control(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
        before.push(c);
    }
    out
}

/// The last three characters of the text read so far: enough to see a
/// `www` before a `.` and the local part of an email before an `@`.
#[derive(Default)]
struct Before {
    three: [Option<char>; 3],
    last: Option<char>,
}

impl Before {
    fn push(&mut self, c: char) {
        self.three = [self.three[1], self.three[2], Some(c)];
        self.last = Some(c);
    }

    fn www(&self) -> bool {
        self.three
            .iter()
            .all(|c| c.is_some_and(|c| c.eq_ignore_ascii_case(&'w')))
    }
}

/// A character of an email address's local part, as GFM reads it.
fn is_email_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+')
}

/// `text` in monospace: a backtick code span when every character is a
/// letter, a digit, a space or one of `._-/~+,:;=()'%` (a file name, an
/// id), else a `<code>` element escaped as [`inline`], because a code
/// span cannot escape anything (a backtick, a `|` in a table, a raw
/// `<!--` in the source).
pub fn code(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " ._-/~+,:;=()'%".contains(c));
    if plain {
        format!("`{text}`")
    } else {
        format!("<code>{}</code>", inline(text))
    }
}

/// `text` as [`inline`], its code spans kept as code: where the backticks
/// pair up (`` `make check` ``), each pair's text is shown by [`code`]
/// (monospace, still escaped), the rest by [`inline`]. Unpaired backticks
/// are escaped like any other character.
pub fn inline_with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() % 2 == 1 && parts.iter().skip(1).step_by(2).all(|p| !p.is_empty());
    if !paired || parts.len() == 1 {
        return inline(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { code(part) } else { inline(part) })
        .collect()
}

/// `text` for inside an HTML comment (the hidden marker a bot searches
/// for): letters, digits and `._~/` as they are, `-` unless it follows a
/// `-` (so no `--`, which would end or break the comment), everything else
/// percent-encoded as UTF-8. The result is one line and cannot hold `<`,
/// `>` or `--`.
pub fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'.' | b'_' | b'~' | b'/')
            || (b == b'-' && !out.ends_with('-'));
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A relative path as a Markdown link target: every byte but letters,
/// digits, `-._~/` percent-encoded, so no `)`, space, `<` or scheme
/// (`javascript:`) can change what the link is.
pub fn link(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text` for an issue's title, which the forges show as plain text (no
/// entity is decoded there): on one line, at most 200 characters, control
/// characters and bidirectional overrides written as `\u{..}`, and a real
/// zero-width space after every `@` and `#` and inside `://`, so that no
/// title mentions anyone, references an issue or becomes a link.
pub fn title(text: &str) -> String {
    let clean = crate::escape::sanitize(&text.replace(['\n', '\r'], " ")).into_owned();
    let mut out = String::with_capacity(clean.len() + 8);
    for (count, (at, c)) in clean.char_indices().enumerate() {
        if count == 200 {
            out.push('…');
            break;
        }
        out.push(c);
        let after = &clean[at + c.len_utf8()..];
        if matches!(c, '@' | '#') || (c == ':' && after.starts_with("//")) {
            out.push('\u{200b}');
        }
    }
    out
}

/// A zero-width space as an entity: readable in the source, invisible on
/// the page, and enough to stop `@name` and `#12` from being linked.
const ZERO_WIDTH: &str = "&#8203;";

fn is_invisible_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_mentions_nobody_and_links_nothing() {
        let t = title("@everyone see #12 at https://evil.example\n\u{202e}x");
        assert_eq!(
            t,
            "@\u{200b}everyone see #\u{200b}12 at https:\u{200b}//evil.example \\u{202e}x"
        );
        assert_eq!(title(&"a".repeat(300)).chars().count(), 201);
    }

    #[test]
    fn paired_backticks_stay_code_and_the_rest_is_escaped() {
        assert_eq!(inline_with_code("Use `make` daily"), "Use `make` daily");
        // A code span's text that a span cannot hold safely is a <code> element.
        assert_eq!(
            inline_with_code("Run `a|b` <b>now</b>"),
            format!(
                "Run <code>{}</code> {}",
                inline("a|b"),
                inline("<b>now</b>")
            )
        );
        // Unpaired, or an empty pair: every backtick escaped.
        assert_eq!(inline_with_code("one ` tick"), inline("one ` tick"));
        assert_eq!(inline_with_code("``"), inline("``"));
    }

    #[test]
    fn plain_words_stay_readable() {
        assert_eq!(inline("We start on time."), "We start on time.");
        assert_eq!(
            inline("Ünïcode, (parens) and 'quotes'"),
            "Ünïcode, (parens) and 'quotes'"
        );
    }

    #[test]
    fn html_is_text() {
        assert_eq!(inline("<details>hidden"), "&lt;details&gt;hidden");
        assert_eq!(inline("a &amp; b"), "a &amp;amp; b");
        assert_eq!(inline("x --> y <!-- z"), "x --&gt; y &lt;\\!-- z");
    }

    #[test]
    fn images_links_and_formatting_are_text() {
        assert_eq!(
            inline("![pixel](https://t.example/p.png)"),
            "\\!\\[pixel\\](https&#58;//t.example/p.png)"
        );
        assert_eq!(
            inline("*bold* _it_ ~~x~~ `c` $m$"),
            "\\*bold\\* \\_it\\_ \\~\\~x\\~\\~ \\`c\\` \\$m\\$"
        );
        assert_eq!(inline("back\\slash"), "back\\\\slash");
    }

    #[test]
    fn cells_and_lines_hold() {
        assert_eq!(inline("a | b"), "a \\| b");
        assert_eq!(inline("title\n# heading\r\n---"), "title \\# heading  ---");
    }

    #[test]
    fn mentions_and_references_are_inert_unless_live() {
        assert_eq!(
            inline("@ada and @org/team"),
            "@&#8203;ada and @&#8203;org/team"
        );
        assert_eq!(
            inline("see #12 and a@b.c"),
            "see \\#&#8203;12 and a@&#8203;b.c"
        );
        assert_eq!(inline("@ alone, # alone"), "@ alone, \\# alone");
        assert_eq!(inline_with("@ada #12", Mentions::Live), "@ada \\#12");
    }

    #[test]
    fn bare_urls_and_addresses_are_not_links() {
        assert_eq!(
            inline("https://github.com.evil.example/login"),
            "https&#58;//github.com.evil.example/login"
        );
        assert_eq!(inline("FTP://x and a: b/c"), "FTP&#58;//x and a: b/c");
        assert_eq!(
            inline("www.evil.example, (WWW.x)"),
            "www&#8203;.evil.example, (WWW&#8203;.x)"
        );
        assert_eq!(
            inline_with("@ada ada@evil.example", Mentions::Live),
            "@ada ada@&#8203;evil.example"
        );
    }

    #[test]
    fn controls_are_escapes() {
        assert_eq!(inline("a\u{1b}[2Jb\u{202e}"), "a\\u{1b}\\[2Jb\\u{202e}");
    }

    #[test]
    fn code_cannot_be_left() {
        assert_eq!(code("TEAM_ALLIANCE.md:41"), "`TEAM_ALLIANCE.md:41`");
        assert_eq!(code("a`b|<!--"), "<code>a\\`b\\|&lt;\\!--</code>");
        assert_eq!(code(""), "<code></code>");
    }

    #[test]
    fn comment_text_cannot_end_the_comment() {
        assert_eq!(comment("TEAM_ALLIANCE.md"), "TEAM_ALLIANCE.md");
        assert_eq!(comment("a-b/c.md"), "a-b/c.md");
        assert_eq!(comment("x --> <!-- y"), "x%20-%2D%3E%20%3C%21-%2D%20y");
        assert_eq!(comment("--->"), "-%2D-%3E");
        assert_eq!(comment("é\n"), "%C3%A9%0A");
    }

    #[test]
    fn link_targets_are_paths() {
        assert_eq!(link("docs/TEAM ALLIANCE.md"), "docs/TEAM%20ALLIANCE.md");
        assert_eq!(link("javascript:alert(1)"), "javascript%3Aalert%281%29");
    }
}
