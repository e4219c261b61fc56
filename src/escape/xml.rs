//! Document text in XML (JUnit reports): text content and attribute values.

/// Escape text for XML content and attribute values. Characters XML 1.0
/// cannot hold at all (most C0 controls, U+FFFE, U+FFFF) are written as
/// `\u{..}`; tabs and line breaks in attributes as character references.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // `[` after `##` / `##vso`: a runner command, if the report is
            // printed into a CI log.
            '[' if out.ends_with("##")
                || (out.len() >= 5
                    && out.as_bytes()[out.len() - 5..].eq_ignore_ascii_case(b"##vso")) =>
            {
                out.push_str("&#91;");
            }
            '\t' | '\n' | '\r' => {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.extend(c.escape_default());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(text("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&apos;");
        assert_eq!(text("x\u{1b}y\u{0}"), "x\\u{1b}y\\u{0}");
        assert_eq!(text("]]></failure><x>"), "]]&gt;&lt;/failure&gt;&lt;x&gt;");
        assert_eq!(text("a\nb"), "a&#10;b");
        assert_eq!(text("##[error]x [y]"), "##&#91;error]x [y]");
    }
}
