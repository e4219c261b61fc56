//! Hostile repositories and history: a damaged (truncated) object fails at
//! once, naming it; a huge blob is refused before it is inflated; a SHA-256,
//! shallow or criss-crossed repository gets the answer git would give or a
//! message that says what is really wrong; `GIT_DIR` and `GIT_WORK_TREE`
//! name the repository, as they do for git.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use super::{assert_refused, git, hostile, hostile_env, repo};
use crate::common::{self, Sandbox, TEAM_BODY, team_doc};

// --- Damaged objects: a truncated object fails at once, naming it ---------

#[test]
fn a_truncated_loose_object_fails_at_once_naming_it() {
    // The file's blob, the commit HEAD names, and its tree: each read by a
    // different path through libgit2.
    for object in ["HEAD:TEAM_ALLIANCE.md", "HEAD", "HEAD^{tree}"] {
        let sb = repo();
        let id = git(sb.path(), &["rev-parse", object]);
        truncate_object(sb.path(), &id);
        for args in [
            &["log", "TEAM_ALLIANCE.md"][..],
            &["diff", "TEAM_ALLIANCE.md"][..],
        ] {
            let run = hostile(sb.path(), args);
            assert_refused(&run, &format!("git object {id} is damaged"));
        }
    }
}

#[test]
fn rename_detection_never_reads_a_truncated_object() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    sb.write("TEAM.md", team_doc("", TEAM_BODY));
    sb.write(
        "notes.md",
        "Notes that are deleted when the alliance is renamed.\n".repeat(50),
    );
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Start"]);
    let notes = git(sb.path(), &["rev-parse", "HEAD:notes.md"]);
    git(sb.path(), &["mv", "TEAM.md", "TEAM_ALLIANCE.md"]);
    git(sb.path(), &["rm", "-q", "notes.md"]);
    git(sb.path(), &["commit", "-qm", "Rename"]);
    truncate_object(sb.path(), &notes);
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, &format!("git object {notes} is damaged"));
}

#[test]
fn a_revision_reaching_through_a_truncated_commit_fails_naming_it() {
    let sb = repo();
    for n in 0..2 {
        sb.write("TEAM_ALLIANCE.md", team_doc(&format!("# {n}\n"), TEAM_BODY));
        git(sb.path(), &["commit", "-qam", "More"]);
    }
    let id = git(sb.path(), &["rev-parse", "HEAD~1"]);
    truncate_object(sb.path(), &id);
    for rev in ["HEAD~2", "HEAD^^", "main~1^1"] {
        let run = hostile(
            sb.path(),
            &["diff", "TEAM_ALLIANCE.md", "--from", rev, "--to", "HEAD"],
        );
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
}

/// Cut loose object `id` of the repository at `dir` in half.
fn truncate_object(dir: &Path, id: &str) {
    let path = dir.join(".git/objects").join(&id[..2]).join(&id[2..]);
    let bytes = std::fs::read(&path).expect("object");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncate");
}

/// A repository with `main` two commits ahead of where `topic` branched,
/// and `topic` one commit of its own, checked out on `topic`.
fn branched() -> Sandbox {
    let sb = repo();
    sb.write("docs/guide/notes.md", "Notes.\n");
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Notes"]);
    git(sb.path(), &["branch", "topic"]);
    for n in 0..2 {
        sb.write(
            "TEAM_ALLIANCE.md",
            team_doc(&format!("# main {n}\n"), TEAM_BODY),
        );
        git(sb.path(), &["commit", "-qam", "Main moves on"]);
    }
    git(sb.path(), &["checkout", "-q", "topic"]);
    sb.write("TEAM_ALLIANCE.md", team_doc("# topic\n", TEAM_BODY));
    git(sb.path(), &["commit", "-qam", "Topic"]);
    sb
}

#[test]
fn a_truncated_commit_between_a_branch_and_its_base_fails_naming_it() {
    // `diff --base` and `ci comment` find the merge base by walking both
    // sides; the commit where they meet is damaged.
    let sb = branched();
    let id = git(sb.path(), &["merge-base", "main", "topic"]);
    truncate_object(sb.path(), &id);
    for args in [
        &["diff", "TEAM_ALLIANCE.md", "--base", "main"][..],
        &["ci", "comment", "--base", "main", "--dry-run"][..],
    ] {
        let run = hostile(sb.path(), args);
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
}

#[test]
fn a_truncated_subtree_of_the_base_fails_naming_it() {
    // `due --changed-since` and `ci comment` read every tree of the base.
    let sb = branched();
    let id = git(sb.path(), &["rev-parse", "main:docs/guide"]);
    truncate_object(sb.path(), &id);
    for args in [
        &["due", "--changed-since", "main"][..],
        &["ci", "comment", "--base", "main", "--dry-run"][..],
    ] {
        let run = hostile(sb.path(), args);
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
}

#[test]
fn rename_detection_never_reads_a_truncated_subtree() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    sb.write("TEAM.md", team_doc("", TEAM_BODY));
    sb.write("old/deep/notes.md", "Notes that move with the rename.\n");
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Start"]);
    let deep = git(sb.path(), &["rev-parse", "HEAD:old/deep"]);
    git(sb.path(), &["mv", "TEAM.md", "TEAM_ALLIANCE.md"]);
    git(sb.path(), &["rm", "-rq", "old"]);
    git(sb.path(), &["commit", "-qm", "Rename"]);
    truncate_object(sb.path(), &deep);
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, &format!("git object {deep} is damaged"));
}

#[test]
fn revision_syntax_that_searches_history_meets_a_truncated_object_at_once() {
    // `:/TEXT` searches commit messages, `@{N}` reads the reflog, `^{}`
    // peels a tag: libgit2 reads objects we cannot foresee, so every loose
    // object is checked before it resolves them.
    let sb = repo();
    for n in 0..2 {
        sb.write("TEAM_ALLIANCE.md", team_doc(&format!("# {n}\n"), TEAM_BODY));
        git(sb.path(), &["commit", "-qam", &format!("Change {n}")]);
    }
    git(sb.path(), &["tag", "-a", "-m", "v1", "v1", "HEAD~1"]);
    let id = git(sb.path(), &["rev-parse", "HEAD~2"]);
    truncate_object(sb.path(), &id);
    for rev in [":/Our alliance", "HEAD@{0}", "v1^{}", "v1", "HEAD^{commit}"] {
        let run = hostile(
            sb.path(),
            &["diff", "TEAM_ALLIANCE.md", "--from", rev, "--to", "HEAD"],
        );
        assert_refused(&run, &format!("git object {id} is damaged"));
    }
}

// --- Huge blobs: refused before they are inflated -------------------------

#[test]
fn a_huge_packed_blob_is_refused_before_it_is_inflated() {
    let sb = repo();
    let big = format!(
        "{}\n{}",
        team_doc("", TEAM_BODY),
        "x".repeat(40 * 1024 * 1024)
    );
    sb.write("TEAM_ALLIANCE.md", big);
    git(sb.path(), &["commit", "-qam", "Grow"]);
    git(sb.path(), &["gc", "-q"]);
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, "alliance reads files up to");
}

#[test]
fn a_huge_blob_in_history_is_refused_before_it_is_inflated() {
    let sb = repo();
    // 40 MB of one line compresses to a few dozen KB.
    let big = format!(
        "{}\n{}",
        team_doc("", TEAM_BODY),
        "x".repeat(40 * 1024 * 1024)
    );
    sb.write("TEAM_ALLIANCE.md", big);
    git(sb.path(), &["commit", "-qam", "Grow"]);
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, "alliance reads files up to");
}

// --- Messages that say what is really wrong -------------------------------

#[test]
fn a_sha256_repository_is_named_as_such() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "--object-format=sha256", "."]);
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Our alliance"]);
    let run = hostile(sb.path(), &["log", "TEAM_ALLIANCE.md"]);
    assert_refused(&run, "objects are not SHA-1");
}

#[test]
fn a_revision_past_a_shallow_boundary_says_so() {
    let origin = repo();
    for n in 0..3 {
        origin.write("TEAM_ALLIANCE.md", team_doc(&format!("# {n}\n"), TEAM_BODY));
        git(origin.path(), &["commit", "-qam", "More"]);
    }
    let clone = Sandbox::new();
    let url = format!("file://{}", origin.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "."]);
    let run = hostile(
        clone.path(),
        &["diff", "TEAM_ALLIANCE.md", "--from", "HEAD~2"],
    );
    assert_refused(
        &run,
        "`HEAD~2` reaches past the start of this shallow clone",
    );
}

#[test]
fn a_revision_git_cannot_resolve_gets_a_reason() {
    let sb = repo();
    let run = hostile(sb.path(), &["diff", "TEAM_ALLIANCE.md", "--from", "@{-1}"]);
    assert_refused(
        &run,
        "unknown revision `@{-1}`: `@{-N}` names the N-th branch",
    );
    assert!(!run.stderr.contains("no error"), "{}", run.stderr);
}

#[test]
fn the_merge_base_is_the_one_git_finds() {
    // Criss-cross merges give two best common ancestors. `diff --base`
    // starts from the one git picks; with every commit at the same second
    // (ties everywhere) it is at least one of git's best.
    for distinct_dates in [true, false] {
        let sb = branched();
        let topic = git(sb.path(), &["rev-parse", "topic"]);
        let date = |n: u32| {
            if distinct_dates {
                format!("2026-10-0{n}T10:00:00Z")
            } else {
                "2026-10-01T10:00:00Z".to_owned()
            }
        };
        let merge = |what: &str, n: u32| {
            let mut cmd = Command::new("git");
            cmd.args(["merge", "-q", "--no-edit", "-X", "ours", what])
                .current_dir(sb.path())
                .env_clear()
                .env("PATH", "/usr/local/bin:/usr/bin:/bin")
                .env("HOME", sb.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_AUTHOR_NAME", "Ada Lovelace")
                .env("GIT_AUTHOR_EMAIL", "ada@example.com")
                .env("GIT_COMMITTER_NAME", "Ada Lovelace")
                .env("GIT_COMMITTER_EMAIL", "ada@example.com")
                .env("GIT_AUTHOR_DATE", date(n))
                .env("GIT_COMMITTER_DATE", date(n));
            assert!(cmd.status().expect("git merge").success());
        };
        merge("main", 3);
        git(sb.path(), &["checkout", "-q", "main"]);
        merge(&topic, 2);
        git(sb.path(), &["checkout", "-q", "topic"]);
        let all = git(sb.path(), &["merge-base", "--all", "main", "HEAD"]);
        assert_eq!(all.lines().count(), 2, "a criss-cross: {all}");
        for graph in [false, true] {
            if graph {
                git(sb.path(), &["commit-graph", "write", "--reachable"]);
            }
            let expected = git(sb.path(), &["merge-base", "main", "HEAD"]);
            let run = hostile(
                sb.path(),
                &[
                    "diff",
                    "TEAM_ALLIANCE.md",
                    "--base",
                    "main",
                    "--format",
                    "json",
                ],
            );
            assert_eq!(run.code, 0, "{}", run.stderr);
            let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
            let ours = json["from"]["commit"]
                .as_str()
                .expect("a commit")
                .to_owned();
            if distinct_dates {
                assert_eq!(ours, expected, "git's merge base");
            } else {
                assert!(all.lines().any(|l| l == ours), "{ours} is one of {all}");
            }
        }
    }
}

// --- GIT_DIR and GIT_WORK_TREE name the repository, as in git -------------

#[test]
fn git_dir_is_honoured_as_git_does() {
    let sb = repo();
    let elsewhere = Sandbox::new();
    let git_dir = sb.path().join(".git");
    let run = hostile_env(
        elsewhere.path(),
        &[
            "log",
            &sb.path().join("TEAM_ALLIANCE.md").display().to_string(),
        ],
        &[
            ("GIT_DIR", git_dir.to_str().expect("utf-8")),
            ("GIT_WORK_TREE", sb.path().to_str().expect("utf-8")),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(Our alliance)"), "{}", run.stdout);
}

/// As git does, `GIT_DIR` and `GIT_WORK_TREE` name the repository when set
/// (git hooks and "bare repository + work tree" set-ups run with them):
/// every command finds its root and its `.alliance.yaml` there, not by
/// searching up from the files for a `.git` entry.
#[test]
fn git_dir_and_git_work_tree_name_the_repository() {
    let repo = Sandbox::new();
    repo.write(
        "team/TEAM_ALLIANCE.md",
        common::team_doc("", common::TEAM_BODY),
    );
    repo.write("team/drafts/OLD_ALLIANCE.md", "not an alliance\n");
    repo.write(".alliance.yaml", "exclude: [team/drafts/]\n");
    repo.git(&["init", "-q", "-b", "main"], "2026-01-10T10:00:00Z");
    repo.git(&["add", "."], "2026-01-10T10:00:00Z");
    repo.git(&["commit", "-qm", "start"], "2026-01-10T10:00:00Z");
    // The git folder lives elsewhere: the work tree has no `.git` entry.
    let elsewhere = Sandbox::new();
    let git_dir = elsewhere.path().join("team.git");
    std::fs::rename(repo.path().join(".git"), &git_dir).expect("move .git");
    let work_tree = repo.path().to_str().expect("utf-8").to_owned();
    let env = [
        ("GIT_DIR", git_dir.to_str().expect("utf-8")),
        ("GIT_WORK_TREE", work_tree.as_str()),
    ];
    let team = repo.path().join("team");
    let team = team.to_str().expect("utf-8");
    let file = format!("{team}/TEAM_ALLIANCE.md");
    for args in [
        &["check", team][..],
        &["list", team][..],
        &["due", team, "--today", "2026-01-11"][..],
        &["log", &file][..],
    ] {
        let run = elsewhere.run_with_env(args, &env);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            !run.stdout.contains("OLD_ALLIANCE") && !run.stderr.contains("OLD_ALLIANCE"),
            "{args:?} did not read the repository's .alliance.yaml:\n{}",
            run.stdout
        );
    }
    // Without them, the files belong to no repository and the exclusion
    // is not read.
    let run = elsewhere.run(&["check", team]);
    assert!(run.stdout.contains("OLD_ALLIANCE"), "{}", run.stdout);
}
