//! `alliance site --merge`: one organisation index from the site.json each
//! team's `alliance site --url URL` wrote, what needs attention first, and
//! that a hostile site.json is refused or escaped, never obeyed.

use crate::common::Sandbox;
use crate::site::{assert_safe, examples};

/// The examples' site, published at `url`: its site.json, as text.
fn site_json(url: &str) -> String {
    let sb = examples();
    let run = sb.run(&["site", "--today", "2026-12-01", "--url", url]);
    assert_eq!(run.code, 0, "{run:?}");
    sb.read("site/site.json")
}

/// A folder with `teams/NAME/site.json` for each (name, text).
fn teams(sites: &[(&str, &str)]) -> Sandbox {
    let sb = Sandbox::new();
    for (name, json) in sites {
        sb.write(&format!("teams/{name}/site.json"), json);
    }
    sb
}

#[test]
fn the_url_is_recorded_in_site_json() {
    let json: serde_json::Value =
        serde_json::from_str(&site_json("https://example-org.github.io/payments")).expect("JSON");
    assert_eq!(json["url"], "https://example-org.github.io/payments/");
    let sb = examples();
    let run = sb.run(&["site", "--url", "javascript:alert(1)"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: --url javascript:alert(1): not an http or https address, or a relative path (no query or fragment)\n"
    );
    assert!(!sb.path().join("site").exists(), "nothing written");
}

#[test]
fn the_index_puts_what_needs_attention_first_and_links_each_team() {
    let payments = site_json("https://example-org.github.io/payments/").replace(
        "\"repository\": \"",
        "\"repository\": \"payments\", \"was\": \"",
    );
    let platform = site_json("../platform/").replace(
        "\"repository\": \"",
        "\"repository\": \"platform\", \"was\": \"",
    );
    let sb = teams(&[("payments", &payments), ("platform", &platform)]);
    let run = sb.run(&[
        "site",
        "--merge",
        "teams/platform/site.json",
        "teams/payments/site.json",
        "-o",
        "org",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "wrote org/index.html: 10 alliances of 2 teams\n"
    );
    let index = sb.read("org/index.html");
    assert_safe("org/index.html", &index);
    // The rows, by what they need: each team's two overdue alliances
    // (same day: by team name, then title), the one waiting for consent,
    // the one due soon, then the one on time.
    let needs: Vec<&str> = index
        .split("<tr><td>")
        .skip(1)
        .map(|row| row.split("</td>").next().unwrap_or(""))
        .map(|cell| {
            [
                "Overdue",
                "Waiting for consent",
                "Review due in",
                "nothing now",
            ]
            .into_iter()
            .find(|words| cell.contains(words))
            .unwrap_or(cell)
        })
        .collect();
    assert_eq!(
        needs,
        [
            "Overdue",
            "Overdue",
            "Overdue",
            "Overdue",
            "Waiting for consent",
            "Waiting for consent",
            "Review due in",
            "Review due in",
            "nothing now",
            "nothing now",
        ]
    );
    assert!(index.contains(
        "<a href=\"https://example-org.github.io/payments/alliances/designed-alliance.html\" rel=\"noopener noreferrer\">Platform and Mobile designed alliance</a>"
    ));
    assert!(index.contains("<a href=\"../platform/alliances/designed-alliance.html\""));
    assert!(
        index.contains("<span class=\"muted\">from @alan</span>"),
        "who is waited for"
    );
    // The teams by name, never by a count or a score.
    let payments_at = index.find(">payments</a> <span class=\"muted\">(as of 2026-12-01)");
    let platform_at = index.find(">platform</a> <span class=\"muted\">(as of 2026-12-01)");
    assert!(
        payments_at < platform_at && payments_at.is_some(),
        "{index}"
    );
}

#[test]
fn a_site_json_without_its_url_is_refused() {
    let sb = examples();
    assert_eq!(sb.run(&["site", "--today", "2026-12-01"]).code, 0);
    let run = sb.run(&["site", "--merge", "site/site.json", "-o", "org"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: site/site.json: no `url`: build that site with `alliance site --url URL`, URL being where it is published\n"
    );
    assert!(!sb.path().join("org").exists());
}

#[test]
fn a_hostile_site_json_is_refused_or_escaped() {
    let alliance = |title: &str, page: &str| {
        format!(
            r#"{{"title": {title}, "page": "{page}", "kind": "<b>team</b>", "status": "active",
"parties": ["<img src=x onerror=alert(1)>"], "review": {{"next": "2026-11-01", "tier": "overdue", "days_overdue": 30}},
"consent": {{"complete": true, "agreed": [], "waiting": []}}}}"#
        )
    };
    let site = |url: &str, alliance: &str| {
        format!(
            r#"{{"today": "2026-12-01", "repository": "<script>alert(1)</script>", "url": "{url}", "alliances": [{alliance}]}}"#
        )
    };
    let escaped = site(
        "https://x.example/t/",
        &alliance(
            r#""</a><script>alert(1)</script>\u202e""#,
            "alliances/a.html",
        ),
    );
    let sb = teams(&[("t", &escaped)]);
    let run = sb.run(&["site", "--merge", "teams/t/site.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let index = sb.read("site/index.html");
    assert_safe("site/index.html", &index);
    assert!(index.contains("&lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\u{202e}</a>"));
    assert!(index.contains("&lt;img src=x onerror=alert(1)&gt;"));

    let refused = [
        (
            site(
                "javascript:alert(1)",
                &alliance("\"a\"", "alliances/a.html"),
            ),
            "teams/t/site.json: url: not an http or https address, or a relative path",
        ),
        (
            site(
                "https://x.example/",
                &alliance("\"a\"", "javascript:alert(1)"),
            ),
            "teams/t/site.json: alliances[0].page: not alliances/<name>.html",
        ),
        (
            site(
                "https://x.example/",
                &alliance("\"a\"", "alliances/../../evil.html"),
            ),
            "teams/t/site.json: alliances[0].page: not alliances/<name>.html",
        ),
        (
            "{\"today\": \"2026-12-01\", \"alliances\": [".to_owned(),
            "teams/t/site.json: not a site.json written by `alliance site`: EOF while parsing a list at line 1 column 38",
        ),
        // Ten thousand levels deep in a field it passes over: no stack
        // overflow, the file is judged on what it lacks.
        (
            format!(
                "{{\"extra\": {}1{}}}",
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
            "teams/t/site.json: not a site.json written by `alliance site`: missing field `today` at line 1 column 20012",
        ),
    ];
    for (json, message) in refused {
        let sb = teams(&[("t", &json)]);
        let run = sb.run(&["site", "--merge", "teams/t/site.json"]);
        assert_eq!(run.code, 2, "{json:.80}");
        assert_eq!(run.stderr, format!("alliance: {message}\n"));
        assert!(!sb.path().join("site").exists());
    }

    // Huge: refused before it is read.
    let sb = Sandbox::new();
    let file = std::fs::File::create(sb.path().join("site.json")).expect("create");
    file.set_len(17 * 1024 * 1024).expect("grow");
    let run = sb.run(&["site", "--merge", "site.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("site.json: the file is 17825792 bytes; alliance reads files of this kind up to 16777216 bytes"),
        "{}",
        run.stderr
    );
}
