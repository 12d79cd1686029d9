use actix_web::{HttpResponse, web};
use diesel::RunQueryDsl;

use crate::state::AppState;

/// Below this much free space for uploads, `/healthz` says `"uploads": "low"`.
const LOW_BYTES: u64 = 512 * 1024 * 1024;

/// 200 when the app and its database answer, 503 when the database does not.
/// It also tells a monitor how much room the upload disk has left
/// (`upload_free_bytes`, and `"uploads": "ok" | "low" | "full"`); a full disk
/// refuses uploads (507) but the site still answers, so it stays a 200.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let free = crate::storage::free_bytes(&state.settings.upload_dir);
    let uploads = match free {
        Some(0) => "full",
        Some(n) if n < LOW_BYTES => "low",
        Some(_) => "ok",
        None => "unknown",
    };
    let db = state.db.run(|c| diesel::sql_query("SELECT 1").execute(c)).await;
    match db {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({
            "status": "ok", "database": "ok", "uploads": uploads, "upload_free_bytes": free,
        })),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({
                "status": "unavailable", "database": "unreachable", "uploads": uploads, "upload_free_bytes": free,
            }))
        }
    }
}
