//! `log` and `diff` read git's commit-graph when the repository has one,
//! as git does: the same answers as without it, whether the graph has
//! changed-path Bloom filters or not, and when it is older than the newest
//! commits.

use crate::common::{Sandbox, TEAM_BODY, team_doc};

/// A history with the alliance changed now and then among other commits,
/// a branch merged back, an octopus merge and a rename.
fn history() -> Sandbox {
    let sb = Sandbox::new();
    let day = |n: u32| format!("2026-{:02}-{:02}T10:00:00Z", 1 + n / 28, 1 + n % 28);
    sb.git(&["init", "-q", "-b", "main"], &day(0));
    let mut agreements = String::from("\n## Agreements\n\n- We start on time.\n");
    sb.write("TEAM.md", team_doc("", TEAM_BODY));
    sb.write("src/app.txt", "0\n");
    sb.git(&["add", "."], &day(0));
    sb.git(&["commit", "-qm", "start"], &day(0));
    for n in 1..60u32 {
        if n % 7 == 0 {
            agreements.push_str(&format!("- Agreement number {n}.\n"));
            sb.write(
                if n < 30 {
                    "TEAM.md"
                } else {
                    "TEAM_ALLIANCE.md"
                },
                team_doc("", &format!("{TEAM_BODY}{agreements}")),
            );
        } else {
            sb.write("src/app.txt", format!("{n}\n"));
        }
        if n == 30 {
            sb.git(&["mv", "TEAM.md", "TEAM_ALLIANCE.md"], &day(n));
        }
        sb.git(&["commit", "-qam", &format!("change {n}")], &day(n));
        if n == 40 {
            sb.git(&["checkout", "-q", "-b", "side"], &day(n));
            sb.write("src/side.txt", "side\n");
            sb.git(&["add", "."], &day(n));
            sb.git(&["commit", "-qm", "side work"], &day(n));
            sb.git(&["checkout", "-q", "-b", "other", "main"], &day(n));
            sb.write("src/other.txt", "other\n");
            sb.git(&["add", "."], &day(n));
            sb.git(&["commit", "-qm", "other work"], &day(n));
            sb.git(&["checkout", "-q", "main"], &day(n));
            sb.git(
                &["merge", "-q", "--no-ff", "-m", "octopus", "side", "other"],
                &day(n),
            );
        }
    }
    sb
}

fn answers(sb: &Sandbox) -> Vec<String> {
    [
        &["log", "TEAM_ALLIANCE.md", "--commits", "--format", "json"][..],
        &["log", "TEAM_ALLIANCE.md", "--format", "json"][..],
        &[
            "diff",
            "TEAM_ALLIANCE.md",
            "--from",
            "HEAD~25",
            "--format",
            "json",
        ][..],
    ]
    .iter()
    .map(|args| {
        let run = sb.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        run.stdout
    })
    .collect()
}

#[test]
fn the_commit_graph_changes_nothing_but_speed() {
    let sb = history();
    let without = answers(&sb);
    let log: serde_json::Value = serde_json::from_str(&without[0]).expect("json");
    // The start, eight changes to the agreement, and the rename.
    assert_eq!(log["commits"].as_array().map(Vec::len), Some(10), "{log}");

    let graph = sb.path().join(".git/objects/info/commit-graph");
    sb.git(
        &["commit-graph", "write", "--reachable"],
        "2026-03-01T10:00:00Z",
    );
    assert!(graph.exists());
    let history = alliance::history::History::discover(sb.path()).expect("repository");
    assert!(history.uses_commit_graph());
    assert!(!history.uses_bloom_filters(std::path::Path::new("TEAM_ALLIANCE.md")));
    assert_eq!(answers(&sb), without, "with a commit-graph");

    sb.git(
        &["commit-graph", "write", "--reachable", "--changed-paths"],
        "2026-03-01T10:00:00Z",
    );
    let history = alliance::history::History::discover(sb.path()).expect("repository");
    assert!(history.uses_bloom_filters(std::path::Path::new("TEAM_ALLIANCE.md")));
    assert_eq!(answers(&sb), without, "with changed-path Bloom filters");

    // Commits after the graph was written are read the old way.
    sb.write("src/app.txt", "later\n");
    sb.git(&["commit", "-qam", "later"], "2026-03-02T10:00:00Z");
    let newer = answers(&sb);
    std::fs::remove_file(&graph).expect("remove the graph");
    assert_eq!(answers(&sb), newer, "a graph older than HEAD");
}

#[test]
fn git_settings_that_turn_the_graph_off_are_honoured() {
    let sb = history();
    sb.git(
        &["commit-graph", "write", "--reachable", "--changed-paths"],
        "2026-03-01T10:00:00Z",
    );
    sb.git(
        &["config", "core.commitGraph", "false"],
        "2026-03-01T10:00:00Z",
    );
    let history = alliance::history::History::discover(sb.path()).expect("repository");
    assert!(!history.uses_commit_graph());
    sb.git(
        &["config", "core.commitGraph", "true"],
        "2026-03-01T10:00:00Z",
    );
    // A replace ref rewrites history as git sees it: the graph is not used.
    let head = sb.git(&["rev-parse", "HEAD~1"], "2026-03-01T10:00:00Z");
    let other = sb.git(&["rev-parse", "HEAD~2"], "2026-03-01T10:00:00Z");
    sb.git(
        &["replace", head.trim(), other.trim()],
        "2026-03-01T10:00:00Z",
    );
    let history = alliance::history::History::discover(sb.path()).expect("repository");
    assert!(!history.uses_commit_graph());
}

#[test]
fn a_damaged_graph_is_ignored() {
    let sb = history();
    let without = answers(&sb);
    sb.git(
        &["commit-graph", "write", "--reachable", "--changed-paths"],
        "2026-03-01T10:00:00Z",
    );
    let graph = sb.path().join(".git/objects/info/commit-graph");
    let mut bytes = std::fs::read(&graph).expect("graph");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&graph, bytes).expect("write");
    assert_eq!(answers(&sb), without);
}

/// The commits `log --commits` lists, oldest first.
fn listed(sb: &Sandbox) -> Vec<String> {
    let run = sb.run(&["log", "TEAM_ALLIANCE.md", "--commits", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let mut ids: Vec<String> = json["commits"]
        .as_array()
        .or_else(|| json["reviews"].as_array())
        .expect("commits")
        .iter()
        .filter_map(|c| c["commit"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

/// A grafts file (`.git/info/grafts`) rewrites parents for git, and so for
/// `log`: the history stops where git's does.
#[test]
fn grafts_cut_the_history_where_git_cuts_it() {
    let sb = history();
    let cut = sb.git(&["rev-parse", "HEAD~15"], "2026-03-01T10:00:00Z");
    let before = listed(&sb);
    sb.write(".git/info/grafts", format!("{}\n", cut.trim()));
    let git_log = sb.git(
        &["log", "--format=%H", "--", "TEAM_ALLIANCE.md", "TEAM.md"],
        "2026-03-01T10:00:00Z",
    );
    let mut expected: Vec<String> = git_log.lines().map(str::to_owned).collect();
    expected.sort();
    let after = listed(&sb);
    assert!(after.len() < before.len(), "{after:?} against {before:?}");
    for id in &after {
        assert!(expected.contains(id), "{id} is not in git's log: {git_log}");
    }
}
