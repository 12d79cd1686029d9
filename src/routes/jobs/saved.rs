//! Saved jobs: a seeker's bookmarks, saved from the list or the job page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::view;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::jobs::{self, SavedJob};
use crate::domain::{JobStatus, Role};
use crate::error::{AppError, AppResult};
use crate::format;
use crate::routes::{Page, render, safe_next, see_other};
use crate::state::AppState;

/// Where to go back to after saving (a path on this site).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BackTo {
    pub next: String,
}

fn back(form: &BackTo, id: i64) -> String {
    safe_next(Some(&form.next)).unwrap_or_else(|| format!("/jobs/{id}"))
}

/// The answer to a save or unsave: for the page's script (it asked for
/// JSON) the new state, so the button toggles in place; for a plain form
/// the message on the page it came from (the card's anchor keeps the place).
fn answer(req: &actix_web::HttpRequest, saved: bool, message: Option<&str>, back: &str) -> HttpResponse {
    if crate::routes::page::wants_json(req) {
        return HttpResponse::Ok().json(serde_json::json!({ "saved": saved, "message": message.unwrap_or_default() }));
    }
    if let Some(message) = message {
        let kind = if saved { FlashKind::Success } else { FlashKind::Info };
        TypedSession::from_request(req).flash(kind, message);
    }
    see_other(back)
}

pub async fn save(
    req: actix_web::HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<BackTo>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let id = super::job_id(&path)?;
    let user_id = user.id;
    state
        .db
        .run(move |c| {
            // Only a job the seeker can see may be saved.
            let job = jobs::find(c, id)?;
            if !job.is_listed(crate::db::now()) {
                return Err(AppError::NotFound);
            }
            jobs::save(c, user_id, id)?;
            Ok(())
        })
        .await?;
    Ok(answer(&req, true, Some("Job saved. Find it under Saved."), &back(&form, id)))
}

pub async fn unsave(
    req: actix_web::HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<BackTo>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let id = super::job_id(&path)?;
    let user_id = user.id;
    let removed = state
        .db
        .run(move |c| {
            // Unknown ids are 404; a closed job can still be taken off the list.
            jobs::find(c, id)?;
            jobs::unsave(c, user_id, id)
        })
        .await?;
    let message = removed.then_some("Job removed from your saved jobs.");
    Ok(answer(&req, false, message, &back(&form, id)))
}

pub struct SavedView {
    pub saved: SavedJob,
    pub listed: bool,
}

impl SavedView {
    pub fn salary(&self) -> Option<String> {
        view::salary(&self.saved.job)
    }

    pub fn company_path(&self) -> String {
        view::company_path(self.saved.job.company_id, &self.saved.company_slug)
    }

    pub fn saved_ago(&self) -> String {
        format::ago(&self.saved.saved_at)
    }
}

#[derive(Template)]
#[template(path = "jobs/saved.html")]
struct SavedPage {
    page: Page,
    items: Vec<SavedView>,
}

pub async fn list(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let user_id = user.id;
    let saved = state.db.run(move |c| jobs::list_saved(c, user_id)).await?;
    let now = crate::db::now();
    let items = saved
        .into_iter()
        .map(|saved| {
            let listed = saved.job.is_listed(now) && saved.job.status == JobStatus::Open;
            SavedView { saved, listed }
        })
        .collect();
    render(StatusCode::OK, &SavedPage { page, items })
}
