//! Hostile input, one module per threat: [`parsing`] (documents, YAML,
//! Markdown, kind files, configs, arguments and dates that are broken or
//! built to hurt), [`file_system`] (links, pipes, devices, permissions,
//! writes), [`git`] (damaged, huge, shallow or oddly set-up repositories and
//! history), [`output`] (text that would act in a terminal, a CI log or
//! Markdown), [`scaling`] (shapes that would cost more than linear time or
//! memory, and runs without threads) and [`environment`] (what the shell
//! that runs the tests has set). Each case asserts what a user sees, the
//! exit code and the message, never the time, and that no input file
//! changed where a command must not write.
//!
//! The runners below start `alliance` as a separate process with a cleared
//! environment, killed if it runs past a generous wall-clock limit (a guard
//! against hangs, not a timing assertion) and, for [`hostile`], under an
//! address-space limit. The module needs a Unix system (named pipes,
//! symbolic links, file modes, `prlimit`).

mod environment;
mod file_system;
mod git;
mod output;
mod parsing;
mod scaling;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Run, Sandbox, TEAM_BODY, team_doc};

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

/// A hang guard far above any real run, for [`check`] and a few cases.
const LIMIT: Duration = Duration::from_secs(30);

/// `alliance check NAME` of `content` written to `name`, under [`LIMIT`]:
/// it must not panic, and must leave the file as it was.
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

/// A valid active alliance. Nobody's consent is recorded in it, so a clean
/// `check` of it (or of a hostile variant) says `1 warning`: A070, and
/// nothing else.
fn valid() -> String {
    team_doc("", TEAM_BODY)
}
