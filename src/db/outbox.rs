//! The e-mail outbox: every e-mail is a row first, inserted in the transaction
//! of the change that causes it; the mail worker sends it later.
//!
//! A row's life: `queued` → `sending` (claimed by one worker until
//! `locked_until`) → `sent`, or back to `retrying` (with `next_attempt_at` and
//! `last_error`) until the attempts run out and it is `failed`. A row left in
//! `sending` by a crashed worker is claimed again once its lease is over.
//! The companies' e-mail templates are `db::email_templates`, the one-time
//! link tokens `db::tokens`.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::outbox;

/// An e-mail to send. Recipient and subject must not hold line breaks
/// (validated before it gets here; the worker refuses them too).
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The applicant it is written to (its page lists it).
    pub applicant_id: Option<i64>,
    /// The applicant it is about when it is written to someone else (an
    /// employer's notice that names them): erased with the applicant.
    pub about_applicant_id: Option<i64>,
}

/// Queues an e-mail and returns its outbox id.
pub fn enqueue(conn: &mut AnyConnection, email: &OutgoingEmail) -> QueryResult<i64> {
    enqueue_from(conn, email, &Sender::default())
}

/// Puts a calendar invite (RFC 5545 text) on a queued e-mail.
pub fn attach_calendar(conn: &mut AnyConnection, outbox_id: i64, ics: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(outbox_id)).set(outbox::calendar.eq(Some(ics))).execute(conn).map(|_| ())
}

/// Who an e-mail appears to come from, beyond `MAIL_FROM`: a display name
/// (the company) and an address that replies go to (the employer).
#[derive(Debug, Clone, Default)]
pub struct Sender<'a> {
    pub name: Option<&'a str>,
    pub reply_to: Option<&'a str>,
}

/// Queues an e-mail with a sender name and a reply address.
pub fn enqueue_from(conn: &mut AnyConnection, email: &OutgoingEmail, sender: &Sender) -> QueryResult<i64> {
    insert(conn, email, sender, None)
}

crate::text_enum! {
    /// A one-time link an e-mail carries. It is made only when the e-mail is
    /// sent: the stored e-mail holds [`LINK_HIDDEN`] where the link goes.
    LinkKind {
        PasswordReset => "password_reset", "Password reset";
        ConfirmEmail => "confirm_email", "E-mail confirmation";
        TeamInvite => "team_invite", "Team invitation";
    }
}

impl LinkKind {
    /// The page the link opens, before its token.
    pub fn path(&self) -> &'static str {
        match self {
            LinkKind::PasswordReset => "/password/reset/",
            LinkKind::ConfirmEmail => "/account/confirm/",
            LinkKind::TeamInvite => "/team/join/",
        }
    }

    /// How long a link works.
    pub fn valid_for(&self) -> time::Duration {
        match self {
            LinkKind::PasswordReset => time::Duration::hours(1),
            LinkKind::ConfirmEmail => time::Duration::days(2),
            LinkKind::TeamInvite => time::Duration::days(super::team::INVITE_DAYS),
        }
    }
}

/// What a stored e-mail shows where its one-time link goes. No outbox row,
/// admin page or log line ever holds the link itself.
pub const LINK_HIDDEN: &str = "[link hidden]";

/// Queues an e-mail whose text holds [`LINK_HIDDEN`]: the worker puts a fresh
/// one-time link of `kind` there when it sends it, for `subject_id` (the
/// user of a reset or confirmation link, the invitation of a team invite).
pub fn enqueue_with_link(
    conn: &mut AnyConnection,
    email: &OutgoingEmail,
    sender: &Sender,
    kind: LinkKind,
    subject_id: i64,
) -> QueryResult<i64> {
    insert(conn, email, sender, Some((kind, subject_id)))
}

/// E-mails with this subject queued for the address since `since` (a
/// per-account limit of an e-mail the site sends on its own).
pub fn queued_since(conn: &mut AnyConnection, to: &str, subject: &str, since: PrimitiveDateTime) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::recipient.eq(to).and(outbox::subject.eq(subject)).and(outbox::created_at.gt(since)))
        .count()
        .get_result(conn)
}

/// E-mails with a link of `kind` queued for the user since `since` (the
/// per-account limits of reset and confirmation e-mails).
pub fn links_queued_since(
    conn: &mut AnyConnection,
    kind: LinkKind,
    user_id: i64,
    since: PrimitiveDateTime,
) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::link_user_id.eq(user_id).and(outbox::link_kind.eq(kind)).and(outbox::created_at.gt(since)))
        .count()
        .get_result(conn)
}

fn insert(
    conn: &mut AnyConnection,
    email: &OutgoingEmail,
    sender: &Sender,
    link: Option<(LinkKind, i64)>,
) -> QueryResult<i64> {
    let now = super::now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(&email.to),
            outbox::recipient_name.eq(&email.to_name),
            outbox::subject.eq(&email.subject),
            outbox::body_text.eq(&email.text),
            outbox::body_html.eq(&email.html),
            outbox::state.eq(MailState::Queued),
            outbox::next_attempt_at.eq(now),
            outbox::applicant_id.eq(email.applicant_id),
            outbox::about_applicant_id.eq(email.about_applicant_id),
            outbox::created_at.eq(now),
            outbox::from_name.eq(sender.name),
            outbox::reply_to.eq(sender.reply_to),
            outbox::link_kind.eq(link.map(|(kind, _)| kind)),
            outbox::link_user_id.eq(link.map(|(_, user)| user)),
        ))
        .returning(outbox::id)
        .get_result(conn)
}

crate::text_enum! {
    /// Where an e-mail of the outbox stands.
    MailState {
        Queued => "queued", "Queued";
        Sending => "sending", "Sending";
        Retrying => "retrying", "Waiting to retry";
        Sent => "sent", "Sent";
        Failed => "failed", "Failed";
    }
}

impl MailState {
    /// The badge of the design system that shows this state.
    pub fn badge_class(&self) -> &'static str {
        match self {
            MailState::Queued | MailState::Sending => "badge badge-primary",
            MailState::Retrying => "badge badge-warning",
            MailState::Sent => "badge badge-success",
            MailState::Failed => "badge badge-danger",
        }
    }

    /// Still on its way (neither sent nor given up).
    pub fn is_pending(&self) -> bool {
        matches!(self, MailState::Queued | MailState::Sending | MailState::Retrying)
    }
}

/// One row of the outbox (fields in the order of the schema).
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub state: MailState,
    /// Attempts started so far (counted when a worker claims the row).
    pub attempts: i32,
    pub next_attempt_at: PrimitiveDateTime,
    pub locked_until: Option<PrimitiveDateTime>,
    pub last_error: Option<String>,
    pub applicant_id: Option<i64>,
    pub created_at: PrimitiveDateTime,
    pub sent_at: Option<PrimitiveDateTime>,
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    /// The one-time link the worker makes when it sends this e-mail (see
    /// `mail::links`), and whom it is for: a user, or for a team invite the
    /// invitation.
    pub link_kind: Option<LinkKind>,
    pub link_user_id: Option<i64>,
    /// A calendar invite (RFC 5545) sent with the e-mail.
    pub calendar: Option<String>,
    pub about_applicant_id: Option<i64>,
}

/// How long a claim holds a row. A live worker renews its claims every third
/// of it (`renew_claims`), and stops starting sends of a batch at half of
/// it, so its rows are never claimed twice; a dead worker's claims return to
/// the queue within a lease.
pub const LEASE: time::Duration = time::Duration::seconds(30);

/// PostgreSQL: rows locked by another instance's claim are skipped, not waited for.
const CLAIM_POSTGRES: &str = "UPDATE outbox SET state = 'sending', locked_until = $1, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox \
         WHERE (state IN ('queued', 'retrying') AND next_attempt_at <= $2) \
            OR (state = 'sending' AND locked_until < $2) \
         ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
     RETURNING *";

/// Claims up to `limit` due e-mails for this worker: queued ones, retries whose
/// time has come, and rows whose claim expired (their worker died).
/// PostgreSQL uses `FOR UPDATE SKIP LOCKED`, so instances never share a row;
/// SQLite takes the write lock first (`BEGIN IMMEDIATE`).
pub fn claim_due(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    let now = super::now();
    let until = now + LEASE;
    if let AnyConnection::Postgresql(pg) = conn {
        use diesel::sql_types::{BigInt, Timestamp};
        let mut rows: Vec<OutboxRow> = diesel::sql_query(CLAIM_POSTGRES)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(pg)?;
        rows.sort_by_key(|r| (r.next_attempt_at, r.id));
        return Ok(rows);
    }
    super::transaction(conn, |c| {
        let ids: Vec<i64> = outbox::table
            .filter(
                outbox::state
                    .eq_any([MailState::Queued, MailState::Retrying])
                    .and(outbox::next_attempt_at.le(now))
                    .or(outbox::state.eq(MailState::Sending).and(outbox::locked_until.lt(now))),
            )
            .order((outbox::next_attempt_at, outbox::id))
            .limit(limit)
            .select(outbox::id)
            .load(c)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows: Vec<OutboxRow> = diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set((
                outbox::state.eq(MailState::Sending),
                outbox::locked_until.eq(until),
                outbox::attempts.eq(outbox::attempts + 1),
            ))
            .returning(outbox::all_columns)
            .get_results(c)?;
        rows.sort_by_key(|r| (r.next_attempt_at, r.id));
        Ok(rows)
    })
}

/// Extends this worker's claims that are still in flight: the rows it
/// claimed (same `attempts`, so not a later claim by another worker) and
/// that are still being sent. Returns how many.
pub fn renew_claims(conn: &mut AnyConnection, claims: &[(i64, i32)]) -> QueryResult<usize> {
    let until = super::now() + LEASE;
    super::transaction(conn, |c| {
        let mut renewed = 0;
        for (id, attempts) in claims {
            renewed += diesel::update(
                outbox::table.find(id).filter(outbox::attempts.eq(attempts).and(outbox::state.eq(MailState::Sending))),
            )
            .set(outbox::locked_until.eq(until))
            .execute(c)?;
        }
        Ok(renewed)
    })
}

/// What came of one claimed row.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent,
    /// Try again at this time.
    Retry {
        error: String,
        at: PrimitiveDateTime,
    },
    /// Given up: out of attempts, or the e-mail itself is unsendable.
    Failed {
        error: String,
    },
    /// Not attempted (shutting down): back to the queue, the attempt not counted.
    Released,
}

/// A claimed row and what came of it. `attempts` is the row's count at the
/// claim: it fences the update, so a worker whose claim expired and was taken
/// over cannot overwrite the newer claim's result.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: i64,
    pub attempts: i32,
    pub had_error: bool,
    pub outcome: Outcome,
}

/// Writes the results of a batch in one transaction.
pub fn record_attempts(conn: &mut AnyConnection, results: &[Attempt]) -> QueryResult<Vec<i64>> {
    if results.is_empty() {
        return Ok(Vec::new());
    }
    super::transaction(conn, |c| {
        let mut told = Vec::new();
        let now = super::now();
        for attempt in results {
            let mine = outbox::table.filter(
                outbox::id
                    .eq(attempt.id)
                    .and(outbox::state.eq(MailState::Sending))
                    .and(outbox::attempts.eq(attempt.attempts)),
            );
            match &attempt.outcome {
                Outcome::Sent => diesel::update(mine)
                    .set((
                        outbox::state.eq(MailState::Sent),
                        outbox::sent_at.eq(Some(now)),
                        outbox::locked_until.eq(None::<PrimitiveDateTime>),
                        outbox::last_error.eq(None::<String>),
                    ))
                    .execute(c)?,
                Outcome::Retry { error, at } => diesel::update(mine)
                    .set((
                        outbox::state.eq(MailState::Retrying),
                        outbox::next_attempt_at.eq(at),
                        outbox::locked_until.eq(None::<PrimitiveDateTime>),
                        outbox::last_error.eq(Some(error)),
                    ))
                    .execute(c)?,
                Outcome::Failed { error } => {
                    let changed = diesel::update(mine)
                        .set((
                            outbox::state.eq(MailState::Failed),
                            outbox::locked_until.eq(None::<PrimitiveDateTime>),
                            outbox::last_error.eq(Some(error)),
                        ))
                        .execute(c)?;
                    if changed > 0 {
                        told.extend(tell_sender_of_failure(c, attempt.id)?);
                    }
                    changed
                }
                Outcome::Released => diesel::update(mine)
                    .set((
                        outbox::state.eq(if attempt.had_error { MailState::Retrying } else { MailState::Queued }),
                        outbox::locked_until.eq(None::<PrimitiveDateTime>),
                        outbox::attempts.eq(outbox::attempts - 1),
                    ))
                    .execute(c)?,
            };
        }
        Ok(told)
    })
}

/// An e-mail written to an applicant failed for good: whoever wrote it gets
/// a notification leading to the applicant (where the timeline shows the
/// error), not only the admins' outbox. Returns the users told.
fn tell_sender_of_failure(c: &mut AnyConnection, outbox_id: i64) -> QueryResult<Vec<i64>> {
    use super::schema::{applicant_events, applicants};
    let written: Vec<(i64, i64, String, String)> = applicant_events::table
        .inner_join(applicants::table)
        .filter(applicant_events::outbox_id.eq(outbox_id).and(applicant_events::kind.eq("email")))
        .filter(applicant_events::actor_id.is_not_null())
        .select((
            applicant_events::actor_id.assume_not_null(),
            applicants::id,
            applicants::name,
            applicant_events::detail,
        ))
        .load(c)?;
    let mut told = Vec::new();
    for (sender, applicant_id, name, subject) in written {
        let data = serde_json::json!({ "applicant_id": applicant_id, "outbox_id": outbox_id }).to_string();
        super::notifications::create(
            c,
            &super::notifications::NewNotification {
                user_id: sender,
                kind: crate::domain::NotificationKind::EmailFailed,
                title: &format!("Your e-mail to {name} could not be delivered"),
                body: &format!("“{subject}”: see the error on the applicant's page."),
                link: &format!("/applicants/{applicant_id}"),
                data,
            },
        )?;
        told.push(sender);
    }
    Ok(told)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<OutboxRow> {
    outbox::table.find(id).select(OutboxRow::as_select()).first(conn)
}

/// A page of the outbox, newest first, optionally of one state.
pub fn list(
    conn: &mut AnyConnection,
    state: Option<MailState>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OutboxRow>, i64)> {
    let mut query = outbox::table.select(OutboxRow::as_select()).into_boxed();
    let mut count = outbox::table.count().into_boxed();
    if let Some(state) = state {
        query = query.filter(outbox::state.eq(state));
        count = count.filter(outbox::state.eq(state));
    }
    let total = count.get_result(conn)?;
    let rows = query.order(outbox::id.desc()).offset(offset).limit(limit).load(conn)?;
    Ok((rows, total))
}

/// How many e-mails are in each state (every state listed, zeros included):
/// the admin dashboard's outbox figure.
pub fn counts_by_state(conn: &mut AnyConnection) -> QueryResult<Vec<(MailState, i64)>> {
    let found: Vec<(MailState, i64)> =
        outbox::table.group_by(outbox::state).select((outbox::state, diesel::dsl::count_star())).load(conn)?;
    Ok(MailState::ALL.iter().map(|s| (*s, found.iter().find(|(f, _)| f == s).map(|(_, n)| *n).unwrap_or(0))).collect())
}

/// The e-mails written to an applicant, newest first.
pub fn for_applicant(conn: &mut AnyConnection, applicant_id: i64, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::applicant_id.eq(applicant_id))
        .select(OutboxRow::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .load(conn)
}

/// Delivery state of outbox rows (an applicant's timeline shows them beside
/// its `email` events): `(id, state, last_error)`.
pub fn delivery_states(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<(i64, MailState, Option<String>)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    outbox::table.filter(outbox::id.eq_any(ids)).select((outbox::id, outbox::state, outbox::last_error)).load(conn)
}

/// Puts a failed e-mail back in the queue, due now, with its attempts reset.
/// Returns false when the row is not failed (sent, or still on its way).
pub fn retry_failed(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    let changed = diesel::update(outbox::table.filter(outbox::id.eq(id).and(outbox::state.eq(MailState::Failed))))
        .set((
            outbox::state.eq(MailState::Queued),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(super::now()),
            outbox::locked_until.eq(None::<PrimitiveDateTime>),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// An applicant as a recipient of a written e-mail, with what the
/// placeholders need.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The job applied for, else the position the applicant was added for.
    pub job: String,
    pub company_id: i64,
    pub company: String,
}

/// The applicants among `ids` that a user may write to: those of `company`,
/// or any when `company` is None (admins). Sorted by name; unknown ids and
/// other companies' applicants are left out.
pub fn recipients(conn: &mut AnyConnection, company: Option<i64>, ids: &[i64]) -> QueryResult<Vec<Recipient>> {
    use super::applicants::Applicant;
    use super::schema::{applicants, companies, jobs};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = applicants::table.filter(applicants::id.eq_any(ids)).select(Applicant::as_select()).into_boxed();
    if let Some(company) = company {
        query = query.filter(applicants::company_id.eq(company));
    }
    let found: Vec<Applicant> = query.order((applicants::name, applicants::id)).load(conn)?;
    let job_ids: Vec<i64> = found.iter().filter_map(|a| a.job_id).collect();
    let titles: Vec<(i64, String)> =
        jobs::table.filter(jobs::id.eq_any(&job_ids)).select((jobs::id, jobs::title)).load(conn)?;
    let company_ids: Vec<i64> = found.iter().map(|a| a.company_id).collect();
    let names: Vec<(i64, String)> = companies::table
        .filter(companies::id.eq_any(&company_ids))
        .select((companies::id, companies::name))
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|a| {
            let title = a.job_id.and_then(|j| titles.iter().find(|(id, _)| *id == j)).map(|(_, t)| t.clone());
            Recipient {
                id: a.id,
                job: title.unwrap_or_else(|| a.position.clone()),
                company: names.iter().find(|(id, _)| *id == a.company_id).map(|(_, n)| n.clone()).unwrap_or_default(),
                company_id: a.company_id,
                name: a.name,
                email: a.email,
            }
        })
        .collect())
}
