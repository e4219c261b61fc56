//! Kinds of alliance: what a `team` or `one-on-one` alliance must hold.
//!
//! A kind is a definition (`NAME.kind.yaml`: required sections, their
//! aliases, what "has content" means), a JSON Schema for the front matter
//! (`NAME.schema.json`) and, for scaffolding, a template. The built-in kinds
//! live in the repository's `schemas/` folder and are compiled into the
//! binary; a repository may add or override kinds in a folder named in its
//! `.alliance.yaml`. Definitions from a repository are validated when they
//! are loaded: a broken one stops the run with a message naming its file.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::document::LineIndex;
use crate::document::yaml;

/// Where a kind was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into `alliance`.
    BuiltIn,
    /// The repository's own, from this definition file.
    Repository(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn => f.write_str("built-in"),
            Origin::Repository(path) => write!(f, "{}", path.display()),
        }
    }
}

/// What a section needs to count as answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Content {
    /// At least one list item with text.
    Items,
    /// Any prose, list, table or code.
    #[serde(alias = "any")]
    Text,
    /// The section must be there but may be empty.
    Optional,
}

/// A section a kind requires.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionRule {
    /// The section's name, as the template writes it.
    pub name: String,
    /// Other headings accepted for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What counts as content.
    pub content: Content,
    /// What to write there, said to someone whose section is empty.
    #[serde(default)]
    pub help: Option<String>,
}

impl SectionRule {
    /// Whether a heading's text names this section.
    pub fn matches(&self, heading: &str) -> bool {
        let heading = normalize_heading(heading);
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .any(|n| normalize_heading(n) == heading)
    }
}

/// A kind's definition file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Definition {
    name: String,
    summary: String,
    #[serde(default)]
    default_path: Option<String>,
    #[serde(default)]
    default_every: Option<String>,
    sections: Vec<SectionRule>,
}

/// A kind of alliance.
#[derive(Debug)]
pub struct Kind {
    /// Its name, the value of `alliance:`.
    pub name: String,
    /// One line on what it is for.
    pub summary: String,
    /// Where it was defined.
    pub origin: Origin,
    /// Where `new` writes it, a template of its own (`{{ slug }}` allowed).
    pub default_path: Option<String>,
    /// The cadence `new` proposes.
    pub default_every: Option<String>,
    /// The sections it requires, in order.
    pub sections: Vec<SectionRule>,
    /// The front matter's JSON Schema.
    pub schema: serde_json::Value,
    /// The template `new` renders, when the kind has one.
    pub template: Option<Template>,
    /// Each section's name and aliases, normalised once (see
    /// [`normalize_heading`]), with the index of the section, sorted:
    /// matching runs for every heading of every file, in a binary search
    /// however many aliases a repository kind lists.
    section_keys: Vec<(String, usize)>,
    validator: OnceLock<Result<Validator, String>>,
}

/// A template's text and where it came from.
#[derive(Debug, Clone)]
pub struct Template {
    /// The template's file name (for error messages).
    pub name: String,
    /// The template source.
    pub source: String,
    /// The folder a repository template may include from.
    pub folder: Option<PathBuf>,
}

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Validator")
    }
}

/// One way the front matter breaks the kind's JSON Schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    /// JSON pointer to the value (`/parties/0/name`).
    pub pointer: String,
    /// What went wrong.
    pub problem: SchemaProblem,
}

/// The kinds of schema errors that get their own rule.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaProblem {
    /// Required keys are missing from the object at the pointer.
    Missing(Vec<String>),
    /// The value's type is wrong; the types wanted.
    Type {
        /// What the schema accepts.
        want: String,
    },
    /// Anything else, in the validator's words.
    Other(String),
}

impl Kind {
    /// The index of the section rule that `heading` names.
    pub fn section_for(&self, heading: &str) -> Option<usize> {
        let heading = normalize_heading(heading);
        self.section_keys
            .binary_search_by(|(key, _)| key.as_str().cmp(&heading))
            .ok()
            .map(|at| self.section_keys[at].1)
    }

    /// Validate front matter (as JSON) against the kind's schema.
    pub fn validate(&self, instance: &serde_json::Value) -> Result<Vec<SchemaError>, String> {
        let validator = self
            .validator
            .get_or_init(|| {
                let trusted = self.origin == Origin::BuiltIn;
                compile_schema(&self.name, &self.schema, trusted)
            })
            .as_ref()
            .map_err(Clone::clone)?;
        let Err(error) = validator.schemas.validate(instance, validator.index) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        collect_leaves(&error, &mut out);
        Ok(out)
    }

    fn from_definition(
        def: Definition,
        origin: Origin,
        schema: serde_json::Value,
        template: Option<Template>,
    ) -> Kind {
        let mut section_keys: Vec<(String, usize)> = def
            .sections
            .iter()
            .enumerate()
            .flat_map(|(i, section)| {
                std::iter::once(&section.name)
                    .chain(&section.aliases)
                    .map(move |name| (normalize_heading(name), i))
            })
            .collect();
        // The first section to claim a name keeps it.
        section_keys.sort();
        section_keys.dedup_by(|later, first| later.0 == first.0);
        Kind {
            name: def.name,
            summary: def.summary,
            origin,
            default_path: def.default_path,
            default_every: def.default_every,
            sections: def.sections,
            schema,
            template,
            section_keys,
            validator: OnceLock::new(),
        }
    }
}

/// Compile a kind's schema. boon checks every schema against its draft's
/// metaschema first, which costs three quarters of a one-file `check`; the
/// built-in schemas are checked once by a test instead (`trusted`), and boon
/// skips that step for documents it loads from json-schema.org, so they are
/// registered under such an address. Repository schemas are always checked.
fn compile_schema(
    name: &str,
    schema: &serde_json::Value,
    trusted: bool,
) -> Result<Validator, String> {
    let url = if trusted {
        format!("https://json-schema.org/x-alliance-builtin/{name}.schema.json")
    } else {
        format!("alliance:{name}.schema.json")
    };
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V2020_12);
    compiler
        .add_resource(&url, schema.clone())
        .map_err(|e| format!("{e:#}"))?;
    let index = compiler
        .compile(&url, &mut schemas)
        .map_err(|e| format!("{e:#}"))?;
    Ok(Validator { schemas, index })
}

fn collect_leaves(error: &boon::ValidationError<'_, '_>, out: &mut Vec<SchemaError>) {
    if !error.causes.is_empty() {
        for cause in &error.causes {
            collect_leaves(cause, out);
        }
        return;
    }
    let pointer = error.instance_location.to_string();
    let problem = match &error.kind {
        boon::ErrorKind::Required { want } => {
            SchemaProblem::Missing(want.iter().map(|s| (*s).to_owned()).collect())
        }
        boon::ErrorKind::Type { want, .. } => SchemaProblem::Type {
            want: want
                .iter()
                .map(|t| match t.to_string().as_str() {
                    "array" => "a list",
                    "object" => "a mapping",
                    "string" => "text",
                    "integer" => "a whole number",
                    "number" => "a number",
                    "boolean" => "true or false",
                    _ => "nothing",
                })
                .collect::<Vec<_>>()
                .join(" or "),
        },
        kind => SchemaProblem::Other(kind.to_string()),
    };
    out.push(SchemaError { pointer, problem });
}

/// Why the kinds could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KindError {
    /// A definition file could not be read.
    #[error("cannot read kind definition {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A definition file is not valid.
    #[error("{}:{line}: invalid kind definition: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line (1 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The kinds folder named in the config does not exist.
    #[error("kinds folder {} (named in .alliance.yaml) does not exist", path.display())]
    NoFolder {
        /// The folder.
        path: PathBuf,
    },
}

/// The kinds available in a repository: the built-in ones, overridden or
/// extended by the repository's own.
#[derive(Debug)]
pub struct Kinds {
    kinds: Vec<Kind>,
}

macro_rules! builtin {
    ($name:literal) => {
        (
            include_str!(concat!("../schemas/", $name, ".kind.yaml")),
            include_str!(concat!("../schemas/", $name, ".schema.json")),
            include_str!(concat!("../templates/", $name, ".md.j2")),
        )
    };
}

const BUILTIN: &[(&str, &str, &str)] = &[
    builtin!("team"),
    builtin!("one-on-one"),
    builtin!("designed"),
    builtin!("working"),
];

impl Kinds {
    /// The built-in kinds.
    pub fn builtin() -> Kinds {
        let kinds = BUILTIN
            .iter()
            .enumerate()
            .map(|(i, (definition, schema, template))| {
                let path = PathBuf::from(format!("schemas/builtin-{i}.kind.yaml"));
                // The built-in files are tested to parse (see the tests below);
                // a failure here is a build defect, so it is made loud.
                let def = parse_definition(&path, definition).unwrap_or_else(|e| {
                    unreachable!("built-in kind definition does not parse: {e}")
                });
                let schema = serde_json::from_str(schema)
                    .unwrap_or_else(|e| unreachable!("built-in schema is not JSON: {e}"));
                let template = Template {
                    name: format!("{}.md.j2", def.name),
                    source: (*template).to_owned(),
                    folder: None,
                };
                Kind::from_definition(def, Origin::BuiltIn, schema, Some(template))
            })
            .collect();
        Kinds { kinds }
    }

    /// The built-in kinds plus those defined in `folder` (which override
    /// built-in kinds of the same name).
    pub fn with_folder(folder: Option<&Path>) -> Result<Kinds, KindError> {
        let mut kinds = Kinds::builtin();
        let Some(folder) = folder else {
            return Ok(kinds);
        };
        if !folder.is_dir() {
            return Err(KindError::NoFolder {
                path: folder.to_path_buf(),
            });
        }
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| KindError::Read {
                path: path.to_path_buf(),
                source,
            })
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
            .map_err(|source| KindError::Read {
                path: folder.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".kind.yaml"))
            .collect();
        entries.sort();
        for path in entries {
            let def = parse_definition(&path, &read(&path)?)?;
            let stem = path
                .file_name()
                .map(|n| {
                    n.to_string_lossy()
                        .trim_end_matches(".kind.yaml")
                        .to_owned()
                })
                .unwrap_or_default();
            if stem != def.name {
                return Err(invalid(
                    &path,
                    1,
                    format!(
                        "the file defines kind `{name}` but is named `{stem}.kind.yaml`; name it `{name}.kind.yaml`",
                        name = crate::document::clip(&def.name, 80),
                    ),
                ));
            }
            let schema_path = folder.join(format!("{}.schema.json", def.name));
            let schema = if schema_path.exists() {
                let text = read(&schema_path)?;
                let schema: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| invalid(&schema_path, e.line(), format!("not JSON: {e}")))?;
                compile_schema(&def.name, &schema, false).map_err(|e| {
                    invalid(&schema_path, 1, format!("not a valid JSON Schema: {e}"))
                })?;
                schema
            } else {
                // No schema of its own: the built-in one of the same name,
                // else the team schema with this kind's name.
                let base = kinds.get(&def.name).or_else(|| kinds.get("team"));
                let mut schema = base.map(|k| k.schema.clone()).unwrap_or_default();
                if let Some(kind) = schema.pointer_mut("/properties/alliance/const") {
                    *kind = serde_json::Value::String(def.name.clone());
                }
                schema
            };
            let template_path = folder.join(format!("{}.md.j2", def.name));
            let template = if template_path.exists() {
                Some(Template {
                    name: template_path.display().to_string(),
                    source: read(&template_path)?,
                    folder: Some(folder.to_path_buf()),
                })
            } else {
                kinds.get(&def.name).and_then(|k| k.template.clone())
            };
            let kind = Kind::from_definition(def, Origin::Repository(path), schema, template);
            kinds.kinds.retain(|k| k.name != kind.name);
            kinds.kinds.push(kind);
        }
        Ok(kinds)
    }

    /// The kind named `name`.
    pub fn get(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.name == name)
    }

    /// Every kind, built-in first.
    pub fn iter(&self) -> impl Iterator<Item = &Kind> {
        self.kinds.iter()
    }

    /// The names of every kind, for "one of: ..." messages.
    pub fn names(&self) -> Vec<&str> {
        self.kinds.iter().map(|k| k.name.as_str()).collect()
    }
}

fn invalid(path: &Path, line: usize, message: String) -> KindError {
    KindError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The first node of a kind definition that does not fit [`Definition`],
/// in file order, so a message from serde (which knows no lines) points at
/// the line it is about.
fn definition_offender(root: &yaml::Node) -> Option<crate::document::Span> {
    use yaml::Value;
    let text = |node: &yaml::Node| matches!(node.value, Value::Str(_));
    let Value::Map(entries) = &root.value else {
        return Some(root.span);
    };
    for (key, value) in entries {
        match key.as_str() {
            Some("name" | "summary") if !text(value) => return Some(value.span),
            Some("default_path" | "default_every")
                if !text(value) && value.value != Value::Null =>
            {
                return Some(value.span);
            }
            Some("name" | "summary" | "default_path" | "default_every") => {}
            Some("sections") => {
                let Some(sections) = value.as_seq() else {
                    return Some(value.span);
                };
                if let Some(at) = sections.iter().find_map(section_offender) {
                    return Some(at);
                }
            }
            _ => return Some(key.span),
        }
    }
    None
}

fn section_offender(section: &yaml::Node) -> Option<crate::document::Span> {
    use yaml::Value;
    let Value::Map(entries) = &section.value else {
        return Some(section.span);
    };
    for (key, value) in entries {
        let fits = match key.as_str() {
            Some("name") => matches!(value.value, Value::Str(_)),
            Some("help") => matches!(value.value, Value::Str(_) | Value::Null),
            Some("content") => {
                matches!(value.as_str(), Some("items" | "text" | "any" | "optional"))
            }
            Some("aliases") => value
                .as_seq()
                .is_some_and(|a| a.iter().all(|n| matches!(n.value, Value::Str(_)))),
            _ => return Some(key.span),
        };
        if !fits {
            let bad_alias = value
                .as_seq()
                .and_then(|a| a.iter().find(|n| !matches!(n.value, Value::Str(_))));
            return Some(bad_alias.map_or(value.span, |n| n.span));
        }
    }
    // A required key is missing: point at the section.
    let has = |k: &str| section.get(k).is_some();
    (!has("name") || !has("content")).then_some(section.span)
}

fn parse_definition(path: &Path, text: &str) -> Result<Definition, KindError> {
    let lines = LineIndex::new(text);
    let root = yaml::parse_str(text).map_err(|e| {
        let line = lines.line_col(text, e.span.start).0;
        invalid(path, line, e.message)
    })?;
    let def: Definition = serde_json::from_value(root.to_json()).map_err(|e| {
        let at = definition_offender(&root).unwrap_or(root.span);
        let message = crate::document::clip(&e.to_string(), 200).into_owned();
        invalid(path, lines.line_col(text, at.start).0, message)
    })?;
    // Messages point at the node they are about; the text they quote from
    // the file is clipped, so a 200 KB name makes a one-line message.
    let line_at =
        |node: Option<&yaml::Node>| node.map_or(1, |n| lines.line_col(text, n.span.start).0);
    let clip = |s: &str| crate::document::clip(s, 80).into_owned();
    let name_ok = !def.name.is_empty()
        && def
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(invalid(
            path,
            line_at(root.get("name")),
            format!(
                "kind name `{}` must be lower-case letters, digits and dashes",
                clip(&def.name)
            ),
        ));
    }
    let section_nodes = root.get("sections").and_then(yaml::Node::as_seq);
    if def.sections.is_empty() {
        return Err(invalid(
            path,
            line_at(root.get("sections")),
            "a kind needs at least one section".into(),
        ));
    }
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (i, section) in def.sections.iter().enumerate() {
        let node = section_nodes.and_then(|nodes| nodes.get(i));
        let alias_nodes = node
            .and_then(|n| n.get("aliases"))
            .and_then(yaml::Node::as_seq);
        let names = std::iter::once((&section.name, node.and_then(|n| n.get("name")))).chain(
            section
                .aliases
                .iter()
                .enumerate()
                .map(|(j, alias)| (alias, alias_nodes.and_then(|a| a.get(j)))),
        );
        for (name, name_node) in names {
            let key = normalize_heading(name);
            if key.is_empty() {
                return Err(invalid(
                    path,
                    line_at(name_node),
                    format!("section name `{}` has no letters", clip(name)),
                ));
            }
            if let Some(other) = seen.insert(key, &section.name) {
                return Err(invalid(
                    path,
                    line_at(name_node),
                    format!(
                        "`{}` names both section `{}` and section `{}`",
                        clip(name),
                        clip(other),
                        clip(&section.name)
                    ),
                ));
            }
        }
    }
    if let Some(every) = &def.default_every {
        every
            .parse::<crate::document::dates::Cadence>()
            .map_err(|e| invalid(path, line_at(root.get("default_every")), e.to_string()))?;
    }
    Ok(def)
}

/// A heading reduced to what identifies it: lower case, without numbering,
/// emphasis, emoji, punctuation or extra spaces. `### **2. Ground Rules:**`
/// becomes `ground rules`.
pub fn normalize_heading(heading: &str) -> String {
    let words = if heading.is_ascii() {
        // The common case, in one pass without a lower-cased copy.
        let mut out = String::with_capacity(heading.len());
        let mut space = false;
        for b in heading.bytes() {
            if b.is_ascii_alphanumeric() {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else if b != b'\'' {
                space = true;
            }
        }
        out
    } else {
        let lower = heading.to_lowercase();
        let words: String = lower
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '\'' || c == '’' {
                    c
                } else {
                    ' '
                }
            })
            .filter(|c| *c != '\'' && *c != '’')
            .collect();
        words.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // Drop leading numbering (`2.`, `IV.`) but never the last word.
    let mut start = 0;
    while let Some(space) = words[start..].find(' ') {
        let word = &words[start..start + space];
        if !(word.chars().all(|c| c.is_ascii_digit()) || roman(word)) {
            break;
        }
        start += space + 1;
    }
    if start == 0 {
        words
    } else {
        words[start..].to_owned()
    }
}

fn roman(word: &str) -> bool {
    matches!(
        word,
        "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x"
    )
}

/// A span-free helper for messages: the kind names as `a`, `b` or `c`.
pub fn one_of(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_kinds_load_and_compile() {
        let kinds = Kinds::builtin();
        assert_eq!(kinds.names(), ["team", "one-on-one", "designed", "working"]);
        for kind in kinds.iter() {
            let errors = kind
                .validate(&serde_json::json!({}))
                .expect("schema compiles");
            assert!(
                !errors.is_empty(),
                "{} accepts an empty front matter",
                kind.name
            );
        }
    }

    #[test]
    fn builtin_schemas_are_valid_against_the_metaschema() {
        for kind in Kinds::builtin().iter() {
            if let Err(e) = compile_schema(&kind.name, &kind.schema, false) {
                panic!("{} schema: {e}", kind.name);
            }
        }
        let broken = serde_json::json!({ "type": "nonsense" });
        assert!(compile_schema("broken", &broken, false).is_err());
    }

    #[test]
    fn headings_normalize() {
        assert_eq!(normalize_heading("**2. Ground Rules:**"), "ground rules");
        assert_eq!(
            normalize_heading("🤝 Co-responsibility"),
            "co responsibility"
        );
        assert_eq!(
            normalize_heading("How we'll know it's working"),
            "how well know its working"
        );
        assert_eq!(normalize_heading("IV. Goals"), "goals");
        let team = Kinds::builtin();
        let team = team.get("team").expect("team");
        assert_eq!(
            team.section_for("Ground rules"),
            team.section_for("Agreements")
        );
        assert_eq!(team.section_for("1) Purpose"), Some(0));
    }

    /// `normalize_heading` as first written, to hold the fast path to it.
    fn reference_normalize(heading: &str) -> String {
        let lower = heading.to_lowercase();
        let words: String = lower
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '\'' || c == '’' {
                    c
                } else {
                    ' '
                }
            })
            .filter(|c| *c != '\'' && *c != '’')
            .collect();
        let mut words: Vec<&str> = words.split_whitespace().collect();
        while words
            .first()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()) || roman(w))
            && words.len() > 1
        {
            words.remove(0);
        }
        words.join(" ")
    }

    #[test]
    fn heading_fast_path_agrees_with_the_reference() {
        let alphabet = [
            "A", "b", "1", " ", "'", ".", "I", "v", "\t", "É", "’", "Σ", "x", "  ",
        ];
        let mut seed: u64 = 0x1234_5678_9abc_def1;
        for _ in 0..20_000 {
            let mut heading = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                heading.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            assert_eq!(
                normalize_heading(&heading),
                reference_normalize(&heading),
                "{heading:?}"
            );
            seed = seed.wrapping_add(0x9e37_79b9);
        }
    }
}
