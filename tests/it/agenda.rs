//! `alliance agenda` with history: the rotation of readers over reviews
//! recorded by `alliance review`, what changed since the last review, and
//! runs that give the same bytes. Hermetic repositories built by each test
//! (pinned identity and dates, no global git config).

use std::collections::BTreeMap;

use crate::common::Sandbox;

const PARTIES: &str = "  - name: Ada Lovelace\n    handle: ada\n  - name: Grace Hopper\n    handle: grace\n  - name: Katherine Johnson\n    handle: kj\n";

/// A team alliance of three with seven items, two of them without an id.
fn alliance(last: Option<&str>) -> String {
    let last = last.map(|d| format!("  last: {d}\n")).unwrap_or_default();
    format!(
        "---\nalliance: team\ntitle: Payments\nparties:\n{PARTIES}review:\n  every: 3 months\n{last}---\n\n# Payments\n\n## Purpose\n\nWe keep money moving.\n\n## Atmosphere\n\nCalm.\n\n## Co-responsibility\n\n- Ada keeps the plan honest.\n- Grace owns the release calendar.\n\n## Agreements\n\n- We start on time. [id:: on-time]\n- We reply within a day. [id:: reply]\n- Mornings are quiet. [id:: quiet]\n- Decisions are written down. [id:: written]\n- On call can pull anyone in. [id:: on-call]\n\n## When it gets hard\n\nWe talk.\n"
    )
}

fn repository() -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-01-05T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", alliance(None));
    sb.git(&["add", "."], "2026-01-05T10:00:00Z");
    sb.git(&["commit", "-qm", "Our alliance"], "2026-01-05T10:00:00Z");
    sb
}

/// The agenda's reading for `date`: item key to reader.
fn proposed(sb: &Sandbox, date: &str) -> Vec<(String, String, bool)> {
    let run = sb.run(&["agenda", "--date", date, "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    run.json()["read_aloud"]
        .as_array()
        .expect("read_aloud")
        .iter()
        .map(|r| {
            (
                r["item"].as_str().expect("item").to_owned(),
                r["reader"].as_str().expect("reader").to_owned(),
                r["repeat"].as_bool().expect("repeat"),
            )
        })
        .collect()
}

/// Record a review on `date` (with `extra` arguments) and commit it.
fn review(sb: &Sandbox, date: &str, extra: &[&str]) {
    let mut args = vec!["review", "--date", date];
    args.extend_from_slice(extra);
    let run = sb.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    let when = format!("{date}T10:00:00Z");
    sb.git(&["commit", "-qam", &format!("Review {date}")], &when);
}

/// The readings `log --format json` reads back, one map per review.
fn recorded(sb: &Sandbox) -> Vec<BTreeMap<String, String>> {
    let run = sb.run(&["log", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    run.json()["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .map(|r| {
            r["readers"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .map(|e| {
                            (
                                e["item"].as_str().expect("item").to_owned(),
                                e["reader"].as_str().expect("reader").to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

fn counts(readings: &[BTreeMap<String, String>]) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> =
        ["ada", "grace", "kj"].map(|p| (p.to_owned(), 0)).into();
    for review in readings {
        for reader in review.values() {
            *counts.get_mut(reader).expect("a party") += 1;
        }
    }
    counts
}

fn spread(counts: &BTreeMap<String, usize>) -> usize {
    counts.values().max().unwrap() - counts.values().min().unwrap()
}

#[test]
fn the_rotation_is_fair_over_reviews_and_never_repeats_an_item() {
    let sb = repository();
    let dates = ["2026-02-01", "2026-05-01", "2026-08-01", "2026-11-01"];
    let mut previous: Option<BTreeMap<String, String>> = None;
    for date in dates {
        let reading = proposed(&sb, date);
        assert_eq!(reading.len(), 7, "every item has a reader");
        assert!(reading.iter().all(|(_, _, repeat)| !repeat), "{reading:?}");
        review(&sb, date, &[]);
        let all = recorded(&sb);
        let last = all.last().expect("a review").clone();
        // What review recorded is what the agenda proposed for its day.
        let proposal: BTreeMap<String, String> =
            reading.into_iter().map(|(i, r, _)| (i, r)).collect();
        assert_eq!(last, proposal, "{date}");
        // Fair: the counts over every review so far differ by at most one.
        let counts = counts(&all);
        assert!(spread(&counts) <= 1, "{date}: {counts:?}");
        // Nobody reads the item they read at the review before.
        if let Some(before) = &previous {
            for (item, reader) in &last {
                assert_ne!(before.get(item), Some(reader), "{date}: {item}");
            }
        }
        previous = Some(last);
    }
    // The items without an id are read under a slug of their words.
    let keys: Vec<String> = previous.expect("reviews").into_keys().collect();
    assert!(keys.contains(&"ada-keeps-the-plan".to_owned()), "{keys:?}");
    assert!(
        keys.contains(&"grace-owns-the-release".to_owned()),
        "{keys:?}"
    );
}

#[test]
fn a_changed_reading_is_recorded_and_the_rotation_levels_it_out() {
    let sb = repository();
    review(&sb, "2026-02-01", &[]);
    // Ada reads two items more than planned.
    let reading = proposed(&sb, "2026-05-01");
    let not_ada: Vec<&str> = reading
        .iter()
        .filter(|(_, r, _)| r != "ada")
        .map(|(i, _, _)| i.as_str())
        .take(2)
        .collect();
    let changes: Vec<String> = not_ada.iter().map(|i| format!("{i}=ada")).collect();
    review(
        &sb,
        "2026-05-01",
        &["--reader", &changes[0], "--reader", &changes[1]],
    );
    let all = recorded(&sb);
    let last = all.last().expect("review");
    for item in &not_ada {
        assert_eq!(last.get(*item).map(String::as_str), Some("ada"));
    }
    assert!(spread(&counts(&all)) >= 2, "{:?}", counts(&all));
    // The next agenda gives Ada fewer items, and the counts are level again.
    let next = proposed(&sb, "2026-08-01");
    let mut after = counts(&all);
    for (_, reader, _) in &next {
        *after.get_mut(reader).expect("party") += 1;
    }
    assert!(spread(&after) <= 1, "{after:?}");
    // `log` shows who read what, one line per reader.
    let log = sb.run(&["log"]);
    assert!(
        log.stdout
            .contains("\n    @ada read aloud: ada-keeps-the-plan"),
        "{}",
        log.stdout
    );
}

#[test]
fn since_the_last_review_shows_the_changes_note_and_wins() {
    let sb = repository();
    let run = sb.run(&[
        "review",
        "--date",
        "2026-02-01",
        "--note",
        "Kept all",
        "--win",
        "Quiet on-call",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    sb.git(
        &["commit", "-qam", "February review"],
        "2026-02-01T10:00:00Z",
    );
    let text = sb.read("TEAM_ALLIANCE.md").replace(
        "- Mornings are quiet. [id:: quiet]\n",
        "- Mornings until noon are quiet. [id:: quiet]\n- We demo on Fridays.\n",
    );
    sb.write("TEAM_ALLIANCE.md", text);
    let run = sb.run(&["agenda", "--date", "2026-05-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    let commit = sb.git(&["rev-parse", "--short=10", "HEAD"], "2026-05-01T10:00:00Z");
    let expected = format!(
        "## Since the last review (11 min)\nfrom the review of 2026-02-01 ({}) to the working tree: 1 agreement added, 1 reworded\n\n## Agreements\n  ~ Mornings {{+until noon +}}are quiet. [id:: quiet]\n  + We demo on Fridays.\n\nunchanged: Purpose, Atmosphere, Co-responsibility, When it gets hard\n\nlast review's note: Kept all\nwins: Quiet on-call\n",
        commit.trim()
    );
    assert!(run.stdout.contains(&expected), "{}", run.stdout);
}

#[test]
fn the_same_repository_and_date_give_the_same_bytes() {
    let sb = repository();
    review(&sb, "2026-02-01", &["--note", "First"]);
    sb.write(
        "TEAM_ALLIANCE.md",
        sb.read("TEAM_ALLIANCE.md")
            .replace("We talk.", "We talk, then decide."),
    );
    for format in ["human", "markdown", "json"] {
        let args = [
            "agenda",
            "--date",
            "2026-05-01",
            "--minutes",
            "50",
            "--format",
            format,
        ];
        let first = sb.run(&args);
        assert_eq!(first.code, 0, "{first:?}");
        for _ in 0..3 {
            let again = sb.run(&args);
            assert_eq!(again.stdout, first.stdout, "{format}");
        }
        // The clock is not read when --date is given.
        let pinned = sb.run_with_env(&args, &[("ALLIANCE_TODAY", "2030-01-01")]);
        assert_eq!(pinned.stdout, first.stdout, "{format}");
    }
    let json = sb.run(&[
        "agenda",
        "--date",
        "2026-05-01",
        "--minutes",
        "50",
        "--format",
        "json",
    ]);
    let boxes: u64 = json.json()["boxes"]
        .as_array()
        .expect("boxes")
        .iter()
        .map(|b| b["minutes"].as_u64().expect("minutes"))
        .sum();
    assert_eq!(boxes, 50);
}

#[test]
fn a_file_never_committed_has_an_agenda_that_says_why_nothing_is_compared() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-01-05T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", alliance(Some("2026-01-05")));
    let run = sb.run(&["agenda", "--date", "2026-02-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "## Since the last review\nnothing to compare: TEAM_ALLIANCE.md has no history: it was never committed"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("## Read aloud ("), "{}", run.stdout);
}

#[test]
fn a_repository_kind_sets_its_own_questions_and_length() {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: kinds\n");
    sb.write(
        "kinds/lab.kind.yaml",
        "name: lab\nextends: team\nreview_minutes: 30\nmore_review_questions:\n  - Which experiment do we stop?\n",
    );
    sb.write(
        "kinds/desk.kind.yaml",
        "name: desk\nextends: lab\nreview_questions:\n  - Is the desk tidy?\n",
    );
    sb.write(
        "TEAM_ALLIANCE.md",
        alliance(None).replace("alliance: team", "alliance: lab"),
    );
    let run = sb.run(&["agenda", "--date", "2026-02-01", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    assert_eq!(json["minutes"], 30);
    let questions = json["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 6);
    assert_eq!(questions[0], "What is working for us as a team?");
    assert_eq!(questions[5], "Which experiment do we stop?");
    // A kind that writes its own questions replaces its base's; the length
    // is inherited; --minutes wins over it.
    sb.write(
        "TEAM_ALLIANCE.md",
        alliance(None).replace("alliance: team", "alliance: desk"),
    );
    let run = sb.run(&[
        "agenda",
        "--date",
        "2026-02-01",
        "--format",
        "json",
        "--minutes",
        "20",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.json()["questions"],
        serde_json::json!(["Is the desk tidy?"])
    );
    assert_eq!(run.json()["minutes"], 20);
    // A meeting of no minutes is refused where the kind says it.
    sb.write(
        "kinds/lab.kind.yaml",
        "name: lab\nextends: team\nreview_minutes: 0\n",
    );
    let run = sb.run(&["agenda", "--date", "2026-02-01"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("lab.kind.yaml:3") && run.stderr.contains("review_minutes"),
        "{}",
        run.stderr
    );
}
