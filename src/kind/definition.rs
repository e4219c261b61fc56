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
//! The base's order is kept, new sections coming last, unless the
//! definition says `order: as-listed`: then its sections come first, in the
//! order written, and the base's other sections after them.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::{Content, Kind, KindError, SectionRule, invalid};
use crate::document::{LineIndex, normalize_heading, yaml};

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
    pub order: Order,
    #[serde(default)]
    pub sections: Vec<SectionEntry>,
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
}

/// What a definition resolves to once its base is applied.
#[derive(Debug)]
pub(super) struct Resolved {
    pub name: String,
    pub summary: String,
    pub default_path: Option<String>,
    pub default_every: Option<String>,
    pub sections: Vec<SectionRule>,
}

/// Read a definition, pointing at the line of what is wrong.
pub(super) fn parse(path: &Path, text: &str) -> Result<Definition, KindError> {
    let lines = LineIndex::new(text);
    let root = yaml::parse_str(text).map_err(|e| {
        let line = lines.line_col(text, e.span.start).0;
        invalid(path, line, e.message)
    })?;
    let def: Definition = serde_json::from_value(root.to_json()).map_err(|e| {
        // serde names the key; point at its line when we can find it.
        let message = e.to_string();
        let line = message
            .split('`')
            .nth(1)
            .map_or(1, |key| line_of(text, &lines, &format!("{key}:")));
        invalid(path, line, message)
    })?;
    let name_ok = !def.name.is_empty()
        && def
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(invalid(
            path,
            line_of(text, &lines, "name:"),
            format!(
                "kind name `{}` must be lower-case letters, digits and dashes",
                def.name
            ),
        ));
    }
    if def.extends.is_none() && def.sections.is_empty() {
        return Err(invalid(
            path,
            line_of(text, &lines, "sections:"),
            "a kind needs at least one section (or `extends:` a kind to take its sections)".into(),
        ));
    }
    if def.extends.is_none() && def.summary.is_none() {
        return Err(invalid(
            path,
            1,
            "a kind needs a `summary:` line (or `extends:` a kind to take its summary)".into(),
        ));
    }
    if let Some(every) = &def.default_every {
        every
            .parse::<crate::document::dates::Cadence>()
            .map_err(|e| invalid(path, line_of(text, &lines, "default_every:"), e.to_string()))?;
    }
    Ok(def)
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
    let mut sections: Vec<SectionRule> = base.map(|b| b.sections.clone()).unwrap_or_default();
    let mut listed = Vec::new();
    for entry in def.sections {
        let line = at(&entry.name);
        let found = base.and_then(|_| sections.iter().position(|s| s.matches(&entry.name)));
        match found {
            Some(i) => {
                patch(&mut sections[i], entry);
                listed.push(i);
            }
            None => {
                sections.push(whole(entry, base, path, line)?);
                listed.push(sections.len() - 1);
            }
        }
    }
    if def.order == Order::AsListed {
        let mut ordered: Vec<Option<SectionRule>> = sections.into_iter().map(Some).collect();
        let mut out: Vec<SectionRule> = listed.iter().filter_map(|&i| ordered[i].take()).collect();
        out.extend(ordered.into_iter().flatten());
        sections = out;
    }
    unique_names(&sections, path, &at)?;
    Ok(Resolved {
        summary: def
            .summary
            .or_else(|| base.map(|b| format!("{} (extends `{}`)", b.summary, b.name)))
            .unwrap_or_default(),
        default_path: def
            .default_path
            .or_else(|| base.and_then(|b| b.default_path.clone())),
        default_every: def
            .default_every
            .or_else(|| base.and_then(|b| b.default_every.clone())),
        name: def.name,
        sections,
    })
}

/// Change a base section as the entry says.
fn patch(section: &mut SectionRule, entry: SectionEntry) {
    if let Some(new_name) = entry.rename {
        let old = std::mem::replace(&mut section.name, new_name);
        section
            .aliases
            .retain(|a| normalize_heading(a) != normalize_heading(&section.name));
        section.aliases.push(old);
    }
    for alias in entry.aliases {
        if !section.matches(&alias) {
            section.aliases.push(alias);
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
}

/// A section written in full: it needs its `content:`.
fn whole(
    entry: SectionEntry,
    base: Option<&Kind>,
    path: &Path,
    line: usize,
) -> Result<SectionRule, KindError> {
    if let Some(rename) = &entry.rename {
        let why = match base {
            Some(base) => format!(
                "`{}` renames a section the `{}` kind does not have (its sections: {})",
                entry.name,
                base.name,
                base.sections
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!(
                "`rename: {rename}` needs `extends:`; without a base, write the section's name as you want it"
            ),
        };
        return Err(invalid(path, line, why));
    }
    let Some(content) = entry.content else {
        return Err(invalid(
            path,
            line,
            format!(
                "section `{}` needs `content:` (items, text or optional)",
                entry.name
            ),
        ));
    };
    Ok(SectionRule {
        name: entry.name,
        aliases: entry.aliases,
        content,
        help: entry.help,
        required: entry.required.unwrap_or(true),
    })
}

/// No heading may name two sections.
fn unique_names(
    sections: &[SectionRule],
    path: &Path,
    at: &dyn Fn(&str) -> usize,
) -> Result<(), KindError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for section in sections {
        for name in std::iter::once(&section.name).chain(&section.aliases) {
            let key = normalize_heading(name);
            if key.is_empty() {
                return Err(invalid(
                    path,
                    at(name),
                    format!("section name `{name}` has no letters"),
                ));
            }
            if let Some(other) = seen.insert(key, &section.name) {
                if other != section.name {
                    return Err(invalid(
                        path,
                        at(name),
                        format!(
                            "`{name}` names both section `{other}` and section `{}`",
                            section.name
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
