//! One server per SQLite site. Two `serve` processes on one SQLite file would
//! each keep their own live hub and outbox signal, so live updates and "new
//! message" e-mails would go missing between them: the second is refused. The
//! lock is an exclusive `flock` on `<database>.lock`, held for the server's
//! life and released by the kernel however the process ends (even SIGKILL).
//! PostgreSQL sites run many instances by design: no lock there.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::DatabaseUrl;

/// A lock file, opened (and its folder made), and whether this process got it.
pub enum Flock {
    /// Ours until the file is dropped.
    Taken(File),
    /// Another process holds it (the file is open for reading who).
    Held(File),
}

/// An exclusive `flock` on `path`, without waiting; the kernel releases it
/// however the process ends.
pub fn exclusive(path: &Path) -> anyhow::Result<Flock> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    // SAFETY: flock on a descriptor this function owns.
    let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    Ok(if taken { Flock::Taken(file) } else { Flock::Held(file) })
}

/// Held while a server serves an SQLite site; released when dropped.
#[derive(Debug)]
pub struct SiteLock {
    _file: File,
}

impl SiteLock {
    /// Takes the site's lock for `what` ("serve", "migrate"), or says which
    /// process holds it. None for PostgreSQL.
    pub fn take(database_url: &str, what: &str) -> anyhow::Result<Option<SiteLock>> {
        let DatabaseUrl::Sqlite(db) = DatabaseUrl::parse(database_url)? else { return Ok(None) };
        let mut file = match exclusive(&PathBuf::from(format!("{db}.lock")))? {
            Flock::Taken(file) => file,
            Flock::Held(mut file) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() { "another process".to_string() } else { format!("process {holder}") };
                bail!(
                    "another JobConnect server ({who}) is serving the SQLite database {db}: stop it before you {what}. \
                     One SQLite site has one server (several instances need PostgreSQL); \
                     `seed-demo` and `create-admin` may run beside it"
                );
            }
        };
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(Some(SiteLock { _file: file }))
    }
}
