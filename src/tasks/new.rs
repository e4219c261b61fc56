//! Scaffolding an alliance (`alliance new`): the kind, the variables its
//! template gets (title, parties, cadence, `--set` pairs), the rendered
//! text read back and refused unless it is an alliance of that kind, the
//! path, and the write. Rendering is `write::new`'s; the child process a
//! repository's template renders in is `cli`'s.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::document::dates::Cadence;
use crate::document::{Alliance, FrontMatterBlock};
use crate::kind::{Kind, Kinds, one_of};
use crate::workspace::Workspace;
use crate::write::atomic::{self, Replace, WriteError};
use crate::write::new::{NewParty, ScaffoldError, Variables};
use crate::{Failed, error::SetProblem};

/// The kind named `name`, or a message listing the kinds there are.
pub fn kind<'k>(kinds: &'k Kinds, name: &str) -> Result<&'k Kind, Failed> {
    kinds.get(name).ok_or_else(|| Failed::UnknownKind {
        name: name.to_owned(),
        known: one_of(&kinds.names()),
    })
}

/// `--every`, else the kind's default, else three months.
pub fn cadence(every: Option<&str>, kind: &Kind) -> Result<Cadence, Failed> {
    let text = every
        .or(kind.default_every.as_deref())
        .unwrap_or("3 months");
    text.parse::<Cadence>().map_err(|source| Failed::Cadence {
        flag: "--every",
        source,
    })
}

/// How many parties the kind's schema asks for.
fn min_parties(kind: &Kind) -> usize {
    kind.schema
        .pointer("/properties/parties/minItems")
        .and_then(serde_json::Value::as_u64)
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// A title when none is given: `Team alliance`, or for kinds written per
/// pair of people, `Alliance of Ada Lovelace and Grace Hopper`.
fn default_title(kind: &Kind, parties: &[NewParty]) -> String {
    let per_party = kind
        .default_path
        .as_deref()
        .is_some_and(|p| p.contains("slug"));
    if per_party && !parties.is_empty() {
        let names: Vec<&str> = parties.iter().map(|p| p.name.as_str()).collect();
        let joined = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        return format!("Alliance of {joined}");
    }
    let name = kind.name.replace('-', " ");
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{}{} alliance", first.to_uppercase(), chars.as_str()),
        None => "Alliance".to_owned(),
    }
}

/// The template's variables: the title given (else the kind's default),
/// the parties (at least as many as the kind's schema asks for), today,
/// the cadence (`every`, else the kind's, else three months) and the
/// `--set` pairs (see [`set_pairs`]).
pub fn variables(
    kind: &Kind,
    title: Option<String>,
    parties: Vec<NewParty>,
    today: Date,
    every: Option<&str>,
    set: &[String],
) -> Result<Variables, Failed> {
    enough_parties(kind, &parties)?;
    Ok(Variables {
        title: title.unwrap_or_else(|| default_title(kind, &parties)),
        parties,
        today,
        every: cadence(every, kind)?,
        set: set_pairs(set)?,
    })
}

/// At least as many parties as the kind's schema asks for.
pub fn enough_parties(kind: &Kind, parties: &[NewParty]) -> Result<(), Failed> {
    let needed = min_parties(kind);
    if parties.len() < needed {
        return Err(Failed::TooFewParties {
            kind: kind.name.clone(),
            needed,
        });
    }
    Ok(())
}

/// The `--set KEY=VALUE` pairs, checked: KEY a name (letters, digits, `_`,
/// not starting with a digit), VALUE without control characters but line
/// breaks and tabs, a `status` one of the statuses.
fn set_pairs(values: &[String]) -> Result<Vec<(String, String)>, Failed> {
    values
        .iter()
        .map(|pair| {
            let bad = |problem| Failed::BadSet {
                pair: pair.clone(),
                problem,
            };
            let (key, value) = pair.split_once('=').ok_or(bad(SetProblem::NoEquals))?;
            let key = key.trim();
            let ok = key
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                return Err(bad(SetProblem::BadName(key.to_owned())));
            }
            if value
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
            {
                return Err(Failed::BadSet {
                    pair: key.to_owned(),
                    problem: SetProblem::ControlCharacter,
                });
            }
            if key == "status" && crate::document::Status::parse(value.trim()).is_none() {
                return Err(Failed::BadSet {
                    pair: pair.clone(),
                    problem: SetProblem::NotAStatus,
                });
            }
            Ok((key.to_owned(), value.to_owned()))
        })
        .collect()
}

/// Where a new alliance of `kind` goes when no path is given: the kind's
/// `default_path` (a template), else `KIND_ALLIANCE.md`.
pub fn default_pattern(kind: &Kind) -> String {
    kind.default_path
        .clone()
        .unwrap_or_else(|| format!("{}_ALLIANCE.md", kind.name.to_uppercase().replace('-', "_")))
}

/// The rendered text read back: it must be an alliance (front matter that
/// is a mapping naming a kind).
pub fn read_back(kind: &Kind, text: String) -> Result<Alliance, Failed> {
    let doc = Alliance::parse_text(Path::new("-"), text);
    if !matches!(doc.front, FrontMatterBlock::Mapping { .. }) || !doc.declares_kind() {
        let file = kind
            .template
            .as_ref()
            .map_or("the template", |t| t.name.as_str());
        return Err(Failed::TemplateNotAlliance {
            template: file.to_owned(),
            kind: kind.name.clone(),
        });
    }
    Ok(doc)
}

/// The file to write: `output` when given, else the path the kind's
/// pattern rendered to, from the repository root.
pub fn target(
    workspace: &Workspace,
    kind: &Kind,
    output: Option<&Path>,
    rendered: Option<PathBuf>,
) -> Result<PathBuf, Failed> {
    match (output, rendered) {
        (Some(path), _) => Ok(path.to_path_buf()),
        (None, Some(relative)) => Ok(workspace.root.join(relative)),
        (None, None) => Err(Failed::Scaffold(ScaffoldError::Template {
            file: format!("default_path of kind `{}`", kind.name),
            line: None,
            message: "rendered no path; pass -o PATH".to_owned(),
        })),
    }
}

/// Write `doc` at `path`, over an existing file only when `force`;
/// `shown` names it in the refusal.
pub fn write(
    workspace: &Workspace,
    path: &Path,
    doc: &Alliance,
    force: bool,
    shown: &str,
) -> Result<(), Failed> {
    let replace = if force {
        Replace::Always
    } else {
        Replace::Never
    };
    atomic::write(&workspace.root, path, doc.text.as_bytes(), replace).map_err(|e| match e {
        WriteError::Exists { .. } => Failed::Exists {
            path: shown.to_owned(),
            hint: "overwrite it, or -o PATH to write elsewhere",
        },
        e => Failed::Write(e),
    })
}
