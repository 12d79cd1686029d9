//! What a socket reads when woken, and the JSON frames it sends.
//!
//! Frames (server -> page), one JSON object each:
//! - `{"type":"notification","id",…,"kind","title","body","link","data","created_at"}`
//! - `{"type":"message","id","thread","sender","ours","from_seeker","body","created_at","time","link"}`
//! - `{"type":"counts","notifications":n,"messages":m}` when they change
//! - `{"type":"ready","notification":id,"message":id}` once the first read is sent
//!
//! The page (`static/js/live.js`) opens `/ws?notification=N&message=M` with the
//! last ids it saw; everything after them is sent once, then what comes next.

use diesel::QueryResult;
use serde_json::{Value, json};

use crate::db::AnyConnection;
use crate::db::messages::{self, MessageView, Scope};
use crate::db::notifications::{self, Notification};
use crate::format;

/// How many rows of each kind one read sends at most (a longer backlog is
/// sent in several reads, each waiting for room in the socket's queue).
pub const BATCH: i64 = 50;

/// The last ids a page has seen. None: start from now (nothing replayed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursors {
    pub notification: Option<i64>,
    pub message: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub notifications: i64,
    pub messages: i64,
}

/// The bell and inbox counts and where a page starts following.
#[derive(Debug, Clone, Copy, Default)]
pub struct Header {
    pub unread_notifications: i64,
    pub unread_messages: i64,
    pub last_notification_id: i64,
    pub last_message_id: i64,
}

/// Four indexed look-ups for the layout of a logged-in page, in one
/// statement (admins: their threads first).
pub fn header(conn: &mut AnyConnection, user_id: i64, scope: Option<Scope>) -> QueryResult<Header> {
    if let Some([unread_notifications, last_notification_id, unread_messages, last_message_id]) =
        messages::header_counts(conn, user_id, scope)?
    {
        return Ok(Header { unread_notifications, unread_messages, last_notification_id, last_message_id });
    }
    let (unread_messages, last_message_id) = match scope {
        Some(scope) => (messages::unread_count(conn, scope)?, messages::last_id(conn, scope)?),
        None => (0, 0),
    };
    Ok(Header {
        unread_notifications: notifications::unread_count(conn, user_id)?,
        unread_messages,
        last_notification_id: notifications::last_id(conn, user_id)?,
        last_message_id,
    })
}

/// One read: new rows after the cursors, and the counts.
pub struct Batch {
    pub notifications: Vec<Notification>,
    pub messages: Vec<MessageView>,
    pub counts: Counts,
    /// The cursors after this batch (set to "now" when they were unset).
    pub cursors: Cursors,
    /// A full batch: read again.
    pub more: bool,
}

/// The session a socket was opened with still counts: the user is active and
/// has not logged out everywhere or changed the password since.
pub fn session_valid(conn: &mut AnyConnection, user_id: i64, epoch: i32) -> QueryResult<bool> {
    match crate::db::users::find(conn, user_id) {
        Ok(user) => Ok(user.is_active && user.session_epoch == epoch),
        Err(diesel::result::Error::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn read(conn: &mut AnyConnection, user_id: i64, scope: Option<Scope>, cursors: Cursors) -> QueryResult<Batch> {
    let (notifications, notification) = match cursors.notification {
        Some(after) => {
            let rows = notifications::after(conn, user_id, after, BATCH)?;
            let last = rows.last().map_or(after, |n| n.id);
            (rows, last)
        }
        None => (Vec::new(), notifications::last_id(conn, user_id)?),
    };
    let (messages, message, unread_messages) = match scope {
        None => (Vec::new(), cursors.message.unwrap_or(0), 0),
        Some(scope) => {
            let (rows, last) = match cursors.message {
                Some(after) => {
                    let rows = messages::after(conn, scope, after, BATCH)?;
                    let last = rows.last().map_or(after, |m| m.id);
                    (rows, last)
                }
                None => (Vec::new(), messages::last_id(conn, scope)?),
            };
            (rows, last, messages::unread_count(conn, scope)?)
        }
    };
    let more = notifications.len() as i64 == BATCH || messages.len() as i64 == BATCH;
    Ok(Batch {
        counts: Counts { notifications: notifications::unread_count(conn, user_id)?, messages: unread_messages },
        notifications,
        messages,
        cursors: Cursors { notification: Some(notification), message: Some(message) },
        more,
    })
}

pub fn notification_frame(n: &Notification) -> String {
    let data: Value =
        if n.data.is_empty() { Value::Null } else { serde_json::from_str(&n.data).unwrap_or(Value::Null) };
    json!({
        "type": "notification",
        "id": n.id,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "link": n.link,
        "data": data,
        "created_at": format::iso(&n.created_at),
    })
    .to_string()
}

/// A message as the user of `scope` sees it (`ours`: written by their side).
pub fn message_frame(m: &MessageView, viewer_is_seeker: bool, zone: &jiff::tz::TimeZone) -> String {
    json!({
        "type": "message",
        "id": m.id,
        "thread": m.applicant_id,
        "sender": m.sender_name,
        "ours": m.from_seeker == viewer_is_seeker,
        "from_seeker": m.from_seeker,
        "body": m.body,
        "created_at": format::iso(&m.created_at),
        "time": crate::domain::zone::datetime(&m.created_at, zone),
        "link": messages::thread_link(m.applicant_id, viewer_is_seeker),
    })
    .to_string()
}

pub fn counts_frame(c: Counts) -> String {
    json!({"type": "counts", "notifications": c.notifications, "messages": c.messages}).to_string()
}

pub fn ready_frame(c: Cursors) -> String {
    json!({"type": "ready", "notification": c.notification.unwrap_or(0), "message": c.message.unwrap_or(0)}).to_string()
}
