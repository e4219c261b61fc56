//! The official yaml-test-suite (github.com/yaml/yaml-test-suite, MIT,
//! vendored under `tests/yaml-test-suite/` with its licence): every case
//! that can be front matter as it stands (no `---`, `...` or directive
//! line; a valid case is one document with a mapping at its root) is
//! read by the front matter's YAML reader. Where the suite says the text is
//! an error we refuse it (A003, "not valid YAML"); where it gives the JSON,
//! our tree's JSON equals it. Cases we knowingly read otherwise are in
//! [`SKIP`] with the reason; the test fails if one of them starts to agree.

use std::path::{Path, PathBuf};

use alliance::document::{Alliance, FrontMatterBlock, yaml};

/// Cases we knowingly read otherwise than the suite, with why.
const SKIP: &[(&str, &str)] = &[];

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml-test-suite/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/yaml-test-suite/cases")
        .map(|e| e.expect("case").path())
        .collect();
    cases.sort();
    cases
}

/// Two JSON values alike, numbers compared as numbers (`1` and `1.0` are
/// one number; the suite writes `!!float 1` as `1`).
fn same(ours: &serde_json::Value, suite: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, suite) {
        (J::Number(a), J::Number(b)) => a.as_f64() == b.as_f64(),
        (J::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (J::Object(a), J::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => ours == suite,
    }
}

/// Whether our reading of one case agrees with the suite, and if not, how.
fn agrees(case: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(case.join("in.yaml")).expect("in.yaml");
    let ours = yaml::parse_str(&text);
    if case.join("error").exists() {
        if let Ok(node) = ours {
            return Err(format!("the suite says error, we read {}", node.to_json()));
        }
        // And the whole document says so too: A003, not valid YAML.
        let doc = Alliance::parse_text(Path::new("a.md"), format!("---\n{text}---\n# A\n"));
        return match doc.front {
            FrontMatterBlock::Invalid { .. } => Ok(()),
            _ => Err("the front matter is not refused as invalid YAML".to_owned()),
        };
    }
    let json = std::fs::read_to_string(case.join("in.json")).expect("in.json");
    let suite: serde_json::Value = serde_json::from_str(&json).expect("the suite's JSON");
    match ours {
        Err(e) => Err(format!("we refuse it: {}", e.message)),
        Ok(node) if same(&node.to_json(), &suite) => Ok(()),
        Ok(node) => Err(format!("we read {}, the suite {suite}", node.to_json())),
    }
}

#[test]
fn the_front_matter_reader_agrees_with_the_yaml_test_suite() {
    let cases = cases();
    assert!(cases.len() > 100, "only {} cases vendored", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let id = case.file_name().and_then(|n| n.to_str()).expect("case id");
        let skipped = SKIP.iter().find(|(skip, _)| *skip == id);
        match (agrees(case), skipped) {
            (Ok(()), None) | (Err(_), Some(_)) => {}
            (Ok(()), Some((_, why))) => {
                wrong.push(format!(
                    "{id}: skipped ({why}) but now agrees; take it off SKIP"
                ));
            }
            (Err(how), None) => wrong.push(format!("{id}: {how}")),
        }
    }
    for (skip, _) in SKIP {
        assert!(
            cases.iter().any(|c| c.ends_with(skip)),
            "SKIP names {skip}, which is not vendored"
        );
    }
    assert!(
        wrong.is_empty(),
        "{} cases disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
