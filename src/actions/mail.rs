//! E-mails people write, and the outbox's failed ones sent again.

use diesel::QueryResult;

use crate::config::PerHour;
use crate::db::audit::By;
use crate::db::limits::{self, Limited};
use crate::db::outbox::{self, Recipient};
use crate::db::{self, AnyConnection};
use crate::mail::compose;

/// `EMAILS_PER_HOUR` reached: nothing queued.
pub struct TooMany;

/// Queues an e-mail written by `writer` (a user, of a company or none) to
/// each recipient, each counting against the hourly limit.
pub fn send_written(
    c: &mut AnyConnection,
    writer: (i64, Option<i64>),
    limit: PerHour,
    recipients: &[Recipient],
    (subject, body): (&str, &str),
    reply_to: &str,
) -> QueryResult<Result<(), TooMany>> {
    db::transaction(c, |c| {
        if !limits::allows_more(c, Limited::Emails, writer, limit, recipients.len() as i64)? {
            return Ok(Err(TooMany));
        }
        compose::queue_written(c, recipients, subject, body, writer.0, reply_to)?;
        Ok(Ok(()))
    })
}

/// The e-mail has not failed: only failed ones are sent again.
pub struct NotFailed;

/// Queues a failed e-mail again (an admin's retry), audited without the
/// address, subject or error (they may name the person).
pub fn retry_failed(c: &mut AnyConnection, actor: i64, ip: &str, id: i64) -> QueryResult<Result<(), NotFailed>> {
    db::transaction(c, |c| {
        outbox::find(c, id)?; // an unknown e-mail is a 404
        if !outbox::retry_failed(c, id)? {
            return Ok(Err(NotFailed));
        }
        let detail = format!("e-mail {id} queued again");
        By { user_id: actor, ip }.record(c, "outbox.retry", ("outbox", id), detail)?;
        Ok(Ok(()))
    })
}
