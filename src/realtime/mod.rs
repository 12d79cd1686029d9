//! Live updates. The database is the truth; the socket only tells a page
//! that something new is there for its user.
//!
//! Contract for every area: store the rows (notification, message) in the
//! transaction of the change, commit, then call `hub.poke(&[user ids])`.
//!
//! How it fits together:
//! - `Hub`: user id -> the open sockets of this instance. `poke` wakes them;
//!   each socket task then reads what is new for its user from the database
//!   (ids after its cursors) and pushes it with the unread counts. A wake is a
//!   flag, not a queue: many pokes while a socket is busy make one read.
//! - `socket`: the `/ws` endpoint and the task of one socket (heartbeat,
//!   bounded sending, clean-up).
//! - `bridge` (PostgreSQL): `poke` also publishes the user ids with
//!   `pg_notify`, and a dedicated `LISTEN` connection feeds every other
//!   instance's hub. An instance ignores its own notices (it woke its sockets
//!   already); cursors make any repeat harmless anyway.
//! - `presence`: which users have a socket open on some instance, kept in the
//!   database, so a message to someone with no open page is also e-mailed.

pub mod bridge;
pub mod feed;
pub mod presence;
pub mod socket;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore, mpsc, watch};

use crate::config::Settings;
use crate::db::{DatabaseUrl, Db};

/// Wakes the open pages of users.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    instance_id: String,
    sockets: Mutex<HashMap<i64, Vec<Arc<Wake>>>>,
    next_socket: AtomicU64,
    /// User ids to announce to the other instances (PostgreSQL only).
    publish: OnceLock<mpsc::UnboundedSender<Vec<i64>>>,
    /// Users whose local socket count went to or from zero.
    presence: OnceLock<mpsc::UnboundedSender<i64>>,
    /// How many sockets may read the database at once (a burst of pokes
    /// queues here instead of exhausting the pool).
    reads: OnceLock<Arc<Semaphore>>,
    shutdown: watch::Sender<bool>,
    ping_every_ms: AtomicU64,
    dead_after_ms: AtomicU64,
    send_timeout_ms: AtomicU64,
}

/// The wake-up flag of one socket.
pub(crate) struct Wake {
    id: u64,
    pub(crate) notify: Notify,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        let (shutdown, _) = watch::channel(false);
        Hub {
            inner: Arc::new(Inner {
                instance_id: uuid::Uuid::new_v4().simple().to_string(),
                sockets: Mutex::new(HashMap::new()),
                next_socket: AtomicU64::new(1),
                publish: OnceLock::new(),
                presence: OnceLock::new(),
                reads: OnceLock::new(),
                shutdown,
                ping_every_ms: AtomicU64::new(20_000),
                dead_after_ms: AtomicU64::new(60_000),
                send_timeout_ms: AtomicU64::new(10_000),
            }),
        }
    }

    /// Starts the work beside the sockets: presence upkeep, and with
    /// PostgreSQL the publisher and the `LISTEN` bridge; closes every socket
    /// on SIGINT/SIGTERM so a graceful shutdown does not wait for them.
    pub fn start(&self, db: Db, settings: &Settings) {
        let _ = self.inner.reads.set(Arc::new(Semaphore::new((settings.db_pool_size as usize / 2).max(1))));
        let (tx, rx) = mpsc::unbounded_channel();
        if self.inner.presence.set(tx).is_err() {
            return; // started already
        }
        tokio::spawn(presence::run(self.clone(), db.clone(), rx));
        if let Ok(DatabaseUrl::Postgres(url)) = DatabaseUrl::parse(&settings.database_url) {
            let (tx, rx) = mpsc::unbounded_channel();
            let _ = self.inner.publish.set(tx);
            let jobs_version = db.jobs_version().clone();
            tokio::spawn(bridge::publish(self.clone(), db, rx));
            tokio::spawn(bridge::listen(self.clone(), url, jobs_version));
        }
        tokio::spawn(close_on_signal(self.clone()));
    }

    /// Tells the open pages of these users that they have news. Call it only
    /// after the transaction that stored the news has committed.
    pub fn poke(&self, user_ids: &[i64]) {
        if user_ids.is_empty() {
            return;
        }
        self.wake_local(user_ids);
        if let Some(publish) = self.inner.publish.get() {
            let _ = publish.send(user_ids.to_vec());
        }
    }

    /// Wakes this instance's sockets of these users (the bridge calls this).
    pub fn wake_local(&self, user_ids: &[i64]) {
        let sockets = self.inner.sockets.lock().unwrap_or_else(|e| e.into_inner());
        for id in user_ids {
            for wake in sockets.get(id).into_iter().flatten() {
                wake.notify.notify_one();
            }
        }
    }

    /// Wakes every local socket: after the bridge lost notices, each re-reads.
    pub fn wake_all(&self) {
        let sockets = self.inner.sockets.lock().unwrap_or_else(|e| e.into_inner());
        for wake in sockets.values().flatten() {
            wake.notify.notify_one();
        }
    }

    /// The id of this instance (in presence rows and NOTIFY payloads).
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// Open sockets of a user on this instance.
    pub fn local_sockets(&self, user_id: i64) -> usize {
        self.inner.sockets.lock().unwrap_or_else(|e| e.into_inner()).get(&user_id).map_or(0, Vec::len)
    }

    /// Open sockets on this instance.
    pub fn local_socket_total(&self) -> usize {
        self.inner.sockets.lock().unwrap_or_else(|e| e.into_inner()).values().map(Vec::len).sum()
    }

    /// Closes every socket (code 1001, "going away") and stops the hub's tasks.
    pub fn shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    pub fn is_shut_down(&self) -> bool {
        *self.inner.shutdown.borrow()
    }

    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    /// How often idle sockets are pinged, and after how long without a word
    /// from the client a socket counts as dead (20 s and 60 s by default).
    pub fn set_heartbeat(&self, ping_every: Duration, dead_after: Duration) {
        self.inner.ping_every_ms.store(ping_every.as_millis().max(1) as u64, Ordering::Relaxed);
        self.inner.dead_after_ms.store(dead_after.as_millis().max(1) as u64, Ordering::Relaxed);
    }

    /// How long a frame may wait for room in a socket's queue before the
    /// socket is closed as too slow (10 s by default).
    pub fn set_send_timeout(&self, timeout: Duration) {
        self.inner.send_timeout_ms.store(timeout.as_millis().max(1) as u64, Ordering::Relaxed);
    }

    pub(crate) fn send_timeout(&self) -> Duration {
        Duration::from_millis(self.inner.send_timeout_ms.load(Ordering::Relaxed))
    }

    pub(crate) fn heartbeat(&self) -> (Duration, Duration) {
        (
            Duration::from_millis(self.inner.ping_every_ms.load(Ordering::Relaxed)),
            Duration::from_millis(self.inner.dead_after_ms.load(Ordering::Relaxed)),
        )
    }

    pub(crate) fn reads(&self) -> Arc<Semaphore> {
        self.inner.reads.get_or_init(|| Arc::new(Semaphore::new(4))).clone()
    }

    /// Adds a socket of a user; it is removed when the registration drops.
    #[cfg(test)]
    pub(crate) fn register(&self, user_id: i64) -> Registration {
        self.try_register(user_id, usize::MAX).expect("no cap")
    }

    /// Adds a socket of a user unless they already hold `cap` on this
    /// instance (one user must not fill the server with sockets).
    pub fn try_register(&self, user_id: i64, cap: usize) -> Option<Registration> {
        let wake = Arc::new(Wake { id: self.inner.next_socket.fetch_add(1, Ordering::Relaxed), notify: Notify::new() });
        let first = {
            let mut sockets = self.inner.sockets.lock().unwrap_or_else(|e| e.into_inner());
            let list = sockets.entry(user_id).or_default();
            if list.len() >= cap {
                return None;
            }
            list.push(wake.clone());
            list.len() == 1
        };
        if first {
            self.presence_changed(user_id);
        }
        Some(Registration { hub: self.clone(), user_id, wake })
    }

    fn presence_changed(&self, user_id: i64) {
        if let Some(tx) = self.inner.presence.get() {
            let _ = tx.send(user_id);
        }
    }
}

/// A socket's place in the hub; dropping it (however the socket ends)
/// removes the socket.
pub struct Registration {
    hub: Hub,
    user_id: i64,
    pub(crate) wake: Arc<Wake>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let last = {
            let mut sockets = self.hub.inner.sockets.lock().unwrap_or_else(|e| e.into_inner());
            match sockets.get_mut(&self.user_id) {
                Some(list) => {
                    list.retain(|w| w.id != self.wake.id);
                    let empty = list.is_empty();
                    if empty {
                        sockets.remove(&self.user_id);
                    }
                    empty
                }
                None => false,
            }
        };
        if last {
            self.hub.presence_changed(self.user_id);
        }
    }
}

async fn close_on_signal(hub: Hub) {
    let mut stop = hub.shutdown_signal();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else { return };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = stop.changed() => return,
        }
    }
    #[cfg(not(unix))]
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = stop.changed() => return,
    }
    tracing::info!(sockets = hub.local_socket_total(), "closing live sockets for shutdown");
    hub.shutdown();
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::Hub;

    #[test]
    fn poke_wakes_only_that_users_sockets_and_a_closed_socket_leaves() {
        let hub = Hub::new();
        let ann_page = hub.register(1);
        let ann_tab = hub.register(1);
        let bob_page = hub.register(2);
        assert_eq!((hub.local_sockets(1), hub.local_sockets(2), hub.local_socket_total()), (2, 1, 3));

        hub.poke(&[1, 1, 99]);
        assert!(ann_page.wake.notify.notified().now_or_never().is_some());
        assert!(ann_tab.wake.notify.notified().now_or_never().is_some());
        assert!(bob_page.wake.notify.notified().now_or_never().is_none(), "Bob was not poked");
        // Pokes while a socket is busy make one wake, not a queue.
        hub.poke(&[2]);
        hub.poke(&[2]);
        assert!(bob_page.wake.notify.notified().now_or_never().is_some());
        assert!(bob_page.wake.notify.notified().now_or_never().is_none());

        drop(ann_tab);
        assert_eq!(hub.local_sockets(1), 1);
        drop(ann_page);
        drop(bob_page);
        assert_eq!(hub.local_socket_total(), 0);
        hub.wake_all(); // nothing left to wake, nothing to fail
    }
}
