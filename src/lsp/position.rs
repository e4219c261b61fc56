//! Positions: `check`'s lines and columns (1-based, columns in
//! characters) and the document model's byte spans, as LSP positions
//! (0-based, columns in UTF-16 code units), and back.

use lsp_types::{Position, Range};

use crate::check::Location;
use crate::document::{LineIndex, Span};

/// A text and the index of its lines, to convert positions in it.
pub struct Lines<'t> {
    text: &'t str,
    index: LineIndex,
}

impl<'t> Lines<'t> {
    /// Index `text`.
    pub fn new(text: &'t str) -> Self {
        Lines {
            text,
            index: LineIndex::new(text),
        }
    }

    /// The text of 1-based `line` without its line ending.
    fn line(&self, line: usize) -> &'t str {
        self.index.line_span(self.text, line).slice(self.text)
    }

    /// The position of 1-based `line` and 1-based character `column`.
    fn at_char(&self, line: usize, column: usize) -> Position {
        let units: usize = self
            .line(line)
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf16)
            .sum();
        position(line.saturating_sub(1), units)
    }

    /// The range a finding's location points at.
    pub fn location(&self, at: &Location) -> Range {
        Range::new(
            self.at_char(at.line, at.column),
            self.at_char(at.end_line, at.end_column),
        )
    }

    /// The position of byte `at`.
    pub fn at_byte(&self, at: usize) -> Position {
        let at = at.min(self.text.len());
        let line = self.index.line_of(at);
        let start = self.index.line_span(self.text, line).start;
        let before = self.text.get(start..at).unwrap_or("");
        position(line - 1, before.encode_utf16().count())
    }

    /// The range of byte span `span`.
    pub fn span(&self, span: Span) -> Range {
        Range::new(self.at_byte(span.start), self.at_byte(span.end))
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
    fn a_position_past_the_end_is_clamped() {
        let lines = Lines::new("ab");
        assert_eq!(lines.at_byte(99), Position::new(0, 2));
    }
}
