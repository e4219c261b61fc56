//! Hostile shapes that once cost more than linear time or memory, one case
//! per class (issue 11). Each document is built by a generator of `n`, so a
//! size can be raised to probe further; `scripts/scaling.sh` runs the same
//! shapes at n and 8n with the release binary and prints the ratios.
//!
//! Every run is bounded: killed after [`WALL_CLOCK`] (a hang guard far above
//! any real run, never a timing assertion) and started under `prlimit --as`
//! with [`ADDRESS_SPACE`], so a run that would need gigabytes fails to
//! allocate instead of taking the machine. The cases assert only what a
//! user sees: the exit code and the message.
//!
//! A template of a repository kind is bounded in memory, not only in steps,
//! and `diff` and `log` of many large versions hold a few of them at a time
//! (these cases run under [`super::hostile`] and its limits). With no thread
//! to be had, `check` works on its own thread.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{assert_refused, finish_within, git, hostile, limited_command};
use crate::common::{Run, Sandbox, TEAM_BODY, team_doc};

/// Kill a run after this long: a hang, whatever the machine. A hang guard,
/// not a timing assertion: `list` of 1,500 large alliances takes about 6 s
/// in a debug build on an idle 2-core machine, and 20 s was overrun when
/// the suite shared the machine with builds.
const WALL_CLOCK: Duration = Duration::from_secs(90);

/// The address space a run may reserve. The stated budget for one document
/// is 256 MB resident (docs/security.md, "Limits"); address space also counts the
/// binary, thread stacks and the allocator's reservations, hence the margin.
const ADDRESS_SPACE: u64 = 1024 * 1024 * 1024;

/// Run `alliance ARGS` in `sandbox` under the wall-clock and memory limits.
fn bounded(sandbox: &Sandbox, args: &[&str]) -> Run {
    bounded_to(sandbox, args, ADDRESS_SPACE)
}

/// [`bounded`], with `address_space` bytes instead of [`ADDRESS_SPACE`].
fn bounded_to(sandbox: &Sandbox, args: &[&str], address_space: u64) -> Run {
    let prlimit = "/usr/bin/prlimit";
    assert!(
        std::path::Path::new(prlimit).exists(),
        "these cases need prlimit (util-linux) to bound memory"
    );
    let wrapper = [
        prlimit.to_owned(),
        format!("--as={address_space}"),
        "--".to_owned(),
    ];
    let mut command = sandbox.wrapped(&wrapper, None, args);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn alliance");
    // Read the output while waiting, so a full pipe never looks like a hang.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > WALL_CLOCK {
            let _ = child.kill();
            let _ = child.wait();
            panic!("alliance {args:?} ran for more than {WALL_CLOCK:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: text(out.join().expect("stdout reader")),
        stderr: text(err.join().expect("stderr reader")),
    }
}

fn check(sandbox: &Sandbox, args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    bounded(sandbox, &all)
}

fn tail(text: &str) -> &str {
    let from = text.len().saturating_sub(600);
    let from = (from..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    &text[from..]
}

// Generators: each returns the document (or file) for size `n`.

/// `n` YAML values on one line of front matter.
fn yaml_values_on_one_line(n: usize) -> String {
    let values: Vec<String> = (0..n).map(|i| format!("value-{i:08}-long")).collect();
    team_doc(&format!("tags: [{}]\n", values.join(", ")), TEAM_BODY)
}

/// `n` exclude patterns on one line of `.alliance.yaml`.
fn excludes_on_one_line(n: usize) -> String {
    let patterns: Vec<String> = (0..n).map(|i| format!("skip-{i}/**")).collect();
    format!("exclude: [{}]\n", patterns.join(", "))
}

/// A repository kind whose first section has `n` aliases on one line.
fn kind_with_aliases(n: usize) -> String {
    let aliases: Vec<String> = (0..n).map(|i| format!("alias {i}")).collect();
    format!(
        "name: crew\nsummary: A crew\nsections:\n  - name: Purpose\n    content: text\n    aliases: [{}]\n",
        aliases.join(", ")
    )
}

/// An item of `n` `[`, each of which could open an inline field that the
/// one `]` at the end would close.
fn bracket_storm(n: usize) -> String {
    team_doc("", &format!("{TEAM_BODY}\n- We {} x:: y]\n", "[".repeat(n)))
}

/// An item of `n` `[k:: ` whose only `]` comes after a line break.
fn field_storm(n: usize) -> String {
    team_doc(
        "",
        &format!("{TEAM_BODY}\n- We {}\n  go on]\n", "[k:: ".repeat(n)),
    )
}

/// `n` list items nested on one line: `- - - ... x`.
fn nested_items_on_one_line(n: usize) -> String {
    team_doc("", &format!("{TEAM_BODY}\n{}x\n", "- ".repeat(n)))
}

/// An HTML block of `n` unclosed `<a`.
fn html_lt_storm(n: usize) -> String {
    team_doc("", &format!("{TEAM_BODY}\n<div>{}\n", "<a".repeat(n)))
}

/// One line with `n` owners who are not parties: `n` findings on it.
fn findings_on_one_line(n: usize) -> String {
    team_doc(
        "",
        &format!("{TEAM_BODY}\n- We go [owner:: {}]\n", strangers(n)),
    )
}

/// `@s0 @s1 ...`: `n` owners who are not parties.
fn strangers(n: usize) -> String {
    (0..n).map(|i| format!("@s{i} ")).collect()
}

/// `n` parties and one line with `n` owners who are not among them.
fn many_parties_and_strangers(n: usize) -> String {
    let parties: String = (0..n).map(|i| format!("  - Person {i} <p{i}>\n")).collect();
    let doc = team_doc(
        "",
        &format!("{TEAM_BODY}\n- We go [owner:: {}]\n", strangers(n)),
    );
    doc.replacen("parties:\n", &format!("parties:\n{parties}"), 1)
}

/// A front matter of `n` keys whose numbers a repository schema wants as text.
fn many_keys_a_schema_faults(n: usize) -> String {
    let keys: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
    format!("---\nalliance: crew\n{keys}---\n\n# Crew\n\n## Purpose\n\nWe test.\n")
}

/// A front-matter list of `n` entries, one a line.
fn yaml_list(n: usize) -> String {
    let entries: String = (0..n).map(|i| format!("  - tag {i}\n")).collect();
    team_doc(&format!("tags:\n{entries}"), TEAM_BODY)
}

#[test]
fn many_yaml_values_on_one_line() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", yaml_values_on_one_line(40_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
    // The one warning is A070: nobody's consent is recorded.
    assert!(run.stdout.ends_with("checked 1 file: 1 warning\n"));
}

#[test]
fn many_excludes_on_one_line() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    sandbox.write(".alliance.yaml", excludes_on_one_line(1_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);

    // Past the cap: one short line, not every pattern.
    sandbox.write(".alliance.yaml", excludes_on_one_line(20_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 2, "{}", tail(&run.stdout));
    assert!(
        run.stderr.ends_with(
            ".alliance.yaml:1: `exclude` lists 20000 patterns; alliance takes up to 1000: exclude whole folders instead\n"
        ),
        "{}",
        tail(&run.stderr)
    );
}

#[test]
fn many_aliases_on_one_line_of_a_kind_file() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    sandbox.write("kinds/crew.kind.yaml", kind_with_aliases(40_000));
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("", TEAM_BODY).replace("alliance: team", "alliance: crew"),
    );
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
}

#[test]
fn many_headings_against_many_aliases() {
    // Names of one length with a long common start: every comparison of
    // a heading with an alias reads most of both.
    let name = |i: usize| format!("section name number {i:07}");
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    let aliases: Vec<String> = (0..24_000).map(name).collect();
    sandbox.write(
        "kinds/crew.kind.yaml",
        format!(
            "name: crew\nsummary: A crew\nsections:\n  - name: Purpose\n    content: text\n    aliases: [{}]\n",
            aliases.join(", ")
        ),
    );
    let headings: String = (0..28_000)
        .map(|i| format!("## {}\n", name(5_000_000 + i)))
        .collect();
    let doc = team_doc("", &format!("{TEAM_BODY}{headings}"));
    sandbox.write(
        "TEAM_ALLIANCE.md",
        doc.replace("alliance: team", "alliance: crew"),
    );
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
}

#[test]
fn a_kind_that_extends_another_with_many_sections() {
    // Seven YAML values a section: under the 50,000-value cap.
    let n = 7_000;
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    let sections: String = (0..n)
        .map(|i| {
            format!("  - name: Extra section {i}\n    content: optional\n    required: false\n")
        })
        .collect();
    sandbox.write(
        "kinds/crew.kind.yaml",
        format!("name: crew\nextends: team\nsections:\n{sections}"),
    );
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("", TEAM_BODY).replace("alliance: team", "alliance: crew"),
    );
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
}

#[test]
fn a_storm_of_brackets_in_an_item() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", bracket_storm(500_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
}

#[test]
fn a_storm_of_field_openers_in_an_item() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", field_storm(150_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
}

#[test]
fn deeply_nested_items_on_one_line() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", nested_items_on_one_line(100_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
}

#[test]
fn a_storm_of_angle_brackets_in_html() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", html_lt_storm(500_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
}

#[test]
fn twenty_thousand_findings_on_one_line() {
    let n = 20_000;
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", findings_on_one_line(n));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 1, "{}{}", tail(&run.stdout), run.stderr);
    assert_eq!(run.stdout.matches("error[A041]").count(), n);
    assert!(
        run.stdout
            .ends_with(&format!("checked 1 file: {n} errors, 1 warning\n")),
        "{}",
        tail(&run.stdout)
    );
    // Each finding draws an excerpt of the long line, not the line.
    assert!(
        run.stdout.len() < n * 1_000,
        "printed {} bytes",
        run.stdout.len()
    );
}

#[test]
fn many_strangers_among_many_parties() {
    let n = 15_000;
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", many_parties_and_strangers(n));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 1, "{}{}", tail(&run.stdout), run.stderr);
    assert_eq!(run.stdout.matches("error[A041]").count(), n);
    // The help names ten parties, not fifteen thousand, each time.
    assert!(
        run.stdout.contains(
            "help: use a party's handle (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, and 14992 more), or add them to `parties`"
        ),
        "{}",
        &run.stdout[..run.stdout.len().min(1500)]
    );
}

#[test]
fn a_schema_error_on_every_key_of_a_big_mapping() {
    let n = 24_000;
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    sandbox.write(
        "kinds/crew.kind.yaml",
        "name: crew\nsummary: A crew\nsections:\n  - name: Purpose\n    content: text\n",
    );
    sandbox.write(
        "kinds/crew.schema.json",
        r#"{"type": "object", "additionalProperties": {"type": "string"}}"#,
    );
    sandbox.write("CREW_ALLIANCE.md", many_keys_a_schema_faults(n));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 1, "{}{}", tail(&run.stdout), run.stderr);
    assert_eq!(run.stdout.matches("error[A012]").count(), n);
    // The last key is found where it is.
    let last = format!(
        "error[A012]: `k{}` should be text, not a number\n     --> CREW_ALLIANCE.md:{}:9\n",
        n - 1,
        n + 2
    );
    assert!(run.stdout.contains(&last), "{}", tail(&run.stdout));
}

#[test]
fn a_big_yaml_list() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", yaml_list(45_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);

    // Past the node cap: a finding on the value where it was reached.
    sandbox.write("TEAM_ALLIANCE.md", yaml_list(60_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 1, "{}{}", tail(&run.stdout), run.stderr);
    assert!(
        run.stdout.starts_with(
            "error[A003]: the front matter is not valid YAML: more than 50000 values; alliance reads YAML up to that many\n"
        ),
        "{}",
        &run.stdout[..run.stdout.len().min(600)]
    );
}

/// `n` parties, `n` items (half of them with the same words) and a last
/// review that recorded a reading of every item by the same party.
fn many_readers_and_items(n: usize) -> String {
    let parties: String = (0..n).map(|i| format!("  - Person {i} <p{i}>\n")).collect();
    let readers: String = (0..n).map(|i| format!("      i{i}: p0\n")).collect();
    let items: String = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                format!("- Same words. [id:: i{i}]\n")
            } else {
                "- Same words.\n".to_owned()
            }
        })
        .collect();
    let doc = team_doc(
        &format!("reviews:\n  - date: 2026-01-01\n    readers:\n{readers}"),
        &format!("{TEAM_BODY}\n{items}"),
    );
    doc.replacen("parties:\n", &format!("parties:\n{parties}"), 1)
}

#[test]
fn an_agenda_of_many_parties_and_items() {
    let n = 15_000;
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", many_readers_and_items(n));
    let run = bounded(
        &sandbox,
        &["agenda", "--date", "2026-06-01", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let readings = json["read_aloud"].as_array().expect("read_aloud");
    // Every answered item is read (TEAM_BODY has two).
    assert_eq!(readings.len(), n + 2);
    let counts = json["reading_counts"].as_array().expect("counts");
    // p0 read every item last time: it reads none now; the others share
    // the items evenly.
    assert_eq!(counts[0]["before"], counts[0]["after"]);
    let after: Vec<u64> = counts[1..]
        .iter()
        .map(|c| c["after"].as_u64().expect("after"))
        .collect();
    assert!(after.iter().max().unwrap() - after.iter().min().unwrap() <= 1);
    assert!(readings.iter().all(|r| r["repeat"] == false));
}

/// Whether `output` names the first of `n` folders `tNNNN/` before the
/// last: discovery's order.
fn in_order(output: &str, n: usize, what: &str) {
    let first = output.find("t0000/").expect("the first");
    let last = output.rfind(&format!("t{:04}/", n - 1)).expect("the last");
    assert!(first < last, "{what}: in discovery's order");
}

/// `list` keeps each alliance's row or export, not its parsed document:
/// many large alliances list within the memory limit, and every one is
/// listed, in order.
#[test]
fn list_holds_rows_not_documents() {
    let sb = Sandbox::new();
    let items: String = (0..400)
        .map(|i| format!("- We keep agreement number {i} as written, every week.\n"))
        .collect();
    let doc = team_doc("", &format!("{TEAM_BODY}\n## Agreements\n\n{items}"));
    let n = 1500;
    for i in 0..n {
        sb.write(&format!("teams/t{i:04}/TEAM_ALLIANCE.md"), &doc);
    }
    for format in ["json", "table", "markdown"] {
        let run = bounded(&sb, &["list", "--format", format]);
        assert_eq!(run.code, 0, "{format}: {}", tail(&run.stderr));
        assert_eq!(
            run.stdout.matches("TEAM_ALLIANCE.md").count(),
            n,
            "{format}: every alliance listed once"
        );
        in_order(&run.stdout, n, format);
    }
}

/// `check` and `due` write each file's part of the report as it is made
/// and keep only counts: many alliances, each with many findings and many
/// dated items, are reported within a small, fixed address space, every
/// one of them and in order. (Holding every file's findings or entries
/// until the end, as they once did, needs more than this space.)
#[test]
fn check_and_due_hold_counts_not_reports() {
    let sb = Sandbox::new();
    let items: String = (0..150)
        .map(|i| {
            format!(
                "- We keep agreement number {i} as written and read it aloud at every review, \
                 so that nobody has to guess what we meant when we wrote it down together. \
                 [owner:: @nobody] [review:: 2026-01-15]\n"
            )
        })
        .collect();
    let doc = team_doc("", &format!("{TEAM_BODY}\n## Agreements\n\n{items}"));
    let n = 1500;
    for i in 0..n {
        sb.write(&format!("teams/t{i:04}/TEAM_ALLIANCE.md"), &doc);
    }
    // Each file's findings (150 unknown owners) and entries (150 items
    // overdue) are written as they come; the totals are the sum.
    // `@nobody` is in each finding's message, and in each due entry's
    // owners and text.
    let runs: [(&[&str], &str, usize); 3] = [
        (&["check", "--format", "json"], "\"files\": 1500,", 1),
        (&["check", "--format", "github"], "", 1),
        (
            &["due", "--format", "json", "--today", "2026-11-22"],
            "\"overdue\": 225000,",
            2,
        ),
    ];
    for (args, total, per_item) in runs {
        let run = bounded_to(&sb, args, 192 * 1024 * 1024);
        assert_eq!(run.code, 1, "{args:?}: {}", tail(&run.stderr));
        in_order(&run.stdout, n, &format!("{args:?}"));
        assert!(tail(&run.stdout).contains(total), "{}", tail(&run.stdout));
        assert_eq!(
            run.stdout.matches("nobody").count(),
            n * 150 * per_item,
            "{args:?}: every item of every file"
        );
    }
}

/// Thousands of consent entries, committed over a few versions: proving
/// them walks the file's history once (each version's entries in a set),
/// within the memory bound, and reports one A076 per party, not per entry.
#[test]
fn many_consent_entries_are_proven_in_one_walk() {
    let n = 6_000;
    let sandbox = Sandbox::new();
    sandbox.git(&["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    let entries = |count: usize| -> String {
        (0..count)
            .map(|i| {
                let who = if i % 2 == 0 { "ada" } else { "grace" };
                format!(
                    "  - {{handle: {who}, date: 2026-01-{:02}, digest: sha256:{i:012x}}}\n",
                    i % 28 + 1
                )
            })
            .collect()
    };
    for (version, count) in [(1, n / 3), (2, 2 * n / 3), (3, n)] {
        let doc = team_doc(
            &format!("status: active\nconsent:\n{}", entries(count)),
            TEAM_BODY,
        );
        sandbox.write("TEAM_ALLIANCE.md", doc);
        sandbox.git(&["add", "-A"], "2026-11-01T10:00:00Z");
        sandbox.git(
            &["commit", "-qm", &format!("version {version}")],
            "2026-11-01T10:00:00Z",
        );
    }
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
    // None covers the text (their digests are made up): every party is
    // reported once as having agreed only to an earlier version.
    assert_eq!(
        run.stdout.matches("warning[A070]").count(),
        1,
        "{}",
        tail(&run.stdout)
    );
    assert!(
        run.stdout
            .contains("@ada, @grace agreed to an earlier version"),
        "{}",
        tail(&run.stdout)
    );
}

/// `n` two-line kind files, each extending the next in file order (the
/// worst order for building them a pass at a time); the last extends
/// `team`. Returns the name of the deepest, `k00000`.
fn kinds_chain(sandbox: &Sandbox, n: usize) {
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    for i in 0..n {
        let base = if i == n - 1 {
            "team".to_owned()
        } else {
            format!("k{:05}", i + 1)
        };
        sandbox.write(
            &format!("kinds/k{i:05}.kind.yaml"),
            format!("name: k{i:05}\nextends: {base}\n"),
        );
    }
}

/// Many kinds extending each other: each is built once, after its base,
/// and its summary quotes its nearest written one (it once grew by a
/// base's at every step). Past the caps, one line says which.
#[test]
fn many_kinds_extending_each_other() {
    let sandbox = Sandbox::new();
    // 1,000 kinds in 32-deep chains that all end at `team`.
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    for i in 0..1_000 {
        let base = if i % 32 == 31 || i == 999 {
            "team".to_owned()
        } else {
            format!("k{:05}", i + 1)
        };
        sandbox.write(
            &format!("kinds/k{i:05}.kind.yaml"),
            format!("name: k{i:05}\nextends: {base}\n"),
        );
    }
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("", TEAM_BODY).replace("alliance: team", "alliance: k00000"),
    );
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);
    let run = bounded(&sandbox, &["kinds"]);
    assert_eq!(run.code, 0, "{}", tail(&run.stderr));
    // The summary quotes `team`'s once, not once a step.
    assert!(
        run.stdout.contains(
            "kinds/k00000.kind.yaml)\n  A team's working agreement - atmosphere, co-responsibility and how we behave when it gets hard. (extends `k00001`)\n"
        ),
        "{}",
        &run.stdout[..run.stdout.len().min(1500)]
    );

    // One deeper than the cap.
    let sandbox = Sandbox::new();
    kinds_chain(&sandbox, 33);
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 2, "{}", tail(&run.stdout));
    assert!(
        run.stderr.contains(
            "kinds/k00000.kind.yaml:2: invalid kind definition: `k00000` is more than 32 kinds down a chain of `extends:`; alliance follows chains up to that deep: extend a kind nearer the top\n"
        ),
        "{}",
        tail(&run.stderr)
    );

    // 4,000 kinds: over the count cap, refused before any is read.
    let sandbox = Sandbox::new();
    kinds_chain(&sandbox, 4_000);
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 2, "{}", tail(&run.stdout));
    assert!(
        run.stderr.contains(
            "holds 4000 kind definitions; alliance reads up to 1000: keep the kinds your alliances use\n"
        ),
        "{}",
        tail(&run.stderr)
    );
}

/// Kinds that each take a big base's sections and add one: the sections
/// and aliases they hold in all are capped, so they cannot multiply one
/// file's size by the number of kinds.
#[test]
fn many_kinds_extending_a_big_one() {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    let aliases: Vec<String> = (0..40_000).map(|i| format!("alias {i}")).collect();
    sandbox.write(
        "kinds/big.kind.yaml",
        format!(
            "name: big\nsummary: Big\nsections:\n  - name: Purpose\n    content: text\n    aliases: [{}]\n",
            aliases.join(", ")
        ),
    );
    for i in 0..900 {
        sandbox.write(
            &format!("kinds/k{i:03}.kind.yaml"),
            format!(
                "name: k{i:03}\nextends: big\nsections:\n  - name: Extra {i}\n    content: text\n"
            ),
        );
    }
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 2, "{}", tail(&run.stdout));
    assert!(
        run.stderr.contains(
            ".kind.yaml:1: invalid kind definition: the kinds folder's kinds name more than 200000 sections and aliases in all"
        ),
        "{}",
        tail(&run.stderr)
    );
}

/// `n` include patterns on one line of `.alliance.yaml`.
fn includes_on_one_line(n: usize) -> String {
    let patterns: Vec<String> = (0..n).map(|i| format!("docs-{i}/*.md")).collect();
    format!("include: [{}]\n", patterns.join(", "))
}

#[test]
fn many_includes_on_one_line() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", team_doc("", TEAM_BODY));
    sandbox.write(".alliance.yaml", includes_on_one_line(1_000));
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 0, "{}{}", tail(&run.stdout), run.stderr);

    // 45,000 once took over 400 MB in every command that finds files.
    sandbox.write(
        ".alliance.yaml",
        format!("kinds: kinds\n{}", includes_on_one_line(45_000)),
    );
    let run = check(&sandbox, &[]);
    assert_eq!(run.code, 2, "{}", tail(&run.stdout));
    assert!(
        run.stderr.ends_with(
            ".alliance.yaml:2: `include` lists 45000 patterns; alliance takes up to 1000: include whole folders instead\n"
        ),
        "{}",
        tail(&run.stderr)
    );
}

/// A 1-1 alliance on an instrument of `items` items, answered by both
/// parties in each of `rounds` weekly rounds, with scores that move (so
/// there are gaps, ruptures and repairs to find).
fn pulse_rounds(sandbox: &Sandbox, rounds: usize, items: usize) {
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    let mut instrument = String::from("name: big\ntitle: Big\nscale: 1-5\nitems:\n");
    for i in 0..items {
        instrument.push_str(&format!(
            "  - id: item-{i}\n    dimension: d{}\n    words: Item {i} holds.\n",
            i % 7
        ));
    }
    sandbox.write("kinds/big.instrument.yaml", instrument);
    sandbox.write(
        "TEAM_ALLIANCE.md",
        team_doc("pulse:\n  instrument: big\n  every: 1 week\n", TEAM_BODY),
    );
    let start = jiff::civil::date(1980, 1, 6);
    for r in 0..rounds {
        let day = start
            .checked_add(jiff::Span::new().days(7 * r as i64))
            .expect("a day");
        for who in ["ada", "grace"] {
            let answers: String = (0..items)
                .map(|i| format!("  item-{i}: {}\n", 1 + (i * 7 + r * 3 + who.len()) % 5))
                .collect();
            sandbox.write(
                &format!("TEAM_ALLIANCE.pulse/{day}/{who}.yaml"),
                format!("rater: {who}\ndate: {day}\ninstrument: big\nanswers:\n{answers}"),
            );
        }
    }
}

/// 1,000 rounds of 200 items (the most an instrument has): the report is
/// worked out in time linear in rounds x items, and its JSON written
/// straight from the picture (as one JSON value first, 2,000 rounds took
/// 1.7 GB; `scripts/scaling.sh` runs 2,000 with a release build).
#[test]
fn a_pulse_of_many_rounds_and_items() {
    let sandbox = Sandbox::new();
    // 1,200 weekly rounds of two: the newest 1,000 (2,000 answer files, the
    // cap) are read, within the memory bound.
    pulse_rounds(&sandbox, 1_200, 200);
    for format in ["json", "human"] {
        let run = bounded(
            &sandbox,
            &["pulse", "report", "TEAM_ALLIANCE.md", "--format", format],
        );
        assert_eq!(run.code, 0, "{format}: {}", tail(&run.stderr));
        if format == "json" {
            let json = run.json();
            let items = json["pulse"]["items"].as_array().expect("items");
            assert_eq!(items.len(), 200);
            assert_eq!(items[0]["series"][0].as_array().map(Vec::len), Some(1_000));
            assert!(
                json["pulse"]["signals"]
                    .as_array()
                    .is_some_and(|s| !s.is_empty())
            );
        } else {
            assert!(
                run.stdout.contains(
                    "1000 complete rounds, 1983-11-06 to 2002-12-29; a round every 1 week"
                ),
                "{}",
                &run.stdout[..run.stdout.len().min(600)]
            );
        }
    }
}

// --- git: a diff of many sections, a log of many large versions -----------

/// A team alliance whose body is `sections` sections named `name N`.
fn many_sections(name: &str, sections: usize) -> String {
    let mut body = String::new();
    for i in 0..sections {
        body.push_str(&format!(
            "\n## {name} {i}\n\nWe agree on point {i} of {name}.\n"
        ));
    }
    team_doc("", &body)
}

#[test]
fn diff_of_thousands_of_renamed_sections_is_bounded() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    sb.write("TEAM_ALLIANCE.md", many_sections("Old", 4000));
    git(sb.path(), &["add", "."]);
    git(sb.path(), &["commit", "-qm", "Old sections"]);
    sb.write("TEAM_ALLIANCE.md", many_sections("New", 4000));
    let run = hostile(sb.path(), &["diff", "TEAM_ALLIANCE.md", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn log_holds_a_few_versions_not_all_of_them() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q", "-b", "main", "."]);
    // Eighty reviews of a 0.95 MB alliance (under the 1 MB document cap):
    // holding every version parsed needs more than 200 MB of address
    // space; holding three does not.
    let promise = "we keep our promises to each other and say so when we cannot. ".repeat(6);
    for version in 0..80 {
        let mut body = format!("\n## Agreements\n\n- This is version {version}.\n");
        for i in 0..2400 {
            body.push_str(&format!("- Agreement {i}: {promise}\n"));
        }
        let text = format!(
            "---\nalliance: team\ntitle: Test team\nreview:\n  every: 3 months\n  last: 2026-01-{:02}\n---\n\n# Test team\n{body}",
            version % 28 + 1
        );
        sb.write("TEAM_ALLIANCE.md", text);
        git(sb.path(), &["add", "."]);
        git(sb.path(), &["commit", "-qm", &format!("Version {version}")]);
    }
    // Slower than the other cases (eighty 1 MB versions, in a debug build):
    // a longer hang guard, still no timing assertion.
    let cmd = limited_command(
        sb.path(),
        &["log", "TEAM_ALLIANCE.md"],
        &[],
        "--as=209715200",
    )
    .spawn()
    .expect("spawn");
    let run = finish_within(cmd, &["log"], Duration::from_secs(90));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("2026-01-"))
            .count(),
        80,
        "{}",
        run.stdout
    );
}

// --- Templates: bounded in memory, not only in steps ----------------------

/// A `squad` kind whose template is `template`, and whose default path is
/// `default_path`.
fn squad_template(template: &str, default_path: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.write(".alliance.yaml", "kinds: kinds\n");
    sb.write(
        "kinds/squad.kind.yaml",
        format!(
            "name: squad\nsummary: A squad\ndefault_path: '{default_path}'\nsections:\n  - name: Purpose\n    content: text\n"
        ),
    );
    sb.write("kinds/squad.md.j2", template);
    sb
}

const FRONT: &str = "---\nalliance: squad\ntitle: x\n---\n# x\n## Purpose\nWe ship.\n";

/// `{% set v1 = v0 ~ v0 %}` … : each line doubles the string.
fn doublings(count: usize) -> String {
    let mut text = String::from("{% set v0 = \"0123456789abcdef\" * 64 %}");
    for i in 1..=count {
        text.push_str(&format!("{{% set v{i} = v{} ~ v{} %}}", i - 1, i - 1));
    }
    text.push_str(&format!("{{{{ v{count}|length }}}}"));
    text
}

#[test]
fn a_template_that_doubles_a_string_is_stopped_by_memory() {
    let sb = squad_template(&format!("{FRONT}{}", doublings(40)), "SQUAD.md");
    let run = hostile(sb.path(), &["new", "squad", "--party", "A", "--party", "B"]);
    assert_refused(&run, "the template used more than 1024 MB of memory");
    assert!(!sb.path().join("SQUAD.md").exists());
}

#[test]
fn a_template_that_indents_by_a_huge_width_is_stopped() {
    let template = format!("{FRONT}{{{{ \"a\\nb\\nc\"|indent(4000000000) }}}}");
    let sb = squad_template(&template, "SQUAD.md");
    let run = hostile(sb.path(), &["new", "squad", "--party", "A", "--party", "B"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!sb.path().join("SQUAD.md").exists());
}

#[test]
fn a_default_path_that_doubles_a_string_is_stopped() {
    let sb = squad_template(FRONT, &doublings(40));
    let run = hostile(sb.path(), &["new", "squad", "--party", "A", "--party", "B"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        std::fs::read_dir(sb.path()).expect("ls").count(),
        2,
        "nothing written"
    );
}

#[test]
fn an_ordinary_template_still_renders_in_its_child() {
    let sb = squad_template(
        &format!("{FRONT}{{{{ title }}}} for {{{{ slug }}}}\n"),
        "squads/{{ slug }}.md",
    );
    let run = hostile(
        sb.path(),
        &[
            "new",
            "squad",
            "--party",
            "Ada <ada>",
            "--party",
            "Grace <grace>",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(sb.read("squads/ada-grace.md").ends_with("for ada-grace\n"));
}

// --- No thread to be had --------------------------------------------------

/// No thread to be had (a process limit of one): `check` works through
/// its files on this thread instead of panicking in the thread pool.
/// RLIMIT_NPROC does not bind root, so as root the run is made as `nobody`
/// from a copy of the binary inside the sandbox.
#[test]
fn check_runs_on_one_thread_when_no_thread_can_start() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let n = 300;
    for i in 0..n {
        sb.write(
            &format!("t{i:03}/TEAM_ALLIANCE.md"),
            team_doc("", TEAM_BODY),
        );
    }
    let mut program = None;
    let mut wrap: Vec<String> = Vec::new();
    if rustix::process::geteuid().is_root() {
        let copy = sb.path().join("alliance-bin");
        std::fs::copy(env!("CARGO_BIN_EXE_alliance"), &copy).expect("copy the binary");
        for entry in walk(sb.path()) {
            let mode = if entry.is_dir() || entry == copy {
                0o755
            } else {
                0o644
            };
            std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        program = Some(copy);
        wrap = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
        .map(String::from)
        .to_vec();
    }
    wrap.extend(["prlimit", "--nproc=1", "--"].map(String::from));
    let output = sb
        .wrapped(&wrap, program.as_deref(), &["check", "--format", "json"])
        .output()
        .expect("run alliance under a process limit");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("\"files\": {n},")),
        "every file checked: {stdout}"
    );
}

/// Every file and folder under `dir`, `dir` included.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all.extend(walk(&path));
        } else {
            all.push(path);
        }
    }
    all
}
