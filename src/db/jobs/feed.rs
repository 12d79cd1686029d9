//! What the feeds read: the listed jobs (open, not past their closing date)
//! newest first in windows, the companies, and the stamp that validates them.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use time::PrimitiveDateTime;

use super::Job;
use crate::db::AnyConnection;
use crate::db::schema::{companies, jobs};
use crate::domain::JobStatus;

/// The jobs data version (an ETag) and when it last moved (Last-Modified).
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct FeedStamp {
    #[diesel(sql_type = BigInt)]
    pub version: i64,
    #[diesel(sql_type = Timestamp)]
    pub changed_at: PrimitiveDateTime,
}

pub fn stamp(conn: &mut AnyConnection) -> QueryResult<FeedStamp> {
    let query = diesel::sql_query("SELECT version, changed_at FROM jobs_version WHERE id = 1");
    crate::db::sql::on_backend!(conn, |c| query.get_result(c))
}

/// A listed job with what a feed says of its company.
#[derive(Debug, Clone)]
pub struct FeedJob {
    pub job: Job,
    pub company: String,
    pub company_slug: String,
}

/// Listed jobs, newest first, after `after` (the last job of the previous window).
pub fn listed_after(
    conn: &mut AnyConnection,
    now: PrimitiveDateTime,
    after: Option<(PrimitiveDateTime, i64)>,
    limit: i64,
) -> QueryResult<Vec<FeedJob>> {
    let mut query = jobs::table
        .inner_join(companies::table)
        .filter(jobs::status.eq(JobStatus::Open))
        .filter(jobs::closes_at.is_null().or(jobs::closes_at.gt(now)))
        .filter(jobs::published_at.is_not_null())
        .select((Job::as_select(), companies::name, companies::slug))
        .order((jobs::published_at.desc(), jobs::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(jobs::published_at.lt(at).or(jobs::published_at.eq(at).and(jobs::id.lt(id))));
    }
    let rows: Vec<(Job, String, String)> = query.load(conn)?;
    Ok(rows.into_iter().map(|(job, company, company_slug)| FeedJob { job, company, company_slug }).collect())
}

/// How many jobs are listed.
pub fn listed_count(conn: &mut AnyConnection, now: PrimitiveDateTime) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::status.eq(JobStatus::Open))
        .filter(jobs::closes_at.is_null().or(jobs::closes_at.gt(now)))
        .filter(jobs::published_at.is_not_null())
        .count()
        .get_result(conn)
}

/// One window of the listed jobs' ids and last changes, by id (a sitemap file).
pub fn listed_ids(
    conn: &mut AnyConnection,
    now: PrimitiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, PrimitiveDateTime)>> {
    jobs::table
        .filter(jobs::status.eq(JobStatus::Open))
        .filter(jobs::closes_at.is_null().or(jobs::closes_at.gt(now)))
        .filter(jobs::published_at.is_not_null())
        .select((jobs::id, jobs::updated_at))
        .order(jobs::id.asc())
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// Every company's page key and last change.
pub fn companies(conn: &mut AnyConnection) -> QueryResult<Vec<(String, PrimitiveDateTime)>> {
    companies::table.select((companies::slug, companies::updated_at)).order(companies::id.asc()).load(conn)
}
