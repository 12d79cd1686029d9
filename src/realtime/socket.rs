//! `GET /ws`: one WebSocket per open page.
//!
//! Refused before the upgrade: a foreign `Origin` (403: another site's page
//! must not ride the user's cookie) and a request without a valid session
//! (401). Then one task per socket:
//! - registers in the hub, reads what is new after the page's cursors, sends
//!   it, then waits for a wake, a client frame, a heartbeat tick or shutdown;
//! - pings every `ping_every` and closes a socket that said nothing for
//!   `dead_after` (a vanished client);
//! - sends through actix-ws's queue of 32 frames: when a client does not take
//!   them for the send timeout (10 s) the socket is closed (the page reconnects and
//!   catches up from its cursors), so a slow client holds a bounded amount;
//! - closes with 1001 on shutdown; its hub entry goes whichever way it ends.
//!
//! Client frames: `{"type":"seen","thread":<applicant id>}` marks an open
//! thread's new messages read.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use serde::Deserialize;
use tokio::time::Instant;

use super::Registration;
use super::feed::{self, Counts, Cursors};
use crate::auth::session::load_user;
use crate::db::messages::{self, Scope};
use crate::error::AppError;
use crate::startup::AppState;

/// Client frames are small JSON objects.
const MAX_CLIENT_FRAME: usize = 4 * 1024;

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
    let socket = Socket {
        state: state.into_inner(),
        registration,
        user_id: user.id,
        epoch: user.session_epoch,
        session_expires: user.session_expires(),
        scope: Scope::of(user.id, user.role, user.company_id),
        cursors: Cursors { notification: cursor(&query.notification), message: cursor(&query.message) },
        session,
    };
    actix_web::rt::spawn(socket.run(stream.max_frame_size(MAX_CLIENT_FRAME)));
    Ok(response)
}

struct Socket {
    state: std::sync::Arc<AppState>,
    registration: Registration,
    user_id: i64,
    /// The user's session epoch when the socket opened: logging out
    /// everywhere, a new password, a new role or company, deactivation or
    /// reactivation ends the socket too (on every instance: each change
    /// pokes the user, and the poke crosses instances).
    epoch: i32,
    /// When the log-in behind the socket ends (Unix seconds).
    session_expires: i64,
    scope: Option<Scope>,
    cursors: Cursors,
    session: Session,
}

enum SendError {
    /// The client is gone.
    Closed,
    /// The client does not take what is sent.
    Slow,
    /// The session behind the socket has ended.
    Revoked,
}

#[derive(Deserialize)]
struct ClientFrame {
    #[serde(rename = "type")]
    kind: String,
    thread: Option<i64>,
}

impl Socket {
    async fn run(mut self, mut stream: MessageStream) {
        let hub = self.state.hub.clone();
        let wake = self.registration.wake.clone();
        let mut stop = hub.shutdown_signal();
        let (ping_every, dead_after) = hub.heartbeat();
        // The first ping at a random point of the period: sockets opened
        // together do not all ping together ever after.
        let first = ping_every.mul_f64(0.5 + rand::random::<f64>());
        let mut ticker = tokio::time::interval_at(Instant::now() + first, ping_every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        let mut counts: Option<Counts> = None;
        let mut ready = false;
        let mut failures = 0u32;
        let mut retry_at: Option<Instant> = None;
        wake.notify.notify_one();

        let reason = loop {
            if *stop.borrow_and_update() {
                break Some(going_away());
            }
            tokio::select! {
                biased;
                _ = stop.changed() => break Some(going_away()),
                frame = stream.recv() => match frame {
                    Some(Ok(Message::Ping(bytes))) => {
                        last_heard = Instant::now();
                        if let Err(e) = self.send(Message::Pong(bytes)).await {
                            break self.after_send_error(e);
                        }
                    }
                    Some(Ok(Message::Text(text))) => {
                        last_heard = Instant::now();
                        self.client_frame(&text).await;
                    }
                    // The client closes: answer with its own reason.
                    Some(Ok(Message::Close(reason))) => break reason,
                    Some(Ok(_)) => last_heard = Instant::now(),
                    // The connection is gone or spoke nonsense.
                    Some(Err(_)) | None => return,
                },
                _ = wake.notify.notified(), if retry_at.is_none() => {
                    match self.sync(&mut counts).await {
                        Ok(more) => {
                            failures = 0;
                            if more {
                                wake.notify.notify_one();
                            } else if !ready {
                                ready = true;
                                if let Err(e) = self.send_text(feed::ready_frame(self.cursors)).await {
                                    break self.after_send_error(e);
                                }
                            }
                        }
                        Err(Ok(e)) => break self.after_send_error(e),
                        Err(Err(e)) => {
                            failures += 1;
                            let wait = Duration::from_millis(500 * 2u64.pow(failures.min(6))).min(Duration::from_secs(30));
                            tracing::warn!(error = %e, ?wait, "live socket: read failed, retrying");
                            retry_at = Some(Instant::now() + wait);
                        }
                    }
                }
                _ = sleep_until(retry_at), if retry_at.is_some() => {
                    retry_at = None;
                    wake.notify.notify_one();
                }
                _ = ticker.tick() => {
                    if time::OffsetDateTime::now_utc().unix_timestamp() >= self.session_expires {
                        break self.after_send_error(SendError::Revoked);
                    }
                    if last_heard.elapsed() >= dead_after {
                        tracing::debug!(user_id = self.user_id, "live socket: no answer to pings, closing");
                        break Some(CloseReason { code: CloseCode::Away, description: Some("no answer to ping".into()) });
                    }
                    if let Err(e) = self.send(Message::Ping(web::Bytes::new())).await {
                        break self.after_send_error(e);
                    }
                }
            }
        };
        // A client that takes nothing must not keep the task either.
        let _ = tokio::time::timeout(Duration::from_secs(1), self.session.close(reason)).await;
        // Dropping `self` removes the socket from the hub.
    }

    fn after_send_error(&self, e: SendError) -> Option<CloseReason> {
        match e {
            SendError::Closed => None,
            SendError::Slow => {
                tracing::info!(user_id = self.user_id, "live socket: client too slow, closing");
                Some(CloseReason { code: CloseCode::Again, description: Some("too slow".into()) })
            }
            SendError::Revoked => {
                Some(CloseReason { code: CloseCode::Policy, description: Some("session ended".into()) })
            }
        }
    }

    async fn send(&mut self, message: Message) -> Result<(), SendError> {
        use futures_util::SinkExt;
        match tokio::time::timeout(self.state.hub.send_timeout(), self.session.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(SendError::Closed),
            Err(_) => Err(SendError::Slow),
        }
    }

    async fn send_text(&mut self, text: String) -> Result<(), SendError> {
        self.send(Message::Text(text.into())).await
    }

    /// Reads what is new and sends it. `Ok(true)`: there is more to read.
    /// Errors: `Ok(send error)` ends the socket, `Err(database error)` retries.
    async fn sync(&mut self, counts: &mut Option<Counts>) -> Result<bool, Result<SendError, AppError>> {
        let (user_id, epoch, scope, cursors) = (self.user_id, self.epoch, self.scope, self.cursors);
        let batch = {
            let _permit = self.state.hub.reads().acquire_owned().await.map_err(|e| Err(AppError::internal(e)))?;
            self.state
                .db
                .run(move |c| {
                    if !feed::session_valid(c, user_id, epoch)? {
                        return Ok(None);
                    }
                    feed::read(c, user_id, scope, cursors).map(Some)
                })
                .await
                .map_err(Err)?
        };
        let Some(batch) = batch else { return Err(Ok(SendError::Revoked)) };
        let viewer_is_seeker = scope.is_some_and(|s| s.is_seeker());
        for n in &batch.notifications {
            self.send_text(feed::notification_frame(n)).await.map_err(Ok)?;
            self.cursors.notification = Some(n.id);
        }
        for m in &batch.messages {
            self.send_text(feed::message_frame(m, viewer_is_seeker)).await.map_err(Ok)?;
            self.cursors.message = Some(m.id);
        }
        self.cursors = batch.cursors;
        if *counts != Some(batch.counts) {
            self.send_text(feed::counts_frame(batch.counts)).await.map_err(Ok)?;
            *counts = Some(batch.counts);
        }
        Ok(batch.more)
    }

    async fn client_frame(&mut self, text: &str) {
        let Ok(frame) = serde_json::from_str::<ClientFrame>(text) else { return };
        if frame.kind != "seen" {
            return;
        }
        let (Some(thread), Some(scope)) = (frame.thread, self.scope) else { return };
        let user_id = self.user_id;
        let settled = self
            .state
            .db
            .run(move |c| {
                let Some(thread) = messages::find_thread(c, thread)? else { return Ok(0) };
                if !messages::may_open(scope, &thread) {
                    return Ok(0);
                }
                messages::settle_thread(c, &thread, user_id, scope.is_seeker())
            })
            .await;
        match settled {
            Ok(0) => {}
            Ok(_) => self.state.hub.poke(&[user_id]),
            Err(e) => tracing::warn!(error = %e, "live socket: could not mark a thread read"),
        }
    }
}

fn going_away() -> CloseReason {
    CloseReason { code: CloseCode::Away, description: Some("server shutting down".into()) }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
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
