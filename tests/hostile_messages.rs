//! Hostile files that once got a misleading answer (issue 11): each case is
//! what a user types and the message they see, which names the real
//! problem and the real line, in one short line.

mod common;

use common::{Sandbox, TEAM_BODY, team_doc};

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
