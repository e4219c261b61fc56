//! Addresses a hostile pull request writes into an alliance (a lookalike
//! login page, a `www.` host, an email address) reach every Markdown
//! output as words, not as links GitHub makes on its own (the GFM autolink
//! extension). Each sink is rendered by `cmark-gfm`, GitHub's own renderer
//! (Debian's `cmark-gfm`, installed by `.ci/run`), and the HTML is searched
//! for a link to the hostile host. The test fails when `cmark-gfm` is
//! missing.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::{self, Run, Sandbox};

/// The team alliance on the pull request's branch: every place a Markdown
/// output shows text (title, party names, items, a heading) holds an
/// address.
const HOSTILE: &str = "\
---
alliance: team
title: \"Payments https://github.com.evil.example/login\"
parties:
  - name: Ada
    handle: ada
  - name: \"Eve www.evil.example\"
status: active
created: 2026-01-01
review:
  every: 3 months
  last: 2026-06-01
---

# Payments

## Purpose

We ship payments.

## Atmosphere

- We are kind.

## Co-responsibility

- Ada owns the roadmap.

## Agreements

- Log in at https://github.com.evil.example/login or www.evil.example [review:: 2026-10-01]
- Write to eve@evil.example or mailto:ada@mail.evil.example [review:: 2026-10-02] [owner:: @ada]
- (www.evil.example) *www.evil.example* ftp://files.evil.example/x

## When it gets hard www.evil.example

- We talk it through.
";

/// A repository whose `main` has a plain alliance and whose checked-out
/// `pr` branch changed it into [`HOSTILE`], with a pulse round whose notes
/// hold addresses too.
fn repository() -> Sandbox {
    let sb = Sandbox::new();
    let date = "2026-06-01T10:00:00Z";
    sb.git(&["init", "-q", "-b", "main"], date);
    let plain = HOSTILE
        .replace(" https://github.com.evil.example/login\"", "\"")
        .replace(" www.evil.example\"", "\"");
    let plain = plain
        .split("- Log in")
        .next()
        .unwrap_or_default()
        .to_owned()
        + "- We start on time.\n\n## When it gets hard\n\n- We talk it through.\n";
    sb.write("TEAM_ALLIANCE.md", plain);
    sb.git(&["add", "."], date);
    sb.git(&["commit", "-qm", "base"], date);
    sb.git(&["checkout", "-qb", "pr"], date);
    sb.write("TEAM_ALLIANCE.md", HOSTILE);
    let one_on_one = std::fs::read_to_string(common::examples().join("one-on-one-ada-grace.md"))
        .expect("example");
    sb.write("ada-grace.md", one_on_one);
    for who in ["ada", "grace"] {
        sb.write(
            &format!("ada-grace.pulse/2026-11-16/{who}.yaml"),
            format!(
                "rater: {who}\ndate: 2026-11-16\nanswers:\n  bond-trust: 4\nnote: \"see https://github.com.evil.example/login, www.evil.example, {who}@evil.example\"\n"
            ),
        );
    }
    sb.git(&["add", "."], "2026-11-20T10:00:00Z");
    sb.git(&["commit", "-qm", "pr"], "2026-11-20T10:00:00Z");
    sb
}

/// `markdown` as GitHub renders it: cmark-gfm with the extensions GitHub
/// turns on (autolink, table, strikethrough, tag filter), raw HTML kept.
fn render(markdown: &str) -> String {
    let mut child = Command::new("cmark-gfm")
        .args(["--unsafe", "-e", "autolink", "-e", "table"])
        .args(["-e", "strikethrough", "-e", "tagfilter"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cmark-gfm is needed (Debian: apt-get install cmark-gfm; .ci/run installs it): {e}"
            )
        });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(markdown.as_bytes())
        .expect("write to cmark-gfm");
    let output = child.wait_with_output().expect("cmark-gfm");
    assert!(output.status.success(), "cmark-gfm failed");
    String::from_utf8(output.stdout).expect("cmark-gfm wrote UTF-8")
}

/// The `href`s of every link in `html`.
fn links(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// `run` printed Markdown in which the hostile host is shown but linked
/// nowhere.
fn assert_shown_not_linked(what: &str, run: &Run) {
    assert!(
        run.code <= 1,
        "{what}: exit {}\n{}{}",
        run.code,
        run.stdout,
        run.stderr
    );
    let html = render(&run.stdout);
    assert!(html.contains("evil.example"), "{what}: not shown\n{html}");
    for href in links(&html) {
        assert!(
            !href.contains("evil"),
            "{what}: links to {href}\nMarkdown:\n{}\nHTML:\n{html}",
            run.stdout
        );
    }
}

#[test]
fn the_renderer_links_bare_addresses_when_nothing_stops_it() {
    // Without the escaper, each of these is a link: the check below can fail.
    let html = render("https://github.com.evil.example/login www.evil.example eve@evil.example");
    assert_eq!(links(&html).len(), 3, "{html}");
}

#[test]
fn due_markdown_links_no_address() {
    let sb = repository();
    let args = ["due", "--today", "2026-11-20", "--format", "markdown"];
    assert_shown_not_linked("due", &sb.run(&args));
    let live = [&args[..], &["--mentions"]].concat();
    assert_shown_not_linked("due --mentions", &sb.run(&live));
}

#[test]
fn list_markdown_links_no_address() {
    let sb = repository();
    assert_shown_not_linked("list", &sb.run(&["list", "--format", "markdown"]));
}

#[test]
fn agenda_markdown_links_no_address() {
    let sb = repository();
    let run = sb.run(&[
        "agenda",
        "TEAM_ALLIANCE.md",
        "--date",
        "2026-11-20",
        "--format",
        "markdown",
    ]);
    assert_shown_not_linked("agenda", &run);
}

#[test]
fn diff_markdown_links_no_address() {
    let sb = repository();
    let run = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--from",
        "main",
        "--format",
        "markdown",
    ]);
    assert_shown_not_linked("diff", &run);
}

#[test]
fn pulse_report_markdown_links_no_address() {
    let sb = repository();
    let run = sb.run_with_env(
        &["pulse", "report", "ada-grace.md", "--format", "markdown"],
        &[("ALLIANCE_TODAY", "2026-11-22")],
    );
    assert_shown_not_linked("pulse report", &run);
}

#[test]
fn ci_comment_links_no_address() {
    let sb = repository();
    let run = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert_shown_not_linked("ci comment", &run);
}

#[test]
fn ci_summary_links_no_address() {
    let sb = repository();
    let run = sb.run_with_env(
        &["ci", "summary", "--base", "main", "--output", "-"],
        &[("ALLIANCE_TODAY", "2026-11-20")],
    );
    assert_shown_not_linked("ci summary", &run);
}

#[test]
fn ci_remind_links_no_address() {
    let forge = crate::common::forge::MockForge::start();
    let sb = repository();
    let run = sb.run_with_env(
        &["ci", "remind"],
        &[
            ("ALLIANCE_TODAY", "2026-11-20"),
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_API_URL", forge.url.as_str()),
            ("GITHUB_REPOSITORY", "alliance-cli/demo"),
            ("GITHUB_TOKEN", "t0ken"),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let issues = forge.issues();
    let issue = issues.first().expect("an issue");
    let body = Run {
        code: 0,
        stdout: issue.body.clone(),
        stderr: String::new(),
    };
    assert_shown_not_linked("ci remind", &body);
    assert!(
        issue
            .title
            .contains("https:\u{200b}//github.com.evil.example"),
        "{}",
        issue.title
    );
}
