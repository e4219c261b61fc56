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

pub use front_matter::{DateField, FrontMatter, Party, ReviewEntry, ReviewPlan, Status, Text};
pub use markdown::{Field, Heading, Item, Prompt, Section, inline_fields};
pub use vocabulary::{normalize_heading, owners};

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

/// Byte offsets of line starts, to turn a byte into a line and column.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index the lines of `text` (LF or CRLF).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line and 1-based column (in characters) of byte `at`.
    pub fn line_col(&self, text: &str, at: usize) -> (usize, usize) {
        let at = at.min(text.len());
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts[line - 1];
        let col = text
            .get(start..at)
            .map(|s| s.chars().count())
            .unwrap_or_else(|| at - start);
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

    fn line_count(&self) -> usize {
        self.starts.len()
    }
}

impl LineIndex {
    /// The byte of the whole file at a 1-based `line` and 0-based character
    /// column `col` of `text` (the text this index was built from), which
    /// starts at byte `base` of the file. YAML markers count this way.
    pub fn byte_at_in(&self, text: &str, line: usize, col: usize, base: usize) -> usize {
        let line = line.clamp(1, self.line_count());
        let start = self.starts[line - 1];
        let rest = text.get(start..).unwrap_or("");
        let offset = rest
            .char_indices()
            .nth(col)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        base + start + offset
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i)
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
        if probe.contains(&0) {
            return Err(unreadable(NotText::Binary));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            unreadable(NotText::InvalidUtf8 {
                at: e.utf8_error().valid_up_to(),
            })
        })?;
        if text.contains('\0') {
            return Err(unreadable(NotText::Binary));
        }
        Ok(Alliance::parse_text(path, text))
    }

    /// Parse a document already known to be text.
    pub fn parse_text(path: &Path, text: String) -> Alliance {
        let lines = LineIndex::new(&text);
        let bom = text.starts_with('\u{feff}');
        let line_ending = LineEnding::detect(&text);
        let start = if bom { '\u{feff}'.len_utf8() } else { 0 };
        let (front, body_start) = read_front_matter(&text, start);
        let body = markdown::parse_body(&text, body_start);
        Alliance {
            path: path.to_path_buf(),
            text,
            lines,
            bom,
            line_ending,
            front,
            body_start,
            title: body.title,
            sections: body.sections,
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

    /// The 1-based line and column of byte `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, at)
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

/// Find the front matter block at `start` (just after any BOM) and return it
/// with the byte where the body starts.
fn read_front_matter(text: &str, start: usize) -> (FrontMatterBlock, usize) {
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
            let yaml_text = inner.slice(text);
            let yaml_lines = LineIndex::new(yaml_text);
            let located = YamlLines {
                text: yaml_text,
                index: &yaml_lines,
            };
            let front = match located.parse(inner.start) {
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
        at = match line_rest.find('\n') {
            Some(i) => at + i + 1,
            None => text.len(),
        };
    }
    (FrontMatterBlock::Unclosed { open }, start)
}

/// The YAML text of the front matter with its own line index, so YAML
/// markers (line, character column) become bytes of the whole file.
struct YamlLines<'a> {
    text: &'a str,
    index: &'a LineIndex,
}

impl YamlLines<'_> {
    fn parse(&self, base: usize) -> Result<yaml::Node, yaml::YamlError> {
        yaml::parse_located(self.text, &|line, col| {
            self.index.byte_at_in(self.text, line, col, base)
        })
    }
}

/// If `text` starts with a line that is exactly one of `fences` (trailing
/// spaces allowed), the length of that line including its line ending.
fn fence_line_len(text: &str, fences: &[&str]) -> Option<usize> {
    let line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let line = text[..line_end].trim_end_matches(['\n', '\r']);
    let trimmed = line.trim_end_matches([' ', '\t']);
    fences.contains(&trimmed).then_some(line_end)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
