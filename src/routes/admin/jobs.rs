//! Job moderation: every company's jobs, searched, closed and deleted (audited).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use time::PrimitiveDateTime;

use super::AdminNav;
use crate::actions::{self, admin::Moderation};
use crate::auth::{Admin, CsrfForm, FlashKind, TypedSession, client_ip};
use crate::db::admin::{self, JobFilter, JobRow};
use crate::db::{self};
use crate::error::AppResult;
use crate::routes::query::{page_link, page_number, query_string};
use crate::routes::{Page, Pager, Query, render, safe_next, see_other};
use crate::state::AppState;

const PER_PAGE: i64 = 25;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    page: String,
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage {
    page: Page,
    nav: AdminNav,
    query: ListQuery,
    rows: Vec<JobRow>,
    pager: Pager,
    now: PrimitiveDateTime,
    /// This page, with its filters, for the buttons to come back to.
    here: String,
}

pub async fn list(
    _admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    Query(query): Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filter = JobFilter { q: query.q.chars().take(200).collect(), status: query.status.parse().ok() };
    let number = page_number(&query.page);
    let (rows, total) =
        state.db.run(move |c| admin::search_jobs(c, &filter, PER_PAGE, (number - 1) * PER_PAGE)).await?;
    let base = query_string(&[("q", &query.q), ("status", &query.status)]);
    let pager = Pager::counted(number, PER_PAGE, total, |p| page_link(&base, p));
    let here = format!("/admin/jobs{}", page_link(&base, number));
    render(StatusCode::OK, &JobsPage { page, nav: AdminNav("jobs"), query, rows, pager, now: db::now(), here })
}

/// Where the button sends the admin back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BackForm {
    next: String,
}

async fn moderate(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: i64,
    form: BackForm,
    action: Moderation,
) -> AppResult<HttpResponse> {
    let (actor, ip) = (admin.id, client_ip(&req));
    let done = state.db.run(move |c| actions::admin::moderate_job(c, actor, &ip, id, action)).await?;
    let session = TypedSession::from_request(&req);
    match (done.0, action, done.1) {
        (true, Moderation::Close, title) => session.flash(FlashKind::Success, format!("Closed “{title}”.")),
        (true, Moderation::Delete, title) => session.flash(FlashKind::Success, format!("Deleted “{title}”.")),
        (false, _, title) => session.flash(FlashKind::Error, format!("“{title}” is not open.")),
    }
    Ok(see_other(&safe_next(Some(&form.next)).unwrap_or_else(|| "/admin/jobs".into())))
}

pub async fn close(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> AppResult<HttpResponse> {
    moderate(req, admin, state, id.into_inner(), form, Moderation::Close).await
}

pub async fn delete(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> AppResult<HttpResponse> {
    moderate(req, admin, state, id.into_inner(), form, Moderation::Delete).await
}
