use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::jobs::view::CardView;
use super::{Page, render};
use crate::db::jobs;
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
}

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
    render(StatusCode::OK, &HomePage { page, latest, open_jobs })
}
