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

/// A pretty JSON object written a field at a time, and one array of it an
/// element at a time: the bytes are those [`write_pretty`] writes for the
/// whole object, so a report of any size can be written without holding
/// it. Field names are the caller's own (never document text).
pub struct Pretty<'a> {
    out: &'a mut dyn Write,
    /// How many fields are written.
    fields: usize,
    /// In an open array: whether it is still empty.
    array: Option<bool>,
}

impl<'a> Pretty<'a> {
    /// Open the object.
    pub fn start(out: &'a mut dyn Write) -> io::Result<Pretty<'a>> {
        out.write_all(b"{")?;
        Ok(Pretty {
            out,
            fields: 0,
            array: None,
        })
    }

    /// One field, `"key": value`.
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> io::Result<()> {
        self.key(key)?;
        indented(self.out, value, b"\n  ")
    }

    /// Open an array field; [`Pretty::item`] adds to it.
    pub fn open_array(&mut self, key: &str) -> io::Result<()> {
        self.key(key)?;
        self.out.write_all(b"[")?;
        self.array = Some(true);
        Ok(())
    }

    /// One element of the open array.
    pub fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        let first = self.array.replace(false).unwrap_or(true);
        self.out
            .write_all(if first { b"\n    " } else { b",\n    " })?;
        indented(self.out, value, b"\n    ")
    }

    /// Close the open array.
    pub fn close_array(&mut self) -> io::Result<()> {
        if self.array.take() == Some(false) {
            self.out.write_all(b"\n  ")?;
        }
        self.out.write_all(b"]")
    }

    /// Close the object and end its line, as every report ends.
    pub fn end(self) -> io::Result<()> {
        self.out
            .write_all(if self.fields > 0 { b"\n}\n" } else { b"}\n" })
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        debug_assert!(self.array.is_none(), "a field inside an open array");
        self.out
            .write_all(if self.fields == 0 { b"\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *self.out, key).map_err(io::Error::from)?;
        self.out.write_all(b": ")?;
        self.fields += 1;
        Ok(())
    }
}

/// `value` as pretty JSON with every line after the first indented: JSON
/// strings hold no raw line break, so every one is the printer's.
fn indented<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    newline: &[u8],
) -> io::Result<()> {
    let mut text = Vec::new();
    write_pretty(&mut text, value)?;
    let mut from = 0;
    for at in memchr::memchr_iter(b'\n', &text) {
        out.write_all(&text[from..at])?;
        out.write_all(newline)?;
        from = at + 1;
    }
    out.write_all(&text[from..])
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
    fn written_a_field_at_a_time_is_byte_for_byte_the_whole() {
        let items = [
            serde_json::json!({"a": [1, {"b": "x\ny"}], "c": {}}),
            serde_json::json!("##[error] no"),
        ];
        for n in [0, 1, 2] {
            let whole = serde_json::json!({
                "version": 1,
                "list": items[..n],
                "empty": [],
                "summary": {"n": n},
            });
            let mut streamed = Vec::new();
            let mut object = Pretty::start(&mut streamed).expect("write");
            object.field("version", &1).expect("write");
            object.open_array("list").expect("write");
            for item in &items[..n] {
                object.item(item).expect("write");
            }
            object.close_array().expect("write");
            object.open_array("empty").expect("write");
            object.close_array().expect("write");
            object
                .field("summary", &serde_json::json!({"n": n}))
                .expect("write");
            object.end().expect("write");
            assert_eq!(
                String::from_utf8(streamed).expect("UTF-8"),
                pretty(&whole) + "\n"
            );
        }
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
