//! The splice engine every edit of a front matter goes through (`review`,
//! `agree`): a change is a list of splices (a span of the original text
//! and what replaces it), computed from the YAML tree's spans, so every
//! byte not named is kept; `apply` makes the new text and says what
//! changed where. *Must not* decide what to change (that is `review.rs`'s
//! and `agree.rs`'s) or write files.

use std::ops::RangeInclusive;

use jiff::civil::Date;

use crate::document::yaml::{Node, Value};
use crate::document::{Alliance, FrontMatterBlock, LineIndex, Span};

/// One change made, for the user: what, where (lines of the new file), from
/// what to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// What changed: `review.last`, `reviews`, `item on-time`.
    pub what: String,
    /// The lines of the new text that hold the change.
    pub lines: RangeInclusive<usize>,
    /// The old value, when one was replaced.
    pub old: Option<String>,
    /// The new value, or a description of what was added.
    pub new: String,
}

/// The new text of a document and what changed (nothing, when the review
/// was already recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    /// The whole new text.
    pub text: String,
    /// The changes, in file order.
    pub changes: Vec<Edit>,
}

/// Why an edit was refused. The file is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The front matter does not parse; the finding says why.
    #[error("{0}")]
    Unreadable(String),
    /// No usable cadence to move `review.next` by.
    #[error(
        "`review.every` is missing or not a cadence, so the next review cannot be set: add e.g. `every: 3 months` under `review:`"
    )]
    NoCadence,
    /// A part of the front matter is written in a shape this editor does not rewrite.
    #[error(
        "`{0}` is written in flow style (`{{...}}` or `[...]`); write it as a block to let `alliance review` edit it"
    )]
    FlowStyle(&'static str),
    /// A key holds the wrong kind of value.
    #[error("`{0}` is not {1}")]
    Shape(&'static str, &'static str),
    /// The review date is before the last review already recorded.
    #[error(
        "the last review is already recorded on {last}, after {date}: a review cannot be dated before the last one"
    )]
    BeforeLast {
        /// The date asked for.
        date: Date,
        /// `review.last` in the file.
        last: Date,
    },
    /// The next review would fall after the last date there is.
    #[error(
        "a review on {date} puts the next one past 9999-12-31, the last date alliance can write; check the --date"
    )]
    PastCalendar {
        /// The date asked for.
        date: Date,
    },
    /// The front matter uses YAML anchors or aliases.
    #[error(
        "the front matter uses a YAML anchor or alias (`&name` or `*name`), so one value stands for another and an edit could change keys other than `review`; write the values out in full to let `alliance review` edit them"
    )]
    Anchors,
    /// The celebration section ends inside a line, at a carriage return
    /// with no line feed after it: where the wins would go is a line break
    /// to Markdown but not to git or an editor.
    #[error(
        "the `## {heading}` section ends at a carriage return alone on line {line} (a line break to Markdown, not to git); end that line with a line feed to let `alliance review` list the wins"
    )]
    LoneCarriageReturn {
        /// The celebration section's heading.
        heading: String,
        /// The line (counted by line feeds) where it ends.
        line: usize,
    },
    /// No item has this id.
    #[error("no item has `[id:: {0}]`")]
    NoSuchItem(String),
    /// The edited text did not read back as intended (a bug; nothing written).
    #[error("the edited front matter did not read back as expected ({0}); nothing was written")]
    Verify(String),
}

/// The longest mapping key written in the implicit `key: value` form (YAML
/// allows 1024 characters; the margin covers quotes).
pub(super) const MAX_IMPLICIT_KEY: usize = 1000;

/// A splice: replace `span` with `text`.
pub(super) struct Splice {
    pub(super) span: Span,
    pub(super) text: String,
    pub(super) what: String,
    pub(super) old: Option<String>,
    pub(super) new: String,
}

/// The front matter's root mapping and the span of its text, or why it
/// cannot be edited (front matter that is not usable, or none).
pub(super) fn front_root(doc: &Alliance) -> Result<(&Node, Span), EditError> {
    if let Some(finding) = crate::check::unusable_front_matter(doc, None) {
        return Err(EditError::Unreadable(format!(
            "{} {}: {}",
            finding.rule.code(),
            finding.rule.name(),
            finding.message
        )));
    }
    match &doc.front {
        FrontMatterBlock::Mapping { root, inner, .. } => Ok((root, *inner)),
        _ => Err(EditError::Unreadable(
            "the file has no front matter".to_owned(),
        )),
    }
}

/// Replace a scalar's bytes with `wanted`, keeping its quotes. `None` when
/// it already says `wanted`.
pub(super) fn set_scalar(
    text: &str,
    key: &Node,
    value: &Node,
    wanted: &str,
    what: String,
) -> Result<Option<Splice>, EditError> {
    let old_text = value.scalar_text().map(|t| t.into_owned());
    if old_text.as_deref() == Some(wanted) {
        return Ok(None);
    }
    match &value.value {
        Value::Seq(_) | Value::Map(_) => return Err(EditError::Shape("review dates", "a date")),
        Value::Null
            if !scalar_span(text, value.span).slice(text).trim().is_empty()
                && value.span.start > key.span.end =>
        {
            // `~` or `null`: replaced like any other value below.
        }
        Value::Null => {
            // `last:` with nothing after it: write the value after the colon.
            let colon = text[key.span.end..]
                .find(':')
                .map_or(key.span.end, |i| key.span.end + i + 1);
            return Ok(Some(Splice {
                span: Span::new(colon, colon),
                text: format!(" {wanted}"),
                what,
                old: None,
                new: wanted.to_owned(),
            }));
        }
        _ => {}
    }
    let span = scalar_span(text, value.span);
    let raw = span.slice(text);
    let replacement = match raw.chars().next().filter(|c| *c == '"' || *c == '\'') {
        Some(q) => format!("{q}{wanted}{q}"),
        None => wanted.to_owned(),
    };
    Ok(Some(Splice {
        span,
        text: replacement,
        what,
        old: old_text,
        new: wanted.to_owned(),
    }))
}

/// The bytes of a one-line scalar, quotes included: the parser's span can
/// run on over trailing spaces and a comment.
fn scalar_span(text: &str, span: Span) -> Span {
    let raw = span.slice(text);
    let line = raw.split(['\n', '\r']).next().unwrap_or("");
    let len = match line.chars().next() {
        Some('\'') => {
            let mut end = line.len();
            let mut chars = line.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        end = i + 1;
                        break;
                    }
                }
            }
            end
        }
        Some('"') => {
            let mut end = line.len();
            let mut escaped = false;
            for (i, c) in line.char_indices().skip(1) {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = i + 1;
                        break;
                    }
                    _ => escaped = false,
                }
            }
            end
        }
        _ => {
            let cut = line
                .find(" #")
                .or_else(|| line.find("\t#"))
                .unwrap_or(line.len());
            line[..cut].trim_end().len()
        }
    };
    Span::new(span.start, span.start + len)
}

/// Whether a collection node is written in flow style.
pub(super) fn is_flow(text: &str, node: &Node) -> bool {
    let raw = node.span.slice(text).trim_start();
    raw.starts_with('{') || raw.starts_with('[')
}

/// The whitespace before byte `at` on its line.
pub(super) fn line_indent(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..at]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// [`EntryPlace`] of a new entry of the block list `name`: after the
/// entries of `list` (its key, its value and the entries, when the front
/// matter has the key), else at the end of the front matter (`inner`).
pub(super) fn entry_place(
    doc: &Alliance,
    name: &str,
    list: Option<(&Node, &Node, &[Node])>,
    inner: Span,
) -> EntryPlace {
    let text = &doc.text;
    let (at, dash_indent, header) = match list {
        Some((_, _, items)) if !items.is_empty() => {
            let (at, indent) = after_block_items(text, items);
            (at, indent, false)
        }
        Some((key, list, _)) => (
            line_end_after(text, key.span.end.max(list.span.end)),
            format!("{}  ", line_indent(text, key.span.start)),
            false,
        ),
        None => (inner.end, "  ".to_owned(), true),
    };
    let eol = doc.line_ending_at(at);
    let mut prefix = String::new();
    if at > 0 && !text[..at].ends_with('\n') {
        prefix.push_str(eol);
    }
    if header {
        prefix.push_str(name);
        prefix.push(':');
        prefix.push_str(eol);
    }
    EntryPlace {
        at,
        dash_indent,
        prefix,
        eol,
    }
}

/// Where a new entry goes after the entries of a block list (the end of
/// the line its last, deepest value ends on), and the indent before their
/// dashes. `items` is not empty.
pub(super) fn after_block_items(text: &str, items: &[Node]) -> (usize, String) {
    let Some(first) = items.first() else {
        return (text.len(), String::new());
    };
    let line_start = text[..first.span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..first.span.start];
    let dash = before.find('-').unwrap_or(0);
    let end = items.iter().map(deep_end).max().unwrap_or(first.span.end);
    (line_end_after(text, end), before[..dash].to_owned())
}

/// The furthest byte any part of `node` reaches (scalars' ends; collection
/// spans can stretch to the next key, so they are not trusted).
pub(super) fn deep_end(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => items.iter().map(deep_end).max().unwrap_or(node.span.start),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.span.end.max(deep_end(v)))
            .max()
            .unwrap_or(node.span.start),
        _ => node.span.end,
    }
}

/// The byte after the line ending of the line holding byte `at` (a
/// multi-line scalar's last line included).
pub(super) fn line_end_after(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    // A span that ends just after a line ending already sits at a line start.
    if at > 0 && text.as_bytes()[at - 1] == b'\n' {
        return at;
    }
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Apply `splices` (non-overlapping) to `text` and locate each in the result.
pub(super) fn apply(text: &str, mut splices: Vec<Splice>) -> Edited {
    splices.sort_by_key(|s| (s.span.start, s.span.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    let mut placed = Vec::new();
    for s in splices {
        out.push_str(&text[at..s.span.start]);
        let start = out.len();
        out.push_str(&s.text);
        at = s.span.end;
        placed.push((start, out.len(), s));
    }
    out.push_str(&text[at..]);
    let lines = LineIndex::new(&out);
    let changes = placed
        .into_iter()
        .map(|(start, end, s)| {
            // Inserted lines start after the one line ending that closes
            // the line before them (a blank line after it is inserted
            // too), and stop before their last one.
            let body = &out[start..end];
            let first = start
                + if body.starts_with("\r\n") {
                    2
                } else {
                    usize::from(body.starts_with(['\r', '\n']))
                };
            let last = start + body.trim_end_matches(['\r', '\n']).len();
            let from = lines.line_col(&out, first).0;
            let to = lines.line_col(&out, last.max(first)).0;
            Edit {
                what: s.what,
                lines: from..=to.max(from),
                old: s.old,
                new: s.new,
            }
        })
        .collect();
    Edited { text: out, changes }
}

/// Where a new entry of the front matter's block list `name` goes, and
/// what to write before it.
pub(super) struct EntryPlace {
    /// The byte the entry goes at.
    pub at: usize,
    /// The indent before its dash.
    pub dash_indent: String,
    /// What goes first: a line ending when the file ends without one, and
    /// the `name:` line when the front matter has no such key.
    pub prefix: String,
    /// The line ending to end the entry's lines with.
    pub eol: &'static str,
}
