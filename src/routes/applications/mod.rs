//! A seeker's applications: apply (`/jobs/{id}/apply`), the list, one
//! application with the history the seeker may see, and withdrawing.

mod apply;

use crate::routes::Routes;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::actions;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, NoFields, TypedSession};
use crate::db::applicants::{self, SeekerApplication, SeekerEvent};
use crate::db::interviews::{self, Interview, Slot};
use crate::db::resumes::{self, Resume};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::routes::{Page, Pager, render, see_other};
use crate::state::AppState;

pub use apply::{ApplyState, MAX_COVER_LETTER, parse_cover_letter};

pub fn routes(r: &mut Routes) {
    r.get("/jobs/{id}/apply", apply::form)
        .post("/jobs/{id}/apply", apply::submit)
        .get("/applications", list)
        .get("/applications/{id}", detail)
        .post("/applications/{id}/withdraw", withdraw)
        .post("/applications/{id}/interview", pick_interview);
}

/// Applications per page of the list.
const PER_PAGE: i64 = 20;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "applications/applications.html")]
struct ApplicationsPage {
    page: Page,
    applications: Vec<SeekerApplication>,
    total: i64,
    pager: Pager,
}

pub async fn list(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let current = query.page.unwrap_or(1).clamp(1, 100_000);
    let user_id = user.id;
    let (applications, total) =
        state.db.run(move |c| applicants::list_for_seeker(c, user_id, PER_PAGE, (current - 1) * PER_PAGE)).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    if current > pages {
        return Err(AppError::NotFound);
    }
    let pager = Pager::of_pages(current, pages, |n| format!("/applications?page={n}"));
    render(StatusCode::OK, &ApplicationsPage { page, applications, total, pager })
}

#[derive(Template)]
#[template(path = "applications/application.html")]
struct ApplicationPage {
    page: Page,
    application: SeekerApplication,
    cover_letter: String,
    /// The resume sent, and whether the seeker can still download it.
    resume: Option<(Resume, bool)>,
    history: Vec<SeekerEvent>,
    /// The interviews of this application, newest first, with the times offered.
    interviews: Vec<(Interview, Vec<Slot>)>,
}

pub async fn detail(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let (id, user_id) = (path.into_inner(), user.id);
    let found = state
        .db
        .run(move |c| {
            let Some(application) = applicants::find_for_seeker(c, id, user_id)? else {
                return Ok::<_, AppError>(None);
            };
            let record = applicants::find(c, id)?;
            let resume = match record.resume_id {
                Some(rid) => Some(resumes::find(c, rid)?),
                None => None,
            };
            let history = applicants::history_for_seeker(c, id)?;
            let interviews = interviews::of_applicant(c, id)?;
            Ok(Some((application, record.cover_letter, resume, history, interviews)))
        })
        .await?;
    let (application, cover_letter, resume, history, interviews) = found.ok_or(AppError::NotFound)?;
    let resume = resume.map(|r| {
        let downloadable = r.user_id == Some(user_id) && r.deleted_at.is_none();
        (r, downloadable)
    });
    render(StatusCode::OK, &ApplicationPage { page, application, cover_letter, resume, history, interviews })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PickForm {
    pub interview: String,
    pub slot: String,
}

/// `POST /applications/{id}/interview`: the seeker picks one of the times
/// offered; both sides get the calendar invite, the interviewer a notification.
pub async fn pick_interview(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<PickForm>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let (id, seeker) = (path.into_inner(), user.id);
    let (interview, slot) = (form.interview.trim().parse::<i64>().ok(), form.slot.trim().parse::<i64>().ok());
    let (settings, choice) = (state.settings.clone(), interview.zip(slot));
    let picked = state.db.run(move |c| actions::interviews::pick(c, &settings, seeker, id, choice)).await?;
    let Ok(interviewer) = picked else {
        return Err(AppError::Unprocessable("that time is no longer on offer".into()));
    };
    state.outbox.wake();
    state.hub.poke(&interviewer.into_iter().collect::<Vec<_>>());
    TypedSession::from_request(&req)
        .flash(FlashKind::Success, "Your interview is scheduled: the calendar invitation is in your inbox.");
    Ok(see_other(&format!("/applications/{id}#interviews")))
}

/// Withdraws the seeker's application: it stays in the company's list,
/// marked withdrawn and closed; the company's employers are told.
pub async fn withdraw(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let (id, user_id) = (path.into_inner(), user.id);
    let outcome = state.db.run(move |c| actions::applications::withdraw(c, id, user_id)).await?;
    let employer_ids = outcome.ok_or(AppError::NotFound)?;
    state.hub.poke(&employer_ids);
    TypedSession::from_request(&req).flash(FlashKind::Success, "Your application is withdrawn.");
    Ok(see_other(&format!("/applications/{id}")))
}
