//! The alliance document: a file read into front matter, sections and items,
//! each with the byte span it came from.
//!
//! This module owns reading a file's text into structure. It accepts
//! anything (a binary file, a CRLF file with a BOM, a file with no front
//! matter) and records what it found, problems included, as data: deciding
//! whether that is an error is `check`'s job. It never prints and never
//! touches the file system.

pub mod dates;

mod front_matter;
mod markdown;
pub mod vocabulary;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use front_matter::{
    ConsentEntry, DateField, FrontMatter, Party, Reader, ReviewEntry, ReviewPlan, Status, Text,
};
pub use markdown::{Field, Heading, Item, Prompt, Section, inline_fields};
pub use vocabulary::{normalize_heading, owners};

/// The largest document `alliance` parses, in bytes. Parsing costs up to
/// about 175 times a document's size in memory for the worst Markdown
/// shapes (pulldown-cmark keeps a node per line of a paragraph), so this cap
/// keeps one document within a budget of 256 MB; YAML is held to
/// [`yaml::MAX_NODES`] as well. Real agreements are under 50 KB.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// A byte range in a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The span's text in `text`, or nothing if it falls outside it.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// `text` cut to at most `max` characters, with `…` where it was cut, for
/// quoting a value from a file in a one-line message.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// `text` on one line: line breaks and other control characters written
/// as escapes (`\n`, `\u{1}`), tabs kept. For messages that quote a
/// file's text, so that what a file says can never break a message in two.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            c if c.is_control() => out.extend(c.escape_debug()),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Byte offsets of line starts, to turn a byte into a line and column, and
/// a (line, character column) position back into a byte.
///
/// Built once per text with `memchr`. Columns count characters; for ASCII
/// text a character is a byte, and for other text a table of character
/// counts every [`CHECKPOINT`] bytes keeps each look-up constant-time, so
/// locating every node on a 1 MB line costs the same as on a short one.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before each multiple of [`CHECKPOINT`] bytes; empty when
    /// the text is ASCII.
    chars_at: Vec<usize>,
}

/// Bytes between two entries of the character-count table.
const CHECKPOINT: usize = 64;

impl LineIndex {
    /// Index the lines of `text` (LF or CRLF).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let chars_at = if bytes.is_ascii() {
            Vec::new()
        } else {
            let mut table = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
            let mut count = 0;
            for block in bytes.chunks(CHECKPOINT) {
                table.push(count);
                count += block.iter().filter(|&&b| !is_continuation(b)).count();
            }
            table.push(count);
            table
        };
        LineIndex { starts, chars_at }
    }

    /// The 1-based line and 1-based column (in characters) of byte `at` of
    /// `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, at: usize) -> (usize, usize) {
        let at = at.min(text.len());
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts[line - 1];
        let col = self.chars_before(text, at) - self.chars_before(text, start);
        (line, col + 1)
    }

    /// The byte range of line `line` (1-based) without its line ending.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let mut end = self.starts.get(line).map(|e| e - 1).unwrap_or(text.len());
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// How many characters the `span` of `text` holds.
    pub fn chars_in(&self, text: &str, span: Span) -> usize {
        let end = span.end.min(text.len());
        let start = span.start.min(end);
        self.chars_before(text, end) - self.chars_before(text, start)
    }

    /// The 1-based line that byte `at` is on.
    pub fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).max(1)
    }

    fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// How many characters of `text` come before byte `at`.
    fn chars_before(&self, text: &str, at: usize) -> usize {
        if self.chars_at.is_empty() {
            return at;
        }
        let block = at / CHECKPOINT;
        let from = block * CHECKPOINT;
        let counted = self.chars_at.get(block).copied().unwrap_or(0);
        let rest = text.as_bytes().get(from..at).unwrap_or(&[]);
        counted + rest.iter().filter(|&&b| !is_continuation(b)).count()
    }

    /// The byte `chars` characters after byte `from` of `text`, or the end
    /// of the text.
    fn advance_chars(&self, text: &str, from: usize, chars: usize) -> usize {
        if self.chars_at.is_empty() {
            return from.saturating_add(chars).min(text.len());
        }
        let target = self.chars_before(text, from) + chars;
        // The last checkpoint at or before the target character, then at
        // most one block of bytes.
        let block = self
            .chars_at
            .partition_point(|&c| c <= target)
            .saturating_sub(1);
        let mut at = (block * CHECKPOINT).max(from);
        let mut count = self.chars_before(text, at);
        let bytes = text.as_bytes();
        while at < bytes.len() {
            if !is_continuation(bytes[at]) {
                if count == target {
                    return at;
                }
                count += 1;
            }
            at += 1;
        }
        text.len()
    }

    /// The byte of `text` (the text this index was built from) at a
    /// 1-based `line` and 0-based character column `col`, as YAML markers
    /// count. A column past the line's end runs on into the next lines, and
    /// everything is clamped to the text.
    pub fn byte_at(&self, text: &str, line: usize, col: usize) -> usize {
        let line = line.clamp(1, self.line_count());
        self.advance_chars(text, self.starts[line - 1], col)
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// How the file ends its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    /// `\n`
    Lf,
    /// `\r\n`
    Crlf,
}

impl LineEnding {
    /// The line ending's bytes.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::Crlf => "\r\n",
        }
    }

    /// The line ending the text mostly uses (LF when it has none).
    pub fn detect(text: &str) -> Self {
        match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => LineEnding::Crlf,
            _ => LineEnding::Lf,
        }
    }
}

/// What was found at the top of the file where front matter would be.
#[derive(Debug, Clone)]
pub enum FrontMatterBlock {
    /// The file does not start with `---`.
    Missing,
    /// A `---` line opens the block but no `---` line closes it.
    Unclosed {
        /// The opening line.
        open: Span,
    },
    /// The block is there but is not valid YAML.
    Invalid {
        /// The whole block, fences included.
        block: Span,
        /// What the YAML parser said.
        error: yaml::YamlError,
    },
    /// The block is YAML but not a mapping (`- a list`, or a bare word).
    NotMapping {
        /// The whole block, fences included.
        block: Span,
        /// The YAML that was there.
        root: yaml::Node,
    },
    /// A YAML mapping.
    Mapping {
        /// The whole block, fences included.
        block: Span,
        /// The YAML text between the fences.
        inner: Span,
        /// The mapping.
        root: yaml::Node,
        /// The typed fields read from it.
        fields: Box<FrontMatter>,
    },
}

/// Why a file's bytes are not a text document.
#[derive(Debug, Clone, PartialEq)]
pub enum NotText {
    /// The bytes hold NUL characters: a binary file.
    Binary,
    /// The bytes are text in another Unicode encoding (UTF-16 or UTF-32),
    /// known by its byte order mark or its pattern of NUL bytes.
    OtherUnicode {
        /// `UTF-16LE`, `UTF-16BE`, `UTF-32LE` or `UTF-32BE`.
        encoding: &'static str,
    },
    /// The bytes are not UTF-8; `at` is the first bad byte.
    InvalidUtf8 {
        /// Offset of the first byte that is not UTF-8.
        at: usize,
    },
}

/// A parsed alliance document (or a Markdown file that wants to be one).
#[derive(Debug, Clone)]
pub struct Alliance {
    /// The path the file was read from, as the user named it.
    pub path: PathBuf,
    /// The file's text, BOM included.
    pub text: String,
    /// Line starts of `text`.
    pub lines: LineIndex,
    /// Whether the text starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// The line ending of the file.
    pub line_ending: LineEnding,
    /// The front matter block.
    pub front: FrontMatterBlock,
    /// Where the Markdown body starts.
    pub body_start: usize,
    /// The first `#` heading, when it comes before the first section.
    pub title: Option<Heading>,
    /// The `##` sections of the body, in order.
    pub sections: Vec<Section>,
}

/// A file that could not be read as a text document at all.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// The path.
    pub path: PathBuf,
    /// Why.
    pub reason: NotText,
}

impl Alliance {
    /// Parse `bytes` read from `path`. Fails only when the bytes are not
    /// UTF-8 text; every other problem is recorded in the result.
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Alliance, Unreadable> {
        let unreadable = |reason| Unreadable {
            path: path.to_path_buf(),
            reason,
        };
        let probe = &bytes[..bytes.len().min(8192)];
        if let Some(encoding) = other_unicode(probe) {
            return Err(unreadable(NotText::OtherUnicode { encoding }));
        }
        // A NUL byte anywhere is binary, whatever else is wrong with it
        // (one vectorised pass over the bytes).
        if memchr::memchr(0, &bytes).is_some() {
            return Err(unreadable(NotText::Binary));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            unreadable(NotText::InvalidUtf8 {
                at: e.utf8_error().valid_up_to(),
            })
        })?;
        Ok(Alliance::parse_text(path, text))
    }

    /// Parse a document already known to be text.
    pub fn parse_text(path: &Path, text: String) -> Alliance {
        let mut doc = Alliance::parse_front_matter(path, text);
        let body = markdown::parse_body(&doc.text, doc.body_start);
        doc.title = body.title;
        doc.sections = body.sections;
        doc
    }

    /// Read only the front matter of `text`, for callers that need nothing
    /// of the body (an old version's `consent:` list): the body's sections
    /// are left empty, at a fraction of a whole parse's cost.
    pub fn parse_front_matter(path: &Path, text: String) -> Alliance {
        let lines = LineIndex::new(&text);
        let bom = text.starts_with('\u{feff}');
        let line_ending = LineEnding::detect(&text);
        let start = if bom { '\u{feff}'.len_utf8() } else { 0 };
        let (front, body_start) = read_front_matter(&text, &lines, start);
        Alliance {
            path: path.to_path_buf(),
            text,
            lines,
            bom,
            line_ending,
            front,
            body_start,
            title: None,
            sections: Vec::new(),
        }
    }

    /// The typed front matter, when the file has a front-matter mapping.
    pub fn fields(&self) -> Option<&FrontMatter> {
        match &self.front {
            FrontMatterBlock::Mapping { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// The front matter's YAML mapping.
    pub fn front_root(&self) -> Option<&yaml::Node> {
        match &self.front {
            FrontMatterBlock::Mapping { root, .. } => Some(root),
            _ => None,
        }
    }

    /// Whether the front matter names a kind (`alliance:`).
    pub fn declares_kind(&self) -> bool {
        self.fields().is_some_and(|f| f.kind.is_some())
    }

    /// The line ending an edit at byte `at` writes: that of the line that
    /// holds `at` (the first line break from there), else the document's.
    /// A file of mixed line endings keeps each line's own.
    pub fn line_ending_at(&self, at: usize) -> &'static str {
        let bytes = self.text.as_bytes();
        match bytes.get(at..).and_then(|rest| memchr::memchr(b'\n', rest)) {
            Some(i) if at + i > 0 && bytes[at + i - 1] == b'\r' => "\r\n",
            Some(_) => "\n",
            None => self.line_ending.as_str(),
        }
    }

    /// Whether the file ends its lines with a lone carriage return (classic
    /// Mac OS), which Markdown and YAML read as one long line here: its
    /// first line break is a CR not followed by LF.
    pub fn cr_only_line_endings(&self) -> bool {
        let bytes = self.text.as_bytes();
        match memchr::memchr2(b'\r', b'\n', bytes) {
            Some(i) => bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'),
            None => false,
        }
    }

    /// The 1-based line and column of byte `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, at)
    }

    /// The text between the front matter and the first `##` heading, with
    /// the title heading taken out: what a document says before its
    /// sections (compared by `diff`, agreed to by consent).
    pub fn preamble(&self) -> String {
        let first = self
            .sections
            .first()
            .map_or(self.text.len(), |s| s.span.start);
        let mut preamble = self
            .text
            .get(self.body_start..first)
            .unwrap_or("")
            .to_owned();
        if let Some(title) = &self.title {
            if title.span.start >= self.body_start && title.span.end <= first {
                let (a, b) = (
                    title.span.start - self.body_start,
                    title.span.end - self.body_start,
                );
                if preamble.is_char_boundary(a) && preamble.is_char_boundary(b) {
                    preamble.replace_range(a..b, "");
                }
            }
        }
        preamble
    }

    /// A section's prose: its text outside its top-level items (each run
    /// of it on a line of its own), as written.
    pub fn section_prose(&self, section: &Section) -> String {
        let mut prose = String::new();
        let mut at = section.heading.span.end;
        let mut tops: Vec<&Item> = section.items.iter().filter(|i| i.depth == 0).collect();
        tops.sort_by_key(|i| i.span.start);
        for item in tops {
            if item.span.start > at {
                prose.push_str(self.text.get(at..item.span.start).unwrap_or(""));
                prose.push('\n');
            }
            at = at.max(item.span.end);
        }
        if section.span.end > at {
            prose.push_str(self.text.get(at..section.span.end).unwrap_or(""));
        }
        prose
    }

    /// The title: front matter `title`, else the first heading.
    pub fn display_title(&self) -> Option<&str> {
        self.fields()
            .and_then(|f| f.title.as_ref().map(|t| t.value.as_str()))
            .or_else(|| self.title.as_ref().map(|h| h.text.as_str()))
    }

    /// Every item of every section, with the section it is in.
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }
}

/// The encoding of text in UTF-16 or UTF-32: by its byte order mark, or,
/// without one, by ASCII characters that each come with NUL bytes on the
/// same side.
fn other_unicode(probe: &[u8]) -> Option<&'static str> {
    const MARKS: [(&[u8], &str); 4] = [
        (&[0xFF, 0xFE, 0, 0], "UTF-32LE"),
        (&[0, 0, 0xFE, 0xFF], "UTF-32BE"),
        (&[0xFF, 0xFE], "UTF-16LE"),
        (&[0xFE, 0xFF], "UTF-16BE"),
    ];
    if let Some((_, name)) = MARKS.iter().find(|(mark, _)| probe.starts_with(mark)) {
        return Some(name);
    }
    let units = &probe[..probe.len() - probe.len() % 4];
    if units.len() < 4 {
        return None;
    }
    let all = |f: &dyn Fn(&[u8]) -> bool| units.chunks(4).all(f);
    let ascii = |b: u8| b != 0 && b.is_ascii();
    if all(&|u| ascii(u[0]) && u[1..] == [0, 0, 0]) {
        Some("UTF-32LE")
    } else if all(&|u| u[..3] == [0, 0, 0] && ascii(u[3])) {
        Some("UTF-32BE")
    } else if all(&|u| ascii(u[0]) && u[1] == 0 && ascii(u[2]) && u[3] == 0) {
        Some("UTF-16LE")
    } else if all(&|u| u[0] == 0 && ascii(u[1]) && u[2] == 0 && ascii(u[3])) {
        Some("UTF-16BE")
    } else {
        None
    }
}

/// Find the front matter block at `start` (just after any BOM) and return it
/// with the byte where the body starts.
fn read_front_matter(text: &str, lines: &LineIndex, start: usize) -> (FrontMatterBlock, usize) {
    let rest = &text[start..];
    let Some(first_len) = fence_line_len(rest, &["---"]) else {
        return (FrontMatterBlock::Missing, start);
    };
    let open = Span::new(start, start + rest[..first_len].trim_end().len());
    let inner_start = start + first_len;
    let mut at = inner_start;
    while at < text.len() {
        let line_rest = &text[at..];
        if let Some(len) = fence_line_len(line_rest, &["---", "..."]) {
            let inner = Span::new(inner_start, at);
            let block = Span::new(start, at + len);
            let body_start = at + len;
            let front = match parse_front_yaml(text, lines, inner) {
                Err(error) => FrontMatterBlock::Invalid { block, error },
                Ok(root) if matches!(root.value, yaml::Value::Map(_)) => {
                    let fields = Box::new(FrontMatter::read(&root));
                    FrontMatterBlock::Mapping {
                        block,
                        inner,
                        root,
                        fields,
                    }
                }
                Ok(root) => FrontMatterBlock::NotMapping { block, root },
            };
            return (front, body_start);
        }
        at = match memchr::memchr(b'\n', line_rest.as_bytes()) {
            Some(i) => at + i + 1,
            None => text.len(),
        };
    }
    (FrontMatterBlock::Unclosed { open }, start)
}

/// Parse the YAML between the fences. The block starts at a line start,
/// so YAML line `n` is line `n` after the opening fence in the whole file's
/// index: markers become bytes of the file without a second index.
fn parse_front_yaml(
    text: &str,
    lines: &LineIndex,
    inner: Span,
) -> Result<yaml::Node, yaml::YamlError> {
    let first_line = lines.line_of(inner.start);
    yaml::parse_located(inner.slice(text), &|line, col| {
        lines
            .byte_at(text, first_line + line.saturating_sub(1), col)
            .clamp(inner.start, inner.end)
    })
}

/// If `text` starts with a line that is exactly one of `fences` (trailing
/// spaces allowed), the length of that line including its line ending.
fn fence_line_len(text: &str, fences: &[&str]) -> Option<usize> {
    let line_end = memchr::memchr(b'\n', text.as_bytes()).map_or(text.len(), |i| i + 1);
    let line = text[..line_end].trim_end_matches(['\n', '\r']);
    let trimmed = line.trim_end_matches([' ', '\t']);
    fences.contains(&trimmed).then_some(line_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_text_stays_on_one_line() {
        assert_eq!(one_line("plain\ttext"), "plain\ttext");
        assert_eq!(one_line("k\r\n- x\u{1}\u{85}"), "k\\r\\n- x\\u{1}\\u{85}");
        assert!(!one_line("a\nb\u{2028}").contains('\n'));
    }

    fn parse(text: &str) -> Alliance {
        Alliance::parse_text(Path::new("t.md"), text.to_owned())
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nçd\r\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 2));
        assert_eq!(idx.line_col(text, 8), (3, 1));
        assert_eq!(idx.line_span(text, 2).slice(text), "çd");
    }

    #[test]
    fn front_matter_with_bom_and_crlf() {
        let doc = parse("\u{feff}---\r\nalliance: team\r\ntitle: T\r\n---\r\n# T\r\n");
        assert!(doc.bom);
        assert_eq!(doc.line_ending, LineEnding::Crlf);
        let fields = doc.fields().expect("front matter");
        assert_eq!(fields.kind.as_ref().map(|k| k.value.as_str()), Some("team"));
        let title = fields.title.as_ref().expect("title");
        assert_eq!(title.span.slice(&doc.text), "T");
    }

    #[test]
    fn unclosed_and_missing() {
        assert!(matches!(parse("# Hi\n").front, FrontMatterBlock::Missing));
        assert!(matches!(
            parse("---\na: 1\n").front,
            FrontMatterBlock::Unclosed { .. }
        ));
        assert!(matches!(
            parse("---\n- a\n---\n").front,
            FrontMatterBlock::NotMapping { .. }
        ));
        assert!(matches!(
            parse("---\na: [\n---\n").front,
            FrontMatterBlock::Invalid { .. }
        ));
    }

    #[test]
    fn positions_agree_with_counting_characters() {
        let alphabet = ['a', 'é', '\n', '€', ' ', '\r', '😀'];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for round in 0..300 {
            let len = 1 + round % 200;
            let mut text = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let index = LineIndex::new(&text);
            for (at, _) in text.char_indices() {
                let line = text[..at].matches('\n').count() + 1;
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let col = text[start..at].chars().count();
                assert_eq!(index.line_col(&text, at), (line, col + 1), "{text:?} {at}");
                assert_eq!(index.byte_at(&text, line, col), at, "{text:?} {at}");
            }
            assert_eq!(
                index.byte_at(&text, 1, text.chars().count() + 5),
                text.len()
            );
        }
    }
}
