//! The parallel file engine: work out something of each file on every core,
//! in the files' order, with bounded memory. Used by every command that
//! reads many documents (`check`, `due`, `list`, `ci summary`). *Must not*
//! know what a file is: it maps and hands on.

/// `f` of each file, in order: on every core for many files, on this thread
/// for one (starting the thread pool costs more than a file), and on this
/// thread too when no thread can be started (a process limit), where
/// rayon's global pool would panic.
pub fn map_files<'a, C: Sync, T: Send>(
    files: &'a [C],
    f: impl Fn(&'a C) -> T + Sync + Send,
) -> Vec<T> {
    use rayon::prelude::*;
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    if files.len() > 1 {
        let pool = POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().build().ok());
        if let Some(pool) = pool {
            return pool.install(|| files.par_iter().map(f).collect());
        }
    }
    files.iter().map(f).collect()
}

/// How many files are read at once (on every core) before their results
/// are handed on: each document is dropped once its result is made, so
/// memory stays flat in the number of files.
const CHUNK: usize = 64;

/// `f` over `files` on every core, [`CHUNK`] files at a time, each result
/// handed to `sink` in `files`' order as soon as its chunk is done. The
/// sink (which writes the report) works on this thread while the next
/// chunk is worked out on the others; at most two chunks of results are
/// held. The first error of `sink` stops the run.
pub fn for_each_file<'a, C: Sync, T: Send, E>(
    files: &'a [C],
    f: impl Fn(&'a C) -> T + Sync + Send,
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let f = &f;
    // One chunk after the other on this thread: when there is one chunk
    // only, or no thread to be had (a process limit).
    let in_turn = |sink: &mut dyn FnMut(T) -> Result<(), E>| {
        files
            .chunks(CHUNK)
            .try_for_each(|chunk| map_files(chunk, f).into_iter().try_for_each(&mut *sink))
    };
    if files.len() <= CHUNK {
        return in_turn(&mut sink);
    }
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
        let worker = std::thread::Builder::new().spawn_scoped(scope, move || {
            for chunk in files.chunks(CHUNK) {
                // The receiver is gone when the sink failed: stop.
                if send.send(map_files(chunk, f)).is_err() {
                    break;
                }
            }
        });
        if worker.is_err() {
            return in_turn(&mut sink);
        }
        receive
            .into_iter()
            .try_for_each(|results| results.into_iter().try_for_each(&mut sink))
    })
}
