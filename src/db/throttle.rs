//! Password attempts, counted per account and per client address over a
//! window: log-ins, and the current password asked before a password change.
//!
//! An attempt is reserved *before* the password is checked, in one
//! transaction that holds a lock across the count and the insert: forty
//! parallel guesses get five reservations and thirty-five refusals, never
//! forty checks. A right password gives its own reservation back, and only
//! that: the account's other failures (some may still be in flight) count
//! until the window passes, or until a new password is set by reset.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::login_failures;

pub const WINDOW: time::Duration = time::Duration::minutes(15);
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 20;

/// Key of the advisory lock that serialises reservations on PostgreSQL
/// (SQLite's `BEGIN IMMEDIATE` already does).
const THROTTLE_LOCK: i64 = 0x4a43_5448_524f; // "JCTHRO"

/// The key attempts on an account are counted under: the account itself,
/// whether its e-mail or its user name was typed; for a login that matches
/// no account, what was typed (lower case).
pub fn account_key(user_id: Option<i64>, typed: &str) -> String {
    match user_id {
        Some(id) => format!("user:{id}"),
        None => format!("login:{}", typed.trim().to_lowercase()),
    }
}

/// An attempt that may go ahead; give it back with [`release`] when the password was right.
#[derive(Debug, Clone, Copy)]
pub struct Reservation(i64);

/// Reserves an attempt, or None when the account or the address has used up the window.
pub fn reserve(conn: &mut AnyConnection, key: &str, ip: &str) -> QueryResult<Option<Reservation>> {
    super::transaction(conn, |conn| {
        if let AnyConnection::Postgresql(pg) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({THROTTLE_LOCK})")).execute(pg)?;
        }
        let now = super::now();
        let recent = login_failures::table.filter(login_failures::created_at.gt(now - WINDOW));
        let per_account: i64 = recent.filter(login_failures::login_key.eq(key)).count().get_result(conn)?;
        if per_account >= MAX_PER_ACCOUNT {
            return Ok(None);
        }
        let per_address: i64 = recent.filter(login_failures::ip.eq(ip)).count().get_result(conn)?;
        if per_address >= MAX_PER_ADDRESS {
            return Ok(None);
        }
        // Keep the table small: old attempts no longer count.
        diesel::delete(login_failures::table.filter(login_failures::created_at.lt(now - WINDOW))).execute(conn)?;
        let id = diesel::insert_into(login_failures::table)
            .values((login_failures::login_key.eq(key), login_failures::ip.eq(ip), login_failures::created_at.eq(now)))
            .returning(login_failures::id)
            .get_result(conn)?;
        Ok(Some(Reservation(id)))
    })
}

/// The password was right: this attempt does not count.
pub fn release(conn: &mut AnyConnection, reservation: Reservation) -> QueryResult<()> {
    diesel::delete(login_failures::table.find(reservation.0)).execute(conn)?;
    Ok(())
}

/// A new password (by reset) forgives the account's failures.
pub fn clear_account(conn: &mut AnyConnection, user_id: i64) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::login_key.eq(account_key(Some(user_id), ""))))
        .execute(conn)?;
    Ok(())
}
