//! A company's team: its employers and their roles, and the invitations an
//! owner sends. A company always keeps one active owner.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{company_invites, users};
use super::users::User;
use crate::domain::{CompanyRole, Role};

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
}

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

pub fn invite(
    conn: &mut AnyConnection,
    company_id: i64,
    email: &str,
    role: CompanyRole,
    by: i64,
) -> QueryResult<Invite> {
    let now = super::now();
    diesel::insert_into(company_invites::table)
        .values((
            company_invites::company_id.eq(company_id),
            company_invites::email.eq(email),
            company_invites::role.eq(role),
            company_invites::invited_by.eq(Some(by)),
            company_invites::expires_at.eq(now + time::Duration::days(INVITE_DAYS)),
            company_invites::created_at.eq(now),
        ))
        .returning(company_invites::all_columns)
        .get_result(conn)
}

pub fn find_invite(conn: &mut AnyConnection, id: i64) -> QueryResult<Invite> {
    company_invites::table.find(id).select(Invite::as_select()).first(conn)
}

/// Revokes an open invitation of the company; false when there is none.
pub fn revoke(conn: &mut AnyConnection, company_id: i64, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        company_invites::table
            .filter(company_invites::id.eq(id).and(company_invites::company_id.eq(company_id)))
            .filter(company_invites::accepted_at.is_null().and(company_invites::revoked_at.is_null())),
    )
    .set(company_invites::revoked_at.eq(Some(super::now())))
    .execute(conn)?;
    Ok(n == 1)
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

/// Gives a member another role (NotFound for someone outside the company).
/// The change ends their sessions, so what they may do changes at once.
pub fn set_role(
    conn: &mut AnyConnection,
    company_id: i64,
    user_id: i64,
    role: CompanyRole,
) -> QueryResult<Result<(), LastOwner>> {
    super::transaction(conn, |c| {
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
        Ok(Ok(()))
    })
}

/// Takes a member off the team: the account stays, as a job seeker's, with
/// no company, and every session ends.
pub fn remove(conn: &mut AnyConnection, company_id: i64, user_id: i64) -> QueryResult<Result<(), LastOwner>> {
    super::transaction(conn, |c| {
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
    /// Used, revoked or expired.
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
) -> QueryResult<Result<User, JoinRefused>> {
    super::transaction(conn, |c| {
        let invite = find_invite(c, invite_id)?;
        if !invite.is_open(super::now()) {
            return Ok(Err(JoinRefused::Closed));
        }
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
        let user = super::users::insert(
            c,
            &super::users::NewUser {
                email: &invite.email,
                username,
                password_hash,
                role: Role::Employer,
                company_id: Some(invite.company_id),
                display_name: "",
                created_at: now,
                updated_at: now,
                email_confirmed: true,
            },
        )?;
        diesel::update(users::table.find(user.id)).set(users::company_role.eq(invite.role)).execute(c)?;
        Ok(Ok(super::users::find(c, user.id)?))
    })
}
