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
use crate::document::yaml::yaml_scalar;
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
    /// The keys added to the front matter (all of them unless merging).
    pub added: Vec<&'static str>,
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
    #[error("{} is already an alliance (`alliance: {kind}`); nothing to adopt", path.display())]
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
            if let Some(existing) = &fields.kind {
                return Err(AdoptError::AlreadyAlliance {
                    path: doc.path.clone(),
                    kind: existing.value.clone(),
                });
            }
            if !options.merge {
                return Err(AdoptError::HasFrontMatter {
                    path: doc.path.clone(),
                });
            }
            let missing = keys(kind, &title, options)
                .into_iter()
                .filter(|(key, _)| root.entry(key).is_none())
                .collect();
            merge(doc, *inner, missing)?
        }
        _ => {
            return Err(cannot(
                doc,
                "the file starts with a `---` line but what follows is not a front-matter mapping",
            ));
        }
    };
    read_back(doc, kind, &text)?;
    Ok(Adopted {
        text,
        title,
        sections: section_matches(doc, kind),
        added,
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

/// The missing keys appended inside an existing block-style mapping.
fn merge(
    doc: &Alliance,
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
    let mut text = doc.text.clone();
    text.insert_str(inner.end, &key_lines(&keys, doc.line_ending.as_str()));
    Ok((text, keys.iter().map(|(k, _)| *k).collect()))
}

/// Read the result back: it must be an alliance of this kind whose body
/// is the original body, byte for byte.
fn read_back(doc: &Alliance, kind: &Kind, text: &str) -> Result<(), AdoptError> {
    let check = Alliance::parse_text(&doc.path, text.to_owned());
    let kind_ok = check
        .fields()
        .and_then(|f| f.kind.as_ref())
        .is_some_and(|k| k.value == kind.name);
    let body_ok = check.text.get(check.body_start..) == doc.text.get(doc.body_start..);
    if kind_ok && body_ok {
        Ok(())
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
        .collect()
}

/// The front-matter keys of an adopted alliance, each with its lines.
fn keys(kind: &Kind, title: &str, options: &AdoptOptions) -> Vec<(&'static str, Vec<String>)> {
    let mut parties = Vec::new();
    if options.parties.is_empty() {
        parties.push("parties: []".to_owned());
    } else {
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
    vec![
        ("alliance", vec![format!("alliance: {}", kind.name)]),
        ("title", vec![format!("title: {}", yaml_scalar(title))]),
        ("parties", parties),
        // The team already works by this agreement: it is in force.
        ("status", vec!["status: active".to_owned()]),
        ("review", review),
    ]
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
