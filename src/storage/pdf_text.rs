//! The text of a PDF resume, for search, read in a child process.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Longest text kept per resume (characters).
const MAX_TEXT_CHARS: usize = 200_000;
/// The argument that makes the `jobconnect` binary extract one PDF's text.
pub const PDF_TEXT_COMMAND: &str = "pdf-text";
/// Written before the text, so anything a parser prints first is not taken as text.
const TEXT_MARKER: &str = "\n--jobconnect-pdf-text--\n";

/// Longest wait of one user's upload for that user's earlier extraction.
const TEXT_QUEUE_WAIT: Duration = Duration::from_secs(30);

/// The plain text of a PDF, for search. An unreadable PDF gives "" (still accepted).
///
/// The parsing happens in a child process (`jobconnect pdf-text FILE`) with a
/// memory and time limit: a PDF parser loads the whole document, may expand
/// compressed streams many times over and may recurse deeply, and none of
/// that should cost the server its memory or its life. Without the binary
/// (an unusual install) it runs in this process.
///
/// One extraction per `uploader` at a time: a user who sends many PDFs at
/// once waits behind their own (and past `TEXT_QUEUE_WAIT` their file is kept
/// without text), so they hold at most one of the server's slots and other
/// users keep the rest.
pub async fn pdf_text(path: PathBuf, uploader: i64) -> String {
    let Some(_turn) = UploaderTurn::wait(uploader).await else {
        tracing::warn!(uploader, "resume text skipped: this user's earlier PDFs are still being read");
        return String::new();
    };
    match text_helper() {
        Some(exe) => match pdf_text_in_child(exe, &path).await {
            Ok(text) => text,
            Err(e) => {
                tracing::warn!(error = %e, "resume text could not be extracted; stored without text");
                String::new()
            }
        },
        None => {
            tokio::task::spawn_blocking(move || extract_normalised(&path).unwrap_or_default()).await.unwrap_or_default()
        }
    }
}

/// A user's turn to have a PDF read; the next of their uploads waits for it.
struct UploaderTurn {
    uploader: i64,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

type Turns = std::sync::Mutex<std::collections::HashMap<i64, std::sync::Arc<tokio::sync::Mutex<()>>>>;

fn turns() -> &'static Turns {
    static TURNS: std::sync::OnceLock<Turns> = std::sync::OnceLock::new();
    TURNS.get_or_init(Default::default)
}

impl UploaderTurn {
    async fn wait(uploader: i64) -> Option<UploaderTurn> {
        let lock = turns().lock().unwrap_or_else(|e| e.into_inner()).entry(uploader).or_default().clone();
        let guard = tokio::time::timeout(TEXT_QUEUE_WAIT, lock.lock_owned()).await.ok()?;
        Some(UploaderTurn { uploader, _guard: guard })
    }
}

impl Drop for UploaderTurn {
    fn drop(&mut self) {
        // Forget users with nothing in flight (the map holds one reference, this turn's guard another).
        let mut map = turns().lock().unwrap_or_else(|e| e.into_inner());
        if map.get(&self.uploader).is_some_and(|lock| std::sync::Arc::strong_count(lock) <= 2) {
            map.remove(&self.uploader);
        }
    }
}

/// The `jobconnect` binary: this process, or (in the test harness, which
/// runs from `target/<profile>/deps/`) the one Cargo built beside it.
fn text_helper() -> Option<&'static Path> {
    static EXE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        if exe.file_stem().is_some_and(|s| s.to_string_lossy().starts_with("jobconnect")) {
            return Some(exe);
        }
        let found = exe.ancestors().skip(1).take(2).map(|d| d.join("jobconnect")).find(|p| p.is_file());
        if found.is_none() {
            tracing::warn!("no jobconnect binary found: PDF text is extracted in the server process");
        }
        found
    })
    .as_deref()
}

async fn pdf_text_in_child(exe: &Path, path: &Path) -> anyhow::Result<String> {
    // One child per core at most: a burst of uploads queues instead of forking a crowd.
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
    });
    let _slot = SLOTS.acquire().await?;
    let child = tokio::process::Command::new(exe)
        .arg(PDF_TEXT_COMMAND)
        .arg(path)
        .env("RUST_LOG", "off")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    // On time-out the child is dropped, which kills it.
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.split_once(TEXT_MARKER) {
        Some((_, text)) if output.status.success() => Ok(text.to_string()),
        _ => anyhow::bail!("the PDF could not be read ({})", output.status),
    }
}

fn extract_normalised(path: &Path) -> Option<String> {
    let text = std::panic::catch_unwind(|| pdf_extract::extract_text(path)).ok()?.ok()?;
    // Words joined by single spaces, cut at MAX_TEXT_CHARS.
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= MAX_TEXT_CHARS {
                return Some(out.trim_end().to_string());
            }
            out.push(c);
            chars += 1;
        }
    }
    Some(out)
}

/// The child side of `pdf_text`: `jobconnect pdf-text FILE` prints the text
/// after a marker and exits 0, or exits 1 when the PDF cannot be read.
pub fn pdf_text_command(path: &Path) -> i32 {
    #[cfg(unix)]
    {
        // At most 1 GiB of address space and 20 s of CPU: a hostile PDF kills only this child.
        let limit = |resource, value| {
            let lim = libc::rlimit { rlim_cur: value, rlim_max: value };
            // SAFETY: setrlimit only reads the struct we pass.
            unsafe { libc::setrlimit(resource, &lim) };
        };
        limit(libc::RLIMIT_AS, 1 << 30);
        limit(libc::RLIMIT_CPU, 20);
    }
    match extract_normalised(path) {
        Some(text) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let written = out.write_all(TEXT_MARKER.as_bytes()).and_then(|_| out.write_all(text.as_bytes()));
            if written.and_then(|_| out.flush()).is_ok() { 0 } else { 1 }
        }
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    #[tokio::test]
    async fn one_users_pdfs_wait_for_each_other_and_for_no_one_else() {
        let (ann, bob) = (-101, -102);
        let first = UploaderTurn::wait(ann).await.expect("a free turn");
        let second = tokio::spawn(UploaderTurn::wait(ann));
        // Bob is not behind Ann: his turn is ready at the first look.
        let bobs = UploaderTurn::wait(bob).now_or_never().flatten().expect("bob's turn at once");
        drop(bobs);
        assert!(!second.is_finished(), "ann's second PDF waits for her first");
        drop(first);
        let second = second.await.unwrap().expect("then it is her turn");
        drop(second);
        let map = turns().lock().unwrap();
        assert!(!map.contains_key(&ann) && !map.contains_key(&bob), "users with nothing in flight are forgotten");
    }
}
