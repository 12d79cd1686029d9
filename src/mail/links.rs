//! One-time links (password reset, e-mail confirmation) are made when their
//! e-mail is sent, not when it is queued. The outbox row holds
//! `db::mail::LINK_HIDDEN` where the link goes, so no admin page, log line or
//! copy of the outbox can open an account; the token exists only in the
//! e-mail that leaves, and only its hash in the database.
//!
//! Every attempt makes a fresh token: a link from an attempt that failed was
//! never delivered, and it expires like any other.

use crate::db::Db;
use crate::db::mail::{LINK_HIDDEN, OutboxRow, tokens};

/// The row with its link (on `base_url`) in place; unchanged when it carries none.
pub async fn fill(db: &Db, base_url: &str, mut row: OutboxRow) -> Result<OutboxRow, String> {
    let (Some(kind), Some(user_id)) = (row.link_kind, row.link_user_id) else { return Ok(row) };
    let token = hex::encode(rand::random::<[u8; 32]>());
    let stored = token.clone();
    db.run(move |c| tokens::create(c, kind, user_id, &stored))
        .await
        .map_err(|e| format!("cannot store the one-time link: {e}"))?;
    let link = format!("{}{}{token}", base_url.trim_end_matches('/'), kind.path());
    row.body_text = row.body_text.replace(LINK_HIDDEN, &link);
    row.body_html = row.body_html.map(|html| html.replace(LINK_HIDDEN, &link));
    Ok(row)
}
