//! Document text inside a GitHub Actions workflow command
//! (`::error file=PROPERTY,title=PROPERTY::DATA`), escaped the way the
//! runner unescapes it (`ActionCommand.cs` in `actions/runner`: `%25`,
//! `%0D`, `%0A` in data; those and `%3A`, `%2C` in a property), so a
//! message is one command and nothing more, and no character the terminal
//! escaper escapes (controls, bidirectional overrides, line separators)
//! reaches the log raw.

use std::path::Path;

use super::terminal::needs_escape;

/// Escape a workflow command's message: `%`, CR and LF are encoded, and
/// every other character the terminal escapes (controls but the tab,
/// bidirectional overrides, line separators) is written as `\u{..}`.
pub fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if needs_escape(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Escape a workflow command's property value: as [`data`], plus `:` and
/// `,`, which would end the property.
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The `file=` value that names `path` exactly, as the runner decodes it:
/// `%`, CR, LF, `:` and `,` encoded, a tab written as it is (as GitHub's
/// toolkit writes it; the runner keeps it). `None` when the runner cannot
/// be given the name: it is not UTF-8, or holds a character that may not
/// reach the log raw and that the runner has no escape for (a control, a
/// bidirectional override). The caller then leaves `file=` out and names
/// the path, escaped, in the message.
pub fn file(path: &Path) -> Option<String> {
    let text = path.to_str()?;
    let nameable = |c: char| matches!(c, '\t' | '\r' | '\n') || !needs_escape(c);
    if text.is_empty() || !text.chars().all(nameable) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_stays_one_command() {
        assert_eq!(data("50%\n::error::x\r"), "50%25%0A::error::x%0D");
        assert_eq!(data("a\u{1b}b"), "a\\u{1b}b");
    }

    #[test]
    fn bidirectional_overrides_are_escaped_everywhere() {
        assert_eq!(data("a\u{202e}b\u{2066}c"), "a\\u{202e}b\\u{2066}c");
        assert_eq!(property("\u{202e}x"), "\\u{202e}x");
        assert_eq!(file(Path::new("a\u{202e}b.md")), None);
        assert_eq!(file(Path::new("a\u{1b}b.md")), None);
    }

    #[test]
    fn a_property_cannot_add_properties() {
        assert_eq!(property("a,line=1::b"), "a%2Cline=1%3A%3Ab");
    }

    #[test]
    fn a_file_is_named_as_the_runner_decodes_it() {
        assert_eq!(file(Path::new("a\tb.md")).as_deref(), Some("a\tb.md"));
        assert_eq!(
            file(Path::new("50%,a:b\nc.md")).as_deref(),
            Some("50%25%2Ca%3Ab%0Ac.md")
        );
        assert_eq!(data("tab\tkept"), "tab\tkept");
    }
}
