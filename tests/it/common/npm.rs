//! Test data that comes from an npm package, pinned, never committed:
//! `.ci/run` installs each package and names its folder in an environment
//! variable; without the variable the test installs the package itself
//! with `npm` into the target folder (`target/tmp/test-deps/`), once.
//! A package that cannot be had fails the test: it is never skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of npm package `name` at `version`: the one `env_var` names
/// (it must be there), else the copy under the target folder, installed
/// with `npm` when missing. Panics, naming what to do, when neither works.
pub fn package(name: &str, version: &str, env_var: &str) -> PathBuf {
    let dir = match std::env::var_os(env_var) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join("test-deps")
                .join(format!("{}-{version}", name.replace('/', "+")));
            if !dir.join("package.json").exists() {
                install(name, version, &dir);
            }
            dir
        }
    };
    assert_version(&dir, name, version, env_var);
    dir
}

/// `npm install` into a fresh folder beside `dir`, then one rename into
/// place: two runs at once both install, and the first rename wins.
fn install(name: &str, version: &str, dir: &Path) {
    let parent = dir.parent().expect("test-deps folder");
    std::fs::create_dir_all(parent).expect("create target/tmp/test-deps");
    let scratch = tempfile::tempdir_in(parent).expect("scratch folder");
    let spec = format!("{name}@{version}");
    let out = Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-package-lock",
            "--ignore-scripts",
        ])
        .args(["--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
        .arg(scratch.path())
        .arg(&spec)
        .output()
        .unwrap_or_else(|e| panic!("npm is needed to install {spec} (.ci/run installs it): {e}"));
    assert!(
        out.status.success(),
        "npm install {spec} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let installed = scratch.path().join("node_modules").join(name);
    if std::fs::rename(&installed, dir).is_err() {
        assert!(
            dir.join("package.json").exists(),
            "could not move {} to {}",
            installed.display(),
            dir.display()
        );
    }
}

/// The folder holds `name` at exactly `version`.
fn assert_version(dir: &Path, name: &str, version: &str, env_var: &str) {
    let manifest = std::fs::read_to_string(dir.join("package.json")).unwrap_or_else(|e| {
        panic!(
            "{name}@{version} is needed in {} ({env_var}; .ci/run installs it): {e}",
            dir.display()
        )
    });
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("package.json");
    assert_eq!(manifest["name"], name, "{}", dir.display());
    assert_eq!(manifest["version"], version, "{}", dir.display());
}
