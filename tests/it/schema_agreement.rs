//! `alliance check` and the schemas it publishes (`alliance schema KIND`)
//! agree on every front matter: an editor validating with the published
//! schema flags what `check` refuses, and nothing else.
//!
//! Front matters are generated from the examples (one seed per kind),
//! mutated (wrong types, padded and impossible dates, non-finite numbers,
//! integers past 64 bits, missing keys, extra keys), written both as YAML
//! (what `check` reads) and as JSON (what the schema sees), and judged on
//! each side: by `check`'s front-matter families (A003/A004, A010–A013,
//! A020) and by Python's `jsonschema` with formats asserted
//! (`tests/schema_agreement.py`; CI installs it, and a missing python3 or
//! jsonschema fails this test). The generated YAML is written by this
//! test, not by the reader it tests.

use std::collections::BTreeMap;
use std::process::Command;

use crate::common::{self, Sandbox};
use serde_json::{Value as J, json};

/// The codes of `check` the schema's verdict is compared with. A021
/// (cadence) and A022 (next before last) judge meaning a schema cannot
/// express, and the other families judge the body.
const SCHEMA_FAMILIES: &[&str] = &["A003", "A004", "A010", "A011", "A012", "A013", "A020"];

/// A number JSON or YAML writes in a way serde_json cannot hold: its YAML
/// text and its text for Python's json module.
fn special(yaml: &str, python: &str) -> J {
    J::String(format!("\u{1}{yaml}\u{1}{python}"))
}

fn specials(text: &str) -> Option<(&str, &str)> {
    text.strip_prefix('\u{1}')?.split_once('\u{1}')
}

/// The values every key is tried with.
fn mutations() -> Vec<J> {
    vec![
        json!(3),
        json!(12.5),
        json!(true),
        J::Null,
        json!([]),
        json!({}),
        json!(""),
        json!("some text"),
        json!(["a", "b"]),
        special(".inf", "Infinity"),
        special("-.inf", "-Infinity"),
        special(".NaN", "NaN"),
        special("1e400", "Infinity"),
        special("99999999999999999999", "99999999999999999999"),
        special("0x8000000000000000", "9223372036854775808"),
        json!("2026-01-12"),
        json!(" 2026-01-12"),
        json!("2026-01-12 "),
        json!("2026-02-30"),
        json!("2026-1-5"),
        json!("0000-01-01"),
        json!("20260112"),
    ]
}

/// A string YAML reads back as the same string when written plain.
fn plain_ok(s: &str) -> bool {
    let date = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let words = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-".contains(c))
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
            .contains(&s.to_ascii_lowercase().as_str());
    date || words
}

/// `value` as a YAML flow value.
fn yaml(value: &J) -> String {
    match value {
        J::String(s) => match specials(s) {
            Some((text, _)) => text.to_owned(),
            None if plain_ok(s) => s.clone(),
            None => serde_json::to_string(s).expect("string"),
        },
        J::Array(items) => format!(
            "[{}]",
            items.iter().map(yaml).collect::<Vec<_>>().join(", ")
        ),
        J::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", yaml(&json!(k)), yaml(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// `value` as JSON for Python's json module (NaN, Infinity, big integers).
fn python_json(value: &J) -> String {
    match value {
        J::String(s) => match specials(s) {
            Some((_, text)) => text.to_owned(),
            None => serde_json::to_string(s).expect("string"),
        },
        J::Array(items) => format!(
            "[{}]",
            items.iter().map(python_json).collect::<Vec<_>>().join(", ")
        ),
        J::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    serde_json::to_string(k).expect("key"),
                    python_json(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// A front matter as a document: the top level in block style, the values
/// in flow style.
fn document(front: &J, body: &str) -> String {
    let J::Object(map) = front else {
        panic!("a mapping")
    };
    let lines: String = map
        .iter()
        .map(|(k, v)| format!("{}: {}\n", yaml(&json!(k)), yaml(v)))
        .collect();
    format!("---\n{lines}---\n{body}")
}

/// The examples' front matters (the seeds, one kind each at least) and
/// their bodies.
fn seeds() -> Vec<(J, String)> {
    let mut seeds = Vec::new();
    for entry in std::fs::read_dir(common::examples()).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("example");
        let rest = text.strip_prefix("---\n").expect("front matter");
        let (yaml_text, body) = rest.split_once("\n---\n").expect("closed front matter");
        let root = alliance::document::yaml::parse_str(&format!("{yaml_text}\n")).expect("YAML");
        seeds.push((root.to_json(), body.to_owned()));
    }
    seeds.sort_by_key(|(front, _)| front.to_string());
    seeds
}

/// Where a mutation goes: a key path (`review.last`, `parties.0.name`).
fn set(front: &J, path: &str, value: Option<J>) -> Option<J> {
    let mut out = front.clone();
    let mut node = &mut out;
    let steps: Vec<&str> = path.split('.').collect();
    for step in &steps[..steps.len() - 1] {
        node = match node {
            J::Object(map) => map.get_mut(*step)?,
            J::Array(items) => items.get_mut(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    let last = steps[steps.len() - 1];
    match (node, value) {
        (J::Object(map), Some(v)) => {
            map.insert(last.to_owned(), v);
        }
        (J::Object(map), None) => {
            map.shift_remove(last)?;
        }
        (J::Array(items), Some(v)) => *items.get_mut(last.parse::<usize>().ok()?)? = v,
        (J::Array(items), None) => {
            let i = last.parse::<usize>().ok()?;
            (i < items.len()).then(|| items.remove(i))?;
        }
        _ => return None,
    }
    Some(out)
}

/// Every generated case: (kind, front matter, body).
fn cases() -> Vec<(String, J, String)> {
    let paths = [
        "title",
        "parties",
        "status",
        "created",
        "review",
        "reviews",
        "consent",
        "superseded_by",
        "pulse",
        "review.every",
        "review.last",
        "review.next",
        "parties.0",
        "parties.0.name",
        "parties.0.handle",
        "parties.0.role",
        "parties.1",
        "reviews.0",
        "reviews.0.date",
        "reviews.0.note",
        "reviews.0.wins",
        "pulse.instrument",
        "pulse.every",
        "pulse.extra",
        "x-extra",
        "alliance",
    ];
    let mut cases = Vec::new();
    for (front, body) in seeds() {
        let kind = front["alliance"].as_str().expect("kind").to_owned();
        cases.push((kind.clone(), front.clone(), body.clone()));
        for path in paths {
            for value in mutations().into_iter().map(Some).chain([None]) {
                if let Some(mutated) = set(&front, path, value) {
                    cases.push((kind.clone(), mutated, body.clone()));
                }
            }
        }
    }
    cases
}

/// `check`'s verdict on each case file: the schema families' codes found.
fn check_verdicts(sandbox: &Sandbox, count: usize) -> Vec<Vec<String>> {
    let run = sandbox.run(&["check", "--format", "json", "cases"]);
    assert!(
        run.code == 0 || run.code == 1,
        "check could not run: {}",
        run.stderr
    );
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in run.json()["files"].as_array().expect("files") {
        let codes = file["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .filter(|code| SCHEMA_FAMILIES.contains(code))
            .map(str::to_owned)
            .collect();
        by_file.insert(file["path"].as_str().expect("path").to_owned(), codes);
    }
    (0..count)
        .map(|i| {
            by_file
                .remove(&format!("cases/{i:04}-ALLIANCE.md"))
                .expect("a checked case")
        })
        .collect()
}

/// The published schema's verdict on each case, from Python's jsonschema.
fn schema_verdicts(sandbox: &Sandbox, cases: &[(String, J, String)]) -> Vec<String> {
    let mut lines = String::new();
    for (kind, front, _) in cases {
        lines.push_str(&json!({"kind": kind, "instance": python_json(front)}).to_string());
        lines.push('\n');
    }
    sandbox.write("schemas/cases.jsonl", lines);
    let kinds: std::collections::BTreeSet<&str> =
        cases.iter().map(|(k, _, _)| k.as_str()).collect();
    for kind in kinds {
        let run = sandbox.run(&["schema", kind]);
        assert_eq!(run.code, 0, "alliance schema {kind}: {}", run.stderr);
        sandbox.write(&format!("schemas/{kind}.schema.json"), run.stdout);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schema_agreement.py");
    let output = Command::new(crate::common::python::python())
        .arg(script)
        .arg(sandbox.path().join("schemas"))
        .output()
        .expect("python3 is needed (.ci/run installs it)");
    assert!(
        output.status.success(),
        "the schema validator failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn check_and_the_published_schemas_agree_on_generated_front_matter() {
    let cases = cases();
    assert!(cases.len() >= 300, "only {} cases generated", cases.len());
    let sandbox = Sandbox::new();
    for (i, (_, front, body)) in cases.iter().enumerate() {
        sandbox.write(&format!("cases/{i:04}-ALLIANCE.md"), document(front, body));
    }
    let ours = check_verdicts(&sandbox, cases.len());
    let theirs = schema_verdicts(&sandbox, &cases);
    assert_eq!(theirs.len(), cases.len(), "one verdict per case");
    let mut disagree = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for (i, (codes, verdict)) in ours.iter().zip(&theirs).enumerate() {
        let schema_valid = verdict == "valid";
        if schema_valid {
            valid += 1
        } else {
            invalid += 1
        }
        if codes.is_empty() != schema_valid {
            let text = document(&cases[i].1, "");
            disagree.push(format!(
                "case {i:04}: check {codes:?}, schema {verdict}\n{text}"
            ));
        }
    }
    assert!(
        valid >= 50 && invalid >= 200,
        "{valid} valid, {invalid} invalid: too one-sided"
    );
    assert!(
        disagree.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagree.len(),
        cases.len(),
        disagree.join("\n")
    );
}
