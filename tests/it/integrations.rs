//! Where teams already work: SARIF and JUnit reports, shell completions,
//! the man page, `init`, `schema` and the `list` index and export.

use crate::common::{Sandbox, TEAM_BODY, examples, team_doc};
use quick_xml::Reader;
use quick_xml::events::Event;

fn broken_team(sandbox: &Sandbox) {
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc(
            "status: draft\n",
            &TEAM_BODY.replace("Calm and curious.", ""),
        )
        .replace("every: 3 months", "every: sometimes"),
    );
}

#[test]
fn sarif_has_the_required_fields() {
    let sandbox = Sandbox::new();
    broken_team(&sandbox);
    let run = sandbox.run(&["check", "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "alliance");
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(result["message"]["text"].is_string());
        assert!(["error", "warning"].contains(&result["level"].as_str().expect("level")));
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "TEAM_ALLIANCE.md");
        assert!(location["region"]["startLine"].as_u64().expect("line") >= 1);
    }
}

/// Parse XML fully, returning the names of the elements in order.
fn xml_elements(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("valid attribute");
                        (
                            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .expect("valid value")
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("invalid XML at {}: {e}\n{xml}", reader.buffer_position()),
        }
    }
    out
}

#[test]
fn junit_is_valid_xml_with_a_case_per_file() {
    let sandbox = Sandbox::new();
    broken_team(&sandbox);
    sandbox.write("alliances/OK_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = sandbox.run(&["check", "--format", "junit"]);
    assert_eq!(run.code, 1);
    let elements = xml_elements(&run.stdout);
    let cases: Vec<_> = elements.iter().filter(|(n, _)| n == "testcase").collect();
    assert_eq!(cases.len(), 2);
    let failures: Vec<_> = elements.iter().filter(|(n, _)| n == "failure").collect();
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0]
            .1
            .iter()
            .any(|(k, v)| k == "type" && v == "A021")
    );
}

#[test]
fn junit_escapes_markup_and_control_characters() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("", TEAM_BODY).replace("every: 3 months", "every: \"<b>&\u{1b}[31m\""),
    );
    let run = sandbox.run(&["check", "--format", "junit"]);
    assert!(!run.stdout.contains('\u{1b}'));
    xml_elements(&run.stdout);
}

#[test]
fn completions_generate_for_every_shell() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = sandbox.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(
            run.stdout.contains("check"),
            "{shell} completions name the subcommands"
        );
    }
    let run = sandbox.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2);
}

#[test]
fn man_page_renders() {
    let run = Sandbox::new().run(&["man"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with(".ie"),
        "{}",
        &run.stdout[..80.min(run.stdout.len())]
    );
    assert!(run.stdout.contains("alliance"));
}

#[test]
fn schema_prints_the_kinds_json_schema() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["schema", "one-on-one"]);
    assert_eq!(run.code, 0);
    let schema = run.json();
    assert_eq!(schema["properties"]["alliance"]["const"], "one-on-one");
    assert_eq!(schema["properties"]["parties"]["maxItems"], 2);
    let run = sandbox.run(&["schema", "squad"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: unknown kind `squad`; use one of `team`, `one-on-one`, `designed`, `working` (`alliance kinds` describes them)\n"
    );
}

#[test]
fn init_writes_config_and_workflow_and_never_clobbers() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir");
    let run = sandbox.run(&["init", "--ci", "github"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "wrote .alliance.yaml\nwrote .github/workflows/alliance.yml\nnext: `alliance new team` to start the team's alliance (or `alliance adopt FILE --kind team` for one you have), then `alliance check`\nthen: `alliance codeowners --write` and commit it with the workflow, which runs `alliance codeowners --check`\n"
    );
    // The written config is valid (every line a comment): check still runs.
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    assert_eq!(sandbox.run(&["check"]).code, 0);

    // An edited config is kept by a second init, and by --force with --ci.
    sandbox.write(".alliance.yaml", "exclude: [old/**]\n");
    let run = sandbox.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "kept .alliance.yaml (already there; --force rewrites it)\nnext: `alliance check`, then commit what init wrote\n"
    );
    assert_eq!(sandbox.read(".alliance.yaml"), "exclude: [old/**]\n");
    sandbox.write(".github/workflows/alliance.yml", "# edited\n");
    let run = sandbox.run(&["init", "--ci", "github", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "wrote .github/workflows/alliance.yml\nkept .alliance.yaml (already there)\nnext: `alliance check`, then commit what init wrote\nthen: `alliance codeowners --write` and commit it with the workflow, which runs `alliance codeowners --check`\n"
    );
    assert_eq!(sandbox.read(".alliance.yaml"), "exclude: [old/**]\n");
    assert!(
        sandbox
            .read(".github/workflows/alliance.yml")
            .starts_with("# .github/workflows/alliance.yml")
    );

    // A bare init --force names the config.
    let run = sandbox.run(&["init", "--force"]);
    assert_eq!(run.code, 0);
    assert!(
        sandbox
            .read(".alliance.yaml")
            .starts_with("# alliance settings.")
    );
}

#[test]
fn init_then_init_ci_adds_only_the_ci_job() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir");
    assert_eq!(sandbox.run(&["init"]).code, 0);
    let run = sandbox.run(&["init", "--ci", "gitlab"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("wrote .gitlab-ci.yml\nkept .alliance.yaml (already there)\n"),
        "{}",
        run.stdout
    );
    // Ours now: --force may rewrite it in place.
    let run = sandbox.run(&["init", "--ci", "gitlab", "--force"]);
    assert!(
        run.stdout.starts_with("wrote .gitlab-ci.yml\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn init_for_gitlab_beside_an_existing_pipeline() {
    let sandbox = Sandbox::new();
    sandbox.write(".gitlab-ci.yml", "test:\n  script: [make]\n");
    let run = sandbox.run(&["init", "--ci", "gitlab"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("wrote .gitlab/alliance.yml"));
    assert!(run.stdout.contains("- local: .gitlab/alliance.yml"));
    assert_eq!(sandbox.read(".gitlab-ci.yml"), "test:\n  script: [make]\n");
    // Even with --force, the team's own pipeline is never replaced.
    let run = sandbox.run(&["init", "--ci", "gitlab", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(sandbox.read(".gitlab-ci.yml"), "test:\n  script: [make]\n");
}

#[test]
fn init_schedule_writes_the_reminder_job_beside_the_ci_job() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir");
    let run = sandbox.run(&["init", "--ci", "github", "--schedule"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "wrote .alliance.yaml\nwrote .github/workflows/alliance.yml\nwrote .github/workflows/alliance-remind.yml\n"
        ),
        "{}",
        run.stdout
    );
    let remind = sandbox.read(".github/workflows/alliance-remind.yml");
    assert!(remind.contains("alliance ci remind"), "{remind}");
    // Again: both kept; the reminder job alone can be added later.
    std::fs::remove_file(sandbox.path().join(".github/workflows/alliance-remind.yml")).expect("rm");
    let run = sandbox.run(&["init", "--ci", "github", "--schedule"]);
    assert!(
        run.stdout.starts_with(
            "wrote .github/workflows/alliance-remind.yml\nkept .alliance.yaml (already there)\nkept .github/workflows/alliance.yml (already there; --force rewrites it)\n"
        ),
        "{}",
        run.stdout
    );

    let run = sandbox.run(&["init", "--ci", "gitlab", "--schedule"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("wrote .gitlab/alliance-remind.yml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("- local: .gitlab/alliance-remind.yml"),
        "{}",
        run.stdout
    );
    assert!(
        sandbox
            .read(".gitlab/alliance-remind.yml")
            .contains("$CI_PIPELINE_SOURCE == \"schedule\"")
    );

    // --schedule is for a CI service.
    let run = sandbox.run(&["init", "--schedule"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--ci"), "{}", run.stderr);
}

#[test]
fn init_pages_adds_the_site_job_beside_the_checks() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir");
    let run = sandbox.run(&["init", "--ci", "github", "--pages"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "wrote .alliance.yaml\nwrote .github/workflows/alliance.yml\nwrote .github/workflows/alliance-site.yml\n\
next: `alliance new team` to start the team's alliance (or `alliance adopt FILE --kind team` for one you have), then `alliance check`\n\
then: `alliance codeowners --write` and commit it with the workflow, which runs `alliance codeowners --check`\n\
then: in Settings > Pages, set Source to GitHub Actions, for .github/workflows/alliance-site.yml to publish the site\n"
    );
    assert!(
        sandbox
            .read(".github/workflows/alliance-site.yml")
            .contains("uses: actions/deploy-pages@")
    );
    // Added later to a repository that has the checks: only the site's job.
    std::fs::remove_file(sandbox.path().join(".github/workflows/alliance-site.yml")).expect("rm");
    let run = sandbox.run(&["init", "--ci", "github", "--pages"]);
    assert!(
        run.stdout.starts_with(
            "wrote .github/workflows/alliance-site.yml\nkept .alliance.yaml (already there)\nkept .github/workflows/alliance.yml (already there; --force rewrites it)\n"
        ),
        "{}",
        run.stdout
    );

    let run = sandbox.run(&["init", "--ci", "gitlab", "--pages"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("wrote .gitlab-ci.yml\nwrote .gitlab/alliance-pages.yml\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with(
        "then: add to .gitlab-ci.yml, for the `pages` job in .gitlab/alliance-pages.yml to run:\n  include:\n    - local: .gitlab/alliance-pages.yml\n"
    ));
    assert!(
        sandbox
            .read(".gitlab/alliance-pages.yml")
            .contains("\npages:\n")
    );
}

#[test]
fn init_pages_without_a_ci_service_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["init", "--pages"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--ci <CI>")
            && run
                .stderr
                .contains("Usage: alliance init --ci <CI> --pages"),
        "{}",
        run.stderr
    );
    assert!(!sandbox.path().join(".alliance.yaml").exists());
}

#[test]
fn list_shows_the_index() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("created: 2026-01-10\n", TEAM_BODY),
    );
    sandbox.write("README.md", "# Not an alliance\n");
    let run = sandbox.run(&["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
path              kind  title      parties       status  last review  next review
TEAM_ALLIANCE.md  team  Test team  @ada, @grace  active               2026-04-10
"
    );
    let run = sandbox.run(&["list", "--format", "markdown"]);
    assert_eq!(
        run.stdout,
        "\
| Alliance | Kind | Parties | Status | Last review | Next review |
|---|---|---|---|---|---|
| [Test team](TEAM_ALLIANCE.md) | team | @&#8203;ada, @&#8203;grace | active |  | 2026-04-10 |
"
    );
}

#[test]
fn list_json_round_trips_through_the_document_model() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "list",
        examples().to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let export = run.json();
    let alliances = export["alliances"].as_array().expect("alliances");
    assert_eq!(alliances.len(), 5);
    for exported in alliances {
        let path = exported["path"].as_str().expect("path");
        let text = std::fs::read_to_string(path).expect("read");
        let doc = alliance::document::Alliance::parse_text(std::path::Path::new(path), text);
        assert_eq!(exported, &alliance::report::list::export(&doc), "{path}");
        // And the export says what the file says.
        let front = doc.front_root().expect("front matter").to_json();
        assert_eq!(exported["front_matter"], front);
        let items: usize = doc.sections.iter().map(|s| s.items.len()).sum();
        let exported_items: usize = exported["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .map(|s| s["items"].as_array().expect("items").len())
            .sum();
        assert_eq!(items, exported_items);
    }
}

#[test]
fn pre_commit_mode_skips_markdown_that_is_not_an_alliance() {
    let sandbox = Sandbox::new();
    sandbox.write("README.md", "# Hello\n");
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    for who in ["ada", "grace"] {
        let agreed = sandbox.run(&[
            "agree",
            "TEAM_ALLIANCE.md",
            "--as",
            who,
            "--date",
            "2026-11-20",
        ]);
        assert_eq!(agreed.code, 0, "{}", agreed.stderr);
    }
    let run = sandbox.run(&["check", "--only-alliances", "README.md"]);
    assert_eq!(run.code, 0);
    let run = sandbox.run(&["check", "--only-alliances", "README.md", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "checked 1 file: no problems\n");
}

#[test]
fn color_is_off_unless_asked() {
    let sandbox = Sandbox::new();
    broken_team(&sandbox);
    let run = sandbox.run(&["check"]);
    assert!(!run.stdout.contains('\u{1b}'));
    let run = sandbox.run(&["check", "--color", "always"]);
    assert!(run.stdout.contains("\u{1b}["), "{}", run.stdout);
    let mut cmd = sandbox.command(&["check"]);
    cmd.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
    let out = cmd.output().expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\u{1b}["));
}
