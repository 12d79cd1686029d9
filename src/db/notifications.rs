//! Notifications: stored first, in the transaction of the change; the live
//! socket only tells the page to fetch them (see `realtime`).
//!
//! Live pages follow notifications by id ("everything after id N"), so ids
//! must become visible in the order they were given. SQLite has one writer at
//! a time; on PostgreSQL every transaction that writes notifications or
//! messages takes one advisory lock first (`in_feed_order`), so a row with a
//! smaller id never commits after a larger one has been seen.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::notifications;
use crate::domain::NotificationKind;

/// A notification to store for one user.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub user_id: i64,
    /// What happened.
    pub kind: NotificationKind,
    pub title: &'a str,
    pub body: &'a str,
    /// Where the notification leads (a path on this site).
    pub link: &'a str,
    /// Structured details for live pages, as JSON (or "").
    pub data: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub data: String,
    pub read_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

impl Notification {
    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }

    /// A short label for the kind, shown beside the title ("Update" for a
    /// kind this version does not know).
    pub fn kind_label(&self) -> &'static str {
        self.kind.parse::<NotificationKind>().map_or("Update", |kind| kind.label())
    }
}

/// Key of the advisory lock that orders the live feeds on PostgreSQL.
const FEED_LOCK: i64 = 0x4a43_4645_4544; // "JCFEED"

/// Runs `f` so that the ids it inserts into `notifications` or `messages`
/// commit in id order (see the module comment). Inside a transaction the lock
/// lasts until that transaction ends; outside one, `f` gets its own.
pub fn in_feed_order<T, F>(conn: &mut AnyConnection, f: F) -> QueryResult<T>
where
    F: FnOnce(&mut AnyConnection) -> QueryResult<T>,
{
    let in_transaction = match conn {
        AnyConnection::Sqlite(_) => return f(conn),
        AnyConnection::Postgresql(pg) => {
            AnsiTransactionManager::transaction_manager_status_mut(pg).transaction_depth()?.is_some()
        }
    };
    let locked = |c: &mut AnyConnection| {
        if let AnyConnection::Postgresql(pg) = c {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({FEED_LOCK})")).execute(pg)?;
        }
        f(c)
    };
    if in_transaction { locked(conn) } else { conn.transaction(locked) }
}

pub fn create(conn: &mut AnyConnection, n: &NewNotification) -> QueryResult<i64> {
    in_feed_order(conn, |conn| {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(n.user_id),
                notifications::kind.eq(n.kind),
                notifications::title.eq(n.title),
                notifications::body.eq(n.body),
                notifications::link.eq(n.link),
                notifications::data.eq(&n.data),
                notifications::created_at.eq(super::now()),
            ))
            .returning(notifications::id)
            .get_result(conn)
    })
}

/// One page of a user's notifications, unread first, newest first within each.
pub fn list(conn: &mut AnyConnection, user_id: i64, offset: i64, limit: i64) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::read_at.is_not_null(), notifications::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

pub fn count(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
    notifications::table.filter(notifications::user_id.eq(user_id)).count().get_result(conn)
}

/// The bell count (a partial index of unread rows answers it).
pub fn unread_count(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// The newest notification id of the user (0 when none): where a live page starts.
pub fn last_id(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .select(diesel::dsl::max(notifications::id))
        .first::<Option<i64>>(conn)
        .map(|id| id.unwrap_or(0))
}

/// The user's notifications after `after_id`, oldest first.
pub fn after(conn: &mut AnyConnection, user_id: i64, after_id: i64, limit: i64) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::id.gt(after_id))
        .order(notifications::id.asc())
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

/// Marks one of the user's notifications read; NotFound when it is not theirs.
pub fn mark_read(conn: &mut AnyConnection, user_id: i64, id: i64) -> QueryResult<Notification> {
    let found: Notification = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id))
        .select(Notification::as_select())
        .first(conn)?;
    if found.read_at.is_none() {
        diesel::update(notifications::table.find(id)).set(notifications::read_at.eq(super::now())).execute(conn)?;
    }
    Ok(found)
}

pub fn mark_all_read(conn: &mut AnyConnection, user_id: i64) -> QueryResult<usize> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(super::now()))
    .execute(conn)
}

/// Marks the user's unread notifications of one kind that lead to `link`
/// read (marking a thread read settles its "new message" notifications).
pub fn mark_read_by_link(conn: &mut AnyConnection, user_id: i64, kind: &str, link: &str) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null())
            .filter(notifications::kind.eq(kind))
            .filter(notifications::link.eq(link)),
    )
    .set(notifications::read_at.eq(super::now()))
    .execute(conn)
}
