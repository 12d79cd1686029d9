//! Keeps this instance's rows of `live_presence` equal to the hub: a user has
//! a row while they have at least one socket here.
//!
//! One task writes them in order, always the hub's state at the time of
//! writing, so a socket that closes while another opens never leaves a wrong
//! row behind. Rows are refreshed every 20 s; a row not refreshed for
//! `STALE_AFTER` (60 s, an instance that died) no longer counts.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::mpsc;

use super::Hub;
use crate::db::{Db, presence};

const REFRESH_EVERY: Duration = Duration::from_secs(20);

pub(crate) async fn run(hub: Hub, db: Db, mut changed: mpsc::UnboundedReceiver<i64>) {
    let mut stop = hub.shutdown_signal();
    let mut refresh = tokio::time::interval(REFRESH_EVERY);
    refresh.tick().await;
    let mut dirty = BTreeSet::new();
    loop {
        tokio::select! {
            user = changed.recv() => match user {
                Some(user) => {
                    dirty.insert(user);
                    while let Ok(user) = changed.try_recv() {
                        dirty.insert(user);
                    }
                }
                None => return,
            },
            _ = refresh.tick() => {
                let instance = hub.instance_id().to_string();
                if let Err(e) = db.run(move |c| presence::refresh(c, &instance)).await {
                    tracing::warn!(error = %e, "live presence: refresh failed");
                }
            }
            _ = stop.changed() => {
                let instance = hub.instance_id().to_string();
                let _ = db.run(move |c| presence::forget_instance(c, &instance)).await;
                return;
            }
        }
        if dirty.is_empty() {
            continue;
        }
        let (online, offline): (Vec<i64>, Vec<i64>) = dirty.iter().partition(|u| hub.local_sockets(**u) > 0);
        let instance = hub.instance_id().to_string();
        match db.run(move |c| presence::apply(c, &instance, &online, &offline)).await {
            Ok(()) => dirty.clear(),
            Err(e) => {
                // Kept dirty: written with the next change or refresh.
                tracing::warn!(error = %e, "live presence: write failed");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// Which of these users have an open page: on this instance (the hub knows at
/// once) or on another one (a fresh presence row).
pub fn online_among(hub: &Hub, conn: &mut crate::db::AnyConnection, user_ids: &[i64]) -> diesel::QueryResult<Vec<i64>> {
    let mut online: Vec<i64> = user_ids.iter().copied().filter(|u| hub.local_sockets(*u) > 0).collect();
    let others: Vec<i64> = user_ids.iter().copied().filter(|u| !online.contains(u)).collect();
    online.extend(presence::online_among(conn, &others)?);
    Ok(online)
}
