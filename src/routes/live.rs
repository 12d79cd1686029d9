//! `GET /ws`: a page's live socket. Refused before the upgrade: a foreign
//! `Origin` (403: another site's page must not ride the user's cookie), a
//! request without a valid session (401), a user who holds the most sockets
//! allowed already (429). What the socket then does is `realtime::socket`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::session::load_user;
use crate::db::messages::Scope;
use crate::error::AppError;
use crate::realtime::feed::Cursors;
use crate::realtime::socket::LiveSocket;
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/ws", connect);
}

#[derive(Debug, Default, Deserialize)]
pub struct WsQuery {
    notification: Option<String>,
    message: Option<String>,
}

fn cursor(raw: &Option<String>) -> Option<i64> {
    raw.as_deref().and_then(|s| s.trim().parse::<i64>().ok()).map(|n| n.max(0))
}

/// True when the request's `Origin` is the site's own (`BASE_URL`).
pub fn origin_allowed(req: &HttpRequest, base_url: &str) -> bool {
    let Some(origin) = req.headers().get("origin").and_then(|v| v.to_str().ok()) else { return false };
    match (url::Url::parse(origin), url::Url::parse(base_url)) {
        (Ok(origin), Ok(base)) => origin.origin() == base.origin() && origin.origin().is_tuple(),
        _ => false,
    }
}

pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    query: web::Query<WsQuery>,
) -> Result<HttpResponse, AppError> {
    if !origin_allowed(&req, &state.settings.base_url) {
        return Ok(HttpResponse::Forbidden().body("origin not allowed"));
    }
    let Some(user) = load_user(&req).await? else {
        return Ok(HttpResponse::Unauthorized().body("log in first"));
    };
    if state.hub.is_shut_down() {
        return Err(AppError::Unavailable("shutting down".into()));
    }
    let Some(registration) = state.hub.try_register(user.id, state.settings.limits.sockets_per_user) else {
        tracing::info!(user_id = user.id, "live socket refused: the user has too many open");
        return Ok(HttpResponse::TooManyRequests().body("too many live connections"));
    };
    let (response, session, stream) = match actix_ws::handle(&req, body) {
        Ok(parts) => parts,
        Err(e) => return Ok(e.error_response()),
    };
    LiveSocket {
        db: state.db.clone(),
        hub: state.hub.clone(),
        registration,
        user_id: user.id,
        epoch: user.session_epoch,
        session_expires: user.session_expires(),
        scope: Scope::of(user.id, user.role, user.company_id),
        zone: crate::domain::zone::or_utc(&user.timezone),
        cursors: Cursors { notification: cursor(&query.notification), message: cursor(&query.message) },
    }
    .spawn(session, stream);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    #[test]
    fn only_the_sites_own_origin_is_allowed() {
        let base = "http://127.0.0.1:8080";
        let with = |origin: &str| TestRequest::default().insert_header(("origin", origin)).to_http_request();
        assert!(super::origin_allowed(&with("http://127.0.0.1:8080"), base));
        assert!(!super::origin_allowed(&with("http://127.0.0.1:8081"), base));
        assert!(!super::origin_allowed(&with("https://127.0.0.1:8080"), base));
        assert!(!super::origin_allowed(&with("http://evil.example"), base));
        assert!(!super::origin_allowed(&with("null"), base));
        assert!(!super::origin_allowed(&TestRequest::default().to_http_request(), base));
        assert!(super::origin_allowed(&with("https://jobs.example.com"), "https://jobs.example.com"));
        assert!(super::origin_allowed(&with("https://jobs.example.com"), "https://jobs.example.com:443/"));
    }
}
