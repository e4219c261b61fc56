//! Scaffolding: render a kind's template into a new alliance document.
//!
//! Templates are minijinja. A repository's templates are untrusted input:
//! they may include only files from the repository's kinds folder (plus the
//! built-in partials such as `_front_matter.md.j2`), rendering is bounded by
//! fuel and a recursion limit, and every template error names the template's
//! file and line. Variables are strict: a template that uses a variable it
//! was not given fails with the variable's name, and a `--set` value the
//! template never reads is refused, so a typo never renders as an empty
//! string. This module renders text; writing the file is the caller's job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use minijinja::value::{Enumerator, Object, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

use crate::document::dates::Cadence;
use crate::document::yaml::yaml_scalar;
use crate::kind::{Kind, MAX_TEMPLATE_BYTES, Template};

/// Instructions a template may run: the built-in templates use a few
/// hundred; a runaway loop stops here.
pub const FUEL: u64 = 100_000;

/// How deep includes, macros and nested blocks may go.
pub const RECURSION_LIMIT: usize = 64;

/// Partial templates built into the binary, which any template may include.
const BUILTIN_PARTIALS: &[(&str, &str)] = &[(
    "_front_matter.md.j2",
    include_str!("../../templates/_front_matter.md.j2"),
)];

/// The variables every template gets; `--set` may not replace them.
pub const BUILTIN_VARIABLES: &[&str] = &[
    "kind",
    "title",
    "parties",
    "today",
    "every",
    "cadence",
    "next_review",
    "slug",
];

/// One person making the alliance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParty {
    /// Their name.
    pub name: String,
    /// Their git or forge handle, without `@`.
    pub handle: Option<String>,
    /// Their role.
    pub role: Option<String>,
}

impl NewParty {
    /// Read `Ada Lovelace <ada>` (the handle is optional), or with a role
    /// after the handle: `Ada Lovelace <ada> manager` (the role picks the
    /// words the pulse asks them, see docs/pulse.md).
    pub fn parse(text: &str) -> Result<NewParty, ScaffoldError> {
        let bad = |why: &str| ScaffoldError::BadValue {
            what: "--party".to_owned(),
            value: text.to_owned(),
            why: why.to_owned(),
        };
        if text.chars().any(char::is_control) {
            return Err(bad("it holds a control character or a line break"));
        }
        let (text, role) = match text.rfind('>') {
            Some(close) if !text[close + 1..].trim().is_empty() => {
                (&text[..=close], Some(text[close + 1..].trim().to_owned()))
            }
            _ => (text, None),
        };
        let (name, handle) = crate::document::Party::parse_short(text);
        if role.is_some() && handle.is_none() {
            return Err(bad(
                "write a role after the handle: \"Ada Lovelace <ada> manager\"",
            ));
        }
        if name.is_empty() {
            return Err(bad(
                "write it as \"Ada Lovelace <ada>\": a name, then an optional handle",
            ));
        }
        if name.contains(['<', '>']) {
            return Err(bad(
                "write it as \"Ada Lovelace <ada>\", with the handle last",
            ));
        }
        if handle
            .as_deref()
            .is_some_and(|h| h.contains(char::is_whitespace))
        {
            return Err(bad("a handle has no spaces"));
        }
        Ok(NewParty { name, handle, role })
    }
}

/// What `new` renders a template with.
#[derive(Debug, Clone)]
pub struct Variables {
    /// The alliance's title.
    pub title: String,
    /// The parties.
    pub parties: Vec<NewParty>,
    /// The day the alliance is created.
    pub today: Date,
    /// The review cadence.
    pub every: Cadence,
    /// `--set KEY=VALUE` pairs, in the order given.
    pub set: Vec<(String, String)>,
}

/// Why a template could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The kind has no template.
    #[error(
        "kind `{kind}` has no template: add {kind}.md.j2 to the kinds folder named in .alliance.yaml"
    )]
    NoTemplate {
        /// The kind.
        kind: String,
    },
    /// A template failed to parse or render.
    #[error("{}: {message}", location(file, *line))]
    Template {
        /// The template file.
        file: String,
        /// The line, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// An error the isolated renderer (`alliance new` in a child process
    /// with a memory limit) reported, as it worded it.
    #[error("{message}")]
    Relayed {
        /// The child's one-line message.
        message: String,
    },
    /// The template uses a variable nobody gave it.
    #[error("{}: the template uses `{name}`, which was not given; pass it with --set {name}=VALUE", location(file, *line))]
    MissingVariable {
        /// The template file.
        file: String,
        /// The line, when known.
        line: Option<usize>,
        /// The variable.
        name: String,
    },
    /// A `--set` key the template does not use.
    #[error("--set {key}: the `{kind}` template does not use `{key}` (it uses: {used})")]
    UnknownSet {
        /// The key.
        key: String,
        /// The kind.
        kind: String,
        /// The variables the template read.
        used: String,
    },
    /// A `--set` key that names a built-in variable.
    #[error("--set {key}: `{key}` is set by alliance itself; {hint}")]
    ReservedSet {
        /// The key.
        key: String,
        /// What to use instead.
        hint: String,
    },
    /// An argument that cannot go into a document.
    #[error("{what} `{}`: {why}", value.escape_debug())]
    BadValue {
        /// Which argument.
        what: String,
        /// Its value.
        value: String,
        /// Why it is refused.
        why: String,
    },
}

fn location(file: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    }
}

/// The root of the template context: the variables, recording which ones
/// the template looks up.
#[derive(Debug)]
struct Context {
    values: BTreeMap<String, Value>,
    looked_up: Mutex<BTreeSet<String>>,
}

impl Object for Context {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        if let Ok(mut seen) = self.looked_up.lock() {
            seen.insert(key.to_owned());
        }
        self.values.get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(
            self.values
                .keys()
                .map(|k| Value::from(k.as_str()))
                .collect(),
        )
    }
}

/// A URL- and file-name-friendly name for a set of parties: their handles
/// (else names), lower case, joined by `-`. `ada-grace`.
pub fn slug(parties: &[NewParty]) -> String {
    let words: Vec<String> = parties
        .iter()
        .map(|p| {
            let source = p.handle.as_deref().unwrap_or(&p.name);
            slugify(source)
        })
        .filter(|s| !s.is_empty())
        .collect();
    if words.is_empty() {
        "alliance".to_owned()
    } else {
        words.join("-")
    }
}

fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn yaml_filter(value: Value) -> Result<String, Error> {
    if let Some(s) = value.as_str() {
        return Ok(yaml_scalar(s));
    }
    match value.kind() {
        minijinja::value::ValueKind::Number | minijinja::value::ValueKind::Bool => {
            Ok(yaml_scalar(&value.to_string()))
        }
        minijinja::value::ValueKind::None => Ok("null".to_owned()),
        kind => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("the yaml filter takes text, not {kind}"),
        )),
    }
}

/// How a template's files are named in messages.
#[derive(Debug, Clone)]
struct Naming {
    folder: Option<PathBuf>,
}

impl Naming {
    fn file(&self, name: &str) -> String {
        match &self.folder {
            Some(folder) => {
                let path = folder.join(name);
                let cwd = std::env::current_dir().unwrap_or_default();
                path.strip_prefix(&cwd)
                    .unwrap_or(&path)
                    .display()
                    .to_string()
            }
            None => format!("built-in template {name}"),
        }
    }
}

/// Load an included template: from the kinds folder when the kind comes
/// from a repository (never from outside it), else from the built-in
/// partials.
fn load(folder: Option<&Path>, name: &str) -> Result<Option<String>, Error> {
    if let Some(folder) = folder {
        let refuse = |why: &str| {
            Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "cannot include `{name}`: {why}; templates may include only files in {}",
                    folder.display()
                ),
            ))
        };
        let relative = Path::new(name);
        if name.is_empty()
            || !relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return refuse("it is not a plain path inside the kinds folder");
        }
        let path = folder.join(relative);
        if path.symlink_metadata().is_ok() {
            // The kinds folder is the place of its templates: a link in it
            // is followed only when it stays in the folder.
            let root = crate::read::canonical_root(folder);
            let inside = root.join(relative);
            return match crate::read::read_text(&root, &inside, MAX_TEMPLATE_BYTES) {
                Ok(text) => Ok(Some(text)),
                Err(crate::read::FileError::LinkOutside { .. }) => {
                    refuse("it links outside the kinds folder")
                }
                Err(e) => refuse(&e.reason()),
            };
        }
    }
    Ok(BUILTIN_PARTIALS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, source)| (*source).to_owned()))
}

/// The most a template may write: fuel bounds the steps, this bounds what
/// a loop of steps can emit.
const MAX_OUTPUT_BYTES: usize = 4 * 1024 * 1024;

/// A writer that refuses to grow past [`MAX_OUTPUT_BYTES`].
#[derive(Default)]
struct CappedOutput {
    bytes: Vec<u8>,
    exceeded: bool,
}

impl std::io::Write for CappedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.exceeded = true;
            return Err(std::io::Error::other("template output too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The sandboxed environment a template renders in.
fn environment(folder: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_auto_reload(false);
    let mut syntax = minijinja::syntax::SyntaxConfig::builder();
    syntax.keep_trailing_newline(true);
    if let Ok(syntax) = syntax.build() {
        env.set_syntax(syntax);
    }
    env.add_filter("yaml", yaml_filter);
    env.set_loader(move |name| load(folder.as_deref(), name));
    env
}

/// The name a template is registered under: its file name.
fn template_name(template: &Template) -> String {
    Path::new(&template.name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| template.name.clone())
}

/// The built-in variables, as the template sees them.
fn builtin_values(kind: &Kind, vars: &Variables) -> BTreeMap<String, Value> {
    let parties: Vec<Value> = vars
        .parties
        .iter()
        .map(|p| {
            let mut party = BTreeMap::new();
            party.insert("name", Value::from(p.name.as_str()));
            party.insert(
                "handle",
                p.handle.as_deref().map_or(Value::from(()), Value::from),
            );
            party.insert(
                "role",
                p.role.as_deref().map_or(Value::from(()), Value::from),
            );
            Value::from(party)
        })
        .collect();
    let every = vars.every.to_string();
    let next = vars
        .every
        .after(vars.today)
        .map_or(Value::from(()), |d| Value::from(d.to_string()));
    let mut values = BTreeMap::new();
    values.insert("kind".to_owned(), Value::from(kind.name.as_str()));
    values.insert("title".to_owned(), Value::from(vars.title.as_str()));
    values.insert("parties".to_owned(), Value::from(parties));
    values.insert("today".to_owned(), Value::from(vars.today.to_string()));
    values.insert("every".to_owned(), Value::from(every.as_str()));
    values.insert("cadence".to_owned(), Value::from(every.as_str()));
    values.insert("next_review".to_owned(), next);
    values.insert("slug".to_owned(), Value::from(slug(&vars.parties)));
    values
}

/// Render `kind`'s template with `vars`.
pub fn render(kind: &Kind, vars: &Variables) -> Result<String, ScaffoldError> {
    let template = kind
        .template
        .as_ref()
        .ok_or_else(|| ScaffoldError::NoTemplate {
            kind: kind.name.clone(),
        })?;
    if vars.title.chars().any(char::is_control) {
        return Err(ScaffoldError::BadValue {
            what: "--title".to_owned(),
            value: vars.title.clone(),
            why: "a title is one line, without control characters".to_owned(),
        });
    }
    let values = variables(kind, vars)?;
    let naming = Naming {
        folder: template.folder.clone(),
    };
    let name = template_name(template);
    let mut env = environment(template.folder.clone());
    env.add_template_owned(name.clone(), template.source.clone())
        .map_err(|e| template_error(&naming, &name, &e, &BTreeSet::new(), &values))?;
    let context = Arc::new(Context {
        values,
        looked_up: Mutex::new(BTreeSet::new()),
    });
    let looked_up = || {
        context
            .looked_up
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    };
    let compiled = env
        .get_template(&name)
        .map_err(|e| template_error(&naming, &name, &e, &BTreeSet::new(), &context.values))?;
    let mut output = CappedOutput::default();
    let result = compiled
        .render_captured_to(Value::from_dyn_object(context.clone()), &mut output)
        .map(|_| ());
    if output.exceeded {
        return Err(ScaffoldError::Template {
            file: naming.file(&name),
            line: None,
            message: format!(
                "the template's output passed {} MB; no alliance is that long",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            ),
        });
    }
    result.map_err(|e| template_error(&naming, &name, &e, &looked_up(), &context.values))?;
    let rendered = String::from_utf8(output.bytes).map_err(|_| ScaffoldError::Template {
        file: naming.file(&name),
        line: None,
        message: "the template's output is not UTF-8".to_owned(),
    })?;
    every_set_used(
        kind,
        vars,
        &looked_up(),
        &compiled.undeclared_variables(false),
        &context.values,
    )?;
    Ok(rendered)
}

/// The template's variables: the built-in ones and each `--set`, which
/// may not replace a built-in one.
fn variables(kind: &Kind, vars: &Variables) -> Result<BTreeMap<String, Value>, ScaffoldError> {
    let mut values = builtin_values(kind, vars);
    for (key, value) in &vars.set {
        if BUILTIN_VARIABLES.contains(&key.as_str()) {
            let hint = match key.as_str() {
                "title" => "use --title",
                "parties" => "use --party",
                "every" | "cadence" | "next_review" => "use --every",
                _ => "it cannot be changed",
            };
            return Err(ScaffoldError::ReservedSet {
                key: key.clone(),
                hint: hint.to_owned(),
            });
        }
        values.insert(key.clone(), Value::from(value.as_str()));
    }
    Ok(values)
}

/// A `--set` the template never reads is a typo: say which it reads.
fn every_set_used(
    kind: &Kind,
    vars: &Variables,
    used: &BTreeSet<String>,
    declared: &std::collections::HashSet<String>,
    values: &BTreeMap<String, Value>,
) -> Result<(), ScaffoldError> {
    for (key, _) in &vars.set {
        if !used.contains(key) && !declared.contains(key) {
            let names: Vec<&str> = used
                .iter()
                .map(String::as_str)
                .filter(|n| values.contains_key(*n))
                .collect();
            return Err(ScaffoldError::UnknownSet {
                key: key.clone(),
                kind: kind.name.clone(),
                used: names.join(", "),
            });
        }
    }
    Ok(())
}

/// Render a kind's `default_path` (a small template with `slug`, `kind`
/// and `today`). The result must be a relative path that stays inside the
/// repository.
pub fn render_path(pattern: &str, kind: &Kind, vars: &Variables) -> Result<PathBuf, ScaffoldError> {
    let env = environment(None);
    let file = format!("default_path of kind `{}`", kind.name);
    let context = Value::from(builtin_values(kind, vars));
    let rendered = env
        .render_str(pattern, context)
        .map_err(|e| ScaffoldError::Template {
            file: file.clone(),
            line: None,
            message: e.detail().unwrap_or("cannot render").to_owned(),
        })?;
    let path = PathBuf::from(rendered.trim());
    let inside = !path.as_os_str().is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside {
        return Err(ScaffoldError::Template {
            file,
            line: None,
            message: format!(
                "`{}` is not a relative path inside the repository",
                path.display()
            ),
        });
    }
    Ok(path)
}

fn template_error(
    naming: &Naming,
    main: &str,
    error: &Error,
    looked_up: &BTreeSet<String>,
    values: &BTreeMap<String, Value>,
) -> ScaffoldError {
    // The innermost error says where it happened; included templates
    // report their own name.
    let mut inner: &Error = error;
    while let Some(source) =
        std::error::Error::source(inner).and_then(|s| s.downcast_ref::<Error>())
    {
        inner = source;
    }
    let located = if inner.name().is_some() { inner } else { error };
    let file = naming.file(located.name().unwrap_or(main));
    let line = located.line();
    if inner.kind() == ErrorKind::UndefinedError {
        if let Some(name) = looked_up.iter().find(|n| !values.contains_key(*n)) {
            return ScaffoldError::MissingVariable {
                file,
                line,
                name: name.clone(),
            };
        }
    }
    let message = match inner.kind() {
        ErrorKind::OutOfFuel => format!(
            "the template ran more than {FUEL} steps and was stopped (a loop that never ends?)"
        ),
        _ => {
            let detail = inner
                .detail()
                .map(str::to_owned)
                .unwrap_or_else(|| inner.kind().to_string());
            if detail.contains("recursion") {
                format!("{detail} (an include or macro that never ends?)")
            } else {
                detail
            }
        }
    };
    ScaffoldError::Template {
        file,
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_read_back_as_text() {
        assert_eq!(yaml_scalar("Payments team"), "Payments team");
        assert_eq!(yaml_scalar("Ada: the lead"), "\"Ada: the lead\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("2026"), "\"2026\"");
        assert_eq!(yaml_scalar("2026-01-01"), "\"2026-01-01\"");
        assert_eq!(yaml_scalar("3 months"), "3 months");
        assert_eq!(yaml_scalar("# not a comment"), "\"# not a comment\"");
        assert_eq!(yaml_scalar(""), "\"\"");
        assert_eq!(yaml_scalar("say \"hi\"\u{7}"), "\"say \\\"hi\\\"\\x07\"");
        assert_eq!(yaml_scalar("Zoë Müller"), "Zoë Müller");
    }

    #[test]
    fn slugs() {
        let p = |name: &str, handle: Option<&str>| NewParty {
            name: name.to_owned(),
            handle: handle.map(str::to_owned),
            role: None,
        };
        assert_eq!(
            slug(&[p("Ada Lovelace", Some("ada")), p("Grace Hopper", None)]),
            "ada-grace-hopper"
        );
        assert_eq!(slug(&[]), "alliance");
        assert_eq!(slug(&[p("!!", None)]), "alliance");
    }

    #[test]
    fn parties_parse() {
        let ada = NewParty::parse("Ada Lovelace <@ada>").expect("ok");
        assert_eq!(
            (ada.name.as_str(), ada.handle.as_deref()),
            ("Ada Lovelace", Some("ada"))
        );
        assert!(NewParty::parse("<ada>").is_err());
        let lead = NewParty::parse("Ada Lovelace <ada>  manager ").expect("ok");
        assert_eq!(lead.handle.as_deref(), Some("ada"));
        assert_eq!(lead.role.as_deref(), Some("manager"));
        assert_eq!(lead.name, "Ada Lovelace");
        assert!(
            NewParty::parse("Ada Lovelace manager")
                .expect("ok")
                .role
                .is_none()
        );
        assert!(NewParty::parse("Ada\nLovelace").is_err());
    }
}
