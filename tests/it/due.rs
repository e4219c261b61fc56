//! `alliance due`: what is due, as of a pinned day, in every format.

use crate::common::{Sandbox, TEAM_BODY, team_doc};

/// A team alliance with `review:` lines and an extra body.
fn alliance(review: &str, body: &str) -> String {
    let doc = team_doc(
        "status: active\ncreated: 2026-01-31\n",
        &format!("{TEAM_BODY}{body}"),
    );
    doc.replace("review:\n  every: 3 months\n", review)
}

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    // Review due 2026-12-01 (next, as written); one item due 2026-11-15.
    sb.write(
        "TEAM_ALLIANCE.md",
        alliance(
            "review:\n  every: 3 months\n  last: 2026-09-01\n  next: 2026-12-01\n",
            "\n## Follow-ups\n\n- Pair on deploys. [owner:: @grace] [review:: 2026-11-15]\n",
        ),
    );
    sb
}

#[test]
fn overdue_review_and_item_fail_by_default() {
    let sb = sandbox();
    let run = sb.run(&["due", "--today", "2026-12-03"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "overdue: TEAM_ALLIANCE.md:41: item: Pair on deploys. — 18 days overdue (due 2026-11-15)
    responsible: @grace
overdue: TEAM_ALLIANCE.md:14: review of Test team — 2 days overdue (due 2026-12-01)
    responsible: @ada, @grace
1 alliance on 2026-12-03: 2 overdue, 0 due soon
"
    );
}

#[test]
fn due_today_is_due_not_overdue() {
    let sb = sandbox();
    let run = sb.run(&["due", "--today", "2026-12-01", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 1, "the item is still overdue: {run:?}");
    assert!(
        run.stdout.contains(
            "due soon: TEAM_ALLIANCE.md:14: review of Test team — due today (2026-12-01)"
        ),
        "{}",
        run.stdout
    );
    let json = sb
        .run(&["due", "--today", "2026-12-01", "--format", "json"])
        .json();
    assert_eq!(json["alliances"][0]["review"]["tier"], "due-soon");
    assert_eq!(json["alliances"][0]["review"]["days_overdue"], 0);
}

#[test]
fn within_boundaries() {
    let sb = sandbox();
    // On 2026-11-01 nothing is overdue. 14 days reaches 2026-11-15: the item.
    let run = sb.run(&[
        "due",
        "--today",
        "2026-11-01",
        "--within",
        "14d",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0);
    let json = run.json();
    assert_eq!(json["summary"]["due_soon"], 1);
    assert_eq!(json["alliances"][0]["items"][0]["tier"], "due-soon");
    assert_eq!(json["alliances"][0]["review"]["tier"], "ok");
    // 13 days stops a day short.
    let json = sb
        .run(&[
            "due",
            "--today",
            "2026-11-01",
            "--within",
            "13 days",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json["summary"]["due_soon"], 0);
    // A month reaches 2026-12-01: both.
    let json = sb
        .run(&[
            "due",
            "--today",
            "2026-11-01",
            "--within",
            "1 month",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json["summary"]["due_soon"], 2);
    let json = sb
        .run(&[
            "due",
            "--today",
            "2026-11-01",
            "--within",
            "2w",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json["summary"]["due_soon"], 1);
}

#[test]
fn calendar_arithmetic_from_last_and_created() {
    let sb = Sandbox::new();
    // Never reviewed: created 2026-01-31 + 1 month = 2026-02-28.
    sb.write("a/ALLIANCE.md", alliance("review:\n  every: monthly\n", ""));
    // Leap year: last 2028-01-31 + 1 month = 2028-02-29.
    sb.write(
        "b/ALLIANCE.md",
        alliance("review:\n  every: 1 month\n  last: 2028-01-31\n", ""),
    );
    // Weeks: 2026-12-01 + 6 weeks = 2027-01-12. Years from a leap day: 2029-02-28.
    sb.write(
        "c/ALLIANCE.md",
        alliance("review:\n  every: 6 weeks\n  last: 2026-12-01\n", ""),
    );
    sb.write(
        "d/ALLIANCE.md",
        alliance("review:\n  every: yearly\n  last: 2028-02-29\n", ""),
    );
    sb.write(
        "e/ALLIANCE.md",
        alliance("review:\n  every: 10 days\n  last: 2026-12-25\n", ""),
    );
    let json = sb
        .run(&["due", "--today", "2026-01-01", "--format", "json"])
        .json();
    let dates: Vec<(String, String, String)> = json["alliances"]
        .as_array()
        .expect("alliances")
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap_or("").replace('\\', "/"),
                a["review"]["date"].as_str().unwrap_or("").to_owned(),
                a["review"]["basis"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expect = |p: &str, d: &str, b: &str| (p.to_owned(), d.to_owned(), b.to_owned());
    assert_eq!(
        dates,
        [
            expect("a/ALLIANCE.md", "2026-02-28", "created-plus-every"),
            expect("b/ALLIANCE.md", "2028-02-29", "last-plus-every"),
            expect("c/ALLIANCE.md", "2027-01-12", "last-plus-every"),
            expect("d/ALLIANCE.md", "2029-02-28", "last-plus-every"),
            expect("e/ALLIANCE.md", "2027-01-04", "last-plus-every"),
        ]
    );
}

#[test]
fn exit_code_for_every_fail_on() {
    let sb = sandbox();
    let code = |today: &str, fail_on: &str| {
        sb.run(&[
            "due",
            "--today",
            today,
            "--within",
            "30d",
            "--fail-on",
            fail_on,
        ])
        .code
    };
    // 2026-12-03: overdue. 2026-11-10: due soon only. 2026-10-01: nothing.
    assert_eq!(code("2026-12-03", "overdue"), 1);
    assert_eq!(code("2026-12-03", "due-soon"), 1);
    assert_eq!(code("2026-12-03", "never"), 0);
    assert_eq!(code("2026-11-10", "overdue"), 0);
    assert_eq!(code("2026-11-10", "due-soon"), 1);
    assert_eq!(code("2026-11-10", "never"), 0);
    assert_eq!(code("2026-10-01", "due-soon"), 0);
    assert_eq!(
        sb.run(&["due", "--today", "2026-12-03"]).code,
        1,
        "overdue fails by default"
    );
}

#[test]
fn retired_skipped_and_drafts_apart() {
    let sb = Sandbox::new();
    let overdue = "review:\n  every: 3 months\n  next: 2026-01-01\n";
    sb.write(
        "old/ALLIANCE.md",
        alliance(overdue, "").replace("status: active", "status: retired"),
    );
    sb.write(
        "new/ALLIANCE.md",
        alliance(overdue, "").replace("status: active", "status: draft"),
    );
    let run = sb.run(&["due", "--today", "2026-02-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "drafts (not in force, never fail the run):
  draft: new/ALLIANCE.md:13: review of Test team — 31 days overdue (due 2026-01-01)
    responsible: @ada, @grace
0 alliances on 2026-02-01: 0 overdue, 0 due soon; 1 draft apart; 1 retired alliance skipped
"
    );
}

#[test]
fn a_broken_file_exits_2_and_the_others_are_listed() {
    let sb = sandbox();
    sb.write(
        "BROKEN_ALLIANCE.md",
        "---\nalliance: team\ntitle: [oops\n---\n# Broken\n",
    );
    let run = sb.run(&["due", "--today", "2026-12-03"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains("error[A003]: BROKEN_ALLIANCE.md:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("review of Test team — 2 days overdue"),
        "{}",
        run.stdout
    );
    let json = sb
        .run(&["due", "--today", "2026-12-03", "--format", "json"])
        .json();
    assert_eq!(json["broken"][0]["code"], "A003");
    assert_eq!(json["alliances"].as_array().map(Vec::len), Some(1));
}

#[test]
fn bad_arguments_exit_2() {
    let sb = sandbox();
    for args in [
        &["due", "--today", "2026-02-30"][..],
        &["due", "--within", "soon"],
        &["due", "--fail-on", "always"],
    ] {
        let run = sb.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
    }
}

#[test]
fn github_annotations() {
    let sb = sandbox();
    let run = sb.run(&[
        "due",
        "--today",
        "2026-11-20",
        "--within",
        "14d",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "::error file=TEAM_ALLIANCE.md,line=41,col=47,title=alliance overdue::item: Pair on deploys. — 5 days overdue (due 2026-11-15); responsible: @grace
::warning file=TEAM_ALLIANCE.md,line=14,col=9,title=alliance due soon::review of Test team — due in 11 days (2026-12-01); responsible: @ada, @grace
"
    );
}

#[test]
fn markdown_table() {
    let sb = sandbox();
    let run = sb.run(&[
        "due",
        "--today",
        "2026-11-20",
        "--within",
        "14d",
        "--format",
        "markdown",
    ]);
    assert_eq!(
        run.stdout,
        "### Alliance reviews due on 2026-11-20

| | What | File | When | Responsible |
|---|---|---|---|---|
| 🔴 overdue | item: Pair on deploys. | `TEAM_ALLIANCE.md:41` | 5 days overdue (due 2026-11-15) | @&#8203;grace |
| 🟡 due soon | review of Test team | `TEAM_ALLIANCE.md:14` | due in 11 days (2026-12-01) | @&#8203;ada, @&#8203;grace |
"
    );
    let quiet = sb.run(&["due", "--today", "2026-01-01", "--format", "markdown"]);
    assert!(quiet.stdout.contains("Nothing is due."), "{}", quiet.stdout);
}

#[test]
fn junit_is_valid_xml_with_one_case_per_alliance_and_item() {
    let sb = sandbox();
    // Text that needs escaping in XML.
    sb.write(
        "x/ALLIANCE.md",
        alliance(
            "review:\n  every: 3 months\n  next: 2027-01-01\n",
            "\n## More\n\n- Use a < b & \"quotes\" ]]> freely. [review:: 2026-11-01]\n",
        )
        .replace("title: Test team", "title: \"Ampersand & <angle>\""),
    );
    let run = sb.run(&["due", "--today", "2026-12-03", "--format", "junit"]);
    assert_eq!(run.code, 1);
    let mut reader = quick_xml::Reader::from_str(&run.stdout);
    let mut cases = Vec::new();
    let mut failures = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "testcase" {
                    let attr = e
                        .try_get_attribute("name")
                        .expect("attribute")
                        .expect("name")
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("unescape")
                        .into_owned();
                    cases.push(attr);
                }
                if name == "failure" {
                    failures += 1;
                }
            }
            Ok(_) => {}
            Err(e) => panic!(
                "invalid XML at {}: {e}\n{}",
                reader.buffer_position(),
                run.stdout
            ),
        }
    }
    assert_eq!(
        cases,
        [
            "review of Test team",
            "item: Pair on deploys.",
            "review of Ampersand & <angle>",
            "item: Use a < b & \"quotes\" ]]> freely.",
        ]
    );
    assert_eq!(failures, 3);
}

#[test]
fn changed_since_limits_to_changed_alliances() {
    let sb = Sandbox::new();
    let overdue = alliance("review:\n  every: 3 months\n  next: 2026-01-01\n", "");
    sb.git(&["init", "-q", "-b", "main"], "2026-01-01T00:00:00Z");
    sb.write("a/ALLIANCE.md", &overdue);
    sb.write("b/ALLIANCE.md", &overdue);
    sb.git(&["add", "-A"], "2026-01-01T00:00:00Z");
    sb.git(&["commit", "-q", "-m", "start"], "2026-01-01T00:00:00Z");
    // Nothing changed since HEAD: nothing listed, nothing fails.
    let run = sb.run(&["due", "--today", "2026-02-01", "--changed-since", "HEAD"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("0 alliances on 2026-02-01"),
        "{}",
        run.stdout
    );
    // Change b (unstaged), add c (untracked): those two are listed.
    sb.write(
        "b/ALLIANCE.md",
        overdue.replace("We keep the lights on.", "We keep the lights on, mostly."),
    );
    sb.write("c/ALLIANCE.md", &overdue);
    let json = sb
        .run(&[
            "due",
            "--today",
            "2026-02-01",
            "--changed-since",
            "HEAD",
            "--format",
            "json",
        ])
        .json();
    let paths: Vec<String> = json["alliances"]
        .as_array()
        .expect("alliances")
        .iter()
        .map(|a| a["path"].as_str().unwrap_or("").replace('\\', "/"))
        .collect();
    assert_eq!(paths, ["b/ALLIANCE.md", "c/ALLIANCE.md"]);
    // The whole repository without the flag.
    assert_eq!(
        sb.run(&["due", "--today", "2026-02-01", "--format", "json"])
            .json()["summary"]["alliances"],
        3
    );
    // A revision that does not exist.
    let run = sb.run(&["due", "--changed-since", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`no-such-branch` is not a revision"),
        "{}",
        run.stderr
    );
}

#[test]
fn changed_since_outside_a_repository() {
    let sb = sandbox();
    let run = sb.run(&["due", "--changed-since", "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("needs a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn alliance_today_pins_the_default_day() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("created: 2026-01-10\n", TEAM_BODY),
    );
    let pinned = sandbox.run(&["due", "--today", "2026-05-01", "--format", "json"]);
    let by_env = sandbox.run_with_env(
        &["due", "--format", "json"],
        &[("ALLIANCE_TODAY", "2026-05-01")],
    );
    assert_eq!(pinned.code, 1, "{}", pinned.stdout);
    assert_eq!((by_env.code, &by_env.stdout), (pinned.code, &pinned.stdout));
    let bad = sandbox.run_with_env(&["due"], &[("ALLIANCE_TODAY", "2026-02-30")]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("ALLIANCE_TODAY=2026-02-30"),
        "{}",
        bad.stderr
    );
}
