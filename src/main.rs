//! The `alliance` binary: hand the arguments and standard streams to the
//! library and turn its answer into the exit code.

use std::process::ExitCode;

/// mimalloc: parsing thousands of small documents is allocation-heavy, and
/// it cut `check`'s time on 10,000 files by a fifth (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = alliance::cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}
