//! Kinds of alliance: what a `team` or `one-on-one` alliance must hold.
//!
//! A kind is a definition (`NAME.kind.yaml`: required sections, their
//! aliases, what "has content" means), a JSON Schema for the front matter
//! (`NAME.schema.json`) and, for scaffolding, a template. The built-in kinds
//! live in the repository's `schemas/` folder and are compiled into the
//! binary; a repository may add or override kinds in a folder named in its
//! `.alliance.yaml`. Definitions from a repository are validated when they
//! are loaded: a broken one stops the run with a message naming its file.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

mod definition;

pub use definition::MAX_MINUTES;
use definition::{Definition, Resolved};

use crate::document::{LineIndex, normalize_heading};

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

/// A section a kind asks for.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SectionRule {
    /// The section's name, as the template writes it.
    pub name: String,
    /// Other headings accepted for it.
    pub aliases: Vec<String>,
    /// What counts as content.
    pub content: Content,
    /// What to write there, said to someone whose section is empty.
    pub help: Option<String>,
    /// Whether the section must be there (A030 when it is not). A section
    /// that is not required is still checked for content when present.
    pub required: bool,
    /// Whether its items are the agreements the team pulse asks about
    /// (kept, slipping or broken): `agreements: true` in the definition.
    pub agreements: bool,
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

/// A kind of alliance.
#[derive(Debug)]
pub struct Kind {
    /// Its name, the value of `alliance:`.
    pub name: String,
    /// One line on what it is for.
    pub summary: String,
    /// The summary as written in its definition, or its nearest base's:
    /// what an extending kind's summary quotes.
    written_summary: String,
    /// Where it was defined.
    pub origin: Origin,
    /// Where `new` writes it, a template of its own (`{{ slug }}` allowed).
    pub default_path: Option<String>,
    /// The cadence `new` proposes.
    pub default_every: Option<String>,
    /// The pulse instrument its alliances use unless their front matter's
    /// `pulse.instrument` names another (see [`crate::pulse`]).
    pub instrument: Option<String>,
    /// The sections it requires, in order.
    pub sections: Vec<SectionRule>,
    /// The questions its review meeting asks (`alliance agenda`), in order.
    pub review_questions: Vec<String>,
    /// How long its review meeting lasts by default, in minutes.
    pub review_minutes: Option<u32>,
    /// The front matter's JSON Schema.
    pub schema: serde_json::Value,
    /// The template `new` renders, when the kind has one.
    pub template: Option<Template>,
    /// Each section's name and aliases, normalised once (see
    /// [`normalize_heading`]), with the index of the section, sorted:
    /// matching runs for every heading of every file, in a binary search
    /// however many aliases a repository kind lists.
    section_keys: Vec<(String, usize)>,
    /// For a repository schema: its file and the kinds folder its `$ref`s
    /// may reach.
    schema_home: Option<SchemaHome>,
    /// The kinds folder's files it is made of (see [`Kind::files`]).
    sources: Sources,
    validator: OnceLock<Result<Validator, SchemaCompileError>>,
}

/// The names of the kinds folder's files a kind is made of.
#[derive(Debug, Clone, Default)]
struct Sources {
    /// Its definition, then those of the kinds it extends in the folder.
    definitions: Vec<String>,
    /// The schema it uses, its own or its base's, when the folder gives it.
    schema: Option<String>,
    /// The template it uses, its own or its base's, when the folder gives it.
    template: Option<String>,
}

/// Where a repository's schema lives, for resolving its references.
#[derive(Debug, Clone)]
struct SchemaHome {
    /// The repository root.
    root: PathBuf,
    /// The kinds folder, links resolved.
    folder: PathBuf,
    /// The schema file, links resolved.
    file: PathBuf,
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

/// A kind's JSON Schema that does not compile, in the schema library's
/// words (kept as text so the compiled-once result can be shared).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the `{kind}` kind's schema does not compile: {message}")]
pub struct SchemaCompileError {
    /// The kind.
    pub kind: String,
    /// What the schema library said.
    pub message: String,
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
    pub fn validate(
        &self,
        instance: &serde_json::Value,
    ) -> Result<Vec<SchemaError>, SchemaCompileError> {
        let validator = self
            .validator
            .get_or_init(|| {
                let trusted = self.origin == Origin::BuiltIn;
                compile_schema(&self.name, &self.schema, trusted, self.schema_home.as_ref())
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
        def: Resolved,
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
            written_summary: def.written_summary,
            origin,
            default_path: def.default_path,
            default_every: def.default_every,
            instrument: def.instrument,
            sections: def.sections,
            review_questions: def.review_questions,
            review_minutes: def.review_minutes,
            schema,
            template,
            section_keys,
            schema_home: None,
            sources: Sources::default(),
            validator: OnceLock::new(),
        }
    }

    /// The names of the kinds folder's files this kind is made of: its
    /// definition and those of the kinds it extends, and the schema and
    /// template it uses (its own or its base's) when the folder gives them.
    /// Empty for a built-in kind. A change to one of them changes the
    /// rules of the alliances of this kind.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        let sources = &self.sources;
        sources
            .definitions
            .iter()
            .chain(&sources.schema)
            .chain(&sources.template)
            .map(String::as_str)
    }
}

/// Compile a kind's schema. boon checks every schema against its draft's
/// metaschema first, which costs three quarters of a one-file `check`; the
/// built-in schemas are checked once by a test instead (`trusted`), and boon
/// skips that step for documents it loads from json-schema.org, so they are
/// registered under such an address. Repository schemas are always checked,
/// and their `$ref`s reach only files in the kinds folder (see
/// [`KindsFolderLoader`]).
fn compile_schema(
    name: &str,
    schema: &serde_json::Value,
    trusted: bool,
    home: Option<&SchemaHome>,
) -> Result<Validator, SchemaCompileError> {
    let url = match home {
        _ if trusted => format!("https://json-schema.org/x-alliance-builtin/{name}.schema.json"),
        Some(home) => url::Url::from_file_path(&home.file)
            .map(String::from)
            .unwrap_or_else(|()| format!("alliance:{name}.schema.json")),
        None => format!("alliance:{name}.schema.json"),
    };
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V2020_12);
    compiler.use_loader(Box::new(KindsFolderLoader {
        home: home.cloned(),
    }));
    let failed = |e: boon::CompileError| SchemaCompileError {
        kind: name.to_owned(),
        message: format!("{e:#}"),
    };
    compiler
        .add_resource(&url, schema.clone())
        .map_err(failed)?;
    let index = compiler.compile(&url, &mut schemas).map_err(failed)?;
    Ok(Validator { schemas, index })
}

/// The largest schema file a repository may provide.
const MAX_SCHEMA_BYTES: u64 = 1024 * 1024;

/// The only way a schema's `$ref` reaches another document: a JSON file in
/// the kinds folder, read like every other file (regular, capped, no link
/// out of the repository). Every other address (`file:` outside the
/// folder, `https:`, anything) is refused, so a schema can neither read a
/// local file and echo it in a message nor wait on `/dev/stdin` or the
/// network. The JSON Schema metaschemas are built into boon and need no
/// loading.
struct KindsFolderLoader {
    home: Option<SchemaHome>,
}

/// Why a schema reference was refused.
#[derive(Debug, thiserror::Error)]
enum RefError {
    /// Not a file inside the kinds folder.
    #[error("schemas may refer only to files in the kinds folder{}, not to {url}", folder.as_ref().map(|f| format!(" ({})", f.display())).unwrap_or_default())]
    Outside {
        /// The address.
        url: String,
        /// The kinds folder.
        folder: Option<PathBuf>,
    },
    /// The file could not be read.
    #[error(transparent)]
    File(#[from] crate::read::FileError),
    /// The file is not JSON.
    #[error("{}: not JSON: {source}", path.display())]
    NotJson {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

impl boon::UrlLoader for KindsFolderLoader {
    fn load(&self, url: &str) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        let outside = || RefError::Outside {
            url: url.to_owned(),
            folder: self.home.as_ref().map(|h| h.folder.clone()),
        };
        let home = self.home.as_ref().ok_or_else(outside)?;
        let path = url::Url::parse(url)
            .ok()
            .filter(|u| u.scheme() == "file" && u.host().is_none())
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(outside)?;
        let path = crate::read::lexical(&path);
        if !path.starts_with(&home.folder) {
            return Err(outside().into());
        }
        let real = crate::read::resolve_inside(&home.root, &path)?;
        if !real.starts_with(&home.folder) {
            return Err(outside().into());
        }
        let text = crate::read::read_text(&home.root, &real, MAX_SCHEMA_BYTES)?;
        Ok(serde_json::from_str(&text).map_err(|source| RefError::NotJson { path, source })?)
    }
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
    #[error("cannot read kind definition {source}")]
    Read {
        /// Why, naming the file.
        source: crate::read::FileError,
    },
    /// The kinds folder could not be listed.
    #[error("cannot list the kinds folder {}: {source}", path.display())]
    List {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The kinds folder lies outside the repository.
    #[error("`kinds: {}` in .alliance.yaml leads outside the repository ({reason}); the kinds folder must be inside it", path.display())]
    FolderOutside {
        /// The path.
        path: PathBuf,
        /// How.
        reason: String,
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
    /// The kinds folder holds more definitions than alliance reads.
    #[error("the kinds folder {} holds {count} kind definitions; alliance reads up to {MAX_KINDS}: keep the kinds your alliances use", path.display())]
    TooMany {
        /// The folder.
        path: PathBuf,
        /// How many `*.kind.yaml` files it holds.
        count: usize,
    },
    /// The kinds folder named in the config is a file.
    #[error("kinds: {} (named in .alliance.yaml) is a file; name the folder that holds NAME.kind.yaml files", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
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
    kinds: Vec<Slot>,
}

/// One kind: a built-in one is read from its compiled-in files the first
/// time it is asked for (a one-file `check` needs one kind, not four); a
/// repository's is read when the workspace opens.
#[derive(Debug)]
enum Slot {
    BuiltIn {
        name: &'static str,
        index: usize,
        kind: OnceLock<Kind>,
    },
    Repository(Kind),
}

impl Slot {
    fn name(&self) -> &str {
        match self {
            Slot::BuiltIn { name, .. } => name,
            Slot::Repository(kind) => &kind.name,
        }
    }

    fn kind(&self) -> &Kind {
        match self {
            Slot::BuiltIn { index, kind, .. } => kind.get_or_init(|| load_builtin(*index)),
            Slot::Repository(kind) => kind,
        }
    }
}

/// Read built-in kind `index` from the files compiled into the binary.
fn load_builtin(index: usize) -> Kind {
    let (_, definition, schema, template) = BUILTIN[index];
    let path = PathBuf::from(format!("schemas/builtin-{index}.kind.yaml"));
    // The built-in files are tested to parse (see the tests below); a
    // failure here is a build defect, so it is made loud.
    let def = definition::parse(&path, definition)
        .and_then(|def| definition::resolve(def, None, &path, definition))
        .unwrap_or_else(|e| unreachable!("built-in kind definition does not parse: {e}"));
    let schema = serde_json::from_str(schema)
        .unwrap_or_else(|e| unreachable!("built-in schema is not JSON: {e}"));
    let template = Template {
        name: format!("{}.md.j2", def.name),
        source: template.to_owned(),
        folder: None,
    };
    Kind::from_definition(def, Origin::BuiltIn, schema, Some(template))
}

macro_rules! builtin {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../schemas/", $name, ".kind.yaml")),
            include_str!(concat!("../../schemas/", $name, ".schema.json")),
            include_str!(concat!("../../templates/", $name, ".md.j2")),
        )
    };
}

/// The built-in kinds: name, definition, schema, template.
const BUILTIN: &[(&str, &str, &str, &str)] = &[
    builtin!("team"),
    builtin!("one-on-one"),
    builtin!("designed"),
    builtin!("working"),
];

impl Kinds {
    /// The built-in kinds (each read when first asked for).
    pub fn builtin() -> Kinds {
        let kinds = BUILTIN
            .iter()
            .enumerate()
            .map(|(index, (name, ..))| Slot::BuiltIn {
                name,
                index,
                kind: OnceLock::new(),
            })
            .collect();
        Kinds { kinds }
    }

    /// The built-in kinds plus those defined in `folder`, which override
    /// built-in kinds of the same name and may extend any kind (built in, or
    /// another of the folder's, in any file order).
    ///
    /// `folder` is a folder of the repository at `root`; every file in it is
    /// read through [`crate::read`], with the kinds folder as
    /// its place (a link in it is followed only when it stays in it).
    pub fn with_folder(root: &Path, folder: Option<&Path>) -> Result<Kinds, KindError> {
        let Some(folder) = folder else {
            return Ok(Kinds::builtin());
        };
        let real = kinds_folder(root, folder)?;
        Kinds::from_source(&Source::Folder(&real))
    }

    /// The built-in kinds plus those of a kinds folder whose files are
    /// given as text (file name → text), as [`Kinds::with_folder`] would
    /// read them from `folder`: the files of a commit, say, which the caller
    /// read. Nothing is read from disk; a schema is parsed, not compiled
    /// (its `$ref`s could only be followed on disk).
    pub fn from_texts(folder: &Path, files: &BTreeMap<String, String>) -> Result<Kinds, KindError> {
        Kinds::from_source(&Source::Texts { folder, files })
    }

    /// The kinds of the folder `source` gives, over the built-in ones.
    fn from_source(source: &Source<'_>) -> Result<Kinds, KindError> {
        let pending = definitions(source)?;
        Kinds::build(source, pending)
    }

    /// The kinds [`Kinds::with_folder`] would load once `text` is written
    /// as `NAME.kind.yaml` in `folder`, which need not exist yet: a
    /// definition checked, with every other kind of the folder, before it
    /// is written.
    pub fn with_new_definition(
        root: &Path,
        folder: &Path,
        name: &str,
        text: &str,
    ) -> Result<Kinds, KindError> {
        let (real, mut pending) = if folder.symlink_metadata().is_ok() {
            let real = kinds_folder(root, folder)?;
            let pending = definitions(&Source::Folder(&real))?;
            (real, pending)
        } else {
            (folder.to_path_buf(), Vec::new())
        };
        if pending.len() >= MAX_KINDS {
            return Err(KindError::TooMany {
                path: folder.to_path_buf(),
                count: pending.len() + 1,
            });
        }
        let path = real.join(format!("{name}.kind.yaml"));
        let def = definition::parse(&path, text)?;
        if def.name != name {
            return Err(invalid(
                &path,
                1,
                format!("the definition names kind `{}`, not `{name}`", def.name),
            ));
        }
        if pending.iter().any(|(_, _, d)| d.name == name) {
            return Err(invalid(
                &path,
                1,
                format!("the kinds folder defines `{name}` already"),
            ));
        }
        pending.push((path, text.to_owned(), def));
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        Kinds::build(&Source::Folder(&real), pending)
    }

    /// The built-in kinds plus `pending`, the definitions of the kinds
    /// folder `source` gives, each built after its base.
    fn build(
        source: &Source<'_>,
        pending: Vec<(PathBuf, String, Definition)>,
    ) -> Result<Kinds, KindError> {
        let mut kinds = Kinds::builtin();
        let order = build_order(&pending)?;
        let builtin = Kinds::builtin();
        // Each definition is built once, after its base: a base is looked
        // up by name in a map and shared by reference, never rebuilt.
        let mut built: Vec<Kind> = Vec::with_capacity(pending.len());
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut names_total = 0usize;
        let mut slots: Vec<Option<(PathBuf, String, Definition)>> =
            pending.into_iter().map(Some).collect();
        for i in order {
            let Some((path, text, def)) = slots[i].take() else {
                continue;
            };
            let lookup = Built {
                built: &built,
                by_name: &by_name,
                builtin: &builtin,
            };
            let base = match def.extends.as_deref() {
                None => None,
                // A kind that extends its own name extends the built-in.
                Some(base) if base == def.name => builtin.get(base),
                Some(base) => lookup.get(base),
            };
            let kind = load(source, &path, &text, def, base, &lookup)?;
            names_total += kind.section_keys.len();
            if names_total > MAX_SECTION_NAMES {
                return Err(invalid(
                    &path,
                    1,
                    format!(
                        "the kinds folder's kinds name more than {MAX_SECTION_NAMES} sections and aliases in all (each kind counts those it takes from its base); alliance reads up to that many: extend fewer kinds, or list fewer aliases"
                    ),
                ));
            }
            by_name.insert(kind.name.clone(), built.len());
            built.push(kind);
        }
        // The built-in kinds the folder does not override, then the
        // folder's, in the order they were built.
        kinds.kinds.retain(|k| !by_name.contains_key(k.name()));
        kinds.kinds.extend(built.into_iter().map(Slot::Repository));
        Ok(kinds)
    }

    /// The kind named `name`.
    pub fn get(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.name() == name).map(Slot::kind)
    }

    /// The kind `doc`'s front matter names (`alliance:`), when it is one.
    pub fn of(&self, doc: &crate::document::Alliance) -> Option<&Kind> {
        self.get(&doc.fields()?.kind.as_ref()?.value)
    }

    /// Every kind, built-in first.
    pub fn iter(&self) -> impl Iterator<Item = &Kind> {
        self.kinds.iter().map(Slot::kind)
    }

    /// The names of every kind, for "one of: ..." messages.
    pub fn names(&self) -> Vec<&str> {
        self.kinds.iter().map(Slot::name).collect()
    }
}

/// The most kind definitions a kinds folder may hold. Real folders hold a
/// handful; each kind costs its base's sections and schema again.
pub const MAX_KINDS: usize = 1_000;

/// The longest `extends:` chain: a kind, its base, its base's base...
/// Real chains are one or two deep.
pub const MAX_EXTENDS_DEPTH: usize = 32;

/// The most section names and aliases the folder's kinds may hold in all,
/// counting in each kind those it takes from its base: the bound on the
/// memory the kinds take, however they extend each other.
pub const MAX_SECTION_NAMES: usize = 200_000;

/// The order to build `pending` in: every definition after the one it
/// extends in the folder, by depth, then by file (as the passes that once
/// built them did). Linear in the definitions: each finds its base by one
/// look-up, and each one's depth is worked out once.
fn build_order(pending: &[(PathBuf, String, Definition)]) -> Result<Vec<usize>, KindError> {
    let index: HashMap<&str, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, (_, _, d))| (d.name.as_str(), i))
        .collect();
    let builtin = Kinds::builtin();
    // The base in the folder, if any; a kind extending its own name
    // extends the built-in one. A base that is nowhere is an error.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(pending.len());
    for (i, (_, _, def)) in pending.iter().enumerate() {
        let base = def.extends.as_deref().filter(|b| *b != def.name);
        let up = base.and_then(|b| index.get(b).copied());
        if base.is_some_and(|b| up.is_none() && builtin.get(b).is_none()) {
            return Err(no_base(pending, i));
        }
        parent.push(up);
    }
    let mut depth: Vec<Option<usize>> = vec![None; pending.len()];
    for start in 0..pending.len() {
        // Up to a kind whose depth is known, or to a root...
        let mut chain = vec![start];
        let mut on_chain = std::collections::HashSet::from([start]);
        let mut last = start;
        while depth[last].is_none() {
            let Some(up) = parent[last] else { break };
            if !on_chain.insert(up) {
                return Err(no_base(pending, last));
            }
            chain.push(up);
            last = up;
        }
        // ...and back down, each one deeper than its base.
        let mut d = match depth[last] {
            Some(d) if last != start || chain.len() > 1 => d,
            Some(_) => continue,
            None => 0,
        };
        depth[last] = Some(d);
        for &i in chain.iter().rev().skip(1) {
            d += 1;
            if d >= MAX_EXTENDS_DEPTH {
                let (path, text, def) = &pending[i];
                return Err(invalid(
                    path,
                    line_of_extends(text),
                    format!(
                        "`{}` is more than {MAX_EXTENDS_DEPTH} kinds down a chain of `extends:`; alliance follows chains up to that deep: extend a kind nearer the top",
                        def.name
                    ),
                ));
            }
            depth[i] = Some(d);
        }
    }
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_by_key(|&i| (depth[i], i));
    Ok(order)
}

/// The error for a definition whose `extends:` cannot be followed: its
/// base is nowhere, or the kinds extend each other in a circle.
fn no_base(pending: &[(PathBuf, String, Definition)], at: usize) -> KindError {
    let (path, text, def) = &pending[at];
    let base = def.extends.as_deref().unwrap_or_default();
    let builtin: Vec<&str> = BUILTIN.iter().map(|(name, ..)| *name).collect();
    let mut names = builtin.clone();
    names.extend(
        pending
            .iter()
            .map(|(_, _, d)| d.name.as_str())
            .filter(|n| *n != def.name && !builtin.contains(n))
            .take(40),
    );
    invalid(
        path,
        line_of_extends(text),
        format!(
            "`extends: {base}` names no kind here (or kinds that extend each other in a circle); the kinds are {}",
            one_of(&names)
        ),
    )
}

/// The line of `extends:` in a definition's text (1 when it has none).
fn line_of_extends(text: &str) -> usize {
    text.find("extends:")
        .map_or(1, |at| LineIndex::new(text).line_col(text, at).0)
}

/// The kinds folder `folder` names, links resolved, once checked: inside
/// the repository at `root`, and a folder.
fn kinds_folder(root: &Path, folder: &Path) -> Result<PathBuf, KindError> {
    use crate::read::{self, FileError};
    let root_abs = read::lexical(root);
    let named = read::lexical(folder);
    if named.is_absolute() && root_abs.is_absolute() && !named.starts_with(&root_abs) {
        return Err(KindError::FolderOutside {
            path: folder.to_path_buf(),
            reason: format!("it is not under {}", root.display()),
        });
    }
    let real = match read::resolve_inside(root, folder) {
        Ok(real) => real,
        Err(FileError::NotFound { .. }) => {
            return Err(KindError::NoFolder {
                path: folder.to_path_buf(),
            });
        }
        Err(FileError::LinkOutside { .. }) => {
            return Err(KindError::FolderOutside {
                path: folder.to_path_buf(),
                reason: "through a symbolic link".to_owned(),
            });
        }
        Err(source) => return Err(KindError::Read { source }),
    };
    if !real.is_dir() {
        return Err(KindError::NotAFolder {
            path: folder.to_path_buf(),
        });
    }
    Ok(real)
}

/// Where a kinds folder's files come from: the folder on disk (links
/// resolved), read through [`crate::read`], or their text, given by the
/// caller (a commit's files), as if in `folder`. The folder is flat: a file
/// is named by its file name.
enum Source<'a> {
    /// The folder on disk.
    Folder(&'a Path),
    /// The files' text, by file name.
    Texts {
        /// The folder they are shown in.
        folder: &'a Path,
        /// File name → text.
        files: &'a BTreeMap<String, String>,
    },
}

impl Source<'_> {
    /// The folder, to name its files in messages.
    fn folder(&self) -> &Path {
        match self {
            Source::Folder(folder) | Source::Texts { folder, .. } => folder,
        }
    }

    /// The paths of the folder's files.
    fn paths(&self) -> Result<Vec<PathBuf>, KindError> {
        match self {
            Source::Folder(folder) => Ok(crate::read::list_folder(folder, folder)
                .map_err(|e| KindError::List {
                    path: folder.to_path_buf(),
                    source: std::io::Error::other(e.reason()),
                })?
                .into_iter()
                .map(|e| e.path)
                .collect()),
            Source::Texts { folder, files } => Ok(files.keys().map(|n| folder.join(n)).collect()),
        }
    }

    /// Whether the folder holds `name` (whatever it is: reading it says
    /// why a link out or a pipe is refused).
    fn has(&self, name: &str) -> bool {
        match self {
            Source::Folder(folder) => folder.join(name).symlink_metadata().is_ok(),
            Source::Texts { files, .. } => files.contains_key(name),
        }
    }

    /// The text of the folder's file at `path`, at most `max` bytes.
    fn read(&self, path: &Path, max: u64) -> Result<String, KindError> {
        match self {
            Source::Folder(folder) => read(folder, path, max),
            Source::Texts { files, .. } => {
                let name = file_name(path);
                let text = files.get(&name).ok_or_else(|| KindError::Read {
                    source: crate::read::FileError::NotFound {
                        path: path.to_path_buf(),
                    },
                })?;
                if u64::try_from(text.len()).unwrap_or(u64::MAX) > max {
                    return Err(invalid(path, 1, format!("larger than {max} bytes")));
                }
                Ok(text.clone())
            }
        }
    }
}

/// The file name of `path`, as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The folder's definition files, read and parsed, sorted by path.
fn definitions(source: &Source<'_>) -> Result<Vec<(PathBuf, String, Definition)>, KindError> {
    let folder = source.folder();
    // Every file named *.kind.yaml is read, whatever it is: the reader
    // says why a link out or a pipe is refused.
    let mut entries: Vec<PathBuf> = source
        .paths()?
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".kind.yaml"))
        .collect();
    if entries.len() > MAX_KINDS {
        return Err(KindError::TooMany {
            path: folder.to_path_buf(),
            count: entries.len(),
        });
    }
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        let text = source.read(&path, MAX_DEFINITION_BYTES)?;
        let def = definition::parse(&path, &text)?;
        let stem = file_name(&path).trim_end_matches(".kind.yaml").to_owned();
        if stem != def.name {
            return Err(invalid(
                &path,
                1,
                format!(
                    "the file defines kind `{}` but is named `{stem}.kind.yaml`; name it `{}.kind.yaml`",
                    def.name, def.name
                ),
            ));
        }
        out.push((path, text, def));
    }
    Ok(out)
}

/// The largest template file a repository may provide.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// The largest kind definition a repository may provide.
const MAX_DEFINITION_BYTES: u64 = 1024 * 1024;

/// Read a file of the kinds folder `folder` (links resolved), by the rules
/// of [`crate::read`] with the folder as its place.
fn read(folder: &Path, path: &Path, max: u64) -> Result<String, KindError> {
    let inside = path.file_name().map(|n| folder.join(n)).unwrap_or_default();
    crate::read::read_text(folder, &inside, max).map_err(|source| KindError::Read { source })
}

/// The kinds a definition may build on while a kinds folder is read: the
/// folder's built so far (found by name in one look-up), else the built-in.
struct Built<'a> {
    built: &'a [Kind],
    by_name: &'a HashMap<String, usize>,
    builtin: &'a Kinds,
}

impl<'a> Built<'a> {
    fn get(&self, name: &str) -> Option<&'a Kind> {
        match self.by_name.get(name) {
            Some(&at) => self.built.get(at),
            None => self.builtin.get(name),
        }
    }
}

/// Build one repository kind from its definition, its base, and the
/// schema and template files beside it.
fn load(
    source: &Source<'_>,
    path: &Path,
    text: &str,
    def: Definition,
    base: Option<&Kind>,
    kinds: &Built<'_>,
) -> Result<Kind, KindError> {
    let folder = source.folder();
    // Without a base or a schema of its own, a kind takes the built-in
    // kind's schema of the same name, else the team schema.
    let schema_base = base
        .or_else(|| kinds.get(&def.name))
        .or_else(|| kinds.get("team"));
    let resolved = definition::resolve(def, base, path, text)?;
    let mut sources = Sources {
        definitions: std::iter::once(file_name(path))
            .chain(base.into_iter().flat_map(|b| b.sources.definitions.clone()))
            .collect(),
        schema: base.and_then(|b| b.sources.schema.clone()),
        template: None,
    };
    let (schema, home) = match own_schema(source, &resolved.name)? {
        Some((schema, home)) => {
            sources.schema = Some(format!("{}.schema.json", resolved.name));
            (schema, home)
        }
        None => (derived_schema(schema_base, &resolved.name), None),
    };
    let template_name = format!("{}.md.j2", resolved.name);
    let template_path = folder.join(&template_name);
    let template = if source.has(&template_name) {
        sources.template = Some(template_name);
        Some(Template {
            name: template_path.display().to_string(),
            source: source.read(&template_path, MAX_TEMPLATE_BYTES)?,
            folder: Some(folder.to_path_buf()),
        })
    } else {
        let from = base.or_else(|| kinds.get(&resolved.name));
        sources.template = from.and_then(|k| k.sources.template.clone());
        from.and_then(|k| k.template.clone())
    };
    let mut kind = Kind::from_definition(
        resolved,
        Origin::Repository(path.to_path_buf()),
        schema,
        template,
    );
    kind.schema_home = home;
    kind.sources = sources;
    Ok(kind)
}

/// The kind `name`'s own schema, when the folder holds one: parsed, and
/// compiled (with the home its `$ref`s may reach) when read from disk.
fn own_schema(
    source: &Source<'_>,
    name: &str,
) -> Result<Option<(serde_json::Value, Option<SchemaHome>)>, KindError> {
    let file = format!("{name}.schema.json");
    if !source.has(&file) {
        return Ok(None);
    }
    let folder = source.folder();
    let schema_path = folder.join(&file);
    let text = source.read(&schema_path, MAX_SCHEMA_BYTES)?;
    let schema: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| invalid(&schema_path, e.line(), format!("not JSON: {e}")))?;
    let Source::Folder(_) = source else {
        return Ok(Some((schema, None)));
    };
    let here = SchemaHome {
        root: folder.to_path_buf(),
        file: schema_path.clone(),
        folder: folder.to_path_buf(),
    };
    compile_schema(name, &schema, false, Some(&here))
        .map_err(|e| invalid(&schema_path, 1, format!("not a valid JSON Schema: {e}")))?;
    Ok(Some((schema, Some(here))))
}

/// `base`'s schema made this kind's own: its `alliance:` constant, `$id`
/// and title name `name`.
fn derived_schema(base: Option<&Kind>, name: &str) -> serde_json::Value {
    let mut schema = base.map(|k| k.schema.clone()).unwrap_or_default();
    if let Some(kind) = schema.pointer_mut("/properties/alliance/const") {
        *kind = serde_json::Value::String(name.to_owned());
    }
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$id".to_owned(),
            format!("alliance:{name}.schema.json").into(),
        );
        let title = match base {
            Some(base) => format!(
                "`{name}` alliance front matter (from the `{}` kind)",
                base.name
            ),
            None => format!("`{name}` alliance front matter"),
        };
        object.insert("title".to_owned(), title.into());
    }
    schema
}

fn invalid(path: &Path, line: usize, message: String) -> KindError {
    KindError::Invalid {
        path: path.to_path_buf(),
        line,
        // A message may quote the file: it stays one line.
        message: crate::document::one_line(&message).into_owned(),
    }
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
            if let Err(e) = compile_schema(&kind.name, &kind.schema, false, None) {
                panic!("{} schema: {e}", kind.name);
            }
        }
        let broken = serde_json::json!({ "type": "nonsense" });
        assert!(compile_schema("broken", &broken, false, None).is_err());
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
}
