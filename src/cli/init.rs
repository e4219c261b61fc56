//! `alliance init`: set up a repository: `.alliance.yaml` with commented
//! defaults and, with `--ci`, a job for the CI service. Each part is
//! created when missing and kept when present, so `init` then
//! `init --ci github` just works; `--force` rewrites only what the command
//! line names, never an edited config behind a CI file.

use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Failed;
use crate::workspace::Workspace;
use crate::workspace::config::{FILE_NAME, repository_root};

pub(super) const INIT_HELP: &str = "\
Each part (the config, the CI job) is created when missing and kept when
present, so running init again, or adding --ci later, is safe. --force
rewrites only what the command names: the config for a bare `init`, the CI
job with --ci. A GitLab pipeline of your own is never replaced: the job is
written to .gitlab/alliance.yml for you to include.

Examples:
  alliance init
  alliance init --ci github     also write .github/workflows/alliance.yml
  alliance init --ci gitlab     also write .gitlab-ci.yml (or .gitlab/alliance.yml to include)
  alliance init --ci github --schedule
                                also the weekly reminder workflow (`ci remind`)
  alliance init --ci gitlab --schedule
                                also .gitlab/alliance-remind.yml (`ci remind`)
  alliance init --ci github --pages
                                also publish the site (`alliance site`) on GitHub Pages";

/// CI services `init` can set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ci {
    /// A GitHub Actions workflow using the alliance action.
    Github,
    /// A GitLab CI job with a JUnit report.
    Gitlab,
}

/// Arguments of `alliance init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Also write a CI workflow for this service.
    #[arg(long, value_enum)]
    pub ci: Option<Ci>,
    /// With --ci: also write a scheduled job that keeps one issue open per alliance
    /// with a review due (`alliance ci remind`).
    #[arg(long, requires = "ci")]
    pub schedule: bool,
    /// Rewrite what this command names (the config, or the CI job with --ci) even if present.
    #[arg(long)]
    pub force: bool,
    /// With --ci, also write a job that builds the site (`alliance site`) and publishes it on GitHub or GitLab Pages.
    #[arg(long, requires = "ci")]
    pub pages: bool,
}

const CONFIG: &str = "\
# alliance settings. Every key is optional; unknown keys are refused.
#
# A folder with the repository's own kinds of alliance, relative to this file:
# NAME.kind.yaml (required sections), NAME.schema.json (front matter) and
# NAME.md.j2 (the template `alliance new NAME` renders).
# kinds: alliance-kinds
#
# Globs (gitignore syntax) that discovery skips.
# exclude:
#   - archive/**
#
# Globs of files that are alliances whatever their name or front matter says
# (discovery finds *ALLIANCE*.md and Markdown, Quarto, R Markdown and MDX
# files whose front matter has `alliance:` without help).
# include:
#   - agreements/*.md
#
# Consent: what proves a party's `consent:` entry (docs/consent.md). By
# default an entry counts when the party committed it themselves (their
# party's `email:` or their forge no-reply address: `authored`); `signed`
# counts only commits signed with a key in the allowed signers. `required`
# makes missing or unproven consent fail `check`.
# consent:
#   required: false
#   proof: authored
#   allowed_signers: .alliance/allowed_signers
";

const GITHUB: &str = include_str!("../../examples/ci/github-workflow.yml");
const GITLAB: &str = include_str!("../../examples/ci/gitlab-ci.yml");
const GITHUB_REMIND: &str = include_str!("../../examples/ci/github-remind.yml");
const GITLAB_REMIND: &str = include_str!("../../examples/ci/gitlab-remind.yml");

/// Where `--schedule` writes the reminder job for `ci`.
fn schedule_path(ci: Ci) -> &'static str {
    match ci {
        Ci::Github => ".github/workflows/alliance-remind.yml",
        Ci::Gitlab => ".gitlab/alliance-remind.yml",
    }
}

/// `--schedule`'s part: the scheduled reminder job for the CI service.
fn schedule_part(root: &Path, args: &InitArgs) -> Option<Part> {
    let ci = args.ci.filter(|_| args.schedule)?;
    Some(Part {
        path: root.join(schedule_path(ci)),
        content: match ci {
            Ci::Github => GITHUB_REMIND,
            Ci::Gitlab => GITLAB_REMIND,
        },
        named: true,
    })
}

/// What to do with a GitLab reminder job just written: include it.
fn schedule_note(root: &Path, written: &[PathBuf], out: &mut dyn Write) -> Result<(), Failed> {
    let gitlab = root.join(schedule_path(Ci::Gitlab));
    if written.contains(&gitlab) {
        writeln!(
            out,
            "add to .gitlab-ci.yml:\n  include:\n    - local: .gitlab/alliance-remind.yml\nand create a pipeline schedule (CI/CD > Schedules, e.g. weekly) with ALLIANCE_GITLAB_TOKEN set"
        )?;
    }
    Ok(())
}

const GITHUB_PAGES: &str = include_str!("../../examples/ci/github-pages.yml");
const GITLAB_PAGES: &str = include_str!("../../examples/ci/gitlab-pages.yml");

/// One file `init` sets up.
struct Part {
    path: PathBuf,
    content: &'static str,
    /// Whether the command line named this part, so `--force` rewrites it.
    named: bool,
}

pub(super) fn run(args: &InitArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let cwd = std::env::current_dir().map_err(crate::workspace::WorkspaceError::CurrentDir)?;
    let root = repository_root(&cwd);
    let shown = |path: &Path| {
        path.strip_prefix(&cwd)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    // The config is what a bare `init` names; with --ci, the CI file is.
    let mut parts = vec![Part {
        path: root.join(FILE_NAME),
        content: CONFIG,
        named: args.ci.is_none(),
    }];
    let mut note = None;
    match args.ci {
        Some(Ci::Github) => parts.push(Part {
            path: root.join(".github/workflows/alliance.yml"),
            content: GITHUB,
            named: true,
        }),
        Some(Ci::Gitlab) => {
            // A pipeline of the team's own is never replaced: the job goes
            // beside it, to be included.
            let main = root.join(".gitlab-ci.yml");
            // Through the safe reader: a pipe or a link out is not theirs to keep.
            let theirs = crate::read::read_text(&root, &main, 1024 * 1024)
                .is_ok_and(|text| text.lines().next() != GITLAB.lines().next());
            let path = if theirs {
                note =
                    Some("add to .gitlab-ci.yml:\n  include:\n    - local: .gitlab/alliance.yml");
                root.join(".gitlab/alliance.yml")
            } else {
                main
            };
            parts.push(Part {
                path,
                content: GITLAB,
                named: true,
            });
        }
        None => {}
    }
    parts.extend(schedule_part(&root, args));
    // --pages: the site's own job, beside the checks (clap requires --ci).
    let pages = (args.ci)
        .filter(|_| args.pages)
        .map(|ci| pages_part(&root, ci, &mut parts));
    // Each part is created when missing and kept when present; --force
    // rewrites only the parts the command line named.
    let (write, keep): (Vec<Part>, Vec<Part>) = parts
        .into_iter()
        .partition(|p| p.path.symlink_metadata().is_err() || (args.force && p.named));
    let written = write_all(&root, &write)?;
    tell(&written, &keep, &shown, out)?;
    if let Some(note) = note.filter(|_| written.contains(&root.join(".gitlab/alliance.yml"))) {
        writeln!(out, "{note}")?;
    }
    schedule_note(&root, &written, out)?;
    next_steps(&root, args.ci.is_some(), out)?;
    if let Some((path, note)) = pages.filter(|(path, _)| written.contains(path)) {
        writeln!(out, "{}", note.replace("{}", &shown(&path)))?;
    }
    Ok(0)
}

/// Say what was written and what was kept.
fn tell(
    written: &[PathBuf],
    keep: &[Part],
    shown: &dyn Fn(&Path) -> String,
    out: &mut dyn Write,
) -> Result<(), Failed> {
    for path in written {
        writeln!(out, "wrote {}", shown(path))?;
    }
    for part in keep {
        let how = if part.named {
            "; --force rewrites it"
        } else {
            ""
        };
        writeln!(out, "kept {} (already there{how})", shown(&part.path))?;
    }
    Ok(())
}

/// Add the job that builds the site and publishes it (`--pages`), in a
/// file of its own, to `parts`; its path and what to do for it to run.
fn pages_part(root: &Path, ci: Ci, parts: &mut Vec<Part>) -> (PathBuf, &'static str) {
    let (path, content, note) = match ci {
        Ci::Github => (
            ".github/workflows/alliance-site.yml",
            GITHUB_PAGES,
            "then: in Settings > Pages, set Source to GitHub Actions, for {} to publish the site",
        ),
        Ci::Gitlab => (
            ".gitlab/alliance-pages.yml",
            GITLAB_PAGES,
            "then: add to .gitlab-ci.yml, for the `pages` job in {} to run:\n  include:\n    - local: .gitlab/alliance-pages.yml",
        ),
    };
    parts.push(Part {
        path: root.join(path),
        content,
        named: true,
    });
    (root.join(path), note)
}

/// What to do after `init`: start or adopt an alliance (or check the one
/// there is), and with a CI workflow, write the CODEOWNERS block it checks.
fn next_steps(root: &std::path::Path, ci: bool, out: &mut dyn Write) -> Result<(), Failed> {
    let has_alliance = Workspace::open(root)
        .and_then(|w| w.discover(&[]))
        .is_ok_and(|found| !found.documents.is_empty());
    if has_alliance {
        writeln!(out, "next: `alliance check`, then commit what init wrote")?;
    } else {
        writeln!(
            out,
            "next: `alliance new team` to start the team's alliance (or `alliance adopt FILE --kind team` for one you have), then `alliance check`"
        )?;
    }
    if ci {
        // The workflow checks the CODEOWNERS block: it fails until there is one.
        writeln!(
            out,
            "then: `alliance codeowners --write` and commit it with the workflow, which runs `alliance codeowners --check`"
        )?;
    }
    Ok(())
}

/// Write every part, or none ([`crate::write::atomic::write_all`]: every
/// temporary file is written before the first rename, and a failed rename
/// puts back what the run had already replaced or created).
fn write_all(root: &std::path::Path, parts: &[Part]) -> Result<Vec<PathBuf>, Failed> {
    let files: Vec<(PathBuf, &[u8])> = parts
        .iter()
        .map(|part| (part.path.clone(), part.content.as_bytes()))
        .collect();
    crate::write::atomic::write_all(root, &files, crate::write::atomic::Replace::Always)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}
