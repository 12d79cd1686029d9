//! Row locks that make "read, then write" atomic on PostgreSQL, where
//! transactions run side by side under read committed: a count or a check
//! made after taking the lock sees every row a rival that held it wrote.
//! SQLite already runs one writer at a time (`db::transaction` begins
//! IMMEDIATE), so there the lock is nothing. Take it first in the
//! transaction, before reading what the limit or the check is about.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::AnyConnection;

/// The record whose children a write counts or checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A user's saved jobs, alerts.
    User(i64),
    /// A company's team, steps, e-mail templates.
    Company(i64),
    /// A job's screening questions, scorecard criteria.
    Job(i64),
    /// An applicant's tags.
    Applicant(i64),
}

/// Locks the row until the transaction ends (no-op on SQLite).
pub fn take(conn: &mut AnyConnection, row: Row) -> QueryResult<()> {
    let AnyConnection::Postgresql(pg) = conn else { return Ok(()) };
    let (table, id) = match row {
        Row::User(id) => ("users", id),
        Row::Company(id) => ("companies", id),
        Row::Job(id) => ("jobs", id),
        Row::Applicant(id) => ("applicants", id),
    };
    diesel::sql_query(format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE")).bind::<BigInt, _>(id).execute(pg)?;
    Ok(())
}
