//! `alliance site`: the repository's alliances as a static website.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::due::Window;
use crate::report::words::plural;
use crate::workspace::Workspace;

pub(super) const SITE_HELP: &str = "\
Writes index.html (every alliance: kind, parties, status, consent, last and
next review, an overdue or due-soon badge), one page per alliance under
alliances/ (the agreement, a status box, who agreed to which version, the
agenda of the next review, the pulse charts, the review timeline from git),
site.json (the same data, for tools) and alliances.ics (every review date as
a calendar to subscribe to: `due --format ics`). The pages have no script and load
nothing from anywhere; links are relative, so the folder reads the same from
file://, a web server or a GitHub Pages sub-path. Light and dark follow the
reader's setting; the pages print.

The folder must be inside the repository; files already there are replaced,
and the pages an earlier run wrote for alliances that are gone are removed
(only those: site.json names them). With --single-file, the whole site is
one file, DIR/alliances.html, still with no script and nothing loaded.

--url records where the site is published in site.json. --merge reads the
site.json of several sites (each written with --url) and writes one index
across them: what needs attention first (overdue, waiting for consent, due
soon), each alliance linking to its team's page; teams are never ranked.

Examples:
  alliance site                        write site/ for the repository's alliances
  alliance site -o public              write public/ instead
  alliance site --single-file          write site/alliances.html, one file to share
  alliance site teams/ --today 2026-12-01
  alliance site --url https://org.github.io/team/
  alliance site --merge teams/*/site.json -o organisation
  xdg-open site/index.html

Exit codes: 0 written, 2 could not write (a folder outside the repository,
a file that could not be read, a site.json or --url refused).";

/// Arguments of `alliance site`.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Files or folders (default: the repository's alliances).
    pub paths: Vec<PathBuf>,
    /// The folder to write, inside the repository (default: `site` at its root).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The day to judge reviews by, YYYY-MM-DD (default: today, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// A review within this span is due soon: 14d, 2w, 1 month.
    #[arg(long, value_name = "SPAN", default_value = "14d")]
    pub within: String,
    /// Where the site is published (https://org.github.io/team/), recorded
    /// in site.json for an organisation's view (--merge) to link to.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Build one organisation index from these site.json files (each
    /// written with --url) instead of this repository's site.
    #[arg(long, value_name = "SITE_JSON", num_args = 1.., conflicts_with_all = ["paths", "today", "url", "single_file"])]
    pub merge: Vec<PathBuf>,
    /// Write the whole site as one file, DIR/alliances.html (the index, then
    /// every alliance), to send or attach; nothing else is written.
    #[arg(long)]
    pub single_file: bool,
}

pub(super) fn run(args: &SiteArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    if !args.merge.is_empty() {
        return merge(args, out);
    }
    let url = args
        .url
        .as_deref()
        .map(crate::tasks::site_merge::site_url)
        .transpose()?;
    let today = super::date_or_today("--today", args.today.as_deref())?;
    let within = super::within(Some(&args.within))?;
    let workspace = Workspace::current()?;
    let dir = crate::tasks::site::output_folder(&workspace, args.output.as_deref())?;
    let (mut site, unread) =
        crate::tasks::site::gather(&workspace, &args.paths, Window::new(today, within))?;
    site.url = url;
    if !unread.is_empty() {
        return Err(Failed::Unreadable(unread));
    }
    if args.single_file {
        let file = (
            PathBuf::from("alliances.html"),
            crate::report::site::single_file(&site).into_bytes(),
        );
        crate::tasks::site::write(&workspace, &dir, &[file], false)?;
        let pages = site.alliances.len();
        let name = as_typed(&dir.join("alliances.html"));
        writeln!(
            out,
            "wrote {name}, one file with {}",
            plural(pages, "alliance")
        )?;
        return Ok(0);
    }
    let mut files = crate::report::site::files(&site);
    files.push((PathBuf::from("alliances.ics"), calendar(&workspace, today)?));
    let removed = crate::tasks::site::write(&workspace, &dir, &files, true)?;
    let pages = site.alliances.len();
    write!(
        out,
        "wrote {}, {}, site.json and alliances.ics",
        as_typed(&dir.join("index.html")),
        plural(pages, "alliance page"),
    )?;
    match removed {
        0 => writeln!(out)?,
        1 => writeln!(out, "; removed 1 page of an alliance no longer here")?,
        n => writeln!(out, "; removed {n} pages of alliances no longer here")?,
    }
    Ok(0)
}

/// `--merge`: one index across the sites whose site.json files are given.
fn merge(args: &SiteArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let dir = crate::tasks::site::output_folder(&workspace, args.output.as_deref())?;
    let org = crate::tasks::site_merge::merge(&args.merge)?;
    let index = crate::report::site::merge::index(&org);
    let files = [(PathBuf::from("index.html"), index.into_bytes())];
    crate::tasks::site::write(&workspace, &dir, &files, false)?;
    let alliances: usize = org.teams.iter().map(|t| t.alliances.len()).sum();
    let teams = org.teams.len();
    writeln!(
        out,
        "wrote {}: {} of {}",
        as_typed(&dir.join("index.html")),
        plural(alliances, "alliance"),
        plural(teams, "team"),
    )?;
    Ok(0)
}

/// The repository's calendar (`due --format ics`), published beside the
/// pages as alliances.ics for people to subscribe to.
fn calendar(workspace: &Workspace, today: jiff::civil::Date) -> Result<Vec<u8>, Failed> {
    let mut ics = Vec::new();
    crate::tasks::due::write_calendar(workspace, today, &mut ics)?;
    Ok(ics)
}

/// `path` named from where the user stands, as they would type it,
/// sanitised for the terminal.
fn as_typed(path: &std::path::Path) -> String {
    let named = std::env::current_dir()
        .ok()
        .and_then(|cwd| pathdiff::diff_paths(path, cwd))
        .unwrap_or_else(|| path.to_path_buf());
    crate::escape::sanitize(&named.to_string_lossy()).into_owned()
}
