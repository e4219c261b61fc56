//! `alliance adopt`: front matter added, every byte of the body kept.

use crate::common::{Run, Sandbox, real_corpus};

const ADA: &str = "Ada Lovelace <ada>";
const GRACE: &str = "Grace Hopper <grace>";

fn run_on_day(sandbox: &Sandbox, args: &[&str]) -> Run {
    sandbox.run_with_env(args, &[("ALLIANCE_TODAY", "2026-03-02")])
}

fn read_bytes(sandbox: &Sandbox, name: &str) -> Vec<u8> {
    std::fs::read(sandbox.path().join(name)).expect("read")
}

/// The length of the front matter block at the start of `bytes` (after a
/// BOM), closing fence and its line ending included.
fn front_matter_len(bytes: &[u8]) -> usize {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    assert!(rest.starts_with("---"), "no front matter:\n{text}");
    let mut at = rest.find('\n').expect("fence line") + 1;
    loop {
        let line_end = rest[at..].find('\n').map_or(rest.len(), |i| at + i + 1);
        if rest[at..line_end].trim_end() == "---" {
            return start + line_end;
        }
        assert!(line_end < rest.len(), "front matter never closes:\n{text}");
        at = line_end;
    }
}

#[test]
fn adopts_a_plain_agreement_and_maps_its_headings() {
    let sandbox = Sandbox::new();
    let original = "# Payments working agreement\n\n## Why we are here\n\nWe run payments.\n\n## Ground rules\n\n- We start on time.\n";
    sandbox.write("WORKING_AGREEMENT.md", original);
    let run = run_on_day(
        &sandbox,
        &[
            "adopt",
            "WORKING_AGREEMENT.md",
            "--kind",
            "team",
            "--party",
            ADA,
            "--party",
            GRACE,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
adopted WORKING_AGREEMENT.md as a `team` alliance titled \"Payments working agreement\" (added alliance, title, parties, status, review)
  Purpose                      <- ## Why we are here (line 16)
  Atmosphere                   (missing)
  Co-responsibility            (missing)
  Agreements                   <- ## Ground rules (line 20)
  When it gets hard            (missing)
`alliance check` will report on the sections:
  WORKING_AGREEMENT.md:2: error[A030]: the `team` kind requires a `## Atmosphere` section (or one of: Culture, Values, Our values, How we want it to feel, Team culture)
  WORKING_AGREEMENT.md:2: error[A030]: the `team` kind requires a `## Co-responsibility` section (or one of: Responsibilities, Roles, Roles and responsibilities, Accountability, What you can count on)
  WORKING_AGREEMENT.md:2: error[A030]: the `team` kind requires a `## When it gets hard` section (or one of: Conflict, Conflict resolution, Conflict and decisions, Decision making, Decisions, When things get difficult)
next: run `alliance check WORKING_AGREEMENT.md`
"
    );
    assert_eq!(
        sandbox.read("WORKING_AGREEMENT.md"),
        format!(
            "---\nalliance: team\ntitle: Payments working agreement\nparties:\n  - name: Ada Lovelace\n    handle: ada\n  - name: Grace Hopper\n    handle: grace\nstatus: active\nreview:\n  every: 3 months\n  next: 2026-06-02\n---\n{original}"
        )
    );
    let check = sandbox.run(&["check", "--format", "json", "WORKING_AGREEMENT.md"]);
    assert_eq!(check.code, 1);
    let codes: Vec<_> = check.json()["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    // The missing sections, and the consent nobody has recorded yet (the
    // parties of an adopted agreement run `alliance agree` once).
    assert_eq!(codes, ["A030", "A030", "A030", "A070"]);
}

#[test]
fn crlf_and_bom_are_kept() {
    let sandbox = Sandbox::new();
    let original = "\u{feff}# Norms\r\n\r\n## Agreements\r\n\r\n- Be kind.\r\n";
    sandbox.write("norms.md", original);
    let run = run_on_day(
        &sandbox,
        &[
            "adopt",
            "norms.md",
            "--kind",
            "team",
            "--title",
            "Our norms",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("no parties yet: re-run with --party"),
        "{}",
        run.stdout
    );
    let text = sandbox.read("norms.md");
    assert_eq!(
        text,
        "\u{feff}---\r\nalliance: team\r\ntitle: Our norms\r\nstatus: active\r\nreview:\r\n  every: 3 months\r\n  next: 2026-06-02\r\n---\r\n# Norms\r\n\r\n## Agreements\r\n\r\n- Be kind.\r\n"
    );
    // Re-running with the parties fills in what is missing, in the file's
    // own line endings, and changes nothing else.
    let run = run_on_day(
        &sandbox,
        &["adopt", "norms.md", "--kind", "team", "--party", ADA],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(added parties)"), "{}", run.stdout);
    assert!(!run.stdout.contains("no parties yet"), "{}", run.stdout);
    assert_eq!(
        sandbox.read("norms.md"),
        "\u{feff}---\r\nalliance: team\r\ntitle: Our norms\r\nstatus: active\r\nreview:\r\n  every: 3 months\r\n  next: 2026-06-02\r\nparties:\r\n  - name: Ada Lovelace\r\n    handle: ada\r\n---\r\n# Norms\r\n\r\n## Agreements\r\n\r\n- Be kind.\r\n"
    );
}

#[test]
fn an_empty_parties_list_from_an_earlier_adopt_is_filled() {
    let sandbox = Sandbox::new();
    let original = "---\nalliance: team\ntitle: Norms\nparties: []\nstatus: active\nreview:\n  every: 3 months\n---\n# Norms\n";
    sandbox.write("norms.md", original);
    let run = run_on_day(
        &sandbox,
        &["adopt", "norms.md", "--kind", "team", "--party", ADA],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        sandbox.read("norms.md"),
        "---\nalliance: team\ntitle: Norms\nstatus: active\nreview:\n  every: 3 months\nparties:\n  - name: Ada Lovelace\n    handle: ada\n---\n# Norms\n"
    );
    let other = run_on_day(&sandbox, &["adopt", "norms.md", "--kind", "working"]);
    assert_eq!(other.code, 2);
    assert_eq!(
        other.stderr,
        "alliance: norms.md is already a `team` alliance; adopt it with --kind team to fill in what is missing, or change `alliance:` by hand\n"
    );
}

#[test]
fn front_matter_is_refused_unless_merging() {
    let sandbox = Sandbox::new();
    let original = "---\nlayout: default\ntitle: Team charter   # shown in the nav\nnav_order: 2\n---\n\n# Team charter\n\n## Purpose\n\nWe build the site.\n";
    sandbox.write("charter.md", original);
    let run = run_on_day(&sandbox, &["adopt", "charter.md", "--kind", "team"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: charter.md already has front matter; pass --merge to add the missing alliance keys to it\n"
    );
    assert_eq!(sandbox.read("charter.md"), original);

    let run = run_on_day(
        &sandbox,
        &[
            "adopt",
            "charter.md",
            "--kind",
            "team",
            "--merge",
            "--party",
            ADA,
            "--party",
            GRACE,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("adopted charter.md as a `team` alliance titled \"Team charter\" (added alliance, parties, status, review)\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        sandbox.read("charter.md"),
        "---\nlayout: default\ntitle: Team charter   # shown in the nav\nnav_order: 2\nalliance: team\nparties:\n  - name: Ada Lovelace\n    handle: ada\n  - name: Grace Hopper\n    handle: grace\nstatus: active\nreview:\n  every: 3 months\n  next: 2026-06-02\n---\n\n# Team charter\n\n## Purpose\n\nWe build the site.\n"
    );

    let adopted = sandbox.read("charter.md");
    let again = run_on_day(
        &sandbox,
        &["adopt", "charter.md", "--kind", "team", "--merge"],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.starts_with(
            "charter.md is already a `team` alliance with nothing missing; nothing changed\n"
        ),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.read("charter.md"), adopted);
}

#[test]
fn what_cannot_be_adopted_exits_2() {
    let sandbox = Sandbox::new();
    sandbox.write("flow.md", "---\n{layout: default}\n---\n# A\n");
    sandbox.write("rule.md", "---\n\nA thematic break, not front matter.\n");
    let cases: &[(&[&str], &str)] = &[
        (
            &["adopt", "missing.md", "--kind", "team"],
            "alliance: cannot read missing.md: ",
        ),
        (
            &["adopt", "flow.md", "--kind", "team", "--merge"],
            "alliance: flow.md: cannot merge into its front matter: it is a flow mapping",
        ),
        (
            &["adopt", "rule.md", "--kind", "team"],
            "alliance: rule.md: cannot merge into its front matter: the file starts with a `---` line",
        ),
        (
            &["adopt", "flow.md", "--kind", "squad"],
            "alliance: unknown kind `squad`",
        ),
    ];
    for (args, stderr) in cases {
        let run = run_on_day(&sandbox, args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with(stderr), "{args:?}: {}", run.stderr);
    }
    assert_eq!(
        sandbox.read("flow.md"),
        "---\n{layout: default}\n---\n# A\n"
    );
    assert_eq!(
        sandbox.read("rule.md"),
        "---\n\nA thematic break, not front matter.\n"
    );
}

/// Every real agreement in the corpus: adopted (merging into the front
/// matter some of them have), the original bytes all still there, and
/// `check` reporting findings rather than crashing.
#[test]
#[ignore = "needs ../shared/corpus/real"]
fn adopts_every_file_of_the_real_corpus() {
    let corpus = real_corpus();
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("SOURCES.md"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "corpus has {} files", files.len());
    for path in files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let original = std::fs::read(&path).expect("read");
        let sandbox = Sandbox::new();
        sandbox.write(&name, &original);
        let had_front_matter = original
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&original)
            .starts_with(b"---");
        let mut args = vec![
            "adopt",
            name.as_str(),
            "--kind",
            "team",
            "--party",
            ADA,
            "--party",
            GRACE,
        ];
        if had_front_matter {
            let refused = run_on_day(&sandbox, &args);
            assert_eq!(refused.code, 2, "{name}: {}", refused.stderr);
            assert_eq!(
                read_bytes(&sandbox, &name),
                original,
                "{name}: changed though refused"
            );
            args.push("--merge");
        }
        let run = run_on_day(&sandbox, &args);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let adopted = read_bytes(&sandbox, &name);
        let front_len = front_matter_len(&adopted);
        if had_front_matter {
            let original_front = front_matter_len(&original);
            // The original front matter's lines come first, unchanged, and
            // the body after it is the original's.
            let closing = original[..original_front]
                .iter()
                .rposition(|&b| b == b'-')
                .map_or(0, |i| i - 2);
            assert_eq!(
                &adopted[..closing],
                &original[..closing],
                "{name}: front matter rewritten"
            );
            assert_eq!(
                &adopted[front_len..],
                &original[original_front..],
                "{name}: body changed"
            );
        } else {
            let bom = if original.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            assert_eq!(&adopted[..bom], &original[..bom]);
            assert_eq!(
                &adopted[front_len..],
                &original[bom..],
                "{name}: body changed"
            );
        }
        let crlf = original.windows(2).any(|w| w == b"\r\n");
        if crlf {
            let front = &adopted[..front_len];
            let bare_lf = front
                .iter()
                .enumerate()
                .any(|(i, &b)| b == b'\n' && (i == 0 || front[i - 1] != b'\r'));
            assert!(!bare_lf, "{name}: LF line endings added to a CRLF file");
        }
        let check = sandbox.run(&["check", name.as_str()]);
        // None of them has all five team sections: real findings, exit 1.
        assert_eq!(
            check.code, 1,
            "{name}: check exited {}: {}",
            check.code, check.stderr
        );
        assert!(
            !check.stdout.contains("A001"),
            "{name}: still has no front matter"
        );
    }
}

/// Every real agreement of the corpus adopted as it is, with a kind made of
/// its own headings: `check` then finds nothing wrong with its sections
/// (no A03x error), whatever headings it repeats or shares with a base
/// section's aliases (a file without `##` headings gets a kind that asks
/// for no section).
#[test]
#[ignore = "needs ../shared/corpus/real"]
fn every_real_agreement_adopted_with_a_new_kind_checks_clean_sections() {
    let corpus = real_corpus();
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("SOURCES.md"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "corpus has {} files", files.len());
    for path in files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let original = std::fs::read(&path).expect("read");
        let sandbox = Sandbox::new();
        sandbox.write(&name, &original);
        let run = run_on_day(
            &sandbox,
            &[
                "adopt",
                &name,
                "--new-kind",
                "ours",
                "--merge",
                "--party",
                ADA,
                "--party",
                GRACE,
            ],
        );
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert!(
            !run.stdout.contains("will report on the sections"),
            "{name}: {}",
            run.stdout
        );
        let check = sandbox.run(&["check", "--format", "json", name.as_str()]);
        assert_ne!(check.code, 2, "{name}: {}", check.stderr);
        let json = check.json();
        let section_errors: Vec<String> = json["files"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| {
                f["code"].as_str().is_some_and(|c| c.starts_with("A03")) && f["severity"] == "error"
            })
            .map(|f| format!("{} {}", f["code"], f["message"]))
            .collect();
        assert!(section_errors.is_empty(), "{name}: {section_errors:?}");
    }
}

/// Two headings answering one section of the base (both aliases of
/// Co-responsibility): the kind made gives each its own section, taking
/// the alias from the base section, and `check` finds the sections right
/// at once. The kind writes out what it takes from `team` (instrument,
/// review questions, cadence), so dropping `extends:` changes none of it.
#[test]
fn a_new_kind_matches_headings_and_sections_one_to_one() {
    let sandbox = Sandbox::new();
    let original = "# Team norms\n\n## Purpose\n\nWe run payments.\n\n## Responsibilities\n\n- Ada keeps the on-call rota.\n\n## Accountability\n\n- We own the bugs we ship.\n\n## Ground rules\n\n- We start on time.\n";
    sandbox.write("TEAM_NORMS.md", original);
    let run = run_on_day(
        &sandbox,
        &[
            "adopt",
            "TEAM_NORMS.md",
            "--new-kind",
            "squad",
            "--party",
            ADA,
            "--party",
            GRACE,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
wrote alliance-kinds/squad.kind.yaml: the `squad` kind, the file's own sections in its own order (extends `team`)
.alliance.yaml: kinds: alliance-kinds
adopted TEAM_NORMS.md as a `squad` alliance titled \"Team norms\" (added alliance, title, parties, status, review)
  Purpose                      <- ## Purpose (line 16)
  Responsibilities             <- ## Responsibilities (line 20)
  Accountability               <- ## Accountability (line 24)
  Ground rules                 <- ## Ground rules (line 28)
next: run `alliance check TEAM_NORMS.md`
"
    );
    let definition = sandbox.read("alliance-kinds/squad.kind.yaml");
    assert!(
        definition.contains(
            "  - name: Co-responsibility\n    rename: Responsibilities\n    remove_aliases:\n      - Accountability\n    content: items\n    required: true\n  - name: Accountability\n    content: items\n    required: true\n"
        ),
        "{definition}"
    );
    assert!(
        definition.contains("default_every: 3 months\ninstrument: team\nreview_minutes: 60\nreview_questions:\n  - What is working for us as a team?\n"),
        "{definition}"
    );
    let check = sandbox.run(&["check", "--format", "json", "TEAM_NORMS.md"]);
    let codes: Vec<String> = check.json()["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    // Only the consent nobody has recorded yet.
    assert_eq!(codes, ["A070"]);
    // Without `extends:`, the pulse instrument and the review questions
    // stay the team's; what needs the base is refused aloud.
    sandbox.write(
        "alliance-kinds/squad.kind.yaml",
        definition.replace("extends: team\n", ""),
    );
    let run = sandbox.run(&["check", "TEAM_NORMS.md"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "squad.kind.yaml:21: invalid kind definition: `remove_aliases` needs `extends:`"
        ),
        "{}",
        run.stderr
    );
}

/// A file that is already an alliance is refused by `--new-kind` before
/// anything is written, and a second try says the same.
#[test]
fn a_new_kind_for_an_alliance_writes_nothing() {
    let sandbox = Sandbox::new();
    let original = "---\nalliance: team\ntitle: Norms\nstatus: active\nreview:\n  every: 3 months\n---\n# Norms\n\n## Values\n\nKind.\n";
    sandbox.write("norms.md", original);
    for _ in 0..2 {
        let run = run_on_day(&sandbox, &["adopt", "norms.md", "--new-kind", "lab"]);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            "alliance: norms.md is already a `team` alliance; adopt it with --kind team to fill in what is missing, or change `alliance:` by hand\n"
        );
        assert_eq!(sandbox.read("norms.md"), original);
        assert!(!sandbox.path().join("alliance-kinds").exists());
        assert!(!sandbox.path().join(".alliance.yaml").exists());
    }
}

/// A file where the kind's definition would go is refused before any
/// write: the agreement and `.alliance.yaml` stay as they were.
#[test]
fn a_new_kind_refused_for_its_file_writes_nothing() {
    let sandbox = Sandbox::new();
    let original = "# Norms\n\n## Values\n\nKind.\n";
    sandbox.write("norms.md", original);
    sandbox.write(
        "alliance-kinds/lab.kind.yaml",
        "not read: no config names the folder\n",
    );
    let run = run_on_day(&sandbox, &["adopt", "norms.md", "--new-kind", "lab"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.ends_with("alliance-kinds/lab.kind.yaml exists already; choose another kind name, or move that file\n"),
        "{}",
        run.stderr
    );
    assert_eq!(sandbox.read("norms.md"), original);
    assert!(!sandbox.path().join(".alliance.yaml").exists());
}
