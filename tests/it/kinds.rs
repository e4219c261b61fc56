//! Kinds: the built-in ones, and a repository's own defined in the folder
//! that `.alliance.yaml` names. What `alliance kinds` prints for the built-in
//! kinds is the case `tests/cmd/kinds/built-in.toml`.

use crate::common::{self, Sandbox, TEAM_BODY, team_doc};

const SQUAD_KIND: &str = "\
name: squad
summary: A squad's short agreement.
default_every: 6 weeks
sections:
  - name: Mission
    aliases: [Why]
    content: text
    help: say why the squad exists
  - name: Rules
    content: items
";

fn squad_doc(body: &str) -> String {
    format!(
        "---\nalliance: squad\ntitle: Squad\nparties: [Ada <ada>, Grace <grace>]\nreview:\n  every: 6 weeks\n---\n# Squad\n{body}"
    )
}

#[test]
fn a_repository_kind_is_loaded_checked_and_listed() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: team-kinds\n");
    sandbox.write("team-kinds/squad.kind.yaml", SQUAD_KIND);
    sandbox.write(
        "SQUAD_ALLIANCE.md",
        squad_doc("\n## Why\n\nWe ship.\n\n## Rules\n\n- Be on time.\n"),
    );
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    sandbox.write("SQUAD_ALLIANCE.md", squad_doc("\n## Why\n\nWe ship.\n"));
    let run = sandbox.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["files"][0]["findings"][0]["code"], "A030");

    let run = sandbox.run(&["kinds"]);
    assert!(
        run.stdout
            .contains("team-kinds/squad.kind.yaml)\n  A squad's short agreement."),
        "{}",
        run.stdout
    );
    // The squad kind has no schema of its own: the team schema applies,
    // with `alliance: squad`.
    let run = sandbox.run(&["schema", "squad"]);
    assert_eq!(run.json()["properties"]["alliance"]["const"], "squad");
}

#[test]
fn a_repository_can_override_a_built_in_kind() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    sandbox.write(
        "kinds/team.kind.yaml",
        "name: team\nsummary: Our own team kind.\nsections:\n  - name: Purpose\n    content: text\n",
    );
    // Only Purpose is required now.
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("", "\n## Purpose\n\nWe ship.\n"),
    );
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = sandbox.run(&["kinds", "--format", "json"]);
    let kinds = run.json();
    let team = kinds
        .as_array()
        .expect("list")
        .iter()
        .find(|k| k["name"] == "team")
        .expect("team");
    assert!(
        team["origin"]
            .as_str()
            .expect("origin")
            .ends_with("team.kind.yaml")
    );
}

#[test]
fn repository_kind_definitions_are_validated() {
    let cases = [
        (
            "name: Squad\nsummary: s\nsections:\n  - name: A\n    content: text\n",
            "squad.kind.yaml:1: invalid kind definition: kind name `Squad` must be lower-case",
        ),
        (
            "name: squad\nsummary: s\nsections:\n  - name: A\n    content: prose\n",
            "unknown variant `prose`",
        ),
        (
            "name: squad\nsummary: s\nsections:\n  - name: A\n    content: text\n    colour: red\n",
            "unknown field `colour`",
        ),
        (
            "name: squad\nsummary: s\nsections:\n  - name: Goals\n    content: text\n  - name: Aims\n    aliases: [goals]\n    content: text\n",
            "`goals` names both section `Goals` and section `Aims`",
        ),
        (
            "name: squad\nsummary: s\ndefault_every: often\nsections:\n  - name: A\n    content: text\n",
            "`often` is not a cadence",
        ),
        (
            "name: other\nsummary: s\nsections:\n  - name: A\n    content: text\n",
            "the file defines kind `other` but is named `squad.kind.yaml`",
        ),
    ];
    for (definition, message) in cases {
        let sandbox = Sandbox::new();
        sandbox.write(".alliance.yaml", "kinds: kinds\n");
        sandbox.write("kinds/squad.kind.yaml", definition);
        sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
        let run = sandbox.run(&["check"]);
        assert_eq!(run.code, 2, "{definition}");
        assert!(
            run.stderr.contains(message),
            "{message:?} not in {}",
            run.stderr
        );
    }
}

#[test]
fn crlf_and_bom_documents_point_at_the_right_line() {
    let sandbox = Sandbox::new();
    let doc = format!(
        "\u{feff}{}",
        team_doc("created: 2026-02-30\n", TEAM_BODY).replace('\n', "\r\n")
    );
    sandbox.write("doc.md", doc);
    let run = sandbox.run(&["check", "doc.md", "--format", "json"]);
    assert_eq!(run.code, 1);
    let finding = &run.json()["files"][0]["findings"][0];
    assert_eq!(
        (
            finding["code"].as_str(),
            finding["line"].as_u64(),
            finding["column"].as_u64()
        ),
        (Some("A020"), Some(9), Some(10))
    );
    // And the examples pass as CRLF with a BOM too.
    for entry in std::fs::read_dir(common::examples()).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).expect("read");
            sandbox.write("crlf.md", format!("\u{feff}{}", text.replace('\n', "\r\n")));
            let run = sandbox.run(&["check", "crlf.md"]);
            assert_eq!(run.code, 0, "{}: {}", path.display(), run.stdout);
        }
    }
}

/// A definition lists each section once: the same name twice, or an entry
/// naming by alias a section an earlier entry listed (what an early
/// `adopt --new-kind` wrote), is refused with the second entry's line.
#[test]
fn a_section_listed_twice_is_refused_with_its_line() {
    let cases = [
        (
            "name: squad\nsummary: s\nsections:\n  - name: Goals\n    content: text\n  - name: Goals\n    content: items\n",
            "squad.kind.yaml:6: invalid kind definition: section `Goals` is listed twice (first on line 4); list each section once",
        ),
        (
            "name: squad\nextends: team\nsections:\n  - name: Co-responsibility\n    rename: Responsibilities\n  - name: Co-responsibility\n    rename: Accountability\n",
            "squad.kind.yaml:6: invalid kind definition: `Co-responsibility` names section `Responsibilities`, listed already (on line 4); list each section once",
        ),
        (
            "name: squad\nextends: team\nsections:\n  - name: Purpose\n  - name: Mission\n    required: false\n",
            "squad.kind.yaml:5: invalid kind definition: `Mission` names section `Purpose`, listed already (on line 4)",
        ),
        (
            "name: squad\nextends: team\nsections:\n  - name: Retro\n    aliases: [Culture]\n    content: text\n",
            "`Culture` names both section `Atmosphere` and section `Retro`",
        ),
    ];
    for (definition, message) in cases {
        let sandbox = Sandbox::new();
        sandbox.write(".alliance.yaml", "kinds: kinds\n");
        sandbox.write("kinds/squad.kind.yaml", definition);
        sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
        let run = sandbox.run(&["check"]);
        assert_eq!(run.code, 2, "{definition}");
        assert!(
            run.stderr.contains(message),
            "{message:?} not in {}",
            run.stderr
        );
    }
}

/// An extending kind takes away what it inherits: a section with
/// `remove_sections`, an alias with `remove_aliases`, so the heading the
/// alias gave away can be a section of its own.
#[test]
fn an_extending_kind_removes_inherited_sections_and_aliases() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    sandbox.write(
        "kinds/squad.kind.yaml",
        "name: squad\nextends: team\nremove_sections: [When it gets hard]\nsections:\n  - name: Co-responsibility\n    rename: Responsibilities\n    remove_aliases: [accountability]\n  - name: Accountability\n    content: items\n",
    );
    let body = "\n## Purpose\n\nWe ship.\n\n## Atmosphere\n\nCalm.\n\n## Responsibilities\n\n- Ada: on-call.\n\n## Agreements\n\n- We start on time.\n\n## Accountability\n\n- We own our bugs.\n";
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("", body).replace("alliance: team", "alliance: squad"),
    );
    let run = sandbox.run(&["check", "--format", "json"]);
    let codes: Vec<String> = run.json()["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    // No A030 for the removed section, no A032 for Accountability (a
    // section new to the kind comes after the base's).
    assert!(!codes.iter().any(|c| c.starts_with("A03")), "{codes:?}");
    let all = sandbox.run(&["kinds"]).stdout;
    let kinds = &all[all.find("\nsquad (").unwrap_or(0)..];
    assert!(
        kinds.contains("## Responsibilities (list items; also: Roles, Roles and responsibilities, What you can count on, Co-responsibility)\n    ## Agreements"),
        "{kinds}"
    );
    assert!(kinds.contains("  sections:\n    ## Purpose"), "{kinds}");
    assert!(kinds.contains("## Accountability (list items)"), "{kinds}");
    assert!(!kinds.contains("When it gets hard"), "{kinds}");
}

/// What cannot be removed says so, with the line.
#[test]
fn removing_what_is_not_there_is_refused_with_its_line() {
    let cases = [
        (
            "name: squad\nextends: team\nremove_sections: [Retro]\n",
            "squad.kind.yaml:3: invalid kind definition: `remove_sections` names `Retro`, which the `team` kind does not have (its sections: Purpose, Atmosphere, Co-responsibility, Agreements, When it gets hard)",
        ),
        (
            "name: squad\nextends: team\nremove_sections: [Mission]\n",
            "squad.kind.yaml:3: invalid kind definition: `remove_sections` names `Mission`, an alias of section `Purpose`; name the section",
        ),
        (
            "name: squad\nextends: team\nsections:\n  - name: Purpose\n    remove_aliases: [Culture]\n",
            "squad.kind.yaml:4: invalid kind definition: `Culture` is not an alias section `Purpose` can give away (its aliases: Why we are here, Mission, Intention, Our purpose)",
        ),
        (
            "name: squad\nextends: team\nsections:\n  - name: Retro\n    remove_aliases: [Culture]\n    content: text\n",
            "squad.kind.yaml:4: invalid kind definition: `remove_aliases` takes aliases away from a section of the base, and `Retro` is none of them",
        ),
        (
            "name: squad\nsummary: s\nremove_sections: [Purpose]\nsections:\n  - name: A\n    content: text\n",
            "squad.kind.yaml:3: invalid kind definition: `remove_sections` needs `extends:`",
        ),
        (
            "name: squad\nextends: team\nsections:\n  - name: Purpose\n    remove_alias: [Mission]\n",
            "squad.kind.yaml:5: invalid kind definition: unknown field `remove_alias`",
        ),
    ];
    for (definition, message) in cases {
        let sandbox = Sandbox::new();
        sandbox.write(".alliance.yaml", "kinds: kinds\n");
        sandbox.write("kinds/squad.kind.yaml", definition);
        sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
        let run = sandbox.run(&["check"]);
        assert_eq!(run.code, 2, "{definition}");
        assert!(
            run.stderr.contains(message),
            "{message:?} not in {}",
            run.stderr
        );
    }
}
