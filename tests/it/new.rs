//! `alliance new`: what each kind scaffolds, that the result checks, and
//! that nothing is clobbered or read from outside a repository's kinds.

use crate::common::{Run, Sandbox};

const KINDS: &[&str] = &["team", "one-on-one", "designed", "working"];
const ADA: &str = "Ada Lovelace <ada>";
const GRACE: &str = "Grace Hopper <grace>";

/// Run `alliance ARGS` in `sandbox` on 2 March 2026.
fn run_on_day(sandbox: &Sandbox, args: &[&str]) -> Run {
    sandbox.run_with_env(args, &[("ALLIANCE_TODAY", "2026-03-02")])
}

fn new(sandbox: &Sandbox, kind: &str, extra: &[&str]) -> Run {
    let mut args = vec!["new", kind, "--party", ADA, "--party", GRACE];
    args.extend_from_slice(extra);
    run_on_day(sandbox, &args)
}

/// The codes of every finding `check --format json` reports for `path`.
fn finding_codes(sandbox: &Sandbox, path: &str) -> (i32, Vec<String>) {
    let run = sandbox.run(&["check", "--format", "json", path]);
    let json = run.json();
    let codes = json["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    (run.code, codes)
}

/// Answer every prompt with an item and propose the alliance.
fn fill_in(text: &str) -> String {
    let mut out = String::new();
    let mut in_prompt = false;
    for line in text.lines() {
        if line.starts_with("> ") {
            if !in_prompt {
                out.push_str("- We agree on this and hold each other to it. [owner:: @ada]\n");
            }
            in_prompt = true;
            continue;
        }
        in_prompt = false;
        if line == "status: draft" {
            out.push_str("status: proposed\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn each_kind_scaffolds_with_a_pinned_date() {
    let sandbox = Sandbox::new();
    for kind in KINDS {
        let run = new(&sandbox, kind, &["-o", "-"]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
        assert_eq!(run.stderr, "");
        insta::assert_snapshot!(format!("new-{kind}"), run.stdout);
    }
}

#[test]
fn a_new_draft_checks_with_only_its_unanswered_prompts() {
    let sandbox = Sandbox::new();
    let paths = [
        ("team", "TEAM_ALLIANCE.md", 5),
        ("one-on-one", "alliances/ada-grace.md", 6),
        // Celebrate may stay empty, so it is not reported.
        ("designed", "DESIGNED_ALLIANCE.md", 5),
        ("working", "alliances/ada-grace-working.md", 4),
    ];
    for (kind, path, prompts) in paths {
        let run = new(&sandbox, kind, &[]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
        assert_eq!(
            run.stdout,
            format!(
                "wrote {path}: a draft `{kind}` alliance, reviewed every {}\nnext: answer the questions under each heading together, set `status: proposed`, then each party runs `alliance agree --as HANDLE`, and run `alliance check {path}`\n",
                if matches!(kind, "designed" | "working") {
                    "6 weeks"
                } else {
                    "3 months"
                }
            )
        );
        let (code, codes) = finding_codes(&sandbox, path);
        assert_eq!(code, 0, "{kind}");
        assert_eq!(codes, vec!["A034"; prompts], "{kind}");
    }
}

/// Ask, agree: the questions answered, the alliance proposed, each party
/// agrees, and the last consent makes it active with nothing to report.
#[test]
fn a_filled_in_active_alliance_has_no_findings() {
    let sandbox = Sandbox::new();
    for kind in KINDS {
        let run = new(&sandbox, kind, &["-o", "-"]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
        let path = format!("{kind}-filled.md");
        sandbox.write(&path, fill_in(&run.stdout));
        assert_eq!(
            finding_codes(&sandbox, &path),
            (0, vec![]),
            "{kind}: proposed"
        );
        for who in ["ada", "grace"] {
            let agreed = run_on_day(&sandbox, &["agree", &path, "--as", who]);
            assert_eq!(agreed.code, 0, "{kind}: {}", agreed.stderr);
        }
        assert!(sandbox.read(&path).contains("status: active\n"), "{kind}");
        assert_eq!(
            finding_codes(&sandbox, &path),
            (0, vec![]),
            "{kind}:\n{}",
            sandbox.read(&path)
        );
    }
}

#[test]
fn a_prompt_left_in_an_active_alliance_is_an_error() {
    let sandbox = Sandbox::new();
    let run = new(&sandbox, "team", &["-o", "-"]);
    sandbox.write(
        "t.md",
        run.stdout.replace("status: draft", "status: active"),
    );
    let (code, codes) = finding_codes(&sandbox, "t.md");
    assert_eq!(code, 1);
    // The five unanswered sections, then (at the closing fence, before
    // them) the consent nobody has given to an alliance set active by hand.
    let mut expected = vec!["A070"];
    expected.extend(["A031"; 5]);
    assert_eq!(codes, expected);
}

#[test]
fn never_overwrites_without_force() {
    let sandbox = Sandbox::new();
    sandbox.write("TEAM_ALLIANCE.md", "ours\n");
    let run = new(&sandbox, "team", &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: TEAM_ALLIANCE.md already exists; pass --force to overwrite it, or -o PATH to write elsewhere\n"
    );
    assert_eq!(sandbox.read("TEAM_ALLIANCE.md"), "ours\n");

    let run = new(&sandbox, "team", &["--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        sandbox
            .read("TEAM_ALLIANCE.md")
            .starts_with("---\nalliance: team\n")
    );
    let leftovers: Vec<_> = std::fs::read_dir(sandbox.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn output_path_creates_folders_and_dash_prints() {
    let sandbox = Sandbox::new();
    let run = new(
        &sandbox,
        "team",
        &[
            "-o",
            "docs/team/ALLIANCE.md",
            "--title",
            "Payments team alliance",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("wrote docs/team/ALLIANCE.md: a draft `team` alliance")
    );
    let written = sandbox.read("docs/team/ALLIANCE.md");
    assert!(written.contains("title: Payments team alliance\n"));
    assert!(written.contains("\n# Payments team alliance\n"));

    let printed = new(
        &sandbox,
        "team",
        &["-o", "-", "--title", "Payments team alliance"],
    );
    assert_eq!(printed.stdout, written);
    assert!(!sandbox.path().join("TEAM_ALLIANCE.md").exists());
}

#[test]
fn titles_and_names_are_quoted_when_yaml_needs_it() {
    let sandbox = Sandbox::new();
    let run = run_on_day(
        &sandbox,
        &[
            "new",
            "team",
            "-o",
            "t.md",
            "--title",
            "Ops: on-call #1",
            "--party",
            "Zoë \"Z\" Müller <zoe>",
            "--party",
            "yes",
            "--every",
            "quarterly",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = sandbox.read("t.md");
    assert!(text.contains("title: \"Ops: on-call #1\"\n"), "{text}");
    assert!(
        text.contains("  - name: \"Zoë \\\"Z\\\" Müller\"\n    handle: zoe\n"),
        "{text}"
    );
    assert!(text.contains("  - name: \"yes\"\n"), "{text}");
    assert!(
        text.contains("  every: 3 months\n  next: 2026-06-02\n"),
        "{text}"
    );
    let check = sandbox.run(&["check", "--format", "json", "t.md"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn bad_arguments_exit_2_with_a_reason() {
    let sandbox = Sandbox::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["new", "squad", "--party", ADA, "--party", GRACE],
            "alliance: unknown kind `squad`; use one of `team`, `one-on-one`, `designed`, `working` (`alliance kinds` describes them)\n",
        ),
        (
            &["new", "team", "--party", ADA],
            "alliance: a `team` alliance needs at least 2 parties; name each with --party \"NAME <handle>\", e.g. --party \"Ada Lovelace <ada>\" --party \"Grace Hopper <grace>\"\n",
        ),
        (
            &[
                "new",
                "team",
                "--party",
                ADA,
                "--party",
                GRACE,
                "--every",
                "sometimes",
            ],
            "alliance: --every: `sometimes` is not a cadence: write a number and a unit (`3 months`, `6 weeks`, `14d`) or a word (weekly, fortnightly, monthly, quarterly, yearly)\n",
        ),
        (
            &[
                "new",
                "team",
                "--party",
                ADA,
                "--party",
                GRACE,
                "--set",
                "channel=#ops",
            ],
            "alliance: --set channel: the `team` template does not use `channel` (it uses: every, kind, next_review, parties, title, today)\n",
        ),
        (
            &[
                "new", "team", "--party", ADA, "--party", GRACE, "--set", "title=X",
            ],
            "alliance: --set title: `title` is set by alliance itself; use --title\n",
        ),
        (
            &[
                "new",
                "team",
                "--party",
                ADA,
                "--party",
                GRACE,
                "--title",
                "two\nlines",
            ],
            "alliance: --title `two\\nlines`: a title is one line, without control characters\n",
        ),
        (
            &[
                "new",
                "team",
                "--party",
                ADA,
                "--party",
                GRACE,
                "--set",
                "x=\u{1b}[31m",
            ],
            "alliance: --set x: the value holds a control character\n",
        ),
        (
            &[
                "new",
                "team",
                "--party",
                ADA,
                "--party",
                GRACE,
                "--set",
                "not a name=1",
            ],
            "alliance: --set not a name=1: `not a name` is not a variable name (letters, digits and _)\n",
        ),
        (
            &["new", "team", "--party", ADA, "--party", "<grace>"],
            "alliance: --party `<grace>`: write it as \"Ada Lovelace <ada>\": a name, then an optional handle\n",
        ),
    ];
    for (args, stderr) in cases {
        let run = run_on_day(&sandbox, args);
        assert_eq!((run.code, run.stderr.as_str()), (2, *stderr), "{args:?}");
        assert_eq!(run.stdout, "");
    }
    assert_eq!(
        std::fs::read_dir(sandbox.path()).expect("list").count(),
        0,
        "nothing written"
    );
}

/// A sandbox whose `.alliance.yaml` names a kinds folder with a `squad`
/// kind whose template is `template`.
fn squad(template: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    sandbox.write(
        "kinds/squad.kind.yaml",
        "name: squad\nsummary: A squad's alliance.\ndefault_path: SQUAD.md\nsections:\n  - name: Purpose\n    content: text\n",
    );
    sandbox.write("kinds/squad.md.j2", template);
    sandbox.write("secret.md.j2", "SECRET\n");
    sandbox
}

#[test]
fn a_repository_kind_renders_its_own_template_and_variables() {
    let sandbox = squad(
        "{% include \"_front_matter.md.j2\" %}\n# {{ title }}\n\n{% include \"_purpose.md.j2\" %}",
    );
    sandbox.write(
        "kinds/_purpose.md.j2",
        "## Purpose\n\nWe talk in {{ channel }}.\n",
    );
    let run = new(&sandbox, "squad", &["--set", "channel=#payments"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = sandbox.read("SQUAD.md");
    assert!(
        text.starts_with("---\nalliance: squad\ntitle: Squad alliance\n"),
        "{text}"
    );
    assert!(
        text.ends_with("# Squad alliance\n\n## Purpose\n\nWe talk in #payments.\n"),
        "{text}"
    );
    // Its one section is answered: a complete draft, ready to set active.
    assert_eq!(
        finding_codes(&sandbox, "SQUAD.md"),
        (0, vec!["A035".to_owned()])
    );

    let run = new(&sandbox, "squad", &["-o", "-"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "alliance: kinds/_purpose.md.j2:3: the template uses `channel`, which was not given; pass it with --set channel=VALUE\n"
    );
}

#[test]
fn malicious_repository_templates_fail_cleanly() {
    let cases = [
        (
            "{% include \"../secret.md.j2\" %}",
            "kinds/squad.md.j2:1: cannot include `../secret.md.j2`: it is not a plain path inside the kinds folder",
        ),
        (
            "{% include \"/etc/passwd\" %}",
            "kinds/squad.md.j2:1: cannot include `/etc/passwd`: it is not a plain path inside the kinds folder",
        ),
        (
            "---\n{% for a in range(1000) %}{% for b in range(1000) %}{{ b }}{% endfor %}{% endfor %}",
            "kinds/squad.md.j2:2: the template ran more than 100000 steps and was stopped (a loop that never ends?)",
        ),
        (
            "{% include \"squad.md.j2\" %}",
            "kinds/squad.md.j2:1: recursion limit exceeded (an include or macro that never ends?)",
        ),
        (
            "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
            "kinds/squad.md.j2:1: recursion limit exceeded (an include or macro that never ends?)",
        ),
        (
            "{% for i in range(50000) %}{{ \"x\" * 1000 }}{% endfor %}",
            "kinds/squad.md.j2: the template's output passed 4 MB; no alliance is that long",
        ),
        ("{% if %}", "kinds/squad.md.j2:1: unexpected end of block"),
        (
            "no front matter\n",
            "kinds/squad.md.j2 did not produce an alliance: its output must start with front matter naming `alliance: squad`",
        ),
    ];
    for (template, message) in cases {
        let sandbox = squad(template);
        let run = new(&sandbox, "squad", &[]);
        assert_eq!(run.code, 2, "{template}: {}", run.stderr);
        let stderr = run
            .stderr
            .replace(&format!("{}/", sandbox.path().display()), "");
        assert!(
            stderr.starts_with(&format!("alliance: {message}")),
            "{template}:\n{stderr}"
        );
        assert!(!stderr.contains("SECRET") && !run.stdout.contains("SECRET"));
        assert!(
            !sandbox.path().join("SQUAD.md").exists(),
            "{template}: wrote a file"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_kinds_folder_is_refused() {
    let sandbox = squad("{% include \"link.md.j2\" %}");
    std::os::unix::fs::symlink(
        sandbox.path().join("secret.md.j2"),
        sandbox.path().join("kinds/link.md.j2"),
    )
    .expect("symlink");
    let run = new(&sandbox, "squad", &["-o", "-"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot include `link.md.j2`: it links outside the kinds folder"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("SECRET"));
}
