//! A command that cannot do its job says why on one line and exits 2, the
//! same way in every command: a file that cannot be read is "cannot read
//! PATH: REASON", never a rule finding; a command given no alliance names
//! itself in its hint.

mod common;

use common::{Sandbox, TEAM_BODY, team_doc};

/// A FIFO named like an alliance: it cannot be read (it would block).
fn sandbox_with_pipe() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let pipe = sb.path().join("PIPE_ALLIANCE.md");
    let made = common::hermetic("mkfifo", sb.path())
        .arg(&pipe)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    sb
}

#[test]
fn check_reports_an_unreadable_file_as_a_failure_not_a_finding() {
    let sb = sandbox_with_pipe();
    let run = sb.run(&["check", "TEAM_ALLIANCE.md", "PIPE_ALLIANCE.md"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("cannot read PIPE_ALLIANCE.md: is not a regular file"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("A005"), "{}", run.stdout);
}

#[test]
fn due_reports_an_unreadable_file_as_check_does() {
    let sb = sandbox_with_pipe();
    let run = sb.run(&[
        "due",
        "--today",
        "2026-01-01",
        "TEAM_ALLIANCE.md",
        "PIPE_ALLIANCE.md",
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("error: cannot read PIPE_ALLIANCE.md: is not a regular file"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("A005"), "{}", run.stdout);

    let run = sb.run(&[
        "due",
        "--today",
        "2026-01-01",
        "--format",
        "json",
        "PIPE_ALLIANCE.md",
    ]);
    assert_eq!(run.code, 2);
    let json = run.json();
    assert_eq!(json["unreadable"][0]["path"], "PIPE_ALLIANCE.md");
    assert_eq!(
        json["unreadable"][0]["error"],
        "is not a regular file (a pipe, socket or device)"
    );
    assert_eq!(json["broken"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["summary"]["unreadable"], 1);
}

#[test]
fn sarif_records_an_unreadable_file_as_a_failed_execution() {
    let sb = sandbox_with_pipe();
    let run = sb.run(&["check", "--format", "sarif", "PIPE_ALLIANCE.md"]);
    assert_eq!(run.code, 2);
    let sarif = run.json();
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["results"].as_array().map(Vec::len), Some(0));
    assert_eq!(run0["invocations"][0]["executionSuccessful"], false);
    assert_eq!(
        run0["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
        "cannot read the file: is not a regular file (a pipe, socket or device)"
    );
}

#[test]
fn list_names_each_unreadable_file_on_its_own_line() {
    let sb = sandbox_with_pipe();
    let run = sb.run(&["list", "TEAM_ALLIANCE.md", "PIPE_ALLIANCE.md"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("Test team"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "alliance: cannot read PIPE_ALLIANCE.md: is not a regular file (a pipe, socket or device)\n"
    );
}

#[test]
fn review_and_adopt_refuse_an_unreadable_file_in_the_same_words() {
    let sb = sandbox_with_pipe();
    for args in [
        &["review", "PIPE_ALLIANCE.md"][..],
        &["adopt", "PIPE_ALLIANCE.md", "--kind", "team"][..],
    ] {
        let run = sb.run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(
            run.stderr,
            "alliance: cannot read PIPE_ALLIANCE.md: is not a regular file (a pipe, socket or device)\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_command_given_no_alliance_names_itself_in_the_hint() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q"], "2026-01-01T00:00:00Z");
    for command in ["log", "diff", "review"] {
        let run = sb.run(&[command]);
        assert_eq!(run.code, 2, "{command}");
        assert_eq!(
            run.stderr,
            format!(
                "alliance: no alliance document found here; name the file (`alliance {command} TEAM_ALLIANCE.md`)\n"
            )
        );
    }
}

#[test]
fn a_bad_date_names_its_flag() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sb.run(&["due", "--today", "2026-02-30"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("alliance: --today: "),
        "{}",
        run.stderr
    );
    let run = sb.run_with_env(&["due"], &[("ALLIANCE_TODAY", "soon")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("alliance: ALLIANCE_TODAY=soon: "),
        "{}",
        run.stderr
    );
}
