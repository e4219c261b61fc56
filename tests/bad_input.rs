//! Hostile and broken input: each gets a clear message and exit 1 or 2,
//! quickly, with no panic and no change to the file.

mod common;

use std::time::Duration;

use common::{Run, Sandbox, TEAM_BODY, team_doc};

const LIMIT: Duration = Duration::from_secs(30);

fn check(sandbox: &Sandbox, name: &str, content: &[u8]) -> Run {
    sandbox.write(name, content);
    let run = sandbox.run_bounded(&["check", name], LIMIT);
    assert_ne!(run.code, 101, "{name}: panicked\n{}", run.stderr);
    assert_eq!(
        sandbox.read_bytes(name),
        content,
        "{name}: the file changed"
    );
    run
}

#[test]
fn invalid_utf8() {
    let sandbox = Sandbox::new();
    let run = check(
        &sandbox,
        "latin1.md",
        b"---\nalliance: team\ntitle: Caf\xe9\n---\n",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error[A005]: the file is not UTF-8: byte 29 is not valid UTF-8"),
        "{}",
        run.stdout
    );
}

#[test]
fn binary_file_named_md() {
    let sandbox = Sandbox::new();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 4096));
    let run = check(&sandbox, "logo.md", &png);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error[A005]: this is a binary file, not Markdown"),
        "{}",
        run.stdout
    );
}

#[test]
fn empty_file() {
    let sandbox = Sandbox::new();
    let run = check(&sandbox, "empty.md", b"");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("error[A001]: not an alliance"),
        "{}",
        run.stdout
    );
}

#[test]
fn yaml_alias_bomb() {
    let sandbox = Sandbox::new();
    let mut yaml = String::from(
        "---\nalliance: team\na: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let mut prev = "a".to_owned();
    for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name.to_owned();
    }
    yaml.push_str("---\n");
    let run = check(&sandbox, "bomb.md", yaml.as_bytes());
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[A003]"), "{}", run.stdout);
}

#[test]
fn deeply_nested_yaml() {
    let sandbox = Sandbox::new();
    let yaml = format!(
        "---\nalliance: team\ndeep: {}{}\n---\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let run = check(&sandbox, "deep.md", yaml.as_bytes());
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[A003]"), "{}", run.stdout);
}

#[test]
fn line_of_most_of_a_megabyte() {
    let sandbox = Sandbox::new();
    // Under the 1 MB document cap (docs/security.md, "Limits").
    let line = "x".repeat(900 * 1024);
    let doc = team_doc(
        "",
        &TEAM_BODY.replace(
            "We keep the lights on.",
            &format!("{line} [owner:: @nobody]"),
        ),
    );
    let run = check(&sandbox, "long.md", doc.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stdout);
    let doc = team_doc("", &format!("{TEAM_BODY}\n- {line} [review:: never]\n"));
    let run = check(&sandbox, "long-item.md", doc.as_bytes());
    assert_eq!(run.code, 1);
    // The long line is cut around the finding, not printed whole.
    assert!(
        run.stdout.len() < 10_000,
        "printed {} bytes",
        run.stdout.len()
    );
    assert!(
        run.stdout.contains("error[A040]"),
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
}

#[test]
fn terminal_escapes_are_never_printed_raw() {
    let sandbox = Sandbox::new();
    let doc = team_doc("", TEAM_BODY).replace(
        "every: 3 months",
        "every: \"\u{1b}]0;pwned\u{7}\u{1b}[31m\"",
    );
    let run = check(&sandbox, "escape.md", doc.as_bytes());
    assert_eq!(run.code, 1);
    assert!(
        !run.stdout.contains('\u{1b}'),
        "raw ESC in output:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("\\u{1b}"), "{}", run.stdout);
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

#[test]
fn missing_path_and_bad_arguments_exit_2() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["check", "nope.md"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "alliance: nope.md: no such file or folder\n");
    let run = sandbox.run(&["check", "--format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid value 'xml'"), "{}", run.stderr);
}

#[test]
fn no_documents_found_is_a_clear_message() {
    let sandbox = Sandbox::new();
    sandbox.write("README.md", "# Hello\n");
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no alliance documents found"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_config_names_the_key_and_file() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: k\ncolour: red\n");
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            ".alliance.yaml:2: unknown key `colour` (known keys: kinds, exclude, include, consent)"
        ),
        "{}",
        run.stderr
    );
}
