//! Work that runs beside the server, one task per area, each with its own
//! loop: the outbox worker, job-alert digests, closing jobs past their date,
//! sweeping abandoned uploads, erasing rejected applicants past their
//! company's retention period. Each calls its service; none is an HTTP handler.

pub mod closing;
pub mod retention;

use std::sync::Arc;

use crate::config::Settings;
use crate::db::Db;
use crate::mail::OutboxSignal;
use crate::realtime::Hub;
use crate::search::SearchIndex;

/// Starts every background task of this instance.
pub fn spawn(db: &Db, settings: &Arc<Settings>, outbox: &OutboxSignal, hub: &Hub, search: &SearchIndex) {
    crate::storage::spawn_temporary_sweeper(settings.upload_dir.clone());
    crate::mail::worker::spawn(db.clone(), settings.clone(), outbox.clone(), hub.clone());
    crate::mail::digest::spawn(db.clone(), settings.clone(), search.clone(), outbox.clone());
    tokio::spawn(closing::run(db.clone()));
    tokio::spawn(retention::run(db.clone(), settings.clone()));
}
