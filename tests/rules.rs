//! One readable case per rule: a small document, the finding it gets
//! (code, line, column) and the exit code of `alliance check`.

mod common;

use alliance::check::finding::Rule;
use common::{Sandbox, TEAM_BODY, team_doc};

struct Case {
    rule: &'static str,
    doc: Vec<u8>,
    line: usize,
    column: usize,
    exit: i32,
}

fn case(
    rule: &'static str,
    doc: impl Into<Vec<u8>>,
    line: usize,
    column: usize,
    exit: i32,
) -> Case {
    Case {
        rule,
        doc: doc.into(),
        line,
        column,
        exit,
    }
}

fn cases() -> Vec<Case> {
    let body_without = |heading: &str| {
        let start = TEAM_BODY.find(heading).expect("heading");
        let end = TEAM_BODY[start + 3..]
            .find("\n## ")
            .map_or(TEAM_BODY.len(), |i| start + 3 + i + 1);
        format!("{}{}", &TEAM_BODY[..start], &TEAM_BODY[end..])
    };
    vec![
        case("A001", "# Our agreement\n\n- Be kind\n", 1, 1, 1),
        case(
            "A002",
            "---\nalliance: team\ntitle: Never closed\n",
            1,
            1,
            1,
        ),
        case(
            "A003",
            "---\nalliance: team\ntitle: [unclosed\n---\n",
            4,
            1,
            1,
        ),
        case(
            "A003",
            "---\nalliance: team\nalliance: working\n---\n",
            3,
            1,
            1,
        ),
        case("A004", "---\n- just\n- a list\n---\n", 2, 1, 1),
        case(
            "A005",
            b"---\nalliance: team\n\xff\xfe bad bytes\n---\n",
            0,
            0,
            1,
        ),
        case("A010", "---\nalliance: squad\ntitle: T\n---\n", 2, 11, 1),
        case(
            "A011",
            team_doc("", TEAM_BODY).replace("title: Test team\n", ""),
            1,
            1,
            1,
        ),
        case(
            "A011",
            team_doc("", TEAM_BODY).replace("  every: 3 months\n", "  last: 2026-01-01\n"),
            9,
            1,
            1,
        ),
        case(
            "A012",
            team_doc("", TEAM_BODY).replace("title: Test team", "title: [a, b]"),
            3,
            8,
            1,
        ),
        case("A013", team_doc("status: finished\n", TEAM_BODY), 9, 1, 1),
        case(
            "A020",
            team_doc("created: 2026-02-30\n", TEAM_BODY),
            9,
            10,
            1,
        ),
        case(
            "A021",
            team_doc("", TEAM_BODY).replace("every: 3 months", "every: now and then"),
            10,
            10,
            1,
        ),
        case(
            "A022",
            team_doc("", TEAM_BODY).replace(
                "  every: 3 months\n",
                "  every: 3 months\n  last: 2026-06-01\n  next: 2026-05-01\n",
            ),
            12,
            9,
            1,
        ),
        case(
            "A030",
            team_doc("", &body_without("## Agreements")),
            2,
            11,
            1,
        ),
        case(
            "A031",
            team_doc(
                "",
                &TEAM_BODY.replace("We keep the lights on.\n", "<!-- later -->\n"),
            ),
            15,
            1,
            1,
        ),
        case(
            "A031",
            team_doc(
                "",
                &TEAM_BODY.replace("- We start on time. [id:: on-time]", "We start on time."),
            ),
            27,
            1,
            1,
        ),
        case(
            "A032",
            team_doc("", &format!("{TEAM_BODY}\n## Ground rules\n\n- Again.\n")),
            35,
            1,
            1,
        ),
        case(
            "A033",
            team_doc(
                "",
                &format!(
                    "{}\n## Purpose\n\nWe keep the lights on.\n",
                    body_without("## Purpose")
                ),
            ),
            31,
            1,
            0,
        ),
        case(
            "A034",
            team_doc(
                "status: draft\n",
                &TEAM_BODY.replace("Calm and curious.", "> **Ask:** How should it feel?"),
            ),
            20,
            1,
            0,
        ),
        case(
            "A040",
            team_doc(
                "",
                &TEAM_BODY.replace("[id:: on-time]", "[review:: next week]"),
            ),
            29,
            31,
            1,
        ),
        case(
            "A041",
            team_doc("", &TEAM_BODY.replace("[owner:: @ada]", "[owner:: @bob]")),
            25,
            32,
            1,
        ),
        case(
            "A042",
            team_doc(
                "",
                &TEAM_BODY.replace(
                    "- We start on time. [id:: on-time]",
                    "- We start on time. [id:: on-time]\n- We end on time. [id:: on-time]",
                ),
            ),
            30,
            25,
            1,
        ),
    ]
}

#[test]
fn every_rule_has_a_case_with_the_exact_finding() {
    let cases = cases();
    for rule in Rule::ALL {
        assert!(
            cases.iter().any(|c| c.rule == rule.code()),
            "no case for {} {}",
            rule.code(),
            rule.name()
        );
    }
    for case in cases {
        let sandbox = Sandbox::new();
        sandbox.write("doc.md", &case.doc);
        let run = sandbox.run(&["check", "doc.md", "--format", "json"]);
        assert_eq!(
            run.code, case.exit,
            "{}: exit code\n{}",
            case.rule, run.stdout
        );
        let json = run.json();
        let findings = json["files"][0]["findings"]
            .as_array()
            .expect("findings")
            .clone();
        let found = findings
            .iter()
            .find(|f| f["code"] == case.rule)
            .unwrap_or_else(|| panic!("{}: not reported; got {findings:#?}", case.rule));
        if case.line > 0 {
            assert_eq!(
                (found["line"].as_u64(), found["column"].as_u64()),
                (Some(case.line as u64), Some(case.column as u64)),
                "{}: location of {found:#}",
                case.rule
            );
        }
        assert!(
            found["help"].as_str().is_some_and(|h| !h.is_empty()),
            "{}: every finding says what to do",
            case.rule
        );
    }
}

#[test]
fn every_rule_is_documented() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .expect("docs/rules.md");
    for rule in Rule::ALL {
        let heading = format!("## {} {}\n", rule.code(), rule.name());
        assert!(
            docs.contains(&heading),
            "docs/rules.md lacks `{}`",
            heading.trim()
        );
        let row = format!("| {} | {} |", rule.code(), rule.name());
        assert!(
            docs.contains(&row),
            "docs/rules.md's table lacks {}",
            rule.code()
        );
    }
}

#[test]
fn a_clean_document_has_no_findings() {
    let sandbox = Sandbox::new();
    sandbox.write("doc.md", team_doc("", TEAM_BODY));
    let run = sandbox.run(&["check", "doc.md"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "checked 1 file: no problems\n");
}

#[test]
fn a_draft_may_leave_sections_empty() {
    let sandbox = Sandbox::new();
    let body = TEAM_BODY.replace("We keep the lights on.\n", "");
    sandbox.write("doc.md", team_doc("status: draft\n", &body));
    let run = sandbox.run(&["check", "doc.md", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json()["files"][0]["findings"][0]["severity"], "warning");
}

#[test]
fn human_output_points_at_the_line() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("", TEAM_BODY).replace("every: 3 months", "every: sometimes"),
    );
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 1);
    let expected = "\
error[A021]: `review.every`: `sometimes` is not a cadence: write a number and a unit (`3 months`, `6 weeks`, `14d`) or a word (weekly, fortnightly, monthly, quarterly, yearly)
  --> TEAM_ALLIANCE.md:10:10
   |
10 |   every: sometimes
   |          ^^^^^^^^^
   |
   = help: e.g. `every: 3 months` or `every: quarterly`

checked 1 file: 1 error
";
    assert_eq!(run.stdout, expected);
}

#[test]
fn github_format_writes_workflow_commands() {
    let sandbox = Sandbox::new();
    sandbox.write("doc.md", team_doc("created: 2026-02-30\n", TEAM_BODY));
    let run = sandbox.run(&["check", "doc.md", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "::error file=doc.md,line=9,col=10,endColumn=20,title=A020 invalid-date::`created`: `2026-02-30` is not a day of the calendar%0Ahelp: write the day as YYYY-MM-DD, e.g. 2026-03-31\n"
    );
}
