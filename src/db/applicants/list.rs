//! The CRM's applicant list: filters, full-text search (FTS5 / tsquery), sort, pages and counts.

use diesel::connection::SimpleConnection;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

use super::{Applicant, lower, person_name};
use crate::db::schema::{applicants, companies, jobs, users};
use crate::db::sql::Backend;
use crate::db::{AnyConnection, MultiBackend};
use crate::domain::{ApplicantFilter, ApplicantSort, ApplicantStatus, AssigneeFilter, SearchTerms, Stage};

/// One line of the list, the board or the CSV.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub applicant: Applicant,
    pub job_title: Option<String>,
    pub company_name: String,
    pub assignee_name: Option<String>,
    pub tags: Vec<String>,
    /// The company's name for the applicant's step, when at one.
    pub step_name: Option<String>,
}

impl ListRow {
    /// Where the applicant is, as the company calls it.
    pub fn stage_label(&self) -> &str {
        self.step_name.as_deref().unwrap_or(self.applicant.stage.label())
    }
}

/// The pipeline order as SQL, for `sort=stage` (the same text as the index on it).
const STAGE_RANK_SQL: &str = "(CASE stage WHEN 'applied' THEN 0 WHEN 'screening' THEN 1 \
                              WHEN 'interview' THEN 2 WHEN 'offer' THEN 3 WHEN 'hired' THEN 4 ELSE 5 END)";

/// The list's filters as the tag words both full-text indexes carry for
/// every applicant (`company7 stageinterview statusopen typefulltime
/// assigneenone job12`, see the migration `applicant_search`), so a filtered
/// search is answered by the full-text index alone.
fn tag_words(filter: &ApplicantFilter) -> Vec<String> {
    let mut tags = Vec::new();
    if let Some(company) = filter.company_id {
        tags.push(format!("company{company}"));
    }
    if let Some(job) = filter.job_id {
        tags.push(format!("job{job}"));
    }
    if let Some(stage) = filter.stage {
        tags.push(format!("stage{}", stage.as_str()));
    }
    if let Some(status) = filter.status {
        tags.push(format!("status{}", status.as_str()));
    }
    if let Some(kind) = filter.employment_type {
        tags.push(format!("type{}", kind.as_str().replace('_', "")));
    }
    match filter.assignee {
        AssigneeFilter::Any => {}
        AssigneeFilter::Nobody => tags.push("assigneenone".into()),
        AssigneeFilter::User(id) => tags.push(format!("assignee{id}")),
    }
    tags
}

/// The filter and the search as one FTS5 expression (SQLite). Every search
/// term must match as whole words (a phrase, for `ann.lee@x.com`) in the name,
/// the e-mail or the resume; tokens hold letters and digits only, so nothing
/// typed is read as query syntax. (No prefix matching: a prefix of a common
/// word makes FTS5 merge that word's whole doclist, dearer than the page.)
fn fts5_query(filter: &ApplicantFilter, terms: &SearchTerms) -> String {
    tag_words(filter)
        .into_iter()
        .map(|t| format!("tags : {t}"))
        .chain(terms.terms().iter().map(|tokens| format!("{{name email resume}} : \"{}\"", tokens.join(" "))))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The same as a tsquery (PostgreSQL), where tags are spelt `company7@tag.jc`
/// (see the migration: a typed word can never be one).
fn tsquery(filter: &ApplicantFilter, terms: &SearchTerms) -> String {
    tag_words(filter)
        .into_iter()
        .map(|t| format!("'{t}@tag.jc'"))
        .chain(
            terms.terms().iter().map(|tokens| {
                format!("({})", tokens.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(" <-> "))
            }),
        )
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The one search place: a full-text match per backend (FTS5 on SQLite,
/// tsvector on PostgreSQL), filters included.
fn search_condition(
    filter: &ApplicantFilter,
    terms: &SearchTerms,
    backend: Backend,
) -> Box<dyn BoxableExpression<applicants::table, MultiBackend, SqlType = Bool>> {
    if backend == Backend::Sqlite {
        Box::new(
            sql::<Bool>("applicants.id IN (SELECT rowid FROM applicants_fts WHERE applicants_fts MATCH ")
                .bind::<Text, _>(fts5_query(filter, terms))
                .sql(")"),
        )
    } else {
        Box::new(
            sql::<Bool>("applicants.search_document @@ to_tsquery('simple', ")
                .bind::<Text, _>(tsquery(filter, terms))
                .sql(")"),
        )
    }
}

/// The applicants matching a filter, unordered, as a query to refine.
fn filtered<'a>(filter: &ApplicantFilter, backend: Backend) -> applicants::BoxedQuery<'a, MultiBackend> {
    // A record merged into another is seen only through that one.
    let mut query = applicants::table.filter(applicants::merged_into.is_null()).into_boxed::<MultiBackend>();
    match (filter.company_id, filter.job_id) {
        (None, _) => {}
        (Some(company), None) => query = query.filter(applicants::company_id.eq(company)),
        // With a job, the job's few applicants are the place to start: the
        // unary plus keeps the company's (large) indexes from leading the plan.
        (Some(company), Some(_)) => {
            query = query.filter(sql::<Bool>("+applicants.company_id = ").bind::<diesel::sql_types::BigInt, _>(company))
        }
    }
    if let Some(job) = filter.job_id {
        query = query.filter(applicants::job_id.eq(job));
    }
    if let Some(stage) = filter.stage {
        query = query.filter(applicants::stage.eq(stage));
    }
    if let Some(step) = filter.step_id {
        query = query.filter(applicants::step_id.eq(step));
    }
    if let Some(status) = filter.status {
        query = query.filter(applicants::status.eq(status));
    }
    if let Some(kind) = filter.employment_type {
        query = query.filter(applicants::employment_type.eq(kind));
    }
    match filter.assignee {
        AssigneeFilter::Any => {}
        AssigneeFilter::Nobody => query = query.filter(applicants::assignee_id.is_null()),
        AssigneeFilter::User(id) => query = query.filter(applicants::assignee_id.eq(id)),
    }
    if let Some(days) = filter.idle_days {
        query = query.filter(idle_since(days));
    }
    if let Some(tag) = &filter.tag {
        let tagged = sql::<Bool>("applicants.id IN (SELECT applicant_id FROM applicant_tags WHERE tag = ")
            .bind::<Text, _>(tag.as_str().to_string());
        query = match filter.company_id {
            // The company's tag index holds the ids: no applicant row is read.
            Some(company) => {
                query.filter(tagged.sql(" AND company_id = ").bind::<diesel::sql_types::BigInt, _>(company).sql(")"))
            }
            None => query.filter(tagged.sql(")")),
        };
    }
    if let Some(terms) = &filter.search {
        query = query.filter(search_condition(filter, terms, backend));
    }
    query
}

/// Open (a withdrawal closes an application) and nothing done for `days`
/// days (every change and timeline line moves `updated_at`, see `record_event`).
fn idle_since(days: i64) -> Box<dyn BoxableExpression<applicants::table, MultiBackend, SqlType = Bool>> {
    let before = crate::db::now() - time::Duration::days(days);
    Box::new(applicants::status.eq(ApplicantStatus::Open).and(applicants::updated_at.lt(before)))
}

/// How many of a company's open applicants have waited `days` days or more
/// with nothing done (counted up to `COUNT_CAP + 1`), for the list's reminder.
pub fn idle_count(conn: &mut AnyConnection, company_id: i64, days: i64) -> QueryResult<i64> {
    // The condition of `idle_since`, counted in the database (an index range
    // of the company's list index) rather than by fetching the ids: this
    // runs on every landing view.
    let query = diesel::sql_query(
        "SELECT count(*) AS n FROM (SELECT 1 FROM applicants \
         WHERE company_id = $1 AND status = 'open' AND updated_at < $2 AND merged_into IS NULL LIMIT $3) idle",
    )
    .bind::<diesel::sql_types::BigInt, _>(company_id)
    .bind::<diesel::sql_types::Timestamp, _>(crate::db::now() - time::Duration::days(days))
    .bind::<diesel::sql_types::BigInt, _>(COUNT_CAP + 1);
    let counted = match conn {
        AnyConnection::Sqlite(c) => query.get_result::<Count>(c)?,
        AnyConnection::Postgresql(c) => query.get_result::<Count>(c)?,
    };
    Ok(counted.n)
}

fn ordered<'a>(
    query: applicants::BoxedQuery<'a, MultiBackend>,
    sort: ApplicantSort,
) -> applicants::BoxedQuery<'a, MultiBackend> {
    match sort {
        // Arrival order: ids grow with created_at (both are set at insert).
        ApplicantSort::Newest => query.order(applicants::id.desc()),
        ApplicantSort::Oldest => query.order(applicants::id.asc()),
        ApplicantSort::Name => query.order((lower(applicants::name).asc(), applicants::id.asc())),
        // Pipeline order, newest first within a stage (as the index on it).
        ApplicantSort::Stage => query.order((sql::<Integer>(STAGE_RANK_SQL).asc(), applicants::id.desc())),
        ApplicantSort::Updated => query.order((applicants::updated_at.desc(), applicants::id.desc())),
    }
}

/// Counts stop here: past it the list says "1,000+". An exact count of a
/// large company's applicants on every page view costs more than the page.
pub const COUNT_CAP: i64 = 1000;

/// One page of the list.
#[derive(Debug, Default)]
pub struct Listing {
    pub rows: Vec<ListRow>,
    /// How many match: exact up to `COUNT_CAP`; `COUNT_CAP + 1` means more.
    pub total: i64,
    /// Whether a page follows this one.
    pub has_next: bool,
}

impl Listing {
    pub fn total_is_capped(&self) -> bool {
        self.total > COUNT_CAP
    }
}

/// How the PostgreSQL planner should read a search. It cannot know that
/// testing a row's tsvector costs a detoast (microseconds, not nanoseconds),
/// so left alone it walks thousands of rows for a rare word, or reads a whole
/// GIN result in order to sort it for a common one. We know which case we
/// are in from the capped count, and say so for the one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// No advice.
    Any,
    /// Few matches: take them from the GIN index (bitmap scans only).
    FromIndex,
    /// Many matches: walk an ordered index and test each row (no bitmap).
    InOrder,
}

fn with_plan<T>(
    conn: &mut AnyConnection,
    plan: Plan,
    f: impl FnOnce(&mut AnyConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    // One round trip for the advice (a simple query may hold several statements).
    let settings = match (conn.is_sqlite(), plan) {
        (true, _) | (false, Plan::Any) => return f(conn),
        (false, Plan::FromIndex) => {
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off"
        }
        (false, Plan::InOrder) => "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off",
    };
    conn.transaction(|c| {
        c.batch_execute(settings)?;
        f(c)
    })
}

/// One page of the list. With a search, the matches are counted first (up to
/// the cap) from the full-text index alone; few matches are then taken whole
/// and sorted, many are read in list order until the page is full.
pub fn list_page(conn: &mut AnyConnection, filter: &ApplicantFilter, page: i64, per_page: i64) -> QueryResult<Listing> {
    let offset = (page.max(1) - 1) * per_page;
    // One more than a page, to know whether another follows.
    let fetch = per_page + 1;
    let backend = Backend::of(conn);
    let (mut ids, total) = match filter.search.as_ref().filter(|_| filter.full_text_alone()) {
        None => {
            let total =
                filtered(filter, backend).select(applicants::id).limit(COUNT_CAP + 1).load::<i64>(conn)?.len() as i64;
            (page_ids(conn, filter, offset, fetch, Plan::Any)?, total)
        }
        Some(terms) => {
            let (few, total) = match &mut *conn {
                AnyConnection::Sqlite(c) => (None, fts5_count(c, &fts5_query(filter, terms))?),
                AnyConnection::Postgresql(_) => {
                    let (ids, total) = with_plan(conn, Plan::FromIndex, |c| match c {
                        AnyConnection::Postgresql(c) => pg_few_matches(c, filter, terms, offset, fetch),
                        AnyConnection::Sqlite(_) => unreachable!("matched as PostgreSQL above"),
                    })?;
                    (Some(ids), total)
                }
            };
            let ids = match few {
                _ if total > COUNT_CAP => many_matches(conn, filter, terms, offset, fetch)?,
                Some(ids) => ids,
                None if offset >= total => Vec::new(),
                None => page_ids(conn, filter, offset, fetch, Plan::Any)?,
            };
            (ids, total)
        }
    };
    let has_next = ids.len() as i64 > per_page;
    ids.truncate(per_page as usize);
    let mut rows = rows_by_ids(conn, &ids)?;
    // Never show a row outside the scope, whatever index found it.
    rows.retain(|r| filter.company_id.is_none_or(|c| r.applicant.company_id == c));
    Ok(Listing { rows, total, has_next })
}

fn page_ids(
    conn: &mut AnyConnection,
    filter: &ApplicantFilter,
    offset: i64,
    fetch: i64,
    plan: Plan,
) -> QueryResult<Vec<i64>> {
    let backend = Backend::of(conn);
    let base = filtered(filter, backend);
    with_plan(conn, plan, |c| ordered(base, filter.sort).select(applicants::id).limit(fetch).offset(offset).load(c))
}

/// PostgreSQL: a search's matches (up to the cap) taken once from the GIN
/// index, counted, and the page of them in list order, in one statement. The
/// page is of use only when the count is within the cap.
fn pg_few_matches(
    conn: &mut diesel::PgConnection,
    filter: &ApplicantFilter,
    terms: &SearchTerms,
    offset: i64,
    fetch: i64,
) -> QueryResult<(Vec<i64>, i64)> {
    let order = match filter.sort {
        ApplicantSort::Newest => "id DESC".to_string(),
        ApplicantSort::Oldest => "id ASC".to_string(),
        ApplicantSort::Name => "lower(name) ASC, id ASC".to_string(),
        ApplicantSort::Stage => format!("{STAGE_RANK_SQL} ASC, id DESC"),
        ApplicantSort::Updated => "updated_at DESC, id DESC".to_string(),
    };
    let rows = diesel::sql_query(format!(
        "WITH m AS MATERIALIZED (SELECT id, name, stage, updated_at FROM applicants \
           WHERE search_document @@ to_tsquery('simple', $1) AND merged_into IS NULL LIMIT $2), \
         p AS (SELECT id, row_number() OVER (ORDER BY {order}) AS pos FROM m ORDER BY {order} LIMIT $3 OFFSET $4) \
         SELECT (SELECT count(*) FROM m) AS n, p.id FROM (SELECT 1) one LEFT JOIN p ON true ORDER BY p.pos"
    ))
    .bind::<Text, _>(tsquery(filter, terms))
    .bind::<diesel::sql_types::BigInt, _>(COUNT_CAP + 1)
    .bind::<diesel::sql_types::BigInt, _>(fetch)
    .bind::<diesel::sql_types::BigInt, _>(offset)
    .load::<CountedId>(conn)?;
    let total = rows.first().map(|r| r.n).unwrap_or(0);
    Ok((rows.into_iter().filter_map(|r| r.id).collect(), total))
}

#[derive(QueryableByName)]
struct CountedId {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    id: Option<i64>,
}

/// A page of a search that matches more than the cap: read in list order.
fn many_matches(
    conn: &mut AnyConnection,
    filter: &ApplicantFilter,
    terms: &SearchTerms,
    offset: i64,
    fetch: i64,
) -> QueryResult<Vec<i64>> {
    let AnyConnection::Sqlite(c) = conn else {
        return page_ids(conn, filter, offset, fetch, Plan::InOrder);
    };
    match filter.sort {
        // The FTS index keeps rowid (= arrival) order.
        ApplicantSort::Newest | ApplicantSort::Oldest => {
            let direction = if filter.sort == ApplicantSort::Newest { "DESC" } else { "ASC" };
            fts5_ids(c, &fts5_query(filter, terms), direction, fetch, offset)
        }
        // Pipeline order: stage by stage, newest first within each.
        ApplicantSort::Stage => {
            let wanted = offset + fetch;
            let mut ids: Vec<i64> = Vec::new();
            for stage in Stage::ALL.iter().filter(|s| filter.stage.is_none_or(|f| f == **s)) {
                if ids.len() as i64 >= wanted {
                    break;
                }
                let one = ApplicantFilter { stage: Some(*stage), ..filter.clone() };
                ids.extend(fts5_ids(c, &fts5_query(&one, terms), "DESC", wanted - ids.len() as i64, 0)?);
            }
            Ok(ids.into_iter().skip(offset as usize).collect())
        }
        // By name or by update: the matches are gathered and sorted (the
        // dearest case: a very common word sorted by name).
        ApplicantSort::Name | ApplicantSort::Updated => page_ids(conn, filter, offset, fetch, Plan::Any),
    }
}

/// How many rows an FTS5 expression matches, counting up to `COUNT_CAP + 1`.
fn fts5_count(conn: &mut diesel::SqliteConnection, query: &str) -> QueryResult<i64> {
    Ok(diesel::sql_query(
        "SELECT count(*) AS n FROM (SELECT rowid FROM applicants_fts WHERE applicants_fts MATCH ? \
         AND rowid NOT IN (SELECT id FROM applicants WHERE merged_into IS NOT NULL) LIMIT ?)",
    )
    .bind::<Text, _>(query)
    .bind::<diesel::sql_types::BigInt, _>(COUNT_CAP + 1)
    .get_result::<Count>(conn)?
    .n)
}

/// The applicant ids an FTS5 expression matches, in id order, one window.
fn fts5_ids(
    conn: &mut diesel::SqliteConnection,
    query: &str,
    direction: &'static str,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<i64>> {
    let rows = diesel::sql_query(format!(
        "SELECT rowid AS id FROM applicants_fts WHERE applicants_fts MATCH ? \
         AND rowid NOT IN (SELECT id FROM applicants WHERE merged_into IS NOT NULL) \
         ORDER BY rowid {direction} LIMIT ? OFFSET ?"
    ))
    .bind::<Text, _>(query)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::BigInt, _>(offset)
    .load::<Id>(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// The ids of every matching applicant, in list order (for the CSV).
pub fn matching_ids(conn: &mut AnyConnection, filter: &ApplicantFilter) -> QueryResult<Vec<i64>> {
    let backend = Backend::of(conn);
    ordered(filtered(filter, backend), filter.sort).select(applicants::id).load(conn)
}

/// The list rows of these applicants, in the order of `ids`.
pub fn rows_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<ListRow>> {
    let mut rows: Vec<ListRow> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let found: Vec<(Applicant, Option<String>, String, Option<String>, Option<String>)> = applicants::table
            .inner_join(companies::table)
            .left_join(jobs::table)
            .left_join(users::table.on(users::id.nullable().eq(applicants::assignee_id)))
            .filter(applicants::id.eq_any(chunk))
            .select((
                Applicant::as_select(),
                jobs::title.nullable(),
                companies::name,
                users::display_name.nullable(),
                users::username.nullable(),
            ))
            .load(conn)?;
        let mut tags = super::tags::of_applicants(conn, chunk)?;
        let step_ids: Vec<i64> = found.iter().filter_map(|(a, ..)| a.step_id).collect();
        let steps = crate::db::steps::names(conn, &step_ids)?;
        let mut found: std::collections::HashMap<i64, ListRow> = found
            .into_iter()
            .map(|(applicant, job_title, company_name, display, username)| {
                let assignee_name = person_name(display, username);
                let tags = tags.remove(&applicant.id).unwrap_or_default();
                let step_name = applicant.step_id.and_then(|id| steps.get(&id).cloned());
                (applicant.id, ListRow { applicant, job_title, company_name, assignee_name, tags, step_name })
            })
            .collect();
        rows.extend(chunk.iter().filter_map(|id| found.remove(id)));
    }
    Ok(rows)
}

/// The applicants of one job, for its board (newest first).
pub fn of_job(conn: &mut AnyConnection, job_id: i64) -> QueryResult<Vec<ListRow>> {
    let ids: Vec<i64> = applicants::table
        .filter(applicants::job_id.eq(job_id))
        .filter(applicants::merged_into.is_null())
        .order((applicants::created_at.desc(), applicants::id.desc()))
        .select(applicants::id)
        .load(conn)?;
    rows_by_ids(conn, &ids)
}

/// How many applicants of a job are at each stage (board column counts come
/// from the rows; this serves the job picker).
pub fn counts_by_job(conn: &mut AnyConnection, job_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    if job_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Option<i64>, i64)> = applicants::table
        .filter(applicants::job_id.eq_any(job_ids))
        .filter(applicants::merged_into.is_null())
        .group_by(applicants::job_id)
        .select((applicants::job_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(j, n)| j.map(|j| (j, n))).collect())
}
