//! Failed log-ins, counted per account and per client address over a window.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::login_failures;

pub const WINDOW: time::Duration = time::Duration::minutes(15);
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 20;

/// True when either the account or the address has failed too often lately.
pub fn is_throttled(conn: &mut AnyConnection, login_key: &str, ip: &str) -> QueryResult<bool> {
    let since = super::now() - WINDOW;
    let recent = login_failures::table.filter(login_failures::created_at.gt(since));
    let per_account: i64 = recent.filter(login_failures::login_key.eq(login_key)).count().get_result(conn)?;
    if per_account >= MAX_PER_ACCOUNT {
        return Ok(true);
    }
    let per_address: i64 = recent.filter(login_failures::ip.eq(ip)).count().get_result(conn)?;
    Ok(per_address >= MAX_PER_ADDRESS)
}

pub fn record_failure(conn: &mut AnyConnection, login_key: &str, ip: &str) -> QueryResult<()> {
    let now = super::now();
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::login_key.eq(login_key),
            login_failures::ip.eq(ip),
            login_failures::created_at.eq(now),
        ))
        .execute(conn)?;
    // Keep the table small: old failures no longer count.
    diesel::delete(login_failures::table.filter(login_failures::created_at.lt(now - WINDOW))).execute(conn)?;
    Ok(())
}

/// A successful log-in forgives the account's earlier failures.
pub fn clear_account(conn: &mut AnyConnection, login_key: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::login_key.eq(login_key))).execute(conn)?;
    Ok(())
}
