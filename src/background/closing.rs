//! The task that closes open jobs once their closing date has passed.
//!
//! Listings already hide such jobs (the search compares `closes_at` with the
//! time), so this only makes the stored status catch up. It sleeps until the
//! next closing date (at most a minute) and is woken early when a job's
//! closing date changes. Running it in several instances is harmless: the
//! update is idempotent.

use std::sync::LazyLock;
use std::time::Duration;

use tokio::sync::watch;

use crate::db::{Db, jobs};
use crate::error::AppError;

const LONGEST_SLEEP: Duration = Duration::from_secs(60);
const SHORTEST_SLEEP: Duration = Duration::from_millis(200);

/// Wakes the closing tasks of this process (a closing date was set or changed).
static WAKE: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

pub fn wake() {
    WAKE.send_modify(|n| *n = n.wrapping_add(1));
}

/// Runs forever (spawned by `background::spawn`).
pub async fn run(db: Db) {
    let mut woken = WAKE.subscribe();
    loop {
        let tick = db
            .run(|c| {
                let now = crate::db::now();
                let closed = jobs::close_expired(c, now)?;
                let next = jobs::next_closing(c, now)?;
                Ok::<_, AppError>((closed, next.map(|t| t - now)))
            })
            .await;
        let sleep = match tick {
            Ok((closed, next)) => {
                if closed > 0 {
                    tracing::info!(closed, "jobs past their closing date closed");
                }
                next.and_then(|d| Duration::try_from(d).ok())
                    .map(|d| (d + Duration::from_millis(50)).clamp(SHORTEST_SLEEP, LONGEST_SLEEP))
                    .unwrap_or(LONGEST_SLEEP)
            }
            Err(e) => {
                tracing::warn!(error = %e, "closing jobs failed; trying again later");
                LONGEST_SLEEP
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            changed = woken.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}
