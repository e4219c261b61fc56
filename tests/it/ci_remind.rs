//! `alliance ci remind` against a mock of the GitHub and GitLab issue APIs
//! on 127.0.0.1: one issue per alliance with something due, created once,
//! found again by its marker and updated in place, left alone when a
//! person edited it, closed once the review is recorded; a read-only
//! token, a hundred and more issues, a hostile title, GitLab. Each test
//! builds its own repository and runs the binary from a cleared
//! environment with a pinned day.

use std::process::Command;

use crate::common::forge::{MockForge, User};
use crate::common::{Run, Sandbox};

const MARKER: &str = "<!-- alliance-review path=TEAM_ALLIANCE.md sha256=";

/// An alliance whose review fell due on 2026-11-01 (last + 3 months), with
/// one item to review on 2026-11-30 (Grace owns it) and one much later.
fn team(title: &str, last: &str) -> String {
    format!(
        "---\nalliance: team\ntitle: {title}\nparties:\n  - name: Ada Lovelace\n    handle: ada\n  - name: Grace Hopper\n    handle: grace\nstatus: active\ncreated: 2026-01-10\nreview:\n  every: 3 months\n  last: {last}\n---\n\n# Payments\n\n## Purpose\n\nWe ship payments.\n\n## Atmosphere\n\n- We are kind.\n\n## Co-responsibility\n\n- Ada owns the roadmap.\n\n## Agreements\n\n- We reply within a day. [review:: 2026-11-30] [owner:: @grace]\n- We rotate on-call. [review:: 2027-06-01]\n\n## When it gets hard\n\n- We talk it through.\n"
    )
}

fn repository(title: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", team(title, "2026-08-01"));
    sb.git(&["add", "."], "2026-11-01T10:00:00Z");
    sb.git(&["commit", "-qm", "base"], "2026-11-01T10:00:00Z");
    sb
}

/// `alliance ci remind ARGS` in `sb` on `today`, with only `env`.
fn remind(sb: &Sandbox, today: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_alliance"))
        .args(["ci", "remind"])
        .args(args)
        .current_dir(sb.path())
        .env_clear()
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", sb.path())
        .env("TZ", "UTC")
        .env("ALLIANCE_TODAY", today)
        .envs(env.iter().copied())
        .output()
        .expect("run alliance");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn github(url: &str) -> Vec<(&str, &str)> {
    vec![
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_API_URL", url),
        ("GITHUB_REPOSITORY", "alliance-cli/demo"),
        ("GITHUB_TOKEN", "t0ken"),
    ]
}

fn assert_ok(run: &Run) {
    assert_eq!(
        run.code, 0,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
}

/// Requests that write.
fn writes(forge: &MockForge) -> usize {
    forge
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && !r.target.ends_with("/graphql"))
        .count()
}

#[test]
fn one_issue_created_then_found_again_and_updated_in_place() {
    let forge = MockForge::start();
    forge.add_assignable("ada", 7);
    let sb = repository("Payments");
    let env = github(&forge.url);

    let first = remind(&sb, "2026-11-22", &[], &env);
    assert_ok(&first);
    assert!(
        first
            .stdout
            .contains("opened issue #1 for TEAM_ALLIANCE.md"),
        "{}",
        first.stdout
    );
    let issues = forge.issues();
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue.title, "Review overdue: Payments");
    assert!(issue.body.starts_with(MARKER), "{}", issue.body);
    assert_eq!(issue.labels, ["alliance-review"]);
    // Grace is no assignee of this repository: only Ada is assigned.
    assert_eq!(issue.assignees, [serde_json::json!("ada")]);
    assert!(
        issue.body.contains(
            "| The alliance's review | 2026-11-01 (21 days overdue) | @&#8203;ada, @&#8203;grace |"
        ),
        "{}",
        issue.body
    );
    assert!(issue.body.contains("| Item: We reply within a day. (in Agreements) | 2026-11-30 (in 8 days) | @&#8203;grace |"), "{}", issue.body);
    assert!(
        !issue.body.contains("on-call"),
        "not due within 14 days: {}",
        issue.body
    );
    assert!(issue.body.contains("`alliance review TEAM_ALLIANCE.md`"));

    // The same day again: found by its marker, nothing written.
    let before = writes(&forge);
    let again = remind(&sb, "2026-11-22", &[], &env);
    assert_ok(&again);
    assert!(
        again
            .stdout
            .contains("issue #1 for TEAM_ALLIANCE.md is up to date"),
        "{}",
        again.stdout
    );
    assert_eq!(forge.issues().len(), 1);
    assert_eq!(writes(&forge), before);

    // A later day, and a retitled issue: rewritten in place, not found by title.
    forge.state.lock().unwrap().issues[0].title = "Renamed by the tool long ago".to_owned();
    let later = remind(&sb, "2026-11-25", &[], &env);
    assert_ok(&later);
    assert!(
        later.stdout.contains("updated issue #1"),
        "{}",
        later.stdout
    );
    let issues = forge.issues();
    assert_eq!(issues.len(), 1);
    assert!(
        issues[0].body.contains("24 days overdue"),
        "{}",
        issues[0].body
    );
    assert_eq!(issues[0].title, "Review overdue: Payments");
}

#[test]
fn an_issue_a_person_edited_is_left_alone_and_commented_on_once() {
    let forge = MockForge::start();
    let sb = repository("Payments");
    let env = github(&forge.url);
    assert_ok(&remind(&sb, "2026-11-22", &[], &env));
    let written = forge.issues()[0].body.clone();
    let edited = format!("{written}\nWe meet on Thursday for this.\n");
    forge.edit_issue(1, &edited);

    let run = remind(&sb, "2026-11-25", &[], &env);
    assert_ok(&run);
    assert!(
        run.stdout.contains("was edited by hand: commented instead"),
        "{}",
        run.stdout
    );
    let issue = &forge.issues()[0];
    assert_eq!(issue.body, edited, "the person's text is kept");
    assert_eq!(issue.comments.len(), 1);
    let comment = &issue.comments[0].body;
    assert!(comment.starts_with("<!-- alliance-review-update sha256="));
    assert!(comment.contains("24 days overdue"), "{comment}");

    // The same news is not commented twice.
    let again = remind(&sb, "2026-11-25", &[], &env);
    assert_ok(&again);
    assert!(
        again.stdout.contains("its comment is up to date"),
        "{}",
        again.stdout
    );
    assert_eq!(forge.issues()[0].comments.len(), 1);
}

#[test]
fn the_issue_is_closed_with_a_comment_once_the_review_is_recorded() {
    let forge = MockForge::start();
    let sb = repository("Payments");
    let env = github(&forge.url);
    assert_ok(&remind(&sb, "2026-12-02", &[], &env));
    assert_eq!(forge.open_issues().len(), 1);

    // The review is recorded, and the item's date is moved on.
    sb.write(
        "TEAM_ALLIANCE.md",
        team("Payments", "2026-12-01").replace("2026-11-30", "2027-03-01"),
    );
    let run = remind(&sb, "2026-12-02", &[], &env);
    assert_ok(&run);
    assert!(
        run.stdout.contains("closed issue #1 for TEAM_ALLIANCE.md"),
        "{}",
        run.stdout
    );
    let issue = &forge.issues()[0];
    assert!(!issue.open);
    assert_eq!(issue.comments.len(), 1);
    assert!(
        issue.comments[0]
            .body
            .contains("Nothing in `TEAM_ALLIANCE.md` is overdue or due by 2026-12-16 any more"),
        "{}",
        issue.comments[0].body
    );
    // Nothing due: nothing opened again.
    let quiet = remind(&sb, "2026-12-02", &[], &env);
    assert_ok(&quiet);
    assert!(
        quiet.stdout.contains("nothing is due by 2026-12-16"),
        "{}",
        quiet.stdout
    );
    assert_eq!(forge.issues().len(), 1);
}

#[test]
fn the_issue_of_a_deleted_alliance_is_closed_even_when_none_is_left() {
    let forge = MockForge::start();
    let sb = repository("Payments");
    let env = github(&forge.url);
    assert_ok(&remind(&sb, "2026-12-02", &[], &env));
    assert_eq!(forge.open_issues().len(), 1);
    // The team retires its only alliance by deleting it.
    std::fs::remove_file(sb.path().join("TEAM_ALLIANCE.md")).expect("rm");
    let run = remind(&sb, "2026-12-02", &[], &env);
    assert_ok(&run);
    assert!(
        run.stdout.contains("closed issue #1 for TEAM_ALLIANCE.md"),
        "{}",
        run.stdout
    );
    assert!(forge.open_issues().is_empty());
}

#[test]
fn a_new_issue_answered_without_its_number_is_the_forges_fault_not_issue_0() {
    let forge = MockForge::start();
    forge.state.lock().expect("state").numberless = true;
    let sb = repository("Payments");
    let run = remind(&sb, "2026-12-02", &[], &github(&forge.url));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(!run.stdout.contains("#0"), "{}", run.stdout);
    assert!(
        run.stderr.contains("the new issue's number is missing"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_token_that_may_not_write_issues_is_a_warning_and_exit_0() {
    let forge = MockForge::start();
    forge.set_read_only(true);
    let sb = repository("Payments");
    let run = remind(&sb, "2026-11-22", &[], &github(&forge.url));
    assert_ok(&run);
    assert!(
        run.stdout.starts_with("::warning title=alliance ci remind::cannot keep reminder issues in the issues of alliance-cli/demo: the token may not write issues (Resource not accessible by integration)"),
        "{}",
        run.stdout
    );
    assert!(forge.issues().is_empty());
}

#[test]
fn our_issue_is_found_past_the_first_hundred_and_others_are_never_touched() {
    let forge = MockForge::start();
    for n in 0..150 {
        forge.add_issue(&format!("Bug {n}"), "It breaks.", User::grace());
    }
    // A person's issue carrying a copied marker is not ours.
    let copied = format!("{MARKER}0 -->\nMy own notes.");
    forge.add_issue("Review overdue: Payments", &copied, User::grace());
    let sb = repository("Payments");
    let env = github(&forge.url);
    let first = remind(&sb, "2026-11-22", &[], &env);
    assert_ok(&first);
    assert!(
        first.stdout.contains("opened issue #152"),
        "{}",
        first.stdout
    );
    let again = remind(&sb, "2026-11-22", &[], &env);
    assert_ok(&again);
    assert!(
        again
            .stdout
            .contains("issue #152 for TEAM_ALLIANCE.md is up to date"),
        "{}",
        again.stdout
    );
    assert_eq!(forge.issues().len(), 152);
    assert_eq!(forge.issues()[150].body, copied);
    assert!(
        forge.requests().iter().any(|r| r.method == "GET"
            && r.target.contains("/issues?")
            && r.target.contains("page=2")),
        "the second page was read"
    );
}

#[test]
fn a_hostile_title_mentions_nobody_and_links_nothing() {
    let forge = MockForge::start();
    let sb = repository(
        "\"@everyone <img src=x onerror=alert(1)> [win](https://evil.example) #1 <!-- x -->\"",
    );
    let run = remind(&sb, "2026-11-22", &[], &github(&forge.url));
    assert_ok(&run);
    let issue = &forge.issues()[0];
    for text in [&issue.title, &issue.body] {
        assert!(!text.contains("@everyone"), "{text}");
        assert!(!text.contains("#1 "), "{text}");
        assert!(!text.contains("https://"), "{text}");
    }
    assert!(issue.title.contains("@\u{200b}everyone"), "{}", issue.title);
    assert!(!issue.body.contains("<img"), "{}", issue.body);
    assert!(!issue.body.contains("[win]("), "{}", issue.body);
    assert!(issue.body.contains(r"\[win\]"), "{}", issue.body);
    // The only HTML comment is the marker, on the first line.
    assert_eq!(issue.body.matches("<!--").count(), 1, "{}", issue.body);
    assert!(!run.stdout.contains('\u{1b}'));
}

#[test]
fn dry_run_reads_and_writes_nothing() {
    let forge = MockForge::start();
    let sb = repository("Payments");
    let env = github(&forge.url);
    let run = remind(&sb, "2026-11-22", &["--dry-run"], &env);
    assert_ok(&run);
    assert!(run.stdout.contains("would open an issue for TEAM_ALLIANCE.md (Review overdue: Payments), assigned to @ada, @grace where the forge accepts them"), "{}", run.stdout);
    assert_eq!(writes(&forge), 0);
    assert!(forge.issues().is_empty());

    // Outside CI: the issues it would keep, with their text.
    let offline = remind(&sb, "2026-11-22", &["--dry-run"], &[]);
    assert_ok(&offline);
    assert!(
        offline
            .stdout
            .contains("TEAM_ALLIANCE.md: Review overdue: Payments"),
        "{}",
        offline.stdout
    );
    let outside = remind(&sb, "2026-11-22", &[], &[]);
    assert_eq!(outside.code, 2, "{}", outside.stderr);
}

#[test]
fn gitlab_issue_created_with_assignee_ids_then_updated() {
    let forge = MockForge::start();
    forge.set_token_user(
        User::new(900, "project_42_bot_1", false),
        crate::common::forge::Whoami::User,
    );
    forge.add_assignable("grace", 2);
    let sb = repository("Payments");
    let env = [
        ("GITLAB_CI", "true"),
        ("CI_API_V4_URL", forge.url.as_str()),
        ("CI_PROJECT_ID", "42"),
        ("ALLIANCE_GITLAB_TOKEN", "glpat-x"),
    ];
    let first = remind(&sb, "2026-11-22", &[], &env);
    assert_ok(&first);
    let issue = &forge.issues()[0];
    assert!(issue.body.starts_with(MARKER));
    assert_eq!(issue.labels, ["alliance-review"]);
    assert_eq!(issue.assignees, [serde_json::json!(2)]);
    let posted = forge
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(posted.target, "/projects/42/issues");
    assert_eq!(posted.header("private-token"), Some("glpat-x"));
    assert!(posted.header("authorization").is_none());

    let later = remind(&sb, "2026-11-25", &[], &env);
    assert_ok(&later);
    assert!(
        later.stdout.contains("updated issue #1"),
        "{}",
        later.stdout
    );
    assert_eq!(forge.issues().len(), 1);
}
