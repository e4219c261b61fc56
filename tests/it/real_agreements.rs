//! Real agreements, as teams already keep them: Quarto and R Markdown
//! files, their own section names, a kind that extends a built-in one, and
//! adopting without restructuring.

use crate::common::{self, Sandbox};

/// A real-shaped lab agreement: Quarto front matter, `## Values` and
/// `## Process`, no Purpose, no Agreements.
const LAB: &str = "---\ntitle: \"Lab working agreement\"\nformat: html\n---\n\n# Lab working agreement\n\n## Values\n\n- We assume good intent and ask before we judge.\n- Credit is shared generously.\n\n## Process\n\n- Code is reviewed by one other person before it merges.\n- Lab meeting is on Tuesdays; we rotate who presents.\n";

fn on_day(sb: &Sandbox, args: &[&str]) -> common::Run {
    sb.run_with_env(args, &[("ALLIANCE_TODAY", "2026-11-22")])
}

#[test]
fn adopting_with_a_new_kind_keeps_the_agreements_own_sections() {
    let sb = Sandbox::new();
    sb.write("working_agreement.qmd", LAB);
    let run = on_day(
        &sb,
        &[
            "adopt",
            "working_agreement.qmd",
            "--new-kind",
            "lab",
            "--merge",
            "--party",
            "Ada Lovelace <ada>",
            "--party",
            "Grace Hopper <grace>",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "wrote alliance-kinds/lab.kind.yaml: the `lab` kind, the file's own sections in its own order (extends `team`)\n\
         .alliance.yaml: kinds: alliance-kinds\n\
         adopted working_agreement.qmd as a `lab` alliance titled \"Lab working agreement\" (added alliance, parties, status, review)\n  \
         Values                       <- ## Values (line 18)\n  \
         Process                      <- ## Process (line 23)\n\
         next: run `alliance check working_agreement.qmd`\n"
    );
    assert_eq!(sb.read(".alliance.yaml"), "kinds: alliance-kinds\n");
    // The body keeps every byte.
    let adopted = sb.read("working_agreement.qmd");
    assert!(adopted.ends_with(&LAB[LAB.find("\n# Lab").unwrap_or(0)..]));

    // Each party records their consent to the adopted text (until then
    // `check` warns, A070).
    for who in ["ada", "grace"] {
        let agreed = sb.run(&[
            "agree",
            "working_agreement.qmd",
            "--as",
            who,
            "--date",
            "2026-11-20",
        ]);
        assert_eq!(agreed.code, 0, "{}", agreed.stderr);
    }
    // Found by its front matter though it is .qmd, and clean.
    let run = sb.run(&["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "checked 1 file: no problems\n");

    // The kind speaks the agreement's words.
    let kinds = sb.run(&["kinds"]);
    assert!(
        kinds.stdout.contains("    ## Values (list items; also: Culture, Our values, How we want it to feel, Team culture, Atmosphere)\n    ## Process (list items)\n"),
        "{}",
        kinds.stdout
    );
    assert!(kinds.stdout.contains("## Purpose (optional: may be absent"));

    // Its schema is its own.
    let schema = sb.run(&["schema", "lab"]).json();
    assert_eq!(schema["$id"], "alliance:lab.schema.json");
    assert_eq!(
        schema["title"],
        "`lab` alliance front matter (from the `team` kind)"
    );
    assert_eq!(schema["properties"]["alliance"]["const"], "lab");
}

#[test]
fn adopting_a_file_with_front_matter_refuses_before_writing_a_kind() {
    let sb = Sandbox::new();
    sb.write("working_agreement.qmd", LAB);
    let run = on_day(
        &sb,
        &["adopt", "working_agreement.qmd", "--new-kind", "lab"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: working_agreement.qmd already has front matter; pass --merge to add the missing alliance keys to it\n"
    );
    assert!(!sb.path().join("alliance-kinds").exists());
    assert!(!sb.path().join(".alliance.yaml").exists());
    assert_eq!(sb.read("working_agreement.qmd"), LAB);
}

#[test]
fn a_missing_section_points_at_the_new_kind_route() {
    let sb = Sandbox::new();
    sb.write(
        "working_agreement.md",
        "---\nalliance: team\ntitle: Lab\nparties: [Ada <ada>, Grace <grace>]\nreview:\n  every: 3 months\n---\n\n## Values\n\nKind.\n",
    );
    let run = sb.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let help = run.json()["files"][0]["findings"][0]["help"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        help.ends_with(
            "or, to keep the agreement's own sections, `alliance adopt working_agreement.md --new-kind NAME` makes a kind of them"
        ),
        "{help}"
    );
}

#[test]
fn markdown_family_files_are_found_by_their_front_matter() {
    let sb = Sandbox::new();
    let doc = |kind: &str| format!("---\nalliance: {kind}\ntitle: T\n---\n\n## Purpose\n\nWhy.\n");
    for name in ["a.md", "b.markdown", "c.qmd", "d.Rmd", "e.mdx"] {
        sb.write(name, doc("team"));
    }
    sb.write("notes.txt", doc("team"));
    sb.write("plain.qmd", "# Not an alliance\n");
    let run = sb.run(&["list", "--format", "json"]);
    let paths: Vec<String> = run.json()["alliances"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| a["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(paths, ["a.md", "b.markdown", "c.qmd", "d.Rmd", "e.mdx"]);
}

#[test]
fn include_globs_add_documents_discovery_would_not_find() {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "include:\n  - agreements/*.md\n");
    sb.write("agreements/ours.md", "# Our agreement\n\n- Be kind.\n");
    sb.write("agreements/sub/other.md", "# Not included\n");
    let run = sb.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = run.json();
    let files = json["files"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 1, "{json}");
    assert_eq!(files[0]["path"], "agreements/ours.md");
    assert_eq!(files[0]["findings"][0]["code"], "A001");
}

const BASE_DOC: &str = "---\nalliance: lab\ntitle: Lab\nparties:\n  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\nreview:\n  every: 3 months\n---\n\n# Lab\n\n## Our values\n\nCurious and kind.\n\n## Process\n\n- We review code.\n";

#[test]
fn a_kind_extends_another_saying_only_what_differs() {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: kinds\n");
    sb.write(
        "kinds/lab.kind.yaml",
        "name: lab\nextends: team\nsections:\n  - name: Purpose\n    required: false\n  - name: Co-responsibility\n    required: false\n  - name: When it gets hard\n    required: false\n  - name: Agreements\n    aliases: [Process]\n",
    );
    sb.write("LAB_ALLIANCE.md", BASE_DOC);
    let run = sb.run(&["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let kinds = sb.run(&["kinds", "--format", "json"]).json();
    let lab = kinds
        .as_array()
        .and_then(|k| k.iter().find(|k| k["name"] == "lab"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(lab["default_every"], "3 months");
    assert_eq!(lab["sections"][0]["required"], false);
    assert_eq!(lab["sections"][3]["name"], "Agreements");
    assert_eq!(
        lab["sections"][3]["aliases"]
            .as_array()
            .and_then(|a| a.last()),
        Some(&serde_json::json!("Process"))
    );
}

#[test]
fn an_extending_kind_may_rename_and_add_sections() {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: kinds\n");
    // `base` is defined after `lab` in file order: order does not matter.
    sb.write(
        "kinds/lab.kind.yaml",
        "name: lab\nextends: zbase\nsections:\n  - name: Atmosphere\n    rename: Our values\n  - name: Retro notes\n    content: optional\n    required: false\n",
    );
    sb.write(
        "kinds/zbase.kind.yaml",
        "name: zbase\nsummary: A small base.\nsections:\n  - name: Atmosphere\n    content: text\n  - name: Process\n    content: items\n",
    );
    sb.write("LAB_ALLIANCE.md", BASE_DOC);
    let run = sb.run(&["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let kinds = sb.run(&["kinds"]).stdout;
    assert!(
        kinds.contains("    ## Our values (any content; also: Atmosphere)\n    ## Process (list items)\n    ## Retro notes (optional: may be absent)\n"),
        "{kinds}"
    );
}

#[test]
fn a_broken_extension_names_the_file_and_line() {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: kinds\n");
    sb.write("TEAM_ALLIANCE.md", BASE_DOC);
    let cases = [
        (
            "name: lab\nextends: nowhere\n",
            "kinds/lab.kind.yaml:2: invalid kind definition: `extends: nowhere` names no kind here (or kinds that extend each other in a circle); the kinds are `team`, `one-on-one`, `designed`, `working`",
        ),
        (
            "name: lab\nextends: team\nsections:\n  - name: Retro\n",
            "kinds/lab.kind.yaml:4: invalid kind definition: section `Retro` needs `content:` (items, text or optional)",
        ),
        (
            "name: lab\nextends: team\nsections:\n  - name: Nothing\n    rename: Else\n",
            "kinds/lab.kind.yaml:4: invalid kind definition: `Nothing` renames a section the `team` kind does not have (its sections: Purpose, Atmosphere, Co-responsibility, Agreements, When it gets hard)",
        ),
    ];
    for (definition, message) in cases {
        sb.write("kinds/lab.kind.yaml", definition);
        let run = sb.run(&["check"]);
        assert_eq!(run.code, 2, "{definition}");
        assert!(run.stderr.contains(message), "{definition}\n{}", run.stderr);
    }
}

#[test]
fn kinds_naming_a_file_says_so() {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: kinds.yaml\n");
    sb.write("kinds.yaml", "name: lab\n");
    sb.write("TEAM_ALLIANCE.md", BASE_DOC);
    let run = sb.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("kinds.yaml (named in .alliance.yaml) is a file; name the folder that holds NAME.kind.yaml files"),
        "{}",
        run.stderr
    );
}

#[test]
fn review_wins_are_celebrated_where_the_designed_template_says() {
    let sb = Sandbox::new();
    let run = on_day(
        &sb,
        &[
            "new",
            "designed",
            "--party",
            "Ada <ada>",
            "--party",
            "Grace <grace>",
            "-o",
            "D.md",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = sb.read("D.md");
    let review = [
        "review",
        "D.md",
        "--date",
        "2026-12-01",
        "--win",
        "First quiet on-call",
        "--win",
        "Shipped v2",
    ];
    let run = sb.run(&review);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            ": ## Celebrate: listed 2026-12-01: First quiet on-call; 2026-12-01: Shipped v2\n"
        ),
        "{}",
        run.stdout
    );
    let after = sb.read("D.md");
    assert!(
        after.ends_with("> --win` records them here and in the review log.\n\n- 2026-12-01: First quiet on-call\n- 2026-12-01: Shipped v2\n"),
        "{after}"
    );
    // Every byte of the body before the celebration is kept.
    let body = &before[before.find("\n# ").unwrap_or(0)..];
    assert!(after.contains(body.trim_end()));
    // Recording the same review again changes nothing.
    let again = sb.run(&review);
    assert_eq!(again.stdout, "D.md: already up to date; nothing changed\n");
    assert_eq!(sb.read("D.md"), after);
}

#[test]
fn diff_shows_a_recorded_review_for_people() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", common::team_doc("", common::TEAM_BODY));
    let date = "2026-11-01T10:00:00Z";
    sb.git(&["init", "-q"], date);
    sb.git(&["add", "."], date);
    sb.git(&["commit", "-q", "-m", "Our alliance"], date);
    let run = sb.run(&[
        "review",
        "TEAM_ALLIANCE.md",
        "--date",
        "2026-12-01",
        "--note",
        "Kept all",
        "--win",
        "Quiet on-call",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let human = sb.run(&["diff", "TEAM_ALLIANCE.md", "--from", "HEAD"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains("review recorded on 2026-12-01: Kept all; wins: Quiet on-call"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("[{"), "{}", human.stdout);
    let markdown = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--from",
        "HEAD",
        "--format",
        "markdown",
    ]);
    assert!(
        markdown
            .stdout
            .contains("- review recorded on 2026-12-01: Kept all; wins: Quiet on-call\n"),
        "{}",
        markdown.stdout
    );
    let json = sb
        .run(&[
            "diff",
            "TEAM_ALLIANCE.md",
            "--from",
            "HEAD",
            "--format",
            "json",
        ])
        .json();
    let front = json["front"].as_array().cloned().unwrap_or_default();
    assert!(
        front.iter().any(|c| c["change"] == "reviewed"
            && c["date"] == "2026-12-01"
            && c["wins"][0] == "Quiet on-call"),
        "{json}"
    );
}

#[test]
fn log_shows_each_commit_until_a_review_is_recorded_then_the_review_notes() {
    let sb = Sandbox::new();
    let doc = |agreements: &str| {
        format!(
            "---\nalliance: team\ntitle: T\nparties: [Ada <ada>, Grace <grace>]\nreview:\n  every: 3 months\n---\n\n# T\n\n## Agreements\n\n{agreements}"
        )
    };
    sb.git(&["init", "-q"], "2026-01-01T10:00:00Z");
    let commit = |text: &str, message: &str, date: &str| {
        sb.write("TEAM_ALLIANCE.md", text);
        sb.git(&["add", "."], date);
        sb.git(&["commit", "-qm", message], date);
    };
    commit(
        &doc("- We start on time.\n"),
        "Our agreement",
        "2026-01-12T10:00:00Z",
    );
    commit(
        &doc("- We start on time.\n- We pair on hard problems.\n"),
        "Add pairing",
        "2026-02-03T10:00:00Z",
    );
    let run = sb.run(&["log"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "TEAM_ALLIANCE.md: 2 commits (no review recorded yet: `alliance review` records one)"
    );
    assert!(lines[1].starts_with("2026-01-12  "), "{}", run.stdout);
    assert!(
        lines[1].ends_with(
            "  Ada Lovelace  first version: 1 agreement in 1 section, 2 parties  (Our agreement)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        lines[2].ends_with("  Ada Lovelace  1 agreement added  (Add pairing)"),
        "{}",
        run.stdout
    );

    // A recorded review shows its note and wins.
    let run = sb.run(&[
        "review",
        "--date",
        "2026-03-01",
        "--note",
        "Kept all",
        "--win",
        "Quiet on-call",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    sb.git(&["commit", "-qam", "March review"], "2026-03-01T10:00:00Z");
    let run = sb.run(&["log"]);
    assert!(
        run.stdout
            .contains("\n    note: Kept all\n    wins: Quiet on-call\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.starts_with("TEAM_ALLIANCE.md: 2 reviews\n"),
        "{}",
        run.stdout
    );
    let json = sb.run(&["log", "--format", "json"]).json();
    assert_eq!(json["reviews"][1]["note"], "Kept all");
    assert_eq!(json["reviews"][1]["wins"][0], "Quiet on-call");
    assert!(json.get("commits").is_none());

    // --commits still lists every commit.
    let run = sb.run(&["log", "--commits", "--format", "json"]).json();
    let messages: Vec<&str> = run["commits"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["message"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(messages, ["Our agreement", "Add pairing", "March review"]);
    assert_eq!(run["commits"][1]["summary"], "1 agreement added");
}
