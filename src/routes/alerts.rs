//! Job alerts: a seeker saves a search from `/jobs` and gets new matches by
//! e-mail once a day (`mail::digest` sends them).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, NoFields, TypedSession};
use crate::db::alerts::{self, Created, JobAlert};
use crate::domain::JobListParams;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::mail::digest::describe;
use crate::routes::{Page, Routes, render, see_other};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/alerts", list).post("/alerts", create).post("/alerts/{id}/delete", delete);
}

/// An alert as the page shows it.
pub struct AlertView {
    pub id: i64,
    pub search: String,
    pub link: String,
    pub last_sent_at: Option<time::PrimitiveDateTime>,
}

impl AlertView {
    fn new(alert: JobAlert) -> Self {
        let params = JobListParams::parse(&alert.query);
        AlertView { id: alert.id, search: describe(&params), link: params.url(1, ""), last_sent_at: alert.last_sent_at }
    }
}

#[derive(Template)]
#[template(path = "alerts/list.html")]
struct AlertsPage {
    page: Page,
    alerts: Vec<AlertView>,
    max: i64,
}

pub async fn list(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let id = user.id;
    let alerts = state.db.run(move |c| alerts::list_for_user(c, id)).await?;
    let alerts = alerts.into_iter().map(AlertView::new).collect();
    render(StatusCode::OK, &AlertsPage { page, alerts, max: alerts::MAX_PER_USER })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AlertForm {
    query: String,
}

pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<AlertForm>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    // Stored in its canonical form, so the same search is one alert.
    let params = JobListParams::parse(&form.query);
    if !params.for_me && params.to_search(1).words.is_empty() && !params.has_filters() {
        return Err(AppError::Unprocessable("an alert needs words or filters".into()));
    }
    let (id, query) = (user.id, params.query_string());
    let created = state.db.run(move |c| alerts::create(c, id, &query)).await?;
    let session = TypedSession::from_request(&req);
    match created {
        Created::Yes => session.flash(
            FlashKind::Success,
            format!("Alert saved: we will e-mail you new jobs for “{}” once a day.", describe(&params)),
        ),
        Created::AlreadyThere => session.flash(FlashKind::Info, "You already have an alert for this search."),
        Created::TooMany => session.flash(
            FlashKind::Error,
            format!("You have {} alerts already: delete one to add another.", alerts::MAX_PER_USER),
        ),
    }
    Ok(see_other("/alerts"))
}

pub async fn delete(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let (user_id, id) = (user.id, id.into_inner());
    if !state.db.run(move |c| alerts::delete(c, user_id, id)).await? {
        return Err(AppError::NotFound);
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, "Alert deleted.");
    Ok(see_other("/alerts"))
}
