//! Document text for a terminal and for the CI log the same output becomes.
//!
//! Three things are neutralised, and only these (plain text passes through
//! as it is):
//!
//! - control characters (ESC, BEL, NUL, CR, LF...), Unicode line and
//!   paragraph separators and bidirectional overrides are written as Rust
//!   escapes (`\u{1b}`, `\n`), so a one-line field stays one line and no
//!   sequence reaches the terminal; tabs are kept;
//! - a line that would start (after blanks, which the GitHub runner skips)
//!   with `::` gets a backslash first (`\::error::`), so a document cannot
//!   print a workflow command (`::stop-commands::`, `::error::`,
//!   `::add-mask::`) into a GitHub Actions log; so does a text that leaves
//!   the line at blanks and one colon, since the caller may write `: ...`
//!   right after it (`\:`);
//! - `##[` and `##vso[` anywhere on a line, which the GitHub runner's older
//!   syntax and Azure Pipelines read as commands, get a backslash before the
//!   bracket (`##\[error]`).
//!
//! [`push_line`] appends to a line being built and looks back at it, so text
//! written in pieces (a source line cut around an underline, words of a
//! diff) cannot assemble a command across the pieces.

use std::borrow::Cow;

/// `text` as one line of terminal output: see the module documentation.
/// Borrowed when nothing needed escaping.
pub fn line(text: &str) -> Cow<'_, str> {
    if is_plain(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_line(&mut out, text);
    Cow::Owned(out)
}

/// Append `text` to `out`, the line being written, escaped as by [`line`].
/// What `out` already holds since its last line feed counts: a `:` after a
/// blank start, or a `[` after `##`, is neutralised even when the text
/// before it came from an earlier call.
pub fn push_line(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if needs_escape(c) {
            out.extend(c.escape_default());
            continue;
        }
        match c {
            ':' => {
                let head = line_head(out);
                let starts_command = (head.is_empty() && chars.peek() == Some(&':')) || head == ":";
                if starts_command {
                    out.push('\\');
                }
            }
            '[' if ends_with_command_prefix(out) => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    // A line that is, so far, blanks and one colon becomes a command if
    // whatever is written next starts with a colon (`{path}: from ...`
    // with the path `:`): escape that colon now.
    if !text.is_empty() && line_head(out) == ":" {
        let at = out.len() - 1;
        out.insert(at, '\\');
    }
    // Likewise a text that ends in `##` (or `##vso`), before a `[` the
    // caller may write: break the pair.
    if !text.is_empty() && out.ends_with('#') && ends_with_command_prefix(out) {
        let at = out.len() - 1;
        out.insert(at, '\\');
    }
}

/// Whether `c` is written as an escape (control characters but the tab,
/// bidirectional overrides and isolates, line and paragraph separators).
/// The GitHub escaper holds the same set.
pub(super) fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Whether `text` can be written as it is, anywhere on a line.
fn is_plain(text: &str) -> bool {
    let command_prefix = text.contains("##");
    !(command_prefix || text.trim_start().starts_with(':') || text.chars().any(needs_escape))
}

/// The current line of `out` after its leading blanks, as far back as the
/// last character that is not a blank: empty when the line is blank so
/// far, `:` when it is blanks and one colon, anything else otherwise.
fn line_head(out: &str) -> &str {
    // Walk back from the end and stop at the line feed or at the second
    // character that is not a blank: a long line costs nothing here.
    let mut seen = 0;
    for (i, c) in out.char_indices().rev() {
        if c == '\n' {
            return out[i + 1..].trim_start();
        }
        if c.is_whitespace() {
            continue;
        }
        seen += 1;
        if seen == 2 {
            return &out[i..];
        }
    }
    out.trim_start()
}

/// Whether `out` ends with `##` or `##vso` (any case): a `[` next would
/// open a runner command.
fn ends_with_command_prefix(out: &str) -> bool {
    let bytes = out.as_bytes();
    let tail =
        |n: usize| bytes.len() >= n && bytes[bytes.len() - n..].eq_ignore_ascii_case(b"##vso");
    bytes.ends_with(b"##") || tail(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(line("plain ü, a: b"), Cow::Borrowed(_)));
        assert!(matches!(line("## Agreements [x]"), Cow::Owned(_)));
        assert_eq!(line("## Agreements [x]"), "## Agreements [x]");
    }

    #[test]
    fn controls_and_line_breaks_are_escapes() {
        assert_eq!(line("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(line("x\ry"), "x\\ry");
        assert_eq!(line("one\ntwo"), "one\\ntwo");
        assert_eq!(line("tab\tkept"), "tab\tkept");
        assert_eq!(line("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(line("a\u{2028}b\u{85}c"), "a\\u{2028}b\\u{85}c");
    }

    #[test]
    fn a_line_cannot_start_a_workflow_command() {
        assert_eq!(line("::stop-commands::x"), "\\::stop-commands::x");
        assert_eq!(line("  \u{a0}::error::x"), "  \u{a0}\\::error::x");
        assert_eq!(line("title\n::error::x"), "title\\n::error::x");
        // Mid-line `::` is not a command and stays as written.
        assert_eq!(line("a::b"), "a::b");
        assert_eq!(line(":one colon"), ":one colon");
        // A lone colon is escaped: the caller may write `: ...` after it.
        assert_eq!(line(":"), "\\:");
        assert_eq!(line("  :"), "  \\:");
        assert_eq!(format!("{}: from", line(":")), "\\:: from");
    }

    #[test]
    fn legacy_commands_anywhere_are_broken() {
        assert_eq!(line("x ##[error]y"), "x ##\\[error]y");
        assert_eq!(
            line("x ##vso[task.setvariable]"),
            "x ##vso\\[task.setvariable]"
        );
        assert_eq!(line("x ##VSO[task]"), "x ##VSO\\[task]");
        assert_eq!(line("# [x] ## x"), "# [x] ## x");
        // Text that ends in `##` cannot meet a `[` written after it.
        assert_eq!(format!("{}[error]", line("x ##")), "x #\\#[error]");
    }

    #[test]
    fn pieces_cannot_assemble_a_command() {
        let mut out = String::from("  ");
        push_line(&mut out, ":");
        push_line(&mut out, ":error::x");
        assert_eq!(out, "  \\::error::x");
        let mut out = String::from("12 | #");
        push_line(&mut out, "#");
        push_line(&mut out, "[error]");
        assert_eq!(out, "12 | #\\#[error]");
        let mut out = String::from("done\n");
        push_line(&mut out, "::x");
        assert_eq!(out, "done\n\\::x");
    }
}
