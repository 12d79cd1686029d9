//! The outbox worker: claims due e-mails in batches, sends them concurrently
//! over a pooled transport, and records each result (sent, retry later with
//! exponential back-off, or failed once the attempts run out).
//!
//! It wakes when told (`OutboxSignal::wake`, after a commit that queued mail)
//! and otherwise polls every `poll_interval`, which also picks up retries, rows
//! queued by other instances, and rows left by a crashed worker. On shutdown it
//! starts no new send, finishes the ones in flight, records them and puts the
//! rest of its batch back in the queue: nothing is lost or sent twice.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use lettre::message::Mailbox;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::transport::{self, Transport};
use super::{links, message};
use crate::config::{MailDelivery, Settings};
use crate::db::Db;
use crate::db::outbox::{self, Attempt, OutboxRow, Outcome};
use crate::realtime::Hub;

/// Longest wait for sends in flight when the app stops (beyond the SMTP timeout).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(40);
/// How often a worker renews the claims of the batch it is sending.
const RENEW_EVERY: Duration = Duration::from_secs((outbox::LEASE.whole_seconds() / 3) as u64);
/// Results are written in groups of at most this many rows.
const RECORD_CHUNK: usize = 64;
/// Longest error text kept in the outbox.
const MAX_ERROR_CHARS: usize = 500;

/// The handle every part of the app holds (`AppState::outbox`): wake the worker
/// after queuing mail, stop it at shutdown.
#[derive(Clone)]
pub struct OutboxSignal {
    inner: Arc<Inner>,
}

struct Inner {
    wake: Notify,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Default for OutboxSignal {
    fn default() -> Self {
        Self::new()
    }
}

impl OutboxSignal {
    pub fn new() -> Self {
        OutboxSignal {
            inner: Arc::new(Inner { wake: Notify::new(), stop: watch::channel(false).0, task: Mutex::new(None) }),
        }
    }

    /// Sends what was just queued without waiting for the next poll. Call it
    /// after the transaction that queued the e-mail has committed.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Stops the worker of this instance: no new sends, the ones in flight
    /// finish and are recorded, unsent claims go back to the queue.
    pub async fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
        let task = self.inner.task.lock().expect("outbox task lock").take();
        if let Some(mut task) = task {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err() {
                tracing::warn!("outbox worker did not stop in time; its claimed e-mails are retried after their lease");
                task.abort();
            }
        }
    }
}

/// What the worker of an instance works with.
struct Worker {
    db: Db,
    settings: Arc<Settings>,
    outbox: OutboxSignal,
    hub: Hub,
}

/// Starts the worker of this instance (called by `background::spawn`).
pub fn spawn(db: Db, settings: Arc<Settings>, outbox: OutboxSignal, hub: Hub) {
    let worker = Arc::new(Worker { db, settings, outbox, hub });
    let prepared =
        Transport::from_settings(&worker.settings).and_then(|t| Ok((t, transport::from_mailbox(&worker.settings)?)));
    let (transport, from) = match prepared {
        Ok(ready) => ready,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "the outbox worker cannot start; e-mails stay queued");
            return;
        }
    };
    let stop = worker.outbox.inner.stop.subscribe();
    let task = tokio::spawn(run(worker.clone(), transport, from, stop));
    *worker.outbox.inner.task.lock().expect("outbox task lock") = Some(task);
}

/// The worker's work, here and now, for an instance that runs no worker:
/// sends every e-mail that is due, batch by batch, records each attempt,
/// and returns how many it sent or tried. Tests call it
/// (`TestApp::deliver_outbox`, zero2prod's habit) to check the e-mails of
/// an action without waiting for a worker.
pub async fn deliver_due(db: &Db, settings: &Arc<Settings>, hub: &Hub) -> anyhow::Result<usize> {
    let worker = Worker { db: db.clone(), settings: settings.clone(), outbox: OutboxSignal::new(), hub: hub.clone() };
    let transport = Transport::from_settings(settings)?;
    let from = transport::from_mailbox(settings)?;
    let delivery = settings.mail_delivery.clone();
    let (_running, stop) = watch::channel(false);
    let mut tried = 0;
    loop {
        let limit = i64::from(delivery.batch_size);
        let rows = db.run(move |c| outbox::claim_due(c, limit)).await?;
        if rows.is_empty() {
            return Ok(tried);
        }
        tried += rows.len();
        deliver_batch(&worker, &transport, &from, &delivery, rows, &stop).await;
    }
}

async fn run(worker: Arc<Worker>, transport: Transport, from: Mailbox, mut stop: watch::Receiver<bool>) {
    let delivery = worker.settings.mail_delivery.clone();
    tracing::info!(transport = %transport.describe(&worker.settings), "outbox worker started");
    loop {
        if *stop.borrow() {
            break;
        }
        let limit = i64::from(delivery.batch_size);
        match worker.db.run(move |c| outbox::claim_due(c, limit)).await {
            Ok(rows) if !rows.is_empty() => {
                deliver_batch(&worker, &transport, &from, &delivery, rows, &stop).await;
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox: cannot claim e-mails; will try again"),
        }
        tokio::select! {
            _ = worker.outbox.inner.wake.notified() => {}
            _ = tokio::time::sleep(delivery.poll_interval) => {}
            _ = stop.changed() => {}
        }
    }
    tracing::info!("outbox worker stopped");
}

async fn deliver_batch(
    worker: &Worker,
    transport: &Transport,
    from: &Mailbox,
    delivery: &MailDelivery,
    rows: Vec<OutboxRow>,
    stop: &watch::Receiver<bool>,
) {
    // Past half the lease no new send starts: the rest go back to the queue
    // before anyone else may claim them.
    let claimed: Vec<(i64, i32)> = rows.iter().map(|r| (r.id, r.attempts)).collect();
    let lease_half = Duration::from_secs((outbox::LEASE.whole_seconds() / 2).max(1) as u64);
    let start_no_later_than = Instant::now() + lease_half;
    // Results are written while the next sends go on: one channel, two halves.
    let (done, mut results) = tokio::sync::mpsc::unbounded_channel::<Attempt>();
    let sending = async move {
        futures_util::stream::iter(rows)
            .map(|row| async move {
                let (id, attempts, had_error) = (row.id, row.attempts, row.last_error.is_some());
                let outcome = if *stop.borrow() || Instant::now() >= start_no_later_than {
                    Outcome::Released
                } else {
                    match links::fill(&worker.db, &worker.settings, row).await {
                        Err(error) => after_failure(delivery, attempts, error),
                        Ok(row) => match message::build(&row, from) {
                            Err(reason) => Outcome::Failed { error: reason },
                            Ok(message) => match transport.send(message).await {
                                Ok(()) => Outcome::Sent,
                                Err(error) => after_failure(delivery, attempts, error),
                            },
                        },
                    }
                };
                Attempt { id, attempts, had_error, outcome }
            })
            .buffer_unordered(delivery.concurrency.max(1) as usize)
            .for_each(|attempt| {
                let _ = done.send(attempt);
                std::future::ready(())
            })
            .await;
    };
    let recording = async {
        let mut chunk = Vec::with_capacity(RECORD_CHUNK);
        while results.recv_many(&mut chunk, RECORD_CHUNK).await > 0 {
            let ready = std::mem::replace(&mut chunk, Vec::with_capacity(RECORD_CHUNK));
            log_chunk(&ready);
            record(worker, ready).await;
        }
    };
    // Claims are renewed while the batch runs, so a send slower than the
    // lease is not taken over by another worker (a dead worker renews
    // nothing: its claims come back within a lease).
    let claims: Vec<(i64, i32)> = claimed;
    let renewing = async {
        let mut every = tokio::time::interval(RENEW_EVERY);
        every.tick().await;
        loop {
            every.tick().await;
            let claims = claims.clone();
            if let Err(e) = worker.db.run(move |c| outbox::renew_claims(c, &claims)).await {
                tracing::warn!(error = %e, "outbox: cannot renew claims; they may be taken over after their lease");
            }
        }
    };
    tokio::select! {
        _ = async { tokio::join!(sending, recording) } => {}
        _ = renewing => {}
    }
}

/// Writes results, insisting through a short database outage: a send that is
/// not recorded would be sent again once its lease ends.
async fn record(worker: &Worker, chunk: Vec<Attempt>) {
    let chunk = Arc::new(chunk);
    for attempt in 1..=20 {
        let rows = chunk.clone();
        match worker.db.run(move |c| outbox::record_attempts(c, &rows)).await {
            Ok(told) => {
                // Senders of e-mails that failed for good have a notification.
                worker.hub.poke(&told);
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, attempt, "outbox: cannot record delivery results; retrying");
                tokio::time::sleep(Duration::from_millis(250 * attempt)).await;
            }
        }
    }
    tracing::error!(rows = chunk.len(), "outbox: delivery results lost; these e-mails are retried after their lease");
}

fn log_chunk(chunk: &[Attempt]) {
    let (mut sent, mut retry, mut failed) = (0, 0, 0);
    let mut first_error = None;
    for attempt in chunk {
        match &attempt.outcome {
            Outcome::Sent => sent += 1,
            Outcome::Retry { error, .. } => {
                retry += 1;
                first_error.get_or_insert(error.as_str());
            }
            Outcome::Failed { error } => {
                failed += 1;
                tracing::warn!(outbox_id = attempt.id, error = %error, "e-mail failed for good");
            }
            Outcome::Released => {}
        }
    }
    if retry > 0 {
        tracing::warn!(sent, retry, failed, error = first_error.unwrap_or(""), "outbox: some e-mails will be retried");
    } else if sent > 0 {
        tracing::debug!(sent, failed, "outbox: e-mails sent");
    }
}

/// A failed attempt: retry later, or give up when the attempts are used up.
pub fn after_failure(delivery: &MailDelivery, attempts: i32, error: String) -> Outcome {
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    if attempts.max(0) as u32 >= delivery.max_attempts {
        return Outcome::Failed { error: format!("gave up after {attempts} attempts: {error}") };
    }
    let wait = backoff(delivery, attempts);
    let wait = time::Duration::try_from(wait).unwrap_or(time::Duration::HOUR);
    Outcome::Retry { error, at: crate::db::now() + wait }
}

/// The wait after the n-th failed attempt: `retry_base`, doubled each time,
/// never more than `retry_max`.
pub fn backoff(delivery: &MailDelivery, attempts: i32) -> Duration {
    let doublings = (attempts.max(1) - 1).min(30) as u32;
    delivery.retry_base.saturating_mul(1u32 << doublings).min(delivery.retry_max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_the_ceiling() {
        let delivery = MailDelivery {
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(600),
            ..MailDelivery::default()
        };
        let waits: Vec<u64> = (1..=7).map(|n| backoff(&delivery, n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(backoff(&delivery, 1000).as_secs(), 600);
    }

    #[test]
    fn the_last_attempt_fails_for_good() {
        let delivery = MailDelivery { max_attempts: 3, ..MailDelivery::default() };
        assert!(matches!(after_failure(&delivery, 2, "down".into()), Outcome::Retry { .. }));
        match after_failure(&delivery, 3, "down".into()) {
            Outcome::Failed { error } => assert!(error.contains("after 3 attempts: down")),
            other => panic!("{other:?}"),
        }
    }
}
