//! Messages: one thread per application, between the company (its employers,
//! and admins) and the seeker who applied. Applicants added by hand have no
//! account and so no thread.
//!
//! Each message keeps its thread's company and seeker, so "everything of my
//! threads after id N" and the unread counts read one index.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicants, companies, jobs, messages, users};
use crate::domain::Role;

/// The longest message accepted, in characters.
pub const MAX_CHARS: usize = 5000;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: i64,
    pub applicant_id: i64,
    pub sender_id: Option<i64>,
    pub body: String,
    pub read_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub company_id: Option<i64>,
    pub seeker_id: Option<i64>,
    pub from_seeker: bool,
}

/// A message with the name of who wrote it.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub message: Message,
    pub sender_name: String,
}

impl std::ops::Deref for MessageView {
    type Target = Message;
    fn deref(&self) -> &Message {
        &self.message
    }
}

/// Whose threads a user follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A seeker: the threads of their own applications.
    Seeker(i64),
    /// An employer: every thread of their company.
    Company(i64),
    /// An admin: threads assigned to them or where they have written.
    Admin(i64),
}

impl Scope {
    pub fn of(user_id: i64, role: Role, company_id: Option<i64>) -> Option<Scope> {
        match (role, company_id) {
            (Role::Seeker, _) => Some(Scope::Seeker(user_id)),
            (Role::Employer, Some(company)) => Some(Scope::Company(company)),
            (Role::Employer, None) => None,
            (Role::Admin, _) => Some(Scope::Admin(user_id)),
        }
    }

    /// True for the seeker's side of a thread.
    pub fn is_seeker(&self) -> bool {
        matches!(self, Scope::Seeker(_))
    }
}

/// A thread: the application it belongs to, with what both sides show.
#[derive(Debug, Clone)]
pub struct Thread {
    pub applicant_id: i64,
    pub company_id: i64,
    pub seeker_id: i64,
    pub assignee_id: Option<i64>,
    pub applicant_name: String,
    pub job_title: Option<String>,
    pub company_name: String,
}

impl Thread {
    /// The page of the thread for one side.
    pub fn link(&self, seeker_side: bool) -> String {
        thread_link(self.applicant_id, seeker_side)
    }

    /// What the thread is about, for titles and e-mails.
    pub fn subject(&self) -> String {
        match &self.job_title {
            Some(title) => format!("{} at {}", title, self.company_name),
            None => format!("your application at {}", self.company_name),
        }
    }
}

pub fn thread_link(applicant_id: i64, seeker_side: bool) -> String {
    if seeker_side {
        format!("/applications/{applicant_id}/messages")
    } else {
        format!("/applicants/{applicant_id}/messages")
    }
}

type ThreadRow = (i64, i64, Option<i64>, Option<i64>, String, Option<String>, String);

/// The thread of an applicant, or None when it has none (added by hand).
pub fn find_thread(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Option<Thread>> {
    let row: Option<ThreadRow> = applicants::table
        .inner_join(companies::table)
        .left_join(jobs::table)
        .filter(applicants::id.eq(applicant_id))
        .select((
            applicants::id,
            applicants::company_id,
            applicants::seeker_id,
            applicants::assignee_id,
            applicants::name,
            jobs::title.nullable(),
            companies::name,
        ))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(applicant_id, company_id, seeker_id, assignee_id, applicant_name, job_title, company_name)| {
        Some(Thread {
            applicant_id,
            company_id,
            seeker_id: seeker_id?,
            assignee_id,
            applicant_name,
            job_title,
            company_name,
        })
    }))
}

/// Whether a user in `scope` may read and write in `thread`.
pub fn may_open(scope: Scope, thread: &Thread) -> bool {
    match scope {
        Scope::Seeker(id) => thread.seeker_id == id,
        Scope::Company(id) => thread.company_id == id,
        Scope::Admin(_) => true,
    }
}

/// A thread's messages, oldest first (the newest `limit`).
pub fn in_thread(conn: &mut AnyConnection, applicant_id: i64, limit: i64) -> QueryResult<Vec<MessageView>> {
    let mut rows = with_senders(
        messages::table
            .left_join(users::table.on(users::id.nullable().eq(messages::sender_id)))
            .filter(messages::applicant_id.eq(applicant_id))
            .order(messages::id.desc())
            .limit(limit)
            .select((Message::as_select(), users::username.nullable(), users::display_name.nullable()))
            .load(conn)?,
    );
    rows.reverse();
    Ok(rows)
}

fn with_senders(rows: Vec<(Message, Option<String>, Option<String>)>) -> Vec<MessageView> {
    rows.into_iter()
        .map(|(message, username, display_name)| {
            let sender_name = match (display_name, username) {
                (Some(d), _) if !d.is_empty() => d,
                (_, Some(u)) => u,
                _ => "Former user".to_string(),
            };
            MessageView { message, sender_name }
        })
        .collect()
}

/// Stores a message in its thread (ordered with the live feed).
pub fn insert(
    conn: &mut AnyConnection,
    thread: &Thread,
    sender_id: i64,
    from_seeker: bool,
    body: &str,
) -> QueryResult<Message> {
    super::notifications::in_feed_order(conn, |conn| {
        diesel::insert_into(messages::table)
            .values((
                messages::applicant_id.eq(thread.applicant_id),
                messages::sender_id.eq(Some(sender_id)),
                messages::body.eq(body),
                messages::created_at.eq(super::now()),
                messages::company_id.eq(Some(thread.company_id)),
                messages::seeker_id.eq(Some(thread.seeker_id)),
                messages::from_seeker.eq(from_seeker),
            ))
            .returning(messages::all_columns)
            .get_result(conn)
    })
}

/// Marks the other side's messages of a thread read, for a reader on one side.
pub fn mark_thread_read(conn: &mut AnyConnection, applicant_id: i64, reader_is_seeker: bool) -> QueryResult<usize> {
    diesel::update(
        messages::table
            .filter(messages::applicant_id.eq(applicant_id))
            .filter(messages::read_at.is_null())
            .filter(messages::from_seeker.eq(!reader_is_seeker)),
    )
    .set(messages::read_at.eq(super::now()))
    .execute(conn)
}

/// Applicants whose threads an admin follows: assigned to them, or where they wrote.
fn admin_threads(conn: &mut AnyConnection, admin_id: i64) -> QueryResult<Vec<i64>> {
    let mut ids: Vec<i64> =
        applicants::table.filter(applicants::assignee_id.eq(admin_id)).select(applicants::id).load(conn)?;
    let written: Vec<i64> = messages::table
        .filter(messages::sender_id.eq(admin_id))
        .select(messages::applicant_id)
        .distinct()
        .load(conn)?;
    ids.extend(written);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Unread messages of the other side in the user's threads (the inbox count).
pub fn unread_count(conn: &mut AnyConnection, scope: Scope) -> QueryResult<i64> {
    let unread = messages::table.filter(messages::read_at.is_null());
    match scope {
        Scope::Seeker(id) => unread
            .filter(messages::seeker_id.eq(id))
            .filter(diesel::dsl::not(messages::from_seeker))
            .count()
            .get_result(conn),
        Scope::Company(id) => {
            unread.filter(messages::company_id.eq(id)).filter(messages::from_seeker).count().get_result(conn)
        }
        Scope::Admin(id) => {
            let threads = admin_threads(conn, id)?;
            if threads.is_empty() {
                return Ok(0);
            }
            unread.filter(messages::applicant_id.eq_any(threads)).filter(messages::from_seeker).count().get_result(conn)
        }
    }
}

/// A page's layout in one statement: the user's unread notifications and
/// newest notification id, and the unread messages and newest message id of
/// their threads. None for admins, whose threads are looked up first
/// (`unread_count`, `last_id`).
pub fn header_counts(conn: &mut AnyConnection, user_id: i64, scope: Option<Scope>) -> QueryResult<Option<[i64; 4]>> {
    use super::schema::notifications;
    let mine = notifications::table.filter(notifications::user_id.eq(user_id));
    let unread_notifications = mine.filter(notifications::read_at.is_null()).count().single_value();
    let last_notification = mine.select(diesel::dsl::max(notifications::id)).single_value();
    let unread = messages::table.filter(messages::read_at.is_null());
    let max = diesel::dsl::max(messages::id);
    let row: (Option<i64>, Option<i64>, Option<i64>, Option<i64>) = match scope {
        // No threads at all.
        None => {
            let (unread, last) = diesel::select((unread_notifications, last_notification)).get_result(conn)?;
            (unread, last, None, None)
        }
        Some(Scope::Seeker(id)) => diesel::select((
            unread_notifications,
            last_notification,
            unread
                .filter(messages::seeker_id.eq(id))
                .filter(diesel::dsl::not(messages::from_seeker))
                .count()
                .single_value(),
            messages::table.filter(messages::seeker_id.eq(id)).select(max).single_value(),
        ))
        .get_result(conn)?,
        Some(Scope::Company(id)) => diesel::select((
            unread_notifications,
            last_notification,
            unread.filter(messages::company_id.eq(id)).filter(messages::from_seeker).count().single_value(),
            messages::table.filter(messages::company_id.eq(id)).select(max).single_value(),
        ))
        .get_result(conn)?,
        Some(Scope::Admin(_)) => return Ok(None),
    };
    Ok(Some([row.0, row.1, row.2, row.3].map(|n| n.unwrap_or(0))))
}

/// The newest message id of the user's threads (0 when none).
pub fn last_id(conn: &mut AnyConnection, scope: Scope) -> QueryResult<i64> {
    let max = diesel::dsl::max(messages::id);
    let id: Option<i64> = match scope {
        Scope::Seeker(id) => messages::table.filter(messages::seeker_id.eq(id)).select(max).first(conn)?,
        Scope::Company(id) => messages::table.filter(messages::company_id.eq(id)).select(max).first(conn)?,
        Scope::Admin(id) => {
            let threads = admin_threads(conn, id)?;
            if threads.is_empty() {
                return Ok(0);
            }
            messages::table.filter(messages::applicant_id.eq_any(threads)).select(max).first(conn)?
        }
    };
    Ok(id.unwrap_or(0))
}

/// Messages of the user's threads after `after_id`, oldest first.
pub fn after(conn: &mut AnyConnection, scope: Scope, after_id: i64, limit: i64) -> QueryResult<Vec<MessageView>> {
    let base = messages::table
        .left_join(users::table.on(users::id.nullable().eq(messages::sender_id)))
        .filter(messages::id.gt(after_id))
        .order(messages::id.asc())
        .limit(limit)
        .select((Message::as_select(), users::username.nullable(), users::display_name.nullable()));
    let rows = match scope {
        Scope::Seeker(id) => base.filter(messages::seeker_id.eq(id)).load(conn)?,
        Scope::Company(id) => base.filter(messages::company_id.eq(id)).load(conn)?,
        Scope::Admin(id) => {
            let threads = admin_threads(conn, id)?;
            if threads.is_empty() {
                return Ok(Vec::new());
            }
            base.filter(messages::applicant_id.eq_any(threads)).load(conn)?
        }
    };
    Ok(with_senders(rows))
}

/// One line of the inbox: a thread with its newest message and unread count.
#[derive(Debug, Clone)]
pub struct InboxEntry {
    pub thread: Thread,
    pub last: MessageView,
    pub unread: i64,
}

/// The user's threads that hold messages, most recent first: one page, and
/// whether there is a next one.
pub fn inbox(conn: &mut AnyConnection, scope: Scope, offset: i64, limit: i64) -> QueryResult<(Vec<InboxEntry>, bool)> {
    let newest = diesel::dsl::max(messages::id);
    let grouped = messages::table.group_by(messages::applicant_id).select((messages::applicant_id, newest));
    let mut heads: Vec<(i64, Option<i64>)> = match scope {
        Scope::Seeker(id) => grouped
            .filter(messages::seeker_id.eq(id))
            .order(newest.desc())
            .offset(offset)
            .limit(limit + 1)
            .load(conn)?,
        Scope::Company(id) => grouped
            .filter(messages::company_id.eq(id))
            .order(newest.desc())
            .offset(offset)
            .limit(limit + 1)
            .load(conn)?,
        Scope::Admin(id) => {
            let threads = admin_threads(conn, id)?;
            if threads.is_empty() {
                return Ok((Vec::new(), false));
            }
            grouped
                .filter(messages::applicant_id.eq_any(threads))
                .order(newest.desc())
                .offset(offset)
                .limit(limit + 1)
                .load(conn)?
        }
    };
    let more = heads.len() as i64 > limit;
    heads.truncate(limit as usize);
    let thread_ids: Vec<i64> = heads.iter().map(|(id, _)| *id).collect();
    let last_ids: Vec<i64> = heads.iter().filter_map(|(_, m)| *m).collect();
    if thread_ids.is_empty() {
        return Ok((Vec::new(), false));
    }

    let last = with_senders(
        messages::table
            .left_join(users::table.on(users::id.nullable().eq(messages::sender_id)))
            .filter(messages::id.eq_any(&last_ids))
            .select((Message::as_select(), users::username.nullable(), users::display_name.nullable()))
            .load(conn)?,
    );
    let unread: Vec<(i64, i64)> = messages::table
        .filter(messages::applicant_id.eq_any(&thread_ids))
        .filter(messages::read_at.is_null())
        .filter(messages::from_seeker.eq(!scope.is_seeker()))
        .group_by(messages::applicant_id)
        .select((messages::applicant_id, diesel::dsl::count_star()))
        .load(conn)?;
    let threads: Vec<ThreadRow> = applicants::table
        .inner_join(companies::table)
        .left_join(jobs::table)
        .filter(applicants::id.eq_any(&thread_ids))
        .select((
            applicants::id,
            applicants::company_id,
            applicants::seeker_id,
            applicants::assignee_id,
            applicants::name,
            jobs::title.nullable(),
            companies::name,
        ))
        .load(conn)?;

    let mut entries = Vec::with_capacity(heads.len());
    for (applicant_id, last_id) in heads {
        let Some(last) = last.iter().find(|m| Some(m.id) == last_id).cloned() else { continue };
        let Some(row) = threads.iter().find(|t| t.0 == applicant_id).cloned() else { continue };
        let (applicant_id, company_id, seeker_id, assignee_id, applicant_name, job_title, company_name) = row;
        let Some(seeker_id) = seeker_id else { continue };
        entries.push(InboxEntry {
            thread: Thread {
                applicant_id,
                company_id,
                seeker_id,
                assignee_id,
                applicant_name,
                job_title,
                company_name,
            },
            last,
            unread: unread.iter().find(|(id, _)| *id == applicant_id).map(|(_, n)| *n).unwrap_or(0),
        });
    }
    Ok((entries, more))
}

/// Someone who hears of a message: id, e-mail and name.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// The active people of the company side of a thread: its employers, and the
/// assignee when that is an admin.
pub fn company_side(conn: &mut AnyConnection, thread: &Thread) -> QueryResult<Vec<Participant>> {
    let mut people: Vec<(i64, String, String, String)> = users::table
        .filter(users::company_id.eq(thread.company_id))
        .filter(users::role.eq(Role::Employer))
        .filter(users::is_active.eq(true))
        .order(users::id.asc())
        .select((users::id, users::email, users::username, users::display_name))
        .load(conn)?;
    if let Some(assignee) = thread.assignee_id.filter(|a| !people.iter().any(|p| p.0 == *a)) {
        let admin: Option<(i64, String, String, String)> = users::table
            .filter(users::id.eq(assignee))
            .filter(users::role.eq(Role::Admin))
            .filter(users::is_active.eq(true))
            .select((users::id, users::email, users::username, users::display_name))
            .first(conn)
            .optional()?;
        people.extend(admin);
    }
    Ok(people.into_iter().map(participant).collect())
}

/// The seeker of a thread, when their account is active.
pub fn seeker_side(conn: &mut AnyConnection, thread: &Thread) -> QueryResult<Vec<Participant>> {
    let seeker: Option<(i64, String, String, String)> = users::table
        .filter(users::id.eq(thread.seeker_id))
        .filter(users::is_active.eq(true))
        .select((users::id, users::email, users::username, users::display_name))
        .first(conn)
        .optional()?;
    Ok(seeker.into_iter().map(participant).collect())
}

fn participant((id, email, username, display_name): (i64, String, String, String)) -> Participant {
    Participant { id, email, name: if display_name.is_empty() { username } else { display_name } }
}

/// A reader opened a thread: the other side's messages are read, and so are
/// the reader's "new message" notifications that lead there. Returns how many
/// rows changed.
pub fn settle_thread(
    conn: &mut AnyConnection,
    thread: &Thread,
    reader_id: i64,
    reader_is_seeker: bool,
) -> QueryResult<usize> {
    super::transaction(conn, |conn| {
        let messages = mark_thread_read(conn, thread.applicant_id, reader_is_seeker)?;
        let notices =
            super::notifications::mark_read_by_link(conn, reader_id, "message", &thread.link(reader_is_seeker))?;
        Ok(messages + notices)
    })
}
