//! Jobs: rows and queries. Posting, status changes, the employer's list and
//! saved jobs are here; browsing and search in `search`, the result cache
//! in `cache`.
//!
//! Every query that manages jobs takes a [`Scope`]: an employer's company, or
//! any company (admins).

mod cache;
mod changes;
pub mod feed;
mod search;

pub use cache::{
    Answer, CachedResults, JOBS_CHANNEL, KnownVersion, SearchCache, latest_query, search_cached, stored_version,
};
pub use changes::{
    IndexRow, IndexState, changed_jobs, index_state, next_index_epoch, open_rows, open_rows_before, prune_changes,
};
pub use search::{
    JobCard, MARK_END, MARK_START, MAX_RESULTS, SearchResults, cards_by_ids, descriptions, max_id, search,
};

use diesel::dsl::count_star;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicants, companies, jobs, saved_jobs};
use crate::domain::{EmploymentType, JobStatus, PayRule, RemoteMode, SalaryPeriod};

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
    /// The structured place (`domain::place`); `location` is its label.
    pub city: String,
    pub region: String,
    /// ISO 3166-1 alpha-2, or empty.
    pub country: String,
    /// Where remote candidates may live: alpha-2 codes separated by spaces (empty: anywhere).
    pub remote_countries: String,
    /// The best pay as a yearly amount in the site's currency (`domain::money`).
    pub pay_yearly: Option<i64>,
}

impl Job {
    /// Open and not past its closing date: what visitors may see.
    pub fn is_listed(&self, now: PrimitiveDateTime) -> bool {
        self.status == JobStatus::Open && self.closes_at.is_none_or(|t| t > now)
    }

    /// The status people should read: an open job past its closing date is closed
    /// already, even if the closing task has not run yet.
    /// Whether the ad states its pay as a range (a minimum and a maximum).
    pub fn has_pay_range(&self) -> bool {
        self.salary_min.is_some() && self.salary_max.is_some()
    }

    pub fn effective_status(&self, now: PrimitiveDateTime) -> JobStatus {
        if self.status == JobStatus::Open && !self.is_listed(now) { JobStatus::Closed } else { self.status }
    }
}

/// Whose jobs a query may touch (`CurrentUser::company_scope`).
pub use crate::domain::CompanyScope as Scope;

/// The fields an employer writes (validated by the form).
#[derive(Debug, Clone, AsChangeset, Insertable)]
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
    pub city: String,
    pub region: String,
    pub country: String,
    pub remote_countries: String,
    pub pay_yearly: Option<i64>,
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Job> {
    jobs::table.find(id).select(Job::as_select()).first(conn)
}

/// A job the scope may manage (NotFound otherwise, so others learn nothing).
pub fn find_managed(conn: &mut AnyConnection, id: i64, scope: Scope) -> QueryResult<Job> {
    let job = find(conn, id)?;
    if scope.allows(job.company_id) { Ok(job) } else { Err(diesel::result::Error::NotFound) }
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
            fields,
            jobs::company_id.eq(company_id),
            jobs::created_by.eq(created_by),
            jobs::status.eq(JobStatus::Draft),
            jobs::created_at.eq(now),
            jobs::updated_at.eq(now),
        ))
        .returning(jobs::all_columns)
        .get_result(conn)
}

/// Reads the places of jobs written before places were structured (their
/// free-text `location`) as well as `domain::place::from_text` can; a data
/// fix (`db::data_fixes`), and the end of seeding. Returns how many it read.
pub fn structure_places(conn: &mut AnyConnection) -> QueryResult<usize> {
    let unread = jobs::city
        .eq("")
        .and(jobs::region.eq(""))
        .and(jobs::country.eq(""))
        .and(jobs::remote_countries.eq(""))
        .and(jobs::location.ne(""));
    // Many jobs share a place: one statement per distinct text, not per job.
    let texts: Vec<(RemoteMode, String)> =
        jobs::table.filter(unread).select((jobs::remote, jobs::location)).distinct().load(conn)?;
    let mut read = 0;
    for (remote, location) in &texts {
        let place = crate::domain::place::from_text(*remote, location);
        read += diesel::update(
            jobs::table.filter(unread).filter(jobs::remote.eq(remote)).filter(jobs::location.eq(location)),
        )
        .set((
            jobs::city.eq(&place.city),
            jobs::region.eq(&place.region),
            jobs::country.eq(&place.country),
            jobs::remote_countries.eq(place.remote_codes()),
        ))
        .execute(conn)?;
    }
    Ok(read)
}

/// Recomputes every job's yearly pay with `rates` (a data fix, run when the
/// rates or the site's currency change): one statement per currency and
/// period, with the factor `Rates::yearly` uses. Returns how many changed.
pub fn normalise_pay(conn: &mut AnyConnection, rates: &crate::domain::money::Rates) -> QueryResult<usize> {
    use diesel::sql_types::{BigInt, Double, Nullable};
    let mut changed = 0;
    let known: Vec<String> = rates.currencies().map(str::to_string).collect();
    for currency in &known {
        for period in SalaryPeriod::ALL {
            let Some(factor) = rates.factor(currency, *period) else { continue };
            let yearly = || {
                // NUMERIC: PostgreSQL rounds it half away from zero, as Rust does
                // (its doubles round half to even; SQLite has no FLOOR built in).
                diesel::dsl::sql::<Nullable<BigInt>>("CAST(ROUND(CAST(COALESCE(salary_max, salary_min) * ")
                    .bind::<Double, _>(factor)
                    .sql(" AS NUMERIC)) AS BIGINT)")
            };
            let stale = jobs::pay_yearly.is_null().or(jobs::pay_yearly.nullable().ne(yearly()));
            changed += diesel::update(
                jobs::table
                    .filter(jobs::salary_currency.eq(currency))
                    .filter(jobs::salary_period.eq(*period))
                    .filter(jobs::salary_max.is_not_null().or(jobs::salary_min.is_not_null()))
                    .filter(stale),
            )
            .set(jobs::pay_yearly.eq(yearly()))
            .execute(conn)?;
        }
    }
    // Pay in a currency the table lacks is compared with nothing.
    let unknown = jobs::salary_currency.ne_all(&known).and(jobs::pay_yearly.is_not_null());
    changed += diesel::update(jobs::table.filter(unknown)).set(jobs::pay_yearly.eq(None::<i64>)).execute(conn)?;
    Ok(changed)
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
    /// Publishing or reopening without a pay range where the company's rule demands one.
    PayRangeRequired(PayRule),
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
        if to == JobStatus::Open && !job.has_pay_range() {
            let rule: PayRule = companies::table.find(job.company_id).select(companies::pay_rule).first(conn)?;
            if rule.requires_pay_range() {
                return Ok(Err(TransitionRefused::PayRangeRequired(rule)));
            }
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
    // One statement: a double click saves once, and both clicks succeed.
    diesel::sql_query(
        "INSERT INTO saved_jobs (user_id, job_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::BigInt, _>(user_id)
    .bind::<diesel::sql_types::BigInt, _>(job_id)
    .bind::<diesel::sql_types::Timestamp, _>(super::now())
    .execute(conn)?;
    Ok(())
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
