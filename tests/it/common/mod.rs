//! Shared helpers for the command-line tests: a sandbox folder with files
//! in it, and runners for `alliance` and `git` that start from an empty
//! environment and set only what they need, so nothing in the developer's
//! shell (`ALLIANCE_TODAY`, `GIT_DIR`, colour, git identity) changes a result.
#![allow(dead_code)]

pub mod forge;
pub mod npm;
pub mod python;

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A temporary folder to run `alliance` in.
pub struct Sandbox {
    dir: TempDir,
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Parse stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write `content` to `name` (creating folders), returning the path.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
        path
    }

    pub fn read_bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name)).expect("read")
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).expect("read")
    }

    /// A `Command` for `alliance` in this sandbox with a pinned environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = hermetic(env!("CARGO_BIN_EXE_alliance"), self.dir.path());
        cmd.args(args);
        cmd
    }

    /// `alliance ARGS` here, started through `wrapper` (e.g. `prlimit
    /// --as=N --`) with the same pinned environment; `program` replaces the
    /// binary's path when given.
    pub fn wrapped(&self, wrapper: &[String], program: Option<&Path>, args: &[&str]) -> Command {
        let inner = self.command(args);
        let mut command = Command::new(&wrapper[0]);
        command
            .args(&wrapper[1..])
            .arg(program.map_or(inner.get_program(), Path::as_os_str))
            .args(inner.get_args())
            .current_dir(self.path())
            .env_clear()
            .envs(
                inner
                    .get_envs()
                    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
            );
        command
    }

    /// Run `alliance ARGS` here.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().expect("run alliance");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Run `alliance ARGS` here with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(args);
        command.envs(env.iter().copied());
        let output = command.output().expect("run alliance");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Run `alliance ARGS` here, killing it if it runs past `limit` (a hang
    /// guard, not a timing assertion: the limit is far above any real run).
    pub fn run_bounded(&self, args: &[&str], limit: std::time::Duration) -> Run {
        use std::process::Stdio;
        let mut child = self
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn alliance");
        let started = std::time::Instant::now();
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                panic!("alliance {args:?} hung for more than {limit:?}");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child.wait_with_output().expect("output");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// A `Command` for `git ARGS` here with a pinned identity and dates.
    pub fn git_command(&self, args: &[&str], date: &str) -> Command {
        let mut cmd = hermetic("git", self.dir.path());
        cmd.args(args)
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
        cmd
    }

    /// Commit everything as `name <email>` (author and committer) at
    /// `date`, SSH-signed with the private key `signing_key` when given
    /// (git's `gpg.format ssh`).
    pub fn commit_as(
        &self,
        (name, email): (&str, &str),
        message: &str,
        date: &str,
        signing_key: Option<&Path>,
    ) {
        self.git(&["add", "-A"], date);
        let mut args: Vec<String> = Vec::new();
        if let Some(key) = signing_key {
            args.extend([
                "-c".into(),
                "gpg.format=ssh".into(),
                "-c".into(),
                format!("user.signingkey={}", key.display()),
            ]);
        }
        args.extend(["commit".into(), "-qm".into(), message.into()]);
        if signing_key.is_some() {
            args.push("-S".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = self
            .git_command(&args, date)
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", email)
            .output()
            .expect("run git");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Run `git ARGS` here with a pinned identity and dates.
    pub fn git(&self, args: &[&str], date: &str) -> String {
        let output = self.git_command(args, date).output().expect("run git");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

/// The only variables a test process gets: `PATH` (to find `git` and what
/// it runs), a `HOME` that is the sandbox, UTC, a UTF-8 locale, no colour,
/// and no global or system git configuration.
pub const PINNED_ENV: [&str; 7] = [
    "PATH",
    "HOME",
    "TZ",
    "LANG",
    "NO_COLOR",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_NOSYSTEM",
];

/// A `Command` for `program` in `dir` that starts from an empty environment
/// (as jj's test environment does) and sets exactly [`PINNED_ENV`].
pub fn hermetic(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// The repository's `examples/` folder.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// `../shared/corpus/real`, the 43 real working agreements that CI has beside
/// the project. Tests that read it are `#[ignore = "needs
/// ../shared/corpus/real"]` and run with `cargo test -- --ignored`; there a
/// missing corpus fails the test rather than passing it unseen.
/// `ALLIANCE_REAL_CORPUS` names another place for it (a git worktree of the
/// project has no `../shared` beside it).
pub fn real_corpus() -> PathBuf {
    let dir = std::env::var_os("ALLIANCE_REAL_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "{} is missing: these tests need the real corpus beside the project",
        dir.display()
    );
    dir
}

/// A minimal valid team alliance, with `extra` front matter lines and `body`.
pub fn team_doc(extra: &str, body: &str) -> String {
    format!(
        "---\nalliance: team\ntitle: Test team\nparties:\n  - name: Ada Lovelace\n    handle: ada\n  - name: Grace Hopper\n    handle: grace\n{extra}review:\n  every: 3 months\n---\n\n# Test team\n{body}"
    )
}

/// The body of a team alliance with every section answered.
pub const TEAM_BODY: &str = "
## Purpose

We keep the lights on.

## Atmosphere

Calm and curious.

## Co-responsibility

- Ada keeps the plan. [owner:: @ada]

## Agreements

- We start on time. [id:: on-time]

## When it gets hard

We talk it through.
";
