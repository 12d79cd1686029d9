use actix_web::{HttpResponse, web};
use diesel::RunQueryDsl;

use crate::state::AppState;

/// 200 when the app and its database answer, 503 when the database does not.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let db = state.db.run(|c| diesel::sql_query("SELECT 1").execute(c)).await;
    match db {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "unavailable", "database": "unreachable"}))
        }
    }
}
