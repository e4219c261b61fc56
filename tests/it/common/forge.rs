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

/// An account on the mock forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    /// GitHub login / GitLab username.
    pub login: String,
    /// GitHub `type: Bot`.
    pub bot: bool,
}

impl User {
    pub fn new(id: u64, login: &str, bot: bool) -> User {
        User {
            id,
            login: login.to_owned(),
            bot,
        }
    }

    /// The Actions `GITHUB_TOKEN`'s account.
    pub fn github_actions() -> User {
        User::new(41898282, "github-actions[bot]", true)
    }

    /// A person.
    pub fn grace() -> User {
        User::new(2, "grace", false)
    }
}

/// A stored comment.
#[derive(Debug, Clone)]
pub struct Comment {
    pub id: u64,
    pub body: String,
    pub author: User,
}

/// A stored issue (`ci remind`).
#[derive(Debug, Clone)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub author: User,
    pub open: bool,
    pub labels: Vec<String>,
    /// GitHub logins, or GitLab user ids, as the request gave them.
    pub assignees: Vec<Value>,
    pub comments: Vec<Comment>,
}

/// How the mock answers "who is this token?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Whoami {
    /// `GET /user` answers (a personal or GitLab access token).
    #[default]
    User,
    /// `GET /user` is 403 and GraphQL's viewer answers (the Actions
    /// `GITHUB_TOKEN`, an app installation token).
    GraphQlOnly,
    /// Neither answers.
    Nobody,
}

#[derive(Debug)]
pub struct State {
    pub comments: Vec<Comment>,
    pub requests: Vec<Request>,
    /// Answer writes with 403, as GitHub does for a fork's token.
    pub read_only: bool,
    /// Answer this many GETs with 503 first, as a forge briefly down.
    pub unavailable: usize,
    /// The token's account: comments posted are by it.
    pub token_user: User,
    /// Which way of asking who the token is answers.
    pub whoami: Whoami,
    /// GitHub's reviews of the pull request, oldest first, as the API
    /// lists them (`{user: {login}, state, commit_id}`).
    pub reviews: Vec<Value>,
    /// GitLab's approvers of the merge request: username and `approved_at`
    /// (none: an older GitLab that gives no time).
    pub approved_by: Vec<(String, Option<String>)>,
    /// GitLab's merge request versions, newest first
    /// (`{id, head_commit_sha, created_at}`).
    pub versions: Vec<Value>,
    /// Answer the approval endpoints with 403 (a token without read access).
    pub approvals_forbidden: bool,
    /// Answer every request with `302 Found` to this origin (and the same
    /// path), as a forge moved elsewhere, or a hostile one, would.
    pub redirect_to: Option<String>,
    /// Answer every GET with a JSON list of this many bytes.
    pub oversize: Option<usize>,
    /// Answer every GET with headers and the start of a body, then a
    /// space a second until the client hangs up (at most 30 s).
    pub stall: bool,
    /// The repository's issues.
    pub issues: Vec<Issue>,
    /// Answer a new issue with `{}` (no number), as a broken forge would.
    pub numberless: bool,
    /// Accounts that may be assigned: login and (GitLab) user id.
    pub assignable: Vec<(String, u64)>,
    next_id: u64,
}

impl Default for State {
    fn default() -> State {
        State {
            comments: Vec::new(),
            requests: Vec::new(),
            read_only: false,
            unavailable: 0,
            token_user: User::github_actions(),
            whoami: Whoami::GraphQlOnly,
            reviews: Vec::new(),
            approved_by: Vec::new(),
            versions: Vec::new(),
            approvals_forbidden: false,
            redirect_to: None,
            oversize: None,
            stall: false,
            issues: Vec::new(),
            numberless: false,
            assignable: Vec::new(),
            next_id: 1000,
        }
    }
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
        let state = Arc::new(Mutex::new(State::default()));
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

    /// A comment by the token's account (`ours`) or by Grace, a person.
    pub fn add_comment(&self, body: &str, ours: bool) -> u64 {
        let author = if ours {
            self.state.lock().expect("lock").token_user.clone()
        } else {
            User::grace()
        };
        self.add_comment_by(body, author)
    }

    /// A comment by `author`.
    pub fn add_comment_by(&self, body: &str, author: User) -> u64 {
        let mut state = self.state.lock().expect("lock");
        state.next_id += 1;
        let id = state.next_id;
        state.comments.push(Comment {
            id,
            body: body.to_owned(),
            author,
        });
        id
    }

    pub fn issues(&self) -> Vec<Issue> {
        self.state.lock().expect("lock").issues.clone()
    }

    pub fn open_issues(&self) -> Vec<Issue> {
        self.issues().into_iter().filter(|i| i.open).collect()
    }

    /// An open issue by `author`: its number.
    pub fn add_issue(&self, title: &str, body: &str, author: User) -> u64 {
        let mut state = self.state.lock().expect("lock");
        let number = state.issues.len() as u64 + 1;
        state.issues.push(Issue {
            number,
            title: title.to_owned(),
            body: body.to_owned(),
            author,
            open: true,
            labels: Vec::new(),
            assignees: Vec::new(),
            comments: Vec::new(),
        });
        number
    }

    /// A person rewrites issue `number`'s body.
    pub fn edit_issue(&self, number: u64, body: &str) {
        let mut state = self.state.lock().expect("lock");
        if let Some(issue) = state.issues.iter_mut().find(|i| i.number == number) {
            issue.body = body.to_owned();
        }
    }

    /// `login` (GitLab user `id`) may be assigned issues.
    pub fn add_assignable(&self, login: &str, id: u64) {
        let mut state = self.state.lock().expect("lock");
        state.assignable.push((login.to_owned(), id));
    }

    /// The token belongs to `user`, who may be asked about as `whoami`.
    pub fn set_token_user(&self, user: User, whoami: Whoami) {
        let mut state = self.state.lock().expect("lock");
        state.token_user = user;
        state.whoami = whoami;
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
    let (status, answer, special) = {
        let mut state = state.lock().expect("lock");
        state.requests.push(request.clone());
        match Special::of(&state, &request) {
            Some(special) => (0, Value::Null, Some(special)),
            None => {
                let (status, answer) = route(&mut state, &request);
                (status, answer, None)
            }
        }
    };
    let mut stream = reader.into_inner();
    if let Some(special) = special {
        special.answer(&mut stream, &request);
        return;
    }
    let text = if status == 204 {
        String::new()
    } else {
        answer.to_string()
    };
    let reason = match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        503 => "Service Unavailable",
        _ => "Not Found",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.flush();
}

/// An answer that is not a forge's: a redirect, a huge body, a stall.
enum Special {
    Redirect(String),
    Oversize(usize),
    Stall,
}

impl Special {
    fn of(state: &State, request: &Request) -> Option<Special> {
        if let Some(origin) = &state.redirect_to {
            return Some(Special::Redirect(origin.clone()));
        }
        if request.method != "GET" {
            return None;
        }
        if let Some(size) = state.oversize {
            return Some(Special::Oversize(size));
        }
        state.stall.then_some(Special::Stall)
    }

    fn answer(self, stream: &mut TcpStream, request: &Request) {
        let head = |status: &str, length: usize| {
            format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n"
            )
        };
        match self {
            Special::Redirect(origin) => {
                let _ = write!(
                    stream,
                    "{}Location: {origin}{}\r\n\r\n",
                    head("302 Found", 0),
                    request.target
                );
            }
            Special::Oversize(size) => {
                // One comment whose body fills the answer.
                let start = br#"[{"id": 1, "user": {"id": 2, "login": "grace"}, "body": ""#;
                let end = br#""}]"#;
                let _ = write!(stream, "{}\r\n", head("200 OK", size));
                let _ = stream.write_all(start);
                let chunk = vec![b'x'; 64 * 1024];
                let mut left = size.saturating_sub(start.len() + end.len());
                while left > 0 {
                    let n = left.min(chunk.len());
                    if stream.write_all(&chunk[..n]).is_err() {
                        return;
                    }
                    left -= n;
                }
                let _ = stream.write_all(end);
            }
            Special::Stall => {
                let _ = write!(stream, "{}\r\n[{{\"id\": 1, ", head("200 OK", 1_000_000));
                for _ in 0..30 {
                    std::thread::sleep(Duration::from_secs(1));
                    if stream
                        .write_all(b" ")
                        .and_then(|()| stream.flush())
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
        let _ = stream.flush();
    }
}

fn route(state: &mut State, request: &Request) -> (u16, Value) {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    // GitLab's requests carry PRIVATE-TOKEN; GitHub's, Authorization.
    let gitlab = request.header("private-token").is_some();
    let page: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    if let Some(answer) = identity(state, request, &segments, gitlab) {
        return answer;
    }
    if let Some(answer) = approvals(state, request, &segments, page) {
        return answer;
    }
    if let Some(answer) = issues(state, request, &segments, gitlab, page, query) {
        return answer;
    }
    comments(state, request, &segments, gitlab, page)
}

fn forbidden() -> Value {
    json!({"message": "Resource not accessible by integration"})
}

/// A page of 100 from `list`.
fn page_of(list: &[Value], page: usize) -> Value {
    Value::Array(
        list.iter()
            .skip((page.max(1) - 1) * 100)
            .take(100)
            .cloned()
            .collect(),
    )
}

/// `GET /user` and GitHub's GraphQL `viewer`.
fn identity(
    state: &State,
    request: &Request,
    segments: &[&str],
    gitlab: bool,
) -> Option<(u16, Value)> {
    let user = &state.token_user;
    match (request.method.as_str(), segments) {
        ("GET", ["user"]) if state.whoami != Whoami::User => Some((403, forbidden())),
        ("GET", ["user"]) if gitlab => Some((
            200,
            json!({"id": user.id, "username": user.login, "bot": user.bot}),
        )),
        ("GET", ["user"]) => Some((
            200,
            json!({"id": user.id, "login": user.login,
                   "type": if user.bot { "Bot" } else { "User" }}),
        )),
        ("POST", ["graphql"]) if state.whoami == Whoami::Nobody => Some((
            200,
            json!({"data": null, "errors": [{"message": "Resource not accessible by integration"}]}),
        )),
        ("POST", ["graphql"]) => {
            let query: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
            let asked = query["query"].as_str().unwrap_or("");
            if !asked.contains("viewer") {
                return Some((400, json!({"message": "unknown query"})));
            }
            // GraphQL gives a bot's login without REST's "[bot]".
            let login = user.login.trim_end_matches("[bot]");
            Some((
                200,
                json!({"data": {"viewer": {"login": login, "databaseId": user.id}}}),
            ))
        }
        _ => None,
    }
}

/// GitHub's reviews; GitLab's approvals and versions.
fn approvals(
    state: &State,
    request: &Request,
    segments: &[&str],
    page: usize,
) -> Option<(u16, Value)> {
    if request.method != "GET" {
        return None;
    }
    let answer = match segments {
        ["repos", _, _, "pulls", _, "reviews"]
        | ["projects", _, "merge_requests", _, "approvals" | "versions"]
            if state.approvals_forbidden =>
        {
            (403, forbidden())
        }
        ["repos", _, _, "pulls", _, "reviews"] => (200, page_of(&state.reviews, page)),
        ["projects", _, "merge_requests", _, "versions"] => (200, page_of(&state.versions, page)),
        ["projects", _, "merge_requests", _, "approvals"] => {
            let users: Vec<Value> = state
                .approved_by
                .iter()
                .map(|(u, at)| match at {
                    Some(at) => json!({"user": {"username": u}, "approved_at": at}),
                    None => json!({"user": {"username": u}}),
                })
                .collect();
            (200, json!({"approved_by": users}))
        }
        _ => return None,
    };
    Some(answer)
}

fn comment_json(c: &Comment, gitlab: bool) -> Value {
    let a = &c.author;
    if gitlab {
        json!({"id": c.id, "body": c.body, "system": false,
               "author": {"id": a.id, "username": a.login}})
    } else {
        json!({"id": c.id, "body": c.body,
               "user": {"id": a.id, "login": a.login,
                        "type": if a.bot { "Bot" } else { "User" }}})
    }
}

/// The comment (note) list, creating and updating.
fn comments(
    state: &mut State,
    request: &Request,
    segments: &[&str],
    gitlab: bool,
    page: usize,
) -> (u16, Value) {
    let is_list = matches!(
        segments,
        ["repos", _, _, "issues", _, "comments"] | ["projects", _, "merge_requests", _, "notes"]
    );
    let one: Option<u64> = match segments {
        ["repos", _, _, "issues", "comments", id] => id.parse().ok(),
        ["projects", _, "merge_requests", _, "notes", id] => id.parse().ok(),
        _ => None,
    };
    let new_body = || {
        serde_json::from_str::<Value>(&request.body)
            .ok()
            .and_then(|v| v.get("body").and_then(Value::as_str).map(str::to_owned))
    };
    match (request.method.as_str(), is_list, one) {
        ("GET", _, _) if state.unavailable > 0 => {
            state.unavailable -= 1;
            (503, json!({"message": "Service Unavailable"}))
        }
        ("GET", true, _) => {
            let list: Vec<Value> = state
                .comments
                .iter()
                .map(|c| comment_json(c, gitlab))
                .collect();
            (200, page_of(&list, page))
        }
        ("POST", true, _) if state.read_only => (403, forbidden()),
        ("POST", true, _) => match new_body() {
            Some(body) => {
                state.next_id += 1;
                let comment = Comment {
                    id: state.next_id,
                    body,
                    author: state.token_user.clone(),
                };
                let answer = comment_json(&comment, gitlab);
                state.comments.push(comment);
                (201, answer)
            }
            None => (422, json!({"message": "no body"})),
        },
        ("PATCH" | "PUT", false, Some(_)) if state.read_only => (403, forbidden()),
        ("PATCH" | "PUT", false, Some(id)) => {
            let body = new_body();
            match (state.comments.iter_mut().find(|c| c.id == id), body) {
                (Some(comment), Some(body)) => {
                    comment.body = body;
                    let comment = comment.clone();
                    (200, comment_json(&comment, gitlab))
                }
                _ => (404, json!({"message": "Not Found"})),
            }
        }
        _ => (404, json!({"message": "Not Found"})),
    }
}

fn issue_json(i: &Issue, gitlab: bool) -> Value {
    let a = &i.author;
    if gitlab {
        json!({"id": i.number + 50_000, "iid": i.number, "title": i.title,
               "description": i.body, "state": if i.open { "opened" } else { "closed" },
               "author": {"id": a.id, "username": a.login}})
    } else {
        json!({"id": i.number + 50_000, "number": i.number, "title": i.title, "body": i.body,
               "state": if i.open { "open" } else { "closed" },
               "user": {"id": a.id, "login": a.login,
                        "type": if a.bot { "Bot" } else { "User" }}})
    }
}

/// The repository's issues (`ci remind`): list, create, edit, comment,
/// and who may be assigned.
fn issues(
    state: &mut State,
    request: &Request,
    segments: &[&str],
    gitlab: bool,
    page: usize,
    query: &str,
) -> Option<(u16, Value)> {
    let sent: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    let method = request.method.as_str();
    let number = |s: &str| s.parse::<u64>().ok();
    let (list, one, notes) = match segments {
        ["repos", _, _, "issues"] | ["projects", _, "issues"] => (true, None, false),
        ["repos", _, _, "issues", n] | ["projects", _, "issues", n] => (false, number(n), false),
        ["repos", _, _, "issues", n, "comments"] | ["projects", _, "issues", n, "notes"]
            if state.issues.iter().any(|i| Some(i.number) == number(n)) =>
        {
            (false, number(n), true)
        }
        ["repos", _, _, "assignees", who] if method == "GET" => {
            let known = state.assignable.iter().any(|(login, _)| login == who);
            return Some(if known {
                (204, Value::Null)
            } else {
                (404, json!({"message": "Not Found"}))
            });
        }
        ["users"] if method == "GET" => {
            let who = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("username="))
                .unwrap_or("");
            let users: Vec<Value> = state
                .assignable
                .iter()
                .filter(|(login, _)| login == who)
                .map(|(login, id)| json!({"id": id, "username": login}))
                .collect();
            return Some((200, Value::Array(users)));
        }
        _ => return None,
    };
    if method != "GET" && state.read_only {
        return Some((403, forbidden()));
    }
    let text = |key: &str| sent.get(key).and_then(Value::as_str).map(str::to_owned);
    let body_key = if gitlab { "description" } else { "body" };
    let answer = match (method, list, one, notes) {
        ("GET", true, _, _) => {
            let open: Vec<Value> = state
                .issues
                .iter()
                .filter(|i| i.open)
                .map(|i| issue_json(i, gitlab))
                .collect();
            (200, page_of(&open, page))
        }
        ("POST", true, _, _) => {
            let number = state.issues.len() as u64 + 1;
            let labels = match sent.get("labels") {
                Some(Value::Array(l)) => l
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                Some(Value::String(l)) => l.split(',').map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            let key = if gitlab { "assignee_ids" } else { "assignees" };
            let issue = Issue {
                number,
                title: text("title").unwrap_or_default(),
                body: text(body_key).unwrap_or_default(),
                author: state.token_user.clone(),
                open: true,
                labels,
                assignees: sent
                    .get(key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                comments: Vec::new(),
            };
            let answer = if state.numberless {
                json!({})
            } else {
                issue_json(&issue, gitlab)
            };
            state.issues.push(issue);
            (201, answer)
        }
        ("PATCH" | "PUT", false, Some(n), false) => {
            let Some(issue) = state.issues.iter_mut().find(|i| i.number == n) else {
                return Some((404, json!({"message": "Not Found"})));
            };
            if let Some(title) = text("title") {
                issue.title = title;
            }
            if let Some(body) = text(body_key) {
                issue.body = body;
            }
            if text("state").as_deref() == Some("closed")
                || text("state_event").as_deref() == Some("close")
            {
                issue.open = false;
            }
            (200, issue_json(issue, gitlab))
        }
        ("GET", false, Some(n), true) => {
            let issue = state.issues.iter().find(|i| i.number == n)?;
            let list: Vec<Value> = issue
                .comments
                .iter()
                .map(|c| comment_json(c, gitlab))
                .collect();
            (200, page_of(&list, page))
        }
        ("POST", false, Some(n), true) => {
            state.next_id += 1;
            let comment = Comment {
                id: state.next_id,
                body: text("body").unwrap_or_default(),
                author: state.token_user.clone(),
            };
            let answer = comment_json(&comment, gitlab);
            let issue = state.issues.iter_mut().find(|i| i.number == n)?;
            issue.comments.push(comment);
            (201, answer)
        }
        _ => (404, json!({"message": "Not Found"})),
    };
    Some(answer)
}
