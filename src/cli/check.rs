//! `alliance check`: discover, parse, check, render.

use std::io::Write;
use std::path::PathBuf;

use super::{CheckArgs, Failed};
use crate::report::{CheckStream, FileReport, Format, Style};
use crate::workspace::{UnreadFile, Workspace};

pub(super) fn run(args: &CheckArgs, style: Style, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let paths: Vec<PathBuf> = if args.only_alliances {
        let kept: Vec<PathBuf> = args
            .paths
            .iter()
            .filter(|p| p.is_dir() || crate::workspace::discover::looks_like_alliance(p))
            .cloned()
            .collect();
        if kept.is_empty() && !args.paths.is_empty() {
            // Nothing being committed is an alliance: nothing to check.
            return Ok(0);
        }
        kept
    } else {
        args.paths.clone()
    };
    let found = workspace.discover(&paths)?;
    if found.documents.is_empty() && found.skipped.is_empty() {
        return Err(Failed::NoAlliances {
            root: workspace.root.clone(),
            named: !args.paths.is_empty(),
        });
    }
    // Each file's findings are written as soon as they are made.
    // SARIF, Code Quality, JUnit and annotations name files from the
    // repository root, whatever path was typed; human and JSON output as
    // the user named them.
    let from_root = !matches!(args.format, Format::Human | Format::Json);
    let named = |path: PathBuf| {
        if from_root {
            workspace.in_repository(&path)
        } else {
            path
        }
    };
    let mut stream = CheckStream::start(args.format, style, out)?;
    let failures = crate::tasks::check::documents(
        &workspace,
        found,
        |_, _| (),
        |file, _| {
            stream.file(FileReport {
                path: named(file.path),
                ..file
            })
        },
    )?;
    let failures = failures
        .into_iter()
        .map(|file| UnreadFile {
            path: named(file.path),
            ..file
        })
        .collect();
    Ok(stream.finish(failures)?)
}
