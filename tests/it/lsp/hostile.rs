//! The language server sent what a hostile or broken client (or a hostile
//! repository) offers: a pipe where an answer file is, a kinds folder
//! linked out of the repository, a change of a range only, a folder opened
//! as a document, positions far past the text. Each gets an answer or
//! nothing; the server reads nothing outside the repository it was not
//! opened on, and goes on.

use serde_json::{Value, json};

use super::editing::coaching_repository;
use super::{Client, codes, team_repository, uri};
use crate::common::{Sandbox, TEAM_BODY, team_doc};

fn messages(diagnostics: &[Value]) -> String {
    diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap_or("-"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(unix)]
#[test]
fn an_answer_file_that_is_a_pipe_is_checked_from_the_buffer() {
    let (sandbox, jordan) = coaching_repository();
    let text = std::fs::read_to_string(&jordan).expect("read");
    std::fs::remove_file(&jordan).expect("remove");
    let status = std::process::Command::new("mkfifo")
        .arg(&jordan)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let mut client = Client::start(sandbox.path());
    // Once hung here, waiting for a writer to the pipe.
    let changed = text.replace("rater: jordan", "rater: zed");
    let diagnostics = client.open(&uri(&jordan), &changed);
    assert!(codes(&diagnostics).contains(&"A063"), "{diagnostics:?}");
    assert_eq!(client.finish(), 0);
}

#[cfg(unix)]
#[test]
fn a_kinds_folder_linked_out_of_the_repository_is_not_read() {
    let (sandbox, _) = team_repository();
    let outside = Sandbox::new();
    outside.write(
        "secret.kind.yaml",
        "name: secret-token\nextends: nowhere-secret\nsections: []\n",
    );
    std::os::unix::fs::symlink(outside.path(), sandbox.path().join("kinds")).expect("link");
    let mine = sandbox.path().join("kinds/squad.kind.yaml");
    let mut client = Client::start(sandbox.path());
    let kind = "name: squad\nsummary: A squad.\nextends: team\n";
    let diagnostics = client.open(&uri(&mine), kind);
    assert!(
        !messages(&diagnostics).contains("secret"),
        "{diagnostics:?}"
    );
    assert_eq!(client.finish(), 0);
}

#[cfg(unix)]
#[test]
fn an_answer_file_through_a_link_out_of_the_repository_reads_nothing_there() {
    let (sandbox, _) = team_repository();
    let outside = Sandbox::new();
    let secret = team_doc("", TEAM_BODY).replace("Test team", "Secret squad");
    outside.write("secret.md", &secret);
    outside.write("secret.pulse/2026-11-01/ada.yaml", "rater: ada\n");
    std::os::unix::fs::symlink(outside.path(), sandbox.path().join("link")).expect("link");
    let answers = sandbox.path().join("link/secret.pulse/2026-11-01/ada.yaml");
    let mut client = Client::start(sandbox.path());
    let diagnostics = client.open(&uri(&answers), "rater: ada\n");
    let said = messages(&diagnostics);
    assert!(said.contains("symbolic link"), "{said}");
    assert!(!said.contains("Secret squad"), "{said}");
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_change_of_a_range_only_is_logged_and_the_buffer_kept() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let diagnostics = client.open(&uri, &team_doc("", TEAM_BODY));
    assert_eq!(codes(&diagnostics), ["A070"]);
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 9999, "character": 4_294_967_295u32 } });
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": range, "text": "" }],
        }),
    );
    let logged = client.wait_for(|m| m["method"] == "window/logMessage");
    assert!(
        logged["params"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("without the whole text"),
        "{logged}"
    );
    // The buffer is the one opened: its sections are still there.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(
        symbols["result"].to_string().contains("Purpose"),
        "{symbols}"
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_folder_opened_as_a_document_and_positions_past_the_end_get_answers() {
    let (sandbox, _) = team_repository();
    std::fs::create_dir(sandbox.path().join("folder.md")).expect("mkdir");
    let folder = uri(&sandbox.path().join("folder.md"));
    let mut client = Client::start(sandbox.path());
    client.open(&folder, &team_doc("", TEAM_BODY));
    let far = json!({ "line": 4_294_967_295u32, "character": 4_294_967_295u32 });
    let at = json!({ "textDocument": { "uri": folder }, "position": far });
    for method in [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
    ] {
        let answer = client.request(method, at.clone());
        assert!(answer.get("error").is_none(), "{method}: {answer}");
    }
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": folder },
            "range": { "start": far, "end": far },
            "context": { "diagnostics": [] },
        }),
    );
    assert!(actions.get("error").is_none(), "{actions}");
    assert!(sandbox.path().join("folder.md").is_dir());
    assert_eq!(client.finish(), 0);
}
