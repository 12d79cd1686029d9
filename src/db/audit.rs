//! The audit log: who did what to which record, when, from where.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::audit_log;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub detail: String,
    pub ip: String,
    pub created_at: PrimitiveDateTime,
}

/// One privileged action. Write it with the change, in the same transaction.
#[derive(Debug, Clone)]
pub struct AuditRecord<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<i64>,
    pub detail: String,
    pub ip: &'a str,
}

/// Who makes a change, and from where: for its line in the audit log.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub user_id: i64,
    pub ip: &'a str,
}

impl By<'_> {
    /// The audit line of a change `by` made: `target` is (type, id). Ids and
    /// roles only in `detail`, no names or addresses (they must not outlive
    /// an erasure).
    pub fn record(
        &self,
        conn: &mut AnyConnection,
        action: &str,
        target: (&str, i64),
        detail: String,
    ) -> QueryResult<()> {
        let (target_type, id) = target;
        record(
            conn,
            AuditRecord { actor_id: Some(self.user_id), action, target_type, target_id: Some(id), detail, ip: self.ip },
        )
    }
}

pub fn record(conn: &mut AnyConnection, entry: AuditRecord) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(entry.actor_id),
            audit_log::action.eq(entry.action),
            audit_log::target_type.eq(entry.target_type),
            audit_log::target_id.eq(entry.target_id),
            audit_log::detail.eq(entry.detail),
            audit_log::ip.eq(entry.ip),
            audit_log::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rows of `action` from the address `ip` since `since`: the per-address
/// limits of requests that write an audit row each (sign-ups, reset links).
pub fn count_from(conn: &mut AnyConnection, action: &str, ip: &str, since: PrimitiveDateTime) -> QueryResult<i64> {
    audit_log::table
        .filter(audit_log::action.eq(action).and(audit_log::ip.eq(ip)).and(audit_log::created_at.gt(since)))
        .count()
        .get_result(conn)
}
