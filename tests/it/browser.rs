//! The examples' site, and an organisation's index of it (`--merge`), in
//! a real browser: `tests/browser/check_site.py`
//! opens every page in Chromium (Playwright for Python, with the system's
//! Chromium) from `file://` and fails on a console error, a failed or
//! outside request, a link that does not resolve, an empty chart, a
//! serious or critical axe-core violation in light or dark, and HTML the
//! Nu HTML Checker (vnu.jar) reports as invalid.
//!
//! The tools are never skipped for: `.ci/run` installs them and names them
//! (`ALLIANCE_BROWSER_PYTHON`, a Python with `playwright`;
//! `ALLIANCE_CHROMIUM`; `ALLIANCE_AXE_CORE` and `ALLIANCE_VNU_JAR`, the npm
//! packages). Without the variables the test makes its own Python venv and
//! npm installs under the target folder, and uses `/usr/bin/chromium` and
//! `java` from `PATH`; what is missing fails the test, naming what to
//! install. `ALLIANCE_SCREENSHOTS=DIR` also photographs the index, light
//! and dark, into `DIR` (`docs/site-light.png`, `docs/site-dark.png`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, Sandbox, npm};

const PLAYWRIGHT: &str = "1.65.0";
const AXE_CORE: &str = "4.14.1";
const VNU_JAR: &str = "26.9.27";

/// A Python that can `import playwright`: the one `ALLIANCE_BROWSER_PYTHON`
/// names, else a venv under the target folder, made once.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("ALLIANCE_BROWSER_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("test-deps")
        .join(format!("venv-playwright-{PLAYWRIGHT}"));
    let python = venv.join("bin/python");
    if !imports_playwright(&python) {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status();
        assert!(
            made.is_ok_and(|s| s.success()),
            "python3 -m venv {} failed: install python3 and python3-venv (.ci/run does)",
            venv.display()
        );
        let spec = format!("playwright=={PLAYWRIGHT}");
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", &spec])
            .status();
        assert!(
            installed.is_ok_and(|s| s.success()),
            "pip install {spec} into {} failed (.ci/run installs it)",
            venv.display()
        );
    }
    python
}

fn imports_playwright(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import playwright.sync_api"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The system's Chromium (`playwright install` downloads its own, which this
/// machine cannot).
fn chromium() -> PathBuf {
    let chromium = std::env::var_os("ALLIANCE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        chromium.is_file(),
        "no Chromium at {}: install the Debian package `chromium` (apt-get install chromium; .ci/run does) or set ALLIANCE_CHROMIUM",
        chromium.display()
    );
    chromium
}

/// The Nu HTML Checker runs on Java.
fn assert_java() {
    let java = Command::new("java").arg("-version").output();
    assert!(
        java.is_ok_and(|out| out.status.success()),
        "`java -version` failed: the Nu HTML Checker (vnu.jar) needs Java (apt-get install default-jre-headless)"
    );
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read examples") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The tools, found or installed, and the check as a command on `site`.
fn check_site(site: &Path) -> Command {
    let python = python();
    assert!(
        imports_playwright(&python),
        "{} cannot import playwright (pip install playwright=={PLAYWRIGHT})",
        python.display()
    );
    let chromium = chromium();
    assert_java();
    let axe = npm::package("axe-core", AXE_CORE, "ALLIANCE_AXE_CORE");
    let vnu = npm::package("vnu-jar", VNU_JAR, "ALLIANCE_VNU_JAR");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/check_site.py");
    let mut check = Command::new(&python);
    check
        .arg(&script)
        .arg(site)
        .arg("--chromium")
        .arg(&chromium)
        .arg("--axe")
        .arg(&axe)
        .arg("--vnu")
        .arg(&vnu);
    check
}

#[test]
fn the_examples_site_passes_in_a_real_browser() {
    // The examples' site, and an organisation's index beside it that
    // links to it (`--url examples/`), so both are read and every link
    // between them is followed; and the site as one file.
    let sb = Sandbox::new();
    copy(&common::examples(), sb.path());
    let run = sb.run(&[
        "site",
        "--today",
        "2026-12-01",
        "-o",
        "site/examples",
        "--url",
        "examples/",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = sb.run(&["site", "--merge", "site/examples/site.json", "-o", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The whole site as one file is checked beside them.
    let one = [
        "site",
        "--today",
        "2026-12-01",
        "--single-file",
        "-o",
        "site/one",
    ];
    let run = sb.run(&one);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut check = check_site(&sb.path().join("site"));
    if let Some(dir) = std::env::var_os("ALLIANCE_SCREENSHOTS") {
        check.arg("--screenshots").arg(dir);
    }
    let out = check.output().expect("run check_site.py");
    assert!(
        out.status.success(),
        "the site fails in the browser (exit {:?}):\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The check itself sees each thing it is for, so a pass above means
/// something: a page with one of each fails, each named.
#[test]
fn the_browser_check_fails_on_each_thing_it_looks_for() {
    let sb = Sandbox::new();
    sb.write(
        "site/index.html",
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>bad</title></head>\n\
<body><main><p><a href=\"missing.html\">gone</a> <a href=\"#nowhere\">here</a></p>\n\
<svg role=\"img\" aria-label=\"empty\"><g></g></svg>\n\
<img src=\"http://example.invalid/x.png\">\n\
<div><li>stray</li></div>\n</main></body></html>\n",
    );
    let out = check_site(&sb.path().join("site"))
        .output()
        .expect("run check_site.py");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for expected in [
        "index.html: outside request: http://example.invalid/x.png",
        "index.html: console error: ",
        "index.html: link does not resolve: file://",
        "index.html: no #nowhere in index.html",
        "index.html: empty chart #0 'empty'",
        "index.html (light): axe critical: image-alt:",
        "index.html (dark): axe serious: listitem:",
        "index.html:5: invalid HTML: An “img” element must have an “alt” attribute",
    ] {
        assert!(said.contains(expected), "no `{expected}` in:\n{said}");
    }
}
