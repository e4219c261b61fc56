//! The language server (`alliance lsp`): JSON-RPC over the reader and
//! writer it is given, one message at a time, in order (a reader thread
//! frames the input; no async runtime). It publishes `check`'s findings as
//! diagnostics from the editor's unsaved buffers of alliances, pulse answer
//! files and kind files (`checks`); offers fixes (`actions`) and
//! completions (`complete`); explains rules, dates and sections on hover,
//! lists sections and items as symbols, and goes from a handle to its
//! party (`navigate`). It reads the repository's config, kinds,
//! instruments and the files an answer file is checked against, and
//! writes no file: edits are offered to the editor, which applies them.
//!
//! It must not print anywhere but the writer it is given, and nothing it
//! is sent (a malformed message, an unknown method, a huge or binary
//! buffer) may stop it: an LSP error or nothing is the answer.

use std::io::{self, BufRead, Write};

use lsp_server::{ErrorCode, Message, Request};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, InitializeResult, OneOf, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};

mod actions;
mod checks;
mod complete;
mod documents;
mod frame;
mod navigate;
mod position;
mod server;

pub use frame::MAX_MESSAGE_BYTES;

/// The files the server asks the client to watch for it: when one
/// changes, the repositories are loaded again (config, kinds,
/// instruments, templates) and every buffer is checked again.
pub const WATCHED: &[&str] = &[
    "**/.alliance.yaml",
    "**/*.kind.yaml",
    "**/*.instrument.yaml",
    "**/*.schema.json",
    "**/*.j2",
];

/// How a session ended: the exit code the protocol asks for (0 after
/// `shutdown` then `exit`, 1 on `exit` or the end of input without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// 0 or 1.
    pub code: u8,
}

/// How many read messages wait for the server at most: the reader stops
/// reading while they do, so memory stays bounded however fast a client
/// writes (each message is at most [`MAX_MESSAGE_BYTES`]).
const QUEUED_MESSAGES: usize = 4;

/// Serve one client: read its messages from `input`, answer on `output`
/// (flushed after each message), until `exit` or the end of input. An
/// `Err` only when `output` cannot be written or `input` read.
///
/// A reader thread frames the input; this thread handles each message in
/// order. Changes are checked once no message waits: a burst of
/// keystrokes is checked once, at its last text, and a request always
/// sees the checks of every change before it.
pub fn serve(input: Box<dyn BufRead + Send>, output: &mut dyn Write) -> io::Result<Ended> {
    let (send, frames) = std::sync::mpsc::sync_channel(QUEUED_MESSAGES);
    // Not joined: after `exit` the process ends, whatever the client's
    // stream is doing.
    std::thread::spawn(move || read_frames(input, &send));
    let mut server = server::Server::new(output);
    loop {
        let frame = match frames.try_recv() {
            Ok(frame) => frame,
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                server.check_pending()?;
                frames.recv().unwrap_or(Ok(frame::Frame::End))
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Ok(frame::Frame::End),
        };
        let message = match frame? {
            frame::Frame::End => return Ok(server.ended()),
            frame::Frame::Skipped(why) => {
                server.log(&format!("alliance lsp: read past {why}"))?;
                continue;
            }
            frame::Frame::Body(body) => match parse(&body) {
                Ok(message) => message,
                Err(error) => {
                    server.send_raw(&error)?;
                    continue;
                }
            },
        };
        if server.handle(message)? {
            return Ok(server.ended());
        }
    }
}

/// Frame `input` into `send` until its end, a read error (handed on) or
/// the server's end.
fn read_frames(
    mut input: Box<dyn BufRead + Send>,
    send: &std::sync::mpsc::SyncSender<io::Result<frame::Frame>>,
) {
    loop {
        let frame = frame::read(&mut input);
        let last = !matches!(frame, Ok(frame::Frame::Body(_) | frame::Frame::Skipped(_)));
        if send.send(frame).is_err() || last {
            return;
        }
    }
}

/// A message, or the JSON-RPC error that answers a body that is not one
/// (`id` null when it has none).
fn parse(body: &[u8]) -> Result<Message, serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        error_reply(
            &serde_json::Value::Null,
            ErrorCode::ParseError,
            &format!("not JSON: {e}"),
        )
    })?;
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    serde_json::from_value(value).map_err(|e| {
        error_reply(
            &id,
            ErrorCode::InvalidRequest,
            &format!("not a JSON-RPC message: {e}"),
        )
    })
}

fn error_reply(id: &serde_json::Value, code: ErrorCode, message: &str) -> serde_json::Value {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    })
}

/// A result as JSON (every result type serialises; null if one did not).
fn to_value(result: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(result).unwrap_or_default()
}

/// A request's parameters, or the InvalidParams error.
fn params<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

/// A method name from the client, quoted on one line and bounded.
fn one_line(text: &str) -> String {
    format!(
        "`{}`",
        crate::document::clip(&crate::document::one_line(text), 80)
    )
}

fn initialize_result() -> InitializeResult {
    let sync = TextDocumentSyncOptions {
        open_close: Some(true),
        change: Some(TextDocumentSyncKind::FULL),
        will_save: None,
        will_save_wait_until: None,
        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
            include_text: Some(false),
        })),
    };
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            definition_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::SOURCE_FIX_ALL,
                ]),
                work_done_progress_options: Default::default(),
                resolve_provider: Some(false),
            })),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec!["@".into(), " ".into(), ":".into()]),
                ..CompletionOptions::default()
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "alliance".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    }
}
