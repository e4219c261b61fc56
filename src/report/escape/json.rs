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
    let inert = Inert {
        inner: out,
        tail: [0; 5],
        len: 0,
    };
    // serde_json writes pretty JSON a few bytes at a time (a quote, an
    // indent): gathered first, so the command check runs over large pieces.
    let mut buffered = io::BufWriter::with_capacity(64 * 1024, inert);
    serde_json::to_writer_pretty(&mut buffered, value).map_err(io::Error::from)?;
    buffered.flush()
}

/// A writer that passes bytes through, but `[` after `##`/`##vso`.
struct Inert<'a> {
    inner: &'a mut dyn Write,
    /// The last bytes written (up to five), to see `##` across writes.
    tail: [u8; 5],
    /// How many of `tail` are filled.
    len: usize,
}

impl Inert<'_> {
    /// Whether the bytes before `buf[at]` (this write's, after the ones
    /// written before it) open a runner command.
    fn opens_at(&self, buf: &[u8], at: usize) -> bool {
        let mine = &buf[at.saturating_sub(5)..at];
        let mut before = [0u8; 5];
        let earlier = (5 - mine.len()).min(self.len);
        before[..earlier].copy_from_slice(&self.tail[self.len - earlier..self.len]);
        before[earlier..earlier + mine.len()].copy_from_slice(mine);
        opens_command(&before[..earlier + mine.len()])
    }

    /// Keep the last five bytes of what was written so far.
    fn remember(&mut self, buf: &[u8]) {
        if buf.len() >= 5 {
            self.tail.copy_from_slice(&buf[buf.len() - 5..]);
            self.len = 5;
            return;
        }
        let keep = (5 - buf.len()).min(self.len);
        self.tail.copy_within(self.len - keep..self.len, 0);
        self.tail[keep..keep + buf.len()].copy_from_slice(buf);
        self.len = keep + buf.len();
    }
}

impl Write for Inert<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut from = 0;
        for i in memchr::memchr_iter(b'[', buf) {
            if self.opens_at(buf, i) {
                self.inner.write_all(&buf[from..i])?;
                self.inner.write_all(b"\\u005b")?;
                from = i + 1;
            }
        }
        self.inner.write_all(&buf[from..])?;
        self.remember(buf);
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

    #[test]
    fn a_command_split_across_writes_is_still_seen() {
        // serde_json writes a string in pieces: `#`, `#` and `[` may come
        // in three writes.
        for pieces in [
            &["#", "#", "[x"][..],
            &["a#", "#[x"][..],
            &["##v", "so", "[x"][..],
            &["x##VSO", "[x"][..],
        ] {
            let mut out = Vec::new();
            let mut inert = Inert {
                inner: &mut out,
                tail: [0; 5],
                len: 0,
            };
            for piece in pieces {
                inert.write_all(piece.as_bytes()).expect("write");
            }
            let text = String::from_utf8(out).expect("UTF-8");
            assert!(text.ends_with("\\u005bx"), "{pieces:?}: {text}");
        }
        let mut out = Vec::new();
        let mut inert = Inert {
            inner: &mut out,
            tail: [0; 5],
            len: 0,
        };
        inert.write_all(b"# [ok] #").expect("write");
        inert.write_all(b"[ok]").expect("write");
        assert_eq!(out, b"# [ok] #[ok]");
    }
}
