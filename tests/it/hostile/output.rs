//! Hostile text in documents, kinds, file names and commits, and what each
//! output makes of it: a terminal and a CI log get escapes and no workflow
//! command; Markdown gets words, never HTML, images, mentions, table or
//! heading breaks, or a second marker. (The escapers' own cases are unit
//! tests in `src/report/escape/`; these are what a user runs and sees.) A
//! reader that closes the pipe early gets a quiet exit, and `man` has a page
//! for every command its main page names.

use super::check;
use crate::common::{Sandbox, TEAM_BODY, team_doc};

/// A team alliance whose title, parties and items try every trick.
const HOSTILE: &str = r#"---
alliance: team
title: "Payments\n::stop-commands::pwned <details>"
parties:
  - name: Ada
    handle: ada
  - name: "Eve <img src=https://t.example/p.png>"
status: active
created: 2026-01-01
review:
  every: 3 months
  last: 2026-06-01
---

# Payments

## Agreements

- `![pixel](https://t.example/p.png)` `<details>` a | b @org/team #12 [review:: 2026-10-01]
- We start on time. [id:: on`time] [review:: 2026-10-02] [owner:: @ada]
"#;

fn hostile() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", HOSTILE);
    sb
}

/// No line a document caused may start a workflow command or carry a
/// control character: the property every human output must have.
fn assert_no_command_lines(output: &str) {
    for line in output.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "a line starts a workflow command: {line:?}\n{output}"
        );
        assert!(!line.contains("##["), "a legacy command: {line:?}");
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "a control character: {line:?}"
        );
    }
}

#[test]
fn list_table_keeps_a_title_on_its_line() {
    let run = hostile().run(&["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().nth(1),
        Some(
            "TEAM_ALLIANCE.md  team  Payments\\n::stop-commands::pwned <details>  @ada, Eve <img src=https://t.example/p.png>  active  2026-06-01   2026-09-01"
        )
    );
    assert_no_command_lines(&run.stdout);
}

#[test]
fn due_human_keeps_a_title_on_its_line() {
    let run = hostile().run(&["due", "--today", "2026-11-20"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "overdue: TEAM_ALLIANCE.md:12: review of Payments\\n::stop-commands::pwned <details> — 80 days overdue (due 2026-09-01)\n"
        ),
        "{}",
        run.stdout
    );
    assert_no_command_lines(&run.stdout);
}

#[test]
fn due_github_annotations_stay_one_command_each() {
    let run = hostile().run(&["due", "--today", "2026-11-20", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "::error file=TEAM_ALLIANCE.md,line=12,col=9,title=alliance overdue::review of Payments%0A::stop-commands::pwned <details> — 80 days overdue (due 2026-09-01); responsible: @ada, Eve <img src=https://t.example/p.png>"
    );
    assert_eq!(run.stdout.lines().count(), 3);
}

const DUE_MARKDOWN: &str = "\
### Alliance reviews due on 2026-11-20

| | What | File | When | Responsible |
|---|---|---|---|---|
| 🔴 overdue | review of Payments ::stop-commands::pwned &lt;details&gt; | `TEAM_ALLIANCE.md:12` | 80 days overdue (due 2026-09-01) | @&#8203;ada, Eve &lt;img src=https&#58;//t.example/p.png&gt; |
| 🔴 overdue | item: \\!\\[pixel\\](https&#58;//t.example/p.png) &lt;details&gt; a \\| b @&#8203;org/team \\#&#8203;12 | `TEAM_ALLIANCE.md:19` | 50 days overdue (due 2026-10-01) | @&#8203;ada, Eve &lt;img src=https&#58;//t.example/p.png&gt; |
| 🔴 overdue | item <code>on\\`time</code>: We start on time. | `TEAM_ALLIANCE.md:20` | 49 days overdue (due 2026-10-02) | @&#8203;ada |
";

#[test]
fn due_markdown_shows_words_not_html_images_cells_or_mentions() {
    let run = hostile().run(&["due", "--today", "2026-11-20", "--format", "markdown"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, DUE_MARKDOWN);
}

#[test]
fn due_markdown_mentions_only_the_responsible_when_asked() {
    let run = hostile().run(&[
        "due",
        "--today",
        "2026-11-20",
        "--format",
        "markdown",
        "--mentions",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = DUE_MARKDOWN.replace("| @&#8203;ada", "| @ada");
    assert_eq!(run.stdout, expected);
    // The item's own `@org/team` stays inert.
    assert!(run.stdout.contains("@&#8203;org/team"));
}

#[test]
fn list_markdown_shows_words_and_links_only_the_file() {
    let sb = hostile();
    sb.write(
        "docs/a (b)_ALLIANCE.md",
        HOSTILE.replace(
            "title: \"Payments\\n::stop-commands::pwned <details>\"",
            "title: \"[x](javascript:alert(1)) ![y](https://t.example/p.png)\"",
        ),
    );
    let run = sb.run(&["list", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
| Alliance | Kind | Parties | Status | Last review | Next review |
|---|---|---|---|---|---|
| [Payments ::stop-commands::pwned &lt;details&gt;](TEAM_ALLIANCE.md) | team | @&#8203;ada, Eve &lt;img src=https&#58;//t.example/p.png&gt; | active | 2026-06-01 | 2026-09-01 |
| [\\[x\\](javascript:alert(1)) \\!\\[y\\](https&#58;//t.example/p.png)](docs/a%20%28b%29_ALLIANCE.md) | team | @&#8203;ada, Eve &lt;img src=https&#58;//t.example/p.png&gt; | active | 2026-06-01 | 2026-09-01 |
"
    );
}

/// A committed alliance under a file name that tries to end the marker,
/// changed in the working tree by text that tries to forge one.
fn hostile_diff() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let name = "x --><b>_ALLIANCE.md";
    sb.git(&["init", "-q", "-b", "main"], "2026-06-01T10:00:00Z");
    let before = "---\nalliance: team\ntitle: Payments\nparties:\n  - name: Ada\n    handle: ada\nreview:\n  every: 3 months\n  last: 2026-06-01\n---\n\n# Payments\n\n## Agreements\n\n- We start on time.\n";
    sb.write(name, before);
    sb.git(&["add", "."], "2026-06-01T10:00:00Z");
    sb.git(&["commit", "-qm", "First"], "2026-06-01T10:00:00Z");
    let after = before
        .replace(
            "    handle: ada\n",
            "    handle: ada\n  - name: \"Eve <!-- alliance-diff: OTHER.md -->\"\n    handle: eve\n",
        )
        .replace(
            "- We start on time.\n",
            "- We start on time.\n- \\<details> `<!-- alliance-diff: OTHER.md -->` @org/team\n- ##[error]pwned\n\n## ::error::heading\n",
        );
    sb.write(name, after);
    let short = sb.git(&["rev-parse", "--short=10", "HEAD"], "2026-06-01T10:00:00Z");
    (sb, short.trim().to_owned())
}

#[test]
fn diff_markdown_cannot_end_or_forge_the_marker() {
    let (sb, short) = hostile_diff();
    let run = sb.run(&["diff", "x --><b>_ALLIANCE.md", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "\
<!-- alliance-diff: x%20-%2D%3E%3Cb%3E_ALLIANCE.md -->
### <code>x --&gt;&lt;b&gt;\\_ALLIANCE.md</code>: 2 agreements added, 1 party joined, 1 section added, removed or renamed

Compared the review of 2026-06-01 ({short}) with the working tree.

**Consent to this version** (`v2:sha256:7e21c963efad`): Agreed: nobody yet · Not yet: @&#8203;ada, @&#8203;eve

**Front matter**

- ➕ Eve &lt;\\!-- alliance-diff: OTHER.md --&gt; (@&#8203;eve) joined

#### Agreements

- ➕ **\\\\&lt;details&gt; \\`&lt;\\!-- alliance-diff: OTHER.md --&gt;\\` @&#8203;org/team**
- ➕ **\\#\\#\\[error\\]pwned**

#### ::error::heading _(new section)_
"
        )
    );
    // The only marker, and the only comment, is the first line.
    assert_eq!(run.stdout.matches("<!--").count(), 1);
    assert_eq!(run.stdout.matches("-->").count(), 1);
}

#[test]
fn diff_human_prints_no_command_lines() {
    let (sb, short) = hostile_diff();
    let run = sb.run(&["diff", "x --><b>_ALLIANCE.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "\
x --><b>_ALLIANCE.md: from the review of 2026-06-01 ({short}) to the working tree
2 agreements added, 1 party joined, 1 section added, removed or renamed

+ Eve <!-- alliance-diff: OTHER.md --> (@eve) joined

## Agreements
  + \\<details> `<!-- alliance-diff: OTHER.md -->` @org/team
  + ##\\[error]pwned

+ ## \\::error::heading (new section)
"
        )
    );
    assert_no_command_lines(&run.stdout);
}

#[test]
fn log_escapes_authors_from_git() {
    let (sb, _) = hostile_diff();
    let name = "x --><b>_ALLIANCE.md";
    sb.write(
        name,
        sb.read(name)
            .replace("last: 2026-06-01", "last: 2026-07-01"),
    );
    sb.git(
        &[
            "commit",
            "-qam",
            "Second",
            "--author",
            "Eve \u{1b}]8;;https://t.example\u{7}x <eve@example.com>",
        ],
        "2026-07-01T10:00:00Z",
    );
    let run = sb.run(&["log", "x --><b>_ALLIANCE.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Eve \\u{1b}]8;;https://t.example\\u{7}x  "),
        "{}",
        run.stdout
    );
    assert_no_command_lines(&run.stdout);
}

/// A repository kind whose every text tries to print a command.
fn hostile_kind(sb: &Sandbox) {
    sb.write(".alliance.yaml", "kinds: kinds\n");
    sb.write(
        "kinds/squad.kind.yaml",
        "name: squad\nsummary: \"A squad.\\n::error::pwned \\e[2J\"\ndefault_every: 3 months\nsections:\n  - name: \"Purpose\\n::stop-commands::x\"\n    aliases: [\"Why\\n##[error]y\"]\n    content: text\n",
    );
}

#[test]
fn kinds_escapes_a_repository_kind() {
    let sb = Sandbox::new();
    hostile_kind(&sb);
    let run = sb.run(&["kinds"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let squad = run
        .stdout
        .split("\n\n")
        .find(|block| block.starts_with("squad"))
        .unwrap_or_else(|| panic!("no squad kind:\n{}", run.stdout));
    let (first, rest) = squad.split_once('\n').unwrap_or_default();
    assert!(first.starts_with("squad ("), "{first}");
    assert_eq!(
        rest,
        "  A squad.\\n::error::pwned \\u{1b}[2J
  reviewed every 3 months by default
  sections:
    ## Purpose\\n::stop-commands::x (any content; also: Why\\n##\\[error]y)
"
    );
    assert_no_command_lines(&run.stdout);
}

#[test]
fn adopt_escapes_a_repository_kind_and_headings() {
    let sb = Sandbox::new();
    hostile_kind(&sb);
    sb.write(
        "AGREEMENT.md",
        "# Our squad \u{1b}[31mred\n\n## Why\n::error::not a command here\n\nText.\n",
    );
    let run = sb.run(&["adopt", "AGREEMENT.md", "--kind", "squad"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_command_lines(&run.stdout);
    assert!(
        run.stdout.contains("titled \"Our squad \\u{1b}[31mred\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Purpose\\n::stop-commands::x"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_human_prints_no_command_lines_for_a_long_line() {
    // A finding on a line longer than the shown window: the block names
    // the file once, with no empty `::: ` origin line (found by fuzzing).
    let sb = Sandbox::new();
    let long = " ".repeat(500);
    sb.write(
        "TEAM_ALLIANCE.md",
        HOSTILE.replace("every: 3 months", &format!("every: \"soon{long}x\"")),
    );
    let run = sb.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("  --> TEAM_ALLIANCE.md:11:10\n   |\n11 | "),
        "{}",
        run.stdout
    );
    assert_no_command_lines(&run.stdout);
}

#[test]
fn a_file_named_colon_cannot_start_a_command_line() {
    // `PATH:LINE: ...` with the path `:` would print `::LINE: ...` (found
    // by fuzzing, in `diff`'s header): the lone colon is escaped.
    let sb = Sandbox::new();
    sb.write(":", HOSTILE);
    let run = sb.run(&["review", ":", "--date", "2026-11-20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("\\::12: review.last: 2026-06-01 -> 2026-11-20\n"),
        "{}",
        run.stdout
    );
    assert_no_command_lines(&run.stdout);
}

#[test]
fn json_and_junit_printed_into_a_ci_log_hold_no_runner_command() {
    // `##[error]` is read anywhere on a line of a GitHub Actions log: a
    // report printed there must not carry one, and must still parse to the
    // same text.
    let sb = Sandbox::new();
    sb.write(
        "TEAM_ALLIANCE.md",
        HOSTILE.replace(
            "title: \"Payments\\n::stop-commands::pwned <details>\"",
            "title: \"##[error]pwned ##vso[task.complete]\"",
        ),
    );
    let run = sb.run(&["due", "--today", "2026-11-20", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains("##["), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(r###""title": "##\u005berror]pwned ##vso\u005btask.complete]""###),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.json()["alliances"][0]["title"],
        "##[error]pwned ##vso[task.complete]"
    );
    let run = sb.run(&["due", "--today", "2026-11-20", "--format", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains("##["), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("review of ##&#91;error]pwned ##vso&#91;task.complete]"),
        "{}",
        run.stdout
    );
}

#[test]
fn log_commits_keep_a_commit_message_on_its_line() {
    let (sb, _) = hostile_diff();
    sb.git(
        &["commit", "-qam", "Tweak \u{1b}[2J ##[error]too\n\nbody"],
        "2026-07-01T10:00:00Z",
    );
    let run = sb.run(&["log", "x --><b>_ALLIANCE.md", "--commits"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("  (Tweak \\u{1b}[2J ##\\[error]too)\n"),
        "{}",
        run.stdout
    );
    assert_no_command_lines(&run.stdout);
}

#[test]
fn every_human_output_of_a_hostile_repository_is_inert() {
    // One repository with a hostile kind, file name, document and commit,
    // through every command that prints for people.
    let (sb, _) = hostile_diff();
    hostile_kind(&sb);
    let name = "x --><b>_ALLIANCE.md";
    let runs: [&[&str]; 11] = [
        &["check"],
        &["check", name],
        &["due", "--today", "2027-06-01"],
        &["list"],
        &["kinds"],
        &["diff", name],
        &["log", name],
        &["log", name, "--commits"],
        &["schema", "squad"],
        &["agenda", name, "--date", "2027-06-01"],
        &[
            "agenda",
            name,
            "--date",
            "2027-06-01",
            "--format",
            "markdown",
        ],
    ];
    for args in runs {
        let run = sb.run(args);
        assert!(run.code <= 2, "{args:?}: {}", run.stderr);
        assert_no_command_lines(&run.stdout);
        assert_no_command_lines(&run.stderr);
    }
}

#[test]
fn agenda_shows_hostile_items_as_words() {
    let sb = hostile();
    let human = sb.run(&["agenda", "--date", "2026-11-20"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert_no_command_lines(&human.stdout);
    assert!(
        human
            .stdout
            .starts_with("Review meeting: Payments\\n::stop-commands::pwned <details> (TEAM_ALLIANCE.md), 2026-11-20, 60 minutes\n"),
        "{}",
        human.stdout
    );
    let md = sb.run(&["agenda", "--date", "2026-11-20", "--format", "markdown"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    for bad in ["<details>", "<img", "![pixel]", "@org", "#12", "\n::stop"] {
        assert!(!md.stdout.contains(bad), "{bad}: {}", md.stdout);
    }
    // The title cannot start a heading or a line of its own.
    assert!(
        md.stdout
            .starts_with("## Review meeting: Payments ::stop-commands::pwned &lt;details&gt;\n"),
        "{}",
        md.stdout
    );
    // Every table row stays one row: the item's `|` is escaped.
    assert!(
        md.stdout
            .contains("&lt;details&gt; a \\| b @&#8203;org/team \\#&#8203;12 |"),
        "{}",
        md.stdout
    );
}

/// A team alliance with a bidirectional override in its title and in an
/// item's review date, whose own review is overdue on 2026-11-20.
const BIDI: &str = "---\nalliance: team\ntitle: \"Pay\u{202e}yap\"\nparties:\n  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\ncreated: 2026-01-01\nreview:\n  every: 3 months\n  last: 2026-06-01\n---\n\n# Pay\n\n## Agreements\n\n- Bad. [review:: soon\u{202e}evil]\n";

/// The `file=` value of an annotation line, decoded as the runner decodes
/// a property (`ActionCommand.UnescapeProperty`).
fn annotated_file(line: &str) -> Option<String> {
    let props = line.split_once(' ')?.1.split_once("::")?.0;
    let value = props.split(',').find_map(|p| p.strip_prefix("file="))?;
    Some(
        value
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%"),
    )
}

#[test]
fn github_annotations_escape_bidi_and_point_at_the_real_file() {
    let sb = Sandbox::new();
    sb.write("TEAM\tALLIANCE.md", BIDI);
    sb.write("X\u{202e}Y_ALLIANCE.md", BIDI);
    for args in [
        &["check", "--format", "github"][..],
        &["due", "--today", "2026-11-20", "--format", "github"],
    ] {
        let run = sb.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(!run.stdout.contains('\u{202e}'), "{args:?}: {}", run.stdout);
        let lines: Vec<&str> = run.stdout.lines().collect();
        // The tab's file is named as it is, and the name is a real file.
        let tab: Vec<&&str> = lines.iter().filter(|l| l.contains("TEAM")).collect();
        assert!(!tab.is_empty(), "{args:?}: {}", run.stdout);
        for line in tab {
            let file = annotated_file(line).expect("file=");
            assert_eq!(file, "TEAM\tALLIANCE.md", "{line}");
            assert!(sb.path().join(&file).is_file());
        }
        // The override's file cannot be named: no `file=`, the place is
        // the message's start, escaped.
        let bidi: Vec<&&str> = lines.iter().filter(|l| l.contains("X\\u{202e}Y")).collect();
        assert!(!bidi.is_empty(), "{args:?}: {}", run.stdout);
        for line in bidi {
            assert_eq!(annotated_file(line), None, "{line}");
            let message = line.split_once("::").and_then(|(_, m)| m.split_once("::"));
            let message = message.map(|(_, m)| m).unwrap_or_default();
            assert!(message.starts_with("X\\u{202e}Y_ALLIANCE.md:"), "{line}");
        }
    }
    let run = sb.run(&["check", "--format", "github"]);
    assert!(run.stdout.contains("`soon\\u{202e}evil`"), "{}", run.stdout);
    let run = sb.run(&["due", "--today", "2026-11-20", "--format", "github"]);
    assert!(
        run.stdout.contains("review of Pay\\u{202e}yap"),
        "{}",
        run.stdout
    );
}

#[test]
fn terminal_escapes_are_never_printed_raw() {
    let sandbox = Sandbox::new();
    let doc = team_doc("", TEAM_BODY).replace(
        "every: 3 months",
        "every: \"\u{1b}]0;pwned\u{7}\u{1b}[31m\"",
    );
    let run = check(&sandbox, "escape.md", doc.as_bytes());
    assert_eq!(run.code, 1);
    assert!(
        !run.stdout.contains('\u{1b}'),
        "raw ESC in output:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("\\u{1b}"), "{}", run.stdout);
}

// --- A closed pipe, and the pages `man` prints ----------------------------

/// Run `alliance ARGS` with its standard output closed before it writes,
/// as `alliance ARGS | head -0` would.
fn run_into_closed_pipe(sb: &Sandbox, args: &[&str]) -> (i32, String) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = sb
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn alliance");
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let status = child.wait().expect("wait");
    (status.code().unwrap_or(-1), stderr)
}

#[test]
fn every_generator_exits_quietly_on_a_closed_pipe() {
    let sb = Sandbox::new();
    sb.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let cases: [&[&str]; 9] = [
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "elvish"],
        &["completions", "bash"],
        &["completions", "powershell"],
        &["man"],
        &["man", "check"],
        &["schema", "team"],
        &["list", "--format", "json"],
    ];
    for args in cases {
        let (code, stderr) = run_into_closed_pipe(&sb, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn man_pages_exist_for_the_commands_the_main_page_names() {
    let sb = Sandbox::new();
    let main = sb.run(&["man"]);
    assert_eq!(main.code, 0);
    assert!(
        main.stdout.contains("alliance\\-check(1)"),
        "{}",
        main.stdout
    );
    let check = sb.run(&["man", "check"]);
    assert_eq!(check.code, 0);
    assert!(
        check.stdout.contains(".TH alliance-check 1"),
        "{}",
        check.stdout
    );
    // The examples are in the page.
    assert!(check.stdout.contains("alliance check TEAM_ALLIANCE.md"));
    let unknown = sb.run(&["man", "nope"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .starts_with("alliance: no command `nope`; the commands are check, kinds,")
    );
}
