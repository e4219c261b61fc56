//! The machine formats against the specifications they claim, checked by
//! validators that share no code with `alliance`: SARIF against the SARIF
//! 2.1.0 JSON Schema (Python `jsonschema`), JUnit against the structure of
//! Jenkins' junit-10.xsd, GitLab Code Quality against the fields GitLab's
//! documentation requires. No schema is committed here: the SARIF schema
//! is the one the npm package `@microsoft/jest-sarif` ships (pinned below;
//! `.ci/run` installs it and names its folder in `ALLIANCE_SARIF_SCHEMA_PACKAGE`,
//! else the test installs it with `npm` under the target folder), and the
//! JUnit structure is written out below. A missing validator fails the
//! test, it is never skipped.
//!
//! Every path in these formats (and in GitHub annotations) is relative to
//! the repository root, whatever path the user typed: the runs below name
//! the repository by its absolute path, from a subfolder.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{self, Sandbox, TEAM_BODY, team_doc};

/// The SARIF 2.1.0 JSON Schema as published with the OASIS Standard
/// (`sarif-2.1.0-rtm.5.json`), shipped in Microsoft's SARIF SDK for
/// JavaScript as `lib/schemas/` of this package (MIT). Errata 01 later
/// added a `type` beside each `enum` and that a region has a start
/// (`startLine`, `charOffset` or `byteOffset`): [`assert_sarif_locations`]
/// holds us to the second.
fn sarif_schema() -> std::path::PathBuf {
    common::npm::package(
        "@microsoft/jest-sarif",
        "1.0.0-beta.0",
        "ALLIANCE_SARIF_SCHEMA_PACKAGE",
    )
    .join("lib/schemas/sarif-2.1.0-rtm.5.json")
}

/// The Python that has `jsonschema` (see [`crate::common::python`]).
fn python() -> std::path::PathBuf {
    crate::common::python::python()
}

fn output_of(command: &mut Command, what: &str) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{what} is needed (.ci/run installs it): {e}"))
}

/// Validate `json` against the SARIF 2.1.0 schema with Python `jsonschema`.
fn assert_sarif_valid(json: &str) {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), json).expect("write");
    let script = "\
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding='utf-8'))
doc = json.load(open(sys.argv[2], encoding='utf-8'))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = list(cls(schema).iter_errors(doc))
for e in errors:
    print(list(e.absolute_path), e.message)
sys.exit(1 if errors else 0)
";
    let out = output_of(
        Command::new(python())
            .arg("-c")
            .arg(script)
            .arg(sarif_schema())
            .arg(file.path()),
        "Python with jsonschema",
    );
    assert!(
        out.status.success(),
        "SARIF is not valid against the SARIF 2.1.0 schema:\n{}{}\n{json}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What junit-10.xsd, the JUnit schema of the Jenkins xUnit plugin
/// (`jenkinsci/xunit-plugin`, `src/main/resources/org/jenkinsci/plugins/
/// xunit/types/model/xsd/junit-10.xsd`), allows of one element: its
/// attributes (the required ones first), the elements it may hold, and
/// whether it holds text.
struct Element {
    name: &'static str,
    required: &'static [&'static str],
    optional: &'static [&'static str],
    children: &'static [&'static str],
    text: bool,
}

const RERUN: Element = Element {
    name: "",
    required: &["type"],
    optional: &["message"],
    children: &["stackTrace", "system-out", "system-err"],
    text: true,
};
const OUTCOME: Element = Element {
    name: "",
    required: &[],
    optional: &["type", "message"],
    children: &[],
    text: true,
};
const STRING: Element = Element {
    name: "",
    required: &[],
    optional: &[],
    children: &[],
    text: true,
};

/// junit-10.xsd, element by element.
const JUNIT_10: &[Element] = &[
    Element {
        name: "testsuites",
        required: &[],
        optional: &["name", "time", "tests", "failures", "errors"],
        children: &["testsuite"],
        text: false,
    },
    Element {
        name: "testsuite",
        required: &["name", "tests", "failures", "errors"],
        optional: &[
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
            "version",
        ],
        children: &[
            "testsuite",
            "properties",
            "testcase",
            "system-out",
            "system-err",
        ],
        text: false,
    },
    Element {
        name: "properties",
        required: &[],
        optional: &[],
        children: &["property"],
        text: false,
    },
    Element {
        name: "property",
        required: &["name", "value"],
        optional: &[],
        children: &[],
        text: false,
    },
    Element {
        name: "testcase",
        required: &["name"],
        optional: &["time", "classname", "group"],
        children: &[
            "skipped",
            "error",
            "failure",
            "rerunFailure",
            "rerunError",
            "flakyFailure",
            "flakyError",
            "system-out",
            "system-err",
        ],
        text: false,
    },
    Element {
        name: "failure",
        ..OUTCOME
    },
    Element {
        name: "error",
        ..OUTCOME
    },
    Element {
        name: "skipped",
        ..OUTCOME
    },
    Element {
        name: "rerunFailure",
        ..RERUN
    },
    Element {
        name: "rerunError",
        ..RERUN
    },
    Element {
        name: "flakyFailure",
        ..RERUN
    },
    Element {
        name: "flakyError",
        ..RERUN
    },
    Element {
        name: "stackTrace",
        ..STRING
    },
    Element {
        name: "system-out",
        ..STRING
    },
    Element {
        name: "system-err",
        ..STRING
    },
];

/// The problems of one start tag under `parent`: an element its parent
/// may not hold, an attribute the schema does not define, a required one
/// missing; and a `time` that is not the schema's SUREFIRE_TIME (digits,
/// thousands commas, a decimal point).
fn junit_element_problems(
    parent: Option<&Element>,
    tag: &quick_xml::events::BytesStart,
) -> Result<&'static Element, String> {
    let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
    let allowed = parent.map_or(&["testsuites", "testsuite"][..], |p| p.children);
    let element = JUNIT_10
        .iter()
        .find(|e| e.name == name && allowed.contains(&e.name))
        .ok_or_else(|| format!("<{name}> where junit-10.xsd does not allow it"))?;
    let mut seen = Vec::new();
    for attr in tag.attributes() {
        let attr = attr.map_err(|e| format!("<{name}>: {e}"))?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        if !element.required.contains(&key.as_str()) && !element.optional.contains(&key.as_str()) {
            return Err(format!(
                "<{name}> has attribute {key}, which junit-10.xsd does not define"
            ));
        }
        let value = String::from_utf8_lossy(&attr.value).into_owned();
        if key == "time"
            && !value
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return Err(format!("<{name}> time={value:?} is not a SUREFIRE_TIME"));
        }
        seen.push(key);
    }
    match element
        .required
        .iter()
        .find(|r| !seen.iter().any(|s| s == *r))
    {
        Some(missing) => Err(format!("<{name}> lacks the required attribute {missing}")),
        None => Ok(element),
    }
}

/// Validate `xml` against the structure junit-10.xsd allows, with an XML
/// parser (`quick-xml`) that also refuses XML that is not well formed.
fn assert_junit_valid(xml: &str) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut open: Vec<&Element> = Vec::new();
    let mut roots = 0;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("JUnit is not well-formed XML: {e}\n{xml}"));
        let problem = match &event {
            Event::Start(tag) | Event::Empty(tag) => {
                roots += usize::from(open.is_empty());
                match junit_element_problems(open.last().copied(), tag) {
                    Ok(element) if matches!(event, Event::Start(_)) => {
                        open.push(element);
                        None
                    }
                    Ok(_) => None,
                    Err(problem) => Some(problem),
                }
            }
            Event::End(_) => {
                open.pop();
                None
            }
            Event::Text(text) if !text.iter().all(u8::is_ascii_whitespace) => match open.last() {
                Some(element) if element.text => None,
                _ => Some("text where junit-10.xsd allows none".to_owned()),
            },
            Event::CData(_) if !open.last().is_some_and(|e| e.text) => {
                Some("CDATA where junit-10.xsd allows no text".to_owned())
            }
            Event::DocType(_) => Some("a DOCTYPE".to_owned()),
            Event::Eof => break,
            _ => None,
        };
        if let Some(problem) = problem {
            panic!("JUnit is not valid against junit-10.xsd: {problem}\n{xml}");
        }
    }
    assert_eq!(roots, 1, "JUnit has {roots} root elements:\n{xml}");
}

/// The fields GitLab's Code Quality report format requires, with the
/// values it accepts; fingerprints unique; paths relative.
fn assert_codequality_valid(json: &str) -> Vec<String> {
    let issues: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let issues = issues.as_array().expect("an array of issues");
    let mut fingerprints = std::collections::HashSet::new();
    let mut paths = Vec::new();
    for issue in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[field].is_string(), "{field} missing: {issue}");
        }
        let severity = issue["severity"].as_str().unwrap_or_default();
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{issue}"
        );
        let fingerprint = issue["fingerprint"].as_str().unwrap_or_default();
        assert!(fingerprints.insert(fingerprint.to_owned()), "{issue}");
        let path = issue["location"]["path"].as_str().expect("location.path");
        assert_relative(path);
        paths.push(path.to_owned());
        let begin = issue["location"]["lines"]["begin"].as_u64();
        assert!(
            begin.is_some_and(|b| b >= 1),
            "location.lines.begin: {issue}"
        );
    }
    paths
}

fn assert_relative(path: &str) {
    assert!(
        !path.starts_with('/') && !path.starts_with("./") && !path.contains("://"),
        "not relative to the repository root: {path}"
    );
}

/// Every `artifactLocation` of a SARIF log: relative, from `%SRCROOT%`;
/// and `columnKind`, which SARIF requires once there are results.
fn assert_sarif_locations(json: &str) -> Vec<String> {
    let sarif: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let mut uris = Vec::new();
    let results = run["results"].as_array().into_iter().flatten();
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .into_iter()
        .flatten();
    for item in results.chain(notes) {
        let physical = &item["locations"][0]["physicalLocation"];
        // SARIF 2.1.0 errata 01, 3.30.2: a region has a start; we give
        // lines, 1-based (3.30.5).
        if let Some(region) = physical.get("region") {
            let line = region["startLine"].as_u64();
            assert!(line.is_some_and(|l| l >= 1), "region: {region}");
        }
        let artifact = &physical["artifactLocation"];
        let uri = artifact["uri"].as_str().expect("uri");
        assert_relative(uri);
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{artifact}");
        uris.push(uri.to_owned());
    }
    uris
}

/// The `file=` of every annotation.
fn annotation_files(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split("file=").nth(1))
        .map(|rest| rest.split([',', ':']).next().unwrap_or_default().to_owned())
        .collect()
}

/// `alliance ARGS` in the project's own checkout, on `examples/`.
fn in_project(args: &[&str]) -> common::Run {
    let out = common::hermetic(
        env!("CARGO_BIN_EXE_alliance"),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .args(args)
    .output()
    .expect("run alliance");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_examples_conform() {
    let sarif = in_project(&["check", "examples/", "--format", "sarif"]);
    assert_eq!(sarif.code, 0, "{}", sarif.stderr);
    assert_sarif_valid(&sarif.stdout);
    let junit = in_project(&["check", "examples/", "--format", "junit"]);
    assert_eq!(junit.code, 0, "{}", junit.stderr);
    assert_junit_valid(&junit.stdout);
    let quality = in_project(&["check", "examples/", "--format", "codequality"]);
    assert_codequality_valid(&quality.stdout);
    let due = in_project(&[
        "due",
        "examples/",
        "--today",
        "2027-06-01",
        "--within",
        "1 year",
        "--format",
        "junit",
    ]);
    assert!(due.code <= 1, "{}", due.stderr);
    assert!(due.stdout.contains("<failure"), "{}", due.stdout);
    assert_junit_valid(&due.stdout);
}

/// A repository with findings of every kind: errors and warnings after
/// non-ASCII text, a file that is not UTF-8, an alliance with no review
/// date, a proposal waiting for consent, and a subfolder to run from.
fn findings() -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-06-01T10:00:00Z");
    sb.write(
        "TEAM_ALLIANCE.md",
        team_doc(
            "status: active\n",
            &TEAM_BODY
                .replace("Calm and curious.", "")
                .replace("[id:: on-time]", "[id:: on-time] [review:: 2026-10-01]"),
        )
        .replace("title: Test team", "title: \"Équipe 🚀 \\\"<b>&\\\"\"")
        .replace("every: 3 months", "every: sometimes"),
    );
    sb.write(
        "docs/team b/NEXT_ALLIANCE.md",
        team_doc("status: proposed\n", TEAM_BODY).replace(
            "review:\n  every: 3 months\n",
            "review:\n  next: 2026-01-01\n",
        ),
    );
    sb.write(
        "docs/NOREVIEW_ALLIANCE.md",
        team_doc("status: active\n", TEAM_BODY).replace("review:\n  every: 3 months\n", ""),
    );
    sb.write(
        "docs/BROKEN_ALLIANCE.md",
        b"---\nalliance: team\n\xff\xfe\n",
    );
    sb.write("docs/README.md", "# Docs\n");
    sb
}

/// `alliance ARGS ROOT` from the `docs/` folder, ROOT the repository's
/// absolute path.
fn from_subfolder(sb: &Sandbox, args: &[&str]) -> common::Run {
    let root = sb.path().display().to_string();
    let out = common::hermetic(env!("CARGO_BIN_EXE_alliance"), &sb.path().join("docs"))
        .args(args)
        .arg(&root)
        .output()
        .expect("run alliance");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const FILES: [&str; 4] = [
    "TEAM_ALLIANCE.md",
    "docs/BROKEN_ALLIANCE.md",
    "docs/NOREVIEW_ALLIANCE.md",
    "docs/team b/NEXT_ALLIANCE.md",
];

#[test]
fn check_sarif_with_findings_conforms_and_names_files_from_the_root() {
    let sb = findings();
    let run = from_subfolder(&sb, &["check", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_sarif_valid(&run.stdout);
    let uris = assert_sarif_locations(&run.stdout);
    assert!(uris.contains(&"TEAM_ALLIANCE.md".to_owned()), "{uris:?}");
    assert!(
        uris.contains(&"docs/BROKEN_ALLIANCE.md".to_owned()),
        "{uris:?}"
    );
}

#[test]
fn check_junit_with_findings_conforms_and_names_files_from_the_root() {
    let sb = findings();
    let run = from_subfolder(&sb, &["check", "--format", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_junit_valid(&run.stdout);
    for file in FILES {
        assert!(
            run.stdout.contains(&format!("name=\"{file}\"")),
            "{file}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn check_codequality_with_findings_names_files_from_the_root() {
    let sb = findings();
    let run = from_subfolder(&sb, &["check", "--format", "codequality"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let paths = assert_codequality_valid(&run.stdout);
    assert!(paths.contains(&"TEAM_ALLIANCE.md".to_owned()), "{paths:?}");
    assert!(
        paths.contains(&"docs/BROKEN_ALLIANCE.md".to_owned()),
        "{paths:?}"
    );
}

#[test]
fn check_annotations_name_files_from_the_root() {
    let sb = findings();
    let run = from_subfolder(&sb, &["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let files = annotation_files(&run.stdout);
    assert!(files.contains(&"TEAM_ALLIANCE.md".to_owned()), "{files:?}");
    for file in files {
        assert_relative(&file);
    }
}

#[test]
fn due_junit_with_every_kind_of_case_conforms() {
    let sb = findings();
    let run = from_subfolder(&sb, &["due", "--today", "2026-11-20", "--format", "junit"]);
    assert!(run.code <= 2, "{}", run.stderr);
    assert_junit_valid(&run.stdout);
    for case in ["<failure", "<skipped", "<error"] {
        assert!(run.stdout.contains(case), "{case}:\n{}", run.stdout);
    }
    for file in ["TEAM_ALLIANCE.md", "docs/NOREVIEW_ALLIANCE.md"] {
        assert!(
            run.stdout.contains(&format!("classname=\"{file}\"")),
            "{file}:\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains(&sb.path().display().to_string()));
}

#[test]
fn due_annotations_name_files_from_the_root() {
    let sb = findings();
    let run = from_subfolder(&sb, &["due", "--today", "2026-11-20", "--format", "github"]);
    assert!(run.code <= 2, "{}", run.stderr);
    let files = annotation_files(&run.stdout);
    assert!(!files.is_empty(), "{}", run.stdout);
    for file in files {
        assert_relative(&file);
    }
}

#[test]
#[should_panic(expected = "<testcase> has attribute file")]
fn the_junit_check_refuses_what_junit_10_refuses() {
    assert_junit_valid(
        "<testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\">\
         <testcase name=\"a\" file=\"a.md\"/></testsuite></testsuites>",
    );
}

#[test]
#[should_panic(expected = "not valid against the SARIF 2.1.0 schema")]
fn the_sarif_check_refuses_what_the_schema_refuses() {
    assert_sarif_valid(
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "a"}},
            "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}"#,
    );
}
