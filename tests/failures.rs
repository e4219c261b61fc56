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

/// `check` reads today only to date-check pulse answers: a bad
/// `ALLIANCE_TODAY` fails a repository with answers, and no other.
#[test]
fn a_bad_today_fails_check_only_where_pulse_answers_are() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sb.run_with_env(&["check"], &[("ALLIANCE_TODAY", "soon")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    sb.write(
        "TEAM_ALLIANCE.pulse/2026-11-01/ada.yaml",
        "by: ada\ndate: 2026-11-01\n",
    );
    let run = sb.run_with_env(&["check"], &[("ALLIANCE_TODAY", "soon")]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.starts_with("alliance: ALLIANCE_TODAY=soon: "),
        "{}",
        run.stderr
    );
}

/// Run `alliance ARGS` with its standard output closed before it writes,
/// as `alliance ARGS | head -0` would.
fn run_into_closed_pipe(sb: &Sandbox, args: &[&str]) -> (i32, String) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = sb
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn alliance");
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let status = child.wait().expect("wait");
    (status.code().unwrap_or(-1), stderr)
}

#[test]
fn every_generator_exits_quietly_on_a_closed_pipe() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let cases: [&[&str]; 9] = [
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "elvish"],
        &["completions", "bash"],
        &["completions", "powershell"],
        &["man"],
        &["man", "check"],
        &["schema", "team"],
        &["list", "--format", "json"],
    ];
    for args in cases {
        let (code, stderr) = run_into_closed_pipe(&sb, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn man_pages_exist_for_the_commands_the_main_page_names() {
    let sb = Sandbox::new();
    let main = sb.run(&["man"]);
    assert_eq!(main.code, 0);
    assert!(
        main.stdout.contains("alliance\\-check(1)"),
        "{}",
        main.stdout
    );
    let check = sb.run(&["man", "check"]);
    assert_eq!(check.code, 0);
    assert!(
        check.stdout.contains(".TH alliance-check 1"),
        "{}",
        check.stdout
    );
    // The examples are in the page.
    assert!(check.stdout.contains("alliance check TEAM_ALLIANCE.md"));
    let unknown = sb.run(&["man", "nope"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .starts_with("alliance: no command `nope`; the commands are check, kinds,")
    );
}

/// No thread to be had (a process limit of one): `check` works through
/// its files on this thread instead of panicking in the thread pool.
/// RLIMIT_NPROC does not bind root, so as root the run is made as `nobody`
/// from a copy of the binary inside the sandbox.
#[test]
fn check_runs_on_one_thread_when_no_thread_can_start() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let n = 300;
    for i in 0..n {
        sb.write(
            &format!("t{i:03}/TEAM_ALLIANCE.md"),
            team_doc("", TEAM_BODY),
        );
    }
    let mut program = None;
    let mut wrap: Vec<String> = Vec::new();
    if rustix::process::geteuid().is_root() {
        let copy = sb.path().join("alliance-bin");
        std::fs::copy(env!("CARGO_BIN_EXE_alliance"), &copy).expect("copy the binary");
        for entry in walk(sb.path()) {
            let mode = if entry.is_dir() || entry == copy {
                0o755
            } else {
                0o644
            };
            std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        program = Some(copy);
        wrap = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
        .map(String::from)
        .to_vec();
    }
    wrap.extend(["prlimit", "--nproc=1", "--"].map(String::from));
    let output = sb
        .wrapped(&wrap, program.as_deref(), &["check", "--format", "json"])
        .output()
        .expect("run alliance under a process limit");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("\"files\": {n},")),
        "every file checked: {stdout}"
    );
}

/// Every file and folder under `dir`, `dir` included.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all.extend(walk(&path));
        } else {
            all.push(path);
        }
    }
    all
}
