//! What the search index (`search::SearchIndex`, a service) reads from the database: the
//! data version, the changes to jobs since a version (written by triggers
//! in the same transaction as the change, see the `job_changes` migration),
//! and the rows it indexes.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::Job;
use crate::db::AnyConnection;
use crate::db::schema::{companies, jobs};
use crate::db::sql::{Arg, Backend, Sql};
use crate::domain::JobStatus;

/// Where the data stands for the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct IndexState {
    /// The data version: every change to jobs or companies moves it.
    #[diesel(sql_type = BigInt)]
    pub version: i64,
    /// Moved by `reindex`: an index built at another epoch is rebuilt.
    #[diesel(sql_type = BigInt)]
    pub index_epoch: i64,
    /// Changes below this version were pruned: an index older is rebuilt.
    #[diesel(sql_type = BigInt)]
    pub changes_from: i64,
}

pub fn index_state(conn: &mut AnyConnection) -> QueryResult<IndexState> {
    diesel::sql_query("SELECT version, index_epoch, changes_from FROM jobs_version WHERE id = 1").get_result(conn)
}

/// Asks every instance to rebuild its index; returns the new epoch.
pub fn next_index_epoch(conn: &mut AnyConnection) -> QueryResult<i64> {
    diesel::sql_query("UPDATE jobs_version SET index_epoch = index_epoch + 1 WHERE id = 1").execute(conn)?;
    index_state(conn).map(|s| s.index_epoch)
}

#[derive(QueryableByName)]
struct Changed {
    #[diesel(sql_type = BigInt)]
    job_id: i64,
}

/// The jobs changed after version `after` up to `upto` (each once), in the
/// order of their first change.
pub fn changed_jobs(conn: &mut AnyConnection, after: i64, upto: i64) -> QueryResult<Vec<i64>> {
    let mut sql = Sql::new(Backend::of(conn));
    sql.push("SELECT job_id FROM job_changes WHERE version > ").arg(Arg::Int(after));
    sql.push(" AND version <= ").arg(Arg::Int(upto));
    sql.push(" GROUP BY job_id ORDER BY min(version)");
    Ok(sql.load::<Changed>(conn)?.into_iter().map(|c| c.job_id).collect())
}

/// Forgets all but the changes of the last `keep` data versions: an index
/// that has not applied them by then is rebuilt instead. Returns how many
/// rows went.
pub fn prune_changes(conn: &mut AnyConnection, keep: i64) -> QueryResult<usize> {
    crate::db::transaction(conn, |conn| {
        let state = index_state(conn)?;
        let from = state.version - keep;
        if from <= state.changes_from {
            return Ok(0);
        }
        let mut sql = Sql::new(Backend::of(conn));
        sql.push("UPDATE jobs_version SET changes_from = ").arg(Arg::Int(from)).push(" WHERE id = 1");
        sql.execute(conn)?;
        let mut sql = Sql::new(Backend::of(conn));
        sql.push("DELETE FROM job_changes WHERE version < ").arg(Arg::Int(from));
        sql.execute(conn)
    })
}

/// A job as the index takes it: the job and its company's name.
pub type IndexRow = (Job, String);

/// The open jobs among `ids` (the others are to leave the index).
pub fn open_rows(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<IndexRow>> {
    jobs::table
        .inner_join(companies::table)
        .filter(jobs::id.eq_any(ids))
        .filter(jobs::status.eq(JobStatus::Open))
        .select((Job::as_select(), companies::name))
        .load(conn)
}

/// Open jobs with an id below `before`, `limit` of them, newest first (a
/// full build: the index then holds them newest first, so a newest-first
/// list settles on its page after the first few and skips the rest cheaply).
pub fn open_rows_before(conn: &mut AnyConnection, before: i64, limit: i64) -> QueryResult<Vec<IndexRow>> {
    jobs::table
        .inner_join(companies::table)
        .filter(jobs::id.lt(before))
        .filter(jobs::status.eq(JobStatus::Open))
        .order(jobs::id.desc())
        .limit(limit)
        .select((Job::as_select(), companies::name))
        .load(conn)
}
