//! The admin's view of the outbox: every e-mail with its state, attempts and
//! last error; a failed one can be sent again.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::path_id;
use crate::auth::{Admin, CsrfForm, FlashKind, NoFields, TypedSession, client_ip};
use crate::db::outbox::{self, MailState, OutboxRow};
use crate::error::AppResult;
use crate::routes::{Page, Pager, render, see_other};
use crate::state::AppState;

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    state: String,
    page: String,
}

#[derive(Template)]
#[template(path = "email/outbox.html")]
struct ListPage {
    page: Page,
    rows: Vec<OutboxRow>,
    counts: Vec<(MailState, i64)>,
    total_all: i64,
    filter: Option<MailState>,
    pager: Pager,
}

impl ListPage {
    fn tab_all(&self) -> &'static str {
        if self.filter.is_none() { "page" } else { "false" }
    }

    fn tab_state(&self, state: &MailState) -> &'static str {
        if self.filter == Some(*state) { "page" } else { "false" }
    }
}

pub async fn list(
    page: Page,
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filter: Option<MailState> = query.state.parse().ok();
    let current = query.page.parse::<i64>().ok().filter(|p| *p >= 1).unwrap_or(1).min(100_000);
    let ((rows, total), counts) = state
        .db
        .run(move |c| {
            let listed = outbox::list(c, filter, (current - 1) * PER_PAGE, PER_PAGE)?;
            Ok::<_, diesel::result::Error>((listed, outbox::counts_by_state(c)?))
        })
        .await?;
    let pager = Pager::counted(current, PER_PAGE, total, |page| match filter {
        Some(state) => format!("/admin/outbox?state={}&page={page}", state.as_str()),
        None => format!("/admin/outbox?page={page}"),
    });
    let total_all = counts.iter().map(|(_, n)| n).sum();
    render(StatusCode::OK, &ListPage { page, rows, counts, total_all, filter, pager })
}

#[derive(Template)]
#[template(path = "email/outbox_email.html")]
struct ShowPage {
    page: Page,
    row: OutboxRow,
}

pub async fn show(
    page: Page,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = path_id(&path)?;
    let row = state.db.run(move |c| outbox::find(c, id)).await?;
    render(StatusCode::OK, &ShowPage { page, row })
}

/// A failed e-mail goes back to the queue, due now, with fresh attempts.
pub async fn retry(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let id = path_id(&path)?;
    let (actor, ip) = (admin.id, client_ip(&req));
    let retried = state.db.run(move |c| crate::actions::mail::retry_failed(c, actor, &ip, id)).await?.is_ok();
    let session = TypedSession::from_request(&req);
    if retried {
        state.outbox.wake();
        session.flash(FlashKind::Success, format!("E-mail #{id} is queued again."));
    } else {
        session.flash(FlashKind::Error, format!("E-mail #{id} has not failed: only failed e-mails can be retried."));
    }
    Ok(see_other(&format!("/admin/outbox/{id}")))
}
