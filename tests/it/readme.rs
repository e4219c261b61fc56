//! The documentation is held to what is true. The README's five-minute tour is
//! what the tool prints: `scripts/walkthrough.sh` builds the lab's repository,
//! runs the commands the tour shows, and the output must equal the README's
//! `console` block under "A five-minute tour". And every relative link in the
//! README, CONTRIBUTING.md and `docs/*.md` leads somewhere: to a file that
//! exists and, for a `#anchor` into a Markdown file, to one of its headings.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The README's heading whose first `console` block is the walk-through.
const TOUR: &str = "## A five-minute tour\n";

#[test]
fn the_five_minute_tour_is_what_the_tool_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let section = readme.split(TOUR).nth(1).expect("the tour's section");
    let block = section
        .split("```console\n")
        .nth(1)
        .and_then(|rest| rest.split("```\n").next())
        .expect("a console block");
    let output = Command::new("bash")
        .arg(root.join("scripts/walkthrough.sh"))
        .arg(env!("CARGO_BIN_EXE_alliance"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TZ", "UTC")
        .output()
        .expect("run scripts/walkthrough.sh");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), block);
}

#[test]
fn every_relative_link_in_the_documentation_leads_somewhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("an entry of docs/").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    let broken: Vec<String> = pages.iter().flat_map(|page| broken_links(page)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_check_finds_a_missing_file_and_a_missing_heading() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let page = dir.path().join("page.md");
    std::fs::write(
        dir.path().join("other.md"),
        "# Other\n\n## `alliance ci comment` and `alliance ci summary`\n",
    )
    .expect("write other.md");
    std::fs::write(
        &page,
        "# Page: the one\n\n[ok](other.md#alliance-ci-comment-and-alliance-ci-summary) \
         [ok](#page-the-one) [ok](https://example.com/x.md#nowhere) `[code](gone.md)`\n\
         [gone](gone.md) [no heading](other.md#limits) [no heading here](#nowhere)\n\n\
         ```text\n[in a block](gone-too.md)\n```\n",
    )
    .expect("write page.md");
    let broken = broken_links(&page);
    assert_eq!(broken.len(), 3, "{broken:#?}");
    let ends = [
        "gone.md: no such file",
        "other.md#limits: no such heading",
        "#nowhere: no such heading",
    ];
    for (line, end) in broken.iter().zip(ends) {
        assert!(line.ends_with(end), "{broken:#?}");
    }
}

/// The relative links of one Markdown file that lead nowhere, each as
/// `FILE: TARGET: why`.
fn broken_links(page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(page).expect("a documentation page");
    let folder = page.parent().expect("the page's folder");
    let mut broken = Vec::new();
    for target in links(&text) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, anchor) = match target.split_once('#') {
            Some((file, anchor)) => (file, Some(anchor)),
            None => (target.as_str(), None),
        };
        let path = if file.is_empty() {
            page.to_path_buf()
        } else {
            folder.join(file.replace("%20", " "))
        };
        let why = if !path.exists() {
            Some("no such file")
        } else {
            match anchor {
                Some(anchor) if path.extension().is_some_and(|ext| ext == "md") => {
                    let headings = std::fs::read_to_string(&path).map(|md| anchors(&md));
                    (!headings.is_ok_and(|h| h.contains(anchor))).then_some("no such heading")
                }
                _ => None,
            }
        };
        if let Some(why) = why {
            broken.push(format!("{}: {target}: {why}", page.display()));
        }
    }
    broken
}

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES)
}

/// Every link and image target of a Markdown text (none from code).
fn links(markdown: &str) -> Vec<String> {
    parser(markdown)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The anchors GitHub gives a Markdown text's headings: the heading's text,
/// lowercased, punctuation other than `-` and `_` removed, each space a
/// hyphen; a repeated one gets `-1`, `-2`.
fn anchors(markdown: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut heading: Option<String> = None;
    for event in parser(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let slug: String = heading
                    .take()
                    .unwrap_or_default()
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect();
                let mut unique = slug.clone();
                let mut n = 0;
                while found.contains(&unique) {
                    n += 1;
                    unique = format!("{slug}-{n}");
                }
                found.insert(unique);
            }
            _ => {}
        }
    }
    found
}
