//! Who can be reached live: one row per instance and user with an open
//! WebSocket there, kept fresh by that instance. A message to someone with no
//! fresh row is also e-mailed.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::AnyConnection;
use super::schema::live_presence;

/// A row older than this belongs to an instance that stopped without saying so.
pub const STALE_AFTER: Duration = Duration::seconds(60);

/// Records that these users have sockets on this instance and those no longer do.
pub fn apply(conn: &mut AnyConnection, instance: &str, online: &[i64], offline: &[i64]) -> QueryResult<()> {
    let now = super::now();
    super::transaction(conn, |conn| {
        if !offline.is_empty() {
            for chunk in offline.chunks(500) {
                diesel::delete(
                    live_presence::table
                        .filter(live_presence::instance_id.eq(instance))
                        .filter(live_presence::user_id.eq_any(chunk)),
                )
                .execute(conn)?;
            }
        }
        for chunk in online.chunks(500) {
            // Delete then insert: the same on both backends, and the
            // transaction hides the gap.
            diesel::delete(
                live_presence::table
                    .filter(live_presence::instance_id.eq(instance))
                    .filter(live_presence::user_id.eq_any(chunk)),
            )
            .execute(conn)?;
            // One row at a time: batch inserts do not pass the MultiConnection.
            for id in chunk {
                diesel::insert_into(live_presence::table)
                    .values((
                        live_presence::instance_id.eq(instance),
                        live_presence::user_id.eq(*id),
                        live_presence::seen_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// Keeps this instance's rows fresh and forgets those of instances long gone.
pub fn refresh(conn: &mut AnyConnection, instance: &str) -> QueryResult<()> {
    let now = super::now();
    diesel::update(live_presence::table.filter(live_presence::instance_id.eq(instance)))
        .set(live_presence::seen_at.eq(now))
        .execute(conn)?;
    diesel::delete(live_presence::table.filter(live_presence::seen_at.lt(now - STALE_AFTER * 10))).execute(conn)?;
    Ok(())
}

/// Forgets every row of an instance (at shutdown).
pub fn forget_instance(conn: &mut AnyConnection, instance: &str) -> QueryResult<usize> {
    diesel::delete(live_presence::table.filter(live_presence::instance_id.eq(instance))).execute(conn)
}

/// Which of these users have an open socket on some instance.
pub fn online_among(conn: &mut AnyConnection, user_ids: &[i64]) -> QueryResult<Vec<i64>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let fresh: PrimitiveDateTime = super::now() - STALE_AFTER;
    live_presence::table
        .filter(live_presence::user_id.eq_any(user_ids))
        .filter(live_presence::seen_at.gt(fresh))
        .select(live_presence::user_id)
        .distinct()
        .load(conn)
}
