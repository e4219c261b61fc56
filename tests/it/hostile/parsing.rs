//! Documents, YAML, Markdown, kind files, configs, arguments and dates that
//! are broken or built to hurt: each gets a clear message and exit 1 or 2,
//! quickly, with no panic and no change to the file. The adversarial suite
//! is one table of such inputs, each with the exit code and the message a
//! user sees; every case must end (a hang guard kills it after 60 s). Files
//! that once got a misleading answer (issue 11) get one that names the real
//! problem and the real line, in one short line.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::{assert_refused, check, hostile, valid};
use crate::common::{Sandbox, TEAM_BODY, team_doc};

// --- The adversarial suite: one table of hostile inputs -------------------

/// One hostile input.
struct Case {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
    args: Vec<String>,
    exit: i32,
    /// Text that must appear in stdout or stderr.
    says: String,
}

fn case(
    name: &'static str,
    file: &str,
    content: impl Into<Vec<u8>>,
    exit: i32,
    says: &str,
) -> Case {
    Case {
        name,
        files: vec![(file.to_owned(), content.into())],
        args: vec!["check".to_owned(), file.to_owned()],
        exit,
        says: says.to_owned(),
    }
}

fn front(yaml: &str) -> String {
    format!("---\n{yaml}---\n")
}

fn cases() -> Vec<Case> {
    let bomb = {
        let mut y = String::from("alliance: team\nl0: &l0 [a, a, a, a, a, a, a, a, a, a]\n");
        for i in 1..10 {
            let refs = vec![format!("*l{}", i - 1); 10].join(", ");
            y.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        }
        front(&y)
    };
    // Under the 1 MB document cap (docs/security.md, "Limits").
    let forty_thousand_headings: String =
        (0..40_000).map(|i| format!("## Heading {i}\n")).collect();
    let deep_lists: String = (0..700)
        .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
        .collect();
    let deep_quotes = format!("{}deep\n", "> ".repeat(50_000));
    let deep_brackets = format!("{}x{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let long_line = "y".repeat(1_000_000);
    let over_the_cap = "y".repeat(2 * 1024 * 1024);
    vec![
        case(
            "invalid UTF-8",
            "latin1.md",
            b"---\nalliance: team\ntitle: Caf\xe9\n---\n".to_vec(),
            1,
            "error[A005]: the file is not UTF-8",
        ),
        case(
            "UTF-16 with a BOM",
            "utf16.md",
            b"\xff\xfe-\0-\0-\0\n\0".to_vec(),
            1,
            "error[A005]: the file is UTF-16LE text; alliance reads UTF-8",
        ),
        case(
            "NUL bytes in text",
            "nul.md",
            valid().replace("Calm and curious.", "Calm\0curious."),
            1,
            "error[A005]: this is a binary file",
        ),
        case(
            "a PNG named .md",
            "logo.md",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec(),
            1,
            "error[A005]: this is a binary file",
        ),
        case(
            "an empty file",
            "empty.md",
            "",
            1,
            "error[A001]: not an alliance",
        ),
        case(
            "only a BOM",
            "bom.md",
            "\u{feff}",
            1,
            "error[A001]: not an alliance",
        ),
        case(
            "only whitespace",
            "blank.md",
            "\n\n   \n\t\n",
            1,
            "error[A001]: not an alliance",
        ),
        case(
            "front matter never closes",
            "open.md",
            "---\nalliance: team\ntitle: T\n",
            1,
            "error[A002]: the front matter is never closed",
        ),
        case("a lone fence", "fence.md", "---", 1, "error[A002]"),
        case(
            "empty front matter",
            "emptyfm.md",
            "---\n---\n# T\n",
            1,
            "error[A004]: the front matter is nothing",
        ),
        case(
            "front matter is a list",
            "list.md",
            front("- a\n- b\n"),
            1,
            "error[A004]: the front matter is a list",
        ),
        case(
            "front matter is a scalar",
            "scalar.md",
            front("just words\n"),
            1,
            "error[A004]: the front matter is text",
        ),
        case("YAML alias bomb", "bomb.md", bomb, 1, "error[A003]"),
        case(
            "self-referencing alias",
            "alias.md",
            front("a: &a [*a]\n"),
            1,
            "error[A003]",
        ),
        case(
            "undefined alias",
            "undef.md",
            front("alliance: *nothing\n"),
            1,
            "error[A003]",
        ),
        case(
            "deep YAML flow nesting",
            "deepflow.md",
            front(&format!(
                "a: {}{}\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )),
            1,
            "error[A003]",
        ),
        case(
            "deep YAML block nesting",
            "deepblock.md",
            front(
                &(0..200)
                    .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
                    .collect::<String>(),
            ),
            1,
            "error[A003]: the front matter is not valid YAML: nested more than 64 levels deep",
        ),
        case(
            "duplicate keys",
            "dup.md",
            front("alliance: team\ntitle: A\ntitle: B\n"),
            1,
            "error[A003]",
        ),
        case(
            "core YAML tags",
            "tags.md",
            valid().replace("title: Test team", "title: !!str Test team"),
            0,
            // Only the consent warning (A070): the tag itself is fine.
            "checked 1 file: 1 warning",
        ),
        case(
            // A core tag the YAML 1.2 core schema does not resolve: its
            // text, as the yaml-test-suite reads it.
            "a binary YAML tag",
            "binary.md",
            valid().replace("title: Test team", "title: !!binary aGVsbG8="),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "custom YAML tag",
            "tag2.md",
            valid().replace("title: Test team", "title: !secret Test"),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            // Read and kept, as docs/format.md says of unknown keys.
            "integer past 64 bits",
            "bigint.md",
            valid().replace(
                "title: Test team",
                "title: Test team\nsize: 99999999999999999999999",
            ),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "an infinite title",
            "inf.md",
            valid().replace("title: Test team", "title: 1e400"),
            1,
            "error[A012]: `title` should be text, not a number",
        ),
        case(
            "merge keys are plain keys",
            "merge.md",
            valid().replace(
                "title: Test team",
                "title: Test team\nbase: &b {x: 1}\nother:\n  <<: *b",
            ),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "a date that is no day",
            "date.md",
            team_doc("created: 2026-13-45\n", TEAM_BODY),
            1,
            "error[A020]: `created`: `2026-13-45` is not a day of the calendar",
        ),
        case(
            "a date with a time",
            "datetime.md",
            team_doc("created: 2026-01-01T10:00:00Z\n", TEAM_BODY),
            1,
            "error[A020]",
        ),
        case(
            "a number as a date",
            "numdate.md",
            team_doc("created: 20260101\n", TEAM_BODY),
            1,
            "error[A020]",
        ),
        case(
            "a huge cadence",
            "cadence.md",
            valid().replace("every: 3 months", "every: 99999999999999 years"),
            1,
            "error[A021]",
        ),
        case(
            "terminal escapes in the title",
            "esc-title.md",
            valid()
                .replace("title: Test team", "title: \"\\e]0;owned\\a\\e[2J\"")
                .replace("every: 3 months", "every: \"\\e[31mred\""),
            1,
            "\\u{1b}[31mred",
        ),
        case(
            "terminal escapes in an item",
            "esc-item.md",
            valid().replace("[owner:: @ada]", "[owner:: @\u{1b}[5mblink]"),
            1,
            "\\u{1b}[5mblink",
        ),
        case(
            "bidi override in an owner",
            "bidi.md",
            valid().replace("[owner:: @ada]", "[owner:: @\u{202e}ada]"),
            1,
            "\\u{202e}",
        ),
        case(
            "carriage returns alone (classic Mac)",
            "cr.md",
            valid().replace('\n', "\r"),
            1,
            "error[A001]",
        ),
        case(
            "a 1 MB line",
            "long.md",
            team_doc("", &TEAM_BODY.replace("We keep the lights on.", &long_line)),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "a document over the 1 MB cap",
            "huge.md",
            team_doc(
                "",
                &TEAM_BODY.replace("We keep the lights on.", &over_the_cap),
            ),
            2,
            "the file is 2.0 MB; alliance reads documents up to 1 MB",
        ),
        case(
            "40,000 headings",
            "headings.md",
            team_doc("", &format!("{TEAM_BODY}{forty_thousand_headings}")),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "700-deep nested lists",
            "lists.md",
            team_doc("", &format!("{TEAM_BODY}{deep_lists}")),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "50,000-deep block quotes",
            "quotes.md",
            team_doc("", &format!("{TEAM_BODY}{deep_quotes}")),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "100,000 nested brackets",
            "brackets.md",
            team_doc("", &format!("{TEAM_BODY}{deep_brackets}")),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "an unclosed HTML element",
            "html.md",
            team_doc("", &format!("<div>\n\n{TEAM_BODY}")),
            1,
            "error[A030]",
        ),
        case(
            "a front-matter block in the middle",
            "middle.md",
            format!("# T\n\n{}", front("alliance: team\n")),
            1,
            "error[A001]",
        ),
        case(
            "a file name with a newline",
            "new\nline.md",
            valid(),
            0,
            "checked 1 file: 1 warning",
        ),
        case(
            "a file name with an escape",
            "esc\u{1b}[31m.md",
            valid().replace("every: 3 months", "every: never"),
            1,
            "esc\\u{1b}[31m.md",
        ),
        template_case(
            "a repository template that loops forever",
            "{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}",
            "steps and was stopped",
        ),
        template_case(
            "a repository template that includes /etc/passwd",
            "{% include \"/etc/passwd\" %}",
            "cannot include `/etc/passwd`",
        ),
        template_case(
            "a repository template that includes itself",
            "{% include \"squad.md.j2\" %}",
            "recursion limit exceeded",
        ),
        Case {
            name: "review of a file whose front matter does not parse",
            files: vec![(
                "TEAM_ALLIANCE.md".to_owned(),
                front("alliance: team\ntitle: [oops\n").into_bytes(),
            )],
            args: ["review", "TEAM_ALLIANCE.md", "--date", "2026-11-21"]
                .map(String::from)
                .to_vec(),
            exit: 2,
            says: "A003".into(),
        },
        Case {
            name: "review with a date that is no day",
            files: vec![("TEAM_ALLIANCE.md".to_owned(), valid().into_bytes())],
            args: ["review", "TEAM_ALLIANCE.md", "--date", "2026-02-30"]
                .map(String::from)
                .to_vec(),
            exit: 2,
            says: "2026-02-30".into(),
        },
        Case {
            name: "due with a today that is no day",
            files: vec![("TEAM_ALLIANCE.md".to_owned(), valid().into_bytes())],
            args: ["due", "--today", "2026-13-45"].map(String::from).to_vec(),
            exit: 2,
            says: "2026-13-45".into(),
        },
        Case {
            name: "diff outside a git repository",
            files: vec![("TEAM_ALLIANCE.md".to_owned(), valid().into_bytes())],
            args: ["diff", "TEAM_ALLIANCE.md"].map(String::from).to_vec(),
            exit: 2,
            says: "is not inside a git repository".into(),
        },
        Case {
            name: "a folder named x.md",
            files: vec![("x.md/inner.txt".to_owned(), b"not markdown".to_vec())],
            args: vec!["check".into(), "x.md".into()],
            exit: 2,
            says: "no alliance documents found in the folders given".into(),
        },
        Case {
            name: "an alliance-named folder among files",
            files: vec![
                ("TEAM_ALLIANCE.md/README".to_owned(), b"x".to_vec()),
                ("ok/TEAM_ALLIANCE.md".to_owned(), valid().into_bytes()),
            ],
            args: vec!["check".into()],
            exit: 0,
            says: "checked 1 file: 1 warning".into(),
        },
        Case {
            name: "a config that is a list",
            files: vec![
                (".alliance.yaml".to_owned(), b"- kinds\n".to_vec()),
                ("TEAM_ALLIANCE.md".to_owned(), valid().into_bytes()),
            ],
            args: vec!["check".into()],
            exit: 2,
            says: ".alliance.yaml:1: expected `key: value` lines".into(),
        },
        Case {
            name: "a config naming a missing kinds folder",
            files: vec![
                (".alliance.yaml".to_owned(), b"kinds: nowhere\n".to_vec()),
                ("TEAM_ALLIANCE.md".to_owned(), valid().into_bytes()),
            ],
            args: vec!["check".into()],
            exit: 2,
            says: "does not exist".into(),
        },
        Case {
            name: "a broken repository kind",
            files: vec![
                (".alliance.yaml".to_owned(), b"kinds: kinds\n".to_vec()),
                (
                    "kinds/squad.kind.yaml".to_owned(),
                    b"name: squad\nsummary: s\nsections: []\n".to_vec(),
                ),
                ("TEAM_ALLIANCE.md".to_owned(), valid().into_bytes()),
            ],
            args: vec!["check".into()],
            exit: 2,
            says: "squad.kind.yaml:3: invalid kind definition: a kind needs at least one section"
                .into(),
        },
        Case {
            name: "a repository schema that is not JSON",
            files: vec![
                (".alliance.yaml".to_owned(), b"kinds: kinds\n".to_vec()),
                (
                    "kinds/team.kind.yaml".to_owned(),
                    b"name: team\nsummary: s\nsections:\n  - name: Purpose\n    content: text\n"
                        .to_vec(),
                ),
                ("kinds/team.schema.json".to_owned(), b"{ nope".to_vec()),
                ("TEAM_ALLIANCE.md".to_owned(), valid().into_bytes()),
            ],
            args: vec!["check".into()],
            exit: 2,
            says: "team.schema.json:1: invalid kind definition: not JSON".into(),
        },
    ]
}

/// `alliance new squad` with a hostile repository template.
fn template_case(name: &'static str, template: &str, says: &str) -> Case {
    let kind = "name: squad\nsummary: s\nsections:\n  - name: Purpose\n    content: text\n";
    Case {
        name,
        files: vec![
            (".alliance.yaml".to_owned(), b"kinds: kinds\n".to_vec()),
            ("kinds/squad.kind.yaml".to_owned(), kind.as_bytes().to_vec()),
            ("kinds/squad.md.j2".to_owned(), template.as_bytes().to_vec()),
        ],
        args: [
            "new",
            "squad",
            "--party",
            "Ada <ada>",
            "--party",
            "Grace <grace>",
        ]
        .map(String::from)
        .to_vec(),
        exit: 2,
        says: says.to_owned(),
    }
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walk(dir) {
        if let Ok(bytes) = std::fs::read(&entry) {
            out.insert(entry.display().to_string(), bytes);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => out.extend(walk(&path)),
                Ok(t) if t.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out
}

#[test]
fn hostile_inputs_get_a_clear_answer() {
    let cases = cases();
    assert!(cases.len() >= 40, "the suite has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let sandbox = Sandbox::new();
        for (name, content) in &case.files {
            sandbox.write(name, content);
        }
        let before = snapshot(sandbox.path());
        let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let run = sandbox.run_bounded(&args, Duration::from_secs(60));
        let after = snapshot(sandbox.path());
        let output = format!("{}{}", run.stdout, run.stderr);
        if run.code != case.exit || !output.contains(&case.says) || before != after {
            failures.push(format!(
                "{}: exit {} (want {}), changed files: {}, wanted {:?} in:\n{}",
                case.name,
                run.code,
                case.exit,
                before != after,
                case.says,
                &output[..output.len().min(1500)]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// --- Broken and binary files, bombs and deep nesting ----------------------

#[test]
fn invalid_utf8() {
    let sandbox = Sandbox::new();
    let run = check(
        &sandbox,
        "latin1.md",
        b"---\nalliance: team\ntitle: Caf\xe9\n---\n",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error[A005]: the file is not UTF-8: byte 29 is not valid UTF-8"),
        "{}",
        run.stdout
    );
}

#[test]
fn binary_file_named_md() {
    let sandbox = Sandbox::new();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 4096));
    let run = check(&sandbox, "logo.md", &png);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error[A005]: this is a binary file, not Markdown"),
        "{}",
        run.stdout
    );
}

#[test]
fn empty_file() {
    let sandbox = Sandbox::new();
    let run = check(&sandbox, "empty.md", b"");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("error[A001]: not an alliance"),
        "{}",
        run.stdout
    );
}

#[test]
fn yaml_alias_bomb() {
    let sandbox = Sandbox::new();
    let mut yaml = String::from(
        "---\nalliance: team\na: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let mut prev = "a".to_owned();
    for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name.to_owned();
    }
    yaml.push_str("---\n");
    let run = check(&sandbox, "bomb.md", yaml.as_bytes());
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[A003]"), "{}", run.stdout);
}

#[test]
fn deeply_nested_yaml() {
    let sandbox = Sandbox::new();
    let yaml = format!(
        "---\nalliance: team\ndeep: {}{}\n---\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let run = check(&sandbox, "deep.md", yaml.as_bytes());
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[A003]"), "{}", run.stdout);
}

#[test]
fn line_of_most_of_a_megabyte() {
    let sandbox = Sandbox::new();
    // Under the 1 MB document cap (docs/security.md, "Limits").
    let line = "x".repeat(900 * 1024);
    let doc = team_doc(
        "",
        &TEAM_BODY.replace(
            "We keep the lights on.",
            &format!("{line} [owner:: @nobody]"),
        ),
    );
    let run = check(&sandbox, "long.md", doc.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stdout);
    let doc = team_doc("", &format!("{TEAM_BODY}\n- {line} [review:: never]\n"));
    let run = check(&sandbox, "long-item.md", doc.as_bytes());
    assert_eq!(run.code, 1);
    // The long line is cut around the finding, not printed whole.
    assert!(
        run.stdout.len() < 10_000,
        "printed {} bytes",
        run.stdout.len()
    );
    assert!(
        run.stdout.contains("error[A040]"),
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
}

// --- Messages that name the real problem and the real line ----------------

#[test]
fn cr_only_line_endings_are_named() {
    let sandbox = Sandbox::new();
    let doc = team_doc("", TEAM_BODY).replace('\n', "\r");
    sandbox.write("TEAM_ALLIANCE.md", doc);
    let run = sandbox.run(&["check", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with(
            "error[A001]: the file ends its lines with a lone CR (classic Mac OS line endings), so its front matter and sections cannot be read\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("help: convert the line endings to LF or CRLF")
    );
}

#[test]
fn utf16_without_a_byte_order_mark_is_named() {
    let sandbox = Sandbox::new();
    let utf16: Vec<u8> = team_doc("", TEAM_BODY)
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    sandbox.write("TEAM_ALLIANCE.md", utf16);
    let run = sandbox.run(&["check", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "error[A005]: the file is UTF-16BE text; alliance reads UTF-8\n\
         --> TEAM_ALLIANCE.md\n \
         = help: save the file as UTF-8 (e.g. `iconv -f UTF-16BE -t UTF-8`)\n\n\
         checked 1 file: 1 error\n"
    );
}

#[test]
fn an_error_in_a_kind_definition_names_its_line() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    sandbox.write(
        "kinds/crew.kind.yaml",
        "name: crew\nsummary: A crew\nsections:\n  - name: Purpose\n    content: text\n  - name: Agreements\n    content: lists\n",
    );
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("crew.kind.yaml:7: invalid kind definition: unknown variant `lists`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_long_name_in_a_kind_definition_makes_a_short_message() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    // Punctuation does not count in a heading: this alias is `Purpose` again.
    let long = format!("Purpose{}", "!".repeat(200_000));
    sandbox.write(
        "kinds/crew.kind.yaml",
        format!(
            "name: crew\nsummary: A crew\nsections:\n  - name: Purpose\n    content: text\n  - name: Aims\n    content: text\n    aliases: ['{long}']\n"
        ),
    );
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "crew.kind.yaml:8: invalid kind definition: `Purpose{}…` names both section `Purpose` and section `Aims`",
            "!".repeat(73)
        )),
        "{}",
        &run.stderr[..run.stderr.len().min(500)]
    );
    assert!(run.stderr.len() < 600, "{} bytes", run.stderr.len());
}

#[test]
fn a_config_value_of_the_wrong_type_names_its_line() {
    let sandbox = Sandbox::new();
    sandbox.write(
        ".alliance.yaml",
        "# settings\n\nexclude:\n  - drafts/**\n  - 42\n",
    );
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains(".alliance.yaml:5: invalid type: integer `42`, expected a string"),
        "{}",
        run.stderr
    );
}

#[test]
fn review_refuses_front_matter_whose_values_stand_for_others() {
    let sandbox = Sandbox::new();
    let doc = "---\nalliance: team\ntitle: Test team\nparties:\n  - name: Ada Lovelace\n    handle: ada\ndefaults: &plan\n  every: 3 months\n  last: 2026-01-01\nreview: *plan\n---\n\n# Test team\n";
    let doc = format!("{doc}{TEAM_BODY}");
    sandbox.write("TEAM_ALLIANCE.md", &doc);
    let run = sandbox.run(&["review", "TEAM_ALLIANCE.md", "--date", "2026-04-01"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            "the front matter uses a YAML anchor or alias (`&name` or `*name`), so one value stands for another"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        sandbox.read("TEAM_ALLIANCE.md"),
        doc,
        "the file is untouched"
    );
}

#[test]
fn a_long_value_is_clipped_in_its_message() {
    let sandbox = Sandbox::new();
    let long = "z".repeat(200_000);
    let doc = team_doc("", TEAM_BODY)
        .replace("every: 3 months", &format!("every: {long}"))
        .replace("alliance: team", &format!("alliance: {long}"));
    sandbox.write("TEAM_ALLIANCE.md", doc);
    let run = sandbox.run(&["check", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 1, "{}", &run.stdout[..run.stdout.len().min(600)]);
    let clipped = format!("`{}…`", "z".repeat(80));
    assert!(
        run.stdout
            .starts_with(&format!("error[A010]: unknown kind {clipped}\n")),
        "{}",
        &run.stdout[..run.stdout.len().min(600)]
    );
    assert!(
        run.stdout.len() < 2_000,
        "printed {} bytes",
        run.stdout.len()
    );
}

#[test]
fn a_broken_config_names_the_key_and_file() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: k\ncolour: red\n");
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            ".alliance.yaml:2: unknown key `colour` (known keys: kinds, exclude, include, consent, handles)"
        ),
        "{}",
        run.stderr
    );
}

// --- Arguments, dates and nothing to read ---------------------------------

#[test]
fn missing_path_and_bad_arguments_exit_2() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["check", "nope.md"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "alliance: nope.md: no such file or folder\n");
    let run = sandbox.run(&["check", "--format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid value 'xml'"), "{}", run.stderr);
}

#[test]
fn no_documents_found_is_a_clear_message() {
    let sandbox = Sandbox::new();
    sandbox.write("README.md", "# Hello\n");
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no alliance documents found"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_command_given_no_alliance_names_itself_in_the_hint() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q"], "2026-01-01T00:00:00Z");
    for command in ["log", "diff", "review"] {
        let run = sb.run(&[command]);
        assert_eq!(run.code, 2, "{command}");
        assert_eq!(
            run.stderr,
            format!(
                "alliance: no alliance document found here; name the file (`alliance {command} TEAM_ALLIANCE.md`)\n"
            )
        );
    }
}

#[test]
fn a_bad_date_names_its_flag() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sb.run(&["due", "--today", "2026-02-30"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("alliance: --today: "),
        "{}",
        run.stderr
    );
    let run = sb.run_with_env(&["due"], &[("ALLIANCE_TODAY", "soon")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("alliance: ALLIANCE_TODAY=soon: "),
        "{}",
        run.stderr
    );
}

/// `check` reads today only to date-check pulse answers: a bad
/// `ALLIANCE_TODAY` fails a repository with answers, and no other.
#[test]
fn a_bad_today_fails_check_only_where_pulse_answers_are() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sb.run_with_env(&["check"], &[("ALLIANCE_TODAY", "soon")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    sb.write(
        "TEAM_ALLIANCE.pulse/2026-11-01/ada.yaml",
        "by: ada\ndate: 2026-11-01\n",
    );
    let run = sb.run_with_env(&["check"], &[("ALLIANCE_TODAY", "soon")]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.starts_with("alliance: ALLIANCE_TODAY=soon: "),
        "{}",
        run.stderr
    );
}

#[test]
fn dates_past_the_calendar_are_refused_with_a_reason() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let before = sb.read("TEAM_ALLIANCE.md");
    let run = hostile(
        sb.path(),
        &["review", "TEAM_ALLIANCE.md", "--date", "9999-12-01"],
    );
    assert_refused(&run, "puts the next one past 9999-12-31");
    assert_eq!(sb.read("TEAM_ALLIANCE.md"), before);
    let run = hostile(sb.path(), &["due", "--within", "10000y"]);
    assert_refused(
        &run,
        "--within 10000y: from 2026-11-01 that reaches past 9999-12-31",
    );
}
