//! A company's team: its employers and their roles, and the invitations an
//! owner sends. A company always keeps one active owner.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{company_invites, notifications, users};
use super::users::User;
use crate::domain::{CompanyRole, Role, signed};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = company_invites)]
pub struct Invite {
    pub id: i64,
    pub company_id: i64,
    pub email: String,
    pub role: CompanyRole,
    pub invited_by: Option<i64>,
    pub expires_at: PrimitiveDateTime,
    pub accepted_at: Option<PrimitiveDateTime>,
    pub revoked_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

impl Invite {
    pub fn is_open(&self, now: PrimitiveDateTime) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none() && self.expires_at > now
    }

    /// The token of its link: its id and expiry, signed with the site's key.
    /// Made only when the e-mail is sent (`mail::links`), never stored.
    pub fn token(&self, key: &[u8]) -> String {
        let payload = format!("{}-{}", self.id, self.expires_at.assume_utc().unix_timestamp());
        signed::sign(key, INVITE_PURPOSE, &payload)
    }

    /// The invitation id a token names, when the key signed it.
    pub fn id_in(key: &[u8], token: &str) -> Option<i64> {
        let payload = signed::verify(key, INVITE_PURPOSE, token)?;
        payload.split('-').next()?.parse().ok()
    }
}

const INVITE_PURPOSE: &str = "team-invite";

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;

/// The company's employers, owners first.
pub fn members(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<User>> {
    let mut all: Vec<User> = users::table
        .filter(users::company_id.eq(company_id).and(users::role.eq(Role::Employer)))
        .select(User::as_select())
        .order(users::id.asc())
        .load(conn)?;
    all.sort_by_key(|u| (u.company_role != CompanyRole::Owner, !u.is_active, u.id));
    Ok(all)
}

/// The invitations still open, newest first.
pub fn open_invites(conn: &mut AnyConnection, company_id: i64, now: PrimitiveDateTime) -> QueryResult<Vec<Invite>> {
    let all: Vec<Invite> = company_invites::table
        .filter(company_invites::company_id.eq(company_id))
        .order(company_invites::id.desc())
        .select(Invite::as_select())
        .load(conn)?;
    Ok(all.into_iter().filter(|i| i.is_open(now)).collect())
}

pub use super::audit::By;

pub fn invite(
    conn: &mut AnyConnection,
    company_id: i64,
    email: &str,
    role: CompanyRole,
    by: By,
) -> QueryResult<Invite> {
    let now = super::now();
    let invite: Invite = diesel::insert_into(company_invites::table)
        .values((
            company_invites::company_id.eq(company_id),
            company_invites::email.eq(email),
            company_invites::role.eq(role),
            company_invites::invited_by.eq(Some(by.user_id)),
            company_invites::expires_at.eq(now + time::Duration::days(INVITE_DAYS)),
            company_invites::created_at.eq(now),
        ))
        .returning(company_invites::all_columns)
        .get_result(conn)?;
    let detail = format!("invitation {} to company {company_id} as {}", invite.id, role.as_str());
    by.record(conn, "team.invite", ("invite", invite.id), detail)?;
    Ok(invite)
}

pub fn find_invite(conn: &mut AnyConnection, id: i64) -> QueryResult<Invite> {
    company_invites::table.find(id).select(Invite::as_select()).first(conn)
}

/// Revokes an open invitation of the company; false when there is none.
pub fn revoke(conn: &mut AnyConnection, company_id: i64, id: i64, by: By) -> QueryResult<bool> {
    let n = diesel::update(
        company_invites::table
            .filter(company_invites::id.eq(id).and(company_invites::company_id.eq(company_id)))
            .filter(company_invites::accepted_at.is_null().and(company_invites::revoked_at.is_null())),
    )
    .set(company_invites::revoked_at.eq(Some(super::now())))
    .execute(conn)?;
    if n == 1 {
        by.record(conn, "team.revoke", ("invite", id), format!("invitation {id} of company {company_id} revoked"))?;
    }
    Ok(n == 1)
}

/// An invitation lives no longer than its inviter's authority: when they stop
/// being an owner of the company, the invitations they sent are revoked.
fn revoke_sent_by(conn: &mut AnyConnection, company_id: i64, inviter: i64) -> QueryResult<usize> {
    diesel::update(
        company_invites::table
            .filter(company_invites::company_id.eq(company_id).and(company_invites::invited_by.eq(Some(inviter))))
            .filter(company_invites::accepted_at.is_null().and(company_invites::revoked_at.is_null())),
    )
    .set(company_invites::revoked_at.eq(Some(super::now())))
    .execute(conn)
}

/// An invitation whose link still works: open, and its sender still an
/// active owner of the company.
pub fn open_invite(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Invite>> {
    let Some(invite) = company_invites::table.find(id).select(Invite::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    Ok((invite.is_open(super::now()) && inviter_may_invite(conn, &invite)?).then_some(invite))
}

/// Whether the invitation's sender is still an active owner of its company.
fn inviter_may_invite(conn: &mut AnyConnection, invite: &Invite) -> QueryResult<bool> {
    let Some(inviter) = invite.invited_by else { return Ok(false) };
    let user = users::table.find(inviter).select(User::as_select()).first(conn).optional()?;
    Ok(user.is_some_and(|u| {
        u.is_active
            && u.role == Role::Employer
            && u.company_id == Some(invite.company_id)
            && u.company_role == CompanyRole::Owner
    }))
}

/// Marks an invitation used, once: false when it was used or revoked meanwhile.
pub fn accept(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        company_invites::table
            .find(id)
            .filter(company_invites::accepted_at.is_null().and(company_invites::revoked_at.is_null())),
    )
    .set(company_invites::accepted_at.eq(Some(super::now())))
    .execute(conn)?;
    Ok(n == 1)
}

/// Refused: the company would have no active owner left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastOwner;

fn other_owners(conn: &mut AnyConnection, company_id: i64, user_id: i64) -> QueryResult<i64> {
    users::table
        .filter(users::company_id.eq(company_id).and(users::role.eq(Role::Employer)))
        .filter(users::company_role.eq(CompanyRole::Owner).and(users::is_active.eq(true)))
        .filter(users::id.ne(user_id))
        .count()
        .get_result(conn)
}

/// Takes the company's row lock for the rest of the transaction: two
/// changes of one team (two owners demoting each other at once) then run one
/// after the other on PostgreSQL too, so "at least one owner" holds.
fn lock_team(conn: &mut AnyConnection, company_id: i64) -> QueryResult<()> {
    super::lock::take(conn, super::lock::Row::Company(company_id))
}

/// Gives a member another role (NotFound for someone outside the company).
/// The change ends their sessions, so what they may do changes at once.
pub fn set_role(
    conn: &mut AnyConnection,
    company_id: i64,
    user_id: i64,
    role: CompanyRole,
    by: By,
) -> QueryResult<Result<(), LastOwner>> {
    super::transaction(conn, |c| {
        lock_team(c, company_id)?;
        let member = member(c, company_id, user_id)?;
        if member.company_role == CompanyRole::Owner
            && role != CompanyRole::Owner
            && other_owners(c, company_id, user_id)? == 0
        {
            return Ok(Err(LastOwner));
        }
        diesel::update(users::table.find(user_id))
            .set((users::company_role.eq(role), users::session_epoch.eq(users::session_epoch + 1)))
            .execute(c)?;
        if role != CompanyRole::Owner {
            revoke_sent_by(c, company_id, user_id)?;
        }
        let detail = format!("{} → {} in company {company_id}", member.company_role.as_str(), role.as_str());
        by.record(c, "team.role", ("user", user_id), detail)?;
        Ok(Ok(()))
    })
}

/// Takes a member off the team: the account stays, as a job seeker's, with
/// no company, and every session ends.
pub fn remove(conn: &mut AnyConnection, company_id: i64, user_id: i64, by: By) -> QueryResult<Result<(), LastOwner>> {
    super::transaction(conn, |c| {
        lock_team(c, company_id)?;
        let member = member(c, company_id, user_id)?;
        if member.company_role == CompanyRole::Owner && other_owners(c, company_id, user_id)? == 0 {
            return Ok(Err(LastOwner));
        }
        diesel::update(users::table.find(user_id))
            .set((
                users::role.eq(Role::Seeker),
                users::company_id.eq(None::<i64>),
                users::company_role.eq(CompanyRole::Owner),
                users::session_epoch.eq(users::session_epoch + 1),
            ))
            .execute(c)?;
        revoke_sent_by(c, company_id, user_id)?;
        // What they were told as a member was the company's: it leaves with them.
        diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id))).execute(c)?;
        let detail = format!("{} removed from company {company_id}", member.company_role.as_str());
        by.record(c, "team.remove", ("user", user_id), detail)?;
        Ok(Ok(()))
    })
}

fn member(conn: &mut AnyConnection, company_id: i64, user_id: i64) -> QueryResult<User> {
    users::table
        .find(user_id)
        .filter(users::company_id.eq(company_id).and(users::role.eq(Role::Employer)))
        .select(User::as_select())
        .first(conn)
}

/// Why a join was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRefused {
    /// Used, revoked or expired, or its sender is no longer an owner.
    Closed,
    /// The invited address has an account already.
    EmailTaken,
    UsernameTaken,
}

/// The invited person's new account: an employer of the company in the
/// invited role, its address proven by the link. The invitation is used.
pub fn join(
    conn: &mut AnyConnection,
    invite_id: i64,
    username: &str,
    password_hash: &str,
    ip: &str,
) -> QueryResult<Result<User, JoinRefused>> {
    super::transaction(conn, |c| {
        let Some(invite) = open_invite(c, invite_id)? else { return Ok(Err(JoinRefused::Closed)) };
        if super::users::email_taken(c, &invite.email)? {
            return Ok(Err(JoinRefused::EmailTaken));
        }
        if super::users::find_by_login(c, username)?.is_some() {
            return Ok(Err(JoinRefused::UsernameTaken));
        }
        // Used once: a second submission (or one racing this) finds it used.
        if !accept(c, invite_id)? {
            return Ok(Err(JoinRefused::Closed));
        }
        let now = super::now();
        let company_zone: String = super::schema::companies::table
            .find(invite.company_id)
            .select(super::schema::companies::timezone)
            .first(c)?;
        let new = super::users::NewUser {
            email: &invite.email,
            username,
            password_hash,
            role: Role::Employer,
            company_id: Some(invite.company_id),
            display_name: "",
            created_at: now,
            updated_at: now,
            email_confirmed: true,
            // A new member reads times on their company's clock until they choose.
            timezone: &company_zone,
        };
        // Someone else taking the name (or the address) at this moment: the
        // unique index refuses the row inside a savepoint, and the person is
        // told as if they had been second all along; the invitation stays open.
        let user = match super::transaction(c, |c| super::users::insert(c, &new)) {
            Ok(user) => user,
            Err(e) if super::is_unique_violation(&e) => {
                diesel::update(company_invites::table.find(invite_id))
                    .set(company_invites::accepted_at.eq(None::<PrimitiveDateTime>))
                    .execute(c)?;
                let taken = if super::users::email_taken(c, &invite.email)? {
                    JoinRefused::EmailTaken
                } else {
                    JoinRefused::UsernameTaken
                };
                return Ok(Err(taken));
            }
            Err(e) => return Err(e),
        };
        diesel::update(users::table.find(user.id)).set(users::company_role.eq(invite.role)).execute(c)?;
        let detail =
            format!("joined company {} as {} (invitation {invite_id})", invite.company_id, invite.role.as_str());
        By { user_id: user.id, ip }.record(c, "team.join", ("user", user.id), detail)?;
        Ok(Ok(super::users::find(c, user.id)?))
    })
}
