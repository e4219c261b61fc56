//! `alliance log` and `alliance diff`: hermetic repositories built by each
//! test (pinned identity and dates, no global git config).

use crate::common::{Run, Sandbox};

fn doc(last: &str, parties: &str, agreements: &str, conflict: &str) -> String {
    format!(
        "---\nalliance: team\ntitle: Payments\nparties:\n{parties}review:\n  every: 3 months\n  last: {last}\n---\n\n# Payments\n\n## Agreements\n\n{agreements}\n## Conflict\n\n{conflict}"
    )
}

const ADA: &str = "  - name: Ada Lovelace\n    handle: ada\n";
const ADA_GRACE: &str =
    "  - name: Ada Lovelace\n    handle: ada\n  - name: Grace Hopper\n    handle: grace\n";

/// Three reviews: January (created), April (a reword, Grace joins, after a
/// non-review commit that added an item), July (a removal and a move, after
/// the file was renamed from TEAM.md to TEAM_ALLIANCE.md).
fn three_reviews() -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-01-10T10:00:00Z");
    sb.write(
        "TEAM.md",
        doc(
            "2026-01-10",
            ADA,
            "- We start meetings on time.\n- We reply to reviews within one working day.\n- We pair on hard problems.\n",
            "- We talk it through face to face.\n",
        ),
    );
    sb.git(&["add", "."], "2026-01-10T10:00:00Z");
    sb.git(
        &["commit", "-qm", "Our first alliance"],
        "2026-01-10T10:00:00Z",
    );

    sb.write(
        "TEAM.md",
        doc(
            "2026-01-10",
            ADA,
            "- We start meetings on time.\n- We reply to reviews within one working day.\n- We pair on hard problems.\n- We demo on Fridays.\n",
            "- We talk it through face to face.\n",
        ),
    );
    sb.git(
        &["commit", "-qam", "Propose Friday demos"],
        "2026-02-01T10:00:00Z",
    );

    sb.write(
        "TEAM.md",
        doc(
            "2026-04-10",
            ADA_GRACE,
            "- We start meetings on time.\n- We reply to reviews within two working days.\n- We pair on hard problems.\n- We demo on Fridays.\n",
            "- We talk it through face to face.\n",
        ),
    );
    sb.git(&["commit", "-qam", "April review"], "2026-04-10T10:00:00Z");

    sb.git(
        &["mv", "TEAM.md", "TEAM_ALLIANCE.md"],
        "2026-05-01T10:00:00Z",
    );
    sb.git(&["commit", "-qm", "Rename"], "2026-05-01T10:00:00Z");

    sb.write(
        "TEAM_ALLIANCE.md",
        doc(
            "2026-07-10",
            ADA_GRACE,
            "- We reply to reviews within two working days.\n- We demo on Fridays.\n",
            "- We talk it through face to face.\n- We pair on hard problems.\n",
        ),
    );
    sb.git(&["commit", "-qam", "July review"], "2026-07-10T10:00:00Z");
    sb
}

fn assert_run(run: &Run, code: i32, stdout: &str) {
    assert_eq!(run.stdout, stdout, "stderr: {}", run.stderr);
    assert_eq!(run.code, code, "stderr: {}", run.stderr);
}

fn assert_fails(run: &Run, message: &str) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(run.stderr.contains(message), "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
}

#[test]
fn log_lists_three_reviews_through_a_rename() {
    let sb = three_reviews();
    let run = sb.run(&["log", "TEAM_ALLIANCE.md"]);
    assert_run(&run, 0, &with_commits(&sb, LOG_HUMAN));
}

const LOG_HUMAN: &str = "\
TEAM_ALLIANCE.md: 3 reviews
2026-01-10  COMMIT1  Ada Lovelace  first version: 4 agreements in 2 sections, 1 party
2026-04-10  COMMIT3  Ada Lovelace  2 commits: 1 agreement added, 1 reworded, 1 party joined, 1 other change in the front matter
2026-07-10  COMMIT5  Ada Lovelace  2 commits: 1 agreement removed, 1 moved, 1 other change in the front matter (renamed from TEAM.md)
";

#[test]
fn log_json() {
    let sb = three_reviews();
    let json = sb
        .run(&["log", "TEAM_ALLIANCE.md", "--format", "json"])
        .json();
    let reviews = json["reviews"].as_array().expect("reviews");
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[1]["date"], "2026-04-10");
    assert_eq!(reviews[1]["commits"], 2);
    assert_eq!(reviews[1]["counts"]["added"], 1);
    assert_eq!(reviews[1]["counts"]["reworded"], 1);
    assert_eq!(reviews[1]["counts"]["joined"], 1);
    assert_eq!(reviews[2]["path"], "TEAM_ALLIANCE.md");
    assert_eq!(reviews[0]["path"], "TEAM.md");
    assert_eq!(json["since_last_review"], serde_json::Value::Null);
    assert_eq!(json["truncated_at"], serde_json::Value::Null);
}

#[test]
fn log_counts_commits_since_the_last_review() {
    let sb = three_reviews();
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace("- We demo on Fridays.\n", "");
    sb.write("TEAM_ALLIANCE.md", text);
    sb.git(&["commit", "-qam", "Drop demos"], "2026-08-01T10:00:00Z");
    let run = sb.run(&["log", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .ends_with("since the last review: 1 commit: 1 agreement removed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_between_reviews_follows_the_old_name() {
    let sb = three_reviews();
    let run = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--from",
        "HEAD~2",
        "--to",
        "HEAD",
    ]);
    assert_run(&run, 0, &with_commits(&sb, DIFF_HUMAN));
}

const DIFF_HUMAN: &str = "\
TEAM_ALLIANCE.md: from HEAD~2 (COMMIT3) to HEAD (COMMIT5)
1 agreement removed, 1 moved, 1 other change in the front matter

review.last: 2026-04-10 → 2026-07-10

## Agreements
  - We start meetings on time.

## Conflict
  > We pair on hard problems. (moved from Agreements)
";

#[test]
fn diff_defaults_to_last_review_against_working_tree() {
    let sb = three_reviews();
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace(
            "within two working days",
            "within one working day, or say why",
        )
        .replace("  - name: Grace Hopper\n    handle: grace\n", "")
        .replace("every: 3 months", "every: 2 months")
        + "\n## Celebrations\n\n- We mark every release with cake.\n";
    sb.write("TEAM_ALLIANCE.md", text);
    let run = sb.run(&["diff", "TEAM_ALLIANCE.md"]);
    assert_run(&run, 0, &with_commits(&sb, DEFAULT_HUMAN));
    let run = sb.run(&["diff", "TEAM_ALLIANCE.md", "--exit-code"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

const DEFAULT_HUMAN: &str = "\
TEAM_ALLIANCE.md: from the review of 2026-07-10 (COMMIT5) to the working tree
1 agreement added, 1 reworded, 1 party left, 1 section added, removed or renamed, 1 other change in the front matter

- Grace Hopper (@grace) left
cadence: 3 months → 2 months

## Agreements
  ~ We reply to reviews within [-two-]{+one+} working [-days.-]{+day, or say why.+}

+ ## Celebrations (new section)
  + We mark every release with cake.

unchanged: Conflict
";

#[test]
fn diff_markdown_is_a_pull_request_comment() {
    let sb = three_reviews();
    sb.git(&["checkout", "-qb", "feature"], "2026-08-01T10:00:00Z");
    let text = sb.read("TEAM_ALLIANCE.md").replace(
        "- We demo on Fridays.\n",
        "- We demo on Fridays.\n- We keep one meeting-free day. [owner:: @ada]\n",
    );
    sb.write("TEAM_ALLIANCE.md", text);
    sb.git(
        &["commit", "-qam", "Propose a quiet day"],
        "2026-08-02T10:00:00Z",
    );
    // main moves on meanwhile, without touching the alliance.
    sb.git(&["checkout", "-q", "main"], "2026-08-03T10:00:00Z");
    sb.write("README.md", "hello\n");
    sb.git(&["add", "README.md"], "2026-08-03T10:00:00Z");
    sb.git(&["commit", "-qm", "Readme"], "2026-08-03T10:00:00Z");
    sb.git(&["checkout", "-q", "feature"], "2026-08-04T10:00:00Z");
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace("face to face", "face to face, the same day");
    sb.write("TEAM_ALLIANCE.md", text);

    let run = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--base",
        "main",
        "--format",
        "markdown",
    ]);
    assert_run(
        &run,
        0,
        &PR_MARKDOWN.replace("COMMIT5", &short(&sb, "main~1")),
    );
}

const PR_MARKDOWN: &str = "\
<!-- alliance-diff: TEAM_ALLIANCE.md -->
### `TEAM_ALLIANCE.md`: 1 agreement added, 1 reworded

Compared the merge base with main (COMMIT5) with the working tree.

**Consent to this version** (`v2:sha256:4db2a2c77b31`): Agreed: nobody yet · Not yet: @&#8203;ada, @&#8203;grace

#### Agreements

- ➕ **We keep one meeting-free day. \\[owner:: @&#8203;ada\\]**

#### Conflict

- ✏️ We talk it through face to ~~face.~~**face, the same day.**
";

#[test]
fn diff_json_carries_the_structure() {
    let sb = three_reviews();
    let run = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--from",
        "HEAD~4",
        "--to",
        "HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(
        json["from"]["label"],
        format!("HEAD~4 ({})", short(&sb, "HEAD~4"))
    );
    assert_eq!(
        json["to"]["commit"],
        sb.git(&["rev-parse", "HEAD"], "2026-01-01T00:00:00Z")
            .trim()
    );
    assert_eq!(
        json["headline"],
        "1 agreement added, 1 removed, 1 reworded, 1 moved, 1 party joined, 1 other change in the front matter"
    );
    assert_eq!(
        json["front"][0],
        serde_json::json!({"change": "party_joined", "party": "Grace Hopper (@grace)"})
    );
    let agreements = &json["sections"][0];
    assert_eq!(agreements["heading"], "Agreements");
    assert_eq!(agreements["change"], "changed");
    let reworded = agreements["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["change"] == "reworded")
        .expect("a reworded item");
    assert_eq!(
        reworded["old_text"],
        "We reply to reviews within one working day."
    );
    assert_eq!(
        reworded["words"][0],
        serde_json::json!({"op": "equal", "text": "We reply to reviews within "})
    );
    assert_eq!(
        reworded["words"][1],
        serde_json::json!({"op": "delete", "text": "one"})
    );
    assert_eq!(
        reworded["words"][2],
        serde_json::json!({"op": "insert", "text": "two"})
    );
    assert_eq!(json["unchanged"], serde_json::json!([]));
}

#[test]
fn diff_of_a_version_with_itself_is_empty() {
    let sb = three_reviews();
    let run = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--from",
        "HEAD",
        "--to",
        "HEAD",
        "--exit-code",
    ]);
    let head = short(&sb, "HEAD");
    assert_run(
        &run,
        0,
        &format!(
            "TEAM_ALLIANCE.md: from HEAD ({head}) to HEAD ({head})\nno changes\n\nunchanged: Agreements, Conflict\n"
        ),
    );
    // The working tree is the last review: nothing proposed.
    let run = sb.run(&[
        "diff",
        "--exit-code",
        "TEAM_ALLIANCE.md",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json()["sections"], serde_json::json!([]));
}

#[test]
fn works_without_front_matter() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q"], "2026-01-10T10:00:00Z");
    sb.write("AGREEMENT.md", "# Our agreement\n\n- Cameras optional.\n- We start on time.\n\n## Meetings\n\nWe meet on Mondays.\n");
    sb.git(&["add", "."], "2026-01-10T10:00:00Z");
    sb.git(&["commit", "-qm", "start"], "2026-01-10T10:00:00Z");
    sb.write("AGREEMENT.md", "# Our agreement\n\n- Cameras optional.\n- We start on time, always.\n\n## Meetings\n\nWe meet on Tuesdays.\n");
    let run = sb.run(&["diff", "AGREEMENT.md"]);
    assert_run(
        &run,
        0,
        &format!(
            "AGREEMENT.md: from the first commit ({}) to the working tree\n1 agreement reworded\n\n## Introduction\n  ~ We start on [-time.-]{{+time, always.+}}\n\n## Meetings\n  text: We meet on [-Mondays.-]{{+Tuesdays.+}}\n",
            short(&sb, "HEAD")
        ),
    );
}

fn short(sb: &Sandbox, rev: &str) -> String {
    sb.git(&["rev-parse", "--short=10", rev], "2026-01-01T00:00:00Z")
        .trim()
        .to_owned()
}

/// Replace the COMMITn placeholders with the commits of [`three_reviews`].
fn with_commits(sb: &Sandbox, text: &str) -> String {
    let mut out = text.to_owned();
    for n in 1..=5 {
        let rev = format!("main~{}", 5 - n);
        out = out.replace(&format!("COMMIT{n}"), &short(sb, &rev));
    }
    out
}

// Failure modes: each a clear message and exit 2.

#[test]
fn not_a_repository() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", "# T\n");
    assert_fails(
        &sb.run(&["log", "TEAM_ALLIANCE.md"]),
        "is not inside a git repository",
    );
    assert_fails(
        &sb.run(&["diff", "TEAM_ALLIANCE.md"]),
        "is not inside a git repository",
    );
}

#[test]
fn path_never_tracked() {
    let sb = three_reviews();
    sb.write("NEW_ALLIANCE.md", "# New\n");
    let run = sb.run(&["log", "NEW_ALLIANCE.md"]);
    assert_fails(
        &run,
        "NEW_ALLIANCE.md has no history: it was never committed",
    );
    assert_fails(&sb.run(&["diff", "NEW_ALLIANCE.md"]), "was never committed");
}

#[test]
fn unknown_revision() {
    let sb = three_reviews();
    let run = sb.run(&["diff", "TEAM_ALLIANCE.md", "--from", "no-such-branch"]);
    assert_fails(&run, "unknown revision `no-such-branch`");
    let run = sb.run(&["diff", "TEAM_ALLIANCE.md", "--base", "origin/main"]);
    assert_fails(&run, "unknown revision `origin/main`");
}

#[test]
fn file_not_at_revision() {
    let sb = three_reviews();
    sb.write("OTHER.md", "# Other\n");
    sb.git(&["add", "OTHER.md"], "2026-08-01T10:00:00Z");
    sb.git(&["commit", "-qm", "other"], "2026-08-01T10:00:00Z");
    let run = sb.run(&["diff", "OTHER.md", "--from", "HEAD~1"]);
    assert_fails(&run, "OTHER.md does not exist at HEAD~1");
}

#[test]
fn shallow_clone_says_how_to_fetch() {
    let origin = three_reviews();
    let clone = Sandbox::new();
    let url = format!("file://{}", origin.path().display());
    clone.git(
        &["clone", "-q", "--depth", "1", &url, "."],
        "2026-08-01T10:00:00Z",
    );
    let run = clone.run(&["diff", "TEAM_ALLIANCE.md"]);
    assert_fails(
        &run,
        "this is a shallow clone and the history of TEAM_ALLIANCE.md is cut off",
    );
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    assert!(
        run.stderr.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );

    // The log shows what is there and says it is cut off.
    let run = clone.run(&["log", "TEAM_ALLIANCE.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("oldest version in this clone"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("note: this is a shallow clone"),
        "{}",
        run.stdout
    );
}

#[test]
fn binary_at_a_revision() {
    let sb = three_reviews();
    sb.write("TEAM_ALLIANCE.md", b"\x89PNG\r\n\x1a\n\0\0\0binary");
    sb.git(&["commit", "-qam", "oops"], "2026-08-01T10:00:00Z");
    let run = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--from",
        "HEAD~1",
        "--to",
        "HEAD",
    ]);
    assert_fails(&run, "TEAM_ALLIANCE.md is a binary file at HEAD");
    assert_fails(&sb.run(&["log", "TEAM_ALLIANCE.md"]), "is a binary file at");
}

#[test]
fn missing_object_as_in_a_partial_clone() {
    let sb = three_reviews();
    let blob = sb.git(&["rev-parse", "HEAD~2:TEAM.md"], "2026-08-01T10:00:00Z");
    let blob = blob.trim();
    std::fs::remove_file(
        sb.path()
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .expect("remove the loose object");
    let run = sb.run(&[
        "diff",
        "TEAM_ALLIANCE.md",
        "--from",
        "HEAD~2",
        "--to",
        "HEAD",
    ]);
    assert_fails(
        &run,
        &format!("git object {blob} (file content) is missing from this repository"),
    );
}

#[test]
fn missing_commit_is_not_mistaken_for_the_start_of_history() {
    let sb = three_reviews();
    let commit = sb.git(&["rev-parse", "HEAD~2"], "2026-08-01T10:00:00Z");
    let commit = commit.trim();
    std::fs::remove_file(
        sb.path()
            .join(".git/objects")
            .join(&commit[..2])
            .join(&commit[2..]),
    )
    .expect("remove the loose object");
    let run = sb.run(&["log", "TEAM_ALLIANCE.md"]);
    assert_fails(
        &run,
        &format!("git object {commit} (commit) is missing from this repository"),
    );
}
