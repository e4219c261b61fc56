//! In-place edits of an alliance that keep every other byte: recording a
//! review in the front matter, and moving an item's `[review:: DATE]`.
//!
//! Edits are splices computed from the spans the parser keeps: a value that
//! changes has only its bytes replaced (its quotes kept), a missing key or a
//! new `reviews:` entry is inserted as whole lines with the file's line
//! ending and the indentation its neighbours use. Comments, key order, blank
//! lines, BOM, CRLF and the body are untouched. The result is parsed again
//! and checked before it is handed back. This module computes new text; the
//! caller writes it (atomically).

use std::fmt::Write as _;

use jiff::civil::Date;

use super::splice::{
    EditError, Edited, MAX_IMPLICIT_KEY, Splice, apply, deep_end, entry_place, front_root, is_flow,
    line_end_after, line_indent, set_scalar,
};
use crate::document::yaml::{self, Node, Value, yaml_flow_scalar, yaml_scalar};
use crate::document::{Alliance, Span};

/// A review to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// The day it was held.
    pub date: Date,
    /// What the parties noted.
    pub note: Option<String>,
    /// The successes celebrated.
    pub wins: Vec<String>,
    /// Who read which item aloud: `(item key, reader)`, written under
    /// `readers:` in the entry (see `agenda::item_key`).
    pub readers: Vec<(String, String)>,
}

/// Record `review` in `doc`: set `review.last`, move `review.next` by the
/// cadence, and append an entry to `reviews:` unless one with the same date
/// and note is there already; list the wins under `## Celebrate`. The
/// edit is read back before it is handed over.
pub fn record_review(doc: &Alliance, review: &NewReview) -> Result<Edited, EditError> {
    let (root, inner) = front_root(doc)?;
    // An alias's node carries its anchor's spans: an edit through it would
    // rewrite the anchor's bytes, under another key.
    if yaml::uses_anchors(inner.slice(&doc.text)) {
        return Err(EditError::Anchors);
    }
    let next = next_review(doc, review)?;
    let mut splices = plan_dates(doc, root, review.date, next)?;
    if let Some(s) = reviews_entry(doc, root, inner, review)? {
        splices.push(s);
    }
    if let Some(s) = celebrated(doc, review)? {
        splices.push(s);
    }
    let edited = apply(&doc.text, splices);
    if !reads_back(doc, &edited, review, next) {
        return Err(EditError::Verify(
            "review.last, review.next or the reviews entry".to_owned(),
        ));
    }
    Ok(edited)
}

/// The next review after `review`, by the cadence; refused when the
/// alliance has no cadence or `review` is before its last.
fn next_review(doc: &Alliance, review: &NewReview) -> Result<Date, EditError> {
    let fields = doc.fields().ok_or(EditError::NoCadence)?;
    let cadence = match fields.review.cadence() {
        Some(Ok(c)) => c,
        _ => return Err(EditError::NoCadence),
    };
    if let Some(last) = fields.review.last.as_ref().and_then(|d| d.get()) {
        if last > review.date {
            return Err(EditError::BeforeLast {
                date: review.date,
                last,
            });
        }
    }
    cadence
        .after(review.date)
        .ok_or(EditError::PastCalendar { date: review.date })
}

/// The splices that set `review.last` and `review.next` in the `review:`
/// mapping (block style), adding a key it lacks after its last line.
fn plan_dates(
    doc: &Alliance,
    root: &Node,
    last: Date,
    next: Date,
) -> Result<Vec<Splice>, EditError> {
    let text = &doc.text;
    let (_, plan) = root.entry("review").ok_or(EditError::NoCadence)?;
    if !matches!(plan.value, Value::Map(_)) {
        return Err(EditError::Shape("review", "a mapping"));
    }
    if is_flow(text, plan) {
        return Err(EditError::FlowStyle("review"));
    }
    let mut splices = Vec::new();
    let key_indent = first_key_indent(doc, plan);
    let plan_end = line_end_after(text, deep_end(plan));
    let eol = doc.line_ending_at(plan_end);
    for (key, date) in [("last", last), ("next", next)] {
        let wanted = date.to_string();
        let what = format!("review.{key}");
        match plan.entry(key) {
            Some((k, v)) => {
                if let Some(s) = set_scalar(text, k, v, &wanted, what)? {
                    splices.push(s);
                }
            }
            None => {
                // After the mapping's last line; a file ending without a
                // line ending gets one first.
                let lead = if plan_end > 0 && !text[..plan_end].ends_with('\n') {
                    eol
                } else {
                    ""
                };
                splices.push(Splice {
                    span: Span::new(plan_end, plan_end),
                    text: format!("{lead}{key_indent}{key}: {wanted}{eol}"),
                    what,
                    old: None,
                    new: wanted,
                });
            }
        }
    }
    Ok(splices)
}

/// Whether the edited text, read again, has the dates and the entry (with
/// its readers) that were written.
fn reads_back(doc: &Alliance, edited: &Edited, review: &NewReview, next: Date) -> bool {
    let check = Alliance::parse_text(&doc.path, edited.text.clone());
    check.fields().is_some_and(|f| {
        f.review.last.as_ref().and_then(|d| d.get()) == Some(review.date)
            && f.review.next.as_ref().and_then(|d| d.get()) == Some(next)
            && f.reviews.iter().any(|e| same_entry(e, review))
            && (review.readers.is_empty()
                || f.reviews.iter().any(|e| {
                    let mut read: Vec<(&str, &str)> = e
                        .readers
                        .iter()
                        .map(|r| (r.item.value.as_str(), r.reader.value.as_str()))
                        .collect();
                    let mut meant: Vec<(&str, &str)> = review
                        .readers
                        .iter()
                        .map(|(i, r)| (i.as_str(), r.as_str()))
                        .collect();
                    read.sort_unstable();
                    meant.sort_unstable();
                    same_entry(e, review) && read == meant
                }))
    })
}

/// Set the `[review:: DATE]` of the item with `[id:: id]` to `next`,
/// adding the field after the item's last field when it has none.
pub fn set_item_review(doc: &Alliance, id: &str, next: Date) -> Result<Edited, EditError> {
    front_root(doc)?;
    let item = doc
        .items()
        .map(|(_, item)| item)
        .find(|item| item.field("id").is_some_and(|f| f.value == id))
        .ok_or_else(|| EditError::NoSuchItem(id.to_owned()))?;
    let wanted = next.to_string();
    let what = format!("item {id}");
    let splice = match item.field("review") {
        Some(field) if field.value == wanted => None,
        Some(field) => Some(Splice {
            span: field.value_span,
            text: wanted.clone(),
            what,
            old: Some(field.value.clone()),
            new: wanted,
        }),
        None => {
            let after = item
                .fields
                .iter()
                .map(|f| f.span.end)
                .max()
                .unwrap_or_else(|| {
                    let line_end = doc.text[item.span.start..]
                        .find(['\n', '\r'])
                        .map_or(doc.text.len(), |i| item.span.start + i);
                    line_end.min(item.span.end.max(item.span.start))
                });
            let at = doc.text[..after].trim_end_matches([' ', '\t']).len();
            Some(Splice {
                span: Span::new(at, at),
                text: format!(" [review:: {wanted}]"),
                what,
                old: None,
                new: wanted,
            })
        }
    };
    let edited = apply(&doc.text, splice.into_iter().collect());
    let check = Alliance::parse_text(&doc.path, edited.text.clone());
    let ok = check.items().any(|(_, item)| {
        item.field("id").is_some_and(|f| f.value == id)
            && item
                .field("review")
                .is_some_and(|f| f.value == next.to_string())
    });
    if !ok {
        return Err(EditError::Verify(format!("the review date of item {id}")));
    }
    Ok(edited)
}

/// The splice that lists the review's wins, dated, at the end of the
/// document's celebration section (`## Celebrate` and its aliases), when it
/// has one: the designed alliance's sixth step. Wins already listed there
/// for that day are not written twice.
fn celebrated(doc: &Alliance, review: &NewReview) -> Result<Option<Splice>, EditError> {
    let Some(section) = doc
        .sections
        .iter()
        .find(|s| is_celebration(&s.heading.text))
    else {
        return Ok(None);
    };
    let body = section.span.slice(&doc.text);
    let new: Vec<String> = review
        .wins
        .iter()
        .map(|win| format!("- {}: {}", review.date, win.trim()))
        .filter(|line| !body.lines().any(|l| l.trim_end() == line))
        .collect();
    if new.is_empty() {
        return Ok(None);
    }
    // After the section's last written byte; a list item there is
    // continued, anything else (a prompt, a paragraph) gets a blank line.
    // The end of the last line with text, after any blanks it ends with
    // (they are its bytes to keep: `- ` is an empty item), before its line
    // break: LF or CRLF. A carriage return alone ends a line for Markdown
    // only, and the section may end there mid-line: refused.
    let content_end = section.span.start + body.trim_end().len();
    let rest = &doc.text[content_end..section.span.end];
    let end = content_end
        + match rest.find('\n') {
            Some(i) => rest[..i].strip_suffix('\r').map_or(i, str::len),
            None => rest.len(),
        };
    if doc.text[content_end..end].contains('\r') {
        return Err(EditError::LoneCarriageReturn {
            heading: crate::document::clip(&section.heading.text, 60).into_owned(),
            line: doc.text[..content_end].matches('\n').count() + 1,
        });
    }
    // The line ending of the line the wins follow, which they end as it
    // does (`end` is before its line break).
    let eol = doc.line_ending_at(end);
    let last_line = doc.text[..end].rsplit('\n').next().unwrap_or("");
    let lead = if last_line.trim_start().starts_with("- ") {
        eol.to_owned()
    } else {
        format!("{eol}{eol}")
    };
    let trail = if end == doc.text.len() { eol } else { "" };
    Ok(Some(Splice {
        span: Span::new(end, end),
        text: format!("{lead}{}{trail}", new.join(eol)),
        what: format!("## {}", section.heading.text),
        old: None,
        new: format!(
            "listed {}",
            new.iter()
                .map(|l| l.trim_start_matches("- "))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }))
}

fn is_celebration(heading: &str) -> bool {
    crate::document::vocabulary::CELEBRATION_HEADINGS
        .contains(&crate::document::normalize_heading(heading).as_str())
}

fn same_entry(entry: &crate::document::ReviewEntry, review: &NewReview) -> bool {
    entry.date.as_ref().and_then(|d| d.get()) == Some(review.date)
        && entry.note.as_ref().map(|n| n.value.as_str()) == review.note.as_deref()
}

/// The splice that appends the review to `reviews:` (creating the list at
/// the end of the front matter), or `None` when it is already there.
fn reviews_entry(
    doc: &Alliance,
    root: &Node,
    inner: Span,
    review: &NewReview,
) -> Result<Option<Splice>, EditError> {
    let fields = doc.fields().ok_or(EditError::NoCadence)?;
    if fields.reviews.iter().any(|e| same_entry(e, review)) {
        return Ok(None);
    }
    let text = &doc.text;
    let list = match root.entry("reviews") {
        Some((key, list)) => {
            let items = match &list.value {
                Value::Seq(items) => items.as_slice(),
                Value::Null => &[],
                _ => return Err(EditError::Shape("reviews", "a list")),
            };
            if is_flow(text, list) {
                return empty_flow_list(doc, key, list, review).map(Some);
            }
            Some((key, list, items))
        }
        None => None,
    };
    let place = entry_place(doc, "reviews", list, inner);
    let lines = entry_lines(review, &place.dash_indent, place.eol);
    Ok(Some(Splice {
        span: Span::new(place.at, place.at),
        text: format!("{}{lines}", place.prefix),
        what: "reviews".to_owned(),
        old: None,
        new: format!("added the review of {}", review.date),
    }))
}

/// `reviews: []` becomes a block list holding the review. Any other flow
/// list is refused: it cannot grow line by line.
fn empty_flow_list(
    doc: &Alliance,
    key: &Node,
    list: &Node,
    review: &NewReview,
) -> Result<Splice, EditError> {
    let text = &doc.text;
    let eol = doc.line_ending_at(key.span.start);
    let from =
        list.span.start + (list.span.slice(text).len() - list.span.slice(text).trim_start().len());
    let rest = &text[from..];
    let close = rest.find(']').map(|i| from + i + 1);
    let empty = close.is_some_and(|c| text[from + 1..c - 1].trim().is_empty());
    let line_rest = close
        .map(|c| &text[c..line_end_after(text, c)])
        .unwrap_or("");
    let (true, Some(close), true) = (empty, close, line_rest.trim().is_empty()) else {
        return Err(EditError::FlowStyle("reviews"));
    };
    let indent = format!("{}  ", line_indent(text, key.span.start));
    let lines = entry_lines(review, &indent, eol);
    Ok(Splice {
        span: Span::new(key.span.start, close),
        text: format!(
            "{}:{eol}{}",
            key.span.slice(text),
            lines.trim_end_matches(['\r', '\n'])
        ),
        what: "reviews".to_owned(),
        old: Some("[]".to_owned()),
        new: format!("added the review of {}", review.date),
    })
}

/// The lines of one `reviews:` entry, its dash at `dash_indent`.
fn entry_lines(review: &NewReview, dash_indent: &str, eol: &str) -> String {
    let pad = format!("{dash_indent}  ");
    let mut lines = String::new();
    let _ = write!(lines, "{dash_indent}- date: {}{eol}", review.date);
    if let Some(note) = &review.note {
        let _ = write!(lines, "{pad}note: {}{eol}", yaml_scalar(note));
    }
    // Every list on one line, and the readings one line per reader: an
    // entry is at most (parties + 3) lines, however many items were read.
    if !review.wins.is_empty() {
        let wins: Vec<String> = review.wins.iter().map(|w| yaml_flow_scalar(w)).collect();
        let _ = write!(lines, "{pad}wins: [{}]{eol}", wins.join(", "));
    }
    let by_reader = crate::document::vocabulary::readings_by_reader(
        review.readers.iter().map(|(i, r)| (i.as_str(), r.as_str())),
    );
    for (i, (reader, items)) in by_reader.iter().enumerate() {
        let items: Vec<String> = items.iter().map(|item| yaml_flow_scalar(item)).collect();
        let key = yaml_flow_scalar(reader);
        // YAML allows an implicit key of at most 1024 characters: a longer
        // one is written as an explicit `? key`.
        let key = if key.chars().count() > MAX_IMPLICIT_KEY {
            format!("? {key} ")
        } else {
            key
        };
        let start = if i == 0 {
            format!("{pad}readers: {{")
        } else {
            format!("{pad}  ")
        };
        let end = if i + 1 == by_reader.len() { "}" } else { "," };
        let _ = write!(lines, "{start}{key}: [{}]{end}{eol}", items.join(", "));
    }
    lines
}

/// The indentation of the keys of a block mapping.
fn first_key_indent(doc: &Alliance, map: &Node) -> String {
    match &map.value {
        Value::Map(entries) => entries
            .first()
            .map(|(k, _)| line_indent(&doc.text, k.span.start))
            .unwrap_or_else(|| "  ".to_owned()),
        _ => "  ".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn date(s: &str) -> Date {
        crate::document::dates::parse_date(s).expect("date")
    }

    fn review(text: &str, on: &str, note: Option<&str>) -> Result<Edited, EditError> {
        let doc = Alliance::parse_text(Path::new("a.md"), text.to_owned());
        record_review(
            &doc,
            &NewReview {
                date: date(on),
                note: note.map(str::to_owned),
                wins: vec!["Shipped: v2".to_owned()],
                readers: Vec::new(),
            },
        )
    }

    #[test]
    fn replaces_values_and_keeps_quotes_and_comments() {
        let text = "---\nalliance: team # kind\nreview:\n  every: 1 month   # cadence\n  last: '2026-01-01'  # last\n  next: \"2026-02-01\"\n---\n# Body\n";
        let edited = review(text, "2026-01-31", None).expect("edits");
        assert_eq!(
            edited.text,
            "---\nalliance: team # kind\nreview:\n  every: 1 month   # cadence\n  last: '2026-01-31'  # last\n  next: \"2026-02-28\"\nreviews:\n  - date: 2026-01-31\n    wins: [\"Shipped: v2\"]\n---\n# Body\n"
        );
        let lines: Vec<_> = edited.changes.iter().map(|c| c.lines.clone()).collect();
        assert_eq!(lines, [5..=5, 6..=6, 7..=9]);
    }

    #[test]
    fn inserts_missing_keys_with_crlf_and_indent() {
        let text = "\u{feff}---\r\nreview:\r\n    every: 2 weeks\r\nreviews:\r\n  - date: 2026-01-01\r\n    note: first\r\n---\r\nbody";
        let edited = review(text, "2028-02-28", Some("second: fine")).expect("edits");
        assert_eq!(
            edited.text,
            "\u{feff}---\r\nreview:\r\n    every: 2 weeks\r\n    last: 2028-02-28\r\n    next: 2028-03-13\r\nreviews:\r\n  - date: 2026-01-01\r\n    note: first\r\n  - date: 2028-02-28\r\n    note: \"second: fine\"\r\n    wins: [\"Shipped: v2\"]\r\n---\r\nbody"
        );
        let again = Alliance::parse_text(Path::new("a.md"), edited.text.clone());
        let twice = record_review(
            &again,
            &NewReview {
                date: date("2028-02-28"),
                note: Some("second: fine".to_owned()),
                wins: vec!["Shipped: v2".to_owned()],
                readers: Vec::new(),
            },
        )
        .expect("edits");
        assert_eq!(twice.text, edited.text);
        assert!(twice.changes.is_empty());
    }

    #[test]
    fn empty_and_null_values_and_unindented_lists() {
        let text = "---\nreview:\n  every: 1 month\n  last:\n  next: ~\nreviews:\n- date: 2026-01-01\n  note: x\n# end\n---\n";
        let edited = review(text, "2026-03-31", Some("yes")).expect("edits");
        assert_eq!(
            edited.text,
            "---\nreview:\n  every: 1 month\n  last: 2026-03-31\n  next: 2026-04-30\nreviews:\n- date: 2026-01-01\n  note: x\n- date: 2026-03-31\n  note: \"yes\"\n  wins: [\"Shipped: v2\"]\n# end\n---\n"
        );
    }

    #[test]
    fn an_empty_flow_list_becomes_a_block() {
        let text = "---\nreview:\n  every: 1 month\nreviews: []\ntitle: T\n---\n";
        let edited = review(text, "2026-03-31", None).expect("edits");
        assert!(
            edited.text.ends_with(
                "reviews:\n  - date: 2026-03-31\n    wins: [\"Shipped: v2\"]\ntitle: T\n---\n"
            ),
            "{}",
            edited.text
        );
        assert_eq!(edited.changes.last().map(|c| c.lines.clone()), Some(6..=8));
        assert_eq!(
            review(
                "---\nreview:\n  every: 1 month\nreviews: [{date: 2026-01-01}]\n---\n",
                "2026-03-31",
                None
            ),
            Err(EditError::FlowStyle("reviews"))
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            review("---\ntitle: x\n---\n", "2026-01-01", None),
            Err(EditError::NoCadence)
        );
        assert_eq!(
            review("---\nreview: {every: 1 month}\n---\n", "2026-01-01", None),
            Err(EditError::FlowStyle("review"))
        );
        assert!(matches!(
            review(
                "---\nreview:\n  every: 1 month\n  last: 2026-05-01\n---\n",
                "2026-04-30",
                None
            ),
            Err(EditError::BeforeLast { .. })
        ));
        assert!(matches!(
            review("---\nreview: [\n---\n", "2026-01-01", None),
            Err(EditError::Unreadable(_))
        ));
    }

    #[test]
    fn readers_are_written_one_line_per_reader_and_read_back() {
        let text = "---\nreview:\n  every: 1 month\n---\n";
        let doc = Alliance::parse_text(Path::new("a.md"), text.to_owned());
        let edited = record_review(
            &doc,
            &NewReview {
                date: date("2026-03-31"),
                note: None,
                wins: Vec::new(),
                readers: vec![
                    ("on-time".to_owned(), "ada".to_owned()),
                    ("yes".to_owned(), "Grace Hopper".to_owned()),
                    ("a, b [c]".to_owned(), "ada".to_owned()),
                ],
            },
        )
        .expect("edits");
        // One line per reader, however many items: a review adds at most
        // (parties + 3) lines.
        assert!(
            edited.text.ends_with(
                "reviews:\n  - date: 2026-03-31\n    readers: {ada: [on-time, \"a, b [c]\"],\n      Grace Hopper: [\"yes\"]}\n---\n"
            ),
            "{}",
            edited.text
        );
        let again = Alliance::parse_text(Path::new("a.md"), edited.text);
        let readers: Vec<(String, String)> = again.fields().expect("fields").reviews[0]
            .readers
            .iter()
            .map(|r| (r.item.value.clone(), r.reader.value.clone()))
            .collect();
        assert_eq!(readers[1], ("a, b [c]".to_owned(), "ada".to_owned()));
        assert_eq!(readers[2], ("yes".to_owned(), "Grace Hopper".to_owned()));
    }

    #[test]
    fn a_long_reader_key_is_written_as_an_explicit_key() {
        let key = "k".repeat(1500);
        let doc = Alliance::parse_text(
            Path::new("a.md"),
            "---\nreview:\n  every: 1 month\n---\n".to_owned(),
        );
        let edited = record_review(
            &doc,
            &NewReview {
                date: date("2026-03-31"),
                note: None,
                wins: Vec::new(),
                readers: vec![("on-time".to_owned(), key.clone())],
            },
        )
        .expect("edits");
        assert!(
            edited
                .text
                .contains(&format!("    readers: {{? {key} : [on-time]}}\n")),
            "{}",
            edited.text
        );
    }

    #[test]
    fn item_review_dates() {
        let text = "---\nalliance: team\n---\n## Agreements\n- On time. [id:: on-time] [review:: 2026-01-01]\n- Reply fast. [id:: reply]\n";
        let doc = Alliance::parse_text(Path::new("a.md"), text.to_owned());
        let edited = set_item_review(&doc, "on-time", date("2026-06-01")).expect("edits");
        assert!(
            edited
                .text
                .contains("[id:: on-time] [review:: 2026-06-01]\n")
        );
        let edited = set_item_review(&doc, "reply", date("2026-06-01")).expect("edits");
        assert!(
            edited
                .text
                .ends_with("- Reply fast. [id:: reply] [review:: 2026-06-01]\n")
        );
        assert_eq!(edited.changes[0].lines, 6..=6);
        assert!(matches!(
            set_item_review(&doc, "nope", date("2026-06-01")),
            Err(EditError::NoSuchItem(_))
        ));
    }
}
