//! `alliance ci comment` and `alliance ci summary` against a mock of the
//! GitHub and GitLab APIs on 127.0.0.1: one comment over several pushes,
//! the revert, a read-only token, an oversize change, paths with spaces,
//! added and removed alliances, hostile text. Each test builds its own
//! repository (pinned identity and dates, no global git config) and runs
//! the binary from a cleared environment.

use std::path::Path;
use std::process::Command;

use crate::common::forge::{MockForge, User, Whoami};
use crate::common::{Run, Sandbox};

const MARKER: &str = "<!-- alliance-ci-comment";

fn team(agreements: &str) -> String {
    format!(
        "---\nalliance: team\ntitle: Payments\nparties:\n  - name: Ada Lovelace\n    handle: ada\n  - name: Grace Hopper\n    handle: grace\nstatus: active\ncreated: 2026-01-10\nreview:\n  every: 3 months\n  last: 2026-10-01\n---\n\n# Payments\n\n## Purpose\n\nWe ship payments.\n\n## Atmosphere\n\n- We are kind.\n\n## Co-responsibility\n\n- Ada owns the roadmap.\n\n## Agreements\n\n{agreements}\n## When it gets hard\n\n- We talk it through.\n"
    )
}

const BASE_ITEMS: &str = "- We start meetings on time.\n- We reply within a day.\n";

/// A repository with TEAM_ALLIANCE.md on `main`, and a `pr` branch checked out.
fn repository() -> (Sandbox, String) {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", team(BASE_ITEMS));
    sb.write("README.md", "# A project\n");
    sb.git(&["add", "."], "2026-11-01T10:00:00Z");
    sb.git(&["commit", "-qm", "base"], "2026-11-01T10:00:00Z");
    let base = sb.git(&["rev-parse", "HEAD"], "2026-11-01T10:00:00Z");
    sb.git(&["checkout", "-qb", "pr"], "2026-11-01T10:00:00Z");
    (sb, base.trim().to_owned())
}

fn commit(sb: &Sandbox, message: &str, date: &str) {
    sb.git(&["add", "-A"], date);
    sb.git(&["commit", "-qm", message], date);
}

/// Run `alliance ARGS` in `sb` with only `env` (and a pinned git setup).
fn run(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_alliance"))
        .args(args)
        .current_dir(sb.path())
        .env_clear()
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", sb.path())
        .env("TZ", "UTC")
        .env("ALLIANCE_TODAY", "2026-11-22")
        .envs(env.iter().copied())
        .output()
        .expect("run alliance");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The variables GitHub Actions sets for a pull_request event.
struct GitHubEnv {
    _dir: tempfile::TempDir,
    event: String,
    summary: String,
    api: String,
}

impl GitHubEnv {
    fn new(api: &str, base: &str) -> GitHubEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let event = dir.path().join("event.json");
        std::fs::write(
            &event,
            serde_json::json!({"pull_request": {"number": 5, "base": {"sha": base}}}).to_string(),
        )
        .expect("write event");
        let summary = dir.path().join("step_summary.md");
        GitHubEnv {
            event: event.display().to_string(),
            summary: summary.display().to_string(),
            api: api.to_owned(),
            _dir: dir,
        }
    }

    fn vars(&self) -> Vec<(&str, &str)> {
        vec![
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_API_URL", self.api.as_str()),
            ("GITHUB_REPOSITORY", "alliance-cli/demo"),
            ("GITHUB_EVENT_PATH", self.event.as_str()),
            ("GITHUB_STEP_SUMMARY", self.summary.as_str()),
            ("GITHUB_TOKEN", "t0ken"),
        ]
    }
}

/// Standard error without the dry run's line on what it would do.
fn warnings(run: &Run) -> String {
    run.stderr
        .lines()
        .filter(|l| !l.starts_with("alliance: dry run: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn assert_ok(run: &Run) {
    assert_eq!(
        run.code, 0,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
}

#[test]
fn one_comment_over_several_pushes_updated_never_duplicated() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    // A person's comment that merely quotes the marker later in its text
    // is not ours.
    forge.add_comment(&format!("LGTM, see {MARKER} -->"), false);

    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We always start meetings on time.\n- We reply within a day.\n"),
    );
    commit(&sb, "push 1", "2026-11-02T10:00:00Z");
    let first = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&first);
    assert!(first.stdout.contains("posted comment"), "{}", first.stdout);
    let comments = forge.comments();
    assert_eq!(comments.len(), 2);
    let ours = &comments[1];
    assert!(ours.body.starts_with(MARKER));
    assert!(ours.body.contains("✏️ Changed `TEAM_ALLIANCE.md`"));
    assert!(ours.body.contains("**always**"), "{}", ours.body);

    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We always start meetings on time.\n- We reply within a day.\n- We demo on Fridays.\n"),
    );
    commit(&sb, "push 2", "2026-11-03T10:00:00Z");
    let second = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&second);
    assert!(
        second.stdout.contains("updated comment"),
        "{}",
        second.stdout
    );
    let comments = forge.comments();
    assert_eq!(comments.len(), 2, "a second comment was posted");
    assert_eq!(comments[1].id, ours.id);
    assert!(comments[1].body.contains("We demo on Fridays."));

    // Nothing new: nothing written.
    let writes_before = writes(&forge);
    let third = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&third);
    assert!(third.stdout.contains("up to date"), "{}", third.stdout);
    assert_eq!(writes(&forge), writes_before);

    // A push that reverts everything: the comment says so.
    sb.write("TEAM_ALLIANCE.md", team(BASE_ITEMS));
    commit(&sb, "revert", "2026-11-04T10:00:00Z");
    let revert = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&revert);
    let comments = forge.comments();
    assert_eq!(comments.len(), 2);
    assert!(
        comments[1].body.contains("No changes to alliances"),
        "{}",
        comments[1].body
    );
    assert!(!comments[1].body.contains("Fridays"));

    for request in forge.requests() {
        assert_eq!(request.header("authorization"), Some("Bearer t0ken"));
        // Who the token is: asked once a marked comment was seen.
        let identity = ["/user", "/graphql"].contains(&request.target.as_str());
        assert!(
            identity
                || request
                    .target
                    .starts_with("/repos/alliance-cli/demo/issues/"),
            "{}",
            request.target
        );
    }
}

/// Requests that change something (GraphQL's POST only reads).
fn writes(forge: &MockForge) -> usize {
    forge
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && r.target != "/graphql")
        .count()
}

#[test]
fn no_comment_when_no_alliance_changed_and_none_posted_yet() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write("README.md", "# A project, renamed\n");
    commit(&sb, "docs", "2026-11-02T10:00:00Z");
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&result);
    assert!(forge.comments().is_empty());
    assert_eq!(writes(&forge), 0);
}

#[test]
fn a_read_only_token_is_a_warning_and_the_summary_still_has_the_diff() {
    let forge = MockForge::start();
    forge.set_read_only(true);
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on time.\n- We reply within an hour.\n"),
    );
    commit(&sb, "fork change", "2026-11-02T10:00:00Z");
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&result);
    assert!(
        result
            .stdout
            .starts_with("::warning title=alliance ci comment::"),
        "{}",
        result.stdout
    );
    assert!(
        result
            .stdout
            .contains("Resource not accessible by integration")
    );
    assert!(!result.stdout.contains("t0ken"));
    assert!(forge.comments().is_empty());

    let summary = run(&sb, &["ci", "summary"], &gh.vars());
    assert_ok(&summary);
    let text = std::fs::read_to_string(&gh.summary).expect("summary written");
    assert!(text.contains("### Check"), "{text}");
    assert!(text.contains("### Reviews"), "{text}");
    assert!(text.contains("Changed `TEAM_ALLIANCE.md`"), "{text}");
    assert!(text.contains("**hour.**"), "{text}");
}

#[test]
fn no_token_is_a_warning_without_a_request() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "change", "2026-11-02T10:00:00Z");
    let vars: Vec<_> = gh
        .vars()
        .into_iter()
        .filter(|(k, _)| *k != "GITHUB_TOKEN")
        .collect();
    let result = run(&sb, &["ci", "comment"], &vars);
    assert_ok(&result);
    assert!(result.stdout.contains("::warning"), "{}", result.stdout);
    assert!(forge.requests().is_empty());
}

#[test]
fn added_and_removed_alliances_and_a_path_with_spaces() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    std::fs::remove_file(sb.path().join("TEAM_ALLIANCE.md")).expect("remove");
    sb.write(
        "team docs/our working agreement.md",
        team("- We pair on hard problems.\n- We keep Fridays quiet.\n"),
    );
    commit(&sb, "move to a new agreement", "2026-11-02T10:00:00Z");
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&result);
    let comments = forge.comments();
    assert_eq!(comments.len(), 1);
    let body = &comments[0].body;
    // The same content under a new name is a rename; this one is different
    // enough to be an addition and a removal.
    assert!(
        body.contains("### ➕ Added `team docs/our working agreement.md` — Payments")
            || body.contains("Renamed `TEAM_ALLIANCE.md` → `team docs/our working agreement.md`"),
        "{body}"
    );
    assert!(body.contains("We pair on hard problems."), "{body}");
    assert!(body.contains("We keep Fridays quiet."), "{body}");
}

#[test]
fn added_alliance_is_shown_whole_and_removed_one_is_named() {
    let (sb, base) = repository();
    std::fs::remove_file(sb.path().join("TEAM_ALLIANCE.md")).expect("remove");
    sb.write(
        "alliances/ada and grace.md",
        "---\nalliance: one-on-one\ntitle: Ada and Grace\nparties:\n  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\nstatus: active\ncreated: 2026-11-01\nreview:\n  every: monthly\n---\n\n# Ada and Grace\n\n## What makes this powerful\n\n- Honest early signals.\n\n## How we give feedback\n\n- In private, the same week.\n",
    );
    commit(&sb, "1-1", "2026-11-02T10:00:00Z");
    let result = run(&sb, &["ci", "comment", "--dry-run", "--base", &base], &[]);
    assert_ok(&result);
    let body = &result.stdout;
    assert!(body.starts_with(MARKER));
    assert!(
        body.contains("2 alliances touched: 1 added, 1 removed"),
        "{body}"
    );
    assert!(body.contains("### ➕ Added `alliances/ada and grace.md` — Ada and Grace"));
    assert!(body.contains("#### What makes this powerful _(new section)_"));
    assert!(body.contains("- ➕ **In private, the same week.**"));
    assert!(body.contains("- ➕ Ada (@&#8203;ada) joined"), "{body}");
    assert!(body.contains("### ➖ Removed `TEAM_ALLIANCE.md` — Payments"));
    assert!(
        body.contains("5 agreements removed, 2 parties left"),
        "{body}"
    );
    assert!(!body.contains("We reply within a day."), "{body}");
    // The base, a commit that is the merge base, is named once.
    let short = &base[..10];
    assert!(
        body.contains(&format!(
            "Compared with the merge base {short} and this change."
        )),
        "{body}"
    );
    // In the job summary the alliances sit under "### Changes": one level down.
    let summary = run(
        &sb,
        &["ci", "summary", "--output", "-", "--base", &base],
        &[],
    );
    assert_ok(&summary);
    let text = &summary.stdout;
    assert!(
        text.contains("\n### Changes: 2 alliances touched"),
        "{text}"
    );
    assert!(
        text.contains("\n#### ➕ Added `alliances/ada and grace.md`"),
        "{text}"
    );
    assert!(
        text.contains("\n##### What makes this powerful _(new section)_"),
        "{text}"
    );
    assert!(!text.contains("\n### ➕"), "{text}");
}

#[test]
fn an_oversize_change_stays_under_github_limits_and_says_what_was_cut() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    let items: String = (0..40)
        .map(|i| format!("- Agreement number {i}: we write down what we decided and why, every time, so that nobody has to guess later.\n"))
        .collect();
    // Each block cut short is about 300 characters: 190 of them leave
    // room for the first one's detail.
    for n in 0..190 {
        sb.write(&format!("teams/team-{n:03}/ALLIANCE.md"), team(&items));
    }
    commit(&sb, "190 teams", "2026-11-02T10:00:00Z");
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&result);
    let comments = forge.comments();
    assert_eq!(comments.len(), 1);
    let body = &comments[0].body;
    assert!(body.chars().count() <= 65_536, "{}", body.chars().count());
    assert!(body.contains("190 alliances touched: 190 added"));
    assert!(body.contains("Cut to stay under GitHub's limit of 65,536 characters"));
    // The first alliances keep their detail; the last are cut first.
    assert!(body.contains("### ➕ Added `teams/team-000/ALLIANCE.md`"));
    assert!(body.contains("Agreement number 39"));
    assert!(!body.contains("`teams/team-189/ALLIANCE.md`") || body.contains("(detail left out)"));

    let summary = run(&sb, &["ci", "summary"], &gh.vars());
    assert_ok(&summary);
    let text = std::fs::read_to_string(&gh.summary).expect("summary");
    assert!(text.len() <= 1_048_576, "{}", text.len());
    assert!(text.contains("teams/team-189/ALLIANCE.md"));
}

#[test]
fn hostile_text_cannot_break_out_of_the_comment() {
    let (sb, base) = repository();
    sb.write(
        "TEAM_ALLIANCE.md",
        team(&format!(
            "- We start meetings on time.\n- We reply within a day.\n- <img src=x onerror=alert(1)> ![track](https://evil.example/p.png) @everyone | a | b |\n- {MARKER} --> fake marker <!-- x\n- <details><summary>hidden</summary>\n"
        )),
    );
    commit(&sb, "hostile", "2026-11-02T10:00:00Z");
    let result = run(&sb, &["ci", "comment", "--dry-run", "--base", &base], &[]);
    assert_ok(&result);
    let body = &result.stdout;
    assert!(body.starts_with(MARKER));
    assert_eq!(body.matches("<!--").count(), 1, "{body}");
    assert_eq!(body.matches(MARKER).count(), 1, "{body}");
    assert!(!body.contains("<img"), "{body}");
    assert!(!body.contains("<details"), "{body}");
    assert!(!body.contains("!["), "{body}");
    assert!(!body.contains("@everyone"), "{body}");
    assert!(body.contains("\\| a \\| b \\|"), "{body}");
}

#[test]
fn gitlab_notes_are_created_then_updated_with_the_private_token() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    forge.set_token_user(project_bot(), Whoami::User);
    let vars = [
        ("GITLAB_CI", "true"),
        ("CI_API_V4_URL", forge.url.as_str()),
        ("CI_PROJECT_ID", "42"),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
        ("ALLIANCE_GITLAB_TOKEN", "glpat-secret"),
    ];
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push 1", "2026-11-02T10:00:00Z");
    assert_ok(&run(&sb, &["ci", "comment"], &vars));
    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on time.\n- We write it down.\n"),
    );
    commit(&sb, "push 2", "2026-11-03T10:00:00Z");
    let second = run(&sb, &["ci", "comment"], &vars);
    assert_ok(&second);
    assert!(
        second.stdout.contains("merge request !7"),
        "{}",
        second.stdout
    );
    let comments = forge.comments();
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("We write it down."));
    let requests = forge.requests();
    assert!(requests.iter().any(|r| r.method == "POST"));
    assert!(requests.iter().any(|r| r.method == "PUT"
        && r.target == format!("/projects/42/merge_requests/7/notes/{}", comments[0].id)));
    for request in &requests {
        assert_eq!(request.header("private-token"), Some("glpat-secret"));
    }

    // The summary is a Markdown artifact in the project folder.
    let summary = run(&sb, &["ci", "summary"], &vars);
    assert_ok(&summary);
    assert!(Path::new(&sb.path().join("ci-summary.md")).exists());
    // The summary is not mistaken for an alliance afterwards.
    let check = run(&sb, &["check"], &[]);
    assert_ok(&check);
    assert!(check.stdout.contains("checked 1 file"), "{}", check.stdout);
}

#[test]
fn gitlab_without_a_token_warns_and_posts_nothing() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    let vars = [
        ("GITLAB_CI", "true"),
        ("CI_API_V4_URL", forge.url.as_str()),
        ("CI_PROJECT_ID", "42"),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
    ];
    let result = run(&sb, &["ci", "comment"], &vars);
    assert_ok(&result);
    assert!(
        result.stderr.contains("ALLIANCE_GITLAB_TOKEN"),
        "{}",
        result.stderr
    );
    assert!(forge.requests().is_empty());
}

#[test]
fn dry_run_touches_nothing_and_outside_ci_it_says_what_to_do() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    let dry = run(&sb, &["ci", "comment", "--dry-run"], &gh.vars());
    assert_ok(&dry);
    assert!(dry.stdout.starts_with(MARKER));
    // The comments are read, to say what the real run would do; nothing
    // is written.
    assert!(
        forge.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        forge.requests()
    );
    assert!(
        dry.stderr
            .contains("alliance: dry run: would post a new comment on"),
        "{}",
        dry.stderr
    );
    assert!(forge.comments().is_empty());
    let id = forge.add_comment(&marked("old"), true);
    let again = run(&sb, &["ci", "comment", "--dry-run"], &gh.vars());
    assert!(
        again
            .stderr
            .contains(&format!("alliance: dry run: would update comment {id} on")),
        "{}",
        again.stderr
    );

    let outside = run(&sb, &["ci", "comment", "--base", &base], &[]);
    assert_eq!(outside.code, 2, "{}", outside.stderr);
    assert!(outside.stderr.contains("--dry-run"), "{}", outside.stderr);

    let no_base = run(&sb, &["ci", "comment", "--dry-run"], &[]);
    assert_eq!(no_base.code, 2);
    assert!(no_base.stderr.contains("--base"), "{}", no_base.stderr);

    let bad_base = run(&sb, &["ci", "comment", "--dry-run", "--base", "nope"], &[]);
    assert_eq!(bad_base.code, 2);
    assert!(
        bad_base
            .stderr
            .contains("cannot compare with nope: it is not a commit in this clone")
            && bad_base.stderr.contains("fetch-depth: 0"),
        "{}",
        bad_base.stderr
    );
}

#[test]
fn codequality_fingerprints_survive_moved_lines() {
    let sb = Sandbox::new();
    let doc = |pad: &str| {
        format!(
            "---\nalliance: team\ntitle: T\nparties:\n  - name: Ada\n    handle: ada\nstatus: active\ncreated: 2026-01-10\nreview:\n  every: 3 months\n  last: 2026-10-01\n---\n\n# T\n\n## Purpose\n\n{pad}We ship.\n\n## Atmosphere\n\n- Kind.\n\n## Co-responsibility\n\n- Ada.\n\n## Agreements\n\n- One. [owner:: @nobody]\n\n## When it gets hard\n\n- Talk.\n"
        )
    };
    sb.write("TEAM_ALLIANCE.md", doc(""));
    let before = run(&sb, &["check", "--format", "codequality"], &[]);
    sb.write("TEAM_ALLIANCE.md", doc("More words.\n\nEven more.\n\n"));
    let after = run(&sb, &["check", "--format", "codequality"], &[]);
    let parse = |r: &Run| -> Vec<serde_json::Value> {
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
    };
    let (before, after) = (parse(&before), parse(&after));
    assert!(
        !before.is_empty(),
        "expected a finding for the unknown owner"
    );
    let prints = |v: &[serde_json::Value]| -> Vec<String> {
        v.iter()
            .map(|i| i["fingerprint"].as_str().expect("fingerprint").to_owned())
            .collect()
    };
    assert_eq!(prints(&before), prints(&after));
    // The unknown owner's item moved down four lines; its fingerprint stayed.
    let line = |v: &[serde_json::Value]| {
        v.iter()
            .find(|i| i["check_name"] == "A041")
            .and_then(|i| i["location"]["lines"]["begin"].as_u64())
    };
    assert_eq!(line(&after), line(&before).map(|l| l + 4));
    for issue in &before {
        assert_eq!(issue["location"]["path"], "TEAM_ALLIANCE.md");
        assert!(["minor", "major"].contains(&issue["severity"].as_str().unwrap_or("")));
    }
}

#[test]
fn a_renamed_alliance_is_one_rename_not_an_addition_and_a_removal() {
    let (sb, base) = repository();
    sb.git(
        &["mv", "TEAM_ALLIANCE.md", "PAYMENTS_ALLIANCE.md"],
        "2026-11-02T10:00:00Z",
    );
    commit(&sb, "rename", "2026-11-02T10:00:00Z");
    let result = run(&sb, &["ci", "comment", "--dry-run", "--base", &base], &[]);
    assert_ok(&result);
    let body = &result.stdout;
    assert!(body.contains("1 alliance touched: 1 renamed"), "{body}");
    assert!(
        body.contains("### 🔀 Renamed `TEAM_ALLIANCE.md` → `PAYMENTS_ALLIANCE.md` — Payments"),
        "{body}"
    );
    assert!(
        body.contains("No change to what the alliance says"),
        "{body}"
    );
}

#[test]
fn summary_outside_a_pull_request_has_check_and_due_only() {
    let (sb, _) = repository();
    let result = run(&sb, &["ci", "summary", "--output", "-"], &[]);
    assert_ok(&result);
    let text = &result.stdout;
    assert!(text.starts_with("## alliance\n"), "{text}");
    assert!(text.contains("### Check"), "{text}");
    assert!(text.contains("1 file checked: 0 errors"), "{text}");
    assert!(text.contains("### Reviews"), "{text}");
    assert!(text.contains("No base to compare with"), "{text}");

    let bad = run(
        &sb,
        &["ci", "summary", "--within", "soon", "--output", "-"],
        &[],
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--within"), "{}", bad.stderr);
}

#[test]
fn github_base_falls_back_to_the_base_branch() {
    let forge = MockForge::start();
    let (sb, _) = repository();
    // The base branch as actions/checkout fetches it.
    sb.git(
        &["update-ref", "refs/remotes/origin/main", "main"],
        "2026-11-02T10:00:00Z",
    );
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    let vars = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_API_URL", forge.url.as_str()),
        ("GITHUB_REPOSITORY", "alliance-cli/demo"),
        ("GITHUB_REF", "refs/pull/9/merge"),
        ("GITHUB_BASE_REF", "main"),
        ("GITHUB_TOKEN", "t0ken"),
    ];
    let result = run(&sb, &["ci", "comment"], &vars);
    assert_ok(&result);
    assert!(
        result.stdout.contains("pull request #9"),
        "{}",
        result.stdout
    );
    let comments = forge.comments();
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("merge base of origin/main"));
}

#[test]
fn a_forge_briefly_down_is_asked_again_and_a_lasting_error_is_exit_2() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    forge.state.lock().expect("lock").unavailable = 1;
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&result);
    assert_eq!(forge.comments().len(), 1);

    forge.state.lock().expect("lock").unavailable = 10;
    let down = run(&sb, &["ci", "comment"], &gh.vars());
    assert_eq!(down.code, 2, "{}", down.stdout);
    assert!(
        down.stderr.contains("HTTP 503: Service Unavailable"),
        "{}",
        down.stderr
    );
    assert!(!down.stderr.contains("t0ken"));
}

/// `--count-approvals` on GitHub: Grace's approval of the head commit counts
/// as her consent and the comment says so; Ada's approval was of an older
/// commit, so it does not; Linus approved but is no party. Without the flag,
/// only consent recorded in the file counts and no review is read.
#[test]
fn github_approvals_of_the_head_commit_count_as_consent_when_asked() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push 1", "2026-11-02T10:00:00Z");
    let old = sb.git(&["rev-parse", "HEAD"], "2026-11-02T10:00:00Z");
    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on the hour.\n"),
    );
    commit(&sb, "push 2", "2026-11-03T10:00:00Z");
    let head = sb.git(&["rev-parse", "HEAD"], "2026-11-03T10:00:00Z");
    {
        let mut state = forge.state.lock().expect("lock");
        let review = |login: &str, state: &str, commit: &str| serde_json::json!({"user": {"login": login}, "state": state, "commit_id": commit.trim()});
        state.reviews = vec![
            review("grace", "CHANGES_REQUESTED", &old),
            review("ada", "APPROVED", &old),
            review("grace", "APPROVED", &head),
            review("grace", "COMMENTED", &head),
            review("linus", "APPROVED", &head),
        ];
    }
    let env = GitHubEnv::new(&forge.url, &base);
    std::fs::write(
        &env.event,
        serde_json::json!({"pull_request": {"number": 5, "base": {"sha": base}, "head": {"sha": head.trim()}}})
            .to_string(),
    )
    .expect("write event");
    let plain = run(&sb, &["ci", "comment", "--dry-run"], &env.vars());
    assert_ok(&plain);
    assert!(
        plain
            .stdout
            .contains("Agreed: nobody yet · Not yet: @&#8203;ada, @&#8203;grace\n"),
        "{}",
        plain.stdout
    );
    // A dry run reads the comments (to say what it would do), nothing else.
    assert!(
        forge
            .requests()
            .iter()
            .all(|r| r.method == "GET" && r.target.contains("/comments")),
        "{:?}",
        forge.requests()
    );
    forge.state.lock().expect("lock").requests.clear();
    let counted = run(
        &sb,
        &["ci", "comment", "--dry-run", "--count-approvals"],
        &env.vars(),
    );
    assert_ok(&counted);
    assert_eq!(warnings(&counted), "");
    assert!(
        counted.stdout.contains(
            "Agreed: nobody yet · Counted as consent because they approved this pull request on GitHub: @&#8203;grace · Not yet: @&#8203;ada\n"
        ),
        "{}",
        counted.stdout
    );
    assert!(!counted.stdout.contains("linus"), "{}", counted.stdout);
    let requests: Vec<_> = forge
        .requests()
        .into_iter()
        .filter(|r| !r.target.contains("/comments"))
        .collect();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        requests[0].target,
        "/repos/alliance-cli/demo/pulls/5/reviews?per_page=100&page=1"
    );
}

/// GitLab's variables for merge request !7 of project 42, with the head
/// commit the pipeline runs for.
fn gitlab_vars<'a>(url: &'a str, base: &'a str, head: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("GITLAB_CI", "true"),
        ("CI_API_V4_URL", url),
        ("CI_PROJECT_ID", "42"),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base),
        ("CI_COMMIT_SHA", head),
        ("ALLIANCE_GITLAB_TOKEN", "glpat-secret"),
    ]
}

/// The project access token's bot user.
fn project_bot() -> User {
    User::new(900, "project_42_bot_1", false)
}

fn version(id: u64, head: &str, created_at: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "head_commit_sha": head.trim(), "created_at": created_at})
}

/// GitLab: an approval counts when it was given while the head commit
/// was the merge request's head (after the push that made it so), by its
/// `approved_at` against the versions' `created_at`; a token that may not
/// read approvals is a warning, and then only the file's consent counts.
#[test]
fn gitlab_approvals_after_the_head_was_pushed_count_and_a_forbidden_read_is_a_warning() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on the hour.\n"),
    );
    commit(&sb, "push 1", "2026-11-02T10:00:00Z");
    let head = sb.git(&["rev-parse", "HEAD"], "2026-11-02T10:00:00Z");
    let head = head.trim();
    {
        let mut state = forge.state.lock().expect("lock");
        state.versions = vec![version(1, head, "2026-11-02T10:05:00.000Z")];
        state.approved_by = vec![
            ("ada".into(), Some("2026-11-02T11:00:00.000Z".into())),
            ("Grace".into(), Some("2026-11-02T12:00:00.000Z".into())),
        ];
    }
    let vars = gitlab_vars(&forge.url, &base, head);
    let counted = run(
        &sb,
        &["ci", "comment", "--dry-run", "--count-approvals"],
        &vars,
    );
    assert_ok(&counted);
    assert_eq!(warnings(&counted), "");
    assert!(
        counted.stdout.contains(
            "Agreed: nobody yet · Counted as consent because they approved this merge request on GitLab: @&#8203;ada, @&#8203;grace ✅\n"
        ),
        "{}",
        counted.stdout
    );
    forge.state.lock().expect("lock").approvals_forbidden = true;
    let forbidden = run(
        &sb,
        &["ci", "comment", "--dry-run", "--count-approvals"],
        &vars,
    );
    assert_ok(&forbidden);
    assert_eq!(
        warnings(&forbidden),
        "alliance: warning: --count-approvals: the token cannot read the approvals (none, or HTTP 403/404); only consent recorded in the files is counted\n"
    );
    assert!(
        forbidden
            .stdout
            .contains("Agreed: nobody yet · Not yet: @&#8203;ada, @&#8203;grace\n"),
        "{}",
        forbidden.stdout
    );
}

/// GitLab: Ada approved before the latest push, so her approval was of
/// the text before it and does not count; Grace approved after it and
/// counts. An approval GitLab gives no time for (an older GitLab without
/// `approved_at`) does not count either, and the warning says why.
#[test]
fn gitlab_an_approval_before_the_latest_push_does_not_count() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push 1", "2026-11-02T10:00:00Z");
    let old = sb.git(&["rev-parse", "HEAD"], "2026-11-02T10:00:00Z");
    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on the hour.\n"),
    );
    commit(&sb, "push 2", "2026-11-03T10:00:00Z");
    let head = sb.git(&["rev-parse", "HEAD"], "2026-11-03T10:00:00Z");
    let head = head.trim();
    {
        let mut state = forge.state.lock().expect("lock");
        state.versions = vec![
            version(2, head, "2026-11-03T10:01:00.000Z"),
            version(1, &old, "2026-11-02T10:01:00.000Z"),
        ];
        state.approved_by = vec![
            ("ada".into(), Some("2026-11-02T15:00:00.000Z".into())),
            ("grace".into(), Some("2026-11-03T10:30:00.000Z".into())),
        ];
    }
    let vars = gitlab_vars(&forge.url, &base, head);
    let result = run(
        &sb,
        &["ci", "comment", "--dry-run", "--count-approvals"],
        &vars,
    );
    assert_ok(&result);
    assert_eq!(warnings(&result), "");
    assert!(
        result.stdout.contains(
            "Agreed: nobody yet · Counted as consent because they approved this merge request on GitLab: @&#8203;grace · Not yet: @&#8203;ada\n"
        ),
        "{}",
        result.stdout
    );
    assert!(
        forge
            .requests()
            .iter()
            .any(|r| r.target == "/projects/42/merge_requests/7/versions?per_page=100&page=1")
    );

    // The same approvals without times: neither counts, and a warning says so.
    forge.state.lock().expect("lock").approved_by =
        vec![("ada".into(), None), ("grace".into(), None)];
    let untimed = run(
        &sb,
        &["ci", "comment", "--dry-run", "--count-approvals"],
        &vars,
    );
    assert_ok(&untimed);
    assert!(
        untimed
            .stdout
            .contains("Agreed: nobody yet · Not yet: @&#8203;ada, @&#8203;grace\n"),
        "{}",
        untimed.stdout
    );
    assert!(
        untimed
            .stderr
            .contains("did not say when @ada, @grace approved (no `approved_at`"),
        "{}",
        untimed.stderr
    );
}

/// GitHub: an approval of an older commit does not count, and a later
/// request for changes cancels an approval of the head.
#[test]
fn github_an_older_approval_or_a_later_change_request_does_not_count() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push 1", "2026-11-02T10:00:00Z");
    let old = sb.git(&["rev-parse", "HEAD"], "2026-11-02T10:00:00Z");
    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on the hour.\n"),
    );
    commit(&sb, "push 2", "2026-11-03T10:00:00Z");
    let head = sb.git(&["rev-parse", "HEAD"], "2026-11-03T10:00:00Z");
    let review = |login: &str, state: &str, commit: &str| serde_json::json!({"user": {"login": login}, "state": state, "commit_id": commit.trim()});
    forge.state.lock().expect("lock").reviews = vec![
        review("ada", "APPROVED", &old),
        review("grace", "APPROVED", &head),
        review("grace", "CHANGES_REQUESTED", &head),
    ];
    let env = GitHubEnv::new(&forge.url, &base);
    std::fs::write(
        &env.event,
        serde_json::json!({"pull_request": {"number": 5, "base": {"sha": base}, "head": {"sha": head.trim()}}})
            .to_string(),
    )
    .expect("write event");
    let result = run(
        &sb,
        &["ci", "comment", "--dry-run", "--count-approvals"],
        &env.vars(),
    );
    assert_ok(&result);
    assert!(
        result
            .stdout
            .contains("Agreed: nobody yet · Not yet: @&#8203;ada, @&#8203;grace\n"),
        "{}",
        result.stdout
    );

    // Grace approves again: her latest word is an approval of the head.
    forge
        .state
        .lock()
        .expect("lock")
        .reviews
        .push(review("grace", "APPROVED", &head));
    let again = run(
        &sb,
        &["ci", "comment", "--dry-run", "--count-approvals"],
        &env.vars(),
    );
    assert!(
        again.stdout.contains(
            "Counted as consent because they approved this pull request on GitHub: @&#8203;grace · Not yet: @&#8203;ada\n"
        ),
        "{}",
        again.stdout
    );
}

/// A change to TEAM_ALLIANCE.md on the `pr` branch, for the comment tests.
fn changed_repository() -> (Sandbox, String) {
    let (sb, base) = repository();
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    (sb, base)
}

fn marked(text: &str) -> String {
    format!("{MARKER} (updated in place by `alliance ci comment`) -->\n{text}")
}

/// The Actions `GITHUB_TOKEN` cannot ask `GET /user` (403); GraphQL's
/// viewer says it is github-actions[bot], whose comment is updated.
#[test]
fn github_token_identity_comes_from_graphql_and_its_comment_is_updated() {
    let forge = MockForge::start();
    let (sb, base) = changed_repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    let ours = forge.add_comment(&marked("old text"), true);
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&result);
    assert_eq!(
        result.stdout,
        format!("updated comment {ours} on pull request #5 of alliance-cli/demo\n")
    );
    let comments = forge.comments();
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("Changed `TEAM_ALLIANCE.md`"));
    let requests = forge.requests();
    let asked: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.target.as_str()))
        .collect();
    assert_eq!(
        asked,
        [
            (
                "GET",
                "/repos/alliance-cli/demo/issues/5/comments?per_page=100&page=1"
            ),
            ("GET", "/user"),
            ("POST", "/graphql"),
            (
                "PATCH",
                format!("/repos/alliance-cli/demo/issues/comments/{ours}").as_str()
            ),
        ]
    );
    assert!(requests[2].body.contains("viewer"), "{}", requests[2].body);
}

/// A personal access token: `GET /user` says who it is, and GraphQL is not
/// asked.
#[test]
fn github_personal_token_identity_comes_from_get_user() {
    let forge = MockForge::start();
    forge.set_token_user(User::new(99, "alliance-bot", false), Whoami::User);
    let (sb, base) = changed_repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    let ours = forge.add_comment(&marked("old text"), true);
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&result);
    assert!(
        result
            .stdout
            .starts_with(&format!("updated comment {ours} ")),
        "{}",
        result.stdout
    );
    assert!(!forge.requests().iter().any(|r| r.target == "/graphql"));
}

/// Mallory pastes the marker into a comment of her own: it is never
/// edited, ours is posted beside it and says so, and on the next push ours
/// is the one updated.
#[test]
fn github_a_marked_comment_by_someone_else_is_left_alone_and_named() {
    let forge = MockForge::start();
    let (sb, base) = changed_repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    let mallory = User::new(666, "mallory", false);
    let hers = forge.add_comment_by(&marked("Approved by everyone!"), mallory.clone());
    let first = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&first);
    assert!(
        first.stdout.contains("left alone the comments on pull request #5 of alliance-cli/demo by @mallory that carry alliance's marker"),
        "{}",
        first.stdout
    );
    assert!(first.stdout.contains("posted comment"), "{}", first.stdout);
    let comments = forge.comments();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].id, hers);
    assert_eq!(comments[0].body, marked("Approved by everyone!"));
    let ours = &comments[1];
    assert_eq!(ours.author, User::github_actions());
    assert!(
        ours.body.contains("\nA comment by @&#8203;mallory also carries this comment's marker; it was not written by alliance and was left alone.\n"),
        "{}",
        ours.body
    );

    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on time.\n- We write it down.\n"),
    );
    commit(&sb, "push 2", "2026-11-03T10:00:00Z");
    let second = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&second);
    assert!(
        second
            .stdout
            .contains(&format!("updated comment {} ", ours.id)),
        "{}",
        second.stdout
    );
    let comments = forge.comments();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].body, marked("Approved by everyone!"));
    assert!(comments[1].body.contains("We write it down."));
    let hers_path = format!("/repos/alliance-cli/demo/issues/comments/{hers}");
    assert!(!forge.requests().iter().any(|r| r.target == hers_path));
}

/// When the forge will not say whose the token is, no marked comment can
/// be told to be ours: nothing is written and the run fails (exit 2) with
/// what each way of asking answered. With no marked comment at all, the
/// question is not needed and the comment is posted.
#[test]
fn an_unknown_token_owner_is_exit_2_and_nothing_is_written() {
    let forge = MockForge::start();
    forge.set_token_user(User::github_actions(), Whoami::Nobody);
    let (sb, base) = changed_repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    forge.add_comment_by(&marked("hello"), User::new(666, "mallory", false));
    let result = run(&sb, &["ci", "comment"], &gh.vars());
    assert_eq!(result.code, 2, "{}\n{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("cannot tell which comment carrying alliance's marker is its own, so nothing was posted: the forge did not say whose the token is (GET /user: HTTP 403: Resource not accessible by integration; GraphQL viewer: HTTP 200: Resource not accessible by integration)"),
        "{}",
        result.stderr
    );
    assert_eq!(result.stderr.lines().count(), 1, "{}", result.stderr);
    assert_eq!(writes(&forge), 0);

    let fresh = MockForge::start();
    fresh.set_token_user(User::github_actions(), Whoami::Nobody);
    let gh = GitHubEnv::new(&fresh.url, &base);
    let posted = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&posted);
    assert_eq!(fresh.comments().len(), 1);
}

/// GitLab: notes are ours by the token's user id (`GET /user`), never by
/// a username that looks like a project bot's.
#[test]
fn gitlab_the_tokens_own_note_is_found_by_id_not_by_a_bot_like_name() {
    let forge = MockForge::start();
    forge.set_token_user(project_bot(), Whoami::User);
    let (sb, base) = changed_repository();
    let head = sb.git(&["rev-parse", "HEAD"], "2026-11-02T10:00:00Z");
    let impostor = User::new(901, "project_5_bot_x", false);
    let theirs = forge.add_comment_by(&marked("theirs"), impostor);
    let vars = gitlab_vars(&forge.url, &base, head.trim());

    // Only the impostor's note: a note of ours is posted beside it.
    let first = run(&sb, &["ci", "comment"], &vars);
    assert_ok(&first);
    assert!(first.stdout.contains("posted comment"), "{}", first.stdout);
    let comments = forge.comments();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].body, marked("theirs"));
    assert_eq!(comments[1].author, project_bot());
    assert!(
        comments[1].body.contains(
            "A comment by @&#8203;project\\_5\\_bot\\_x also carries this comment's marker"
        ),
        "{}",
        comments[1].body
    );
    let ours = comments[1].id;

    // The next push updates ours, by its id.
    sb.write(
        "TEAM_ALLIANCE.md",
        team("- We start meetings on time.\n- We write it down.\n"),
    );
    commit(&sb, "push 2", "2026-11-03T10:00:00Z");
    let second = run(&sb, &["ci", "comment"], &vars);
    assert_ok(&second);
    assert!(
        second.stdout.contains(&format!("updated comment {ours} ")),
        "{}",
        second.stdout
    );
    let comments = forge.comments();
    assert_eq!(comments[0].body, marked("theirs"));
    assert!(comments[1].body.contains("We write it down."));
    let requests = forge.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.method == "GET" && r.target == "/user")
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.target.ends_with(&format!("/notes/{theirs}")))
    );
}

/// `alliance ARGS` in `sb` as [`run`] does, started under `prlimit
/// --as=1 GiB`: a run that would need gigabytes fails to allocate (and
/// aborts, exit 134) instead of taking the machine.
fn run_bounded(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let prlimit = "/usr/bin/prlimit";
    assert!(
        Path::new(prlimit).exists(),
        "this case needs prlimit (util-linux) to bound memory"
    );
    let output = Command::new(prlimit)
        .arg(format!("--as={}", 1024 * 1024 * 1024))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_alliance"))
        .args(args)
        .current_dir(sb.path())
        .env_clear()
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", sb.path())
        .env("TZ", "UTC")
        .env("ALLIANCE_TODAY", "2026-11-22")
        .envs(env.iter().copied())
        .output()
        .expect("run alliance under prlimit");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A forge that answers every request with a redirect to another server:
/// the request is not sent on, so the token never reaches the other host,
/// and the command fails naming the status and where it pointed. GitHub's
/// `Authorization` and GitLab's `PRIVATE-TOKEN` alike.
#[test]
fn a_redirect_is_never_followed_so_the_token_stays_with_the_api_host() {
    let (sb, base) = repository();
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    for gitlab in [false, true] {
        let forge = MockForge::start();
        let elsewhere = MockForge::start();
        forge.state.lock().expect("lock").redirect_to = Some(elsewhere.url.clone());
        let gh = GitHubEnv::new(&forge.url, &base);
        let vars = if gitlab {
            gitlab_vars(&forge.url, &base, "head")
        } else {
            gh.vars()
        };
        let result = run(&sb, &["ci", "comment"], &vars);
        assert_eq!(result.code, 2, "{}", result.stderr);
        let host = elsewhere.url.trim_start_matches("http://");
        assert!(
            result
                .stderr
                .contains(&format!("HTTP 302, a redirect to {host}"))
                && result.stderr.contains("follows no redirect"),
            "{}",
            result.stderr
        );
        assert!(elsewhere.requests().is_empty(), "the other host was asked");
        assert_eq!(forge.requests().len(), 1);
        assert!(!result.stderr.contains("t0ken") && !result.stderr.contains("glpat-secret"));
    }
}

/// The token would cross the network in clear text: `http://` is refused
/// unless the host is this machine (as the mock forge is).
#[test]
fn a_plain_http_api_url_is_refused_unless_it_is_this_machine() {
    let (sb, base) = repository();
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    let gh = GitHubEnv::new("http://example.com", &base);
    let github = run(&sb, &["ci", "comment"], &gh.vars());
    let gitlab = run(
        &sb,
        &["ci", "comment"],
        &gitlab_vars("http://example.com/api/v4", &base, "head"),
    );
    for (result, var) in [(github, "GITHUB_API_URL"), (gitlab, "CI_API_V4_URL")] {
        assert_eq!(result.code, 2, "{}", result.stderr);
        assert!(
            result
                .stderr
                .contains(&format!("{var}=\"http://example.com"))
                && result.stderr.contains(
                    "plain http would send the token across the network unencrypted: use https://"
                ),
            "{}",
            result.stderr
        );
    }
}

/// An answer of 20 MiB is not read past 8 MiB: the command fails saying
/// so, within 1 GiB of address space (a whole read and a tree of it once
/// aborted there). An answer of 6 MiB, a page a real forge can send, is
/// read within the same bound.
#[test]
fn an_oversize_answer_fails_clearly_within_the_memory_bound() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    forge.state.lock().expect("lock").oversize = Some(20 * 1024 * 1024);
    let huge = run_bounded(&sb, &["ci", "comment"], &gh.vars());
    assert_eq!(huge.code, 2, "{}", huge.stderr);
    assert!(
        huge.stderr.contains(
            "/repos/alliance-cli/demo/issues/5/comments?per_page=100&page=1: the answer is larger than 8 MiB"
        ),
        "{}",
        huge.stderr
    );
    assert!(forge.comments().is_empty());

    forge.state.lock().expect("lock").oversize = Some(6 * 1024 * 1024);
    let large = run_bounded(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&large);
    assert_eq!(forge.comments().len(), 1);
}

/// A forge that sends the start of an answer and then a byte a second is
/// given up on: one request may take ALLIANCE_HTTP_TIMEOUT seconds, the
/// command six times that, retries included.
#[test]
fn a_forge_that_stalls_mid_answer_is_given_up_on() {
    let forge = MockForge::start();
    let (sb, base) = repository();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write("TEAM_ALLIANCE.md", team("- We start meetings on time.\n"));
    commit(&sb, "push", "2026-11-02T10:00:00Z");
    forge.state.lock().expect("lock").stall = true;
    let mut vars = gh.vars();
    vars.push(("ALLIANCE_HTTP_TIMEOUT", "1"));
    let result = run(&sb, &["ci", "comment"], &vars);
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(
        result.stderr.contains("no whole answer within 1 s")
            || result
                .stderr
                .contains("gave up: the forge took more than 6 s in all"),
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("ALLIANCE_HTTP_TIMEOUT"));
    assert!(forge.comments().is_empty());
}

/// A repository whose `.alliance.yaml` names a kinds folder with a `squad`
/// kind (extending `team`), a squad alliance and a team one, on `main`;
/// the `pr` branch checked out.
fn repository_with_kinds() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let date = "2026-11-01T10:00:00Z";
    sb.git(&["init", "-q", "-b", "main"], date);
    sb.write(".alliance.yaml", "kinds: alliance-kinds\n");
    sb.write(
        "alliance-kinds/squad.kind.yaml",
        "name: squad\nextends: team\ndefault_every: 3 months\n",
    );
    sb.write(
        "SQUAD_ALLIANCE.md",
        team(BASE_ITEMS).replace("alliance: team", "alliance: squad"),
    );
    sb.write(
        "ops/TEAM_ALLIANCE.md",
        team(BASE_ITEMS)
            .replace("handle: ada", "handle: linus")
            .replace("handle: grace", "handle: margaret"),
    );
    sb.git(&["add", "."], date);
    sb.git(&["commit", "-qm", "base"], date);
    let base = sb.git(&["rev-parse", "HEAD"], date);
    sb.git(&["checkout", "-qb", "pr"], date);
    (sb, base.trim().to_owned())
}

#[test]
fn a_kind_made_laxer_names_the_alliances_it_affects_and_the_rule_change() {
    let forge = MockForge::start();
    let (sb, base) = repository_with_kinds();
    let gh = GitHubEnv::new(&forge.url, &base);
    sb.write(
        "alliance-kinds/squad.kind.yaml",
        "name: squad\nextends: team\ndefault_every: 6 months\nsections:\n  - name: Atmosphere\n    required: false\n  - name: Agreements\n    aliases: [House rules]\n",
    );
    commit(&sb, "relax the squad kind", "2026-11-02T10:00:00Z");
    let posted = run(&sb, &["ci", "comment"], &gh.vars());
    assert_ok(&posted);
    let comments = forge.comments();
    assert_eq!(comments.len(), 1);
    let body = &comments[0].body;
    assert!(
        body.contains("## Alliances: No changes to alliances; rules changed in 1 file"),
        "{body}"
    );
    assert!(
        body.contains("### 📐 Rules changed: `alliance-kinds/squad.kind.yaml`\n\nAffects 1 alliance: `SQUAD_ALLIANCE.md`."),
        "{body}"
    );
    for line in [
        "- `squad`: section “Atmosphere” made optional (no longer required)\n",
        "- `squad`: section “Agreements” also accepts the heading “House rules”\n",
        "- `squad`: cadence (`default_every`) `3 months` → `6 months`\n",
    ] {
        assert!(body.contains(line), "{line} not in {body}");
    }
    // The team alliance's kind is built in: its rules did not change.
    assert!(!body.contains("ops/TEAM_ALLIANCE.md"), "{body}");
    assert!(!body.contains("does not touch any alliance"), "{body}");
    // The job summary says the same.
    let summary = run(&sb, &["ci", "summary"], &gh.vars());
    assert_ok(&summary);
    let text = std::fs::read_to_string(&gh.summary).expect("summary written");
    assert!(
        text.contains("#### 📐 Rules changed: `alliance-kinds/squad.kind.yaml`"),
        "{text}"
    );
    assert!(
        text.contains("made optional (no longer required)"),
        "{text}"
    );
}

#[test]
fn the_settings_changed_affect_every_alliance_and_rule_text_is_escaped() {
    let (sb, base) = repository_with_kinds();
    sb.write(
        ".alliance.yaml",
        "kinds: alliance-kinds\nexclude: [drafts]\n",
    );
    sb.write(
        "alliance-kinds/squad.kind.yaml",
        "name: squad\nextends: team\nsections:\n  - name: \"<!-- @mallory ![x](y) -->\"\n    content: optional\n    required: false\n",
    );
    commit(
        &sb,
        "settings and a hostile section",
        "2026-11-02T10:00:00Z",
    );
    let result = run(&sb, &["ci", "comment", "--dry-run", "--base", &base], &[]);
    assert_ok(&result);
    let body = &result.stdout;
    assert!(
        body.contains("### 📐 Rules changed: `.alliance.yaml`\n\nAffects 2 alliances: `SQUAD_ALLIANCE.md`, `ops/TEAM_ALLIANCE.md`."),
        "{body}"
    );
    assert!(
        body.contains("- the settings were changed: every alliance is affected\n"),
        "{body}"
    );
    assert!(body.contains("section “"), "{body}");
    assert_eq!(body.matches("<!--").count(), 1, "{body}");
    assert!(!body.contains("@mallory"), "{body}");
}
