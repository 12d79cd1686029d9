//! Jobs: browsing and search, the job page, the employer's posting pages and
//! saved jobs.

pub mod browse;
mod employer;
pub mod form;
mod questions;
mod saved;
mod scorecard;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use crate::routes::Routes;
use actix_web::web;

use crate::db::jobs::{self, Answer, CachedResults, SearchCache};
use crate::domain::SearchQuery;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Job list pages kept per HTTP worker (see `db::jobs::SearchCache`).
const CACHED_PAGES: usize = 1000;

/// How long a search waits for this instance's index to apply a change it
/// has not applied yet, before the database answers instead.
const INDEX_WAIT: Duration = Duration::from_secs(2);

/// The results of `q`: straight from this worker's cache when the data
/// version is known without a hand-off to the database threads (PostgreSQL's
/// notices, `db::jobs::KnownVersion`; SQLite's file, `Db::read_now`),
/// else from the search index once it has applied that version (a search
/// waits for it briefly: a change is found as soon as it is committed), or
/// from the database while the index is being built or stays behind.
pub async fn cached_search(
    state: &AppState,
    cache: &web::Data<SearchCache>,
    q: SearchQuery,
) -> AppResult<Arc<CachedResults>> {
    let now = crate::db::now();
    let use_cache = state.settings.job_cache;
    // The version heard by notice (PostgreSQL), or read from the local
    // SQLite file on this thread.
    let known = || state.db.jobs_version().get().or_else(|| state.db.read_now(jobs::stored_version));
    if use_cache && let Some(hit) = known().and_then(|version| cache.fresh(&q, version, now)) {
        return Ok(hit);
    }
    // The index, caught up if need be; the database if it stays behind.
    for attempt in 0..3 {
        let database = attempt == 2;
        let (cache, known, index, q) =
            (cache.clone(), state.db.jobs_version().clone(), state.search.clone(), q.clone());
        let answer = state
            .db
            .run(move |c| {
                jobs::search_cached(c, use_cache.then_some(&**cache), &known, &q, now, |c, version| {
                    match index.applied() {
                        Some(applied) if applied >= version => Ok(Some((index.results(c, &q, now)?, true))),
                        Some(_) if !database => Ok(None),
                        // A stand-in (no typos, no synonyms): not kept.
                        _ => Ok::<_, AppError>(Some((jobs::search(c, &q, now)?, false))),
                    }
                })
            })
            .await?;
        match answer {
            Answer::Page(page) => return Ok(page),
            Answer::NotYet(version) => {
                state.search.caught_up(version, INDEX_WAIT).await;
            }
        }
    }
    Err(AppError::internal("the job search did not answer"))
}

pub fn routes(r: &mut Routes) {
    r.data(web::Data::new(SearchCache::new(CACHED_PAGES)));
    r.get("/jobs", browse::list)
        .get("/jobs/suggest", browse::suggest)
        .get("/jobs/places", browse::places)
        .get("/jobs/{id}", browse::show)
        .post("/jobs/{id}/save", saved::save)
        .post("/jobs/{id}/unsave", saved::unsave)
        .get("/saved-jobs", saved::list)
        .get("/employer/jobs", employer::list)
        .get("/employer/jobs/new", employer::new_form)
        .post("/employer/jobs/new", employer::create)
        .get("/employer/jobs/{id}/edit", employer::edit_form)
        .post("/employer/jobs/{id}/edit", employer::update)
        .get("/employer/jobs/{id}/preview", employer::preview)
        .post("/employer/jobs/{id}/publish", employer::publish)
        .get("/employer/jobs/{id}/close", employer::close_form)
        .post("/employer/jobs/{id}/close", employer::close)
        .post("/employer/jobs/{id}/reopen", employer::reopen)
        .get("/employer/jobs/{id}/scorecard", scorecard::show)
        .post("/employer/jobs/{id}/scorecard", scorecard::add)
        .post("/employer/jobs/{id}/scorecard/delete", scorecard::delete)
        .get("/employer/jobs/{id}/questions", questions::show)
        .post("/employer/jobs/{id}/questions", questions::add)
        .post("/employer/jobs/{id}/questions/delete", questions::delete);
}

/// The employer's own job from the path (404 for anyone else's), with what
/// `load` reads of it.
pub(crate) async fn managed_with<T: Send + 'static>(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    raw: &str,
    load: fn(&mut crate::db::AnyConnection, i64) -> diesel::QueryResult<T>,
) -> AppResult<(jobs::Job, T)> {
    let scope = jobs::Scope::Company(user.employer_company()?);
    let id = job_id(raw)?;
    state
        .db
        .run(move |c| {
            let job = jobs::find_managed(c, id, scope)?;
            let loaded = load(c, id)?;
            Ok::<_, AppError>((job, loaded))
        })
        .await
}

/// Deletes a part of the employer's own job (a question, a criterion) named by
/// a form field: 422 when the field names nothing, 404 when it is no part of
/// this job. Returns the job's id.
pub(crate) async fn delete_part(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    raw_job: &str,
    raw_part: &str,
    delete: fn(&mut crate::db::AnyConnection, i64, i64) -> diesel::QueryResult<bool>,
) -> AppResult<i64> {
    let (job, ()) = managed_with(state, user, raw_job, |_, _| Ok(())).await?;
    let part = raw_part.trim().parse::<i64>().map_err(|_| AppError::Unprocessable("choose what to delete".into()))?;
    let job_id = job.id;
    if state.db.run(move |c| delete(c, job_id, part)).await? { Ok(job_id) } else { Err(AppError::NotFound) }
}

/// A job id from the path: anything but a positive number is a 404.
pub fn job_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or(AppError::NotFound)
}
