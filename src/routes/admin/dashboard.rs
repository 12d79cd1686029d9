use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::AdminNav;
use crate::auth::Admin;
use crate::db::admin::{self, SiteCounts};
use crate::error::AppResult;
use crate::routes::{Page, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    page: Page,
    nav: AdminNav,
    counts: SiteCounts,
}

pub async fn show(_admin: Admin, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let counts = state.db.run(admin::site_counts).await?;
    render(StatusCode::OK, &DashboardPage { page, nav: AdminNav("dashboard"), counts })
}
