//! Adopting an agreement a team already has: add front matter so the file
//! becomes an alliance, and change nothing else.
//!
//! The body is never touched: the new text is the front matter followed by
//! every byte of the original (after its BOM, which stays first). With
//! `merge`, a file that already has a front-matter mapping (a Jekyll or
//! GitBook page) gets the missing keys appended inside its block, its own
//! lines left as written. The result is parsed again before it is handed
//! back, so a file that would not read as an alliance is never written.

use std::path::Path;

use jiff::civil::Date;

use crate::document::dates::Cadence;
use crate::document::yaml::{Node, Value, yaml_scalar};
use crate::document::{Alliance, FrontMatterBlock, Heading, Span};
use crate::kind::Kind;
use crate::write::new::NewParty;

/// What `adopt` was asked to do.
#[derive(Debug, Clone)]
pub struct AdoptOptions {
    /// The title; the first heading when absent. A title already in the
    /// front matter is kept.
    pub title: Option<String>,
    /// The parties.
    pub parties: Vec<NewParty>,
    /// The review cadence.
    pub every: Cadence,
    /// The day of adoption: the first review is due one cadence later.
    pub today: Date,
    /// Merge into existing front matter instead of refusing the file.
    pub merge: bool,
}

/// A kind's section and the heading of the file that answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionMatch {
    /// The section's name in the kind.
    pub section: String,
    /// The file's heading, when one matched.
    pub heading: Option<Heading>,
    /// Its line.
    pub line: Option<usize>,
}

/// The adopted file.
#[derive(Debug, Clone)]
pub struct Adopted {
    /// The new text of the file.
    pub text: String,
    /// The title written.
    pub title: String,
    /// Each section of the kind, with the heading that answers it.
    pub sections: Vec<SectionMatch>,
    /// The keys added to the front matter (all of them unless merging;
    /// none when a re-run found nothing missing).
    pub added: Vec<&'static str>,
    /// How many parties the adopted file names.
    pub parties: usize,
}

/// Why a file could not be adopted.
#[derive(Debug, thiserror::Error)]
pub enum AdoptError {
    /// The file has front matter and merging was not asked for.
    #[error("{} already has front matter; pass --merge to add the missing alliance keys to it", path.display())]
    HasFrontMatter {
        /// The file.
        path: std::path::PathBuf,
    },
    /// The file already names a kind.
    #[error("{} is already a `{kind}` alliance; adopt it with --kind {kind} to fill in what is missing, or change `alliance:` by hand", path.display())]
    AlreadyAlliance {
        /// The file.
        path: std::path::PathBuf,
        /// Its kind.
        kind: String,
    },
    /// The front matter cannot be merged into.
    #[error("{}: cannot merge into its front matter: {why}", path.display())]
    CannotMerge {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        why: String,
    },
}

/// Adopt `doc` as an alliance of `kind`.
pub fn adopt(doc: &Alliance, kind: &Kind, options: &AdoptOptions) -> Result<Adopted, AdoptError> {
    let title = title_for(doc, options);
    let (text, added) = match &doc.front {
        FrontMatterBlock::Missing => prepend(doc, keys(kind, &title, options)),
        FrontMatterBlock::Mapping {
            fields,
            inner,
            root,
            ..
        } => {
            match &fields.kind {
                // Adopted before as this kind: fill in what is still missing.
                Some(existing) if existing.value == kind.name => {}
                Some(existing) => {
                    return Err(AdoptError::AlreadyAlliance {
                        path: doc.path.clone(),
                        kind: existing.value.clone(),
                    });
                }
                None if !options.merge => {
                    return Err(AdoptError::HasFrontMatter {
                        path: doc.path.clone(),
                    });
                }
                None => {}
            }
            let missing = keys(kind, &title, options)
                .into_iter()
                .filter(|(key, _)| is_missing(root, key))
                .collect();
            merge(doc, root, *inner, missing)?
        }
        _ => {
            return Err(cannot(
                doc,
                "the file starts with a `---` line but what follows is not a front-matter mapping",
            ));
        }
    };
    let parties = read_back(doc, kind, &text)?;
    Ok(Adopted {
        text,
        title,
        sections: section_matches(doc, kind),
        added,
        parties,
    })
}

fn cannot(doc: &Alliance, why: &str) -> AdoptError {
    AdoptError::CannotMerge {
        path: doc.path.clone(),
        why: why.to_owned(),
    }
}

/// The title: the front matter's, `--title`, the first heading, or one
/// made from the file name, in that order.
fn title_for(doc: &Alliance, options: &AdoptOptions) -> String {
    doc.fields()
        .and_then(|f| f.title.as_ref())
        .map(|t| t.value.clone())
        .or_else(|| options.title.clone())
        .or_else(|| doc.title.as_ref().map(|h| h.text.trim().to_owned()))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title_from_path(&doc.path))
}

/// The keys' lines, each ended in the file's own line ending.
fn key_lines(keys: &[(&'static str, Vec<String>)], nl: &str) -> String {
    let mut out = String::new();
    for line in keys.iter().flat_map(|(_, lines)| lines) {
        out.push_str(line);
        out.push_str(nl);
    }
    out
}

/// A new front-matter block before the first byte of the body (after a BOM).
fn prepend(doc: &Alliance, keys: Vec<(&'static str, Vec<String>)>) -> (String, Vec<&'static str>) {
    let nl = doc.line_ending.as_str();
    let bom_len = if doc.bom { '\u{feff}'.len_utf8() } else { 0 };
    let front = format!("---{nl}{}---{nl}", key_lines(&keys, nl));
    let mut text = String::with_capacity(doc.text.len() + front.len());
    text.push_str(&doc.text[..bom_len]);
    text.push_str(&front);
    text.push_str(&doc.text[bom_len..]);
    (text, keys.iter().map(|(k, _)| *k).collect())
}

/// Whether `key` is absent from the front matter, or present with nothing
/// in it (`parties: []`, `parties:`), which a re-run may fill.
fn is_missing(root: &Node, key: &str) -> bool {
    match root.entry(key) {
        None => true,
        Some((_, value)) => match &value.value {
            Value::Null => true,
            Value::Seq(items) => items.is_empty(),
            _ => false,
        },
    }
}

/// The missing keys appended inside an existing block-style mapping; an
/// empty entry of the same key (`parties: []`) is removed first.
fn merge(
    doc: &Alliance,
    root: &Node,
    inner: Span,
    keys: Vec<(&'static str, Vec<String>)>,
) -> Result<(String, Vec<&'static str>), AdoptError> {
    let block_style = doc
        .text
        .get(inner.start..inner.end)
        .is_some_and(|t| !t.trim_start().starts_with('{'));
    if !block_style {
        return Err(cannot(
            doc,
            "it is a flow mapping (`{...}`); add the keys by hand",
        ));
    }
    // The empty entries' lines, last first so earlier offsets stay right.
    let mut empty: Vec<Span> = keys
        .iter()
        .filter_map(|(key, _)| root.entry(key))
        .map(|(k, v)| {
            Span::new(
                line_start(&doc.text, k.span.start),
                line_end(&doc.text, v.span.end),
            )
        })
        .collect();
    empty.sort_by_key(|s| std::cmp::Reverse(s.start));
    let mut text = doc.text.clone();
    let mut insert_at = inner.end;
    for span in empty {
        if span.end > inner.end || span.start < inner.start {
            return Err(cannot(doc, "an empty key spans more than its own line"));
        }
        text.replace_range(span.start..span.end, "");
        insert_at -= span.end - span.start;
    }
    text.insert_str(insert_at, &key_lines(&keys, doc.line_ending.as_str()));
    Ok((text, keys.iter().map(|(k, _)| *k).collect()))
}

/// The start of the line that holds byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Just past the line ending of the line that holds byte `at`.
fn line_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| at + i + 1)
}

/// Read the result back: it must be an alliance of this kind whose body
/// is the original body, byte for byte.
fn read_back(doc: &Alliance, kind: &Kind, text: &str) -> Result<usize, AdoptError> {
    let check = Alliance::parse_text(&doc.path, text.to_owned());
    let kind_ok = check
        .fields()
        .and_then(|f| f.kind.as_ref())
        .is_some_and(|k| k.value == kind.name);
    let body_ok = check.text.get(check.body_start..) == doc.text.get(doc.body_start..);
    if kind_ok && body_ok {
        Ok(check.fields().map_or(0, |f| f.parties.len()))
    } else {
        Err(cannot(
            doc,
            "the keys added would not read back as front matter; add them by hand",
        ))
    }
}

/// Which of the document's headings answers each of the kind's sections.
fn section_matches(doc: &Alliance, kind: &Kind) -> Vec<SectionMatch> {
    kind.sections
        .iter()
        .map(|rule| {
            let heading = doc
                .sections
                .iter()
                .find(|s| rule.matches(&s.heading.text))
                .map(|s| s.heading.clone());
            let line = heading.as_ref().map(|h| doc.line_col(h.span.start).0);
            SectionMatch {
                section: rule.name.clone(),
                heading,
                line,
            }
        })
        // A section the kind does not require is only worth naming when
        // the file has it.
        .filter(|m| {
            m.heading.is_some()
                || kind
                    .sections
                    .iter()
                    .any(|r| r.name == m.section && r.required)
        })
        .collect()
}

/// The front-matter keys of an adopted alliance, each with its lines.
fn keys(kind: &Kind, title: &str, options: &AdoptOptions) -> Vec<(&'static str, Vec<String>)> {
    // Without parties, no `parties:` key: `check` asks for it and a re-run
    // with --party fills it in.
    let mut parties = Vec::new();
    if !options.parties.is_empty() {
        parties.push("parties:".to_owned());
        for party in &options.parties {
            parties.push(format!("  - name: {}", yaml_scalar(&party.name)));
            if let Some(handle) = &party.handle {
                parties.push(format!("    handle: {}", yaml_scalar(handle)));
            }
            if let Some(role) = &party.role {
                parties.push(format!("    role: {}", yaml_scalar(role)));
            }
        }
    }
    let mut review = vec![
        "review:".to_owned(),
        format!("  every: {}", yaml_scalar(&options.every.to_string())),
    ];
    if let Some(next) = options.every.after(options.today) {
        review.push(format!("  next: {next}"));
    }
    let mut keys = vec![
        ("alliance", vec![format!("alliance: {}", kind.name)]),
        ("title", vec![format!("title: {}", yaml_scalar(title))]),
        ("parties", parties),
        // The team already works by this agreement: it is in force.
        ("status", vec!["status: active".to_owned()]),
        ("review", review),
    ];
    keys.retain(|(_, lines)| !lines.is_empty());
    keys
}

/// A title from a file name: `team-norms.md` becomes `Team norms`.
fn title_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words = stem.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Alliance".to_owned(),
    }
}

/// A repository kind made from a document's own `##` headings, for
/// `adopt --new-kind`: it extends the built-in kind whose sections the
/// headings answer best (keeping its cadence, template and front-matter
/// schema), asks for exactly the document's sections in the document's
/// order, and leaves the base's other sections optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKind {
    /// The built-in kind it extends.
    pub base: String,
    /// The definition file's text (`NAME.kind.yaml`).
    pub definition: String,
}

/// Why no kind can be made from the document.
#[derive(Debug, thiserror::Error)]
pub enum NewKindError {
    /// The document has no `##` sections to make a kind of.
    #[error("{} has no `##` sections to make a kind from; adopt it with --kind instead", path.display())]
    NoSections {
        /// The file.
        path: std::path::PathBuf,
    },
    /// The name is not a kind name.
    #[error("kind name `{0}` must be lower-case letters, digits and dashes")]
    BadName(String),
    /// A kind of that name exists already.
    #[error("a kind named `{0}` exists already; choose another name, or adopt with --kind {0}")]
    Exists(String),
}

/// The kind `name` for `doc`, extending the closest of `builtin`.
pub fn new_kind(
    doc: &Alliance,
    name: &str,
    kinds: &crate::kind::Kinds,
) -> Result<NewKind, NewKindError> {
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(NewKindError::BadName(name.to_owned()));
    }
    if kinds.get(name).is_some() {
        return Err(NewKindError::Exists(name.to_owned()));
    }
    if doc.sections.is_empty() {
        return Err(NewKindError::NoSections {
            path: doc.path.clone(),
        });
    }
    let builtin = crate::kind::Kinds::builtin();
    let base = closest(doc, &builtin);
    let mut text = format!(
        "# The agreement in {}, as it is: its own sections, in its own order.\n\
         # Written by `alliance adopt --new-kind`; edit it as the agreement changes.\n\
         # Sections of `{}` it does not have are optional here.\n\
         name: {name}\nextends: {}\nsummary: {}\norder: as-listed\nsections:\n",
        doc.path.display(),
        base.name,
        base.name,
        yaml_scalar(&format!(
            "The agreement in {}, adopted with its own sections.",
            doc.path.display()
        ))
    );
    section_entries(doc, base, &mut text);
    Ok(NewKind {
        base: base.name.clone(),
        definition: text,
    })
}

/// The `sections:` entries of a new kind for `doc`: each of its headings,
/// once, required, in its order (renaming the section of `base` it
/// answers); then `base`'s other sections, optional.
fn section_entries(doc: &Alliance, base: &Kind, text: &mut String) {
    let mut seen = std::collections::HashSet::new();
    for section in &doc.sections {
        // A heading with no words cannot name a section; one written twice
        // is asked for once.
        let key = crate::document::normalize_heading(&section.heading.text);
        if key.is_empty() || !seen.insert(key) {
            continue;
        }
        let content = if section.answered_items().next().is_some() {
            "items"
        } else {
            "text"
        };
        let heading = section.heading.text.trim();
        // A heading that answers one of the base's sections renames it, so
        // the kind speaks the agreement's words; the base's name stays an
        // alias.
        match base.sections.iter().find(|r| r.matches(heading)) {
            Some(rule) if rule.name != heading => text.push_str(&format!(
                "  - name: {}\n    rename: {}\n",
                yaml_scalar(&rule.name),
                yaml_scalar(heading)
            )),
            _ => text.push_str(&format!("  - name: {}\n", yaml_scalar(heading))),
        }
        text.push_str(&format!("    content: {content}\n    required: true\n"));
    }
    for rule in &base.sections {
        if !doc.sections.iter().any(|s| rule.matches(&s.heading.text)) {
            text.push_str(&format!(
                "  - name: {}\n    required: false\n",
                yaml_scalar(&rule.name)
            ));
        }
    }
}

/// The built-in kind whose sections the document's headings answer most
/// often (the first listed on a tie: `team`).
fn closest<'k>(doc: &Alliance, builtin: &'k crate::kind::Kinds) -> &'k Kind {
    let score = |kind: &Kind| {
        kind.sections
            .iter()
            .filter(|rule| doc.sections.iter().any(|s| rule.matches(&s.heading.text)))
            .count()
    };
    let mut best: Option<&Kind> = None;
    for kind in builtin.iter() {
        if best.is_none_or(|b| score(kind) > score(b)) {
            best = Some(kind);
        }
    }
    best.unwrap_or_else(|| unreachable!("the built-in kinds are never empty"))
}
