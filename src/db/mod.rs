//! Data layer: one connection type over SQLite and PostgreSQL, the pool, the
//! migrations, and `Db::run`, the one way handlers reach the database.

pub mod admin;
pub mod alerts;
pub mod applicants;
pub mod audit;
pub mod companies;
pub mod data_fixes;
pub mod email_templates;
pub mod employer_home;
pub mod interviews;
pub mod jobs;
pub mod limits;
pub mod lock;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod presence;
pub mod privacy;
pub mod profiles;
pub mod reports;
pub mod resumes;
pub mod schema;
pub mod scorecards;
pub mod screening;
pub mod site_lock;
pub mod sql;
pub mod steps;
pub mod team;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::R2D2Connection;
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

impl AnyConnection {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, AnyConnection::Sqlite(_))
    }
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Where the data lives, chosen by the scheme of `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://path`, `sqlite:path`, a plain file path, or `postgres://` / `postgresql://`.
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(raw.to_string()));
        }
        if let Some(path) = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")) {
            if path.is_empty() {
                bail!("DATABASE_URL {raw:?} names no SQLite file");
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if raw.is_empty() || raw.contains("://") {
            bail!("DATABASE_URL {raw:?} is not supported: use sqlite://PATH, a file path, or postgres://…");
        }
        Ok(DatabaseUrl::Sqlite(raw.to_string()))
    }
}

/// r2d2 manager that opens the backend named by the URL (never diesel's
/// `establish`, which would take any string as a SQLite path).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        ConnectionManager { url }
    }

    pub fn connect_now(&self) -> anyhow::Result<AnyConnection> {
        Ok(match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Every connection hears of changes to jobs (`jobs::KnownVersion`):
                // the one that commits a change reads its own notice with the commit.
                conn.batch_execute(&format!("LISTEN {}", jobs::JOBS_CHANNEL))?;
                AnyConnection::Postgresql(conn)
            }
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                }
                let mut conn = SqliteConnection::establish(path)?;
                // One statement each: journal_mode answers a row.
                for pragma in [
                    "PRAGMA busy_timeout = 5000;",
                    "PRAGMA journal_mode = WAL;",
                    "PRAGMA synchronous = NORMAL;",
                    "PRAGMA foreign_keys = ON;",
                    // Read pages straight from the OS cache instead of copying
                    // them in with read(): measured to halve a search's wall time
                    // and cut the CPU of list pages by 15–40% (address space only).
                    "PRAGMA mmap_size = 1073741824;",
                ] {
                    conn.batch_execute(pragma)?;
                }
                AnyConnection::Sqlite(conn)
            }
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ConnectError(anyhow::Error);

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<AnyConnection, ConnectError> {
        self.connect_now().map_err(ConnectError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), ConnectError> {
        conn.ping().map_err(|e| ConnectError(e.into()))
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// The database handle shared by handlers and background tasks.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// The jobs data version this process has heard of (PostgreSQL).
    jobs_version: jobs::KnownVersion,
    /// Set while the app waits for a database that did not answer at start:
    /// its migrations have not run yet, so every query answers 503.
    waiting: Arc<AtomicBool>,
    postgres: bool,
}

impl Db {
    /// Builds the pool without connecting, so the app can start (and answer 503)
    /// while the database is down.
    pub fn new(database_url: &str, pool_size: u32) -> anyhow::Result<Self> {
        let url = DatabaseUrl::parse(database_url)?;
        let postgres = matches!(url, DatabaseUrl::Postgres(_));
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(3))
            .test_on_check_out(false)
            .build_unchecked(ConnectionManager::new(url));
        Ok(Db { pool, jobs_version: jobs::KnownVersion::default(), waiting: Arc::default(), postgres })
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The jobs data version heard of lately, without asking (PostgreSQL only).
    pub fn jobs_version(&self) -> &jobs::KnownVersion {
        &self.jobs_version
    }

    /// Runs blocking database work off the async threads, keeping the tracing span.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<AppError> + Send + 'static,
    {
        if self.waiting.load(Ordering::Acquire) {
            return Err(AppError::Unavailable("the database has not answered since the start".into()));
        }
        let (pool, known) = (self.pool.clone(), self.jobs_version.clone());
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pool.get()?;
            let done = f(&mut conn).map_err(|e| {
                // A query that failed because the server went away is an
                // outage (503), not a bug; r2d2 drops the broken connection.
                if conn.is_broken() { AppError::Unavailable("database connection lost".into()) } else { e.into() }
            });
            // Notices that came with this work (its own commit's among them).
            known.drain(&mut conn);
            done
        })
        .await
        .map_err(AppError::internal)?
    }

    /// Runs a short read right here, on this thread, when the database is
    /// a local SQLite file and a connection is free at once; `None` otherwise
    /// (then `run` it). For a read of a few microseconds that every page
    /// makes, handing it to another thread costs more than the read.
    pub fn read_now<T>(&self, f: impl FnOnce(&mut AnyConnection) -> diesel::QueryResult<T>) -> Option<T> {
        if self.postgres || self.waiting.load(Ordering::Acquire) {
            return None;
        }
        let mut conn = self.pool.try_get()?;
        f(&mut conn).ok()
    }

    /// Runs the pending migrations of the backend in use.
    pub fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get().context("cannot connect to the database")?;
        run_migrations(&mut conn)
    }

    /// Migrates now if the database answers. A PostgreSQL server that does
    /// not answer yet is waited for instead: the app starts, every query
    /// answers 503, and the migrations run (then queries do) as soon as it
    /// comes up. A failing migration, or an SQLite file that cannot be
    /// opened, stops the start.
    pub async fn migrate_or_wait(&self) -> anyhow::Result<()> {
        let db = self.clone();
        let connected = tokio::task::spawn_blocking(move || db.pool.get().map(drop)).await?;
        match connected {
            Err(e) if self.postgres => {
                tracing::warn!(error = %e, "the database does not answer: serving 503 until it does, then migrating");
                self.waiting.store(true, Ordering::Release);
                let db = self.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        let trying = db.clone();
                        match tokio::task::spawn_blocking(move || trying.migrate()).await {
                            Ok(Ok(())) => {
                                db.waiting.store(false, Ordering::Release);
                                tracing::info!("the database answers: migrated, serving");
                                return;
                            }
                            Ok(Err(e)) => tracing::debug!(error = %e, "the database still does not answer"),
                            Err(e) => tracing::warn!(error = %e, "migration task failed"),
                        }
                    }
                });
                Ok(())
            }
            _ => {
                let db = self.clone();
                tokio::task::spawn_blocking(move || db.migrate()).await?
            }
        }
    }
}

pub fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    data_fixes::run(conn).map_err(|e| anyhow::anyhow!("data fix failed: {e}"))
}

/// A transaction for work that reads then writes. On SQLite it takes the write
/// lock up front (`BEGIN IMMEDIATE`), so it waits on `busy_timeout` instead of
/// failing with SQLITE_BUSY when it upgrades; nested calls become savepoints.
pub fn transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        AnyConnection::Postgresql(_) => return conn.transaction(f),
        AnyConnection::Sqlite(c) => {
            let depth =
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth().map_err(E::from)?;
            if depth.is_some() {
                return conn.transaction(f);
            }
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE").map_err(E::from)?
        }
    }
    let result = f(conn);
    let AnyConnection::Sqlite(c) = conn else { unreachable!("checked above") };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(c).map_err(E::from)?;
            Ok(value)
        }
        Err(e) => {
            let _ = AnsiTransactionManager::rollback_transaction(c);
            Err(e)
        }
    }
}

/// Current time as stored in every TIMESTAMP column (UTC, no offset).
pub fn now() -> time::PrimitiveDateTime {
    let now = time::OffsetDateTime::now_utc();
    // Microseconds: PostgreSQL keeps no more, so values read back compare equal.
    let now = now.replace_nanosecond(now.microsecond() * 1000).unwrap_or(now);
    time::PrimitiveDateTime::new(now.date(), now.time())
}

/// True when the error means "a unique constraint refused the row".
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    fn versions(backend: &str) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_dir())
            .map(|e| {
                for file in ["up.sql", "down.sql"] {
                    assert!(e.path().join(file).is_file(), "{} lacks {file}", e.path().display());
                }
                e.file_name().to_string_lossy().into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        let sqlite = versions("sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(
            sqlite,
            versions("postgres"),
            "migrations/sqlite and migrations/postgres must list the same versions"
        );
    }

    #[test]
    fn database_url_picks_the_backend_by_scheme() {
        assert_eq!(DatabaseUrl::parse("sqlite://data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
        assert_eq!(DatabaseUrl::parse("./x.db").unwrap(), DatabaseUrl::Sqlite("./x.db".into()));
        assert!(matches!(DatabaseUrl::parse("postgres://u@h/db").unwrap(), DatabaseUrl::Postgres(_)));
        assert!(matches!(DatabaseUrl::parse("postgresql://u@h/db").unwrap(), DatabaseUrl::Postgres(_)));
        for bad in ["mysql://u@h/db", "", "sqlite://"] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad:?}");
        }
    }
}
