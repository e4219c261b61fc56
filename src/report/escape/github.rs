//! Document text inside a GitHub Actions workflow command
//! (`::error file=PROPERTY,title=PROPERTY::DATA`), escaped the way the
//! runner unescapes it, so a message is one command and nothing more.

/// Escape a workflow command's message: `%`, CR and LF are encoded, and
/// other control characters are written as `\u{..}` so nothing reaches the
/// log raw.
pub fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.extend(c.escape_default()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_stays_one_command() {
        assert_eq!(data("50%\n::error::x\r"), "50%25%0A::error::x%0D");
        assert_eq!(data("a\u{1b}b"), "a\\u{1b}b");
    }

    #[test]
    fn a_property_cannot_add_properties() {
        assert_eq!(property("a,line=1::b"), "a%2Cline=1%3A%3Ab");
    }
}
