//! Hostile repositories and pull requests against the file system, git and
//! templates: what they cannot make `alliance` read, write, wait on or
//! allocate. One test (or more) per class of attack; each hostile run is a
//! separate process with a cleared environment, killed if it runs past a
//! generous wall-clock limit and started under an address-space limit, and
//! only its exit code and messages are asserted (never its time).
#![cfg(unix)]

mod common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, Sandbox, TEAM_BODY, team_doc};

/// Far above any real run: a guard against hangs, not a timing assertion.
const WALL_CLOCK: Duration = Duration::from_secs(20);

/// The address space a hostile run may use: far above a real run, far
/// below what an unbounded allocation reaches.
const ADDRESS_SPACE: &str = "--as=2147483648";

/// A command with nothing from the test's environment but what it needs.
fn hostile_command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    limited_command(dir, args, env, ADDRESS_SPACE)
}

/// [`hostile_command`] with another address-space limit (`--as=BYTES`).
fn limited_command(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: &str) -> Command {
    let mut cmd = Command::new("prlimit");
    cmd.arg(limit)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_alliance"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("ALLIANCE_TODAY", "2026-11-01")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run `alliance ARGS` in `dir` under the wall-clock and memory limits.
fn hostile(dir: &Path, args: &[&str]) -> Run {
    hostile_env(dir, args, &[])
}

fn hostile_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let child = hostile_command(dir, args, env)
        .spawn()
        .expect("spawn alliance");
    finish(child, args)
}

fn finish(child: std::process::Child, args: &[&str]) -> Run {
    finish_within(child, args, WALL_CLOCK)
}

fn finish_within(mut child: std::process::Child, args: &[&str], limit: Duration) -> Run {
    use std::io::Read;
    // Drain the pipes while waiting, so a large output cannot stall the run.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("alliance {args:?} hung: killed after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

/// Exit 2 with a one-line reason containing `says`.
fn assert_refused(run: &Run, says: &str) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(
        run.stderr.contains(says),
        "expected {says:?} in stderr: {}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", "2026-10-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-10-01T10:00:00Z")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A repository with a committed team alliance.
fn repo() -> Sandbox {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Our alliance"]);
    sb
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

// --- Schemas: `$ref` reaches only the kinds folder -------------------------

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

// --- Git ------------------------------------------------------------------

#[test]
fn a_truncated_loose_object_fails_at_once_naming_it() {
    // The file's blob, the commit HEAD names, and its tree: each read by a
    // different path through libgit2.
    for object in ["HEAD:TEAM_ALLIANCE.md", "HEAD", "HEAD^{tree}"] {
        let sb = repo();
        let id = git(sb.path(), &["rev-parse", object]);
        truncate_object(sb.path(), &id);
        for args in [
            &["log", "TEAM_ALLIANCE.md"][..],
            &["diff", "TEAM_ALLIANCE.md"][..],
        ] {
            let run = hostile(sb.path(), args);
            assert_refused(&run, &format!("git object {id} is damaged"));
        }
    }
}

#[test]
fn a_huge_packed_blob_is_refused_before_it_is_inflated() {
    let sb = repo();
    let big = format!(
        "{}\n{}",
        team_doc("", TEAM_BODY),
        "x".repeat(40 * 1024 * 1024)
    );
    sb.write("TEAM_ALLIANCE.md", big);
    git(sb.path(), &["commit", "-qam", "Grow"]);
    git(sb.path(), &["gc", "-q"]);
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, "alliance reads files up to");
}

#[test]
fn a_huge_blob_in_history_is_refused_before_it_is_inflated() {
    let sb = repo();
    // 40 MB of one line compresses to a few dozen KB.
    let big = format!(
        "{}\n{}",
        team_doc("", TEAM_BODY),
        "x".repeat(40 * 1024 * 1024)
    );
    sb.write("TEAM_ALLIANCE.md", big);
    git(sb.path(), &["commit", "-qam", "Grow"]);
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, "alliance reads files up to");
}

/// A team alliance whose body is `sections` sections named `name N`.
fn many_sections(name: &str, sections: usize) -> String {
    let mut body = String::new();
    for i in 0..sections {
        body.push_str(&format!(
            "\n## {name} {i}\n\nWe agree on point {i} of {name}.\n"
        ));
    }
    team_doc("", &body)
}

#[test]
fn diff_of_thousands_of_renamed_sections_is_bounded() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    sb.write("TEAM_ALLIANCE.md", many_sections("Old", 4000));
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Old sections"]);
    sb.write("TEAM_ALLIANCE.md", many_sections("New", 4000));
    let run = hostile(sb.path(), &["diff", "TEAM_ALLIANCE.md", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn log_holds_a_few_versions_not_all_of_them() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    // Eighty reviews of a 0.95 MB alliance (under the 1 MB document cap):
    // holding every version parsed needs more than 200 MB of address
    // space; holding three does not.
    let promise = "we keep our promises to each other and say so when we cannot. ".repeat(6);
    for version in 0..80 {
        let mut body = format!("\n## Agreements\n\n- This is version {version}.\n");
        for i in 0..2400 {
            body.push_str(&format!("- Agreement {i}: {promise}\n"));
        }
        let text = format!(
            "---\nalliance: team\ntitle: Test team\nreview:\n  every: 3 months\n  last: 2026-01-{:02}\n---\n\n# Test team\n{body}",
            version % 28 + 1
        );
        sb.write("TEAM_ALLIANCE.md", text);
        git(sb.path(), &["add", "."]);
        git(sb.path(), &["commit", "-qm", &format!("Version {version}")]);
    }
    // Slower than the other cases (eighty 1 MB versions, in a debug build):
    // a longer hang guard, still no timing assertion.
    let cmd = limited_command(
        sb.path(),
        &["log", "TEAM_ALLIANCE.md"],
        &[],
        "--as=209715200",
    )
    .spawn()
    .expect("spawn");
    let run = finish_within(cmd, &["log"], Duration::from_secs(90));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("2026-01-"))
            .count(),
        80,
        "{}",
        run.stdout
    );
}

// --- Messages that say what is really wrong --------------------------------

#[test]
fn a_sha256_repository_is_named_as_such() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "--object-format=sha256", "."]);
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Our alliance"]);
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, "objects are not SHA-1");
}

#[test]
fn a_revision_past_a_shallow_boundary_says_so() {
    let origin = repo();
    for n in 0..3 {
        origin.write("TEAM_ALLIANCE.md", team_doc(&format!("# {n}\n"), TEAM_BODY));
        git(origin.path(), &["commit", "-qam", "More"]);
    }
    let clone = Sandbox::new();
    let url = format!("file://{}", origin.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "."]);
    let run = hostile(
        clone.path(),
        &["diff", "TEAM_ALLIANCE.md", "--from", "HEAD~2"],
    );
    assert_refused(
        &run,
        "`HEAD~2` reaches past the start of this shallow clone",
    );
}

#[test]
fn a_revision_git_cannot_resolve_gets_a_reason() {
    let sb = repo();
    let run = hostile(sb.path(), &["diff", "TEAM_ALLIANCE.md", "--from", "@{-1}"]);
    assert_refused(
        &run,
        "unknown revision `@{-1}`: `@{-N}` names the N-th branch",
    );
    assert!(!run.stderr.contains("no error"), "{}", run.stderr);
}

#[test]
fn git_dir_is_honoured_as_git_does() {
    let sb = repo();
    let elsewhere = Sandbox::new();
    let git_dir = sb.path().join(".git");
    let run = hostile_env(
        elsewhere.path(),
        &[
            "log",
            &sb.path().join("TEAM_ALLIANCE.md").display().to_string(),
        ],
        &[
            ("GIT_DIR", git_dir.to_str().expect("utf-8")),
            ("GIT_WORK_TREE", sb.path().to_str().expect("utf-8")),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(Our alliance)"), "{}", run.stdout);
}

#[test]
fn dates_past_the_calendar_are_refused_with_a_reason() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let before = sb.read("TEAM_ALLIANCE.md");
    let run = hostile(
        sb.path(),
        &["review", "TEAM_ALLIANCE.md", "--date", "9999-12-01"],
    );
    assert_refused(&run, "puts the next one past 9999-12-31");
    assert_eq!(sb.read("TEAM_ALLIANCE.md"), before);
    let run = hostile(sb.path(), &["due", "--within", "10000y"]);
    assert_refused(
        &run,
        "--within 10000y: from 2026-11-01 that reaches past 9999-12-31",
    );
}

// --- Templates: bounded in memory, not only in steps -----------------------

/// A `squad` kind whose template is `template`, and whose default path is
/// `default_path`.
fn squad_template(template: &str, default_path: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: kinds\n");
    sb.write(
        "kinds/squad.kind.yaml",
        format!(
            "name: squad\nsummary: A squad\ndefault_path: '{default_path}'\nsections:\n  - name: Purpose\n    content: text\n"
        ),
    );
    sb.write("kinds/squad.md.j2", template);
    sb
}

const FRONT: &str = "---\nalliance: squad\ntitle: x\n---\n# x\n## Purpose\nWe ship.\n";

/// `{% set v1 = v0 ~ v0 %}` … : each line doubles the string.
fn doublings(count: usize) -> String {
    let mut text = String::from("{% set v0 = \"0123456789abcdef\" * 64 %}");
    for i in 1..=count {
        text.push_str(&format!("{{% set v{i} = v{} ~ v{} %}}", i - 1, i - 1));
    }
    text.push_str(&format!("{{{{ v{count}|length }}}}"));
    text
}

#[test]
fn a_template_that_doubles_a_string_is_stopped_by_memory() {
    let sb = squad_template(&format!("{FRONT}{}", doublings(40)), "SQUAD.md");
    let run = hostile(sb.path(), &["new", "squad", "--party", "A", "--party", "B"]);
    assert_refused(&run, "the template used more than 1024 MB of memory");
    assert!(!sb.path().join("SQUAD.md").exists());
}

#[test]
fn a_template_that_indents_by_a_huge_width_is_stopped() {
    let template = format!("{FRONT}{{{{ \"a\\nb\\nc\"|indent(4000000000) }}}}");
    let sb = squad_template(&template, "SQUAD.md");
    let run = hostile(sb.path(), &["new", "squad", "--party", "A", "--party", "B"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!sb.path().join("SQUAD.md").exists());
}

#[test]
fn a_default_path_that_doubles_a_string_is_stopped() {
    let sb = squad_template(FRONT, &doublings(40));
    let run = hostile(sb.path(), &["new", "squad", "--party", "A", "--party", "B"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        std::fs::read_dir(sb.path()).expect("ls").count(),
        2,
        "nothing written"
    );
}

#[test]
fn an_ordinary_template_still_renders_in_its_child() {
    let sb = squad_template(
        &format!("{FRONT}{{{{ title }}}} for {{{{ slug }}}}\n"),
        "squads/{{ slug }}.md",
    );
    let run = hostile(
        sb.path(),
        &[
            "new",
            "squad",
            "--party",
            "Ada <ada>",
            "--party",
            "Grace <grace>",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(sb.read("squads/ada-grace.md").ends_with("for ada-grace\n"));
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

#[test]
fn review_of_a_file_in_another_repository_writes_in_that_repository() {
    let other = repo();
    let here = Sandbox::new();
    let path = other.path().join("TEAM_ALLIANCE.md");
    let run = hostile(here.path(), &["review", path.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(other.read("TEAM_ALLIANCE.md").contains("last: 2026-11-01"));
}

#[test]
fn rename_detection_never_reads_a_truncated_object() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    sb.write("TEAM.md", team_doc("", TEAM_BODY));
    sb.write(
        "notes.md",
        "Notes that are deleted when the alliance is renamed.\n".repeat(50),
    );
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Start"]);
    let notes = git(sb.path(), &["rev-parse", "HEAD:notes.md"]);
    git(sb.path(), &["mv", "TEAM.md", "TEAM_ALLIANCE.md"]);
    git(sb.path(), &["rm", "-q", "notes.md"]);
    git(sb.path(), &["commit", "-qm", "Rename"]);
    truncate_object(sb.path(), &notes);
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, &format!("git object {notes} is damaged"));
}

#[test]
fn a_revision_reaching_through_a_truncated_commit_fails_naming_it() {
    let sb = repo();
    for n in 0..2 {
        sb.write("TEAM_ALLIANCE.md", team_doc(&format!("# {n}\n"), TEAM_BODY));
        git(sb.path(), &["commit", "-qam", "More"]);
    }
    let id = git(sb.path(), &["rev-parse", "HEAD~1"]);
    truncate_object(sb.path(), &id);
    for rev in ["HEAD~2", "HEAD^^", "main~1^1"] {
        let run = hostile(
            sb.path(),
            &["diff", "TEAM_ALLIANCE.md", "--from", rev, "--to", "HEAD"],
        );
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
}

/// Cut loose object `id` of the repository at `dir` in half.
fn truncate_object(dir: &Path, id: &str) {
    let path = dir.join(".git/objects").join(&id[..2]).join(&id[2..]);
    let bytes = std::fs::read(&path).expect("object");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncate");
}

/// A repository with `main` two commits ahead of where `topic` branched,
/// and `topic` one commit of its own, checked out on `topic`.
fn branched() -> Sandbox {
    let sb = repo();
    sb.write("docs/guide/notes.md", "Notes.\n");
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Notes"]);
    git(sb.path(), &["branch", "topic"]);
    for n in 0..2 {
        sb.write(
            "TEAM_ALLIANCE.md",
            team_doc(&format!("# main {n}\n"), TEAM_BODY),
        );
        git(sb.path(), &["commit", "-qam", "Main moves on"]);
    }
    git(sb.path(), &["checkout", "-q", "topic"]);
    sb.write("TEAM_ALLIANCE.md", team_doc("# topic\n", TEAM_BODY));
    git(sb.path(), &["commit", "-qam", "Topic"]);
    sb
}

#[test]
fn a_truncated_commit_between_a_branch_and_its_base_fails_naming_it() {
    // `diff --base` and `ci comment` find the merge base by walking both
    // sides; the commit where they meet is damaged.
    let sb = branched();
    let id = git(sb.path(), &["merge-base", "main", "topic"]);
    truncate_object(sb.path(), &id);
    for args in [
        &["diff", "TEAM_ALLIANCE.md", "--base", "main"][..],
        &["ci", "comment", "--base", "main", "--dry-run"][..],
    ] {
        let run = hostile(sb.path(), args);
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
}

#[test]
fn a_truncated_subtree_of_the_base_fails_naming_it() {
    // `due --changed-since` and `ci comment` read every tree of the base.
    let sb = branched();
    let id = git(sb.path(), &["rev-parse", "main:docs/guide"]);
    truncate_object(sb.path(), &id);
    for args in [
        &["due", "--changed-since", "main"][..],
        &["ci", "comment", "--base", "main", "--dry-run"][..],
    ] {
        let run = hostile(sb.path(), args);
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
}

#[test]
fn rename_detection_never_reads_a_truncated_subtree() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    sb.write("TEAM.md", team_doc("", TEAM_BODY));
    sb.write("old/deep/notes.md", "Notes that move with the rename.\n");
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Start"]);
    let deep = git(sb.path(), &["rev-parse", "HEAD:old/deep"]);
    git(sb.path(), &["mv", "TEAM.md", "TEAM_ALLIANCE.md"]);
    git(sb.path(), &["rm", "-rq", "old"]);
    git(sb.path(), &["commit", "-qm", "Rename"]);
    truncate_object(sb.path(), &deep);
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, &format!("git object {deep} is damaged"));
}

#[test]
fn the_merge_base_is_the_one_git_finds() {
    // Criss-cross merges give two best common ancestors. `diff --base`
    // starts from the one git picks; with every commit at the same second
    // (ties everywhere) it is at least one of git's best.
    for distinct_dates in [true, false] {
        let sb = branched();
        let topic = git(sb.path(), &["rev-parse", "topic"]);
        let date = |n: u32| {
            if distinct_dates {
                format!("2026-10-0{n}T10:00:00Z")
            } else {
                "2026-10-01T10:00:00Z".to_owned()
            }
        };
        let merge = |what: &str, n: u32| {
            let mut cmd = Command::new("git");
            cmd.args(["merge", "-q", "--no-edit", "-X", "ours", what])
                .current_dir(sb.path())
                .env_clear()
                .env("PATH", "/usr/local/bin:/usr/bin:/bin")
                .env("HOME", sb.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_AUTHOR_NAME", "Ada Lovelace")
                .env("GIT_AUTHOR_EMAIL", "ada@example.com")
                .env("GIT_COMMITTER_NAME", "Ada Lovelace")
                .env("GIT_COMMITTER_EMAIL", "ada@example.com")
                .env("GIT_AUTHOR_DATE", date(n))
                .env("GIT_COMMITTER_DATE", date(n));
            assert!(cmd.status().expect("git merge").success());
        };
        merge("main", 3);
        git(sb.path(), &["checkout", "-q", "main"]);
        merge(&topic, 2);
        git(sb.path(), &["checkout", "-q", "topic"]);
        let all = git(sb.path(), &["merge-base", "--all", "main", "HEAD"]);
        assert_eq!(all.lines().count(), 2, "a criss-cross: {all}");
        for graph in [false, true] {
            if graph {
                git(sb.path(), &["commit-graph", "write", "--reachable"]);
            }
            let expected = git(sb.path(), &["merge-base", "main", "HEAD"]);
            let run = hostile(
                sb.path(),
                &[
                    "diff",
                    "TEAM_ALLIANCE.md",
                    "--base",
                    "main",
                    "--format",
                    "json",
                ],
            );
            assert_eq!(run.code, 0, "{}", run.stderr);
            let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
            let ours = json["from"]["commit"]
                .as_str()
                .expect("a commit")
                .to_owned();
            if distinct_dates {
                assert_eq!(ours, expected, "git's merge base");
            } else {
                assert!(all.lines().any(|l| l == ours), "{ours} is one of {all}");
            }
        }
    }
}

#[test]
fn revision_syntax_that_searches_history_meets_a_truncated_object_at_once() {
    // `:/TEXT` searches commit messages, `@{N}` reads the reflog, `^{}`
    // peels a tag: libgit2 reads objects we cannot foresee, so every loose
    // object is checked before it resolves them.
    let sb = repo();
    for n in 0..2 {
        sb.write("TEAM_ALLIANCE.md", team_doc(&format!("# {n}\n"), TEAM_BODY));
        git(sb.path(), &["commit", "-qam", &format!("Change {n}")]);
    }
    git(sb.path(), &["tag", "-a", "-m", "v1", "v1", "HEAD~1"]);
    let id = git(sb.path(), &["rev-parse", "HEAD~2"]);
    truncate_object(sb.path(), &id);
    for rev in [":/Our alliance", "HEAD@{0}", "v1^{}", "v1", "HEAD^{commit}"] {
        let run = hostile(
            sb.path(),
            &["diff", "TEAM_ALLIANCE.md", "--from", rev, "--to", "HEAD"],
        );
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
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
