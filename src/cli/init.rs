//! `alliance init`: write `.alliance.yaml` with commented defaults and,
//! with `--ci`, a workflow for the CI service. Never clobbers.

use std::io::Write;
use std::path::PathBuf;

use super::{Ci, Failed, InitArgs};
use crate::workspace::config::{FILE_NAME, repository_root};

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
";

const GITHUB: &str = include_str!("../../examples/ci/github-workflow.yml");
const GITLAB: &str = include_str!("../../examples/ci/gitlab-ci.yml");

pub(super) fn run(args: &InitArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let cwd = std::env::current_dir().map_err(crate::workspace::WorkspaceError::CurrentDir)?;
    let root = repository_root(&cwd);
    let mut writes: Vec<(PathBuf, &str)> = vec![(root.join(FILE_NAME), CONFIG)];
    let mut note = None;
    match args.ci {
        Some(Ci::Github) => writes.push((root.join(".github/workflows/alliance.yml"), GITHUB)),
        Some(Ci::Gitlab) => {
            let main = root.join(".gitlab-ci.yml");
            if main.exists() && !args.force {
                writes.push((root.join(".gitlab/alliance.yml"), GITLAB));
                note =
                    Some("add to .gitlab-ci.yml:\n  include:\n    - local: .gitlab/alliance.yml");
            } else {
                writes.push((main, GITLAB));
            }
        }
        None => {}
    }
    // Refuse before writing anything, so a refused run changes nothing.
    if !args.force {
        if let Some((path, _)) = writes.iter().find(|(p, _)| p.symlink_metadata().is_ok()) {
            return Err(Failed::Exists {
                path: path.display().to_string(),
                hint: "replace it",
            });
        }
    }
    for (path, content) in &writes {
        crate::write::atomic::write(path, content.as_bytes(), args.force)?;
        let shown = path.strip_prefix(&cwd).unwrap_or(path);
        writeln!(out, "wrote {}", shown.display())?;
    }
    if let Some(note) = note {
        writeln!(out, "{note}")?;
    }
    writeln!(
        out,
        "next: `alliance new team` to start the team's alliance, then `alliance check`"
    )?;
    Ok(0)
}
