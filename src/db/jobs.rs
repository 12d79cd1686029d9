//! Jobs: rows and queries (posting, browsing and search live here).
//!
//! Every query that manages jobs takes a [`Scope`]: an employer's company, or
//! any company (admins). Searching is one function, [`search`], whose SQL is
//! written once per backend (FTS5 on SQLite, tsvector on PostgreSQL).

use std::sync::Arc;

use diesel::dsl::count_star;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicants, companies, jobs, saved_jobs};
use crate::domain::{EmploymentType, JobStatus, RemoteMode, SalaryPeriod, SearchQuery};

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: i64,
    pub company_id: i64,
    pub created_by: Option<i64>,
    pub title: String,
    pub description: String,
    pub location: String,
    pub remote: RemoteMode,
    pub employment_type: EmploymentType,
    pub category: String,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: String,
    pub salary_period: SalaryPeriod,
    pub status: JobStatus,
    pub closes_at: Option<PrimitiveDateTime>,
    pub published_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// Closed by an admin (moderation): its company cannot reopen it.
    pub closed_by_admin: bool,
}

impl Job {
    /// Open and not past its closing date: what visitors may see.
    pub fn is_listed(&self, now: PrimitiveDateTime) -> bool {
        self.status == JobStatus::Open && self.closes_at.is_none_or(|t| t > now)
    }

    /// The status people should read: an open job past its closing date is closed
    /// already, even if the closing task has not run yet.
    pub fn effective_status(&self, now: PrimitiveDateTime) -> JobStatus {
        if self.status == JobStatus::Open && !self.is_listed(now) { JobStatus::Closed } else { self.status }
    }
}

/// Whose jobs a query may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The jobs of one company (an employer's).
    Company(i64),
    /// Every job (admins).
    Any,
}

impl Scope {
    pub fn allows(&self, job: &Job) -> bool {
        match self {
            Scope::Company(id) => job.company_id == *id,
            Scope::Any => true,
        }
    }
}

/// The fields an employer writes (validated by the form).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = jobs, treat_none_as_null = true)]
pub struct JobFields {
    pub title: String,
    pub description: String,
    pub location: String,
    pub remote: RemoteMode,
    pub employment_type: EmploymentType,
    pub category: String,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: String,
    pub salary_period: SalaryPeriod,
    pub closes_at: Option<PrimitiveDateTime>,
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Job> {
    jobs::table.find(id).select(Job::as_select()).first(conn)
}

/// A job the scope may manage (NotFound otherwise, so others learn nothing).
pub fn find_managed(conn: &mut AnyConnection, id: i64, scope: Scope) -> QueryResult<Job> {
    let job = find(conn, id)?;
    if scope.allows(&job) { Ok(job) } else { Err(diesel::result::Error::NotFound) }
}

/// Creates a draft of the company.
pub fn create_draft(
    conn: &mut AnyConnection,
    company_id: i64,
    created_by: Option<i64>,
    fields: &JobFields,
) -> QueryResult<Job> {
    let now = super::now();
    diesel::insert_into(jobs::table)
        .values((
            jobs::company_id.eq(company_id),
            jobs::created_by.eq(created_by),
            jobs::title.eq(&fields.title),
            jobs::description.eq(&fields.description),
            jobs::location.eq(&fields.location),
            jobs::remote.eq(fields.remote),
            jobs::employment_type.eq(fields.employment_type),
            jobs::category.eq(&fields.category),
            jobs::salary_min.eq(fields.salary_min),
            jobs::salary_max.eq(fields.salary_max),
            jobs::salary_currency.eq(&fields.salary_currency),
            jobs::salary_period.eq(fields.salary_period),
            jobs::closes_at.eq(fields.closes_at),
            jobs::status.eq(JobStatus::Draft),
            jobs::created_at.eq(now),
            jobs::updated_at.eq(now),
        ))
        .returning(jobs::all_columns)
        .get_result(conn)
}

/// Writes the employer's fields to a job of the scope.
pub fn update(conn: &mut AnyConnection, id: i64, scope: Scope, fields: &JobFields) -> QueryResult<Job> {
    find_managed(conn, id, scope)?;
    diesel::update(jobs::table.find(id))
        .set((fields, jobs::updated_at.eq(super::now())))
        .returning(jobs::all_columns)
        .get_result(conn)
}

/// Why a status change was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionRefused {
    /// The job is not in a status this change starts from.
    WrongStatus(JobStatus),
    /// Publishing or reopening a job whose closing date has passed.
    ClosingDatePassed,
    /// Reopening a job an admin closed.
    ClosedByAdmin,
}

/// Moves a job of the scope to `to` (publish and reopen: to Open; close: to
/// Closed). Publishing sets `published_at` the first time.
pub fn change_status(
    conn: &mut AnyConnection,
    id: i64,
    scope: Scope,
    to: JobStatus,
) -> QueryResult<Result<Job, TransitionRefused>> {
    super::transaction(conn, |conn| {
        let job = find_managed(conn, id, scope)?;
        let now = super::now();
        let current = job.effective_status(now);
        let allowed = match to {
            JobStatus::Open => {
                matches!(job.status, JobStatus::Draft | JobStatus::Closed) || current == JobStatus::Closed
            }
            JobStatus::Closed => current == JobStatus::Open,
            JobStatus::Draft => false,
        };
        if !allowed {
            return Ok(Err(TransitionRefused::WrongStatus(current)));
        }
        if to == JobStatus::Open && job.closed_by_admin {
            return Ok(Err(TransitionRefused::ClosedByAdmin));
        }
        if to == JobStatus::Open && job.closes_at.is_some_and(|t| t <= now) {
            return Ok(Err(TransitionRefused::ClosingDatePassed));
        }
        let published_at = if to == JobStatus::Open { job.published_at.or(Some(now)) } else { job.published_at };
        let job = diesel::update(jobs::table.find(id))
            .set((jobs::status.eq(to), jobs::published_at.eq(published_at), jobs::updated_at.eq(now)))
            .returning(jobs::all_columns)
            .get_result(conn)?;
        Ok(Ok(job))
    })
}

/// Closes a job whatever its company (admin moderation), for good: its
/// company cannot reopen it. False when it was not open.
pub fn close_by_id(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    let now = super::now();
    let n = diesel::update(jobs::table.find(id).filter(jobs::status.eq(JobStatus::Open)))
        .set((jobs::status.eq(JobStatus::Closed), jobs::closed_by_admin.eq(true), jobs::updated_at.eq(now)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Deletes a job (admin moderation): its saved marks go with it, applicants
/// keep their record with no job.
pub fn delete(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    Ok(diesel::delete(jobs::table.find(id)).execute(conn)? == 1)
}

/// Closes every open job whose closing date has passed; returns how many.
pub fn close_expired(conn: &mut AnyConnection, now: PrimitiveDateTime) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .filter(jobs::status.eq(JobStatus::Open))
            .filter(jobs::closes_at.is_not_null())
            .filter(jobs::closes_at.le(now)),
    )
    .set((jobs::status.eq(JobStatus::Closed), jobs::updated_at.eq(now)))
    .execute(conn)
}

/// The next closing date of an open job, after `now`.
pub fn next_closing(conn: &mut AnyConnection, now: PrimitiveDateTime) -> QueryResult<Option<PrimitiveDateTime>> {
    jobs::table
        .filter(jobs::status.eq(JobStatus::Open))
        .filter(jobs::closes_at.gt(now))
        .select(diesel::dsl::min(jobs::closes_at))
        .first(conn)
}

// ---------------------------------------------------------------------------
// Browsing and search

/// A job in a list, with what the list shows of its company, and the
/// highlighted snippet of a search (matches between \u{2} and \u{3}).
/// In lists the description holds only its first few hundred characters.
#[derive(Debug, Clone, QueryableByName)]
pub struct JobCard {
    #[diesel(embed)]
    pub job: Job,
    #[diesel(sql_type = Text)]
    pub company_name: String,
    #[diesel(sql_type = Text)]
    pub company_slug: String,
    /// The stored logo of the company, if it has one.
    #[diesel(sql_type = Nullable<Text>)]
    pub company_logo: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub snippet: Option<String>,
}

/// Marks around the matched words in snippets.
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// The most results a search pages through: counting and skipping stay cheap,
/// and nobody reads past page 50 (a narrower search is offered instead).
pub const MAX_RESULTS: i64 = 1000;

#[derive(Debug, Clone)]
pub struct SearchResults {
    pub jobs: Vec<JobCard>,
    /// Matches counted up to `MAX_RESULTS + 1` (more means "more than MAX_RESULTS").
    pub total: i64,
}

/// A value bound to a raw query.
enum Arg {
    Text(String),
    Int(i64),
    Time(PrimitiveDateTime),
}

/// Raw SQL with its bound values; placeholders written for the backend.
struct Sql {
    pg: bool,
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn new(pg: bool) -> Self {
        Sql { pg, text: String::with_capacity(1024), args: Vec::new() }
    }

    fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        if self.pg {
            self.text.push_str(&format!("${}", self.args.len()));
        } else {
            self.text.push('?');
        }
        self
    }

    fn load<T>(self, conn: &mut AnyConnection) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
    {
        match conn {
            AnyConnection::Sqlite(c) => {
                let mut q = diesel::sql_query(self.text).into_boxed::<Sqlite>();
                for arg in self.args {
                    q = match arg {
                        Arg::Text(v) => q.bind::<Text, _>(v),
                        Arg::Int(v) => q.bind::<BigInt, _>(v),
                        Arg::Time(v) => q.bind::<Timestamp, _>(v),
                    };
                }
                q.load(c)
            }
            AnyConnection::Postgresql(c) => {
                let mut q = diesel::sql_query(self.text).into_boxed::<Pg>();
                for arg in self.args {
                    q = match arg {
                        Arg::Text(v) => q.bind::<Text, _>(v),
                        Arg::Int(v) => q.bind::<BigInt, _>(v),
                        Arg::Time(v) => q.bind::<Timestamp, _>(v),
                    };
                }
                q.load(c)
            }
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The job columns of a card (description cut short: lists show a teaser).
const CARD_COLUMNS: &str = "j.id, j.company_id, j.created_by, j.title, substr(j.description, 1, 400) AS description, \
     j.location, j.remote, j.employment_type, j.category, j.salary_min, j.salary_max, j.salary_currency, \
     j.salary_period, j.status, j.closes_at, j.published_at, j.created_at, j.updated_at, j.closed_by_admin, \
     c.name AS company_name, c.slug AS company_slug, c.logo_path AS company_logo";

/// The yearly equivalent of a job's best pay, for the minimum-salary filter.
const YEARLY_PAY: &str = "(CASE j.salary_period WHEN 'hour' THEN 2080 WHEN 'month' THEN 12 ELSE 1 END) \
     * COALESCE(j.salary_max, j.salary_min)";

/// The conditions every listed job meets, and the filters (not the text match).
fn push_filters(sql: &mut Sql, q: &SearchQuery, now: PrimitiveDateTime) {
    sql.push("j.status = 'open' AND (j.closes_at IS NULL OR j.closes_at > ").arg(Arg::Time(now)).push(")");
    if let Some(remote) = q.remote {
        sql.push(" AND j.remote = ").arg(Arg::Text(remote.as_str().into()));
    }
    if let Some(t) = q.employment_type {
        sql.push(" AND j.employment_type = ").arg(Arg::Text(t.as_str().into()));
    }
    if let Some(category) = &q.category {
        sql.push(" AND j.category = ").arg(Arg::Text(category.clone()));
    }
    if let Some(min) = q.salary_min {
        sql.push(" AND ").push(YEARLY_PAY).push(" >= ").arg(Arg::Int(min));
    }
    if let Some(company) = q.company_id {
        sql.push(" AND j.company_id = ").arg(Arg::Int(company));
    }
    if let Some(id) = q.after_id {
        sql.push(" AND j.id > ").arg(Arg::Int(id));
    }
}

/// The id of the newest job (0 when there is none).
pub fn max_id(conn: &mut AnyConnection) -> QueryResult<i64> {
    jobs::table.select(diesel::dsl::max(jobs::id)).first::<Option<i64>>(conn).map(|id| id.unwrap_or(0))
}

/// FTS5 query text: every word quoted (a string, never an operator), all
/// required; location words restricted to the location column.
fn fts5_match(q: &SearchQuery) -> String {
    let quote = |w: &String| format!("\"{}\"", w.replace('"', "\"\""));
    let mut parts = Vec::new();
    if !q.words.is_empty() {
        parts.push(format!("({})", q.words.iter().map(quote).collect::<Vec<_>>().join(" ")));
    }
    if !q.location.is_empty() {
        parts.push(format!("{{location}} : ({})", q.location.iter().map(quote).collect::<Vec<_>>().join(" ")));
    }
    parts.join(" AND ")
}

/// PostgreSQL `to_tsquery` text for the location: each word a quoted lexeme
/// of weight C (the location's), all required.
fn pg_location_query(words: &[String]) -> String {
    words.iter().map(|w| format!("'{}':C", w.replace('\'', "''").replace('\\', ""))).collect::<Vec<_>>().join(" & ")
}

/// How many of the newest matches a word search ranks: relevance decides the
/// order among the 1,001 newest matching jobs (after the filters). Ranking
/// every match of a common word ("team" is in most jobs) would cost time in
/// proportion to the whole table; this keeps a search's cost bounded, and
/// paging stops at `MAX_RESULTS` anyway.
const CANDIDATES: i64 = MAX_RESULTS + 1;

/// PostgreSQL looks for the newest matches in windows of the newest ids
/// first (a bitmap AND of the text index and the primary key), widening only
/// when a window holds too few: rows far back are never read for a common word.
const PG_WINDOWS: &[Option<i64>] = &[Some(20_000), Some(100_000), None];

/// Open jobs matching the search, best first (by relevance when words were
/// given, else newest first), one page of them, and how many match (counted
/// up to `MAX_RESULTS + 1`). Text match, filters and ranking run in one
/// statement per page; the SQL of each backend is written out here.
pub fn search(conn: &mut AnyConnection, q: &SearchQuery, now: PrimitiveDateTime) -> QueryResult<SearchResults> {
    let per_page = q.per_page.clamp(1, 100);
    let page = q.page.max(1);
    let offset = (page - 1).saturating_mul(per_page);
    if offset >= MAX_RESULTS {
        let total = count(conn, q, now)?;
        return Ok(SearchResults { jobs: Vec::new(), total });
    }
    if q.words.is_empty() && q.location.is_empty() {
        return list_newest(conn, q, now, per_page, offset);
    }
    match conn {
        AnyConnection::Sqlite(_) => {
            let sql = sqlite_text_search(q, now, per_page, offset);
            let rows = sql.load::<RankedCard>(conn)?;
            finish(conn, q, now, rows)
        }
        AnyConnection::Postgresql(_) => {
            let max_id: i64 = jobs::table.select(diesel::dsl::max(jobs::id)).first::<Option<i64>>(conn)?.unwrap_or(0);
            super::transaction(conn, |conn| {
                // The bitmap AND of text index and id range is what makes this
                // fast; left alone the planner walks the id index and reads
                // every row's large vector.
                if let AnyConnection::Postgresql(c) = conn {
                    diesel::sql_query("SET LOCAL enable_indexscan = off").execute(c)?;
                }
                let mut rows = Vec::new();
                for window in PG_WINDOWS {
                    let lowest = window.map(|w| max_id - w).filter(|lowest| *lowest > 0);
                    rows = pg_text_search(q, now, per_page, offset, lowest).load::<RankedCard>(conn)?;
                    let candidates = rows.first().map(|r| r.candidates).unwrap_or(0);
                    if lowest.is_none() || candidates >= CANDIDATES {
                        break;
                    }
                    // Fewer than enough in this window (or an empty page): look further back.
                }
                finish(conn, q, now, rows)
            })
        }
    }
}

/// A card of a word search, with the number of candidates it was ranked among.
#[derive(QueryableByName)]
struct RankedCard {
    #[diesel(embed)]
    card: JobCard,
    #[diesel(sql_type = BigInt)]
    candidates: i64,
}

fn finish(
    conn: &mut AnyConnection,
    q: &SearchQuery,
    now: PrimitiveDateTime,
    rows: Vec<RankedCard>,
) -> QueryResult<SearchResults> {
    let total = match rows.first() {
        Some(r) => r.candidates,
        // An empty page says nothing of the others: count them.
        None => count(conn, q, now)?,
    };
    Ok(SearchResults { jobs: rows.into_iter().map(|r| r.card).collect(), total })
}

/// Newest first, no words: one index walk (skipping to the page over the
/// index only), then the page's rows.
fn list_newest(
    conn: &mut AnyConnection,
    q: &SearchQuery,
    now: PrimitiveDateTime,
    per_page: i64,
    offset: i64,
) -> QueryResult<SearchResults> {
    let total = count(conn, q, now)?;
    if offset >= total {
        return Ok(SearchResults { jobs: Vec::new(), total });
    }
    let mut sql = Sql::new(!conn.is_sqlite());
    sql.push("SELECT ").push(CARD_COLUMNS).push(", NULL AS snippet FROM (SELECT j.id FROM jobs j WHERE ");
    push_filters(&mut sql, q, now);
    sql.push(" ORDER BY j.published_at DESC, j.id DESC LIMIT ").arg(Arg::Int(per_page));
    sql.push(" OFFSET ").arg(Arg::Int(offset));
    sql.push(") p JOIN jobs j ON j.id = p.id JOIN companies c ON c.id = j.company_id");
    sql.push(" ORDER BY j.published_at DESC, j.id DESC");
    Ok(SearchResults { jobs: sql.load::<JobCard>(conn)?, total })
}

/// How many jobs match, counted no further than `MAX_RESULTS + 1`.
fn count(conn: &mut AnyConnection, q: &SearchQuery, now: PrimitiveDateTime) -> QueryResult<i64> {
    let pg = !conn.is_sqlite();
    let text = !q.words.is_empty() || !q.location.is_empty();
    let mut sql = Sql::new(pg);
    sql.push("SELECT count(*) AS n FROM (SELECT 1 FROM ");
    match (text, pg) {
        (false, _) => {
            sql.push("jobs j WHERE ");
        }
        (true, false) => {
            sql.push("jobs_fts f JOIN jobs j ON j.id = f.rowid WHERE jobs_fts MATCH ").arg(Arg::Text(fts5_match(q)));
            sql.push(" AND ");
        }
        (true, true) => {
            sql.push("jobs j WHERE j.search @@ ");
            push_pg_tsquery(&mut sql, q);
            sql.push(" AND ");
        }
    }
    push_filters(&mut sql, q, now);
    if !text && q.company_id.is_none() {
        // In index order, so the walk uses the listing index and stops early.
        sql.push(" ORDER BY j.published_at DESC, j.id DESC");
    }
    sql.push(" LIMIT ").arg(Arg::Int(MAX_RESULTS + 1)).push(") matches");
    Ok(sql.load::<Count>(conn)?.first().map(|c| c.n).unwrap_or(0))
}

/// SQLite: the newest matches straight from the FTS index (rowid order, so
/// it stops after `CANDIDATES`), bm25 for those only, the page in rank order,
/// and snippets for the page only.
fn sqlite_text_search(q: &SearchQuery, now: PrimitiveDateTime, per_page: i64, offset: i64) -> Sql {
    let ranked = !q.words.is_empty();
    let matching = fts5_match(q);
    let mut sql = Sql::new(false);
    sql.push("WITH candidates AS MATERIALIZED (SELECT f.rowid AS id, ");
    sql.push(if ranked { "f.rank" } else { "0.0" });
    sql.push(
        " AS score, j.published_at AS published FROM jobs_fts f JOIN jobs j ON j.id = f.rowid WHERE jobs_fts MATCH ",
    );
    sql.arg(Arg::Text(matching.clone())).push(" AND ");
    push_filters(&mut sql, q, now);
    sql.push(" ORDER BY f.rowid DESC LIMIT ").arg(Arg::Int(CANDIDATES)).push(")");
    sql.push(" SELECT ").push(CARD_COLUMNS);
    if ranked {
        sql.push(", snippet(jobs_fts, 1, char(2), char(3), '…', 24) AS snippet");
    } else {
        sql.push(", NULL AS snippet");
    }
    sql.push(", (SELECT count(*) FROM candidates) AS candidates");
    sql.push(" FROM (SELECT * FROM candidates ORDER BY score, published DESC, id DESC LIMIT ").arg(Arg::Int(per_page));
    sql.push(" OFFSET ").arg(Arg::Int(offset)).push(") p");
    sql.push(" JOIN jobs_fts ON jobs_fts.rowid = p.id JOIN jobs j ON j.id = p.id");
    sql.push(" JOIN companies c ON c.id = j.company_id WHERE jobs_fts MATCH ").arg(Arg::Text(matching));
    sql.push(" ORDER BY p.score, p.published DESC, p.id DESC");
    sql
}

/// PostgreSQL: the newest matches (ids above `lowest`, when given), ranked by
/// the small title/company/location vector (title weighs most; a match in
/// the description only ranks after them), headlines for the page only.
fn pg_text_search(q: &SearchQuery, now: PrimitiveDateTime, per_page: i64, offset: i64, lowest: Option<i64>) -> Sql {
    let ranked = !q.words.is_empty();
    let mut sql = Sql::new(true);
    sql.push("WITH candidates AS MATERIALIZED (SELECT j.id, ");
    if ranked {
        sql.push("ts_rank('{0.1, 0.2, 0.4, 1.0}', j.search_head, ");
        push_pg_tsquery(&mut sql, q);
        sql.push(")");
    } else {
        sql.push("0.0::real");
    }
    sql.push(" AS score, j.published_at AS published FROM jobs j WHERE j.search @@ ");
    push_pg_tsquery(&mut sql, q);
    if let Some(lowest) = lowest {
        sql.push(" AND j.id > ").arg(Arg::Int(lowest));
    }
    sql.push(" AND ");
    push_filters(&mut sql, q, now);
    sql.push(" ORDER BY j.id DESC LIMIT ").arg(Arg::Int(CANDIDATES)).push(")");
    sql.push(" SELECT ").push(CARD_COLUMNS);
    if ranked {
        sql.push(", ts_headline('english', j.description, plainto_tsquery('english', ")
            .arg(Arg::Text(q.words.join(" ")))
            .push("), ")
            .arg(Arg::Text(format!(
                "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=28, MinWords=12, ShortWord=2, \
                 MaxFragments=2, FragmentDelimiter=\" … \""
            )))
            .push(") AS snippet");
    } else {
        sql.push(", NULL AS snippet");
    }
    sql.push(", (SELECT count(*) FROM candidates) AS candidates");
    sql.push(" FROM (SELECT * FROM candidates ORDER BY score DESC, published DESC, id DESC LIMIT ")
        .arg(Arg::Int(per_page));
    sql.push(" OFFSET ").arg(Arg::Int(offset)).push(") p");
    sql.push(" JOIN jobs j ON j.id = p.id JOIN companies c ON c.id = j.company_id");
    sql.push(" ORDER BY p.score DESC, p.published DESC, p.id DESC");
    sql
}

/// The PostgreSQL tsquery of a search: the words (as plain text, so no
/// operator survives) and the location's weight-C words.
fn push_pg_tsquery(sql: &mut Sql, q: &SearchQuery) {
    let words = (!q.words.is_empty()).then(|| q.words.join(" "));
    let location = (!q.location.is_empty()).then(|| pg_location_query(&q.location));
    match (words, location) {
        (Some(w), Some(l)) => {
            sql.push("(plainto_tsquery('english', ").arg(Arg::Text(w));
            sql.push(") && to_tsquery('english', ").arg(Arg::Text(l)).push("))");
        }
        (Some(w), None) => {
            sql.push("plainto_tsquery('english', ").arg(Arg::Text(w)).push(")");
        }
        (None, Some(l)) => {
            sql.push("to_tsquery('english', ").arg(Arg::Text(l)).push(")");
        }
        (None, None) => {
            sql.push("''::tsquery");
        }
    }
}

/// Search results kept in memory, valid only for the data version they were
/// computed at and until the next closing date passes, so a cached page is
/// always the page a fresh query would give. One per HTTP worker.
pub struct SearchCache(quick_cache::sync::Cache<SearchQuery, Arc<CachedResults>>);

pub struct CachedResults {
    version: i64,
    fresh_until: Option<PrimitiveDateTime>,
    pub results: SearchResults,
}

impl SearchCache {
    pub fn new(capacity: usize) -> Self {
        SearchCache(quick_cache::sync::Cache::new(capacity))
    }
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    next_closing: Option<PrimitiveDateTime>,
}

/// `search`, answered from the cache when nothing changed since.
pub fn search_cached(
    conn: &mut AnyConnection,
    cache: &SearchCache,
    q: &SearchQuery,
    now: PrimitiveDateTime,
) -> QueryResult<Arc<CachedResults>> {
    let mut sql = Sql::new(!conn.is_sqlite());
    sql.push("SELECT v.version, (SELECT min(j.closes_at) FROM jobs j WHERE j.status = 'open' AND j.closes_at > ");
    sql.arg(Arg::Time(now)).push(") AS next_closing FROM jobs_version v WHERE v.id = 1");
    let state = sql.load::<DataVersion>(conn)?.into_iter().next();
    let Some(state) = state else {
        return Ok(Arc::new(CachedResults { version: -1, fresh_until: None, results: search(conn, q, now)? }));
    };
    if let Some(hit) = cache.0.get(q)
        && hit.version == state.version
        && hit.fresh_until.is_none_or(|t| now < t)
    {
        return Ok(hit);
    }
    let fresh = Arc::new(CachedResults {
        version: state.version,
        fresh_until: state.next_closing,
        results: search(conn, q, now)?,
    });
    cache.0.insert(q.clone(), fresh.clone());
    Ok(fresh)
}

/// The newest open jobs (home page).
pub fn latest(conn: &mut AnyConnection, cache: &SearchCache, n: i64) -> QueryResult<Vec<JobCard>> {
    let q = SearchQuery { page: 1, per_page: n, ..Default::default() };
    Ok(search_cached(conn, cache, &q, super::now())?.results.jobs.clone())
}

/// A job with its company, as the job page shows it.
pub fn find_with_company(conn: &mut AnyConnection, id: i64) -> QueryResult<(Job, super::companies::Company)> {
    jobs::table
        .inner_join(companies::table)
        .filter(jobs::id.eq(id))
        .select((Job::as_select(), super::companies::Company::as_select()))
        .first(conn)
}

// ---------------------------------------------------------------------------
// The employer's list

/// A job in its company's list, with how many people applied.
#[derive(Debug, Clone)]
pub struct ManagedJob {
    pub job: Job,
    pub applicants: i64,
}

#[derive(Debug, Clone, Default)]
pub struct StatusCounts {
    pub draft: i64,
    pub open: i64,
    pub closed: i64,
}

impl StatusCounts {
    pub fn all(&self) -> i64 {
        self.draft + self.open + self.closed
    }
}

/// Jobs of the scope, every status (or one), newest first, with applicant counts.
pub fn list_managed(
    conn: &mut AnyConnection,
    scope: Scope,
    status: Option<JobStatus>,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<ManagedJob>, i64)> {
    let mut query = jobs::table.select(Job::as_select()).into_boxed();
    let mut count = jobs::table.select(count_star()).into_boxed();
    if let Scope::Company(id) = scope {
        query = query.filter(jobs::company_id.eq(id));
        count = count.filter(jobs::company_id.eq(id));
    }
    if let Some(status) = status {
        query = query.filter(jobs::status.eq(status));
        count = count.filter(jobs::status.eq(status));
    }
    let total: i64 = count.first(conn)?;
    let list: Vec<Job> = query
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .limit(per_page)
        .offset((page.max(1) - 1).saturating_mul(per_page))
        .load(conn)?;
    let counts = applicant_counts(conn, &list)?;
    let jobs = list.into_iter().zip(counts).map(|(job, applicants)| ManagedJob { job, applicants }).collect();
    Ok((jobs, total))
}

/// How many people applied to each of `jobs`, in the same order.
pub fn applicant_counts(conn: &mut AnyConnection, jobs: &[Job]) -> QueryResult<Vec<i64>> {
    let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
    let counts: Vec<(Option<i64>, i64)> = applicants::table
        .filter(applicants::job_id.eq_any(&ids))
        .group_by(applicants::job_id)
        .select((applicants::job_id, count_star()))
        .load(conn)?;
    Ok(ids.iter().map(|id| counts.iter().find(|(job, _)| *job == Some(*id)).map(|(_, n)| *n).unwrap_or(0)).collect())
}

/// How many jobs of the company are in each status.
pub fn status_counts(conn: &mut AnyConnection, company_id: i64) -> QueryResult<StatusCounts> {
    let rows: Vec<(JobStatus, i64)> = jobs::table
        .filter(jobs::company_id.eq(company_id))
        .group_by(jobs::status)
        .select((jobs::status, count_star()))
        .load(conn)?;
    let mut counts = StatusCounts::default();
    for (status, n) in rows {
        match status {
            JobStatus::Draft => counts.draft = n,
            JobStatus::Open => counts.open = n,
            JobStatus::Closed => counts.closed = n,
        }
    }
    Ok(counts)
}

// ---------------------------------------------------------------------------
// Saved jobs

/// Saves a job for a seeker (saving twice keeps one mark).
pub fn save(conn: &mut AnyConnection, user_id: i64, job_id: i64) -> QueryResult<()> {
    super::transaction(conn, |conn| {
        let exists: bool = diesel::select(diesel::dsl::exists(
            saved_jobs::table.filter(saved_jobs::user_id.eq(user_id)).filter(saved_jobs::job_id.eq(job_id)),
        ))
        .get_result(conn)?;
        if !exists {
            diesel::insert_into(saved_jobs::table)
                .values((
                    saved_jobs::user_id.eq(user_id),
                    saved_jobs::job_id.eq(job_id),
                    saved_jobs::created_at.eq(super::now()),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn unsave(conn: &mut AnyConnection, user_id: i64, job_id: i64) -> QueryResult<bool> {
    let n =
        diesel::delete(saved_jobs::table.filter(saved_jobs::user_id.eq(user_id)).filter(saved_jobs::job_id.eq(job_id)))
            .execute(conn)?;
    Ok(n == 1)
}

/// Which of these jobs the seeker saved.
pub fn saved_among(conn: &mut AnyConnection, user_id: i64, job_ids: &[i64]) -> QueryResult<Vec<i64>> {
    if job_ids.is_empty() {
        return Ok(Vec::new());
    }
    saved_jobs::table
        .filter(saved_jobs::user_id.eq(user_id))
        .filter(saved_jobs::job_id.eq_any(job_ids))
        .select(saved_jobs::job_id)
        .load(conn)
}

/// A saved job with its company and when it was saved.
#[derive(Debug, Clone)]
pub struct SavedJob {
    pub job: Job,
    pub company_name: String,
    pub company_slug: String,
    pub saved_at: PrimitiveDateTime,
}

/// The seeker's saved jobs, most recently saved first (drafts never show).
pub fn list_saved(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<SavedJob>> {
    let rows: Vec<(Job, String, String, PrimitiveDateTime)> = saved_jobs::table
        .inner_join(jobs::table.inner_join(companies::table))
        .filter(saved_jobs::user_id.eq(user_id))
        .filter(jobs::status.ne(JobStatus::Draft))
        .order((saved_jobs::created_at.desc(), jobs::id.desc()))
        .limit(500)
        .select((Job::as_select(), companies::name, companies::slug, saved_jobs::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(job, company_name, company_slug, saved_at)| SavedJob { job, company_name, company_slug, saved_at })
        .collect())
}

/// When the seeker applied to the job, if they did.
pub fn applied_at(conn: &mut AnyConnection, seeker_id: i64, job_id: i64) -> QueryResult<Option<PrimitiveDateTime>> {
    applicants::table
        .filter(applicants::seeker_id.eq(seeker_id))
        .filter(applicants::job_id.eq(job_id))
        .select(applicants::created_at)
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts5_query_quotes_every_word() {
        let q = SearchQuery {
            words: vec!["rust".into(), "near".into()],
            location: vec!["berlin".into()],
            ..Default::default()
        };
        assert_eq!(fts5_match(&q), r#"("rust" "near") AND {location} : ("berlin")"#);
    }

    #[test]
    fn pg_location_query_is_weighted_lexemes() {
        assert_eq!(pg_location_query(&["new".into(), "york".into()]), "'new':C & 'york':C");
    }
}
