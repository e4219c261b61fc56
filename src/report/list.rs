//! The index of a repository's alliances (`alliance list`): a table for
//! people, a Markdown table for a README, and a full JSON export.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::sanitize;
use crate::document::{Alliance, DateField, Section};
use crate::escape::markdown;

/// One row of the index: what the table and the Markdown table show of an
/// alliance, kept instead of the parsed document.
#[derive(Debug, Clone)]
pub struct Row {
    path: String,
    kind: String,
    title: String,
    parties: String,
    status: String,
    last: String,
    next: String,
}

/// The row of `doc`.
pub fn row(doc: &Alliance) -> Row {
    let fields = doc.fields();
    let text = |t: Option<&crate::document::Text>| t.map(|t| t.value.clone()).unwrap_or_default();
    let date = |d: Option<&DateField>| d.map(|d| d.raw.clone()).unwrap_or_default();
    Row {
        path: doc.path.display().to_string(),
        kind: text(fields.and_then(|f| f.kind.as_ref())),
        title: doc.display_title().unwrap_or_default().to_owned(),
        parties: fields
            .map(|f| {
                f.parties
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        status: fields
            .map(|f| f.status().as_str().to_owned())
            .unwrap_or_default(),
        last: date(fields.and_then(|f| f.review.last.as_ref())),
        next: fields
            .and_then(crate::due::alliance_review)
            .map(|(date, _, _)| date.to_string())
            .unwrap_or_default(),
    }
}

const HEADERS: [&str; 7] = [
    "path",
    "kind",
    "title",
    "parties",
    "status",
    "last review",
    "next review",
];

fn cells(r: &Row) -> [&str; 7] {
    [
        &r.path, &r.kind, &r.title, &r.parties, &r.status, &r.last, &r.next,
    ]
}

/// An aligned plain-text table.
pub fn table(docs: &[Alliance], out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<Row> = docs.iter().map(row).collect();
    table_rows(&rows, out)
}

/// An aligned plain-text table of `rows` (the widths need them all).
pub fn table_rows(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<[String; 7]> = rows
        .iter()
        .map(|r| cells(r).map(|c| sanitize(c).into_owned()))
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 7]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i == 6 {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.trim_end().to_owned()
    };
    writeln!(out, "{}", line(HEADERS))?;
    for r in &rows {
        writeln!(
            out,
            "{}",
            line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]].map(String::as_str))
        )?;
    }
    Ok(())
}

/// A Markdown table linking each alliance. Every cell is escaped by
/// [`markdown::inline`]: `@handle`s in it notify nobody.
pub fn markdown(docs: &[Alliance], out: &mut dyn Write) -> io::Result<()> {
    markdown_header(out)?;
    for doc in docs {
        markdown_row(&row(doc), out)?;
    }
    Ok(())
}

/// The Markdown table's header.
pub fn markdown_header(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "| Alliance | Kind | Parties | Status | Last review | Next review |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|")
}

/// One row of the Markdown table.
pub fn markdown_row(r: &Row, out: &mut dyn Write) -> io::Result<()> {
    let title = if r.title.is_empty() {
        &r.path
    } else {
        &r.title
    };
    writeln!(
        out,
        "| [{}]({}) | {} | {} | {} | {} | {} |",
        markdown::inline(title),
        markdown::link(&r.path),
        markdown::inline(&r.kind),
        markdown::inline(&r.parties),
        markdown::inline(&r.status),
        markdown::inline(&r.last),
        markdown::inline(&r.next)
    )
}

/// The full export: every alliance's front matter, sections and items.
pub fn json(docs: &[Alliance], out: &mut dyn Write) -> io::Result<()> {
    let mut export_list = JsonList::start(out)?;
    for doc in docs {
        export_list.push(&export(doc))?;
    }
    export_list.end()
}

/// The full export written one alliance at a time, so that a large
/// repository is never held in memory whole. The bytes are those of
/// `{"version": .., "alliances": [..]}` printed pretty in one piece.
pub struct JsonList<'a> {
    object: crate::escape::json::Pretty<'a>,
}

impl<'a> JsonList<'a> {
    /// The opening of the export.
    pub fn start(out: &'a mut dyn Write) -> io::Result<JsonList<'a>> {
        let mut object = crate::escape::json::Pretty::start(out)?;
        object.field("version", &super::JSON_VERSION)?;
        object.open_array("alliances")?;
        Ok(JsonList { object })
    }

    /// One alliance ([`export`]).
    pub fn push(&mut self, alliance: &Value) -> io::Result<()> {
        self.object.item(alliance)
    }

    /// The close of the export.
    pub fn end(mut self) -> io::Result<()> {
        self.object.close_array()?;
        self.object.end()
    }
}

/// One alliance as JSON.
pub fn export(doc: &Alliance) -> Value {
    let r = row(doc);
    let fields = doc.fields();
    let parties: Vec<Value> = fields
        .map(|f| {
            f.parties
                .iter()
                .map(|p| {
                    let t = |x: &Option<crate::document::Text>| x.as_ref().map(|t| t.value.clone());
                    json!({ "name": t(&p.name), "handle": t(&p.handle), "role": t(&p.role) })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "path": r.path,
        "kind": fields.and_then(|f| f.kind.as_ref()).map(|k| k.value.clone()),
        "title": doc.display_title(),
        "status": r.status,
        "parties": parties,
        "review": {
            "every": fields.and_then(|f| f.review.every.as_ref()).map(|t| t.value.clone()),
            "last": (!r.last.is_empty()).then_some(r.last),
            "next": (!r.next.is_empty()).then_some(r.next),
        },
        "front_matter": doc.front_root().map(|root| root.to_json()),
        "sections": doc.sections.iter().map(|s| section(doc, s)).collect::<Vec<_>>(),
    })
}

fn section(doc: &Alliance, s: &Section) -> Value {
    json!({
        "heading": s.heading.text,
        "line": doc.line_col(s.heading.span.start).0,
        "items": s.items.iter().map(|i| json!({
            "text": i.text,
            "line": doc.line_col(i.span.start).0,
            "depth": i.depth,
            "checked": i.checked,
            "fields": i.fields.iter().map(|f| json!({ "key": f.key, "value": f.value })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
