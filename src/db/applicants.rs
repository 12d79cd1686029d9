//! Applicants: every application and every candidate added by hand, with
//! their notes and history (the CRM's queries live here).

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};
use time::PrimitiveDateTime;

use super::schema::{applicant_events, applicant_notes, applicants, companies, jobs, outbox, resumes, users};
use super::{AnyConnection, MultiBackend};
use crate::db::audit::{self, AuditRecord};
use crate::db::notifications::{self, NewNotification};
use crate::db::resumes::NewResume;
use crate::domain::{
    ApplicantFields, ApplicantSort, ApplicantSource, ApplicantStatus, AssigneeFilter, EmploymentType, JobStatus, Role,
    SearchTerms, Stage,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = applicants)]
pub struct Applicant {
    pub id: i64,
    pub company_id: i64,
    pub job_id: Option<i64>,
    /// The seeker's account, for applications made on the portal.
    pub seeker_id: Option<i64>,
    pub resume_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub current_company: String,
    pub position: String,
    pub location: String,
    pub years_experience: Option<i32>,
    pub status: ApplicantStatus,
    pub employment_type: EmploymentType,
    pub stage: Stage,
    pub source: ApplicantSource,
    pub cover_letter: String,
    pub withdrawn_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = applicants)]
pub struct NewApplicant<'a> {
    pub company_id: i64,
    pub job_id: Option<i64>,
    pub seeker_id: Option<i64>,
    pub resume_id: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub current_company: &'a str,
    pub position: &'a str,
    pub location: &'a str,
    pub years_experience: Option<i32>,
    pub status: ApplicantStatus,
    pub employment_type: EmploymentType,
    pub stage: Stage,
    pub source: ApplicantSource,
    pub cover_letter: &'a str,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewApplicant) -> QueryResult<Applicant> {
    diesel::insert_into(applicants::table).values(new).returning(applicants::all_columns).get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Applicant> {
    applicants::table.find(id).select(Applicant::as_select()).first(conn)
}

/// One line of an applicant's timeline. Write it in the transaction of the change.
pub fn record_event(
    conn: &mut AnyConnection,
    applicant_id: i64,
    actor_id: Option<i64>,
    kind: &str,
    detail: &str,
    outbox_id: Option<i64>,
) -> QueryResult<()> {
    diesel::insert_into(applicant_events::table)
        .values((
            applicant_events::applicant_id.eq(applicant_id),
            applicant_events::actor_id.eq(actor_id),
            applicant_events::kind.eq(kind),
            applicant_events::detail.eq(detail),
            applicant_events::outbox_id.eq(outbox_id),
            applicant_events::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

// ---- the CRM (applicant management) ----

/// The kinds of timeline rows this area writes (mail and messages add theirs).
pub mod event {
    pub const CREATED: &str = "created";
    pub const STAGE: &str = "stage";
    pub const STATUS: &str = "status";
    pub const TYPE: &str = "type";
    pub const ASSIGNED: &str = "assigned";
    pub const EDITED: &str = "edited";
}

/// Whose applicants a user may reach: an employer their company's, an admin all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Company(i64),
}

impl Scope {
    pub fn allows(&self, company_id: i64) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Company(id) => *id == company_id,
        }
    }

    pub fn company(&self) -> Option<i64> {
        match self {
            Scope::Everything => None,
            Scope::Company(id) => Some(*id),
        }
    }
}

/// What the applicant list shows: every filter of the page, already checked.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The employer's company, or the company an admin chose (None: every company).
    pub company_id: Option<i64>,
    pub job_id: Option<i64>,
    pub stage: Option<Stage>,
    pub status: Option<ApplicantStatus>,
    pub employment_type: Option<EmploymentType>,
    pub assignee: AssigneeFilter,
    pub search: Option<SearchTerms>,
    pub sort: ApplicantSort,
}

/// One line of the list, the board or the CSV.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub applicant: Applicant,
    pub job_title: Option<String>,
    pub company_name: String,
    pub assignee_name: Option<String>,
}

/// The pipeline order as SQL, for `sort=stage` (the same text as the index on it).
const STAGE_RANK_SQL: &str = "(CASE stage WHEN 'applied' THEN 0 WHEN 'screening' THEN 1 \
                              WHEN 'interview' THEN 2 WHEN 'offer' THEN 3 WHEN 'hired' THEN 4 ELSE 5 END)";

diesel::define_sql_function!(fn lower(x: Text) -> Text);

/// The list's filters as the tag words both full-text indexes carry for
/// every applicant (`company7 stageinterview statusopen typefulltime
/// assigneenone job12`, see the migration `applicant_search`), so a filtered
/// search is answered by the full-text index alone.
fn tag_words(filter: &ListFilter) -> Vec<String> {
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
fn fts5_query(filter: &ListFilter, terms: &SearchTerms) -> String {
    tag_words(filter)
        .into_iter()
        .map(|t| format!("tags : {t}"))
        .chain(terms.terms().iter().map(|tokens| format!("{{name email resume}} : \"{}\"", tokens.join(" "))))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The same as a tsquery (PostgreSQL), where tags are spelt `company7@tag.jc`
/// (see the migration: a typed word can never be one).
fn tsquery(filter: &ListFilter, terms: &SearchTerms) -> String {
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
    filter: &ListFilter,
    terms: &SearchTerms,
    sqlite: bool,
) -> Box<dyn BoxableExpression<applicants::table, MultiBackend, SqlType = Bool>> {
    if sqlite {
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
fn filtered<'a>(filter: &ListFilter, sqlite: bool) -> applicants::BoxedQuery<'a, MultiBackend> {
    let mut query = applicants::table.into_boxed::<MultiBackend>();
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
    if let Some(terms) = &filter.search {
        query = query.filter(search_condition(filter, terms, sqlite));
    }
    query
}

/// PostgreSQL, few matches: the GIN condition alone (its tags hold every
/// filter), so the planner does not AND it with a B-tree bitmap of the whole
/// company. The company is checked again on the rows (`list_page`).
fn search_only<'a>(filter: &ListFilter, terms: &SearchTerms) -> applicants::BoxedQuery<'a, MultiBackend> {
    applicants::table.into_boxed::<MultiBackend>().filter(search_condition(filter, terms, false))
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
#[derive(Debug)]
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
    let settings: &[&str] = match (conn.is_sqlite(), plan) {
        (true, _) | (false, Plan::Any) => return f(conn),
        (false, Plan::FromIndex) => &[
            "SET LOCAL enable_seqscan = off",
            "SET LOCAL enable_indexscan = off",
            "SET LOCAL enable_indexonlyscan = off",
        ],
        (false, Plan::InOrder) => &["SET LOCAL enable_bitmapscan = off", "SET LOCAL enable_seqscan = off"],
    };
    conn.transaction(|c| {
        for setting in settings {
            diesel::sql_query(*setting).execute(c)?;
        }
        f(c)
    })
}

/// One page of the list. With a search, the matches are counted first (up to
/// the cap) from the full-text index alone; few matches are then taken whole
/// and sorted, many are read in list order until the page is full.
pub fn list_page(conn: &mut AnyConnection, filter: &ListFilter, page: i64, per_page: i64) -> QueryResult<Listing> {
    let offset = (page.max(1) - 1) * per_page;
    // One more than a page, to know whether another follows.
    let fetch = per_page + 1;
    let sqlite = conn.is_sqlite();
    let (mut ids, total) = match &filter.search {
        None => {
            let total =
                filtered(filter, sqlite).select(applicants::id).limit(COUNT_CAP + 1).load::<i64>(conn)?.len() as i64;
            (page_ids(conn, filter, offset, fetch, Plan::Any)?, total)
        }
        Some(terms) => {
            let total = match &mut *conn {
                AnyConnection::Sqlite(c) => fts5_count(c, &fts5_query(filter, terms))?,
                AnyConnection::Postgresql(_) => with_plan(conn, Plan::FromIndex, |c| {
                    search_only(filter, terms).select(applicants::id).limit(COUNT_CAP + 1).load::<i64>(c)
                })?
                .len() as i64,
            };
            let ids = if total <= COUNT_CAP {
                if offset >= total { Vec::new() } else { page_ids(conn, filter, offset, fetch, Plan::FromIndex)? }
            } else {
                many_matches(conn, filter, terms, offset, fetch)?
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
    filter: &ListFilter,
    offset: i64,
    fetch: i64,
    plan: Plan,
) -> QueryResult<Vec<i64>> {
    let sqlite = conn.is_sqlite();
    let base = match (&filter.search, sqlite, plan) {
        (Some(terms), false, Plan::FromIndex) => search_only(filter, terms),
        _ => filtered(filter, sqlite),
    };
    with_plan(conn, plan, |c| ordered(base, filter.sort).select(applicants::id).limit(fetch).offset(offset).load(c))
}

/// A page of a search that matches more than the cap: read in list order.
fn many_matches(
    conn: &mut AnyConnection,
    filter: &ListFilter,
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
                let one = ListFilter { stage: Some(*stage), ..filter.clone() };
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
        "SELECT count(*) AS n FROM (SELECT rowid FROM applicants_fts WHERE applicants_fts MATCH ? LIMIT ?)",
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
        "SELECT rowid AS id FROM applicants_fts WHERE applicants_fts MATCH ? ORDER BY rowid {direction} LIMIT ? OFFSET ?"
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
pub fn matching_ids(conn: &mut AnyConnection, filter: &ListFilter) -> QueryResult<Vec<i64>> {
    let sqlite = conn.is_sqlite();
    ordered(filtered(filter, sqlite), filter.sort).select(applicants::id).load(conn)
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
        let mut found: std::collections::HashMap<i64, ListRow> = found
            .into_iter()
            .map(|(applicant, job_title, company_name, display, username)| {
                let assignee_name = person_name(display, username);
                (applicant.id, ListRow { applicant, job_title, company_name, assignee_name })
            })
            .collect();
        rows.extend(chunk.iter().filter_map(|id| found.remove(id)));
    }
    Ok(rows)
}

fn person_name(display: Option<String>, username: Option<String>) -> Option<String> {
    match (display, username) {
        (Some(d), _) if !d.is_empty() => Some(d),
        (_, u) => u,
    }
}

/// The applicants of one job, for its board (newest first).
pub fn of_job(conn: &mut AnyConnection, job_id: i64) -> QueryResult<Vec<ListRow>> {
    let ids: Vec<i64> = applicants::table
        .filter(applicants::job_id.eq(job_id))
        .order((applicants::created_at.desc(), applicants::id.desc()))
        .select(applicants::id)
        .load(conn)?;
    rows_by_ids(conn, &ids)
}

/// An applicant the scope may reach; anything else is NotFound.
pub fn find_in_scope(conn: &mut AnyConnection, scope: Scope, id: i64) -> QueryResult<Applicant> {
    let applicant = find(conn, id)?;
    if scope.allows(applicant.company_id) { Ok(applicant) } else { Err(diesel::result::Error::NotFound) }
}

/// A job offered in a select: of the company, any status.
#[derive(Debug, Clone, Queryable)]
pub struct JobChoice {
    pub id: i64,
    pub company_id: i64,
    pub title: String,
    pub status: JobStatus,
}

/// The jobs of a company (every company's when None, capped), newest first.
pub fn job_choices(conn: &mut AnyConnection, company_id: Option<i64>) -> QueryResult<Vec<JobChoice>> {
    let mut query = jobs::table
        .select((jobs::id, jobs::company_id, jobs::title, jobs::status))
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .into_boxed();
    match company_id {
        Some(c) => query = query.filter(jobs::company_id.eq(c)),
        None => query = query.limit(0),
    }
    query.load(conn)
}

/// How many jobs the list's job filter offers: the most recent ones (and
/// the one chosen). Every job is reachable from the job overview.
pub const JOB_FILTER_CHOICES: i64 = 100;

/// The jobs the list's job filter offers, newest first, and whether the
/// company has more than those.
pub fn job_filter_choices(
    conn: &mut AnyConnection,
    company_id: Option<i64>,
    selected: Option<i64>,
) -> QueryResult<(Vec<JobChoice>, bool)> {
    let Some(company) = company_id else { return Ok((Vec::new(), false)) };
    let mut jobs: Vec<JobChoice> = jobs::table
        .filter(jobs::company_id.eq(company))
        .select((jobs::id, jobs::company_id, jobs::title, jobs::status))
        // Not by id: PostgreSQL would walk the whole primary key backwards
        // looking for this company's jobs.
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .limit(JOB_FILTER_CHOICES + 1)
        .load(conn)?;
    let more = jobs.len() as i64 > JOB_FILTER_CHOICES;
    jobs.truncate(JOB_FILTER_CHOICES as usize);
    if let Some(job) = selected.filter(|id| !jobs.iter().any(|j| j.id == *id)) {
        if let Some(found) = jobs::table
            .find(job)
            .filter(jobs::company_id.eq(company))
            .select((jobs::id, jobs::company_id, jobs::title, jobs::status))
            .first::<JobChoice>(conn)
            .optional()?
        {
            jobs.insert(0, found);
        }
    }
    Ok((jobs, more))
}

/// A job the scope may reach (its board, its applicants).
pub fn job_in_scope(conn: &mut AnyConnection, scope: Scope, job_id: i64) -> QueryResult<JobChoice> {
    let job: JobChoice =
        jobs::table.find(job_id).select((jobs::id, jobs::company_id, jobs::title, jobs::status)).first(conn)?;
    if scope.allows(job.company_id) { Ok(job) } else { Err(diesel::result::Error::NotFound) }
}

/// Every company by name (the admin's company filter).
pub fn company_choices(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, String)>> {
    companies::table
        .select((companies::id, companies::name))
        .order((companies::name.asc(), companies::id.asc()))
        .load(conn)
}

/// A person who may hold applicants.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Who applicants of a company may be assigned to: its active employers and
/// every active admin (only admins, when no company is given).
pub fn assignable_people(conn: &mut AnyConnection, company_id: Option<i64>) -> QueryResult<Vec<Person>> {
    let mut query = users::table
        .filter(users::is_active.eq(true))
        .select((users::id, users::display_name, users::username, users::role))
        .order((users::role.asc(), lower(users::username).asc()))
        .into_boxed();
    query = match company_id {
        Some(c) => {
            query.filter(users::role.eq(Role::Admin).or(users::role.eq(Role::Employer).and(users::company_id.eq(c))))
        }
        None => query.filter(users::role.eq(Role::Admin)),
    };
    let rows: Vec<(i64, String, String, Role)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, display, username, role)| Person {
            id,
            name: if display.is_empty() { username } else { display },
            role,
        })
        .collect())
}

/// True when `user_id` may hold applicants of the company: an active admin,
/// or an active employer of that company.
pub fn can_hold(conn: &mut AnyConnection, user_id: i64, company_id: i64) -> QueryResult<bool> {
    let user = users::table
        .find(user_id)
        .select((users::role, users::company_id, users::is_active))
        .first::<(Role, Option<i64>, bool)>(conn)
        .optional()?;
    Ok(match user {
        Some((Role::Admin, _, true)) => true,
        Some((Role::Employer, Some(c), true)) => c == company_id,
        _ => false,
    })
}

/// Everything the applicant page shows beside notes and timeline.
#[derive(Debug, Clone)]
pub struct Detail {
    pub applicant: Applicant,
    pub company_name: String,
    pub job_title: Option<String>,
    pub assignee_name: Option<String>,
    /// The linked resume's id and file name.
    pub resume: Option<(i64, String)>,
}

pub fn detail(conn: &mut AnyConnection, scope: Scope, id: i64) -> QueryResult<Detail> {
    let applicant = find_in_scope(conn, scope, id)?;
    let row = rows_by_ids(conn, &[id])?.pop().ok_or(diesel::result::Error::NotFound)?;
    let resume = match applicant.resume_id {
        Some(rid) => resumes::table
            .find(rid)
            .select((resumes::id, resumes::file_name))
            .first::<(i64, String)>(conn)
            .optional()?,
        None => None,
    };
    Ok(Detail {
        applicant,
        company_name: row.company_name,
        job_title: row.job_title,
        assignee_name: row.assignee_name,
        resume,
    })
}

#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: i64,
    pub body: String,
    pub author_name: Option<String>,
    pub created_at: PrimitiveDateTime,
}

/// The notes of an applicant, oldest first.
pub fn notes(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<NoteRow>> {
    let rows: Vec<(i64, String, PrimitiveDateTime, Option<String>, Option<String>)> = applicant_notes::table
        .left_join(users::table.on(users::id.nullable().eq(applicant_notes::author_id)))
        .filter(applicant_notes::applicant_id.eq(applicant_id))
        .order(applicant_notes::id.asc())
        .select((
            applicant_notes::id,
            applicant_notes::body,
            applicant_notes::created_at,
            users::display_name.nullable(),
            users::username.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, body, created_at, display, username)| NoteRow {
            id,
            body,
            author_name: person_name(display, username),
            created_at,
        })
        .collect())
}

/// One line of the timeline, with the delivery state of its e-mail if any.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub detail: String,
    pub actor_name: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub outbox_id: Option<i64>,
    pub email_state: Option<String>,
    pub email_error: Option<String>,
}

/// The timeline, newest first.
pub fn timeline(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<EventRow>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        (i64, String, String, PrimitiveDateTime, Option<i64>),
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = applicant_events::table
        .left_join(users::table.on(users::id.nullable().eq(applicant_events::actor_id)))
        .left_join(outbox::table.on(outbox::id.nullable().eq(applicant_events::outbox_id)))
        .filter(applicant_events::applicant_id.eq(applicant_id))
        .order(applicant_events::id.desc())
        .select((
            (
                applicant_events::id,
                applicant_events::kind,
                applicant_events::detail,
                applicant_events::created_at,
                applicant_events::outbox_id,
            ),
            users::display_name.nullable(),
            users::username.nullable(),
            outbox::state.nullable(),
            outbox::last_error.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|((id, kind, detail, created_at, outbox_id), display, username, state, error)| EventRow {
            id,
            kind,
            detail,
            actor_name: person_name(display, username),
            created_at,
            outbox_id,
            email_state: state,
            email_error: error,
        })
        .collect())
}

/// Who must be told, after commit, that something changed for them.
#[derive(Debug, Default)]
pub struct Changed {
    /// Users with a new notification (poke them after commit).
    pub notified: Vec<i64>,
    /// How many applicants actually changed.
    pub count: usize,
}

/// Boundary for the mail area: the e-mail a stage change sends to the
/// applicant. Called in the transaction of the change; returns the outbox id
/// to link from the timeline. Sends nothing yet (wired by the mail work).
pub fn stage_change_email(
    _conn: &mut AnyConnection,
    _applicant: &Applicant,
    _from: Stage,
    _to: Stage,
) -> QueryResult<Option<i64>> {
    Ok(None)
}

fn stage_moved(
    conn: &mut AnyConnection,
    applicant: &Applicant,
    stage: Stage,
    actor_id: i64,
) -> QueryResult<Option<i64>> {
    let from = applicant.stage;
    let moved = diesel::update(applicants::table.find(applicant.id).filter(applicants::stage.eq(from)))
        .set((applicants::stage.eq(stage), applicants::updated_at.eq(super::now())))
        .execute(conn)?;
    if moved == 0 {
        // Someone moved it meanwhile (PostgreSQL, read committed): start again from what is there.
        let current = find(conn, applicant.id)?;
        return if current.stage == stage { Ok(None) } else { stage_moved(conn, &current, stage, actor_id) };
    }
    let outbox_id = stage_change_email(conn, applicant, from, stage)?;
    record_event(
        conn,
        applicant.id,
        Some(actor_id),
        event::STAGE,
        &format!("{} → {}", from.label(), stage.label()),
        outbox_id,
    )?;
    let Some(seeker_id) = applicant.seeker_id.filter(|_| applicant.withdrawn_at.is_none()) else {
        return Ok(None);
    };
    let job_title: Option<String> = match applicant.job_id {
        Some(job) => jobs::table.find(job).select(jobs::title).first(conn).optional()?,
        None => None,
    };
    let company: String = companies::table.find(applicant.company_id).select(companies::name).first(conn)?;
    let title = format!("Your application is now at “{}”", stage.label());
    let body = match job_title {
        Some(job) => format!("{job} at {company}"),
        None => company,
    };
    notifications::create(
        conn,
        &NewNotification {
            user_id: seeker_id,
            kind: "stage",
            title: &title,
            body: &body,
            link: &format!("/applications/{}", applicant.id),
            data: serde_json::json!({
                "applicant_id": applicant.id,
                "stage": stage.as_str(),
                "label": stage.label(),
            })
            .to_string(),
        },
    )?;
    Ok(Some(seeker_id))
}

/// Moves applicants to a stage, writing history and telling seekers, all or
/// nothing: if any id is outside the scope nothing changes (NotFound).
pub fn move_to_stage(
    conn: &mut AnyConnection,
    scope: Scope,
    ids: &[i64],
    stage: Stage,
    actor_id: i64,
) -> QueryResult<Changed> {
    super::transaction(conn, |c| {
        let found = load_all_in_scope(c, scope, ids)?;
        let mut changed = Changed::default();
        for applicant in found.iter().filter(|a| a.stage != stage) {
            changed.count += 1;
            if let Some(seeker) = stage_moved(c, applicant, stage, actor_id)? {
                changed.notified.push(seeker);
            }
        }
        Ok(changed)
    })
}

/// Every applicant of `ids` (no duplicates), or NotFound when any is missing
/// or outside the scope.
fn load_all_in_scope(conn: &mut AnyConnection, scope: Scope, ids: &[i64]) -> QueryResult<Vec<Applicant>> {
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = Vec::with_capacity(wanted.len());
    for chunk in wanted.chunks(500) {
        let mut query =
            applicants::table.filter(applicants::id.eq_any(chunk)).select(Applicant::as_select()).into_boxed();
        if let Some(company) = scope.company() {
            query = query.filter(applicants::company_id.eq(company));
        }
        found.extend(query.load::<Applicant>(conn)?);
    }
    if found.len() != wanted.len() || wanted.is_empty() {
        return Err(diesel::result::Error::NotFound);
    }
    Ok(found)
}

/// The ids among `ids` the scope may reach (for exporting a selection).
pub fn all_in_scope(conn: &mut AnyConnection, scope: Scope, ids: &[i64]) -> QueryResult<Vec<i64>> {
    load_all_in_scope(conn, scope, ids).map(|found| found.into_iter().map(|a| a.id).collect())
}

pub fn set_status(
    conn: &mut AnyConnection,
    scope: Scope,
    id: i64,
    status: ApplicantStatus,
    actor_id: i64,
) -> QueryResult<bool> {
    super::transaction(conn, |c| {
        let applicant = find_in_scope(c, scope, id)?;
        if applicant.status == status {
            return Ok(false);
        }
        diesel::update(applicants::table.find(id))
            .set((applicants::status.eq(status), applicants::updated_at.eq(super::now())))
            .execute(c)?;
        let detail = format!("{} → {}", applicant.status.label(), status.label());
        record_event(c, id, Some(actor_id), event::STATUS, &detail, None)?;
        Ok(true)
    })
}

pub fn set_employment_type(
    conn: &mut AnyConnection,
    scope: Scope,
    id: i64,
    kind: EmploymentType,
    actor_id: i64,
) -> QueryResult<bool> {
    super::transaction(conn, |c| {
        let applicant = find_in_scope(c, scope, id)?;
        if applicant.employment_type == kind {
            return Ok(false);
        }
        diesel::update(applicants::table.find(id))
            .set((applicants::employment_type.eq(kind), applicants::updated_at.eq(super::now())))
            .execute(c)?;
        let detail = format!("{} → {}", applicant.employment_type.label(), kind.label());
        record_event(c, id, Some(actor_id), event::TYPE, &detail, None)?;
        Ok(true)
    })
}

pub fn add_note(conn: &mut AnyConnection, scope: Scope, id: i64, body: &str, author_id: i64) -> QueryResult<i64> {
    super::transaction(conn, |c| {
        find_in_scope(c, scope, id)?;
        diesel::insert_into(applicant_notes::table)
            .values((
                applicant_notes::applicant_id.eq(id),
                applicant_notes::author_id.eq(author_id),
                applicant_notes::body.eq(body),
                applicant_notes::created_at.eq(super::now()),
            ))
            .returning(applicant_notes::id)
            .get_result(c)
    })
}

/// Why an assignment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignRefused {
    /// The target is not an active admin or an active employer of the applicant's company.
    NotAllowedTarget,
}

/// Assigns applicants to a user (or to nobody), all or nothing, with history,
/// a notification for the new assignee and an audit row per applicant.
pub fn assign(
    conn: &mut AnyConnection,
    scope: Scope,
    ids: &[i64],
    target: Option<i64>,
    actor_id: i64,
    ip: &str,
) -> QueryResult<Result<Changed, AssignRefused>> {
    super::transaction(conn, |c| {
        let found = load_all_in_scope(c, scope, ids)?;
        if let Some(target) = target {
            for company in found.iter().map(|a| a.company_id).collect::<std::collections::BTreeSet<_>>() {
                if !can_hold(c, target, company)? {
                    return Ok(Err(AssignRefused::NotAllowedTarget));
                }
            }
        }
        let target_name: Option<String> = match target {
            Some(t) => users::table
                .find(t)
                .select((users::display_name, users::username))
                .first::<(String, String)>(c)
                .map(|(d, u)| if d.is_empty() { u } else { d })
                .optional()?,
            None => None,
        };
        let mut changed = Changed::default();
        for applicant in found.iter().filter(|a| a.assignee_id != target) {
            changed.count += 1;
            diesel::update(applicants::table.find(applicant.id))
                .set((applicants::assignee_id.eq(target), applicants::updated_at.eq(super::now())))
                .execute(c)?;
            let detail = match &target_name {
                Some(name) => format!("Assigned to {name}"),
                None => "Unassigned".to_string(),
            };
            record_event(c, applicant.id, Some(actor_id), event::ASSIGNED, &detail, None)?;
            audit::record(
                c,
                AuditRecord {
                    actor_id: Some(actor_id),
                    action: "applicant.assign",
                    target_type: "applicant",
                    target_id: Some(applicant.id),
                    detail: format!(
                        "{}: {} → {}",
                        applicant.name,
                        user_ref(applicant.assignee_id),
                        match (&target_name, target) {
                            (Some(name), Some(id)) => format!("{name} (user {id})"),
                            _ => user_ref(target),
                        }
                    ),
                    ip,
                },
            )?;
            if let Some(t) = target.filter(|t| *t != actor_id) {
                notifications::create(
                    c,
                    &NewNotification {
                        user_id: t,
                        kind: "assignment",
                        title: &format!("You were assigned {}", applicant.name),
                        body: "An applicant is now yours to follow up.",
                        link: &format!("/applicants/{}", applicant.id),
                        data: serde_json::json!({ "applicant_id": applicant.id }).to_string(),
                    },
                )?;
                if !changed.notified.contains(&t) {
                    changed.notified.push(t);
                }
            }
        }
        Ok(Ok(changed))
    })
}

fn user_ref(id: Option<i64>) -> String {
    id.map(|id| format!("user {id}")).unwrap_or_else(|| "nobody".into())
}

/// Deletes an applicant (notes and history go with it) and audits it.
/// Returns the stored file of a resume that belonged to this applicant alone
/// (uploaded by hand), whose row is deleted too: remove the file after commit.
pub fn delete(conn: &mut AnyConnection, scope: Scope, id: i64, actor_id: i64, ip: &str) -> QueryResult<Option<String>> {
    super::transaction(conn, |c| {
        let applicant = find_in_scope(c, scope, id)?;
        diesel::delete(applicants::table.find(id)).execute(c)?;
        let mut orphan = None;
        if let Some(resume_id) = applicant.resume_id {
            let resume = super::resumes::find(c, resume_id).optional()?;
            if let Some(resume) = resume.filter(|r| r.user_id.is_none()) {
                let still_used: i64 =
                    applicants::table.filter(applicants::resume_id.eq(resume_id)).count().get_result(c)?;
                if still_used == 0 {
                    diesel::delete(resumes::table.find(resume_id)).execute(c)?;
                    orphan = Some(resume.stored_name);
                }
            }
        }
        audit::record(
            c,
            AuditRecord {
                actor_id: Some(actor_id),
                action: "applicant.delete",
                target_type: "applicant",
                target_id: Some(id),
                detail: format!("{} <{}> of company {}", applicant.name, applicant.email, applicant.company_id),
                ip,
            },
        )?;
        Ok(orphan)
    })
}

/// True when the job belongs to the company.
pub fn job_of_company(conn: &mut AnyConnection, job_id: i64, company_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(jobs::table.find(job_id).filter(jobs::company_id.eq(company_id))))
        .get_result(conn)
}

/// An applicant added by hand, with an optional uploaded resume.
pub struct ManualApplicant<'a> {
    pub company_id: i64,
    pub job_id: Option<i64>,
    pub fields: &'a ApplicantFields,
    pub resume: Option<NewResume<'a>>,
    pub actor_id: i64,
}

pub fn create_manual(conn: &mut AnyConnection, new: &ManualApplicant) -> QueryResult<Applicant> {
    super::transaction(conn, |c| {
        let resume_id = match &new.resume {
            Some(resume) => Some(super::resumes::insert(c, resume)?.id),
            None => None,
        };
        let now = super::now();
        let f = new.fields;
        let applicant = insert(
            c,
            &NewApplicant {
                company_id: new.company_id,
                job_id: new.job_id,
                seeker_id: None,
                resume_id,
                name: &f.name,
                email: &f.email,
                phone: &f.phone,
                current_company: &f.current_company,
                position: &f.position,
                location: &f.location,
                years_experience: f.years_experience,
                status: f.status,
                employment_type: f.employment_type,
                stage: Stage::Applied,
                source: ApplicantSource::Manual,
                cover_letter: "",
                created_at: now,
                updated_at: now,
            },
        )?;
        record_event(c, applicant.id, Some(new.actor_id), event::CREATED, "Added by hand", None)?;
        Ok(applicant)
    })
}

/// Saves edited fields (and the job, for applicants added by hand) with a
/// history row naming what changed. Returns false when nothing changed.
pub fn update_fields(
    conn: &mut AnyConnection,
    scope: Scope,
    id: i64,
    fields: &ApplicantFields,
    job_id: Option<i64>,
    actor_id: i64,
) -> QueryResult<bool> {
    super::transaction(conn, |c| {
        let a = find_in_scope(c, scope, id)?;
        let job_id = if a.source == ApplicantSource::Manual { job_id } else { a.job_id };
        let mut what: Vec<&str> = Vec::new();
        let mut note = |changed: bool, label: &'static str| {
            if changed {
                what.push(label)
            }
        };
        note(a.name != fields.name, "name");
        note(a.email != fields.email, "e-mail");
        note(a.phone != fields.phone, "phone");
        note(a.current_company != fields.current_company, "company");
        note(a.position != fields.position, "position");
        note(a.location != fields.location, "location");
        note(a.years_experience != fields.years_experience, "years of experience");
        note(a.status != fields.status, "status");
        note(a.employment_type != fields.employment_type, "employment type");
        note(a.job_id != job_id, "job");
        if what.is_empty() {
            return Ok(false);
        }
        diesel::update(applicants::table.find(id))
            .set((
                applicants::name.eq(&fields.name),
                applicants::email.eq(&fields.email),
                applicants::phone.eq(&fields.phone),
                applicants::current_company.eq(&fields.current_company),
                applicants::position.eq(&fields.position),
                applicants::location.eq(&fields.location),
                applicants::years_experience.eq(fields.years_experience),
                applicants::status.eq(fields.status),
                applicants::employment_type.eq(fields.employment_type),
                applicants::job_id.eq(job_id),
                applicants::updated_at.eq(super::now()),
            ))
            .execute(c)?;
        record_event(c, id, Some(actor_id), event::EDITED, &format!("Changed {}", what.join(", ")), None)?;
        Ok(true)
    })
}

/// How many applicants of a job are at each stage (board column counts come
/// from the rows; this serves the job picker).
pub fn counts_by_job(conn: &mut AnyConnection, job_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    if job_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Option<i64>, i64)> = applicants::table
        .filter(applicants::job_id.eq_any(job_ids))
        .group_by(applicants::job_id)
        .select((applicants::job_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(j, n)| j.map(|j| (j, n))).collect())
}

// ---- apply (seekers area) ----

// ---------------------------------------------------------------------------
// Seekers area: applying, "my applications", withdrawing.
// (Kept in one block at the end of the file; the CRM owns everything above.)
// ---------------------------------------------------------------------------

pub use seeker_side::*;

mod seeker_side {
    use diesel::prelude::*;
    use time::PrimitiveDateTime;

    use crate::db::AnyConnection;
    use crate::db::schema::{applicant_events, applicants, companies, jobs, users};
    use crate::domain::{ApplicantStatus, JobStatus, Role, Stage};

    /// Timeline entries a seeker sees about their own application: not the
    /// company's notes, assignments or e-mails.
    pub const SEEKER_VISIBLE_EVENTS: &[&str] = &["applied", "stage", "stage_changed", "withdrawn"];

    /// One line of a seeker's "my applications".
    #[derive(Debug, Clone, Queryable)]
    pub struct SeekerApplication {
        pub id: i64,
        pub job_id: Option<i64>,
        /// None when the job has been deleted since.
        pub job_title: Option<String>,
        /// The title the job had when the seeker applied.
        pub position: String,
        pub company_name: String,
        pub company_slug: String,
        pub stage: Stage,
        pub status: ApplicantStatus,
        pub withdrawn_at: Option<PrimitiveDateTime>,
        pub created_at: PrimitiveDateTime,
    }

    impl SeekerApplication {
        pub fn title(&self) -> &str {
            self.job_title.as_deref().unwrap_or(&self.position)
        }
    }

    /// A page of the seeker's applications, newest first, and the total.
    pub fn list_for_seeker(
        conn: &mut AnyConnection,
        seeker_id: i64,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<SeekerApplication>, i64)> {
        let total = applicants::table.filter(applicants::seeker_id.eq(seeker_id)).count().get_result(conn)?;
        let rows = applicants::table
            .inner_join(companies::table)
            .left_join(jobs::table)
            .filter(applicants::seeker_id.eq(seeker_id))
            .order((applicants::created_at.desc(), applicants::id.desc()))
            .limit(limit)
            .offset(offset)
            .select((
                applicants::id,
                applicants::job_id,
                jobs::title.nullable(),
                applicants::position,
                companies::name,
                companies::slug,
                applicants::stage,
                applicants::status,
                applicants::withdrawn_at,
                applicants::created_at,
            ))
            .load(conn)?;
        Ok((rows, total))
    }

    /// The seeker's own application (None for anyone else's).
    pub fn find_for_seeker(
        conn: &mut AnyConnection,
        id: i64,
        seeker_id: i64,
    ) -> QueryResult<Option<SeekerApplication>> {
        applicants::table
            .inner_join(companies::table)
            .left_join(jobs::table)
            .filter(applicants::id.eq(id))
            .filter(applicants::seeker_id.eq(seeker_id))
            .select((
                applicants::id,
                applicants::job_id,
                jobs::title.nullable(),
                applicants::position,
                companies::name,
                companies::slug,
                applicants::stage,
                applicants::status,
                applicants::withdrawn_at,
                applicants::created_at,
            ))
            .first(conn)
            .optional()
    }

    /// One entry of the history a seeker sees.
    #[derive(Debug, Clone, Queryable)]
    pub struct SeekerEvent {
        pub kind: String,
        pub detail: String,
        pub created_at: PrimitiveDateTime,
    }

    impl SeekerEvent {
        /// The stage this entry moved to, when it is a stage change.
        pub fn stage(&self) -> Option<Stage> {
            if self.kind == "applied" {
                return Some(Stage::Applied);
            }
            if !self.kind.starts_with("stage") {
                return None;
            }
            // "interview", or "screening -> interview": the last word is the new stage.
            let last = self.detail.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).find(|w| !w.is_empty());
            last.and_then(|w| w.to_lowercase().parse().ok())
        }
    }

    pub fn history_for_seeker(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<SeekerEvent>> {
        applicant_events::table
            .filter(applicant_events::applicant_id.eq(applicant_id))
            .filter(applicant_events::kind.eq_any(SEEKER_VISIBLE_EVENTS))
            .order(applicant_events::id.asc())
            .select((applicant_events::kind, applicant_events::detail, applicant_events::created_at))
            .load(conn)
    }

    /// The seeker's application to this job, if there is one.
    pub fn application_to_job(conn: &mut AnyConnection, job_id: i64, seeker_id: i64) -> QueryResult<Option<i64>> {
        applicants::table
            .filter(applicants::job_id.eq(job_id))
            .filter(applicants::seeker_id.eq(seeker_id))
            .select(applicants::id)
            .first(conn)
            .optional()
    }

    /// True when the job takes applications now: open and not past its closing date.
    pub fn job_accepts_applications(status: JobStatus, closes_at: Option<PrimitiveDateTime>) -> bool {
        status == JobStatus::Open && closes_at.is_none_or(|t| t > crate::db::now())
    }

    /// The active employers of a company: who is told about its applicants.
    pub fn active_employer_ids(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<i64>> {
        users::table
            .filter(users::company_id.eq(company_id))
            .filter(users::role.eq(Role::Employer))
            .filter(users::is_active.eq(true))
            .select(users::id)
            .load(conn)
    }

    /// Marks the seeker's application withdrawn (status closed). Returns the
    /// company, or None when it is not theirs or already withdrawn.
    pub fn withdraw(conn: &mut AnyConnection, id: i64, seeker_id: i64) -> QueryResult<Option<i64>> {
        let now = crate::db::now();
        diesel::update(
            applicants::table
                .find(id)
                .filter(applicants::seeker_id.eq(seeker_id))
                .filter(applicants::withdrawn_at.is_null()),
        )
        .set((
            applicants::withdrawn_at.eq(now),
            applicants::status.eq(ApplicantStatus::Closed),
            applicants::updated_at.eq(now),
        ))
        .returning(applicants::company_id)
        .get_result(conn)
        .optional()
    }
}
