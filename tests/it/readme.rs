//! The README's walk-through is what the tool prints: `scripts/walkthrough.sh`
//! builds the lab's repository, runs the commands the README shows, and the
//! output must equal the README's `console` block under "Adopting the
//! agreement you already have".

use std::path::Path;
use std::process::Command;

#[test]
fn the_adoption_walk_through_is_what_the_tool_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let section = readme
        .split("## Adopting the agreement you already have")
        .nth(1)
        .expect("the walk-through section");
    let block = section
        .split("```console\n")
        .nth(1)
        .and_then(|rest| rest.split("```\n").next())
        .expect("a console block");
    let output = Command::new("bash")
        .arg(root.join("scripts/walkthrough.sh"))
        .arg(env!("CARGO_BIN_EXE_alliance"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TZ", "UTC")
        .output()
        .expect("run scripts/walkthrough.sh");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), block);
}
