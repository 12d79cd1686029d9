//! Who is asking: the session, the current user and role guards, CSRF, passwords.

pub mod csrf;
pub mod password;
pub mod session;

pub use csrf::{CsrfForm, NoFields};
pub use session::{Admin, CompanyOwner, CurrentUser, Flash, FlashKind, MaybeUser, OwnAccount, TypedSession};

use actix_web::HttpRequest;

/// The client address used for throttling and the audit log. Only behind a
/// trusted proxy (`TRUST_PROXY=true`) is `X-Forwarded-For` believed.
pub fn client_ip(req: &HttpRequest) -> String {
    let trust_proxy =
        req.app_data::<actix_web::web::Data<crate::state::AppState>>().map(|s| s.settings.trust_proxy).unwrap_or(false);
    let info = req.connection_info();
    let addr = if trust_proxy { info.realip_remote_addr() } else { info.peer_addr() };
    let addr = addr.unwrap_or("unknown");
    // Strip the port: "1.2.3.4:5678" and "[::1]:5678" alike.
    match addr.parse::<std::net::SocketAddr>() {
        Ok(sock) => sock.ip().to_string(),
        Err(_) => addr.to_string(),
    }
}
