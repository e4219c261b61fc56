//! Consent that cannot be forged: each consent entry is proven by the
//! commit that added it. Each test builds its own repository with pinned
//! dates and identities, from a cleared environment; the SSH keys are made
//! in the test with `ssh-keygen`, and commits are signed by git itself
//! (`gpg.format ssh`), as a team's would be.

use std::path::{Path, PathBuf};

use crate::common::{self, Sandbox};

/// A proposed team alliance of Ada and Grace, with their emails.
fn alliance(rule: &str, status: &str) -> String {
    format!(
        "---\nalliance: team\ntitle: Payments\nparties:\n  - name: Ada Lovelace\n    handle: ada\n    email: ada@example.com\n  - name: Grace Hopper\n    handle: grace\n    email: grace@example.com\nstatus: {status}\ncreated: 2026-10-01\nreview:\n  every: 3 months\n---\n\n# Payments\n\n## Purpose\n\nWe ship payments.\n\n## Atmosphere\n\n- We are kind.\n\n## Co-responsibility\n\n- Ada owns the roadmap. [owner:: @ada]\n\n## Agreements\n\n- {rule}\n\n## When it gets hard\n\n- We talk it through.\n"
    )
}

/// Someone who commits: a name, an email, and (for signed commits) a key.
struct Person {
    name: &'static str,
    email: &'static str,
}

const ADA: Person = Person {
    name: "Ada Lovelace",
    email: "ada@example.com",
};
const GRACE: Person = Person {
    name: "Grace Hopper",
    email: "grace@example.com",
};
const MALLORY: Person = Person {
    name: "Mallory",
    email: "mallory@example.com",
};

impl Person {
    fn env(&self) -> [(&'static str, &'static str); 2] {
        [
            ("GIT_AUTHOR_NAME", self.name),
            ("GIT_AUTHOR_EMAIL", self.email),
        ]
    }
}

/// `alliance ARGS` as `who` would run it (their git identity).
fn run_as(sb: &Sandbox, who: &Person, args: &[&str]) -> common::Run {
    sb.run_with_env(args, &who.env())
}

/// Commit everything as `who`, signed with `key` when given.
fn commit_as(sb: &Sandbox, who: &Person, message: &str, date: &str, key: Option<&Path>) {
    sb.commit_as((who.name, who.email), message, date, key);
}

/// A new ed25519 key pair in `dir`: the private key's path and the public
/// key's line (`ssh-ed25519 AAAA… comment`).
fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let output = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .env_clear()
        .output()
        .expect("run ssh-keygen");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let public = std::fs::read_to_string(path.with_extension("pub")).expect("public key");
    (path, public.trim().to_owned())
}

/// A repository where Ada proposed the alliance (unsigned).
fn proposed(config: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write(".alliance.yaml", config);
    sb.write(
        "TEAM_ALLIANCE.md",
        alliance("We deploy on Tuesdays.", "proposed"),
    );
    commit_as(&sb, &ADA, "Propose", "2026-11-01T10:00:00Z", None);
    sb
}

fn parties(sb: &Sandbox) -> serde_json::Value {
    let due = sb.run(&["due", "--today", "2026-11-20", "--format", "json"]);
    assert_eq!(due.code, 0, "{}", due.stderr);
    due.json()["proposals"][0]["parties"].clone()
}

/// The attack the issue names: every commit of a pull request is
/// Mallory's. She rewords an agreement, records Ada's and Grace's consent
/// and sets the alliance active. Nothing she wrote counts: `agree` says so
/// and does not activate it, `check` names her (A076, an error where
/// consent is required), and the pull-request comment shows no one agreed.
#[test]
fn consent_recorded_by_someone_else_counts_for_nobody() {
    let sb = proposed("consent:\n  required: true\n");
    sb.git(&["checkout", "-qb", "pr"], "2026-11-02T10:00:00Z");
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace("We deploy on Tuesdays.", "We deploy on Fridays.");
    sb.write("TEAM_ALLIANCE.md", text);
    let ada = run_as(&sb, &MALLORY, &["agree", "--as", "ada"]);
    assert_eq!(ada.code, 0, "{}", ada.stderr);
    assert!(
        ada.stderr.contains(
            "the next commit will be authored by Mallory <mallory@example.com>, not by @ada"
        ),
        "{}",
        ada.stderr
    );
    let grace = run_as(&sb, &MALLORY, &["agree", "--as", "grace"]);
    assert!(
        grace.stdout.contains("this entry will not count: @grace's consent is recorded by Mallory <mallory@example.com>"),
        "{}",
        grace.stdout
    );
    assert!(sb.read("TEAM_ALLIANCE.md").contains("status: proposed\n"));
    // She sets it active by hand and commits.
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace("status: proposed", "status: active");
    sb.write("TEAM_ALLIANCE.md", text);
    commit_as(
        &sb,
        &MALLORY,
        "Everyone agrees",
        "2026-11-02T10:00:00Z",
        None,
    );
    let check = sb.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    for who in ["ada", "grace"] {
        assert!(
            check.stdout.contains(&format!(
                "error[A076]: @{who}'s consent is recorded by Mallory in commit "
            )),
            "{}",
            check.stdout
        );
    }
    assert!(
        check.stdout.contains(
            "error[A070]: not every party agreed to the current text: @ada, @grace's consent is not proven (A076)"
        ),
        "{}",
        check.stdout
    );
    let comment = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    assert!(
        comment
            .stdout
            .contains("Agreed: nobody yet · Not yet: @&#8203;ada (recorded by Mallory in commit ")
            && comment
                .stdout
                .contains(", not counted), @&#8203;grace (recorded by Mallory in commit ")
            && !comment.stdout.contains('✅'),
        "{}",
        comment.stdout
    );
}

/// Each party records their own consent in a commit of their own: it
/// counts, as *authored* (their commit's email is theirs; git does not
/// check it, and reports say so). JSON names the level and the commit.
#[test]
fn consent_committed_by_the_party_counts_as_authored() {
    let sb = proposed("consent:\n  required: true\n");
    let ada = run_as(&sb, &ADA, &["agree", "--as", "ada", "--date", "2026-11-02"]);
    assert_eq!(ada.stderr, "");
    commit_as(&sb, &ADA, "Ada agrees", "2026-11-02T10:00:00Z", None);
    let grace = run_as(
        &sb,
        &GRACE,
        &["agree", "--as", "grace", "--date", "2026-11-03"],
    );
    assert!(
        grace.stdout.contains("the alliance is now active"),
        "{}",
        grace.stdout
    );
    // Before Grace's commit, her own check (a pre-commit hook) passes: an
    // entry not committed yet is judged by who will commit it.
    let hook = run_as(&sb, &GRACE, &["check"]);
    assert_eq!(hook.stdout, "checked 1 file: no problems\n");
    commit_as(&sb, &GRACE, "Grace agrees", "2026-11-03T10:00:00Z", None);
    let check = sb.run(&["check"]);
    assert_eq!(check.stdout, "checked 1 file: no problems\n");
    let diff = sb
        .run(&["diff", "--from", "HEAD~2", "--format", "json"])
        .json();
    let parties = &diff["consent"]["parties"];
    assert_eq!(parties[0]["consent"], "agreed");
    assert_eq!(parties[0]["proof"]["level"], "authored");
    assert_eq!(parties[1]["proof"]["level"], "authored");
    assert_eq!(diff["consent"]["counts"], "authored");
}

/// Where the repository counts only signed consent, Ada's commit signed
/// with the key the allowed signers list for her counts; Grace's unsigned
/// commit does not (A076); a commit Mallory signs with her own key proves
/// nothing for Grace; and an uncommitted entry is judged by who will
/// commit it.
#[test]
fn signed_consent_is_verified_against_the_allowed_signers() {
    let keys = tempfile::tempdir().expect("temp dir");
    let (ada_key, ada_public) = keygen(keys.path(), "ada");
    let (_, grace_public) = keygen(keys.path(), "grace");
    let (mallory_key, mallory_public) = keygen(keys.path(), "mallory");
    let sb = proposed("consent:\n  required: true\n  proof: signed\n");
    sb.write(
        ".alliance/allowed_signers",
        format!(
            "# principal key\nada@example.com {ada_public}\ngrace@example.com namespaces=\"git\" {grace_public}\nmallory@example.com {mallory_public}\n"
        ),
    );
    commit_as(&sb, &ADA, "Allowed signers", "2026-11-01T11:00:00Z", None);
    run_as(&sb, &ADA, &["agree", "--as", "ada", "--date", "2026-11-02"]);
    commit_as(
        &sb,
        &ADA,
        "Ada agrees",
        "2026-11-02T10:00:00Z",
        Some(&ada_key),
    );
    let grace = run_as(
        &sb,
        &GRACE,
        &["agree", "--as", "grace", "--date", "2026-11-03"],
    );
    assert!(
        grace
            .stderr
            .contains("this repository counts signed consent only"),
        "{}",
        grace.stderr
    );
    commit_as(&sb, &GRACE, "Grace agrees", "2026-11-03T10:00:00Z", None);
    let states = parties(&sb);
    assert_eq!(states[0]["consent"], "agreed", "{states}");
    assert_eq!(states[0]["proof"]["level"], "signed");
    assert!(
        states[0]["proof"]["key"]
            .as_str()
            .is_some_and(|k| k.starts_with("SHA256:")),
        "{states}"
    );
    assert_eq!(states[1]["consent"], "unproven");
    assert_eq!(states[1]["proof"]["level"], "authored");
    let check = sb.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("error[A076]: @grace's consent is authored (email not verified): it does not count (this repository counts `signed` consent and stronger)"),
        "{}",
        check.stdout
    );
    // Mallory re-records Grace's consent in a commit signed with her own key.
    sb.git(&["reset", "-q", "--hard", "HEAD~1"], "2026-11-04T10:00:00Z");
    run_as(
        &sb,
        &MALLORY,
        &["agree", "--as", "grace", "--date", "2026-11-04"],
    );
    // Not committed yet: judged by who will commit it (Mallory).
    let pending = run_as(&sb, &MALLORY, &["check"]);
    assert!(
        pending
            .stdout
            .contains("@grace's consent is recorded by Mallory <mallory@example.com>"),
        "{}",
        pending.stdout
    );
    commit_as(
        &sb,
        &MALLORY,
        "Grace agrees",
        "2026-11-04T10:00:00Z",
        Some(&mallory_key),
    );
    let states = parties(&sb);
    assert_eq!(states[1]["consent"], "unproven", "{states}");
    assert_eq!(states[1]["proof"]["level"], "recorded");
    assert_eq!(states[1]["proof"]["by"], "Mallory");
}

/// A broken allowed-signers file stops the command with its line, rather
/// than proving nothing in silence.
#[test]
fn a_broken_allowed_signers_file_is_named_with_its_line() {
    let sb = proposed("consent:\n  proof: signed\n");
    sb.write(
        ".alliance/allowed_signers",
        "ada@example.com ssh-ed25519 not-base64\n",
    );
    let check = sb.run(&["check"]);
    assert_eq!(check.code, 2);
    assert!(
        check
            .stderr
            .starts_with("alliance: .alliance/allowed_signers:1: not a public key"),
        "{}",
        check.stderr
    );
}

/// A pull request that lists Mallory's key for Grace and signs Grace's
/// consent with it: the comment judges signatures by the allowed signers
/// of the merge base, so the change cannot vouch for its own keys; and
/// `codeowners` makes every party an owner of the allowed signers.
#[test]
fn a_pull_request_cannot_vouch_for_its_own_keys() {
    let keys = tempfile::tempdir().expect("temp dir");
    let (ada_key, ada_public) = keygen(keys.path(), "ada");
    let (mallory_key, mallory_public) = keygen(keys.path(), "mallory");
    let sb = proposed("consent:\n  proof: signed\n");
    sb.write(
        ".alliance/allowed_signers",
        format!("ada@example.com {ada_public}\n"),
    );
    run_as(&sb, &ADA, &["agree", "--as", "ada", "--date", "2026-11-02"]);
    commit_as(
        &sb,
        &ADA,
        "Ada agrees",
        "2026-11-02T10:00:00Z",
        Some(&ada_key),
    );
    let owners = sb.run(&["codeowners"]);
    assert!(
        owners
            .stdout
            .contains("\n/.alliance/allowed_signers @ada @grace\n"),
        "{}",
        owners.stdout
    );
    sb.git(&["checkout", "-qb", "pr"], "2026-11-03T10:00:00Z");
    sb.write(
        ".alliance/allowed_signers",
        format!("ada@example.com {ada_public}\ngrace@example.com {mallory_public}\n"),
    );
    run_as(
        &sb,
        &MALLORY,
        &["agree", "--as", "grace", "--date", "2026-11-03"],
    );
    commit_as(
        &sb,
        &MALLORY,
        "Grace agrees",
        "2026-11-03T10:00:00Z",
        Some(&mallory_key),
    );
    let comment = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    assert!(
        comment.stdout.contains("Agreed: @&#8203;ada (2026-11-02, signed) · Not yet: @&#8203;grace (recorded by Mallory in commit "),
        "{}",
        comment.stdout
    );
}

/// A shallow clone (CI's default depth of 1) holds the entries at its
/// boundary commit, which may not be the commit that added them: nothing
/// is proven there, and `check` says why instead of crediting whoever made
/// the boundary commit.
#[test]
fn a_shallow_clone_proves_nothing_and_says_so() {
    let sb = proposed("consent:\n  required: true\n");
    run_as(&sb, &ADA, &["agree", "--as", "ada", "--date", "2026-11-02"]);
    commit_as(&sb, &ADA, "Ada agrees", "2026-11-02T10:00:00Z", None);
    run_as(
        &sb,
        &GRACE,
        &["agree", "--as", "grace", "--date", "2026-11-03"],
    );
    commit_as(&sb, &GRACE, "Grace agrees", "2026-11-03T10:00:00Z", None);
    sb.write("NOTES.md", "unrelated\n");
    commit_as(&sb, &ADA, "Notes", "2026-11-04T10:00:00Z", None);
    let full = sb.run(&["check"]);
    assert_eq!(full.stdout, "checked 1 file: no problems\n");
    let origin = format!("file://{}", sb.path().display());
    sb.git(
        &["clone", "-q", "--depth", "1", &origin, "shallow"],
        "2026-11-05T10:00:00Z",
    );
    let shallow = sb
        .command(&["check"])
        .current_dir(sb.path().join("shallow"))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&shallow.stdout);
    assert_eq!(shallow.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error[A076]: @ada's consent is not provable here: the clone's history is cut short (fetch the whole history)"),
        "{stdout}"
    );
}
