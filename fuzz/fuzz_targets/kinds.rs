//! A repository's kinds folder: several kind definitions that may extend
//! each other (and the built-in kinds), loaded as every command loads them
//! (`Kinds::with_folder`), then each kind checked against one document.
//!
//! The input is up to eight kind files separated by NUL bytes, written as
//! `k/k0.kind.yaml` … `k/k7.kind.yaml` in a scratch folder (a definition
//! names its kind with `name:`, so `extends: k3` chains them). No input may
//! panic or hang: loading ends in kinds or in an error whose message is one
//! line without a control character, and a loaded kind checks a document.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const DOCUMENT: &str = "---\nalliance: k0\ntitle: Squad\nparties:\n  - name: Ada\n    handle: ada\nstatus: active\nreview:\n  every: 3 months\n---\n\n# Squad\n\n## Purpose\n\nWhy.\n\n## Agreements\n\n- We ship. [owner:: @ada]\n";

/// The scratch repository, made once.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        std::fs::create_dir_all(dir.join("k")).expect("kinds folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let root = scratch();
    let folder = root.join("k");
    for i in 0..8 {
        let _ = std::fs::remove_file(folder.join(format!("k{i}.kind.yaml")));
    }
    for (i, part) in data.split(|&b| b == 0).take(8).enumerate() {
        std::fs::write(folder.join(format!("k{i}.kind.yaml")), part).expect("write");
    }
    match alliance::kind::Kinds::with_folder(root, Some(&folder)) {
        Ok(kinds) => {
            let doc =
                alliance::document::Alliance::parse_text(Path::new("SQUAD_ALLIANCE.md"), DOCUMENT.to_owned());
            let names: Vec<String> = kinds.names().iter().map(|n| (*n).to_owned()).collect();
            for name in names {
                let text = DOCUMENT.replacen("alliance: k0", &format!("alliance: {name}"), 1);
                let doc = alliance::document::Alliance::parse_text(doc.path.as_path(), text);
                let _ = alliance::check::check(&doc, &kinds);
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "a message of two lines: {message:?}");
        }
    }
});
