use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::jobs::browse::Fits;
use super::jobs::view::CardView;
use super::{Page, render};
use crate::db::jobs;
use crate::domain::Role;
use crate::error::AppResult;
use crate::state::AppState;

const LATEST: i64 = 6;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    latest: Vec<CardView>,
    /// Open jobs, counted up to `MAX_RESULTS + 1`.
    open_jobs: i64,
    /// A seeker's best fits (`/jobs?for=me`): None without preferences.
    for_you: Option<Vec<CardView>>,
}

/// Jobs for you on a seeker's home.
const FOR_YOU: usize = 4;

impl HomePage {
    /// What is true of the board today: "27 open jobs", "More than 1,000 open jobs".
    fn open_jobs_label(&self) -> String {
        match self.open_jobs {
            n if n > jobs::MAX_RESULTS => {
                format!("More than {} open jobs", crate::format::thousands(&jobs::MAX_RESULTS))
            }
            1 => "1 open job".into(),
            n => format!("{} open jobs", crate::format::thousands(&n)),
        }
    }
}

pub async fn home(
    page: Page,
    state: web::Data<AppState>,
    cache: web::Data<jobs::SearchCache>,
) -> AppResult<HttpResponse> {
    let latest = super::jobs::cached_search(&state, &cache, jobs::latest_query(LATEST)).await?;
    let open_jobs = latest.results.total;
    let latest = latest.results.jobs.iter().map(|card| CardView::new(card.clone(), false)).collect();
    let for_you = match page.user.as_ref().filter(|u| u.role == Role::Seeker) {
        Some(user) => match super::jobs::browse::fits_for(&state, user.id, FOR_YOU).await?.0 {
            Fits::NoWishes => None,
            Fits::NotYet => Some(Vec::new()),
            Fits::Jobs(cards) => Some(cards),
        },
        None => None,
    };
    render(StatusCode::OK, &HomePage { page, latest, open_jobs, for_you })
}
