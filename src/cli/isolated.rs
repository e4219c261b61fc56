//! Rendering a repository's template in a child process with a memory limit.
//!
//! Fuel bounds a template's steps and [`crate::write::new`] caps what it
//! writes, but nothing inside minijinja bounds the size of a value: `~`
//! doubles a string in one step, so thirty steps reach a gigabyte. The only
//! bound that holds whatever the template does is the process's: `new`
//! renders in a copy of itself (`ALLIANCE_RENDER_CHILD` set) whose address
//! space is limited to [`RENDER_MEMORY`], and reports a child that runs out
//! as a template error, exit 2. The parent also stops a child that runs
//! past [`RENDER_WALL_CLOCK`].
//!
//! The child prints the rendered path (empty when none is needed), a NUL,
//! then the document. Where a child cannot be started (not Unix, or the
//! running program is not `alliance`, as in a library's own tests), the
//! template renders in-process with only fuel and the output cap.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::kind::Kind;
use crate::write::new::{self, ScaffoldError, Variables};

/// The variable that makes `alliance new` the rendering child.
pub(super) const CHILD_VAR: &str = "ALLIANCE_RENDER_CHILD";

/// The address space the rendering child may use.
pub const RENDER_MEMORY: u64 = 1024 * 1024 * 1024;

/// How long the rendering child may run (fuel stops a template far sooner).
const RENDER_WALL_CLOCK: Duration = Duration::from_secs(60);

/// The largest reply read from the child: the output cap and a path.
const MAX_REPLY: u64 = 8 * 1024 * 1024;

/// What a render gives: the document and, when asked, the path it goes to.
pub(super) struct Rendered {
    pub(super) text: String,
    pub(super) path: Option<PathBuf>,
}

/// Whether this process is the rendering child.
pub(super) fn is_child() -> bool {
    std::env::var_os(CHILD_VAR).is_some()
}

/// Render `kind`'s template (and, with `pattern`, the default path) in-process.
pub(super) fn render_here(
    kind: &Kind,
    vars: &Variables,
    pattern: Option<&str>,
) -> Result<Rendered, ScaffoldError> {
    let text = new::render(kind, vars)?;
    let path = pattern
        .map(|p| new::render_path(p, kind, vars))
        .transpose()?;
    Ok(Rendered { text, path })
}

/// In the child: limit memory, render, and print the reply.
pub(super) fn serve(
    kind: &Kind,
    vars: &Variables,
    pattern: Option<&str>,
    out: &mut dyn std::io::Write,
) -> Result<(), super::Failed> {
    limit_memory();
    let rendered = render_here(kind, vars, pattern)?;
    let path = rendered
        .path
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    out.write_all(path.as_bytes())?;
    out.write_all(b"\0")?;
    out.write_all(rendered.text.as_bytes())?;
    Ok(())
}

#[cfg(unix)]
fn limit_memory() {
    use rustix::process::{Resource, Rlimit, setrlimit};
    // Best effort: a system that refuses keeps fuel and the output cap.
    let _ = setrlimit(
        Resource::As,
        Rlimit {
            current: Some(RENDER_MEMORY),
            maximum: Some(RENDER_MEMORY),
        },
    );
}

#[cfg(not(unix))]
fn limit_memory() {}

/// Render in a child when one can be started, else here.
pub(super) fn render(
    kind: &Kind,
    vars: &Variables,
    pattern: Option<&str>,
) -> Result<Rendered, ScaffoldError> {
    let exe = std::env::current_exe().ok().filter(|exe| {
        cfg!(unix)
            && exe
                .file_stem()
                .is_some_and(|n| n.to_string_lossy().starts_with("alliance"))
    });
    let Some(exe) = exe else {
        return render_here(kind, vars, pattern);
    };
    let file = kind
        .template
        .as_ref()
        .map_or_else(|| kind.name.clone(), |t| t.name.clone());
    let failed = |message: String| ScaffoldError::Template {
        file: file.clone(),
        line: None,
        message,
    };
    let mut child = Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(CHILD_VAR, "1")
        // mimalloc reserves a 1 GiB arena up front, which would fill the
        // limited address space and leave the stack no room to grow.
        .env("MIMALLOC_ARENA_RESERVE", "16MiB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot start the renderer: {e}")))?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(pipe) = pipe {
                let _ = pipe.take(MAX_REPLY).read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < RENDER_WALL_CLOCK => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "the template ran for more than {} seconds and was stopped",
                    RENDER_WALL_CLOCK.as_secs()
                )));
            }
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
    match status.code() {
        Some(0) => {}
        Some(2) => {
            let message = stderr.trim_end().trim_start_matches("alliance: ");
            return Err(ScaffoldError::Relayed {
                message: message.to_owned(),
            });
        }
        _ if ran_out_of_memory(&status, &stderr) => {
            return Err(failed(format!(
                "the template used more than {} MB of memory and was stopped (a string that doubles in a loop or macro?)",
                RENDER_MEMORY / (1024 * 1024)
            )));
        }
        _ => {
            return Err(failed(format!(
                "the renderer stopped abnormally ({status}); nothing was written"
            )));
        }
    }
    let at = stdout
        .iter()
        .position(|b| *b == 0)
        .ok_or_else(|| failed("the renderer's reply is malformed".to_owned()))?;
    let path = String::from_utf8(stdout.get(..at).unwrap_or_default().to_vec())
        .map_err(|_| failed("the rendered path is not UTF-8".to_owned()))?;
    let text = String::from_utf8(stdout.get(at + 1..).unwrap_or_default().to_vec())
        .map_err(|_| failed("the template's output is not UTF-8".to_owned()))?;
    Ok(Rendered {
        text,
        path: (!path.is_empty()).then(|| PathBuf::from(path)),
    })
}

/// An allocation that failed under the limit aborts the child.
fn ran_out_of_memory(status: &std::process::ExitStatus, stderr: &str) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if status.signal() == Some(6) {
            return true;
        }
    }
    stderr.contains("memory allocation of")
}
