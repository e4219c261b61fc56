//! The front matter's fields as the practice names them: kind, title,
//! parties, status, the review plan and the log of past reviews.
//!
//! Reading is lenient: a field of the wrong shape is left out here and the
//! JSON Schema check reports it with its line. Values keep their spans so a
//! finding about `review.next` points at that value.

use jiff::civil::Date;

use super::Span;
use super::yaml::{Node, Value};
use crate::document::dates::{self, Cadence, CadenceError, DateError};

/// A text value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The text.
    pub value: String,
    /// Its span in the file.
    pub span: Span,
}

impl Text {
    fn from_node(node: &Node) -> Option<Text> {
        node.scalar_text().map(|value| Text {
            value: value.into_owned(),
            span: node.span,
        })
    }
}

/// A date value as written, with the date it means when it is one.
#[derive(Debug, Clone, PartialEq)]
pub struct DateField {
    /// The text as written (quotes removed).
    pub raw: String,
    /// Its span in the file.
    pub span: Span,
    /// The date, or why the text is not one.
    pub date: Result<Date, DateError>,
}

impl DateField {
    fn from_node(node: &Node) -> Option<DateField> {
        let raw = node.scalar_text()?.into_owned();
        let date = dates::parse_date(&raw);
        Some(DateField {
            raw,
            span: node.span,
            date,
        })
    }

    /// The date, when the text is one.
    pub fn get(&self) -> Option<Date> {
        self.date.as_ref().ok().copied()
    }
}

/// One of the people who made the alliance.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// Their name.
    pub name: Option<Text>,
    /// Their git or forge handle, without `@`.
    pub handle: Option<Text>,
    /// Their role (lead, coach, client...).
    pub role: Option<Text>,
    /// Their email, as their commits give it: what ties a commit's author
    /// to them (consent proven as *authored*), and a principal their SSH
    /// key may be listed under in the allowed signers.
    pub email: Option<Text>,
    /// The party's node in the file.
    pub span: Span,
}

impl Party {
    /// Read `"Ada Lovelace <ada>"`, as `--party` and the short list form take it.
    pub fn parse_short(text: &str) -> (String, Option<String>) {
        let text = text.trim();
        match (text.rfind('<'), text.ends_with('>')) {
            (Some(open), true) => {
                let name = text[..open].trim().to_owned();
                let handle = text[open + 1..text.len() - 1]
                    .trim()
                    .trim_start_matches('@');
                let handle = (!handle.is_empty()).then(|| handle.to_owned());
                (name, handle)
            }
            _ => (text.to_owned(), None),
        }
    }

    fn from_node(node: &Node) -> Option<Party> {
        match &node.value {
            Value::Str(s) => {
                let (name, handle) = Party::parse_short(s);
                let text = |value: String| Text {
                    value,
                    span: node.span,
                };
                Some(Party {
                    name: Some(text(name)),
                    handle: handle.map(text),
                    role: None,
                    email: None,
                    span: node.span,
                })
            }
            Value::Map(_) => Some(Party {
                name: node.get("name").and_then(Text::from_node),
                handle: node.get("handle").and_then(Text::from_node).map(|mut t| {
                    t.value = t.value.trim_start_matches('@').to_owned();
                    t
                }),
                role: node.get("role").and_then(Text::from_node),
                email: node.get("email").and_then(Text::from_node),
                span: node.span,
            }),
            _ => None,
        }
    }

    /// Whether `who` (a handle with or without `@`, or a name) names this party.
    pub fn is(&self, who: &str) -> bool {
        let who = who.trim().trim_start_matches('@');
        let same = |t: &Option<Text>| {
            t.as_ref()
                .is_some_and(|t| t.value.eq_ignore_ascii_case(who))
        };
        same(&self.handle) || same(&self.name)
    }

    /// Whether `handle` (with or without `@`, case aside) is this party's
    /// handle.
    pub fn has_handle(&self, handle: &str) -> bool {
        let handle = handle.trim().trim_start_matches('@');
        !handle.is_empty()
            && self
                .handle
                .as_ref()
                .is_some_and(|h| h.value.eq_ignore_ascii_case(handle))
    }

    /// How to name the party in a report: `@handle`, else the name.
    pub fn label(&self) -> String {
        match (&self.handle, &self.name) {
            (Some(h), _) => format!("@{}", h.value),
            (None, Some(n)) => n.value.clone(),
            (None, None) => "(unnamed party)".to_owned(),
        }
    }
}

/// Where an alliance is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Still being written: sections may be empty.
    Draft,
    /// Written, and waiting for every party's consent (`alliance agree`).
    Proposed,
    /// In force.
    Active,
    /// No longer in force: not due for review.
    Retired,
}

impl Status {
    /// Read a status word.
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "draft" => Some(Status::Draft),
            "proposed" => Some(Status::Proposed),
            "active" => Some(Status::Active),
            "retired" => Some(Status::Retired),
            _ => None,
        }
    }

    /// The status word, as written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Proposed => "proposed",
            Status::Active => "active",
            Status::Retired => "retired",
        }
    }
}

/// When the alliance is reviewed: `review:` in the front matter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewPlan {
    /// The cadence as written.
    pub every: Option<Text>,
    /// The date of the last review.
    pub last: Option<DateField>,
    /// The date of the next review, when written.
    pub next: Option<DateField>,
    /// The `review` key's node.
    pub span: Option<Span>,
}

impl ReviewPlan {
    /// The cadence, if written and valid.
    pub fn cadence(&self) -> Option<Result<Cadence, CadenceError>> {
        self.every.as_ref().map(|t| t.value.parse())
    }
}

/// One entry of the `reviews:` log.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewEntry {
    /// When the review was held.
    pub date: Option<DateField>,
    /// What the parties noted.
    pub note: Option<Text>,
    /// The successes they celebrated.
    pub wins: Vec<Text>,
    /// Who read which item aloud (`readers:`, item key to handle), in the
    /// order written.
    pub readers: Vec<Reader>,
}

/// One reading recorded in a `reviews:` entry: `ITEM: HANDLE` under
/// `readers:`. The item is named by its reading key (its `[id:: …]`, else
/// a slug of its words: see `document::vocabulary::item_keys`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reader {
    /// The item's key.
    pub item: Text,
    /// The party who read it (a handle, or a name for a party without one).
    pub reader: Text,
}

/// One entry of the `consent:` list: a party agreed to a version of the
/// agreement (`{handle: ada, date: 2026-11-20, digest: sha256:1a2b3c4d5e6f}`).
/// Fields of the wrong shape are `None`; `consent` and `check` judge them.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentEntry {
    /// Who agreed, without `@`.
    pub handle: Option<Text>,
    /// When.
    pub date: Option<DateField>,
    /// The digest of the version agreed to, as written (`sha256:…`).
    pub digest: Option<Text>,
    /// Whether the entry is a mapping at all.
    pub is_mapping: bool,
    /// The entry's node in the file.
    pub span: Span,
}

/// The typed front matter of an alliance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    /// `alliance:`, the kind's name.
    pub kind: Option<Text>,
    /// `title:`
    pub title: Option<Text>,
    /// `parties:`
    pub parties: Vec<Party>,
    /// `status:` as written.
    pub status: Option<Text>,
    /// `created:`
    pub created: Option<DateField>,
    /// `review:`
    pub review: ReviewPlan,
    /// `reviews:`, the log of past reviews.
    pub reviews: Vec<ReviewEntry>,
    /// `consent:`, who agreed to which version, oldest first as written.
    pub consent: Vec<ConsentEntry>,
    /// `superseded_by:`, the successor of a retired alliance (a path or a title).
    pub superseded_by: Option<Text>,
}

impl FrontMatter {
    /// Read the fields from the front matter's mapping.
    pub fn read(root: &Node) -> FrontMatter {
        let text = |key| root.get(key).and_then(Text::from_node);
        let review = root.get("review");
        let review_date = |key| {
            review
                .and_then(|r| r.get(key))
                .and_then(DateField::from_node)
        };
        FrontMatter {
            kind: text("alliance"),
            title: text("title"),
            parties: root
                .get("parties")
                .and_then(Node::as_seq)
                .map(|items| items.iter().filter_map(Party::from_node).collect())
                .unwrap_or_default(),
            status: text("status"),
            created: root.get("created").and_then(DateField::from_node),
            review: ReviewPlan {
                every: review
                    .and_then(|r| r.get("every"))
                    .and_then(Text::from_node),
                last: review_date("last"),
                next: review_date("next"),
                span: review.map(|r| r.span),
            },
            reviews: root
                .get("reviews")
                .and_then(Node::as_seq)
                .map(|items| items.iter().map(read_review_entry).collect())
                .unwrap_or_default(),
            consent: root
                .get("consent")
                .and_then(Node::as_seq)
                .map(|items| items.iter().map(read_consent_entry).collect())
                .unwrap_or_default(),
            superseded_by: text("superseded_by"),
        }
    }

    /// The status, `active` when not written or not one of the three words.
    pub fn status(&self) -> Status {
        self.status
            .as_ref()
            .and_then(|s| Status::parse(&s.value))
            .unwrap_or(Status::Active)
    }

    /// The party named by `who` (handle or name).
    pub fn party(&self, who: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.is(who))
    }

    /// The party whose handle is `handle` (with or without `@`, case
    /// aside): consent entries name parties by handle only, never by name.
    pub fn party_by_handle(&self, handle: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.has_handle(handle))
    }
}

fn read_consent_entry(node: &Node) -> ConsentEntry {
    ConsentEntry {
        handle: node.get("handle").and_then(Text::from_node).map(|mut t| {
            t.value = t.value.trim_start_matches('@').to_owned();
            t
        }),
        date: node.get("date").and_then(DateField::from_node),
        digest: node.get("digest").and_then(Text::from_node),
        is_mapping: matches!(node.value, Value::Map(_)),
        span: node.span,
    }
}

/// The readings of one `readers:` entry: `READER: [ITEM, ...]` (what
/// `review` writes, one line per reader), or `ITEM: READER` (the first
/// form, one line per item, still read).
fn readings((key, value): &(Node, Node)) -> Vec<Reader> {
    let handle = |node: &Node| {
        Text::from_node(node).map(|mut t| {
            t.value = t.value.trim().trim_start_matches('@').to_owned();
            t
        })
    };
    match &value.value {
        Value::Seq(items) => {
            let Some(reader) = handle(key) else {
                return Vec::new();
            };
            items
                .iter()
                .filter_map(|item| {
                    Some(Reader {
                        item: Text::from_node(item)?,
                        reader: reader.clone(),
                    })
                })
                .collect()
        }
        _ => match (Text::from_node(key), handle(value)) {
            (Some(item), Some(reader)) => vec![Reader { item, reader }],
            _ => Vec::new(),
        },
    }
}

fn read_review_entry(node: &Node) -> ReviewEntry {
    ReviewEntry {
        date: node.get("date").and_then(DateField::from_node),
        note: node.get("note").and_then(Text::from_node),
        wins: node
            .get("wins")
            .and_then(Node::as_seq)
            .map(|w| w.iter().filter_map(Text::from_node).collect())
            .unwrap_or_default(),
        readers: match node.get("readers").map(|r| &r.value) {
            Some(Value::Map(entries)) => entries.iter().flat_map(readings).collect(),
            _ => Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_party_form() {
        assert_eq!(
            Party::parse_short("Ada Lovelace <@ada>"),
            ("Ada Lovelace".into(), Some("ada".into()))
        );
        assert_eq!(Party::parse_short("Grace"), ("Grace".into(), None));
    }
}
