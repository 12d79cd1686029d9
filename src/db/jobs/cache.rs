//! Search results kept in memory, valid only for the data version they were
//! computed at and until the next closing date passes, so a cached page is
//! the page a fresh query would give.
//!
//! The data version is a counter that every change to jobs or companies moves
//! (a trigger on both tables). On SQLite reading it is an in-process read.
//! On PostgreSQL it would be a round trip per page, so each process keeps the
//! version it last heard of ([`KnownVersion`]): the trigger also sends it
//! with `NOTIFY jobconnect_jobs`, which reaches every pool connection (a
//! connection that committed a change reads its own notice with the commit,
//! so the instance that wrote sees its write at once) and the live bridge's
//! listener (so other instances hear within milliseconds). While that
//! listener is connected no notice can be missed; while it is not, a
//! version is trusted for `TRUSTED_FOR` after it was last heard, then read
//! again. When it (re)connects, the version is read again once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use quick_cache::sync::GuardResult;
use time::PrimitiveDateTime;

use super::search::SearchResults;
use crate::db::AnyConnection;
use crate::db::sql::{Arg, Backend, Sql};
use crate::domain::SearchQuery;

/// The channel the version travels on (PostgreSQL).
pub const JOBS_CHANNEL: &str = "jobconnect_jobs";

/// How long a version heard of is trusted without a new word.
const TRUSTED_FOR: Duration = Duration::from_secs(5);

/// Longest wait for another request computing the same page.
const SAME_PAGE_WAIT: Duration = Duration::from_secs(10);

/// Cached result pages, one cache per HTTP worker, by search and data
/// version (pages of older versions are never asked for again and age out).
pub struct SearchCache(quick_cache::sync::Cache<(SearchQuery, i64), Arc<CachedResults>>);

pub struct CachedResults {
    fresh_until: Option<PrimitiveDateTime>,
    pub results: SearchResults,
    /// The page made of these results for a visitor without an account:
    /// when it was made, its query string, and its HTML cut where the
    /// visitor's CSRF token goes (see `shown`).
    page: std::sync::RwLock<Option<(Instant, String, Vec<String>)>>,
}

/// How long a page made for visitors is shown again: its "posted 5 minutes
/// ago" is as old as it is.
const SHOWN_FOR: Duration = Duration::from_secs(30);

impl CachedResults {
    /// The page made of these results earlier (within `SHOWN_FOR`) for the
    /// same query string and a visitor without an account, with this
    /// visitor's `token`: the same bytes as rendering it again.
    pub fn shown(&self, query: &str, token: &str) -> Option<String> {
        let kept = self.page.read().unwrap_or_else(|e| e.into_inner());
        let (at, kept_for, parts) = kept.as_ref()?;
        (kept_for == query && at.elapsed() < SHOWN_FOR).then(|| parts.join(token))
    }

    /// Keeps `html`, rendered for `query` with `token`, for `shown`.
    pub fn keep_shown(&self, query: &str, html: &str, token: &str) {
        if token.is_empty() {
            return;
        }
        let parts = html.split(token).map(str::to_string).collect();
        *self.page.write().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), query.to_string(), parts));
    }

    fn fresh_at(&self, now: PrimitiveDateTime) -> bool {
        self.fresh_until.is_none_or(|t| now < t)
    }
}

impl SearchCache {
    pub fn new(capacity: usize) -> Self {
        SearchCache(quick_cache::sync::Cache::new(capacity))
    }

    /// The page of `q` if it was computed at data version `version` and no
    /// job has reached its closing date since.
    pub fn fresh(&self, q: &SearchQuery, version: i64, now: PrimitiveDateTime) -> Option<Arc<CachedResults>> {
        self.0.get(&(q.clone(), version)).filter(|hit| hit.fresh_at(now))
    }
}

/// The newest data version this process has heard of (PostgreSQL), shared by
/// every clone; `Db` keeps one.
#[derive(Clone)]
pub struct KnownVersion(Arc<Heard>);

struct Heard {
    /// -1: nothing heard yet (or not since the listener reconnected).
    version: AtomicI64,
    /// Milliseconds after `epoch` of the last word (a notice or a read).
    at_ms: AtomicI64,
    epoch: Instant,
    /// A listener that hears every notice is connected.
    listening: AtomicBool,
    /// Told when the version grows (the search index catches up).
    grew: tokio::sync::Notify,
    /// When the next open job closes, as read at a data version (`data_version`).
    next_closing: std::sync::Mutex<(i64, Option<PrimitiveDateTime>)>,
}

impl Default for KnownVersion {
    fn default() -> Self {
        KnownVersion(Arc::new(Heard {
            version: AtomicI64::new(-1),
            at_ms: AtomicI64::new(0),
            epoch: Instant::now(),
            listening: AtomicBool::new(false),
            grew: tokio::sync::Notify::new(),
            next_closing: std::sync::Mutex::new((-1, None)),
        }))
    }
}

impl KnownVersion {
    /// The version, if it can be trusted without asking.
    pub fn get(&self) -> Option<i64> {
        let version = self.0.version.load(Ordering::Acquire);
        let age = self.0.epoch.elapsed().as_millis() as i64 - self.0.at_ms.load(Ordering::Acquire);
        let trusted = self.0.listening.load(Ordering::Acquire) || age < TRUSTED_FOR.as_millis() as i64;
        (version >= 0 && trusted).then_some(version)
    }

    /// The listener (re)connected (`true`) or lost its connection: either
    /// way notices may have been missed, so the version is read again.
    pub fn listening(&self, on: bool) {
        self.0.version.store(-1, Ordering::Release);
        self.0.listening.store(on, Ordering::Release);
    }

    /// A word of `version` (a notice, or the counter read): versions only grow.
    pub fn heard(&self, version: i64) {
        if self.0.version.fetch_max(version, Ordering::AcqRel) < version {
            self.0.grew.notify_one();
        }
        self.0.at_ms.store(self.0.epoch.elapsed().as_millis() as i64, Ordering::Release);
    }

    /// Resolves when a newer version is heard of (one waiter).
    pub async fn changed(&self) {
        self.0.grew.notified().await
    }

    /// Takes the notices a PostgreSQL connection has received.
    pub fn drain(&self, conn: &mut AnyConnection) {
        let AnyConnection::Postgresql(pg) = conn else { return };
        for notice in pg.notifications_iter() {
            match notice {
                Ok(n) if n.channel == JOBS_CHANNEL => {
                    if let Ok(version) = n.payload.parse::<i64>() {
                        self.heard(version);
                    }
                }
                Ok(_) => {}
                // A broken connection says so on its next query.
                Err(_) => break,
            }
        }
    }
}

/// The data version as stored. No value is bound (the table has its one
/// row): SQLite prepares a statement again whenever a bound value may
/// change its plan.
pub fn stored_version(conn: &mut AnyConnection) -> QueryResult<i64> {
    use crate::db::schema::jobs_version;
    Ok(jobs_version::table.select(jobs_version::version).load::<i64>(conn)?.first().copied().unwrap_or(0))
}

/// The data version, and when the next open job closes. The time is read
/// again only when the version changed or that job's time has come: the
/// next closing after `now` is the one read earlier while that one is still
/// ahead. (The version's query has a fixed shape and is prepared once per
/// connection; the other is not, and would cost a cached page as much as
/// the rest of it.)
fn data_version(
    conn: &mut AnyConnection,
    known: &KnownVersion,
    now: PrimitiveDateTime,
) -> QueryResult<(i64, Option<PrimitiveDateTime>)> {
    let version = stored_version(conn)?;
    let mut kept = known.0.next_closing.lock().unwrap_or_else(|e| e.into_inner());
    if kept.0 == version && kept.1.is_none_or(|t| now < t) {
        return Ok(*kept);
    }
    let mut sql = Sql::new(Backend::of(conn));
    sql.push("SELECT min(closes_at) AS next_closing FROM jobs WHERE status = 'open' AND closes_at > ");
    sql.arg(Arg::Time(now));
    let next = sql.load::<NextClosing>(conn)?.into_iter().next().and_then(|n| n.next_closing);
    *kept = (version, next);
    Ok(*kept)
}

#[derive(QueryableByName)]
struct NextClosing {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    next_closing: Option<PrimitiveDateTime>,
}

/// What `search_cached` found.
pub enum Answer {
    Page(Arc<CachedResults>),
    /// `compute` cannot answer for this data version yet.
    NotYet(i64),
}

/// The page of `q`, answered from the cache when nothing changed since (the
/// version is read here; a caller that knows it already asks
/// `SearchCache::fresh` first and comes here only on a miss), else by
/// `compute` at the data version read, with whether its page may be kept
/// (a stand-in answer is not). `compute` answers `None` when it
/// cannot answer for that version yet (the search index is behind): this
/// answers `NotYet` with the version, and nothing is cached. No cache:
/// `compute` every time.
pub fn search_cached<E>(
    conn: &mut AnyConnection,
    cache: Option<&SearchCache>,
    known: &KnownVersion,
    q: &SearchQuery,
    now: PrimitiveDateTime,
    compute: impl Fn(&mut AnyConnection, i64) -> Result<Option<(SearchResults, bool)>, E>,
) -> Result<Answer, E>
where
    E: From<diesel::result::Error>,
{
    // Without a cache nothing is kept, so a version heard by notice will do
    // (PostgreSQL): no round trip.
    let (version, next_closing) = match (cache, known.get()) {
        (None, Some(version)) => (version, None),
        _ => data_version(conn, known, now)?,
    };
    if !conn.is_sqlite() {
        known.heard(version);
    }
    let page = |conn: &mut AnyConnection| -> Result<(Answer, bool), E> {
        Ok(match compute(conn, version)? {
            Some((results, keep)) => (
                Answer::Page(Arc::new(CachedResults { fresh_until: next_closing, results, page: Default::default() })),
                keep,
            ),
            None => (Answer::NotYet(version), false),
        })
    };
    let Some(cache) = cache else { return page(conn).map(|(answer, _)| answer) };
    let key = (q.clone(), version);
    // Many requests for a page nobody has computed yet (a new version, a
    // cold start): one computes it, the others wait for its result.
    loop {
        match cache.0.get_value_or_guard(&key, Some(SAME_PAGE_WAIT)) {
            GuardResult::Value(hit) if hit.fresh_at(now) => return Ok(Answer::Page(hit)),
            GuardResult::Value(_) => {
                cache.0.remove(&key);
            }
            GuardResult::Guard(placeholder) => {
                let (answer, keep) = page(conn)?;
                if let (Answer::Page(fresh), true) = (&answer, keep) {
                    let _ = placeholder.insert(fresh.clone());
                }
                return Ok(answer);
            }
            GuardResult::Timeout => return page(conn).map(|(answer, _)| answer),
        }
    }
}

/// What the home page asks for: the newest open jobs.
pub fn latest_query(n: i64) -> SearchQuery {
    SearchQuery { page: 1, per_page: n, ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::KnownVersion;

    #[test]
    fn a_version_only_grows_and_is_trusted_once_heard() {
        let known = KnownVersion::default();
        assert_eq!(known.get(), None, "nothing heard yet");
        known.heard(7);
        known.heard(5);
        assert_eq!(known.get(), Some(7), "a late notice of an older version changes nothing");
        known.heard(8);
        assert_eq!(known.get(), Some(8));
        // A (re)connected listener may have missed notices: read again first.
        known.listening(true);
        assert_eq!(known.get(), None);
        known.heard(9);
        assert_eq!(known.get(), Some(9));
    }
}
