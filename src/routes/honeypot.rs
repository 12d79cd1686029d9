//! The honeypot of the public forms robots fill in (sign-up, forgotten
//! password): a text field people never see or reach (`honeypot` in
//! `templates/macros.html`: off-screen, out of the tab order, hidden from
//! screen readers). When it holds anything, the request gets the answer a
//! person would get and nothing is done; an audit row under the form's own
//! action counts it against the address's hourly limit.

use crate::db::audit::{self, AuditRecord};
use crate::error::AppResult;
use crate::state::AppState;

/// True (and recorded) when the honeypot field was filled in.
pub async fn caught(state: &AppState, field: &str, action: &'static str, ip: &str) -> AppResult<bool> {
    if field.is_empty() {
        return Ok(false);
    }
    tracing::warn!(%ip, action, "honeypot field filled in: nothing done");
    let ip = ip.to_string();
    state
        .db
        .run(move |c| {
            let detail = "honeypot field filled in: nothing done".to_string();
            audit::record(
                c,
                AuditRecord { actor_id: None, action, target_type: "form", target_id: None, detail, ip: &ip },
            )
        })
        .await?;
    Ok(true)
}
