//! The tests are one binary, and every file of it is compiled: cargo builds
//! only the files that `main.rs` reaches through `mod` lines, so a `.rs`
//! file under `tests/it/` that no `mod` line names would never run, and a
//! `.rs` file beside `tests/it/` would build a test binary of its own.

use std::path::{Path, PathBuf};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read a test folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The modules that `file` declares with a `mod NAME;` line (`pub` or not;
/// attributes such as `#[cfg(unix)]` stand on the line before).
fn declared(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("read a module file");
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("pub ").unwrap_or(line);
            let line = line
                .strip_prefix("pub(crate) ")
                .or_else(|| line.strip_prefix("pub(super) "))
                .unwrap_or(line);
            let name = line.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.trim().to_owned())
        })
        .collect()
}

/// The module name of `file` and the file that must declare it: the
/// `main.rs` or `mod.rs` of its folder (or `FOLDER.rs` beside the folder);
/// for `FOLDER/mod.rs`, the module file of the folder above.
fn name_and_parent(file: &Path) -> (String, PathBuf) {
    let stem = file.file_stem().and_then(|s| s.to_str()).expect("a name");
    let folder = file.parent().expect("a folder");
    let (name, folder) = if stem == "mod" {
        let name = folder.file_name().and_then(|s| s.to_str()).expect("a name");
        (name, folder.parent().expect("a folder"))
    } else {
        (stem, folder)
    };
    let parent = ["main.rs", "mod.rs"]
        .map(|f| folder.join(f))
        .into_iter()
        .find(|f| f.is_file())
        .unwrap_or_else(|| folder.with_extension("rs"));
    (name.to_owned(), parent)
}

#[test]
fn every_file_under_tests_it_is_a_module() {
    let root = tests_dir().join("it");
    let mut missing = Vec::new();
    for file in rust_files(&root) {
        if file == root.join("main.rs") {
            continue;
        }
        let (name, parent) = name_and_parent(&file);
        if !parent.is_file() || !declared(&parent).contains(&name) {
            missing.push(format!(
                "{}: no `mod {name};` in {}",
                file.display(),
                parent.display()
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn no_test_file_builds_a_binary_of_its_own() {
    let mut binaries = Vec::new();
    for entry in std::fs::read_dir(tests_dir()).expect("read tests/") {
        let path = entry.expect("entry").path();
        let own_binary = if path.is_dir() {
            path.file_name().is_some_and(|n| n != "it") && path.join("main.rs").is_file()
        } else {
            path.extension().is_some_and(|e| e == "rs")
        };
        if own_binary {
            binaries.push(path.display().to_string());
        }
    }
    assert!(
        binaries.is_empty(),
        "each of these builds a test binary of its own; make it a module of tests/it/: {}",
        binaries.join(", ")
    );
}

/// One name per concept: searching `src/` for a public type's name finds
/// one definition. (`Item` is both a Markdown list item, `document::Item`,
/// and an instrument's question, `pulse::instrument::Question`, until the
/// instrument's is renamed.)
#[test]
fn every_public_type_name_is_defined_once() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["pub", "struct" | "enum" | "type" | "trait", name, ..] = words.as_slice() {
                let name: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let place = file
                    .strip_prefix(&src)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                seen.entry(name).or_default().push(place);
            }
        }
    }
    let twice: Vec<String> = seen
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(name, places)| format!("{name}: {}", places.join(", ")))
        .collect();
    assert!(
        twice.is_empty(),
        "public types defined more than once: {twice:#?}"
    );
}
