//! Job-alert digests: once a day per alert, the jobs posted since the last
//! one that match the saved search, in one e-mail (none when nothing is new).
//! The search is the job list's (`search::SearchIndex`), so an alert finds
//! what the page finds.

use std::sync::Arc;
use std::time::Duration;

use time::PrimitiveDateTime;

use super::OutboxSignal;
use super::notices::{self, DigestJob, JobAlertDigest};
use crate::config::Settings;
use crate::db::Db;
use crate::db::jobs::SearchResults;
use crate::db::{self, AnyConnection, alerts, jobs, profiles, users};
use crate::domain::JobListParams;
use crate::error::AppError;
use crate::search::SearchIndex;

/// Jobs listed in one digest (the e-mail links to the rest).
const JOBS_PER_DIGEST: i64 = 10;
/// Alerts handled per round.
const BATCH: i64 = 200;
const ROUND: Duration = Duration::from_secs(600);

/// How long a round waits for the search index to apply what is committed
/// (else the database answers, without typos or synonyms).
const INDEX_WAIT: Duration = Duration::from_secs(30);

/// Sends the digests that are due at `now` with the search engine of the
/// job list, once the index has caught up; returns how many were queued.
pub async fn send_due(
    database: &Db,
    settings: &Arc<Settings>,
    index: &SearchIndex,
    now: PrimitiveDateTime,
) -> Result<usize, AppError> {
    let version = database.run(|c| jobs::index_state(c).map(|s| s.version)).await?;
    index.caught_up(version, INDEX_WAIT).await;
    let (settings, index) = (settings.clone(), index.clone());
    database
        .run(move |c| {
            let mut queued = 0;
            for alert in alerts::due(c, now, BATCH)? {
                queued += db::transaction(c, |c| digest_one(c, &settings, &index, now, &alert))?;
            }
            Ok::<_, AppError>(queued)
        })
        .await
}

/// One alert, in one transaction: claim it (so no other instance sends it
/// too), find what is new, queue the e-mail.
fn digest_one(
    c: &mut AnyConnection,
    settings: &Settings,
    index: &SearchIndex,
    now: PrimitiveDateTime,
    alert: &alerts::JobAlert,
) -> Result<usize, AppError> {
    // Read before the version: every job up to `newest` is in that version
    // (PostgreSQL hands versions out in commit order).
    let newest = jobs::max_id(c)?;
    let version = jobs::index_state(c)?.version;
    let caught_up = index.applied().is_some_and(|applied| applied >= version);
    let params = JobListParams::parse(&alert.query);
    // Jobs for you need the index: such an alert waits for the next round.
    if params.for_me && !caught_up {
        return Ok(0);
    }
    if !alerts::claim(c, alert.id, now, newest)? {
        return Ok(0);
    }
    let user = users::find(c, alert.user_id)?;
    if !user.is_active {
        return Ok(0);
    }
    let mut found = if params.for_me {
        let Some(wishes) = profiles::wishes(c, user.id)? else { return Ok(0) };
        let after = Some(alert.last_job_id);
        let fit = index.for_you(c, &wishes, after, JOBS_PER_DIGEST as usize, now, &settings.pay_currency)?;
        let jobs: Vec<_> = fit.unwrap_or_default().into_iter().map(|(card, _)| card).collect();
        SearchResults { total: jobs.len() as i64, jobs, facets: None }
    } else {
        let mut search = params.to_search(JOBS_PER_DIGEST);
        search.after_id = Some(alert.last_job_id);
        if caught_up { index.results(c, &search, now)? } else { jobs::search(c, &search, now)? }
    };
    // A job committed since `newest` goes in the next digest.
    found.jobs.retain(|card| card.job.id <= newest);
    if found.jobs.is_empty() {
        return Ok(0);
    }
    let base = settings.base_url.trim_end_matches('/');
    let digest = JobAlertDigest {
        name: user.name().to_string(),
        search: describe(&params),
        jobs: found
            .jobs
            .iter()
            .map(|card| DigestJob {
                title: card.job.title.clone(),
                company: card.company_name.clone(),
                location: card.job.location.clone(),
                link: format!("{base}/jobs/{}", card.job.id),
            })
            .collect(),
        total: found.total,
        search_link: format!("{base}{}", params.url(1, "")),
        alerts_link: format!("{base}/alerts"),
    };
    notices::job_alert_digest(c, settings, &user, &digest)?;
    Ok(1)
}

/// A saved search in words, for people: "rust · Berlin · Remote".
pub fn describe(params: &JobListParams) -> String {
    if params.for_me {
        return "your job preferences".into();
    }
    let mut parts: Vec<String> = Vec::new();
    for text in [&params.q, &params.location] {
        if !text.is_empty() {
            parts.push(text.clone());
        }
    }
    parts.extend(params.in_use().into_iter().filter(|(key, ..)| *key != "location").map(|(_, _, label)| label));
    if parts.is_empty() { "all jobs".into() } else { parts.join(" · ") }
}

/// Checks for due digests every ten minutes.
pub fn spawn(database: Db, settings: Arc<Settings>, index: SearchIndex, outbox: OutboxSignal) {
    tokio::spawn(async move {
        loop {
            match send_due(&database, &settings, &index, db::now()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(digests = n, "job-alert digests queued");
                    outbox.wake();
                }
                Err(e) => tracing::warn!(error = %e, "job-alert digests failed; will retry"),
            }
            tokio::time::sleep(ROUND).await;
        }
    });
}
