//! Framing: one JSON-RPC message at a time from the client's stream
//! (`Content-Length` headers, a blank line, the body), every length
//! bounded, so a hostile or broken client can neither exhaust memory nor
//! stop the server. It owns no meaning: the body is handed on as bytes.

use std::io::{self, BufRead, Read};

/// The largest message body read: a buffer of the largest document
/// `check` reads, sent as JSON with every byte escaped (`\u0000` is six),
/// fits with room to spare. A larger body is read past and dropped.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024 * 1024;

/// The longest header line kept; the rest of a longer line is read past.
const MAX_HEADER_LINE: usize = 1024;

/// What the next message on the stream is.
#[derive(Debug)]
pub enum Frame {
    /// A message's body.
    Body(Vec<u8>),
    /// A message that could not be taken (malformed headers, a body too
    /// large): read past, and why.
    Skipped(String),
    /// The client closed the stream.
    End,
}

/// Read the next message from `input`.
pub fn read(input: &mut dyn BufRead) -> io::Result<Frame> {
    let mut length = None;
    let mut any = false;
    loop {
        let Some(line) = header_line(input)? else {
            return Ok(Frame::End);
        };
        if line.is_empty() {
            if any {
                break;
            }
            // Blank lines between messages are read past.
            continue;
        }
        any = true;
        if let Some(value) = content_length(&line) {
            length = Some(value);
        }
    }
    let Some(Some(length)) = length else {
        return Ok(Frame::Skipped(
            "a message without a valid Content-Length".into(),
        ));
    };
    body(input, length)
}

/// The body of `length` bytes, or a skip past it when it is too large.
fn body(input: &mut dyn BufRead, length: usize) -> io::Result<Frame> {
    if length > MAX_MESSAGE_BYTES {
        let skipped = io::copy(&mut input.take(length as u64), &mut io::sink())?;
        if skipped < length as u64 {
            return Ok(Frame::End);
        }
        return Ok(Frame::Skipped(format!(
            "a message of {length} bytes, more than the {MAX_MESSAGE_BYTES} read"
        )));
    }
    let mut body = Vec::new();
    input.take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(Frame::End);
    }
    Ok(Frame::Body(body))
}

/// The value of a `Content-Length` header on `line`, wherever it starts on
/// the line (a body without its length runs into the next headers):
/// `Some(None)` when the header is there but its value is not a number.
fn content_length(line: &str) -> Option<Option<usize>> {
    let lower = line.to_ascii_lowercase();
    let at = lower.rfind("content-length:")?;
    let value = line[at + "content-length:".len()..].trim();
    Some(value.parse().ok())
}

/// One header line without its line ending, at most [`MAX_HEADER_LINE`]
/// bytes of it; `None` at the end of the stream.
fn header_line(input: &mut dyn BufRead) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let read = input
        .take(MAX_HEADER_LINE as u64)
        .read_until(b'\n', &mut line)?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        // Too long: read past the rest of it, a bounded chunk at a time.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let n = input
                .take(MAX_HEADER_LINE as u64)
                .read_until(b'\n', &mut rest)?;
            if n == 0 || rest.last() == Some(&b'\n') {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&line);
    Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut input = io::Cursor::new(input.to_vec());
        let mut out = Vec::new();
        loop {
            match read(&mut input).expect("read") {
                Frame::Body(b) => out.push(String::from_utf8_lossy(&b).into_owned()),
                Frame::Skipped(why) => out.push(format!("skipped: {why}")),
                Frame::End => return out,
            }
        }
    }

    #[test]
    fn messages_are_read_one_by_one() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: 4\r\nContent-Type: x\r\n\r\nnull";
        assert_eq!(frames(input), ["{}", "null"]);
    }

    #[test]
    fn a_message_without_its_length_is_skipped_and_the_next_one_read() {
        let input = b"X-Nothing: 1\r\n\r\n{}Content-Length: 2\r\n\r\n[]";
        assert_eq!(
            frames(input),
            ["skipped: a message without a valid Content-Length", "[]"]
        );
    }

    #[test]
    fn a_huge_length_is_read_past_not_allocated() {
        let input = b"Content-Length: 99999999999\r\n\r\nabc";
        assert_eq!(frames(input), Vec::<String>::new());
        let mut big = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1).into_bytes();
        big.resize(big.len() + MAX_MESSAGE_BYTES + 1, b'x');
        big.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let read = frames(&big);
        assert_eq!(read.len(), 2);
        assert!(read[0].starts_with("skipped: a message of"), "{read:?}");
        assert_eq!(read[1], "{}");
    }

    #[test]
    fn an_endless_header_line_is_bounded() {
        let mut input = vec![b'a'; 100_000];
        input.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(frames(&input), ["{}"]);
    }
}
