//! A mock of the GitHub and GitLab comment APIs on 127.0.0.1, for
//! `alliance ci comment`: it serves and stores comments (notes), records
//! every request, and can refuse writes with 403 as a fork's read-only token
//! gets. One request per connection (`Connection: close`); the server thread
//! stops when the mock is dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A stored comment.
#[derive(Debug, Clone)]
pub struct Comment {
    pub id: u64,
    pub body: String,
    /// Written by a bot (the token's user), as opposed to a person.
    pub bot: bool,
}

#[derive(Debug, Default)]
pub struct State {
    pub comments: Vec<Comment>,
    pub requests: Vec<Request>,
    /// Answer writes with 403, as GitHub does for a fork's token.
    pub read_only: bool,
    /// Answer this many GETs with 503 first, as a forge briefly down.
    pub unavailable: usize,
    /// GitHub's reviews of the pull request, oldest first, as the API
    /// lists them (`{user: {login}, state, commit_id}`).
    pub reviews: Vec<Value>,
    /// GitLab's approvers of the merge request (usernames).
    pub approved_by: Vec<String>,
    /// Answer the approval endpoints with 403 (a token without read access).
    pub approvals_forbidden: bool,
    next_id: u64,
}

pub struct MockForge {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MockForge {
    pub fn start() -> MockForge {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(State {
            next_id: 1000,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => serve(stream, &state),
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(_) => break,
                    }
                }
            })
        };
        MockForge {
            url,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn comments(&self) -> Vec<Comment> {
        self.state.lock().expect("lock").comments.clone()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().expect("lock").requests.clone()
    }

    pub fn set_read_only(&self, read_only: bool) {
        self.state.lock().expect("lock").read_only = read_only;
    }

    /// A comment a person wrote.
    pub fn add_comment(&self, body: &str, bot: bool) -> u64 {
        let mut state = self.state.lock().expect("lock");
        state.next_id += 1;
        let id = state.next_id;
        state.comments.push(Comment {
            id,
            body: body.to_owned(),
            bot,
        });
        id
    }
}

impl Drop for MockForge {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    let mut headers = Vec::new();
    // At most 100 header lines.
    for _ in 0..100 {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() {
            return;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(64 * 1024 * 1024)];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Request {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let (status, answer) = {
        let mut state = state.lock().expect("lock");
        state.requests.push(request.clone());
        route(&mut state, &request)
    };
    let text = answer.to_string();
    let reason = match status {
        200 => "OK",
        201 => "Created",
        403 => "Forbidden",
        503 => "Service Unavailable",
        _ => "Not Found",
    };
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.flush();
}

fn route(state: &mut State, request: &Request) -> (u16, Value) {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let gitlab = segments.first() == Some(&"projects");
    let page: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let is_list = matches!(
        segments.as_slice(),
        ["repos", _, _, "issues", _, "comments"] | ["projects", _, "merge_requests", _, "notes"]
    );
    let one: Option<u64> = match segments.as_slice() {
        ["repos", _, _, "issues", "comments", id] => id.parse().ok(),
        ["projects", _, "merge_requests", _, "notes", id] => id.parse().ok(),
        _ => None,
    };
    let comment_json = |c: &Comment| {
        if gitlab {
            json!({"id": c.id, "body": c.body, "system": false,
                   "author": {"username": if c.bot { "project_42_bot_x" } else { "grace" }}})
        } else {
            json!({"id": c.id, "body": c.body,
                   "user": {"login": if c.bot { "github-actions[bot]" } else { "grace" },
                            "type": if c.bot { "Bot" } else { "User" }}})
        }
    };
    let new_body = || {
        serde_json::from_str::<Value>(&request.body)
            .ok()
            .and_then(|v| v.get("body").and_then(Value::as_str).map(str::to_owned))
    };
    let forbidden = json!({"message": "Resource not accessible by integration"});
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["repos", _, _, "pulls", _, "reviews"])
        | ("GET", ["projects", _, "merge_requests", _, "approvals"])
            if state.approvals_forbidden =>
        {
            return (403, forbidden);
        }
        ("GET", ["repos", _, _, "pulls", _, "reviews"]) => {
            let list: Vec<Value> = state
                .reviews
                .iter()
                .skip((page.max(1) - 1) * 100)
                .take(100)
                .cloned()
                .collect();
            return (200, Value::Array(list));
        }
        ("GET", ["projects", _, "merge_requests", _, "approvals"]) => {
            let users: Vec<Value> = state
                .approved_by
                .iter()
                .map(|u| json!({"user": {"username": u}}))
                .collect();
            return (200, json!({"approved_by": users}));
        }
        _ => {}
    }
    match (request.method.as_str(), is_list, one) {
        ("GET", _, _) if state.unavailable > 0 => {
            state.unavailable -= 1;
            (503, json!({"message": "Service Unavailable"}))
        }
        ("GET", true, _) => {
            let list: Vec<Value> = state
                .comments
                .iter()
                .skip((page.max(1) - 1) * 100)
                .take(100)
                .map(comment_json)
                .collect();
            (200, Value::Array(list))
        }
        ("POST", true, _) if state.read_only => (403, forbidden),
        ("POST", true, _) => match new_body() {
            Some(body) => {
                state.next_id += 1;
                let comment = Comment {
                    id: state.next_id,
                    body,
                    bot: true,
                };
                let answer = comment_json(&comment);
                state.comments.push(comment);
                (201, answer)
            }
            None => (422, json!({"message": "no body"})),
        },
        ("PATCH" | "PUT", false, Some(_)) if state.read_only => (403, forbidden),
        ("PATCH" | "PUT", false, Some(id)) => {
            let body = new_body();
            match (state.comments.iter_mut().find(|c| c.id == id), body) {
                (Some(comment), Some(body)) => {
                    comment.body = body;
                    let comment = comment.clone();
                    (200, comment_json(&comment))
                }
                _ => (404, json!({"message": "Not Found"})),
            }
        }
        _ => (404, json!({"message": "Not Found"})),
    }
}
