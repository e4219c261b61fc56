//! Completion, from what the line says before the cursor:
//!
//! - on a `## ` line, the kind's section names and aliases (those the
//!   document lacks first);
//! - in `[owner:: …]` and after `@`, the parties' handles;
//! - in the front matter, the `status` words after `status:`, cadence words
//!   after `every:`, and the kinds' names after `alliance:`;
//! - in a pulse answer file, the instrument's item keys under `answers:`
//!   and the agreements' keys under `agreements:`.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Position, Range,
    TextEdit,
};

use super::checks::{self, Role};
use super::documents::{Document, Repository};
use super::position::Lines;
use crate::document::Alliance;
use crate::kind::Kinds;

/// The cadence words `review.every` and `pulse.every` take, commonest first.
const CADENCES: &[&str] = &[
    "weekly",
    "fortnightly",
    "monthly",
    "6 weeks",
    "quarterly",
    "4 months",
    "half-yearly",
    "yearly",
];

/// What may be written at `at` in the document.
pub fn at(
    document: &Document,
    repository: Option<&Repository>,
    at: Position,
) -> CompletionResponse {
    let lines = Lines::new(&document.text);
    let byte = lines.byte_at(at);
    let before = lines.line_before(byte);
    let word = partial(before);
    let range = Range::new(lines.at_byte(byte - word.len()), at);
    let items = match checks::role(&document.path, &document.text) {
        Role::Alliance => in_alliance(document, repository, before, byte),
        Role::Answers => in_answers(document, repository, byte),
        _ => Vec::new(),
    };
    let items = items
        .into_iter()
        .map(|(label, kind, detail)| CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                range,
                label.clone(),
            ))),
            filter_text: Some(label.clone()),
            label,
            kind: Some(kind),
            detail,
            ..CompletionItem::default()
        })
        .collect();
    CompletionResponse::Array(items)
}

/// A completion: its text, what it is, and a line on it.
type Offer = (String, CompletionItemKind, Option<String>);

/// The word being written at the end of `before`: letters, digits and
/// `-`, `_`, `.`, `@`, spaces after `## ` included.
fn partial(before: &str) -> &str {
    if let Some(heading) = before.strip_prefix("## ") {
        return heading;
    }
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        .last()
        .map_or(before.len(), |(i, _)| i);
    &before[start..]
}

fn in_alliance(
    document: &Document,
    repository: Option<&Repository>,
    before: &str,
    byte: usize,
) -> Vec<Offer> {
    let kinds = super::documents::kinds(repository);
    let word = partial(before);
    let doc = Alliance::parse_text(&document.path, document.text.clone());
    let key = before.trim_start().split(':').next().unwrap_or("");
    let in_front = doc.fields().is_some() && byte < doc.body_start;
    if before.starts_with("## ") {
        sections(&doc, kinds)
    } else if word.starts_with('@') || owner_field_open(before) {
        handles(&doc)
    } else if in_front && before.contains(':') {
        match key {
            "alliance" => words(kinds.names(), CompletionItemKind::CLASS, "a kind"),
            "status" => words(STATUSES.to_vec(), CompletionItemKind::ENUM_MEMBER, "status"),
            "every" => words(CADENCES.to_vec(), CompletionItemKind::VALUE, "cadence"),
            _ => Vec::new(),
        }
    } else {
        Vec::new()
    }
}

const STATUSES: &[&str] = &["draft", "proposed", "active", "retired"];

fn words(words: Vec<&str>, kind: CompletionItemKind, detail: &str) -> Vec<Offer> {
    words
        .into_iter()
        .map(|w| (w.to_owned(), kind, Some(detail.to_owned())))
        .collect()
}

/// Whether `before` ends inside an `[owner:: …]` field.
fn owner_field_open(before: &str) -> bool {
    before
        .rfind('[')
        .map(|at| &before[at..])
        .is_some_and(|field| {
            !field.contains(']')
                && field[1..]
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("owner::")
        })
}

/// The kind's section names and aliases, those the document lacks first.
fn sections(doc: &Alliance, kinds: &Kinds) -> Vec<Offer> {
    let Some(kind) = kinds.of(doc) else {
        return Vec::new();
    };
    let mut offers: Vec<(bool, Offer)> = Vec::new();
    for section in &kind.sections {
        let present = doc
            .sections
            .iter()
            .any(|s| section.matches(&s.heading.text));
        let detail = section.help.clone();
        for name in std::iter::once(&section.name).chain(&section.aliases) {
            offers.push((
                present,
                (name.clone(), CompletionItemKind::MODULE, detail.clone()),
            ));
        }
    }
    offers.sort_by_key(|(present, _)| *present);
    offers.into_iter().map(|(_, offer)| offer).collect()
}

/// The parties' handles, `@handle`, each with the party's name.
fn handles(doc: &Alliance) -> Vec<Offer> {
    let Some(fields) = doc.fields() else {
        return Vec::new();
    };
    fields
        .parties
        .iter()
        .filter_map(|p| {
            let handle = p.handle.as_ref()?.value.trim_start_matches('@');
            Some((
                format!("@{handle}"),
                CompletionItemKind::REFERENCE,
                Some(p.label()),
            ))
        })
        .collect()
}

/// In an answer file: under `answers:` the instrument's item keys, under
/// `agreements:` the agreements' keys.
fn in_answers(document: &Document, repository: Option<&Repository>, byte: usize) -> Vec<Offer> {
    let Some(loaded) = repository else {
        return Vec::new();
    };
    let Some(setup) = checks::pulse_setup(loaded, &document.path) else {
        return Vec::new();
    };
    match parent_key(&document.text[..byte]) {
        Some("answers") => setup
            .instrument
            .items
            .iter()
            .map(|q| {
                let words = q.words.for_role(None).to_owned();
                (
                    format!("{}: ", q.id),
                    CompletionItemKind::FIELD,
                    Some(words),
                )
            })
            .collect(),
        Some("agreements") => setup
            .agreements
            .iter()
            .map(|(key, text)| {
                let detail = Some(crate::document::clip(text, 80).into_owned());
                (format!("{key}: "), CompletionItemKind::FIELD, detail)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The top-level key of the mapping the last line of `before` is in,
/// when that line is indented.
fn parent_key(before: &str) -> Option<&str> {
    let mut lines = before.lines().rev();
    let current = if before.ends_with('\n') {
        ""
    } else {
        lines.next()?
    };
    if !current.starts_with(' ') && !current.is_empty() {
        return None;
    }
    lines
        .find(|l| !l.starts_with(' ') && !l.trim().is_empty())
        .and_then(|l| l.strip_suffix(':'))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_being_written_ends_the_line_before_the_cursor() {
        assert_eq!(partial("- Ada keeps it. [owner:: @ad"), "@ad");
        assert_eq!(partial("status: dra"), "dra");
        assert_eq!(partial("## Work ag"), "Work ag");
        assert_eq!(partial("every: "), "");
    }

    #[test]
    fn an_owner_field_is_open_until_its_bracket_closes() {
        assert!(owner_field_open("- x [owner:: "));
        assert!(owner_field_open("- x [ Owner::@a, "));
        assert!(!owner_field_open("- x [owner:: @a] "));
        assert!(!owner_field_open("- x [review:: "));
    }

    #[test]
    fn an_indented_line_is_under_the_last_top_level_key() {
        assert_eq!(parent_key("rater: ada\nanswers:\n  "), Some("answers"));
        assert_eq!(
            parent_key("answers:\n  bond: 4\nagreements:\n"),
            Some("agreements")
        );
        assert_eq!(parent_key("answers:\nno"), None);
    }
}
