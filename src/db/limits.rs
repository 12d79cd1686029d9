//! Limits on what users write per hour (applications, messages, team
//! invitations, applicants added by hand, e-mails to applicants), counted
//! from the rows already written. The count runs in the transaction that
//! writes the next rows, under a lock per writer (an advisory lock on
//! PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers), so
//! requests sent in parallel cannot slip past the limit together.

use diesel::prelude::*;
use diesel::sql_types::Integer;
use time::Duration;

use super::AnyConnection;
use super::schema::{applicant_events, applicants, company_invites, messages};
use crate::config::PerHour;
use crate::domain::ApplicantSource;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Applications sent by a seeker.
    Applications,
    /// Messages sent by anyone.
    Messages,
    /// Team invitations (each one an e-mail from the site's address).
    Invitations,
    /// Applicants added by hand (each may be e-mailed).
    HandAdded,
    /// E-mails written to applicants, one by one or to a selection.
    Emails,
}

/// Whose writes are counted: one user's, or all of one company's members'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    User(i64),
    Company(i64),
}

/// The window the limits count over.
pub const WINDOW: Duration = Duration::hours(1);

/// True when `user_id` may write one more of `what` (fewer than `max` in the
/// last hour). Call it inside the transaction that writes the row.
pub fn allows(conn: &mut AnyConnection, what: Limited, user_id: i64, max: i64) -> QueryResult<bool> {
    has_room(conn, what, Writer::User(user_id), max, 1)
}

/// True when `n` more of `what` keep the user, and their company (when they
/// act for one), within `limit`. Call it inside the transaction that writes
/// the rows.
pub fn allows_more(
    conn: &mut AnyConnection,
    what: Limited,
    (user_id, company_id): (i64, Option<i64>),
    limit: PerHour,
    n: i64,
) -> QueryResult<bool> {
    if !has_room(conn, what, Writer::User(user_id), limit.user, n)? {
        return Ok(false);
    }
    match company_id {
        Some(company) => has_room(conn, what, Writer::Company(company), limit.company, n),
        None => Ok(true),
    }
}

fn has_room(conn: &mut AnyConnection, what: Limited, writer: Writer, max: i64, n: i64) -> QueryResult<bool> {
    if let AnyConnection::Postgresql(pg) = conn {
        // Two int4 keys: the kind of count, and the writer (ids past 2^31
        // share a lock, which only serialises them).
        let (class, id) = match writer {
            Writer::User(id) => (0x4a43_0000 + what as i32, id),
            Writer::Company(id) => (0x4a43_0100 + what as i32, id),
        };
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)::text")
            .bind::<Integer, _>(class)
            .bind::<Integer, _>((id & 0x7fff_ffff) as i32)
            .execute(pg)?;
    }
    Ok(written_since(conn, what, writer, super::now() - WINDOW)? + n <= max)
}

/// How many of `what` the writer wrote since `since`.
fn written_since(
    conn: &mut AnyConnection,
    what: Limited,
    writer: Writer,
    since: time::PrimitiveDateTime,
) -> QueryResult<i64> {
    use Writer::{Company, User};
    // Hand-added applicants and e-mails are counted from the timeline lines
    // each one writes (`created`, `email`), whose actor is the writer.
    let events = |kind: &'static str| {
        applicant_events::table
            .inner_join(applicants::table)
            .filter(applicant_events::kind.eq(kind).and(applicant_events::created_at.gt(since)))
            .into_boxed()
    };
    match (what, writer) {
        (Limited::Applications, User(id)) => applicants::table
            .filter(applicants::seeker_id.eq(id).and(applicants::created_at.gt(since)))
            .count()
            .get_result(conn),
        (Limited::Applications, Company(id)) => applicants::table
            .filter(applicants::company_id.eq(id).and(applicants::source.eq(ApplicantSource::Portal)))
            .filter(applicants::created_at.gt(since))
            .count()
            .get_result(conn),
        (Limited::Messages, User(id)) => messages::table
            .filter(messages::sender_id.eq(id).and(messages::created_at.gt(since)))
            .count()
            .get_result(conn),
        (Limited::Messages, Company(id)) => messages::table
            .filter(messages::company_id.eq(id).and(messages::from_seeker.eq(false)))
            .filter(messages::created_at.gt(since))
            .count()
            .get_result(conn),
        (Limited::Invitations, User(id)) => company_invites::table
            .filter(company_invites::invited_by.eq(id).and(company_invites::created_at.gt(since)))
            .count()
            .get_result(conn),
        (Limited::Invitations, Company(id)) => company_invites::table
            .filter(company_invites::company_id.eq(id).and(company_invites::created_at.gt(since)))
            .count()
            .get_result(conn),
        (Limited::HandAdded, User(id)) => {
            events("created").filter(applicant_events::actor_id.eq(id)).count().get_result(conn)
        }
        (Limited::HandAdded, Company(id)) => {
            events("created").filter(applicants::company_id.eq(id)).count().get_result(conn)
        }
        (Limited::Emails, User(id)) => {
            events("email").filter(applicant_events::actor_id.eq(id)).count().get_result(conn)
        }
        (Limited::Emails, Company(id)) => {
            events("email").filter(applicants::company_id.eq(id)).count().get_result(conn)
        }
    }
}
