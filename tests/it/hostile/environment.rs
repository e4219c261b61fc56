//! Test processes are hermetic: `alliance` and `git` run by the helpers in
//! `tests/it/common` see only the pinned variables, whatever the shell that
//! runs `cargo test` has set. (The cases in `tests/cmd/` prove the same for
//! themselves in `tests/it/cmd.rs`.)

use std::collections::BTreeSet;

use crate::common::{self, PINNED_ENV, Sandbox, hermetic};

/// What a child of the helpers sees. Run on its own it checks whatever this
/// shell has set; [`the_callers_environment_does_not_leak`] runs it again
/// with a polluted environment.
#[test]
fn helpers_pass_on_only_the_pinned_environment() {
    let sb = Sandbox::new();

    // The whole environment of a child, by name.
    let output = hermetic("env", sb.path()).output().expect("run env");
    assert!(output.status.success());
    let names: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.to_owned()))
        .collect();
    let pinned: BTreeSet<String> = PINNED_ENV.iter().map(|n| (*n).to_owned()).collect();
    assert_eq!(names, pinned, "a child sees more than the pinned variables");

    // `alliance` reads the real clock: a leaked ALLIANCE_TODAY would pin it
    // (or, when it is not a date, stop the run).
    let run = sb.run(&[
        "new",
        "team",
        "--party",
        "Ada <ada>",
        "--party",
        "Grace <grace>",
        "-o",
        "-",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::UTC)
        .date();
    let yesterday = today.yesterday().expect("a day before today");
    assert!(
        run.stdout.contains(&format!("created: {today}\n"))
            || run.stdout.contains(&format!("created: {yesterday}\n")),
        "not today's date:\n{}",
        run.stdout
    );

    // `git` works in the sandbox, with the pinned identity, whatever
    // GIT_DIR or GIT_AUTHOR_NAME the caller has.
    sb.write("TEAM_ALLIANCE.md", common::team_doc("", common::TEAM_BODY));
    sb.git(&["init", "-q", "-b", "main"], "2026-01-10T10:00:00Z");
    sb.git(&["add", "."], "2026-01-10T10:00:00Z");
    sb.git(&["commit", "-qm", "start"], "2026-01-10T10:00:00Z");
    assert!(sb.path().join(".git").is_dir(), "git wrote elsewhere");
    let author = sb.git(
        &["log", "-1", "--format=%an <%ae> %aI"],
        "2026-01-10T10:00:00Z",
    );
    assert_eq!(
        author,
        "Ada Lovelace <ada@example.com> 2026-01-10T10:00:00Z\n"
    );
}

/// Runs [`helpers_pass_on_only_the_pinned_environment`] in a copy of this
/// test binary whose environment has everything that used to leak in.
#[test]
fn the_callers_environment_does_not_leak() {
    let exe = std::env::current_exe().expect("this test binary");
    let output = std::process::Command::new(exe)
        .args([
            "--exact",
            "hostile::environment::helpers_pass_on_only_the_pinned_environment",
            "--nocapture",
        ])
        .env("ALLIANCE_TODAY", "not-a-date")
        .env("GIT_DIR", "/nonexistent/.git")
        .env("GIT_WORK_TREE", "/nonexistent")
        .env("GIT_AUTHOR_NAME", "Leaked Name")
        .env("GIT_AUTHOR_EMAIL", "leaked@example.com")
        .env("CLICOLOR_FORCE", "1")
        .env("TZ", "Pacific/Kiritimati")
        .output()
        .expect("run the helpers' test again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the helpers leak the caller's environment:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "the helpers' test did not run:\n{stdout}"
    );
}
