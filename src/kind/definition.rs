//! A kind's definition file (`NAME.kind.yaml`) as written, and the sections
//! it resolves to. A definition either lists its sections in full, or
//! `extends:` another kind (built in or the repository's) and only says
//! what differs: a section renamed, made optional or not required, given
//! more aliases or other help, or added.
//!
//! ```yaml
//! name: lab
//! extends: team
//! sections:
//!   - name: Atmosphere
//!     rename: Values          # the old name stays an alias
//!   - name: Agreements
//!     aliases: [Process]      # added to the base's aliases
//!   - name: Purpose
//!     required: false         # may be absent altogether
//! ```
//!
//! An extending kind may also take away what it inherits: a base section
//! with `remove_sections: [..]`, a base section's alias with the entry's
//! `remove_aliases: [..]`. Removals apply first, so a heading an alias gave
//! away can then be a section of its own:
//!
//! ```yaml
//! remove_sections: [When it gets hard]
//! sections:
//!   - name: Co-responsibility
//!     remove_aliases: [Accountability]
//!   - name: Accountability     # now a section of its own
//!     content: items
//! ```
//!
//! A section is listed once: an entry that names (by name or alias) a
//! section an earlier entry listed is refused, as is a name or alias
//! shared by two sections.
//!
//! The base's order is kept, new sections coming last, unless the
//! definition says `order: as-listed`: then its sections come first, in the
//! order written, and the base's other sections after them.
//!
//! The review meeting (`alliance agenda`) asks the kind's
//! `review_questions:` (an extending kind inherits its base's, replaces them
//! by writing its own, or adds to them with `more_review_questions:`) and
//! lasts `review_minutes:` unless `--minutes` says otherwise.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{Content, Kind, KindError, SectionRule, invalid};

/// The longest review meeting a kind or `--minutes` may ask for: a day.
pub const MAX_MINUTES: u32 = 1440;
use crate::document::{LineIndex, Span, clip, normalize_heading, yaml};

/// A definition file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Definition {
    pub name: String,
    #[serde(default)]
    pub extends: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub default_path: Option<String>,
    #[serde(default)]
    pub default_every: Option<String>,
    #[serde(default)]
    pub instrument: Option<String>,
    #[serde(default)]
    pub order: Order,
    /// The base's sections this kind does not have, by name.
    #[serde(default)]
    pub remove_sections: Vec<String>,
    #[serde(default)]
    pub sections: Vec<SectionEntry>,
    /// The questions the review meeting asks (`alliance agenda`): replace
    /// the base's.
    #[serde(default)]
    pub review_questions: Option<Vec<String>>,
    /// Questions asked after the base's (or after `review_questions`).
    #[serde(default)]
    pub more_review_questions: Vec<String>,
    /// How long the review meeting is, in minutes (`agenda --minutes`'s default).
    #[serde(default)]
    pub review_minutes: Option<u32>,
}

/// The order of an extending kind's sections.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Order {
    /// The base's order; new sections last.
    #[default]
    Base,
    /// The sections listed first, in the order written; the base's others after.
    AsListed,
}

/// One entry of `sections:`: a whole section, or (in an extending kind)
/// what changes in the base's section of that name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SectionEntry {
    name: String,
    #[serde(default)]
    rename: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    content: Option<Content>,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    required: Option<bool>,
    /// Aliases of the base's section this kind does not accept.
    #[serde(default)]
    remove_aliases: Vec<String>,
    /// The entry's line in the definition (not a key of the file).
    #[serde(skip)]
    line: usize,
    /// Whether the team pulse asks about this section's items (kept,
    /// slipping, broken).
    #[serde(default)]
    agreements: Option<bool>,
}

/// What a definition resolves to once its base is applied.
#[derive(Debug)]
pub(super) struct Resolved {
    pub name: String,
    pub summary: String,
    /// The nearest summary written: its own, else its base's.
    pub written_summary: String,
    pub default_path: Option<String>,
    pub default_every: Option<String>,
    pub instrument: Option<String>,
    pub sections: Vec<SectionRule>,
    pub review_questions: Vec<String>,
    pub review_minutes: Option<u32>,
}

/// Read a definition, pointing at the line of what is wrong.
pub(super) fn parse(path: &Path, text: &str) -> Result<Definition, KindError> {
    let lines = LineIndex::new(text);
    let root = yaml::parse_str(text).map_err(|e| {
        let line = lines.line_col(text, e.span.start).0;
        invalid(path, line, e.message)
    })?;
    let mut def: Definition = serde_json::from_value(root.to_json()).map_err(|e| {
        // serde knows no lines: point at the first node that does not fit.
        let message = clip(&e.to_string(), 200).into_owned();
        let at = offender(&root).unwrap_or(root.span);
        invalid(path, lines.line_col(text, at.start).0, message)
    })?;
    let nodes = root.get("sections").and_then(yaml::Node::as_seq);
    for (entry, node) in def.sections.iter_mut().zip(nodes.unwrap_or_default()) {
        entry.line = lines.line_col(text, node.span.start).0;
    }
    let at = |needle: &str| line_of(text, &lines, needle);
    check_whole(&def, path, &at)?;
    check_review(&def, path, &at)?;
    Ok(def)
}

/// A definition names itself in lower-case letters, digits and dashes, and
/// has sections and a summary of its own unless it `extends:` a kind.
fn check_whole(def: &Definition, path: &Path, at: &dyn Fn(&str) -> usize) -> Result<(), KindError> {
    let name_ok = !def.name.is_empty()
        && def
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(invalid(
            path,
            at("name:"),
            format!(
                "kind name `{}` must be lower-case letters, digits and dashes",
                clip(&def.name, 80)
            ),
        ));
    }
    if def.extends.is_none() && def.sections.is_empty() {
        return Err(invalid(
            path,
            at("sections:"),
            "a kind needs at least one section (or `extends:` a kind to take its sections)".into(),
        ));
    }
    if def.extends.is_none() && !def.remove_sections.is_empty() {
        return Err(invalid(
            path,
            at("remove_sections:"),
            "`remove_sections` needs `extends:`: it takes away sections of the base".into(),
        ));
    }
    if let Some(entry) = def
        .sections
        .iter()
        .find(|e| def.extends.is_none() && !e.remove_aliases.is_empty())
    {
        return Err(invalid(
            path,
            entry.line.max(1),
            "`remove_aliases` needs `extends:`: it takes aliases away from a section of the base"
                .into(),
        ));
    }
    if def.extends.is_none() && def.summary.is_none() {
        return Err(invalid(
            path,
            1,
            "a kind needs a `summary:` line (or `extends:` a kind to take its summary)".into(),
        ));
    }
    Ok(())
}

/// The review's minutes, questions and default cadence, when given, are
/// well formed.
fn check_review(
    def: &Definition,
    path: &Path,
    at: &dyn Fn(&str) -> usize,
) -> Result<(), KindError> {
    if def
        .review_minutes
        .is_some_and(|m| !(1..=MAX_MINUTES).contains(&m))
    {
        return Err(invalid(
            path,
            at("review_minutes:"),
            format!("`review_minutes` is a number of minutes from 1 to {MAX_MINUTES}"),
        ));
    }
    if let Some(bad) = def
        .review_questions
        .iter()
        .flatten()
        .chain(&def.more_review_questions)
        .find(|q| q.trim().is_empty() || q.contains(['\n', '\r']))
    {
        return Err(invalid(
            path,
            at("review_questions:"),
            format!(
                "a review question is one line of text, not `{}`",
                clip(bad, 80)
            ),
        ));
    }
    if let Some(every) = &def.default_every {
        every
            .parse::<crate::document::dates::Cadence>()
            .map_err(|e| invalid(path, at("default_every:"), e.to_string()))?;
    }
    Ok(())
}

/// The first node of a definition that does not fit [`Definition`], in
/// file order, so a message from serde points at the line it is about.
fn offender(root: &yaml::Node) -> Option<Span> {
    use yaml::Value;
    let text = |n: &yaml::Node| matches!(n.value, Value::Str(_));
    let optional_text = |n: &yaml::Node| matches!(n.value, Value::Str(_) | Value::Null);
    let Value::Map(entries) = &root.value else {
        return Some(root.span);
    };
    for (key, value) in entries {
        let fits = match key.as_str() {
            Some("name") => text(value),
            Some("extends" | "summary" | "default_path" | "default_every" | "instrument") => {
                optional_text(value)
            }
            Some("order") => matches!(value.as_str(), Some("base" | "as-listed")),
            Some("review_questions" | "more_review_questions" | "remove_sections") => {
                match value.as_seq() {
                    Some(questions) => {
                        match questions.iter().find(|q| !matches!(q.value, Value::Str(_))) {
                            Some(bad) => return Some(bad.span),
                            None => true,
                        }
                    }
                    None => value.value == Value::Null,
                }
            }
            Some("review_minutes") => {
                matches!(value.value, Value::Int(m) if (1..=1440).contains(&m))
                    || value.value == Value::Null
            }
            Some("sections") => match value.as_seq() {
                Some(sections) => match sections.iter().find_map(section_offender) {
                    Some(at) => return Some(at),
                    None => true,
                },
                None => false,
            },
            _ => return Some(key.span),
        };
        if !fits {
            return Some(value.span);
        }
    }
    None
}

fn section_offender(section: &yaml::Node) -> Option<Span> {
    use yaml::Value;
    let Value::Map(entries) = &section.value else {
        return Some(section.span);
    };
    for (key, value) in entries {
        let fits = match key.as_str() {
            Some("name") => matches!(value.value, Value::Str(_)),
            Some("rename" | "help") => matches!(value.value, Value::Str(_) | Value::Null),
            Some("required" | "agreements") => matches!(value.value, Value::Bool(_) | Value::Null),
            Some("content") => {
                value.value == Value::Null
                    || matches!(value.as_str(), Some("items" | "text" | "any" | "optional"))
            }
            Some("aliases" | "remove_aliases") => match value.as_seq() {
                Some(aliases) => match aliases.iter().find(|a| !matches!(a.value, Value::Str(_))) {
                    Some(bad) => return Some(bad.span),
                    None => true,
                },
                None => false,
            },
            _ => return Some(key.span),
        };
        if !fits {
            return Some(value.span);
        }
    }
    // A required key is missing: point at the section.
    section.get("name").is_none().then_some(section.span)
}

/// Apply `def` to `base` (its `extends:` kind, when it has one).
pub(super) fn resolve(
    def: Definition,
    base: Option<&Kind>,
    path: &Path,
    text: &str,
) -> Result<Resolved, KindError> {
    let lines = LineIndex::new(text);
    let at = |needle: &str| line_of(text, &lines, needle);
    let (mut sections, listed) =
        merge_sections(&def.remove_sections, def.sections, base, path, &at)?;
    if def.order == Order::AsListed {
        sections = as_listed(sections, &listed);
    }
    unique_names(&sections, path, &at)?;
    let mut review_questions = def
        .review_questions
        .or_else(|| base.map(|b| b.review_questions.clone()))
        .unwrap_or_default();
    review_questions.extend(def.more_review_questions);
    Ok(Resolved {
        review_questions,
        review_minutes: def
            .review_minutes
            .or_else(|| base.and_then(|b| b.review_minutes)),
        // The base's own words, not what it took from its base: a chain
        // of kinds does not grow a summary a kind at a time.
        written_summary: def
            .summary
            .clone()
            .or_else(|| base.map(|b| b.written_summary.clone()))
            .unwrap_or_default(),
        summary: def
            .summary
            .or_else(|| base.map(|b| format!("{} (extends `{}`)", b.written_summary, b.name)))
            .unwrap_or_default(),
        default_path: def
            .default_path
            .or_else(|| base.and_then(|b| b.default_path.clone())),
        default_every: def
            .default_every
            .or_else(|| base.and_then(|b| b.default_every.clone())),
        instrument: def
            .instrument
            .or_else(|| base.and_then(|b| b.instrument.clone())),
        name: def.name,
        sections,
    })
}

/// Which section a normalised name belongs to (the first that has it): an
/// entry finds its section in one look-up, so a definition of 20,000
/// entries is not 20,000 scans.
#[derive(Default)]
struct Owners(HashMap<String, usize>);

impl Owners {
    fn claim(&mut self, key: String, i: usize) {
        self.0
            .entry(key)
            .and_modify(|at| *at = (*at).min(i))
            .or_insert(i);
    }

    /// Claim the name and the aliases of `section`, the `i`th.
    fn claim_section(&mut self, section: &SectionRule, i: usize) {
        for name in std::iter::once(&section.name).chain(&section.aliases) {
            self.claim(normalize_heading(name), i);
        }
    }
}

/// The base's sections with `removed` and each entry's `remove_aliases`
/// taken away, then `entries` applied: an entry that names a base section
/// patches it, any other is a whole new section. Returns the sections and,
/// in the order listed, the index of each entry's.
fn merge_sections(
    removed: &[String],
    entries: Vec<SectionEntry>,
    base: Option<&Kind>,
    path: &Path,
    at: &dyn Fn(&str) -> usize,
) -> Result<(Vec<SectionRule>, Vec<usize>), KindError> {
    let mut sections: Vec<SectionRule> = base.map(|b| b.sections.clone()).unwrap_or_default();
    remove_sections(&mut sections, removed, base, path, at)?;
    remove_aliases(&mut sections, &entries, path)?;
    let inherited = sections.len();
    let mut owner = Owners::default();
    for (i, section) in sections.iter().enumerate() {
        owner.claim_section(section, i);
    }
    let mut listed = Vec::new();
    // The line of the entry that listed each section.
    let mut listed_on: HashMap<usize, usize> = HashMap::new();
    // Each patched section's own names, normalised.
    let mut own_names: HashMap<usize, HashSet<String>> = HashMap::new();
    for entry in entries {
        let line = entry.line.max(1);
        match owner.0.get(&normalize_heading(&entry.name)).copied() {
            Some(i) if listed_on.contains_key(&i) => {
                return Err(listed_twice(&sections[i], &entry, listed_on[&i], path));
            }
            Some(i) if i < inherited => {
                let names = own_names.entry(i).or_insert_with(|| {
                    std::iter::once(&sections[i].name)
                        .chain(&sections[i].aliases)
                        .map(|n| normalize_heading(n))
                        .collect()
                });
                for key in patch(&mut sections[i], names, entry) {
                    owner.claim(key, i);
                }
                listed_on.insert(i, line);
                listed.push(i);
            }
            _ => {
                let section = whole(entry, base, path, &|| line)?;
                let i = sections.len();
                owner.claim_section(&section, i);
                sections.push(section);
                listed_on.insert(i, line);
                listed.push(i);
            }
        }
    }
    Ok((sections, listed))
}

/// The error for an entry that lists a section an earlier entry listed.
fn listed_twice(
    section: &SectionRule,
    entry: &SectionEntry,
    first: usize,
    path: &Path,
) -> KindError {
    let message = if normalize_heading(&entry.name) == normalize_heading(&section.name) {
        format!(
            "section `{}` is listed twice (first on line {first}); list each section once",
            clip(&section.name, 80)
        )
    } else {
        format!(
            "`{}` names section `{}`, listed already (on line {first}); list each section once",
            clip(&entry.name, 80),
            clip(&section.name, 80)
        )
    };
    invalid(path, entry.line.max(1), message)
}

/// The index of the section of `sections` that `name` names (by name or
/// alias).
fn find_section(sections: &[SectionRule], name: &str) -> Option<usize> {
    sections.iter().position(|s| s.matches(name))
}

/// Take the base's sections `removed` names away.
fn remove_sections(
    sections: &mut Vec<SectionRule>,
    removed: &[String],
    base: Option<&Kind>,
    path: &Path,
    at: &dyn Fn(&str) -> usize,
) -> Result<(), KindError> {
    let mut gone = HashSet::new();
    for name in removed {
        let key = normalize_heading(name);
        let Some(i) = sections
            .iter()
            .position(|s| normalize_heading(&s.name) == key)
        else {
            let why = match find_section(sections, name) {
                Some(i) => format!(
                    "`remove_sections` names `{}`, an alias of section `{}`; name the section (or take the alias away with its `remove_aliases`)",
                    clip(name, 80),
                    clip(&sections[i].name, 80)
                ),
                None => format!(
                    "`remove_sections` names `{}`, which the `{}` kind does not have (its sections: {})",
                    clip(name, 80),
                    base.map_or("", |b| b.name.as_str()),
                    section_names(sections)
                ),
            };
            return Err(invalid(path, at("remove_sections:"), why));
        };
        gone.insert(i);
    }
    let mut i = 0;
    sections.retain(|_| {
        i += 1;
        !gone.contains(&(i - 1))
    });
    Ok(())
}

/// Take away the aliases each entry's `remove_aliases` names from the base
/// section the entry names.
fn remove_aliases(
    sections: &mut [SectionRule],
    entries: &[SectionEntry],
    path: &Path,
) -> Result<(), KindError> {
    for entry in entries.iter().filter(|e| !e.remove_aliases.is_empty()) {
        let line = entry.line.max(1);
        let Some(i) = find_section(sections, &entry.name) else {
            return Err(invalid(
                path,
                line,
                format!(
                    "`remove_aliases` takes aliases away from a section of the base, and `{}` is none of them (its sections: {})",
                    clip(&entry.name, 80),
                    section_names(sections)
                ),
            ));
        };
        let section = &mut sections[i];
        for alias in &entry.remove_aliases {
            let key = normalize_heading(alias);
            let named_by = normalize_heading(&entry.name) == key;
            let Some(at) = section
                .aliases
                .iter()
                .position(|a| normalize_heading(a) == key)
                .filter(|_| !named_by)
            else {
                return Err(invalid(
                    path,
                    line,
                    format!(
                        "`{}` is not an alias section `{}` can give away (its aliases: {})",
                        clip(alias, 80),
                        clip(&section.name, 80),
                        if section.aliases.is_empty() {
                            "none".to_owned()
                        } else {
                            section.aliases.join(", ")
                        }
                    ),
                ));
            };
            section.aliases.remove(at);
        }
    }
    Ok(())
}

/// The sections' names, for messages.
fn section_names(sections: &[SectionRule]) -> String {
    sections
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sections in the order listed, then the base's others in theirs.
fn as_listed(sections: Vec<SectionRule>, listed: &[usize]) -> Vec<SectionRule> {
    let mut ordered: Vec<Option<SectionRule>> = sections.into_iter().map(Some).collect();
    let mut out: Vec<SectionRule> = listed.iter().filter_map(|&i| ordered[i].take()).collect();
    out.extend(ordered.into_iter().flatten());
    out
}

/// Change a base section as the entry says.
/// `names` holds the section's names, normalised, and is kept so; the
/// names added are returned.
fn patch(
    section: &mut SectionRule,
    names: &mut HashSet<String>,
    entry: SectionEntry,
) -> Vec<String> {
    let mut added = Vec::new();
    if let Some(new_name) = entry.rename {
        let key = normalize_heading(&new_name);
        let old = std::mem::replace(&mut section.name, new_name);
        if names.contains(&key) {
            section.aliases.retain(|a| normalize_heading(a) != key);
        }
        section.aliases.push(old);
        if names.insert(key.clone()) {
            added.push(key);
        }
    }
    for alias in entry.aliases {
        let key = normalize_heading(&alias);
        if names.insert(key.clone()) {
            section.aliases.push(alias);
            added.push(key);
        }
    }
    if let Some(content) = entry.content {
        section.content = content;
    }
    if let Some(help) = entry.help {
        section.help = Some(help);
    }
    if let Some(required) = entry.required {
        section.required = required;
    }
    if let Some(agreements) = entry.agreements {
        section.agreements = agreements;
    }
    added
}

/// A section written in full: it needs its `content:`.
fn whole(
    entry: SectionEntry,
    base: Option<&Kind>,
    path: &Path,
    line: &dyn Fn() -> usize,
) -> Result<SectionRule, KindError> {
    if let Some(rename) = &entry.rename {
        let why = match base {
            Some(base) => format!(
                "`{}` renames a section the `{}` kind does not have (its sections: {})",
                clip(&entry.name, 80),
                base.name,
                section_names(&base.sections)
            ),
            None => format!(
                "`rename: {rename}` needs `extends:`; without a base, write the section's name as you want it"
            ),
        };
        return Err(invalid(path, line(), why));
    }
    let Some(content) = entry.content else {
        return Err(invalid(
            path,
            line(),
            format!(
                "section `{}` needs `content:` (items, text or optional)",
                clip(&entry.name, 80)
            ),
        ));
    };
    Ok(SectionRule {
        name: entry.name,
        aliases: entry.aliases,
        content,
        help: entry.help,
        required: entry.required.unwrap_or(true),
        agreements: entry.agreements.unwrap_or(false),
    })
}

/// No heading may name two sections.
fn unique_names(
    sections: &[SectionRule],
    path: &Path,
    at: &dyn Fn(&str) -> usize,
) -> Result<(), KindError> {
    let mut seen: HashMap<String, (usize, &str)> = HashMap::new();
    for (i, section) in sections.iter().enumerate() {
        for name in std::iter::once(&section.name).chain(&section.aliases) {
            let key = normalize_heading(name);
            if key.is_empty() {
                return Err(invalid(
                    path,
                    at(name),
                    format!("section name `{}` has no letters", clip(name, 80)),
                ));
            }
            if let Some((j, other)) = seen.insert(key, (i, &section.name)) {
                if j != i {
                    return Err(invalid(
                        path,
                        at(name),
                        format!(
                            "`{}` names both section `{}` and section `{}`",
                            clip(name, 80),
                            clip(other, 80),
                            clip(&section.name, 80)
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The line of the first occurrence of `needle`, else 1.
fn line_of(text: &str, lines: &LineIndex, needle: &str) -> usize {
    text.find(needle)
        .map(|at| lines.line_col(text, at).0)
        .unwrap_or(1)
}
