//! Consent through git: how long a proposal has waited (the commit that
//! proposed it), who agreed to the head side of a pull request (`diff
//! --format markdown`, `ci comment`), and the byte-preserving edits of
//! `agree` and `codeowners --write` on files trycmd would normalise (CRLF,
//! BOM, backslash-escaped paths). Each test builds its own repository with
//! pinned dates and identities, from a cleared environment.

use crate::common::Sandbox;

fn proposal(agreements: &str, status: &str) -> String {
    format!(
        "---\nalliance: team\ntitle: Payments\nparties:\n  - name: Ada Lovelace\n    handle: ada\n    email: ada@example.com\n  - name: Grace Hopper\n    handle: grace\n    email: grace@example.com\nstatus: {status}\ncreated: 2026-10-01\nreview:\n  every: 3 months\n---\n\n# Payments\n\n## Purpose\n\nWe ship payments.\n\n## Atmosphere\n\n- We are kind.\n\n## Co-responsibility\n\n- Ada owns the roadmap. [owner:: @ada]\n\n## Agreements\n\n{agreements}\n## When it gets hard\n\n- We talk it through.\n"
    )
}

const ITEMS: &str = "- We start meetings on time.\n- We reply within a day.\n";

/// Commit everything as Ada (the sandbox's identity).
fn commit(sb: &Sandbox, message: &str, date: &str) {
    sb.git(&["add", "-A"], date);
    sb.git(&["commit", "-qm", message], date);
}

/// Grace's identity, for `agree` and for her commits.
const GRACE: [(&str, &str); 2] = [
    ("GIT_AUTHOR_NAME", "Grace Hopper"),
    ("GIT_AUTHOR_EMAIL", "grace@example.com"),
];

/// Commit everything as Grace.
fn commit_as_grace(sb: &Sandbox, message: &str, date: &str) {
    sb.commit_as(("Grace Hopper", "grace@example.com"), message, date, None);
}

/// Drafted on 1 November, proposed on 10 November, Ada agrees on 12
/// November: `due` counts the wait from the proposing commit, not from the
/// draft or the consent.
#[test]
fn due_counts_the_wait_from_the_commit_that_proposed_it() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", proposal(ITEMS, "draft"));
    commit(&sb, "draft", "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", proposal(ITEMS, "proposed"));
    commit(&sb, "propose", "2026-11-10T10:00:00Z");
    let agreed = sb.run(&["agree", "--as", "ada", "--date", "2026-11-12"]);
    assert_eq!(agreed.code, 0, "{}", agreed.stderr);
    commit(&sb, "Ada agrees", "2026-11-12T10:00:00Z");
    let due = sb.run(&["due", "--today", "2026-11-22"]);
    assert_eq!(due.code, 0, "{}", due.stderr);
    assert_eq!(
        due.stdout,
        "proposals waiting for consent:\n  proposed: TEAM_ALLIANCE.md: Payments — waiting 12 days (since 2026-11-10, the commit that proposed it)\n    agreed: @ada (2026-11-12, authored (email not verified)); not yet: @grace\n0 alliances on 2026-11-22: 0 overdue, 0 due soon; 1 proposal waiting for consent\n"
    );
    let json = sb
        .run(&["due", "--today", "2026-11-22", "--format", "json"])
        .json();
    assert_eq!(json["proposals"][0]["since_basis"], "proposed-commit");
    assert_eq!(json["proposals"][0]["days_waiting"], 12);
    // Grace agrees, from her own identity: the alliance is active, and no
    // longer waiting.
    let last = sb.run_with_env(&["agree", "--as", "grace", "--date", "2026-11-22"], &GRACE);
    assert!(
        last.stdout.contains("the alliance is now active"),
        "{}",
        last.stdout
    );
    assert_eq!(last.stderr, "");
    assert!(sb.read("TEAM_ALLIANCE.md").contains("status: active\n"));
    commit_as_grace(&sb, "Grace agrees", "2026-11-22T10:00:00Z");
    let due = sb
        .run(&["due", "--today", "2026-11-22", "--format", "json"])
        .json();
    assert_eq!(due["proposals"], serde_json::json!([]));
    let check = sb.run(&["check"]);
    assert_eq!(check.stdout, "checked 1 file: no problems\n");
}

/// A pull request rewords an agreement both parties had agreed to: the
/// comment says nobody has agreed to the new text yet, that both agreed to
/// an earlier one, and after Ada's `agree` commit, that she agreed; handles
/// never notify.
#[test]
fn the_pull_request_comment_says_who_agreed_to_the_head_side() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", proposal(ITEMS, "proposed"));
    for who in ["ada", "grace"] {
        let run = sb.run(&["agree", "--as", who, "--date", "2026-11-01"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    commit(&sb, "agreed", "2026-11-01T10:00:00Z");
    sb.git(&["checkout", "-qb", "pr"], "2026-11-02T10:00:00Z");
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace("within a day", "within two hours");
    sb.write("TEAM_ALLIANCE.md", text);
    commit(&sb, "faster replies", "2026-11-02T10:00:00Z");
    let comment = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    assert!(
        comment.stdout.contains("Agreed: nobody yet · Not yet: @&#8203;ada (agreed to an earlier version), @&#8203;grace (agreed to an earlier version)"),
        "{}",
        comment.stdout
    );
    assert!(
        !comment.stdout.contains(" @ada"),
        "a live mention: {}",
        comment.stdout
    );
    let run = sb.run(&["agree", "--as", "ada", "--date", "2026-11-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    commit(&sb, "Ada agrees", "2026-11-03T10:00:00Z");
    let diff = sb.run(&["diff", "--base", "main", "--format", "markdown"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(
        diff.stdout.contains("): Agreed: @&#8203;ada (2026-11-03, authored (email not verified)) · Not yet: @&#8203;grace (agreed to an earlier version)\n"),
        "{}",
        diff.stdout
    );
    let json = sb
        .run(&["diff", "--base", "main", "--format", "json"])
        .json();
    assert_eq!(json["consent"]["complete"], false);
    assert_eq!(json["consent"]["parties"][0]["consent"], "agreed");
    assert_eq!(json["consent"]["parties"][1]["consent"], "stale");
}

/// `agree` keeps a BOM, CRLF line endings, comments and quoting; the
/// consent line gets the file's line ending.
#[test]
fn agree_keeps_every_other_byte_of_a_crlf_file_with_a_bom() {
    let sb = Sandbox::new();
    let text = format!(
        "\u{feff}{}",
        proposal(ITEMS, "'proposed'  # until both agree").replace('\n', "\r\n")
    );
    sb.write("TEAM_ALLIANCE.md", &text);
    let run = sb.run(&["agree", "--as", "@ada", "--date", "2026-11-20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = sb.read("TEAM_ALLIANCE.md");
    let digest = after
        .split("digest: ")
        .nth(1)
        .and_then(|r| r.split('}').next())
        .expect("a digest");
    assert_eq!(
        after,
        text.replacen(
            "---\r\n\r\n# Payments",
            &format!("consent:\r\n  - {{handle: ada, date: 2026-11-20, digest: {digest}}}\r\n---\r\n\r\n# Payments"),
            1
        )
    );
    // Refusals leave the bytes alone.
    let refused = sb.run(&["agree", "--as", "linus"]);
    assert_eq!(refused.code, 2);
    assert_eq!(sb.read("TEAM_ALLIANCE.md"), after);
}

/// `codeowners --write` escapes a space and a `#` with a backslash, keeps a
/// CRLF CODEOWNERS file's other lines byte for byte, and writes its block
/// with the file's line ending.
#[test]
fn codeowners_escapes_paths_and_keeps_a_crlf_file() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write(
        "team docs/ON CALL #2 ALLIANCE.md",
        proposal(ITEMS, "active"),
    );
    let before = "# Owners\r\n* @org/core   # everyone\r\n";
    sb.write(".gitlab/CODEOWNERS", before);
    let run = sb.run(&["codeowners", "--write"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        ".gitlab/CODEOWNERS: wrote the alliance block (1 line)\n"
    );
    assert_eq!(
        sb.read(".gitlab/CODEOWNERS"),
        format!(
            "{before}\r\n# BEGIN alliance codeowners: generated by `alliance codeowners --write`; edit the alliances' parties, not these lines\r\n[Alliances]\r\n/team\\ docs/ON\\ CALL\\ \\#2\\ ALLIANCE.md @ada @grace\r\n# END alliance codeowners\r\n"
        )
    );
    let check = sb.run(&["codeowners", "--check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    // A party joins: the block is stale until written again.
    let text = sb.read("team docs/ON CALL #2 ALLIANCE.md").replace(
        "    handle: grace\n",
        "    handle: grace\n  - name: Katherine Johnson\n    handle: kj\n",
    );
    sb.write("team docs/ON CALL #2 ALLIANCE.md", text);
    let stale = sb.run(&["codeowners", "--check"]);
    assert_eq!(stale.code, 1);
    assert!(
        stale.stdout.contains("ALLIANCE.md @ada @grace @kj\n"),
        "{}",
        stale.stdout
    );
}

/// A hostile handle cannot add a CODEOWNERS line, and cannot mention or
/// inject HTML in a pull-request comment.
#[test]
fn hostile_handles_are_skipped_or_inert() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    let text = proposal(ITEMS, "proposed").replace(
        "    handle: grace\n",
        "    handle: \"grace\\n/ @attacker\"\n  - name: Eve\n    handle: \"<img src=x>@everyone\"\n",
    );
    sb.write("TEAM_ALLIANCE.md", &text);
    commit(&sb, "base", "2026-11-01T10:00:00Z");
    let owners = sb.run(&["codeowners"]);
    assert_eq!(owners.code, 0, "{}", owners.stderr);
    assert_eq!(owners.stdout.lines().count(), 3, "{}", owners.stdout);
    assert!(
        owners.stdout.contains("\n/TEAM_ALLIANCE.md @ada\n"),
        "{}",
        owners.stdout
    );
    assert!(!owners.stdout.contains("attacker"));
    assert!(
        owners.stderr.lines().all(|l| l.starts_with("alliance: ")),
        "{}",
        owners.stderr
    );
    sb.git(&["checkout", "-qb", "pr"], "2026-11-02T10:00:00Z");
    sb.write(
        "TEAM_ALLIANCE.md",
        text.replace("within a day", "within an hour"),
    );
    commit(&sb, "change", "2026-11-02T10:00:00Z");
    let comment = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    assert!(!comment.stdout.contains("<img"), "{}", comment.stdout);
    assert!(!comment.stdout.contains("@everyone"), "{}", comment.stdout);
}

/// The CI job summary lists the proposals waiting for consent with the
/// reviews, counted from the commit that proposed them.
#[test]
fn the_job_summary_lists_proposals_waiting_for_consent() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", proposal(ITEMS, "proposed"));
    commit(&sb, "propose", "2026-11-10T10:00:00Z");
    let run = sb.run_with_env(
        &["ci", "summary", "--output", "-"],
        &[("ALLIANCE_TODAY", "2026-11-22")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("✅ 0 reviews overdue, 0 due soon; 1 proposal waiting for consent\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("| Payments | `TEAM_ALLIANCE.md` | waiting 12 days (since 2026-11-10, the commit that proposed it) | nobody yet | @&#8203;ada, @&#8203;grace |\n"),
        "{}",
        run.stdout
    );
}

/// Markup carries meaning: after both parties agreed, a pull request
/// strikes a word through and points a link elsewhere. `diff` shows both as
/// rewordings in the source's words, the comment does not call them
/// formatting, and the parties' consent no longer covers the text. A
/// change that is layout only (list markers, wrapping) is called so, and
/// consent still covers it.
#[test]
fn a_struck_word_and_a_new_link_target_are_changes_to_agree_to() {
    let items =
        "- We never deploy on Fridays.\n- We follow [the on-call guide](https://wiki/oncall-v1).\n";
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", proposal(items, "proposed"));
    commit(&sb, "proposed", "2026-11-01T09:00:00Z");
    let run = sb.run(&["agree", "--as", "ada", "--date", "2026-11-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    commit(&sb, "Ada agrees", "2026-11-01T10:00:00Z");
    let run = sb.run_with_env(&["agree", "--as", "grace", "--date", "2026-11-01"], &GRACE);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(sb.read("TEAM_ALLIANCE.md").contains("digest: v2:sha256:"));
    commit_as_grace(&sb, "Grace agrees", "2026-11-01T10:00:00Z");
    sb.git(&["checkout", "-qb", "pr"], "2026-11-02T10:00:00Z");
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace("We never deploy", "We ~~never~~ deploy")
        .replace("https://wiki/oncall-v1", "https://wiki/no-pager-ever");
    sb.write("TEAM_ALLIANCE.md", text);
    commit(&sb, "relax", "2026-11-02T10:00:00Z");
    let diff = sb.run(&["diff", "--base", "main"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(
        diff.stdout.contains("2 agreements reworded\n")
            && diff
                .stdout
                .contains("  ~ We [-never-]{+~~never~~+} deploy on Fridays.\n")
            && diff.stdout.contains(
                "  ~ We follow [the on-call [-guide](https://wiki/oncall-v1).-]{+guide](https://wiki/no-pager-ever).+}\n"
            ),
        "{}",
        diff.stdout
    );
    let comment = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    assert!(
        !comment.stdout.contains("formatting or layout only")
            && comment.stdout.contains("Agreed: nobody yet"),
        "{}",
        comment.stdout
    );
    // Layout only: another list marker, a line wrapped.
    sb.git(&["checkout", "-q", "main"], "2026-11-03T10:00:00Z");
    sb.git(&["checkout", "-qb", "layout"], "2026-11-03T10:00:00Z");
    let text = sb
        .read("TEAM_ALLIANCE.md")
        .replace("- We never deploy on", "* We never deploy\n  on");
    sb.write("TEAM_ALLIANCE.md", text);
    commit(&sb, "rewrap", "2026-11-03T10:00:00Z");
    let comment = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert!(
        comment.stdout.contains("formatting or layout only")
            && comment
                .stdout
                .contains("@&#8203;grace (2026-11-01, authored (email not verified)) ✅"),
        "{}",
        comment.stdout
    );
}

/// Sections swapped: no agreement is added, removed or reworded, but the
/// text agreed to is not the same, so the comment does not call it layout.
#[test]
fn sections_in_another_order_are_not_called_layout() {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    sb.write("TEAM_ALLIANCE.md", proposal(ITEMS, "active"));
    commit(&sb, "start", "2026-11-01T10:00:00Z");
    sb.git(&["checkout", "-qb", "pr"], "2026-11-02T10:00:00Z");
    let text = sb.read("TEAM_ALLIANCE.md").replace(
        "## Atmosphere\n\n- We are kind.\n\n## Co-responsibility\n\n- Ada owns the roadmap. [owner:: @ada]\n",
        "## Co-responsibility\n\n- Ada owns the roadmap. [owner:: @ada]\n\n## Atmosphere\n\n- We are kind.\n",
    );
    sb.write("TEAM_ALLIANCE.md", text);
    commit(&sb, "swap", "2026-11-02T10:00:00Z");
    let comment = sb.run(&["ci", "comment", "--dry-run", "--base", "main"]);
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    assert!(
        !comment.stdout.contains("formatting or layout only")
            && comment
                .stdout
                .contains("but the text the parties agree to changed"),
        "{}",
        comment.stdout
    );
}
