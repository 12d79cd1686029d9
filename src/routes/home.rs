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
}

pub async fn home(
    page: Page,
    state: web::Data<AppState>,
    cache: web::Data<jobs::SearchCache>,
) -> AppResult<HttpResponse> {
    let latest = super::jobs::cached_search(&state, &cache, jobs::latest_query(LATEST)).await?;
    let latest = latest.results.jobs.iter().map(|card| CardView::new(card.clone(), false)).collect();
    render(StatusCode::OK, &HomePage { page, latest })
}
