//! A repository with several alliances (a team's and a 1-1) and no path
//! named: `log`, `diff` and `pulse report` show every alliance; `agenda`,
//! `review`, `agree` and `pulse ask` list a command for each one they could
//! mean, each a command that runs as printed.

use crate::common::{Sandbox, team_doc};

const ONE_ON_ONE: &str = "---\nalliance: one-on-one\ntitle: Ada and Lee\nstatus: active\nparties:\n  - name: Ada Lovelace\n    handle: ada\n    role: manager\n  - name: Lee Chen\n    handle: lee\n    role: report\ncreated: 2026-09-01\nreview:\n  every: 3 months\n  last: 2026-09-01\n---\n\n# Ada and Lee\n\n## Purpose\n\nGrow Lee into the payments lead.\n";

/// A team alliance and a 1-1 (in a folder whose name has a space), both
/// committed on 2026-10-01.
fn two_alliances() -> Sandbox {
    let sb = Sandbox::new();
    sb.git(&["init", "-q", "-b", "main"], "2026-10-01T10:00:00Z");
    sb.write(
        "TEAM_ALLIANCE.md",
        team_doc("", "- We start meetings on time.\n"),
    );
    sb.write("one on ones/ADA_LEE_ALLIANCE.md", ONE_ON_ONE);
    sb.git(&["add", "."], "2026-10-01T10:00:00Z");
    sb.git(&["commit", "-qm", "Our alliances"], "2026-10-01T10:00:00Z");
    sb
}

#[test]
fn log_shows_every_alliance_grouped() {
    let sb = two_alliances();
    let run = sb.run(&["log"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let team = run
        .stdout
        .find("TEAM_ALLIANCE.md: ")
        .expect("the team's log");
    let one = run
        .stdout
        .find("one on ones/ADA_LEE_ALLIANCE.md: ")
        .expect("the 1-1's log");
    assert!(one > team, "{}", run.stdout);
    assert!(
        run.stdout.contains("\n\none on ones/"),
        "a blank line between: {}",
        run.stdout
    );
    let json = sb.run(&["log", "--format", "json"]).json();
    assert_eq!(
        json["alliances"].as_array().map(Vec::len),
        Some(2),
        "{json}"
    );
    assert_eq!(
        json["alliances"][1]["path"],
        "one on ones/ADA_LEE_ALLIANCE.md"
    );
}

#[test]
fn diff_shows_every_alliance_that_changed_and_a_new_one_whole() {
    let sb = two_alliances();
    let quiet = sb.run(&["diff", "--exit-code"]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str()),
        (0, "no changes in the 2 alliances\n")
    );
    let text = sb.read("one on ones/ADA_LEE_ALLIANCE.md");
    sb.write(
        "one on ones/ADA_LEE_ALLIANCE.md",
        format!("{text}\n## Feedback\n\n- Ada gives feedback within a week.\n"),
    );
    // Not yet committed: compared with nothing.
    sb.write(
        "DESIGN_ALLIANCE.md",
        team_doc("", "- We sketch before we build.\n"),
    );
    let run = sb.run(&["diff", "--exit-code"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stdout.contains("TEAM_ALLIANCE.md"),
        "unchanged: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("one on ones/ADA_LEE_ALLIANCE.md: from the review of 2026-09-01"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+ Ada gives feedback within a week."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("DESIGN_ALLIANCE.md: from nothing (a new alliance) to the working tree"),
        "{}",
        run.stdout
    );
    let json = sb.run(&["diff", "--format", "json"]).json();
    assert_eq!(
        json["alliances"].as_array().map(Vec::len),
        Some(2),
        "{json}"
    );
}

#[test]
fn pulse_report_says_how_to_open_the_first_round() {
    let sb = two_alliances();
    let run = sb.run(&["pulse", "report"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "none of the 2 alliances has a pulse round yet; a party opens one with `alliance pulse ask TEAM_ALLIANCE.md --as ada`\n"
    );
}

#[test]
fn agenda_and_review_list_a_command_for_each_alliance() {
    let sb = two_alliances();
    let run = sb.run_with_env(&["agenda"], &[("ALLIANCE_TODAY", "2026-12-06")]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: this repository has 2 alliances; name the one whose review to prepare:\n\
         alliance:   alliance agenda TEAM_ALLIANCE.md                   team, active\n\
         alliance:   alliance agenda 'one on ones/ADA_LEE_ALLIANCE.md'  one-on-one, active, review overdue since 2026-12-01\n"
    );
    let review = sb.run_with_env(&["review"], &[("ALLIANCE_TODAY", "2026-12-06")]);
    assert!(
        review
            .stderr
            .contains("alliance review 'one on ones/ADA_LEE_ALLIANCE.md'"),
        "{}",
        review.stderr
    );
}

#[test]
fn every_command_suggested_runs_as_printed() {
    let sb = two_alliances();
    let run = sb.run_with_env(&["agenda"], &[("ALLIANCE_TODAY", "2026-12-06")]);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("'one on ones/"))
        .expect("the 1-1's line");
    let command = line.trim_start_matches("alliance:").trim();
    let command = &command[..command.find("  ").expect("the state after the command")];
    let words = shlex::split(command).expect("a shell command");
    assert_eq!(words[0], "alliance");
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    let ran = sb.run_with_env(&args, &[("ALLIANCE_TODAY", "2026-12-06")]);
    assert_eq!(ran.code, 0, "{command}: {}", ran.stderr);
    assert!(
        ran.stdout.starts_with("Review meeting: Ada and Lee"),
        "{}",
        ran.stdout
    );
}

#[test]
fn agree_lists_the_alliances_waiting_for_that_party() {
    let sb = two_alliances();
    let run = sb.run_with_env(
        &["agree", "--as", "lee"],
        &[("ALLIANCE_TODAY", "2026-12-06")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "alliance: this repository has 2 alliances; name the one @lee agrees to (those waiting for their consent):\n\
             alliance:   alliance agree 'one on ones/ADA_LEE_ALLIANCE.md' --as lee  active, waiting for @ada, @lee\n"
        ),
        "{}",
        run.stderr
    );
    let nobody = sb.run(&["agree", "--as", "zed"]);
    assert_eq!(
        nobody.stderr,
        "alliance: this repository has 2 alliances; none has a party with the handle @zed; check the handle under `parties:`\n"
    );
    // Nothing was written.
    assert_eq!(sb.read("one on ones/ADA_LEE_ALLIANCE.md"), ONE_ON_ONE);
}

#[test]
fn from_a_subfolder_files_are_named_from_there() {
    let sb = two_alliances();
    sb.write("alliance-kinds/lab.kind.yaml", "name: lab\nextends: team\n");
    sb.write(".alliance.yaml", "kinds: alliance-kinds\n");
    std::fs::create_dir_all(sb.path().join("docs")).expect("mkdir");
    let from_docs = |args: &[&str]| {
        let output = sb
            .command(args)
            .current_dir(sb.path().join("docs"))
            .output()
            .expect("run alliance");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let list = from_docs(&["list"]);
    assert!(list.contains("\n../TEAM_ALLIANCE.md "), "{list}");
    assert!(
        list.contains("\n../one on ones/ADA_LEE_ALLIANCE.md "),
        "{list}"
    );
    let kinds = from_docs(&["kinds"]);
    assert!(
        kinds.contains("lab (../alliance-kinds/lab.kind.yaml)"),
        "{kinds}"
    );
}

/// What a real team repository holds, through a quarter: the team's own
/// agreement (adopted as a repository kind), two 1-1s beside it; a review,
/// a pulse round, the next agenda, the diff, and a pull request that
/// changes the kind's rules.
#[test]
fn a_team_repository_through_a_quarter() {
    let sb = two_alliances();
    let today = [("ALLIANCE_TODAY", "2026-10-05")];
    sb.write(
        "one on ones/ADA_SAM_ALLIANCE.md",
        ONE_ON_ONE
            .replace("Lee Chen", "Sam Roe")
            .replace("lee", "sam")
            .replace("Ada and Lee", "Ada and Sam"),
    );
    sb.write(
        "WORKING_AGREEMENT.md",
        "# Team working agreement\n\n## Purpose\n\nWe ship the payments API.\n\n## Responsibilities\n\n- Ada keeps the on-call rota.\n\n## Accountability\n\n- We own the bugs we ship.\n\n## Meetings\n\n- Meetings will be scheduled in the shared calendar.\n",
    );
    // Adopt: a kind of the team's own, matching its headings one to one.
    let adopt = sb.run_with_env(
        &[
            "adopt",
            "WORKING_AGREEMENT.md",
            "--new-kind",
            "squad",
            "--merge",
            "--party",
            "Ada Lovelace <ada>",
            "--party",
            "Lee Chen <lee>",
        ],
        &today,
    );
    assert_eq!(adopt.code, 0, "{}", adopt.stderr);
    let check = sb.run_with_env(&["check", "WORKING_AGREEMENT.md"], &today);
    assert_ne!(check.code, 2, "{}", check.stderr);
    assert!(!check.stdout.contains("error[A03"), "{}", check.stdout);
    sb.git(&["add", "."], "2026-10-05T10:00:00Z");
    sb.git(
        &["commit", "-qm", "Adopt our agreement"],
        "2026-10-05T10:00:00Z",
    );

    // A review adds a handful of lines, however many items were read.
    let before = sb.read("WORKING_AGREEMENT.md").lines().count();
    let review = sb.run_with_env(
        &[
            "review",
            "WORKING_AGREEMENT.md",
            "--date",
            "2026-10-05",
            "--note",
            "Kept all",
            "--win",
            "No weekend pages",
        ],
        &today,
    );
    assert_eq!(review.code, 0, "{}", review.stderr);
    // The first review also adds the `last:` and `reviews:` keys; the entry
    // itself is at most (parties + 3) lines: date, note, wins, a line per reader.
    let text = sb.read("WORKING_AGREEMENT.md");
    let added = text.lines().count() - before;
    assert!(added <= 2 + (2 + 3), "{added} lines added:\n{text}");
    let entry = text
        .lines()
        .skip_while(|l| !l.starts_with("  - date: 2026-10-05"))
        .take_while(|l| *l != "---")
        .count();
    assert!(entry <= 2 + 3, "{entry} lines:\n{text}");
    sb.git(
        &["commit", "-qam", "October review"],
        "2026-10-05T11:00:00Z",
    );

    // A pulse round: the form is written for Lee to fill in, and the report
    // covers the alliances that have a round.
    let ask = sb.run_with_env(
        &["pulse", "ask", "WORKING_AGREEMENT.md", "--as", "lee"],
        &[("ALLIANCE_TODAY", "2026-11-02")],
    );
    assert_eq!(ask.code, 0, "{}", ask.stderr);
    let report = sb.run_with_env(&["pulse", "report"], &[("ALLIANCE_TODAY", "2026-11-02")]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(
        report.stdout.contains("WORKING_AGREEMENT.md"),
        "{}",
        report.stdout
    );

    // The next meeting's agenda, and the diff of every alliance that changed.
    let agenda = sb.run_with_env(
        &["agenda", "WORKING_AGREEMENT.md", "--date", "2026-12-01"],
        &today,
    );
    assert_eq!(agenda.code, 0, "{}", agenda.stderr);
    assert!(
        agenda.stdout.starts_with("Review meeting: "),
        "{}",
        agenda.stdout
    );
    let text = sb.read("WORKING_AGREEMENT.md");
    sb.write(
        "WORKING_AGREEMENT.md",
        text.replace(
            "We own the bugs we ship.",
            "We own the bugs we ship, and fix them first.",
        ),
    );
    let diff = sb.run_with_env(&["diff"], &today);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(
        diff.stdout.starts_with("WORKING_AGREEMENT.md: "),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains("ADA_LEE"), "{}", diff.stdout);

    // A pull request that makes a section optional: the comment names the
    // alliance whose rules it changes.
    sb.git(&["checkout", "-q", "--", "."], "2026-12-02T10:00:00Z");
    sb.git(&["checkout", "-qb", "laxer"], "2026-12-02T10:00:00Z");
    let kind = sb.read("alliance-kinds/squad.kind.yaml");
    assert!(kind.contains("name: squad"), "{kind}");
    sb.write(
        "alliance-kinds/squad.kind.yaml",
        format!("{kind}\nremove_sections: [When it gets hard]\n"),
    );
    sb.git(
        &["commit", "-qam", "Drop a section"],
        "2026-12-02T10:00:00Z",
    );
    let comment = sb.run_with_env(&["ci", "comment", "--dry-run", "--base", "main"], &today);
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    assert!(
        comment
            .stdout
            .contains("Rules changed: `alliance-kinds/squad.kind.yaml`"),
        "{}",
        comment.stdout
    );
    assert!(
        comment.stdout.contains("WORKING_AGREEMENT.md"),
        "{}",
        comment.stdout
    );
}

#[test]
fn one_alliance_that_cannot_be_read_does_not_hide_the_others() {
    let sb = two_alliances();
    // A third alliance whose committed version is not text.
    sb.write(
        "BINARY_ALLIANCE.md",
        b"---\nalliance: team\n---\n\x00\x01\x02".as_slice(),
    );
    sb.git(&["add", "."], "2026-10-02T10:00:00Z");
    sb.git(&["commit", "-qm", "A binary"], "2026-10-02T10:00:00Z");
    let log = sb.run(&["log"]);
    assert_eq!(log.code, 2, "{}", log.stderr);
    assert!(log.stdout.contains("TEAM_ALLIANCE.md: "), "{}", log.stdout);
    assert!(
        log.stdout.contains("one on ones/ADA_LEE_ALLIANCE.md: "),
        "{}",
        log.stdout
    );
    assert!(log.stderr.contains("BINARY_ALLIANCE.md"), "{}", log.stderr);
    let text = sb.read("TEAM_ALLIANCE.md");
    sb.write("TEAM_ALLIANCE.md", format!("{text}\n- We write it down.\n"));
    let diff = sb.run(&["diff"]);
    assert_eq!(diff.code, 2, "{}", diff.stderr);
    assert!(
        diff.stdout.starts_with("TEAM_ALLIANCE.md: "),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stderr.contains("BINARY_ALLIANCE.md"),
        "{}",
        diff.stderr
    );
}
