//! The language server (`alliance lsp`) spoken to by a hostile client:
//! `alliance::lsp::serve` driven in-process by a session the input
//! decodes into — `initialize`, then up to 32 messages (opens and changes
//! of alliances, answer files and kind files with mutated or fuzzed text,
//! hover, completion, code actions, definition and symbols at fuzzed
//! positions and ranges, saves, closes, watched-file changes, requests of
//! unknown methods, framed and unframed garbage), then `shutdown` and
//! `exit`.
//!
//! Every URI is a `file:` path inside a scratch repository made once
//! (with a `.git` folder, a config, a kinds folder and the examples) or an
//! `untitled:` buffer (checked in the folder the server runs in: the
//! scratch repository). No input may panic or hang the server; `serve`
//! returns; what it wrote is a sequence of well-framed JSON-RPC messages;
//! a session without garbage gets one answer per request and ends with
//! code 0; and no file in the repository is written, added or removed.
#![no_main]

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

macro_rules! example {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/", $path)),
        )
    };
}

/// The examples, copied into the scratch repository and used as seeds.
const EXAMPLES: &[(&str, &str)] = &[
    example!("TEAM_ALLIANCE.md"),
    example!("designed-alliance.md"),
    example!("one-on-one-ada-grace.md"),
    example!("support-rotation-alliance.md"),
    example!("working-alliance-coaching.md"),
    example!("one-on-one-ada-grace.pulse/2026-06-01/ada.yaml"),
    example!("one-on-one-ada-grace.pulse/2026-11-16/ada.yaml"),
    example!("working-alliance-coaching.pulse/2026-09-01/sam.yaml"),
];

const CONFIG: &str = "consent:\n  proof: any\nkinds: alliance-kinds\n";

const KIND: &str = "name: lab\nextends: team\nsections:\n  - name: Atmosphere\n    rename: Values\n  - name: Retro notes\n    content: optional\n  - name: Experiments\n    content: items\n    agreements: true\n";

/// Files of the scratch repository besides the examples.
const OWN: &[(&str, &str)] = &[
    (".alliance.yaml", CONFIG),
    ("alliance-kinds/lab.kind.yaml", KIND),
    ("odd.md", "# Notes, not an alliance\n"),
    ("odd.pulse/round/ada.yaml", "rater: ada\n"),
    ("empty.md", ""),
    ("empty.pulse/round/ada.yaml", "rater: ada\n"),
    ("folder.md/inside.md", "# a folder named as an alliance\n"),
    ("folder.pulse/round/ada.yaml", "rater: ada\n"),
    ("cr.md", CR_ONLY),
    (
        "cr.pulse/2026-11-01/ada.yaml",
        "rater: ada\rdate: 2026-11-01\ranswers:\r  a: 1\r",
    ),
];

/// An alliance with a pulse, its lines ended by a lone CR.
const CR_ONLY: &str =
    "---\ralliance: one-on-one\rtitle: CR\rparties:\r  - name: Ada\r    handle: ada\r---\r# CR\r";

/// Paths the messages name (relative to the repository), besides fuzzed
/// ones: files, a folder, answer files whose alliance is odd or missing,
/// kind files in odd folders.
const PATHS: &[&str] = &[
    "TEAM_ALLIANCE.md",
    "one-on-one-ada-grace.md",
    "working-alliance-coaching.md",
    "one-on-one-ada-grace.pulse/2026-06-01/ada.yaml",
    "one-on-one-ada-grace.pulse/2026-12-01/grace.yaml",
    "working-alliance-coaching.pulse/2026-09-01/sam.yaml",
    "odd.pulse/round/ada.yaml",
    "empty.pulse/round/ada.yaml",
    "folder.pulse/round/ada.yaml",
    "folder.md",
    "cr.md",
    "cr.pulse/2026-11-01/ada.yaml",
    "missing.pulse/r/x.yaml",
    ".pulse/r/x.yaml",
    "alliance-kinds/lab.kind.yaml",
    "alliance-kinds/new.instrument.yaml",
    "elsewhere/odd.kind.yaml",
    "new.kind.yaml",
    "one-on-one-ada-grace.pulse",
    "alliance-kinds",
    ".alliance.yaml",
    "",
    ".git",
    "NEW_ALLIANCE.md",
    "sub/dir/x.md",
];

struct Scratch {
    root: PathBuf,
    /// Every file and folder in it, with its length and modification time.
    before: BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
}

/// The scratch repository, made once; the server runs in it.
fn scratch() -> &'static Scratch {
    static DIR: OnceLock<Scratch> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = tempfile::tempdir().expect("temp dir").keep();
        let root = root.canonicalize().expect("canonical temp dir");
        std::fs::create_dir_all(root.join(".git")).expect(".git");
        for (path, text) in EXAMPLES.iter().chain(OWN) {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folders");
            std::fs::write(path, text).expect("write");
        }
        std::env::set_current_dir(&root).expect("cd");
        let before = listing(&root);
        Scratch { root, before }
    })
}

fn listing(root: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut found = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder") {
            let entry = entry.expect("entry");
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                folders.push(entry.path());
            }
            found.insert(entry.path(), (meta.len(), meta.modified().ok()));
        }
    }
    found
}

/// A session being written: the client's bytes, the ids of its requests,
/// and whether anything but well-formed messages of known methods was
/// sent.
struct Session<'r> {
    root: &'r Path,
    bytes: Vec<u8>,
    ids: Vec<i64>,
    clean: bool,
}

impl Session<'_> {
    fn frame(&mut self, body: &[u8]) {
        self.bytes
            .extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        self.bytes.extend_from_slice(body);
    }

    fn request(&mut self, method: &str, params: Value) {
        let id = 1_000_000 + self.ids.len() as i64;
        self.ids.push(id);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.frame(body.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({ "jsonrpc": "2.0", "method": method, "params": params });
        self.frame(body.to_string().as_bytes());
    }

    /// A URI: a file in the repository (known or fuzzed, never leaving
    /// it) or an untitled buffer.
    fn uri(&self, u: &mut Unstructured) -> Result<String> {
        let path = match u.int_in_range(0..=7)? {
            0 => {
                let name: String = u.arbitrary()?;
                return Ok(format!("untitled:{}", encode(&name)));
            }
            1 => fuzzed_path(u)?,
            _ => (*u.choose(PATHS)?).to_owned(),
        };
        Ok(format!(
            "file://{}/{}",
            encode(&self.root.to_string_lossy()),
            encode(&path)
        ))
    }

    /// One message of the session.
    fn message(&mut self, u: &mut Unstructured) -> Result<()> {
        let uri = self.uri(u)?;
        let doc = json!({ "uri": uri });
        match u.int_in_range(0..=15)? {
            0 | 1 => {
                let text = text(u)?;
                let version: i32 = u.arbitrary()?;
                let item = json!({ "uri": uri, "languageId": "markdown", "version": version, "text": text });
                self.notify("textDocument/didOpen", json!({ "textDocument": item }));
            }
            2 | 3 => {
                let mut changes = Vec::new();
                for _ in 0..u.int_in_range(0..=2)? {
                    changes.push(if u.arbitrary()? {
                        json!({ "text": text(u)? })
                    } else {
                        json!({ "range": range(u)?, "text": text(u)? })
                    });
                }
                let version: i32 = u.arbitrary()?;
                let id = json!({ "uri": uri, "version": version });
                self.notify(
                    "textDocument/didChange",
                    json!({ "textDocument": id, "contentChanges": changes }),
                );
            }
            4 => self.request(
                "textDocument/hover",
                json!({ "textDocument": doc, "position": position(u)? }),
            ),
            5 => {
                let mut params = json!({ "textDocument": doc, "position": position(u)? });
                if u.arbitrary()? {
                    let trigger: String = u.arbitrary()?;
                    params["context"] = json!({ "triggerKind": 2, "triggerCharacter": trigger });
                }
                self.request("textDocument/completion", params);
            }
            6 => {
                let mut context = json!({ "diagnostics": [] });
                if u.arbitrary()? {
                    let only =
                        *u.choose(&["quickfix", "source.fixAll", "source", "refactor", ""])?;
                    context["only"] = json!([only]);
                }
                if u.arbitrary()? {
                    let code = format!("A{:03}", u.int_in_range(0..=40)?);
                    context["diagnostics"] = json!([{ "range": range(u)?, "message": "m", "code": code, "data": { "rule": code } }]);
                }
                self.request(
                    "textDocument/codeAction",
                    json!({ "textDocument": doc, "range": range(u)?, "context": context }),
                );
            }
            7 => self.request(
                "textDocument/definition",
                json!({ "textDocument": doc, "position": position(u)? }),
            ),
            8 => self.request(
                "textDocument/documentSymbol",
                json!({ "textDocument": doc }),
            ),
            9 => self.notify(
                "workspace/didChangeWatchedFiles",
                json!({ "changes": [{ "uri": uri, "type": u.int_in_range(1..=3)? }] }),
            ),
            10 => self.notify("textDocument/didSave", json!({ "textDocument": doc })),
            11 => self.notify("textDocument/didClose", json!({ "textDocument": doc })),
            12 => {
                // A well-framed body that is anything.
                self.clean = false;
                let body: Vec<u8> = u.arbitrary()?;
                self.frame(&body);
            }
            13 => {
                // Bytes that need not frame at all.
                self.clean = false;
                let bytes: Vec<u8> = u.arbitrary()?;
                self.bytes.extend_from_slice(&bytes);
            }
            14 => {
                // A method of any name with parameters of any shape.
                self.clean = false;
                let method: String = u.arbitrary()?;
                let params: String = u.arbitrary()?;
                let params = serde_json::from_str(&params).unwrap_or(Value::String(params));
                if u.arbitrary()? {
                    self.request(&method, params);
                } else {
                    self.notify(&method, params);
                }
            }
            _ => {
                // A known method with parameters of any shape.
                let method = *u.choose(&[
                    "textDocument/hover",
                    "textDocument/completion",
                    "textDocument/codeAction",
                    "textDocument/definition",
                    "textDocument/documentSymbol",
                    "initialize",
                ])?;
                let params: String = u.arbitrary()?;
                let params = serde_json::from_str(&params).unwrap_or(Value::String(params));
                self.request(method, params);
            }
        }
        Ok(())
    }
}

/// A path of the repository's own characters (and a few others), no `..`.
fn fuzzed_path(u: &mut Unstructured) -> Result<String> {
    let raw: String = u.arbitrary()?;
    let path: String = raw
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\\' | '%' | '?' | '#'))
        .take(120)
        .collect();
    Ok(path
        .split('/')
        .filter(|part| *part != ".." && *part != ".")
        .collect::<Vec<_>>()
        .join("/"))
}

/// `text` percent-encoded for a URI's path (slashes kept).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A buffer's text: an example, mutated or not, with CR-only line
/// endings or not; fuzzed text; empty; or (rarely) larger than `check`
/// reads.
fn text(u: &mut Unstructured) -> Result<String> {
    let seeds: Vec<&str> = EXAMPLES
        .iter()
        .map(|(_, t)| *t)
        .chain([KIND, CONFIG])
        .collect();
    Ok(match u.int_in_range(0..=9)? {
        0 => String::new(),
        1 => u.arbitrary()?,
        2 => u.choose(&seeds)?.replace('\n', "\r"),
        3 => {
            // Rarely one byte more than `check` reads; else a few copies.
            let seed = *u.choose(&seeds)?;
            if u.arbitrary::<u8>()? == 255 {
                let big = seed.repeat((1 << 20) / seed.len() + 1);
                big
            } else {
                seed.repeat(u.int_in_range(1..=4)?)
            }
        }
        4..=6 => {
            // An example with fuzzed text put in at a fuzzed place.
            let seed = *u.choose(&seeds)?;
            let mut at = u.int_in_range(0..=seed.len())?;
            while !seed.is_char_boundary(at) {
                at -= 1;
            }
            let cut = u.int_in_range(0..=seed.len() - at)?;
            let mut end = at + cut;
            while !seed.is_char_boundary(end) {
                end -= 1;
            }
            let put: String = u.arbitrary()?;
            format!("{}{put}{}", &seed[..at], &seed[end..])
        }
        _ => (*u.choose(&seeds)?).to_owned(),
    })
}

/// A line or character: small, around the text's, or huge.
fn coordinate(u: &mut Unstructured) -> Result<u32> {
    Ok(match u.int_in_range(0..=5)? {
        0 => u32::MAX,
        1 => i32::MAX as u32 + u.int_in_range(0..=1)?,
        2 => u.arbitrary()?,
        _ => u.int_in_range(0..=80)?,
    })
}

fn position(u: &mut Unstructured) -> Result<Value> {
    Ok(json!({ "line": coordinate(u)?, "character": coordinate(u)? }))
}

fn range(u: &mut Unstructured) -> Result<Value> {
    Ok(json!({ "start": position(u)?, "end": position(u)? }))
}

/// The session `data` decodes into.
fn session<'r>(root: &'r Path, data: &[u8]) -> Session<'r> {
    let mut u = Unstructured::new(data);
    let mut session = Session {
        root,
        bytes: Vec::new(),
        ids: Vec::new(),
        clean: true,
    };
    let watch = u.arbitrary().unwrap_or(false);
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": watch } } });
    session.request(
        "initialize",
        json!({ "capabilities": capabilities, "rootUri": null }),
    );
    session.notify("initialized", json!({}));
    for _ in 0..32 {
        if u.is_empty() || session.message(&mut u).is_err() {
            break;
        }
    }
    session.request("shutdown", Value::Null);
    session.notify("exit", Value::Null);
    session
}

/// The messages `output` holds, each checked to be well framed JSON-RPC.
fn messages(mut output: &[u8]) -> Vec<Value> {
    let mut found = Vec::new();
    while !output.is_empty() {
        let text = std::str::from_utf8(output).map(|_| ()).ok();
        let header_end = output
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("a message without headers: {text:?}"));
        let header = std::str::from_utf8(&output[..header_end]).expect("ASCII headers");
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("not a Content-Length header: {header:?}"));
        let body = &output[header_end + 4..];
        assert!(body.len() >= length, "a body shorter than its length");
        let value: Value = serde_json::from_slice(&body[..length]).expect("a JSON body");
        assert_eq!(value["jsonrpc"], "2.0", "{value}");
        found.push(value);
        output = &body[length..];
    }
    found
}

fuzz_target!(|data: &[u8]| {
    let scratch = scratch();
    let session = session(&scratch.root, data);
    let mut output = Vec::new();
    let ended = alliance::lsp::serve(Box::new(Cursor::new(session.bytes)), &mut output)
        .expect("writing to memory never fails");
    let answers = messages(&output);
    if session.clean {
        assert_eq!(ended.code, 0, "a clean session ends with shutdown and exit");
        for id in &session.ids {
            let n = answers
                .iter()
                .filter(|m| m["id"] == json!(id) && m.get("method").is_none())
                .count();
            assert_eq!(n, 1, "request {id} answered {n} times");
        }
    }
    assert_eq!(
        listing(&scratch.root),
        scratch.before,
        "the server wrote in the repository"
    );
});
