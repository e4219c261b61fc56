//! Loading a repository's config, kinds, schemas and templates, then using
//! them: `kinds`, `check` (which validates with the kind's schema) and
//! `new` (which renders the kind's template).
//!
//! The input is `CONFIG \0 KIND_YAML \0 SCHEMA_JSON \0 TEMPLATE`, written
//! as `.alliance.yaml` and `k/squad.{kind.yaml,schema.json,md.j2}` in a
//! scratch folder beside one fixed `SQUAD_ALLIANCE.md`. No input may panic
//! or hang; every run ends 0, 1 or 2; human output and error lines never
//! start a workflow command or carry a control character; `--format
//! github` prints only its own commands.
//!
//! The target works in its scratch folder (the commands read the current
//! one), so give libFuzzer corpus folders as absolute paths:
//! `cargo fuzz run workspace $PWD/fuzz/corpus/workspace`.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const DOCUMENT: &str = "---\nalliance: squad\ntitle: Squad\nparties:\n  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\nstatus: active\ncreated: 2026-01-01\nreview:\n  every: 3 months\n---\n\n# Squad\n\n## Purpose\n\nWhy.\n\n## Agreements\n\n- We ship. [owner:: @ada]\n";

/// The scratch repository, made once; the process works in it.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        std::fs::create_dir_all(dir.join("k")).expect("kinds folder");
        std::fs::write(dir.join("SQUAD_ALLIANCE.md"), DOCUMENT).expect("document");
        std::env::set_current_dir(&dir).expect("cd");
        dir
    })
}

fn put(dir: &Path, name: &str, bytes: Option<&[u8]>) {
    let path = dir.join(name);
    match bytes {
        Some(bytes) => std::fs::write(path, bytes).expect("write"),
        None => {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn run(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["alliance"];
    argv.extend_from_slice(args);
    let code = alliance::cli::run(argv, &mut out, &mut err);
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    let (out, err) = (text(out), text(err));
    assert!(code <= 2, "{args:?} ended {code}:\n{out}\n{err}");
    (code, out, err)
}

fn assert_human(what: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: a line starts a workflow command: {line:?}"
        );
        assert!(!line.contains("##["), "{what}: a legacy command: {line:?}");
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{what}: a control character: {line:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = scratch();
    let mut parts = data.splitn(4, |&b| b == 0);
    put(dir, ".alliance.yaml", parts.next());
    put(dir, "k/squad.kind.yaml", parts.next());
    put(dir, "k/squad.schema.json", parts.next());
    put(dir, "k/squad.md.j2", parts.next());

    let (_, out, err) = run(&["kinds"]);
    assert_human("kinds", &out);
    assert_human("kinds stderr", &err);

    let (_, out, err) = run(&["check"]);
    assert_human("check", &out);
    assert_human("check stderr", &err);

    let (code, out, _) = run(&["check", "--format", "github"]);
    if code < 2 {
        for line in out.lines() {
            assert!(
                line.starts_with("::error ") || line.starts_with("::warning "),
                "check github: a line that is not a command: {line:?}"
            );
        }
    }

    let (_, _, err) = run(&["new", "squad", "-o", "-", "--party", "Ada <ada>", "--party", "Grace <grace>"]);
    assert_human("new stderr", &err);
});
