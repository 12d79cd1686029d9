//! Job alerts: a seeker's saved search, e-mailed as a daily digest of new matches.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::job_alerts;

/// How many alerts one seeker may keep.
pub const MAX_PER_USER: i64 = 20;
/// At most one digest per alert in this time.
pub const PERIOD: time::Duration = time::Duration::days(1);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = job_alerts)]
pub struct JobAlert {
    pub id: i64,
    pub user_id: i64,
    /// The search as a `/jobs` query string (`q=rust&remote=remote`).
    pub query: String,
    /// Jobs up to this id were known when the last digest was made.
    pub last_job_id: i64,
    pub last_sent_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

pub fn list_for_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<JobAlert>> {
    job_alerts::table
        .filter(job_alerts::user_id.eq(user_id))
        .order(job_alerts::id.desc())
        .select(JobAlert::as_select())
        .load(conn)
}

pub enum Created {
    Yes,
    AlreadyThere,
    TooMany,
}

/// Saves a search; only jobs posted from now on will be sent.
pub fn create(conn: &mut AnyConnection, user_id: i64, query: &str) -> QueryResult<Created> {
    super::transaction(conn, |c| {
        super::lock::take(c, super::lock::Row::User(user_id))?;
        if exists(c, user_id, query)? {
            return Ok(Created::AlreadyThere);
        }
        let mine = job_alerts::table.filter(job_alerts::user_id.eq(user_id));
        if mine.count().get_result::<i64>(c)? >= MAX_PER_USER {
            return Ok(Created::TooMany);
        }
        let newest = super::jobs::max_id(c)?;
        diesel::insert_into(job_alerts::table)
            .values((
                job_alerts::user_id.eq(user_id),
                job_alerts::query.eq(query),
                job_alerts::last_job_id.eq(newest),
                job_alerts::created_at.eq(super::now()),
            ))
            .execute(c)?;
        Ok(Created::Yes)
    })
}

/// Whether the user has an alert for this search (as stored).
pub fn exists(conn: &mut AnyConnection, user_id: i64, query: &str) -> QueryResult<bool> {
    let mine = job_alerts::table.filter(job_alerts::user_id.eq(user_id)).filter(job_alerts::query.eq(query));
    diesel::select(diesel::dsl::exists(mine)).get_result(conn)
}

/// Deletes one of the user's alerts; false when it is not theirs (or gone).
pub fn delete(conn: &mut AnyConnection, user_id: i64, id: i64) -> QueryResult<bool> {
    diesel::delete(job_alerts::table.filter(job_alerts::id.eq(id).and(job_alerts::user_id.eq(user_id))))
        .execute(conn)
        .map(|n| n == 1)
}

/// Alerts whose last digest is a period old (or that never had one).
pub fn due(conn: &mut AnyConnection, now: PrimitiveDateTime, limit: i64) -> QueryResult<Vec<JobAlert>> {
    job_alerts::table
        .filter(job_alerts::last_sent_at.is_null().or(job_alerts::last_sent_at.le(now - PERIOD)))
        .order(job_alerts::id)
        .limit(limit)
        .select(JobAlert::as_select())
        .load(conn)
}

/// Takes a due alert for this round: true for exactly one instance (the
/// conditional update is re-checked under the row lock on PostgreSQL and
/// runs under the write lock on SQLite), with the new cursor.
pub fn claim(conn: &mut AnyConnection, id: i64, now: PrimitiveDateTime, newest_job: i64) -> QueryResult<bool> {
    diesel::update(
        job_alerts::table
            .filter(job_alerts::id.eq(id))
            .filter(job_alerts::last_sent_at.is_null().or(job_alerts::last_sent_at.le(now - PERIOD))),
    )
    .set((job_alerts::last_sent_at.eq(now), job_alerts::last_job_id.eq(newest_job)))
    .execute(conn)
    .map(|n| n == 1)
}
