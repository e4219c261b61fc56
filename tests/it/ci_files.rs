//! The CI integrations: `action.yml`, the example workflows and the
//! pre-commit hook parse as YAML and use only commands and flags that
//! `alliance` has (each checked against `alliance COMMAND --help`).

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::Sandbox;
use alliance::document::yaml::{self, Node, Value};

/// Files that run `alliance` themselves (the GitHub workflow uses the
/// action; see `the_workflow_uses_the_action`).
const FILES: &[&str] = &[
    "action.yml",
    "examples/ci/gitlab-ci.yml",
    "examples/ci/github-remind.yml",
    "examples/ci/gitlab-remind.yml",
    "examples/ci/gitlab-pages.yml",
    ".pre-commit-hooks.yaml",
];

const COMMANDS: &[&str] = &[
    "check",
    "kinds",
    "new",
    "adopt",
    "due",
    "review",
    "log",
    "diff",
    "list",
    "init",
    "schema",
    "completions",
    "man",
    "codeowners",
    "site",
];

fn parse(path: &str) -> Node {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    yaml::parse_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e:?}"))
}

fn strings(node: &Node, out: &mut Vec<String>) {
    match &node.value {
        Value::Str(s) => out.push(s.clone()),
        Value::Seq(items) => items.iter().for_each(|n| strings(n, out)),
        Value::Map(entries) => entries.iter().for_each(|(_, v)| strings(v, out)),
        _ => {}
    }
}

/// Every (command, flag) used: `alliance due --within 14d`, and the bash
/// array form `args=(due --format github)` / `args+=(--changed-since ...)`.
fn invocations(script: &str) -> BTreeSet<(String, String)> {
    let mut used = BTreeSet::new();
    let mut current: Option<String> = None;
    for line in script.lines() {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ';' || c == '"')
            .filter(|w| !w.is_empty())
            .collect();
        for (i, word) in words.iter().enumerate() {
            let starts = *word == "alliance" || word.ends_with("args=") || word.ends_with("args+=");
            if starts {
                if let Some(next) = words.get(i + 1) {
                    // `alliance ci comment`: the command is `ci comment`.
                    let command = match (*next, words.get(i + 2)) {
                        ("ci", Some(sub)) => Some(format!("ci {sub}")),
                        (next, _) if COMMANDS.contains(&next) => Some(next.to_owned()),
                        _ => None,
                    };
                    if let Some(command) = command {
                        current = Some(command.clone());
                        used.insert((command, String::new()));
                    }
                }
            }
            if let (Some(command), true) = (&current, word.starts_with("--")) {
                let flag = word.split('=').next().unwrap_or(word);
                used.insert((command.clone(), flag.to_owned()));
            }
        }
        if !line.trim_end().ends_with('\\') && !line.contains("args") {
            current = None;
        }
    }
    used
}

#[test]
fn ci_files_use_only_flags_that_exist() {
    let sandbox = Sandbox::new();
    let mut all = BTreeSet::new();
    for file in FILES {
        let mut texts = Vec::new();
        strings(&parse(file), &mut texts);
        let used: BTreeSet<_> = texts.iter().flat_map(|t| invocations(t)).collect();
        assert!(!used.is_empty(), "{file} runs no alliance command");
        all.extend(used);
    }
    let commands: BTreeSet<&str> = all.iter().map(|(c, _)| c.as_str()).collect();
    for expected in [
        "check",
        "due",
        "codeowners",
        "ci comment",
        "ci summary",
        "ci remind",
    ] {
        assert!(
            commands.contains(expected),
            "no CI file runs `alliance {expected}`"
        );
    }
    for command in commands {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let run = sandbox.run(&args);
        assert_eq!(run.code, 0, "alliance {command} --help: {}", run.stderr);
        for (_, flag) in all.iter().filter(|(c, f)| c == command && !f.is_empty()) {
            assert!(
                run.stdout.contains(&format!("{flag} "))
                    || run.stdout.contains(&format!("{flag}\n"))
                    || run.stdout.contains(&format!("{flag} <")),
                "`alliance {command}` has no {flag} (used in a CI file)"
            );
        }
    }
}

#[test]
fn the_action_declares_its_inputs() {
    let action = parse("action.yml");
    let inputs = action.get("inputs").expect("inputs");
    for input in [
        "paths",
        "within",
        "fail-on",
        "changed-only",
        "comment-diff",
        "codeowners",
        "github-token",
    ] {
        assert!(
            inputs.get(input).is_some(),
            "action.yml lacks input {input}"
        );
    }
    assert_eq!(
        action
            .get("runs")
            .and_then(|r| r.get("using"))
            .and_then(Node::as_str),
        Some("composite")
    );
    let hooks = parse(".pre-commit-hooks.yaml");
    let first = &hooks.as_seq().expect("a list of hooks")[0];
    assert_eq!(
        first.get("id").and_then(Node::as_str),
        Some("alliance-check")
    );
    // Each hook runs on every extension discovery reads, in any case.
    for hook in hooks.as_seq().expect("hooks") {
        let files = hook.get("files").and_then(Node::as_str).expect("files:");
        assert!(files.starts_with("(?i)"), "{files}");
        for ext in alliance::workspace::discover::MARKDOWN_EXTENSIONS {
            assert!(
                files.contains(&format!("|{ext}|"))
                    || files.contains(&format!("({ext}|"))
                    || files.contains(&format!("|{ext})")),
                "{ext} in {files}"
            );
        }
    }
}

#[test]
fn the_workflow_uses_the_action_with_inputs_it_has() {
    let workflow = parse("examples/ci/github-workflow.yml");
    let action = parse("action.yml");
    let inputs = action.get("inputs").expect("inputs");
    let steps = workflow
        .get("jobs")
        .and_then(|j| j.get("alliance"))
        .and_then(|j| j.get("steps"))
        .and_then(Node::as_seq)
        .expect("jobs.alliance.steps");
    let step = steps
        .iter()
        .find(|s| {
            s.get("uses")
                .and_then(Node::as_str)
                .is_some_and(|u| u.contains("/alliance@"))
        })
        .expect("a step using the alliance action");
    let Some(Value::Map(with)) = step.get("with").map(|w| &w.value) else {
        panic!("the alliance step has no `with:`");
    };
    for (key, _) in with {
        let key = key.as_str().expect("key");
        assert!(
            inputs.get(key).is_some(),
            "the workflow passes `{key}`, which action.yml does not declare"
        );
    }
    // The weekly scheduled run.
    let on = workflow.get("on").expect("on");
    assert!(on.get("schedule").is_some() && on.get("pull_request").is_some());
}

#[test]
fn the_reminder_workflow_is_scheduled_guarded_and_may_only_write_issues() {
    let workflow = parse("examples/ci/github-remind.yml");
    let on = workflow.get("on").expect("on");
    assert!(on.get("schedule").is_some() && on.get("workflow_dispatch").is_some());
    assert!(on.get("pull_request").is_none() && on.get("push").is_none());
    let Some(Value::Map(permissions)) = workflow.get("permissions").map(|p| &p.value) else {
        panic!("no permissions");
    };
    let granted: Vec<(String, String)> = permissions
        .iter()
        .map(|(k, v)| {
            let key = k.as_str().expect("key").to_owned();
            (key, v.as_str().expect("value").to_owned())
        })
        .collect();
    assert_eq!(
        granted,
        [
            ("contents".to_owned(), "read".to_owned()),
            ("issues".to_owned(), "write".to_owned())
        ]
    );
    let concurrency = workflow.get("concurrency").expect("a concurrency guard");
    assert!(concurrency.get("group").is_some());
    // The action only installs the binary: every input it is given exists
    // and turns a step off.
    let action = parse("action.yml");
    let inputs = action.get("inputs").expect("inputs");
    let steps = workflow
        .get("jobs")
        .and_then(|j| j.get("remind"))
        .and_then(|j| j.get("steps"))
        .and_then(Node::as_seq)
        .expect("jobs.remind.steps");
    let with = steps
        .iter()
        .find_map(|s| s.get("with"))
        .expect("the action's inputs");
    let Value::Map(with) = &with.value else {
        panic!("with: is not a mapping");
    };
    for (key, value) in with {
        let key = key.as_str().expect("key");
        assert!(inputs.get(key).is_some(), "action.yml has no input `{key}`");
        assert_eq!(value.as_str(), Some("false"), "{key}");
    }
    // GitLab: a job for scheduled pipelines only.
    let gitlab = parse("examples/ci/gitlab-remind.yml");
    let job = gitlab.get("alliance-remind").expect("the job");
    let rules = job.get("rules").and_then(Node::as_seq).expect("rules");
    assert_eq!(rules.len(), 1);
    assert_eq!(
        rules[0].get("if").and_then(Node::as_str),
        Some("$CI_PIPELINE_SOURCE == \"schedule\"")
    );
    assert!(job.get("resource_group").is_some());
}

#[test]
fn the_invocation_scanner_sees_flags() {
    let used = invocations(
        "args=(due --format github --within \"$W\")\nargs+=(--changed-since x)\nalliance check --format github $P",
    );
    assert!(used.contains(&("due".to_owned(), "--changed-since".to_owned())));
    assert!(used.contains(&("due".to_owned(), "--within".to_owned())));
    assert!(used.contains(&("check".to_owned(), "--format".to_owned())));
    let used = invocations("alliance ci summary --within \"$WITHIN\"");
    assert!(used.contains(&("ci summary".to_owned(), "--within".to_owned())));
}

/// A workflow's job `name`, or a panic naming what is missing.
fn job<'a>(workflow: &'a Node, name: &str) -> &'a Node {
    workflow
        .get("jobs")
        .and_then(|j| j.get(name))
        .unwrap_or_else(|| panic!("no job {name}"))
}

/// Every `uses:` of a job's steps.
fn uses(job: &Node) -> Vec<String> {
    job.get("steps")
        .and_then(Node::as_seq)
        .expect("steps")
        .iter()
        .filter_map(|s| s.get("uses").and_then(Node::as_str).map(str::to_owned))
        .collect()
}

#[test]
fn the_pages_workflow_builds_the_site_and_deploys_it() {
    let workflow = parse("examples/ci/github-pages.yml");
    let permissions = workflow.get("permissions").expect("permissions");
    for (key, value) in [
        ("contents", "read"),
        ("pages", "write"),
        ("id-token", "write"),
    ] {
        assert_eq!(
            permissions.get(key).and_then(Node::as_str),
            Some(value),
            "permissions.{key}"
        );
    }
    let concurrency = workflow.get("concurrency").expect("a concurrency group");
    assert_eq!(
        concurrency.get("group").and_then(Node::as_str),
        Some("pages")
    );
    let build = job(&workflow, "build");
    let steps = uses(build);
    for action in [
        "actions/checkout@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
    ] {
        assert!(
            steps.iter().any(|u| u.starts_with(action)),
            "build has no {action}"
        );
    }
    let checkout = build.get("steps").and_then(Node::as_seq).expect("steps")[0]
        .get("with")
        .and_then(|w| w.get("fetch-depth"))
        .expect("fetch-depth");
    assert_eq!(checkout.value, Value::Int(0), "the history is there");
    assert!(
        uses(job(&workflow, "deploy"))
            .iter()
            .any(|u| u.starts_with("actions/deploy-pages@"))
    );
    // The action only installs alliance here: every input it passes exists.
    let action = parse("action.yml");
    let inputs = action.get("inputs").expect("inputs");
    let install = build
        .get("steps")
        .and_then(Node::as_seq)
        .expect("steps")
        .iter()
        .find(|s| {
            s.get("uses")
                .and_then(Node::as_str)
                .is_some_and(|u| u.contains("/alliance@"))
        })
        .expect("the alliance action");
    let Some(Value::Map(with)) = install.get("with").map(|w| &w.value) else {
        panic!("the alliance step has no `with:`");
    };
    for (key, value) in with {
        let key = key.as_str().expect("key");
        assert!(inputs.get(key).is_some(), "action.yml has no input {key}");
        assert_eq!(
            value.as_str(),
            Some("false"),
            "{key}: the site's job checks nothing"
        );
    }
    let mut texts = Vec::new();
    strings(&workflow, &mut texts);
    assert!(texts.iter().any(|t| t.contains("alliance site -o _site")));
}

#[test]
fn the_gitlab_pages_job_publishes_public() {
    let jobs = parse("examples/ci/gitlab-pages.yml");
    let pages = jobs.get("pages").expect("a job named pages");
    let paths = pages
        .get("artifacts")
        .and_then(|a| a.get("paths"))
        .and_then(Node::as_seq)
        .expect("artifacts.paths");
    assert_eq!(
        paths.iter().filter_map(Node::as_str).collect::<Vec<_>>(),
        ["public"]
    );
    assert_eq!(
        pages
            .get("variables")
            .and_then(|v| v.get("GIT_DEPTH"))
            .and_then(Node::as_str),
        Some("0")
    );
    let mut texts = Vec::new();
    strings(pages, &mut texts);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("alliance site -o public --url \"$CI_PAGES_URL\""))
    );
}
