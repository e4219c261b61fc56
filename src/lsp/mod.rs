//! The language server (`alliance lsp`): JSON-RPC over the reader and
//! writer it is given, one message at a time, in order (no threads, no
//! async runtime). It publishes `check`'s findings on alliance documents
//! as diagnostics from the editor's unsaved buffer (`tasks::check::text`:
//! no file is read but the repository's config and kinds, and none is
//! ever written), explains a diagnostic's rule on hover, and lists a
//! document's sections and items as symbols.
//!
//! It must not print anywhere but the writer it is given, and nothing it
//! is sent (a malformed message, an unknown method, a huge or binary
//! buffer) may stop it: an LSP error or nothing is the answer.

use std::io::{self, BufRead, Write};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    HoverProviderCapability, InitializeResult, OneOf, PublishDiagnosticsParams, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};

mod documents;
mod frame;
mod navigate;
mod position;

use documents::Documents;
pub use frame::MAX_MESSAGE_BYTES;

/// Where the session is, by the protocol's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before `initialize`: requests are refused.
    Starting,
    /// Answering.
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShutDown,
}

/// How a session ended: the exit code the protocol asks for (0 after
/// `shutdown` then `exit`, 1 on `exit` or the end of input without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// 0 or 1.
    pub code: u8,
}

/// Serve one client: read its messages from `input`, answer on `output`
/// (flushed after each message), until `exit` or the end of input. An
/// `Err` only when `output` cannot be written or `input` read.
pub fn serve(input: &mut dyn BufRead, output: &mut dyn Write) -> io::Result<Ended> {
    let mut server = Server {
        out: output,
        phase: Phase::Starting,
        documents: Documents::default(),
    };
    loop {
        let message = match frame::read(input)? {
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
        let exit = match message {
            Message::Request(request) => server.request(request).map(|()| false)?,
            Message::Notification(n) => server.notification(n)?,
            // The server sends no requests, so expects no responses.
            Message::Response(_) => false,
        };
        if exit {
            return Ok(server.ended());
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

struct Server<'w> {
    out: &'w mut dyn Write,
    phase: Phase,
    documents: Documents,
}

impl Server<'_> {
    fn ended(&self) -> Ended {
        Ended {
            code: u8::from(self.phase != Phase::ShutDown),
        }
    }

    /// Answer one request.
    fn request(&mut self, request: Request) -> io::Result<()> {
        let id = request.id.clone();
        let answer = match (self.phase, request.method.as_str()) {
            (Phase::Starting, req::Initialize::METHOD) => {
                self.phase = Phase::Running;
                Ok(to_value(initialize_result()))
            }
            (Phase::Starting, _) => {
                Err((ErrorCode::ServerNotInitialized, "not initialized".into()))
            }
            (Phase::ShutDown, _) => Err((ErrorCode::InvalidRequest, "shut down".into())),
            (Phase::Running, req::Shutdown::METHOD) => {
                self.phase = Phase::ShutDown;
                Ok(serde_json::Value::Null)
            }
            (Phase::Running, req::Initialize::METHOD) => {
                Err((ErrorCode::InvalidRequest, "initialized already".into()))
            }
            (Phase::Running, _) => self.answer(request),
        };
        self.reply(id, answer)
    }

    /// Answer a request of a running session.
    fn answer(&mut self, request: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        match request.method.as_str() {
            req::HoverRequest::METHOD => {
                let params: lsp_types::HoverParams = params(request)?;
                let at = params.text_document_position_params;
                let hover = self
                    .documents
                    .get(&at.text_document.uri)
                    .and_then(|doc| navigate::hover(doc, at.position));
                Ok(to_value(hover))
            }
            req::DocumentSymbolRequest::METHOD => {
                let params: lsp_types::DocumentSymbolParams = params(request)?;
                let symbols = self
                    .documents
                    .get(&params.text_document.uri)
                    .map(navigate::symbols)
                    .unwrap_or_default();
                Ok(to_value(symbols))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("alliance lsp does not answer {}", one_line(other)),
            )),
        }
    }

    fn reply(
        &mut self,
        id: RequestId,
        answer: Result<serde_json::Value, (ErrorCode, String)>,
    ) -> io::Result<()> {
        let response = match answer {
            Ok(result) => Response {
                id,
                response_result: Ok(result),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response))
    }

    /// Handle one notification. Returns whether it was `exit`.
    fn notification(&mut self, n: Notification) -> io::Result<bool> {
        if n.method == note::Exit::METHOD {
            return Ok(true);
        }
        if self.phase != Phase::Running {
            return Ok(false);
        }
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidOpenTextDocumentParams>(n) {
                    let doc = p.text_document;
                    let diagnostics = self.documents.set(&doc.uri, doc.text);
                    self.publish(doc.uri, diagnostics, Some(doc.version))?;
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidChangeTextDocumentParams>(n) {
                    self.changed(p)?;
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidSaveTextDocumentParams>(n) {
                    let uri = p.text_document.uri;
                    if let Some(diagnostics) = self.documents.recheck(&uri) {
                        self.publish(uri, diagnostics, None)?;
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidCloseTextDocumentParams>(n) {
                    let uri = p.text_document.uri;
                    self.documents.close(&uri);
                    self.publish(uri, Vec::new(), None)?;
                }
            }
            // `initialized`, `$/cancelRequest`, `$/setTrace` and the rest
            // need nothing: every request is answered before the next is read.
            _ => {}
        }
        Ok(false)
    }

    /// A change: the whole text (the sync the server asks for) replaces
    /// the buffer; a change of a range (a client that sends them anyway)
    /// cannot be applied without the text it changes and is logged.
    fn changed(&mut self, p: lsp_types::DidChangeTextDocumentParams) -> io::Result<()> {
        let doc = p.text_document;
        let whole = p
            .content_changes
            .into_iter()
            .rev()
            .find(|c| c.range.is_none());
        match whole {
            Some(change) => {
                let diagnostics = self.documents.set(&doc.uri, change.text);
                self.publish(doc.uri, diagnostics, Some(doc.version))
            }
            None => self.log("alliance lsp: a change without the whole text was ignored"),
        }
    }

    fn publish(
        &mut self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> io::Result<()> {
        let diagnostics = diagnostics
            .into_iter()
            .map(|d| documents::with_help(d, &uri))
            .collect();
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        self.notify(note::PublishDiagnostics::METHOD, params)
    }

    fn log(&mut self, message: &str) -> io::Result<()> {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: message.to_owned(),
        };
        self.notify(note::LogMessage::METHOD, params)
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) -> io::Result<()> {
        let params = serde_json::to_value(params).unwrap_or_default();
        self.send(Message::Notification(Notification {
            method: method.to_owned(),
            params,
        }))
    }

    fn send(&mut self, message: Message) -> io::Result<()> {
        message.write(&mut self.out)?;
        self.out.flush()
    }

    fn send_raw(&mut self, value: &serde_json::Value) -> io::Result<()> {
        let text = value.to_string();
        write!(self.out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
        self.out.flush()
    }
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

fn note_params<P: serde::de::DeserializeOwned>(n: Notification) -> Result<P, serde_json::Error> {
    serde_json::from_value(n.params)
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
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "alliance".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    }
}
