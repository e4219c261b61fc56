//! `alliance new`: render a kind's template into a new alliance.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Failed, SetProblem, isolated};
use crate::clock::today;
use crate::document::dates::Cadence;
use crate::document::{Alliance, FrontMatterBlock};
use crate::kind::{Kind, Kinds, one_of};
use crate::report::sanitize;
use crate::workspace::Workspace;
use crate::write::new::{NewParty, Variables};

pub(super) const NEW_HELP: &str = "\
Renders the kind's template (built-in, or NAME.md.j2 in the repository's kinds
folder) to the kind's path: TEAM_ALLIANCE.md for team, DESIGNED_ALLIANCE.md for
designed, alliances/SLUG.md for one-on-one and alliances/SLUG-working.md for
working (SLUG from the parties' handles). The alliance starts as a draft whose
sections hold the questions to answer; `alliance check` warns about each one
until it is answered. Then set `status: proposed` and each party runs
`alliance agree --as HANDLE`: the last consent makes it active. `--set
status=proposed` starts it as a proposal.

Never overwrites a file unless --force. The environment variable
ALLIANCE_TODAY=YYYY-MM-DD replaces today's date (for reproducible output).

Examples:
  alliance new team --party \"Ada Lovelace <ada>\" --party \"Grace Hopper <grace>\"
  alliance new one-on-one --party Ada --party Grace --every monthly
  alliance new team --party Ada --party Grace -o -     print, write nothing
  alliance new team --party \"Ada <ada>\" --party \"Grace <grace>\" --set status=proposed
  alliance new squad --set channel=#payments ...      a repository kind's variable

Exit codes: 0 written, 2 could not (unknown kind, file exists, template error).";

/// Arguments of `alliance new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The kind of alliance (`alliance kinds` lists them).
    pub kind: String,
    /// Where to write it (default: the kind's path); `-` for standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// The alliance's title.
    #[arg(long)]
    pub title: Option<String>,
    /// A party to the alliance, as "NAME <handle>" (the handle is optional); repeat for each.
    #[arg(long = "party", value_name = "NAME <handle>")]
    pub parties: Vec<String>,
    /// How often to review it: `3 months`, `6 weeks`, `quarterly` (default: the kind's).
    #[arg(long, value_name = "CADENCE")]
    pub every: Option<String>,
    /// A variable for the template, for a repository kind's own variables; repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The kind named `name`, or a message listing the kinds there are.
pub(super) fn kind<'k>(kinds: &'k Kinds, name: &str) -> Result<&'k Kind, Failed> {
    kinds.get(name).ok_or_else(|| Failed::UnknownKind {
        name: name.to_owned(),
        known: one_of(&kinds.names()),
    })
}

/// `--every`, else the kind's default, else three months.
pub(super) fn cadence(every: Option<&str>, kind: &Kind) -> Result<Cadence, Failed> {
    let text = every
        .or(kind.default_every.as_deref())
        .unwrap_or("3 months");
    text.parse::<Cadence>().map_err(|source| Failed::Cadence {
        flag: "--every",
        source,
    })
}

/// The `--party` values, read.
pub(super) fn parties(values: &[String]) -> Result<Vec<NewParty>, Failed> {
    Ok(values
        .iter()
        .map(|v| NewParty::parse(v))
        .collect::<Result<_, _>>()?)
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

/// `path` relative to the current folder when it is under it.
pub(super) fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    sanitize(
        &path
            .strip_prefix(&cwd)
            .unwrap_or(path)
            .display()
            .to_string(),
    )
    .into_owned()
}

/// `alliance new`. It reads as the command's steps in order (settings,
/// render, read back, choose the path, write, tell), each a few lines; it
/// is kept in one piece so the order of refusals is visible at a glance.
pub(super) fn run(args: &NewArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let kind = kind(&workspace.kinds, &args.kind)?;
    let parties = parties(&args.parties)?;
    let needed = min_parties(kind);
    if parties.len() < needed {
        return Err(Failed::TooFewParties {
            kind: kind.name.clone(),
            needed,
        });
    }
    let vars = Variables {
        title: args
            .title
            .clone()
            .unwrap_or_else(|| default_title(kind, &parties)),
        parties,
        today: today()?,
        every: cadence(args.every.as_deref(), kind)?,
        set: set_pairs(&args.set)?,
    };
    let pattern = args.output.is_none().then(|| {
        kind.default_path.clone().unwrap_or_else(|| {
            format!("{}_ALLIANCE.md", kind.name.to_uppercase().replace('-', "_"))
        })
    });
    // A repository's template renders in a child with a memory limit.
    if isolated::is_child() {
        isolated::serve(kind, &vars, pattern.as_deref(), out)?;
        return Ok(0);
    }
    let rendered = isolated::render(kind, &vars, pattern.as_deref())?;
    let doc = Alliance::parse_text(Path::new("-"), rendered.text);
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
    let to_stdout = args.output.as_deref() == Some(Path::new("-"));
    if to_stdout {
        out.write_all(doc.text.as_bytes())?;
        return Ok(0);
    }
    let path: PathBuf = match (&args.output, rendered.path) {
        (Some(path), _) => path.clone(),
        (None, Some(relative)) => workspace.root.join(relative),
        (None, None) => {
            return Err(Failed::Scaffold(
                crate::write::new::ScaffoldError::Template {
                    file: format!("default_path of kind `{}`", kind.name),
                    line: None,
                    message: "rendered no path; pass -o PATH".to_owned(),
                },
            ));
        }
    };
    let shown = shown(&path);
    let replace = if args.force {
        crate::write::atomic::Replace::Always
    } else {
        crate::write::atomic::Replace::Never
    };
    crate::write::atomic::write(&workspace.root, &path, doc.text.as_bytes(), replace).map_err(
        |e| match e {
            crate::write::atomic::WriteError::Exists { .. } => Failed::Exists {
                path: shown.clone(),
                hint: "overwrite it, or -o PATH to write elsewhere",
            },
            e => Failed::Write(e),
        },
    )?;
    let status = doc
        .fields()
        .map_or(crate::document::Status::Draft, |f| f.status());
    writeln!(
        out,
        "wrote {shown}: a {} `{}` alliance, reviewed every {}",
        status.as_str(),
        sanitize(&kind.name),
        vars.every
    )?;
    let next = match status {
        crate::document::Status::Draft => "answer the questions under each heading together, set `status: proposed`, then each party runs `alliance agree --as HANDLE`".to_owned(),
        crate::document::Status::Proposed => "answer the questions under each heading together, then each party runs `alliance agree --as HANDLE` (the last one makes it active)".to_owned(),
        _ => "answer the questions under each heading together".to_owned(),
    };
    writeln!(out, "next: {next}, and run `alliance check {shown}`")?;
    Ok(0)
}
