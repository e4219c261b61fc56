//! Positions: `check`'s lines and columns (1-based, columns in
//! characters) and the document model's byte spans, as LSP positions
//! (0-based, columns in UTF-16 code units), and back.
//!
//! LSP counts a lone CR as a line break, as editors do; the document model
//! reads a file of CR-only line endings as one long line (and `check`
//! says so). Positions go through the byte they name, so both agree on
//! where a finding is.

use lsp_types::{Position, Range};

use crate::check::Location;
use crate::document::{LineIndex, Span};

/// A text and the index of its lines, to convert positions in it.
pub struct Lines<'t> {
    text: &'t str,
    /// The document model's lines (LF and CRLF), as `check` counts them.
    index: LineIndex,
    /// Where each line starts as LSP counts lines (LF, CRLF or CR).
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    /// Index `text`.
    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n') {
                starts.push(at + 1);
            }
        }
        Lines {
            text,
            index: LineIndex::new(text),
            starts,
        }
    }

    /// The byte of `check`'s 1-based `line` and 1-based character
    /// `column`, kept within the line.
    fn byte_of(&self, line: usize, column: usize) -> usize {
        let span = self.index.line_span(self.text, line);
        let on_line = span.slice(self.text);
        span.start
            + on_line
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(on_line.len(), |(i, _)| i)
    }

    /// The range a finding's location points at.
    pub fn location(&self, at: &Location) -> Range {
        Range::new(
            self.at_byte(self.byte_of(at.line, at.column)),
            self.at_byte(self.byte_of(at.end_line, at.end_column)),
        )
    }

    /// The LSP line (0-based) of byte `at` and where it starts.
    fn lsp_line(&self, at: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at).max(1) - 1;
        (line, self.starts[line])
    }

    /// The position of byte `at`.
    pub fn at_byte(&self, at: usize) -> Position {
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let (line, start) = self.lsp_line(at);
        let before = self.text.get(start..at).unwrap_or("");
        position(line, before.encode_utf16().count())
    }

    /// The range of byte span `span`.
    pub fn span(&self, span: Span) -> Range {
        Range::new(self.at_byte(span.start), self.at_byte(span.end))
    }

    /// The byte at LSP position `at`, kept within its line (and the text).
    pub fn byte_at(&self, at: Position) -> usize {
        let line = (at.line as usize).min(self.starts.len() - 1);
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let on_line = self.text[start..end].trim_end_matches(['\r', '\n']);
        let mut units = 0;
        for (i, c) in on_line.char_indices() {
            if units >= at.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + on_line.len()
    }

    /// The text of the LSP line holding byte `at`, up to `at`.
    pub fn line_before(&self, at: usize) -> &'t str {
        let (_, start) = self.lsp_line(at);
        self.text.get(start..at).unwrap_or("")
    }
}

fn position(line: usize, character: usize) -> Position {
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

/// Whether `at` falls in `range` (its end included, so a cursor just after
/// a one-character span still finds it).
pub fn contains(range: &Range, at: Position) -> bool {
    range.start <= at && at <= range.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_code_units() {
        // `é` is one unit, the emoji two.
        let lines = Lines::new("a\r\néx🎉y\n");
        let at = Location {
            line: 2,
            column: 3,
            end_line: 2,
            end_column: 5,
            excerpt: String::new(),
            cut_before: false,
            cut_after: false,
            underline: 0..0,
        };
        let range = lines.location(&at);
        assert_eq!(range.start, Position::new(1, 2));
        assert_eq!(range.end, Position::new(1, 5));
        let y = "a\r\néx🎉".len();
        assert_eq!(lines.at_byte(y), Position::new(1, 4));
    }

    #[test]
    fn a_lone_cr_ends_a_line_as_editors_count_lines() {
        // `check` reads this as one line; an editor shows three.
        let text = "a\rbc\r\nd";
        let lines = Lines::new(text);
        assert_eq!(lines.at_byte(3), Position::new(1, 1));
        assert_eq!(lines.at_byte(text.len()), Position::new(2, 1));
        assert_eq!(lines.byte_at(Position::new(1, 1)), 3);
        assert_eq!(lines.byte_at(Position::new(1, 9)), 4);
        let at = Location {
            line: 1,
            column: 4,
            end_line: 1,
            end_column: 5,
            excerpt: String::new(),
            cut_before: false,
            cut_after: false,
            underline: 0..0,
        };
        assert_eq!(lines.location(&at).start, Position::new(1, 1));
    }

    #[test]
    fn a_position_past_the_end_is_clamped() {
        let lines = Lines::new("ab");
        assert_eq!(lines.at_byte(99), Position::new(0, 2));
    }

    #[test]
    fn any_position_a_client_sends_is_a_character_boundary_of_the_text() {
        let far = Position::new(u32::MAX, u32::MAX);
        for text in ["", "\r", "\r\r\n", "a\rb", "é🎉\r\n", "x\n🎉"] {
            let lines = Lines::new(text);
            assert_eq!(lines.byte_at(far), text.len(), "{text:?}");
            for line in 0..4 {
                for character in 0..5 {
                    let at = lines.byte_at(Position::new(line, character));
                    assert!(text.is_char_boundary(at), "{text:?} {line}:{character}");
                    // And back: the same line, never past it.
                    assert!(
                        lines.at_byte(at).line <= line,
                        "{text:?} {line}:{character}"
                    );
                }
            }
        }
        // Inside the emoji's surrogate pair: the character after it.
        let lines = Lines::new("a🎉b");
        assert_eq!(lines.byte_at(Position::new(0, 2)), "a🎉".len());
    }
}
