//! Links, named pipes, devices, permissions and writes: what a hostile
//! repository or pull request cannot make `alliance` read, write or wait
//! on. A file that cannot be read is "cannot read PATH: REASON" and exit 2,
//! never a rule finding, in the same words in every command.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::{
    LIMIT, assert_refused, finish, git, hostile, hostile_command, hostile_env, repo, valid,
};
use crate::common::{self, Run, Sandbox, TEAM_BODY, team_doc};

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// A repository kind `squad` in `kinds/`, with `files` beside it.
fn with_kinds(sb: &Sandbox, files: &[(&str, &str)]) {
    sb.write(".alliance.yaml", "kinds: kinds\n");
    sb.write(
        "kinds/squad.kind.yaml",
        "name: squad\nsummary: A squad\nsections:\n  - name: Purpose\n    content: text\n",
    );
    for (name, text) in files {
        sb.write(&format!("kinds/{name}"), text);
    }
}

// --- Schemas: `$ref` reaches only the kinds folder ------------------------

#[test]
fn a_schema_cannot_read_a_local_file_through_ref() {
    let secret = Sandbox::new();
    let target = secret.write("secret.json", r#"{"enum": ["TOKEN-8d1f"]}"#);
    let sb = Sandbox::new();
    let url = format!("file://{}", target.display());
    with_kinds(
        &sb,
        &[(
            "squad.schema.json",
            &format!(r#"{{"type": "object", "properties": {{"title": {{"$ref": "{url}"}}}}}}"#),
        )],
    );
    sb.write(
        "SQUAD_ALLIANCE.md",
        "---\nalliance: squad\ntitle: x\n---\n# x\n## Purpose\nWe ship.\n",
    );
    let run = hostile(sb.path(), &["check"]);
    assert_refused(&run, "schemas may refer only to files in the kinds folder");
    assert!(!run.stderr.contains("TOKEN-8d1f") && !run.stdout.contains("TOKEN-8d1f"));
}

#[test]
fn a_schema_ref_to_stdin_or_the_network_is_refused_at_once() {
    for url in [
        "file:///dev/stdin",
        "https://example.com/x.json",
        "file:///dev/zero",
    ] {
        let sb = Sandbox::new();
        with_kinds(
            &sb,
            &[("squad.schema.json", &format!(r#"{{"$ref": "{url}"}}"#))],
        );
        let run = hostile(sb.path(), &["kinds"]);
        assert_refused(&run, "schemas may refer only to files in the kinds folder");
    }
}

#[test]
fn a_schema_may_refer_to_a_file_beside_it() {
    let sb = Sandbox::new();
    with_kinds(
        &sb,
        &[
            (
                "squad.schema.json",
                r#"{"type": "object", "properties": {"title": {"$ref": "title.json"}}}"#,
            ),
            ("title.json", r#"{"type": "string", "maxLength": 3}"#),
        ],
    );
    sb.write(
        "SQUAD_ALLIANCE.md",
        "---\nalliance: squad\ntitle: too long\n---\n# x\n## Purpose\nWe ship.\n",
    );
    let run = hostile(sb.path(), &["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("length must be <=3"), "{}", run.stdout);
}

// --- Reading: regular files only, capped, links only inside ---------------

#[test]
fn a_config_that_is_a_fifo_or_a_device_link_is_refused() {
    let sb = Sandbox::new();
    mkfifo(&sb.path().join(".alliance.yaml"));
    assert_refused(&hostile(sb.path(), &["kinds"]), "is not a regular file");

    let sb = Sandbox::new();
    symlink("/dev/zero", sb.path().join(".alliance.yaml")).expect("link");
    assert_refused(&hostile(sb.path(), &["check"]), ".alliance.yaml");
}

#[test]
fn kind_files_that_are_fifos_or_links_out_are_refused() {
    let sb = Sandbox::new();
    with_kinds(&sb, &[]);
    mkfifo(&sb.path().join("kinds/squad.schema.json"));
    assert_refused(&hostile(sb.path(), &["kinds"]), "is not a regular file");

    let outside = Sandbox::new();
    outside.write("evil.kind.yaml", "name: evil\n");
    let sb = Sandbox::new();
    with_kinds(&sb, &[]);
    symlink(
        outside.path().join("evil.kind.yaml"),
        sb.path().join("kinds/evil.kind.yaml"),
    )
    .expect("link");
    assert_refused(&hostile(sb.path(), &["kinds"]), "outside");
}

#[test]
fn the_main_template_may_not_link_out_of_the_kinds_folder() {
    let sb = Sandbox::new();
    sb.write(
        "elsewhere/t.md.j2",
        "---\nalliance: squad\ntitle: x\n---\n# x\n",
    );
    with_kinds(&sb, &[]);
    symlink("../elsewhere/t.md.j2", sb.path().join("kinds/squad.md.j2")).expect("link");
    let run = hostile(sb.path(), &["new", "squad", "-o", "-"]);
    assert_refused(&run, "outside");
}

#[test]
fn kinds_naming_a_file_or_a_folder_outside_says_so() {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: notes.md\n");
    sb.write("notes.md", "hello\n");
    assert_refused(
        &hostile(sb.path(), &["kinds"]),
        "is a file; name the folder",
    );

    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: /etc\n");
    assert_refused(&hostile(sb.path(), &["kinds"]), "outside the repository");
}

#[test]
fn a_document_linking_out_of_the_repository_is_not_read() {
    let outside = Sandbox::new();
    outside.write("notes.md", "---\nalliance: team\ntitle: SECRET-41\n---\n");
    let sb = Sandbox::new();
    symlink(
        outside.path().join("notes.md"),
        sb.path().join("TEAM_ALLIANCE.md"),
    )
    .expect("link");
    let run = hostile(sb.path(), &["list", "TEAM_ALLIANCE.md"]);
    assert!(!run.stdout.contains("SECRET-41"), "{}", run.stdout);
    assert_ne!(run.code, 0);
}

#[test]
fn a_named_pipe_is_never_opened_to_peek_at_it() {
    let sb = Sandbox::new();
    mkfifo(&sb.path().join("notes.md"));
    let run = hostile(sb.path(), &["check", "--only-alliances", "notes.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = hostile(sb.path(), &["check", "notes.md"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout.contains("is not a regular file"),
        "{}",
        run.stdout
    );
}

#[cfg(unix)]
#[test]
fn pipes_links_and_unreadable_files() {
    let sandbox = Sandbox::new();
    sandbox.write("ok/TEAM_ALLIANCE.md", valid());
    std::os::unix::fs::symlink("../ok", sandbox.path().join("ok/loop")).expect("symlink");
    std::os::unix::fs::symlink("missing.md", sandbox.path().join("dangling.md")).expect("symlink");
    let fifo = sandbox.path().join("PIPE_ALLIANCE.md");
    let made = common::hermetic("mkfifo", sandbox.path())
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed: {made}");

    // A link loop inside a walked folder is not followed.
    let run = sandbox.run_bounded(&["check", "ok"], Duration::from_secs(60));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // A dangling link named on the command line cannot be read: exit 2.
    let run = sandbox.run_bounded(&["check", "dangling.md"], Duration::from_secs(60));
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("cannot read dangling.md"),
        "{}",
        run.stdout
    );
    // A named pipe would block a reader forever: it is refused.
    let run = sandbox.run_bounded(&["check", "PIPE_ALLIANCE.md"], Duration::from_secs(60));
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("is not a regular file"),
        "{}",
        run.stdout
    );
    // And discovery passes it by.
    let run = sandbox.run_bounded(&["check"], Duration::from_secs(60));
    assert_eq!(run.code, 0, "{}", run.stdout);
    // A file the user may not read (skipped when running as root, who can).
    let locked = sandbox.write("LOCKED_ALLIANCE.md", valid());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&locked).is_err() {
        let run = sandbox.run(&["check", "LOCKED_ALLIANCE.md"]);
        assert_eq!(run.code, 2);
        assert!(run.stdout.contains("Permission denied"), "{}", run.stdout);
    }
}

#[cfg(unix)]
#[test]
fn folder_with_a_symlink_loop() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "team/TEAM_ALLIANCE.md",
        team_doc("", "\n## Purpose\n\nOnly this.\n"),
    );
    std::os::unix::fs::symlink("..", sandbox.path().join("team/loop")).expect("symlink");
    std::os::unix::fs::symlink("self.md", sandbox.path().join("team/self.md")).expect("symlink");
    let run = sandbox.run_bounded(&["check", "team"], LIMIT);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("error[A030]"), "{}", run.stdout);
    // Naming the looping link itself is a path that cannot be read.
    let run = sandbox.run_bounded(&["check", "team/self.md"], LIMIT);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("cannot read team/self.md"),
        "{}",
        run.stdout
    );
}

// --- Unreadable files: a failure, in the same words everywhere ------------

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

// --- diff: a link is its link text ----------------------------------------

#[test]
fn diff_never_follows_a_working_tree_link_into_git_config() {
    let sb = repo();
    // What a checkout leaves in .git/config in CI.
    git(
        sb.path(),
        &[
            "config",
            "http.extraheader",
            "AUTHORIZATION: basic SECRET-TOKEN",
        ],
    );
    std::fs::remove_file(sb.path().join("TEAM_ALLIANCE.md")).expect("rm");
    symlink(".git/config", sb.path().join("TEAM_ALLIANCE.md")).expect("link");
    for format in ["human", "markdown", "json"] {
        let run = hostile(sb.path(), &["diff", "TEAM_ALLIANCE.md", "--format", format]);
        assert!(
            !run.stdout.contains("SECRET") && !run.stderr.contains("SECRET"),
            "{format}: {}{}",
            run.stdout,
            run.stderr
        );
        assert!(run.code == 0 || run.code == 2, "{}", run.stderr);
    }
}

// --- Writing: one rule ----------------------------------------------------

#[test]
fn new_through_a_committed_link_to_a_folder_outside_writes_nothing() {
    let outside = Sandbox::new();
    let sb = Sandbox::new();
    // one-on-one's default path is alliances/SLUG.md.
    symlink(outside.path(), sb.path().join("alliances")).expect("link");
    let run = hostile(
        sb.path(),
        &[
            "new",
            "one-on-one",
            "--party",
            "Ada <ada>",
            "--party",
            "Grace <grace>",
        ],
    );
    assert_refused(&run, "outside the repository");
    assert_eq!(std::fs::read_dir(outside.path()).expect("ls").count(), 0);
}

#[test]
fn nothing_is_written_into_git_s_folder() {
    let sb = repo();
    let before = sb.read(".git/config");
    for path in [".git/config", ".git/hooks/pre-commit", "sub/../.git/x.md"] {
        let run = hostile(
            sb.path(),
            &[
                "new", "team", "--party", "Ada", "--party", "Grace", "-o", path, "--force",
            ],
        );
        assert_refused(&run, "inside a .git folder");
    }
    assert_eq!(sb.read(".git/config"), before);
    assert!(!sb.path().join(".git/hooks/pre-commit").exists());
}

#[test]
fn force_never_replaces_a_pipe_a_folder_or_a_link() {
    let sb = Sandbox::new();
    mkfifo(&sb.path().join("pipe.md"));
    std::fs::create_dir(sb.path().join("folder.md")).expect("mkdir");
    sb.write("real.md", "keep me\n");
    symlink("real.md", sb.path().join("link.md")).expect("link");
    for (path, says) in [
        ("pipe.md", "not a regular file"),
        ("folder.md", "not a regular file"),
        ("link.md", "is a symbolic link"),
    ] {
        let run = hostile(
            sb.path(),
            &[
                "new", "team", "--party", "Ada", "--party", "Grace", "-o", path, "--force",
            ],
        );
        assert_refused(&run, says);
    }
    assert_eq!(sb.read("real.md"), "keep me\n");
    assert!(
        sb.path()
            .join("link.md")
            .symlink_metadata()
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn adopt_and_review_treat_a_link_alike() {
    let sb = Sandbox::new();
    sb.write("real.md", team_doc("", TEAM_BODY));
    symlink("real.md", sb.path().join("TEAM_ALLIANCE.md")).expect("link");
    sb.write("plain.md", "# Plain\n\n## Purpose\n\nWe ship.\n");
    symlink("plain.md", sb.path().join("AGREEMENT.md")).expect("link");
    let before = sb.read("real.md");
    assert_refused(
        &hostile(sb.path(), &["review", "TEAM_ALLIANCE.md"]),
        "is a symbolic link",
    );
    assert_refused(
        &hostile(sb.path(), &["adopt", "AGREEMENT.md", "--kind", "team"]),
        "is a symbolic link",
    );
    assert_eq!(sb.read("real.md"), before);
    assert_eq!(sb.read("plain.md"), "# Plain\n\n## Purpose\n\nWe ship.\n");
}

#[test]
fn review_refuses_a_read_only_file_and_keeps_permissions() {
    let sb = Sandbox::new();
    let path = sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    assert_refused(
        &hostile(sb.path(), &["review", "TEAM_ALLIANCE.md"]),
        "is read-only",
    );
    assert_eq!(sb.read("TEAM_ALLIANCE.md"), team_doc("", TEAM_BODY));

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let run = hostile(sb.path(), &["review", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn new_files_get_the_umask_s_permissions() {
    let sb = Sandbox::new();
    let line = format!(
        "umask 022; exec {} new team --party Ada --party Grace -o T.md",
        env!("CARGO_BIN_EXE_alliance")
    );
    let status = Command::new("sh")
        .args(["-c", &line])
        .current_dir(sb.path())
        .env("ALLIANCE_TODAY", "2026-11-01")
        .status()
        .expect("sh");
    assert!(status.success());
    let mode = std::fs::metadata(sb.path().join("T.md"))
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn a_temporary_file_left_by_a_killed_run_is_cleaned_up() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let stale = sb.write(".alliance-k1ll3d.tmp", "half a file");
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .expect("open")
        .set_modified(old)
        .expect("touch");
    let run = hostile(sb.path(), &["review", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let left: Vec<String> = std::fs::read_dir(sb.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn two_reviews_at_once_both_land_or_one_refuses() {
    for round in 0..15 {
        let sb = Sandbox::new();
        sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
        let notes = [format!("first-{round}"), format!("second-{round}")];
        let children: Vec<_> = notes
            .iter()
            .map(|note| {
                hostile_command(
                    sb.path(),
                    &["review", "TEAM_ALLIANCE.md", "--note", note],
                    &[],
                )
                .spawn()
                .expect("spawn")
            })
            .collect();
        let runs: Vec<Run> = children
            .into_iter()
            .map(|c| finish(c, &["review"]))
            .collect();
        let text = sb.read("TEAM_ALLIANCE.md");
        for (note, run) in notes.iter().zip(&runs) {
            match run.code {
                0 => assert!(
                    text.contains(note.as_str()),
                    "{note} exited 0 but was lost:\n{text}"
                ),
                2 => assert!(run.stderr.contains("changed while"), "{}", run.stderr),
                code => panic!("exit {code}: {}", run.stderr),
            }
        }
    }
}

#[test]
fn init_is_all_or_nothing() {
    let sb = Sandbox::new();
    // The workflow cannot be written: its folder is a file.
    sb.write(".github/workflows", "not a folder");
    let run = hostile(sb.path(), &["init", "--ci", "github"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        !sb.path().join(".alliance.yaml").exists(),
        "a partial set-up was left"
    );
    std::fs::remove_file(sb.path().join(".github/workflows")).expect("rm");
    let run = hostile(sb.path(), &["init", "--ci", "github"]);
    assert_eq!(run.code, 0, "a re-run works: {}", run.stderr);
}

#[test]
fn review_of_a_file_in_another_repository_writes_in_that_repository() {
    let other = repo();
    let here = Sandbox::new();
    let path = other.path().join("TEAM_ALLIANCE.md");
    let run = hostile(here.path(), &["review", path.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(other.read("TEAM_ALLIANCE.md").contains("last: 2026-11-01"));
}

// --- ci summary: the one writer, and the runner's file --------------------

#[test]
fn ci_summary_never_writes_through_a_committed_link() {
    let outside = Sandbox::new();
    outside.write("authorized_keys", "ssh-ed25519 KEEP\n");
    let sb = repo();
    symlink(
        outside.path().join("authorized_keys"),
        sb.path().join("ci-summary.md"),
    )
    .expect("link");
    symlink(outside.path(), sb.path().join("reports")).expect("link");
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Links"]);
    let outside_name = outside.path().display().to_string();
    // The default target (outside GitHub Actions), and a path through a
    // committed folder link.
    for (args, says) in [
        (&["ci", "summary"][..], "ci-summary.md is a symbolic link"),
        (
            &["ci", "summary", "--output", "reports/summary.md"],
            "outside the repository",
        ),
    ] {
        let run = hostile(sb.path(), args);
        assert_refused(&run, says);
        assert!(!run.stderr.contains(&outside_name), "{}", run.stderr);
    }
    assert_eq!(outside.read("authorized_keys"), "ssh-ed25519 KEEP\n");
    assert_eq!(std::fs::read_dir(outside.path()).expect("ls").count(), 1);
    // A path outside the repository is refused too; `--output -` is the
    // way to put it anywhere.
    let elsewhere = outside.path().join("summary.md");
    let run = hostile(
        sb.path(),
        &[
            "ci",
            "summary",
            "--output",
            &elsewhere.display().to_string(),
        ],
    );
    assert_refused(&run, "`--output -` prints it");
    assert!(!elsewhere.exists());
}

#[test]
fn ci_summary_replaces_a_regular_file_in_the_repository() {
    let sb = repo();
    sb.write("ci-summary.md", "old\n");
    let run = hostile(sb.path(), &["ci", "summary"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "wrote the summary to ci-summary.md\n");
    assert!(sb.read("ci-summary.md").contains("alliance"));
}

#[test]
fn a_fifo_or_a_link_as_the_step_summary_is_refused_without_waiting() {
    let runner = Sandbox::new();
    mkfifo(&runner.path().join("fifo"));
    runner.write("real", "");
    symlink(runner.path().join("real"), runner.path().join("link")).expect("link");
    let sb = repo();
    for (name, says) in [
        ("fifo", "is a pipe, socket or device, not a regular file"),
        ("link", "is a symbolic link"),
    ] {
        let target = runner.path().join(name).display().to_string();
        let run = hostile_env(
            sb.path(),
            &["ci", "summary"],
            &[("GITHUB_STEP_SUMMARY", target.as_str())],
        );
        assert_refused(&run, says);
    }
    assert_eq!(runner.read("real"), "");
    // A regular file is appended to, as the runner expects.
    runner.write("summary", "before\n");
    let target = runner.path().join("summary").display().to_string();
    let run = hostile_env(
        sb.path(),
        &["ci", "summary"],
        &[("GITHUB_STEP_SUMMARY", target.as_str())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = runner.read("summary");
    assert!(text.starts_with("before\n") && text.len() > 7, "{text}");
}

// --- Pulse folders: listed by the reader's rule ---------------------------

/// The one-on-one example (a pulse every 4 weeks) in a repository.
fn pulse_repo() -> Sandbox {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    let text = std::fs::read_to_string(common::examples().join("one-on-one-ada-grace.md"))
        .expect("example");
    sb.write("ada-grace.md", text);
    sb
}

#[test]
fn a_pulse_folder_linking_out_is_never_listed() {
    let outside = Sandbox::new();
    for folder in [".ssh", "client-acme-secret", "2026-03-01"] {
        std::fs::create_dir(outside.path().join(folder)).expect("mkdir");
    }
    outside.write("2026-03-01/ada.yaml", "rater: ada\nanswers: {}\n");
    let sb = pulse_repo();
    symlink(outside.path(), sb.path().join("ada-grace.pulse")).expect("link");
    let outside_name = outside.path().display().to_string();
    let run = hostile(sb.path(), &["check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("cannot read ada-grace.pulse: leads through a symbolic link outside"),
        "{said}"
    );
    for secret in [".ssh", "client-acme-secret", "2026-03-01", &outside_name] {
        assert!(!said.contains(secret), "{secret} in {said}");
    }
    // A date-named folder outside drives no pulse round in `due`.
    let run = hostile(sb.path(), &["due", "--format", "json"]);
    assert!(!run.stdout.contains("pulse"), "{}", run.stdout);
}

#[test]
fn a_round_or_an_answer_linking_out_is_named_inside_the_repository() {
    let outside = Sandbox::new();
    outside.write("round/ada.yaml", "rater: ada\nanswers: {}\n");
    outside.write("grace.yaml", "rater: grace\nanswers: {}\n");
    let sb = pulse_repo();
    std::fs::create_dir_all(sb.path().join("ada-grace.pulse/2026-10-05")).expect("round");
    symlink(
        outside.path().join("round"),
        sb.path().join("ada-grace.pulse/2026-10-19"),
    )
    .expect("link");
    symlink(
        outside.path().join("grace.yaml"),
        sb.path().join("ada-grace.pulse/2026-10-05/grace.yaml"),
    )
    .expect("link");
    let run = hostile(sb.path(), &["check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    for named in [
        "cannot read ada-grace.pulse/2026-10-19: leads through a symbolic link outside",
        "cannot read ada-grace.pulse/2026-10-05/grace.yaml: leads through a symbolic link outside",
    ] {
        assert!(said.contains(named), "{named} in {said}");
    }
    assert!(
        !said.contains(&outside.path().display().to_string()),
        "{said}"
    );
    // `due` counts the round inside (next round 2026-10-05 + 4 weeks),
    // never the linked one (which would make it 2026-11-16).
    let run = hostile(sb.path(), &["due", "--within", "60d", "--format", "json"]);
    assert!(
        run.stdout.contains("\"date\": \"2026-11-02\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("2026-11-16"), "{}", run.stdout);
}
