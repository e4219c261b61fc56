//! One client's session: the protocol's lifecycle, each request answered
//! and each notification handled in the order they came, and the
//! documents changed since they were last checked, checked when the
//! client pauses (see [`super::serve`]).

use std::io::{self, Write};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{PublishDiagnosticsParams, Uri};

use super::documents::{self, Documents};
use super::{Ended, actions, complete, navigate};

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

/// An answer to a request: its result, or an error code and message.
type Answer = Result<serde_json::Value, (ErrorCode, String)>;

/// One client's session.
pub struct Server<'w> {
    out: &'w mut dyn Write,
    phase: Phase,
    documents: Documents,
    /// Documents changed since they were last checked, in that order.
    pending: Vec<Uri>,
    /// Whether the client watches files for the server when asked.
    can_watch: bool,
}

impl<'w> Server<'w> {
    /// A session answering on `out`.
    pub fn new(out: &'w mut dyn Write) -> Self {
        Server {
            out,
            phase: Phase::Starting,
            documents: Documents::default(),
            pending: Vec::new(),
            can_watch: false,
        }
    }

    /// How the session ends now: 0 after `shutdown`, else 1.
    pub fn ended(&self) -> Ended {
        Ended {
            code: u8::from(self.phase != Phase::ShutDown),
        }
    }

    /// Handle one message. Returns whether it was `exit`.
    pub fn handle(&mut self, message: Message) -> io::Result<bool> {
        match message {
            Message::Request(request) => self.request(request).map(|()| false),
            Message::Notification(n) => self.notification(n),
            // Answers to the server's own requests (watching files) need
            // nothing more.
            Message::Response(_) => Ok(false),
        }
    }

    /// Check the documents changed since they were last checked, and
    /// publish what was found.
    pub fn check_pending(&mut self) -> io::Result<()> {
        for uri in std::mem::take(&mut self.pending) {
            if let Some((diagnostics, version)) = self.documents.check(&uri) {
                self.publish(uri, diagnostics, version)?;
            }
        }
        Ok(())
    }

    /// Answer one request.
    fn request(&mut self, request: Request) -> io::Result<()> {
        let id = request.id.clone();
        let answer = match (self.phase, request.method.as_str()) {
            (Phase::Starting, req::Initialize::METHOD) => self.initialize(request),
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
            (Phase::Running, _) => {
                // A request sees every change before it checked.
                self.check_pending()?;
                self.answer(request)
            }
        };
        self.reply(id, answer)
    }

    fn initialize(&mut self, request: Request) -> Answer {
        let params: lsp_types::InitializeParams = super::params(request)?;
        self.can_watch = params
            .capabilities
            .workspace
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.phase = Phase::Running;
        Ok(super::to_value(super::initialize_result()))
    }

    /// Answer a request of a running session.
    fn answer(&mut self, request: Request) -> Answer {
        match request.method.as_str() {
            req::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = super::params(request)?;
                let at = p.text_document_position_params;
                let hover = self
                    .documents
                    .with_repository(&at.text_document.uri)
                    .and_then(|(doc, repo)| navigate::hover(doc, repo, at.position));
                Ok(super::to_value(hover))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = super::params(request)?;
                let doc = self.documents.get(&p.text_document.uri);
                Ok(super::to_value(
                    doc.map(navigate::symbols).unwrap_or_default(),
                ))
            }
            req::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = super::params(request)?;
                let at = p.text_document_position_params;
                let uri = at.text_document.uri;
                let found = self
                    .documents
                    .get(&uri)
                    .and_then(|doc| navigate::definition(doc, &uri, at.position));
                Ok(super::to_value(found))
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = super::params(request)?;
                let uri = p.text_document.uri.clone();
                let found = self
                    .documents
                    .with_repository(&uri)
                    .map(|(doc, repo)| actions::for_range(doc, repo, &p))
                    .unwrap_or_default();
                Ok(super::to_value(found))
            }
            req::Completion::METHOD => {
                let p: lsp_types::CompletionParams = super::params(request)?;
                let at = p.text_document_position;
                let found = self
                    .documents
                    .with_repository(&at.text_document.uri)
                    .map(|(doc, repo)| complete::at(doc, repo, at.position))
                    .unwrap_or(lsp_types::CompletionResponse::Array(Vec::new()));
                Ok(super::to_value(found))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("alliance lsp does not answer {}", super::one_line(other)),
            )),
        }
    }

    fn reply(&mut self, id: RequestId, answer: Answer) -> io::Result<()> {
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
            note::Initialized::METHOD => self.watch_files()?,
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidOpenTextDocumentParams>(n) {
                    let doc = p.text_document;
                    self.keep(doc.uri, doc.text, Some(doc.version))?;
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidChangeTextDocumentParams>(n) {
                    self.changed(p)?;
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidSaveTextDocumentParams>(n) {
                    self.saved(p.text_document.uri);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = note_params::<lsp_types::DidCloseTextDocumentParams>(n) {
                    let uri = p.text_document.uri;
                    self.documents.close(&uri);
                    self.pending.retain(|u| *u != uri);
                    self.publish(uri, Vec::new(), None)?;
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                // A config, kind, instrument or template changed: load the
                // repositories again and check every buffer with them.
                self.documents.forget_repositories();
                self.pending = self.documents.uris();
            }
            // `$/cancelRequest`, `$/setTrace` and the rest need nothing:
            // every request is answered before the next is read.
            _ => {}
        }
        Ok(false)
    }

    /// A save: the buffer is checked again, with the answer files open
    /// (they read their alliance as saved).
    fn saved(&mut self, uri: Uri) {
        let answers = self
            .documents
            .uris()
            .into_iter()
            .filter(|u| u.as_str().ends_with(".yaml"));
        for uri in std::iter::once(uri).chain(answers) {
            if !self.pending.contains(&uri) {
                self.pending.push(uri);
            }
        }
    }

    /// Keep `text` as the buffer of `uri`, to check once the client
    /// pauses (or now, when it cannot be kept).
    fn keep(&mut self, uri: Uri, text: String, version: Option<i32>) -> io::Result<()> {
        match self.documents.set(&uri, text, version) {
            Some(diagnostics) => self.publish(uri, diagnostics, version),
            None => {
                if !self.pending.contains(&uri) {
                    self.pending.push(uri);
                }
                Ok(())
            }
        }
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
            Some(change) => self.keep(doc.uri, change.text, Some(doc.version)),
            None => self.log("alliance lsp: a change without the whole text was ignored"),
        }
    }

    /// Ask the client to tell of changes to the files the checks read
    /// (`workspace/didChangeWatchedFiles`): the server watches none itself.
    fn watch_files(&mut self) -> io::Result<()> {
        if !self.can_watch {
            return Ok(());
        }
        let watchers: Vec<lsp_types::FileSystemWatcher> = super::WATCHED
            .iter()
            .map(|glob| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String((*glob).to_owned()),
                kind: None,
            })
            .collect();
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp_types::Registration {
            id: "alliance-watched-files".to_owned(),
            method: note::DidChangeWatchedFiles::METHOD.to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![registration],
        };
        self.send(Message::Request(Request {
            id: RequestId::from("alliance-watch".to_owned()),
            method: req::RegisterCapability::METHOD.to_owned(),
            params: super::to_value(params),
        }))
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

    /// A warning in the client's log.
    pub fn log(&mut self, message: &str) -> io::Result<()> {
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

    /// Send a JSON value that is no `Message` (an error about a body that
    /// is not one).
    pub fn send_raw(&mut self, value: &serde_json::Value) -> io::Result<()> {
        let text = value.to_string();
        write!(self.out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
        self.out.flush()
    }
}

fn note_params<P: serde::de::DeserializeOwned>(n: Notification) -> Result<P, serde_json::Error> {
    serde_json::from_value(n.params)
}
