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

/// The names of a tag's attributes (what stands before `=` outside
/// quotes).
fn attribute_names(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut quote = None;
    let mut start = None;
    for (at, c) in tag.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '=') => {
                if let Some(from) = start.take() {
                    names.push(&tag[from..at]);
                }
            }
            (None, c) if c.is_whitespace() => start = Some(at + 1),
            (None, _) => {}
        }
    }
    names
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
        for attribute in attribute_names(&lower) {
            assert!(
                !attribute.starts_with("on"),
                "{name}: an event handler in {tag}"
            );
            assert!(!["src", "style"].contains(&attribute), "{name}: {tag}");
        }
        assert!(!lower.contains("javascript:"), "{name}: {tag}");
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
        "wrote site/index.html, 5 alliance pages, site.json and alliances.ics\n"
    );
    let site = sb.path().join("site");
    // The calendar to subscribe to is `due --format ics` of the same day.
    let due = sb.run(&["due", "--format", "ics", "--today", "2026-12-01"]);
    assert!(due.stdout.starts_with("BEGIN:VCALENDAR\r\n"), "{due:?}");
    assert_eq!(read(&site.join("alliances.ics")), due.stdout);
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

/// The rows of the data table of the chart with `caption`: each row's
/// cells as text.
fn chart_rows(page: &str, caption: &str) -> Vec<Vec<String>> {
    let at = page
        .find(&format!("<caption>{caption}, per round</caption>"))
        .unwrap_or_else(|| panic!("no table of {caption}"));
    let table = &page[at..at + page[at..].find("</table>").expect("table end")];
    table
        .split("<tr")
        .skip(2)
        .map(|row| {
            row.split(['<', '>'])
                .collect::<Vec<_>>()
                .windows(2)
                .filter(|w| w[0].starts_with("td") || w[0].starts_with("th"))
                .map(|w| w[1].to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn each_dimension_and_item_has_a_chart_with_a_title_a_label_and_the_pulse_reports_numbers() {
    let sb = examples();
    assert_eq!(sb.run(&["site", "--today", "2026-12-01"]).code, 0);
    let page = read(&sb.path().join("site/alliances/one-on-one-ada-grace.html"));
    let report = sb
        .run_with_env(
            &[
                "pulse",
                "report",
                "one-on-one-ada-grace.md",
                "--format",
                "json",
            ],
            &[("ALLIANCE_TODAY", "2026-12-01")],
        )
        .json();
    let pulse = &report["pulse"];
    let trends: Vec<&serde_json::Value> = pulse["dimensions"]
        .as_array()
        .expect("dimensions")
        .iter()
        .chain(pulse["items"].as_array().expect("items"))
        .collect();
    assert_eq!(trends.len(), 12, "4 dimensions and 8 items");
    assert_eq!(page.matches("<svg class=\"chart\"").count(), trends.len());
    assert_eq!(
        page.matches("<table class=\"chart-data\">").count(),
        trends.len()
    );
    assert_eq!(
        page.matches("role=\"img\" aria-label=\"Line chart of ")
            .count(),
        trends.len()
    );
    for svg in page.split("<svg").skip(1) {
        assert!(svg.starts_with(" class=\"chart\""));
        let svg = &svg[..svg.find("</svg>").expect("svg end")];
        assert!(svg.contains(">\n<title>"), "a title first: {svg}");
        assert_eq!(
            svg.matches("<path class=\"line p").count(),
            2,
            "a line per party"
        );
    }
    // The bond dimension, as the pulse report counts it, round by round.
    let rows = chart_rows(&page, "bond (dimension mean)");
    let dates: Vec<&str> = pulse["rounds"]
        .as_array()
        .expect("rounds")
        .iter()
        .map(|r| r["date"].as_str().expect("date"))
        .collect();
    assert_eq!(
        rows[..6],
        [
            ["2026-06-01", "4", "4", "0", ""],
            ["2026-06-29", "4", "4", "0", ""],
            ["2026-07-27", "4", "4.5", "-0.5", ""],
            ["2026-08-24", "4", "4.5", "-0.5", ""],
            [
                "2026-09-21",
                "4",
                "3",
                "+1",
                "rupture: @grace fell 1.5 points"
            ],
            [
                "2026-10-19",
                "4",
                "4.5",
                "-0.5",
                "repair: @grace back up 1.5 points"
            ],
        ]
    );
    assert_eq!(
        rows.iter()
            .map(|r| r[0].as_str())
            .take(6)
            .collect::<Vec<_>>(),
        dates
    );
    assert_eq!(
        pulse["dimensions"][1]["series"],
        serde_json::json!([
            [4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
            [4.0, 4.0, 4.5, 4.5, 3.0, 4.5]
        ])
    );
    // Shaded between the two, the rupture and repair marked on the drawing.
    assert!(page.contains("<polygon class=\"gap\" points=\""), "{page}");
    assert!(page.contains("<path class=\"mark rupture\" d=\"M"));
    assert!(page.contains("<title>repair: @grace back up 1.5 points in round 2026-10-19</title>"));
}

#[test]
fn an_open_round_is_shown_sealed_with_how_many_answered_and_no_score() {
    let sb = examples();
    assert_eq!(sb.run(&["site", "--today", "2026-12-01"]).code, 0);
    let page = read(&sb.path().join("site/alliances/one-on-one-ada-grace.html"));
    assert!(page.contains(
        "<p class=\"sealed-note\">Round 2026-11-16 is sealed: 1 of 2 have answered. Its scores stay hidden until everyone has answered.</p>"
    ));
    let rows = chart_rows(&page, "bond (dimension mean)");
    assert_eq!(
        rows.last().expect("a row"),
        &["2026-11-16", "sealed: 1 of 2 have answered"]
    );
    assert!(
        page.contains("<g class=\"sealed\"><rect "),
        "drawn as sealed"
    );
    assert!(
        page.contains(" Round 2026-11-16 is sealed: 1 of 2 have answered.\">"),
        "and said so"
    );
    // Ada's answer in the open round is on file, but no chart draws a
    // column of scores for it: every line stops at the sixth round.
    for svg in page.split("<path class=\"line ").skip(1) {
        let d = svg.split('"').nth(2).expect("d");
        assert!(d.matches(['M', 'L']).count() <= 6, "{d}");
    }
}

#[test]
fn an_alliance_without_pulse_rounds_has_no_pulse_section() {
    let sb = examples();
    assert_eq!(sb.run(&["site", "--today", "2026-12-01"]).code, 0);
    let page = read(&sb.path().join("site/alliances/team-alliance.html"));
    // Neither the section (its id is `team-alliance--pulse`) nor its link
    // in the page's contents.
    assert!(!page.contains("team-alliance--pulse"), "{page}");
    assert!(!page.contains("<svg"));
}

/// A team alliance committed on 10 January, then reworded and reviewed on
/// 1 April with a note and a win, and changed once more after.
fn reviewed_team() -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-01-10T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", team_doc("status: active\n", TEAM_BODY));
    sb.commit_as(
        ("Ada Lovelace", "ada@example.com"),
        "Our alliance",
        "2026-01-10T10:00:00Z",
        None,
    );
    let reworded = team_doc(
        "status: active\n",
        &TEAM_BODY.replace("We start on time.", "We start on time, <b>always</b>."),
    );
    sb.write("TEAM_ALLIANCE.md", reworded);
    let run = sb.run(&[
        "review",
        "TEAM_ALLIANCE.md",
        "--date",
        "2026-04-01",
        "--note",
        "Kept <all> of it",
        "--win",
        "Shipped the </details> ledger",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    sb.commit_as(
        ("Grace Hopper", "grace@example.com"),
        "Review: <script>",
        "2026-04-01T10:00:00Z",
        None,
    );
    let later = sb
        .read("TEAM_ALLIANCE.md")
        .replace("We talk it through.", "We talk it through, calmly.");
    sb.write("TEAM_ALLIANCE.md", later);
    sb.commit_as(
        ("Ada Lovelace", "ada@example.com"),
        "Calmly",
        "2026-05-01T10:00:00Z",
        None,
    );
    sb
}

/// The part of `page` from `start` to the next `end`.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let at = page
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {page}"));
    let rest = &page[at..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn the_review_timeline_shows_each_review_newest_first_with_the_changes_folded() {
    let sb = reviewed_team();
    let run = sb.run(&["site", "--today", "2026-06-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = read(&sb.path().join("site/alliances/team-alliance.html"));
    assert_safe("team-alliance.html", &page);
    let reviews = between(&page, "<section class=\"reviews\"", "</section>");
    assert!(
        reviews.contains("<p>Since the last review: 1 commit: "),
        "{reviews}"
    );
    let review = reviews
        .find("<h3>Review of 2026-04-01</h3>")
        .expect("the review");
    let first = reviews
        .find("<h3>First version, 2026-01-10</h3>")
        .expect("the start");
    assert!(review < first, "newest first: {reviews}");
    assert!(
        reviews.contains("<p class=\"muted\">Commit <code>"),
        "{reviews}"
    );
    assert!(
        reviews.contains(" by Grace Hopper: Review: &lt;script&gt;</p>"),
        "{reviews}"
    );
    assert!(
        reviews.contains("<p><strong>Note:</strong> Kept &lt;all&gt; of it</p>"),
        "{reviews}"
    );
    assert!(
        reviews.contains("<li>Shipped the &lt;/details&gt; ledger</li>"),
        "{reviews}"
    );
    // What changed since the first version, as `alliance diff` says it,
    // folded away; the first version has nothing before it.
    assert_eq!(reviews.matches("<details>").count(), 1, "{reviews}");
    let details = between(reviews, "<details>", "</details>");
    assert!(
        details.starts_with("<details>\n<summary>What changed since the previous review</summary>"),
        "{details}"
    );
    assert!(details.contains("always"), "the reworded item: {details}");
    assert!(!details.contains("<b>"), "{details}");
    assert!(
        page.contains("<a href=\"#team-alliance--reviews\">Reviews</a>"),
        "linked from the contents"
    );
}

#[test]
fn outside_git_the_page_says_there_is_no_review_timeline() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("status: active\n", TEAM_BODY));
    let run = sb.run(&["site", "--today", "2026-06-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = read(&sb.path().join("site/alliances/team-alliance.html"));
    assert!(
        page.contains("<p class=\"muted\">No review timeline: this is not a git repository, so there is no review history.</p>"),
        "{page}"
    );
}

#[test]
fn the_next_reviews_agenda_is_the_one_alliance_agenda_prepares() {
    let sb = reviewed_team();
    assert_eq!(sb.run(&["site", "--today", "2026-06-01"]).code, 0);
    let page = read(&sb.path().join("site/alliances/team-alliance.html"));
    // Reviewed on 1 April, every 3 months: the next review is on 1 July.
    let agenda = sb.run(&[
        "agenda",
        "TEAM_ALLIANCE.md",
        "--date",
        "2026-07-01",
        "--format",
        "markdown",
    ]);
    assert_eq!(agenda.code, 0, "{agenda:?}");
    let expected = alliance::report::site::markdown::render(&agenda.stdout);
    let section = between(&page, "<section class=\"agenda\"", "</section>");
    assert_eq!(
        section,
        format!(
            "<section class=\"agenda\" id=\"team-alliance--agenda\">\n<h2>The next review</h2>\n{expected}"
        )
    );
    assert!(
        section.contains("From the review of 2026-04-01 ("),
        "{section}"
    );
    assert!(section.contains("calmly"), "the change since: {section}");
    assert!(page.contains("<a href=\"#team-alliance--agenda\">The next review</a>"));
}

#[test]
fn an_overdue_reviews_agenda_is_for_today_and_a_retired_alliance_has_none() {
    let sb = examples();
    assert_eq!(sb.run(&["site", "--today", "2026-12-01"]).code, 0);
    // Overdue by 7 days: the meeting is today.
    let page = read(&sb.path().join("site/alliances/designed-alliance.html"));
    let section = between(&page, "<section class=\"agenda\"", "</section>");
    assert!(section.contains("· 2026-12-01 ·"), "{section}");
    let retired = sb.path().join("RETIRED_ALLIANCE.md");
    let text = team_doc("status: retired\n", TEAM_BODY);
    std::fs::write(&retired, text).expect("write");
    assert_eq!(sb.run(&["site", "--today", "2026-12-01"]).code, 0);
    let page = read(&sb.path().join("site/alliances/retired-alliance.html"));
    assert!(!page.contains("class=\"agenda\""), "{page}");
}

/// Every `href="#id"` of `page` and whether `id="id"` is on it.
fn anchors(page: &str) -> Vec<(String, bool)> {
    page.split("href=\"#")
        .skip(1)
        .map(|rest| {
            let id = &rest[..rest.find('"').expect("end")];
            (id.to_owned(), page.contains(&format!(" id=\"{id}\"")))
        })
        .collect()
}

#[test]
fn single_file_is_the_whole_site_in_one_page_linked_within_itself() {
    let sb = examples();
    let run = sb.run(&["site", "--single-file", "--today", "2026-12-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "wrote site/alliances.html, one file with 5 alliances\n"
    );
    let names: Vec<String> = std::fs::read_dir(sb.path().join("site"))
        .expect("site/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["alliances.html"], "one file and nothing else");
    let page = read(&sb.path().join("site/alliances.html"));
    assert_safe("alliances.html", &page);
    assert!(page.contains("<a href=\"#index\">All alliances</a>"));
    assert!(page.contains("<section id=\"index\">\n<h1>Alliances</h1>"));
    for slug in [
        "designed-alliance",
        "one-on-one-ada-grace",
        "support-rotation-alliance",
        "team-alliance",
        "working-alliance-coaching",
    ] {
        assert!(
            page.contains(&format!("<a href=\"#{slug}\">")),
            "{slug} listed"
        );
        assert!(
            page.contains(&format!("<article id=\"{slug}\">\n<h2>")),
            "{slug} as an article"
        );
    }
    let anchors = anchors(&page);
    assert!(anchors.len() > 20, "{anchors:?}");
    let broken: Vec<_> = anchors.iter().filter(|(_, found)| !found).collect();
    assert!(broken.is_empty(), "links to nothing: {broken:?}");
    let mut ids: Vec<&str> = page
        .split(" id=\"")
        .skip(1)
        .map(|r| &r[..r.find('"').expect("end")])
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "every id once");
    assert_eq!(
        page.matches("<h1>").count(),
        1,
        "one page title; each alliance a level down"
    );
    assert!(page.contains("<h3>Pulse</h3>") && page.contains("<h3>Reviews</h3>"));
    assert!(!page.contains("site.json"), "no file beside it to point to");
}

#[test]
fn the_pages_of_alliances_that_are_gone_are_removed_and_nothing_else() {
    let sb = examples();
    assert_eq!(sb.run(&["site", "--today", "2026-12-01"]).code, 0);
    let site = sb.path().join("site");
    assert!(
        site.join("alliances/support-rotation-alliance.html")
            .exists()
    );
    std::fs::remove_file(sb.path().join("support-rotation-alliance.md")).expect("remove");
    sb.write("site/alliances/notes.html", "<p>mine</p>");
    sb.write("site/keep.txt", "mine");
    let run = sb.run(&["site", "--today", "2026-12-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "wrote site/index.html, 4 alliance pages, site.json and alliances.ics; removed 1 page of an alliance no longer here\n"
    );
    assert!(
        !site
            .join("alliances/support-rotation-alliance.html")
            .exists()
    );
    assert_eq!(
        sb.read("site/alliances/notes.html"),
        "<p>mine</p>",
        "not the site's"
    );
    assert_eq!(sb.read("site/keep.txt"), "mine");
    assert_eq!(
        pages(&site).len(),
        4 + 1 + 1,
        "index, four pages and the user's"
    );
    let again = sb.run(&["site", "--today", "2026-12-01"]);
    assert_eq!(
        again.stdout,
        "wrote site/index.html, 4 alliance pages, site.json and alliances.ics\n"
    );
}

#[test]
fn a_site_json_naming_other_files_removes_none_of_them() {
    let sb = examples();
    sb.write("outside.html", "keep");
    sb.write("site/alliances/kept.html", "keep");
    let manifest = serde_json::json!({ "alliances": [
        { "page": "../outside.html" },
        { "page": "alliances/../../TEAM_ALLIANCE.md" },
        { "page": "/etc/passwd" },
        { "page": "index.html" },
        { "page": "alliances/kept.html/" },
    ]});
    sb.write("site/site.json", manifest.to_string());
    let run = sb.run(&["site", "--today", "2026-12-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(sb.read("outside.html"), "keep");
    assert_eq!(sb.read("site/alliances/kept.html"), "keep");
    assert!(sb.path().join("TEAM_ALLIANCE.md").exists());
}

#[cfg(unix)]
#[test]
fn a_stale_page_that_is_a_link_is_not_followed() {
    let sb = examples();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = elsewhere.path().join("precious.html");
    std::fs::write(&target, "precious").expect("write");
    std::fs::create_dir_all(sb.path().join("site/alliances")).expect("mkdir");
    std::os::unix::fs::symlink(&target, sb.path().join("site/alliances/gone.html")).expect("link");
    let manifest = serde_json::json!({ "alliances": [{ "page": "alliances/gone.html" }] });
    sb.write("site/site.json", manifest.to_string());
    let run = sb.run(&["site", "--today", "2026-12-01"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("is a symbolic link"), "{run:?}");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "precious");
    assert!(
        sb.path()
            .join("site/alliances/gone.html")
            .symlink_metadata()
            .is_ok(),
        "the link stays"
    );
}

#[test]
fn the_timeline_read_for_all_alliances_at_once_is_alliance_logs_through_merges_and_renames() {
    let sb = Sandbox::new();
    let at = |day: &str| format!("2026-{day}T10:00:00Z");
    sb.git(&["init", "-q", "-b", "main"], &at("01-10"));
    sb.write("TEAM.md", team_doc("status: active\n", TEAM_BODY));
    sb.write(
        "other/ONE_ALLIANCE.md",
        team_doc("status: active\n", TEAM_BODY),
    );
    sb.commit_as(
        ("Ada Lovelace", "ada@example.com"),
        "start",
        &at("01-10"),
        None,
    );
    sb.git(&["checkout", "-q", "-b", "side"], &at("02-01"));
    let review = |path: &str, date: &str| {
        let run = sb.run(&["review", path, "--date", date, "--note", "on the way"]);
        assert_eq!(run.code, 0, "{run:?}");
    };
    review("TEAM.md", "2026-02-01");
    sb.commit_as(
        ("Grace Hopper", "grace@example.com"),
        "review on a branch",
        &at("02-01"),
        None,
    );
    sb.git(&["checkout", "-q", "main"], &at("02-02"));
    review("other/ONE_ALLIANCE.md", "2026-02-02");
    sb.commit_as(
        ("Ada Lovelace", "ada@example.com"),
        "review the other",
        &at("02-02"),
        None,
    );
    sb.git(
        &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
        &at("02-03"),
    );
    sb.git(&["mv", "TEAM.md", "TEAM_ALLIANCE.md"], &at("03-01"));
    sb.commit_as(
        ("Ada Lovelace", "ada@example.com"),
        "rename",
        &at("03-01"),
        None,
    );
    review("TEAM_ALLIANCE.md", "2026-04-01");
    sb.commit_as(
        ("Ada Lovelace", "ada@example.com"),
        "review again",
        &at("04-01"),
        None,
    );
    assert_eq!(sb.run(&["site", "--today", "2026-05-01"]).code, 0);
    for (file, page) in [
        ("TEAM_ALLIANCE.md", "team-alliance"),
        ("other/ONE_ALLIANCE.md", "other-one-alliance"),
    ] {
        let log = sb.run(&["log", file, "--format", "json"]).json();
        let mut commits: Vec<String> = log["reviews"]
            .as_array()
            .expect("reviews")
            .iter()
            .map(|r| r["commit"].as_str().expect("commit")[..10].to_owned())
            .collect();
        commits.reverse();
        let html = read(&sb.path().join(format!("site/alliances/{page}.html")));
        let shown: Vec<String> = html
            .split("<p class=\"muted\">Commit <code>")
            .skip(1)
            .map(|rest| rest[..10].to_owned())
            .collect();
        assert_eq!(shown, commits, "{file}");
        assert!(!shown.is_empty());
    }
}
