//! `GET /employer`: where an employer lands — the day's work of their company.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Page, Routes, render};
use crate::auth::{CurrentUser, TypedSession};
use crate::db::employer_home::{self, Summary};
use crate::error::AppResult;
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/employer", home);
}

#[derive(Template)]
#[template(path = "employer_home/home.html")]
struct HomePage {
    page: Page,
    summary: Summary,
    /// The previous log-in, when there was one ("since your last visit").
    previous_visit: Option<time::PrimitiveDateTime>,
}

impl HomePage {
    fn arrivals_heading(&self) -> &'static str {
        if self.previous_visit.is_some() { "New since your last visit" } else { "New this week" }
    }
}

async fn home(req: HttpRequest, page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let previous_visit = TypedSession::from_request(&req).previous_visit();
    let now = crate::db::now();
    let day_end = crate::domain::zone::end_of_day(now, &page.zone());
    let since = previous_visit.unwrap_or(now - time::Duration::days(7));
    let summary = state.db.run(move |c| employer_home::summary(c, company, now, day_end, since)).await?;
    render(StatusCode::OK, &HomePage { page, summary, previous_visit })
}
