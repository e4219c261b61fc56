//! JSON output (`--format json`, SARIF, Code Quality, `list`/`kinds`/`log`
//! exports). `serde_json` escapes for JSON; this module keeps a JSON
//! document printed straight into a CI log from carrying a runner command.
//!
//! Pretty JSON never starts a line with `::` (every line starts with
//! blanks and a quote, a bracket, a brace or a digit), but the GitHub
//! runner's older syntax (`##[error]...`) and Azure Pipelines' (`##vso[`)
//! are read anywhere on a line, and a string value can hold them. `#`
//! never appears in JSON outside a string, so writing such a `[` as the
//! JSON escape `\u005b` keeps the document the same JSON value.

use std::io::{self, Write};

use serde::Serialize;

/// Write `value` as pretty JSON to `out`, with `[` after `##` or `##vso`
/// written as `\u005b`.
pub fn write_pretty<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut inert = Inert {
        inner: out,
        tail: Vec::with_capacity(8),
    };
    serde_json::to_writer_pretty(&mut inert, value).map_err(io::Error::from)
}

/// A writer that passes bytes through, but `[` after `##`/`##vso`.
struct Inert<'a> {
    inner: &'a mut dyn Write,
    /// The last few bytes written, to see `##` across writes.
    tail: Vec<u8>,
}

impl Write for Inert<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut from = 0;
        for (i, &b) in buf.iter().enumerate() {
            if b == b'[' && opens_command(&self.tail) {
                self.inner.write_all(&buf[from..i])?;
                self.inner.write_all(b"\\u005b")?;
                from = i + 1;
            }
            self.tail.push(b);
            if self.tail.len() > 5 {
                self.tail.remove(0);
            }
        }
        self.inner.write_all(&buf[from..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn opens_command(tail: &[u8]) -> bool {
    tail.ends_with(b"##")
        || (tail.len() >= 5 && tail[tail.len() - 5..].eq_ignore_ascii_case(b"##vso"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_pretty(&mut out, value).expect("a Vec takes any write");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn commands_in_strings_are_escaped_and_the_value_is_the_same() {
        let value = serde_json::json!({
            "title": "##[error]pwned ##VSO[task.setvariable] [ok] # [ok]",
            "list": [1, 2],
        });
        let text = pretty(&value);
        assert!(!text.contains("##["), "{text}");
        assert!(!text.to_ascii_lowercase().contains("##vso["), "{text}");
        assert!(text.contains("##\\u005berror]"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
    }
}
