//! PostgreSQL `LISTEN/NOTIFY` between instances.
//!
//! `publish`: the user ids given to `Hub::poke` are sent with
//! `SELECT pg_notify('jobconnect', '<instance>:<id>,<id>…')` (ids only: the
//! rows are read from the database). `listen`: a dedicated tokio-postgres
//! connection hears every instance's notices and wakes the local sockets of
//! those users. Notices are not durable, so when the connection drops it is
//! re-established with back-off and every local socket re-reads from its
//! cursors.

use std::collections::BTreeSet;
use std::time::Duration;

use diesel::RunQueryDsl;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::AsyncMessage;

use super::Hub;
use crate::db::jobs::{JOBS_CHANNEL, KnownVersion};
use crate::db::{AnyConnection, Db};

pub const CHANNEL: &str = "jobconnect";
/// NOTIFY payloads must stay under 8000 bytes.
const MAX_PAYLOAD: usize = 7000;

/// Publishes poked user ids to the other instances, batching bursts.
pub(crate) async fn publish(hub: Hub, db: Db, mut pokes: mpsc::UnboundedReceiver<Vec<i64>>) {
    let mut stop = hub.shutdown_signal();
    loop {
        let first = tokio::select! {
            ids = pokes.recv() => match ids { Some(ids) => ids, None => return },
            _ = stop.changed() => return,
        };
        let mut users: BTreeSet<i64> = first.into_iter().collect();
        while let Ok(more) = pokes.try_recv() {
            users.extend(more);
        }
        let payloads = payloads(hub.instance_id(), &users);
        let result = db
            .run(move |c| {
                let AnyConnection::Postgresql(pg) = c else { return Ok(()) };
                for payload in &payloads {
                    diesel::sql_query("SELECT pg_notify($1, $2)")
                        .bind::<diesel::sql_types::Text, _>(CHANNEL)
                        .bind::<diesel::sql_types::Text, _>(payload)
                        .execute(pg)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .await;
        if let Err(e) = result {
            // The other instances catch up when their sockets next wake.
            tracing::warn!(error = %e, "live: could not publish to other instances");
        }
    }
}

/// `instance:1,2,3`, split so that no payload passes the NOTIFY limit.
pub fn payloads(instance: &str, users: &BTreeSet<i64>) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = format!("{instance}:");
    let empty_len = current.len();
    for id in users {
        let piece = id.to_string();
        if current.len() + piece.len() + 1 > MAX_PAYLOAD {
            out.push(std::mem::replace(&mut current, format!("{instance}:")));
        }
        if current.len() > empty_len {
            current.push(',');
        }
        current.push_str(&piece);
    }
    if current.len() > empty_len {
        out.push(current);
    }
    out
}

/// Reads a payload: the sending instance and the user ids.
pub fn parse_payload(payload: &str) -> Option<(&str, Vec<i64>)> {
    let (instance, ids) = payload.split_once(':')?;
    let ids = ids.split(',').filter_map(|s| s.trim().parse().ok()).collect();
    Some((instance, ids))
}

/// Listens for the other instances' notices until shutdown, reconnecting.
/// The same connection hears the jobs data version (`db::jobs::KnownVersion`).
pub(crate) async fn listen(hub: Hub, url: String, jobs: KnownVersion) {
    let mut stop = hub.shutdown_signal();
    let mut backoff = Duration::from_millis(250);
    loop {
        let result = listen_once(&hub, &jobs, &url, &mut stop, &mut backoff).await;
        jobs.listening(false);
        match result {
            Ok(()) => return,
            Err(e) => tracing::warn!(error = %e, retry_in = ?backoff, "live: LISTEN connection lost"),
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(15));
    }
}

/// The name the LISTEN connection shows in `pg_stat_activity`.
pub fn application_name(instance: &str) -> String {
    format!("jobconnect-live-{}", &instance[..instance.len().min(12)])
}

async fn listen_once(
    hub: &Hub,
    jobs: &KnownVersion,
    url: &str,
    stop: &mut tokio::sync::watch::Receiver<bool>,
    backoff: &mut Duration,
) -> anyhow::Result<()> {
    let mut config: tokio_postgres::Config = url.parse()?;
    config.application_name(application_name(hub.instance_id()));
    config.connect_timeout(Duration::from_secs(5));
    let (client, mut connection) = config.connect(tokio_postgres::NoTls).await?;
    // The connection must be driven before LISTEN can complete.
    let (notices, mut heard) = mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if notices.send(n).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    let result = async {
        client.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {JOBS_CHANNEL}")).await?;
        tracing::info!("live: listening for other instances");
        *backoff = Duration::from_millis(250);
        // Anything published while we were not listening is lost: re-read.
        jobs.listening(true);
        hub.wake_all();
        let mut keepalive = tokio::time::interval(Duration::from_secs(30));
        keepalive.tick().await;
        loop {
            tokio::select! {
                notice = heard.recv() => {
                    let Some(notice) = notice else { anyhow::bail!("the connection closed") };
                    if notice.channel() == JOBS_CHANNEL {
                        if let Ok(version) = notice.payload().parse() {
                            jobs.heard(version);
                        }
                    } else if let Some((instance, users)) = parse_payload(notice.payload()) {
                        if instance != hub.instance_id() {
                            hub.wake_local(&users);
                        }
                    }
                }
                _ = keepalive.tick() => {
                    // A silent network drop shows only when we talk.
                    tokio::time::timeout(Duration::from_secs(10), client.simple_query("SELECT 1")).await??;
                }
                _ = stop.changed() => return Ok(()),
            }
        }
    }
    .await;
    driver.abort();
    result
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn payloads_hold_ids_under_the_notify_limit() {
        let users: BTreeSet<i64> = (1_000_000..1_002_000).collect();
        let payloads = super::payloads("abc", &users);
        assert!(payloads.len() > 1);
        let mut seen = BTreeSet::new();
        for p in &payloads {
            assert!(p.len() <= super::MAX_PAYLOAD);
            let (instance, ids) = super::parse_payload(p).unwrap();
            assert_eq!(instance, "abc");
            seen.extend(ids);
        }
        assert_eq!(seen, users);
        assert!(super::payloads("abc", &BTreeSet::new()).is_empty());
    }
}
