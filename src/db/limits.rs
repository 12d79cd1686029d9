//! Per-user limits on what a user writes (applications, messages), counted
//! from the rows already written. The count runs in the transaction that
//! writes the next row, under a per-user lock (an advisory lock on
//! PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers), so
//! requests sent in parallel cannot slip past the limit together.

use diesel::prelude::*;
use diesel::sql_types::Integer;
use time::Duration;

use super::AnyConnection;
use super::schema::{applicants, messages};

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Applications sent by a seeker.
    Applications,
    /// Messages sent by anyone.
    Messages,
}

/// The window the limits count over.
pub const WINDOW: Duration = Duration::hours(1);

/// True when `user_id` may write one more of `what` (fewer than `max` in the
/// last hour). Call it inside the transaction that writes the row.
pub fn allows(conn: &mut AnyConnection, what: Limited, user_id: i64, max: i64) -> QueryResult<bool> {
    if let AnyConnection::Postgresql(pg) = conn {
        let class = match what {
            Limited::Applications => 0x4a43_4150, // "JCAP"
            Limited::Messages => 0x4a43_4d53,     // "JCMS"
        };
        // Two int4 keys: the kind, and the user (ids past 2^31 share a lock,
        // which only serialises them).
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)::text")
            .bind::<Integer, _>(class)
            .bind::<Integer, _>((user_id & 0x7fff_ffff) as i32)
            .execute(pg)?;
    }
    let since = super::now() - WINDOW;
    let sent: i64 = match what {
        Limited::Applications => applicants::table
            .filter(applicants::seeker_id.eq(user_id).and(applicants::created_at.gt(since)))
            .count()
            .get_result(conn)?,
        Limited::Messages => messages::table
            .filter(messages::sender_id.eq(user_id).and(messages::created_at.gt(since)))
            .count()
            .get_result(conn)?,
    };
    Ok(sent < max)
}
