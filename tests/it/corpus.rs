//! `check` over the real working agreements in ../shared/corpus/real: none
//! of them has alliance front matter, so each must get a clear finding and
//! exit 1, and none may crash. Ignored unless run with `--ignored`: see
//! `common::real_corpus`.

use crate::common::{Sandbox, real_corpus};

#[test]
#[ignore = "needs ../shared/corpus/real"]
fn every_real_agreement_gets_a_finding_not_a_crash() {
    let dir = real_corpus();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 40,
        "expected the 43 real agreements, found {}",
        files.len()
    );
    let sandbox = Sandbox::new();
    for file in &files {
        let path = file.to_str().expect("utf-8 path");
        let run = sandbox.run(&["check", path, "--format", "json"]);
        assert_eq!(run.code, 1, "{path}: exit {}\n{}", run.code, run.stderr);
        let json = run.json();
        let codes: Vec<&str> = json["files"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        // No front matter (A001), or a foreign front matter without
        // `alliance:` (A011): in both cases "not an alliance" with a fix.
        assert!(
            codes == ["A001"] || codes == ["A011"],
            "{path}: unexpected findings {codes:?}"
        );
    }
    // The human format of a whole folder at once: one finding per file.
    let run = sandbox.run(&["check", dir.to_str().expect("utf-8")]);
    assert_ne!(run.code, 101);
}

#[test]
#[ignore = "needs ../shared/corpus/real"]
fn not_an_alliance_says_how_to_adopt() {
    let dir = real_corpus();
    let sandbox = Sandbox::new();
    let file = dir.join("polatengin-project-standards-working-agreement.md");
    let run = sandbox.run(&["check", file.to_str().expect("utf-8")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error[A001]: not an alliance: the file has no front matter"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("alliance adopt"), "{}", run.stdout);
}
