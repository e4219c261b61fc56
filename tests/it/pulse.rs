//! Pulse check-ins beyond the readable cases in `tests/cmd/pulse/`: the
//! examples' histories through the library API the review agenda uses,
//! sealing as data, hostile answer files (links out of the repository,
//! pipes, oversized files, control characters in every format) and writes
//! that must not happen.

use std::path::Path;

use crate::common::{self, Sandbox};
use alliance::pulse::{self, Seal, SignalKind};
use alliance::workspace::Workspace;

const TODAY: (&str, &str) = ("ALLIANCE_TODAY", "2026-11-22");

fn date(s: &str) -> jiff::civil::Date {
    alliance::document::dates::parse_date(s).expect("date")
}

fn picture_of(dir: &Path, file: &str, seal: Seal) -> pulse::Picture {
    let workspace = Workspace::open(dir).expect("workspace");
    let doc = alliance::workspace::read_document_in(&workspace.root, &dir.join(file))
        .expect("the alliance");
    pulse::picture(&workspace, &doc, date("2026-11-22"), seal, None).expect("picture")
}

/// A copy of `examples/` (the tests must not depend on the project's own
/// repository around it).
fn examples() -> Sandbox {
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

#[test]
fn the_one_on_one_example_shows_a_rupture_its_repair_and_a_gap() {
    let sb = examples();
    let picture = picture_of(sb.path(), "one-on-one-ada-grace.md", Seal::Sealed);
    let kinds: Vec<(SignalKind, Option<&str>, &str)> = picture
        .signals
        .iter()
        .map(|s| (s.kind, s.item.as_deref(), s.parties[0].as_str()))
        .collect();
    assert!(
        kinds.contains(&(SignalKind::Rupture, Some("bond-candour"), "grace")),
        "{kinds:?}"
    );
    assert!(kinds.contains(&(SignalKind::Repair, Some("bond-candour"), "grace")));
    assert!(kinds.contains(&(SignalKind::Gap, Some("goals-agreed"), "ada")));
    let rupture = picture
        .signals
        .iter()
        .find(|s| s.kind == SignalKind::Rupture && s.item.as_deref() == Some("bond-candour"))
        .expect("rupture");
    assert_eq!(rupture.round, date("2026-09-21"));
    assert_eq!(rupture.magnitude, 3.0);
    assert_eq!(rupture.words, "I can say what I really think in our 1-1s.");
    // Biggest first.
    assert!(
        picture
            .signals
            .windows(2)
            .all(|w| w[0].weight >= w[1].weight)
    );
    // The round of 2026-11-16 is sealed: six complete rounds are shown.
    let latest = picture.latest.as_ref().expect("latest");
    assert_eq!(latest.status, pulse::RoundStatus::Sealed);
    assert_eq!((latest.answered, latest.expected), (1, 2));
    assert_eq!(latest.who, ["ada"]);
    assert_eq!(picture.rounds.len(), 6);
    assert_eq!(picture.next_due, Some(date("2026-12-14")));
}

#[test]
fn the_coaching_example_shows_a_rupture_on_a_reverse_scored_item() {
    let sb = examples();
    let picture = picture_of(sb.path(), "working-alliance-coaching.md", Seal::Sealed);
    let item = picture
        .items
        .iter()
        .find(|i| i.item.as_deref() == Some("tasks-pointless"))
        .expect("item");
    assert!(item.reverse);
    // Sam answered 2, 2, 1, 1, 4, 1: counted as 6 - answer.
    assert_eq!(
        item.series[1],
        [
            Some(4.0),
            Some(4.0),
            Some(5.0),
            Some(5.0),
            Some(2.0),
            Some(5.0)
        ]
    );
    let found: Vec<(SignalKind, Option<&str>)> = picture
        .signals
        .iter()
        .map(|s| (s.kind, s.item.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (SignalKind::Gap, Some("goals-mine")),
            (SignalKind::Rupture, Some("tasks-pointless")),
            (SignalKind::Repair, Some("tasks-pointless")),
            (SignalKind::Rupture, None),
            (SignalKind::Repair, None),
        ]
    );
}

#[test]
fn a_sealed_round_shows_no_score_until_partial_is_asked_for() {
    let sb = examples();
    let sealed = picture_of(sb.path(), "one-on-one-ada-grace.md", Seal::Sealed);
    let partial = picture_of(sb.path(), "one-on-one-ada-grace.md", Seal::Partial);
    assert_eq!(sealed.items[0].series[0].len(), 6);
    assert_eq!(partial.items[0].series[0].len(), 7);
    assert!(partial.rounds.last().expect("round").partial);
    // The report says how many have answered and nothing of the scores.
    let run = sb.run_with_env(&["pulse", "report", "one-on-one-ada-grace.md"], &[TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Round 2026-11-16 is sealed: 1 of 2 have answered.")
    );
    let json = sb
        .run_with_env(
            &[
                "pulse",
                "report",
                "one-on-one-ada-grace.md",
                "--format",
                "json",
            ],
            &[TODAY],
        )
        .json();
    assert!(
        !json.to_string().contains("2026-11-16\",\"partial"),
        "the sealed round is listed among the rounds shown"
    );
    assert_eq!(json["pulse"]["latest"]["status"], "sealed");
}

#[test]
fn check_finds_the_examples_answer_files_and_they_are_clean() {
    let sb = examples();
    let run = sb.run_with_env(&["check", "."], &[TODAY]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Five alliances and 25 answer files.
    assert_eq!(run.stdout, "checked 30 files: no problems\n");
    // Discovery never takes an answer file for an alliance.
    let listed = sb
        .run_with_env(&["list", "--format", "json"], &[TODAY])
        .json();
    assert_eq!(listed["alliances"].as_array().map(Vec::len), Some(5));
}

fn one_on_one(sb: &Sandbox) {
    let text = std::fs::read_to_string(common::examples().join("one-on-one-ada-grace.md"))
        .expect("example");
    sb.write("ada-grace.md", text);
}

#[cfg(unix)]
#[test]
fn an_answer_file_that_links_out_of_the_repository_is_not_read() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join(".git")).expect("git dir");
    one_on_one(&sb);
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(
        outside.path().join("secret.yaml"),
        "rater: ada\nanswers: {}\n",
    )
    .expect("secret");
    std::fs::create_dir_all(sb.path().join("ada-grace.pulse/2026-11-16")).expect("round");
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        sb.path().join("ada-grace.pulse/2026-11-16/ada.yaml"),
    )
    .expect("link");
    for args in [&["check"][..], &["pulse", "report", "ada-grace.md"]] {
        let run = sb.run_with_env(args, &[TODAY]);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        // `check` lists the file it could not read in its report; the
        // report fails on it.
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(
            said.contains(
                "cannot read ada-grace.pulse/2026-11-16/ada.yaml: leads through a symbolic link"
            ),
            "{said}"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_answer_file_that_is_a_pipe_does_not_hang_the_report() {
    let sb = Sandbox::new();
    one_on_one(&sb);
    std::fs::create_dir_all(sb.path().join("ada-grace.pulse/2026-11-16")).expect("round");
    let status = std::process::Command::new("mkfifo")
        .arg(sb.path().join("ada-grace.pulse/2026-11-16/ada.yaml"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let run = sb.run_bounded(
        &["pulse", "report", "ada-grace.md"],
        std::time::Duration::from_secs(20),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn an_oversized_answer_file_is_refused_not_parsed() {
    let sb = Sandbox::new();
    one_on_one(&sb);
    let huge = format!(
        "rater: ada\nnote: \"{}\"\nanswers: {{}}\n",
        "x".repeat(1_200_000)
    );
    sb.write("ada-grace.pulse/2026-11-16/ada.yaml", huge);
    let run = sb.run_with_env(&["check"], &[TODAY]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("cannot read ada-grace.pulse/2026-11-16/ada.yaml: the file is 1.1 MB; alliance reads documents up to 1 MB"),
        "{}",
        run.stdout
    );
}

#[cfg(unix)]
#[test]
fn ask_does_not_write_through_a_pulse_folder_that_links_outside() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join(".git")).expect("git dir");
    one_on_one(&sb);
    let outside = tempfile::tempdir().expect("outside");
    std::os::unix::fs::symlink(outside.path(), sb.path().join("ada-grace.pulse")).expect("link");
    let run = sb.run_with_env(
        &[
            "pulse",
            "ask",
            "ada-grace.md",
            "--as",
            "ada",
            "--answer",
            "bond-trust=4",
        ],
        &[TODAY],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        std::fs::read_dir(outside.path()).expect("outside").count(),
        0,
        "a file was written outside the repository"
    );
}

/// Notes, handles' words and agreement text are the repository's: no
/// format lets them drive a terminal, a CI log or a Markdown page.
#[test]
fn hostile_notes_are_inert_in_every_format() {
    let sb = Sandbox::new();
    one_on_one(&sb);
    let note = "note: \"\\e]8;;https://x\\a::error::pwned\\n##[warning]x <!-- @everyone ![i](https://t/p.png)\"\n";
    for who in ["ada", "grace"] {
        let answers = "answers:\n  bond-trust: 4\n";
        sb.write(
            &format!("ada-grace.pulse/2026-11-16/{who}.yaml"),
            format!("rater: {who}\ndate: 2026-11-16\n{answers}{note}"),
        );
    }
    for format in ["human", "markdown", "json"] {
        let run = sb.run_with_env(
            &["pulse", "report", "ada-grace.md", "--format", format],
            &[TODAY],
        );
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        for line in run.stdout.lines() {
            assert!(!line.trim_start().starts_with("::"), "{format}: {line:?}");
            assert!(!line.contains("##["), "{format}: {line:?}");
            assert!(
                !line.chars().any(|c| c.is_control() && c != '\t'),
                "{format}: {line:?}"
            );
        }
        if format == "markdown" {
            assert!(!run.stdout.contains("<!--"), "{}", run.stdout);
            assert!(!run.stdout.contains("@everyone"), "{}", run.stdout);
            assert!(!run.stdout.contains("![i]"), "{}", run.stdout);
        }
        if format == "json" {
            let json = run.json();
            assert!(
                json["pulse"]["rounds"][0]["notes"][0][1]
                    .as_str()
                    .is_some_and(|n| n.contains("::error::pwned")),
                "the note itself is kept, as data"
            );
        }
    }
}

#[test]
fn ask_refuses_without_writing_anything() {
    let sb = Sandbox::new();
    one_on_one(&sb);
    for (args, says) in [
        (&["--as", "linus"][..], "not a party"),
        (
            &["--as", "ada", "--answer", "bond-trust=9"],
            "off the scale",
        ),
        (
            &["--as", "ada", "--answer", "bond=4"],
            "more than one item starts with `bond`; write more of one of:\nalliance:   bond-candour\nalliance:   bond-trust\n",
        ),
        (
            &["--as", "ada", "--answer", "rapport=4"],
            "has no item `rapport`; its items are:\nalliance:   collaboration-progress\n",
        ),
        (
            &[
                "--as",
                "ada",
                "--answer",
                "bond-trust=4",
                "--answer",
                "bond-trust=5",
            ],
            "given twice",
        ),
        (&["--as", "ada", "--date", "2026-02-30"], "not a day"),
    ] {
        let mut all = vec!["pulse", "ask", "ada-grace.md"];
        all.extend_from_slice(args);
        let run = sb.run_with_env(&all, &[TODAY]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(
            !sb.path().join("ada-grace.pulse").exists(),
            "{args:?} wrote something"
        );
    }
}

/// The team pulse asks of the sections the team kind marks as agreements,
/// by the keys the agenda's readings use.
#[test]
fn the_agreement_keys_of_the_team_example_are_the_agendas() {
    let doc = alliance::workspace::read_document_in(
        &common::examples(),
        &common::examples().join("TEAM_ALLIANCE.md"),
    )
    .expect("team");
    let kinds = alliance::kind::Kinds::builtin();
    let keys: Vec<String> = pulse::agreement_keys(&doc, kinds.get("team"))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        keys,
        [
            "ada-keeps-the-quarterly",
            "grace-owns-the-release",
            "katherine-owns-ledger-correctness",
            "alan-keeps-our-runbooks",
            "everyone-can-count-on",
            "meetings",
            "reviews",
            "quiet-mornings",
            "written-decisions",
            "on-call",
        ]
    );
    let read: Vec<String> = alliance::agenda::items_to_read(&doc)
        .into_iter()
        .map(|i| i.key)
        .collect();
    assert!(keys.iter().all(|k| read.contains(k)), "{read:?}");
}

const TEAM: &str = "---\nalliance: team\ntitle: Ledger team\nparties:\n  - name: Lee\n    handle: lee\n  - name: Sam\n    handle: sam\nstatus: active\ncreated: 2026-01-05\nreview:\n  every: 3 months\n  last: 2026-10-01\n---\n# Ledger team\n\n## Purpose\n\n- We keep a ledger people trust.\n\n## Agreements\n\n- Meetings will be scheduled in the morning only.\n- Meetings will end on time.\n";

/// `--answer` takes a key's unique start; a start that names two keys, or
/// none, lists the choices one per line; the Purpose list is not asked.
#[test]
fn an_answer_names_an_agreement_by_the_start_of_its_key() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", TEAM);
    let ask = |answer: &str| {
        sb.run_with_env(
            &[
                "pulse",
                "ask",
                "--as",
                "lee",
                "--date",
                "2026-11-02",
                "--answer",
                answer,
            ],
            &[TODAY],
        )
    };
    let run = ask("meetings=slipping");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("write more of one of:\nalliance:   meetings-will-be-scheduled\nalliance:   meetings-will-end-on\n"),
        "{}",
        run.stderr
    );
    let run = ask("we-keep=kept");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(!run.stderr.contains("we-keep-a-ledger"), "{}", run.stderr);
    let run = ask("meetings-will-b=slipping");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = sb.read("TEAM_ALLIANCE.pulse/2026-11-02/lee.yaml");
    assert!(
        written.contains("meetings-will-be-scheduled: slipping"),
        "{written}"
    );
    assert!(!written.contains("we-keep"), "{written}");
}

/// An answer file written under the six-word key `pulse ask` used before
/// keys were one still counts for its agreement.
#[test]
fn an_answer_under_the_old_words_key_still_counts() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", TEAM);
    sb.write(
        "TEAM_ALLIANCE.pulse/2026-11-02/lee.yaml",
        "rater: lee\ndate: 2026-11-02\ninstrument: team\nanswers: {}\nagreements:\n  meetings-will-be-scheduled-in-the: broken\n",
    );
    sb.write(
        "TEAM_ALLIANCE.pulse/2026-11-02/sam.yaml",
        "rater: sam\ndate: 2026-11-02\ninstrument: team\nanswers: {}\nagreements:\n  meetings-will-be-scheduled: kept\n",
    );
    let run = sb.run_with_env(&["check"], &[TODAY]);
    assert!(!run.stdout.contains("A062"), "{}", run.stdout);
    let picture = picture_of(sb.path(), "TEAM_ALLIANCE.md", Seal::Sealed);
    let states = &picture.agreements[0];
    assert_eq!(states.key, "meetings-will-be-scheduled");
    assert_eq!(
        states.states,
        [
            ("lee".to_owned(), pulse::AgreementState::Broken),
            ("sam".to_owned(), pulse::AgreementState::Kept)
        ]
    );
}

/// An agreement reworded after the round (a new key: it has no id) keeps
/// its answers: `diff` pairs the two versions' items, and the answers under
/// the old key count for the new one, in `check`, the report and the agenda.
#[test]
fn a_reworded_agreement_keeps_its_pulse_answers() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-10-05T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", TEAM);
    sb.git(&["add", "."], "2026-10-05T10:00:00Z");
    sb.git(&["commit", "-qm", "Our alliance"], "2026-10-05T10:00:00Z");
    for who in ["lee", "sam"] {
        sb.write(
            &format!("TEAM_ALLIANCE.pulse/2026-11-02/{who}.yaml"),
            format!("rater: {who}\ndate: 2026-11-02\ninstrument: team\nanswers: {{}}\nagreements:\n  meetings-will-be-scheduled: broken\n"),
        );
    }
    sb.write(
        "TEAM_ALLIANCE.md",
        TEAM.replace("- Meetings will be scheduled", "- Calls will be scheduled"),
    );
    sb.git(&["add", "."], "2026-11-10T10:00:00Z");
    sb.git(
        &["commit", "-qm", "Calls, not meetings"],
        "2026-11-10T10:00:00Z",
    );
    let check = sb.run_with_env(&["check"], &[TODAY]);
    assert!(!check.stdout.contains("A062"), "{}", check.stdout);
    let report = sb.run_with_env(&["pulse", "report", "--format", "json"], &[TODAY]);
    let json = report.json();
    let first = &json["pulse"]["agreements"][0];
    assert_eq!(first["key"], "calls-will-be-scheduled", "{json}");
    assert_eq!(first["states"][0][1], "broken", "{json}");
    let agenda = sb.run_with_env(&["agenda", "--date", "2026-11-22"], &[TODAY]);
    assert!(
        agenda
            .stdout
            .contains("- broken: calls-will-be-scheduled — @lee, @sam"),
        "{}",
        agenda.stdout
    );
}

/// On a terminal without `--answer`, `pulse ask` asks item by item. The
/// terminal is a pseudo-terminal made by util-linux `script`; the keys are
/// typed into it: arrow down (5) on the first item, Enter (the middle of
/// the scale, 4) on the next six, down twice to "skip" on the last, then a
/// note.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_ask_asks_item_by_item() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let sb = Sandbox::new();
    one_on_one(&sb);
    let command = format!(
        "{} pulse ask ada-grace.md --as ada",
        env!("CARGO_BIN_EXE_alliance")
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(sb.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("HOME", sb.path())
        .env("ALLIANCE_TODAY", "2026-11-22")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` makes the pseudo-terminal");
    let mut keys = child.stdin.take().expect("stdin");
    std::thread::sleep(std::time::Duration::from_millis(500));
    keys.write_all(b"\x1b[B\r\r\r\r\r\r\r\x1b[B\x1b[B\rKept it short\r")
        .expect("type");
    keys.flush().expect("flush");
    // Hold the terminal open until the command is done with it.
    let start = std::time::Instant::now();
    while !sb.path().join("ada-grace.pulse").exists()
        && start.elapsed() < std::time::Duration::from_secs(20)
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(keys);
    let output = child.wait_with_output().expect("script");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let written = sb.read("ada-grace.pulse/2026-11-22/ada.yaml");
    let answers: Vec<&str> = written
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("  #"))
        .collect();
    assert_eq!(
        answers,
        [
            "  collaboration-progress: 5",
            "  collaboration-blockers: 4",
            "  bond-candour: 4",
            "  bond-trust: 4",
            "  goals-agreed: 4",
            "  goals-growth: 4",
            "  ways-rhythm: 4",
            "  ways-surprises:",
        ]
    );
    assert!(written.ends_with("note: Kept it short\n"), "{written}");
    // The manager is asked the manager's words.
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("Our 1-1s help my report move their work forward.")
    );
}

/// A handle is the answer file's name: one that would reach into another
/// folder is refused, and nothing is written.
#[test]
fn ask_refuses_a_handle_that_is_not_a_file_name() {
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(common::examples().join("one-on-one-ada-grace.md"))
        .expect("example")
        .replace("handle: grace", "handle: \"../../grace\"");
    sb.write("ada-grace.md", text);
    let run = sb.run_with_env(
        &[
            "pulse",
            "ask",
            "ada-grace.md",
            "--as",
            "../../grace",
            "--answer",
            "bond-trust=4",
        ],
        &[TODAY],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("cannot name an answer file"),
        "{}",
        run.stderr
    );
    assert!(!sb.path().join("ada-grace.pulse").exists());
    assert!(!sb.path().join("grace.yaml").exists());
}

/// The report docs/pulse.md shows is what the tool prints.
#[test]
fn the_documented_report_is_what_the_tool_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("docs/pulse.md")).expect("docs/pulse.md");
    let command = "$ alliance pulse report examples/one-on-one-ada-grace.md\n";
    let block = readme
        .split(command)
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/pulse.md shows the report");
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("examples")).expect("mkdir");
    copy(&common::examples(), &sb.path().join("examples"));
    let run = sb.run_with_env(
        &["pulse", "report", "examples/one-on-one-ada-grace.md"],
        &[TODAY],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, block);
}
