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
use crate::kind::{Kind, SectionRule};
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
    /// The new text, read as the alliance it is.
    pub written: Alliance,
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
    let written = read_back(doc, kind, &text)?;
    Ok(Adopted {
        sections: section_matches(&written, kind),
        parties: written.fields().map_or(0, |f| f.parties.len()),
        written,
        text,
        title,
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
fn read_back(doc: &Alliance, kind: &Kind, text: &str) -> Result<Alliance, AdoptError> {
    let check = Alliance::parse_text(&doc.path, text.to_owned());
    let kind_ok = check
        .fields()
        .and_then(|f| f.kind.as_ref())
        .is_some_and(|k| k.value == kind.name);
    let body_ok = check.text.get(check.body_start..) == doc.text.get(doc.body_start..);
    if kind_ok && body_ok {
        Ok(check)
    } else {
        Err(cannot(
            doc,
            "the keys added would not read back as front matter; add them by hand",
        ))
    }
}

/// Which of the written document's headings answers each of the kind's
/// sections, as `check` matches them (the first that names it; a second
/// is A032), with its line in the written file. A section the kind does
/// not require is only worth naming when the file has it.
fn section_matches(written: &Alliance, kind: &Kind) -> Vec<SectionMatch> {
    let mut first: Vec<Option<&Heading>> = vec![None; kind.sections.len()];
    for section in &written.sections {
        if let Some(rule) = kind.section_for(&section.heading.text) {
            first[rule].get_or_insert(&section.heading);
        }
    }
    kind.sections
        .iter()
        .zip(first)
        .filter(|(rule, heading)| heading.is_some() || rule.required)
        .map(|(rule, heading)| SectionMatch {
            section: rule.name.clone(),
            line: heading.map(|h| written.line_col(h.span.start).0),
            heading: heading.cloned(),
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
/// headings answer best (keeping its template and front-matter schema, and
/// writing out its cadence, instrument and review questions so the kind
/// keeps them without `extends:`), asks for exactly the document's sections
/// in the document's order, and leaves the base's other sections optional.
/// A document without `##` headings gets a kind that asks for no section.
///
/// Headings and sections are matched one to one: of two headings that
/// answer the same section of the base (`## Responsibilities` and
/// `## Accountability`, both aliases of Co-responsibility), the better
/// (its name over an alias, then the first) answers it, and the other
/// becomes a section of its own, the alias taken from the base section. A
/// heading written twice cannot be one section: it is left out of the kind
/// (`left_out`), and so is the base section it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKind {
    /// The built-in kind it extends.
    pub base: String,
    /// The definition file's text (`NAME.kind.yaml`).
    pub definition: String,
    /// The headings written more than once, left out of the kind.
    pub left_out: Vec<String>,
}

/// Why no kind can be made from the document.
#[derive(Debug, thiserror::Error)]
pub enum NewKindError {
    /// The name is not a kind name.
    #[error("kind name `{0}` must be lower-case letters, digits and dashes")]
    BadName(String),
    /// A kind of that name exists already.
    #[error("a kind named `{0}` exists already; choose another name, or adopt with --kind {0}")]
    Exists(String),
    /// A file is where the kind's definition would go.
    #[error("{} exists already; choose another kind name, or move that file", path.display())]
    FileExists {
        /// The file.
        path: std::path::PathBuf,
    },
    /// The kind made would not load (a defect: nothing was written).
    #[error(
        "the kind made from the headings would not load, so nothing was written (please report this): {0}"
    )]
    Invalid(crate::kind::KindError),
    /// Under the kind made, `check` would still find the sections wanting
    /// (a defect: nothing was written).
    #[error("{}: under the kind made from its headings, `check` would still report {}, so nothing was written (please report this)", path.display(), codes.join(", "))]
    StillFindings {
        /// The file.
        path: std::path::PathBuf,
        /// The codes `check` would report.
        codes: Vec<&'static str>,
    },
}

/// The kind `name` for `doc`, extending the closest of the built-in kinds
/// (as `kinds` has them: a repository may override one).
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
    let base = closest(doc, kinds);
    let matching = Matching::new(doc, base);
    let mut text = format!(
        "# The agreement in {}, as it is: its own sections, in its own order.\n\
         # Written by `alliance adopt --new-kind`; edit it as the agreement changes.\n\
         # Sections of `{}` it does not have are optional here.\n\
         name: {name}\nextends: {}\nsummary: {}\n",
        doc.path.display(),
        base.name,
        base.name,
        yaml_scalar(&format!(
            "The agreement in {}, adopted with its own sections.",
            doc.path.display()
        ))
    );
    inherited_settings(base, &mut text);
    text.push_str("order: as-listed\n");
    matching.write(doc, base, &mut text);
    Ok(NewKind {
        base: base.name.clone(),
        definition: text,
        left_out: matching.left_out(doc),
    })
}

/// What the kind takes from `base`, written out so that it keeps them
/// if `extends:` is dropped (a kind without a base falls back to the
/// `working-alliance` instrument and generic review questions).
fn inherited_settings(base: &Kind, text: &mut String) {
    text.push_str(&format!(
        "# Taken from `{}`, written out so the kind keeps them without `extends:`.\n",
        base.name
    ));
    if let Some(every) = &base.default_every {
        text.push_str(&format!("default_every: {}\n", yaml_scalar(every)));
    }
    if let Some(instrument) = &base.instrument {
        text.push_str(&format!("instrument: {}\n", yaml_scalar(instrument)));
    }
    if let Some(minutes) = base.review_minutes {
        text.push_str(&format!("review_minutes: {minutes}\n"));
    }
    if !base.review_questions.is_empty() {
        text.push_str("review_questions:\n");
        for question in &base.review_questions {
            text.push_str(&format!("  - {}\n", yaml_scalar(question)));
        }
    }
}

/// Which heading answers which section of the base, one to one.
struct Matching {
    /// The document's sections whose heading is written once, by index,
    /// with its normalised text.
    headings: Vec<(usize, String)>,
    /// The normalised headings written more than once.
    twice: std::collections::HashSet<String>,
    /// For each of the base's sections, the heading that answers it (an
    /// index into `headings`), or `None`.
    chosen: Vec<Option<usize>>,
}

impl Matching {
    fn new(doc: &Alliance, base: &Kind) -> Matching {
        let mut count: std::collections::HashMap<String, usize> = Default::default();
        let keys: Vec<String> = doc
            .sections
            .iter()
            .map(|s| crate::document::normalize_heading(&s.heading.text))
            .collect();
        for key in keys.iter().filter(|k| !k.is_empty()) {
            *count.entry(key.clone()).or_default() += 1;
        }
        let headings: Vec<(usize, String)> = keys
            .into_iter()
            .enumerate()
            .filter(|(_, k)| count.get(k) == Some(&1))
            .collect();
        let twice = count
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k)
            .collect();
        let mut matching = Matching {
            headings,
            twice,
            chosen: Vec::new(),
        };
        matching.chosen = base
            .sections
            .iter()
            .map(|rule| matching.best_heading(rule))
            .collect();
        matching
    }

    /// Whether the section is taken away: a heading written twice names it.
    fn removed(&self, rule: &SectionRule) -> bool {
        self.twice
            .contains(&crate::document::normalize_heading(&rule.name))
    }

    /// The heading that answers `rule` best: by its name, else by an
    /// alias; the first on a tie.
    fn best_heading(&self, rule: &SectionRule) -> Option<usize> {
        if self.removed(rule) {
            return None;
        }
        let name = crate::document::normalize_heading(&rule.name);
        let answers = |key: &String| {
            std::iter::once(&rule.name)
                .chain(&rule.aliases)
                .any(|n| crate::document::normalize_heading(n) == *key)
        };
        let mut best: Option<(usize, u8)> = None;
        for (at, (_, key)) in self.headings.iter().enumerate() {
            let score = if *key == name { 2 } else { 1 };
            if answers(key) && best.is_none_or(|(_, b)| score > b) {
                best = Some((at, score));
            }
        }
        best.map(|(at, _)| at)
    }

    /// The aliases of `rule` no heading may answer it by: one written
    /// twice, or one that answers it while another heading was chosen.
    fn given_away<'r>(&self, rule: &'r SectionRule, chosen: Option<usize>) -> Vec<&'r str> {
        rule.aliases
            .iter()
            .filter(|alias| {
                let key = crate::document::normalize_heading(alias);
                self.twice.contains(&key)
                    || self
                        .headings
                        .iter()
                        .enumerate()
                        .any(|(at, (_, k))| *k == key && Some(at) != chosen)
            })
            .map(String::as_str)
            .collect()
    }

    /// The headings written twice, as first written.
    fn left_out(&self, doc: &Alliance) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for section in &doc.sections {
            let key = crate::document::normalize_heading(&section.heading.text);
            if self.twice.contains(&key) && seen.insert(key) {
                out.push(section.heading.text.trim().to_owned());
            }
        }
        out
    }

    /// `remove_sections:` and the `sections:` entries: each heading written
    /// once, required, in the document's order (renaming the section of
    /// the base it answers; the base's name stays an alias); then the
    /// base's other sections, optional.
    fn write(&self, doc: &Alliance, base: &Kind, text: &mut String) {
        let removed: Vec<&SectionRule> = base.sections.iter().filter(|r| self.removed(r)).collect();
        if !removed.is_empty() {
            text.push_str(
                "# Written twice in the agreement, so not one section of it.\nremove_sections:\n",
            );
            for rule in removed {
                text.push_str(&format!("  - {}\n", yaml_scalar(&rule.name)));
            }
        }
        text.push_str("sections:\n");
        for (at, (i, _)) in self.headings.iter().enumerate() {
            let section = &doc.sections[*i];
            let heading = section.heading.text.trim();
            match self.chosen.iter().position(|c| *c == Some(at)) {
                Some(r) => {
                    let rule = &base.sections[r];
                    text.push_str(&format!("  - name: {}\n", yaml_scalar(&rule.name)));
                    if rule.name != heading {
                        text.push_str(&format!("    rename: {}\n", yaml_scalar(heading)));
                    }
                    give_away(&self.given_away(rule, Some(at)), text);
                }
                None => text.push_str(&format!("  - name: {}\n", yaml_scalar(heading))),
            }
            text.push_str(&format!(
                "    content: {}\n    required: true\n",
                content_of(section)
            ));
        }
        for (rule, chosen) in base.sections.iter().zip(&self.chosen) {
            if chosen.is_none() && !self.removed(rule) {
                text.push_str(&format!("  - name: {}\n", yaml_scalar(&rule.name)));
                give_away(&self.given_away(rule, None), text);
                text.push_str(&format!(
                    "    content: {}\n    required: false\n",
                    content_word(rule.content)
                ));
            }
        }
    }
}

/// A section entry's `remove_aliases:`, when it has any.
fn give_away(aliases: &[&str], text: &mut String) {
    if aliases.is_empty() {
        return;
    }
    text.push_str("    remove_aliases:\n");
    for alias in aliases {
        text.push_str(&format!("      - {}\n", yaml_scalar(alias)));
    }
}

/// What a section of the document holds, as the kind asks for it: list
/// items, other text, or (when it is empty) nothing.
fn content_of(section: &crate::document::Section) -> &'static str {
    if section.answered_items().next().is_some() {
        "items"
    } else if section.has_content() {
        "text"
    } else {
        "optional"
    }
}

/// A content rule as a definition writes it.
fn content_word(content: crate::kind::Content) -> &'static str {
    match content {
        crate::kind::Content::Items => "items",
        crate::kind::Content::Text => "text",
        crate::kind::Content::Optional => "optional",
    }
}

/// The built-in kind whose sections the document's headings answer most
/// often (the first listed on a tie: `team`), as `kinds` has it.
fn closest<'k>(doc: &Alliance, kinds: &'k crate::kind::Kinds) -> &'k Kind {
    let score = |kind: &Kind| {
        kind.sections
            .iter()
            .filter(|rule| doc.sections.iter().any(|s| rule.matches(&s.heading.text)))
            .count()
    };
    let builtin = crate::kind::Kinds::builtin();
    let mut best: Option<&Kind> = None;
    for kind in builtin
        .names()
        .into_iter()
        .filter_map(|name| kinds.get(name))
    {
        if best.is_none_or(|b| score(kind) > score(b)) {
            best = Some(kind);
        }
    }
    best.unwrap_or_else(|| unreachable!("the built-in kinds are never empty"))
}
