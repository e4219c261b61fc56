//! `alliance site`: the static site of a repository's alliances, and that
//! no document can put script, styles, outside requests or `javascript:`
//! links into it.

use std::path::Path;

use crate::common::{self, Sandbox, TEAM_BODY, team_doc};

/// A copy of `examples/` (the test must not depend on the project's own
/// repository around it).
pub(crate) fn examples() -> Sandbox {
    let sb = Sandbox::new();
    copy(&common::examples(), sb.path());
    sb
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read examples") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every tag of a page, as written (`<a href="...">`). Text on the pages
/// is escaped, so every `<` starts a tag the site wrote.
fn tags(page: &str) -> Vec<&str> {
    page.match_indices('<')
        .map(|(at, _)| {
            let end = page[at..].find('>').map_or(page.len(), |e| at + e + 1);
            &page[at..end]
        })
        .collect()
}

/// What every page must be: its policy, no script, no request anywhere,
/// and a link to another site only as a link the reader follows.
pub(crate) fn assert_safe(name: &str, page: &str) {
    assert!(
        page.contains(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
        ),
        "{name} has no policy"
    );
    assert_eq!(
        page.matches("<style>").count(),
        1,
        "{name}: one stylesheet, ours"
    );
    assert_eq!(
        page.matches("</style>").count(),
        1,
        "{name}: one stylesheet end, ours"
    );
    for tag in tags(page) {
        let lower = tag.to_ascii_lowercase();
        assert!(!lower.starts_with("<script"), "{name}: {tag}");
        for element in [
            "<img", "<iframe", "<object", "<embed", "<link", "<base", "<form",
        ] {
            assert!(!lower.starts_with(element), "{name}: {tag}");
        }
        assert!(!lower.contains(" src="), "{name}: {tag}");
        assert!(!lower.contains(" on"), "{name}: an event handler in {tag}");
        assert!(!lower.contains("javascript:"), "{name}: {tag}");
        assert!(!lower.contains("style="), "{name}: {tag}");
        if let Some(href) = lower.split("href=\"").nth(1) {
            let outside =
                href.starts_with("http") || href.starts_with("//") || href.starts_with("mailto:");
            assert!(
                !outside || lower.contains("rel=\"noopener noreferrer\""),
                "{name}: a link away not marked as the document's: {tag}"
            );
            assert!(
                !href.starts_with('/') || href.starts_with("//"),
                "{name}: {tag}"
            );
            assert!(!href.starts_with("file:"), "{name}: {tag}");
        }
    }
}

/// Every page of the site in `dir`, with its name.
fn pages(dir: &Path) -> Vec<(String, String)> {
    let mut pages = vec![("index.html".to_owned(), read(&dir.join("index.html")))];
    for entry in std::fs::read_dir(dir.join("alliances")).expect("alliances/") {
        let path = entry.expect("entry").path();
        pages.push((path.display().to_string(), read(&path)));
    }
    pages
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_examples_site_has_a_page_per_alliance_linked_from_the_index() {
    let sb = examples();
    let run = sb.run(&["site", "--today", "2026-12-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "wrote site/index.html, 5 alliance pages and site.json\n"
    );
    let site = sb.path().join("site");
    let json: serde_json::Value =
        serde_json::from_str(&read(&site.join("site.json"))).expect("site.json is JSON");
    let listed = sb.run(&["list", "--format", "json"]).json();
    let listed: Vec<&str> = listed["alliances"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["path"].as_str().expect("path"))
        .collect();
    let alliances = json["alliances"].as_array().expect("alliances");
    let named: Vec<&str> = alliances
        .iter()
        .map(|a| a["path"].as_str().expect("path"))
        .collect();
    assert_eq!(named, listed, "site.json names every alliance");
    let index = read(&site.join("index.html"));
    for alliance in alliances {
        let page = alliance["page"].as_str().expect("page");
        assert!(
            page.starts_with("alliances/") && page.ends_with(".html"),
            "{page}"
        );
        assert!(
            index.contains(&format!("<a href=\"{page}\">")),
            "the index links {page}"
        );
        let html = read(&site.join(page));
        assert!(
            html.contains("<a href=\"../index.html\">"),
            "{page} links back"
        );
        assert!(
            html.contains("class=\"status-box"),
            "{page} has its status box"
        );
    }
    assert_eq!(pages(&site).len(), alliances.len() + 1);
    for (name, page) in pages(&site) {
        assert_safe(&name, &page);
    }
    let designed = alliances
        .iter()
        .find(|a| a["path"] == "designed-alliance.md")
        .expect("designed");
    assert_eq!(designed["review"]["tier"], "overdue");
    assert_eq!(designed["review"]["days_overdue"], 7);
    assert!(
        index.contains("<span class=\"badge overdue\">Overdue by 7 days</span>"),
        "{index}"
    );
    assert!(
        index.contains("not yet: @alan"),
        "the proposal waits for @alan: {index}"
    );
    let support = alliances
        .iter()
        .find(|a| a["path"] == "support-rotation-alliance.md")
        .expect("support");
    assert_eq!(support["consent"]["waiting"], serde_json::json!(["@alan"]));
}

#[test]
fn a_hostile_document_cannot_script_style_or_load_anything() {
    let sb = Sandbox::new();
    let doc = team_doc("status: active\ncreated: 2026-01-31\n", TEAM_BODY)
        .replace("title: Test team", "title: 'Evil \"</title><script>alert(1)</script> \u{202e}txt.exe'")
        .replace("name: Ada Lovelace", "name: \"Ada</style><style>body{display:none}</style>\"")
        + "
## Tricks

<script>alert('raw')</script>

<style>body { display: none }</style>

Inline <img src=\"https://evil.example/pixel.png\" onerror=\"alert(1)\"> and <a href=\"javascript:alert(1)\">raw link</a>.

- [a link](javascript:alert(1)) and [another](JAVASCRIPT:alert(2)) and [data](data:text/html,<script>alert(3)</script>)
- ![a picture](https://evil.example/tracker.png) and ![local](./diagram.png)
- [a real site](https://example.org/guide) and [a note](notes.md#start)
- [a quote](https://example.org \"say \\\"hi\\\"\")
";
    sb.write("TEAM_ALLIANCE.md", doc);
    let run = sb.run(&["site", "--today", "2026-12-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    let site = sb.path().join("site");
    for (name, page) in pages(&site) {
        assert_safe(&name, &page);
        assert!(
            !page.contains('\u{202e}'),
            "{name}: the override is written out"
        );
    }
    let page = read(&site.join("alliances/team-alliance.html"));
    assert!(
        page.contains("<title>Evil &quot;&lt;/title&gt;&lt;script&gt;"),
        "{page}"
    );
    assert!(page.contains("\\u{202e}txt.exe"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(&#39;raw&#39;)&lt;/script&gt;"),
        "raw HTML shows as text"
    );
    assert!(
        page.contains("[picture: a picture]"),
        "a picture is a link, not loaded"
    );
    assert!(
        page.contains(
            "<a href=\"https://example.org/guide\" rel=\"noopener noreferrer\">a real site</a>"
        ),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"notes.md#start\">a note</a>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"refused\""),
        "a refused link keeps its text"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&site.join("site.json"))).expect("site.json");
    assert_eq!(
        json["alliances"][0]["title"], "Evil \"</title><script>alert(1)</script> \u{202e}txt.exe",
        "site.json holds the data as it is, JSON-escaped"
    );
}

#[test]
fn a_folder_outside_the_repository_is_refused_and_nothing_is_written() {
    let sb = examples();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = elsewhere.path().join("site");
    let run = sb.run(&["site", "-o", target.to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("is outside the repository"), "{run:?}");
    assert!(!target.exists(), "nothing was written");
    let run = sb.run(&["site", "-o", "../site"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(!sb.path().join("../site").exists());
    assert!(
        !sb.path().join("site").exists(),
        "nothing in the repository either"
    );
}

#[test]
fn the_site_is_written_again_over_itself() {
    let sb = examples();
    assert_eq!(
        sb.run(&["site", "-o", "public", "--today", "2026-12-01"])
            .code,
        0
    );
    let first = read(&sb.path().join("public/index.html"));
    let run = sb.run(&["site", "-o", "public", "--today", "2026-12-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        read(&sb.path().join("public/index.html")),
        first,
        "the same day writes the same site"
    );
}
