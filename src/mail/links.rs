//! One-time links (password reset, e-mail confirmation, team invitation) are made when their
//! e-mail is sent, not when it is queued. The outbox row holds
//! `db::outbox::LINK_HIDDEN` where the link goes, so no admin page, log line or
//! copy of the outbox can open an account; the token exists only in the
//! e-mail that leaves, and only its hash in the database.
//!
//! Every attempt makes a fresh token: a link from an attempt that failed was
//! never delivered, and it expires like any other.

use crate::config::Settings;
use crate::db::Db;
use crate::db::outbox::{LINK_HIDDEN, LinkKind, OutboxRow};
use crate::db::team;
use crate::db::tokens;

/// The row with its link (on `BASE_URL`) in place; unchanged when it carries none.
pub async fn fill(db: &Db, settings: &Settings, mut row: OutboxRow) -> Result<OutboxRow, String> {
    let (Some(kind), Some(subject)) = (row.link_kind, row.link_user_id) else { return Ok(row) };
    let token = match kind {
        // A team invitation's link is its signed id (its row says when it is used up).
        LinkKind::TeamInvite => {
            let invite = db.run(move |c| team::find_invite(c, subject)).await;
            invite.map_err(|e| format!("cannot find the invitation: {e}"))?.token(&settings.session_key)
        }
        LinkKind::PasswordReset | LinkKind::ConfirmEmail => {
            let token = hex::encode(rand::random::<[u8; 32]>());
            let stored = token.clone();
            db.run(move |c| tokens::create(c, kind, subject, &stored))
                .await
                .map_err(|e| format!("cannot store the one-time link: {e}"))?;
            token
        }
    };
    let link = format!("{}{}{token}", settings.base_url.trim_end_matches('/'), kind.path());
    row.body_text = row.body_text.replace(LINK_HIDDEN, &link);
    row.body_html = row.body_html.map(|html| html.replace(LINK_HIDDEN, &link));
    Ok(row)
}
