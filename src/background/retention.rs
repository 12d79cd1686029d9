//! The task that erases the personal data of rejected applicants once their
//! company's retention period has passed (`companies.retention_days`), and
//! deletes sign-ups never confirmed before their link expired, and the job
//! changes search indexes no longer need. It runs every
//! few minutes in every instance: both are idempotent.

use std::time::Duration;

use crate::config::Settings;
use crate::db::{Db, privacy};
use crate::error::AppError;

const EVERY: Duration = Duration::from_secs(300);
/// Data versions whose job changes are kept for search indexes to catch up
/// with (`db::jobs::prune_changes`); an index further behind is rebuilt.
const JOB_CHANGES_KEPT: i64 = 1_000_000;
/// Applicants per company and run.
const BATCH: i64 = 200;

/// One pass: returns how many applicants were anonymised.
pub async fn run_once(db: &Db, settings: &Settings) -> Result<usize, AppError> {
    let (done, files) = db.run(|c| privacy::apply_retention(c, crate::db::now(), BATCH)).await?;
    for stored in files {
        crate::storage::remove_stored(&settings.upload_dir, &stored).await;
    }
    if done > 0 {
        tracing::info!(anonymised = done, "rejected applicants past their company's retention period");
    }
    db.run(|c| crate::db::jobs::prune_changes(c, JOB_CHANGES_KEPT)).await?;
    let purged = db.run(|c| privacy::purge_unconfirmed(c, crate::db::now())).await?;
    if purged > 0 {
        tracing::info!(purged, "sign-ups whose confirmation link expired unopened");
    }
    Ok(done)
}

/// Runs forever (spawned by `background::spawn`).
pub async fn run(db: Db, settings: std::sync::Arc<Settings>) {
    loop {
        if let Err(e) = run_once(&db, &settings).await {
            tracing::warn!(error = %e, "the retention pass failed; trying again later");
        }
        tokio::time::sleep(EVERY).await;
    }
}
