//! One-time tokens of the links e-mails carry (password reset, e-mail
//! confirmation). Only the SHA-256 of a token is stored, so a copy of the
//! database opens no account; the token itself exists only in the e-mail.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::AnyConnection;
use crate::db::outbox::LinkKind;
use crate::db::schema::password_resets;

/// Tokens are 64 hex digits; anything else is not worth a query.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Stores a new token of `kind` for the user, valid from now for the kind's time.
pub fn create(conn: &mut AnyConnection, kind: LinkKind, user_id: i64, token: &str) -> QueryResult<()> {
    let now = crate::db::now();
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(hash(token)),
            password_resets::expires_at.eq(now + kind.valid_for()),
            password_resets::created_at.eq(now),
            password_resets::purpose.eq(kind.as_str()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user a token of `kind` belongs to, when it is unused and not expired.
pub fn valid_user(conn: &mut AnyConnection, kind: LinkKind, token: &str) -> QueryResult<Option<i64>> {
    password_resets::table
        .filter(
            password_resets::token_hash
                .eq(hash(token))
                .and(password_resets::purpose.eq(kind.as_str()))
                .and(password_resets::used_at.is_null())
                .and(password_resets::expires_at.gt(crate::db::now())),
        )
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// Uses the token up (once only: the update is conditional) and voids the
/// user's other open tokens of that kind. Returns the user, or None when
/// the token was not valid. Call it inside the transaction that acts on it.
pub fn consume(conn: &mut AnyConnection, kind: LinkKind, token: &str) -> QueryResult<Option<i64>> {
    let now = crate::db::now();
    let user_id: Option<i64> = diesel::update(
        password_resets::table.filter(
            password_resets::token_hash
                .eq(hash(token))
                .and(password_resets::purpose.eq(kind.as_str()))
                .and(password_resets::used_at.is_null())
                .and(password_resets::expires_at.gt(now)),
        ),
    )
    .set(password_resets::used_at.eq(Some(now)))
    .returning(password_resets::user_id)
    .get_result(conn)
    .optional()?;
    if let Some(user_id) = user_id {
        diesel::update(
            password_resets::table.filter(
                password_resets::user_id
                    .eq(user_id)
                    .and(password_resets::purpose.eq(kind.as_str()))
                    .and(password_resets::used_at.is_null()),
            ),
        )
        .set(password_resets::used_at.eq(Some(now)))
        .execute(conn)?;
    }
    Ok(user_id)
}
