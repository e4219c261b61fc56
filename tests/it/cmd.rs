//! The command-line cases in `tests/cmd/`: each `NAME.toml` is what a user
//! types (`args`, any `env.add`), the files they have (`NAME.in/`, copied to
//! a temporary folder: `fs.sandbox = true`), and exactly what they see
//! (`stdout`, `stderr`, `status.code`). Where a command writes, `NAME.out/`
//! holds the files as they must be afterwards. Read a case top to bottom to
//! know what `alliance` does; run
//! `TRYCMD=overwrite cargo test --test it cmd::` to rewrite the expected
//! output after an intended change, then read the diff.
//!
//! Every case starts from an empty environment (`env.inherit = false`) plus
//! the pinned variables below, so `ALLIANCE_TODAY`, `GIT_DIR` or colour
//! settings in a developer's shell cannot change a result.

use std::path::{Path, PathBuf};

use alliance::check::finding::Rule;

/// The variables every case gets, after its environment is cleared. A case
/// adds its own with `env.add` (these win over a case's, so a case cannot
/// quietly unpin them).
fn pinned(home: &Path) -> [(&'static str, String); 6] {
    [
        ("HOME", home.display().to_string()),
        ("TZ", "UTC".to_owned()),
        ("LANG", "C.UTF-8".to_owned()),
        ("NO_COLOR", "1".to_owned()),
        ("GIT_CONFIG_GLOBAL", "/dev/null".to_owned()),
        ("GIT_CONFIG_NOSYSTEM", "1".to_owned()),
    ]
}

#[test]
fn cases() {
    // An empty home, so nothing of the developer's (git config, ...) is read.
    let home = tempfile::tempdir().expect("temp home");
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("alliance", trycmd::cargo::cargo_bin!("alliance"))
        .case("tests/cmd/**/*.toml");
    for (key, value) in pinned(home.path()) {
        cases.env(key, value);
    }
    cases.run();
}

/// The caller's environment cannot reach a case: the whole set of cases is
/// run again by a copy of this test binary whose own environment has a
/// broken `ALLIANCE_TODAY` (a case that reads the real clock would exit 2),
/// a `GIT_DIR` that does not exist, and forced colour.
#[test]
fn cases_ignore_the_callers_environment() {
    let exe = std::env::current_exe().expect("this test binary");
    let output = std::process::Command::new(exe)
        .args(["--exact", "cmd::cases", "--nocapture"])
        .env("ALLIANCE_TODAY", "not-a-date")
        .env("GIT_DIR", "/nonexistent/.git")
        .env("CLICOLOR_FORCE", "1")
        .env("TZ", "Pacific/Kiritimati")
        .env_remove("TRYCMD")
        .output()
        .expect("run the cases again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the cases fail under a polluted environment:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("test cmd::cases ... ok") && stdout.contains("1 passed"),
        "the cases did not run:\n{stdout}"
    );
}

fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read tests/cmd") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                found.push(path);
            } else if path.is_dir() && path.extension().is_none_or(|e| e != "in" && e != "out") {
                folders.push(path);
            }
        }
    }
    found.sort();
    found
}

fn cmd_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

/// The settings that make a case hermetic are written in each case, where a
/// reviewer sees them, and no case may leave them out.
#[test]
fn every_case_is_hermetic() {
    let files = case_files(&cmd_dir());
    assert!(files.len() > 40, "only {} cases", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read case");
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for needed in [
            "bin.name = \"alliance\"",
            "env.inherit = false",
            "fs.sandbox = true",
        ] {
            assert!(
                lines.contains(&needed),
                "{}: lacks `{needed}`",
                file.display()
            );
        }
        assert!(
            lines.iter().any(|l| l.starts_with("status.code = ")),
            "{}: says no exit code",
            file.display()
        );
        for stream in ["stdout", "stderr"] {
            assert!(
                lines.iter().any(|l| l.starts_with(&format!("{stream} = "))),
                "{}: says nothing of {stream}",
                file.display()
            );
        }
    }
}

/// Every rule has at least one case in `tests/cmd/rules/`, named by its
/// code, whose expected output shows the finding.
#[test]
fn every_rule_has_a_case() {
    let files = case_files(&cmd_dir().join("rules"));
    for rule in Rule::ALL {
        let code = rule.code();
        let mine: Vec<_> = files
            .iter()
            .filter(|f| {
                f.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{code}-")))
            })
            .collect();
        assert!(
            !mine.is_empty(),
            "no case for {code} {} in tests/cmd/rules/",
            rule.name()
        );
        for file in mine {
            let text = std::fs::read_to_string(file).expect("read case");
            assert!(
                text.contains(&format!("error[{code}]"))
                    || text.contains(&format!("warning[{code}]")),
                "{}: the expected output does not show {code}",
                file.display()
            );
        }
    }
}
