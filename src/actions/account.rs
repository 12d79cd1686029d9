//! Accounts: sign-up and its confirmation, password changes and resets.
//! Each writes the account, the e-mail that goes with it and the audit
//! line in one transaction.

use diesel::QueryResult;
use time::PrimitiveDateTime;

use crate::config::Settings;
use crate::db::audit::{self, AuditRecord};
use crate::db::outbox::{self, LinkKind};
use crate::db::tokens;
use crate::db::users::{self, NewAccount, User};
use crate::db::{self, AnyConnection, throttle};
use crate::mail::notices;

/// The audit action every accepted sign-up writes (what the per-address limit counts).
pub const SIGNUP: &str = "account.signup";
/// "Someone used your address" e-mails per account and hour.
const NOTICES_PER_ACCOUNT: i64 = 3;

/// The audit action every password-reset request writes (what the
/// per-address limit counts).
pub const REQUESTED: &str = "password.reset_requested";
/// Reset requests answered per client address and hour.
const MAX_PER_ADDRESS: i64 = 10;
/// Reset links e-mailed per account and hour (more requests get the same
/// answer, no e-mail).
const MAX_PER_ACCOUNT: i64 = 3;
const WINDOW: time::Duration = time::Duration::hours(1);

/// What a sign-up did; the visitor sees the same answer for both.
pub enum SignUp {
    /// A new, unconfirmed account; the confirmation link is on its way.
    Created(i64),
    /// The address has an account: its owner is told (or was told lately).
    AddressTaken,
}

/// Another sign-up took the user name first (the unique index decides).
pub struct NameTaken;

/// Signs up `account` (unconfirmed) and e-mails its confirmation link; for
/// an address that has an account, tells its owner instead (at most
/// `NOTICES_PER_ACCOUNT` since `since`). Audited without name or address.
pub fn sign_up(
    c: &mut AnyConnection,
    settings: &Settings,
    account: &NewAccount,
    ip: &str,
    since: PrimitiveDateTime,
) -> QueryResult<Result<SignUp, NameTaken>> {
    let done = db::transaction(c, |c| {
        let (outcome, detail) = match users::find_by_login(c, account.email)? {
            Some(owner) => {
                let detail = if notices::already_registered_since(c, &owner, since)? < NOTICES_PER_ACCOUNT {
                    notices::already_registered(c, settings, &owner)?;
                    "address already registered: its owner was told"
                } else {
                    "address already registered: hourly limit reached, nothing sent"
                };
                ((SignUp::AddressTaken, Some(owner.id)), detail)
            }
            None => {
                let user = users::create_account(c, account)?;
                notices::confirm_email(c, settings, &user)?;
                ((SignUp::Created(user.id), Some(user.id)), "new account: confirmation link e-mailed")
            }
        };
        audit::record(
            c,
            AuditRecord {
                actor_id: None,
                action: SIGNUP,
                target_type: "user",
                target_id: outcome.1,
                // The account is the target: no name or address here (erasure).
                detail: detail.to_string(),
                ip,
            },
        )?;
        Ok(outcome.0)
    });
    match done {
        Err(e) if db::is_unique_violation(&e) => Ok(Err(NameTaken)),
        other => other.map(Ok),
    }
}

/// Confirms the address of the account the e-mailed `token` names (once:
/// the token is used up). `None`: no such token, or the account is inactive.
pub fn confirm_email(c: &mut AnyConnection, token: &str, ip: &str) -> QueryResult<Option<User>> {
    db::transaction(c, |c| {
        let Some(user_id) = tokens::consume(c, LinkKind::ConfirmEmail, token)? else { return Ok(None) };
        let user = users::find(c, user_id)?;
        if !user.is_active {
            return Ok(None);
        }
        users::confirm_email(c, user_id)?;
        audit::record(
            c,
            AuditRecord {
                actor_id: Some(user_id),
                action: "account.confirmed",
                target_type: "user",
                target_id: Some(user_id),
                detail: "e-mail address confirmed with the e-mailed link".into(),
                ip,
            },
        )?;
        Ok(Some(user))
    })
}

/// Sets the owner's new password (`hash`), tells them by e-mail (`how` it
/// was changed) and ends their other sessions. Returns the new session epoch.
pub fn change_password(
    c: &mut AnyConnection,
    settings: &Settings,
    owner: &User,
    hash: &str,
    how: &'static str,
) -> QueryResult<i32> {
    db::transaction(c, |c| {
        users::set_password(c, owner.id, hash)?;
        notices::password_changed(c, settings, owner, how)?;
        users::bump_session_epoch(c, owner.id)
    })
}

/// What a reset request did; the visitor sees the same answer either way
/// unless the address is throttled.
pub enum Requested {
    Answered,
    Throttled,
}

/// A password-reset link for `address`, e-mailed when it names an active
/// account that has had fewer than `MAX_PER_ACCOUNT` lately; audited either
/// way. More than `MAX_PER_ADDRESS` requests from one `ip` an hour are
/// throttled.
pub fn request_password_reset(
    c: &mut AnyConnection,
    settings: &Settings,
    address: &str,
    actor: Option<i64>,
    ip: &str,
) -> QueryResult<Requested> {
    db::transaction(c, |c| {
        let since = db::now() - WINDOW;
        if audit::count_from(c, REQUESTED, ip, since)? >= MAX_PER_ADDRESS {
            return Ok(Requested::Throttled);
        }
        let user = users::find_by_login(c, address)?.filter(|u| u.is_active);
        let detail = match &user {
            None => format!("{address}: no active account, nothing sent"),
            Some(user)
                if outbox::links_queued_since(c, LinkKind::PasswordReset, user.id, since)? >= MAX_PER_ACCOUNT =>
            {
                format!("{address}: hourly limit reached, nothing sent")
            }
            Some(user) => {
                notices::password_reset(c, settings, user)?;
                format!("{address}: link e-mailed")
            }
        };
        audit::record(
            c,
            AuditRecord {
                actor_id: actor,
                action: REQUESTED,
                target_type: "user",
                target_id: user.as_ref().map(|u| u.id),
                detail,
                ip,
            },
        )?;
        Ok(Requested::Answered)
    })
}

/// Sets a new password with an e-mailed reset `token` (of two submits, one
/// wins), ends every session, confirms the address (the link reached the
/// mailbox) and clears the log-in throttle. Returns the account, or `None`
/// for a used or unknown token or an inactive account.
pub fn reset_password(
    c: &mut AnyConnection,
    settings: &Settings,
    token: &str,
    hash: &str,
    ip: &str,
) -> QueryResult<Option<i64>> {
    db::transaction(c, |c| {
        let Some(user_id) = tokens::consume(c, LinkKind::PasswordReset, token)? else { return Ok(None) };
        let user = users::find(c, user_id)?;
        if !user.is_active {
            return Ok(None);
        }
        users::set_password(c, user_id, hash)?;
        notices::password_changed(c, settings, &user, "with a link we e-mailed you")?;
        users::bump_session_epoch(c, user_id)?;
        users::confirm_email(c, user_id)?;
        throttle::clear_account(c, user_id)?;
        audit::record(
            c,
            AuditRecord {
                actor_id: Some(user_id),
                action: "password.reset",
                target_type: "user",
                target_id: Some(user_id),
                detail: "new password set with an e-mailed link; every session ended".into(),
                ip,
            },
        )?;
        Ok(Some(user_id))
    })
}
