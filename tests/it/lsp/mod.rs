//! `alliance lsp` with a real client: the binary is started and spoken to
//! in JSON-RPC with `Content-Length` framing over its standard streams, as
//! an editor does. A reader thread hands each message over; every wait has
//! a generous hang guard (a guard, not a timing assertion).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{Sandbox, hermetic, team_doc};

mod editing;
mod editors;
mod hostile;

/// Far above any real answer: only a hung server reaches it.
const HANG_GUARD: Duration = Duration::from_secs(120);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    /// `alliance lsp` started in `dir`, initialized.
    fn start(dir: &Path) -> Client {
        Client::start_with(dir, json!({}))
    }

    /// `alliance lsp` started in `dir` by a client of `capabilities`,
    /// initialized.
    fn start_with(dir: &Path, capabilities: Value) -> Client {
        let mut client = Client::spawn(dir);
        let answer = client.request("initialize", json!({ "capabilities": capabilities }));
        let capabilities = &answer["result"]["capabilities"];
        assert_eq!(capabilities["textDocumentSync"]["change"], 1, "{answer}");
        assert_eq!(capabilities["hoverProvider"], true);
        assert_eq!(capabilities["documentSymbolProvider"], true);
        client.notify("initialized", json!({}));
        client
    }

    fn spawn(dir: &Path) -> Client {
        let mut child = hermetic(env!("CARGO_BIN_EXE_alliance"), dir)
            .env("ALLIANCE_TODAY", "2026-11-22")
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn alliance lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            while let Some(message) = read_message(&mut out) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }

    fn send_bytes(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
        self.stdin.write_all(body).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: &Value) {
        self.send_bytes(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Send a request and wait for its answer (notifications on the way
    /// are passed over).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(|m| m["id"] == id)
    }

    /// The next message that `wanted` accepts.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(HANG_GUARD)
                .expect("alliance lsp hung or closed its output");
            if wanted(&message) {
                return message;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .clone()
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        let document = json!({ "uri": uri, "languageId": "markdown", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document }));
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) -> Vec<Value> {
        let params = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }],
        });
        self.notify("textDocument/didChange", params);
        self.diagnostics(uri)
    }

    /// `shutdown`, then `exit`: the exit code.
    fn finish(mut self) -> i32 {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(mut self) -> i32 {
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if started.elapsed() > HANG_GUARD {
                let _ = self.child.kill();
                panic!("alliance lsp did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// One framed message from the server, or `None` when its output ends.
fn read_message(out: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A team alliance in a sandbox repository, and its URI.
fn team_repository() -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir .git");
    let path = sandbox.write("TEAM_ALLIANCE.md", "");
    (sandbox, path)
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("-"))
        .collect()
}

#[test]
fn initialize_shutdown_and_exit_end_with_code_0() {
    let (sandbox, _) = team_repository();
    let client = Client::start(sandbox.path());
    assert_eq!(client.finish(), 0);
}

#[test]
fn exit_without_shutdown_ends_with_code_1() {
    let (sandbox, _) = team_repository();
    let mut client = Client::start(sandbox.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1);
}

/// Column `column` (1-based, in characters) of `line` (1-based) of
/// `text`, in UTF-16 code units from the start of the line.
fn utf16_column(text: &str, line: u64, column: u64) -> u64 {
    let line = text.lines().nth(line as usize - 1).unwrap_or("");
    line.chars()
        .take(column as usize - 1)
        .map(|c| c.len_utf16() as u64)
        .sum()
}

/// What `check --format json` says of `file`, each finding as the
/// diagnostic the server should publish: code, severity, message, help,
/// start and end (0-based line, UTF-16 character).
fn expected_from_check(root: &Path, file: &Path) -> Vec<Value> {
    let relative = file.strip_prefix(root).expect("in the project");
    expected_from_check_of(root, relative, file)
}

/// [`expected_from_check`] of `file` (an alliance, or one of its pulse
/// answer files) in the report of `check ALLIANCE`.
fn expected_from_check_of(root: &Path, alliance: &Path, file: &Path) -> Vec<Value> {
    let relative = file.strip_prefix(root).expect("in the project");
    let output = hermetic(env!("CARGO_BIN_EXE_alliance"), root)
        .env("ALLIANCE_TODAY", "2026-11-22")
        .args(["check", "--format", "json"])
        .arg(alliance)
        .output()
        .expect("run check");
    let report: Value = serde_json::from_slice(&output.stdout).expect("check's JSON");
    let text = std::fs::read_to_string(file).expect("read");
    let entry = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| Path::new(f["path"].as_str().unwrap_or("")) == relative)
        .expect("the file's own entry");
    let at = |line: &Value, column: &Value| match (line.as_u64(), column.as_u64()) {
        (Some(l), Some(c)) => json!([l - 1, utf16_column(&text, l, c)]),
        _ => json!([0, 0]),
    };
    let findings = entry["findings"].as_array().expect("findings");
    findings
        .iter()
        .map(|f| {
            json!({
                "code": f["code"],
                "severity": if f["severity"] == "error" { 1 } else { 2 },
                "message": f["message"],
                "help": f["help"],
                "start": at(&f["line"], &f["column"]),
                "end": at(&f["end_line"], &f["end_column"]),
            })
        })
        .collect()
}

/// A published diagnostic in the shape of [`expected_from_check`].
fn as_published(d: &Value) -> Value {
    let position = |p: &Value| json!([p["line"], p["character"]]);
    let help = d["relatedInformation"][0]["message"]
        .as_str()
        .map(|m| m.strip_prefix("help: ").expect("a help line").to_owned());
    assert_eq!(d["data"]["help"], json!(help), "{d}");
    json!({
        "code": d["code"],
        "severity": d["severity"],
        "message": d["message"],
        "help": help,
        "start": position(&d["range"]["start"]),
        "end": position(&d["range"]["end"]),
    })
}

/// Open each of `files` (in the repository at `root`) in one server and
/// compare what it publishes with `check --format json`; how many findings
/// were compared.
fn compare_with_check(root: &Path, files: &[PathBuf]) -> usize {
    let mut client = Client::start(root);
    let mut compared = 0;
    for file in files {
        let text = std::fs::read_to_string(file).expect("read");
        let published = client.open(&uri(file), &text);
        let published: Vec<Value> = published.iter().map(as_published).collect();
        let expected = expected_from_check(root, file);
        assert_eq!(published, expected, "{}", file.display());
        compared += expected.len();
    }
    assert_eq!(client.finish(), 0);
    compared
}

/// The examples' alliances.
fn examples() -> Vec<PathBuf> {
    let mut examples: Vec<PathBuf> = std::fs::read_dir(crate::common::examples())
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 4, "{examples:?}");
    examples
}

#[test]
fn diagnostics_are_checks_findings_for_every_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    compare_with_check(root, &examples());
}

#[test]
fn diagnostics_are_checks_findings_for_every_example_broken() {
    // The examples are clean: broken in a copy of the repository (its
    // config), with characters outside ASCII before and inside the spans
    // so that columns in UTF-16 code units are compared too.
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir .git");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = std::fs::read_to_string(root.join(".alliance.yaml")).expect("config");
    sandbox.write(".alliance.yaml", config);
    let broken: Vec<PathBuf> = examples()
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("read");
            let text = text
                .replacen("\n## ", "\n## 🎉 Ünïcode ", 1)
                .replacen("every: ", "every: 🎉 sometimes ", 1)
                .replacen("last: ", "last: 2026-13-🎉", 1)
                .replacen("owner:: ", "owner:: nobody🎉", 1);
            let name = file.file_name().expect("name").to_string_lossy();
            sandbox.write(&name, text)
        })
        .collect();
    let compared = compare_with_check(sandbox.path(), &broken);
    assert!(compared >= broken.len() * 2, "{compared} findings compared");
}

#[test]
fn a_change_updates_the_diagnostics_and_a_close_clears_them() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let body = crate::common::TEAM_BODY;
    // No consent is recorded yet (a warning).
    assert_eq!(codes(&client.open(&uri, &team_doc("", body))), ["A070"]);
    let without_purpose = team_doc("", &body.replacen("## Purpose", "## Porpoise", 1));
    let changed = client.change(&uri, 2, &without_purpose);
    assert!(codes(&changed).contains(&"A030"), "{changed:?}");
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), codes(&changed));
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // Nothing was written: the file is as the sandbox left it.
    assert_eq!(sandbox.read("TEAM_ALLIANCE.md"), "");
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_markdown_file_that_is_no_alliance_has_no_diagnostics() {
    let (sandbox, _) = team_repository();
    let notes = uri(&sandbox.path().join("notes.md"));
    let mut client = Client::start(sandbox.path());
    assert_eq!(
        client.open(&notes, "# Notes\n\nno front matter\n"),
        Vec::<Value>::new()
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn malformed_messages_and_unknown_methods_get_errors_and_the_server_goes_on() {
    let (sandbox, path) = team_repository();
    let mut client = Client::start(sandbox.path());
    client.send_bytes(b"{\"jsonrpc\": \"2.0\", \"id\": ");
    let error = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_eq!(error["id"], Value::Null);
    client.send_bytes(b"[1, 2, 3]");
    let error = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32600, "{error}");
    let unknown = client.request("textDocument/frobnicate", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad_params = client.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    // Headers without a length, then an unknown notification: read past.
    client.stdin.write_all(b"X-Junk: 1\r\n\r\n").expect("write");
    client.notify("$/somethingElse", json!({}));
    // Still answering.
    let diagnostics = client.open(&uri(&path), &team_doc("", crate::common::TEAM_BODY));
    assert_eq!(codes(&diagnostics), ["A070"]);
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_request_before_initialize_is_refused() {
    let (sandbox, _) = team_repository();
    let mut client = Client::spawn(sandbox.path());
    let early = client.request("textDocument/documentSymbol", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    let answer = client.request("initialize", json!({ "capabilities": {} }));
    assert!(answer["result"]["capabilities"].is_object(), "{answer}");
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_huge_or_binary_buffer_gets_one_diagnostic() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let huge = team_doc("", &"- an agreement\n".repeat(100_000));
    let diagnostics = client.open(&uri, &huge);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let message = diagnostics[0]["message"].as_str().expect("message");
    assert!(
        message.contains("more than the 1048576 `check` reads"),
        "{message}"
    );
    let binary = client.change(&uri, 2, &team_doc("", "\0\u{1}\u{2}"));
    assert_eq!(codes(&binary), ["A005"]);
    assert_eq!(client.finish(), 0);
}

#[test]
fn hover_explains_the_rule_of_the_diagnostic_under_the_cursor() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let text = team_doc("", crate::common::TEAM_BODY).replace("alliance: team", "alliance: tem");
    let diagnostics = client.open(&uri, &text);
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "A010")
        .expect("an unknown kind");
    let at = json!({ "textDocument": { "uri": uri }, "position": unknown["range"]["start"] });
    let hover = client.request("textDocument/hover", at);
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover text");
    assert!(value.starts_with("**A010 unknown-kind**"), "{value}");
    assert!(
        value.contains("names a kind that is neither built in"),
        "{value}"
    );
    assert!(value.contains("docs/rules.md#a010-unknown-kind"), "{value}");
    let elsewhere =
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } });
    assert_eq!(
        client.request("textDocument/hover", elsewhere)["result"],
        Value::Null
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn document_symbols_list_sections_and_their_items() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let body = "\n## Purpose\n\nWe ship.\n\n## Agreements\n\n- Review within a day\n  - even on Fridays\n- Pair on 🎉 releases\n";
    client.open(&uri, &team_doc("", body));
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let symbols = answer["result"].as_array().expect("symbols");
    let names: Vec<&str> = symbols
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Purpose", "Agreements"]);
    let items = symbols[1]["children"].as_array().expect("items");
    let items: Vec<&str> = items
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(items, ["Review within a day", "Pair on 🎉 releases"]);
    let nested = &symbols[1]["children"][0]["children"][0];
    assert_eq!(nested["name"], "even on Fridays");
    let heading_line = team_doc("", body)
        .lines()
        .position(|l| l == "## Agreements");
    assert_eq!(
        symbols[1]["selectionRange"]["start"]["line"],
        json!(heading_line)
    );
    assert_eq!(client.finish(), 0);
}

/// The real agreements (CRLF, text outside ASCII, every shape of list and
/// heading), each made an alliance by front matter put before it.
#[test]
#[ignore = "needs ../shared/corpus/real"]
fn diagnostics_are_checks_findings_for_the_real_corpus() {
    let corpus = crate::common::real_corpus();
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir .git");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("SOURCES.md"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "corpus has {} files", files.len());
    let alliances: Vec<PathBuf> = files
        .iter()
        .map(|file| {
            let text = String::from_utf8_lossy(&std::fs::read(file).expect("read")).into_owned();
            let name = file.file_name().expect("name").to_string_lossy();
            sandbox.write(&name, team_doc("", &format!("\n{text}")))
        })
        .collect();
    let compared = compare_with_check(sandbox.path(), &alliances);
    assert!(compared >= alliances.len(), "{compared} findings compared");
}
