//! The language server as an editor uses it while an alliance is written:
//! fixes offered where a diagnostic is (and applied here as the editor
//! would, then checked again), completion, hover on dates, items and
//! sections, go to a party, answer and kind files checked, and the
//! repository loaded again when the client says a kind changed.

use std::path::Path;

use serde_json::{Value, json};

use super::{Client, codes, expected_from_check_of, team_repository, uri};
use crate::common::{Sandbox, TEAM_BODY, team_doc};

/// `text` with the LSP text edits `edits` applied (ASCII text: a
/// character is a byte), the last first so earlier positions hold.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().expect("line") as usize;
        let character = p["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let mut edits: Vec<(usize, usize, usize, &str)> = edits
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let range = &e["range"];
            let text = e["newText"].as_str().expect("newText");
            (offset(&range["start"]), n, offset(&range["end"]), text)
        })
        .collect();
    // Inserts at one position appear in the order given (the spec's rule):
    // applied from the end, the last given first.
    edits.sort_by_key(|(start, n, _, _)| std::cmp::Reverse((*start, *n)));
    let mut out = text.to_owned();
    for (start, _, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

/// The code actions offered over `range` (with `only` kinds, if any).
fn actions(client: &mut Client, uri: &str, range: Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let params = json!({ "textDocument": { "uri": uri }, "range": range, "context": context });
    let answer = client.request("textDocument/codeAction", params);
    answer["result"].as_array().expect("actions").clone()
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap_or("-"))
        .collect()
}

/// The edits of `action` to `uri`.
fn edits<'a>(action: &'a Value, uri: &str) -> &'a [Value] {
    action["edit"]["changes"][uri].as_array().expect("edits")
}

/// The range of the first diagnostic of rule `code`.
fn range_of(diagnostics: &[Value], code: &str) -> Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:?}"))["range"]
        .clone()
}

fn line_range(line: usize) -> Value {
    json!({ "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 3 } })
}

fn line_of(text: &str, wanted: &str) -> usize {
    text.lines()
        .position(|l| l.contains(wanted))
        .unwrap_or_else(|| panic!("no line has {wanted:?}"))
}

#[test]
fn a_missing_section_is_added_with_its_prompt_in_the_kinds_order() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let body = TEAM_BODY.replace("## Atmosphere\n\nCalm and curious.\n\n", "");
    let text = team_doc("", &body);
    let diagnostics = client.open(&uri, &text);
    assert!(codes(&diagnostics).contains(&"A030"), "{diagnostics:?}");
    let offered = actions(&mut client, &uri, range_of(&diagnostics, "A030"), None);
    let add = offered
        .iter()
        .find(|a| a["title"] == "Add the section `Atmosphere`")
        .unwrap_or_else(|| panic!("{:?}", titles(&offered)));
    assert_eq!(add["kind"], "quickfix");
    assert_eq!(add["diagnostics"][0]["code"], "A030");
    let fixed = apply(&text, edits(add, &uri));
    // Between Purpose and Co-responsibility, with the template's question.
    let (purpose, atmosphere, next) = (
        line_of(&fixed, "## Purpose"),
        line_of(&fixed, "## Atmosphere"),
        line_of(&fixed, "## Co-responsibility"),
    );
    assert!(purpose < atmosphere && atmosphere < next, "{fixed}");
    assert!(
        fixed.contains("## Atmosphere\n\n> **Ask:** What culture do we want here?"),
        "{fixed}"
    );
    assert!(fixed.contains("\n\n## Co-responsibility"), "{fixed}");
    let after = client.change(&uri, 2, &fixed);
    assert!(!codes(&after).contains(&"A030"), "{after:?}");
    // Nothing was written: the editor applies edits, the server does not.
    assert_eq!(sandbox.read("TEAM_ALLIANCE.md"), "");
    assert_eq!(client.finish(), 0);
}

#[test]
fn fix_all_adds_every_missing_section_and_only_that() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let body = "\n## Agreements\n\n- We start on time.\n";
    let text = team_doc("", body);
    let before = client.open(&uri, &text);
    assert_eq!(codes(&before).iter().filter(|c| **c == "A030").count(), 4);
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } });
    let offered = actions(&mut client, &uri, whole, Some(&["source.fixAll"]));
    assert_eq!(titles(&offered), ["Add every missing section"]);
    assert_eq!(offered[0]["kind"], "source.fixAll");
    let fixed = apply(&text, edits(&offered[0], &uri));
    let after = client.change(&uri, 2, &fixed);
    let after = codes(&after);
    assert!(
        !after.contains(&"A030") && !after.contains(&"A033"),
        "{after:?}\n{fixed}"
    );
    let order: Vec<usize> = [
        "Purpose",
        "Atmosphere",
        "Co-responsibility",
        "Agreements",
        "When it gets hard",
    ]
    .iter()
    .map(|h| line_of(&fixed, &format!("## {h}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{fixed}");
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_heading_the_kind_does_not_know_can_be_renamed_to_a_missing_one() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let text = team_doc("", &TEAM_BODY.replacen("## Purpose", "## Porpoise", 1));
    client.open(&uri, &text);
    let heading = line_of(&text, "## Porpoise");
    let offered = actions(&mut client, &uri, line_range(heading), None);
    let titles = titles(&offered);
    assert_eq!(titles[0], "Rename the heading to `Purpose`", "{titles:?}");
    let fixed = apply(&text, edits(&offered[0], &uri));
    assert_eq!(fixed, team_doc("", TEAM_BODY));
    assert_eq!(client.finish(), 0);
}

#[test]
fn an_item_gets_the_id_its_pulse_answers_already_use() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let text = team_doc("", TEAM_BODY);
    client.open(&uri, &text);
    let item = line_of(&text, "- Ada keeps the plan.");
    let offered = actions(&mut client, &uri, line_range(item), None);
    assert_eq!(
        titles(&offered),
        ["Give this item the id `ada-keeps-the-plan`"]
    );
    let fixed = apply(&text, edits(&offered[0], &uri));
    assert!(
        fixed.contains("- Ada keeps the plan. [owner:: @ada] [id:: ada-keeps-the-plan]\n"),
        "{fixed}"
    );
    // An item that has its id is offered nothing.
    let on_time = line_of(&text, "- We start on time.");
    assert_eq!(
        actions(&mut client, &uri, line_range(on_time), None),
        Vec::<Value>::new()
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_ready_draft_can_be_proposed_for_consent() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let text = team_doc("status: draft\n", TEAM_BODY);
    let diagnostics = client.open(&uri, &text);
    let offered = actions(&mut client, &uri, range_of(&diagnostics, "A035"), None);
    let propose = offered
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "A035")
        .expect("an action for A035");
    assert_eq!(
        propose["title"],
        "Set `status: proposed`, to ask each party's consent"
    );
    let fixed = apply(&text, edits(propose, &uri));
    assert_eq!(fixed, team_doc("status: proposed\n", TEAM_BODY));
    let after = client.change(&uri, 2, &fixed);
    assert!(!codes(&after).contains(&"A035"), "{after:?}");
    assert_eq!(client.finish(), 0);
}

/// The labels offered at the end of `line` (0-based) of the open `uri`.
fn completions(client: &mut Client, uri: &str, line: usize, character: usize) -> Vec<String> {
    let at = json!({ "line": line, "character": character });
    let answer = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": at }),
    );
    answer["result"]
        .as_array()
        .expect("completions")
        .iter()
        .map(|c| c["label"].as_str().unwrap_or("-").to_owned())
        .collect()
}

/// `text` with `line` added after the line holding `after`; the new
/// line's index and its length.
fn with_line(text: &str, after: &str, line: &str) -> (String, usize, usize) {
    let at = line_of(text, after) + 1;
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(at, line);
    (lines.join("\n") + "\n", at, line.len())
}

#[test]
fn completion_offers_sections_handles_and_front_matter_words() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let body = TEAM_BODY.replace("## Atmosphere\n\nCalm and curious.\n\n", "");
    let (text, line, end) = with_line(&team_doc("", &body), "We keep the lights on.", "## At");
    client.open(&uri, &text);
    let sections = completions(&mut client, &uri, line, end);
    // The missing section comes first.
    assert_eq!(sections[0], "Atmosphere", "{sections:?}");
    assert!(sections.contains(&"Agreements".to_owned()), "{sections:?}");

    let (text, line, end) = with_line(&text, "We start on time.", "- We ship daily. [owner:: @");
    client.change(&uri, 2, &text);
    assert_eq!(
        completions(&mut client, &uri, line, end),
        ["@ada", "@grace"]
    );

    let (text, line, end) = with_line(&text, "title: Test team", "status: ");
    client.change(&uri, 3, &text);
    let statuses = completions(&mut client, &uri, line, end);
    assert_eq!(statuses, ["draft", "proposed", "active", "retired"]);
    let kinds = completions(&mut client, &uri, 1, "alliance: ".len());
    assert!(
        kinds.contains(&"team".to_owned()) && kinds.contains(&"one-on-one".to_owned()),
        "{kinds:?}"
    );
    let every = line_of(&text, "every: 3 months");
    let cadences = completions(&mut client, &uri, every, "  every: ".len());
    assert!(cadences.contains(&"quarterly".to_owned()), "{cadences:?}");
    // Plain prose is offered nothing.
    let prose = line_of(&text, "We keep the lights on.");
    assert_eq!(
        completions(&mut client, &uri, prose, 5),
        Vec::<String>::new()
    );
    assert_eq!(client.finish(), 0);
}

/// A copy of the coaching example with its pulse folder, in a repository
/// of its own (the example repository's config); the answer file of
/// jordan's newest round.
pub(super) fn coaching_repository() -> (Sandbox, std::path::PathBuf) {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir .git");
    let examples = crate::common::examples();
    let root = examples.parent().expect("the project");
    let config = std::fs::read_to_string(root.join(".alliance.yaml")).expect("config");
    sandbox.write(".alliance.yaml", config);
    let alliance = examples.join("working-alliance-coaching.md");
    sandbox.write(
        "working-alliance-coaching.md",
        std::fs::read_to_string(alliance).expect("read"),
    );
    let rounds = examples.join("working-alliance-coaching.pulse");
    for round in std::fs::read_dir(&rounds).expect("rounds") {
        let round = round.expect("round").path();
        for file in std::fs::read_dir(&round).expect("answers") {
            let file = file.expect("answer").path();
            let name = format!(
                "working-alliance-coaching.pulse/{}/{}",
                round.file_name().expect("name").to_string_lossy(),
                file.file_name().expect("name").to_string_lossy()
            );
            sandbox.write(&name, std::fs::read_to_string(&file).expect("read"));
        }
    }
    let jordan = sandbox
        .path()
        .join("working-alliance-coaching.pulse/2026-11-10/jordan.yaml");
    (sandbox, jordan)
}

#[test]
fn an_answer_file_has_checks_findings_saved_or_not() {
    let (sandbox, jordan) = coaching_repository();
    let saved = std::fs::read_to_string(&jordan)
        .expect("read")
        .replace("bond-trust: 4", "bond-trust: 9")
        .replace("goals-mine: 5", "goals-yours: 5");
    std::fs::write(&jordan, &saved).expect("write");
    let uri = uri(&jordan);
    let mut client = Client::start(sandbox.path());
    let published = client.open(&uri, &saved);
    let published: Vec<Value> = published.iter().map(super::as_published).collect();
    let expected = expected_from_check_of(
        sandbox.path(),
        Path::new("working-alliance-coaching.md"),
        &jordan,
    );
    assert_eq!(published, expected);
    assert_eq!(codes_of(&expected), ["A067", "A061", "A062"]);
    // Unsaved: the buffer is checked, not the file.
    let unsaved = saved.replace("rater: jordan", "rater: zed");
    let changed = client.change(&uri, 2, &unsaved);
    assert!(codes(&changed).contains(&"A063"), "{changed:?}");
    // Unsaved, the other answers of its round count as they would saved:
    // Sam answering in jordan.yaml, beside sam.yaml (A060, A064).
    let twice = saved.replace("rater: jordan", "rater: sam");
    let published = client.change(&uri, 3, &twice);
    let published: Vec<Value> = published.iter().map(super::as_published).collect();
    std::fs::write(&jordan, &twice).expect("write");
    let expected = expected_from_check_of(
        sandbox.path(),
        Path::new("working-alliance-coaching.md"),
        &jordan,
    );
    assert_eq!(published, expected);
    let codes = codes_of(&expected);
    assert!(
        codes.contains(&"A060") && codes.contains(&"A064"),
        "{codes:?}"
    );
    assert_eq!(client.finish(), 0);
}

fn codes_of(expected: &[Value]) -> Vec<&str> {
    expected
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("-"))
        .collect()
}

#[test]
fn an_answer_file_completes_the_instruments_item_keys() {
    let (sandbox, jordan) = coaching_repository();
    let uri = uri(&jordan);
    let mut client = Client::start(sandbox.path());
    let text = "rater: jordan\ndate: 2026-11-10\nanswers:\n  ";
    client.open(&uri, text);
    let keys = completions(&mut client, &uri, 3, 2);
    assert!(keys.contains(&"bond-trust: ".to_owned()), "{keys:?}");
    assert!(keys.contains(&"tasks-pointless: ".to_owned()), "{keys:?}");
    assert_eq!(completions(&mut client, &uri, 0, 7), Vec::<String>::new());
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_kind_file_that_would_not_load_is_marked_at_its_line() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir .git");
    let path = sandbox.write("kinds/Squad.kind.yaml", "");
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let kind = "name: Squad\nsummary: A squad.\nsections:\n  - name: Mission\n";
    let bad = client.open(&uri, kind);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("lower-case"),
        "{bad:?}"
    );
    assert_eq!(bad[0]["range"]["start"]["line"], 0);
    let fine = client.change(&uri, 2, &kind.replace("Squad", "squad"));
    // The file is named for another kind now: said at line 1.
    assert!(
        fine.iter()
            .all(|d| d["message"].as_str().unwrap_or("").contains("squad")),
        "{fine:?}"
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn hover_tells_the_next_review_an_items_owner_and_a_sections_purpose() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let text = team_doc("created: 2026-01-01\n", TEAM_BODY);
    client.open(&uri, &text);
    let hover = |client: &mut Client, line: usize, character: usize| {
        let at = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        let answer = client.request("textDocument/hover", at);
        answer["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    // Created 2026-01-01, every 3 months: due 2026-04-01; today 2026-11-22.
    let review = hover(&mut client, line_of(&text, "every: 3 months"), 4);
    assert_eq!(review, "**Next review: 2026-04-01**, overdue by 235 days");
    let item = hover(&mut client, line_of(&text, "Ada keeps the plan"), 4);
    assert!(item.contains("**Owner:** Ada Lovelace (@ada)"), "{item}");
    assert!(item.contains("Reviewed with the alliance."), "{item}");
    let section = hover(&mut client, line_of(&text, "## Atmosphere"), 4);
    assert!(
        section.starts_with("**Atmosphere**: a required section of the `team` kind"),
        "{section}"
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_handle_goes_to_its_party() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    let text = team_doc("", TEAM_BODY);
    client.open(&uri, &text);
    let line = line_of(&text, "[owner:: @ada]");
    let character = text
        .lines()
        .nth(line)
        .expect("line")
        .find("@ada")
        .expect("@ada")
        + 2;
    let at = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    let answer = client.request("textDocument/definition", at);
    assert_eq!(answer["result"]["uri"], json!(uri));
    let party = line_of(&text, "handle: ada");
    assert_eq!(answer["result"]["range"]["start"]["line"], json!(party));
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_changed_kind_is_loaded_again_when_the_client_says_so() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let watching =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut client = Client::start_with(sandbox.path(), watching);
    // The server asks the client to watch the files it reads.
    let register = client.wait_for(|m| m["method"] == "client/registerCapability");
    let globs = &register["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(globs.to_string().contains("**/*.kind.yaml"), "{register}");
    let text = team_doc("", TEAM_BODY).replace("alliance: team", "alliance: squad");
    assert!(codes(&client.open(&uri, &text)).contains(&"A010"));
    sandbox.write(".alliance.yaml", "kinds: kinds\n");
    let kind = sandbox.write(
        "kinds/squad.kind.yaml",
        "name: squad\nsummary: A squad.\nsections:\n  - name: Mission\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": super::uri(&kind), "type": 1 }] }),
    );
    let again = client.diagnostics(&uri);
    assert!(!codes(&again).contains(&"A010"), "{again:?}");
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_burst_of_changes_ends_checked_at_its_last_text() {
    let (sandbox, path) = team_repository();
    let uri = uri(&path);
    let mut client = Client::start(sandbox.path());
    client.open(&uri, &team_doc("", TEAM_BODY));
    for version in 2..=30 {
        let text = team_doc("", &TEAM_BODY.replace("on time", &"x".repeat(version)));
        let params = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }],
        });
        client.notify("textDocument/didChange", params);
    }
    let broken = team_doc("", &TEAM_BODY.replacen("## Purpose", "## Porpoise", 1));
    let params = json!({
        "textDocument": { "uri": uri, "version": 31 },
        "contentChanges": [{ "text": broken }],
    });
    client.notify("textDocument/didChange", params);
    // A request sees every change before it: the last diagnostics before
    // its answer are those of version 31.
    let symbols = json!({ "textDocument": { "uri": uri } });
    client.next_id += 1;
    let id = client.next_id;
    client.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol", "params": symbols }));
    let mut last = None;
    loop {
        let message = client.wait_for(|_| true);
        if message["id"] == id {
            break;
        }
        if message["method"] == "textDocument/publishDiagnostics" {
            last = Some(message["params"].clone());
        }
    }
    let last = last.expect("diagnostics before the answer");
    assert_eq!(last["version"], 31);
    assert!(last["diagnostics"].to_string().contains("A030"), "{last}");
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_new_buffer_never_saved_is_checked_by_the_projects_kinds() {
    let (sandbox, _) = team_repository();
    let mut client = Client::start(sandbox.path());
    let text = team_doc("", &TEAM_BODY.replacen("## Purpose", "## Porpoise", 1));
    let diagnostics = client.open("untitled:Untitled-1", &text);
    assert!(codes(&diagnostics).contains(&"A030"), "{diagnostics:?}");
    // A new buffer that is no alliance is left alone.
    assert_eq!(
        client.open("untitled:Untitled-2", "# Notes\n"),
        Vec::<Value>::new()
    );
    // Nothing is written where the buffer would be.
    assert!(!sandbox.path().join("Untitled-1.md").exists());
    assert_eq!(client.finish(), 0);
}
