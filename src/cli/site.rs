//! `alliance site`: the repository's alliances as a static website.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::due::Window;
use crate::workspace::Workspace;

pub(super) const SITE_HELP: &str = "\
Writes index.html (every alliance: kind, parties, status, consent, last and
next review, an overdue or due-soon badge), one page per alliance under
alliances/ (the agreement, a status box, who agreed to which version), and
site.json (the same data, for tools). The pages have no script and load
nothing from anywhere; links are relative, so the folder reads the same from
file://, a web server or a GitHub Pages sub-path. Light and dark follow the
reader's setting; the pages print.

The folder must be inside the repository; files already there are replaced.

--url records where the site is published in site.json. --merge reads the
site.json of several sites (each written with --url) and writes one index
across them: what needs attention first (overdue, waiting for consent, due
soon), each alliance linking to its team's page; teams are never ranked.

Examples:
  alliance site                        write site/ for the repository's alliances
  alliance site -o public              write public/ instead
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
    #[arg(long, value_name = "SITE_JSON", num_args = 1.., conflicts_with_all = ["paths", "today", "url"])]
    pub merge: Vec<PathBuf>,
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
    let files = crate::report::site::files(&site);
    crate::tasks::site::write(&workspace, &dir, &files)?;
    let pages = site.alliances.len();
    writeln!(
        out,
        "wrote {}, {pages} alliance page{} and site.json",
        shown_index(&dir),
        if pages == 1 { "" } else { "s" },
    )?;
    Ok(0)
}

/// `--merge`: one index across the sites whose site.json files are given.
fn merge(args: &SiteArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let workspace = Workspace::current()?;
    let dir = crate::tasks::site::output_folder(&workspace, args.output.as_deref())?;
    let org = crate::tasks::site_merge::merge(&args.merge)?;
    let index = crate::report::site::merge::index(&org);
    let files = [(PathBuf::from("index.html"), index.into_bytes())];
    crate::tasks::site::write(&workspace, &dir, &files)?;
    let alliances: usize = org.teams.iter().map(|t| t.alliances.len()).sum();
    let teams = org.teams.len();
    writeln!(
        out,
        "wrote {}: {alliances} alliance{} of {teams} team{}",
        shown_index(&dir),
        if alliances == 1 { "" } else { "s" },
        if teams == 1 { "" } else { "s" },
    )?;
    Ok(0)
}

/// `DIR/index.html`, named from where the user stands, as they would type it.
fn shown_index(dir: &std::path::Path) -> String {
    let index = dir.join("index.html");
    let index = std::env::current_dir()
        .ok()
        .and_then(|cwd| pathdiff::diff_paths(&index, cwd))
        .unwrap_or(index);
    crate::escape::sanitize(&index.to_string_lossy()).into_owned()
}
