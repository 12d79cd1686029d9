//! One WebSocket per open page (the `/ws` handler, `routes::live`, checks who
//! may open one). One task per socket:
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

use actix_web::web;
use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use serde::Deserialize;
use tokio::time::Instant;

use super::feed::{self, Counts, Cursors};
use super::{Hub, Registration};
use crate::db::Db;
use crate::db::messages::{self, Scope};
use crate::error::AppError;

/// Client frames are small JSON objects.
const MAX_CLIENT_FRAME: usize = 4 * 1024;

/// One page's socket, accepted by the `/ws` handler (`routes::live`).
pub struct LiveSocket {
    pub db: Db,
    pub hub: Hub,
    /// Its place in the hub (`Hub::try_register`).
    pub registration: Registration,
    pub user_id: i64,
    /// The user's session epoch when the socket opened: logging out
    /// everywhere, a new password, a new role or company, deactivation or
    /// reactivation ends the socket too (on every instance: each change
    /// pokes the user, and the poke crosses instances).
    pub epoch: i32,
    /// When the log-in behind the socket ends (Unix seconds).
    pub session_expires: i64,
    pub scope: Option<Scope>,
    /// The zone the user reads times in (their profile's, else UTC).
    pub zone: jiff::tz::TimeZone,
    /// Where the page's ids end (what is new to it starts after them).
    pub cursors: Cursors,
}

impl LiveSocket {
    /// Runs the socket's task until the socket ends.
    pub fn spawn(self, session: Session, stream: MessageStream) {
        let socket = Socket { live: self, session };
        actix_web::rt::spawn(socket.run(stream.max_frame_size(MAX_CLIENT_FRAME)));
    }
}

struct Socket {
    live: LiveSocket,
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
        let hub = self.live.hub.clone();
        let wake = self.live.registration.wake.clone();
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
                                if let Err(e) = self.send_text(feed::ready_frame(self.live.cursors)).await {
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
                    if time::OffsetDateTime::now_utc().unix_timestamp() >= self.live.session_expires {
                        break self.after_send_error(SendError::Revoked);
                    }
                    if last_heard.elapsed() >= dead_after {
                        tracing::debug!(user_id = self.live.user_id, "live socket: no answer to pings, closing");
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
                tracing::info!(user_id = self.live.user_id, "live socket: client too slow, closing");
                Some(CloseReason { code: CloseCode::Again, description: Some("too slow".into()) })
            }
            SendError::Revoked => {
                Some(CloseReason { code: CloseCode::Policy, description: Some("session ended".into()) })
            }
        }
    }

    async fn send(&mut self, message: Message) -> Result<(), SendError> {
        use futures_util::SinkExt;
        match tokio::time::timeout(self.live.hub.send_timeout(), self.session.send(message)).await {
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
        let (user_id, epoch, scope, cursors) = (self.live.user_id, self.live.epoch, self.live.scope, self.live.cursors);
        let batch = {
            let _permit = self.live.hub.reads().acquire_owned().await.map_err(|e| Err(AppError::internal(e)))?;
            self.live
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
            self.live.cursors.notification = Some(n.id);
        }
        for m in &batch.messages {
            self.send_text(feed::message_frame(m, viewer_is_seeker, &self.live.zone)).await.map_err(Ok)?;
            self.live.cursors.message = Some(m.id);
        }
        self.live.cursors = batch.cursors;
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
        let (Some(thread), Some(scope)) = (frame.thread, self.live.scope) else { return };
        let user_id = self.live.user_id;
        let settled = self
            .live
            .db
            .run(move |c| {
                // The same permission as the page's POST, as the user is now.
                if !crate::db::users::find(c, user_id)?.changes_company_work() {
                    return Ok(0);
                }
                let Some(thread) = messages::find_thread(c, thread)? else { return Ok(0) };
                if !messages::may_open(scope, &thread) {
                    return Ok(0);
                }
                messages::settle_thread(c, &thread, user_id, scope.is_seeker())
            })
            .await;
        match settled {
            Ok(0) => {}
            Ok(_) => self.live.hub.poke(&[user_id]),
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
